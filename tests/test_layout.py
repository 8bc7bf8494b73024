"""The layout of search/ and web/ (issue #12): imports flow one way, and no module grows past a read.

Every `import search...` and `from search... import ...` counts, at module level or inside a
function (a function-level import hides a circle from Python, not from a reader), and under
`if TYPE_CHECKING:` too.
"""

import ast
from pathlib import Path

from tests.paths import ROOT

PACKAGE = ROOT / "search"
WEB = ROOT / "web"
MAX_LINES = 350


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file under the package."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def import_edges(known: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the modules of the package it imports, wherever in the file the import is."""
    edges = {}
    for name, path in known.items():
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from the importing module's package
                    package = name.split(".")[
                        : len(name.split(".")) - node.level + (path.name == "__init__.py")
                    ]
                    base = ".".join(package + ([base] if base else []))
                for alias in node.names:
                    # `from search import noise` imports the module search.noise
                    targets.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
        edges[name] = {target for target in targets if target in known and target != name}
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Each import circle found by a depth-first walk, as the modules along it."""
    found, state, stack = [], {}, []

    def walk(module: str) -> None:
        state[module] = "open"
        stack.append(module)
        for target in sorted(edges[module]):
            if state.get(target) == "open":
                found.append(stack[stack.index(target) :] + [target])
            elif target not in state:
                walk(target)
        stack.pop()
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            walk(module)
    return found


def test_no_import_circle_among_search_or_web_modules():
    assert cycles(import_edges(modules())) == []
    assert cycles(import_edges({**modules(), **modules(WEB)})) == []


def test_the_checker_sees_a_circle_hidden_in_a_function(tmp_path):
    package = tmp_path / "search"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from search.b import f\n")
    (package / "b.py").write_text("def f():\n    from search import a\n")
    (package / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import f\n"
    )
    edges = import_edges(modules(package))
    assert edges["search.c"] == {"search.a"}
    assert cycles(edges) == [["search.a", "search.b", "search.a"]]


def test_extraction_flows_one_way():
    """The extract package dispatches to its extractors and nothing in it imports the package
    back; the shared records and line rules (lines.py) and dates (dates.py) import no part of it."""
    edges = import_edges(modules())
    parts = {name for name in edges if name.startswith("search.extract.")}
    assert {"search.extract.html", "search.extract.text", "search.extract.tree"} <= parts
    for lower in ("search.lines", "search.dates", "search.noise", "search.boilerplate"):
        assert not any(target.startswith("search.extract") for target in edges[lower]), lower
    assert not any("search.extract" in edges[name] for name in parts)
    assert edges["search.extract"] >= {"search.extract.text", "search.extract.html"}


def test_no_module_over_the_line_limit():
    long = {
        name: len(path.read_text(encoding="utf-8").splitlines())
        for name, path in {**modules(), **modules(WEB)}.items()
    }
    assert {name: lines for name, lines in long.items() if lines > MAX_LINES} == {}


def test_every_module_says_what_it_takes_and_gives():
    """The first line of each module's docstring: input -> output."""
    for name, path in {**modules(), **modules(WEB)}.items():
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert docstring and "->" in docstring.splitlines()[0], name
