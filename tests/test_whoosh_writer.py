"""The Whoosh engine's writer (search/engines/whoosh_writer.py) indexes exactly what Whoosh's
own writer indexes from the schema's analyzers: the same terms with the same postings (ids,
weights, positions, block by block), field lengths, stored fields and columns. The rest of the
suite checks what users see of the index; this checks that none of it could differ from what
the analyzers define, whether the writer keeps its postings in memory or spills them to runs,
encodes the pairs in a helper process, or merges older segments at commit."""

import io
import os
import pickle
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.writing import SegmentWriter

from search.engines import whoosh, whoosh_writer
from search.pipeline import Extracted, extract_corpus
from tests.paths import DATA, NEWS, SEEDS

FIELDS_WITH_LENGTHS = ("title", "text", "pairs")
COLUMNS = ("doc_id", "content_hash", "site", "month", "newest", "date")


@pytest.fixture(scope="module")
def articles() -> list:
    found = extract_corpus([SEEDS, DATA / "vi", DATA / "en", NEWS])
    return [(item.article, item.content_hash, item.doc_id) for item in found if isinstance(item, Extracted)]


def as_whoosh_analyses(article, prepared: dict) -> dict:
    """The document as the engine added it before it analysed in the workers: the text fields
    as text, for the schema's analyzers."""
    fields = {name: value for name, value in prepared.items() if name != "_stored_title"}
    captions = "\n".join(article.captions)
    fields["title"] = article.title
    fields["text"] = f"{article.title}\n{whoosh.BODY_MARK}{article.text}\n{whoosh.CAPTIONS_MARK}{captions}"
    fields["pairs"] = article.indexed_text
    return fields


def write(folder: Path, articles: list, ours: bool, commits: int = 1, limitmb: float = 256) -> Path:
    """An index of the articles, written by our writer or Whoosh's; with several commits the
    last one merges the segments of the others."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    ix = whoosh_index.create_in(folder, whoosh.SCHEMA)
    share = -(-len(articles) // commits)
    for at in range(0, len(articles), share):
        last = at + share >= len(articles)
        writer = whoosh_writer.Writer(ix, limitmb=limitmb) if ours else SegmentWriter(ix)
        for n, (article, content_hash, doc_id) in enumerate(articles[at : at + share]):
            prepared = whoosh.prepare(article, content_hash, doc_id, f"alias-{doc_id}")
            fields = prepared if ours else as_whoosh_analyses(article, prepared)
            writer.add_document(**fields, story=doc_id, copy=str(n % 2))
        writer.commit(optimize=last and commits > 1, merge=False)
    return folder


def postings(raw: bytes) -> list:
    """A term's posting blocks, decoded: (count, last id, top weight, shortest and longest
    length) and (ids, weights, values); how each was compressed left out."""
    assert raw[:4] == b"W3Bl"
    stream, blocks = io.BytesIO(raw[4:]), []
    while True:
        (size,) = struct.unpack("!i", stream.read(4))
        start = stream.tell()
        info = pickle.load(stream)
        data = stream.read(abs(size) - (stream.tell() - start))
        blocks.append((info[:3] + info[4:], pickle.loads(zlib.decompress(data) if info[3] else data)))
        if size < 0:
            assert not stream.read()
            return blocks


def contents(folder: Path) -> dict:
    """Everything the index holds, by what it is."""
    with whoosh_index.open_dir(folder).searcher() as searcher:
        ((segment, _),) = searcher.reader().leaf_readers()
        table, postings_file = segment._terms._tindex, segment._terms._postfile
        terms, keys = {}, [key for key, _ in table.items()]
        assert keys == sorted(set(keys))  # each term once, in order
        for key, value in table.items():
            assert table[key] == value  # found by its hash too
            offset, length = W3TermInfo.from_bytes(value).extent()
            length = length[0] if isinstance(length, tuple) else length  # Whoosh reads a tuple
            terms[key] = (value[:-12], postings(postings_file.get(offset, length)))
        count = searcher.doc_count_all()
        reader = searcher.reader()
        return {
            "terms": terms,
            "stored": [searcher.stored_fields(n) for n in range(count)],
            "lengths": {
                f: [reader.doc_field_length(n, f) for n in range(count)] for f in FIELDS_WITH_LENGTHS
            },
            "totals": {f: reader.field_length(f) for f in FIELDS_WITH_LENGTHS},
            "columns": {
                f: list(reader.column_reader(f, translate=False)) for f in COLUMNS if reader.has_column(f)
            },
        }


def assert_same(ours: dict, theirs: dict) -> None:
    assert ours["terms"].keys() == theirs["terms"].keys()
    differing = [key for key in ours["terms"] if ours["terms"][key] != theirs["terms"][key]]
    assert not differing, differing[:5]
    for part in ("stored", "lengths", "totals", "columns"):
        assert ours[part] == theirs[part], part


@pytest.fixture(scope="module")
def whoosh_wrote(articles, tmp_path_factory) -> dict:
    return contents(write(tmp_path_factory.mktemp("theirs"), articles, ours=False))


@pytest.mark.parametrize(
    "limitmb, parallel_from, unit_cost",
    [
        pytest.param(256, None, None, id="in memory"),
        pytest.param(0.3, None, None, id="spilled to runs"),
        pytest.param(256, 0, 64, id="units shared with a helper process"),
        pytest.param(0.3, 0, 8, id="runs read by units, shared with a helper"),
    ],
)
def test_the_writer_indexes_what_the_analyzers_define(
    articles, whoosh_wrote, tmp_path, monkeypatch, limitmb, parallel_from, unit_cost
):
    if parallel_from is not None:
        monkeypatch.setattr(whoosh_writer, "PARALLEL_FROM", parallel_from)
        monkeypatch.setattr(whoosh_writer, "UNIT_COST", unit_cost)
    found = contents(write(tmp_path / "ours", articles, ours=True, limitmb=limitmb))
    assert len(found["terms"]) > 5000 and len(found["stored"]) == len(articles)
    assert_same(found, whoosh_wrote)


def test_a_commit_merging_segments_gives_what_whoosh_merging_gives(articles, tmp_path):
    theirs = contents(write(tmp_path / "theirs", articles, ours=False, commits=3))
    assert_same(contents(write(tmp_path / "ours", articles, ours=True, commits=3)), theirs)


def test_a_failing_helper_fails_the_commit_and_leaves_no_files(articles, tmp_path, monkeypatch):
    monkeypatch.setattr(whoosh_writer, "PARALLEL_FROM", 0)
    parent = os.getpid()

    def fails_in_the_helper(*args):
        if os.getpid() != parent:
            raise OSError("disk full")
        return encoded(*args)

    encoded = whoosh_writer.encoded
    monkeypatch.setattr(whoosh_writer, "encoded", fails_in_the_helper)
    ix = whoosh_index.create_in(tmp_path, whoosh.SCHEMA)
    writer = whoosh_writer.Writer(ix)
    for article, content_hash, doc_id in articles:
        writer.add_document(**whoosh.prepare(article, content_hash, doc_id, "a"), story="s", copy="0")
    with pytest.raises(RuntimeError, match="helper process failed"):
        writer.commit()
    writer.cancel()
    assert whoosh_index.open_dir(tmp_path).doc_count() == 0  # the commit never happened
    assert not [path for path in tmp_path.rglob("*") if ".tmp" in str(path)]  # its files went
