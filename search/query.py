"""User text -> a ranked Page of Hits with highlighted snippets.

The path: parse (parse.py: the syntax), expand (expand.py: abbreviations and their full forms,
question words), plan (here: what must match), the engine, rerank, snippets (snippets.py).
Each syllable must match its folded term in the article's text (title, body and captions,
weighted), so `hop tac` finds `hợp tác`; an abbreviation matches any of its forms. Everything
else only adds to the score of what matched, and costs nothing for documents that did not:
exact accents typed (so "cá" ranks fish first), the form of an abbreviation typed, question
words, and the query's syllables side by side (the pairs field). When no article has all the
words, whole words are left out, the least informative first (fallback.py), and the page
says which.
"""

import logging
import math
import time
from datetime import datetime, timedelta
from datetime import time as dt_time

from search.analysis import find_words, fold_term
from search.engines import Results, aware
from search.expand import expand
from search.fallback import leave_out
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
from search.normalize import has_accents
from search.parse import Clause, ParsedQuery, parse
from search.plan import Plan, Terms
from search.results import Hit, Notice, Page, TooDeep
from search.segment import Word, marks, words
from search.snippets import Marks, has_run, highlight, snippet
from search.spelling import PairCounts
from search.suggest import suggest

LOGGER = logging.getLogger(__name__)

# Title, body and captions are matched as one weighted field (see analysis.TITLE_WEIGHT).
# A syllable typed with accents that matches exactly outweighs several folded-only matches: the
# user who types "cá" means fish, not "cà phê" or "ca sĩ".
EXACT_BOOST = 4.0
# An abbreviation matches each of its forms; the form the reader typed ranks first ("UBND" finds
# "Ủy ban nhân dân" too, below the articles that write "UBND"). A rare abbreviation scores
# high on its own in BM25, a full form of common syllables low: the bonus has to outweigh that.
TYPED_FORM_BOOST = 8.0
# Question words ("vì sao", "ở đâu") are not required; an article that has them ranks a little
# higher, as any other word would.
QUESTION_BOOST = 1.0
# Bonus for each pair of query syllables found side by side, in the order typed: Vietnamese words
# are several syllables, and "ủy ban nhân dân" in a row is what the reader means, not "ủy ban"
# here and "nhân dân" ten times elsewhere.
PAIR_BOOST = 6.0
# With at least this many articles holding two typed syllables side by side, only those match.
ADJACENT_ENOUGH = 10
# ... and among the first RERANK_DEPTH hits, all of them in one run multiplies the score.
RERANK_DEPTH = 30
RUN_FACTOR = 1.5
SORTS = ("relevance", "date")
# The fallback runs one search per word it leaves out: past this many words it would cost more
# than it finds.
MAX_FALLBACK_WORDS = 6


def plan(parsed: ParsedQuery, adjacent: bool = False, required: list[Word] | None = None) -> Plan:
    """The query plan: what must match, plus what only adds to the score.

    `adjacent` also requires two of the typed syllables side by side, as typed: the pairs
    field's short posting lists then drive the search. `required` (the fallback: the words
    kept) asks for those words only; a word typed with accents must then match them exactly
    ("Bắc Bling" must not fall back to every "Bác sĩ").
    """
    if required:
        must = [[_match(c, strict=True) for c in word.clauses] for word in required]
    else:
        must = [[_match(c) for c in unit] for unit in parsed.units]
    pairs = _pair_terms(parsed)
    if adjacent and pairs:
        must.append(pairs)
    should = [t for c in parsed.positive() for t in _bonus(c)]
    should += [_typed_form(unit[0]) for unit in parsed.units if any(c.generated for c in unit)]
    should += [Terms("text", tuple(c.folded), boost=QUESTION_BOOST) for c in parsed.optional]
    return Plan(must=must, should=should + pairs, must_not=[_match(c, exact=True) for c in parsed.negated])


def _field(clause: Clause) -> str:
    return "title" if clause.title_only else "text"


def _match(clause: Clause, strict: bool = False, exact: bool = False) -> Terms:
    """What a document must contain for the clause. `exact` (exclusions, and accented words in
    the OR fallback with `strict`) matches accents as typed: "-cá" excludes fish, not "ca"."""
    words = tuple(clause.syllables)
    if clause.prefix:
        return Terms(_field(clause), words, prefix=True)
    accented = any(has_accents(s) for s in clause.syllables)
    return Terms(_field(clause), words, exact=exact or (strict and accented))


def _bonus(clause: Clause) -> list[Terms]:
    """What adds to the score of a document that matched: the accents typed."""
    if clause.prefix or clause.generated or not any(has_accents(s) for s in clause.syllables):
        return []
    return [Terms(_field(clause), tuple(clause.syllables), exact=True, boost=EXACT_BOOST)]


def _typed_form(clause: Clause) -> Terms:
    """The bonus of the form of an abbreviation (or full form) that the reader typed."""
    return Terms(_field(clause), tuple(clause.folded), boost=TYPED_FORM_BOOST)


def _pair_terms(parsed: ParsedQuery) -> list[Terms]:
    """Pairs of syllables typed one after the other (not across OR, prefix* or title:)."""
    pairs, run = [], []
    for unit in parsed.units + [[]]:
        clause = unit[0] if len(unit) == 1 else None
        if clause and not clause.prefix and not clause.title_only:
            run += clause.folded
            continue
        pairs += list(zip(run, run[1:]))
        run = []
    return [Terms("pairs", pair, boost=PAIR_BOOST) for pair in dict.fromkeys(pairs)]


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
) -> Page:
    """Run a user's query on an engine's searcher; return one page of ranked hits with snippets.

    `pairs`, the accented pair counts saved with the index, lets "did you mean" choose
    between spellings (index.pair_counts gives them). `facets` also counts the matches by
    site and by month.
    """
    started = time.perf_counter()
    deadline = time.monotonic() + QUERY_SECONDS
    text = (text or "")[:MAX_QUERY_CHARS]
    page = max(1, int(page))
    limit = min(max(1, int(limit)), MAX_PAGE_SIZE)
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {SORTS}, not {sort!r}")
    if page * limit > MAX_RESULT_WINDOW:
        raise TooDeep(
            f"results past the {MAX_RESULT_WINDOW:,}th are not shown (page {MAX_RESULT_WINDOW // limit} "
            f"is the last at {limit} per page): narrow the search with more words or a filter"
        )
    typed_query = parse(text)
    parsed = expand(typed_query)
    result = Page(query=text, total=0, page=page, pages=0, took_ms=0.0, results=[])
    if not parsed.units and text.strip():
        result.notices.append(Notice("nothing_to_search", "Nothing to search for: type a word."))
        result.took_ms = (time.perf_counter() - started) * 1000
        return result
    if not parsed.units:
        sort = "date"  # no words: the newest articles (of a site, a month), as a news front page

    def run(query_plan: Plan) -> Results:
        query_plan.site = site
        query_plan.date_from, query_plan.date_to = _day_range(date_from, date_to)
        query_plan.sort = sort
        # Enough hits for this page, and for the whole-run re-ranking of the first ones.
        query_plan.limit = page * limit + (RERANK_DEPTH if sort == "relevance" else 0)
        query_plan.count_up_to, query_plan.deadline = EXACT_TOTAL_UP_TO, deadline
        query_plan.facets = facets
        return searcher.search(query_plan)

    found = None
    if len(parsed.units) > 1 and _pair_terms(parsed):  # (a lone phrase is adjacent already)
        # Words are several syllables: when enough articles have some of the typed syllables
        # side by side, those are the results, found through the short pair posting lists
        # instead of intersecting the long lists of common syllables.
        found = run(plan(parsed, adjacent=True))
        if found.total < ADJACENT_ENOUGH and not found.partial:
            found = None
    if found is None:
        found = run(plan(parsed))
    typed = words(parsed, searcher)
    fell_back = False
    if not found.total and not found.partial and _may_fall_back(typed):
        found, left_out = _fall_back(run, parsed, typed, searcher)
        fell_back = bool(left_out)
        if fell_back:
            result.notices.append(_left_out_notice(left_out))
    if parsed.dropped:
        result.notices.insert(
            0,
            Notice(
                "words_dropped",
                f"Only the first {MAX_QUERY_TERMS} words (and {MAX_PREFIXES} prefixes*) are searched; "
                f"left out: {' '.join(parsed.dropped)[:80]}",
                tuple(parsed.dropped),
            ),
        )

    result.suggestion = None if found.partial else _suggestion(searcher, typed_query, pairs)
    to_mark = marks(parsed, typed)
    result.total, result.total_exact, result.partial = found.total, found.exact, found.partial
    result.facets = found.facets
    result.pages = min(math.ceil(result.total / limit), MAX_RESULT_WINDOW // limit)
    ranked = [(score, handle, None) for score, handle in found.hits]
    if sort == "relevance" and not found.partial:
        ranked = _rerank_runs(searcher, parsed, ranked)
    for score, handle, stored in ranked[(page - 1) * limit : page * limit]:
        stored = stored or searcher.stored(handle)
        article_text = f"{stored.title}\n{stored.body}"
        article_marks = to_mark.within(article_text)
        result.results.append(
            Hit(
                id=stored.doc_id,
                path=stored.path,
                title=stored.title,
                title_html=highlight(stored.title, article_marks),
                snippet=snippet(stored.body, article_marks),
                score=score,
                date=stored.date,
                site=stored.site,
                url=stored.url,
                missing=[w.text for w in typed if not _has(article_text, w)] if fell_back else [],
            )
        )
    result.took_ms = (time.perf_counter() - started) * 1000
    return result


def _may_fall_back(typed: list[Word]) -> bool:
    """Two syllables ("ha noi", "doc nhieu") never fall back to one ("nói"): they may well be
    one word the index does not hold; "did you mean", or nothing, is the honest answer."""
    syllable_count = sum(len(word.clauses[0].syllables) for word in typed)
    return 1 < len(typed) <= MAX_FALLBACK_WORDS and syllable_count > 2


def _fall_back(run, parsed: ParsedQuery, typed: list[Word], searcher) -> tuple[Results, list[Word]]:
    """The first search, leaving out ever more of the least informative words, that finds
    articles, and the words it left out (none: nothing found)."""
    found = Results(0, [])
    for kept, left_out in leave_out(typed, searcher):
        found = run(plan(parsed, required=kept))
        if found.total or found.partial:
            return found, left_out
    return found, []


def _left_out_notice(left_out: list[Word]) -> Notice:
    named = [word.text for word in left_out]
    code = "all_but_one" if len(left_out) == 1 else "words_left_out"
    return Notice(code, f"No article has all the words; left out: {', '.join(named)}", tuple(named))


def _rerank_runs(searcher, parsed: ParsedQuery, ranked: list):
    """Raise the first hits that hold all the typed syllables in one run ("ủy ban nhân dân"),
    checked on their stored text: a phrase query would pay for it on every matching document."""
    words = [s for c in parsed.positive() if c.plain for s in c.folded]
    if len(words) < 3 or len(ranked) < 2:
        return ranked
    top = []
    for score, handle, _ in ranked[:RERANK_DEPTH]:
        stored = searcher.stored(handle)
        found = has_run(stored.title, words) or has_run(stored.body, words)
        top.append((score * RUN_FACTOR if found else score, handle, stored))
    top.sort(key=lambda hit: -hit[0])
    return top + ranked[RERANK_DEPTH:]


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
    """What to highlight of a query in one article (the article page)."""
    parsed = expand(parse((text or "")[:MAX_QUERY_CHARS]))
    return marks(parsed, words(parsed, searcher)).within(article_text)


def _has(text: str, word: Word) -> bool:
    """Whether an article's text holds a typed word (one of its alternatives)."""
    for clause in word.clauses:
        if clause.prefix and find_words(text, frozenset(), tuple(clause.folded)):
            return True
        if not clause.prefix and has_run(text, clause.folded):
            return True
    return False


def _suggestion(searcher, parsed: ParsedQuery, pairs: PairCounts | None) -> str | None:
    """ "Did you mean" for queries of plain words and phrases (operators are left as typed),
    when it would find other articles: a spelling that only adds the accents to what was
    typed without any finds the same ones (folded matching), and is not offered."""
    clauses = parsed.positive()
    if parsed.negated or any(c.prefix or c.title_only for c in clauses):
        return None
    typed = [s for c in clauses for s in c.syllables]
    suggestion = suggest(searcher, typed, pairs)
    if (
        suggestion
        and not any(has_accents(s) for s in typed)
        and ([fold_term(s) for s in suggestion.split()] == [fold_term(s) for s in typed])
    ):
        return None
    return suggestion
