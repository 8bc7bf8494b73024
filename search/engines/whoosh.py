"""The Whoosh engine: pure Python, the default. Articles -> a Whoosh index; plans -> hits.

Each syllable is indexed twice at one position in one field (as Elasticsearch's asciifolding
with preserve_original does): folded ("hop") and, where it differs, exact ("hợp"). Only the
folded token counts towards the field's length, so accented text is not taken for twice as
long as English text by BM25's length normalization. `text` holds title, body and captions,
each token weighted by its part (BM25F); `pairs` the folded neighbour pairs.

The schema pickles the analyzer into the index, so its classes live at module level here.
"""

from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import multiproc
from whoosh.analysis import Filter, Token, Tokenizer
from whoosh.fields import DATETIME, ID, NUMERIC, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Positions
from whoosh.index import LockError

from search.analysis import pair_term, words
from search.engines import aware, month_of
from search.engines.whoosh_query import utc
from search.engines.whoosh_searcher import Searcher
from search.limits import WRITER_MEMORY_MB
from search.processes import die_with_parent
from search.query.plan import CAPTION_WEIGHT, TITLE_WEIGHT

NAME = "whoosh"
# Memory each Whoosh indexing process may use for its pool before it spills to disk.
WRITER_LIMIT_MB = WRITER_MEMORY_MB
# Whoosh's multiprocessing writer: one process per core, a segment each (2.4x faster on 2
# cores, measured in bench/); small corpora are not worth the processes.
PROCESSES = 2
PARALLEL_FROM = 200
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
    story=ID(stored=True),  # stories.py: the id of the story's first article
    copy=ID,  # "1": a copy in its story (collapsed beneath the first article), "0": the first
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

    def add(self, prepared: dict, story: str, copy: bool) -> None:
        self._writer.add_document(**prepared, story=story, copy="1" if copy else "0")

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

    def searcher(self) -> Searcher:
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
