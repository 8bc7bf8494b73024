"""A corpus -> what the benchmarks ask of it: the query mix, and the HTTP requests built on it.

Queries are 1-4 syllables cut from the articles' text (half typed without accents, a fifth of
the longer ones quoted), as before. On the archive corpus each query remembers the site and
the date of the article it was cut from, so that the HTTP requests can filter by a site and a
month that hold it: issue #23 asks for queries with snippets, facets and "did you mean",
sorted by relevance and by date, with site and date filters. Every request is one of KINDS.
"""

import calendar
import random
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlencode

from bench.archive import Archive

QUERIES = 200
# Request kinds of the HTTP mix and their shares: how a news reader's searches are spread
# (most by relevance; a filter panel by site and by month; the newest first).
KINDS = {
    "relevance": 40,
    "by date": 15,
    "site": 15,
    "month": 15,
    "site and month, by date": 15,
}


@dataclass(frozen=True)
class Query:
    text: str
    site: str | None = None  # the domain of the article's site (a filter takes it, or the name shown)
    date: datetime | None = None  # the article's date


def fold(text: str) -> str:
    """Accent-free: what a user typing without accents types."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def cut(rng: random.Random, paragraph: str) -> str | None:
    """1-4 syllables of a paragraph; half unaccented, a fifth of the longer ones quoted."""
    words = paragraph.replace(".", " ").replace(",", " ").split()
    if len(words) < 6:
        return None
    size = rng.choice([1, 2, 2, 3, 3, 4])
    start = rng.randrange(len(words) - size)
    text = " ".join(words[start : start + size]).lower()
    if rng.random() < 0.5:
        text = fold(text)
    if size > 1 and rng.random() < 0.2:
        text = f'"{text}"'
    return text


def file_queries(corpus: Path, count: int = QUERIES, seed: int = 7) -> list[Query]:
    """Queries of a corpus of text dumps in the seeds' shape (the archive and dense corpora):
    cut from lines 4-8 of random files, the article's first paragraphs."""
    rng = random.Random(seed)
    files = sorted(corpus.rglob("*.txt"))
    queries = []
    while len(queries) < count:
        lines = rng.choice(files).read_text(encoding="utf-8").split("\n")
        text = cut(rng, rng.choice(lines[3:8]))
        if text:
            queries.append(Query(text))
    return queries


def archive_queries(archive: Archive, pages: int, count: int = QUERIES, seed: int = 7) -> list[Query]:
    """Queries of the archive corpus, cut from its articles' first paragraphs, each with its
    article's site and date."""
    rng = random.Random(seed)
    queries = []
    while len(queries) < count:
        story = archive.story(rng.randrange(pages))
        text = cut(rng, rng.choice([story.lead, *story.paragraphs[:4]]))
        if text:
            queries.append(Query(text, story.site.domain, story.date))
    return queries


def requests(queries: list[Query], count: int, seed: int = 9) -> list[tuple[str, str]]:
    """(kind, URL) of `count` API requests, the queries in turn, each of a kind drawn by
    KINDS (relevance only for queries that know no site and date)."""
    rng = random.Random(seed)
    kinds, weights = list(KINDS), list(KINDS.values())
    out = []
    for number in range(count):
        query = queries[number % len(queries)]
        kind = rng.choices(kinds, weights)[0] if query.site and query.date else "relevance"
        out.append((kind, url(query, kind)))
    return out


def url(query: Query, kind: str) -> str:
    """/api/search?q=... with the kind's sort and filters."""
    params = {"q": query.text}
    if "by date" in kind:
        params["sort"] = "date"
    if "site" in kind:
        params["site"] = query.site
    if "month" in kind:
        year, month = query.date.year, query.date.month
        params["from"] = f"{year}-{month:02d}-01"
        params["to"] = f"{year}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
    return "/api/search?" + urlencode(params, quote_via=quote)
