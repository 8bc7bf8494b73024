"""An HTML page -> its tree read once: elements (tag, class and id, parent, depth) and the page's
text as segments in reading order, each with the block that holds it and its link text.

The tree is selectolax's Lexbor parser (it parses as browsers do, 20 to 50 times faster than
BeautifulSoup's trees). Everything after this reads the flat lists made here, never the tree
again: a Python loop over the nodes costs more than the parse, so there is exactly one.

A segment is a run of text inside one block element (<p>, <div>, <td>, <li>...) up to the next
block boundary or <br>: "A <p>B</p> C" is three segments, A and C in the outer block.
"""

from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser

# Elements that start a new line of text where they open and close; the rest are inline.
# fmt: off
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hr", "html", "li", "main", "menu", "nav", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
# Elements whose content is never text a reader sees on the page.
HIDDEN_TAGS = [
    "script", "style", "noscript", "template", "svg", "iframe", "button", "input", "select",
    "textarea", "object", "embed", "canvas", "head", "title", "option", "math",
]
# fmt: on
NAMING_ATTRIBUTES = ("class", "id", "role", "itemprop")
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


@dataclass(eq=False)
class Segment:
    element: int  # the block element that holds it
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

    def sum_up(self, values: list) -> list:
        """Each element's value plus those of everything under it (in place; children come
        after their parents, so one pass from the last element up adds each to its parent)."""
        for element in range(len(values) - 1, 0, -1):
            parent = self.parents[element]
            if parent >= 0:
                values[parent] += values[element]
        return values

    def lines_of(self, element: int) -> list[str]:
        """The texts of the segments under an element, in page order."""
        end = self.ends[element]
        return [s.text for s in self.segments if element <= s.element <= end]

    def text_of(self, element: int) -> str:
        """The visible text under an element (inline ones too: a <span> in a paragraph)."""
        end, parts = self.ends[element], []
        for segment in self.segments:
            if element <= segment.element <= end:
                parts.append(segment.text)
            elif segment.element < element:  # an inline element's text is in its block's segment
                parts.extend(
                    part for owner, part in zip(segment.owners, segment.parts) if element <= owner <= end
                )
        return " ".join(" ".join(parts).split())

    def ancestors(self, element: int):
        """The element's ancestors, nearest first."""
        element = self.parents[element]
        while element >= 0:
            yield element
            element = self.parents[element]

    def is_inside(self, element: int, container: int) -> bool:
        return container <= element <= self.ends[container]


def _names(attributes: dict) -> str:
    """The words a site names a block with: its class, id, role and itemprop, lower case."""
    found = [attributes.get(key) for key in NAMING_ATTRIBUTES]
    return " ".join(name for name in found if name).lower()


def parse(html: str) -> LexborHTMLParser:
    return LexborHTMLParser(html)


def read_tree(document: LexborHTMLParser) -> Tree:
    """One walk over the page's body: its elements and its text segments, in page order.
    The elements that never hold visible text (scripts, styles, forms' controls) are taken
    out of the document first."""
    document.strip_tags(HIDDEN_TAGS)
    tags, names, parents, depth_of, in_link, block_of = [], [], [], [], [], []
    segments: list[Segment] = []
    number_of: dict[int, int] = {}
    current: Segment | None = None
    deepest = 0
    root = document.body or document.root
    if root is None:
        return Tree([], [], [], 0, [])
    times: dict[int, str] = {}
    for node in root.traverse(include_text=True):
        tag = node.tag
        if tag == "-text":
            parent = number_of.get(node.parent.mem_id)
            if parent is None:
                continue
            text = node.text_content
            if not text:
                continue
            block = block_of[parent]
            if current is None or current.element != block:
                if text.isspace():
                    continue
                current = Segment(block)
                segments.append(current)
            current.parts.append(text)
            current.owners.append(parent)
            if in_link[parent]:
                current.link_chars += len(text.strip())
            continue
        if tag.startswith("-"):  # comments and the like
            continue
        parent_node = node.parent
        parent = number_of.get(parent_node.mem_id, -1) if parent_node is not None else -1
        number = len(tags)
        number_of[node.mem_id] = number
        attributes = node.attributes
        tags.append(tag)
        names.append(_names(attributes) if attributes else "")
        parents.append(parent)
        if tag == "time":
            times[number] = attributes.get("datetime") or ""
        depth = depth_of[parent] + 1 if parent >= 0 else 0
        depth_of.append(depth)
        deepest = max(deepest, depth)
        in_link.append((tag == "a" and "href" in attributes) or (parent >= 0 and in_link[parent]))
        if tag in BLOCK_TAGS or tag == "br" or parent < 0:
            current = None
        block_of.append(number if tag in BLOCK_TAGS or parent < 0 else block_of[parent])
    kept = []
    for segment in segments:
        segment.text = " ".join("".join(segment.parts).split())
        if segment.text:
            kept.append(segment)
    ends = list(range(len(tags)))
    for element in range(len(tags) - 1, 0, -1):  # children come after their parents
        parent = parents[element]
        if parent >= 0 and ends[element] > ends[parent]:
            ends[parent] = ends[element]
    return Tree(tags, names, parents, deepest, kept, times, ends)
