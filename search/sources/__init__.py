"""What crawlers write -> documents, upstream of extraction.

    search/corpus.py   files and folders: pages (.txt, .html, a mirror's extensionless and
                       `.html.gz` pages), each file one document
    warc.py            WARC and WACZ: one document per HTML response record
    jsonl.py           JSON Lines and JSON arrays (Scrapy): one document per item

A crawl file (WARC, WACZ, JSON Lines) holds many documents: `read_crawl` yields them one at a
time, with `Passed` records for what is not an article (revisits, images, 404s) and `Skipped`
ones for what cannot be read, named by file and offset or line. Every document goes to the same
extractor and the same incremental index as a page file does.
"""

import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from search.corpus import CONTAINER_SUFFIXES, RawDocument, Skipped, shown, suffix_of
from search.sources.jsonl import read_json_array, read_json_lines
from search.sources.records import FileDone, Passed
from search.sources.warc import read_wacz, read_warc

LOGGER = logging.getLogger(__name__)

__all__ = ["FileDone", "Passed", "is_crawl", "read_crawl"]

_READERS: dict[str, Callable[[str], Iterator]] = {
    ".warc": read_warc,
    ".warc.gz": read_warc,
    ".wacz": read_wacz,
    ".jsonl": read_json_lines,
    ".jl": read_json_lines,
    ".jsonl.gz": read_json_lines,
    ".json": read_json_array,
}
assert set(_READERS) == set(CONTAINER_SUFFIXES)


def is_crawl(path: str | Path) -> bool:
    """Whether the file holds many documents (a WARC, WACZ or JSON Lines file), by its name."""
    return suffix_of(os.path.basename(path)) in _READERS


def read_crawl(path: str, stamp: str) -> Iterator[RawDocument | Skipped | Passed | FileDone]:
    """Every record of the crawl file at path, then its FileDone (`stamp` as read before).
    Readers run in the indexing process itself: whatever one raises (a library's error no
    rule foresaw) ends that file with a Skipped saying so, never the run."""
    started, records = time.perf_counter(), 0
    try:
        for item in _READERS[suffix_of(Path(path).name)](path):
            records += 1
            yield item
    except Exception as error:  # noqa: BLE001 (see the docstring)
        LOGGER.warning("stopped reading %s", path, exc_info=True)
        yield Skipped(
            shown(path),
            f"stopped reading after {records:,} record{'' if records == 1 else 's'} ({type(error).__name__}: {error})",
        )
    yield FileDone(path, stamp, records, time.perf_counter() - started)
