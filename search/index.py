"""Corpus paths -> an index built or updated on disk, whatever its engine.

Input: paths of corpus files and folders. Output: an index folder (default `index/`) holding
generations (`gen-*`) and a `CURRENT` file naming the live one. A rebuild is written into a new
generation and `CURRENT` is replaced atomically only once it is complete, so a failed or
interrupted rebuild leaves the old index answering. Each generation's index.json names the
engine that built it (search/engines/); everything else here is engine-neutral.

One run writes an index at a time (generations.WriterLock: a second waits), and each starts by
removing what a killed run left. Sources (page files, crawl files and their records) are keyed
by their resolved path in the manifest (manifest.py); documents by their URL where they have one,
else their path (pipeline.url_id, pipeline.doc_id), so copies of one page are one document.
"""

import logging
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from search import engines
from search.boilerplate import Template
from search.corpus import Skipped
from search.generations import (
    DEFAULT_INDEX_DIR,
    TEMPLATE,
    WriterLock,
    current_generation,
    fsync_tree,
    index_info,
    is_current,
    make_current,
    new_generation,
    read_meta,
    remove_stale,
    write_meta,
)
from search.intake import Intake
from search.live import open_index
from search.manifest import Entry, Manifest
from search.pipeline import Extraction, resolved
from search.sites import SiteNames
from search.sources import is_crawl
from search.sources.folders import find_files, walk
from search.stories import Stories

LOGGER = logging.getLogger(__name__)

DEFAULT_CORPUS = "seeds"
# Bumped when what is indexed changes: an index of another version is rebuilt, not updated.
SCHEMA_VERSION = 11
_RECORD_SEPARATOR = re.compile(r"[#:/]")  # after a crawl file's path in its records' paths


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
    copies: int = 0  # pages whose URL is a document indexed already (an AMP or print copy)
    story_copies: int = 0  # articles added as copies in a story (near-identical to one indexed)
    passed: Counter = field(default_factory=Counter)  # crawl records that are no page, by why


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
            writer = module.create(generation, len(files))
            manifest = Manifest.create(generation, bulk=True)
            intake = Intake(writer, manifest, SiteNames(), Stories(), report, on_file, say, fresh=True)
            try:
                intake.read(extraction, template, module.prepare)
                report.indexed = report.added = manifest.documents
                if not report.indexed:
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
                manifest.close()
                raise
        LOGGER.info("committed at %.1f s", time.perf_counter() - started)
        manifest.commit()
        manifest.close()
        template.save(generation / TEMPLATE)
        intake.pairs.save(generation)
        intake.sites.save(generation)
        intake.stories.save(generation)
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
    """The index is changed in place. The manifest's changes are committed marked pending before
    the engine's commit and unmarked after it, so it never passes for another state than the
    index's. Every document an update adds is first deleted by id, so none is ever indexed
    twice."""
    started = time.perf_counter()
    generation = current_generation(index_dir)
    store = open_index(index_dir)
    module = engines.load(read_meta(generation).get("engine", engines.DEFAULT_ENGINE))
    template = Template.load(generation / TEMPLATE)
    report = BuildReport(index_dir=str(index_dir), engine=module.NAME, rebuilt=False)
    try:
        writer = store.writer()
    except BlockingIOError:
        raise IndexBusy(f"another process is writing the index at {index_dir}/") from None
    manifest = None
    try:
        manifest = _manifest(generation, store)
        known = (manifest, SiteNames.load(generation), Stories.load(generation))
        intake = Intake(writer, *known, report, on_file, say)
        scope = [os.path.realpath(path) for path in paths]
        to_read = intake.files_to_read(walk(paths, stamped=True, is_page=intake.is_page), scope, prune)
        with Extraction(to_read) as extraction:
            intake.read(extraction, template, module.prepare, known=intake.known)
            intake.restore_orphans(extraction, template, module.prepare)
        report.indexed = manifest.documents
        if not report.indexed:  # pointing at the wrong folder must not empty a working index
            raise NothingIndexed("no article found to index", report.skipped)
    except BaseException:
        writer.cancel()
        if manifest is not None:
            manifest.close()  # its changes dropped
        raise
    try:
        if report.added or report.changed or report.removed:
            _say(say, "writing the index")
            # Pending from before the engine's commit to after it: a run killed between the
            # two leaves a manifest the next run does not trust; it reads what is indexed from
            # the index itself. (A stale one would take a file edited back to its old text for
            # unchanged.)
            manifest.commit(pending=True)
            writer.commit()
            intake.pairs.add_to(generation)
            intake.sites.save(generation)
            intake.stories.save(generation)
            fsync_tree(generation)  # Whoosh does not fsync its commits
        else:
            writer.cancel()
        manifest.commit()
    finally:
        manifest.close()
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


def _say(say, message: str) -> None:
    (say or LOGGER.info)(message)


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _manifest(generation: Path, store) -> Manifest:
    """What the index holds, source by source: the manifest, or, when it is missing or not
    trusted, what the index itself holds (each page and crawl file is then read again once)."""
    manifest = Manifest.load(generation)
    if manifest is not None:
        return manifest
    LOGGER.warning("rebuilding the file list of %s from the index", generation)
    manifest = Manifest.create(generation)
    with store.searcher() as searcher:
        for identifier, content_hash in searcher.indexed_hashes().items():
            article = searcher.article(identifier)
            if article is None or article.doc_id != identifier:
                continue
            crawl = _crawl_of(article.path)
            if crawl:  # known, unstamped: read again, and its records compared
                manifest.put(resolved(crawl), Entry("", "", crawl))
            crawl_key = resolved(crawl) if crawl else ""
            manifest.put(
                resolved(article.path), Entry(content_hash, "", article.path, identifier, crawl=crawl_key)
            )
    return manifest


def _crawl_of(path: str) -> str:
    """The crawl file a record's path names ("crawl.warc.gz#1018", "items.jsonl:3",
    "crawl.wacz/archive/data.warc.gz#7"), or "" for a page file's path."""
    for separator in _RECORD_SEPARATOR.finditer(path):
        crawl = path[: separator.start()]
        if is_crawl(crawl) and os.path.isfile(crawl):
            return crawl
    return ""


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
