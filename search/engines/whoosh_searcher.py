"""A Whoosh searcher: plans -> hits, exact totals, facets and stored articles.

Input: an open Whoosh searcher and search/query/plan.py's Plans (turned into Whoosh queries by
whoosh_query.py). Output: engine-neutral Results and StoredArticles (search/engines/__init__.py).
"""

import time
from bisect import bisect_right
from collections import Counter
from datetime import timezone

from whoosh.collectors import SortingCollector, TimeLimit, TopCollector, WrappingCollector
from whoosh.query import And, AndNot, Term

from search.analysis import fold_term
from search.engines import Results, StoredArticle, earliest_first, ranked_facets
from search.engines.whoosh_query import plan_query
from search.query.plan import FACETS, Plan

# Some time to collect in, even when building the query used the budget up.
MIN_COLLECT_SECONDS = 0.05
CHECK_EVERY = 64  # matches between two looks at the clock (the first match is one)


class Searcher:
    """A Whoosh searcher on one committed state of the index; refresh() moves it on."""

    plain_spellings = False  # a plain syllable is indexed only in its folded form

    def __init__(self, searcher):
        self._searcher = searcher
        self._copies: _Copies | None = None  # read when first needed, for this state of the index

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def refresh(self) -> "Searcher":
        if not self._searcher.up_to_date():
            self._searcher, self._copies = self._searcher.refresh(), None
        return self

    def close(self) -> None:
        self._searcher.close()

    def doc_count(self) -> int:
        return self._searcher.doc_count()

    def doc_frequency(self, form: str, term: str) -> int:
        return self._searcher.doc_frequency("pairs" if form == "pairs" else "text", term)

    def copy_count(self) -> int:
        return self._searcher.doc_frequency("copy", "1")

    def search(self, plan: Plan) -> Results:
        reader = self._searcher.reader()
        single = plan.single_word()
        # One syllable: its posting list's length is the count, so the collector may skip the
        # blocks that cannot reach the top. Otherwise every match is scored and counted as it
        # goes: Whoosh's block skipping and matcher pruning would leave the count short, and a
        # second pass to count cost more (p50 40 -> 33 ms at 10,000 pages) than they save.
        by_frequency = (
            single
            and not (plan.filtered or plan.facets or plan.count_originals)
            and not reader.has_deletions()
        )
        if plan.sort == "date":
            collector = SortingCollector("newest", limit=plan.limit, reverse=True)
        elif by_frequency:
            collector = TopCollector(plan.limit)
        else:
            collector = TopCollector(plan.limit, usequality=False, replace=0)
        copies = self._copy_docs().docnums if plan.count_originals else None
        counting = _Deadline(collector, plan.deadline, keep=plan.facets, copies=copies)
        try:
            self._searcher.search_with_collector(plan_query(plan, reader), counting)
            partial = False
        except TimeLimit:
            partial = True
        total = self._searcher.doc_frequency("text", fold_term(single)) if by_frequency else counting.matched
        hits = [(hit.score or 0.0, hit.docnum) for hit in collector.results()]
        results = _capped(max(total, len(hits)), hits, plan, partial)
        if plan.facets:
            results.facets = self._facets(counting.kept)
        if plan.count_originals:
            results.originals = counting.matched - counting.copies
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

    def stored(self, docnum: int) -> StoredArticle:
        return _article(self._searcher.stored_fields(docnum))

    def article(self, doc_id: str) -> StoredArticle | None:
        stored = self._searcher.document(doc_id=doc_id) or self._searcher.document(alias=doc_id)
        return _article(stored) if stored else None

    def copies(self, story: str, limit: int) -> list[StoredArticle]:
        query = And([Term("story", story), Term("copy", "1")])
        return [
            _article(hit.fields()) for hit in self._searcher.search(query, limit=limit, sortedby="newest")
        ]

    def story_articles(self, story: str, limit: int, besides: str = "") -> list[StoredArticle]:
        query = AndNot(Term("story", story), Term("doc_id", besides))
        found = self._searcher.search(query, limit=limit, sortedby="newest")  # (undated: 0, first)
        return sorted((_article(hit.fields()) for hit in found), key=earliest_first)

    def stories_of(self, handles: list) -> list[str]:
        # An article's story is its own id unless it is a copy (stories.py): the id from its
        # column, and only a copy's stored fields read (a tenth of the hits, each read once).
        copies = self._copy_docs()
        return [copies.story(n) if n in copies.docnums else copies.ids[n] for n in handles]

    def _copy_docs(self) -> "_Copies":
        if self._copies is None:
            self._copies = _Copies(self._searcher)
        return self._copies

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
        story=stored.get("story", ""),
    )


class _Copies:
    """The documents that are copies in their story, of one state of the index, and their
    stories as read."""

    def __init__(self, searcher):
        self._searcher = searcher
        self.docnums = frozenset(searcher.docs_for_query(Term("copy", "1")))
        self.ids = searcher.reader().column_reader("doc_id")
        self._stories: dict[int, str] = {}

    def story(self, docnum: int) -> str:
        if docnum not in self._stories:
            self._stories[docnum] = self._searcher.stored_fields(docnum).get("story") or self.ids[docnum]
        return self._stories[docnum]


def _capped(total: int, hits: list, plan: Plan, partial: bool) -> Results:
    exact = total <= plan.count_up_to and not partial
    return Results(min(total, plan.count_up_to), hits, exact=exact, partial=partial)


class _Deadline(WrappingCollector):
    """Collects through `child`, counting the matches (and keeping their numbers when `keep`;
    counting those in `copies` too), and stops with TimeLimit once the deadline has passed.
    Whoosh's TimeLimitCollector starts a timer thread for every search; a look at the clock
    now and then costs less."""

    def __init__(self, child, deadline: float | None, keep: bool = False, copies: frozenset | None = None):
        super().__init__(child)
        self.matched = self.copies = 0
        self.kept: list[int] = []
        self._keep = keep
        self._copies = copies
        if deadline is not None:
            deadline = max(deadline, time.monotonic() + MIN_COLLECT_SECONDS)
        self._deadline = deadline

    def collect_matches(self):
        child, deadline, kept, copies = self.child, self._deadline, self.kept, self._copies
        for docnum in child.matches():
            child.collect(docnum)
            self.matched += 1
            if self._keep:
                kept.append(child.offset + docnum)
            if copies is not None and child.offset + docnum in copies:
                self.copies += 1
            if deadline is not None and self.matched % CHECK_EVERY == 1 and time.monotonic() > deadline:
                raise TimeLimit
