"""Each Vietnamese text rule on its own."""

import unicodedata

import pytest

from search.analysis import find_words, fold_term, syllables, term_streams, words
from search.normalize import canonical, has_accents

WORDS, PAIRS = "words", "pairs"


def terms(kind: str, text: str) -> list[str]:
    """The terms analysis makes of a text: each word folded, then exact where different."""
    if kind == PAIRS:
        return term_streams(text)[2].split()
    return [form for word in words(text) for form in dict.fromkeys((word.folded, word.exact))]


OLD_NEW = [
    ("òa", "oà"),
    ("óa", "oá"),
    ("ỏa", "oả"),
    ("õa", "oã"),
    ("ọa", "oạ"),
    ("òe", "oè"),
    ("óe", "oé"),
    ("ỏe", "oẻ"),
    ("õe", "oẽ"),
    ("ọe", "oẹ"),
    ("ùy", "uỳ"),
    ("úy", "uý"),
    ("ủy", "uỷ"),
    ("ũy", "uỹ"),
    ("ụy", "uỵ"),
]


@pytest.mark.parametrize("old, new", OLD_NEW)
def test_both_tone_placements_are_one_term(old, new):
    for word_old, word_new in [
        ("h" + old, "h" + new),
        ("H" + old, "H" + new),
        ("H" + old.upper(), "H" + new.upper()),
    ]:
        assert syllables(word_old) == syllables(word_new)
        assert terms(WORDS, word_old) == terms(WORDS, word_new)
        assert canonical(word_new) == word_old


def test_tone_placement_is_left_alone_where_it_is_not_a_variant():
    # The mark belongs to "a" before a final consonant, and to "y" after "qu".
    assert canonical("hoàn thành quý thuyền Hoàng") == "hoàn thành quý thuyền Hoàng"


def test_nfd_input_gives_the_same_terms_as_nfc():
    nfc_text = "Thủ tướng Phạm Minh Chính thăm Đà Nẵng"
    nfd_text = unicodedata.normalize("NFD", nfc_text)
    assert nfd_text != nfc_text
    assert terms(WORDS, nfd_text) == terms(WORDS, nfc_text)
    assert [fold_term(s) for s in syllables(nfd_text)] == [
        "thu",
        "tuong",
        "pham",
        "minh",
        "chinh",
        "tham",
        "da",
        "nang",
    ]


def test_matching_is_case_insensitive():
    assert terms(WORDS, "VIỆT NAM") == terms(WORDS, "việt nam") == ["viet", "việt", "nam"]


def test_d_with_stroke_folds_to_d_and_lookalikes_are_d_with_stroke():
    assert [fold_term(s) for s in syllables("Đường đi")] == ["duong", "di"]
    assert syllables("Ðà Nẵng ðường Ɖông") == ["đà", "nẵng", "đường", "đông"]


def test_one_letter_syllables_are_terms():
    assert syllables("ý kiến ở Ô Môn, à") == ["ý", "kiến", "ở", "ô", "môn", "à"]
    assert terms(WORDS, "ý ở ô") == ["y", "ý", "o", "ở", "o", "ô"]


def test_cyrillic_names_transliterate():
    assert terms(WORDS, "Москва") == ["moskva", "москва"]


def test_no_stop_words_and_no_stemming():
    assert terms(WORDS, "the meetings of the association") == ["the", "meetings", "of", "the", "association"]


def test_accent_detection():
    assert has_accents("cá") and has_accents("đi") and not has_accents("Hanoi")


def test_pairs_are_folded_syllable_bigrams_and_accented_ones_are_counted_apart():
    from search.analysis import exact_pairs

    assert terms(PAIRS, "Hợp tác Việt Nam") == ["hop_tac", "tac_viet", "viet_nam"]
    assert exact_pairs("Hợp tác Việt Nam, in Hanoi") == ["hợp_tác", "tác_việt", "việt_nam"]


def test_folded_and_exact_terms_share_a_position():
    from search.engines.whoosh import WORDS as whoosh_words

    tokens = [(t.text, t.pos) for t in whoosh_words("Hợp tác", positions=True)]
    assert tokens == [("hop", 0), ("hợp", 0), ("tac", 1), ("tác", 1)]
    folded, exact, pairs = term_streams("Hợp tác, Zürich")
    assert folded.split() == ["hop", "tac", "zurich"] and exact.split() == ["hợp", "tác", "zürich"]
    assert pairs.split() == ["hop_tac", "tac_zurich"]


@pytest.mark.parametrize(
    "text",
    [
        "Họp bàn hợp tác ở Zürich và Москва, HỢP TÁC",
        "Nguyễn café straße ǅ ÐÀ",
        "x" * 70 + " y",
        "số 2025-03 và 18h30, «Hòa» hoà HOÀ",
    ],
)
def test_find_words_gives_the_words_analysis_gives(text):
    import random

    found = words(text)
    rng = random.Random(text)
    for _ in range(100):
        wanted = frozenset(rng.sample([w.folded for w in found], min(3, len(found))))
        prefixes = tuple(w.folded[: rng.randint(1, 4)] for w in rng.sample(found, 1))
        expected = [
            (w.start, w.end, w.folded) for w in found if w.folded in wanted or w.folded.startswith(prefixes)
        ]
        assert find_words(text, wanted, prefixes) == expected


def test_other_letters_are_told_apart_from_the_rest_character_by_character():
    from search.analysis import _HAS_OTHER, _has_other_letters

    for code in [*range(0x3000), *range(0x1E00, 0x2100), 0xFEFF, 0x1F600, 0x1D400, 0x20000]:
        text = f"Hợp tác {chr(code)} xã"
        assert _has_other_letters(text) == (_HAS_OTHER.search(text) is not None), hex(code)
