"""A Whoosh searcher: plans -> hits, exact totals, facets and stored articles.

Input: an open Whoosh searcher and search/plan.py's Plans (turned into Whoosh queries by
whoosh_query.py). Output: engine-neutral Results and StoredArticles (search/engines/__init__.py).
"""

import time
from bisect import bisect_right
from collections import Counter
from datetime import timezone

from whoosh import query as wq
from whoosh.collectors import TimeLimit, TimeLimitCollector

from search.analysis import fold_term
from search.engines import Results, StoredArticle, ranked_facets
from search.engines.whoosh_query import plan_query
from search.plan import FACETS, Plan

# Some time to collect in, even when building the query used the budget up.
MIN_COLLECT_SECONDS = 0.05


class Searcher:
    """A Whoosh searcher on one committed state of the index; refresh() moves it on."""

    plain_spellings = False  # a plain syllable is indexed only in its folded form

    def __init__(self, searcher):
        self._searcher = searcher

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def refresh(self) -> "Searcher":
        if not self._searcher.up_to_date():
            self._searcher = self._searcher.refresh()
        return self

    def close(self) -> None:
        self._searcher.close()

    def doc_count(self) -> int:
        return self._searcher.doc_count()

    def doc_frequency(self, form: str, term: str) -> int:
        return self._searcher.doc_frequency("pairs" if form == "pairs" else "text", term)

    def search(self, plan: Plan) -> Results:
        query = plan_query(plan, self._searcher.reader())
        hits, partial = self._collect(query, plan)
        single = plan.single_word()
        if single and not plan.filtered and not plan.facets and not self._searcher.reader().has_deletions():
            # One syllable: the posting list's length is the count.
            return _capped(self._searcher.doc_frequency("text", fold_term(single)), hits, plan, partial)
        if len(hits) < plan.limit or partial:
            # The top-N collector never filled up, so it dropped nothing: all matches are here.
            # (Or time ran out: no time to count either.)
            results = _capped(len(hits), hits, plan, partial)
            if plan.facets:
                results.facets = self._facets(docnum for _, docnum in hits)
            return results
        # Not len(hits): Whoosh's top-N collector drops documents that cannot reach the top
        # as it goes, then counts what it kept (half the truth on the bench corpus). What
        # matches, counted without scoring or bonus clauses, is exact and cheaper.
        matches = self._searcher.docs_for_query(plan_query(plan, self._searcher.reader(), counting=True))
        counted, complete, seen = 0, True, []
        for counted, docnum in enumerate(matches, start=1):
            if plan.facets:
                seen.append(docnum)
            if counted >= plan.count_up_to or (counted % 64 == 0 and _past(plan.deadline)):
                complete = False
                break
        results = _capped(max(counted, len(hits)), hits, plan, partial)
        results.exact = results.exact and complete
        if plan.facets:
            results.facets = self._facets(seen)
        return results

    def _facets(self, docnums) -> dict:
        # Column by column per segment: Whoosh's multi-segment column reader leaves out the
        # segments that lack the column (no dated article in them) and then reads the wrong
        # segment's values, or fails when none has it.
        leaves = self._searcher.reader().leaf_readers()
        offsets = [offset for _, offset in leaves]
        columns = [
            {name: leaf.column_reader(name) for name in FACETS if leaf.has_column(name)} for leaf, _ in leaves
        ]
        counts = {name: Counter() for name in FACETS}
        for docnum in docnums:
            at = bisect_right(offsets, docnum) - 1
            for name, column in columns[at].items():
                value = column[docnum - offsets[at]]
                if value:
                    counts[name][value.decode("utf-8") if isinstance(value, bytes) else value] += 1
        return ranked_facets(counts)

    def _collect(self, query: wq.Query, plan: Plan) -> tuple[list, bool]:
        """The top hits, and whether the deadline cut the search short."""
        by_date = plan.sort == "date"
        collector = self._searcher.collector(
            limit=plan.limit, sortedby="newest" if by_date else None, reverse=by_date
        )
        partial = False
        if plan.deadline is not None:
            seconds = max(MIN_COLLECT_SECONDS, plan.deadline - time.monotonic())
            if seconds <= 0:
                return [], True
            timed = TimeLimitCollector(collector, seconds, use_alarm=False)  # not main thread
            try:
                self._searcher.search_with_collector(query, timed)
            except TimeLimit:
                partial = True
        else:
            self._searcher.search_with_collector(query, collector)
        return [(hit.score or 0.0, hit.docnum) for hit in collector.results()], partial

    def stored(self, docnum: int) -> StoredArticle:
        return _article(self._searcher.stored_fields(docnum))

    def article(self, doc_id: str) -> StoredArticle | None:
        stored = self._searcher.document(doc_id=doc_id) or self._searcher.document(alias=doc_id)
        return _article(stored) if stored else None

    def indexed_hashes(self) -> dict[str, str]:
        reader = self._searcher.reader()
        ids, hashes = reader.column_reader("doc_id"), reader.column_reader("content_hash")
        return {ids[n]: hashes[n] for n in range(reader.doc_count_all()) if not reader.is_deleted(n)}


def _article(stored: dict) -> StoredArticle:
    return StoredArticle(
        doc_id=stored["doc_id"],
        path=stored["path"],
        title=stored["title"],
        body=stored.get("body", ""),
        captions=[c for c in stored.get("captions", "").split("\n") if c],
        date=stored["date"].replace(tzinfo=timezone.utc) if stored.get("date") else None,
        site=stored.get("site"),
        url=stored.get("url"),
        byline=stored.get("byline"),
        content_hash=stored.get("content_hash", ""),
    )


def _capped(total: int, hits: list, plan: Plan, partial: bool) -> Results:
    exact = total <= plan.count_up_to and not partial
    return Results(min(total, plan.count_up_to), hits, exact=exact, partial=partial)


def _past(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() > deadline
