"""The build's compiled parts, made with Cython: search/extract/tree_walk.pyx, the tree walk of
extraction (tree.py); search/utf8.pyx, the UTF-8 check of pages handed to the parser as bytes
(corpus.py); search/word_split.pyx, the words of a text and their forms (analysis.py);
search/minhash.pyx, an article's MinHash signature (stories.py); and
search/sources/listing.pyx, a folder's entries listed and stat'ed without the interpreter's
lock (sources/entries.py). All are optional: where they cannot be compiled (no C compiler or
no Python headers), the install goes on and the same work is done in Python, slower (the tree
walk 2.3 times, the words 2.3 times, the signature 3 times, an update's walk of a million
files twice). Everything else is in setup.cfg."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("search.extract.tree_walk", ["search/extract/tree_walk.pyx"], optional=True),
        Extension("search.utf8", ["search/utf8.pyx"], optional=True),
        Extension("search.word_split", ["search/word_split.pyx"], optional=True),
        Extension("search.minhash", ["search/minhash.pyx"], optional=True),
        Extension("search.sources.listing", ["search/sources/listing.pyx"], optional=True),
    ]
)
