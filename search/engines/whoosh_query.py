"""A query plan -> a Whoosh query (the Whoosh engine's half that reads plans).

Input: search/query/plan.py's Plan and the index reader (for term statistics). Output: whoosh.query
objects: groups intersected rarest first, unions a deadline can stop, prefixes expanded to
their most frequent words, filters as constant-score parts.
"""

from datetime import datetime, timezone
from itertools import islice

from whoosh import query as wq
from whoosh.matching import IntersectionMatcher, NullMatcher, WrappingMatcher
from whoosh.query.spans import SpanNear2, SpanWrappingMatcher

from search.analysis import fold_term, pair_term
from search.engines import aware
from search.limits import MAX_PREFIX_EXPANSION
from search.normalize import has_accents
from search.query.plan import Plan, Terms


def plan_query(plan: Plan, reader, counting: bool = False) -> wq.Query:
    """The plan as a Whoosh query; `counting`: only what decides a match, filters included."""

    def leaf(terms: Terms) -> wq.Query:
        return _term_query(reader, terms)

    # DefaultOr throughout: Whoosh's usual Or reads and scores every posting of every term
    # before the first hit, where the deadline cannot stop it.
    main = _all([_or([leaf(t) for t in group]) for group in plan.must], reader)
    found = _filter(plan)
    if found is not None:
        main = wq.And([main, wq.ConstantScoreQuery(found, 0.0)])
    if plan.should and not counting:
        # A union the matched documents skip into, not Whoosh's preloading Or, which would
        # read and score every posting of every bonus term.
        main = wq.AndMaybe(main, wq.DefaultOr([leaf(t) for t in plan.should]))
    if plan.must_not:
        main = wq.AndNot(main, wq.Or([leaf(t) for t in plan.must_not]))
    return main


def _all(queries: list[wq.Query], reader) -> wq.Query:
    """All of the queries, intersected rarest first (see _RarestFirst); none: every document."""
    if not queries:
        return wq.Every()
    sizes = [query.estimate_size(reader) for query in queries]
    return _RarestFirst([query for _, query in sorted(zip(sizes, queries), key=lambda p: p[0])])


class _RarestFirst(wq.And):
    """An And whose subqueries come rarest first and are intersected in that order, each
    result with the next. Whoosh's own And pairs the longest posting lists first: 4 s for 32
    common words at 10,000 pages, spent building the matcher, where no deadline can stop it."""

    def _matcher(self, subs, searcher, context):
        matchers = [query.matcher(searcher, context) for query in subs]
        combined = matchers[0]
        for matcher in matchers[1:]:
            combined = IntersectionMatcher(combined, matcher)
        return combined


class _GuidedPhrase(wq.Phrase):
    """A phrase whose candidates are the documents that hold all its words and all its folded
    pairs, intersected rarest first, before any position is read. Whoosh's own phrase pairs
    the words' long posting lists and reads the positions of every document that has them
    all: a third of the engine's time on the bench's query mix. The pairs add no score."""

    def __init__(self, fieldname: str, words: list[str], pairs: list[str], boost: float = 1.0):
        super().__init__(fieldname, words, boost=boost)
        self.pairs = pairs

    def normalize(self) -> "_GuidedPhrase":
        return self  # made whole by _term_query (Phrase's would rebuild it without its pairs)

    def _parts(self) -> tuple[list[wq.Term], list[wq.Term]]:
        words = [wq.Term(self.fieldname, word) for word in self.words]
        return words, [wq.Term("pairs", pair, boost=0.0) for pair in self.pairs]

    def estimate_size(self, reader) -> int:
        return min(term.estimate_size(reader) for term in self._parts()[1])

    def matcher(self, searcher, context=None):
        reader = searcher.reader()
        words, pairs = self._parts()
        if any((term.fieldname, term.text) not in reader for term in words + pairs):
            return NullMatcher()
        word_matchers = [term.matcher(searcher, context) for term in words]
        pair_matchers = [term.matcher(searcher, context) for term in pairs]
        sizes = [term.estimate_size(reader) for term in words + pairs]
        matcher = _GuidedSpans(word_matchers, pair_matchers, sizes)
        return WrappingMatcher(matcher, boost=self.boost) if self.boost != 1.0 else matcher


class _GuidedSpans(SpanNear2.SpanNear2Matcher):
    """Whoosh's phrase matcher (consecutive positions of `words`) over an intersection of
    the words' and the pairs' postings in the order of `sizes`, smallest first."""

    def __init__(self, words: list, pairs: list, sizes: list[int]):
        self.ms, self.pairs, self.sizes = words, pairs, sizes
        self.slop, self.ordered, self.mindist = 1, True, 1
        ordered = [m for _, m in sorted(zip(sizes, words + pairs), key=lambda pair: pair[0])]
        combined = ordered[0]
        for matcher in ordered[1:]:
            combined = IntersectionMatcher(combined, matcher)
        SpanWrappingMatcher.__init__(self, combined)

    def copy(self):
        return _GuidedSpans([m.copy() for m in self.ms], [m.copy() for m in self.pairs], self.sizes)


def _or(queries: list[wq.Query]) -> wq.Query:
    return queries[0] if len(queries) == 1 else wq.DefaultOr(queries)


def _term_query(reader, terms: Terms) -> wq.Query:
    if terms.field == "pairs":
        folded = [fold_term(word) for word in terms.words]
        return wq.Term("pairs", pair_term(*folded), boost=terms.boost)
    if terms.prefix:
        # The most common words the prefix stands for, not all of them ("ng*" is thousands).
        words = _expand(reader, terms.field, fold_term(terms.words[0]))
        return (
            wq.DefaultOr([wq.Term(terms.field, w, boost=terms.boost) for w in words])
            if words
            else wq.NullQuery
        )
    # Exact forms share the field with folded ones: an accented word is its own term, a plain
    # word's only term is its folded form (which every spelling also has).
    forms = [w if terms.exact and has_accents(w) else fold_term(w) for w in terms.words]
    if len(forms) == 1:
        return wq.Term(terms.field, forms[0], boost=terms.boost)
    if terms.field != "text":
        return wq.Phrase(terms.field, forms, boost=terms.boost)
    # `pairs` holds the folded neighbours of the same words: a two-word folded phrase is one
    # pair term, and a longer one needs all its pairs (see _GuidedPhrase).
    folded = [fold_term(w) for w in terms.words]
    pairs = [pair_term(a, b) for a, b in zip(folded, folded[1:])]
    if len(pairs) == 1 and forms == folded:
        return wq.Term("pairs", pairs[0], boost=terms.boost)
    return _GuidedPhrase(terms.field, forms, pairs, boost=terms.boost)


def _expand(reader, field: str, prefix: str) -> list[str]:
    """Up to MAX_PREFIX_EXPANSION indexed words starting with prefix, the most frequent first."""
    candidates = list(islice(reader.expand_prefix(field, prefix), 8 * MAX_PREFIX_EXPANSION))
    candidates = [term.decode("utf-8") if isinstance(term, bytes) else term for term in candidates]
    candidates.sort(key=lambda term: -reader.doc_frequency(field, term))
    return candidates[:MAX_PREFIX_EXPANSION]


def _filter(plan: Plan) -> wq.Query | None:
    parts = []
    if plan.site:
        parts.append(wq.Term("site", plan.site))
    if plan.date_from or plan.date_to:
        parts.append(
            wq.DateRange("date", plan.date_from and utc(plan.date_from), plan.date_to and utc(plan.date_to))
        )
    return wq.And(parts) if parts else None


def utc(date: datetime) -> datetime:
    """Whoosh's DATETIME takes naive datetimes: UTC, converted back when read."""
    return aware(date).astimezone(timezone.utc).replace(tzinfo=None)
