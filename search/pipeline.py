"""Corpus paths -> the site template and extracted articles, read in worker processes.

Input: files (from sources.folders.find_files): pages, and crawl files whose records search/sources/
reads here, one at a time. Output: `Extracted` records (the article, its content hash, its
document id, and what an engine needs to add it), `Skipped` ones, and the crawl readers'
`Passed`, `FileDone` and `Unchanged` markers, in file and record order. Build, update,
`search extract` and evaluation all go through `extract_corpus`, so a page is read, decoded
and extracted the same way everywhere. Extraction and analysis are pure Python: worker
processes (one per core) are what makes a large build use the machine.
"""

import contextlib
import functools
import hashlib
import itertools
import logging
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from urllib.parse import urlsplit

from search import limits
from search.analysis import exact_pairs
from search.boilerplate import Template, evidence, merge_evidence, template_sample
from search.corpus import HTML_SUFFIXES, RawDocument, Skipped, UnreadableFile, read_document
from search.extract import Article, NotAnArticle, extract_or_reason
from search.processes import die_with_parent
from search.sources import FileDone, Passed, is_crawl, read_crawl
from search.sources.folders import find_files
from search.spelling import MAX_ARTICLES
from search.stories import signature

LOGGER = logging.getLogger(__name__)

# Worker processes: one per core. Fewer files than PARALLEL_FROM are read in this process
# (starting workers costs more than they save).
PROCESSES = limits.BUILD_PROCESSES
PARALLEL_FROM = 200
CHUNK = 64  # files per hand-over to a worker (fewer, larger messages)
IN_FLIGHT = 4 * PROCESSES  # batches handed out ahead of the consumer: memory stays bounded
CRAWL_BYTES_PER_PAGE = 30_000  # a guess at how many pages a crawl file holds, from its size


@dataclass
class Extracted:
    path: str  # as named; a crawl's record is "crawl.warc.gz#1234" or "items.jsonl:7"
    content_hash: str
    stamp: str  # mtime and size, to skip unchanged files next time without reading them
    article: Article | None  # None when `prepared` stands for it (less to send between processes)
    doc_id: str = ""  # the document it is: from its URL where it has one, else its path
    site: tuple[str | None, str | None] = (None, None)  # its domain, and the name it gives itself
    signature: object = None  # stories.signature of its body: what finds its copies
    prepared: object = None  # the engine's document, made by its `prepare`
    pairs: list[str] = field(default_factory=list)  # accented pairs, for sampled articles


@dataclass(frozen=True)
class Unchanged:
    """A crawl's record already indexed with the same bytes: not extracted again."""

    path: str


def doc_id(path: str) -> str:
    """A short stable id for a document without a URL, used in article URLs: the same file
    has the same id however it was named ("seeds/a.txt", "/home/me/seeds/a.txt", a symlink)."""
    return alias_id(resolved(path))


def url_id(url: str) -> str:
    """The id of the document at a URL: one for its http and https, www and fragment forms."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = parts.path.rstrip("/") or "/"
    return alias_id(f"{host}{path}" + (f"?{parts.query}" if parts.query else ""))


def resolved(path: str | Path) -> str:
    """The file's path with its folders' symbolic links and relative parts resolved: the
    key of a file in the index. Folders are resolved once each (realpath on every one of
    100,000 files was a third of an update's time)."""
    folder, name = os.path.split(os.path.abspath(path))  # absolute: the cache outlives a chdir
    return os.path.join(_resolved_folder(folder), name)


@functools.lru_cache(maxsize=65536)
def _resolved_folder(folder: str) -> str:
    return os.path.realpath(folder)


def alias_id(path: str) -> str:
    """The id of the path as named: what article URLs used before ids came from resolved
    paths, kept so that old links still find their article."""
    return hashlib.blake2b(path.encode("utf-8", "surrogateescape"), digest_size=6).hexdigest()


def stamp(path: str | Path) -> str:
    try:
        stat = os.stat(path)
    except OSError:
        return ""
    return f"{stat.st_mtime_ns}:{stat.st_size}"


def read_page(path: str | Path):
    """The RawDocument of one file, or Skipped with the reason."""
    try:
        return read_document(path)
    except UnreadableFile as error:
        LOGGER.info("skipped %s: %s", path, error)
        return Skipped(str(path), str(error))


class Extraction:
    """Worker processes for one build or update (none for a few pages). Each pass forks its
    workers after what they need is ready, so the template and the engine's `prepare` reach
    them by inheritance instead of being sent with every file."""

    def __init__(self, files: list[Path]):
        self.files = [str(f) for f in files]
        crawl = [is_crawl(f) for f in self.files]  # once per file: a million of them at most
        self.pages = [f for f, c in zip(self.files, crawl) if not c]
        self.crawls = [f for f, c in zip(self.files, crawl) if c]
        self._pool = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._stop()

    def _stop(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def _map(self, function, items: Iterable, expected: int) -> Iterator:
        self._stop()
        if expected < PARALLEL_FROM or PROCESSES < 2:
            return map(function, items)
        self._pool = multiprocessing.get_context("fork").Pool(PROCESSES, initializer=die_with_parent)
        return _bounded_map(self._pool, function, items)

    def learn_template(self) -> Template:
        """What each site repeats across its pages (a first pass over a sample of the page
        files: boilerplate.template_sample)."""
        pages = template_sample(self.pages)
        template = merge_evidence(self._map(_evidence, pages, len(pages)))
        self._stop()
        return template

    def extract(
        self,
        template: Template,
        prepare: Callable | None = None,
        pages: list | None = None,
        crawls: list | None = None,
        known: Callable[[RawDocument], bool] | None = None,
        already_indexed: int = 0,
    ) -> Iterator[Extracted | Skipped | Passed | FileDone | Unchanged]:
        """Extract each page file, then each record of each crawl file (all of them, or those
        named), in order; a record for which `known` is true comes as Unchanged. The workers
        start now. `already_indexed`: the articles the index holds (an update's)."""
        pages = self.pages if pages is None else [str(f) for f in pages]
        crawls = self.crawls if crawls is None else [str(f) for f in crawls]
        expected = len(pages) + sum(_size(crawl) for crawl in crawls) // CRAWL_BYTES_PER_PAGE
        # "Did you mean" counts the pairs of a sample spread over the whole corpus, at one rate
        # for a build and the updates after it (of 100 articles added to 1,000,000, one).
        every = max(1, (expected + already_indexed) // MAX_ARTICLES)
        _STATE.update(template=template, prepare=prepare)
        jobs = (
            (job, n % every == 0) for n, job in enumerate(itertools.chain(pages, _records(crawls, known)))
        )
        return self._map(_extract, jobs, expected)


def _records(crawls: list[str], known: Callable[[RawDocument], bool] | None) -> Iterator:
    """The records of the crawl files, read here (a stream) and extracted in the workers."""
    for crawl in crawls:
        for item in read_crawl(crawl, stamp(crawl)):
            if isinstance(item, RawDocument) and known is not None and known(item):
                yield Unchanged(item.path)
            else:
                yield item


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _bounded_map(pool, function: Callable, items: Iterable) -> Iterator:
    """pool.imap with back-pressure: at most IN_FLIGHT batches handed out and not yet taken,
    so pages do not pile up in memory when the consumer (the index writer) is the slower.
    `items` is read as it goes: a crawl file's records are never all held at once."""
    items = iter(items)
    batches = iter(lambda: list(islice(items, CHUNK)), [])
    pending = deque(pool.apply_async(_run_batch, (function, b)) for b in islice(batches, IN_FLIGHT))
    while pending:
        done = pending.popleft().get()
        for batch in islice(batches, 1):
            pending.append(pool.apply_async(_run_batch, (function, batch)))
        yield from done


def _run_batch(function: Callable, batch: list) -> list:
    return [function(item) for item in batch]


# What workers inherit from the process that forks them (see Extraction).
_STATE: dict = {}


class TooSlow(BaseException):
    """Raised inside one file's work when its time budget is spent. Not an Exception, so that
    no `except Exception` in a library on the way swallows it."""


@contextlib.contextmanager
def time_budget(seconds: float):
    """Raise TooSlow in the block once `seconds` have passed (SIGALRM), and always clear the
    alarm on the way out. Signals reach only a process's main thread (in-process extraction,
    and each worker of the fork pool runs its tasks there); in another thread, or when another
    alarm is pending (never overridden), or with seconds <= 0, the block runs without a budget."""
    if (
        seconds <= 0
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
        or signal.getitimer(signal.ITIMER_REAL)[0] > 0
    ):
        yield
        return

    def expire(signum, frame):
        raise TooSlow

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)  # first: no alarm may reach the old handler
        finally:  # even when the alarm went off just now, in this very block
            signal.signal(signal.SIGALRM, previous)


def _guarded(path: str, work: Callable, *args):
    """work(*args) for the file at `path`, or Skipped when it takes longer than FILE_SECONDS or
    fails: one file never hangs nor stops the build."""
    try:
        with time_budget(limits.FILE_SECONDS):
            return work(*args)
    except TooSlow:
        reason = f"took longer than {limits.FILE_SECONDS:g} s to extract (SEARCH_FILE_SECONDS)"
        LOGGER.warning("skipped %s: %s", path, reason)
    except Exception as error:  # a page no rule foresaw (or a bug): reported, not raised
        LOGGER.error("skipped %s: extraction failed", path, exc_info=True)
        reason = f"extraction failed ({type(error).__name__}: {str(error)[:200]})"
    return Skipped(path, reason)


def _evidence(path: str):
    found = _guarded(path, _page_evidence, path)
    return None if isinstance(found, Skipped) else found


def _page_evidence(path: str):
    if Path(path).suffix.lower() in HTML_SUFFIXES:
        return None  # HTML chrome is found by structure: the page is not read twice
    page = read_page(path)
    return None if isinstance(page, Skipped) else evidence(_lines_cut(page))


def _lines_cut(page: RawDocument) -> RawDocument:
    """The page with its lines cut as extract_text cuts them (limits.MAX_LINE_CHARS), so that
    the template is learned from the lines extraction sees, at the cost of those lines."""
    most = limits.MAX_LINE_CHARS
    if page.kind != "text" or len(page.text) <= most:
        return page
    lines = page.text.split("\n")
    if all(len(line) <= most for line in lines):
        return page
    return replace(page, text="\n".join(line[:most] for line in lines))


def _extract(job: tuple) -> Extracted | Skipped | Passed | FileDone | Unchanged:
    source, count_pairs = job
    if isinstance(source, str):
        return _guarded(source, _extract_file, source, count_pairs)
    if isinstance(source, RawDocument):
        return _guarded(source.path, _extract_document, source, count_pairs)
    return source  # what a crawl's reader says besides its documents


def _extract_file(path: str, count_pairs: bool) -> Extracted | Skipped:
    page = read_page(path)
    if isinstance(page, Skipped):
        return page
    return _extract_document(page, count_pairs, stamp(path))


def _extract_document(page: RawDocument, count_pairs: bool, file_stamp: str = "") -> Extracted | Skipped:
    template, prepare = _STATE["template"], _STATE["prepare"]
    article = extract_or_reason(page, template)
    if isinstance(article, NotAnArticle):
        return Skipped(page.path, str(article), listing=article.listing)
    identity = url_id(article.url) if article.url else doc_id(page.path)
    extracted = Extracted(page.path, page.content_hash, file_stamp, article, identity)
    extracted.site = (article.site, article.site_name)
    extracted.signature = signature(article.indexed_text)  # words shared with `prepare`
    if count_pairs:
        extracted.pairs = exact_pairs(article.indexed_text)
    if prepare is not None:
        extracted.prepared = prepare(article, page.content_hash, identity, alias_id(page.path))
        extracted.article = None
    return extracted


def extract_corpus(paths, prepare: Callable | None = None) -> Iterator[Extracted | Skipped]:
    """Every page and crawl record under the paths, extracted with its site's template
    learned first (the crawl readers' other markers left out)."""
    files, missing = find_files(paths)
    yield from missing
    with Extraction(files) as extraction:
        for item in extraction.extract(extraction.learn_template(), prepare):
            if isinstance(item, Extracted | Skipped):
                yield item
