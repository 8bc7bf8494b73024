"""A folder -> its entries: each one's name, its kind as the listing says it, and its stat
(through symbolic links) where the walk needs one (folders.py).

listing.pyx lists and stats in C with the interpreter's lock released, and Lister lists the
next folder in a thread while the walk looks at this one's files: an update's walk of a
million files stats each of them, most of its time the kernel's, now on the other core. Without
the compiled module the same entries come from os.scandir, one folder at a time.
"""

import errno
import os
from concurrent.futures import Future, ThreadPoolExecutor

try:  # compiled by setup.py (optional)
    from search.sources import listing
except ImportError:
    listing = None

AHEAD = 2  # folders listed ahead of the walk, each in a thread of its own
# What kind an entry is, as its folder's listing says (listing.pyx's numbers).
UNKNOWN, FOLDER, FILE, LINK, OTHER = range(5)


class Lister:
    """A folder's entries (entries_of's), the next AHEAD folders listed in threads when
    listing is compiled: it releases the interpreter's lock while the kernel reads, so the
    stats of two folders and the walk's look at a third share the cores."""

    def __init__(self, stamped: bool, unstatted: tuple[bytes, ...] = ()):
        self.stamped, self.unstatted = stamped, unstatted
        self._pool = ThreadPoolExecutor(AHEAD) if listing is not None else None
        self._ahead: dict[str, Future] = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def ahead(self, keys: list[str]) -> None:
        """List these folders (the next ones the walk takes, in order) before they are asked for."""
        for key in keys[:AHEAD]:
            if self._pool is not None and key not in self._ahead:
                self._ahead[key] = self._pool.submit(entries_of, key, self.stamped, self.unstatted)

    def entries(self, key: str) -> list[tuple]:
        listed = self._ahead.pop(key, None)
        return listed.result() if listed is not None else entries_of(key, self.stamped, self.unstatted)


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
