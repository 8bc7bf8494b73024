"""A term's postings -> its bytes in a Whoosh segment: posting blocks and term info (W3 codec).

Input: one term's postings as whoosh_pool.py holds them ([docnum, weight, value, docnum, ...],
docnums rising) and its field's length bytes by document. Output: the bytes Whoosh 2.7's
W3PostingsWriter writes for them (blocks of 128 postings, each with its pickled info: count,
last id, top weight, compression, shortest and longest field length), and the W3TermInfo the
term table keys them by. `TermTable` and `Appender` write the files in large pieces.

Whoosh does this posting by posting through method calls with type checks, asking the file
for its offset each time; here a term is encoded in one call, and a term in one document (most
pairs) in fewer steps still.
"""

import struct
import zlib
from array import array
from hashlib import md5
from operator import sub
from pickle import dumps

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.system import pack_int, pack_uint

BLOCK = 128  # postings a block (W3Codec's blocklimit)
# zlib level: 1 takes a quarter less time than W3Codec's 3 on a block of positions, for 3% more
# bytes (readers only ask whether a block is compressed).
COMPRESSION = 1
# zlib costs several microseconds a call and grows what it cannot shrink: a shorter block is
# left as it is (its info says so; Whoosh meant to, but compressed them all).
COMPRESS_FROM = 128  # bytes of a block's pickle
PIECES = 4096  # writes gathered into one

_TERM_INFO = W3TermInfo._struct
_FLOAT32 = struct.Struct("f")
_LENGTHS = struct.Struct("!ii")  # filetables._lengths: a term table entry's key and value sizes


def encoded(postings: list, doc_lengths: bytes, fixed: int | None) -> tuple[bytes, bytes]:
    """A term's postings as W3PostingsWriter writes them, and its W3TermInfo's bytes but for
    their place in the file (an offset and a length, added by the caller). `doc_lengths`: each
    document's field length as Whoosh stores it (a byte, 0 for none); `fixed`: the size of the
    field format's values (Format.fixed_value_size). A value of None is a frequency fields
    take as their weight (see Analysed)."""
    if len(postings) == 3:  # most terms (pairs above all) are in one document
        return _one(*postings, doc_lengths, fixed)
    docs, weights, values = postings[0::3], postings[1::3], postings[2::3]
    out = [WHOOSH3_HEADER_MAGIC]
    total, count, lows, highs = 0.0, len(docs), [], []
    for at in range(0, count, BLOCK):
        ids, block_weights = docs[at : at + BLOCK], weights[at : at + BLOCK]
        stored_weights = array("f", block_weights)  # blocks keep 32-bit weights
        total += sum(stored_weights)
        lengths = bytes(map(doc_lengths.__getitem__, ids))
        low = min(filter(None, lengths), default=0)
        lows.append(low)
        highs.append(max(lengths))
        data = _pickled(
            (
                (ids[0], *map(sub, ids[1:], ids)),
                _mini_weights(stored_weights),
                _mini_values(values[at : at + BLOCK], block_weights, fixed),
            )
        )
        data, compression = _compressed(data)
        info = _pickled((len(ids), ids[-1], float(max(block_weights)), compression, low, highs[-1]))
        size = len(info) + len(data)
        out += (pack_int(-size if at + BLOCK >= count else size), info, data)
    low = min(filter(None, lows), default=0)
    info = _TERM_INFO.pack(0, total, count, low, max(highs), float(max(weights)), docs[0], docs[-1])
    return b"".join(out), info


def _one(doc: int, weight, value, doc_lengths: bytes, fixed: int | None) -> tuple[bytes, bytes]:
    stored = _FLOAT32.unpack(_FLOAT32.pack(weight))[0]
    length = doc_lengths[doc]
    if fixed is None or fixed < 0:
        value = (_POSITION[value],)
    elif fixed == 0:
        value = None
    elif value is None:
        value = pack_uint(weight)
    data, compression = _compressed(_pickled(((doc,), None if stored == 1.0 else stored, value)))
    info = _pickled((1, doc, float(weight), compression, length, length))
    encoded = WHOOSH3_HEADER_MAGIC + pack_int(-len(info) - len(data)) + info + data
    return encoded, _TERM_INFO.pack(0, stored, 1, length, length, float(weight), doc, doc)


def _pickled(value) -> bytes:
    return dumps(value, 2)  # as Whoosh writes and reads its blocks


def _compressed(data: bytes) -> tuple[bytes, int]:
    if len(data) < COMPRESS_FROM:
        return data, 0
    return zlib.compress(data, COMPRESSION), COMPRESSION


def _mini_weights(weights: array):
    if weights.count(1.0) == len(weights):
        return None
    if weights.count(weights[0]) == len(weights):
        return weights[0]
    return tuple(weights)


def _mini_values(values: list, weights: list, fixed: int | None):
    if fixed is None or fixed < 0:
        return tuple(map(_POSITION.__getitem__, values))
    if fixed == 0:
        return None
    if values.count(None) == len(values):
        return struct.pack(f"!{len(weights)}I", *weights)
    return b"".join(pack_uint(int(w)) if v is None else v for v, w in zip(values, weights))


class _Positions(dict):
    """A value as the block holds it: bytes as they are; an int, the one position of a term in
    a document (see Analysed), encoded as formats.Positions.encode encodes [position]."""

    def __missing__(self, value):
        if type(value) is bytes:
            return value
        encoded = pack_uint(1) + dumps([value], 2)
        if value < 1 << 16:
            self[value] = encoded
        return encoded


_POSITION = _Positions()


class Appender:
    """A file written in large pieces, keeping its offset without asking the file."""

    def __init__(self, file):
        self._file, self._pieces = file, []
        self.offset = file.tell()

    def add(self, piece: bytes) -> None:
        self._pieces.append(piece)
        self.offset += len(piece)
        if len(self._pieces) >= PIECES:
            self.flush()

    def flush(self) -> None:
        self._file.write(b"".join(self._pieces))
        self._pieces = []

    def copy_from(self, source, size: int) -> None:
        """`size` bytes of an open file, appended."""
        self.flush()
        while size > 0:
            piece = source.read(min(size, 1 << 20))
            if not piece:
                raise OSError("a helper's postings file ended early")
            self._file.write(piece)
            size -= len(piece)
            self.offset += len(piece)


class TermTable(Appender):
    """Whoosh's OrderedHashWriter (the term table) fed in bulk, keys in order. Its own `add`
    asks the file for its offset twice and writes three times a term, and it keeps a tuple of
    two ints a term for its hash tables (150 MB at 10,000 pages); here the offsets and hashes
    go into arrays, and its hash tables are written from them when it closes (the same tables:
    entries placed in the same order, by the same linear probing)."""

    def __init__(self, table):
        super().__init__(table.dbfile)
        self._table = table
        self._offsets = array("q")  # each key's, in key order: the table's ordered index
        self._hashes = [array("L") for _ in range(256)]  # by bucket, each key's hash...
        self._places = [array("q") for _ in range(256)]  # ...and offset
        table._write_hashes = self._write_hashes  # what its close() calls

    def add(self, key: bytes, value: bytes) -> None:
        offset = self.offset
        self._offsets.append(offset)
        digest = int.from_bytes(md5(key).digest()[12:], "big")  # filetables.md5_hash
        self._hashes[digest & 255].append(digest)
        self._places[digest & 255].append(offset)
        super().add(_LENGTHS.pack(len(key), len(value)) + key + value)

    def finish(self) -> None:
        """Write what is held, and hand the ordered index to the table (its close() writes
        it; the type is the one Whoosh's GrowableArray would have grown it to)."""
        self.flush()
        biggest = max(self._offsets, default=0)
        kind = "H" if biggest < 1 << 16 else "i" if biggest < 1 << 31 else "I" if biggest < 1 << 32 else "q"
        self._table.index.array = array(kind, self._offsets)

    def _write_hashes(self) -> None:
        """HashWriter._write_hashes from the arrays."""
        file, directory = self._table.dbfile, self._table.directory
        for hashes, places in zip(self._hashes, self._places):
            size = 2 * len(hashes)
            directory.append((file.tell(), size))
            taken, digests = [0] * size, [0] * size  # offset 0: empty (the file has a header)
            for digest, place in zip(hashes, places):
                slot = (digest >> 8) % size
                while taken[slot]:
                    slot = (slot + 1) % size
                taken[slot], digests[slot] = place, digest
            file.write(b"".join(map(_SLOT.pack, digests, taken)))


_SLOT = struct.Struct("!Iq")  # filetables._pointer: a hash table slot
