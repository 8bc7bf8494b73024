"""Analysed documents -> a Whoosh segment, written without Whoosh's posting pool.

Input: documents whose text fields come analysed from the extraction workers (`Analysed`:
each term with its weight and its encoded positions or frequency, and the field's length),
their other fields as Whoosh takes them. Output: a segment in Whoosh 2.7's own format (the W3
codec): the terms, postings, lengths and stored fields that Whoosh's SegmentWriter writes from
the schema's analyzers (tests/test_whoosh_writer.py compares the two, posting by posting).

Why: Whoosh's writer sends each posting through its sorting pool as a tuple, pickles it to a
run file and back, merges the runs posting by posting and looks up each posting's field length
in a column: at 2,000 archive pages (2,000 postings and 280 new terms a page, most of them
pairs) 29 ms of a page's 35. Here postings gather term by term (whoosh_pool.py) and each term
is encoded once (whoosh_blocks.py), by this process and a forked helper taking units of terms
in turn: the extraction workers are done by then, and their core is free.
"""

import multiprocessing
from typing import NamedTuple

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.system import pack_int, pack_long, pack_ushort, unpack_long
from whoosh.util import random_name
from whoosh.writing import SegmentWriter

from search.engines.whoosh_blocks import Appender, TermTable, encoded
from search.engines.whoosh_pool import Pool
from search.processes import die_with_parent

# The terms are encoded in units of about this cost (whoosh_pool.Pool.ranges), by this process
# and a helper, from this many terms in memory on (a fork costs more than it saves below).
UNIT_COST = 16_384
PARALLEL_FROM = 50_000


class Analysed(NamedTuple):
    """A field's terms as the writer takes them (made in a worker process)."""

    terms: list[bytes]  # UTF-8, as Whoosh keys them
    weights: list  # each term's weight (an int where whole: less memory once unpickled)
    # Each term's encoded positions, or its one position as an int; None: each weight is the
    # term's frequency (whoosh_blocks.py encodes these).
    values: list[bytes | int] | None
    length: int  # the field's length, as BM25 counts it
    size: int  # bytes `values` take, for the memory budget


class Writer(SegmentWriter):
    """Whoosh's SegmentWriter with its pool replaced: `Analysed` field values go straight into
    the postings; other values through their field's analyzer, as Whoosh does."""

    def __init__(self, ix, limitmb: float = 128, **kwargs):
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = Pool(self._tempstorage, limitmb)

    def add_document(self, **fields):
        self._check_state()
        perdoc, schema, docnum, pool = self.perdocwriter, self.schema, self.docnum, self.pool
        perdoc.start_doc(docnum)
        for name in sorted(name for name in fields if not name.startswith("_")):
            value = fields[name]
            if value is None:
                continue
            field = schema[name]
            if isinstance(value, Analysed):
                pool.add_analysed(name, docnum, value)
                length, value = value.length, fields.get(f"_stored_{name}")
            else:
                length = 0
                if field.indexed:
                    for tbytes, freq, weight, vbytes in field.index(value):
                        length += freq if field.scorable else 0
                        pool.add((name, tbytes, docnum, weight, vbytes))
                value = fields.get(f"_stored_{name}", value)
            perdoc.add_field(name, field, value if field.stored else None, length)
            if field.column_type and value is not None:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self):
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        try:
            self._write_terms(lengths)
        finally:
            lengths.close()
        self.fieldwriter.close()

    def _write_terms(self, lengths) -> None:
        doc_lengths = {}
        for name in self.pool.field_names():
            column = lengths._cached_reader(_lenfield(name), LENGTHS_COLUMN)
            doc_lengths[name] = bytes(column) if column is not None else bytes(self.docnum)
        fieldwriter = self.fieldwriter
        postings, table = Appender(fieldwriter._postfile), TermTable(fieldwriter._tindex)
        units = [(name, *span) for name in doc_lengths for span in self.pool.ranges(name, UNIT_COST)]
        if self.pool.term_count() < PARALLEL_FROM:
            found = (self._encode(unit, doc_lengths, postings) for unit in units)
        else:
            found = _Parallel(self, units, doc_lengths, postings).entries()
        current = None
        for (name, *_), entries in zip(units, found):
            if name != current:  # field ids in name order, as Whoosh's writer gives them
                current = name
                fieldwriter.start_field(name, self.schema[name])
                prefix = pack_ushort(fieldwriter._fieldid)
            for term, value in entries:
                table.add(prefix + term, value)
        postings.flush()
        table.finish()

    def _encode(self, unit: tuple, doc_lengths: dict[str, bytes], out: Appender):
        """(term, term info) of each term of a unit (field, start, stop), its postings added to
        `out`."""
        name = unit[0]
        fixed, lengths = self.schema[name].format.fixed_value_size(), doc_lengths[name]
        for term, postings in self.pool.terms(*unit):
            data, info = encoded(postings, lengths, fixed)
            yield term, info + pack_long(out.offset) + pack_int(len(data))
            out.add(data)


class _Parallel:
    """Units of terms encoded by this process and a forked helper, each taking the next unit
    not taken (so neither waits for the other's share). The helper writes a unit's postings and
    term table entries to files of its own; they are spliced into the segment in unit order,
    as soon as the units before are, so little waits in memory or is left for the end."""

    def __init__(self, writer: Writer, units: list, doc_lengths: dict, postings: Appender):
        self._writer, self._units, self._lengths, self._postings = writer, units, doc_lengths, postings
        self._storage = writer.temp_storage()
        self._prefix = random_name()
        context = multiprocessing.get_context("fork")
        self._next = context.Value("i", 0)
        self._helper = context.Process(target=self._help, daemon=True)

    def _take(self) -> int | None:
        with self._next.get_lock():
            taken = self._next.value
            self._next.value += 1
        return taken if taken < len(self._units) else None

    def _file(self, number: int, kind: str) -> str:
        return f"{self._prefix}-{number}.{kind}"

    def _help(self) -> None:
        die_with_parent()
        while (number := self._take()) is not None:
            postings = self._storage.create_file(self._file(number, "pst"))
            out = Appender(postings)
            out.offset = 0  # its terms' offsets count from the start of this file
            entries = list(self._writer._encode(self._units[number], self._lengths, out))
            out.flush()
            postings.close()
            with self._storage.create_file(self._file(number, "part")) as file:
                file.write_pickle(entries)
            self._storage.rename_file(self._file(number, "part"), self._file(number, "ent"))

    def entries(self):
        """Each unit's term table entries, in unit order, its postings in the segment's."""
        self._helper.start()
        try:
            mine, due = {}, 0
            while (number := self._take()) is not None:
                mine[number] = list(self._writer._encode(self._units[number], self._lengths, self._postings))
                while due in mine or self._storage.file_exists(self._file(due, "ent")):
                    yield mine.pop(due) if due in mine else self._spliced(due)
                    due += 1
            self._helper.join()
            if self._helper.exitcode != 0:
                raise RuntimeError(f"the Whoosh writer's helper process failed ({self._helper.exitcode})")
            for number in range(due, len(self._units)):
                yield mine.pop(number) if number in mine else self._spliced(number)
        finally:
            if self._helper.is_alive():
                self._helper.terminate()
                self._helper.join()

    def _spliced(self, number: int) -> list:
        """A unit the helper encoded: its postings appended, its entries pointed at them."""
        name = self._file(number, "pst")
        base = self._postings.offset
        with self._storage.open_file(name) as source:
            self._postings.copy_from(source, self._storage.file_length(name))
        self._storage.delete_file(name)
        with self._storage.open_file(self._file(number, "ent")) as file:
            entries = file.read_pickle()
        self._storage.delete_file(self._file(number, "ent"))
        return [
            (term, value[:-12] + pack_long(base + unpack_long(value[-12:-4])[0]) + value[-4:])
            for term, value in entries
        ]
