"""A raw document (text dump or HTML page) -> its Article, or None when it holds no article.

The entry point of extraction, which is a package of one module per part:

    tree.py     HTML -> elements and text segments, in one walk (selectolax's Lexbor parser)
    head.py     metadata: meta tags, JSON-LD, canonical URL, site name, metadata titles
    title.py    the headline a reader sees
    story.py    navigation by structure, and the story's root (readability's scoring)
    listing.py  home and category pages (lists of teasers), skipped
    page_dates.py, html.py   the page's dates; the article, block by block
    plain.py    HTML too costly for a tree, read as text
    text.py     text dumps (one paragraph per line)

The line rules both extractors share, and the `Article` record, are in lines.py; the rules as
data in noise.py; the dates' forms in dates.py.
"""

import logging
from typing import TYPE_CHECKING

from search.corpus import RawDocument
from search.extract.html import NotAnArticle, extract_html
from search.extract.text import extract_text
from search.lines import Article

if TYPE_CHECKING:
    from search.boilerplate import Template

LOGGER = logging.getLogger(__name__)

__all__ = ["Article", "NotAnArticle", "extract", "extract_or_reason"]


def extract(document: RawDocument, template: "Template | None" = None) -> Article | None:
    """Extract the article of one page, or None (with the reason logged) if it holds none.

    `template` (from boilerplate.learn_template over the corpus) marks the lines the page's
    site repeats on its other pages (text dumps; HTML chrome is found by structure).
    """
    found = extract_or_reason(document, template)
    return found if isinstance(found, Article) else None


def extract_or_reason(document: RawDocument, template: "Template | None" = None) -> Article | NotAnArticle:
    """The article of one page, or NotAnArticle saying why it holds none (a listing page, no
    article text, no title)."""
    try:
        if document.kind == "html":
            article = extract_html(document.path, document.text)
        else:
            article = extract_text(document.path, document.text, template)
    except NotAnArticle as reason:
        LOGGER.info("%s: %s", document.path, reason)
        return reason
    if article is None or not article.body:
        LOGGER.info("%s: no article text", document.path)
        return NotAnArticle("no article text found")
    return article
