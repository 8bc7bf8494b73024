"""The Whoosh engine: pure Python, the default. Articles -> a Whoosh index; plans -> hits.

Each syllable is indexed twice at one position in one field (as Elasticsearch's asciifolding
with preserve_original does): folded ("hop") and, where it differs, exact ("hợp"). Only the
folded token counts towards the field's length, so accented text is not taken for twice as
long as English text by BM25's length normalization. `text` holds title, body and captions,
each token weighted by its part (BM25F); `pairs` the folded neighbour pairs.

The schema's analyzers define those terms (and pickle into the index, so their classes live at
module level here); `prepare` makes the same terms in the extraction workers, from
analysis.forms, and whoosh_writer.py writes them without analysing again.
"""

from collections import Counter, defaultdict
from pathlib import Path
from pickle import dumps

from whoosh import index as whoosh_index
from whoosh.analysis import Filter, Token, Tokenizer
from whoosh.fields import DATETIME, ID, NUMERIC, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Positions
from whoosh.index import LockError
from whoosh.system import pack_uint

from search.analysis import PAIR_JOINER, forms, pair_term, words
from search.engines import aware, month_of, whoosh_writer
from search.engines.whoosh_query import utc
from search.engines.whoosh_searcher import Searcher
from search.engines.whoosh_writer import Analysed
from search.limits import WRITER_MEMORY_MB
from search.query.plan import CAPTION_WEIGHT, TITLE_WEIGHT

NAME = "whoosh"
# Memory the writer's postings may take before they spill to a sorted run on disk.
WRITER_LIMIT_MB = WRITER_MEMORY_MB
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
    """The fields one article is added with, its text fields analysed (see `analyse`)."""
    captions = "\n".join(article.captions)
    fields = {
        "doc_id": doc_id,
        "alias": alias,
        "path": article.path,
        "content_hash": content_hash,
        **analyse(article.title, article.indexed_text, captions),
        "_stored_title": article.title,
        "body": article.text,
        "captions": captions,
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


def analyse(title: str, indexed_text: str, captions: str) -> dict[str, Analysed]:
    """`title`, `text` and `pairs` as the schema's analyzers make them from the title, the
    text (title, BODY_MARK, body, CAPTIONS_MARK, captions) and indexed_text: one pass over
    analysis.forms, whose words are those of each of these texts in turn."""
    every = forms(indexed_text)
    title_end = len(forms(title))
    captions_from = len(every) - len(forms(captions))
    boosted = ((0, title_end, TITLE_WEIGHT), (captions_from, len(every), CAPTION_WEIGHT))
    folded = [f for _, f in every]
    pairs = Counter(map(PAIR_JOINER.join, zip(folded, folded[1:])))
    return {
        "title": _positions(every[:title_end], ()),
        "text": _positions(every, boosted),
        # Frequency format: a pair's weight is its frequency (indexed_text has no marks).
        "pairs": Analysed(_utf8(pairs), list(pairs.values()), None, len(folded[1:]), 0),
    }


def _positions(every: tuple, boosted: tuple) -> Analysed:
    """WORDS through SyllablePositions: each term's positions and weight (its tokens' boosts:
    1.0, but in the `boosted` (start, end, boost) word ranges); the field's length counts the
    folded tokens, one a word."""
    where = defaultdict(list)
    for pos, (exact, folded) in enumerate(every):
        where[folded].append(pos)
        if exact != folded:  # the exact form at the folded one's position
            where[exact].append(pos)
    weights = {term: len(found) for term, found in where.items()}
    for start, end, boost in boosted:
        for exact, folded in every[start:end]:
            weights[folded] += boost - 1.0
            if exact != folded:
                weights[exact] += boost - 1.0
    # A term at one position (most) is sent as that position: an int is smaller than its
    # encoded value, once unpickled and held until the segment is written (whoosh_blocks.py
    # encodes it, as formats.Positions.encode does).
    values = [found[0] if len(found) == 1 else _encoded_positions(found) for found in where.values()]
    return Analysed(
        _utf8(where),
        # An int where whole: a float is an object of its own once unpickled, a small int is not.
        [w if type(w) is int else int(w) if w.is_integer() else w for w in weights.values()],
        values,
        len(every),
        sum(33 + len(v) if type(v) is bytes else 32 for v in values),  # with the objects' own size
    )


def _encoded_positions(positions: list[int]) -> bytes:
    """formats.Positions.encode."""
    deltas = [positions[0]] + [b - a for a, b in zip(positions, positions[1:])]
    return pack_uint(len(positions)) + dumps(deltas, 2)


def _utf8(terms) -> list[bytes]:
    """The terms as Whoosh keys them, encoded in one call (no term holds a NUL)."""
    return "\0".join(terms).encode().split(b"\0") if terms else []


class Writer:
    """Adds and deletes documents; nothing is visible to searchers before commit()."""

    def __init__(self, index: whoosh_index.Index, documents: int = 0):
        # One writer whatever `documents` says: it uses a helper process at commit when large.
        try:
            self._writer = whoosh_writer.Writer(index, limitmb=WRITER_LIMIT_MB)
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

    def checkpoint(self) -> None:
        """Commit what was added so far and go on writing, in a segment of its own. Segments
        are not merged meanwhile (a merge of hundreds of thousands of documents, in Python,
        would stall the build); the build's last commit merges as Whoosh does."""
        self._close_searcher()
        self._writer.commit(merge=False)
        self._writer = whoosh_writer.Writer(self._index, limitmb=WRITER_LIMIT_MB)

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


def create(folder: Path, documents: int = 0) -> Writer:
    """A writer on a new, empty index in folder."""
    return Writer(whoosh_index.create_in(folder, SCHEMA), documents)


def open_index(folder: Path) -> Index:
    # Without mmap: Whoosh's compound segment files wrap an mmap in a private copy, about
    # 0.5 GB per searcher at 10,000 pages (a server has one per thread); read from the file,
    # a searcher takes some 30 MB and opens in a sixth of the time.
    return Index(FileStorage(str(folder), supports_mmap=False).open_index())
