"""Words, not syllables: typed syllables the corpus writes together are one word, highlighted
as a run and never given up for one of its syllables; the fallback leaves out whole words."""

import pytest

from search.live import open_index
from search.query import search
from search.query.parse import parse
from search.query.segment import words

pytestmark = pytest.mark.usefixtures("engine")

PAGES = {
    "hop-tac.txt": "Việt Nam và Nhật Bản tăng cường hợp tác kinh tế\n\n"
    "Hai nước ký thỏa thuận hợp tác về năng lượng. Các đối tác cam kết đầu tư. "
    "Cuộc họp diễn ra tại Hà Nội trong hai ngày.",
    "hop-bao.txt": "Cuộc họp báo của đối tác nước ngoài\n\n"
    "Buổi họp báo diễn ra sáng nay, các đối tác trả lời câu hỏi của phóng viên.",
    "noi.txt": "Người dân nói gì về giá xăng\n\n"
    "Nhiều người nói rằng giá xăng tăng làm chi phí sinh hoạt tăng theo.",
    "ha-noi.txt": "Hà Nội mở thêm tuyến xe buýt điện\n\n"
    "Thành phố Hà Nội đưa vào khai thác tuyến xe buýt điện mới nối trung tâm với sân bay.",
}


@pytest.fixture(scope="module")
def searcher(build, tmp_path_factory):
    """A searcher of PAGES alone (the assertions name every page that matches)."""
    corpus = tmp_path_factory.mktemp("words")
    for name, text in PAGES.items():
        (corpus / name).write_text(text)
    with open_index(build(corpus)).searcher() as searcher:
        yield searcher


def test_syllables_written_together_are_one_word(searcher):
    assert [w.text for w in words(parse("hop tac kinh te"), searcher)] == ["hop tac", "kinh te"]
    assert [w.text for w in words(parse("ha noi xe buyt"), searcher)] == ["ha noi", "xe buyt"]
    # Never side by side in the corpus: one word it does not hold, or two? It cannot tell, so
    # Vietnamese syllables stay together (the fallback never splits them); others do not.
    assert [w.text for w in words(parse("xang ha"), searcher)] == ["xang ha"]
    assert [w.text for w in words(parse("xang ferry ha"), searcher)] == ["xang", "ferry", "ha"]


def test_a_word_is_marked_as_a_run_not_its_syllables(searcher):
    page = search(searcher, "hop tac")
    hit = next(hit for hit in page.results if hit.path.endswith("hop-tac.txt"))
    assert "<mark>hợp tác</mark>" in hit.snippet
    assert "<mark>họp</mark>" not in hit.snippet.lower() and "đối <mark>" not in hit.snippet


def test_a_word_matches_only_where_its_syllables_stand_together(searcher):
    page = search(searcher, "hop tac")  # hop-bao has "họp" and "đối tác", never "hợp tác"
    assert [hit.path.rsplit("/", 1)[1] for hit in page.results] == ["hop-tac.txt"]
    assert search(searcher, "họp tác").total == 1  # accents still optional: the same word


def test_one_word_never_falls_back_to_a_syllable(searcher):
    page = search(searcher, "ha noi gia xang")  # no article has both words
    missing = {hit.path.rsplit("/", 1)[1]: hit.missing for hit in page.results}
    # "hà nội" is in two articles, "giá xăng" in one: the more common word is left out, whole.
    assert missing == {"noi.txt": ["ha noi"]}
    assert [(n.code, n.words) for n in page.notices] == [("all_but_one", ("ha noi",))]
    only_ha_noi = search(searcher, "ha noi dien gio")
    assert all(hit.path.rsplit("/", 1)[1] != "noi.txt" for hit in only_ha_noi.results)
    assert search(searcher, "hop tac xyzq").results == [] or all(
        hit.missing == ["xyzq"] for hit in search(searcher, "hop tac xyzq").results
    )


def test_all_words_but_one_and_which_one_is_missing(searcher):
    page = search(searcher, "xe buyt dien gia xang")  # three words, no article has all
    assert [n.code for n in page.notices] == ["all_but_one"]
    assert [hit.path.rsplit("/", 1)[1] for hit in page.results] == ["ha-noi.txt"]
    assert page.results[0].missing == ["gia xang"]
    assert page.to_json()["results"][0]["missing"] == ["gia xang"]
