"""SCHEMA, and building, swapping and opening the index on disk.

Input: paths of corpus files and folders. Output: a Whoosh index in a folder (default `index/`).
The folder holds generations (`gen-*`) and a `CURRENT` file naming the live one. A rebuild is
written into a new generation and `CURRENT` is replaced atomically only once it is complete, so a
failed or interrupted rebuild leaves the old index answering.
"""

import functools
import hashlib
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema

from search.analysis import BODY_MARK, CAPTIONS_MARK, PAIRS, WORDS
from search.corpus import (
    RawDocument,
    Skipped,
    UnreadableFile,
    content_hash,
    decode_document,
    find_files,
    read_bytes,
    read_documents,
)
from search.extract import Article, extract
from search.stats import PairCounts
from search.template import Template, learn_template

LOGGER = logging.getLogger(__name__)

DEFAULT_INDEX_DIR = "index"
DEFAULT_CORPUS = "seeds"
CURRENT = "CURRENT"
META = "meta.json"
TEMPLATE = "template.json"
# absolute path -> [content hash, mtime:size, path as indexed] of every indexed file, so an update
# need not read the index (nor files whose mtime and size are unchanged) to find what changed,
# and "seeds" and "/home/me/seeds" name the same files.
FILES = "files.json"
# Bumped when SCHEMA or the analyzers change: an index of another version is rebuilt, not updated.
SCHEMA_VERSION = 4
# Memory each Whoosh indexing process may use for its pool before it spills to disk.
WRITER_LIMIT_MB = 256
# A full build analyses and writes in one process per core (Whoosh's multiprocessing writer):
# 2.4x faster on 2 cores, measured in bench/. Each process leaves its own segment
# (multisegment), which saves merging them. Small corpora are not worth the processes.
BUILD_PROCESSES = max(1, min(4, os.cpu_count() or 1))
PARALLEL_FROM_FILES = 200

# Text fields hold each syllable folded and, where different, exact (see analysis.py). `text`
# is what queries match: title, body and captions in one field, weighted per part (BM25F);
# `title` serves title: queries; `pairs` holds folded syllable pairs of title and body.
SCHEMA = Schema(
    doc_id=ID(stored=True, unique=True),
    path=ID(stored=True, unique=True, sortable=True),  # columns: updates read them fast
    content_hash=ID(stored=True, sortable=True),
    title=TEXT(analyzer=WORDS, stored=True),
    text=TEXT(analyzer=WORDS),
    body=STORED,
    captions=STORED,
    pairs=TEXT(analyzer=PAIRS, phrase=False),
    date=DATETIME(stored=True, sortable=True),
    site=ID(stored=True),
    byline=STORED,
    url=STORED,
)


class IndexNotFound(Exception):
    """No index at the folder given; the message says how to build one."""


class NothingIndexed(Exception):
    """A build found no article to index; the old index, if any, is kept."""

    def __init__(self, message: str, skipped: list[Skipped]):
        super().__init__(message)
        self.skipped = skipped


class IndexBusy(Exception):
    """Another process is writing the index."""


@dataclass
class BuildReport:
    indexed: int = 0  # documents in the index afterwards
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    index_dir: str = ""
    rebuilt: bool = True  # False: an update of the live index
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0


def doc_id(path: str) -> str:
    """A short stable id for a document, used in article URLs."""
    return hashlib.blake2b(path.encode("utf-8"), digest_size=6).hexdigest()


def to_fields(article: Article, content_hash: str) -> dict:
    """The fields one article is indexed with."""
    captions = "\n".join(article.captions)
    fields = {
        "doc_id": doc_id(article.path),
        "path": article.path,
        "content_hash": content_hash,
        "title": article.title,
        "text": f"{article.title}\n{BODY_MARK}{article.text}\n{CAPTIONS_MARK}{captions}",
        "body": article.text,
        "captions": captions,
        "pairs": article.title + "\n" + article.text,
        "byline": article.byline,
        "url": article.url,
    }
    if article.date:
        fields["date"] = article.date
    if article.site:
        fields["site"] = article.site
    return fields


def build_index(
    paths: Iterable[str | Path],
    index_dir: str | Path = DEFAULT_INDEX_DIR,
    on_file: Callable[[str], None] | None = None,
) -> BuildReport:
    """Index every article under the paths into a new generation and make it the live one.

    `on_file` is called with each file's path as it is read (for a progress bar). Raises
    NothingIndexed, leaving any old index in place, when no file held an article.
    """
    started = time.perf_counter()
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    report = BuildReport(index_dir=str(index_dir))
    # Names sort by creation time: older generations are the ones a finished build removes.
    generation = index_dir / f"gen-{time.time_ns():020d}-{os.getpid()}"
    generation.mkdir()
    try:
        # First pass: what each site repeats on its pages; second pass: extract and index.
        template = learn_template(
            item for item in read_documents(paths) if isinstance(item, RawDocument)
        )
        files, _ = find_files(paths)
        parallel = {"procs": BUILD_PROCESSES, "multisegment": True}
        writer = whoosh_index.create_in(generation, SCHEMA).writer(
            limitmb=WRITER_LIMIT_MB, **(parallel if len(files) >= PARALLEL_FROM_FILES else {})
        )
        pair_counts = PairCounts()
        indexed_files: dict[str, list[str]] = {}
        try:
            for item in read_documents(paths):
                if on_file:
                    on_file(item.path)
                if isinstance(item, Skipped):
                    report.skipped.append(item)
                    continue
                article = extract(item, template)
                if article is None:
                    report.skipped.append(Skipped(item.path, "no article text found"))
                    continue
                writer.add_document(**to_fields(article, item.content_hash))
                indexed_files[os.path.abspath(item.path)] = [
                    item.content_hash, _stamp(item.path), item.path
                ]
                pair_counts.add(article.title + "\n" + article.text)
                report.indexed += 1
                report.added += 1
        except BaseException:
            writer.cancel()
            raise
        if report.indexed == 0:
            writer.cancel()
            raise NothingIndexed("no article found to index", report.skipped)
        writer.commit()
        report.seconds = time.perf_counter() - started
        template.save(generation / TEMPLATE)
        pair_counts.save(generation)
        _save_files(generation, indexed_files)
        _write_meta(generation, paths, report)
        _make_current(index_dir, generation)
    finally:
        if not _is_current(index_dir, generation):
            shutil.rmtree(generation, ignore_errors=True)
    _remove_old_generations(index_dir)
    return report


def index_corpus(
    paths: Iterable[str | Path],
    index_dir: str | Path = DEFAULT_INDEX_DIR,
    rebuild: bool = False,
    on_file: Callable[[str], None] | None = None,
) -> BuildReport:
    """Update the live index to match the files under paths, or build one if there is none
    (or it is of an older schema, or `rebuild` is asked for)."""
    paths = list(paths)
    if not rebuild and index_info(index_dir).get("schema") == SCHEMA_VERSION:
        return update_index(paths, index_dir, on_file)
    return build_index(paths, index_dir, on_file)


def update_index(
    paths: Iterable[str | Path],
    index_dir: str | Path = DEFAULT_INDEX_DIR,
    on_file: Callable[[str], None] | None = None,
) -> BuildReport:
    """Re-index new and changed files (by content hash) and remove deleted ones, in place.

    Whoosh commits atomically: searchers see the old index until the update is complete. The
    template learned at the last full build is reused; `search index --rebuild` relearns it.
    """
    started = time.perf_counter()
    generation = current_generation(index_dir)
    searchable = open_index(index_dir)
    template = Template.load(generation / TEMPLATE)
    indexed = _load_files(generation) or {
        os.path.abspath(path): [digest, "", path]
        for path, digest in _indexed_hashes(searchable).items()
    }
    files, missing = find_files(paths)
    report = BuildReport(index_dir=str(index_dir), rebuilt=False, skipped=list(missing))
    try:
        writer = searchable.writer(limitmb=WRITER_LIMIT_MB)
    except LockError:
        raise IndexBusy(f"another process is writing the index at {index_dir}/") from None
    # Whoosh's update_document and delete_by_term open a new searcher for every call, which
    # costs a second per file on a large index: one searcher finds every old version instead.
    searcher = searchable.searcher()

    def remove(path: str) -> None:
        docnum = searcher.document_number(path=path)
        if docnum is not None:
            writer.delete_document(docnum)

    try:
        seen = set()
        for path in map(str, files):
            key = os.path.abspath(path)
            seen.add(key)
            if on_file:
                on_file(path)
            known = indexed.get(key)
            try:
                stamp = _stamp(path)
                if known and known[1] == stamp:
                    report.unchanged += 1  # same mtime and size: not read at all
                    continue
                data = read_bytes(path)
                digest = content_hash(data)
                if known and known[0] == digest:
                    report.unchanged += 1
                    known[1] = stamp
                    continue
                article = extract(decode_document(path, data), template)
                if article is None:
                    raise UnreadableFile("no article text found")
            except UnreadableFile as error:
                report.skipped.append(Skipped(path, str(error)))
                if indexed.pop(key, None):
                    remove(known[2])
                    report.removed += 1
                continue
            if known:
                remove(known[2])
                report.changed += 1
            else:
                report.added += 1
            writer.add_document(**to_fields(article, digest))
            indexed[key] = [digest, stamp, path]
        for key in indexed.keys() - seen:
            remove(indexed.pop(key)[2])
            report.removed += 1
    except BaseException:
        writer.cancel()
        raise
    finally:
        searcher.close()
    if not indexed:
        writer.cancel()  # pointing at the wrong folder must not empty a working index
        raise NothingIndexed("no article found to index", report.skipped)
    if report.added or report.changed or report.removed:
        writer.commit()
    else:
        writer.cancel()
    _save_files(generation, indexed)
    report.indexed = len(indexed)
    report.seconds = time.perf_counter() - started
    _write_meta(generation, paths, report)
    return report


def _stamp(path: str | Path) -> str:
    try:
        stat = os.stat(path)
    except OSError:
        return ""
    return f"{stat.st_mtime_ns}:{stat.st_size}"


def _save_files(generation: Path, files: dict[str, list[str]]) -> None:
    pending = generation / (FILES + ".new")
    pending.write_text(json.dumps(files, ensure_ascii=False))
    os.replace(pending, generation / FILES)


def _load_files(generation: Path) -> dict[str, list[str]]:
    try:
        return json.loads((generation / FILES).read_text())
    except (OSError, ValueError):
        return {}


def _indexed_hashes(searchable: whoosh_index.Index) -> dict[str, str]:
    """Path -> content hash of every live document, read from columns (not stored fields)."""
    with searchable.reader() as reader:
        paths = reader.column_reader("path")
        hashes = reader.column_reader("content_hash")
        return {
            paths[docnum]: hashes[docnum]
            for docnum in range(reader.doc_count_all())
            if not reader.is_deleted(docnum)
        }


def open_index(index_dir: str | Path = DEFAULT_INDEX_DIR) -> whoosh_index.Index:
    """Open the live generation, or raise IndexNotFound saying how to build one."""
    generation = current_generation(index_dir)
    try:
        return whoosh_index.open_dir(generation)
    except (whoosh_index.EmptyIndexError, OSError) as error:
        raise IndexNotFound(
            f"the index at {index_dir}/ is damaged ({error}); rebuild it with `search index`"
        ) from None


def current_generation(index_dir: str | Path) -> Path:
    index_dir = Path(index_dir)
    try:
        name = (index_dir / CURRENT).read_text().strip()
    except OSError:
        raise IndexNotFound(
            f"no index at {index_dir}/ yet; build one with `search index"
            + ("`" if str(index_dir) == DEFAULT_INDEX_DIR else f" --index {index_dir}`")
        ) from None
    return index_dir / name


def index_info(index_dir: str | Path) -> dict:
    """What the index holds: documents, when built, from which paths (empty if unknown)."""
    try:
        return json.loads((current_generation(index_dir) / META).read_text())
    except (IndexNotFound, OSError, ValueError):
        return {}


def _write_meta(generation: Path, paths: Iterable[str | Path], report: BuildReport) -> None:
    meta = {
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "schema": SCHEMA_VERSION,
        "paths": [str(path) for path in paths],
        "documents": report.indexed,
        "skipped": len(report.skipped),
    }
    (generation / META).write_text(json.dumps(meta, indent=1))


def _make_current(index_dir: Path, generation: Path) -> None:
    pending = index_dir / (CURRENT + ".new")
    pending.write_text(generation.name + "\n")
    os.replace(pending, index_dir / CURRENT)  # atomic: readers see the old or the new name


def _is_current(index_dir: Path, generation: Path) -> bool:
    try:
        return (index_dir / CURRENT).read_text().strip() == generation.name
    except OSError:
        return False


def _remove_old_generations(index_dir: Path) -> None:
    """Delete generations older than the live one. Open readers keep their files (POSIX);
    a newer one may be another build still being written."""
    live = current_generation(index_dir).name
    for old in index_dir.glob("gen-*"):
        if old.name < live and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)


class LiveIndex:
    """The live generation of an index folder, followed across rebuilds.

    A server keeps one of these: the index is opened once (not per request), each thread reuses
    its own searcher, and a rebuild that swaps in a new generation is picked up on the next
    request. Whoosh searchers are not shared between threads.
    """

    def __init__(self, index_dir: str | Path = DEFAULT_INDEX_DIR):
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._opened: tuple[str, whoosh_index.Index] | None = None
        self._local = threading.local()

    def searcher(self):
        """This thread's searcher on the live generation; raises IndexNotFound."""
        generation = current_generation(self.index_dir)
        cached = getattr(self._local, "searcher", None)
        if cached and cached[0] == generation.name:
            if not cached[1].up_to_date():  # an update committed in place
                self._local.searcher = (generation.name, cached[1].refresh())
            return self._local.searcher[1]
        with self._lock:
            if self._opened is None or self._opened[0] != generation.name:
                self._opened = (generation.name, open_index(self.index_dir))
            searcher = self._opened[1].searcher()
        if cached:
            cached[1].close()
        self._local.searcher = (generation.name, searcher)
        return searcher

    def info(self) -> dict:
        return index_info(self.index_dir)

    def pair_counts(self) -> PairCounts:
        """Accented pair counts of the live generation, for "did you mean"."""
        return pair_counts(self.index_dir)


def pair_counts(index_dir: str | Path) -> PairCounts:
    """Accented pair counts saved with the live generation (loaded once per generation)."""
    return _pair_counts(current_generation(index_dir))


@functools.lru_cache(maxsize=4)
def _pair_counts(generation: Path) -> PairCounts:
    return PairCounts.load(generation)
