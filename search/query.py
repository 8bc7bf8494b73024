"""User text -> a ranked Page of Hits with highlighted snippets.

The query language: words (all required), "quoted phrases", -excluded, a OR b, title:word,
prefix*. Each syllable must match its folded term in the article's text (title, body and
captions, weighted), so `hop tac` finds `hợp tác`. Everything else only adds to the score of
what matched, and costs nothing for documents that did not: exact accents typed (so "cá" ranks
fish first) and the query's syllables side by side (the pairs field). User text never raises: syntax that
makes no sense degrades to a plain query over its words.
"""

import logging
import math
import re
import time
from dataclasses import dataclass, field
from datetime import datetime

from search.analysis import fold_term, syllables
from search.normalize import has_accents
from search.engines import Results
from search.limits import (
    DEFAULT_PAGE_SIZE, EXACT_TOTAL_UP_TO, MAX_PAGE_SIZE, MAX_PREFIXES, MAX_QUERY_CHARS,
    MAX_QUERY_TERMS, MAX_RESULT_WINDOW, QUERY_SECONDS,
)
from search.plan import Plan, Terms
from search.snippets import Marks, has_run, highlight, snippet
from search.spelling import PairCounts
from search.suggest import suggest

LOGGER = logging.getLogger(__name__)

# Title, body and captions are matched as one weighted field (see analysis.TITLE_WEIGHT).
# A syllable typed with accents that matches exactly outweighs several folded-only matches: the
# user who types "cá" means fish, not "cà phê" or "ca sĩ".
EXACT_BOOST = 4.0
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

_PIECE = re.compile(
    r'(?P<neg>[-−])?(?:(?P<field>title|tieu_de|tiêu_đề):)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))',
    re.I,
)


@dataclass(frozen=True)
class Notice:
    """Something the user should know about their results. `code` is what the web page
    translates (web/messages); `text` is the English the CLI prints."""

    code: str  # "nothing_to_search", "any_word", "words_dropped"
    text: str
    words: tuple[str, ...] = ()  # the words it is about (dropped ones, say)

    def to_json(self) -> dict:
        return {"code": self.code, "message": self.text, "words": list(self.words)}


class TooDeep(ValueError):
    """A page reaching past the MAX_RESULT_WINDOW-th hit; the message says how deep one may go."""


@dataclass
class Clause:
    """One part of the query: a word, a phrase or a prefix, maybe excluded or title-only."""

    syllables: list[str]  # canonical, lower case, accents as typed
    phrase: bool = False
    prefix: bool = False
    negated: bool = False
    title_only: bool = False

    @property
    def folded(self) -> list[str]:
        return [fold_term(syllable) for syllable in self.syllables]


@dataclass
class ParsedQuery:
    units: list[list[Clause]] = field(default_factory=list)  # AND of ORs
    negated: list[Clause] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # words past MAX_QUERY_TERMS or MAX_PREFIXES

    def positive(self) -> list[Clause]:
        return [clause for unit in self.units for clause in unit]

    def highlight_terms(self) -> Marks:
        clauses = self.positive()
        words = {term for c in clauses if not c.prefix for term in c.folded}
        prefixes = tuple(term for c in clauses if c.prefix for term in c.folded)
        syllables = [term for c in clauses if not c.prefix for term in c.folded]
        return Marks(frozenset(words), prefixes, frozenset(zip(syllables, syllables[1:])))


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

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "path": self.path,
            "title": self.title,
            "title_html": self.title_html,
            "score": round(self.score, 4),
            "snippet": self.snippet,
            "date": self.date.isoformat() if self.date else None,
            "site": self.site,
            "url": self.url,
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
            "facets": {name: [{"value": value, "count": count} for value, count in values]
                       for name, values in self.facets.items()},
            "results": [hit.to_json() for hit in self.results],
        }


def parse(text: str) -> ParsedQuery:
    """Read the user's query; unknown or broken syntax is read as plain words.

    >>> [[c.syllables for c in unit] for unit in parse('hợp tác "Việt Nam" OR Nga').units]
    [[['hợp']], [['tác']], [['việt', 'nam'], ['nga']]]
    """
    parsed = ParsedQuery()
    pending_or = negate_next = False
    seen, terms, prefixes = set(), set(), 0
    for piece in _PIECE.finditer(text[:MAX_QUERY_CHARS]):
        word, phrase = piece.group("word"), piece.group("phrase")
        if word in ("OR", "|", "||"):
            pending_or = bool(parsed.units)
            continue
        if word in ("AND", "&&", "&", "+"):
            continue
        if word == "NOT":
            negate_next = True
            continue
        source = phrase if phrase is not None else word
        prefix = phrase is None and word.endswith("*")
        words = syllables(source)
        if not words:
            continue
        if prefix and (len(words) > 1 or len(fold_term(words[0])) < 2):
            prefix = False  # "a*" would expand to half the vocabulary
        clause = Clause(
            syllables=words,
            phrase=len(words) > 1,
            prefix=prefix,
            negated=bool(piece.group("neg")) or negate_next,
            title_only=bool(piece.group("field")),
        )
        negate_next = False
        key = (tuple(words), clause.prefix, clause.negated, clause.title_only)
        if key in seen and not pending_or:  # "hop tac hop tac" asks nothing more than "hop tac"
            continue
        new_terms = terms | set(clause.folded)
        if len(new_terms) > MAX_QUERY_TERMS or (prefix and prefixes == MAX_PREFIXES):
            parsed.dropped.append(source)
            pending_or = False
            continue
        seen.add(key)
        terms, prefixes = new_terms, prefixes + prefix
        if clause.negated:
            parsed.negated.append(clause)
        elif pending_or:
            parsed.units[-1].append(clause)
        else:
            parsed.units.append([clause])
        pending_or = False
    return parsed


def plan(parsed: ParsedQuery, any_unit: bool = False, adjacent: bool = False) -> Plan:
    """The query plan: what must match, plus what only adds to the score.

    `adjacent` also requires two of the typed syllables side by side, as typed: the pairs
    field's short posting lists then drive the search. `any_unit` is the fallback: any of the
    words may match, but a word typed with accents must then match them exactly ("Bắc Bling"
    must not fall back to every "Bác sĩ").
    """
    must = [[_match(c, strict=any_unit) for c in unit] for unit in parsed.units]
    pairs = _pair_terms(parsed)
    if adjacent and pairs:
        must.append(pairs)
    return Plan(
        must=must,
        should=[t for c in parsed.positive() for t in _bonus(c)] + pairs,
        must_not=[_match(c, exact=True) for c in parsed.negated],
        any_group=any_unit,
    )


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
    if clause.prefix or not any(has_accents(s) for s in clause.syllables):
        return []
    return [Terms(_field(clause), tuple(clause.syllables), exact=True, boost=EXACT_BOOST)]


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
    parsed = parse(text)
    result = Page(query=text, total=0, page=page, pages=0, took_ms=0.0, results=[])
    if not parsed.units and text.strip():
        result.notices.append(Notice("nothing_to_search", "Nothing to search for: type a word."))
        result.took_ms = (time.perf_counter() - started) * 1000
        return result
    if not parsed.units:
        sort = "date"  # no words: the newest articles (of a site, a month), as a news front page

    def run(query_plan: Plan) -> Results:
        query_plan.site, query_plan.date_from, query_plan.date_to = site, date_from, date_to
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
    if not found.total and len(parsed.units) > 1 and not found.partial:
        found = run(plan(parsed, any_unit=True))
        if found.total:
            result.notices.append(Notice(
                "any_word", "No article has all the words; showing articles with any of them."))
    if parsed.dropped:
        result.notices.insert(0, Notice(
            "words_dropped",
            f"Only the first {MAX_QUERY_TERMS} words (and {MAX_PREFIXES} prefixes*) are searched; "
            f"left out: {' '.join(parsed.dropped)[:80]}",
            tuple(parsed.dropped),
        ))

    result.suggestion = None if found.partial else _suggestion(searcher, parsed, pairs)
    terms_to_mark = parsed.highlight_terms()
    result.total, result.total_exact, result.partial = found.total, found.exact, found.partial
    result.facets = found.facets
    result.pages = min(math.ceil(result.total / limit), MAX_RESULT_WINDOW // limit)
    ranked = [(score, handle, None) for score, handle in found.hits]
    if sort == "relevance" and not found.partial:
        ranked = _rerank_runs(searcher, parsed, ranked)
    for score, handle, stored in ranked[(page - 1) * limit : page * limit]:
        stored = stored or searcher.stored(handle)
        result.results.append(
            Hit(
                id=stored.doc_id,
                path=stored.path,
                title=stored.title,
                title_html=highlight(stored.title, terms_to_mark),
                snippet=snippet(stored.body, terms_to_mark),
                score=score,
                date=stored.date,
                site=stored.site,
                url=stored.url,
            )
        )
    result.took_ms = (time.perf_counter() - started) * 1000
    return result


def _rerank_runs(searcher, parsed: ParsedQuery, ranked: list):
    """Raise the first hits that hold all the typed syllables in one run ("ủy ban nhân dân"),
    checked on their stored text: a phrase query would pay for it on every matching document."""
    words = [s for c in parsed.positive() if not c.prefix and not c.title_only for s in c.folded]
    if len(words) < 3 or len(ranked) < 2:
        return ranked
    top = []
    for score, handle, _ in ranked[:RERANK_DEPTH]:
        stored = searcher.stored(handle)
        found = has_run(stored.title, words) or has_run(stored.body, words)
        top.append((score * RUN_FACTOR if found else score, handle, stored))
    top.sort(key=lambda hit: -hit[0])
    return top + ranked[RERANK_DEPTH:]


def _suggestion(searcher, parsed: ParsedQuery, pairs: PairCounts | None) -> str | None:
    """"Did you mean" for queries of plain words and phrases (operators are left as typed)."""
    clauses = parsed.positive()
    if parsed.negated or any(c.prefix or c.title_only for c in clauses):
        return None
    return suggest(searcher, [s for c in clauses for s in c.syllables], pairs)
