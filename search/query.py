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

from whoosh import query as wq
from whoosh.searching import Searcher

from search.analysis import PAIR_JOINER, fold_term, syllables
from search.normalize import has_accents, spelling_pattern
from search.snippets import Terms, highlight, snippet
from search.stats import PairCounts
from search.suggest import suggest

LOGGER = logging.getLogger(__name__)

# Longer input is cut: no real query is this long, and each word costs a term lookup.
MAX_QUERY_CHARS = 500
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 10
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

    def positive(self) -> list[Clause]:
        return [clause for unit in self.units for clause in unit]

    def highlight_terms(self) -> Terms:
        clauses = self.positive()
        words = {term for c in clauses if not c.prefix for term in c.folded}
        prefixes = tuple(term for c in clauses if c.prefix for term in c.folded)
        syllables = [term for c in clauses if not c.prefix for term in c.folded]
        return Terms(frozenset(words), prefixes, frozenset(zip(syllables, syllables[1:])))


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
    notice: str | None = None  # e.g. the OR fallback, said to the user
    suggestion: str | None = None

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "pages": self.pages,
            "took_ms": round(self.took_ms, 1),
            "notice": self.notice,
            "suggestion": self.suggestion,
            "results": [hit.to_json() for hit in self.results],
        }


def parse(text: str) -> ParsedQuery:
    """Read the user's query; unknown or broken syntax is read as plain words.

    >>> [[c.syllables for c in unit] for unit in parse('hợp tác "Việt Nam" OR Nga').units]
    [[['hợp']], [['tác']], [['việt', 'nam'], ['nga']]]
    """
    parsed = ParsedQuery()
    pending_or = negate_next = False
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
        if clause.negated:
            parsed.negated.append(clause)
        elif pending_or:
            parsed.units[-1].append(clause)
        else:
            parsed.units.append([clause])
        pending_or = False
    return parsed


def to_whoosh(parsed: ParsedQuery, any_unit: bool = False, adjacent: bool = False) -> wq.Query:
    """The Whoosh query: what must match, plus what only adds to the score.

    `adjacent` also requires two of the typed syllables side by side, as typed: the pairs
    field's short posting lists then drive the search. `any_unit` is the fallback: any of the
    words may match, but a word typed with accents must then match them exactly ("Bắc Bling"
    must not fall back to every "Bác sĩ").
    """
    units = [_or([_match(c, strict=any_unit) for c in unit]) for unit in parsed.units]
    pairs = _pair_terms(parsed)
    if adjacent and pairs:
        units.append(_or(pairs))
    main = wq.Or(units) if any_unit else wq.And(units)
    bonus = [q for c in parsed.positive() for q in _bonus(c)] + pairs
    if bonus:
        # A union the matched documents skip into, not Whoosh's preloading Or, which would
        # read and score every posting of every bonus term.
        main = wq.AndMaybe(main, wq.DefaultOr(bonus))
    if parsed.negated:
        main = wq.AndNot(main, wq.Or([_match(c, exact=True) for c in parsed.negated]))
    return main


def _or(queries: list[wq.Query]) -> wq.Query:
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def _exact(clause: Clause) -> list[str]:
    """The clause's terms with accents as typed (plain syllables stay folded: see analysis.py)."""
    return [s if has_accents(s) else f for s, f in zip(clause.syllables, clause.folded)]


def _match(clause: Clause, strict: bool = False, exact: bool = False) -> wq.Query:
    """What a document must contain for the clause. `exact` (exclusions, and accented words in
    the OR fallback with `strict`) matches accents as typed: "-cá" excludes fish, not "ca"."""
    field = "title" if clause.title_only else "text"
    if clause.prefix:
        return wq.Prefix(field, clause.folded[0])
    words = _exact(clause) if exact or (strict and _exact(clause) != clause.folded) else clause.folded
    return _words(field, words, clause.phrase)


def _bonus(clause: Clause) -> list[wq.Query]:
    """What adds to the score of a document that matched: the accents typed."""
    exact = _exact(clause)
    if clause.prefix or exact == clause.folded:
        return []
    return [_words("title" if clause.title_only else "text", exact, clause.phrase, EXACT_BOOST)]


def _words(field: str, words: list[str], phrase: bool, boost: float = 1.0) -> wq.Query:
    if phrase:
        return wq.Phrase(field, words, boost=boost)
    return wq.Term(field, words[0], boost=boost)


def _pair_terms(parsed: ParsedQuery) -> list[wq.Query]:
    """Folded pairs of syllables typed one after the other (not across OR, prefix* or title:)."""
    pairs, run = [], []
    for unit in parsed.units + [[]]:
        clause = unit[0] if len(unit) == 1 else None
        if clause and not clause.prefix and not clause.title_only:
            run += clause.folded
            continue
        pairs += [first + PAIR_JOINER + second for first, second in zip(run, run[1:])]
        run = []
    return [wq.Term("pairs", pair, boost=PAIR_BOOST) for pair in dict.fromkeys(pairs)]


def search(
    searcher: Searcher,
    text: str,
    page: int = 1,
    limit: int = DEFAULT_PAGE_SIZE,
    sort: str = "relevance",
    site: str | None = None,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    pairs: PairCounts | None = None,
) -> Page:
    """Run a user's query and return one page of ranked hits with snippets.

    `pairs`, the accented pair counts saved with the index, lets "did you mean" choose
    between spellings (index.pair_counts gives them).
    """
    started = time.perf_counter()
    text = (text or "")[:MAX_QUERY_CHARS]
    page = max(1, int(page))
    limit = min(max(1, int(limit)), MAX_PAGE_SIZE)
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {SORTS}, not {sort!r}")
    parsed = parse(text)
    result = Page(query=text, total=0, page=page, pages=0, took_ms=0.0, results=[])
    if not parsed.units:
        result.notice = "Nothing to search for: type a word." if text.strip() else None
        result.took_ms = (time.perf_counter() - started) * 1000
        return result

    options = {"filter": _filter(site, date_from, date_to)}
    if sort == "date":
        options.update(sortedby="date", reverse=True)
    # Enough hits for this page, and for the whole-run re-ranking of the first ones.
    wanted = page * limit + (RERANK_DEPTH if sort == "relevance" else 0)
    hits = None
    if _pair_terms(parsed):
        # Words are several syllables: when enough articles have some of the typed syllables
        # side by side, those are the results, found through the short pair posting lists
        # instead of intersecting the long lists of common syllables.
        hits = searcher.search(to_whoosh(parsed, adjacent=True), limit=wanted, optimize=False, **options)
        if hits.scored_length() < ADJACENT_ENOUGH:
            hits = None
    single = _single_term(parsed)
    if hits is None:
        # One syllable: let Whoosh skip blocks that cannot reach the top; its posting list
        # length is the count. Otherwise counting while scoring beats a second counting pass.
        hits = searcher.search(to_whoosh(parsed), limit=wanted, optimize=bool(single), **options)
    if hits.is_empty() and len(parsed.units) > 1:
        hits = searcher.search(to_whoosh(parsed, any_unit=True), limit=wanted, **options)
        if not hits.is_empty():
            result.notice = "No article has all the words; showing articles with any of them."

    result.suggestion = _suggestion(searcher, parsed, pairs)
    terms_to_mark = parsed.highlight_terms()
    exact_count = single and not options["filter"] and not searcher.reader().has_deletions()
    result.total = searcher.doc_frequency("text", single) if exact_count else len(hits)
    result.pages = math.ceil(result.total / limit)
    ranked = [(hit.score or 0.0, hit.docnum) for hit in hits]
    if sort == "relevance":
        ranked = _rerank_runs(searcher, parsed, ranked)
    for score, docnum in ranked[(page - 1) * limit : page * limit]:
        stored = searcher.stored_fields(docnum)
        result.results.append(
            Hit(
                id=stored["doc_id"],
                path=stored["path"],
                title=stored["title"],
                title_html=highlight(stored["title"], terms_to_mark),
                snippet=snippet(stored.get("body", ""), terms_to_mark),
                score=score,
                date=stored.get("date"),
                site=stored.get("site"),
                url=stored.get("url"),
            )
        )
    result.took_ms = (time.perf_counter() - started) * 1000
    return result


def _rerank_runs(searcher: Searcher, parsed: ParsedQuery, ranked: list[tuple[float, int]]):
    """Raise the first hits that hold all the typed syllables in one run ("ủy ban nhân dân"),
    checked on their stored text: a phrase query would pay for it on every matching document."""
    words = [s for c in parsed.positive() if not c.prefix and not c.title_only for s in c.folded]
    if len(words) < 3 or len(ranked) < 2:
        return ranked
    run = re.compile(r"(?<!\w)" + r"\W+".join(map(spelling_pattern, words)) + r"(?!\w)", re.I)
    top = []
    for score, docnum in ranked[:RERANK_DEPTH]:
        stored = searcher.stored_fields(docnum)
        found = run.search(stored["title"]) or run.search(stored.get("body", ""))
        top.append((score * RUN_FACTOR if found else score, docnum))
    top.sort(key=lambda pair: (-pair[0], pair[1]))
    return top + ranked[RERANK_DEPTH:]


def _single_term(parsed: ParsedQuery) -> str | None:
    """The folded term of a query that is one plain syllable, else None."""
    if len(parsed.units) == 1 and len(parsed.units[0]) == 1 and not parsed.negated:
        clause = parsed.units[0][0]
        if len(clause.syllables) == 1 and not (clause.prefix or clause.title_only):
            return clause.folded[0]
    return None


def _suggestion(searcher: Searcher, parsed: ParsedQuery, pairs: PairCounts | None) -> str | None:
    """"Did you mean" for queries of plain words and phrases (operators are left as typed)."""
    clauses = parsed.positive()
    if parsed.negated or any(c.prefix or c.title_only for c in clauses):
        return None
    return suggest(searcher.reader(), [s for c in clauses for s in c.syllables], pairs)


def _filter(site: str | None, date_from: datetime | None, date_to: datetime | None):
    parts = []
    if site:
        parts.append(wq.Term("site", site))
    if date_from or date_to:
        parts.append(wq.DateRange("date", date_from, date_to))
    return wq.And(parts) if parts else None
