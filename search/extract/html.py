"""An HTML page -> Article | None (title, body, captions, date, site, url), or why it holds none.

The page is parsed once (tree.py), its head read (head.py), its headline chosen (title.py), its
navigation and story root found by structure (story.py), and home or category pages told apart
(listing.py). Each block of the story is one paragraph, labelled by the same line rules as text
dumps (lines.py): link lists, related-story headings, datelines, bylines and captions leave the
body. The lead shown above the story's container is taken with it.

A page whose tree would cost too much (more than MAX_HTML_TAGS tags, or nested more than
MAX_HTML_DEPTH deep) is read as plain text instead (plain.py), with the reason logged.
"""

import logging
import re

import numpy as np

from search import limits, noise
from search.corpus import RawDocument
from search.dates import DIGIT, VIETNAM, Found, best, date_in_url, dateline_date
from search.extract.head import read_head
from search.extract.listing import listing_reason
from search.extract.page_dates import page_dates
from search.extract.plain import as_plain_text
from search.extract.story import Story, find_story
from search.extract.title import find_headline
from search.extract.tree import Tree, parse, read_tree
from search.lines import Article, Dropped, clean_line, cut_line, line_label

LOGGER = logging.getLogger(__name__)

_TAG_START = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")
# Void elements never hold others: they do not deepen the nesting.
# fmt: off
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr"})
# fmt: on
# The parser's time grows with the square of the nesting: pages with more tags than this are
# measured before they are parsed (fewer tags cannot nest deep enough to cost a second).
DEPTH_CHECK_FROM_TAGS = 8000
# A lead is a paragraph, not a label: at least this long, and mostly not links.
MIN_LEAD_CHARS = 60
MAX_DROPPED_CHARS = 200  # of each run of dropped text shown by --explain
# Blocks of the story with a greater share of link text are lists of other stories.
MAX_LINK_SHARE = noise.MAX_LINK_DENSITY


class NotAnArticle(Exception):
    """The page holds no article; the message says why (a listing, no text, no title), and
    `explain` how the page was read (--explain)."""

    def __init__(self, reason: str, listing: bool = False, explain: list[str] | None = None):
        super().__init__(reason)
        self.listing = listing
        self.explain = explain or []


def extract_html(page: RawDocument) -> Article:
    """Extract the article of one HTML page, or raise NotAnArticle saying why there is none.
    The parser reads the page's UTF-8 bytes when it has them (page.utf8), else its text; the
    text of a page in UTF-8 is asked for only to read it as plain text."""
    path, utf8 = page.path, page.utf8
    if (too_costly := _too_costly(page)) is not None:
        return as_plain_text(path, page.text, too_costly)
    document = parse(page.text if utf8 is None else utf8)
    head = read_head(document)
    tree = read_tree(document)
    if tree.depth > limits.MAX_HTML_DEPTH:
        return as_plain_text(path, page.text, f"its tags are nested more than {limits.MAX_HTML_DEPTH} deep")
    headline = find_headline(head, tree)
    protected = (
        set(tree.ancestors(headline.element)) | {headline.element} if headline.element is not None else set()
    )
    story = find_story(tree, protected)
    explain = [f"title: {headline.source}", *story.why]
    if (reason := listing_reason(tree, story, head, headline)) is not None:
        raise NotAnArticle(reason, listing=True, explain=explain)
    article = Article(path=path, title=headline.text or "", body=[], site=head.site, url=head.url)
    article.explain = explain
    datelines: list[tuple[Found, Dropped]] = []
    in_body: set[str] = set()
    lead = _lead(tree, story, headline.element)
    if lead:
        article.explain.append(f"lead: the block above the story ({lead[0][:40]}...)")
    for line in lead:
        _take_block(article, ("p", line, 0.0, ""), in_body, datelines)
    blocks, elsewhere = _story_blocks(tree, story, lead)
    article.dropped[:0] = elsewhere
    for block in _captions_telling_the_story(blocks, article):
        _take_block(article, block, in_body, datelines)
    _take_date(article, page_dates(head, tree, story, headline.element), datelines)
    if not article.body:
        raise NotAnArticle("no article text found", explain=article.explain)
    if not headline.text:
        raise NotAnArticle("no title (no <title>, og:title or <h1>)", explain=article.explain)
    return article


def _story_blocks(
    tree: Tree, story: Story, lead: list[str]
) -> tuple[list[tuple[str, str, float, str]], list[Dropped]]:
    """(tag, text, link share, role) of each segment of the story, in page order; and the rest
    of the page (but its lead) as dropped runs, each with why (--explain)."""
    blocks: list[tuple[str, str, float, str]] = []
    dropped: list[Dropped] = []
    roles: dict[int, str] = {}
    root, last = story.root, tree.ends[story.root]
    for segment in tree.segments:
        element = segment.element
        if root <= element <= last and not story.noise[element]:  # inside the story's root
            share = min(segment.link_chars, len(segment.text)) / len(segment.text)
            blocks.append((tree.tags[element], segment.text, share, _role(tree, element, story.root, roles)))
        elif segment.text not in lead:
            reason = story.noise[element] or "outside the story's container"
            if dropped and dropped[-1].reason == reason:  # one record per run
                if len(dropped[-1].line) < MAX_DROPPED_CHARS:
                    dropped[-1].line += " " + segment.text[:MAX_DROPPED_CHARS]
            else:
                dropped.append(Dropped(segment.text[:MAX_DROPPED_CHARS], reason))
    for record in dropped:
        record.line = clean_line(record.line[:MAX_DROPPED_CHARS])
    return blocks, dropped


def _role(tree: Tree, element: int, root: int, roles: dict[int, str]) -> str:
    """ "caption" or "byline" when the block or a parent below the root is named so; `roles`
    remembers the answer for every element walked through (one walk up for all blocks)."""
    walked, role = [], ""
    while element >= 0 and element != root:
        if element in roles:
            role = roles[element]
            break
        walked.append(element)
        names = tree.names[element]
        if tree.tags[element] == "figcaption" or noise.CAPTION_HINTS.search(names):
            role = "caption"
            break
        if noise.AUTHOR_HINTS.search(names):
            role = "byline"
            break
        element = tree.parents[element]
    for tag in walked:
        roles[tag] = role
    return role


def _captions_telling_the_story(blocks: list[tuple[str, str, float, str]], article: Article) -> list:
    """The blocks, with captions read as body text when they hold more of the story's text than
    the paragraphs do: a story told photo by photo, in caption cells or caption paragraphs."""
    captions = sum(
        len(text) for _, text, share, role in blocks if role == "caption" and share < MAX_LINK_SHARE
    )
    paragraphs = sum(len(text) for _, text, share, role in blocks if role == "" and share < MAX_LINK_SHARE)
    if captions <= paragraphs:
        return blocks
    article.explain.append(
        f"captions read as the story: {captions:,} characters of captions, {paragraphs:,} of paragraphs"
    )
    return [
        (name if name != "figcaption" else "p", text, share, "" if role == "caption" else role)
        for name, text, share, role in blocks
    ]


def _too_costly(page: RawDocument) -> str | None:
    """Why the page's tree would cost too much to build, or None. (Its "<"s are counted in its
    UTF-8 bytes when it has them, by numpy: a fifth of the time str.count takes.)"""
    if page.utf8 is None:
        tags = page.text.count("<")
    else:
        tags = int(np.count_nonzero(np.frombuffer(page.utf8, dtype=np.uint8) == ord("<")))
    if tags <= min(DEPTH_CHECK_FROM_TAGS, limits.MAX_HTML_TAGS):
        return None
    html, tags, depth, deepest = page.text, 0, 0, 0
    # After the last ">" no tag can close: "<a <a <a" there is text, however long.
    for closing, name in _TAG_START.findall(html, 0, html.rfind(">") + 1):
        tags += 1
        if closing:
            depth = max(0, depth - 1)
        elif name.lower() not in _VOID:
            depth += 1
            deepest = max(deepest, depth)
    if tags > limits.MAX_HTML_TAGS:
        return (
            f"it has {tags:,} tags, more than {limits.MAX_HTML_TAGS:,} (the tree would take too much memory)"
        )
    if deepest > limits.MAX_HTML_DEPTH:
        return f"its tags are nested more than {limits.MAX_HTML_DEPTH} deep"
    return None


def _lead(tree: Tree, story: Story, headline: int | None) -> list[str]:
    """The lead shown between the headline and the story's container, or named so: the lines
    of the first block there that holds a paragraph's worth of text and few links."""
    lines: dict[int, list[str]] = {}
    for segment in tree.segments:
        element = segment.element
        if element >= story.root:
            break
        if story.noise[element] or segment.link_chars > 0.3 * len(segment.text):
            continue
        hinted = any(
            noise.LEAD_HINTS.search(tree.names[e]) for e in [element, *list(tree.ancestors(element))[:2]]
        )
        after_headline = headline is not None and element > headline and not tree.is_inside(element, headline)
        if hinted or after_headline:
            lines.setdefault(element, []).append(segment.text)
    for block in lines.values():
        if sum(map(len, block)) >= MIN_LEAD_CHARS:
            return block
    return []


def _take_date(
    article: Article, dates: list[tuple[Found, str]], datelines: list[tuple[Found, Dropped]]
) -> None:
    """The publication date the page states (metadata, <time>, a date-named element), else
    that of a dateline in its body (which is then no longer a dropped line), else an update's
    date; else the date in its URL. Vietnam time, as the pages mean it."""
    where = {id(found): source for found, source in dates}
    where.update((id(found), "a dateline in the story") for found, _ in datelines)
    candidates = [found for found, _ in dates if not found.updated]
    candidates += [found for found, _ in datelines] + [found for found, _ in dates if found.updated]
    chosen = best(candidates)
    if chosen is None:
        article.date = date_in_url(article.url)
        article.explain.append("date: from the URL" if article.date else "date: none found")
        return
    article.date = chosen.date.astimezone(VIETNAM)
    article.explain.append(f"date: {where[id(chosen)]}" + (" (an update's)" if chosen.updated else ""))
    used = next((dropped for found, dropped in datelines if found is chosen), None)
    article.dropped = [dropped for dropped in article.dropped if dropped is not used]


def _take_block(
    article: Article,
    block: tuple[str, str, float, str],
    in_body: set[str],
    datelines: list[tuple[Found, Dropped]],
) -> None:
    """Add one block to the article where it belongs; `in_body` holds the body's paragraphs
    (a page of 100,000 paragraphs is not compared 100,000 times over), `datelines` each
    dateline with its dropped record."""
    name, text, link_share, role = block
    text = clean_line(cut_line(article.path, text, article.dropped))
    if not text or text == article.title or text in in_body:
        return
    if name == "figcaption" or role == "caption":
        article.captions.append(text)
        return
    if role == "byline" and len(text.split()) <= 8:
        article.byline = article.byline or text
        return
    label = line_label(text)
    if label is None and link_share > MAX_LINK_SHARE:
        label = "link list"
    # A short list item is a menu's entry when it links, or a button's label ("Lưu tin", "Cỡ
    # chữ"); with a number or three words and no link, one of the story's points (a price, a
    # recipe's ingredient, "Giá vé 8.000 đồng").
    words = len(text.split())
    if label is None and name == "li" and words <= noise.SHORT_LINE_WORDS:
        label = "menu" if link_share > 0 or not (words >= 3 or DIGIT.search(text)) else None
    if label is None:
        article.body.append(text)
        in_body.add(text)
    elif label == "caption":
        article.captions.append(text.strip("| ").strip())
    elif label == "byline" and article.byline is None:
        article.byline = noise.BYLINE.match(text).group("name").strip()
    else:
        article.dropped.append(Dropped(text, label))
        if label == "dateline":
            datelines.append((dateline_date(text), article.dropped[-1]))
