"""A page's tree and story -> why it is a home or category page (a list of teasers), or None.

A listing is many headlines, each a link to another page, with little text of its own between
them; an article is paragraphs of text that link little. Both may say so in their metadata.
"""

from search.extract.head import Head
from search.extract.story import Story
from search.extract.tree import Tree


def listing_reason(tree: Tree, story: Story, head: Head) -> str | None:
    return None
