"""Paths the user names -> the files to read (pages and crawl files), and what was passed over.

Folders are searched recursively. Pages are `.txt`, `.html`, `.htm`, `.html.gz`, and files of
any other name whose first bytes are HTML, as `wget --mirror` saves them ("index.html?p=2", no
extension at all). Crawl files are WARC, WACZ and JSON Lines (read by this package's readers).
Assets (images, scripts, styles) and the `_files` folder a browser's "Save page as" writes
beside its page are passed over without a word. Nothing here opens a pipe or a device.
"""

import errno
import logging
import os
from collections.abc import Iterable, Iterator
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
    *[
        ".css",
        ".js",
        ".mjs",
        ".map",
        ".json",
        ".xml",
        ".rss",
        ".atom",
        ".csv",
        ".pdf",
        ".doc",
        ".docx",
        ".xls",
        ".xlsx",
        ".ppt",
        ".pptx",
    ],
    *[".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg", ".ico", ".bmp", ".tif", ".tiff", ".heic"],
    *[
        ".mp3",
        ".mp4",
        ".m4a",
        ".webm",
        ".ogg",
        ".ogv",
        ".wav",
        ".mov",
        ".avi",
        ".flv",
        ".swf",
        ".woff",
        ".woff2",
        ".ttf",
        ".otf",
        ".eot",
    ],
    *[
        ".zip",
        ".gz",
        ".tgz",
        ".bz2",
        ".xz",
        ".7z",
        ".rar",
        ".exe",
        ".dmg",
        ".apk",
        ".iso",
        ".bin",
        ".db",
        ".sqlite",
        ".cdx",
        ".py",
        ".sh",
    ],
}


def find_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[Skipped]]:
    """Expand files and folders into the sorted list of corpus files, and what was passed over.

    Folders are searched recursively for pages (.txt, .html, .htm, .html.gz, and files of any
    other name whose first bytes are HTML, as `wget --mirror` saves them) and for crawler
    outputs (WARC, WACZ, JSON Lines). Assets (images, scripts, styles) and the `_files` folder
    a browser's "Save page as" writes beside its page are passed over without a word. A file
    named directly is taken whatever its name. What cannot be read as a page (a path that
    does not exist, a name that is not UTF-8, a pipe, a device, a broken or looping link, a
    folder named like a page) is reported with the reason, never raised, and never opened.
    """
    found: set[Path] = set()
    skipped: dict[str, Skipped] = {}
    for path in map(Path, paths):
        if path.is_dir():
            for child in _walk(path):
                if (problem := _not_a_page(child)) is None:
                    if _wanted(child):
                        found.add(child)
                elif _named_like_input(child):
                    skipped.setdefault(shown(child), Skipped(shown(child), problem))
        elif not os.path.lexists(path):
            skipped.setdefault(shown(path), Skipped(shown(path), "no such file or folder"))
        elif (problem := _not_a_page(path)) is None:
            found.add(path)
        else:
            skipped.setdefault(shown(path), Skipped(shown(path), problem))
    for item in skipped.values():
        LOGGER.info("skipped %s: %s", item.path, item.reason)
    return sorted(found), sorted(skipped.values(), key=lambda item: item.path)


def _walk(folder: Path) -> Iterator[Path]:
    """Every entry under folder, hidden ones and saved pages' `_files` folders left out."""
    for root, folders, names in os.walk(folder, followlinks=True):
        saved = {name.rsplit(".", 1)[0] for name in names if suffix_of(name) in HTML_SUFFIXES} | set(names)
        folders[:] = [
            name
            for name in folders
            if not name.startswith(".") and not (name.endswith("_files") and name[: -len("_files")] in saved)
        ]
        folders.sort()
        yield from (Path(root, name) for name in names if not name.startswith("."))
        # A folder named like a page is reported (its pages are read all the same).
        yield from (Path(root, name) for name in folders if suffix_of(name) in SUFFIXES)


def _named_like_input(path: Path) -> bool:
    suffix = suffix_of(path.name)
    return suffix in SUFFIXES or suffix in CONTAINER_SUFFIXES


def _wanted(path: Path) -> bool:
    """Whether a file found in a folder is a page or a crawl to read (by name, else by content)."""
    suffix = suffix_of(path.name)
    if suffix in SUFFIXES or suffix in CONTAINER_SUFFIXES:
        return True
    return suffix not in ASSET_SUFFIXES and looks_like_html(_first_bytes(path))


def _first_bytes(path: Path) -> bytes:
    try:
        with open(path, "rb") as file:
            return file.read(SNIFF_BYTES)
    except OSError:
        return b""


def _not_a_page(path: Path) -> str | None:
    """Why the file at `path` cannot be read as a page, or None when it can be opened and
    read (a regular file, or a link to one). Decided from its name and its stat, not by
    opening it: opening a named pipe waits for a writer forever."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return "file name is not valid UTF-8; rename it"
    try:
        mode = path.stat().st_mode  # through symbolic links
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "symbolic link loop"
        if path.is_symlink():
            return "broken symbolic link (what it points to does not exist)"
        return f"cannot be read ({error.strerror or error})"
    return kind_problem(mode)


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
