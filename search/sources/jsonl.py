"""JSON Lines (`.jsonl`, `.jl`, `.jsonl.gz`) and JSON arrays (`.json`) -> one RawDocument per item.

Scrapy and similar tools write one item per line; their field names vary, so each field is
looked for under the names crawlers use (`url`, `title`, `html` or `body`, `content`, `text`,
`date`, `published`...). An item with HTML goes through the same extractor as a saved page;
one with only text is read as a text dump whose title is the item's. A line that is not JSON,
or an item without text, is reported by its line number and the rest is read.

Scrapy's `.json` export is an array with one item per line, read as a stream like JSON Lines;
any other array is loaded whole, up to MAX_FILE_BYTES.
"""

import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path

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
from search.dates import parse_date

# Each field of an article under the names crawlers give it, most telling first.
URL_FIELDS = ("url", "canonical_url", "link", "source_url", "href", "uri")
HTML_FIELDS = ("html", "raw_html", "body_html", "content_html", "page", "response_body")
TEXT_FIELDS = ("content", "text", "article", "body", "maintext", "article_text", "description", "summary")
TITLE_FIELDS = ("title", "headline", "name")
DATE_FIELDS = (
    "date",
    "published",
    "published_at",
    "publish_date",
    "datePublished",
    "date_publish",
    "pubdate",
    "time",
    "created_at",
)
TITLE_CHARS = 120  # a title made from an item's first sentence
SITE_FIELDS = ("site_name", "site", "source", "publisher", "source_domain", "domain")


def read_json_lines(path: str) -> Iterator[RawDocument | Skipped]:
    """One document per line of a JSON Lines file (gzipped or not)."""
    opener = gzip.open if path.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as file:
            for number, line in enumerate(_lines(file), start=1):
                if line.strip():
                    yield _from_line(line, shown(path), number)
    except (OSError, EOFError) as error:
        yield Skipped(shown(path), f"cannot be read to its end ({error})")


def read_json_array(path: str) -> Iterator[RawDocument | Skipped]:
    """One document per item of a JSON array: Scrapy's one item per line as a stream, any
    other layout loaded whole."""
    name = shown(path)
    try:
        with open(path, "rb") as file:
            lines = _lines(file)
            first, second = next(lines, b"").strip(), next(lines, b"").strip().removesuffix(b",")
            if first == b"[" and _is_object(second):  # Scrapy's: "[", one item per line, "]"
                yield _from_line(second, name, 2)
                for number, line in enumerate(lines, start=3):
                    line = line.strip().removesuffix(b",")
                    if line and line != b"]":
                        yield _from_line(line, name, number)
                return
        yield from _whole_array(path, name)
    except OSError as error:
        yield Skipped(name, f"cannot be read ({error.strerror or error})")


def _lines(file) -> Iterator[bytes]:
    """The file's lines, each read with a bound: a line longer than MAX_FILE_BYTES comes as
    its first MAX_FILE_BYTES + 1 bytes (reported as too large), the rest of it skipped unread
    into memory (a 5 GB line must not be held whole)."""
    most = limits.MAX_FILE_BYTES + 1
    while line := file.readline(most):
        if len(line) == most and not line.endswith(b"\n"):
            while (rest := file.readline(most)) and not rest.endswith(b"\n"):
                pass
        yield line


def _is_object(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


def _whole_array(path: str, name: str) -> Iterator[RawDocument | Skipped]:
    if Path(path).stat().st_size > limits.MAX_FILE_BYTES:
        yield Skipped(name, "a JSON array larger than SEARCH_MAX_FILE_BYTES: write it as JSON Lines")
        return
    try:
        items = json.loads(Path(path).read_bytes())
    except (ValueError, RecursionError) as error:
        yield Skipped(name, f"not valid JSON ({error})")
        return
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        yield Skipped(name, "JSON that is neither an array of items nor one item")
        return
    for number, item in enumerate(items, start=1):
        yield _document(item, f"{name}:item{number}", json.dumps(item, sort_keys=True).encode())


def _from_line(line: bytes, name: str, number: int) -> RawDocument | Skipped:
    path = f"{name}:{number}"
    if len(line) > limits.MAX_FILE_BYTES:
        return Skipped(path, f"line {number} is larger than SEARCH_MAX_FILE_BYTES")
    try:
        item = json.loads(line)
    except (ValueError, RecursionError) as error:
        return Skipped(path, f"line {number} is not valid JSON ({str(error)[:80]})")
    return _document(item, path, line)


def _document(item, path: str, raw: bytes) -> RawDocument | Skipped:
    where = path.rsplit(":", 1)[1]
    where = f"line {where}" if where.isdigit() else where.replace("item", "item ")
    if not isinstance(item, dict):
        return Skipped(path, f"{where} is not a JSON object")
    html = _field(item, HTML_FIELDS)
    text = _field(item, TEXT_FIELDS)
    if not html and text and looks_like_html(text[:SNIFF_BYTES].encode()):
        html, text = text, None  # Scrapy's `body` is often the response's HTML
    if not html and not text:
        return Skipped(path, f"{where} has no html, body, content or text field")
    given = {
        "title": _field(item, TITLE_FIELDS) or (_first_sentence(text) if text and not html else None),
        "date": parse_date(_field(item, DATE_FIELDS) or ""),
        "site": _field(item, SITE_FIELDS),
    }
    if html:
        try:
            html, encoding = decode(html.encode("utf-8", "replace"), html=True)
        except UnreadableFile as error:
            return Skipped(path, f"{where}: {error}")
    else:
        encoding = "utf-8"
    return RawDocument(
        path=path,
        text=html or "\n".join(part for part in (given["title"], text) if part),
        kind="html" if html else "text",
        encoding=encoding,
        content_hash=content_hash(raw),
        url=_field(item, URL_FIELDS),
        given={key: value for key, value in given.items() if value},
    )


def _first_sentence(text: str) -> str:
    """A title for an item that gives none: its text's first sentence, within TITLE_CHARS."""
    first = text.strip().split("\n", 1)[0]
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    return sentence if len(sentence) <= TITLE_CHARS else sentence[:TITLE_CHARS].rsplit(" ", 1)[0] + "…"


def _field(item: dict, names: tuple[str, ...]) -> str | None:
    """The first of the fields present with text; a list of strings (Scrapy's extract()) is
    joined one per line, a publisher object gives its name."""
    for name in names:
        value = item.get(name)
        if isinstance(value, dict):
            value = value.get("name")
        if isinstance(value, list):
            value = "\n".join(part for part in value if isinstance(part, str))
        if isinstance(value, str | int | float) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    return None
