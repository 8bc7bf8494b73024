"""Ranked hits of articles -> ranked hits of stories (issue #22, collapsed when searching): the
best-ranked hit of each story, the article it is shown as, its other articles, and how many
stories matched.

A story matches when any of its articles matches the query within the filters, so the engine
searches every article and the stories are told apart here, by the story id each hit's
article holds (search/stories.py). A story takes the place of its best-ranked hit (after the
re-ranking); its other hits are passed over.

Shown as: by relevance, the story's earliest article within the filters, where it was first
told (a search of site X shows X's article, an earlier one on another site beneath it),
though the words may be in a copy only (listed beneath); newest first, its newest matching
article (the hit itself), so that the list reads in order.

Counted: exactly when no copy matched, or when every match is read (up to
COUNT_EXACTLY_UP_TO matches); past that, at least the matches that are their story's first
article (each a story of its own), said as a lower bound. The facets are the engine's: they
count matching articles, what a click on a site or a month finds.
"""

from search.engines import Results, StoredArticle, aware, earliest_first
from search.limits import MAX_RESULT_WINDOW
from search.query.plan import Plan
from search.query.rerank import RERANK_DEPTH

# Matches up to which the stories are counted exactly: the story of each is read, as the
# re-ranking reads these first hits anyway (100 would cost tantivy 0.5 ms more at its p99).
COUNT_EXACTLY_UP_TO = RERANK_DEPTH
# Hits read, at most, to fill a page of stories: a story's copies rank beside it, and twice
# the window fills its last page unless half the hits are copies.
MAX_HITS_READ = 2 * MAX_RESULT_WINDOW
MAX_COPIES = 50  # copies listed beneath a story's hit


def hits_to_read(stories: int, depth: int) -> int:
    """Hits to ask the engine for, for the first `stories` stories and `depth` hits more (the
    re-ranking's): a quarter more, copies being some 10% of an archive, and enough to count
    the stories exactly when there are few.

    >>> hits_to_read(10, 30)
    42
    """
    return max(stories + stories // 4 + depth, COUNT_EXACTLY_UP_TO)


class Stories:
    """The stories of one search's `ranked` hits ((score, handle, stored article or None), best
    first), each hit's story read when first needed."""

    def __init__(self, searcher, ranked: list):
        self._searcher = searcher
        self.ranked = ranked
        self._stories: list[str] = []  # of the first hits, as far as read

    def first_hits(self, wanted: int, shown_from: int = 0) -> list:
        """The best-ranked hit of each story, in order, up to `wanted` stories; those from the
        `shown_from`th on with their stored articles (read here: the page shows them)."""
        kept, seen = [], set()
        for at in range(len(self.ranked)):
            if len(kept) == wanted:
                break
            if at == len(self._stories):
                shown = len(kept) >= shown_from
                self._read(at + (wanted if shown else shown_from) - len(kept), whole=shown)
            if self._stories[at] not in seen:
                seen.add(self._stories[at])
                kept.append(self.ranked[at])
        return kept

    def count(self, found: Results, kept: int) -> tuple[int, bool]:
        """How many stories matched, and whether exactly (else at least); `found` the
        engine's results (plan.count_originals), `kept` stories seen. The same on every page
        of a search: exact or not by the number of matches alone."""
        if found.originals is None:
            return found.total, found.exact
        if found.exact and found.originals == found.total:  # no copy matched
            return found.total, True
        if found.exact and len(self.ranked) >= found.total <= COUNT_EXACTLY_UP_TO:  # all read
            self._read(len(self.ranked))
            return len(set(self._stories)), True
        return min(max(found.originals, kept), found.total), False

    def _read(self, end: int, whole: bool = False) -> None:
        """Read the stories of the hits up to `end`; `whole`: their whole stored articles."""
        start = len(self._stories)
        if whole:
            self.ranked[start:end] = [
                (score, handle, stored or self._searcher.stored(handle))
                for score, handle, stored in self.ranked[start:end]
            ]
        chunk = self.ranked[start:end]
        read = iter(self._searcher.stories_of([handle for _, handle, stored in chunk if stored is None]))
        self._stories += [story_of(stored) if stored else next(read) for _, _, stored in chunk]


def story_of(article: StoredArticle) -> str:
    return article.story or article.doc_id


def shown_story(searcher, stored: StoredArticle, plan: Plan) -> tuple[StoredArticle, list[StoredArticle]]:
    """(the article a story is shown as, its other articles, the earliest first), for the
    article of its best hit (`stored`), found by `plan`."""
    others = searcher.story_articles(story_of(stored), MAX_COPIES, besides=stored.doc_id)
    if not others:
        return stored, []
    articles = sorted([stored, *others], key=earliest_first)
    shown = stored
    if plan.sort != "date":
        shown = next((article for article in articles if within(article, plan)), stored)
    return shown, [article for article in articles if article is not shown][:MAX_COPIES]


def within(article: StoredArticle, plan: Plan) -> bool:
    """Whether the article passes the plan's filters (site, dates), as the engines filter."""
    if plan.site and article.site != plan.site:
        return False
    if plan.date_from or plan.date_to:
        if article.date is None:
            return False
        date = aware(article.date)
        if (plan.date_from and date < plan.date_from) or (plan.date_to and date > plan.date_to):
            return False
    return True
