"""The compiled tree walk (search/extract/tree_walk.pyx) reads every page as its Python twin.

The build compiles it (setup.py); the suite checks it was, and that both walks give the same
elements, names, links, times and text segments on every HTML page the tests hold, on the
real pages beside the clone, and on pages made to be awkward.
"""

from pathlib import Path

import pytest

from search.corpus import decode_document, read_bytes
from search.extract import extract, tree
from search.extract.tree import parse
from tests.paths import DATA, ROOT

REAL_PAGES = ROOT.parent / "shared" / "real-pages" / "pages"
AWKWARD = {
    "deep": "<div>" * 3000 + "deep" + "</div>" * 3000,
    "many attributes": '<p class="A B" id=X role=note itemprop=text data-a=1 data-b=2 href=/x>t</p>',
    "naming attributes empty": '<p class="" id role=" ">t</p><a href>link</a><time datetime>1/2</time>',
    "nested links": '<a href="/a">one <a href="/b">two</a> three</a><a name=x>not a link</a>',
    "custom and foreign elements": "<x-card class=Card>a</x-card><svg><text>b</text></svg><math>c</math>",
    "template, noscript, php": "<template><p>t</p></template><noscript>n</noscript><?php echo 1; ?><p>p</p>",
    "text at the root": "loose <b>bold</b> text<br>after",
    "only whitespace and entities": "<p> &nbsp; </p><p>\u3000</p><p>\t\n</p><span> </span>x",
    "broken UTF-8 and NUL": b"<p>H\xe1\xbb\x8dc \xff\xfe sinh</p><p>a\x00b</p>",
    "no body": "<html><head><title>t</title></head></html>",
    "empty": "",
}


def _shape(found: tree.Tree) -> tuple:
    segments = [(s.element, s.start, s.parts, s.owners, s.link_chars, s.text) for s in found.segments]
    return found.tags, found.names, found.parents, found.depth, found.ends, found.times, segments


def _both_walks(html: str | bytes) -> tuple[tuple, tuple]:
    document = parse(html)
    root = document.body or document.root
    in_python = _shape(tree._read_tree_in_python(root)) if root is not None else None
    return _shape(tree.read_tree(document)) if root is not None else None, in_python


def _html_pages() -> list[Path]:
    pages = [p for p in DATA.rglob("*") if p.is_file() and p.suffix.lower() in (".html", ".htm")]
    if REAL_PAGES.is_dir():
        pages += sorted(REAL_PAGES.iterdir())
    return sorted(pages)


def test_the_build_compiled_the_walk():
    assert tree._compiled_walk is not None, (
        "search/extract/tree_walk.pyx was not compiled (a C compiler and Python's headers are "
        "needed: apt-get install gcc python3-dev), or it misread the probe page: extraction "
        "falls back to the Python walk, 2.3 times slower"
    )


@pytest.mark.parametrize("name", sorted(AWKWARD))
def test_both_walks_read_an_awkward_page_alike(name):
    compiled, in_python = _both_walks(AWKWARD[name])
    assert compiled == in_python


def test_both_walks_read_every_page_alike():
    pages = _html_pages()
    assert len(pages) >= 20
    for page in pages:
        document = decode_document(page, read_bytes(page))
        compiled, in_python = _both_walks(document.utf8 or document.text)
        assert compiled == in_python, page


def test_the_python_walk_extracts_the_same_articles(monkeypatch):
    pages = _html_pages()[:12]
    compiled = [extract(decode_document(p, read_bytes(p))) for p in pages]
    monkeypatch.setattr(tree, "_compiled_walk", None)
    in_python = [extract(decode_document(p, read_bytes(p))) for p in pages]
    assert [vars(a) if a else None for a in compiled] == [vars(a) if a else None for a in in_python]
    assert any(compiled)


def test_the_compiled_walk_is_left_for_a_selectolax_it_was_not_written_for(monkeypatch, caplog):
    import selectolax

    monkeypatch.setattr(selectolax, "__version__", "2.0.0")
    assert tree._checked_walk() is None
    assert "the Python walk is used" in caplog.text


def test_a_compiled_walk_that_fails_on_the_probe_is_not_used(monkeypatch):
    import search.extract.tree_walk as compiled

    def broken(*args):
        raise ValueError("a misread struct")

    monkeypatch.setattr(compiled, "walk", broken)
    assert tree._checked_walk() is None
