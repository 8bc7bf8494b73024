"""A query -> every matching story, streamed, as CSV or JSON Lines rows (`search query --csv`,
`--jsonl`, and the page's /api/search.csv).

query.search answers one page, and no page reaches past MAX_RESULT_WINDOW; an export wants
every match, as Datashare's batch export does. stories() lets query.search plan the query
(parse, abbreviations, the fallback, filters) on a searcher that notes the plan it runs, then
runs that plan once more without the window, the page size or the time limit. That run holds
only the engine's handles of the hits (a score and a number each); the stored articles are
read a batch at a time as the rows are written, so 100,000 rows are never in memory together.
The order is the page's: best first (with the page's re-ranking of the first hits) or newest
first; a story is one row, at its best-ranked hit, shown as the page shows it
(search/query/collapse.py), with the number of its other articles.
"""

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

from search import query
from search.engines import VIETNAM, aware
from search.query.answer import copy_of
from search.query.collapse import shown_story, story_of
from search.query.expand import expand
from search.query.parse import parse
from search.query.rerank import rerank

# The columns, in order: what a spreadsheet of a search needs (the id finds it in the API).
FIELDS = ("url", "title", "site", "date", "copies", "score", "id")
# Rows written (and stored articles read) at a time: one chunk of a streamed response.
BATCH = 200
# A cell starting with one of these is a formula to Excel and LibreOffice: a scraped title
# such as "=HYPERLINK(...)" is written with a leading apostrophe instead (OWASP's advice).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _NotingSearcher:
    """A searcher that notes each plan it is asked to run (the last one is the answer's)."""

    def __init__(self, searcher):
        self._searcher = searcher
        self.plans = []

    def search(self, plan):
        self.plans.append(plan)
        return self._searcher.search(plan)

    def __getattr__(self, name):
        return getattr(self._searcher, name)


def stories(searcher, text: str, names=None, **filters) -> Iterator[query.Hit]:
    """Every story matching `text` and the `filters` (query.search's keywords: sort, site,
    date_from, date_to...), in the page's order, read lazily; `names` (SiteNames) shows each
    site by its name. The search runs now (its errors raise here); the hits are read as they
    are iterated. Titles and snippets are not highlighted."""
    noting = _NotingSearcher(searcher)
    query.search(noting, text, page=1, limit=1, **filters)
    if not noting.plans:  # nothing to search for
        return iter(())
    plan = noting.plans[-1]  # after the fallback, the plan whose hits the page shows
    everything = max(1, searcher.doc_count())
    plan = replace(
        plan, limit=everything, count_up_to=everything, deadline=None, facets=False, count_originals=False
    )
    found = searcher.search(plan)
    ranked = [(score, handle, None) for score, handle in found.hits]
    if plan.sort == "relevance":
        ranked = rerank(searcher, expand(parse(query.cut_query(text)[0])), ranked)
    collapse = filters.get("collapse", True) and searcher.copy_count() > 0
    return _hits(searcher, ranked, plan, collapse, names)


def _hits(searcher, ranked: list, plan, collapse: bool, names) -> Iterator[query.Hit]:
    seen = set()  # stories written (collapse: one row a story, at its best-ranked hit)
    for score, handle, stored in ranked:
        stored, copies = stored or searcher.stored(handle), []
        if collapse:
            story = story_of(stored)
            if story in seen:
                continue
            seen.add(story)
            stored, copies = shown_story(searcher, stored, plan)  # as the page shows it
        # Newest first scores nothing (Whoosh gives its sort key as the score).
        score = 0.0 if plan.sort == "date" else score
        yield query.Hit(
            id=stored.doc_id,
            path=stored.path,
            title=stored.title,
            title_html="",
            snippet="",
            score=score,
            date=stored.date,
            site=names.name(stored.site) if names else stored.site,
            url=stored.url,
            copies=[copy_of(article) for article in copies],
        )


def row(hit: query.Hit, link: Callable[[query.Hit], str | None] | None = None) -> dict:
    """One story's columns (FIELDS); `link` gives its url (default: the article's own).

    >>> from datetime import datetime, timezone
    >>> row(query.Hit("ab12", "a.txt", "Cao tốc", "", "", 1.23456, datetime(2025, 3, 1, 2, 30, tzinfo=timezone.utc)))
    {'url': None, 'title': 'Cao tốc', 'site': None, 'date': '2025-03-01T09:30:00+07:00', 'copies': 0, 'score': 1.2346, 'id': 'ab12'}
    """
    return {
        "url": link(hit) if link else hit.url,
        "title": hit.title,
        "site": hit.site,
        "date": aware(hit.date).astimezone(VIETNAM).isoformat() if hit.date else None,
        "copies": len(hit.copies),
        "score": round(hit.score, 4),
        "id": hit.id,
    }


def csv_chunks(hits: Iterable[query.Hit], link=None) -> Iterator[str]:
    """CSV text, BATCH rows a chunk: a byte order mark and the header first (Excel reads the
    file as UTF-8 only with the mark). Dates are Vietnam time, as a spreadsheet reads them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    out.write("\ufeff")
    writer.writerow(FIELDS)
    for count, hit in enumerate(hits, 1):
        values = row(hit, link)
        if values["date"]:
            values["date"] = values["date"][:19].replace("T", " ")  # (the zone is always +07:00)
        writer.writerow(_cell(values[name]) for name in FIELDS)
        if count % BATCH == 0:
            yield _take(out)
    yield _take(out)


def jsonl_chunks(hits: Iterable[query.Hit], link=None) -> Iterator[str]:
    """JSON Lines (no byte order mark): one object of FIELDS per story, BATCH lines a chunk."""
    lines = []
    for hit in hits:
        lines.append(json.dumps(row(hit, link), ensure_ascii=False) + "\n")
        if len(lines) == BATCH:
            yield "".join(lines)
            lines = []
    yield "".join(lines)


def _cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _take(out: io.StringIO) -> str:
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text
