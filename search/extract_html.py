"""HTML page -> Article | None, with beautifulsoup4.

Metadata comes from the page head (og:title, article:published_time, canonical, og:site_name);
the body from `<article>` (or the element holding most paragraph text, for "div soup"), after
scripts, navigation, asides, forms and blocks whose class or id names a widget are removed.
Each kept block is one paragraph, labelled by the same line rules as text dumps.

A page whose tree would be too costly to build or walk (more than MAX_HTML_TAGS tags, nested
more than MAX_HTML_DEPTH deep, or markup html.parser rejects) is read as plain text instead,
with the reason logged: every step here is linear in the size of the page.
"""

import html as html_module
import logging
import re

from bs4 import BeautifulSoup, CData, Comment, NavigableString, ParserRejectedMarkup, Tag

from search import limits, noise
from search.extract import (
    Article,
    Dropped,
    cut_line,
    extract_text,
    line_label,
    clean_line,
    heading_key,
    parse_date,
    registered_domain,
)

LOGGER = logging.getLogger(__name__)

# Elements that never hold article text.
STRIP_TAGS = [
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "iframe", "svg", "button", "input", "select", "textarea", "object", "embed", "canvas",
    "dialog", "menu",
]
# class/id words of widgets: related and most-read boxes, share and comment blocks, menus,
# cookie banners, ads. Strong words count anywhere in a class ("jp-relatedposts"); short
# ones only as whole words ("nav", not "canvas").
WIDGET_ANYWHERE = re.compile(
    r"related|relate|sharing|share|social|comment|binhluan|binh-luan|sidebar|breadcrumb|"
    r"cookie|consent|gdpr|advert|quangcao|quang-cao|newsletter|subscribe|popup|modal|"
    r"most-?read|most-?viewed|mostpopular|trending|recommend|readmore|read-more|widget|"
    r"tinlienquan|lienquan|lien-quan|xemthem|xem-them|doc-them|box-tin|author-box|pagination",
    re.I,
)
WIDGET_WORDS = re.compile(
    r"(?:^|[\s_-])(menu|navbar|nav|navigation|banner|ads?|promo|tags?|keywords?|footer|header|"
    r"login|signin|toolbar|masthead|colophon|topbar)(?:$|[\s_-])",
    re.I,
)
# Photo captions and the lead paragraph ("sapo"), which sites often set outside the body.
CAPTION_HINTS = re.compile(r"caption|(?:^|[\s_-])(image|photo|pic|img)(?:$|[\s_-])", re.I)
LEAD_HINTS = re.compile(r"sapo|description|(?:^|[\s_-])(lead|summary|chapeau|excerpt|standfirst)", re.I)
AUTHOR_HINTS = re.compile(r"author|byline|tac-?gia", re.I)
BODY_HINTS = re.compile(
    r"articlebody|article-?body|article-?content|post-?content|entry-?content|story-?body|"
    r"detail-?content|content-?detail|fck_detail|news-?content|main-?content|singular-?content",
    re.I,
)
BLOCKS = ["p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figcaption", "dd"]
_BLOCK_NAMES = frozenset(BLOCKS)
_MAIN_TEXT = (NavigableString, CData)  # the strings Tag.get_text() reads in <p> and <article>
# A block whose text is mostly link text is a list of other stories, not prose.
MAX_LINK_DENSITY = 0.5
# Only from the first of a run of spaces: tried from each one, a long run is quadratic.
_TITLE_SEPARATORS = re.compile(r"(?<!\s)\s+(?:[|\-–—»]|::?)\s+")
_TAG_START = re.compile(r"<[a-zA-Z]")


def extract_html(path: str, html: str) -> Article | None:
    """Extract the article of one HTML page (from its text alone when its tree is too big,
    too deep or unparsable: see _as_plain_text)."""
    if html.count("<") > limits.MAX_HTML_TAGS:
        tags = sum(1 for _ in _TAG_START.finditer(html))
        if tags > limits.MAX_HTML_TAGS:
            return _as_plain_text(path, html, f"it has {tags:,} tags, more than "
                                  f"{limits.MAX_HTML_TAGS:,} (the tree would take too much memory)")
    try:
        soup = BeautifulSoup(_text_tail(html), "html.parser")
    except (ParserRejectedMarkup, RecursionError) as error:
        reason = str(error).strip().splitlines()[-1][:200] if str(error).strip() else ""
        return _as_plain_text(path, html, f"html.parser rejects it ({type(error).__name__}: {reason})")
    if _deeper_than(soup, limits.MAX_HTML_DEPTH):
        return _as_plain_text(path, html, f"its tags are nested more than {limits.MAX_HTML_DEPTH} deep")
    meta = _meta(soup)
    site = meta.get("og:site_name")
    url = _canonical_url(soup, meta)
    if not site and url:
        site = registered_domain(re.sub(r"^\w+://", "", url).split("/")[0])
    title = _title(soup, meta, site)
    if title:
        title = title[: limits.MAX_LINE_CHARS]
    date = None
    for key in ("article:published_time", "datepublished", "pubdate", "publishdate", "date",
                "dc.date", "dc.date.issued", "og:updated_time"):
        if meta.get(key) and (date := parse_date(meta[key])):
            break
    if date is None and (time := soup.find("time")):
        date = parse_date(time.get("datetime") or time.get_text(" "))

    article_dropped = []
    for element in soup(STRIP_TAGS):
        element.decompose()
    for comment in soup.find_all(string=lambda text: isinstance(text, Comment)):
        comment.extract()
    wrappers = _wrappers(soup)
    for element in soup.find_all(lambda tag: _is_widget(tag, wrappers)):
        if element.decomposed:  # inside a widget removed already
            continue
        article_dropped.append(Dropped(clean_line(element.get_text(" "))[:200],
                                       f"widget ({_names(element).strip() or element.name})"))
        element.decompose()

    root = _article_root(soup)
    if root is None or not title:
        return None
    article = Article(path=path, title=title, body=[], date=date, site=site, url=url,
                      dropped=[d for d in article_dropped if d.line])
    lead = soup.find(lambda tag: tag.name in ("p", "h2", "div") and LEAD_HINTS.search(_names(tag)))
    in_body: set[str] = set()
    if lead is not None and not any(parent is root for parent in lead.parents) \
            and not any(parent is lead for parent in root.parents):
        _take_block(article, ("p", lead.get_text(" "), 0.0, ""), in_body)
    for block in _blocks(root):
        _take_block(article, block, in_body)
    return article


# Elements whose content is never text, dropped with it when a page is read as plain text; the
# pattern ends at the first closing tag or at the end of the page, so it reads the page once.
_HIDDEN = re.compile(r"<(script|style|noscript|template|svg|object|canvas)\b.*?(?:</\1\s*>|\Z)",
                     re.I | re.S)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
# Tags that end a paragraph; other tags (<a>, <b>, <span>) are taken out of their sentence.
_BREAK = re.compile(
    r"</?(?:p|div|br|hr|li|ul|ol|dl|dt|dd|h[1-6]|table|tr|td|th|section|article|main|header|"
    r"footer|nav|aside|blockquote|pre|figure|figcaption|title|form|body|head|html)\b[^<>]*>",
    re.I,
)
_TAG = re.compile(r"<[^<>]*>")


def _as_plain_text(path: str, html: str, why: str) -> Article | None:
    """Extract the page as a text dump: its tags taken out, one paragraph per block. Used
    when its tree is not worth building; linear in the page, whatever its markup."""
    LOGGER.warning("%s: read as plain text, not as HTML: %s", path, why)
    text = _COMMENT.sub(" ", _HIDDEN.sub(" ", html)).replace("\n", " ")
    text = html_module.unescape(_TAG.sub("", _BREAK.sub("\n", text)))
    return extract_text(path, text)


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


def _meta(soup: BeautifulSoup) -> dict[str, str]:
    values = {}
    for tag in soup.find_all("meta"):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower()
        if key and tag.get("content") and key not in values:
            values[key] = clean_line(tag["content"])
    for tag in soup.find_all(attrs={"itemprop": "datePublished"}):
        values.setdefault("datepublished", tag.get("content") or tag.get("datetime") or "")
    return values


def _canonical_url(soup: BeautifulSoup, meta: dict[str, str]) -> str | None:
    link = soup.find("link", rel="canonical")
    if link and link.get("href", "").startswith("http"):
        return link["href"]
    return meta.get("og:url") if meta.get("og:url", "").startswith("http") else None


def _title(soup: BeautifulSoup, meta: dict[str, str], site: str | None) -> str | None:
    """og:title, else the first <h1>, else <title> without its " | Site" suffix."""
    candidates = [meta.get("og:title"), meta.get("twitter:title")]
    heading = soup.find("h1")
    candidates.append(clean_line(heading.get_text(" ")) if heading else None)
    if soup.title and soup.title.string:
        candidates.append(clean_line(soup.title.string))
    for candidate in filter(None, candidates):
        return _without_site_suffix(candidate, site)
    return None


def _without_site_suffix(title: str, site: str | None) -> str:
    """Drop " | Báo Tuổi Trẻ" or " - VnExpress": the last part if it is the site or short."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) > 1:
        last = parts[-1]
        is_site = site and heading_key(last) in {heading_key(site), heading_key(site.split(".")[0])}
        if is_site or len(last.split()) <= 3 < len(" ".join(parts[:-1]).split()):
            return title[: title.rfind(last)].rstrip(" |-–—:»")
    return title


def _is_widget(tag: Tag, wrappers: set[int]) -> bool:
    if tag.name in ("html", "body", "article", "main") or tag.attrs is None:
        return False
    if id(tag) in wrappers:  # a page wrapper named "has-sidebar", not a widget
        return False
    names = _names(tag)
    role = tag.get("role") or ""
    return (
        bool(WIDGET_ANYWHERE.search(names) or WIDGET_WORDS.search(names))
        or role in ("navigation", "banner", "complementary")
    )


def _names(tag: Tag) -> str:
    """A tag's class and id, the words sites name their blocks with."""
    return " ".join(tag.get("class") or []) + " " + (tag.get("id") or "")


def _article_root(soup: BeautifulSoup) -> Tag | None:
    """<article> or a body-named element, else the element whose paragraphs hold most text."""
    hinted = soup.find(attrs={"itemprop": "articleBody"}) or soup.find(
        lambda tag: BODY_HINTS.search(" ".join(tag.get("class") or []) + " " + (tag.get("id") or ""))
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
    """"caption" or "byline" when the block or a parent below the root is named so. `roles`
    remembers the answer for every tag walked through, so the blocks of a page cost one
    walk up in all."""
    walked, role, tag = [], "", block
    while tag is not None and tag is not root:
        if id(tag) in roles:
            role = roles[id(tag)]
            break
        walked.append(tag)
        names = _names(tag)
        if tag.name == "figcaption" or CAPTION_HINTS.search(names):
            role = "caption"
            break
        if AUTHOR_HINTS.search(names):
            role = "byline"
            break
        tag = tag.parent
    for tag in walked:
        roles[id(tag)] = role
    return role


def _take_block(article: Article, block: tuple[str, str, float, str], in_body: set[str]) -> None:
    """Add one block to the article where it belongs; `in_body` holds the body's paragraphs
    (a page of 100,000 paragraphs is not compared 100,000 times over)."""
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
    if label is None and link_density > MAX_LINK_DENSITY:
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
    elif label == "dateline" and article.date is None:
        article.date = parse_date(text)
    else:
        article.dropped.append(Dropped(text, label))
