"""A folder's entries, listed in C (search/sources/listing.pyx) as os.scandir lists them.

The build compiles it (setup.py); the suite checks it was, and that both listings give the
same entries, kinds and stats, and so the same walk, on folders made to be awkward: hidden
files, links to files and folders, broken and looping links, a pipe, a name that is not UTF-8.
"""

import errno
import os
import threading
from pathlib import Path

import pytest

from search.sources import entries
from search.sources.folders import _UNSTATTED, Folder, walk


@pytest.fixture
def awkward(tmp_path) -> Path:
    top = tmp_path / "top"
    (top / "sub" / "deeper").mkdir(parents=True)
    (top / "a.txt").write_text("Hợp tác", encoding="utf-8")
    (top / "Ánh sáng.txt").write_text("accented name", encoding="utf-8")
    (top / "B.txt").write_text("capital", encoding="utf-8")
    (top / "photo.JPG").write_bytes(b"\xff\xd8\xff")
    (top / "page.html?x.jpg").write_text("<html><p>a page named like an image</p></html>", encoding="utf-8")
    (top / "b.html").write_text("<html><p>x</p></html>", encoding="utf-8")
    (top / "no-suffix").write_text("<!doctype html><p>page</p>", encoding="utf-8")
    (top / ".hidden.txt").write_text("hidden", encoding="utf-8")
    (top / "empty.txt").write_bytes(b"")
    (top / "sub" / "c.txt").write_text("c", encoding="utf-8")
    (top / "sub" / "deeper" / "d.txt").write_text("d", encoding="utf-8")
    (top / "link.txt").symlink_to(top / "a.txt")
    (top / "folder-link").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "e.txt").write_text("e", encoding="utf-8")
    (top / "broken.txt").symlink_to(top / "gone.txt")
    (top / "loop.txt").symlink_to(top / "loop.txt")
    os.mkfifo(top / "pipe.txt")
    with open(os.path.join(os.fsencode(top), b"caf\xe9.txt"), "wb") as file:
        file.write(b"latin-1 name")
    return top


@pytest.fixture
def scandir_only(monkeypatch):
    monkeypatch.setattr(entries, "listing", None)


def test_the_build_compiled_the_listing():
    assert entries.listing is not None, "search/sources/listing.pyx was not compiled (a C compiler is needed)"
    assert (entries.listing.UNKNOWN, entries.listing.FOLDER, entries.listing.FILE) == (
        entries.UNKNOWN,
        entries.FOLDER,
        entries.FILE,
    )
    assert (entries.listing.LINK, entries.listing.OTHER) == (entries.LINK, entries.OTHER)


@pytest.mark.parametrize("stamped", [True, False])
@pytest.mark.parametrize("folder", [".", "sub", "sub/deeper", "folder-link"])
def test_both_listings_give_the_same_entries(awkward, monkeypatch, stamped, folder):
    key = str(awkward / folder)
    compiled = entries.entries_of(key, stamped, _UNSTATTED)
    monkeypatch.setattr(entries, "listing", None)
    assert compiled == entries.entries_of(key, stamped, _UNSTATTED)
    names = [entry[0] for entry in compiled]
    assert ".hidden.txt" not in names and names == sorted(names, key=os.fsencode)


def test_the_listing_says_what_each_entry_is(awkward):
    found = {entry[0]: entry[1:] for entry in entries.entries_of(str(awkward), True, _UNSTATTED)}
    assert found["photo.JPG"] == (entries.FILE, 0, 0, "")  # an asset: no stat
    status = (awkward / "a.txt").stat()
    assert found["a.txt"] == (
        entries.FILE,
        0,
        status.st_mode,
        f"{status.st_mtime_ns}:{len('Hợp tác'.encode())}",
    )
    assert found["sub"][0] == entries.FOLDER
    assert found["folder-link"][0] == entries.LINK and found["folder-link"][1] == 0
    assert found["broken.txt"][:2] == (entries.LINK, errno.ENOENT)
    assert found["loop.txt"][:2] == (entries.LINK, errno.ELOOP)
    assert found["pipe.txt"][0] == entries.OTHER
    assert os.fsencode("caf\udce9.txt") == b"caf\xe9.txt" and "caf\udce9.txt" in found


@pytest.mark.parametrize("stamped", [True, False])
def test_both_listings_walk_the_same(awkward, monkeypatch, stamped):
    def walked():
        return [
            (found.named, found.key, found.names, found.stamps, found.whole)
            if isinstance(found, Folder)
            else (found.path, found.reason)
            for found in walk([awkward], stamped=stamped)
        ]

    compiled = walked()
    monkeypatch.setattr(entries, "listing", None)
    assert compiled == walked()
    folders = {row[0]: row[2] for row in compiled if len(row) == 5}
    taken = [
        "B.txt",
        "a.txt",
        "b.html",
        "empty.txt",
        "link.txt",
        "no-suffix",
        "page.html?x.jpg",
        "Ánh sáng.txt",
    ]
    assert folders[str(awkward)] == taken
    stamps = {row[0]: dict(zip(row[2], row[3])) for row in compiled if len(row) == 5}
    if stamped:  # a page named like an asset is stat'ed when taken
        status = (awkward / "page.html?x.jpg").stat()
        assert stamps[str(awkward)]["page.html?x.jpg"] == f"{status.st_mtime_ns}:{status.st_size}"
    assert folders[str(awkward / "folder-link")] == ["e.txt"]
    reasons = dict(row for row in compiled if len(row) == 2)
    assert reasons[str(awkward / "broken.txt")].startswith("broken symbolic link")
    assert reasons[str(awkward / "loop.txt")] == "symbolic link loop"
    assert any("caf" in path and "not valid UTF-8" in reason for path, reason in reasons.items())
    assert str(awkward / "pipe.txt") in reasons


@pytest.mark.parametrize("fallback", [False, True])
def test_a_folder_that_cannot_be_listed_raises_with_its_reason(tmp_path, monkeypatch, fallback):
    if fallback:
        monkeypatch.setattr(entries, "listing", None)
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    for name, number in (("missing", errno.ENOENT), ("file.txt", errno.ENOTDIR)):
        with pytest.raises(OSError) as raised:
            entries.entries_of(str(tmp_path / name), stamped=True)
        assert raised.value.errno == number


def test_a_walk_left_early_leaves_no_thread_behind(awkward):
    before = threading.active_count()
    found = walk([awkward], stamped=True)
    next(found)
    found.close()
    assert threading.active_count() == before


@pytest.mark.parametrize("fallback", [False, True])
def test_a_file_named_as_well_as_its_folder_is_listed_once_as_named(awkward, monkeypatch, fallback):
    if fallback:
        monkeypatch.setattr(entries, "listing", None)
    found = [
        f for f in walk([awkward, awkward / "a.txt", awkward / "sub" / "c.txt"]) if isinstance(f, Folder)
    ]
    whole = {f.named: f.names for f in found if f.whole}
    assert "a.txt" not in whole[str(awkward)] and "b.html" in whole[str(awkward)]
    assert whole[str(awkward / "sub")] == []
    assert sorted((f.named, f.names) for f in found if not f.whole) == [
        (str(awkward), ["a.txt"]),
        (str(awkward / "sub"), ["c.txt"]),
    ]


def _indexed(folder: Path, stamps: dict[str, str], crawls: tuple[str, ...] = ()) -> bytes:
    """What the index would hold of the folder, as Manifest.joined_files_in gives it."""
    return "/".join(f"{name}/{stamp}/{int(name in crawls)}" for name, stamp in stamps.items()).encode(
        "utf-8", "surrogateescape"
    )


def _stamp(path: Path) -> str:
    status = path.stat()
    return f"{status.st_mtime_ns}:{status.st_size}"


@pytest.mark.parametrize("fallback", [False, True])
def test_an_update_s_listing_leaves_out_the_unchanged_pages_only(awkward, monkeypatch, fallback):
    if fallback:
        monkeypatch.setattr(entries, "listing", None)
    os.utime(awkward / "b.html", ns=(-1_500_000_000_123, -1_500_000_000_123))  # before 1970
    (awkward / "crawl.jsonl").write_text("{}\n", encoding="utf-8")
    held = {
        name: _stamp(awkward / name)
        for name in ["a.txt", "B.txt", "b.html", "Ánh sáng.txt", "link.txt", "no-suffix", "crawl.jsonl"]
    }
    held["page.html?x.jpg"] = _stamp(awkward / "page.html?x.jpg")
    held["empty.txt"] = "1:0"  # changed since
    held["gone.txt"] = "5:5"  # gone since
    listed = entries.compared_entries_of(
        str(awkward),
        _UNSTATTED,
        _indexed(awkward, held, crawls=("crawl.jsonl",)),
        (b".htm", b".html", b".txt"),
    )
    assert held["b.html"].startswith("-1500000000123:")
    assert listed.unchanged == 3  # a.txt, B.txt, b.html: plain pages, ASCII names, same stamps
    names = [entry[0] for entry in listed.entries]
    assert names == sorted(names, key=os.fsencode)
    assert {"a.txt", "B.txt", "b.html"}.isdisjoint(names)
    # A link, a name that is not ASCII or has a "?", a name that says nothing, a crawl file,
    # a changed page: listed, for the walk to decide.
    for name in ["link.txt", "Ánh sáng.txt", "page.html?x.jpg", "no-suffix", "crawl.jsonl", "empty.txt"]:
        assert name in names
    assert listed.known == {name: held[name] for name in held if name not in ("a.txt", "B.txt", "b.html")}
    assert listed.crawls == {"crawl.jsonl"}
    assert listed.entries == [e for e in entries.entries_of(str(awkward), True, _UNSTATTED) if e[0] in names]


@pytest.mark.parametrize("fallback", [False, True])
def test_nothing_is_left_out_beside_a_saved_page_s_folder_or_of_what_cannot_be_read(
    tmp_path, monkeypatch, fallback
):
    if fallback:
        monkeypatch.setattr(entries, "listing", None)
    (tmp_path / "page.html").write_text("<p>x</p>", encoding="utf-8")
    held = {"page.html": _stamp(tmp_path / "page.html")}
    pages = (b".html",)
    assert entries.compared_entries_of(str(tmp_path), (), _indexed(tmp_path, held), pages).unchanged == 1
    (tmp_path / "page_files").mkdir()  # the walk asks which page it belongs to
    listed = entries.compared_entries_of(str(tmp_path), (), _indexed(tmp_path, held), pages)
    assert (listed.unchanged, listed.known) == (0, held)
    for garbled in (b"page.html/1", b"page.html/1/0/extra"):
        listed = entries.compared_entries_of(str(tmp_path), (), garbled, pages)
        assert (listed.unchanged, listed.known, len(listed.entries)) == (0, None, 2)
    listed = entries.compared_entries_of(str(tmp_path), (), b"", pages)
    assert (listed.unchanged, listed.known, listed.crawls) == (0, {}, set())


@pytest.mark.parametrize("fallback", [False, True])
def test_a_walk_compared_with_the_index_gives_what_changed_and_counts_the_rest(
    awkward, monkeypatch, fallback
):
    if fallback:
        monkeypatch.setattr(entries, "listing", None)
    plain = {f.key: f for f in walk([awkward], stamped=True) if isinstance(f, Folder)}
    held = {key: dict(zip(f.names, f.stamps)) for key, f in plain.items()}
    top = str(awkward.resolve())
    held[top]["a.txt"] = "1:1"  # changed since
    held[top]["gone.txt"] = "2:2"
    asked = []

    def indexed(key):
        asked.append(key)
        return _indexed(Path(key), held.get(key, {}))

    found = [f for f in walk([awkward, awkward / "sub" / "c.txt"], stamped=True, indexed=indexed)]
    compared = {f.key: f for f in found if isinstance(f, Folder) and f.whole}
    assert str(awkward / "sub") not in asked  # a file in it is named as well: walked as before
    assert compared[str(awkward / "sub")].known is None
    folder = compared[top]
    assert folder.names == ["a.txt", "link.txt", "no-suffix", "page.html?x.jpg", "Ánh sáng.txt"]
    assert folder.unchanged == 3  # B.txt, b.html, empty.txt
    assert folder.known == {name: held[top][name] for name in [*folder.names, "gone.txt"]}
    assert [(f.names, f.unchanged) for f in found if isinstance(f, Folder) and not f.whole] == [
        (["c.txt"], 0)
    ]


def test_the_suffixes_the_listing_reads_have_one_dot_their_first():
    """listing.pyx looks at a name's last dot only: a suffix of two dots would never match."""
    from search.sources.folders import _PAGES

    for suffix in _UNSTATTED + _PAGES:
        assert suffix.startswith(b".") and suffix.count(b".") == 1 and suffix == suffix.lower(), suffix


def test_both_comparisons_agree_on_a_folder_of_a_thousand_pages(tmp_path, monkeypatch):
    """Past the smallest hash table: long probe runs, names that share their hashes' low bits."""
    held = {}
    for number in range(1000):
        page = tmp_path / f"{number:04d}{'.txt' if number % 3 else '.HTML'}"
        page.write_text(f"page {number}", encoding="utf-8")
        held[page.name] = _stamp(page) if number % 7 else f"{number}:1"  # every 7th changed
    held.update({f"gone-{n}.txt": "1:1" for n in range(50)})
    held["crawl.jsonl"] = "1:1"
    indexed = _indexed(tmp_path, held, crawls=("crawl.jsonl",))
    pages = (b".htm", b".html", b".txt")
    compiled = entries.compared_entries_of(str(tmp_path), _UNSTATTED, indexed, pages)
    monkeypatch.setattr(entries, "listing", None)
    assert compiled == entries.compared_entries_of(str(tmp_path), _UNSTATTED, indexed, pages)
    changed = [name for name in held if name[0].isdigit() and not int(name[:4]) % 7]
    assert compiled.unchanged == 1000 - len(changed)
    assert [entry[0] for entry in compiled.entries] == sorted(changed)
    assert set(compiled.known) == {*changed, *(f"gone-{n}.txt" for n in range(50)), "crawl.jsonl"}
