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


@dataclass(slots=True)
class Folder:
    """The pages and crawl files the walk found in one folder, by name (sorted)."""

    named: str  # the folder as the paths given name it ("" for the current folder)
    key: str  # the folder with its symbolic links resolved: its files' keys are key/name
    names: list[str] = field(default_factory=list)
    stamps: list[str] = field(default_factory=list)  # "mtime_ns:size" of each, in a stamped walk
    whole: bool = True  # False: files named one by one, not the folder's every page

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


def walk(paths: Iterable[str | Path], stamped: bool = False, is_page: PageTest | None = None) -> Iterator:
    """Each folder under the paths as a Folder (files named directly: one Folder each, not
    `whole`), and each path passed over as a Skipped, the paths taken in the order they sort. `stamped`:
    with each file's mtime and size. `is_page` decides for a file whose name says nothing
    (default: its first bytes are HTML); an update answers from what it indexed."""
    is_page = is_page or starts_as_html
    tops = sorted(dict.fromkeys(Path(path) for path in paths))  # in the order a path sorts
    direct = {_key(top) for top in tops if not top.is_dir()}  # walked folders leave these out
    walked: set[str] = set()  # resolved folders: one reached twice is read once
    named_directly: set[str] = set()
    for top in tops:
        if top.is_dir():
            yield from _walk_folder(top, stamped, is_page, walked, direct)
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


def _walk_folder(top: Path, stamped: bool, is_page: PageTest, walked: set[str], direct: set[str]) -> Iterator:
    """The folder and every folder under it, depth first in name order (hidden ones and saved
    pages' `_files` folders left out), each listed once however many ways it is reached."""
    named = str(top)
    pending = [("" if named == "." else named, os.path.realpath(top))]
    while pending:
        named, key = pending.pop()
        if key in walked:
            continue
        walked.add(key)
        try:
            folder, subfolders, skipped = _list(named, key, stamped, is_page, direct)
        except OSError as error:
            if error.errno in (errno.ENOENT, errno.ENOTDIR):  # gone meanwhile, with its files
                LOGGER.info("cannot list %s: %s", shown(named or "."), error.strerror or error)
            else:  # no permission, a disk error: its files may all be there still
                reason = (
                    f"folder cannot be listed ({error.strerror or error}); what is indexed from it is kept"
                )
                yield Unlisted(named or ".", reason, key=key)
            continue
        yield from skipped
        yield folder
        pending.extend(reversed(subfolders))


def _list(named: str, key: str, stamped: bool, is_page: PageTest, direct: set[str]):
    """One folder: its pages and crawl files (a Folder), its subfolders as (named, key), and
    what it passes over."""
    folder, skipped = Folder(named, key), []
    fd = os.open(key, os.O_RDONLY | os.O_DIRECTORY)
    try:
        with os.scandir(fd) as listing:  # by descriptor: a stat is relative to the folder
            entries = sorted((entry for entry in listing if not entry.name.startswith(".")), key=_name)
        files, folders = [], []
        for entry in entries:
            (folders if _is_folder(entry) else files).append(entry)
        folder_problem = _not_utf8(named)
        for entry in files:
            name = entry.name
            if direct and os.path.join(key, name) in direct:
                continue  # named directly as well, and taken there
            suffix = _suffix(name)
            if suffix not in _TAKEN and suffix in ASSET_SUFFIXES:
                continue
            problem, status = folder_problem or _not_utf8(name), None
            # The listing says which entries are plain files: those need no stat to be taken.
            if problem is None and (stamped or not entry.is_file(follow_symlinks=False)):
                status, problem = _status(entry)
            if problem is not None:
                if suffix in _TAKEN:
                    skipped.append(_skipped(os.path.join(named, name), problem))
                continue
            file_stamp = f"{status.st_mtime_ns}:{status.st_size}" if stamped else ""
            if suffix in _TAKEN or is_page(folder, name, file_stamp):
                folder.names.append(name)
                if stamped:
                    folder.stamps.append(file_stamp)
    finally:
        os.close(fd)
    saved = _saved_pages(files) if any(entry.name.endswith("_files") for entry in folders) else set()
    subfolders = []
    for entry in folders:
        name = entry.name
        if name.endswith("_files") and name[: -len("_files")] in saved:
            continue
        sub_named = os.path.join(named, name)
        if suffix_of(name) in SUFFIXES:  # reported; the pages in it are read all the same
            skipped.append(_skipped(sub_named, _not_utf8(sub_named) or _FOLDER_PROBLEM))
        # A plain subfolder's resolved path is its parent's and its name: no realpath needed.
        subfolders.append(
            (sub_named, os.path.realpath(sub_named) if entry.is_symlink() else os.path.join(key, name))
        )
    return folder, subfolders, skipped


def _name(entry: os.DirEntry) -> str:
    return entry.name


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()  # from the listing's file type, unless a link
    except OSError:  # a link that cannot be followed: taken as a file, and reported as one
        return False


def _suffix(name: str) -> str:
    """suffix_of, with the common names (a .txt or .html page) answered first."""
    tail = name[name.rfind(".") :].lower()
    return tail if tail in SUFFIXES and "?" not in name else suffix_of(name)


def _saved_pages(files: list[os.DirEntry]) -> set[str]:
    """The names a "Save page as" `_files` folder can be named after: the pages' stems and
    every file's name."""
    names = {entry.name for entry in files}
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


def _status(file: Path | os.DirEntry) -> tuple[os.stat_result | None, str | None]:
    """The file's stat through symbolic links, and why it cannot be taken as a file, if so."""
    try:
        status = file.stat()
    except OSError as error:
        return None, _stat_problem(error, file.is_symlink())
    return status, kind_problem(status.st_mode)


def _stat_problem(error: OSError, is_link: bool) -> str:
    if error.errno == errno.ELOOP:
        return "symbolic link loop"
    if is_link:
        return "broken symbolic link (what it points to does not exist)"
    return f"cannot be read ({error.strerror or error})"


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
