"""Articles and plans -> an index and hits: one protocol over the libraries (engines).

Input: prepared documents (from articles) and query plans (search/query/plan.py). Output: hits,
stored articles and term statistics. Nothing above this package imports whoosh or tantivy:
the index folder records which engine built it, and `load(name)` gives that engine's module.

- `whoosh`: pure Python, installs anywhere; the default, for archives up to some 10,000 pages.
- `tantivy`: a compiled (Rust) core, for large archives (see README for the measured figures).

Each engine module provides:
    NAME                                     "whoosh" or "tantivy"
    prepare(article, content_hash, doc_id, alias)   the document to add (made in a worker
                                             process); `alias`, an older id it answers to
    create(folder, documents) -> Writer      a new, empty index in folder
    open_index(folder) -> Index              an index to search or update

    Index:   searcher() -> Searcher; writer() -> Writer; doc_count(); close()
    Writer:  add(prepared, story, copy); delete(doc_id); commit(); cancel()   (BlockingIOError if busy);
             checkpoint(): commit what was added and go on (a build's checkpoints)
    Searcher (the protocol below)
"""

import importlib
import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

ENGINES = ("whoosh", "tantivy")
FACET_SITES = 20
FACET_MONTHS = 240  # twenty years: the page groups older months by year
DEFAULT_ENGINE = "whoosh"


def default_engine() -> str:
    """The engine new indexes use: SEARCH_ENGINE, or whoosh."""
    name = os.environ.get("SEARCH_ENGINE", "").strip().lower() or DEFAULT_ENGINE
    if name not in ENGINES:
        raise ValueError(f"SEARCH_ENGINE must be one of {', '.join(ENGINES)}, not {name!r}")
    return name


def load(name: str):
    """The module of the named engine (imported only when used)."""
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
    return importlib.import_module(f"search.engines.{name}")


@dataclass
class StoredArticle:
    """What an engine stores of an article: enough to show it, snippet it and re-index it."""

    doc_id: str
    path: str
    title: str
    body: str
    captions: list[str] = field(default_factory=list)
    date: datetime | None = None
    site: str | None = None
    url: str | None = None
    byline: str | None = None
    content_hash: str = ""
    story: str = ""  # the id of its story's first article (stories.py); its own id when it is that one

    @property
    def indexed_text(self) -> str:
        """Title, body and captions, joined as Article.indexed_text joins them for the index."""
        return "\n".join([self.title, self.body, *self.captions])


@dataclass
class Results:
    total: int  # documents matching the query (filters included), up to plan.count_up_to
    hits: list[tuple[float, Any]]  # (score, engine's handle for the document), best first
    exact: bool = True  # False: `total` is a lower bound (count_up_to reached, or time ran out)
    partial: bool = False  # the plan's deadline passed: the best hits found until then
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # plan.facets: value, count
    # plan.count_originals: the matches that are their story's first article (not capped):
    # each is a story of its own, so at least this many stories matched.
    originals: int | None = None


VIETNAM = timezone(timedelta(hours=7))


def aware(date: datetime) -> datetime:
    """A date with its time zone; one without is Vietnam time (what the pages mean)."""
    return date if date.tzinfo else date.replace(tzinfo=VIETNAM)


def earliest_first(article: StoredArticle) -> tuple:
    """Sort key of articles: the earliest first, the undated last."""
    return (article.date is None, article.date and aware(article.date).timestamp(), article.doc_id)


def month_of(date: datetime | None) -> str | None:
    """The "YYYY-MM" an article is counted under in the month facet: Vietnam time."""
    if date is None:
        return None
    return aware(date).astimezone(VIETNAM).strftime("%Y-%m")


def ranked_facets(counts: dict[str, Counter]) -> dict[str, list[tuple[str, int]]]:
    """Sites by count, months newest first (how a news reader looks for them)."""
    return {
        "site": counts["site"].most_common(FACET_SITES),
        "month": sorted(counts["month"].items(), reverse=True)[:FACET_MONTHS],
    }


class Searcher(Protocol):
    """One committed state of an index; a context manager. `plain_spellings`: whether
    doc_frequency("exact", term) counts a plain spelling apart from the accented ones."""

    plain_spellings: bool

    def refresh(self) -> "Searcher":
        """This searcher, moved on to the last commit if there was one since."""

    def search(self, plan) -> Results: ...
    def stored(self, handle) -> StoredArticle: ...
    def article(self, doc_id: str) -> StoredArticle | None: ...
    def doc_count(self) -> int: ...
    def doc_frequency(self, form: str, term: str) -> int:
        """Documents holding a term: form "folded", "exact" or "pairs"."""

    def indexed_hashes(self) -> dict[str, str]:
        """doc_id -> content hash of every document."""

    def copy_count(self) -> int:
        """Articles that are copies in a story (none: no story needs collapsing)."""

    def copies(self, story: str, limit: int) -> list[StoredArticle]:
        """The copies in a story (its articles but the first), at most `limit`."""

    def story_articles(self, story: str, limit: int, besides: str = "") -> list[StoredArticle]:
        """A story's articles (its first and its copies) but the one with id `besides` (an
        article of the story), at most `limit`, the earliest first."""

    def stories_of(self, handles: list) -> list[str]:
        """The story of each hit (its article's `story`), without reading the whole article."""

    def close(self) -> None: ...
