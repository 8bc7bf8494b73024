# cython: language_level=3, boundscheck=False, wraparound=False
"""A text's words, their forms and its term streams, made in C (analysis.py: every article's
word pass, which its signature, fields and pairs read).

A word is a run of letters and digits (str.isalnum) and combining marks (U+0300-U+036F):
analysis.WORD. Python's regular expression finds an article's words in 340 us, this loop in
110: it reads a character with one table look-up for ASCII and CPython's own character
database above, the one the regular expression asks, so both find the same words. Looking
them up in the word-form caches without a Python call a word, the whole pass takes 164 us
where it took 378. Compiled by setup.py (optional): without it, analysis.py does the same in
Python, as before.
"""

from cpython.dict cimport PyDict_GetItemWithError
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.object cimport PyObject
from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_New, PyTuple_SET_ITEM
from cpython.unicode cimport PyUnicode_Substring
from libc.string cimport memcpy

cdef extern from "Python.h":
    int PyUnicode_KIND(object text)
    void *PyUnicode_DATA(object text)
    Py_ssize_t PyUnicode_GET_LENGTH(object text)
    Py_UCS4 PyUnicode_READ(int kind, void *data, Py_ssize_t index)
    bint Py_UNICODE_ISALNUM(Py_UCS4 ch)
    unsigned int PyUnicode_MAX_CHAR_VALUE(object text)
    object PyUnicode_New(Py_ssize_t size, unsigned int maxchar)
    Py_ssize_t PyUnicode_CopyCharacters(object to, Py_ssize_t to_start, object source, Py_ssize_t start, Py_ssize_t count) except -1

cdef unsigned char ASCII_WORD[128]
for _code in range(128):
    ASCII_WORD[_code] = chr(_code).isalnum()


cdef inline bint in_word(Py_UCS4 ch):
    if ch < 128:
        return ASCII_WORD[ch]
    return Py_UNICODE_ISALNUM(ch) or 0x300 <= ch <= 0x36F


def split_words(str text not None) -> list:
    """The words of a text, in order: analysis.WORD.findall(text).

    >>> split_words("Hoà bình, Zu\\u0308rich_2024!")
    ['Hoà', 'bình', 'Zu\u0308rich', '2024']
    """
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0, start
    cdef list found = []
    while i < n:
        if not in_word(PyUnicode_READ(kind, data, i)):
            i += 1
            continue
        start = i
        i += 1
        while i < n and in_word(PyUnicode_READ(kind, data, i)):
            i += 1
        found.append(PyUnicode_Substring(text, start, i))
    return found


def split_forms(str text not None, exact, folded) -> tuple:
    """The words of a text looked up in two mappings of written word -> form (dicts whose
    __missing__ makes a form not held yet): (exact forms, folded forms), two tuples. What
    analysis.exact_and_folded does with split_words and two maps, without a Python call a word.
    """
    if not (isinstance(exact, dict) and isinstance(folded, dict)):
        raise TypeError("split_forms looks words up in dicts")
    cdef list written = split_words(text)
    cdef Py_ssize_t n = len(written), i
    cdef tuple exact_forms = PyTuple_New(n), folded_forms = PyTuple_New(n)
    cdef object word, form
    for i in range(n):
        word = written[i]
        form = _looked_up(exact, word)
        Py_INCREF(form)
        PyTuple_SET_ITEM(exact_forms, i, form)
        form = _looked_up(folded, word)
        Py_INCREF(form)
        PyTuple_SET_ITEM(folded_forms, i, form)
    return exact_forms, folded_forms


cdef inline object _looked_up(object forms, object word):
    cdef PyObject *found = PyDict_GetItemWithError(forms, word)
    if found is not NULL:
        return <object>found
    return forms[word]  # (a subclass's __missing__ makes it; an error raised on the way stays raised)


def split_streams(tuple exact not None, tuple folded not None, str joiner not None) -> tuple:
    """analysis.term_streams of a text's exact and folded words: (the folded words, the words
    whose exact form differs, each distinct pair of folded neighbours joined by `joiner`, in
    the order first met), each joined by spaces."""
    cdef Py_ssize_t n = len(folded), i
    if len(exact) != n:
        raise ValueError("as many exact forms as folded ones")
    cdef str written, plain
    marked = []
    for i in range(n):
        written, plain = exact[i], folded[i]
        if written is not plain and written != plain:
            marked.append(written)
    return " ".join(folded), " ".join(marked), _distinct_pairs(folded, joiner)


cdef str _distinct_pairs(tuple words, str joiner):
    """Each distinct pair of neighbours once, first met first, written straight into the
    string: a hash table of the pairs' first indexes (a word's hash is cached in its str)."""
    cdef Py_ssize_t count = len(words) - 1, size = 1, i, j, slot, kept = 0, length = 0
    if count < 1:
        return ""
    while size < 2 * count:
        size <<= 1
    cdef Py_ssize_t *table = <Py_ssize_t *> PyMem_Malloc(size * sizeof(Py_ssize_t))
    cdef Py_ssize_t *firsts = <Py_ssize_t *> PyMem_Malloc(count * sizeof(Py_ssize_t))
    cdef size_t hashed
    cdef unsigned int widest = PyUnicode_MAX_CHAR_VALUE(joiner) | 0x7F  # (the spaces)
    cdef str first, second, out
    if table is NULL or firsts is NULL:
        PyMem_Free(table)
        PyMem_Free(firsts)
        raise MemoryError()
    try:
        for slot in range(size):
            table[slot] = -1
        for i in range(count):
            first, second = words[i], words[i + 1]
            hashed = (<size_t> hash(first)) * 1000003 ^ <size_t> hash(second)
            slot = hashed & (size - 1)
            while table[slot] != -1:
                j = table[slot]
                if _same(words[j], first) and _same(words[j + 1], second):
                    break
                slot = (slot + 1) & (size - 1)
            if table[slot] != -1:
                continue  # met before
            table[slot] = i
            firsts[kept] = i
            kept += 1
            length += len(first) + len(joiner) + len(second)
            # (each word is stored in the narrowest kind its characters allow, so the widest
            # of the kept words' kinds is the kind the string must have)
            widest |= PyUnicode_MAX_CHAR_VALUE(first) | PyUnicode_MAX_CHAR_VALUE(second)
        out = PyUnicode_New(length + kept - 1, widest)
        length = 0
        for j in range(kept):
            i = firsts[j]
            if j:
                length = _copied(out, length, " ")
            length = _copied(out, length, words[i])
            length = _copied(out, length, joiner)
            length = _copied(out, length, words[i + 1])
        return out
    finally:
        PyMem_Free(table)
        PyMem_Free(firsts)


cdef inline bint _same(str word, str other):
    return word is other or word == other


cdef inline Py_ssize_t _copied(str out, Py_ssize_t at, str word) except -1:
    cdef Py_ssize_t length = PyUnicode_GET_LENGTH(word)
    cdef int kind = PyUnicode_KIND(out)
    if PyUnicode_KIND(word) == kind:  # (almost always: ASCII into ASCII)
        memcpy(<char *> PyUnicode_DATA(out) + at * kind, PyUnicode_DATA(word), length * kind)
    else:
        PyUnicode_CopyCharacters(out, at, word, 0, length)
    return at + length
