"""Files and folders -> raw documents: the only place that reads the corpus from disk.

Input: paths named by the user (files, or folders searched recursively). Output: `RawDocument`s
holding decoded text, or `Skipped` records saying, in words a user can act on, why a file was not
read. Nothing here raises for a bad file; one bad file never stops the rest of the corpus.
"""

import codecs
import hashlib
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

LOGGER = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt"}
HTML_SUFFIXES = {".html", ".htm"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES

# Scraped pages are rarely above a few hundred kB; anything far larger is a dump or a mistake
# and would dominate memory while indexing.
MAX_BYTES = 20 * 1024 * 1024
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


class UnreadableFile(Exception):
    """A file that holds no text we can read; the message is the reason shown to the user."""


def find_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[Skipped]]:
    """Expand files and folders into the sorted list of corpus files.

    Folders are searched recursively for .txt, .html and .htm files; a file named directly is
    taken whatever its suffix. A path that does not exist is reported, not raised.
    """
    found: set[Path] = set()
    missing = []
    for path in map(Path, paths):
        if path.is_dir():
            found.update(
                child
                for child in path.rglob("*")
                if child.suffix.lower() in SUFFIXES
                and child.is_file()
                and not any(part.startswith(".") for part in child.relative_to(path).parts)
            )
        elif path.is_file():
            found.add(path)
        else:
            missing.append(Skipped(str(path), "no such file or folder"))
    return sorted(found), missing


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
    """A file's bytes, or UnreadableFile (too large, no permission, gone)."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise UnreadableFile(f"larger than {MAX_BYTES // (1024 * 1024)} MB")
        return path.read_bytes()
    except OSError as error:
        raise UnreadableFile(f"cannot be read ({error.strerror or error})") from None


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
