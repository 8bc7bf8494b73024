"""A page's tree (tree.py) -> where its story is: the navigation to skip, and the story's root.

Navigation is found by structure: <nav>, <aside>, <header>, <footer>, <menu>, and blocks whose
class or id names a widget (noise.py), unless they hold the page's headline. The root is
found as readability does it: each paragraph-like segment scores its parent (and, half, its
grandparent) by its length and commas; a candidate's score shrinks with its share of link
text, and grows by half inside the block that holds the headline. A story split in two
containers (an ad slot between them, a mobile template) or told in one table per photo is
then gathered by climbing from the best candidate to the ancestor that adds story text and
little link text.
"""

import functools
from dataclasses import dataclass, field

from search import noise
from search.extract.tree import HEADINGS, Segment, SubtreeSums, Tree

# A segment shorter than this is a label, a date or a menu entry, never a paragraph.
MIN_PARAGRAPH_CHARS = 25
# Climb at most this many levels above the best candidate to gather a split story.
MAX_CLIMB = 6
# What an ancestor must add to be taken as the story: story text (at least this many
# characters, and this share of what the candidate holds), with link text at most this share
# of it (a list of teasers adds about as much link text as text; one with summaries, a
# quarter or more).
MIN_ADDED_CHARS = 150
MIN_ADDED_SHARE = 0.1
MAX_ADDED_LINKS = 0.25
# A block holding more than this share of the page's paragraph text is its content, whatever
# its tag or names say.
MOST_OF_THE_PAGE = 0.5
# Fewer characters of paragraphs than this are no story: it is looked for again without the
# layout's names, and the second one taken when it is this many times as long (find_story).
MIN_STORY_CHARS = 150
RETRY_GAIN = 2
HEADLINE_BLOCK_BONUS = 1.5
NAVIGATION_TAGS = frozenset({"nav", "aside", "header", "footer", "menu"})


@dataclass
class Story:
    root: int  # the element holding the story
    noise: list[str]  # element -> why it is navigation ("" when it is not)
    text_chars: SubtreeSums  # element -> characters of text under it, navigation left out
    link_chars: SubtreeSums  # element -> of those, inside links
    story_chars: SubtreeSums  # element -> characters of paragraph text under it, outside links
    why: list[str] = field(default_factory=list)  # how the root was chosen, for --explain


def find_story(tree: Tree, protected: set[int]) -> Story:
    """Mark the navigation and find the story's root; `protected` holds the elements that
    hold the headline (never navigation, whatever their class says). When the names left
    less than MIN_STORY_CHARS of paragraphs, the story is looked for again without the
    layout's names (noise.LAYOUT_ANYWHERE), and that one taken if it is RETRY_GAIN times as
    long: sites whose page builder names every block a widget, or their main column by its
    sidebar. (A short story found is kept: without those names, a sidebar's text could join it.)"""
    paragraph_of = list(map(paragraph_chars, tree.segments))  # segment by segment
    story = _find_story(tree, protected, paragraph_of, layout_names=True)
    found = story.story_chars[story.root] if tree.tags else 0
    if found >= MIN_STORY_CHARS or not tree.tags:
        return story
    again = _find_story(tree, protected, paragraph_of, layout_names=False)
    if again.story_chars[again.root] < max(RETRY_GAIN * found, MIN_STORY_CHARS):
        return story
    again.why.insert(
        0,
        f"read without the layout's names (widget, sidebar, header...): "
        f"with them, {found:,} characters of paragraphs were left",
    )
    return again


def _find_story(tree: Tree, protected: set[int], paragraph_of: list[int], layout_names: bool) -> Story:
    count = len(tree.tags)
    reasons = _navigation_marks(tree, protected, layout_names, paragraph_of)
    text, links, story = [0] * count, [0] * count, [0] * count
    scores: dict[int, float] = {}  # the elements that paragraphs score, and their scores
    # Blocks that hold other blocks: text loose in one (no <p> around it) is a paragraph
    # of its own, whose parent is that block (readability wraps such runs in a <p>).
    containers = {tree.parents[segment.element] for segment in tree.segments}
    for segment, paragraph in zip(tree.segments, paragraph_of):
        element = segment.element
        if reasons[element]:
            continue
        text[element] += len(segment.text)
        links[element] += min(segment.link_chars, len(segment.text))
        if paragraph:
            story[element] += paragraph
            score = 1 + segment.text.count(",") + min(len(segment.text) // 100, 3)
            parent = element if element in containers else tree.parents[element]
            if parent >= 0:
                scores[parent] = scores.get(parent, 0.0) + score
                if (grandparent := tree.parents[parent]) >= 0:
                    scores[grandparent] = scores.get(grandparent, 0.0) + score / 2
    text, links, story = (tree.subtree_sums(totals) for totals in (text, links, story))
    result = Story(0, reasons, text, links, story)
    if count == 0:
        return result
    # The headline's own block holds its story: its candidates count more than a list of
    # teasers with summaries elsewhere on the page.
    near = _headline_block(tree, protected)
    if near is not None:
        end = tree.ends[near]
        scores = {e: v * HEADLINE_BLOCK_BONUS if near <= e <= end else v for e, v in scores.items()}
    best = _best_candidate(tree, scores, text, links)
    result.root = best
    result.why.append(
        f"best candidate <{tree.tags[best]} {tree.names[best][:60]}>: "
        f"{story[best]:,} characters of paragraphs, {links[best]:,} of links"
    )
    _climb(tree, result)
    return result


def _headline_block(tree: Tree, protected: set[int]) -> int | None:
    """The block that holds the headline, unless that is the page's body."""
    around = sorted(protected, reverse=True)[1:2]  # the headline, then its parent
    return around[0] if around and tree.tags[around[0]] not in ("body", "html") else None


def _best_candidate(tree: Tree, scores: dict[int, float], text: SubtreeSums, links: SubtreeSums) -> int:
    """The element with the highest score less its share of link text (the later of equals);
    the last element when none scores above zero, as every other element then ties at zero."""
    last = len(tree.tags) - 1
    value, best = max(
        ((score * (1 - links[e] / text[e]), e) for e, score in scores.items() if text[e]),
        default=(0.0, last),
    )
    return best if value > 0 else last


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


def _navigation_marks(
    tree: Tree, protected: set[int], layout_names: bool, paragraph_of: list[int]
) -> list[str]:
    """Element -> why it is navigation, by its own tag or names or its parent's. A block named
    like a widget that holds most of the page's paragraph text is the page's content (CMSs
    call every block a widget), and so is everything around the headline."""
    paragraphs = [0] * len(tree.tags)
    for segment, paragraph in zip(tree.segments, paragraph_of):
        paragraphs[segment.element] += paragraph
    paragraphs = tree.subtree_sums(paragraphs)
    most = MOST_OF_THE_PAGE * paragraphs[0] if tree.tags else 0
    reasons = [""] * len(tree.tags)
    # (a page reuses its names: each is read once)
    widgets = {names for names in set(tree.names) if widget_reason(names, layout_names)}
    # Parents come first: an element without a reason of its own inherits its parent's.
    for element, (tag, names, parent) in enumerate(zip(tree.tags, tree.names, tree.parents)):
        if names in widgets or tag in NAVIGATION_TAGS:
            reason = _navigation(tag, names, layout_names)
            if reason and element not in protected and paragraphs[element] <= most:
                reasons[element] = reason
                continue
        if parent >= 0:
            reasons[element] = reasons[parent]
    return reasons


def _navigation(tag: str, names: str, layout_names: bool) -> str:
    """Why an element is navigation by its own tag or names ("" when it is not)."""
    if tag in NAVIGATION_TAGS:
        return f"<{tag}>"
    if tag in ("html", "body", "article", "main") or tag in HEADINGS:
        return ""
    return widget_reason(names, layout_names)


@functools.lru_cache(maxsize=8192)
def widget_reason(names: str, layout_names: bool = True) -> str:
    """ "widget (names)" when a block's class, id or role names a widget (a site reuses a few
    hundred names on all its pages: each is read once); with `layout_names`, the layout's
    words count too (noise.LAYOUT_ANYWHERE)."""
    if (
        noise.WIDGET_ANYWHERE.search(names)
        or noise.WIDGET_WORDS.search(names)
        or "complementary" in names
        or (layout_names and (noise.LAYOUT_ANYWHERE.search(names) or noise.LAYOUT_WORDS.search(names)))
    ):
        return f"widget ({names[:60]})"
    return ""
