"""What a search answers -> the records the CLI, the web page and the API show: a Page of
Hits, with notices (by code, for translation) and the totals' meaning.
"""

from dataclasses import dataclass, field
from datetime import datetime

from search.dates import VIETNAM


@dataclass(frozen=True)
class Notice:
    """Something the user should know about their results. `code` is what the web page
    translates (web/messages); `text` is the English the CLI prints."""

    code: str  # "query_cut", "nothing_to_search", "all_but_one", "words_left_out", "words_dropped", "dates_swapped"
    text: str
    words: tuple[str, ...] = ()  # the words it is about (those left out or dropped)

    def to_json(self) -> dict:
        return {"code": self.code, "message": self.text, "words": list(self.words)}


class TooDeep(ValueError):
    """A page reaching past the MAX_RESULT_WINDOW-th hit; the message says how deep one may go."""


@dataclass(frozen=True)
class Copy:
    """Another article of a hit's story (a syndicated copy, a rewrite, the same page twice)."""

    id: str
    title: str
    site: str | None
    date: datetime | None
    url: str | None

    def to_json(self) -> dict:
        date = _vietnam_time(self.date)
        return {"id": self.id, "title": self.title, "site": self.site, "date": date, "url": self.url}


@dataclass
class Hit:
    id: str
    path: str
    title: str
    title_html: str
    snippet: str
    score: float
    date: datetime | None = None
    site: str | None = None
    url: str | None = None
    missing: list[str] = field(default_factory=list)  # typed words it lacks (the fallback)
    copies: list[Copy] = field(default_factory=list)  # the story's other articles, collapsed into this one

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "path": self.path,
            "title": self.title,
            "title_html": self.title_html,
            "score": round(self.score, 4),
            "snippet": self.snippet,
            "date": _vietnam_time(self.date),
            "site": self.site,
            "url": self.url,
            "missing": self.missing,
            "copies": [copy.to_json() for copy in self.copies],
        }


@dataclass
class Page:
    query: str
    total: int
    page: int
    pages: int
    took_ms: float
    results: list[Hit]
    notices: list[Notice] = field(default_factory=list)  # e.g. the OR fallback
    suggestion: str | None = None
    total_exact: bool = True  # False: `total` is a lower bound (EXACT_TOTAL_UP_TO was reached)
    partial: bool = False  # the time budget ran out: the best hits found so far
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # site, month

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "total_relation": "eq" if self.total_exact else "gte",  # Elasticsearch's words
            "partial": self.partial,
            "page": self.page,
            "pages": self.pages,
            "took_ms": round(self.took_ms, 1),
            "notices": [notice.to_json() for notice in self.notices],
            "suggestion": self.suggestion,
            "facets": {
                name: [{"value": value, "count": count} for value, count in values]
                for name, values in self.facets.items()
            },
            "results": [hit.to_json() for hit in self.results],
        }


def _vietnam_time(date: datetime | None) -> str | None:
    """A date as the pages mean it, whatever time zone the engine stored it in."""
    return date.astimezone(VIETNAM).isoformat() if date else None
