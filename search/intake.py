"""Found and extracted items -> the engine's writer and the manifest: what a build or an update adds.

Input: for an update, the walk of its paths (sources.folders.walk), compared folder by folder
with the manifest; then what pipeline.Extraction yields (articles, skipped pages, crawl records
passed over or unchanged, crawl files done). Output: documents added to and deleted from the
engine's writer, the manifest (manifest.py) kept in step, the sites' names (sites.py), and the
run's figures in its report. A build and an update take items the same way; only an update
deletes before it adds. A build commits what it took every CHECKPOINT_SECONDS (_checkpoint),
with what is saved beside the index (pair counts, sites, stories).
"""

import logging
import os
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from search import limits
from search.corpus import Skipped, shown
from search.generations import fsync_tree, mark_checkpoint
from search.manifest import Entry, Manifest
from search.pipeline import Extracted, Unchanged, resolved
from search.sites import SiteNames
from search.sources import FileDone, Passed, is_crawl
from search.sources.folders import Folder, Unlisted, starts_as_html
from search.spelling import PairCounts
from search.stories import Stories

LOGGER = logging.getLogger(__name__)

_RECORD_SEPARATOR = re.compile(r"[#:/]")  # after a crawl file's path in its records' paths


class Intake:
    """Takes what extraction yields into the engine's writer and the manifest: the one place
    where a build and an update decide what is new, changed, a copy, unchanged or gone."""

    def __init__(
        self,
        writer,
        manifest: Manifest,
        sites: SiteNames,
        stories: Stories,
        report,
        on_file,
        say,
        fresh=False,
        checkpoint_in: Path | None = None,
    ):
        self.writer, self.manifest, self.sites, self.stories = writer, manifest, sites, stories
        self.report, self.on_file, self.say = report, on_file, say
        self.fresh = fresh  # a new index: nothing to delete first
        self.pairs = PairCounts()  # accented pairs of the sampled articles, counted as they come
        # A build's generation, where what was taken so far is committed every CHECKPOINT_SECONDS.
        self.checkpoint_in = checkpoint_in
        # A build commits its index before its manifest (see _checkpoint): resumed, a page file read
        # again is indexed again even with the bytes the manifest knows (older than the index's).
        self.lagging = False
        self._pages: set[str] | None = None  # the page files being read (None: every file read)
        self._crawls = iter(())
        self._crawl = ""  # the key of the crawl file whose records are coming
        self._records: set[str] = set()  # the keys of its records read so far
        self._folder, self._known = None, {}  # the manifest's files of the folder being walked

    # -- an update: what to read, what is gone ---------------------------------------------

    def is_page(self, folder: Folder, name: str, stamp: str) -> bool:
        """For the walk, a file whose name does not say it is a page: it is one when indexed
        as one with the same mtime and size (folder.known's), else when its first bytes are HTML."""
        known = self._files_in(folder.key) if folder.known is None else folder.known
        return known.get(name) == stamp or starts_as_html(folder, name)

    def files_to_read(self, found: Iterable, scope: list[str], prune: bool) -> list[str]:
        """The page and crawl files of a stamped walk to read: new ones, and those whose mtime
        or size changed. What is gone leaves the index here: the sources of each folder walked
        that the walk did not find there, and those of folders under the scope (with `prune`,
        anywhere) that it did not reach, but for folders it could not list (Unlisted). Every
        source of an unchanged file is counted so."""
        to_read, skipped = [], []
        walked: set[str] = set()  # folders whose every file was listed
        named: dict[str, set[str]] = {}  # files named one by one, by folder
        unlisted: list[str] = []  # folders that could not be listed: what they hold stays
        unseen: dict[str, set[str]] = {}  # what the manifest knows of a walked folder, not listed
        for folder in found:
            if isinstance(folder, Skipped):
                self.passed_over(folder)
            if isinstance(folder, Unlisted):
                skipped.append(folder)
                unlisted.append(folder.key)
                continue
            if isinstance(folder, Skipped):
                skipped.append(folder)
                self.report.removed += self.remove(resolved(folder.path))
                continue
            if folder.known is not None:  # compared in the listing: the unchanged pages counted
                known, crawls = folder.known, folder.crawls
                self.report.unchanged += folder.unchanged
                if self.on_file and folder.unchanged:
                    self.on_file(folder.path(""), folder.unchanged)
            elif folder.whole:
                known, crawls = self._files_in(folder.key), self.manifest.crawl_files_in(folder.key)
            else:
                known, crawls = self._named_files(folder)
            self._folder = None  # the next folder of that name is another listing
            path_of = folder.path("")  # + a name: the file's path as the paths given name it
            for name, stamp in zip(folder.names, folder.stamps, strict=True):
                if known.pop(name, "") != stamp:  # new, changed, or known unstamped (rebuilt from the index)
                    to_read.append(folder.path(name))
                    continue
                self.report.unchanged += (
                    self.manifest.count_records(os.path.join(folder.key, name)) if name in crawls else 1
                )
                if self.on_file:
                    self.on_file(path_of + name)
            if folder.whole:
                walked.add(folder.key)
                unseen[folder.key] = set(known)
            else:
                named.setdefault(folder.key, set()).update(folder.names)
        for key, names in unseen.items():  # but files named one by one as well (the walk left them out)
            self._forget(key, names - named.get(key, set()))
        for path in self.manifest.folders():
            if path in walked or (path in named and not prune) or _under(path, unlisted):
                continue
            if path in named or prune or _under(path, scope):
                self._forget(path, set(self.manifest.files_in(path)) - named.get(path, set()))
        self.report.skipped.extend(sorted(skipped, key=lambda item: item.path))
        return to_read

    def passed_over(self, item: Skipped) -> None:
        """A file (or folder) the walk passed over: done, for this run's progress and the next's count."""
        self.report.skipped_files += 1
        if self.on_file:
            self.on_file(item.path)

    def _files_in(self, folder: str) -> dict[str, str]:
        if folder != self._folder:
            self._folder, self._known = folder, self.manifest.files_in(folder)
        return self._known

    def _named_files(self, folder: Folder) -> tuple[dict[str, str], set[str]]:
        """What the manifest knows of files named one by one (not of their whole folder): their
        stamps by name, and which are crawl files."""
        known, crawls = {}, set()
        for name in folder.names:
            entry = self.manifest.get(os.path.join(folder.key, name))
            if entry is not None:
                known[name] = entry.stamp
                if not entry.content_hash:
                    crawls.add(name)
        return known, crawls

    def _forget(self, folder: str, names: Iterable[str]) -> None:
        for name in names:
            self.report.removed += self.remove(os.path.join(folder, name))

    # -- a build and an update: what extraction yields --------------------------------------

    def read(
        self,
        extraction,
        template,
        prepare,
        pages: list[str] | None = None,
        crawls: list[str] | None = None,
        known: Callable | None = None,
    ) -> None:
        """Extract the page and crawl files (default: all of the extraction's) and take what
        comes. A crawl record for which `known` is true comes unchanged, unread."""
        pages = extraction.pages if pages is None else pages
        crawls = extraction.crawls if crawls is None else crawls
        self._pages = set(pages) if crawls else None  # (which item is a page file's)
        self._crawls = iter(crawls)
        due = time.monotonic() + limits.CHECKPOINT_SECONDS
        held = len(self.stories) or self.manifest.documents  # (a rate's count: no 80 ms scan)
        for item in extraction.extract(template, prepare, pages, crawls, known, held):
            self.take(item)
            if self.checkpoint_in is not None and time.monotonic() >= due:
                self._checkpoint(self.checkpoint_in)
                due = time.monotonic() + limits.CHECKPOINT_SECONDS

    def _checkpoint(self, generation: Path) -> None:
        """Commit what a build took so far, so that a build that stops resumes from here.
        What is saved beside the index first, then the index, then the manifest: stopped
        between two of these, the resumed build reads the files of the last few minutes again
        (and counts them twice in the pair counts and site names, which are samples) but never
        loses them, nor trusts a manifest that says more than the index holds."""
        started = time.perf_counter()
        self.save(generation)
        self.writer.checkpoint()
        fsync_tree(generation)  # Whoosh does not fsync its commits
        self.manifest.commit()
        documents = self.manifest.documents
        if documents:  # (a build that found no article yet has nothing to resume)
            mark_checkpoint(generation, documents)
        LOGGER.info("checkpoint: %d articles committed in %.1f s", documents, time.perf_counter() - started)

    def save(self, generation: Path, drop_rare: bool = False) -> None:
        """What is kept beside the engine's index: the pairs counted since the last save
        (`drop_rare`: a build's end), the sites' names, the stories."""
        self.pairs.add_to(generation, drop_rare)
        self.sites.save(generation)
        self.stories.save(generation)

    def known(self, document) -> bool:
        """Whether a crawl's record is indexed already with the same bytes."""
        known = self.manifest.get(resolved(document.path))
        return (
            known is not None
            and known.content_hash == document.content_hash
            and not self.manifest.is_orphan(known)
        )

    def take(self, item) -> None:
        if isinstance(item, Passed):
            if item.what:
                self.report.passed[item.what] += 1
            return
        if isinstance(item, FileDone):
            self._crawl_done(item)
            return
        is_page = self._pages is None or item.path in self._pages
        crawl = "" if is_page else self._crawl or self._next_crawl()
        if self.on_file and not crawl:
            self.on_file(item.path)
        key = resolved(item.path)
        if crawl and not self.fresh:
            self._records.add(key)
        if isinstance(item, Unchanged):
            self.report.unchanged += 1
        elif isinstance(item, Skipped):
            self.report.skipped.append(item)
            self.report.skipped_files += not crawl
            self.report.removed += self.remove(key)
        else:
            self._take_article(key, item, crawl)

    def _take_article(self, key: str, item: Extracted, crawl: str) -> None:
        known = self.manifest.get(key)
        same = known and known.content_hash == item.content_hash and not (self.lagging and not crawl)
        if same and not self.manifest.is_orphan(known):
            if item.stamp and item.stamp != known.stamp:
                self.manifest.set_stamp(key, item.stamp)
            self.report.unchanged += 1
            return
        if known:
            self.remove(key)
        entry = Entry(item.content_hash, item.stamp, item.path, item.doc_id, crawl=crawl)
        if not self.manifest.add(key, entry):
            self.report.copies += 1
            return
        if not self.fresh:
            self.writer.delete(item.doc_id)  # also what a crashed run may have left
        story, copy = self.stories.assign(item.doc_id, item.signature)
        self.report.story_copies += copy
        self.writer.add(item.prepared, story, copy)
        self.sites.add(*item.site)
        self.pairs.add_pairs(item.pairs)
        if known and not known.copy:
            self.report.changed += 1
        else:
            self.report.added += 1

    def remove(self, key: str) -> int:
        """Forget a source (a crawl file with its records); the number of documents that left
        the index."""
        entry = self.manifest.remove(key)
        if entry is None:
            return 0
        removed = (
            0 if entry.content_hash else sum(self.remove(record) for record in self.manifest.records(key))
        )
        if entry.copy or not entry.doc_id:
            return removed
        self.writer.delete(entry.doc_id)
        return removed + 1

    def _next_crawl(self) -> str:
        self._crawl = resolved(next(self._crawls))
        return self._crawl

    def _crawl_done(self, done: FileDone) -> None:
        key = self._crawl or self._next_crawl()
        if not self.fresh:  # records the file no longer holds leave with what it held
            for record in self.manifest.records(key):
                if record not in self._records:
                    self.report.removed += self.remove(record)
        self.manifest.put(key, Entry("", done.stamp, done.path))
        self._crawl, self._records = "", set()
        if self.on_file:
            self.on_file(done.path)
        rate = done.records / done.seconds if done.seconds else 0
        records = f"{done.records:,} record" + ("" if done.records == 1 else "s")
        (self.say or LOGGER.info)(f"read {shown(done.path)}: {records} ({rate:,.0f} records/s)")

    def restore_orphans(self, extraction, template, prepare) -> None:
        """Index again the copies whose indexed source left: a document stays while any of
        its copies does."""
        orphans = self.manifest.orphans()
        if not orphans:
            return
        for key, _ in orphans:
            self.manifest.remove(key)
        keys = {key for key, _ in orphans}
        pages = sorted(entry.path for _, entry in orphans if not entry.crawl)
        # A crawl file by the path it was read from (by its key when the manifest lost it).
        crawl_paths = (getattr(self.manifest.get(e.crawl), "path", e.crawl) for _, e in orphans if e.crawl)
        crawls = list(dict.fromkeys(crawl_paths))
        unchanged = self.report.unchanged
        self.read(extraction, template, prepare, pages, crawls, lambda d: resolved(d.path) not in keys)
        self.report.unchanged = unchanged  # the rest of those crawls was counted already


def _under(path: str, scope: list[str]) -> bool:
    """Whether a resolved path is one of the scope's paths or inside one of its folders."""
    return any(path == top or path.startswith(top.rstrip(os.sep) + os.sep) for top in scope)


def manifest_of(generation: Path, store) -> Manifest:
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
