"""Highlights and snippets (search/query/snippets.py), and "did you mean" (search/query/suggest.py), each
on its own: a broken window choice, mark or suggestion rule fails here, not only in an
end-to-end test."""

import re

import pytest

from search.analysis import find_words, words
from search.query.snippets import Marks, has_run, highlight, snippet
from search.query.suggest import suggest
from search.spelling import PairCounts


def marks(*words, runs=(), prefixes=()):
    return Marks(frozenset(words), tuple(prefixes), frozenset(), tuple(runs))


def test_marks_keep_the_written_accents_and_escape_the_rest():
    assert (
        highlight("Giá <b>vàng</b> & bạc", marks("vang"))
        == "Giá &lt;b&gt;<mark>vàng</mark>&lt;/b&gt; &amp; bạc"
    )
    assert highlight("HOÀ BÌNH", marks("hoa")) == "<mark>HOÀ</mark> BÌNH"  # old tone placement, caps


def test_adjacent_marks_become_one_and_prefixes_mark_whole_words():
    assert highlight("hợp tác xã", marks("hop", "tac")) == "<mark>hợp tác</mark> xã"
    assert highlight("Nghệ An, nghiêng", marks(prefixes=("nghe",))) == "<mark>Nghệ</mark> An, nghiêng"


def test_a_run_is_marked_whole_or_not_at_all():
    text = "Họp bàn hợp tác với đối tác"
    assert highlight(text, marks(runs=[("hop", "tac")])) == "Họp bàn <mark>hợp tác</mark> với đối tác"
    assert highlight("Họp với đối tác", marks(runs=[("hop", "tac")])) == "Họp với đối tác"


def test_has_run_allows_punctuation_but_not_words_between():
    assert has_run("Ủy ban, nhân dân tỉnh", ["uy", "ban", "nhan", "dan"])
    assert not has_run("Ủy ban tỉnh nhân dân", ["uy", "ban", "nhan", "dan"])


def _has_run_by_words(text: str, words: list[str]) -> bool:
    """has_run as find_words's words tell it (the path its regular expression stands in for)."""
    found = find_words(text, frozenset(words))
    return any(
        [term for _, _, term in found[at : at + len(words)]] == words
        and not any(
            re.search(r"\w", text[a[1] : b[0]]) for a, b in zip(found[at:], found[at + 1 : at + len(words)])
        )
        for at in range(len(found) - len(words) + 1)
    )


@pytest.mark.parametrize(
    "text",
    [
        "Ủy ban, nhân dân tỉnh; ỦY BAN NHÂN DÂN",
        "Ủy ban tỉnh nhân dân",
        "U\u0309y ban nha\u0302n da\u0302n (NFD)",
        "ủy_ban nhân-dân, ủy ban\u0301 nhân \u0301 dân",
        "Москва и hợp tác, hợp — tác… xã; Zürich hợp tác xã",
        "hợp\n\ntác 😀 xã, hợp tác² xã, ǅ hợp tác",
        "x" * 70 + " hop tac " + "a" * 64 + " hop " + "b" * 63 + " tac",
        "Hợp tác 2025, 18h30 hợp1 tác ĐÀ NẴNG Ðà Nẵng",
    ],
)
def test_has_run_finds_what_the_words_of_the_text_give(text):
    found = [w.folded for w in words(text)]
    runs = [found[i:j] for i in range(len(found)) for j in range(i + 1, min(len(found), i + 4) + 1)]
    runs += [["uy", "ban", "nhan", "dan"], ["hop", "tac", "xa"], ["a" * 64], ["b" * 63, "tac"], ["ủy"]]
    for run in runs:
        assert has_run(text, run) == _has_run_by_words(text, run), run


def test_the_snippet_is_the_window_with_the_most_distinct_words():
    filler = "Một câu không liên quan gì đến chủ đề. " * 12
    text = filler + "Giá vàng hôm nay tăng mạnh. " + filler + "Vàng. " + filler
    shown = snippet(text, marks("gia", "vang", "tang"), chars=120)
    assert "<mark>Giá vàng</mark> hôm nay <mark>tăng</mark>" in shown
    assert shown.startswith("… ") and shown.endswith(" …") and len(shown) < 200


def test_a_snippet_without_matches_is_the_start_of_the_text():
    text = "Đoạn mở đầu của bài. " * 30
    assert snippet(text, marks("xyz"), chars=60).startswith("Đoạn mở đầu")


class FakeSearcher:
    """Document frequencies, as an engine gives them."""

    plain_spellings = True

    def __init__(self, folded: dict, exact: dict):
        self.folded, self.exact = folded, exact

    def doc_count(self) -> int:
        return 100

    def doc_frequency(self, form: str, term: str) -> int:
        return (self.folded if form == "folded" else self.exact if form == "exact" else {}).get(term, 0)


def test_did_you_mean_follows_the_pairs_the_corpus_writes():
    searcher = FakeSearcher({"gia": 50, "vang": 40}, {"giá": 30, "gia": 25, "vàng": 35, "vang": 1})
    pairs = PairCounts()
    pairs.add_pairs(["giá_vàng"] * 9 + ["gia_đình"] * 3)
    assert suggest(searcher, ["gia", "vang"], pairs) == "giá vàng"
    assert suggest(searcher, ["giá", "vàng"], pairs) is None  # typed right
    assert suggest(searcher, ["xyzq"], pairs) is None  # nothing in the corpus near it
