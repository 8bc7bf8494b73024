"""Corpus paths -> the site template and extracted articles, read in worker processes.

Input: files (from corpus.find_files). Output: `Extracted` records (the article, its content
hash, and what an engine needs to add it) or `Skipped` ones, in file order. Build, update,
`search extract` and evaluation all go through `extract_corpus`, so a page is read, decoded
and extracted the same way everywhere. Extraction and analysis are pure Python: worker
processes (one per core) are what makes a large build use the machine.
"""

import contextlib
import functools
import hashlib
import logging
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path

from search import limits
from search.analysis import exact_pairs
from search.boilerplate import Template, evidence, merge_evidence
from search.corpus import (
    HTML_SUFFIXES,
    RawDocument,
    Skipped,
    UnreadableFile,
    decode_document,
    find_files,
    read_bytes,
)
from search.extract import Article, NotAnArticle, extract_or_reason
from search.processes import die_with_parent
from search.spelling import MAX_ARTICLES

LOGGER = logging.getLogger(__name__)

# Worker processes: one per core. Fewer files than PARALLEL_FROM are read in this process
# (starting workers costs more than they save).
PROCESSES = limits.BUILD_PROCESSES
PARALLEL_FROM = 200
CHUNK = 64  # files per hand-over to a worker (fewer, larger messages)
IN_FLIGHT = 4 * PROCESSES  # batches handed out ahead of the consumer: memory stays bounded


@dataclass
class Extracted:
    path: str  # as named
    content_hash: str
    stamp: str  # mtime and size, to skip unchanged files next time without reading them
    article: Article | None  # None when `prepared` stands for it (less to send between processes)
    prepared: object = None  # the engine's document, made by its `prepare`
    pairs: list[str] = field(default_factory=list)  # accented pairs, for sampled articles


def doc_id(path: str) -> str:
    """A short stable id for a document, used in article URLs: the same file has the same id
    however it was named ("seeds/a.txt", "/home/me/seeds/a.txt", through a symlink)."""
    return alias_id(resolved(path))


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
        return decode_document(path, read_bytes(path))
    except UnreadableFile as error:
        LOGGER.info("skipped %s: %s", path, error)
        return Skipped(str(path), str(error))


class Extraction:
    """Worker processes for one build or update (none for a few files). Each pass forks its
    workers after what they need is ready, so the template and the engine's `prepare` reach
    them by inheritance instead of being sent with every file."""

    def __init__(self, files: list[Path]):
        self.files = [str(f) for f in files]
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

    def _map(self, function, items: list) -> Iterator:
        self._stop()
        if len(items) < PARALLEL_FROM or PROCESSES < 2:
            return map(function, items)
        self._pool = multiprocessing.get_context("fork").Pool(PROCESSES, initializer=die_with_parent)
        return _bounded_map(self._pool, function, items)

    def learn_template(self) -> Template:
        """What each site repeats across its pages (a first pass over the files)."""
        template = merge_evidence(self._map(_evidence, self.files))
        self._stop()
        return template

    def extract(
        self, template: Template, prepare: Callable | None = None, files: list | None = None
    ) -> Iterator[Extracted | Skipped]:
        """Extract each file (all of them, or `files`), in order. The workers start now."""
        files = self.files if files is None else [str(f) for f in files]
        # "Did you mean" counts the pairs of a sample spread over the whole corpus.
        every = max(1, len(files) // MAX_ARTICLES)
        _STATE.update(template=template, prepare=prepare)
        return self._map(_extract, [(path, n % every == 0) for n, path in enumerate(files)])


def _bounded_map(pool, function: Callable, items: list) -> Iterator:
    """pool.imap with back-pressure: at most IN_FLIGHT batches handed out and not yet taken,
    so pages do not pile up in memory when the consumer (the index writer) is the slower."""
    batches = (items[at : at + CHUNK] for at in range(0, len(items), CHUNK))
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


def _extract(job: tuple[str, bool]) -> Extracted | Skipped:
    return _guarded(job[0], _extract_file, *job)


def _extract_file(path: str, count_pairs: bool) -> Extracted | Skipped:
    template, prepare = _STATE["template"], _STATE["prepare"]
    page = read_page(path)
    if isinstance(page, Skipped):
        return page
    article = extract_or_reason(page, template)
    if isinstance(article, NotAnArticle):
        return Skipped(path, str(article), listing=article.listing)
    extracted = Extracted(path, page.content_hash, stamp(path), article)
    if count_pairs:
        extracted.pairs = exact_pairs(article.indexed_text)
    if prepare is not None:
        extracted.prepared = prepare(article, page.content_hash, doc_id(path), alias_id(path))
        extracted.article = None
    return extracted


def extract_corpus(paths, prepare: Callable | None = None) -> Iterator[Extracted | Skipped]:
    """Every file under the paths, extracted with its site's template learned first."""
    files, missing = find_files(paths)
    yield from missing
    with Extraction(files) as extraction:
        yield from extraction.extract(extraction.learn_template(), prepare)
