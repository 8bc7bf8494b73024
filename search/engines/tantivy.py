"""The tantivy engine: a compiled (Rust) core for large archives. Articles -> a tantivy index;
plans -> hits.

analysis.words is handed over as whitespace-joined streams (see analysis.term_streams): `text`
the folded words of title, body and captions, `exact` those written with accents, as written,
`title`/`title_exact` the title's, `pairs` the folded neighbour pairs. The folded stream holds
every word once, so its field length counts syllables. The title weighs more through a
boosted title clause beside each text clause. The article is stored zstd-packed JSON (tantivy_store).
"""

import json
from datetime import datetime
from pathlib import Path

import tantivy

from search.analysis import holds_run, term_streams
from search.engines import Results, StoredArticle, aware, earliest_first, month_of, ranked_facets
from search.engines.tantivy_query import (
    ALL,
    COPIES,
    COPY,
    aggregations,
    facets_of,
    newest_months,
    plan_query,
    within_months,
)
from search.engines.tantivy_store import TRAINING_ARTICLES, Packer, Unpacker
from search.limits import MAX_PHRASE_CHECKS, WRITER_MEMORY_MB
from search.query.plan import FACETS, Plan

NAME = "tantivy"
# The writer's memory for segments in the making, and its indexing threads: analysis happens
# in Python worker processes, so tantivy's own work is light and one thread keeps up.
HEAP_BYTES = WRITER_MEMORY_MB * 1_000_000
THREADS = 1
TERMS_TOKENIZER = "terms"  # splits on whitespace only: analysis has made the terms


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in ("doc_id", "alias", "path"):
        builder.add_text_field(name, tokenizer_name="raw")
    for name in FACETS:  # "site", "month": counted by aggregations, so fast fields
        builder.add_text_field(name, tokenizer_name="raw", fast=True)
    # Only the title keeps positions: a phrase in the text is matched by its neighbour pairs
    # (tantivy_query; the text's positions were a fifth of the index). The exact streams say
    # which accents an article has, and how often. The pairs only filter phrases and score as
    # words do, so they keep no frequencies.
    builder.add_text_field("text", tokenizer_name=TERMS_TOKENIZER, index_option="freq")
    builder.add_text_field("title", tokenizer_name=TERMS_TOKENIZER, index_option="position")
    for name in ("exact", "title_exact"):
        builder.add_text_field(name, tokenizer_name=TERMS_TOKENIZER, index_option="freq")
    builder.add_text_field("pairs", tokenizer_name=TERMS_TOKENIZER, index_option="basic")
    builder.add_text_field("story", tokenizer_name="raw", stored=True)  # stories.py
    builder.add_unsigned_field("copy", indexed=True)  # 1: a copy in its story, 0: its first article
    builder.add_date_field("date", indexed=True, fast=True)
    builder.add_bytes_field("stored", stored=True)
    return builder.build()


SCHEMA = _schema()


def prepare(article, content_hash: str, doc_id: str, alias: str) -> dict:
    """The document's fields as strings (made in a worker process: cheap to send)."""
    text, exact, pairs = term_streams(article.indexed_text)
    title, title_exact, _ = term_streams(article.title)
    stored = {
        "doc_id": doc_id,
        "path": article.path,
        "title": article.title,
        "body": article.text,
        "captions": article.captions,
        "date": aware(article.date).isoformat() if article.date else None,
        "site": article.site,
        "url": article.url,
        "byline": article.byline,
        "content_hash": content_hash,
    }
    fields = {
        "doc_id": doc_id,
        "alias": alias,
        "path": article.path,
        "text": text,
        "exact": exact,
        "title": title,
        "title_exact": title_exact,
        "pairs": pairs,
        "stored": json.dumps(stored, ensure_ascii=False).encode("utf-8"),
    }
    if article.site:
        fields["site"] = article.site
    if article.date:
        fields["date"] = aware(article.date)
        fields["month"] = month_of(article.date)
    return fields


def _with_tokenizer(index: tantivy.Index) -> tantivy.Index:
    index.register_tokenizer(
        TERMS_TOKENIZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
    )
    return index


class Writer:
    """Adds and deletes documents; nothing is visible to searchers before commit(). Until the
    index has its store dictionary, a writer holds articles back to train it on them
    (tantivy_store); a commit with too few to train on adds them as plain zstd frames and
    keeps them as samples."""

    def __init__(self, index: tantivy.Index, folder: Path):
        try:
            self._writer = index.writer(heap_size=HEAP_BYTES, num_threads=THREADS)
        except ValueError as error:  # tantivy's lock: another writer holds the index
            raise BlockingIOError(f"another process is writing the index ({error})") from None
        self._index = index
        self._packer = Packer(folder)
        self._held: list[tuple[dict, str, bool]] = []
        self._samples: list[bytes] = []  # of articles added plain before there were enough

    def add(self, prepared: dict, story: str, copy: bool) -> None:
        if not self._packer.ready:
            self._held.append((prepared, story, copy))
            if len(self._samples) + len(self._held) >= TRAINING_ARTICLES:
                self._add_held()
            return
        self._add(prepared, story, copy)

    def _add(self, prepared: dict, story: str, copy: bool) -> None:
        document = tantivy.Document(
            **dict(prepared, stored=self._packer.pack(prepared["stored"]), story=story)
        )
        document.add_unsigned("copy", int(copy))
        self._writer.add_document(document)

    def _add_held(self) -> None:
        if not self._held:
            return
        samples = self._samples + [prepared["stored"] for prepared, _, _ in self._held]
        self._samples = [] if self._packer.train(samples) or self._packer.ready else samples
        held, self._held = self._held, []
        for document in held:
            self._add(*document)

    def delete(self, doc_id: str) -> None:
        # A held article goes as if it had been added (the dictionary waits for the others).
        self._held = [held for held in self._held if held[0]["doc_id"] != doc_id]
        self._writer.delete_documents_by_term("doc_id", doc_id)

    def commit(self) -> None:
        self._add_held()
        self._writer.commit()
        self._writer.wait_merging_threads()
        self._index.reload()

    def checkpoint(self) -> None:
        """Commit what was added so far and go on writing (merges run on meanwhile)."""
        self._add_held()
        self._writer.commit()

    def cancel(self) -> None:
        self._held, self._samples = [], []
        self._writer.rollback()
        self._writer.wait_merging_threads()


class Index:
    def __init__(self, index: tantivy.Index, folder: Path):
        self._index = index
        self.folder = folder

    def searcher(self) -> "Searcher":
        return Searcher(self._index, self.folder)

    def writer(self, documents: int = 0) -> Writer:
        return Writer(self._index, self.folder)

    def doc_count(self) -> int:
        return self._index.searcher().num_docs

    def close(self) -> None:
        pass  # tantivy closes its files when the index object goes


def create(folder: Path, documents: int = 0) -> Writer:
    """A writer on a new, empty index in folder."""
    return Writer(_with_tokenizer(tantivy.Index(SCHEMA, path=str(folder))), folder)


def open_index(folder: Path) -> Index:
    if not tantivy.Index.exists(str(folder)):
        raise FileNotFoundError(f"no tantivy index in {folder}")
    return Index(_with_tokenizer(tantivy.Index.open(str(folder))), folder)


class Searcher:
    """Searches the index's last commit as of refresh() (a tantivy searcher is a snapshot)."""

    plain_spellings = False  # a plain syllable is indexed only in its folded form

    def __init__(self, index: tantivy.Index, folder: Path):
        self._index = index
        self._meta = folder / "meta.json"  # tantivy rewrites it at each commit
        self._seen = self._stamp()
        self._searcher = index.searcher()
        # Its own schema: a query names fields by number (an older index answers in a rebuild).
        self._schema = index.schema
        self._frequencies: dict[tuple[str, str], int] = {}  # of this snapshot: a query asks dozens
        self._apart: dict[tuple, list[str]] = {}  # of this snapshot: (phrase, filters) -> doc ids
        self._unpacker = Unpacker(folder)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def refresh(self) -> "Searcher":
        """Move on to the last commit (an update in place), if there was one since."""
        stamp = self._stamp()
        if stamp != self._seen:
            self._index.reload()
            self._searcher, self._seen = self._index.searcher(), stamp
            self._frequencies, self._apart = {}, {}
        return self

    def _stamp(self) -> int:
        try:
            return self._meta.stat().st_mtime_ns
        except OSError:
            return 0

    def close(self) -> None:
        self._searcher = None

    def doc_count(self) -> int:
        return self._searcher.num_docs

    def doc_frequency(self, form: str, term: str) -> int:
        found = self._frequencies.get((form, term))
        if found is None:
            if len(self._frequencies) >= _MAX_FREQUENCIES:
                self._frequencies.clear()
            field = {"folded": "text", "exact": "exact", "pairs": "pairs"}[form]
            found = self._frequencies[form, term] = self._searcher.doc_freq(field, term)
        return found

    def copy_count(self) -> int:
        return self._searcher.doc_freq("copy", 1)

    def search(self, plan: Plan) -> Results:
        # Every match is counted (by the aggregation when there is one, else by the search);
        # the total is capped all the same, so both engines say "at least" past one point.
        matches = plan_query(plan, self._schema, self._searcher, self._held_apart, counting=True)
        wanted = plan.count_originals or plan.facets
        counted = self._searcher.aggregate(matches, aggregations(plan)) if wanted else None
        count = counted[ALL]["doc_count"] if counted else None
        if plan.sort == "date":  # only the newest months holding enough matches are read
            months = newest_months(counted and counted["month"], plan.limit)
            query = within_months(matches, self._schema, months) if months else matches
            found = self._searcher.search(
                query, plan.limit, count=count is None, order_by_field="date", order=tantivy.Order.Desc
            )
            hits = [(0.0, address) for _, address in found.hits]
        else:
            scored = plan_query(plan, self._schema, self._searcher, self._held_apart)
            found = self._searcher.search(scored, plan.limit, count=count is None)
            hits = list(found.hits)
        count = found.count if count is None else count
        results = Results(min(count, plan.count_up_to), hits, exact=count <= plan.count_up_to)
        if plan.count_originals:
            results.originals = count - counted[COPIES]["doc_count"]
        if plan.facets:
            results.facets = ranked_facets(facets_of(counted))
        return results

    def _held_apart(self, words: tuple[str, ...], holders: tantivy.Query, scope: tuple) -> list[str]:
        """The articles holding every neighbour pair of a phrase (its folded words; `holders`,
        within the filters `scope` names) but not the words in a row, read from their stored
        text; none when more than MAX_PHRASE_CHECKS hold the pairs (then those decide)."""
        found = self._apart.get((words, scope))
        if found is None:
            hits = self._searcher.search(holders, MAX_PHRASE_CHECKS + 1, count=False).hits
            found = []
            if len(hits) <= MAX_PHRASE_CHECKS:
                articles = (self.stored(address) for _, address in hits)
                found = [a.doc_id for a in articles if not holds_run(a.indexed_text, words)]
            if len(self._apart) >= _MAX_PHRASES:
                self._apart.clear()
            self._apart[words, scope] = found
        return found

    def _term(self, field: str, value) -> tantivy.Query:
        return tantivy.Query.term_query(self._schema, field, value)

    def stored(self, address) -> StoredArticle:
        document = self._searcher.doc(address)
        data = json.loads(self._unpacker.unpack(document["stored"][0]))
        date = data.pop("date")
        story = document.get_first("story") or ""
        return StoredArticle(**data, date=datetime.fromisoformat(date) if date else None, story=story)

    def copies(self, story: str, limit: int) -> list[StoredArticle]:
        query = tantivy.Query.boolean_query(
            [(_MUST, self._term("story", story)), (_MUST, self._term("copy", COPY))]
        )
        found = self._searcher.search(query, limit, count=False)
        return sorted((self.stored(address) for _, address in found.hits), key=_newest_first)

    def story_articles(self, story: str, limit: int, besides: str = "") -> list[StoredArticle]:
        # Most stories are one article: the term's count (with deleted ones) says so, unsearched.
        if self._searcher.doc_freq("story", story) <= (1 if besides else 0):
            return []
        query = tantivy.Query.boolean_query(
            [(_MUST, self._term("story", story)), (_NOT, self._term("doc_id", besides))]
        )
        found = self._searcher.search(
            query, limit, count=False, order_by_field="date", order=tantivy.Order.Asc
        )
        return sorted((self.stored(address) for _, address in found.hits), key=earliest_first)

    def stories_of(self, handles: list) -> list[str]:
        # The document's stored fields without parsing the article's JSON: a quarter of the cost.
        stories = [self._searcher.doc(address).get_first("story") for address in handles]
        return [story or self.stored(address).doc_id for story, address in zip(stories, handles)]

    def article(self, doc_id: str) -> StoredArticle | None:
        for field in ("doc_id", "alias"):
            found = self._searcher.search(self._term(field, doc_id), 1, count=False)
            if found.hits:
                return self.stored(found.hits[0][1])
        return None

    def indexed_hashes(self) -> dict[str, str]:
        every = self._searcher.search(tantivy.Query.all_query(), max(1, self.doc_count()), count=False)
        return {(a := self.stored(address)).doc_id: a.content_hash for _, address in every.hits}


_MUST, _NOT = tantivy.Occur.Must, tantivy.Occur.MustNot
_MAX_FREQUENCIES = 100_000  # document frequencies kept per snapshot, at most
_MAX_PHRASES = 1_000  # phrases whose articles holding their pairs apart are kept, at most


def _newest_first(article: StoredArticle) -> float:
    return -article.date.timestamp() if article.date else 0.0
