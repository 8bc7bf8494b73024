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
