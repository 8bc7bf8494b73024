"""What both engines must do alike, seen through the library (engine internals aside)."""

import pytest

from search.generations import index_info
from search.index import build_index, index_corpus
from search.live import open_index
from search.query import search
from tests.paths import DATA

pytestmark = pytest.mark.usefixtures("engine")  # each test runs on every engine


def test_the_index_records_its_engine_and_queries_open_it(engine, index_dir):
    assert index_info(index_dir)["engine"] == engine
    with open_index(index_dir).searcher() as searcher:
        assert search(searcher, "ferry").total == 1


def test_rebuild_with_another_engine_converts_the_index(engine, build):
    other = "tantivy" if engine == "whoosh" else "whoosh"
    index_dir = build(DATA / "en")
    report = index_corpus([DATA / "en"], index_dir, rebuild=True, engine=other)
    assert report.rebuilt and index_info(index_dir)["engine"] == other
    assert len(list(index_dir.glob("gen-*"))) == 1
    with open_index(index_dir).searcher() as searcher:
        assert search(searcher, "ferry").total == 1


def test_accented_text_is_not_taken_for_longer_text(build, tmp_path):
    # The same words, once with accents and once without: one occurrence of "hop" in a body
    # of the same number of words must score the same (folded plus exact terms would
    # otherwise make the accented body count twice as long in BM25's length normalization).
    words = "hợp tác kinh tế giữa hai nước được đẩy mạnh trong năm nay với nhiều dự án mới"
    plain = "hop tac kinh te giua hai nuoc duoc day manh trong nam nay voi nhieu du an moi"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    filler = "Bài viết số {n} của chuyên mục, đăng lúc sáng nay."
    (corpus / "accented.txt").write_text(f"Tin một\n{words}.\n{filler.format(n=1)}\n")
    (corpus / "plain.txt").write_text(f"Tin hai\n{plain}.\n{filler.format(n=2)}\n")
    with open_index(build(corpus)).searcher() as searcher:
        page = search(searcher, "kinh te")
    assert page.total == 2
    first, second = page.results
    assert first.score == pytest.approx(second.score, rel=1e-3)


def test_an_unknown_engine_is_refused(tmp_path):
    with pytest.raises(ValueError, match="whoosh, tantivy"):
        build_index([DATA / "en"], tmp_path / "ix", engine="lucene")


def test_a_damaged_index_says_how_to_rebuild(build):
    from search.generations import IndexNotFound, current_generation

    index_dir = build(DATA / "en")
    generation = current_generation(index_dir)
    for path in generation.iterdir():
        if path.name not in {"index.json", "files.sqlite", "template.json"}:
            path.unlink() if path.is_file() else None
    with pytest.raises(IndexNotFound, match="--rebuild"), open_index(index_dir).searcher() as searcher:
        search(searcher, "ferry")


def test_totals_count_every_match_on_every_page(build, tmp_path):
    # Whoosh's top-N collector drops documents that cannot reach the top as it goes; counted
    # that way, a total fell short once there were more matches than hits kept.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(150):
        filler = " ".join(["bài viết"] * (number % 17))
        words = "hợp tác" if number % 3 else "tác động của hợp đồng"
        (corpus / f"{number:03d}.txt").write_text(
            f"Tin số {number}\nHai bên bàn về {words} trong năm {2000 + number}. {filler}\n"
        )
    index_dir = build(corpus)
    with open_index(index_dir).searcher() as searcher:
        totals = {
            search(searcher, text, page=page, limit=10).total
            for text in ["hop tac", "hợp tác", "hop OR dong"]
            for page in (1, 3, 15)
        }
    # 100 pages have "hợp tác" side by side (ten or more do: those are the results); all 150
    # have both syllables, and the third query matches all of them.
    assert totals == {100, 150}
    with open_index(index_dir).searcher() as searcher:
        assert {search(searcher, "hợp tác", page=p, limit=10).total for p in (1, 9)} == {100}
        assert search(searcher, "hop OR dong", page=2).total == 150


def test_a_tantivy_index_of_another_field_order_answers(tmp_path, monkeypatch):
    # tantivy queries name a field by its number in the schema: a searcher asks with its
    # index's own schema, so an index of another version answers while a rebuild is written.
    import tantivy

    from search.engines import tantivy as engine

    class Swapped:  # the engine's schema with the text and title fields in each other's place
        def __init__(self):
            self.calls = []

        def __getattr__(self, name):
            return lambda *args, **options: self.calls.append((name, args, options))

        def build(self):
            at = [n for n, (name, args, _) in enumerate(self.calls) if args[:1] in (("text",), ("title",))]
            self.calls[at[0]], self.calls[at[1]] = self.calls[at[1]], self.calls[at[0]]
            real = builder()
            for name, args, options in self.calls:
                getattr(real, name)(*args, **options)
            return real.build()

    builder = tantivy.SchemaBuilder
    monkeypatch.setattr(tantivy, "SchemaBuilder", Swapped)
    monkeypatch.setattr(engine, "SCHEMA", engine._schema())
    monkeypatch.setattr(tantivy, "SchemaBuilder", builder)
    (tmp_path / "a.txt").write_text("Lũ ở miền Trung\nMưa lớn gây lũ quét tại nhiều xã miền núi.\n")
    index_dir = tmp_path / "index"
    build_index([str(tmp_path / "a.txt")], index_dir, engine="tantivy")
    monkeypatch.undo()
    with open_index(index_dir).searcher() as searcher:
        assert search(searcher, "lũ quét").total == 1  # words of the body only: the text field
        assert search(searcher, "title:trung").total == 1
        assert search(searcher, "title:quét").total == 0
