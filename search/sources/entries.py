"""A folder -> its entries: each one's name, its kind as the listing says it, and its stat
(through symbolic links) where the walk needs one (folders.py).

listing.pyx lists and stats in C with the interpreter's lock released, and Lister lists the
next folder in a thread while the walk looks at this one's files: an update's walk of a
million files stats each of them, most of its time the kernel's, now on the other core. Without
the compiled module the same entries come from os.scandir, one folder at a time.

An update hands each folder's listing what the index holds of it (`indexed`): the plain pages
held with the same mtime and size are then counted, not listed, so that the walk's Python
looks only at what changed (a million unchanged files made a second of it).
"""

import errno
import os
import stat
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import NamedTuple

try:  # compiled by setup.py (optional)
    from search.sources import listing
except ImportError:
    listing = None

# Folders listed ahead of the walk, each in a thread of its own: at a million files, 2 left a
# core idle between folders (walk 1.79 s), 4 did not (1.52-1.58 s).
AHEAD = 4
# What kind an entry is, as its folder's listing says (listing.pyx's numbers).
UNKNOWN, FOLDER, FILE, LINK, OTHER = range(5)


class Listing(NamedTuple):
    """A folder's entries (entries_of's tuples), and when compared with what the index holds
    (compared_entries_of): how many unchanged plain pages were left out, and the rest of what
    the index holds, name -> stamp, with which of those are crawl files (else None, None)."""

    entries: list[tuple]
    unchanged: int = 0
    known: dict[str, str] | None = None
    crawls: set[str] | None = None


# What the index holds of a folder, by its `named` path and its `key` (None: not compared).
Indexed = Callable[[str, str], bytes | None]


class Lister:
    """A folder's entries (entries_of's), the next AHEAD folders listed in threads when
    listing is compiled: it releases the interpreter's lock while the kernel reads, so the
    stats of the folders ahead and the walk's look at this one share the cores. With `indexed`,
    each folder's entries are compared with what it gives (on the walk's thread: the
    manifest's connection is that thread's)."""

    def __init__(
        self,
        stamped: bool,
        unstatted: tuple[bytes, ...] = (),
        indexed: Indexed | None = None,
        pages: tuple[bytes, ...] = (),
    ):
        self.stamped, self.unstatted, self.indexed, self.pages = stamped, unstatted, indexed, pages
        self._pool = ThreadPoolExecutor(AHEAD) if listing is not None else None
        self._ahead: dict[tuple[str, str], Future] = {}  # by (named, key): whether to compare may differ

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def ahead(self, folders: list[tuple[str, str]]) -> None:
        """List these folders, (named, key), the next ones the walk takes, in order, before
        they are asked for."""
        for named, key in folders[:AHEAD]:
            if self._pool is not None and (named, key) not in self._ahead:
                self._ahead[named, key] = self._pool.submit(self._listing, key, self._indexed(named, key))

    def entries(self, named: str, key: str) -> Listing:
        listed = self._ahead.pop((named, key), None)
        return listed.result() if listed is not None else self._listing(key, self._indexed(named, key))

    def _indexed(self, named: str, key: str) -> bytes | None:
        return self.indexed(named, key) if self.indexed is not None and self.stamped else None

    def _listing(self, key: str, indexed: bytes | None) -> Listing:
        if indexed is None:
            return Listing(entries_of(key, self.stamped, self.unstatted))
        return compared_entries_of(key, self.unstatted, indexed, self.pages)


def entries_of(key: str, stamped: bool, unstatted: tuple[bytes, ...] = ()) -> list[tuple]:
    """The folder's entries but hidden ones, in the order of their names' bytes (their
    characters' order, for UTF-8 names), as listing.listing gives them: (name, kind, error,
    mode, stamp), the stat through links (stamp: "mtime_ns:size") made for links and, with
    `stamped`, for every file but those whose names end with an `unstatted` suffix."""
    if listing is not None:
        return listing.listing(os.fsencode(key), stamped, unstatted)
    skipped = tuple(suffix.decode() for suffix in unstatted)
    entries = []
    fd = os.open(key, os.O_RDONLY | os.O_DIRECTORY)
    try:
        with os.scandir(fd) as found:  # by descriptor: a stat is relative to the folder
            for entry in found:
                if entry.name.startswith("."):
                    continue
                kind, error, mode, stamp = _kind(entry), 0, 0, ""
                if kind == FOLDER or (kind == FILE and (not stamped or entry.name.lower().endswith(skipped))):
                    entries.append((entry.name, kind, error, mode, stamp))
                    continue
                try:
                    status = entry.stat()
                    mode, stamp = status.st_mode, f"{status.st_mtime_ns}:{status.st_size}"
                except OSError as failed:
                    error = failed.errno or errno.EIO
                entries.append((entry.name, kind, error, mode, stamp))
    finally:
        os.close(fd)
    return sorted(entries, key=_name_bytes)


def compared_entries_of(
    key: str, unstatted: tuple[bytes, ...], indexed: bytes, pages: tuple[bytes, ...]
) -> Listing:
    """The folder's stamped entries (entries_of), compared with what the index holds of it:
    `indexed` is "name/stamp/crawl/..." (crawl "1" for a crawl file, else "0"), as
    Manifest.joined_files_in gives it. The plain pages (a regular file, an ASCII name with no
    "?", ending with one of the `pages` suffixes: lowercase bytes, each with one dot) held with
    the same stamp are counted, not listed. Nothing is left out when a name ends with "_files"
    (the walk looks for the page a saved page's folder is named after), and nothing is
    compared when `indexed` is not in that form."""
    if listing is not None:
        return Listing(*listing.compared_listing(os.fsencode(key), unstatted, indexed, pages))
    found = entries_of(key, True, unstatted)
    fields = indexed.decode("utf-8", "surrogateescape").split("/") if indexed else []
    if len(fields) % 3:
        return Listing(found)
    known = dict(zip(fields[::3], fields[1::3]))
    crawls = {name for name, crawl in zip(fields[::3], fields[2::3]) if crawl != "0"}
    if any(entry[0].endswith("_files") for entry in found):
        return Listing(found, 0, known, crawls)
    suffixes = tuple(suffix.decode() for suffix in pages)
    rest = []
    for entry in found:
        name, kind, error, mode, stamp = entry
        plain = kind == FILE and not error and stat.S_ISREG(mode) and name.isascii() and "?" not in name
        if plain and name not in crawls and name.lower().endswith(suffixes) and known.get(name) == stamp:
            del known[name]
        else:
            rest.append(entry)
    return Listing(rest, len(found) - len(rest), known, crawls)


def stat_of(folder: str, name: str) -> tuple[int, int, str]:
    """(error, mode, stamp) of a file, as entries_of gives them: for a file it did not stat."""
    try:
        status = os.stat(os.path.join(folder, name))
    except OSError as failed:
        return failed.errno or errno.EIO, 0, ""
    return 0, status.st_mode, f"{status.st_mtime_ns}:{status.st_size}"


def _name_bytes(entry: tuple) -> bytes:
    return os.fsencode(entry[0])


def _kind(entry: os.DirEntry) -> int:
    try:
        if entry.is_symlink():
            return LINK
        if entry.is_dir(follow_symlinks=False):
            return FOLDER
        return FILE if entry.is_file(follow_symlinks=False) else OTHER
    except OSError:
        return UNKNOWN
