"""Paths the user names -> the files to read (pages and crawl files), and what was passed over.

Folders are searched recursively. Pages are `.txt`, `.html`, `.htm`, `.html.gz`, and files of
any other name whose first bytes are HTML, as `wget --mirror` saves them ("index.html?p=2", no
extension at all). Crawl files are WARC, WACZ and JSON Lines (read by this package's readers).
Assets (images, scripts, styles) and the `_files` folder a browser's "Save page as" writes
beside its page are passed over without a word. Nothing here opens a pipe or a device.

`walk` gives the files folder by folder (a `Folder`: its name as given, its resolved path, the
names of its pages and crawl files, and their mtime and size when asked), so that an update
compares a folder with what the index holds of it without holding a million paths; `find_files`
gives the flat list a build reads.
"""

import errno
import logging
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from search.corpus import (
    CONTAINER_SUFFIXES,
    HTML_SUFFIXES,
    SNIFF_BYTES,
    SUFFIXES,
    RawDocument,
    Skipped,
    UnreadableFile,
    kind_problem,
    looks_like_html,
    read_document,
    shown,
    suffix_of,
)
from search.sources.entries import AHEAD, FILE, FOLDER, LINK, UNKNOWN, Indexed, Lister, stat_of

LOGGER = logging.getLogger(__name__)

# What a mirror holds besides its pages: never opened. Any other name (none, ".php",
# "index.html?p=2", ".12345") is opened and read as a page when its first bytes are HTML.
ASSET_SUFFIXES = {
    *[".css", ".js", ".mjs", ".map", ".json", ".xml", ".rss", ".atom", ".csv"],
    *[".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx"],
    *[".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg", ".ico", ".bmp", ".tif", ".tiff", ".heic"],
    *[".mp3", ".mp4", ".m4a", ".webm", ".ogg", ".ogv", ".wav", ".mov", ".avi", ".flv", ".swf"],
    *[".woff", ".woff2", ".ttf", ".otf", ".eot"],
    *[".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".exe", ".dmg", ".apk", ".iso", ".bin"],
    *[".db", ".sqlite", ".cdx", ".py", ".sh"],
}
_TAKEN = SUFFIXES | set(CONTAINER_SUFFIXES)  # read whatever their first bytes
_FOLDER_PROBLEM = kind_problem(stat.S_IFDIR)
# Names a stamped walk's listing makes no stat for: assets, but what a page's name may end with
# (".gz"). A page named like an asset ("a.html?x.jpg") is stat'ed when taken.
_UNSTATTED = tuple(sorted(a.encode() for a in ASSET_SUFFIXES if not any(t.endswith(a) for t in _TAKEN)))
# The names taken as pages without a look inside (_suffix answers them first): an update's
# listing compares those with the index itself.
_PAGES = tuple(sorted(suffix.encode() for suffix in SUFFIXES))


@dataclass(slots=True)
class Folder:
    """The pages and crawl files the walk found in one folder, by name (sorted)."""

    named: str  # the folder as the paths given name it ("" for the current folder)
    key: str  # the folder with its symbolic links resolved: its files' keys are key/name
    names: list[str] = field(default_factory=list)
    stamps: list[str] = field(default_factory=list)  # "mtime_ns:size" of each, in a stamped walk
    whole: bool = True  # False: files named one by one, not the folder's every page
    # Compared with the index in the listing (walk's `indexed`): the plain pages found unchanged
    # (left out of names), and the rest of what the index holds, name -> stamp, and its crawl files.
    unchanged: int = 0
    known: dict[str, str] | None = None
    crawls: set[str] | None = None

    def path(self, name: str) -> str:
        """A file's path as the paths given name it."""
        return os.path.join(self.named, name) if self.named else name


@dataclass(frozen=True)
class Unlisted(Skipped):
    """A folder the walk could not list (no permission, a disk error): reported as skipped,
    and an update keeps what the index holds from it and from the folders under it."""

    key: str = ""  # the folder with its symbolic links resolved


# Is the file of that name (and stamp) in the folder a page? Asked of names that say nothing.
PageTest = Callable[[Folder, str, str], bool]


def find_files(paths: Iterable[str | Path]) -> tuple[list[str], list[Skipped]]:
    """Expand files and folders into the list of corpus files, and what was passed over.

    Folders are searched recursively (a folder's files in name order, then its subfolders)
    for pages (.txt, .html, .htm, .html.gz, and files of any other name whose first bytes are
    HTML, as `wget --mirror` saves them) and for crawler outputs (WARC, WACZ, JSON Lines).
    Assets (images, scripts, styles) and the `_files` folder a browser's "Save page as" writes
    beside its page are passed over without a word. A file named directly is taken whatever
    its name. What cannot be read as a page (a path that does not exist, a name that is not
    UTF-8, a pipe, a device, a broken or looping link, a folder named like a page) is
    reported with the reason, never raised, and never opened. A file reached twice (two
    names, a link to a folder) is listed once.
    """
    files: list[str] = []
    skipped: list[Skipped] = []
    for found in walk(paths):
        if isinstance(found, Skipped):
            skipped.append(found)
        else:
            files.extend(found.path(name) for name in found.names)
    return files, sorted(skipped, key=lambda item: item.path)


def walk(
    paths: Iterable[str | Path],
    stamped: bool = False,
    is_page: PageTest | None = None,
    indexed: Callable[[str], bytes | None] | None = None,
) -> Iterator:
    """Each folder under the paths as a Folder (files named directly: one Folder each, not
    `whole`), and each path passed over as a Skipped, the paths taken in the order they sort. `stamped`:
    with each file's mtime and size. `is_page` decides for a file whose name says nothing
    (default: its first bytes are HTML); an update answers from what it indexed. `indexed`
    gives what the index holds of a folder by its key, as Manifest.joined_files_in does: a
    stamped walk then leaves the plain pages held unchanged out of the Folder, counted."""
    is_page = is_page or starts_as_html
    tops = sorted(dict.fromkeys(Path(path) for path in paths))  # in the order a path sorts
    direct: dict[str, set[str]] = {}  # files named directly, by folder: walked folders leave these out
    for key in (_key(top) for top in tops if not top.is_dir()):
        direct.setdefault(os.path.dirname(key), set()).add(os.path.basename(key))
    walked: set[str] = set()  # resolved folders: one reached twice is read once
    named_directly: set[str] = set()
    compared = None
    if indexed is not None:  # not where files are named as well, nor where a name is reported

        def compared(named: str, key: str) -> bytes | None:
            return None if key in direct or _not_utf8(named) else indexed(key)

    for top in tops:
        if top.is_dir():
            yield from _walk_folder(top, stamped, is_page, walked, direct, compared)
        elif not os.path.lexists(top):
            yield _skipped(str(top), "no such file or folder")
        elif (key := _key(top)) not in named_directly:
            named_directly.add(key)
            yield from _named_file(top, key, stamped)


def _key(path: Path) -> str:
    folder, name = os.path.split(os.path.abspath(path))
    return os.path.join(os.path.realpath(folder), name)


def _named_file(path: Path, key: str, stamped: bool) -> Iterator:
    """A file named directly: taken whatever its name, when it can be opened as a file."""
    problem = _not_utf8(str(path))
    if problem is None:
        status, problem = _status(path)
    if problem is not None:
        yield _skipped(str(path), problem)
        return
    named, name = os.path.split(str(path))
    stamps = [f"{status.st_mtime_ns}:{status.st_size}"] if stamped else []
    yield Folder(named, os.path.dirname(key), [name], stamps, whole=False)


def _walk_folder(
    top: Path, stamped: bool, is_page: PageTest, walked: set[str], direct: dict, indexed: Indexed | None
) -> Iterator:
    """The folder and every folder under it, depth first in name order (hidden ones and saved
    pages' `_files` folders left out), each listed once however many ways it is reached. The
    next folder is listed (in C, in a thread) while this one's files are looked at."""
    named = str(top)
    pending = [("" if named == "." else named, os.path.realpath(top))]
    with Lister(stamped, _UNSTATTED, indexed, _PAGES) as lister:
        while pending:
            named, key = pending.pop()
            if key in walked:
                continue
            walked.add(key)
            try:
                listed = lister.entries(named, key)
                files, folders = _split(listed.entries)
            except OSError as error:
                if error.errno in (errno.ENOENT, errno.ENOTDIR):  # gone meanwhile, with its files
                    LOGGER.info("cannot list %s: %s", shown(named or "."), error.strerror or error)
                else:  # no permission, a disk error: its files may all be there still
                    reason = f"folder cannot be listed ({error.strerror or error}); what is indexed from it is kept"
                    yield Unlisted(named or ".", reason, key=key)
                continue
            subfolders, skipped = _subfolders(named, key, files, folders)
            pending.extend(reversed(subfolders))
            lister.ahead(
                [(sub, sub_key) for sub, sub_key in reversed(pending[-AHEAD:]) if sub_key not in walked]
            )
            folder = Folder(named, key, unchanged=listed.unchanged, known=listed.known, crawls=listed.crawls)
            yield from _take_files(folder, files, stamped, is_page, direct.get(key, set()))
            yield from skipped
            yield folder


def _split(entries: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    """Files and folders, a link taken as what it points to (one that points nowhere: a file,
    reported as one)."""
    files, folders = [], []
    for entry in entries:
        kind, error, mode = entry[1:4]
        is_folder = kind == FOLDER or (kind in (LINK, UNKNOWN) and not error and stat.S_ISDIR(mode))
        (folders if is_folder else files).append(entry)
    return files, folders


def _take_files(folder: Folder, files: list[tuple], stamped: bool, is_page: PageTest, direct: set[str]):
    """The folder's pages and crawl files into `folder` (names, and stamps when `stamped`) but
    those `direct` names (named directly as well); yields those passed over with a reason."""
    named = folder.named
    folder_problem = _not_utf8(named)
    names, stamps = folder.names, folder.stamps
    for name, kind, error, mode, stamp in files:
        if direct and name in direct:
            continue  # named directly as well, and taken there
        suffix = _suffix(name)
        if suffix not in _TAKEN and suffix in ASSET_SUFFIXES:
            continue
        if stamped and kind == FILE and not (stamp or error):  # named like an asset: not stat'ed
            error, mode, stamp = stat_of(folder.key, name)
        problem = folder_problem or (None if name.isascii() else _not_utf8(name))
        # The listing says which entries are plain files: those need no stat to be taken.
        if problem is None and (stamped or kind != FILE) and (error or not stat.S_ISREG(mode)):
            problem = _stat_problem(error, kind == LINK) if error else kind_problem(mode)
        if problem is not None:
            if suffix in _TAKEN:
                yield _skipped(os.path.join(named, name), problem)
            continue
        if suffix in _TAKEN or is_page(folder, name, stamp if stamped else ""):
            names.append(name)
            if stamped:
                stamps.append(stamp)


def _subfolders(named: str, key: str, files: list[tuple], folders: list[tuple]):
    """The subfolders to walk, as (named, key), and those reported (a folder named like a page)."""
    names = [entry[0] for entry in folders]
    saved = _saved_pages(files) if any(name.endswith("_files") for name in names) else set()
    subfolders, skipped = [], []
    for name, kind, *_ in folders:
        if name.endswith("_files") and name[: -len("_files")] in saved:
            continue
        sub_named = os.path.join(named, name)
        if suffix_of(name) in SUFFIXES:  # reported; the pages in it are read all the same
            skipped.append(_skipped(sub_named, _not_utf8(sub_named) or _FOLDER_PROBLEM))
        # A plain subfolder's resolved path is its parent's and its name: no realpath needed.
        subfolders.append(
            (sub_named, os.path.realpath(sub_named) if kind == LINK else os.path.join(key, name))
        )
    return subfolders, skipped


def _suffix(name: str) -> str:
    """suffix_of, with the common names (a .txt or .html page) answered first."""
    tail = name[name.rfind(".") :].lower()
    return tail if tail in SUFFIXES and "?" not in name else suffix_of(name)


def _saved_pages(files: list[tuple]) -> set[str]:
    """The names a "Save page as" `_files` folder can be named after: the pages' stems and
    every file's name."""
    names = {entry[0] for entry in files}
    return names | {name.rsplit(".", 1)[0] for name in names if suffix_of(name) in HTML_SUFFIXES}


def starts_as_html(folder: Folder, name: str, file_stamp: str = "") -> bool:
    """Whether the file's first bytes are HTML: a page whatever its name says."""
    try:
        with open(os.path.join(folder.key, name), "rb") as file:
            return looks_like_html(file.read(SNIFF_BYTES))
    except OSError:
        return False


def _not_utf8(path: str) -> str | None:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return "file name is not valid UTF-8; rename it"
    return None


def _status(path: Path) -> tuple[os.stat_result | None, str | None]:
    """The file's stat through symbolic links, and why it cannot be taken as a file, if so."""
    try:
        status = path.stat()
    except OSError as error:
        return None, _stat_problem(error.errno or errno.EIO, path.is_symlink())
    return status, kind_problem(status.st_mode)


def _stat_problem(number: int, is_link: bool) -> str:
    if number == errno.ELOOP:
        return "symbolic link loop"
    if is_link:
        return "broken symbolic link (what it points to does not exist)"
    return f"cannot be read ({os.strerror(number)})"


def _skipped(path: str, reason: str) -> Skipped:
    LOGGER.info("skipped %s: %s", shown(path), reason)
    return Skipped(shown(path), reason)


def read_documents(paths: Iterable[str | Path]) -> Iterator[RawDocument | Skipped]:
    """Yield a RawDocument or a Skipped record for every corpus file under the paths."""
    files, missing = find_files(paths)
    yield from missing
    for path in files:
        try:
            yield read_document(path)
        except UnreadableFile as error:
            LOGGER.info("skipped %s: %s", path, error)
            yield Skipped(str(path), str(error))
