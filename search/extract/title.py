"""A page's head and tree -> its headline as a reader sees it, the element that shows it, and why.

The visible headline wins when the metadata agrees with it: an <h1> (or a heading or block
named "title") whose text is, or begins, one of the page's metadata titles (og:title, JSON-LD
headline, <title>). That one comparison drops site names and SEO suffixes ("- Zing News",
"-lo luyen thi...") without cutting a hyphen that belongs to the title ("Bà Rịa - Vũng Tàu"),
and passes over logos and slogans set in <h1>. Without such a heading, the metadata title is
taken without its site suffix; without metadata, the first <h1>.
"""

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from search import limits
from search.extract.head import Head
from search.extract.tree import Tree
from search.lines import clean_line, heading_key

# Only from the first of a run of spaces: tried from each one, a long run is quadratic.
_TITLE_SEPARATORS = re.compile(r"(?<!\s)\s+(?:[|\-–—»]|::?)\s+")
# "Tiêu đề có dấu-tieu de khong dau": an unaccented copy glued on for search engines.
_SEO_TAIL = re.compile(r"-(?P<tail>[a-z0-9][a-z0-9 ]{8,})$")
_SEPARATOR_START = re.compile(r"\s*[|\-–—»:/]")
_SEPARATOR_END = re.compile(r"[|\-–—»:/]\s*$")
_END_PUNCTUATION = " .,;:!?)]}\"'”»"
_NAMED_TITLE = re.compile(r"title|headline|tieu-?de", re.I)
MAX_TITLE_CHARS = 400  # a heading longer than this is a paragraph set in large type
MAX_CANDIDATES = 40
MAX_SUFFIXES = 3  # "Title - Site | Section | Subsection" at the most
MAX_PREFIX_WORDS = 4  # "Teen9x News - Title": a site's name before the title is short


@dataclass
class Headline:
    text: str | None
    element: int | None  # the element that shows it, if one does
    source: str  # where it came from, for --explain


def find_headline(head: Head, tree: Tree) -> Headline:
    """The page's headline, the element that shows it, and where it came from."""
    titles = [(title, _key(title)) for title in head.titles]
    for element in _headings(tree):
        shown = clean_line(tree.text_of(element))
        key = _key(shown)
        if len(key) < 4 or len(shown) > MAX_TITLE_CHARS:
            continue
        for title, title_key in titles:
            if (matched := _shown_in(key, title_key, title, shown)) is not None:
                return Headline(
                    _bounded(matched), element, f"<{tree.tags[element]}> matching the page's metadata"
                )
    if titles:
        return Headline(_bounded(without_site_suffix(titles[0][0], head.site)), None, "the page's metadata")
    for element in _headings(tree):
        if tree.tags[element] == "h1" and (shown := clean_line(tree.text_of(element))):
            return Headline(_bounded(shown), element, "the first <h1> (no metadata title)")
    return Headline(None, None, "none: no <title>, og:title or <h1>")


def _shown_in(key: str, title_key: str, title: str, shown: str) -> str | None:
    """The headline, when a heading's text (`key`) is the metadata title, or the part of it
    before a separator ("Title - Site"), or the part after one when that is the longer
    ("Site - Title"); None when it is not."""
    if title_key == key:
        return title
    if len(key.split()) < 4 and 2 * len(key) < len(title_key):
        return None  # a section's name or a logo, not the headline
    if title_key.startswith(key):
        rest = title_key[len(key) :]
        if not rest.strip(_END_PUNCTUATION):
            return title  # the heading lost a closing bracket or quote
        if _SEPARATOR_START.match(rest):
            return shown
    if title_key.endswith(key):
        before = title_key[: -len(key)]
        if _SEPARATOR_END.search(before) and len(before.split()) <= MAX_PREFIX_WORDS:
            return shown
    return None


def _headings(tree: Tree) -> Iterator[int]:
    """<h1> elements first, then elements named for a title, then <h2> and <h3>, in page order.
    The others are looked for only when no <h1> is the headline (most often one is)."""
    h1 = [element for element, tag in enumerate(tree.tags) if tag == "h1"]
    yield from h1[:MAX_CANDIDATES]
    named, h23 = [], []
    for element, tag in enumerate(tree.tags):
        if tag != "h1" and tag != "a" and _named_title(tree.names[element]):
            named.append(element)
        elif tag in ("h2", "h3"):
            h23.append(element)
    yield from named[:MAX_CANDIDATES] + h23[:MAX_CANDIDATES]


@functools.lru_cache(maxsize=8192)
def _named_title(names: str) -> bool:
    return bool(names and _NAMED_TITLE.search(names))


def _key(text: str) -> str:
    return heading_key(text).strip(" .,;:!?\"'“”()[]")


def _bounded(title: str) -> str:
    return title[: limits.MAX_LINE_CHARS]


def without_site_suffix(title: str, site: str | None) -> str:
    """Drop " | Báo Tuổi Trẻ", " - VnExpress | Thời sự" or "-tieu de khong dau": the parts at
    the end that name the site or are short, and an unaccented copy glued on.

    >>> without_site_suffix("Mưa lớn ở Hà Nội - VnExpress | Thời sự", None)
    'Mưa lớn ở Hà Nội'
    """
    seo = _SEO_TAIL.search(title)
    if seo and not title[: seo.start()].isascii() and seo["tail"].isascii():
        title = title[: seo.start()].rstrip()
    for _ in range(MAX_SUFFIXES):
        parts = _TITLE_SEPARATORS.split(title)
        if len(parts) < 2:
            return title
        last, rest = parts[-1], " ".join(parts[:-1])
        is_site = site and heading_key(last) in {heading_key(site), heading_key(site.split(".")[0])}
        if not (is_site or len(last.split()) <= 3 < len(rest.split())):
            return title
        title = title[: title.rfind(last)].rstrip(" |-–—:»")
    return title
