"""Building, swapping and opening the index."""

import pytest

from search.generations import IndexNotFound, current_generation, index_info
from search.index import NothingIndexed, build_index
from search.live import open_index
from search.sources.folders import find_files
from tests.paths import DATA

pytestmark = pytest.mark.usefixtures("engine")  # each test runs on every engine

VI_PAGES = len(find_files([DATA / "vi"])[0])
EN_PAGES = len(find_files([DATA / "en"])[0])


def test_build_reports_documents_and_metadata(shared_build, corpus_dir):
    index_dir, report = shared_build  # seeds and tests/data, in every encoding they come in
    pages = len(find_files([corpus_dir])[0])
    assert report.indexed == pages and report.skipped == []
    assert index_info(index_dir)["documents"] == pages
    assert open_index(index_dir).doc_count() == pages


def test_bad_files_are_skipped_and_the_rest_indexed(bad_files, tmp_path):
    report = build_index([bad_files], tmp_path / "ix")
    assert report.indexed == 1
    reasons = {
        path.rsplit("/", 1)[1]: reason for path, reason in ((s.path, s.reason) for s in report.skipped)
    }
    assert reasons == {
        "binary.txt": "binary file (contains NUL bytes)",
        "controls.txt": "binary file (mostly control characters)",
        "blank.txt": "empty file",
        "empty.html": "no article text found",
        "empty.txt": "empty file",
        "undecodable.txt": "undecodable: not UTF-8, UTF-16 or Windows-1258 text",
    }


def test_missing_index_says_how_to_build_one(tmp_path):
    with pytest.raises(IndexNotFound, match="search index --index"):
        open_index(tmp_path / "nowhere")


def test_rebuild_with_nothing_to_index_keeps_the_old_index(bad_files, build):
    index_dir = build(DATA / "en")
    (bad_files / "good.txt").unlink()
    with pytest.raises(NothingIndexed) as raised:
        build_index([bad_files], index_dir)
    assert len(raised.value.skipped) == 6
    assert open_index(index_dir).doc_count() == EN_PAGES


def test_interrupted_rebuild_keeps_the_old_index_answering(build):
    index_dir = build(DATA / "en")
    before = current_generation(index_dir)

    def interrupt(path):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_index([DATA / "vi"], index_dir, on_file=interrupt)
    assert current_generation(index_dir) == before
    assert [p.name for p in index_dir.glob("gen-*")] == [before.name]
    with open_index(index_dir).searcher() as searcher:
        assert searcher.doc_count() == EN_PAGES


def test_rebuild_replaces_the_old_generation(build):
    index_dir = build(DATA / "en")
    build_index([DATA / "vi"], index_dir)
    assert len(list(index_dir.glob("gen-*"))) == 1
    assert open_index(index_dir).doc_count() == VI_PAGES


def test_update_deals_only_with_new_changed_and_deleted_files(tmp_path):
    import shutil

    from search.index import index_corpus

    corpus, index_dir = tmp_path / "corpus", tmp_path / "ix"
    shutil.copytree(DATA / "en", corpus)
    first = index_corpus([corpus], index_dir)
    assert first.rebuilt and first.indexed == EN_PAGES
    generation = current_generation(index_dir)

    same = index_corpus([corpus], index_dir)
    assert not same.rebuilt and same.unchanged == EN_PAGES and same.added == same.changed == 0

    (corpus / "ferry.html").write_text(
        (corpus / "ferry.html").read_text().replace("Cat Ba island", "Cat Ba island and Lan Ha bay")
    )
    (corpus / "div-soup.html").unlink()
    shutil.copy(DATA / "vi" / "ca-bien.txt", corpus / "ca-bien.txt")
    (corpus / "broken.txt").write_bytes(b"\x00\x01")
    update = index_corpus([corpus], index_dir)
    assert (update.added, update.changed, update.removed, update.unchanged) == (1, 1, 1, EN_PAGES - 2)
    assert [s.reason for s in update.skipped] == ["binary file (contains NUL bytes)"]
    assert current_generation(index_dir) == generation  # updated in place
    with open_index(index_dir).searcher() as searcher:
        from search.query import search

        assert search(searcher, "Lan Ha bay").total == 1
        assert search(searcher, "night market").total == 0
        assert search(searcher, "cá ngừ").total == 1
        assert searcher.doc_count() == EN_PAGES


def test_a_folder_that_cannot_be_listed_keeps_its_articles_and_is_reported(tmp_path, monkeypatch):
    """No permission to list a folder (or a disk error): its articles, and those of the
    folders under it, stay in the index, and the update says so (exit status 3). A folder
    that is gone takes its articles with it."""
    import errno
    import shutil

    from search.index import index_corpus
    from search.sources import entries

    corpus, index_dir = tmp_path / "corpus", tmp_path / "ix"
    shutil.copytree(DATA / "en", corpus / "en")
    shutil.copytree(DATA / "vi", corpus / "locked" / "vi")
    index_corpus([corpus], index_dir)
    locked = str((corpus / "locked").resolve())

    def denied(listed):
        def listing(key, *args):
            if key == locked:
                raise PermissionError(errno.EACCES, "Permission denied")
            return listed(key, *args)

        return listing

    for name in ("entries_of", "compared_entries_of"):  # listed, or listed and compared with the index
        monkeypatch.setattr(entries, name, denied(getattr(entries, name)))
    update = index_corpus([corpus], index_dir)
    assert update.removed == 0 and update.unchanged == EN_PAGES
    assert [(s.path, s.reason) for s in update.skipped] == [
        (
            str(corpus / "locked"),
            "folder cannot be listed (Permission denied); what is indexed from it is kept",
        )
    ]
    assert open_index(index_dir).doc_count() == EN_PAGES + VI_PAGES
    monkeypatch.undo()
    shutil.rmtree(corpus / "locked")
    assert index_corpus([corpus], index_dir).removed == VI_PAGES


def test_rebuild_flag_and_old_schema_rebuild(build):
    import json

    from search.generations import META
    from search.index import index_corpus

    index_dir = build(DATA / "en")
    assert index_corpus([DATA / "en"], index_dir, rebuild=True).rebuilt
    meta = current_generation(index_dir) / META
    meta.write_text(json.dumps({**json.loads(meta.read_text()), "schema": 1}))
    assert index_corpus([DATA / "en"], index_dir).rebuilt


def test_update_does_not_read_files_whose_mtime_and_size_are_unchanged(build, tmp_path, monkeypatch):
    import shutil

    from search import pipeline
    from search.index import index_corpus

    shutil.copytree(DATA / "en", tmp_path / "corpus")
    index_dir = build(tmp_path / "corpus")
    read = []
    original = pipeline.read_document
    monkeypatch.setattr(pipeline, "read_document", lambda path: read.append(str(path)) or original(path))
    (tmp_path / "corpus" / "ferry.html").write_text(
        (tmp_path / "corpus" / "ferry.html").read_text().replace("Tuesday", "Monday ")
    )
    report = index_corpus([tmp_path / "corpus"], index_dir)
    assert report.changed == 1 and report.unchanged == EN_PAGES - 1
    assert [p.rsplit("/", 1)[1] for p in read] == ["ferry.html"]


def test_the_same_files_named_another_way_are_unchanged(build, tmp_path, monkeypatch):
    import shutil

    from search.index import index_corpus

    shutil.copytree(DATA / "en", tmp_path / "corpus")
    index_dir = build(tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    report = index_corpus(["corpus"], index_dir)
    assert report.unchanged == EN_PAGES and report.added == report.removed == 0
