"""An HTML page -> Article | None (title, body, captions, date, site, url), with beautifulsoup4.

Metadata comes from the page head (og:title, article:published_time, canonical, og:site_name);
the body from `<article>` (or the element holding most paragraph text, for "div soup"), after
scripts, navigation, asides, forms and blocks whose class or id names a widget are removed
(the tag and class rules are in noise.py). Each kept block is one paragraph, labelled by the
same line rules as text dumps (lines.py).

A page whose tree would be too costly to build or walk (more than MAX_HTML_TAGS tags, nested
more than MAX_HTML_DEPTH deep, or markup html.parser rejects) is read as plain text instead,
with the reason logged: every step here is linear in the size of the page.
"""

import logging
import re

from bs4 import BeautifulSoup, CData, Comment, NavigableString, ParserRejectedMarkup, Tag

from search import limits, noise
from search.dates import Found, best, date_in_url, dateline_date
from search.html_dates import page_dates
from search.html_head import read_head
from search.html_text import as_plain_text
from search.lines import Article, Dropped, clean_line, cut_line, line_label

LOGGER = logging.getLogger(__name__)

BLOCKS = ["p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figcaption", "dd"]
_BLOCK_NAMES = frozenset(BLOCKS)
_MAIN_TEXT = (NavigableString, CData)  # the strings Tag.get_text() reads in <p> and <article>
_TAG_START = re.compile(r"<[a-zA-Z]")


def extract_html(path: str, html: str) -> Article | None:
    """Extract the article of one HTML page (from its text alone when its tree is too big,
    too deep or unparsable: see html_text.py)."""
    if html.count("<") > limits.MAX_HTML_TAGS:
        tags = sum(1 for _ in _TAG_START.finditer(html))
        if tags > limits.MAX_HTML_TAGS:
            return as_plain_text(
                path,
                html,
                f"it has {tags:,} tags, more than "
                f"{limits.MAX_HTML_TAGS:,} (the tree would take too much memory)",
            )
    try:
        soup = BeautifulSoup(_text_tail(html), "html.parser")
    except (ParserRejectedMarkup, RecursionError) as error:
        reason = str(error).strip().splitlines()[-1][:200] if str(error).strip() else ""
        return as_plain_text(path, html, f"html.parser rejects it ({type(error).__name__}: {reason})")
    if _deeper_than(soup, limits.MAX_HTML_DEPTH):
        return as_plain_text(path, html, f"its tags are nested more than {limits.MAX_HTML_DEPTH} deep")
    head = read_head(soup)
    before_strip = _wrappers(soup)
    dates = page_dates(soup, head.meta, lambda tag: _in_navigation(tag, before_strip))

    article_dropped = []
    for element in soup(noise.STRIP_TAGS):
        element.decompose()
    for comment in soup.find_all(string=lambda text: isinstance(text, Comment)):
        comment.extract()
    wrappers = _wrappers(soup)
    for element in soup.find_all(lambda tag: _is_widget(tag, wrappers)):
        if element.decomposed:  # inside a widget removed already
            continue
        article_dropped.append(
            Dropped(
                clean_line(element.get_text(" "))[:200], f"widget ({_names(element).strip() or element.name})"
            )
        )
        element.decompose()

    root = _article_root(soup)
    if root is None or not head.title:
        return None
    article = Article(
        path=path,
        title=head.title,
        body=[],
        site=head.site,
        url=head.url,
        dropped=[d for d in article_dropped if d.line],
    )
    datelines: list[tuple[Found, Dropped]] = []
    lead = soup.find(lambda tag: tag.name in ("p", "h2", "div") and noise.LEAD_HINTS.search(_names(tag)))
    in_body: set[str] = set()
    if (
        lead is not None
        and not any(parent is root for parent in lead.parents)
        and not any(parent is lead for parent in root.parents)
    ):
        _take_block(article, ("p", lead.get_text(" "), 0.0, ""), in_body, datelines)
    for block in _blocks(root):
        _take_block(article, block, in_body, datelines)
    _take_date(article, dates, datelines)
    return article


def _take_date(article: Article, dates: list[Found], datelines: list[tuple[Found, Dropped]]) -> None:
    """The publication date the page states (metadata, <time>, a date-named element), else
    that of a dateline in its body (which is then no longer a dropped line), else an update's
    date; else the date in its URL."""
    candidates = [found for found in dates if not found.updated]
    candidates += [found for found, _ in datelines] + [found for found in dates if found.updated]
    chosen = best(candidates)
    if chosen is None:
        article.date = date_in_url(article.url)
        return
    article.date = chosen.date
    used = next((dropped for found, dropped in datelines if found is chosen), None)
    article.dropped = [dropped for dropped in article.dropped if dropped is not used]


def _text_tail(html: str) -> str:
    """The page with each "<" after its last ">" written "&lt;". html.parser reads such a tail
    as text anyway, but only after scanning the rest of the page from each "<" in it: the
    time is quadratic (minutes for a tail of 100,000 "<a ")."""
    end = html.rfind(">") + 1
    if html.find("<", end) < 0:
        return html
    return html[:end] + html[end:].replace("<", "&lt;")


def _deeper_than(soup: BeautifulSoup, most: int) -> bool:
    """Whether any tag is nested more than `most` deep (one pass, no recursion)."""
    depth = {id(soup): 0}
    for node in soup.descendants:  # parents come before their children
        if isinstance(node, Tag):
            depth[id(node)] = depth[id(node.parent)] + 1
            if depth[id(node)] > most:
                return True
    return False


def _wrappers(soup: BeautifulSoup) -> set[int]:
    """The ids of the tags that hold an <article> or an <h1>: page wrappers, not widgets,
    whatever their class says. One walk up from each, stopping where an earlier walk passed:
    linear in the page (a find() below every tag took 22 s on a page 8,000 levels deep)."""
    wrappers: set[int] = set()
    for tag in soup.find_all(["article", "h1"]):
        for parent in tag.parents:
            if id(parent) in wrappers:
                break
            wrappers.add(id(parent))
    return wrappers


def _is_widget(tag: Tag, wrappers: set[int]) -> bool:
    if tag.name in ("html", "body", "article", "main") or tag.attrs is None:
        return False
    if id(tag) in wrappers:  # a page wrapper named "has-sidebar", not a widget
        return False
    names = _names(tag)
    role = tag.get("role") or ""
    return bool(noise.WIDGET_ANYWHERE.search(names) or noise.WIDGET_WORDS.search(names)) or role in (
        "navigation",
        "banner",
        "complementary",
    )


def _in_navigation(tag: Tag, wrappers: set[int]) -> bool:
    """Whether the tag is in the page's navigation: in an aside, a nav, a footer, a header that
    holds no title, or a widget (where other articles' dates are, and the day's date)."""
    for parent in tag.parents:
        if id(parent) in wrappers:  # what holds the title is the article's, and so is all above it
            return False
        if parent.name in ("aside", "nav", "footer", "header", "menu") or _is_widget(parent, wrappers):
            return True
    return False


def _names(tag: Tag) -> str:
    """A tag's class and id, the words sites name their blocks with."""
    return " ".join(tag.get("class") or []) + " " + (tag.get("id") or "")


def _article_root(soup: BeautifulSoup) -> Tag | None:
    """<article> or a body-named element, else the element whose paragraphs hold most text."""
    hinted = soup.find(attrs={"itemprop": "articleBody"}) or soup.find(
        lambda tag: noise.BODY_HINTS.search(" ".join(tag.get("class") or []) + " " + (tag.get("id") or ""))
    )
    articles = soup.find_all("article")
    if len(articles) == 1:
        return articles[0]
    if articles:
        lengths = _text_lengths(soup)
        return max(articles, key=lambda tag: lengths.get(id(tag), (0, 0))[0])
    if hinted:
        return hinted
    lengths = _text_lengths(soup)
    scores: dict[int, tuple[int, Tag]] = {}
    for paragraph in soup.find_all(["p", "br"]):
        parent = paragraph.parent
        text = lengths.get(id(paragraph), (0, 0))[1] if paragraph.name == "p" else 40
        count, _ = scores.get(id(parent), (0, parent))
        scores[id(parent)] = (count + text, parent)
    if scores:
        return max(scores.values(), key=lambda entry: entry[0])[1]
    return soup.body or soup


def _text_lengths(soup: BeautifulSoup) -> dict[int, list[int]]:
    """len(tag.get_text()) and len(tag.get_text(strip=True)) of the tags that hold text, by
    id, in one pass from the last node up (asking each tag walks its whole subtree: quadratic
    in nested tags, 30 s for a page of 250 nested <p>)."""
    lengths: dict[int, list[int]] = {}
    for node in reversed(list(soup.descendants)):  # each node after everything inside it
        totals = lengths.setdefault(id(node.parent), [0, 0])
        if isinstance(node, Tag):
            full, stripped = lengths.get(id(node), (0, 0))
            totals[0] += full
            totals[1] += stripped
        elif type(node) in _MAIN_TEXT:  # what get_text() reads: not comments, scripts, ...
            totals[0] += len(node)
            totals[1] += len(node.strip())
    return lengths


def _blocks(root: Tag) -> list[tuple[str, str, float, str]]:
    """(tag name, text, link density, role) of each outermost block of the root, in order;
    role is "caption" or "byline" where the block's or its parents' class says so."""
    outermost = _outermost_blocks(root)
    if not outermost:
        # Text in bare <div>s separated by <br>: one paragraph per line.
        return [("p", line, 0.0, "") for line in root.get_text("\n").split("\n")]
    blocks = []
    roles: dict[int, str] = {}
    for block in outermost:
        text = clean_line(block.get_text(" "))
        links = sum(len(clean_line(link.get_text(" "))) for link in block.find_all("a"))
        blocks.append((block.name, text, links / len(text) if text else 0.0, _role(block, root, roles)))
    return blocks


def _outermost_blocks(root: Tag) -> list[Tag]:
    """The blocks under the root that are inside no other block, in page order; none when the
    root itself is, or is inside, a block. One walk down that does not enter blocks (asking
    each block for a block parent walks the whole page depth once per block)."""
    if root.name in _BLOCK_NAMES or root.find_parent(BLOCKS):
        return []
    found, stack = [], list(reversed(root.contents))
    while stack:
        node = stack.pop()
        if isinstance(node, Tag):
            if node.name in _BLOCK_NAMES:
                found.append(node)
            else:
                stack.extend(reversed(node.contents))
    return found


def _role(block: Tag, root: Tag, roles: dict[int, str]) -> str:
    """ "caption" or "byline" when the block or a parent below the root is named so. `roles`
    remembers the answer for every tag walked through, so the blocks of a page cost one
    walk up in all."""
    walked, role, tag = [], "", block
    while tag is not None and tag is not root:
        if id(tag) in roles:
            role = roles[id(tag)]
            break
        walked.append(tag)
        names = _names(tag)
        if tag.name == "figcaption" or noise.CAPTION_HINTS.search(names):
            role = "caption"
            break
        if noise.AUTHOR_HINTS.search(names):
            role = "byline"
            break
        tag = tag.parent
    for tag in walked:
        roles[id(tag)] = role
    return role


def _take_block(
    article: Article,
    block: tuple[str, str, float, str],
    in_body: set[str],
    datelines: list[tuple[Found, Dropped]],
) -> None:
    """Add one block to the article where it belongs; `in_body` holds the body's paragraphs
    (a page of 100,000 paragraphs is not compared 100,000 times over), `datelines` each
    dateline with its dropped record."""
    name, text, link_density, role = block
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
    if label is None and link_density > noise.MAX_LINK_DENSITY:
        label = "link list"
    if label is None and name == "li" and len(text.split()) <= noise.SHORT_LINE_WORDS:
        label = "menu"
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
