"""A query plan -> a tantivy query and what to count (the tantivy engine's half that reads plans).

Input: search/query/plan.py's Plan, the index's schema, its searcher (for the words a prefix
stands for), and the articles that hold a long phrase's pairs apart (`Apart`). Output:
tantivy.Query objects: groups intersected, bonuses as optional clauses, filters scoring 0; for
counting, only what decides a match; the aggregations that count it (all, copies, facets, the
months a date sort needs) and the newest months a date sort reads. What only makes a query
cheaper keeps its matches, and each term's score; their sum may add up in another order (the
last bit of a float apart). Flat is cheap: tantivy pays per match for each level of nesting,
so a one-word query is one union of term queries, and a one-word group's title clause is a
bonus beside it, not a union under it (the text holds the title's words: twice as fast at a
million articles).
"""

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

import tantivy

from search.analysis import fold_term, pair_term
from search.engines import VIETNAM, aware, month_of
from search.limits import MAX_PREFIX_EXPANSION
from search.normalize import has_accents
from search.query.plan import FACETS, TITLE_WEIGHT, Plan, Terms

_MUST, _SHOULD, _NOT = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot
_INSTANT = timedelta(microseconds=1)  # the precision of a datetime
MAX_MONTHS = 120  # whole months a date filter is made of, at most, as month terms
COPY = 1  # "copy" of a copy in its story, not its first article
ALL, COPIES = "all", "copies"  # the aggregations counting every match and the copies (no facet's name)


# The doc ids of the articles that hold a phrase's neighbour pairs but not its words in a row,
# told by their stored text (the text keeps no positions), given the phrase's folded words, the
# query for its pairs within the plan's filters, and those filters (site, dates: what the
# answer depends on besides the words).
Apart = Callable[[tuple[str, ...], tantivy.Query, tuple], list[str]]


def plan_query(
    plan: Plan, schema: tantivy.Schema, searcher, apart: Apart, counting: bool = False
) -> tantivy.Query:
    """The plan as a tantivy query; `counting`: only what decides a match (to count the
    matches, or to sort them by date), no bonus and no title clause beside a text one (the
    text holds the title's words, and its phrases)."""
    return _Queries(schema, searcher, apart, counting).plan(plan)


class _Queries:
    def __init__(self, schema: tantivy.Schema, searcher, apart: Apart, counting: bool):
        self.schema, self.searcher, self.apart, self.counting = schema, searcher, apart, counting

    def plan(self, plan: Plan) -> tantivy.Query:
        self.filters, self.scope = self._filters(plan), (plan.site, plan.date_from, plan.date_to)
        if not plan.must:  # no words: every document (the newest first, or filtered)
            clauses = [(_MUST, tantivy.Query.all_query())]
            if not self.counting:
                clauses += [(_SHOULD, q) for t in plan.should for q in self.scored(t)]
        elif self.counting:
            clauses = [(_MUST, _any([self.match(t) for t in group])) for group in plan.must]
        else:
            clauses = self.words_scored(plan)
        clauses += [(_NOT, self.match(t)) for t in plan.must_not]
        clauses += [(_MUST, where) for where in self.filters]
        query = clauses[0][1] if len(clauses) == 1 else tantivy.Query.boolean_query(clauses)
        months = whole_months(plan.date_from, plan.date_to)
        if months:
            # A range of dates scans the date column at each candidate: a month of a common
            # word took three times as long as every month, at a million articles. Whole
            # months are their terms in the month field (month_of(date)), whose postings lead
            # from outside; the range stays in its place among the clauses.
            months_query = tantivy.Query.term_set_query(self.schema, "month", months)
            query = tantivy.Query.boolean_query([(_MUST, query), (_MUST, _zero(months_query))])
        return query

    def words_scored(self, plan: Plan) -> list[tuple]:
        """Each group required, and every bonus optional; a group of one word is required
        alone, its title clause a bonus. A query of one word whose bonuses match only where
        it does (its accents, its title) is one union."""
        required, bonuses = [], []
        for group in plan.must:
            if len(group) == 1:
                word, *title = self.scored(group[0])
                required.append(word)
                bonuses += title
            else:
                required.append(_any([_any(self.scored(t)) for t in group]))
        bonuses += [q for t in plan.should for q in self.scored(t)]
        one_word = len(plan.must) == 1 and len(plan.must[0]) == 1
        if one_word and all(_within(t, plan.must[0][0]) for t in plan.should):
            return [(_MUST, _any(required + bonuses))]
        return [(_MUST, q) for q in required] + [(_SHOULD, q) for q in bonuses]

    def _filters(self, plan: Plan) -> list[tantivy.Query]:
        """The site and the dates a match must have, scoring 0."""
        filters = []
        if plan.site:
            filters.append(_zero(self.term("site", plan.site)))
        if plan.date_from or plan.date_to:
            dates = tantivy.Query.range_query(
                self.schema,
                "date",
                tantivy.FieldType.Date,
                plan.date_from and aware(plan.date_from),
                plan.date_to and aware(plan.date_to),
            )
            filters.append(_zero(dates))
        return filters

    def scored(self, terms: Terms) -> list[tantivy.Query]:
        """The terms' match, boosted, and in the text their title clause: the title weighs
        TITLE_WEIGHT times the body, so its words score again, boosted."""
        boosted = [(self.match(terms), terms.boost)]
        if terms.field == "text" and not terms.prefix:
            title = self.match(Terms("title", terms.words, terms.exact))
            boosted.append((title, terms.boost * (TITLE_WEIGHT - 1)))
        return [q if boost == 1.0 else tantivy.Query.boost_query(q, boost) for q, boost in boosted]

    def match(self, terms: Terms) -> tantivy.Query:
        folded = [fold_term(word) for word in terms.words]
        if terms.field == "pairs":
            return self.term("pairs", pair_term(*folded))
        folded_field = terms.field  # "text" or "title"
        exact_field = "exact" if terms.field == "text" else "title_exact"
        if terms.prefix:
            # The most common words the prefix stands for, not all of them ("ng*" is thousands).
            found = self.searcher.terms_with_prefix(folded_field, folded[0], limit=MAX_PREFIX_EXPANSION)
            if not found:
                return tantivy.Query.empty_query()
            return tantivy.Query.term_set_query(self.schema, folded_field, [term for term, _ in found])
        accented = [w for w in terms.words if terms.exact and has_accents(w)]
        if len(terms.words) == 1 and accented:
            return self.term(exact_field, accented[0])
        query = self.words(folded_field, folded)
        if not accented:
            return query
        # The phrase folded, and each word typed with accents in the exact field: the article
        # writes it so somewhere, not necessarily in the phrase (that field keeps no positions;
        # a phrase's accents are checked where they stand in Whoosh, which keeps both at one).
        return tantivy.Query.boolean_query(
            [(_MUST, query)] + [(_MUST, self.term(exact_field, word)) for word in accented]
        )

    def words(self, field: str, words: list[str]) -> tantivy.Query:
        if len(words) == 1:
            return self.term(field, words[0])
        # A phrase must hold its neighbour pairs (analysis.term_streams: the pairs of the
        # folded stream), which score 0. Only the title keeps positions: there the phrase
        # scores. In the text (whose positions were a fifth of the index) its words score as
        # words do; two words are one pair, and a longer phrase leaves out the articles that
        # hold its pairs apart.
        folded = tuple(fold_term(word) for word in words)
        pairs = [
            _zero(self.term("pairs", pair)) for pair in dict.fromkeys(map(pair_term, folded, folded[1:]))
        ]
        if field == "title":
            clauses = [(_MUST, tantivy.Query.phrase_query(self.schema, field, words))]
        else:
            clauses = [(_MUST, self.term(field, word)) for word in dict.fromkeys(words)]
        clauses += [(_MUST, pair) for pair in pairs]
        if field == "text" and len(folded) > 2:
            # (the articles read are those the filters let by: a site's, a month's)
            holders = tantivy.Query.boolean_query([(_MUST, query) for query in pairs + self.filters])
            apart = self.apart(folded, holders, self.scope)
            if apart:
                clauses.append((_NOT, tantivy.Query.term_set_query(self.schema, "doc_id", apart)))
        return tantivy.Query.boolean_query(clauses)

    def term(self, field: str, value: str) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, field, value)


def aggregations(plan: Plan) -> dict:
    """What one pass over the matches counts, without scores: all of them, the copies (cheap
    beside reading a story per match; a scored count cost as much as the search), and the
    matches by site and by month (the facets; a date sort reads the months too)."""
    wanted = {ALL: {"filter": "*"}}
    for name in FACETS:
        if plan.facets or (name == "month" and plan.sort == "date"):
            wanted[name] = {"terms": {"field": name, "size": 1000}}
    if plan.count_originals:
        wanted[COPIES] = {"filter": f"copy:{COPY}"}
    return wanted


def facets_of(counted: dict) -> dict[str, Counter]:
    """The facets' counts of an aggregation made as `aggregations` asks."""
    return {name: Counter({b["key"]: b["doc_count"] for b in counted[name]["buckets"]}) for name in FACETS}


def newest_months(counted: dict | None, wanted: int) -> list[str]:
    """The newest months (month_of's names) that hold `wanted` matches at least, from an
    aggregation's buckets by month; [] when they cannot tell (a bucket left out, too few
    dated). The newest matches are all in them: a month's dates all follow an older month's.

    >>> months = {"buckets": [{"key": "2025-03", "doc_count": 5}, {"key": "2025-04", "doc_count": 2}]}
    >>> newest_months(months, 2), newest_months(months, 3), newest_months(months, 8)
    (['2025-04'], ['2025-04', '2025-03'], [])
    """
    if not counted or counted.get("sum_other_doc_count") or counted.get("doc_count_error_upper_bound"):
        return []
    months, held = [], 0
    for bucket in sorted(counted["buckets"], key=lambda bucket: bucket["key"], reverse=True):
        months.append(bucket["key"])
        held += bucket["doc_count"]
        if held >= wanted:
            return months
    return []


def within_months(query: tantivy.Query, schema: tantivy.Schema, months: list[str]) -> tantivy.Query:
    """The query's matches of those months (scored as by the query)."""
    in_months = _zero(tantivy.Query.term_set_query(schema, "month", months))
    return tantivy.Query.boolean_query([(_MUST, query), (_MUST, in_months)])


def whole_months(start: datetime | None, end: datetime | None) -> list[str]:
    """The months from `start` to `end`, as month_of names them, when these are the first and
    the last instant of months in Vietnam time (at most MAX_MONTHS months); else [].

    >>> whole_months(datetime(2025, 3, 1), datetime(2025, 4, 30, 23, 59, 59, 999999))
    ['2025-03', '2025-04']
    >>> whole_months(datetime(2025, 3, 1), datetime(2025, 4, 29, 23, 59, 59, 999999))
    []
    """
    if not (start and end):
        return []
    try:
        first, after = aware(start).astimezone(VIETNAM), (aware(end) + _INSTANT).astimezone(VIETNAM)
    except OverflowError:  # the last instant of year 9999
        return []
    if first >= after or first != _month_start(first) or after != _month_start(after):
        return []
    if (after.year - first.year) * 12 + after.month - first.month > MAX_MONTHS:
        return []
    months = []
    while first < after:
        months.append(month_of(first))
        first = _month_start(first + timedelta(days=32))
    return months


def _month_start(date: datetime) -> datetime:
    return date.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _within(bonus: Terms, word: Terms) -> bool:
    """Whether `bonus` matches only where `word` does: the same words folded, `word` in every
    spelling (the title's words are the text's too)."""
    same = bonus.field == word.field and not (bonus.prefix or word.prefix or word.exact)
    return same and tuple(map(fold_term, bonus.words)) == tuple(map(fold_term, word.words))


def _any(queries: list[tantivy.Query]) -> tantivy.Query:
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(_SHOULD, q) for q in queries])


def _zero(query: tantivy.Query) -> tantivy.Query:
    """The query as a filter: it matches, and adds 0 to the score."""
    return tantivy.Query.const_score_query(query, 0.0)
