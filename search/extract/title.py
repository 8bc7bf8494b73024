"""A page's head and tree -> its headline as a reader sees it, the element that shows it, and why.

The visible headline wins when the metadata agrees with it: an <h1> (or a heading or block
named "title") whose text is, or begins, one of the page's metadata titles (og:title, JSON-LD
headline, <title>). That one comparison drops site names and SEO suffixes ("- Zing News",
"-lo luyen thi...") without cutting a hyphen that belongs to the title ("Bà Rịa - Vũng Tàu"),
and passes over logos and slogans set in <h1>. Without such a heading, the metadata title is
taken without its site suffix; without metadata, the first <h1>.
"""

import functools
import itertools
import re
from collections.abc import Callable, Iterator
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
_SITE_SEPARATOR = re.compile(r"\s+[|\-–—»/]\s")
_SEPARATOR_END = re.compile(r"[|\-–—»:/]\s*$")
_END_PUNCTUATION = " .,;:!?)]}\"'”»"
_NAMED_TITLE = re.compile(r"title|headline|tieu-?de", re.I)
MAX_TITLE_CHARS = 400  # a heading longer than this is a paragraph set in large type
MAX_CANDIDATES = 40
MAX_SUFFIXES = 3  # "Title - Site | Section | Subsection" at the most
MAX_PREFIX_WORDS = 4  # "Teen9x News - Title": a site's name before the title is short
MIN_KICKED_WORDS = 3  # a title found after a kicker in the heading: not a word or two
_WORD = re.compile(r"\w+")


@dataclass
class Headline:
    text: str | None
    element: int | None  # the element that shows it, if one does
    source: str  # where it came from, for --explain


def find_headline(head: Head, tree: Tree) -> Headline:
    """The page's headline, the element that shows it, and where it came from. An <h1> that
    is a metadata title wins over one that is part of one ("Site" in "Title | Site"), and
    that over a short heading before a separator, the last resort (a section's <h1> "Thời sự"
    in "Thời sự - Title" is no headline when another heading is the title)."""
    titles = [(title, _key(title)) for title in head.titles]
    site = {_key(head.site), _key(head.site.split(".")[0])} if head.site else set()  # its name's keys
    h1s = [entry for element in _h1s(tree) if (entry := _entry(tree, element))]
    others = _Read(entry for element in _other_headings(tree) if (entry := _entry(tree, element)))
    for attempt in ("exact", "part", "short"):
        for element, shown, key in h1s if attempt == "exact" else itertools.chain(h1s, others):
            for title, title_key in titles:
                if attempt == "exact":
                    matched = title if key == title_key else None
                else:
                    is_link = functools.partial(_is_link, tree, element)  # (asked of short ones only)
                    matched = _shown_in(key, title_key, title, shown, site, is_link, attempt == "short")
                if matched is not None:
                    return Headline(
                        _bounded(_without_suffix_of_others(matched, titles, head.site)),
                        element,
                        f"<{tree.tags[element]}> matching the page's metadata",
                    )
    if titles:
        return Headline(_bounded(without_site_suffix(titles[0][0], head.site)), None, "the page's metadata")
    for element in _h1s(tree):
        if shown := clean_line(tree.text_of(element)):
            return Headline(_bounded(shown), element, "the first <h1> (no metadata title)")
    return Headline(None, None, "none: no <title>, og:title or <h1>")


class _Read:
    """An iterator's items, read as far as they are asked for, once however often walked."""

    def __init__(self, items: Iterator):
        self._items, self._read = items, []

    def __iter__(self):
        yield from self._read
        for item in self._items:
            self._read.append(item)
            yield item


def _entry(tree: Tree, element: int) -> tuple[int, str, str] | None:
    """(element, text, key) of a heading that may show the headline, or None."""
    shown = clean_line(tree.text_of(element))
    key = _key(shown)
    return (element, shown, key) if len(key) >= 4 and len(shown) <= MAX_TITLE_CHARS else None


def _is_link(tree: Tree, element: int) -> bool:
    """Whether a heading's text is mostly a link's (a logo links to the home page)."""
    inside = tree.segments_of(element)
    return 2 * sum(s.link_chars for s in inside) > sum(len(s.text) for s in inside)


def _shown_in(
    key: str,
    title_key: str,
    title: str,
    shown: str,
    site: set[str],
    is_link: Callable[[], bool],
    short_ok: bool,
) -> str | None:
    """The headline, when a heading's text (`key`) is the metadata title, or the part of it
    before a separator ("Title - Site"), or the part after a short one ("Site - Title"), or
    the title after a short kicker in the heading ("Recipe Worm box made at home"); None when
    it is not."""
    if title_key == key:
        return title
    before_separator = title_key.startswith(key) and _SEPARATOR_START.match(title_key[len(key) :])
    # A short heading is a section's name or a logo, not the headline: but for one before a
    # separator (not a colon: a subtitle follows one) that is no link and does not name the
    # site ("Ben Wilson Surf - Point of Sail - Sails, surf and kite shop").
    if key in site:
        return None
    if len(key.split()) < 4 and 2 * len(key) < len(title_key):  # short
        before_site_part = before_separator and _SITE_SEPARATOR.match(title_key[len(key) :])
        return shown if short_ok and before_site_part and not is_link() else None
    if title_key.startswith(key):
        if not title_key[len(key) :].strip(_END_PUNCTUATION):
            return title  # the heading lost a closing bracket or quote
        if before_separator:
            return shown
    if title_key.endswith(key):
        before = title_key[: -len(key)]
        if _SEPARATOR_END.search(before) and len(_WORD.findall(before)) <= MAX_PREFIX_WORDS:
            return shown
    kicker = key[: -len(title_key)]
    if key.endswith(title_key) and len(title_key.split()) >= MIN_KICKED_WORDS:
        return title if len(_WORD.findall(kicker)) <= MAX_PREFIX_WORDS else None
    return None


def _without_suffix_of_others(matched: str, titles: list[tuple[str, str]], site: str | None) -> str:
    """The headline without a site's suffix that another of the page's metadata titles lacks
    ("Title | Agency" in <title> and <h1>, "Title" in og:title); not "Bà Rịa" for "Bà Rịa -
    Vũng Tàu mưa lớn" because og:title says "Bà Rịa"."""
    cut = without_site_suffix(matched, site)
    return cut if cut != matched and len(cut) >= 4 and any(title == cut for title, _ in titles) else matched


def _h1s(tree: Tree) -> list[int]:
    return [element for element, tag in enumerate(tree.tags) if tag == "h1"][:MAX_CANDIDATES]


def _other_headings(tree: Tree) -> Iterator[int]:
    """Elements named for a title, then <h2> and <h3>, in page order: looked for only when
    no <h1> is the headline (most often one is)."""
    tags, names = tree.tags, tree.names
    titled = {name for name in set(names) if name and _NAMED_TITLE.search(name)}  # (names repeat)
    named = [e for e, name in enumerate(names) if name in titled and tags[e] != "h1" and tags[e] != "a"]
    h23 = [e for e, tag in enumerate(tags) if (tag == "h2" or tag == "h3") and names[e] not in titled]
    yield from named[:MAX_CANDIDATES] + h23[:MAX_CANDIDATES]


def _key(text: str) -> str:
    return heading_key(text.replace("...", "…")).strip(" .,;:!?\"'“”()[]")


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
