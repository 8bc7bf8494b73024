"""A page's tree, story and head -> why it is a home or category page (a list of teasers), or None.

A listing is many headlines, each a link to another page, with little text of its own for
each; an article is paragraphs that link little, under a headline that the page's metadata
names. A page is taken for a listing when it shows many teaser headlines and little text per
teaser, and either no heading on it matches its metadata title or it has almost no text of its
own, unless its metadata says it is one story (og:type article, one JSON-LD article).
"""

from search.extract.head import Head
from search.extract.story import Story
from search.extract.title import Headline
from search.extract.tree import Tree

# A teaser headline: a link of at least this many words (menus and tags are shorter).
TEASER_WORDS = 5
# How many teasers make a listing, and the story text per teaser below which the page is one.
MIN_TEASERS = 8
STORY_CHARS_PER_TEASER = 100
# Less story text than this under the best root is no article, whatever its headline.
MIN_STORY_CHARS = 300


def listing_reason(tree: Tree, story: Story, head: Head, headline: Headline) -> str | None:
    """Why the page is a listing, or None when it may be an article."""
    if head.says_story:
        return None
    teasers = 0
    for segment in tree.segments:
        if story.noise[segment.element]:
            continue
        if segment.link_chars >= 0.8 * len(segment.text) and len(segment.text.split()) >= TEASER_WORDS:
            teasers += 1
    text = story.story_chars[story.root]
    if teasers < MIN_TEASERS or text >= STORY_CHARS_PER_TEASER * teasers:
        return None
    if headline.element is None:
        return (
            f"a listing page: {teasers} teaser headlines, {text:,} characters of text of its own, "
            "and no heading that matches the page's title"
        )
    if text < MIN_STORY_CHARS:
        return f"a listing page: {teasers} teaser headlines and {text:,} characters of text of its own"
    return None
