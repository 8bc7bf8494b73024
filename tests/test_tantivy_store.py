"""The tantivy engine's stored articles: zstd frames with a dictionary the index's first writer
trains, read back from any thread, by any later writer and searcher."""

import json
import random
import threading
from pathlib import Path

import pytest
import zstandard

from search.engines import tantivy as tantivy_engine
from search.engines import tantivy_store
from search.engines.tantivy_store import DICTIONARY, Packer, Unpacker
from search.index import index_corpus
from search.live import open_index

SENTENCE = "hợp tác kinh tế phát triển bền vững người dân địa phương thủy điện sông Đà mùa mưa bão"
SYLLABLES = SENTENCE.split()


def _articles(count: int, seed: int = 1) -> list[bytes]:
    """Stored articles as tantivy.prepare() makes them."""
    draw = random.Random(seed)
    return [
        json.dumps(
            {
                "doc_id": f"{n:012x}",
                "path": f"/corpus/{n}.txt",
                "title": " ".join(draw.choices(SYLLABLES, k=12)),
                "body": " ".join(draw.choices(SYLLABLES, k=draw.randint(50, 400))),
                "captions": [],
                "date": None,
                "site": "corpus",
                "url": None,
                "byline": None,
                "content_hash": f"{n:032x}",
            },
            ensure_ascii=False,
        ).encode("utf-8")
        for n in range(count)
    ]


def test_a_dictionary_is_trained_and_written_before_anything_is_packed(tmp_path):
    articles = _articles(300)
    packer = Packer(tmp_path)
    assert not packer.ready and not (tmp_path / DICTIONARY).exists()
    packer.train(articles)
    assert packer.ready and len((tmp_path / DICTIONARY).read_bytes()) > 1000
    packed = [packer.pack(article) for article in articles]
    assert all(zstandard.get_frame_parameters(frame).dict_id for frame in packed)
    assert sum(map(len, packed)) < sum(map(len, articles)) / 2
    unpacker = Unpacker(tmp_path)
    assert [unpacker.unpack(frame) for frame in packed] == articles
    # A later writer packs with the same dictionary, without training again.
    again = Packer(tmp_path)
    assert again.ready and unpacker.unpack(again.pack(articles[0])) == articles[0]


def test_too_few_articles_to_train_on_mean_plain_frames_and_no_dictionary_yet(tmp_path):
    articles = _articles(tantivy_store.MIN_TRAINING_ARTICLES - 1)
    packer = Packer(tmp_path)
    assert not packer.train(articles)
    assert not (tmp_path / DICTIONARY).exists() and not packer.ready
    frames = [packer.pack(article) for article in articles]
    assert not any(zstandard.get_frame_parameters(frame).dict_id for frame in frames)
    assert [Unpacker(tmp_path).unpack(frame) for frame in frames] == articles


def test_a_frame_whose_dictionary_is_gone_says_so(tmp_path):
    packer = Packer(tmp_path)
    packer.train(_articles(300))
    frame = packer.pack(_articles(1)[0])
    (tmp_path / DICTIONARY).unlink()
    Packer(tmp_path).train(_articles(300, seed=2))  # another dictionary in its place
    with pytest.raises(ValueError, match="rebuild the index"):
        Unpacker(tmp_path).unpack(frame)


def test_plain_json_is_read_as_it_is(tmp_path):
    stored = '{"title": "Hà Nội"}'.encode()  # as indexes before zstd stored articles
    assert Unpacker(tmp_path).unpack(stored) == stored


def test_an_unpacker_made_before_the_dictionary_reads_it_when_first_needed(tmp_path):
    unpacker = Unpacker(tmp_path)  # a searcher opened before the first commit
    packer = Packer(tmp_path)
    articles = _articles(200)
    packer.train(articles)
    assert unpacker.unpack(packer.pack(articles[7])) == articles[7]


def test_threads_unpack_side_by_side(tmp_path):
    articles = _articles(200)
    packer = Packer(tmp_path)
    packer.train(articles)
    frames = [packer.pack(article) for article in articles]
    unpacker, wrong = Unpacker(tmp_path), []

    def read():
        for _ in range(5):
            wrong.extend(n for n, frame in enumerate(frames) if unpacker.unpack(frame) != articles[n])

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []


@pytest.fixture
def many_pages(tmp_path):
    """150 text dumps: more than the (lowered) number of articles the dictionary waits for."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    draw = random.Random(3)
    for n in range(150):
        paragraphs = [" ".join(draw.choices(SYLLABLES, k=40)).capitalize() + "." for _ in range(5)]
        (folder / f"{n:03}.txt").write_text(
            f"Bài số {n} về thủy điện\n" + "\n".join(paragraphs), encoding="utf-8"
        )
    return folder


def test_an_index_holds_its_first_articles_back_until_the_dictionary_is_trained(
    many_pages, tmp_path, monkeypatch
):
    monkeypatch.setattr("search.engines.tantivy.TRAINING_ARTICLES", 120)
    index_dir = tmp_path / "index"
    index_corpus([many_pages], index_dir, engine="tantivy")
    dictionary = next(index_dir.glob(f"gen-*/{DICTIONARY}")).read_bytes()
    assert dictionary  # trained on the first 120 articles
    assert _articles_read_back(index_dir) == {path.name for path in many_pages.iterdir()}

    # An update packs with the same dictionary; its articles read back as the others do.
    draw = random.Random(4)
    edited = [" ".join(draw.choices(SYLLABLES, k=60)).capitalize() + "." for _ in range(3)]
    (many_pages / "000.txt").write_text("Bài sửa lại\n" + "\n".join(edited), encoding="utf-8")
    index_corpus([many_pages], index_dir)
    assert next(index_dir.glob(f"gen-*/{DICTIONARY}")).read_bytes() == dictionary
    assert _articles_read_back(index_dir) == {path.name for path in many_pages.iterdir()}


def _articles_read_back(index_dir) -> set[str]:
    """The names of the files whose article reads back whole (its body is in its file)."""
    found = set()
    with open_index(index_dir).searcher() as searcher:
        for doc_id in searcher.indexed_hashes():
            article = searcher.article(doc_id)
            page = Path(article.path)
            if article.body and article.body in page.read_text(encoding="utf-8"):
                found.add(page.name)
    return found


def test_an_article_deleted_while_held_back_is_gone_and_the_others_stay(tmp_path, monkeypatch):
    monkeypatch.setattr("search.engines.tantivy.TRAINING_ARTICLES", 150)
    writer = tantivy_engine.create(tmp_path)
    for n, stored in enumerate(_articles(120)):
        doc_id = f"{n:012x}"
        fields = {"doc_id": doc_id, "alias": doc_id, "path": f"/{n}.txt", "stored": stored}
        writer.add(dict(fields, text="hop tac", exact="hợp tác", pairs="hop_tac"), doc_id, False)
    writer.delete(f"{7:012x}")  # held: the dictionary waits for 150 articles
    writer.commit()
    assert (tmp_path / DICTIONARY).read_bytes()  # trained at the commit, on the 119 left
    with tantivy_engine.open_index(tmp_path).searcher() as searcher:
        assert searcher.doc_count() == 119
        assert searcher.article(f"{7:012x}") is None
        assert searcher.article(f"{8:012x}").title == json.loads(_articles(120)[8])["title"]


def test_a_checkpoint_before_enough_articles_adds_them_plain_and_trains_later(tmp_path, monkeypatch):
    monkeypatch.setattr("search.engines.tantivy.TRAINING_ARTICLES", 150)
    writer = tantivy_engine.create(tmp_path)
    articles = _articles(200)
    for n, stored in enumerate(articles):
        doc_id = f"{n:012x}"
        fields = {"doc_id": doc_id, "alias": doc_id, "path": f"/{n}.txt", "stored": stored}
        writer.add(dict(fields, text="hop tac", exact="hợp tác", pairs="hop_tac"), doc_id, False)
        if n == 49:
            writer.checkpoint()  # 50 held: too few to train on; committed as plain frames
            assert not (tmp_path / DICTIONARY).exists()
    assert (tmp_path / DICTIONARY).exists()  # trained at 150, on the 50 committed and 100 held
    writer.commit()
    with tantivy_engine.open_index(tmp_path).searcher() as searcher:
        assert searcher.doc_count() == 200
        for n in (0, 49, 50, 199):
            assert searcher.article(f"{n:012x}").title == json.loads(articles[n])["title"]


def test_a_missing_dictionary_file_says_so(tmp_path):
    packer = Packer(tmp_path)
    packer.train(_articles(300))
    frame = packer.pack(_articles(1)[0])
    (tmp_path / DICTIONARY).unlink()
    with pytest.raises(ValueError, match="missing: rebuild the index"):
        Unpacker(tmp_path).unpack(frame)
