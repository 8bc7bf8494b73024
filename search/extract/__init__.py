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
import re
from pathlib import Path
from typing import TYPE_CHECKING

from search.corpus import RawDocument, UnreadableFile, read_document
from search.dates import VIETNAM
from search.extract.html import NotAnArticle, extract_html
from search.extract.text import extract_text
from search.lines import Article, clean_line, domain_of

if TYPE_CHECKING:
    from search.boilerplate import Template

LOGGER = logging.getLogger(__name__)

_DOMAIN = re.compile(r"(?:[\w-]+\.)+[a-z]{2,}", re.I)

__all__ = ["Article", "NotAnArticle", "explain_skipped", "extract", "extract_or_reason"]


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
            article = extract_html(document)
        else:
            titled = bool(document.given and document.given.get("title"))
            article = extract_text(document.path, document.text, template, titled)
    except NotAnArticle as reason:
        LOGGER.info("%s: %s", document.path, reason)
        return reason
    if article is None or not article.body:
        LOGGER.info("%s: no article text", document.path)
        return NotAnArticle("no article text found")
    return _placed(article, document)


def explain_skipped(skipped: list) -> dict[str, list[str]]:
    """How each skipped page that was read was found to hold no article (--explain): the
    page read and extracted again. Pages that could not be read, and crawl records, have
    their reason only."""
    explained = {}
    for item in skipped:
        try:
            found = extract_or_reason(read_document(item.path))
        except (UnreadableFile, OSError):
            continue
        if isinstance(found, NotAnArticle) and found.explain:
            explained[item.path] = found.explain
    return explained


def _placed(article: Article, document: RawDocument) -> Article:
    """The article with what its source says beside the page: a crawl's URL and date (the
    page's own come first), a JSON line's title, date and site; its site as a domain, and
    the name the site gives itself apart."""
    given = document.given or {}
    article.title = clean_line(given.get("title") or "") or article.title
    article.url = article.url or document.url
    date = given.get("date") or article.date or document.crawled
    article.date = date.astimezone(VIETNAM) if date and date.tzinfo else date
    named = given.get("site") or article.site
    article.site = domain_of(article.url) or _as_domain(article.site) or _folder(document.path)
    article.site_name = None if _as_domain(named) else named
    return article


def _as_domain(name: str | None) -> str | None:
    """The name when it is a domain ("cafef.vn", "VnExpress.net"), lower-cased; else None."""
    return domain_of(name.lower()) if name and _DOMAIN.fullmatch(name) else None


def _folder(path: str) -> str | None:
    """For a bare file: the folder it was saved in, a crawler's name for its site."""
    return Path(path.split("#")[0]).parent.name or None
