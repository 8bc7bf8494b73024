"""User text + a searcher -> one Page of ranked Hits with snippets: the query's path, walked.

parse, expand, plan, the engine, the fallback when nothing has every word, rerank, one hit a
story (collapse.py), snippets (each step a module of this package: see its __init__); a query
longer than MAX_QUERY_CHARS is cut first, with a notice. Also what to mark of a query in one
article, for the article page.
"""

import logging
import math
import time
from datetime import datetime, timedelta
from datetime import time as dt_time

from search.engines import Results, aware
from search.limits import (
    DEFAULT_PAGE_SIZE,
    EXACT_TOTAL_UP_TO,
    MAX_PAGE_SIZE,
    MAX_PREFIXES,
    MAX_QUERY_CHARS,
    MAX_QUERY_TERMS,
    MAX_RESULT_WINDOW,
    QUERY_SECONDS,
)
from search.query.collapse import MAX_HITS_READ, Stories, hits_to_read, shown_story
from search.query.expand import expand
from search.query.fallback import fall_back, left_out_notice, may_fall_back
from search.query.parse import parse
from search.query.plan import FACETS, Plan, make_plan
from search.query.rerank import RERANK_DEPTH, rerank
from search.query.results import Copy, Hit, Notice, Page, TooDeep
from search.query.segment import Word, join_exclusions, marks, words
from search.query.snippets import Marks, highlight, snippet
from search.query.suggest import did_you_mean
from search.spelling import PairCounts

LOGGER = logging.getLogger(__name__)

SORTS = ("relevance", "date")


def search(
    searcher,
    text: str,
    page: int = 1,
    limit: int = DEFAULT_PAGE_SIZE,
    sort: str = "relevance",
    site: str | None = None,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    pairs: PairCounts | None = None,
    facets: bool = False,
    collapse: bool = True,
) -> Page:
    """Run a user's query on an engine's searcher; return one page of ranked hits with snippets.

    `pairs`, the accented pair counts saved with the index, lets "did you mean" choose
    between spellings (index.pair_counts gives them). `facets` also counts the matching
    articles by site and by month. `collapse` shows a story once (found by any of its
    articles; collapse.py says which one it is shown as), its other articles listed beneath,
    and the total counts stories; without it every article is a hit.
    """
    started = time.perf_counter()
    deadline = time.monotonic() + QUERY_SECONDS
    text, cut = cut_query(text)
    page, limit = _window(page, limit, sort)
    typed_query = parse(text)
    parsed = join_exclusions(expand(typed_query), searcher)
    result = Page(query=text, total=0, page=page, pages=0, took_ms=0.0, results=[])
    if cut:
        result.notices.append(cut_notice())
    if date_from and date_to and date_from > date_to:  # "from 2025 to 2024": meant the other way
        date_from, date_to = date_to, date_from
        result.notices.append(
            Notice("dates_swapped", "The start date was after the end date: they were swapped.")
        )
    if not parsed.units and text.strip():
        result.notices.append(Notice("nothing_to_search", "Nothing to search for: type a word."))
        result.facets = _facet_counts({}, facets)
        result.took_ms = (time.perf_counter() - started) * 1000
        return result
    if not parsed.units:
        sort = "date"  # no words: the newest articles (of a site, a month), as a news front page

    def run(query_plan: Plan) -> Results:
        query_plan.site = site
        query_plan.date_from, query_plan.date_to = _day_range(date_from, date_to)
        query_plan.sort = sort
        # Enough hits for this page, and for the whole-run re-ranking of the first ones.
        depth = RERANK_DEPTH if sort == "relevance" else 0
        query_plan.limit = hits_to_read(page * limit, depth) if stories else page * limit + depth
        query_plan.count_up_to, query_plan.deadline = EXACT_TOTAL_UP_TO, deadline
        query_plan.facets = facets
        query_plan.count_originals = stories
        plans.append(query_plan)
        return searcher.search(query_plan)

    def ranked_hits(found: Results) -> list:
        ranked = [(score, handle, None) for score, handle in found.hits]
        if sort == "relevance" and not found.partial:
            ranked = rerank(searcher, parsed, ranked)
        return ranked

    stories = collapse and searcher.copy_count() > 0  # (no copies: nothing to collapse)
    plans: list[Plan] = []

    typed = words(parsed, searcher)
    found = run(make_plan(parsed, typed))
    left_out: list[Word] = []
    if not found.total and not found.partial and may_fall_back(typed):
        found, left_out = fall_back(run, parsed, typed, searcher)
        if left_out:
            result.notices.append(left_out_notice(left_out))
    if parsed.dropped:
        result.notices.insert(int(cut), _dropped_notice(parsed.dropped))
    result.suggestion = None if found.partial else did_you_mean(searcher, typed_query, pairs)
    result.facets = _facet_counts(found.facets, facets)
    ranked = ranked_hits(found)
    result.total, result.total_exact = found.total, found.exact
    if stories:
        found, ranked, result.total, result.total_exact = _one_a_story(
            searcher, plans[-1], found, ranked, ranked_hits, page, limit
        )
    result.partial = found.partial
    result.pages = min(math.ceil(result.total / limit), MAX_RESULT_WINDOW // limit)
    to_mark = marks(parsed, typed)
    for score, handle, stored in ranked[(page - 1) * limit : page * limit]:
        stored, copies = stored or searcher.stored(handle), []
        if stories:
            stored, copies = shown_story(searcher, stored, plans[-1])
        hit = _hit(score, stored, to_mark, typed if left_out else [])
        hit.copies = [copy_of(article) for article in copies]
        result.results.append(hit)
    result.took_ms = (time.perf_counter() - started) * 1000
    return result


def _one_a_story(
    searcher, plan: Plan, found: Results, ranked: list, ranked_hits, page: int, limit: int
) -> tuple:
    """(the engine's results, the best-ranked hit of each story to this page's end, the
    stories' total, whether exact), from `found` and its `ranked` hits; `ranked_hits` ranks
    another search's. More hits are asked for while those read hold too few stories (a
    story's copies rank beside it), up to MAX_HITS_READ."""
    wanted, shown_from = page * limit, (page - 1) * limit
    stories = Stories(searcher, ranked)
    kept = stories.first_hits(wanted, shown_from)
    while len(kept) < wanted and len(found.hits) == plan.limit < MAX_HITS_READ and not found.partial:
        plan.limit, plan.facets = min(2 * plan.limit, MAX_HITS_READ), False  # (facets: counted)
        found = searcher.search(plan)
        stories = Stories(searcher, ranked_hits(found))
        kept = stories.first_hits(wanted, shown_from)
    return (found, kept, *stories.count(found, len(kept)))


def cut_query(text: str | None) -> tuple[str, bool]:
    """The query as searched, at most MAX_QUERY_CHARS long, and whether it was cut: at the last
    space when there is one in its second half, so that no word is searched half typed.

    >>> cut_query("hợp tác")
    ('hợp tác', False)
    """
    text = text or ""
    if len(text) <= MAX_QUERY_CHARS:
        return text, False
    kept = text[:MAX_QUERY_CHARS]
    space = kept.rfind(" ")
    if not text[MAX_QUERY_CHARS].isspace() and space > MAX_QUERY_CHARS // 2:
        kept = kept[:space]
    return kept.rstrip(), True


def cut_notice() -> Notice:
    """The notice of a query longer than MAX_QUERY_CHARS (cut_query)."""
    return Notice(
        "query_cut",
        f"The query is longer than {MAX_QUERY_CHARS:,} characters: only its beginning is searched.",
    )


def _window(page: int, limit: int, sort: str) -> tuple[int, int]:
    """The page and page size asked for, within bounds; TooDeep past the result window."""
    page = max(1, int(page))
    limit = min(max(1, int(limit)), MAX_PAGE_SIZE)
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {SORTS}, not {sort!r}")
    if page * limit > MAX_RESULT_WINDOW:
        raise TooDeep(
            f"results past the {MAX_RESULT_WINDOW:,}th are not shown (page {MAX_RESULT_WINDOW // limit} "
            f"is the last at {limit} per page): narrow the search with more words or a filter"
        )
    return page, limit


def _dropped_notice(dropped: list[str]) -> Notice:
    return Notice(
        "words_dropped",
        f"Only the first {MAX_QUERY_TERMS} words (and {MAX_PREFIXES} prefixes*) are searched; "
        f"left out: {' '.join(dropped)[:80]}",
        tuple(dropped),
    )


def copy_of(stored) -> Copy:
    return Copy(id=stored.doc_id, title=stored.title, site=stored.site, date=stored.date, url=stored.url)


def _hit(score: float, stored, to_mark: Marks, typed: list[Word]) -> Hit:
    """One result; `typed` (after the fallback) are the words to say it lacks."""
    article_text = f"{stored.title}\n{stored.body}"
    return Hit(
        id=stored.doc_id,
        path=stored.path,
        title=stored.title,
        title_html=highlight(stored.title, to_mark),
        snippet=snippet(stored.body, to_mark),
        score=score,
        date=stored.date,
        site=stored.site,
        url=stored.url,
        missing=[word.text for word in typed if not word.found_in(article_text)],
    )


def _facet_counts(counted: dict, asked: bool) -> dict:
    """Matching articles by site and by month: both keys in every answer that asks for them."""
    return {name: counted.get(name, []) for name in FACETS} if asked else counted


def _day_range(date_from: datetime | None, date_to: datetime | None) -> tuple:
    """Dates as a reader means them: Vietnam time, and `to` a bare day includes that day."""
    if date_from is not None:
        date_from = aware(date_from)
    if date_to is not None:
        if date_to.time() == dt_time(0) and date_to.tzinfo is None:
            date_to = date_to + timedelta(days=1, microseconds=-1)
        date_to = aware(date_to)
    return date_from, date_to


def article_marks(searcher, text: str, article_text: str) -> Marks:
    """What to highlight of a query in one article (the article page). A word is marked only
    where it stands whole, so the marks do not depend on `article_text`."""
    parsed = join_exclusions(expand(parse(cut_query(text)[0])), searcher)
    return marks(parsed, words(parsed, searcher))
