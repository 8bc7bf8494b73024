"""The build's one compiled part: search/extract/tree_walk.pyx, the tree walk of extraction
(tree.py), made with Cython. It is optional: where it cannot be compiled (no C compiler or no
Python headers), the install goes on and tree.py walks the tree in Python, 2.3 times slower.
Everything else is in setup.cfg."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("search.extract.tree_walk", ["search/extract/tree_walk.pyx"], optional=True),
    ]
)
