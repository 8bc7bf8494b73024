"""Extracted items -> the engine's writer and the manifest: what a build or an update adds.

Input: what pipeline.Extraction yields (articles, skipped pages, crawl records passed over or
unchanged, crawl files done). Output: documents added to and deleted from the engine's writer,
the manifest (manifest.py) kept in step, the sites' names (sites.py), and the run's figures in
its report. A build and an update take items the same way; only an update deletes before it adds.
"""

import logging

from search.corpus import Skipped, shown
from search.manifest import Entry, Manifest
from search.pipeline import Extracted, Unchanged, resolved, stamp
from search.sites import SiteNames
from search.sources import FileDone, Passed
from search.spelling import PairCounts
from search.stories import Stories

LOGGER = logging.getLogger(__name__)


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
        extraction,
        on_file,
        say,
        fresh=False,
    ):
        self.writer, self.manifest, self.sites, self.stories = writer, manifest, sites, stories
        self.report = report
        self.extraction, self.on_file, self.say = extraction, on_file, say
        self.fresh = fresh  # a new index: nothing to delete first
        self.seen: set[str] = set()  # the sources found this run
        self.pairs = PairCounts()  # accented pairs of the sampled articles, counted as they come
        self._pages = set(extraction.pages)
        self._crawls = iter(extraction.crawls)
        self._crawl = ""  # the key of the crawl file whose records are coming

    def skip_unchanged_files(self) -> tuple[list[str], list[str]]:
        """The page and crawl files to read: those whose mtime or size changed since."""
        by_crawl = self.manifest.records_by_crawl()
        pages, crawls = [], []
        for path in self.extraction.files:
            key = resolved(path)
            if key in self.seen:
                continue
            self.seen.add(key)
            known = self.manifest.entries.get(key)
            if known and known.stamp == stamp(path) and not self._orphan(known):
                records = by_crawl.get(key, [])
                self.seen.update(records)
                self.report.unchanged += len(records) if path not in self._pages else 1
                if self.on_file:
                    self.on_file(path)
            else:
                (pages if path in self._pages else crawls).append(path)
        self._crawls = iter(crawls)
        return pages, crawls

    def known(self, document) -> bool:
        """Whether a crawl's record is indexed already with the same bytes."""
        known = self.manifest.entries.get(resolved(document.path))
        return known is not None and known.content_hash == document.content_hash and not self._orphan(known)

    def _orphan(self, entry: Entry) -> bool:
        return entry.copy and entry.doc_id not in self.manifest.owners

    def take(self, item) -> None:
        if isinstance(item, Passed):
            if item.what:
                self.report.passed[item.what] += 1
            return
        if isinstance(item, FileDone):
            self._crawl_done(item)
            return
        crawl = "" if item.path in self._pages else self._crawl or self._next_crawl()
        if self.on_file and not crawl:
            self.on_file(item.path)
        key = resolved(item.path)
        if isinstance(item, Unchanged):
            self.seen.add(key)
            self.report.unchanged += 1
        elif isinstance(item, Skipped):
            self.seen.add(key)
            self.report.skipped.append(item)
            self.report.removed += self.remove(key)
        elif key not in self.seen or crawl or not self.fresh:  # a file named twice is read once
            self.seen.add(key)
            self._take_article(key, item, crawl)

    def _take_article(self, key: str, item: Extracted, crawl: str) -> None:
        known = self.manifest.entries.get(key)
        if known and known.content_hash == item.content_hash and not self._orphan(known):
            known.stamp = item.stamp or known.stamp
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
        """Forget a source; 1 when its document left the index, else 0."""
        entry = self.manifest.remove(key)
        if entry is None or entry.copy or not entry.doc_id:
            return 0
        self.writer.delete(entry.doc_id)
        return 1

    def _next_crawl(self) -> str:
        self._crawl = resolved(next(self._crawls))
        return self._crawl

    def _crawl_done(self, done: FileDone) -> None:
        key = self._crawl or self._next_crawl()
        self.manifest.entries[key] = Entry("", done.stamp, done.path)
        self.seen.add(key)
        self._crawl = ""
        if self.on_file:
            self.on_file(done.path)
        rate = done.records / done.seconds if done.seconds else 0
        records = f"{done.records:,} record" + ("" if done.records == 1 else "s")
        self._say(f"read {shown(done.path)}: {records} ({rate:,.0f} records/s)")

    def restore_orphans(self, template, prepare) -> None:
        """Index again the copies whose indexed source left: a document stays while any of
        its copies does."""
        orphans = set(self.manifest.orphans())
        if not orphans:
            return
        entries = {key: self.manifest.remove(key) for key in orphans}
        pages = sorted(entry.path for entry in entries.values() if not entry.crawl)
        crawls = list(dict.fromkeys(self.manifest.entries[e.crawl].path for e in entries.values() if e.crawl))
        self._crawls = iter(crawls)
        unchanged = self.report.unchanged
        for item in self.extraction.extract(
            template, prepare, pages, crawls, lambda d: resolved(d.path) not in orphans
        ):
            self.take(item)
        self.report.unchanged = unchanged  # the rest of those crawls was counted already

    def _say(self, message: str) -> None:
        (self.say or LOGGER.info)(message)
