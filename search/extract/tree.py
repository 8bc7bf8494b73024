"""An HTML page -> its tree read once: elements (tag, class and id, parent, depth) and the page's
text as segments in reading order, each with the block that holds it and its link text.

The tree is selectolax's Lexbor parser (it parses as browsers do, 20 to 50 times faster than
BeautifulSoup's trees). Everything after this reads the flat lists made here, never the tree
again: a Python loop over the nodes costs more than the parse, so there is exactly one, and it
is compiled when the build could (tree_walk.pyx; the loop below is its twin and fallback).

A segment is a run of text inside one block element (<p>, <div>, <td>, <li>...) up to the next
block boundary or <br>: "A <p>B</p> C" is three segments, A and C in the outer block.
"""

import logging
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate

import selectolax
from selectolax.lexbor import LexborHTMLParser, LexborNode

from search.lines import collapse_spaces

LOGGER = logging.getLogger(__name__)

# Elements that start a new line of text where they open and close; the rest are inline.
# fmt: off
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hr", "html", "li", "main", "menu", "nav", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
# Elements whose content is never text a reader sees on the page.
HIDDEN_TAGS = frozenset({
    "script", "style", "noscript", "template", "svg", "iframe", "button", "input", "select",
    "textarea", "object", "embed", "canvas", "head", "title", "option", "math",
    None,  # what the parser makes of "<?php ... ?>" left in a page: no element, no text
})
# fmt: on
NAMING_ATTRIBUTES = ("class", "id", "role", "itemprop")
# The selectolax releases whose Lexbor structs tree_walk.pyx reads (tested with 1.0.2).
WALKED_SELECTOLAX = "1.0."
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


@dataclass(eq=False)
class Segment:
    element: int  # the block element that holds it
    start: int = 0  # how many elements had opened before its first text
    parts: list[str] = field(default_factory=list)
    owners: list[int] = field(default_factory=list)  # the innermost element of each part
    link_chars: int = 0  # characters inside <a href>
    text: str = ""  # the parts joined and spaces collapsed (set by read_tree)


@dataclass
class Tree:
    tags: list[str]
    names: list[str]  # lower-case class, id, role and itemprop: the words sites name blocks with
    parents: list[int]  # -1 for the root
    depth: int  # the deepest nesting
    segments: list[Segment]
    times: dict[int, str] = field(default_factory=dict)  # each <time> -> its datetime attribute
    ends: list[int] = field(default_factory=list)  # element -> its last descendant

    def __post_init__(self):
        self._starts = [segment.start for segment in self.segments]

    def subtree_sums(self, values: list[int]) -> "SubtreeSums":
        """Each element's value plus those of everything under it."""
        return SubtreeSums(values, self.ends)

    def segments_of(self, element: int) -> list[Segment]:
        """The segments under an element (its blocks' text), in page order."""
        end = self.ends[element]
        return [s for s in self._segments_around(element) if element <= s.element <= end]

    def lines_of(self, element: int) -> list[str]:
        """The texts of the segments under an element, in page order."""
        return [s.text for s in self.segments_of(element)]

    def text_of(self, element: int) -> str:
        """The visible text under an element (inline ones too: a <span> in a paragraph)."""
        end, parts = self.ends[element], []
        for segment in self._segments_around(element):
            if element <= segment.element <= end:
                parts.append(segment.text)
            elif segment.element < element:  # an inline element's text is in its block's segment
                parts.extend(
                    part for owner, part in zip(segment.owners, segment.parts) if element <= owner <= end
                )
        return collapse_spaces(" ".join(parts))

    def _segments_around(self, element: int) -> list[Segment]:
        """The segments that may hold text of the element: a segment's texts follow one
        another in page order, as the element's do, so they are those begun while it was
        open, and the one it opened in (a <span>'s text is in its paragraph's segment)."""
        first = max(bisect_right(self._starts, element) - 1, 0)
        last = bisect_right(self._starts, self.ends[element] + 1)
        return self.segments[first:last]

    def ancestors(self, element: int):
        """The element's ancestors, nearest first."""
        element = self.parents[element]
        while element >= 0:
            yield element
            element = self.parents[element]

    def is_inside(self, element: int, container: int) -> bool:
        return container <= element <= self.ends[container]


class SubtreeSums:
    """Element -> its value plus those of everything under it, read on demand: an element and
    its descendants are a run of numbers, so each sum is a difference of running totals (a page's
    few hundred elements are never all asked for)."""

    def __init__(self, values: list[int], ends: list[int]):
        self._totals = list(accumulate(values, initial=0))
        self._ends = ends

    def __getitem__(self, element: int) -> int:
        return self._totals[self._ends[element] + 1] - self._totals[element]


def parse(html: str | bytes) -> LexborHTMLParser:
    """The page's tree; bytes are read as UTF-8."""
    return LexborHTMLParser(html)


def read_tree(document: LexborHTMLParser) -> Tree:
    """One walk over the page's body: its elements and its text segments, in page order.
    The elements that never hold visible text (scripts, styles, forms' controls) are passed
    over with all they hold."""
    root = document.body or document.root
    if root is None:
        return Tree([], [], [], 0, [])
    if _compiled_walk is None:
        return _read_tree_in_python(root)
    tags, names, parents, ends, deepest, segments, times = _compiled_walk(
        root.mem_id, HIDDEN_TAGS, BLOCK_TAGS, Segment
    )
    return Tree(tags, names, parents, deepest, segments, times, ends)


def _read_tree_in_python(root: LexborNode) -> Tree:
    """read_tree's walk in Python: what tree_walk.pyx does, where it was not compiled."""
    tags, names, parents, ends, in_link, block_of = [], [], [], [], [], []
    times: dict[int, str] = {}
    segments: list[Segment] = []
    current: Segment | None = None  # the segment being read; None after a block boundary or <br>
    # Whitespace-only text (most text nodes: the page's indentation) only breaks words: it is
    # noted, and a space put before the next text of the same segment.
    spaced = False
    deepest = 0
    # The walk follows first children and next siblings (cheaper than selectolax's traverse
    # and a parent lookup per node); `opened` holds each open element and its parent's number.
    # It is the one loop over every node of the page: its body is kept flat on purpose.
    opened: list[tuple[LexborNode, int]] = []
    node, parent = root, -1
    while True:
        tag = node.tag
        if tag == "-text":
            # (spaces and newlines only are told in C, without a copy of the text)
            if node.is_empty_text_node or (content := node.text_content).isspace():
                spaced = True
            else:
                block = block_of[parent]
                if current is None or current.element != block:
                    current = Segment(block, len(tags))
                    segments.append(current)
                elif spaced:
                    content = " " + content
                spaced = False
                current.parts.append(content)
                current.owners.append(parent)
                if in_link[parent]:
                    current.link_chars += len(content.strip())
        elif tag not in HIDDEN_TAGS and tag[0] != "-":  # not "-comment", "-doctype"
            number = len(tags)
            attributes = node.attributes
            tags.append(tag)
            if not attributes:
                names.append("")
            elif len(attributes) == 1:  # most often a class alone, or a link's href: made quick
                name = attributes.get("class") or attributes.get("id") or attributes.get("role")
                names.append((name or attributes.get("itemprop") or "").lower())
            else:
                names.append(" ".join(filter(None, map(attributes.get, NAMING_ATTRIBUTES))).lower())
            parents.append(parent)
            ends.append(number)
            if len(opened) > deepest:
                deepest = len(opened)
            if tag in BLOCK_TAGS or parent < 0:
                block_of.append(number)
                current = None
            else:
                block_of.append(block_of[parent])
                if tag == "br":
                    current = None
                elif tag == "time":
                    times[number] = attributes.get("datetime") or ""
            in_link.append((tag == "a" and "href" in attributes) or (parent >= 0 and in_link[parent]))
            if (child := node.first_child) is not None:
                opened.append((node, parent))
                node, parent = child, number
                continue
        node = node.next if opened else None
        while node is None and opened:
            ends[parent] = len(tags) - 1  # `parent` is the element just walked through
            closed, parent = opened.pop()
            node = closed.next if opened else None  # the root's siblings are not the page's
        if node is None:
            break
    for segment in segments:
        segment.text = collapse_spaces("".join(segment.parts))
    return Tree(tags, names, parents, deepest, segments, times, ends)


# A page with what the compiled walk must read as the loop above does: attributes named and
# not, links, <br>, <time>, hidden elements, entities, comments, an unknown element.
_PROBE = (
    '<html><body><div class="Main x" id=A role=main><p itemprop=articleBody>Một <a href="/b">'
    '<b>hai</b></a>\n <span data-x=1>ba</span><br>bốn&nbsp;<time datetime="2024-01-02">2/1</time>'
    "</p><script>x()</script><!-- c --><my-widget class=W>năm</my-widget><ul><li>sáu</ul></div>"
)


def _checked_walk():
    """tree_walk.walk when it was compiled, for a selectolax whose Lexbor it was written for
    (it reads Lexbor's structs: another layout could crash it, not only misread), and when it
    reads the probe page as the Python loop does."""
    try:
        from search.extract.tree_walk import walk
    except ImportError as error:
        LOGGER.info("the tree walk was not compiled (%s): the Python walk, 2.3 times slower, is used", error)
        return None
    version = getattr(selectolax, "__version__", "")
    if not version.startswith(WALKED_SELECTOLAX):
        LOGGER.warning(
            "the compiled tree walk is for selectolax %s.x, not %s: the Python walk is used",
            WALKED_SELECTOLAX.rstrip("."),
            version,
        )
        return None
    try:
        root = LexborHTMLParser(_PROBE).body
        tags, names, parents, ends, deepest, segments, times = walk(
            root.mem_id, HIDDEN_TAGS, BLOCK_TAGS, Segment
        )
        misread = _shape(Tree(tags, names, parents, deepest, segments, times, ends)) != _shape(
            _read_tree_in_python(root)
        )
    except Exception:  # any failure of the compiled walk: it is not used
        misread = True
    if misread:
        LOGGER.warning("the compiled tree walk misreads this selectolax's Lexbor: the Python walk is used")
        return None
    return walk


def _shape(tree: Tree) -> tuple:
    segments = [(s.element, s.start, s.parts, s.owners, s.link_chars, s.text) for s in tree.segments]
    return tree.tags, tree.names, tree.parents, tree.depth, tree.ends, tree.times, segments


_compiled_walk = _checked_walk()
