# cython: language_level=3, boundscheck=False, wraparound=False
"""A text's words as strings, found in C (analysis.exact_and_folded: every article's word pass).

A word is a run of letters and digits (str.isalnum) and combining marks (U+0300-U+036F):
analysis.WORD, which Python's regular expression engine reads at 260 ns a word, a third of the
time an article's indexing spends on its words. This loop reads a character with one table
look-up for ASCII and CPython's own character database above, the same one the regular
expression asks, so both find the same words. Compiled by setup.py (optional): without it,
analysis.py uses the regular expression, as before.
"""

from cpython.dict cimport PyDict_GetItemWithError
from cpython.object cimport PyObject
from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_New, PyTuple_SET_ITEM
from cpython.unicode cimport PyUnicode_Substring

cdef extern from "Python.h":
    int PyUnicode_KIND(object text)
    void *PyUnicode_DATA(object text)
    Py_ssize_t PyUnicode_GET_LENGTH(object text)
    Py_UCS4 PyUnicode_READ(int kind, void *data, Py_ssize_t index)
    bint Py_UNICODE_ISALNUM(Py_UCS4 ch)

cdef unsigned char ASCII_WORD[128]
for _code in range(128):
    ASCII_WORD[_code] = chr(_code).isalnum()


cdef inline bint in_word(Py_UCS4 ch):
    if ch < 128:
        return ASCII_WORD[ch]
    return Py_UNICODE_ISALNUM(ch) or 0x300 <= ch <= 0x36F


def split_words(str text) -> list:
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


def split_forms(str text, exact, folded) -> tuple:
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
