"""A parsed query -> the Plan engines run: what to match, what adds to the score, filters, sort, depth.

Input: built by query.py from the user's parsed text. Output: read by each engine
(search/engines/), which turns it into its own query objects. A plan names logical fields and
word forms, never an engine's field names:
- field "text" (title, body and captions, the title weighing most), "title", or "pairs";
- words as typed (canonical, lower case); `exact` asks for accents as typed: a word typed with
  accents matches only that spelling, a plain one matches every spelling.
"""

from dataclasses import dataclass, field
from datetime import datetime

# How much more a word counts in the title than in the body (BM25F in Whoosh's one field; a
# boosted title field in tantivy), and how much less in a photo caption.
TITLE_WEIGHT = 3.0
CAPTION_WEIGHT = 0.5
# What matches can be counted by: the article's site, and the month of its date (Vietnam time).
FACETS = ("site", "month")


@dataclass(frozen=True)
class Terms:
    """A leaf: one word, or several as a phrase (or, in field "pairs", two neighbours)."""

    field: str  # "text", "title" or "pairs"
    words: tuple[str, ...]
    exact: bool = False
    prefix: bool = False
    boost: float = 1.0

    @property
    def phrase(self) -> bool:
        return len(self.words) > 1 and self.field != "pairs"


@dataclass
class Plan:
    must: list[list[Terms]] = field(default_factory=list)  # each group: one of its Terms
    should: list[Terms] = field(default_factory=list)  # adds to the score of what matched
    must_not: list[Terms] = field(default_factory=list)
    all_but_one: bool = False  # the fallback: any one group may be missing
    site: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    sort: str = "relevance"  # or "date", newest first
    limit: int = 10  # hits wanted, from the top
    count_up_to: int = 10_000  # count matches exactly up to this many, then say "at least"
    deadline: float | None = None  # time.monotonic() after which to return what was found
    facets: bool = False  # also count the matches by site and by month (FACETS)

    @property
    def filtered(self) -> bool:
        return bool(self.site or self.date_from or self.date_to)

    def single_word(self) -> str | None:
        """The one plain folded-matched word of a one-word query, else None."""
        if len(self.must) == 1 and len(self.must[0]) == 1 and not self.must_not:
            terms = self.must[0][0]
            if terms.field == "text" and len(terms.words) == 1 and not (terms.prefix or terms.exact):
                return terms.words[0]
        return None
