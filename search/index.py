"""Corpus paths -> an index built or updated on disk, whatever its engine.

Input: paths of corpus files and folders. Output: an index folder (default `index/`) holding
generations (`gen-*`) and a `CURRENT` file naming the live one. A rebuild is written into a new
generation and `CURRENT` is replaced atomically only once it is complete, so a failed or
interrupted rebuild leaves the old index answering. Each generation's index.json names the
engine that built it (search/engines/); everything else here is engine-neutral.

A build commits every CHECKPOINT_SECONDS (limits.py); one stopped after that is resumed by the
next build of the same paths, as an update of its own generation made live when it ends.

One run writes an index at a time (generations.WriterLock: a second waits), and each starts by
removing what a killed run left. Sources (page files, crawl files and their records) are keyed
by their resolved path in the manifest (manifest.py); documents by their URL where they have one,
else their path (pipeline.url_id, pipeline.doc_id), so copies of one page are one document.
"""

import logging
import os
import shutil
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
    building,
    current_generation,
    failed_resumption,
    finish_building,
    fsync_tree,
    index_info,
    is_current,
    make_current,
    new_generation,
    read_meta,
    remove_stale,
    resolved_paths,
    resumable_build,
    same_build,
    start_building,
    stopped_build,
    write_meta,
)
from search.intake import Intake, manifest_of
from search.live import open_index
from search.manifest import Manifest
from search.pipeline import Extraction
from search.sites import SiteNames
from search.sources.folders import find_files, walk
from search.spelling import PairCounts
from search.stories import Stories

LOGGER = logging.getLogger(__name__)

DEFAULT_CORPUS = "seeds"
# Bumped when what is indexed changes: an index of another version is rebuilt, not updated.
SCHEMA_VERSION = 15
MAX_FAILED_RESUMPTIONS = 2  # resumptions of a stopped build that fail (not Ctrl-C) before it is dropped


class NothingIndexed(Exception):
    """A build found no article to index; the old index, if any, is kept."""

    def __init__(self, message: str, skipped: list[Skipped]):
        super().__init__(message)
        self.skipped = skipped


class IndexBusy(Exception):
    """Another process is writing the index."""


class CannotResume(Exception):
    """A stopped build's generation cannot be opened: it is built again from the start."""


@dataclass
class BuildReport:
    indexed: int = 0  # documents in the index afterwards
    skipped: list[Skipped] = field(default_factory=list)
    skipped_files: int = 0  # of those, files (not crawl records): the next update's progress counts them
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
    resumed: bool = False  # a build that stopped, resumed: its files done then are "unchanged"


def build_index(
    paths: Iterable[str | Path],
    index_dir: str | Path = DEFAULT_INDEX_DIR,
    on_file: Callable[..., None] | None = None,
    engine: str | None = None,
    say: Callable[[str], None] | None = None,
) -> BuildReport:
    """Index every article under the paths into a new generation and make it the live one.

    `engine` is "whoosh" or "tantivy" (default: SEARCH_ENGINE, or whoosh). `on_file(path)` is
    called as each file is done (for a progress bar; a resumed build's unchanged files come a
    folder's at a time, `on_file(folder, count)`), `say` with what the run is doing between
    files. Raises NothingIndexed, leaving any old index in place, when no file held an article.
    Waits for another run writing the same index to finish. A build of the same paths that
    stopped after a checkpoint is resumed instead.
    """
    with WriterLock(index_dir, say):
        remove_stale(Path(index_dir))
        return _build(list(paths), Path(index_dir), on_file, engine, say)


def index_corpus(
    paths: Iterable[str | Path] = (),
    index_dir: str | Path = DEFAULT_INDEX_DIR,
    rebuild: bool = False,
    on_file: Callable[..., None] | None = None,
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
    at the last full build is reused (`rebuild` relearns it). `on_file`: as build_index's."""
    with WriterLock(index_dir, say):
        index_dir = Path(index_dir)
        remove_stale(index_dir)
        info = index_info(index_dir)
        paths = list(paths) or info.get("paths", [])
        if not paths:
            raise ValueError("name the files or folders to index")
        if updates(info, rebuild, engine):
            return _update(paths, index_dir, on_file, say, prune)
        return _build(paths, index_dir, on_file, engine, say, usual_engine=info.get("engine"))


def resumable_by(paths: list, index_dir: str | Path, rebuild=False, engine: str | None = None) -> dict:
    """What the stopped build holds that index_corpus with these arguments would resume ({}
    when it would update the live index, or build afresh)."""
    if updates(index_info(index_dir), rebuild, engine):
        return {}
    stopped = stopped_build(index_dir)
    return stopped if same_build(stopped, paths, engine or stopped.get("engine"), SCHEMA_VERSION) else {}


def updates(info: dict, rebuild: bool, engine: str | None) -> bool:
    """Whether index_corpus updates the live index (`info`) rather than build one."""
    return not rebuild and engine in (None, info.get("engine")) and info.get("schema") == SCHEMA_VERSION


def _build(paths: list, index_dir: Path, on_file, engine: str | None, say, usual_engine=None) -> BuildReport:
    """A new generation from the paths, made live when complete; or the resumption of one a
    build of the same paths left after a checkpoint, if `engine` is its engine or None. A new
    one is built with `engine`, else `usual_engine` (the live index's), else the default."""
    stopped = resumable_build(index_dir)
    if stopped is not None:
        what = building(stopped)
        if same_build(what, paths, engine or what.get("engine"), SCHEMA_VERSION):
            try:
                return _resume(stopped, paths, index_dir, what["engine"], on_file, say)
            except CannotResume as error:
                LOGGER.warning("cannot resume the build in %s (%s): starting again", stopped, error)
        else:
            LOGGER.warning("removing %s: a build of other paths or with another engine, stopped", stopped)
        shutil.rmtree(stopped, ignore_errors=True)
    module = engines.load(engine or usual_engine or engines.default_engine())
    started = time.perf_counter()
    report = BuildReport(index_dir=str(index_dir), engine=module.NAME)
    files, report.skipped = find_files(paths)  # before the generation has files of its own
    generation = new_generation(index_dir)
    start_building(generation, paths=resolved_paths(paths), engine=module.NAME, schema=SCHEMA_VERSION)
    try:
        with Extraction(files) as extraction:
            template = extraction.learn_template()
            LOGGER.info(
                "learned the site template from %d files in %.1f s", len(files), time.perf_counter() - started
            )
            template.save(generation / TEMPLATE)
            PairCounts.create(generation)
            writer = module.create(generation, len(files))
            manifest = Manifest.create(generation, bulk=True)
            known = (SiteNames(), Stories())
            intake = Intake(
                writer, manifest, *known, report, on_file, say, fresh=True, checkpoint_in=generation
            )
            for item in report.skipped:  # what the walk passed over: done as well
                intake.passed_over(item)
            try:
                intake.read(extraction, template, module.prepare)
                report.indexed = report.added = manifest.documents
                if not report.indexed:
                    raise NothingIndexed("no article found to index", report.skipped)
                LOGGER.info("added %d articles at %.1f s", report.indexed, time.perf_counter() - started)
                (say or LOGGER.info)(f"writing the index ({_plural(report.indexed, 'article')})")
                intake.save(generation, drop_rare=True)  # in the order of a checkpoint's
                writer.commit()
            except BaseException:
                writer.cancel()
                manifest.close()
                raise
        LOGGER.info("committed at %.1f s", time.perf_counter() - started)
        fsync_tree(generation)
        manifest.commit()
        manifest.close()
        report.seconds = time.perf_counter() - started
        _make_live(index_dir, generation, paths, report)
    finally:
        _leave(index_dir, generation)
    return report


def _resume(generation: Path, paths: list, index_dir: Path, engine: str, on_file, say) -> BuildReport:
    """Finish a build that stopped after a checkpoint: what it committed stays, the files it
    had not reached (or that changed since) are read, and those gone since leave."""
    started = time.perf_counter()
    try:
        module = engines.load(engine)
        store = module.open_index(generation)
    except Exception as error:  # each engine has its own errors for a damaged index
        raise CannotResume(str(error)) from None
    done = building(generation).get("documents", 0)
    (say or LOGGER.info)(f"resuming the build stopped earlier ({_plural(done, 'article')} indexed then)")
    report = BuildReport(index_dir=str(index_dir), engine=module.NAME)
    try:
        try:
            _refresh(generation, store, module, paths, report, on_file, say, prune=True, resuming=True)
        except Exception:  # not Ctrl-C: after a few, the next build starts afresh, not fail alike
            if failed_resumption(generation) >= MAX_FAILED_RESUMPTIONS:
                finish_building(generation)
            raise
        report.resumed = True
        report.seconds = time.perf_counter() - started
        _make_live(index_dir, generation, paths, report)
    finally:
        _leave(index_dir, generation)
    return report


def _update(paths: list, index_dir: Path, on_file, say, prune: bool) -> BuildReport:
    """The live generation changed in place, and committed once."""
    started = time.perf_counter()
    generation = current_generation(index_dir)
    store = open_index(index_dir)
    module = engines.load(read_meta(generation).get("engine", engines.DEFAULT_ENGINE))
    report = BuildReport(index_dir=str(index_dir), engine=module.NAME, rebuilt=False)
    _refresh(generation, store, module, paths, report, on_file, say, prune=prune)
    report.seconds = time.perf_counter() - started
    _write_meta(generation, paths if prune else read_meta(generation).get("paths", []) + paths, report)
    LOGGER.info("updated %s: %d added, %d changed", generation, report.added, report.changed)
    return report


def _refresh(
    generation: Path, store, module, paths, report, on_file, say, prune: bool, resuming=False
) -> None:
    """Bring a generation's index up to the paths (an update, or a build resumed): new and
    changed files are read, the sources of files gone leave. An update's manifest changes are
    committed marked pending before the engine's commit and unmarked after it, so it never
    passes for another state than the index's; a build resumed commits as its checkpoints do.
    Every document added is first deleted by id, so none is ever indexed twice."""
    template = Template.load(generation / TEMPLATE)
    try:
        writer = store.writer()
    except BlockingIOError:
        raise IndexBusy(f"another process is writing the index at {report.index_dir}/") from None
    manifest = None
    try:
        manifest = manifest_of(generation, store)
        known = (manifest, SiteNames.load(generation), Stories.load(generation))
        intake = Intake(writer, *known, report, on_file, say, checkpoint_in=generation if resuming else None)
        if resuming:
            intake.pairs = PairCounts(articles=PairCounts.articles_in(generation))
            intake.lagging = True
        scope = [os.path.realpath(path) for path in paths]
        walked = walk(paths, stamped=True, is_page=intake.is_page, indexed=manifest.joined_files_in)
        to_read = intake.files_to_read(walked, scope, prune)
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
        if resuming or report.added or report.changed or report.removed:
            (say or LOGGER.info)("writing the index")
            intake.save(generation, drop_rare=resuming)  # first: a run stopped after it loses nothing
            if not resuming:
                # Pending from before the engine's commit to after it: a run killed between
                # the two leaves a manifest the next run does not trust; it reads what is
                # indexed from the index itself. (A stale one would take a file edited back to
                # its old text for unchanged.) A build, resumed, commits as a checkpoint does.
                manifest.commit(pending=True)
            writer.commit()
            fsync_tree(generation)  # Whoosh does not fsync its commits
        else:
            writer.cancel()
        manifest.commit()
    finally:
        manifest.close()


def _make_live(index_dir: Path, generation: Path, paths: list, report: BuildReport) -> None:
    _write_meta(generation, paths, report)
    make_current(index_dir, generation)
    finish_building(generation)
    LOGGER.info("built %s with %s: %d documents", generation, report.engine, report.indexed)


def _leave(index_dir: Path, generation: Path) -> None:
    """After a build: what it replaced goes, and what it wrote unless it is one to resume."""
    if not is_current(index_dir, generation) and resumable_build(index_dir) == generation:
        LOGGER.warning("the build stopped; the next build of the same paths resumes from its last checkpoint")
    remove_stale(index_dir)


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _write_meta(generation: Path, paths: Iterable[str | Path], report: BuildReport) -> None:
    write_meta(
        generation,
        engine=report.engine,
        schema=SCHEMA_VERSION,
        paths=resolved_paths(paths),
        documents=report.indexed,
        skipped=report.skipped_files,
    )
