"""A page of results or an extracted article -> text on the terminal, marks in colour.

click.style codes are dropped by click.echo when the output is not a terminal, so piped
output is plain text.
"""

import html
import re
import sys
import time

import click

from search import generations, manifest, query, sources
from search.dates import VIETNAM
from search.sources import folders

_MARK = re.compile(r"<mark>(.*?)</mark>")
_RECORD = re.compile(r"#\d+$|:(?:item)?\d+$")  # "crawl.warc.gz#1234", "items.jl:7": a crawl's record


def print_page(result: query.Page, limit: int) -> None:
    for notice in result.notices:
        click.secho(notice.text, fg="yellow", err=True)
    if result.partial:
        click.secho(
            "The search ran out of time: these are the best results found so far.", fg="yellow", err=True
        )
    if result.suggestion:
        click.echo(f"Did you mean: {result.suggestion}?")
    if not result.results and result.total:  # a page past the last
        shown = "" if result.total_exact else "at least "
        click.echo(
            f"Page {result.page} is past the last: {result.query!r} has {shown}{result.total:,} "
            f"results on {_plural(result.pages, 'page')} ({result.took_ms:.0f} ms)."
        )
        return
    if not result.results:
        click.echo(f"No results for {result.query!r} ({result.took_ms:.0f} ms).")
        return
    first = (result.page - 1) * limit + 1
    for rank, hit in enumerate(result.results, start=first):
        click.echo(click.style(f"{rank}. ", bold=True) + _terminal(hit.title_html, bold=True))
        day = hit.date and hit.date.astimezone(VIETNAM).date()  # the day the page says
        details = [hit.path] + [str(v) for v in (hit.site, day) if v]
        click.secho("   " + " · ".join(details), dim=True)
        click.echo("   " + _terminal(hit.snippet))
        if hit.copies:
            sites = ", ".join(dict.fromkeys(copy.site or "?" for copy in hit.copies))
            count = len(hit.copies)
            click.secho(
                f"   + {count:,} other cop{'y' if count == 1 else 'ies'} of this story: {sites}", dim=True
            )
        click.echo()
    click.echo(
        f"{'' if result.total_exact else 'at least '}{result.total:,} "
        f"result{'s' if result.total != 1 else ''}, page {result.page} of "
        f"{result.pages} ({result.took_ms:.0f} ms)."
    )


def _terminal(marked: str, bold: bool = False) -> str:
    """Turn <mark> into terminal colour (click drops it when not a terminal) and unescape."""
    parts = _MARK.split(marked)  # odd items are the marked words
    return "".join(
        click.style(html.unescape(part), fg="yellow", bold=True, underline=True)
        if number % 2
        else click.style(html.unescape(part), bold=bold)
        for number, part in enumerate(parts)
        if part
    )


def print_article(article, explain: bool) -> None:
    click.secho(f"== {article.path}", dim=True)
    click.secho(article.title, bold=True)
    meta = [
        f"{k}: {v}"
        for k, v in (
            ("site", article.site),
            ("date", article.date),
            ("byline", article.byline),
            ("url", article.url),
        )
        if v
    ]
    if meta:
        click.secho(" · ".join(meta), dim=True)
    click.echo()
    for paragraph in article.body:
        click.echo(paragraph + "\n")
    for caption in article.captions:
        click.secho(f"[caption] {caption}", italic=True)
    if explain and article.explain:
        click.secho("\nHow the page was read:", bold=True)
        for line in article.explain:
            click.echo(f"  - {line}")
    if explain and article.dropped:
        click.secho(f"\nDropped {len(article.dropped)} lines:", bold=True)
        for dropped in article.dropped:
            click.secho(f"  - {dropped.reason}: ", fg="red", nl=False)
            click.echo(dropped.line[:120])
    click.echo()


def print_index_report(report) -> None:
    """What `search index` did (index.BuildReport): the figures, then what it passed over."""
    if report.resumed:
        rate = report.added / report.seconds if report.seconds else 0
        click.echo(
            f"Resumed the build stopped earlier: {report.unchanged:,} files and records were done then, "
            f"{report.added:,} articles added now in {report.seconds:.1f} s ({rate:.0f} articles/s); "
            f"{_plural(report.indexed, 'article')} in {report.index_dir}/ with {report.engine}."
        )
    elif report.rebuilt:
        rate = report.indexed / report.seconds if report.seconds else 0
        click.echo(
            f"Indexed {_plural(report.indexed, 'article')} into {report.index_dir}/ with "
            f"{report.engine} in {report.seconds:.1f} s ({rate:.0f} articles/s)."
        )
    else:
        click.echo(
            f"Updated {report.index_dir}/ in {report.seconds:.1f} s: {report.added:,} added, "
            f"{report.changed:,} changed, {report.removed:,} removed, {report.unchanged:,} "
            f"unchanged; {_plural(report.indexed, 'article')} in the index."
        )
    if report.copies:
        click.echo(
            f"{_plural(report.copies, 'page')} had the URL of an article indexed already (an AMP or "
            "print copy, a page saved twice): one result each.",
        )
    if report.passed:
        passed = ", ".join(f"{count:,} {what}" for what, count in report.passed.most_common())
        click.echo(f"Passed over {_plural(report.passed.total(), 'crawl record')}: {passed}.")
    print_skipped(report.skipped)


def print_skipped(skipped: list, explained: dict[str, list[str]] | None = None) -> None:
    """The files not indexed, with why: errors first, then listing pages (no error); under
    each, how it was read when `explained` says (search extract --explain)."""
    explained = explained or {}
    errors = [item for item in skipped if not item.listing]
    listings = [item for item in skipped if item.listing]
    if errors:
        records = sum(1 for item in errors if _RECORD.search(item.path))
        if 0 < records < len(errors):
            what = f"{len(errors):,} files and records"
        else:
            what = _plural(len(errors), "record" if records else "file")
        click.echo(f"Skipped {what}:", err=True)
        for item in errors:
            click.echo(f"  {item.path}: {item.reason}", err=True)
            _print_explained(explained.get(item.path, []))
    if listings:
        click.echo(
            f"Passed over {_plural(len(listings), 'listing page')} (home or category pages, not articles):",
            err=True,
        )
        for item in listings:
            click.echo(f"  {item.path}: {item.reason}", err=True)
            _print_explained(explained.get(item.path, []))


def _print_explained(lines: list[str]) -> None:
    for line in lines:
        click.echo(f"      - {line}", err=True)


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def files_to_index(paths: tuple[str, ...], index_dir: str, updated: dict) -> tuple[int, bool]:
    """About how many files `search index` goes through, and whether to show its progress.
    Updating an index (`updated`: its index_info, else {}) from the paths it was built from,
    its manifest says: the update walks a million files in seconds, and a walk to count them
    took as long. Otherwise a walk counts them (a crawl file is worth a progress line, even
    alone)."""
    if updated and sorted(generations.resolved_paths(paths)) == sorted(updated.get("paths", [])):
        files = manifest.file_count(generations.current_generation(index_dir))
        if files is not None:
            return files + updated.get("skipped", 0), True
    files, skipped = folders.find_files(paths)  # (what the walk passes over is done too)
    return len(files) + len(skipped), len(files) > 1 or any(map(sources.is_crawl, files))


class Progress:
    """How far `search index` is, on stderr: a bar with the time left on a terminal; elsewhere
    (a log, nohup, a CI job) a line every LOG_EVERY seconds, so that a long build run in the
    background still says how far it is and when it should end."""

    LOG_EVERY = 30.0
    DRAW_EVERY = 0.05  # seconds: an update of a million unchanged files calls update a million times

    def __init__(self, total: int, shown: bool):
        self.total, self.done = total, 0
        self.started = self.logged = time.monotonic()
        self.terminal = shown and sys.stderr.isatty()
        self.logging = shown and not self.terminal
        self._bar = click.progressbar(
            length=total, label="Indexing", file=sys.stderr, hidden=not self.terminal
        )
        self._drawn, self._lines, self._counted = float("-inf"), 0, total

    def __enter__(self):
        self._bar.__enter__()
        return self

    def __exit__(self, *exc):
        self._draw(time.monotonic(), last=True)
        return self._bar.__exit__(*exc)

    def update(self, _path=None, files: int = 1) -> None:
        """`files` done (an update's unchanged files come a folder's at a time)."""
        self.done += files
        if self.done > self.total:  # files added since the count: the count grows
            self.total = self.done
        now = time.monotonic()
        if now - self._drawn >= self.DRAW_EVERY or self.done - files < self._counted <= self.done:
            self._draw(now)

    def _draw(self, now: float, last: bool = False) -> None:
        """The bar as far as done; on a log, a line every LOG_EVERY seconds, and the last count
        after a run long enough to have logged one."""
        self._drawn = now
        self._bar.length = max(self._bar.length, self.total)
        self._bar.update(self.done - self._bar.pos)
        if self.logging and (now - self.logged >= self.LOG_EVERY or (last and self._lines)):
            self.logged, self._lines = now, self._lines + 1
            click.echo(self.line(now - self.started), err=True)

    def line(self, seconds: float) -> str:
        """ "Indexing: 120,000 of 1,000,000 files (12%), 950 files/s, about 15 min left"."""
        rate = self.done / seconds if seconds > 0 else 0.0
        share = self.done / self.total if self.total else 1.0
        left = max(0.0, (self.total - self.done) / rate) if rate else None
        return f"Indexing: {self.done:,} of {self.total:,} files ({share:.0%}), {rate:,.0f} files/s" + (
            f", about {_duration(left)} left" if left is not None else ""
        )


def _duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    if seconds < 60:
        return f"{seconds:.0f} s"
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"
