"""WARC and WACZ files -> one RawDocument per HTML page a crawler fetched, read as a stream.

`wget --warc-file`, Browsertrix and Heritrix write WARC (`.warc`, `.warc.gz`: one gzip member
per record); a WACZ is a zip holding WARCs under `archive/`. warcio, the reference reader,
parses the records; this module decides which are articles and survives bad ones. A 5 GB WARC
is never loaded whole: records are read one at a time, and only an HTML page's payload is kept.

Each record yields one of:
- a RawDocument for an HTML response with status 200 (path "crawl.warc.gz#1234": the file and
  the record's offset; url its target URI; crawled its WARC-Date);
- `Passed` for a revisit, a non-HTML payload or another status (counted, never listed);
- `Skipped` for a record that cannot be read (truncated, corrupt gzip, undecodable), named by
  file and offset: reading goes on at the next record.
"""

import logging
import zipfile
import zlib
from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from search import limits
from search.corpus import (
    SNIFF_BYTES,
    RawDocument,
    Skipped,
    UnreadableFile,
    content_hash,
    decode,
    looks_like_html,
    shown,
)
from search.sources.records import Passed

LOGGER = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
NOT_HTML = "not HTML (images, scripts, styles...)"
# Where a new record may start after a bad one: a gzip member, or an uncompressed header.
GZIP_MEMBER = b"\x1f\x8b\x08"
WARC_HEADER = b"WARC/1."
SCAN_CHUNK = 1 << 20


class BadRecord(Exception):
    """A record that could not be read; reading resumes after it."""


def read_warc(path: str) -> Iterator[RawDocument | Skipped | Passed]:
    """Every record of the WARC file at path (see the module's docstring)."""
    try:
        with open(path, "rb") as file:
            yield from read_stream(file, shown(path))
    except OSError as error:
        yield Skipped(shown(path), f"cannot be read ({error.strerror or error})")


def read_wacz(path: str) -> Iterator[RawDocument | Skipped | Passed]:
    """Every record of every WARC inside the WACZ (zip) file at path."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [
                name
                for name in archive.namelist()
                if name.startswith("archive/") and name.lower().endswith((".warc", ".warc.gz"))
            ]
            if not members:
                yield Skipped(shown(path), "a WACZ with no WARC file under archive/")
            for name in sorted(members):
                with archive.open(name) as member:
                    yield from read_stream(member, f"{shown(path)}/{name}")
    except (OSError, zipfile.BadZipFile, EOFError, zlib.error) as error:
        yield Skipped(shown(path), f"not a readable WACZ (zip) file ({error})")


def read_stream(file: BinaryIO, name: str) -> Iterator[RawDocument | Skipped | Passed]:
    """The records of one WARC stream; after a bad record, reading resumes at the next one."""
    start, resumed = 0, False
    while start is not None:
        file.seek(start)
        records = ArchiveIterator(file)
        try:
            for record in records:
                # warcio's `offset` is where the record being read starts (get_record_offset
                # would read the record to its end first).
                yield _document(record, name, records.offset)
                resumed = False
            return
        except Exception as error:  # noqa: BLE001 (bytes no rule foresaw cost their record, never the file)
            offset = records.offset
            if not (resumed and offset == start):  # a false start found by the scan: no news
                why = _why(error)
                LOGGER.info("%s#%d: %s", name, offset, why)  # (the report lists it)
                yield Skipped(f"{name}#{offset}", f"unreadable record ({why}); the rest of the file is read")
        start, resumed = _next_record(file, offset + 1), True


def _document(record, name: str, offset: int) -> RawDocument | Skipped | Passed:
    path = f"{name}#{offset}"
    passed = _passed(record)  # ("" for bookkeeping: passed over, not counted)
    body = b"" if passed is not None else record.content_stream().read(limits.MAX_FILE_BYTES + 1)
    _read_to_end(record)
    if passed is not None:
        return Passed(name, passed)
    if not _status_and_type(record)[1] and not looks_like_html(body[:SNIFF_BYTES]):
        return Passed(name, NOT_HTML)
    if len(body) > limits.MAX_FILE_BYTES:
        return Skipped(path, f"larger than {limits.MAX_FILE_BYTES:,} bytes (SEARCH_MAX_FILE_BYTES)")
    try:
        text, encoding = decode(body, html=True, charset=_charset(record))
    except UnreadableFile as error:
        return Skipped(path, str(error))
    return RawDocument(
        path=path,
        text=text,
        kind="html",
        encoding=encoding,
        content_hash=content_hash(body),
        url=record.rec_headers.get_header("WARC-Target-URI"),
        crawled=_warc_date(record.rec_headers.get_header("WARC-Date")),
    )


def _passed(record) -> str | None:
    """Why a record is not a page to read (see Passed), or None for an HTML page with 200 OK."""
    if record.rec_type == "revisit":
        return "revisits (unchanged since an earlier capture)"
    if record.rec_type not in ("response", "resource"):
        return ""  # requests, warcinfo, metadata: a crawl's bookkeeping
    status, content_type = _status_and_type(record)
    if status != "200":
        return "with a status other than 200 OK (redirects, errors)"
    if content_type and not content_type.startswith(HTML_TYPES):
        return NOT_HTML
    return None


def _read_to_end(record) -> None:
    """Read what is left of the record, raising BadRecord when the file ends inside it."""
    while record.raw_stream.read(SCAN_CHUNK):
        pass
    if record.raw_stream.limit > 0:
        raise BadRecord(f"truncated record: it ends {record.raw_stream.limit:,} bytes early")


def _status_and_type(record) -> tuple[str, str]:
    """The HTTP status ("200") and lower-case media type of a record ("" when not stated);
    a resource record (a page saved without its HTTP exchange) counts as 200."""
    headers = record.http_headers or record.rec_headers
    status = record.http_headers.get_statuscode() if record.http_headers else "200"
    return status, (headers.get_header("Content-Type") or "").lower()


def _charset(record) -> str | None:
    headers = record.http_headers or record.rec_headers
    for part in (headers.get_header("Content-Type") or "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def _warc_date(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
    except ValueError:
        return None


def _next_record(file: BinaryIO, at: int) -> int | None:
    """Where the next record after a bad one starts: the next gzip member of a compressed
    WARC, the next "WARC/1." header of a plain one; None at the end of the file."""
    file.seek(0)
    marker = GZIP_MEMBER if file.read(3) == GZIP_MEMBER else WARC_HEADER
    file.seek(at)
    carried = b""
    position = at
    while chunk := file.read(SCAN_CHUNK):
        data = carried + chunk
        found = data.find(marker)
        if found >= 0:
            return position - len(carried) + found
        carried = data[-(len(marker) - 1) :]
        position += len(chunk)
    return None


def _why(error: Exception) -> str:
    text = str(error).split("\n")[0][:120]
    if isinstance(error, ArchiveLoadFailed):
        return "not a WARC record here; a corrupt gzip member or a cut"
    return f"{type(error).__name__}: {text}" if not isinstance(error, BadRecord) else text
