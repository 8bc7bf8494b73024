# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""An article's words -> its MinHash signature, in C (stories.signature).

The same arithmetic as stories.signature's numpy: each word's 32-bit hash (from the cache of
them), 3-word shingles mixed to 32 bits, one in SAMPLE kept by value, and for each permutation
the least of a * x + b over the kept shingles (MurmurHash3's finalizer first). numpy pays for
each of its steps on arrays of a few hundred values: 233 us an article, where this takes
55-75. Compiled by setup.py (optional): without it, stories.py uses numpy, as before.
"""

from cpython.dict cimport PyDict_GetItemWithError
from cpython.object cimport PyObject
from libc.stdint cimport uint32_t, uint64_t
from libc.stdlib cimport qsort


cdef uint32_t MURMUR_1 = 0x85EBCA6B, MURMUR_2 = 0xC2B2AE35  # MurmurHash3's finalizer
cdef uint64_t LOW_32 = 0xFFFFFFFF
cdef enum:
    MAX_PERMUTATIONS = 1024


cdef int _ascending(const void *a, const void *b) noexcept nogil:
    cdef uint32_t x = (<const uint32_t *> a)[0], y = (<const uint32_t *> b)[0]
    return (x > y) - (x < y)


def fill_signature(
    tuple words not None,
    hashes,
    const uint64_t[::1] multipliers,
    uint64_t sample,
    Py_ssize_t min_shingles,
    const uint32_t[::1] a,
    const uint32_t[::1] b,
    uint32_t[::1] out,
) -> bool:
    """Fill `out` with the signature of the words and return True; False (out untouched) when
    they keep fewer than min_shingles distinct shingles. `hashes`: a dict of word -> its hash
    (a subclass whose __missing__ makes one), `multipliers` one per word of a shingle."""
    if not isinstance(hashes, dict):
        raise TypeError("fill_signature looks words up in a dict")
    if sample < 1 or min_shingles < 1:
        raise ValueError("sample and min_shingles are at least 1")
    cdef Py_ssize_t n = len(words), width = multipliers.shape[0], count, i, k, kept = 0, distinct
    cdef Py_ssize_t permutations = a.shape[0], p
    if b.shape[0] != permutations or out.shape[0] != permutations or not 0 < permutations <= MAX_PERMUTATIONS:
        raise ValueError(f"as many a, b and signature values, 1 to {MAX_PERMUTATIONS}")
    if n < width or width < 1:
        return False
    count = n - width + 1
    cdef uint64_t[::1] syllables = _word_hashes(words, hashes)
    cdef bytearray buffer = bytearray(count * sizeof(uint32_t))  # the kept shingles: at most count
    cdef uint32_t *values = <uint32_t *> <char *> buffer
    cdef uint64_t value
    for i in range(count):
        value = 0
        for k in range(width):
            value += syllables[i + k] * multipliers[k]
        value = (value ^ (value >> 29)) & LOW_32
        if value % sample == 0:
            values[kept] = <uint32_t> value
            kept += 1
    qsort(values, kept, sizeof(uint32_t), _ascending)
    distinct = 0
    for i in range(kept):
        if i == 0 or values[i] != values[distinct - 1]:
            values[distinct] = values[i]
            distinct += 1
    if distinct < min_shingles:
        return False
    cdef uint32_t x, h
    cdef uint32_t least[MAX_PERMUTATIONS]  # (local: the compiler may run the inner loop in SIMD)
    cdef const uint32_t *times = &a[0]
    cdef const uint32_t *plus = &b[0]
    for p in range(permutations):
        least[p] = 0xFFFFFFFF
    for i in range(distinct):
        x = values[i]
        x = (x ^ (x >> 16)) * MURMUR_1  # (uint32 products: modulo 2**32, as numpy's)
        x = (x ^ (x >> 13)) * MURMUR_2
        x = x ^ (x >> 16)
        for p in range(permutations):
            h = times[p] * x + plus[p]
            least[p] = h if h < least[p] else least[p]
    for p in range(permutations):
        out[p] = least[p]
    return True


cdef uint64_t[::1] _word_hashes(tuple words, object hashes):
    cdef Py_ssize_t n = len(words), i
    cdef bytearray buffer = bytearray(n * sizeof(uint64_t))
    cdef uint64_t[::1] found = memoryview(buffer).cast("Q")
    cdef PyObject *held
    for i in range(n):
        held = PyDict_GetItemWithError(hashes, words[i])
        found[i] = <object> held if held is not NULL else hashes[words[i]]
    return found
