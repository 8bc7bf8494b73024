"""A page file's bytes -> a raw document: read, gunzipped, its kind and encoding found.

Input: one file (search/sources/folders.py finds them; crawl files' records come decoded by
their readers with `decode`). Output: a `RawDocument` holding decoded text, or UnreadableFile
saying, in words a user can act on, why the file cannot be read. Nothing here raises anything
else for a bad file; one bad file never stops the rest of the corpus.
"""

import codecs
import gzip
import hashlib
import io
import logging
import os
import re
import stat
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from search import limits

try:
    from search.utf8 import is_utf8
except ImportError:  # not compiled (setup.py): decoding tells
    is_utf8 = None

LOGGER = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt"}
HTML_SUFFIXES = {".html", ".htm"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES
# Crawler outputs holding many documents each, read by search/sources/.
CONTAINER_SUFFIXES = (".warc", ".warc.gz", ".wacz", ".jsonl", ".jl", ".jsonl.gz", ".json")
SNIFF_BYTES = 1024
_HTML_START = re.compile(
    rb"\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title)[\s>/]", re.I | re.S
)

# Share of control characters above which decoded "text" is really binary or the wrong codec.
MAX_CONTROL_SHARE = 0.01

# C0 and C1 control characters other than the whitespace ones text files do contain.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])  # the same, in an 8-bit file
BINARY = "binary file (mostly control characters)"
# UTF-8 with broken sequences is read as UTF-8 when its good sequences are at least this many
# times as many (each starts with one of these bytes).
MIN_GOOD_PER_BROKEN = 10
_UTF8_LEADS = bytes(range(0xC2, 0xF5))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


@dataclass(frozen=True)
class RawDocument:
    path: str  # as the user named it (relative paths stay relative)
    text: str  # decoded, newlines as \n (an HTML page's as its parser reads them); NFC is extract's job
    kind: str  # "text" or "html"
    encoding: str
    content_hash: str  # of the bytes, for incremental updates
    url: str | None = None  # where a crawler fetched it (a WARC record's target URI, a JSON line's url)
    crawled: datetime | None = None  # when (WARC-Date); the article's date when the page gives none
    given: dict | None = None  # title, date, site a JSON line states beside its text
    # An HTML page's bytes when they are its text in UTF-8: its parser reads them, not a copy.
    utf8: bytes | None = field(default=None, repr=False)


class Utf8Page(RawDocument):
    """An HTML page whose bytes are UTF-8, which the parser reads: its text (`text`, the bytes
    decoded) is made the first time it is asked for, which most pages never are. (A copy made
    with another text, dataclasses.replace(page, text=...), must drop the bytes too, utf8=None:
    the parser reads them when they are there.)"""

    @property
    def text(self) -> str:
        if self._text is None:
            object.__setattr__(self, "_text", self.utf8.decode("utf-8"))
        return self._text

    @text.setter
    def text(self, value: str | None) -> None:  # (the dataclass's __init__ sets it)
        object.__setattr__(self, "_text", value)


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str
    listing: bool = False  # a home or category page: passed over, not an error


class UnreadableFile(Exception):
    """A file that holds no text we can read; the message is the reason shown to the user."""


def suffix_of(name: str) -> str:
    """The suffix that says what a file holds: ".html" for "index.html?p=2" (a mirror's name
    for a page with a query), ".html" for "a.html.gz", ".warc.gz" for a compressed WARC.

    >>> suffix_of("index.html?p=2"), suffix_of("a.HTML.gz"), suffix_of("crawl.warc.gz"), suffix_of("bai-viet")
    ('.html', '.html', '.warc.gz', '')
    """
    name = name.split("?", 1)[0].lower()
    for suffix in CONTAINER_SUFFIXES:
        if name.endswith(suffix):
            return suffix
    if name.endswith(".gz"):
        name = name[:-3]
    return os.path.splitext(name)[1]


def looks_like_html(data: bytes) -> bool:
    """Whether bytes begin as an HTML page does (after a BOM, blanks and comments).

    >>> looks_like_html(b"\\xef\\xbb\\xbf <!DOCTYPE html><html>"), looks_like_html(b"GIF89a")
    (True, False)
    """
    return bool(_HTML_START.match(data.removeprefix(codecs.BOM_UTF8)))


def shown(path: str | Path) -> str:
    """The path as text that can be printed and stored: bytes that are not UTF-8 (which
    Python carries as lone surrogates) written as \\xNN."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def kind_problem(mode: int) -> str | None:
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
        if (problem := kind_problem(info.st_mode)) is not None:
            raise UnreadableFile(problem)
        if info.st_size > limits.MAX_FILE_BYTES:
            raise UnreadableFile(_too_large())
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableFile(f"cannot be read ({error.strerror or error})") from None
    if len(data) > limits.MAX_FILE_BYTES:  # it grew since
        raise UnreadableFile(_too_large())
    return gunzipped(data) if path.name.lower().split("?")[0].endswith(".gz") else data


def gunzipped(data: bytes) -> bytes:
    """A gzipped page's bytes (a mirror's `.html.gz`), at most MAX_FILE_BYTES of them."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as file:
            data = file.read(limits.MAX_FILE_BYTES + 1)
    except (OSError, EOFError, zlib.error) as error:
        raise UnreadableFile(f"not a readable gzip file ({error})") from None
    if len(data) > limits.MAX_FILE_BYTES:
        raise UnreadableFile(_too_large() + " once uncompressed")
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
    suffix = suffix_of(path.name)
    html = suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES and looks_like_html(data[:SNIFF_BYTES]))
    kind = "html" if html else "text"
    if html and b"<" in data and _is_plain_utf8(data):  # (a "<" is no blank)
        return Utf8Page(str(path), None, kind, "utf-8", content_hash(data), utf8=data)
    text, encoding = decode(data, html=html)
    if not text or text.isspace():  # (not text.strip(): a copy of the page)
        raise UnreadableFile("empty file")
    return RawDocument(
        path=str(path),
        text=text,
        kind=kind,
        encoding=encoding,
        content_hash=content_hash(data),
        # (decode leaves an HTML page's bytes be, but for stray NULs)
        utf8=data if html and encoding == "utf-8" and b"\0" not in data else None,
    )


def decode(data: bytes, html: bool = False, charset: str | None = None) -> tuple[str, str]:
    """Decode bytes as scraped Vietnamese pages come: BOM first, then UTF-8, then the charset
    the server sent (`charset`) or the page declares, then Windows-1258.

    Returns the text with newlines as "\\n" and the encoding used. Raises UnreadableFile for
    empty, binary or undecodable data. An HTML page's "\\r\\n" and "\\r" are left as they are:
    its parser reads them as "\\n" (HTML's own rule), and the copy would cost as much as decoding.
    """
    if not data.strip():
        raise UnreadableFile("empty file")
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return _as_text(_decoded(data, encoding), newlines=not html), encoding
    if _control_count(data) > MAX_CONTROL_SHARE * len(data):  # (on the bytes: 5x faster than on the text)
        raise UnreadableFile("binary file (contains NUL bytes)" if b"\0" in data else BINARY)
    if b"\0" in data:  # a few stray NULs in a page (a browser ignores them): not a binary file
        data = data.replace(b"\0", b"")
    # Newlines made "\n" on the bytes, a third of the cost of doing it on the text (an HTML
    # page's are left to its parser).
    if b"\r" in data and not html:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    text = _decoded(data, "utf-8")
    if text is None:
        text = _mostly_utf8(data)
    if text is not None:
        return _as_text(text, controls_counted=True, newlines=not html), "utf-8"
    candidates = []
    for declared in (_charset(charset), _declared_charset(data) if html else None):
        if declared and declared not in candidates and declared != "utf-8":
            candidates.append(declared)
    # Windows-1258 is the usual legacy encoding of Vietnamese text; it stores tone marks as
    # separate combining characters, which extract's NFC step composes.
    candidates.append("cp1258")
    for encoding in candidates:
        text = _decoded(data, encoding)
        if text is not None:
            return _as_text(text, controls_counted=True, newlines=not html), encoding
    raise UnreadableFile("undecodable: not UTF-8, UTF-16 or Windows-1258 text")


def _control_count(data: bytes) -> int:
    """How many of the bytes are _CONTROL_BYTES (0-8, 14-31, 127), counted by comparisons in
    numpy: twice the speed of deleting them (bytes.translate) and measuring what is left.

    >>> every = bytes(range(256))
    >>> _control_count(every) == len(every) - len(every.translate(None, _CONTROL_BYTES)) == 28
    True
    """
    values = np.frombuffer(data, dtype=np.uint8)
    return int(
        np.count_nonzero(values < 0x09)
        + np.count_nonzero((values >= 0x0E) & (values < 0x20))
        + np.count_nonzero(values == 0x7F)
    )


def _is_plain_utf8(data: bytes) -> bool:
    """Whether decode would read the bytes as UTF-8 as they are: no byte-order mark, no NUL,
    not binary, well-formed UTF-8 (checked in C where search/utf8.pyx was compiled)."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\0" in data:
        return False
    if _control_count(data) > MAX_CONTROL_SHARE * len(data):
        return False
    return is_utf8(data) if is_utf8 is not None else _decoded(data, "utf-8") is not None


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few broken sequences (a teaser cut mid-letter by a byte count, a pasted
    Latin-1 word), decoded as a browser shows it, U+FFFD for each; None when broken sequences
    are more than a tenth of the good ones: then it is another encoding, whose letters above
    127 are single bytes that UTF-8 never accepts alone."""
    text = data.decode("utf-8", "replace")
    broken = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")  # (not the page's own U+FFFD)
    good = len(data) - len(data.translate(None, _UTF8_LEADS)) - broken
    return text if broken * MIN_GOOD_PER_BROKEN <= good else None


def _decoded(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _as_text(text: str | None, controls_counted: bool = False, newlines: bool = True) -> str:
    """Newlines as \\n (with `newlines`); raise for text that is really binary data or blank."""
    if text is None:
        raise UnreadableFile("undecodable: invalid bytes after its byte-order mark")
    if newlines and "\r" in text:  # (a scan in C; the copies are made only for files that need them)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not controls_counted and len(_CONTROL.findall(text)) > MAX_CONTROL_SHARE * len(text):
        raise UnreadableFile(BINARY)
    if text.isspace():
        raise UnreadableFile("empty file")
    return text


def _declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 4096 bytes, counted with newlines as "\\n"
    (8192 bytes hold at least 4096 so counted)."""
    start = data[:8192]
    if b"\r" in start:
        start = start.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    match = _META_CHARSET.search(start[:4096])
    if not match:
        return None
    return _charset(match.group(1).decode("ascii", "replace"))


def _charset(name: str | None) -> str | None:
    try:
        return codecs.lookup(name.strip().lower()).name if name else None
    except LookupError:
        return None
