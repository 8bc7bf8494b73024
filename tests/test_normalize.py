"""Each Vietnamese text rule on its own."""

import unicodedata

import pytest

from search.analysis import EXACT, FOLDED, PAIRS, terms
from search.normalize import canonical, fold, has_accents

OLD_NEW = [
    ("òa", "oà"), ("óa", "oá"), ("ỏa", "oả"), ("õa", "oã"), ("ọa", "oạ"),
    ("òe", "oè"), ("óe", "oé"), ("ỏe", "oẻ"), ("õe", "oẽ"), ("ọe", "oẹ"),
    ("ùy", "uỳ"), ("úy", "uý"), ("ủy", "uỷ"), ("ũy", "uỹ"), ("ụy", "uỵ"),
]


@pytest.mark.parametrize("old, new", OLD_NEW)
def test_both_tone_placements_are_one_term(old, new):
    for word_old, word_new in [("h" + old, "h" + new), ("H" + old, "H" + new),
                               ("H" + old.upper(), "H" + new.upper())]:
        assert terms(EXACT, word_old) == terms(EXACT, word_new)
        assert canonical(word_new) == word_old


def test_tone_placement_is_left_alone_where_it_is_not_a_variant():
    # The mark belongs to "a" before a final consonant, and to "y" after "qu".
    assert canonical("hoàn thành quý thuyền Hoàng") == "hoàn thành quý thuyền Hoàng"


def test_nfd_input_gives_the_same_terms_as_nfc():
    nfc_text = "Thủ tướng Phạm Minh Chính thăm Đà Nẵng"
    nfd_text = unicodedata.normalize("NFD", nfc_text)
    assert nfd_text != nfc_text
    assert terms(EXACT, nfd_text) == terms(EXACT, nfc_text)
    assert terms(FOLDED, nfd_text) == ["thu", "tuong", "pham", "minh", "chinh", "tham", "da", "nang"]


def test_matching_is_case_insensitive():
    assert terms(EXACT, "VIỆT NAM") == terms(EXACT, "việt nam") == ["việt", "nam"]


def test_d_with_stroke_folds_to_d_and_lookalikes_are_d_with_stroke():
    assert terms(FOLDED, "Đường đi") == ["duong", "di"]
    assert terms(EXACT, "Ðà Nẵng ðường Ɖông") == ["đà", "nẵng", "đường", "đông"]


def test_one_letter_syllables_are_terms():
    assert terms(EXACT, "ý kiến ở Ô Môn, à") == ["ý", "kiến", "ở", "ô", "môn", "à"]
    assert terms(FOLDED, "ý ở ô") == ["y", "o", "o"]


def test_cyrillic_names_transliterate():
    assert terms(FOLDED, "Москва") == ["moskva"]


def test_no_stop_words_and_no_stemming():
    assert terms(FOLDED, "the meetings of the association") == [
        "the", "meetings", "of", "the", "association"
    ]


def test_folding_is_cached():
    fold.cache_clear()
    for _ in range(3):
        fold("nghiêng")
    info = fold.cache_info()
    assert (info.misses, info.hits) == (1, 2)


def test_accent_detection():
    assert has_accents("cá") and has_accents("đi") and not has_accents("Hanoi")


def test_pairs_are_folded_syllable_bigrams():
    assert terms(PAIRS, "Hợp tác Việt Nam") == ["hop_tac", "tac_viet", "viet_nam"]
