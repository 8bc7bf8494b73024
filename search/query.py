"""User text -> a ranked Page of Hits with highlighted snippets.

The query language: words (all required), "quoted phrases", -excluded, a OR b, title:word,
prefix*. Each syllable is looked up in the folded view, so `hop tac` finds `hợp tác`; a syllable
typed with accents is also looked up in the exact view with a strong boost, so exact forms rank
first. Adjacent syllables add a bonus through the folded bigram field. User text never raises:
syntax that makes no sense degrades to a plain query over its words.
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
from search.normalize import has_accents
from search.snippets import Terms, highlight, snippet
from search.suggest import suggest

LOGGER = logging.getLogger(__name__)

# Longer input is cut: no real query is this long, and each word costs a term lookup.
MAX_QUERY_CHARS = 500
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 10
# Field weights: a word in the title says more about the article than one in its body; a word in
# a photo caption says less.
FIELD_BOOSTS = {"title": 3.0, "body": 1.0, "captions": 0.5}
# A syllable typed with accents that matches exactly outweighs several folded-only matches: the
# user who types "cá" means fish, not "cà phê" or "ca sĩ".
EXACT_BOOST = 4.0
# Bonus for query syllables found next to each other, in the order typed, and a larger one for
# all of them in a row: Vietnamese words are several syllables, and "ủy ban nhân dân" as one
# run is what the reader means, not "ủy ban" here and "nhân dân" ten times elsewhere.
PAIR_BOOST = 2.0
RUN_BOOST = 8.0
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
    fields: tuple[str, ...] = tuple(FIELD_BOOSTS)

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
            fields=("title",) if piece.group("field") else tuple(FIELD_BOOSTS),
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


def to_whoosh(parsed: ParsedQuery, any_unit: bool = False) -> wq.Query:
    """The Whoosh query for a parsed query.

    `any_unit` is the fallback: any of the words may match, but a word typed with accents
    must then match them exactly ("Bắc Bling" must not fall back to every "Bác sĩ").
    """
    units = [_or([_clause_query(c, strict=any_unit) for c in unit]) for unit in parsed.units]
    main = wq.Or(units) if any_unit else wq.And(units)
    bonus = _pair_terms(parsed) + _run_phrases(parsed)
    if bonus:
        main = wq.AndMaybe(main, wq.Or(bonus))
    if parsed.negated:
        main = wq.AndNot(main, wq.Or([_clause_query(c, scoring=False) for c in parsed.negated]))
    return main


def _or(queries: list[wq.Query]) -> wq.Query:
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def _clause_query(clause: Clause, scoring: bool = True, strict: bool = False) -> wq.Query:
    """Folded terms match every spelling; exact terms (same fields, see analysis.py) add the
    boost for accents typed. `strict` (the OR fallback) keeps only the exact ones."""
    folded = clause.folded
    exact = [s if has_accents(s) else f for s, f in zip(clause.syllables, folded)]
    accented = exact != folded
    boosts = {name: FIELD_BOOSTS[name] for name in clause.fields}
    if clause.prefix:
        return wq.Or([wq.Prefix(name, folded[0], boost=boost) for name, boost in boosts.items()])
    if clause.negated:
        # "-cá" excludes fish, not every "ca".
        return wq.Or([_words_query(name, exact, clause.phrase) for name in boosts])
    alternatives = []
    if not (strict and accented):
        alternatives += [_words_query(name, folded, clause.phrase, boost) for name, boost in boosts.items()]
    if scoring and accented:
        alternatives += [
            _words_query(name, exact, clause.phrase, boost * EXACT_BOOST)
            for name, boost in boosts.items()
        ]
    return wq.Or(alternatives)


def _words_query(field: str, words: list[str], phrase: bool, boost: float = 1.0) -> wq.Query:
    if phrase:
        return wq.Phrase(field, words, boost=boost)
    return wq.Term(field, words[0], boost=boost)


def _pair_terms(parsed: ParsedQuery) -> list[wq.Query]:
    """Folded bigrams of consecutive typed syllables, for the adjacency bonus."""
    sequence = [c.folded for c in parsed.positive() if not c.prefix and "title" in c.fields]
    syllables = [s for folded in sequence for s in folded]
    return [
        wq.Term("pairs", first + PAIR_JOINER + second, boost=PAIR_BOOST)
        for first, second in zip(syllables, syllables[1:])
    ]


def _run_phrases(parsed: ParsedQuery) -> list[wq.Query]:
    """All typed syllables in a row, as a phrase in the title or body, for the run bonus."""
    syllables = [s for c in parsed.positive() if not c.prefix and "title" in c.fields
                 for s in c.folded]
    if len(syllables) < 3:
        return []  # two syllables in a row are already the pair bonus
    return [wq.Phrase(name, syllables, boost=RUN_BOOST * FIELD_BOOSTS[name])
            for name in ("title", "body")]


def search(
    searcher: Searcher,
    text: str,
    page: int = 1,
    limit: int = DEFAULT_PAGE_SIZE,
    sort: str = "relevance",
    site: str | None = None,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
) -> Page:
    """Run a user's query and return one page of ranked hits with snippets."""
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
    hits = searcher.search_page(to_whoosh(parsed), page, pagelen=limit, **options)
    if hits.total == 0 and len(parsed.units) > 1:
        hits = searcher.search_page(to_whoosh(parsed, any_unit=True), page, pagelen=limit, **options)
        if hits.total:
            result.notice = "No article has all the words; showing articles with any of them."

    result.suggestion = _suggestion(searcher, parsed)
    terms_to_mark = parsed.highlight_terms()
    result.total = hits.total
    result.pages = math.ceil(hits.total / limit)
    for hit in hits if page <= result.pages else []:
        stored = hit.fields()
        result.results.append(
            Hit(
                id=stored["doc_id"],
                path=stored["path"],
                title=stored["title"],
                title_html=highlight(stored["title"], terms_to_mark),
                snippet=snippet(stored.get("body", ""), terms_to_mark),
                score=hit.score or 0.0,
                date=stored.get("date"),
                site=stored.get("site"),
                url=stored.get("url"),
            )
        )
    result.took_ms = (time.perf_counter() - started) * 1000
    return result


def _suggestion(searcher: Searcher, parsed: ParsedQuery) -> str | None:
    """"Did you mean" for queries of plain words and phrases (operators are left as typed)."""
    clauses = parsed.positive()
    if parsed.negated or any(c.prefix or c.fields != tuple(FIELD_BOOSTS) for c in clauses):
        return None
    return suggest(searcher.reader(), [s for c in clauses for s in c.syllables])


def _filter(site: str | None, date_from: datetime | None, date_to: datetime | None):
    parts = []
    if site:
        parts.append(wq.Term("site", site))
    if date_from or date_to:
        parts.append(wq.DateRange("date", date_from, date_to))
    return wq.And(parts) if parts else None
