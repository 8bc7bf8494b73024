"""A raw document (text dump or HTML page) -> its Article, or None when it holds no article.

The entry point of extraction: it hands the page to extract_text.py or extract_html.py by its
kind. Nothing in search/ imports this module but the stages after extraction (pipeline,
evaluate); the records and line rules both extractors share are in lines.py.
"""

import logging
from typing import TYPE_CHECKING

from search.corpus import RawDocument
from search.extract_html import extract_html
from search.extract_text import extract_text
from search.lines import Article

if TYPE_CHECKING:
    from search.boilerplate import Template

LOGGER = logging.getLogger(__name__)

__all__ = ["Article", "extract"]


def extract(document: RawDocument, template: "Template | None" = None) -> Article | None:
    """Extract the article of one page, or None (with the reason logged) if it holds none.

    `template` (from boilerplate.learn_template over the corpus) marks the lines the page's
    site repeats on its other pages (text dumps; HTML chrome is found by structure).
    """
    if document.kind == "html":
        article = extract_html(document.path, document.text)
    else:
        article = extract_text(document.path, document.text, template)
    if article is None or not article.body:
        LOGGER.info("%s: no article text", document.path)
        return None
    return article
