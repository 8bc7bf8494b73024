"""(seed, page number, version) -> a page of the archive corpus of issue #23; a count -> its folder.

A year of 50 news sites, as a crawler saves them:
- the archive-like language of bench/synthetic.py (a Vietnamese syllable inventory, a pool of
  60,000 words, 300 topics with Zipf vocabularies, people's names and numbers), drawn with
  numpy a paragraph at a time (the old generator drew word by word: 602 s for 1,000,000 pages);
- 50 sites (bench/sites.py): a few large ones and a long tail, each with its name, domain,
  sections, layouts and metadata choices; a page's site is drawn by those shares;
- dates over one year (2025, Vietnam time, mostly daytime), shown in the page: a dateline in
  text dumps, metadata and a visible date in HTML;
- about 10% syndicated copies, by synthetic.Generator.original_of: a copy runs on another site
  than its original, hours later, with 5% of the words changed, a lead and a closing paragraph
  of its own and a byline naming the original's site;
- a share of the pages (default 30%) saved as HTML (bench/pages.py), the rest as text dumps.

Page `number` depends only on (seed, number, version) and the HTML share, so any page can be
regenerated, or edited (`version` 1: same site, date and topics, new text) for the update
benchmark. `write_archive` writes pages 0..N-1 into one folder per site with a process per
core, says how far it is as it goes, resumes an interrupted run, and records how the corpus
was made beside it (`corpus-archive2-N.json`), so that a later generator never reuses it.
"""

import bisect
import itertools
import json
import multiprocessing
import os
import random
import shutil
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from bench.pages import LATEST_SHOWN, Story, html_page, text_page
from bench.sites import AGENCIES, LATEST_TITLES, POPULAR_TITLES, Site, make_sites
from bench.syllables import FUNCTION_WORDS
from bench.synthetic import BODY_BYTES, COPY_CHANGES, FUNCTION_SHARE, Generator, number_phrase

KIND = "archive2"
# Bump when the pages written for a (seed, number) change: a corpus folder records the version
# it was written with, and one of another version is refused, never silently reused.
VERSION = 1
HTML_SHARE = 0.3
COPY_SHARE = 0.1
FIRST_DAY = datetime(2025, 1, 1, tzinfo=timezone(timedelta(hours=7)))
DAYS = 365
# Hour of publication, Vietnam time: newsrooms publish from early morning to late evening.
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 5, 8, 9, 9, 9, 8, 7, 7, 8, 8, 8, 7, 6, 6, 6, 5, 3, 2)
COPY_DELAY_HOURS = (0.5, 36.0)  # a copy runs this long after its original
HONORIFICS = ("ông", "bà", "anh", "chị")
EXTRAS = 0.075  # of a sentence's words, followed by a person, a number or a comma (as synthetic)
CHUNK = 2000  # pages a worker writes at a time; an interrupted run resumes at a chunk
PROGRESS_SECONDS = 10.0


class CorpusMismatch(ValueError):
    """A corpus folder that another generator, or other settings, wrote: never reused."""


@dataclass(frozen=True)
class Place:
    """Where and when a page stands, before its text: cheap to compute for any page."""

    site: int
    html: bool
    date: datetime
    original: int | None


class Archive:
    """The pages of one archive corpus: `page(number, version)` -> (relative path, text)."""

    def __init__(self, seed: int = 1, html: float = HTML_SHARE, copies: float = COPY_SHARE):
        self.seed, self.html, self.copies = seed, html, copies
        self.language = language = Generator(seed=seed)
        self._words = np.array(list(FUNCTION_WORDS) + language.pool, dtype=object)
        index = {word: at for at, word in enumerate(language.pool, start=len(FUNCTION_WORDS))}
        self.topic_words = np.array(
            [[index[w] for w in words] for words in language.topic_words], dtype=np.int32
        )
        self.function_words = np.arange(len(FUNCTION_WORDS), dtype=np.int32)
        self._cumulative: dict[tuple[int, float], np.ndarray] = {}
        self.sites: list[Site] = make_sites(seed)
        self._site_cw = list(itertools.accumulate(site.share for site in self.sites))
        self._hour_cw = list(itertools.accumulate(HOUR_WEIGHTS))
        for site in self.sites:
            rng = np.random.default_rng([seed, 7, site.number])
            prng = random.Random(f"{seed}/site/{site.number}/titles")
            site.popular = [self._title(rng, language._topics(prng)) for _ in range(POPULAR_TITLES)]
            site.latest = [self._title(rng, language._topics(prng)) for _ in range(LATEST_TITLES)]

    # -- words ----------------------------------------------------------------------------------

    def _weights(self, topics: int, function_share: float) -> np.ndarray:
        """Cumulative weights over [function words, topic 1's words, ...] (as synthetic._words)."""
        key = (topics, function_share)
        if key not in self._cumulative:
            shares = [0.65, 0.25, 0.1][:topics]
            scale = (1 - function_share) / sum(shares)
            parts = [np.array(self.language._function_weights) * function_share]
            parts += [np.array(self.language._topic_weights) * share * scale for share in shares]
            cumulative = np.cumsum(np.concatenate(parts))
            self._cumulative[key] = cumulative / cumulative[-1]
        return self._cumulative[key]

    def _draw(
        self, rng: np.random.Generator, topics: list[int], count: int, function_share: float
    ) -> list[str]:
        population = np.concatenate([self.function_words, *(self.topic_words[t] for t in topics)])
        at = np.searchsorted(self._weights(len(topics), function_share), rng.random(count), side="right")
        return self._words[population[at]].tolist()

    def _sentences(
        self,
        rng: np.random.Generator,
        prng: random.Random,
        topics: list[int],
        cast: list[str],
        lengths: list[int],
    ) -> list[str]:
        """Sentences of these lengths in words, with people of the cast, numbers and commas."""
        words = self._draw(rng, topics, sum(lengths), FUNCTION_SHARE)
        marks = rng.random(len(words))
        for at in np.flatnonzero(marks < EXTRAS).tolist():
            mark = marks[at]
            if mark < 0.015:
                if cast:
                    words[at] += f" {prng.choice(HONORIFICS)} {prng.choice(cast)}"
            elif mark < 0.03:
                words[at] += " " + number_phrase(prng, lambda: prng.choice(words))
            else:
                words[at] += ","
        sentences, start = [], 0
        for length in lengths:
            text = " ".join(words[start : start + length]).rstrip(",")
            sentences.append(text[:1].upper() + text[1:] + ".")
            start += length
        return sentences

    def _title(self, rng: np.random.Generator, topics: list[int]) -> str:
        text = " ".join(self._draw(rng, topics[:1], int(rng.integers(6, 12)), 0.2))
        return text[:1].upper() + text[1:]

    # -- pages ----------------------------------------------------------------------------------

    def place(self, number: int) -> Place:
        """The page's site, form and date; a copy's come after its original's, on another site."""
        rng = random.Random(f"{self.seed}/{number}/place")
        site_draw, html_draw, day = rng.random(), rng.random(), rng.randrange(DAYS)
        hour = rng.choices(range(24), cum_weights=self._hour_cw)[0]
        minute, delay = rng.randrange(60), rng.uniform(*COPY_DELAY_HOURS)
        site = bisect.bisect(self._site_cw, site_draw * self._site_cw[-1])
        original = self.language.original_of(number, self.copies) if self.copies else None
        if original is None:
            date = FIRST_DAY + timedelta(days=day, hours=hour, minutes=minute)
        else:
            first = self.place(original)
            site = (site + 1) % len(self.sites) if site == first.site else site
            date = first.date + timedelta(hours=delay)
            date -= timedelta(seconds=date.second, microseconds=date.microsecond)
        return Place(site, html_draw < self.html, date, original)

    def path(self, number: int, place: Place | None = None) -> str:
        """The page's file, relative to the corpus folder: SITE/NNNNNNN.txt or .html."""
        place = place or self.place(number)
        return f"{self.sites[place.site].folder}/{number:07d}.{'html' if place.html else 'txt'}"

    def story(self, number: int, version: int = 0, place: Place | None = None) -> Story:
        """What page `number` tells (its article as a perfect extractor would keep it)."""
        place = place or self.place(number)
        if place.original is not None:
            return self._copy(number, version, place)
        language = self.language
        topic_rng = random.Random(f"{self.seed}/{number}")  # the same topics in every version
        topics = language._topics(topic_rng)
        cast = [language._person(topic_rng) for _ in range(topic_rng.choice((0, 1, 1, 2, 2, 3)))]
        rng = np.random.default_rng([self.seed, number, version])
        prng = random.Random(f"{self.seed}/{number}/{version}/page")
        title = self._title(rng, topics)
        lead = " ".join(
            self._sentences(rng, prng, topics, cast, [prng.randint(14, 26), prng.randint(10, 20)])
        )
        caption = self._sentences(rng, prng, topics, cast, [prng.randint(8, 16)])[0]
        paragraphs, size = [], 0
        while size < BODY_BYTES:
            lengths = [prng.randint(10, 30) for _ in range(prng.randint(2, 5))]
            paragraph = " ".join(self._sentences(rng, prng, topics, cast, lengths))
            paragraphs.append(paragraph)
            size += len(paragraph.encode("utf-8")) + 1
        reporter = language._person(prng)
        kind = prng.random()
        byline = (
            f"Theo {prng.choice(AGENCIES)}"
            if kind < 0.45
            else f"Bài và ảnh: {reporter}"
            if kind < 0.8
            else f"Phóng viên: {reporter}"
        )
        return self._told(
            number, place, topics, rng, prng, title, lead, caption, paragraphs, byline, reporter
        )

    def _copy(self, number: int, version: int, place: Place) -> Story:
        """The original's story as another site runs it: a few words changed, a lead and a
        closing paragraph of its own, credited to the original's site."""
        source = self.story(place.original)
        topics = self.language._topics(random.Random(f"{self.seed}/{place.original}"))
        rng = np.random.default_rng([self.seed, number, version, 1])
        prng = random.Random(f"{self.seed}/{number}/{version}/copy")

        def changed(line: str) -> str:
            words = line.split(" ")
            swap = np.flatnonzero(rng.random(len(words)) < COPY_CHANGES).tolist()
            for at, word in zip(swap, self._draw(rng, topics, len(swap), FUNCTION_SHARE)):
                words[at] = word
            return " ".join(words)

        lead, tail = (
            " ".join(self._sentences(rng, prng, topics, [], [prng.randint(12, 24), prng.randint(12, 24)]))
            for _ in "lt"
        )
        paragraphs = [changed(source.lead), *map(changed, source.paragraphs), tail]
        byline = f"Theo {source.site.name}"
        return self._told(
            number, place, topics, rng, prng, changed(source.title), lead, changed(source.caption),
            paragraphs, byline, source.reporter,
        )  # fmt: skip

    def _told(
        self, number, place, topics, rng, prng, title, lead, caption, paragraphs, byline, reporter
    ) -> Story:
        """The story with what its page shows around it: tags, related, latest, most read."""
        site = self.sites[place.site]
        vocabulary = self.language.topic_words[topics[0]]
        related = [
            self._title(rng, [prng.randrange(len(self.topic_words))] if prng.random() < 0.3 else topics)
            for _ in range(3)
        ]
        return Story(
            number=number,
            site=site,
            date=place.date,
            section=site.sections[topics[0] % len(site.sections)],
            title=title,
            lead=lead,
            caption=caption,
            paragraphs=paragraphs,
            byline=byline,
            reporter=reporter,
            tags=prng.sample(vocabulary[:40], prng.randint(3, 5)),
            related=related,
            latest=prng.sample(site.latest, LATEST_SHOWN),
            popular=prng.sample(site.popular, 7),
            original=place.original,
            image=prng.randrange(10**6),
        )

    def page(self, number: int, version: int = 0) -> tuple[str, str]:
        """(relative path, text) of page `number`; another `version` is an edit of it."""
        place = self.place(number)
        story = self.story(number, version, place)
        return self.path(number, place), html_page(story) if place.html else text_page(story)


# ---------------------------------------------------------------------------------------------
# Writing a corpus


def corpus_name(html: float = HTML_SHARE) -> str:
    """archive2, or archive2-html0 for another HTML share: a corpus folder says what it holds."""
    return KIND if html == HTML_SHARE else f"{KIND}-html{round(html * 100)}"


def archive_dir(out: str | Path, count: int, html: float = HTML_SHARE) -> Path:
    """bench/out/corpus-archive2-N."""
    return Path(out) / f"corpus-{corpus_name(html)}-{count}"


def _record(folder: Path, suffix: str) -> Path:
    return folder.parent / f"{folder.name}{suffix}"


_ARCHIVE: Archive | None = None  # the workers' generator, inherited through fork


def _write_chunk(job: tuple[Path, int, int]) -> dict:
    folder, start, stop = job
    totals = Counter(pages=stop - start)
    for number in range(start, stop):
        place = _ARCHIVE.place(number)
        story = _ARCHIVE.story(number, 0, place)
        data = (html_page(story) if place.html else text_page(story)).encode("utf-8")
        (folder / _ARCHIVE.path(number, place)).write_bytes(data)
        totals["bytes"] += len(data)
        totals["text_bytes"] += len(story.text.encode("utf-8"))
        totals["html_pages"] += place.html
        totals["copy_pages"] += place.original is not None
    # The chunk is done: an interrupted run resumes after it.
    (_record(folder, ".parts") / f"{start:08d}.json").write_text(json.dumps(totals))
    return totals


def write_archive(
    folder: str | Path,
    count: int,
    html: float = HTML_SHARE,
    seed: int = 1,
    processes: int | None = None,
    say: Callable[[str], None] = print,
) -> dict:
    """Write pages 0..count-1 under folder/SITE/ (one process per core), unless they are there
    already; returns what the corpus holds: pages, bytes, text_bytes (the articles' own text),
    html_pages, copy_pages, and how it was made. An interrupted run resumes where it stopped."""
    global _ARCHIVE
    folder = Path(folder)
    record, parts = _record(folder, ".json"), _record(folder, ".parts")
    wanted = {
        "kind": KIND,
        "version": VERSION,
        "seed": seed,
        "html": html,
        "copy_share": COPY_SHARE,
        "pages": count,
    }
    if record.exists():
        made = json.loads(record.read_text())
        if {key: made.get(key) for key in wanted} == wanted:
            return made
        raise CorpusMismatch(f"{folder} was written with {made}, not {wanted}: remove it and {record.name}")
    if folder.exists() and not (parts / "settings.json").exists():
        raise CorpusMismatch(f"{folder} exists, with no record of how it was written: remove it")
    parts.mkdir(parents=True, exist_ok=True)
    if (parts / "settings.json").exists() and json.loads((parts / "settings.json").read_text()) != wanted:
        raise CorpusMismatch(f"{folder} was begun with other settings: remove it and {parts.name}")
    (parts / "settings.json").write_text(json.dumps(wanted))
    started = time.perf_counter()
    _ARCHIVE = Archive(seed, html)
    for site in _ARCHIVE.sites:
        (folder / site.folder).mkdir(parents=True, exist_ok=True)
    totals, jobs = Counter(), []
    for start in range(0, count, CHUNK):
        done = parts / f"{start:08d}.json"
        if done.exists():
            totals.update(json.loads(done.read_text()))
        else:
            jobs.append((folder, start, min(count, start + CHUNK)))
    resumed = totals["pages"]
    if resumed:
        say(f"{folder.name}: resuming after {resumed:,} pages written before")
    processes = processes or min(len(jobs), os.cpu_count() or 1)
    last = time.perf_counter()
    if processes <= 1:
        written = map(_write_chunk, jobs)
        pool = None
    else:
        pool = multiprocessing.get_context("fork").Pool(processes)
        written = pool.imap_unordered(_write_chunk, jobs)
    try:
        for chunk in written:
            totals.update(chunk)
            now = time.perf_counter()
            if now - last >= PROGRESS_SECONDS or totals["pages"] == count:
                last = now
                say(_progress(folder.name, totals["pages"], count, totals["pages"] - resumed, now - started))
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    made = {**wanted, **{key: totals[key] for key in ("bytes", "text_bytes", "html_pages", "copy_pages")}}
    made["sites"] = len(_ARCHIVE.sites)
    made["seconds"] = round(time.perf_counter() - started, 1)
    record.write_text(json.dumps(made, indent=1))
    shutil.rmtree(parts)
    return made


def _progress(name: str, done: int, count: int, now_done: int, seconds: float) -> str:
    rate = now_done / seconds if seconds else 0.0
    left = (count - done) / rate if rate else 0.0
    return f"{name}: {done:,} of {count:,} pages ({done / count:.0%}), {rate:,.0f} pages/s, {_duration(left)} left"


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"
