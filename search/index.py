"""Corpus paths -> an index built or updated on disk, whatever its engine.

Input: paths of corpus files and folders. Output: an index folder (default `index/`) holding
generations (`gen-*`) and a `CURRENT` file naming the live one. A rebuild is written into a new
generation and `CURRENT` is replaced atomically only once it is complete, so a failed or
interrupted rebuild leaves the old index answering. Each generation's index.json names the
engine that built it (search/engines/); everything else here is engine-neutral.

One run writes an index at a time (generations.WriterLock: a second waits), and each starts by
removing what a killed run left. Documents are keyed by their resolved path (pipeline.doc_id).
"""

import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from search import engines
from search.boilerplate import Template
from search.corpus import Skipped, find_files
from search.generations import (
    DEFAULT_INDEX_DIR,
    TEMPLATE,
    WriterLock,
    current_generation,
    forget_files,
    fsync_tree,
    index_info,
    is_current,
    make_current,
    new_generation,
    read_files,
    read_meta,
    remove_stale,
    write_files,
    write_meta,
)
from search.live import open_index
from search.pipeline import Extraction, doc_id, resolved, stamp
from search.spelling import PairCounts

LOGGER = logging.getLogger(__name__)

DEFAULT_CORPUS = "seeds"
# Bumped when what is indexed changes: an index of another version is rebuilt, not updated.
SCHEMA_VERSION = 9


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
    say: Callable[[str], None] | None = None,
) -> BuildReport:
    """Index every article under the paths into a new generation and make it the live one.

    `engine` is "whoosh" or "tantivy" (default: SEARCH_ENGINE, or whoosh). `on_file` is called
    with each file's path as it is done (for a progress bar), `say` with what the run is
    waiting for or doing between files. Raises NothingIndexed, leaving any old index in place,
    when no file held an article. Waits for another run writing the same index to finish.
    """
    with WriterLock(index_dir, say):
        remove_stale(Path(index_dir))
        return _build(list(paths), Path(index_dir), on_file, engine, say)


def index_corpus(
    paths: Iterable[str | Path] = (),
    index_dir: str | Path = DEFAULT_INDEX_DIR,
    rebuild: bool = False,
    on_file: Callable[[str], None] | None = None,
    engine: str | None = None,
    say: Callable[[str], None] | None = None,
    prune: bool = False,
) -> BuildReport:
    """Add and update the articles under paths (default: every path the index was built
    from), as Elasticsearch or Meilisearch add documents: files that vanished from those
    paths leave the index, other indexed files stay. `prune` makes the index mirror exactly
    the paths. With no index yet (or one of an older schema, another engine, or `rebuild`),
    a new one is built from the paths.

    An update changes the live index in place and commits atomically; the template learned
    at the last full build is reused (`rebuild` relearns it).
    """
    with WriterLock(index_dir, say):
        index_dir = Path(index_dir)
        remove_stale(index_dir)
        info = index_info(index_dir)
        paths = list(paths) or info.get("paths", [])
        if not paths:
            raise ValueError("name the files or folders to index")
        same_engine = engine is None or engine == info.get("engine")
        if not rebuild and same_engine and info.get("schema") == SCHEMA_VERSION:
            return _update(paths, index_dir, on_file, say, prune)
        return _build(paths, index_dir, on_file, engine or info.get("engine"), say)


def _build(paths: list, index_dir: Path, on_file, engine: str | None, say) -> BuildReport:
    started = time.perf_counter()
    module = engines.load(engine or engines.default_engine())
    report = BuildReport(index_dir=str(index_dir), engine=module.NAME)
    generation = new_generation(index_dir)
    try:
        files, report.skipped = find_files(paths)
        with Extraction(files) as extraction:
            template = extraction.learn_template()
            LOGGER.info(
                "learned the site template from %d files in %.1f s", len(files), time.perf_counter() - started
            )
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
                    key = resolved(item.path)
                    if key in indexed_files:  # one file named twice ("seeds seeds/a.txt")
                        continue
                    writer.add(item.prepared)
                    indexed_files[key] = [item.content_hash, item.stamp, item.path]
                    pair_counts.add_pairs(item.pairs)
                report.indexed = report.added = len(indexed_files)
                if not indexed_files:
                    raise NothingIndexed("no article found to index", report.skipped)
                LOGGER.info(
                    "extracted and added %d articles at %.1f s; committing",
                    report.indexed,
                    time.perf_counter() - started,
                )
                _say(say, f"writing the index ({_plural(report.indexed, 'article')})")
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
        LOGGER.info("committed at %.1f s", time.perf_counter() - started)
        template.save(generation / TEMPLATE)
        pair_counts.save(generation)
        write_files(generation, indexed_files)
        report.seconds = time.perf_counter() - started
        _write_meta(generation, paths, report)
        make_current(index_dir, generation)
        LOGGER.info("built %s with %s: %d documents", generation, module.NAME, report.indexed)
    finally:
        if not is_current(index_dir, generation):
            remove_stale(index_dir)  # this generation, unfinished
    remove_stale(index_dir)  # the generation this one replaced
    return report


def _update(paths: list, index_dir: Path, on_file, say, prune: bool) -> BuildReport:
    """The index is changed in place; the manifest (files.json) is removed before the engine's
    commit and written after it, so it never describes another state than the index's. Every
    file an update adds is first deleted by id, so none is ever indexed twice."""
    started = time.perf_counter()
    generation = current_generation(index_dir)
    store = open_index(index_dir)
    module = engines.load(read_meta(generation).get("engine", engines.DEFAULT_ENGINE))
    template = Template.load(generation / TEMPLATE)
    indexed = _indexed_files(generation, store)
    files, missing = find_files(paths)
    report = BuildReport(index_dir=str(index_dir), engine=module.NAME, rebuilt=False, skipped=list(missing))
    seen, to_read = set(), []
    for path in map(str, files):
        key = resolved(path)
        if key in seen:
            continue
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
    new_pairs: list[list[str]] = []
    try:
        with Extraction(to_read) as extraction:
            for item in extraction.extract(template, module.prepare):
                if on_file:
                    on_file(item.path)
                key = resolved(item.path)
                known = indexed.get(key)
                if isinstance(item, Skipped):
                    report.skipped.append(item)
                    if indexed.pop(key, None):
                        writer.delete(doc_id(key))
                        report.removed += 1
                    continue
                if known and known[0] == item.content_hash:
                    report.unchanged += 1
                    known[1] = item.stamp
                    continue
                writer.delete(doc_id(key))  # also what a crashed run may have left
                if known:
                    report.changed += 1
                else:
                    report.added += 1
                writer.add(item.prepared)
                indexed[key] = [item.content_hash, item.stamp, item.path]
                new_pairs.append(item.pairs)
        scope = [os.path.realpath(path) for path in paths]
        for key in {key for key in indexed.keys() - seen if prune or _under(key, scope)}:
            writer.delete(doc_id(key))
            del indexed[key]
            report.removed += 1
        if not indexed:  # pointing at the wrong folder must not empty a working index
            raise NothingIndexed("no article found to index", report.skipped)
    except BaseException:
        writer.cancel()
        raise
    if report.added or report.changed or report.removed:
        _say(say, "writing the index")
        # The manifest goes before the commit and comes back after it: a run killed between
        # the two leaves none, and the next run reads what is indexed from the index itself.
        # (A stale one would take a file edited back to its old text for unchanged.)
        forget_files(generation)
        writer.commit()
        PairCounts.add_to(generation, new_pairs)
        fsync_tree(generation)  # Whoosh does not fsync its commits
    else:
        writer.cancel()
    write_files(generation, indexed)
    report.indexed = len(indexed)
    report.seconds = time.perf_counter() - started
    remembered = read_meta(generation).get("paths", [])
    _write_meta(generation, paths if prune else remembered + paths, report)
    LOGGER.info(
        "updated %s: %d added, %d changed, %d removed",
        generation,
        report.added,
        report.changed,
        report.removed,
    )
    return report


def _under(path: str, scope: list[str]) -> bool:
    """Whether a resolved path is one of the scope's paths or inside one of its folders."""
    return any(path == top or path.startswith(top.rstrip(os.sep) + os.sep) for top in scope)


def _say(say, message: str) -> None:
    (say or LOGGER.info)(message)


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _indexed_files(generation: Path, store) -> dict[str, list[str]]:
    """Resolved path -> [content hash, stamp, path as indexed]: the manifest, or, when it is
    missing, what the index itself holds (each of its files is then read again once)."""
    files = read_files(generation)
    if files is not None:
        return files
    LOGGER.warning("rebuilding the file list of %s from the index", generation)
    with store.searcher() as searcher:
        hashes = searcher.indexed_hashes()
        return {path: [hashes[doc_id(path)], "", path] for path in _stored_paths(searcher, hashes)}


def _stored_paths(searcher, hashes: dict[str, str]) -> list[str]:
    paths = []
    for identifier in hashes:
        article = searcher.article(identifier)
        if article is not None and doc_id(article.path) == identifier:
            paths.append(resolved(article.path))
    return paths


def _write_meta(generation: Path, paths: Iterable[str | Path], report: BuildReport) -> None:
    # Resolved, so that a bare `search index` run from anywhere refreshes the same folders.
    resolved = dict.fromkeys(os.path.realpath(path) for path in paths)
    write_meta(
        generation,
        engine=report.engine,
        schema=SCHEMA_VERSION,
        paths=list(resolved),
        documents=report.indexed,
        skipped=len(report.skipped),
    )
