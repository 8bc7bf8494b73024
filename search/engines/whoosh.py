"""The Whoosh engine: pure Python, the default. Articles -> a Whoosh index; plans -> hits.

Each syllable is indexed twice at one position in one field (as Elasticsearch's asciifolding
with preserve_original does): folded ("hop") and, where it differs, exact ("hợp"). Only the
folded token counts towards the field's length, so accented text is not taken for twice as
long as English text by BM25's length normalization. `text` holds title, body and captions,
each token weighted by its part (BM25F); `pairs` the folded neighbour pairs.

The schema pickles the analyzer into the index, so its classes live at module level here.
"""

import time
from bisect import bisect_right
from collections import Counter
from datetime import timezone
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import multiproc
from whoosh import query as wq
from whoosh.analysis import Filter, Token, Tokenizer
from whoosh.collectors import TimeLimit, TimeLimitCollector
from whoosh.fields import DATETIME, ID, NUMERIC, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Positions
from whoosh.index import LockError

from search.analysis import fold_term, pair_term, words
from search.engines import Results, StoredArticle, aware, month_of, ranked_facets
from search.engines.whoosh_query import plan_query, utc
from search.limits import WRITER_MEMORY_MB
from search.plan import CAPTION_WEIGHT, FACETS, TITLE_WEIGHT, Plan
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

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        body = value.find(BODY_MARK)
        captions = value.find(CAPTIONS_MARK)
        for pos, word in enumerate(words(value)):
            token.text = word.exact
            token.folded = word.folded
            token.boost = (
                TITLE_WEIGHT if word.start < body else CAPTION_WEIGHT if 0 <= captions < word.start else 1.0
            )
            token.stopped = False
            if keeporiginal:
                token.original = value[word.start : word.end]
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
        fields["date"] = utc(article.date)
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
