"""The Whoosh engine: pure Python, the default. Articles -> a Whoosh index; plans -> hits.

Each syllable is indexed twice at one position in one field (as Elasticsearch's asciifolding
with preserve_original does): folded ("hop") and, where it differs, exact ("hợp"). Only the
folded token counts towards the field's length, so accented text is not taken for twice as
long as English text by BM25's length normalization. `text` holds title, body and captions,
each token weighted by its part (BM25F); `pairs` the folded neighbour pairs.

The schema pickles the analyzer into the index, so its classes live at module level here.
"""

import functools
import time
from collections import Counter
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import multiproc
from whoosh import query as wq
from whoosh.collectors import TimeLimit, TimeLimitCollector
from whoosh.matching import IntersectionMatcher
from whoosh.analysis import Filter, Token, Tokenizer
from whoosh.fields import DATETIME, ID, NUMERIC, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Positions
from whoosh.index import LockError

from search.analysis import fold_term, pair_term, words
from search.normalize import has_accents
from search.engines import Results, StoredArticle, aware, month_of, ranked_facets
from search.limits import MAX_PREFIX_EXPANSION, WRITER_MEMORY_MB
from search.plan import CAPTION_WEIGHT, FACETS, TITLE_WEIGHT, Plan, Terms
from search.processes import die_with_parent

NAME = "whoosh"
# Memory each Whoosh indexing process may use for its pool before it spills to disk.
WRITER_LIMIT_MB = WRITER_MEMORY_MB
# Whoosh's multiprocessing writer: one process per core, a segment each (2.4x faster on 2
# cores, measured in bench/); small corpora are not worth the processes.
PROCESSES = 2
PARALLEL_FROM = 200
MIN_COLLECT_SECONDS = 0.05
# The title, body and captions go into `text` separated by these marks (see WordTokenizer).
BODY_MARK, CAPTIONS_MARK = "\x1e", "\x1f"


class WordTokenizer(Tokenizer):
    """analysis.words, as Whoosh tokens weighted by the part of `text` they stand in."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        body = value.find(BODY_MARK)
        captions = value.find(CAPTIONS_MARK)
        for pos, word in enumerate(words(value)):
            token.text = word.exact
            token.folded = word.folded
            token.boost = (
                TITLE_WEIGHT if word.start < body
                else CAPTION_WEIGHT if 0 <= captions < word.start
                else 1.0
            )
            token.stopped = False
            if keeporiginal:
                token.original = value[word.start:word.end]
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + word.start
                token.endchar = start_char + word.end
            yield token


class FoldedAndExactFilter(Filter):
    """The folded term, then the exact term at the same position where the two differ; only
    the first counts towards the field's length (see SyllablePositions)."""

    def __call__(self, tokens):
        for token in tokens:
            exact = token.text
            token.text, token.counted = token.folded, True
            yield token
            if exact != token.folded:
                token.text, token.counted = exact, False
                yield token


class PairFilter(Filter):
    """Neighbouring syllables joined, folded ("hop_tac")."""

    def __call__(self, tokens):
        previous = None
        for token in tokens:
            if previous is not None:
                token.text = pair_term(previous, token.folded)
                yield token
            previous = token.folded


class SyllablePositions(Positions):
    """Positions whose field length counts syllables, not tokens: Whoosh's writer adds up
    the frequencies it is given, and an exact form's occurrences are given as 0."""

    def word_values(self, value, analyzer, **kwargs):
        poses, weights, counted = {}, {}, {}
        kwargs["positions"] = kwargs["boosts"] = True
        for t in analyzer(value, **kwargs):
            poses.setdefault(t.text, []).append(t.pos)
            weights[t.text] = weights.get(t.text, 0.0) + t.boost
            counted[t.text] = counted.get(t.text, 0) + getattr(t, "counted", True)
        for text, positions in poses.items():
            yield text, counted[text], weights[text] * self.field_boost, self.encode(positions)


WORDS = WordTokenizer() | FoldedAndExactFilter()
PAIRS = WordTokenizer() | PairFilter()


def _words_field(**options) -> TEXT:
    field = TEXT(analyzer=WORDS, **options)
    field.format = SyllablePositions(field_boost=field.format.field_boost)
    return field


SCHEMA = Schema(
    doc_id=ID(stored=True, unique=True, sortable=True),
    alias=ID,  # the id article URLs had before ids came from resolved paths
    path=ID(stored=True),
    content_hash=ID(stored=True, sortable=True),
    title=_words_field(stored=True),
    text=_words_field(),
    body=STORED,
    captions=STORED,
    pairs=TEXT(analyzer=PAIRS, phrase=False),
    date=DATETIME(stored=True, sortable=True),
    newest=NUMERIC(bits=64, sortable=True),  # seconds since 1970, 0 without a date: sorts last
    site=ID(stored=True, sortable=True),
    month=ID(sortable=True),  # facet: engines.month_of(date)
    byline=STORED,
    url=STORED,
)


def prepare(article, content_hash: str, doc_id: str, alias: str) -> dict:
    """The fields one article is added with (Whoosh analyses them in its writer)."""
    captions = "\n".join(article.captions)
    fields = {
        "doc_id": doc_id,
        "alias": alias,
        "path": article.path,
        "content_hash": content_hash,
        "title": article.title,
        "text": f"{article.title}\n{BODY_MARK}{article.text}\n{CAPTIONS_MARK}{captions}",
        "body": article.text,
        "captions": captions,
        "pairs": article.indexed_text,  # the words of `text`: every phrase there has its pairs
        "byline": article.byline,
        "url": article.url,
    }
    if article.date:
        fields["date"] = _utc(article.date)
    fields["newest"] = int(aware(article.date).timestamp()) if article.date else 0
    if article.site:
        fields["site"] = article.site
    if article.date:
        fields["month"] = month_of(article.date)
    return fields


class Writer:
    """Adds and deletes documents; nothing is visible to searchers before commit()."""

    def __init__(self, index: whoosh_index.Index, documents: int = 0):
        try:
            parallel = {"procs": PROCESSES, "multisegment": True} if documents >= PARALLEL_FROM else {}
            self._writer = index.writer(limitmb=WRITER_LIMIT_MB, **parallel)
        except LockError:
            raise BlockingIOError("another process is writing the index") from None
        self._index = index
        self._searcher = None

    def add(self, prepared: dict) -> None:
        self._writer.add_document(**prepared)

    def delete(self, doc_id: str) -> None:
        # Whoosh's delete_by_term opens a searcher per call (a second each on a large index).
        if self._searcher is None:
            self._searcher = self._index.searcher()
        for docnum in self._searcher.document_numbers(doc_id=doc_id):
            self._writer.delete_document(docnum)

    def commit(self) -> None:
        self._close_searcher()
        self._writer.commit()

    def cancel(self) -> None:
        self._close_searcher()
        self._writer.cancel()

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None


class Index:
    def __init__(self, index: whoosh_index.Index):
        self._index = index

    def searcher(self) -> "Searcher":
        return Searcher(self._index.searcher())

    def writer(self, documents: int = 0) -> Writer:
        return Writer(self._index, documents)

    def doc_count(self) -> int:
        return self._index.doc_count()

    def close(self) -> None:
        self._index.close()


class _SubWriterTask(multiproc.SubWriterTask):
    """Whoosh's indexing subprocess, ended by the kernel if the build is killed."""

    def run(self):
        die_with_parent()
        super().run()


# Whoosh's multiprocessing writer makes its subprocesses from this module-level name.
multiproc.SubWriterTask = _SubWriterTask


def create(folder: Path, documents: int = 0) -> Writer:
    """A writer on a new, empty index in folder (parallel for `documents` >= PARALLEL_FROM)."""
    return Writer(whoosh_index.create_in(folder, SCHEMA), documents)


def open_index(folder: Path) -> Index:
    # Without mmap: Whoosh's compound segment files wrap an mmap in a private copy, about
    # 0.5 GB per searcher at 10,000 pages (a server has one per thread); read from the file,
    # a searcher takes some 30 MB and opens in a sixth of the time.
    return Index(FileStorage(str(folder), supports_mmap=False).open_index())


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
        query = _query(plan, self._searcher.reader())
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
        matches = self._searcher.docs_for_query(_query(plan, self._searcher.reader(), counting=True))
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
        reader = self._searcher.reader()
        columns = {name: reader.column_reader(name) for name in FACETS}
        counts = {name: Counter() for name in FACETS}
        for docnum in docnums:
            for name, column in columns.items():
                value = column[docnum]
                if value:
                    counts[name][value.decode("utf-8") if isinstance(value, bytes) else value] += 1
        return ranked_facets(counts)

    def _collect(self, query: wq.Query, plan: Plan) -> tuple[list, bool]:
        """The top hits, and whether the deadline cut the search short."""
        by_date = plan.sort == "date"
        collector = self._searcher.collector(limit=plan.limit, sortedby="newest" if by_date else None,
                                             reverse=by_date)
        partial = False
        if plan.deadline is not None:
            # Some time to collect in, even when building the query used the budget up.
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
        doc_id=stored["doc_id"], path=stored["path"], title=stored["title"],
        body=stored.get("body", ""),
        captions=[c for c in stored.get("captions", "").split("\n") if c],
        date=stored["date"].replace(tzinfo=timezone.utc) if stored.get("date") else None,
        site=stored.get("site"), url=stored.get("url"),
        byline=stored.get("byline"), content_hash=stored.get("content_hash", ""),
    )


def _capped(total: int, hits: list, plan: Plan, partial: bool) -> Results:
    exact = total <= plan.count_up_to and not partial
    return Results(min(total, plan.count_up_to), hits, exact=exact, partial=partial)


def _utc(date: datetime) -> datetime:
    """Whoosh's DATETIME takes naive datetimes: UTC, converted back when read."""
    return aware(date).astimezone(timezone.utc).replace(tzinfo=None)


def _past(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() > deadline


def _query(plan: Plan, reader, counting: bool = False) -> wq.Query:
    """The plan as a Whoosh query; `counting`: only what decides a match, filters included."""
    leaf = functools.partial(_term_query, reader)
    groups = [_or([leaf(t) for t in group]) for group in plan.must]
    # DefaultOr throughout: Whoosh's usual Or reads and scores every posting of every term
    # before the first hit, where the deadline cannot stop it.
    if plan.all_but_one and len(groups) > 1:
        main = wq.DefaultOr([_all(groups[:i] + groups[i + 1:], reader) for i in range(len(groups))])
    else:
        main = _all(groups, reader)
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


def _or(queries: list[wq.Query]) -> wq.Query:
    return queries[0] if len(queries) == 1 else wq.DefaultOr(queries)


def _term_query(reader, terms: Terms) -> wq.Query:
    if terms.field == "pairs":
        folded = [fold_term(word) for word in terms.words]
        return wq.Term("pairs", pair_term(*folded), boost=terms.boost)
    if terms.prefix:
        # The most common words the prefix stands for, not all of them ("ng*" is thousands).
        words = _expand(reader, terms.field, fold_term(terms.words[0]))
        return wq.DefaultOr([wq.Term(terms.field, w, boost=terms.boost) for w in words]) if words else wq.NullQuery
    # Exact forms share the field with folded ones: an accented word is its own term, a plain
    # word's only term is its folded form (which every spelling also has).
    forms = [w if terms.exact and has_accents(w) else fold_term(w) for w in terms.words]
    if len(forms) == 1:
        return wq.Term(terms.field, forms[0], boost=terms.boost)
    phrase = wq.Phrase(terms.field, forms, boost=terms.boost)
    if terms.field != "text":
        return phrase
    # `pairs` holds the folded neighbours of the same words: a two-word folded phrase is one
    # pair term, and a longer one needs all its pairs, whose short posting lists find the
    # candidates before Whoosh's slow position check (they add no score).
    folded = [fold_term(w) for w in terms.words]
    pairs = [pair_term(a, b) for a, b in zip(folded, folded[1:])]
    if len(pairs) == 1 and forms == folded:
        return wq.Term("pairs", pairs[0], boost=terms.boost)
    return wq.And([wq.Term("pairs", pair, boost=0.0) for pair in pairs] + [phrase])


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
        parts.append(wq.DateRange("date", plan.date_from and _utc(plan.date_from),
                                  plan.date_to and _utc(plan.date_to)))
    return wq.And(parts) if parts else None
