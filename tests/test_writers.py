"""One writer at a time, crash recovery and stable ids, on every engine. (The kill -9 loops and
concurrent runs at scale are in tests/stress/.)"""

import os
import shutil
import subprocess
import sys
import threading
import time

import pytest

from search.generations import LOCK, WriterLock, current_generation
from search.index import index_corpus
from search.live import open_index
from search.manifest import MANIFEST, Manifest
from search.pipeline import alias_id, doc_id
from tests.paths import DATA

pytestmark = pytest.mark.usefixtures("engine")
PAGES = [
    DATA / "vi" / name
    for name in ("ca-bien.txt", "ca-phe.txt", "gia-dinh.txt", "suc-khoe.txt", "thuy-dien.txt")
]


def _copy_pages(folder):
    folder.mkdir()
    for source in PAGES[:4]:
        shutil.copy(source, folder / source.name)
    return folder


@pytest.fixture
def corpus(tmp_path):
    """Four pages in a folder of their own, to change."""
    return _copy_pages(tmp_path / "corpus")


@pytest.fixture(scope="module")
def built_as_typed(build, tmp_path_factory):
    """Four pages indexed as `corpus`, typed relative to its parent folder (ids were made from
    the path as typed before they were made from the resolved path): (the folder, the index)."""
    folder = _copy_pages(tmp_path_factory.mktemp("typed") / "corpus")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder.parent)
        return folder, build("corpus")


def _documents(index_dir) -> dict[str, str]:
    with open_index(index_dir).searcher() as searcher:
        assert searcher.doc_count() == len(searcher.indexed_hashes())
        return searcher.indexed_hashes()


def test_a_second_writer_waits_for_the_first(tmp_path):
    index_dir = tmp_path / "index"
    said, order = [], []
    with WriterLock(index_dir):
        assert "pid" in (index_dir / LOCK).read_text()

        def second():
            with WriterLock(index_dir, on_wait=said.append):
                order.append("second")

        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.3)
        order.append("first done")
    thread.join(10)
    assert order == ["first done", "second"]
    assert said and f"pid {os.getpid()}" in said[0]


def test_the_lock_of_a_killed_writer_is_free(tmp_path):
    index_dir = tmp_path / "index"
    code = (
        "import sys, time; from search.generations import WriterLock\n"
        f"WriterLock({str(index_dir)!r}).__enter__(); print('held', flush=True); time.sleep(60)"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    holder.kill()
    holder.wait()
    said = []
    with WriterLock(index_dir, on_wait=said.append):
        pass
    assert said == []


def test_an_update_waits_for_a_rebuild_and_keeps_its_edits(build, corpus):
    index_dir = build(corpus)
    edited = sorted(corpus.iterdir())[0]
    results = {}
    with WriterLock(index_dir):  # as if a rebuild were running
        thread = threading.Thread(
            target=lambda: results.update(
                report=index_corpus([corpus], index_dir, say=lambda m: results.setdefault("said", m))
            )
        )
        thread.start()
        time.sleep(0.3)
        edited.write_text(edited.read_text().replace("Những ngày qua", "Zyxwvu ngày qua"))
        assert "report" not in results
    thread.join(60)
    assert "waiting" in results["said"]
    assert results["report"].changed == 1
    with open_index(index_dir).searcher() as searcher:
        assert "Zyxwvu" in searcher.article(doc_id(str(edited))).body


def test_a_manifest_behind_the_index_leaves_no_duplicate(build, corpus):
    # A manifest a step behind the index, as a run killed after the engine's commit would
    # leave one if it did not mark it pending first.
    index_dir = build(corpus)
    manifest = current_generation(index_dir) / MANIFEST
    before = manifest.read_bytes()
    new = corpus / "new.txt"
    shutil.copy(PAGES[4], new)
    index_corpus([corpus], index_dir)
    manifest.write_bytes(before)  # the index has new.txt, the manifest does not
    old_text = corpus / "ca-bien.txt"
    index_corpus([corpus], index_dir)
    documents = _documents(index_dir)
    assert len(documents) == len(list(corpus.glob("*.txt")))
    old_text.unlink()
    index_corpus([corpus], index_dir)
    assert doc_id(str(old_text)) not in _documents(index_dir)


def _manifest_documents(index_dir) -> int | None:
    """The documents the live generation's manifest counts, or None when it is not trusted."""
    manifest = Manifest.load(current_generation(index_dir))
    if manifest is None:
        return None
    try:
        return manifest.documents
    finally:
        manifest.close()


def test_a_lost_manifest_is_rebuilt_from_the_index(build, corpus):
    index_dir = build(corpus)
    (current_generation(index_dir) / MANIFEST).unlink()
    report = index_corpus([corpus], index_dir)
    assert (report.added, report.changed, report.removed) == (0, 0, 0)
    assert len(_documents(index_dir)) == 4
    assert _manifest_documents(index_dir) == 4


def test_one_file_named_two_ways_is_one_document(build, corpus, tmp_path, monkeypatch):
    monkeypatch.chdir(corpus.parent)
    index_dir = build("corpus")
    ids = set(_documents(index_dir))
    report = index_corpus([str(corpus)], index_dir)
    assert (report.added, report.removed) == (0, 0)
    link = tmp_path / "link"
    link.symlink_to(corpus)
    index_corpus([link], index_dir)
    assert set(_documents(index_dir)) == ids


def test_old_article_ids_still_find_their_article(built_as_typed):
    corpus, index_dir = built_as_typed
    page = sorted(corpus.iterdir())[0]
    old_id = alias_id(os.path.join("corpus", page.name))  # the URL before ids were resolved
    assert old_id != doc_id(str(page))
    with open_index(index_dir).searcher() as searcher:
        assert searcher.article(old_id).doc_id == doc_id(str(page))


def test_what_a_killed_build_left_is_removed(build, corpus):
    index_dir = build(corpus)
    live = current_generation(index_dir)
    unfinished = index_dir / "gen-99999999999999999999-1"
    unfinished.mkdir()
    (unfinished / "half-written").write_text("x")
    (index_dir / "CURRENT.new").write_text("gen-99999999999999999999-1\n")
    index_corpus([corpus], index_dir)
    assert sorted(p.name for p in index_dir.glob("gen-*")) == [live.name]
    assert not (index_dir / "CURRENT.new").exists()


def test_an_update_counts_the_pairs_of_what_it_adds(build, corpus):
    from search.analysis import exact_pairs
    from search.live import pair_counts

    index_dir = build(corpus)
    pair = exact_pairs("quýt xanh")[0]
    before = pair_counts(index_dir)[pair]
    (corpus / "quyt.txt").write_text(
        "Vườn quýt xanh ở Hà Giang\n\n" + "Năm nay vườn quýt xanh của anh Tú được mùa. " * 8
    )
    index_corpus([corpus], index_dir)
    assert pair_counts(index_dir)[pair] >= before + 2


def test_an_old_article_url_redirects_to_the_new_one(built_as_typed, make_app):
    corpus, index_dir = built_as_typed
    page = sorted(corpus.iterdir())[0]
    old_id, new_id = alias_id(os.path.join("corpus", page.name)), doc_id(str(page))
    client = make_app(INDEX_DIR=index_dir).test_client()
    moved = client.get(f"/articles/{old_id}?q=cá")
    assert moved.status_code == 301 and moved.headers["Location"].startswith(f"/articles/{new_id}?q=")
    assert client.get(f"/api/articles/{old_id}").headers["Location"] == f"/api/articles/{new_id}"
    assert client.get(f"/articles/{new_id}").status_code == 200


def test_facets_count_right_across_segments_with_and_without_dates(build, corpus):
    from search.query import search
    from tests.paths import DATA as data

    index_dir = build(corpus)  # undated pages: no month anywhere in this segment
    with open_index(index_dir).searcher() as searcher:
        assert search(searcher, "", facets=True).facets["month"] == []
    dated = sorted((data / "news").rglob("*.html"))[0]
    shutil.copy(dated, corpus / dated.name)
    index_corpus([corpus], index_dir)  # a second segment, with a dated page
    with open_index(index_dir).searcher() as searcher:
        page = search(searcher, "", facets=True, limit=100)
        [(month, count)] = page.facets["month"]
        assert count == 1 and [h.date.strftime("%Y-%m") for h in page.results if h.date] == [month]
        assert sum(n for _, n in page.facets["site"]) == sum(1 for h in page.results if h.site)


def test_a_run_killed_after_its_commit_leaves_no_stale_manifest(build, corpus, monkeypatch):
    # Killed between the engine's commit and the manifest's: the next runs must still see
    # every change, including a file edited back to the text the old manifest recorded.
    index_dir = build(corpus)
    page = corpus / "ca-bien.txt"
    original = page.read_text()
    page.write_text(original.replace("Những ngày qua", "Zyxwvu ngày qua"))
    commit = Manifest.commit

    def killed(manifest, pending=False):
        if not pending:
            raise KeyboardInterrupt  # as if kill -9 came right after the engine's commit
        commit(manifest, pending)

    monkeypatch.setattr(Manifest, "commit", killed)
    with pytest.raises(KeyboardInterrupt):
        index_corpus([corpus], index_dir)
    monkeypatch.undo()
    assert _manifest_documents(index_dir) is None  # left pending: not trusted
    page.write_text(original)  # back to the text the old manifest knew
    index_corpus([corpus], index_dir)
    with open_index(index_dir).searcher() as searcher:
        assert "Zyxwvu" not in searcher.article(doc_id(str(page))).body
        assert searcher.doc_count() == 4
