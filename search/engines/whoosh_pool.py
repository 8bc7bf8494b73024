"""Postings as documents come -> each field's terms in order, each with all its postings.

Input: a document's analysed terms (whoosh_writer.Analysed), or single postings as Whoosh's
own pool takes them (when a commit merges small segments). Output: for a field, its terms in
byte order, each with its postings: [docnum, weight, value, docnum, weight, value, ...],
docnums rising. Past the memory budget (an estimate) the postings go to a run file on disk,
sorted by field and term; runs are merged back term by term (not posting by posting, as
Whoosh's pool does), and a field's terms, or a range of them, are read without the rest.
"""

import gc
import heapq
import marshal
import struct
from bisect import bisect_left, bisect_right
from itertools import islice, repeat

from whoosh.util import random_name

# Bytes a posting and a new term hold, beyond their values (list slots; the term's key, list
# and dict entry): the budget's estimate, a little above what sys.getsizeof counts (86 MB for
# 600 archive pages, estimated at 92).
POSTING_BYTES, TERM_BYTES = 28, 140
# A record of a run file: this many terms, or fewer holding this many postings (a merge holds
# a record of each run at once: common words' long lists would make one of 4,096 terms 30 MB).
RECORD_TERMS, RECORD_POSTINGS = 4096, 65_536
FREEZE_BYTES = 32 << 20  # the estimate's growth between two freezes of the collector
_RECORD = struct.Struct("!I")  # a record's size, written before it
_LAST = 1 << 62  # after any offset: (term, _LAST) sorts after a record starting at term


class Pool:
    """A segment's postings in the making (see the module's docstring)."""

    def __init__(self, storage, limitmb: float):
        self.fields: dict[str, dict[bytes, list]] = {}
        self._storage = storage
        self._limit = limitmb * 1024 * 1024
        self._size = 0
        self._runs: list[tuple[str, dict[str, list]]] = []  # file, field -> its records' starts
        self._sorted: dict[str, list] = {}  # field -> its terms in memory, sorted, once asked for
        self._spilled = 0  # terms written to runs
        self._frozen = 0  # the estimate when the collector last froze what it tracks

    def add_analysed(self, name: str, docnum: int, analysed) -> None:
        if not analysed.terms:
            return  # no field without terms (Whoosh's writer gives none an id)
        postings = self.fields.get(name)
        if postings is None:
            postings = self.fields[name] = {}
        get, new = postings.get, 0
        for term, weight, value in zip(analysed.terms, analysed.weights, analysed.values or repeat(None)):
            found = get(term)
            if found is None:
                postings[term] = [docnum, weight, value]
                new += 1
            else:
                found += (docnum, weight, value)
        self._grow(len(analysed.terms) * POSTING_BYTES + analysed.size + new * TERM_BYTES)

    def add(self, item: tuple) -> None:
        """Whoosh's pool interface: (field, term bytes, docnum, weight, value bytes)."""
        name, term, docnum, weight, value = item
        postings = self.fields.setdefault(name, {})
        found = postings.get(term)
        if found is None:
            postings[term] = [docnum, weight, value]
        else:
            found += (docnum, weight, value)
        self._grow(POSTING_BYTES + len(value or b"") + (TERM_BYTES if found is None else 0))

    def _grow(self, size: int) -> None:
        self._size += size
        if self._size > self._limit:
            self._spill()
        elif self._size > self._frozen + FREEZE_BYTES:
            # The postings' lists live until the segment is written and hold no cycles; the
            # collector would walk them all at each full collection (a sixth of this process's
            # time at 2,000 pages). Frozen, it leaves them be; cleanup() thaws them.
            gc.freeze()
            self._frozen = self._size

    def _spill(self) -> None:
        name, records = f"{random_name()}.run", {}
        with self._storage.create_file(name).raw_file() as run:
            for field in sorted(self.fields):
                terms = sorted(self.fields[field].items())
                records[field] = starts = []  # (first term, offset) of each record, then the end
                for chunk in _chunks(terms):
                    starts.append((chunk[0][0], run.tell()))
                    # Its size first: marshal.load on a file reads it a few bytes at a time.
                    record = marshal.dumps(([t for t, _ in chunk], [p for _, p in chunk]))
                    run.write(_RECORD.pack(len(record)) + record)
                starts.append((None, run.tell()))
        self._runs.append((name, records))
        self._spilled += sum(map(len, self.fields.values()))
        self.fields, self._size, self._sorted, self._frozen = {}, 0, {}, 0

    def field_names(self) -> list[str]:
        names = set(self.fields)
        for _, records in self._runs:
            names.update(records)
        return sorted(names)

    def ranges(self, name: str, cost: int) -> list[tuple[bytes | None, bytes | None]]:
        """A field's terms cut into ranges (start, stop) of about `cost` each, as the terms in
        memory count it: a term, and a term for every 8 postings (a long posting list takes
        its blocks' pickling and compressing). Runs hold terms like those in memory."""
        bounds, spent = [None], 0
        for term, postings in self._in_memory(name):
            spent += 1 + len(postings) // 24
            if spent >= cost:
                bounds.append(term)
                spent = 0
        bounds.append(None)
        return list(zip(bounds, bounds[1:]))

    def term_count(self) -> int:
        """Terms in memory and in runs (a term in several counted in each)."""
        return sum(map(len, self.fields.values())) + self._spilled

    def _in_memory(self, name: str) -> list:
        found = self._sorted.get(name)
        if found is None:
            found = self._sorted[name] = sorted(self.fields.get(name, {}).items())
        return found

    def terms(self, name: str, start: bytes | None = None, stop: bytes | None = None):
        """(term, postings) of a field from `start` up to `stop` (None: from the first, to the
        last), in byte order: what Whoosh's term table wants."""
        memory = self._in_memory(name)
        first = 0 if start is None else bisect_left(memory, (start,))
        end = len(memory) if stop is None else bisect_left(memory, (stop,))
        runs = [(run, records[name]) for run, records in self._runs if name in records]
        if not runs:
            yield from islice(memory, first, end)
            return
        sources = [self._read(run, records, start, stop, n) for n, (run, records) in enumerate(runs)]
        in_memory = ((term, len(runs), postings) for term, postings in islice(memory, first, end))
        # Ties go to the earlier source: runs come in document order, so docnums keep rising.
        merged = heapq.merge(*sources, in_memory)
        first = next(merged, None)
        if first is None:
            return
        term, _, postings = first
        for next_term, _, more in merged:
            if next_term == term:
                postings += more
            else:
                yield term, postings
                term, postings = next_term, more
        yield term, postings

    def _read(self, name: str, records: list, start: bytes | None, stop: bytes | None, source: int):
        """A run's terms of a field from `start` up to `stop`, reading only the records that
        may hold them."""
        at = 0 if start is None else max(0, bisect_right(records, (start, _LAST), hi=len(records) - 1) - 1)
        with self._storage.open_file(name).raw_file() as run:
            run.seek(records[at][1])
            for first, _ in records[at:-1]:
                if stop is not None and first >= stop:
                    return
                (size,) = _RECORD.unpack(run.read(_RECORD.size))
                terms, lists = marshal.loads(run.read(size))
                low = 0 if start is None else bisect_left(terms, start)
                high = len(terms) if stop is None else bisect_left(terms, stop)
                yield from zip(terms[low:high], repeat(source), lists[low:high])

    def cleanup(self) -> None:
        for name, _ in self._runs:
            if self._storage.file_exists(name):
                self._storage.delete_file(name)
        self._runs, self.fields, self._sorted = [], {}, {}
        gc.unfreeze()


def _chunks(terms: list):
    """The sorted (term, postings) cut into the records of a run file."""
    chunk, held = [], 0
    for item in terms:
        chunk.append(item)
        held += len(item[1])
        if len(chunk) >= RECORD_TERMS or held >= 3 * RECORD_POSTINGS:
            yield chunk
            chunk, held = [], 0
    if chunk:
        yield chunk
