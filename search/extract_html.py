"""HTML page -> Article | None, with beautifulsoup4.

Metadata comes from the page head (og:title, article:published_time, canonical, og:site_name);
the body from `<article>` (or the element holding most paragraph text, for "div soup"), after
scripts, navigation, asides, forms and blocks whose class or id names a widget are removed.
Each kept block is one paragraph, labelled by the same line rules as text dumps.
"""

import re

from bs4 import BeautifulSoup, Comment, Tag

from search import noise
from search.extract import (
    Article,
    Dropped,
    line_label,
    clean_line,
    heading_key,
    parse_date,
    registered_domain,
)

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
# A block whose text is mostly link text is a list of other stories, not prose.
MAX_LINK_DENSITY = 0.5
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|\-–—»]|::?)\s+")


def extract_html(path: str, html: str) -> Article | None:
    """Extract the article of one HTML page."""
    soup = BeautifulSoup(html, "html.parser")
    meta = _meta(soup)
    site = meta.get("og:site_name")
    url = _canonical_url(soup, meta)
    if not site and url:
        site = registered_domain(re.sub(r"^\w+://", "", url).split("/")[0])
    title = _title(soup, meta, site)
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
    for element in soup.find_all(_is_widget):
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
    if lead is not None and not any(parent is root for parent in lead.parents) \
            and not any(parent is lead for parent in root.parents):
        _take_block(article, ("p", lead.get_text(" "), 0.0, ""))
    for block in _blocks(root):
        _take_block(article, block)
    return article


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


def _is_widget(tag: Tag) -> bool:
    if tag.name in ("html", "body", "article", "main") or tag.attrs is None:
        return False
    if tag.find(["article", "h1"]):  # a page wrapper named "has-sidebar", not a widget
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
    if articles:
        return max(articles, key=lambda tag: len(tag.get_text()))
    if hinted:
        return hinted
    scores: dict[int, tuple[int, Tag]] = {}
    for paragraph in soup.find_all(["p", "br"]):
        parent = paragraph.parent
        text = len(paragraph.get_text(strip=True)) if paragraph.name == "p" else 40
        count, _ = scores.get(id(parent), (0, parent))
        scores[id(parent)] = (count + text, parent)
    if scores:
        return max(scores.values(), key=lambda entry: entry[0])[1]
    return soup.body or soup


def _blocks(root: Tag) -> list[tuple[str, str, float, str]]:
    """(tag name, text, link density, role) of each outermost block of the root, in order;
    role is "caption" or "byline" where the block's or its parents' class says so."""
    found = root.find_all(BLOCKS)
    outermost = [block for block in found if not block.find_parent(BLOCKS)]
    if not outermost:
        # Text in bare <div>s separated by <br>: one paragraph per line.
        return [("p", line, 0.0, "") for line in root.get_text("\n").split("\n")]
    blocks = []
    for block in outermost:
        text = clean_line(block.get_text(" "))
        links = sum(len(clean_line(link.get_text(" "))) for link in block.find_all("a"))
        blocks.append((block.name, text, links / len(text) if text else 0.0, _role(block, root)))
    return blocks


def _role(block: Tag, root: Tag) -> str:
    for tag in [block, *block.parents]:
        if tag is root or tag is None:
            break
        names = _names(tag)
        if tag.name == "figcaption" or CAPTION_HINTS.search(names):
            return "caption"
        if AUTHOR_HINTS.search(names):
            return "byline"
    return ""


def _take_block(article: Article, block: tuple[str, str, float, str]) -> None:
    name, text, link_density, role = block
    text = clean_line(text)
    if not text or text == article.title or text in article.body:
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
    elif label == "caption":
        article.captions.append(text.strip("| ").strip())
    elif label == "byline" and article.byline is None:
        article.byline = noise.BYLINE.match(text).group("name").strip()
    elif label == "dateline" and article.date is None:
        article.date = parse_date(text)
    else:
        article.dropped.append(Dropped(text, label))
