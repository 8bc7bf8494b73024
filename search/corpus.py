"""Files and folders -> raw documents: the only place that reads the corpus from disk.

Input: paths named by the user (files, or folders searched recursively). Output: `RawDocument`s
holding decoded text, or `Skipped` records saying, in words a user can act on, why a file was not
read. Nothing here raises for a bad file; one bad file never stops the rest of the corpus.
"""

import codecs
import errno
import hashlib
import logging
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from search import limits

LOGGER = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt"}
HTML_SUFFIXES = {".html", ".htm"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES

# Share of control characters above which decoded "text" is really binary or the wrong codec.
MAX_CONTROL_SHARE = 0.01

# C0 and C1 control characters other than the whitespace ones text files do contain.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


@dataclass(frozen=True)
class RawDocument:
    path: str  # as the user named it (relative paths stay relative)
    text: str  # decoded, newlines as \n; NFC is extract's job
    kind: str  # "text" or "html"
    encoding: str
    content_hash: str  # of the bytes, for incremental updates


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str
    listing: bool = False  # a home or category page: passed over, not an error


class UnreadableFile(Exception):
    """A file that holds no text we can read; the message is the reason shown to the user."""


def find_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[Skipped]]:
    """Expand files and folders into the sorted list of corpus files, and what was passed over.

    Folders are searched recursively for .txt, .html and .htm files; a file named directly is
    taken whatever its suffix. What cannot be read as a page (a path that does not exist, a
    name that is not UTF-8, a pipe, a device, a broken or looping link, a folder named like a
    page) is reported with the reason, never raised, and never opened.
    """
    found: set[Path] = set()
    skipped: dict[str, Skipped] = {}
    for path in map(Path, paths):
        if path.is_dir():
            for child in path.rglob("*"):
                if child.suffix.lower() not in SUFFIXES or any(
                    part.startswith(".") for part in child.relative_to(path).parts
                ):
                    continue
                if (problem := _not_a_page(child)) is None:
                    found.add(child)
                else:
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


def shown(path: str | Path) -> str:
    """The path as text that can be printed and stored: bytes that are not UTF-8 (which
    Python carries as lone surrogates) written as \\xNN."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


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
    return _kind_problem(mode)


def _kind_problem(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder named like a page, not a page (the pages in it are read)"
    if stat.S_ISFIFO(mode):
        return "not a regular file (a named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "not a regular file (a device)"
    if stat.S_ISSOCK(mode):
        return "not a regular file (a socket)"
    return "not a regular file"


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


def read_document(path: str | Path) -> RawDocument:
    """Read and decode one file, or raise UnreadableFile with the reason."""
    return decode_document(path, read_bytes(path))


def read_bytes(path: str | Path) -> bytes:
    """A file's bytes, or UnreadableFile (too large, not a regular file, no permission, gone).

    Size and kind come from stat before the file is opened: a device or a pipe is never read
    (the time budget of pipeline.py bounds the moment between stat and open).
    """
    path = Path(path)
    try:
        info = path.stat()
        if (problem := _kind_problem(info.st_mode)) is not None:
            raise UnreadableFile(problem)
        if info.st_size > limits.MAX_FILE_BYTES:
            raise UnreadableFile(_too_large())
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableFile(f"cannot be read ({error.strerror or error})") from None
    if len(data) > limits.MAX_FILE_BYTES:  # it grew since
        raise UnreadableFile(_too_large())
    return data


def _too_large() -> str:
    most, mb = limits.MAX_FILE_BYTES, 1024 * 1024
    size = f"{most // mb} MB" if most % mb == 0 else f"{most:,} bytes"
    return f"larger than {size} (SEARCH_MAX_FILE_BYTES)"


def content_hash(data: bytes) -> str:
    """What tells a changed file from an unchanged one."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def decode_document(path: str | Path, data: bytes) -> RawDocument:
    """Decode a file's bytes into a RawDocument, or raise UnreadableFile."""
    path = Path(path)
    kind = "html" if path.suffix.lower() in HTML_SUFFIXES else "text"
    text, encoding = decode(data, html=kind == "html")
    if not text.strip():
        raise UnreadableFile("empty file")
    return RawDocument(
        path=str(path),
        text=text,
        kind=kind,
        encoding=encoding,
        content_hash=content_hash(data),
    )


def decode(data: bytes, html: bool = False) -> tuple[str, str]:
    """Decode bytes as scraped Vietnamese pages come: BOM first, then UTF-8, then Windows-1258.

    Returns the text with newlines as "\\n" and the encoding used. Raises UnreadableFile for
    empty, binary or undecodable data.
    """
    if not data.strip():
        raise UnreadableFile("empty file")
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return _as_text(_decoded(data, encoding)), encoding
    if b"\0" in data:
        raise UnreadableFile("binary file (contains NUL bytes)")
    candidates = ["utf-8"]
    declared = _declared_charset(data) if html else None
    if declared and declared != "utf-8":
        candidates.append(declared)
    # Windows-1258 is the usual legacy encoding of Vietnamese text; it stores tone marks as
    # separate combining characters, which extract's NFC step composes.
    candidates.append("cp1258")
    for encoding in candidates:
        text = _decoded(data, encoding)
        if text is not None:
            return _as_text(text), encoding
    raise UnreadableFile("undecodable: not UTF-8, UTF-16 or Windows-1258 text")


def _decoded(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _as_text(text: str | None) -> str:
    """Newlines as \\n; raise for text that is really binary data or blank."""
    if text is None:
        raise UnreadableFile("undecodable: invalid bytes after its byte-order mark")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(_CONTROL.findall(text)) > MAX_CONTROL_SHARE * len(text):
        raise UnreadableFile("binary file (mostly control characters)")
    if not text.strip():
        raise UnreadableFile("empty file")
    return text


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii", "replace").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None
