"""A page's tree (tree.py) -> where its story is: the navigation to skip, and the story's root.

Navigation is found by structure: <nav>, <aside>, <header>, <footer>, <menu>, and blocks whose
class or id names a widget (noise.py), unless they hold the page's headline. The root is
found as readability does it: each paragraph-like segment scores its parent (and, half, its
grandparent) by its length and commas; a candidate's score shrinks with its share of link
text. A story split in two containers (an ad slot between them, a mobile template) or told in
one table per photo is then gathered by climbing from the best candidate to the ancestor that
adds story text and little link text.
"""

import functools
from dataclasses import dataclass, field

from search import noise
from search.extract.tree import HEADINGS, Segment, Tree

# A segment shorter than this is a label, a date or a menu entry, never a paragraph.
MIN_PARAGRAPH_CHARS = 25
# Climb at most this many levels above the best candidate to gather a split story.
MAX_CLIMB = 6
# What an ancestor must add to be taken as the story: story text (at least this many
# characters, and this share of what the candidate holds), with link text at most this share
# of it (a list of teasers adds about as much link text as text).
MIN_ADDED_CHARS = 150
MIN_ADDED_SHARE = 0.1
MAX_ADDED_LINKS = 0.3
# A block holding more than this share of the page's paragraph text is its content, whatever
# its tag or names say.
MOST_OF_THE_PAGE = 0.5
NAVIGATION_TAGS = frozenset({"nav", "aside", "header", "footer", "menu"})


@dataclass
class Story:
    root: int  # the element holding the story
    noise: list[str]  # element -> why it is navigation ("" when it is not)
    text_chars: list[int]  # element -> characters of text under it, navigation left out
    link_chars: list[int]  # element -> of those, inside links
    story_chars: list[int]  # element -> characters of paragraph text under it, outside links
    why: list[str] = field(default_factory=list)  # how the root was chosen, for --explain


def find_story(tree: Tree, protected: set[int]) -> Story:
    """Mark the navigation and find the story's root; `protected` holds the elements that
    hold the headline (never navigation, whatever their class says)."""
    count = len(tree.tags)
    reasons = _navigation_marks(tree, protected)
    text, links, story, scores = [0] * count, [0] * count, [0] * count, [0.0] * count
    for segment in tree.segments:
        element = segment.element
        if reasons[element]:
            continue
        text[element] += len(segment.text)
        links[element] += min(segment.link_chars, len(segment.text))
        if paragraph := paragraph_chars(segment):
            story[element] += paragraph
            score = 1 + segment.text.count(",") + min(len(segment.text) // 100, 3)
            parent = tree.parents[element]
            if parent >= 0:
                scores[parent] += score
                if tree.parents[parent] >= 0:
                    scores[tree.parents[parent]] += score / 2
    for totals in (text, links, story):
        tree.sum_up(totals)
    result = Story(0, reasons, text, links, story)
    if count == 0:
        return result
    best = max(
        range(count),
        key=lambda e: (scores[e] * (1 - links[e] / text[e]) if text[e] else 0.0, e),
    )
    result.root = best
    result.why.append(
        f"best candidate <{tree.tags[best]} {tree.names[best][:60]}>: "
        f"{story[best]:,} characters of paragraphs, {links[best]:,} of links"
    )
    _climb(tree, result)
    return result


def paragraph_chars(segment: Segment) -> int:
    """The characters of a segment outside links when it reads as a paragraph (long enough,
    mostly not links), else 0."""
    length = len(segment.text)
    if length < MIN_PARAGRAPH_CHARS or segment.link_chars >= 0.5 * length:
        return 0
    return length - segment.link_chars


def _climb(tree: Tree, story: Story) -> None:
    """Take the highest near ancestor that adds story text and few links (a split story)."""
    start = story.root
    for steps, ancestor in enumerate(tree.ancestors(start), start=1):
        if steps > MAX_CLIMB or story.noise[ancestor]:
            break
        added = story.story_chars[ancestor] - story.story_chars[start]
        added_links = story.link_chars[ancestor] - story.link_chars[start]
        if (
            added >= max(MIN_ADDED_CHARS, MIN_ADDED_SHARE * story.story_chars[start])
            and added_links <= MAX_ADDED_LINKS * added
        ):
            story.root = ancestor
            story.why.append(
                f"widened to <{tree.tags[ancestor]} {tree.names[ancestor][:60]}>, {steps} up: "
                f"it adds {added:,} characters of paragraphs and {added_links:,} of links"
            )


def _navigation_marks(tree: Tree, protected: set[int]) -> list[str]:
    """Element -> why it is navigation, by its own tag or names or its parent's. A block named
    like a widget that holds most of the page's paragraph text is the page's content (CMSs
    call every block a widget), and so is everything around the headline."""
    count = len(tree.tags)
    paragraphs = [0] * count
    for segment in tree.segments:
        paragraphs[segment.element] += paragraph_chars(segment)
    tree.sum_up(paragraphs)
    total = paragraphs[0] if count else 0
    reasons = [
        "" if paragraphs[element] > MOST_OF_THE_PAGE * total else _navigation(tree, element, protected)
        for element in range(count)
    ]
    for element in range(count):  # parents come first: navigation is inherited
        parent = tree.parents[element]
        if parent >= 0 and reasons[parent] and not reasons[element]:
            reasons[element] = reasons[parent]
    return reasons


def _navigation(tree: Tree, element: int, protected: set[int]) -> str:
    """Why the element is navigation by its own tag or names ("" when it is not)."""
    if element in protected:
        return ""
    tag, names = tree.tags[element], tree.names[element]
    if tag in NAVIGATION_TAGS:
        return f"<{tag}>"
    if tag in ("html", "body", "article", "main") or tag in HEADINGS or not names:
        return ""
    return widget_reason(names)


@functools.lru_cache(maxsize=8192)
def widget_reason(names: str) -> str:
    """ "widget (names)" when a block's class, id or role names a widget (a site reuses a few
    hundred names on all its pages: each is read once)."""
    if noise.WIDGET_ANYWHERE.search(names) or noise.WIDGET_WORDS.search(names) or "complementary" in names:
        return f"widget ({names[:60]})"
    return ""
