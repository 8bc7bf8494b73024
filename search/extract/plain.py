"""An HTML page not worth a tree (too big, too deep, unparsable) -> Article | None, as a text dump.

Its tags are taken out, one paragraph per block, and the text goes through extract_text.py:
linear in the page, whatever its markup.
"""

import html as html_module
import logging
import re

from search.extract.text import extract_text
from search.lines import Article

LOGGER = logging.getLogger(__name__)

# Elements whose content is never text, dropped with it when a page is read as plain text; the
# pattern ends at the first closing tag or at the end of the page, so it reads the page once.
_HIDDEN = re.compile(r"<(script|style|noscript|template|svg|object|canvas)\b.*?(?:</\1\s*>|\Z)", re.I | re.S)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
# Tags that end a paragraph; other tags (<a>, <b>, <span>) are taken out of their sentence.
_BREAK = re.compile(
    r"</?(?:p|div|br|hr|li|ul|ol|dl|dt|dd|h[1-6]|table|tr|td|th|section|article|main|header|"
    r"footer|nav|aside|blockquote|pre|figure|figcaption|title|form|body|head|html)\b[^<>]*>",
    re.I,
)
_TAG = re.compile(r"<[^<>]*>")


def as_plain_text(path: str, html: str, why: str) -> Article | None:
    """Extract the page as a text dump, saying why in the log."""
    LOGGER.warning("%s: read as plain text, not as HTML: %s", path, why)
    if "\r" in html:  # newlines as "\n", as the HTML parser would have read them (corpus.decode)
        html = html.replace("\r\n", "\n").replace("\r", "\n")
    text = _COMMENT.sub(" ", _HIDDEN.sub(" ", html)).replace("\n", " ")
    text = html_module.unescape(_TAG.sub("", _BREAK.sub("\n", text)))
    return extract_text(path, text)
