"""Building, updating, swapping and opening the index on disk, whatever its engine.

Input: paths of corpus files and folders. Output: an index folder (default `index/`) holding
generations (`gen-*`) and a `CURRENT` file naming the live one. A rebuild is written into a new
generation and `CURRENT` is replaced atomically only once it is complete, so a failed or
interrupted rebuild leaves the old index answering. Each generation's meta.json names the
engine that built it (search/engines/); everything else here is engine-neutral.
"""

import functools
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

from search import engines
from search.corpus import Skipped, find_files
from search.pipeline import Extraction, stamp
from search.spelling import PairCounts
from search.template import Template

LOGGER = logging.getLogger(__name__)

DEFAULT_INDEX_DIR = "index"
DEFAULT_CORPUS = "seeds"
CURRENT = "CURRENT"
META = "index.json"  # not meta.json: tantivy keeps its own under that name
TEMPLATE = "template.json"
# absolute path -> [content hash, mtime:size, path as indexed] of every indexed file, so an update
# need not read the index (nor files whose mtime and size are unchanged) to find what changed,
# and "seeds" and "/home/me/seeds" name the same files.
FILES = "files.json"
# Bumped when what is indexed changes: an index of another version is rebuilt, not updated.
SCHEMA_VERSION = 5


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
    engine: str = ""
    rebuilt: bool = True  # False: an update of the live index
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0


def build_index(
    paths: Iterable[str | Path],
    index_dir: str | Path = DEFAULT_INDEX_DIR,
    on_file: Callable[[str], None] | None = None,
    engine: str | None = None,
) -> BuildReport:
    """Index every article under the paths into a new generation and make it the live one.

    `engine` is "whoosh" or "tantivy" (default: SEARCH_ENGINE, or whoosh). `on_file` is called
    with each file's path as it is done (for a progress bar). Raises NothingIndexed, leaving
    any old index in place, when no file held an article.
    """
    started = time.perf_counter()
    paths = list(paths)
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    module = engines.load(engine or engines.default_engine())
    report = BuildReport(index_dir=str(index_dir), engine=module.NAME)
    # Names sort by creation time: older generations are the ones a finished build removes.
    generation = index_dir / f"gen-{time.time_ns():020d}-{os.getpid()}"
    generation.mkdir()
    try:
        files, report.skipped = find_files(paths)
        with Extraction(files) as extraction:
            template = extraction.learn_template()
            LOGGER.info("learned the site template from %d files in %.1f s", len(files),
                        time.perf_counter() - started)
            extracted = extraction.extract(template, module.prepare)
            writer = module.create(generation, len(files))
            pair_counts = PairCounts()
            indexed_files: dict[str, list[str]] = {}
            try:
                for item in extracted:
                    if on_file:
                        on_file(item.path)
                    if isinstance(item, Skipped):
                        report.skipped.append(item)
                        continue
                    writer.add(item.prepared)
                    indexed_files[os.path.abspath(item.path)] = [item.content_hash, item.stamp, item.path]
                    pair_counts.add_pairs(item.pairs)
                report.indexed = report.added = len(indexed_files)
                if not indexed_files:
                    raise NothingIndexed("no article found to index", report.skipped)
                LOGGER.info("extracted and added %d articles at %.1f s; committing",
                            report.indexed, time.perf_counter() - started)
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
        LOGGER.info("committed at %.1f s", time.perf_counter() - started)
        template.save(generation / TEMPLATE)
        pair_counts.save(generation)
        _save_files(generation, indexed_files)
        report.seconds = time.perf_counter() - started
        _write_meta(generation, paths, report)
        _make_current(index_dir, generation)
        LOGGER.info("built %s with %s: %d documents", generation, module.NAME, report.indexed)
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
    engine: str | None = None,
) -> BuildReport:
    """Update the live index to match the files under paths, or build one if there is none
    (or it is of an older schema, or `rebuild` is asked for, or another engine)."""
    paths = list(paths)
    info = index_info(index_dir)
    same_engine = engine is None or engine == info.get("engine")
    if not rebuild and same_engine and info.get("schema") == SCHEMA_VERSION:
        return update_index(paths, index_dir, on_file)
    return build_index(paths, index_dir, on_file, engine or info.get("engine"))


def update_index(
    paths: Iterable[str | Path],
    index_dir: str | Path = DEFAULT_INDEX_DIR,
    on_file: Callable[[str], None] | None = None,
) -> BuildReport:
    """Re-index new and changed files (by content hash) and remove deleted ones, in place.

    The engine commits atomically: searchers see the old index until the update is complete.
    The template learned at the last full build is reused; `search index --rebuild` relearns it.
    """
    started = time.perf_counter()
    paths = list(paths)
    generation = current_generation(index_dir)
    store = open_index(index_dir)
    module = engines.load(index_info(index_dir).get("engine", engines.DEFAULT_ENGINE))
    template = Template.load(generation / TEMPLATE)
    indexed = _load_files(generation)
    if not indexed:
        with store.searcher() as searcher:
            indexed = {os.path.abspath(p): [h, "", p] for p, h in searcher.indexed_hashes().items()}
    files, missing = find_files(paths)
    report = BuildReport(index_dir=str(index_dir), engine=module.NAME, rebuilt=False,
                         skipped=list(missing))
    seen, to_read = set(), []
    for path in map(str, files):
        key = os.path.abspath(path)
        seen.add(key)
        known = indexed.get(key)
        if known and known[1] == stamp(path):
            report.unchanged += 1  # same mtime and size: not read at all
            if on_file:
                on_file(path)
        else:
            to_read.append(path)
    try:
        writer = store.writer()
    except BlockingIOError:
        raise IndexBusy(f"another process is writing the index at {index_dir}/") from None
    try:
        with Extraction(to_read) as extraction:
            for item in extraction.extract(template, module.prepare):
                if on_file:
                    on_file(item.path)
                key = os.path.abspath(item.path)
                known = indexed.get(key)
                if isinstance(item, Skipped):
                    report.skipped.append(item)
                    if indexed.pop(key, None):
                        writer.delete(known[2])
                        report.removed += 1
                    continue
                if known and known[0] == item.content_hash:
                    report.unchanged += 1
                    known[1] = item.stamp
                    continue
                if known:
                    writer.delete(known[2])
                    report.changed += 1
                else:
                    report.added += 1
                writer.add(item.prepared)
                indexed[key] = [item.content_hash, item.stamp, item.path]
        for key in indexed.keys() - seen:
            writer.delete(indexed.pop(key)[2])
            report.removed += 1
        if not indexed:  # pointing at the wrong folder must not empty a working index
            raise NothingIndexed("no article found to index", report.skipped)
    except BaseException:
        writer.cancel()
        raise
    if report.added or report.changed or report.removed:
        writer.commit()
    else:
        writer.cancel()
    _save_files(generation, indexed)
    report.indexed = len(indexed)
    report.seconds = time.perf_counter() - started
    _write_meta(generation, paths, report)
    LOGGER.info("updated %s: %d added, %d changed, %d removed", generation, report.added,
                report.changed, report.removed)
    return report


def _save_files(generation: Path, files: dict[str, list[str]]) -> None:
    _write_atomically(generation / FILES, json.dumps(files, ensure_ascii=False))


def _load_files(generation: Path) -> dict[str, list[str]]:
    try:
        return json.loads((generation / FILES).read_text())
    except (OSError, ValueError) as error:
        LOGGER.warning("no file list in %s (%s): reading it from the index", generation, error)
        return {}


def _write_atomically(path: Path, text: str) -> None:
    pending = path.with_name(path.name + ".new")
    pending.write_text(text)
    os.replace(pending, path)


def open_index(index_dir: str | Path = DEFAULT_INDEX_DIR):
    """Open the live generation with the engine that built it, or raise IndexNotFound."""
    generation = current_generation(index_dir)
    name = _read_meta(generation).get("engine", engines.DEFAULT_ENGINE)
    try:
        return engines.load(name).open_index(generation)
    except Exception as error:  # each engine has its own errors for a damaged index
        raise IndexNotFound(
            f"the index at {index_dir}/ is damaged ({error}); rebuild it with `search index --rebuild`"
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
    """What the index holds: engine, documents, when built, from which paths ({} if none)."""
    try:
        return _read_meta(current_generation(index_dir))
    except IndexNotFound:
        return {}


def _read_meta(generation: Path) -> dict:
    try:
        return json.loads((generation / META).read_text())
    except (OSError, ValueError):
        return {}


def _write_meta(generation: Path, paths: Iterable[str | Path], report: BuildReport) -> None:
    meta = {
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "engine": report.engine,
        "schema": SCHEMA_VERSION,
        "paths": [str(path) for path in paths],
        "documents": report.indexed,
        "skipped": len(report.skipped),
    }
    _write_atomically(generation / META, json.dumps(meta, indent=1))


def _make_current(index_dir: Path, generation: Path) -> None:
    _write_atomically(index_dir / CURRENT, generation.name + "\n")  # readers see old or new


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
    """The live generation of an index folder, followed across rebuilds and updates.

    A server keeps one of these: the index is opened once (not per request), each thread
    reuses its own searcher, refreshed when an update commits, and a rebuild that swaps in a
    new generation is picked up on the next request.
    """

    def __init__(self, index_dir: str | Path = DEFAULT_INDEX_DIR):
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._opened: tuple[str, object] | None = None
        self._local = threading.local()

    def searcher(self):
        """This thread's searcher on the live generation; raises IndexNotFound."""
        generation = current_generation(self.index_dir)
        cached = getattr(self._local, "searcher", None)
        if cached and cached[0] == generation.name:
            return cached[1].refresh()
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
