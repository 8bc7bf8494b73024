"""The manifest (files.sqlite) and the update's walk: sources found, compared folder by folder,
read only when changed, removed when gone; an index of the layout before (files.json) updated
as it is; a run stopped before its commits changes nothing."""

import json
import os
import shutil
import sqlite3

import pytest

from search.generations import current_generation
from search.index import NothingIndexed, build_index, index_corpus
from search.live import open_index
from search.manifest import LEGACY, MANIFEST, Entry, Manifest
from search.pipeline import doc_id
from tests.crawls import html, story_pages, write_warc
from tests.paths import DATA

pytestmark = pytest.mark.usefixtures("engine")
PAGES = sorted((DATA / "vi").glob("*.txt"))[:4]


@pytest.fixture
def corpus(tmp_path):
    """Four pages in two folders: a/ (two) and b/ (two)."""
    for number, page in enumerate(PAGES):
        folder = tmp_path / "corpus" / ("a" if number < 2 else "b")
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(page, folder / page.name)
    return tmp_path / "corpus"


def _ids(index_dir) -> set[str]:
    with open_index(index_dir).searcher() as searcher:
        return set(searcher.indexed_hashes())


def _opened(index_dir) -> Manifest:
    manifest = Manifest.load(current_generation(index_dir))
    assert manifest is not None
    return manifest


def test_the_files_of_a_folder_come_with_their_stamps_whatever_their_names(tmp_path):
    # (files_in reads a folder's names and stamps as one string SQLite joins with "/")
    manifest = Manifest.create(tmp_path)
    names = ["a.html", "Ánh sáng.txt", "x y.txt", "index.html?p=2", "caf\udce9.txt", "unstamped.txt", "z.txt"]
    for number, name in enumerate(names):
        stamp = "" if name == "unstamped.txt" else f"{number}:{number * 10}"
        manifest.put(f"/c/{name}", Entry(f"h{number}", stamp, f"c/{name}", f"d{number}"))
    manifest.put("/d/other.txt", Entry("h9", "9:9", "d/other.txt", "d9"))
    expected = {name: "" if name == "unstamped.txt" else f"{n}:{n * 10}" for n, name in enumerate(names)}
    assert manifest.files_in("/c") == expected
    assert manifest.files_in("/empty") == {}
    # A folder whose names and stamps, joined, pass SQLite's longest string: read row by row.
    manifest._db.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 64)
    assert manifest.files_in("/c") == expected
    manifest.close()


def test_a_manifest_remembers_owners_copies_and_records(tmp_path):
    manifest = Manifest.create(tmp_path)
    assert manifest.add("/c/a.html", Entry("h1", "1:2", "c/a.html", "doc"))
    assert not manifest.add("/c/amp.html", Entry("h2", "1:3", "/c/amp.html", "doc"))  # a copy
    manifest.put("/c/crawl.warc.gz", Entry("", "5:6", "c/crawl.warc.gz"))
    assert manifest.add(
        "/c/crawl.warc.gz#10", Entry("h3", "", "c/crawl.warc.gz#10", "rec", crawl="/c/crawl.warc.gz")
    )
    odd = "/c/caf\udce9.txt"  # a name that is not UTF-8
    assert manifest.add(odd, Entry("h4", "1:4", odd, "odd"))
    manifest.commit()
    manifest.close()

    manifest = Manifest.load(tmp_path)
    assert manifest.get("/c/a.html") == Entry("h1", "1:2", "c/a.html", "doc")
    assert manifest.get("/c/amp.html").copy and manifest.get(odd).path == odd
    assert manifest.files_in("/c") == {
        "a.html": "1:2",
        "amp.html": "1:3",
        "crawl.warc.gz": "5:6",
        "caf\udce9.txt": "1:4",
    }
    assert manifest.crawl_files_in("/c") == {"crawl.warc.gz"}
    # What an update's listing compares: name, stamp, and "1" for the crawl file only (not
    # its record, which is no file of the folder).
    joined = manifest.joined_files_in("/c").decode("utf-8", "surrogateescape").split("/")
    assert sorted(zip(joined[::3], joined[1::3], joined[2::3])) == [
        ("a.html", "1:2", "0"),
        ("amp.html", "1:3", "0"),
        ("caf\udce9.txt", "1:4", "0"),
        ("crawl.warc.gz", "5:6", "1"),
    ]
    assert manifest.records("/c/crawl.warc.gz") == ["/c/crawl.warc.gz#10"]
    assert manifest.documents == 3
    assert manifest.remove("/c/a.html").doc_id == "doc"
    assert [key for key, _ in manifest.orphans()] == ["/c/amp.html"]  # its owner left
    manifest.close()  # not committed: nothing of it stays
    with Manifest.load(tmp_path) as manifest:
        assert manifest.documents == 3


def test_an_update_reads_only_the_edited_file_and_removes_the_gone(build, corpus, monkeypatch):
    from search import pipeline

    index_dir = build(corpus)
    read = []
    original = pipeline.read_document
    monkeypatch.setattr(
        pipeline, "read_document", lambda path: read.append(os.path.basename(path)) or original(path)
    )
    edited = corpus / "a" / PAGES[0].name
    edited.write_text(edited.read_text() + "\nMột đoạn mới.\n")
    (corpus / "a" / PAGES[1].name).unlink()  # a file gone from a folder walked
    shutil.rmtree(corpus / "b")  # a whole folder gone
    report = index_corpus([corpus], index_dir)
    assert (report.changed, report.removed, report.unchanged) == (1, 3, 0)
    assert read == [PAGES[0].name]
    assert _ids(index_dir) == {doc_id(str(edited))}
    with _opened(index_dir) as manifest:
        assert manifest.documents == 1


def test_a_file_named_on_its_own_is_compared_alone_unless_pruned(build, corpus):
    index_dir = build(corpus)
    one = corpus / "a" / PAGES[0].name
    report = index_corpus([one], index_dir)  # its folder's other files stay
    assert (report.unchanged, report.removed) == (1, 0) and len(_ids(index_dir)) == 4
    report = index_corpus([one], index_dir, prune=True)  # the index is that file now
    assert (report.unchanged, report.removed) == (1, 3)
    assert _ids(index_dir) == {doc_id(str(one))}
    one.unlink()
    with pytest.raises(NothingIndexed):  # the last one: the index is kept
        index_corpus([one], index_dir)
    assert _ids(index_dir) == {doc_id(str(one))}


def test_a_folder_reached_twice_is_read_once(tmp_path, corpus):
    (corpus / "a" / "loop").symlink_to(corpus)  # a link back up: walked once, no endless walk
    (corpus / "also-b").symlink_to(corpus / "b")
    report = build_index([corpus, corpus / "a" / PAGES[0].name], tmp_path / "index")
    assert (report.indexed, report.copies) == (4, 0)
    assert index_corpus([corpus], tmp_path / "index").unchanged == 4


def test_a_page_without_a_suffix_is_not_opened_again_when_unchanged(tmp_path, monkeypatch):
    from search.sources import folders

    mirror = tmp_path / "mirror"
    mirror.mkdir()
    for number, (_, data) in enumerate(story_pages()[:2]):
        (mirror / f"bai-{number}").write_bytes(data)  # as wget saves a page named by its URL
    build_index([mirror], tmp_path / "index")
    opened = []
    sniff = folders.starts_as_html
    monkeypatch.setattr(folders, "starts_as_html", lambda f, n, s="": opened.append(n) or sniff(f, n, s))
    monkeypatch.setattr("search.intake.starts_as_html", folders.starts_as_html)
    (mirror / "bai-1").write_bytes((mirror / "bai-1").read_bytes() + b"\n")
    report = index_corpus([mirror], tmp_path / "index")
    assert (report.unchanged, report.changed) == (1, 1) and opened == ["bai-1"]


def test_crawl_records_leave_with_their_file_or_when_it_no_longer_holds_them(tmp_path):
    stories = story_pages()
    folder = tmp_path / "crawls"
    folder.mkdir()
    write_warc(folder / "one.warc.gz", [html(*stories[0]), html(*stories[1])])
    write_warc(folder / "two.warc.gz", [html(*stories[2])])
    index_dir = tmp_path / "index"
    assert build_index([folder], index_dir).indexed == 3
    (folder / "one.warc.gz").unlink()
    write_warc(folder / "one.warc.gz", [html(*stories[1])])  # written again without the first story
    report = index_corpus([folder], index_dir)
    assert report.indexed == 2
    (folder / "two.warc.gz").unlink()
    report = index_corpus([folder], index_dir)
    assert (report.removed, report.indexed) == (1, 1)
    with _opened(index_dir) as manifest:
        assert manifest.records(str(folder / "two.warc.gz")) == []


def test_an_index_with_the_file_list_of_before_is_updated_not_rebuilt(build, corpus, monkeypatch):
    from search import pipeline

    index_dir = build(corpus)
    generation = current_generation(index_dir)
    manifest = _opened(index_dir)
    keys = [os.path.join(folder, name) for folder in manifest.folders() for name in manifest.files_in(folder)]
    legacy = {}
    for key in keys:
        entry = manifest.get(key)
        legacy[key] = [
            entry.content_hash,
            entry.stamp,
            entry.path,
            entry.doc_id,
            int(entry.copy),
            entry.crawl,
        ]
    manifest.close()
    (generation / LEGACY).write_text(json.dumps(legacy))
    (generation / MANIFEST).unlink()  # as the code before left it
    edited = corpus / "b" / PAGES[3].name
    edited.write_text(edited.read_text() + "\nMột đoạn mới.\n")
    read = []
    original = pipeline.read_document
    monkeypatch.setattr(
        pipeline, "read_document", lambda path: read.append(os.path.basename(path)) or original(path)
    )
    report = index_corpus([corpus], index_dir)
    assert not report.rebuilt and (report.changed, report.unchanged) == (1, 3)
    assert read == [edited.name]  # the others are known by their mtime and size still
    assert not (generation / LEGACY).exists()
    with _opened(index_dir) as manifest:
        assert manifest.documents == 4


def test_a_run_stopped_before_its_commits_leaves_the_manifest_as_it_was(build, corpus, monkeypatch):
    from search import intake

    index_dir = build(corpus)
    (corpus / "a" / PAGES[0].name).unlink()
    (corpus / "b" / "new.txt").write_text((DATA / "vi" / "ca-phe.txt").read_text())

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(intake.Intake, "restore_orphans", stopped)  # after every change, before a commit
    with pytest.raises(KeyboardInterrupt):
        index_corpus([corpus], index_dir)
    monkeypatch.undo()
    with _opened(index_dir) as manifest:
        assert manifest.get(str((corpus / "a" / PAGES[0].name).resolve())) is not None
        assert manifest.get(str((corpus / "b" / "new.txt").resolve())) is None
    report = index_corpus([corpus], index_dir)
    assert (report.added, report.removed) == (1, 1) and len(_ids(index_dir)) == 4


def test_a_lost_manifest_is_rebuilt_with_the_crawl_records_where_they_were(tmp_path):
    stories = story_pages()
    folder = tmp_path / "crawls"
    folder.mkdir()
    write_warc(folder / "one.warc.gz", [html(*stories[0]), html(*stories[1])])
    index_dir = tmp_path / "index"
    build_index([folder], index_dir)
    (current_generation(index_dir) / MANIFEST).unlink()
    report = index_corpus([folder], index_dir)  # the crawl is read again; its records are known
    assert (report.added, report.changed, report.removed, report.unchanged) == (0, 0, 0, 2)
    with _opened(index_dir) as manifest:
        assert len(manifest.records(str(folder / "one.warc.gz"))) == 2
    (folder / "one.warc.gz").unlink()
    write_warc(folder / "two.warc.gz", [html(*stories[2])])
    report = index_corpus([folder], index_dir)
    assert (report.added, report.removed, report.indexed) == (1, 2, 1)
