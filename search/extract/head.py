"""A parsed HTML page -> what it says about itself: meta values, JSON-LD items, canonical URL,
site name, the titles its metadata gives, and its <time> elements.

Read before the tree is walked (JSON-LD is a script, the <title> is in the head). The title the
page shows is chosen in title.py, from these and the page's headings.
"""

import html
import json
import re
from collections import Counter
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from search import noise
from search.lines import clean_line, domain_of

# JSON-LD types that describe the page as one story (NewsArticle, BlogPosting, ReportageNewsArticle...).
_STORY_TYPE = re.compile(r"article|posting|report", re.I)
MAX_JSON_LD_CHARS = 1_000_000  # a larger script is not a page's metadata
MAX_SCRIPT_CHARS = 2_000  # a script that writes a dateline is a line or two
# A page with no URL of its own is on the site its absolute links point to most, by this
# factor over the next site, and at least MIN_LINKS times.
LINK_MAJORITY = 2
MIN_LINKS = 5
_DOMAIN_LIKE = re.compile(r"\w\.[a-z]{2,}$|^https?:", re.I)
_LINK_HOST = re.compile(r"\s*(?:https?:)?//([^/:?#\s]+)", re.I)
_WRITES_TEXT = re.compile(
    r"""getElementById\(\s*["'](?P<id>[\w-]+)["']\s*\)\.innerHTML\s*=\s*["'](?P<text>[^"'<]{6,120})["']"""
)


# The meta values read here and in page_dates.py: only those are cleaned and kept.
READ_META = frozenset(
    {
        "og:type",
        "og:site_name",
        "og:title",
        "twitter:title",
        "og:url",
        *noise.PUBLISHED_META,
        *noise.MODIFIED_META,
    }
)


@dataclass
class Head:
    meta: dict[str, str]  # lower-case property, name or itemprop -> its first value (READ_META only)
    json_ld: list[dict]  # every item, stories first
    site: str | None
    url: str | None
    titles: list[str]  # what the metadata calls the page: og:title, JSON-LD headline, <title>
    scripted_dates: list[str] = field(default_factory=list)  # written by a script into a date-named element

    @property
    def says_story(self) -> bool:
        """Whether the metadata calls the page one story: og:type article, or one JSON-LD
        article (a listing may describe each of its teasers as one)."""
        stories = sum(1 for item in self.json_ld if _is_story(item))
        return self.meta.get("og:type", "").lower() == "article" or stories == 1


def read_head(document: LexborHTMLParser) -> Head:
    # One search of the page for the elements read here (each search walks the whole page).
    found: dict[str, list[LexborNode]] = {"meta": [], "script": [], "link": []}
    for node in document.css("meta, script, link[rel]"):
        found[node.tag].append(node)
    meta = _meta(document, found["meta"])
    json_ld = _json_ld(found["script"])
    url = _canonical_url(found["link"], meta)
    names = [name for name in (meta.get("og:site_name"), _publisher(json_ld)) if name]
    # A name beats a domain ("vnexpress.net" in og:site_name, "Báo VnExpress" as publisher).
    site = next((name for name in names if not _DOMAIN_LIKE.search(name)), names[0] if names else None)
    if not site:
        site = domain_of(url) if url else _linked_domain(document)
    titles = [meta.get("og:title"), meta.get("twitter:title")]
    titles += [clean_line(item["headline"]) for item in json_ld if isinstance(item.get("headline"), str)]
    title = document.css_first("title")
    titles.append(clean_line(title.text()) if title is not None else None)
    return Head(meta, json_ld, site, url, [t for t in titles if t], _scripted_dates(found["script"]))


def _linked_domain(document: LexborHTMLParser) -> str | None:
    """The domain the page's absolute links and images point to most, by far: a saved
    page's own site (the others are CDNs, ads, sister sites, social buttons)."""
    hosts = Counter(
        match.group(1)
        for node in document.css("a[href], img[src]")
        if (match := _LINK_HOST.match(node.attributes.get("href") or node.attributes.get("src") or ""))
    )
    domains: Counter = Counter()
    for host, count in hosts.items():  # (hundreds of links, a few hosts: each read once)
        domains[domain_of(host)] += count
    ranked = domains.most_common(2) + [("", 0), ("", 0)]
    (domain, count), (_, runner_up) = ranked[0], ranked[1]
    return domain if count >= MIN_LINKS and count >= LINK_MAJORITY * runner_up else None


def _meta(document: LexborHTMLParser, metas: list[LexborNode]) -> dict[str, str]:
    values = {}
    for node in metas:
        attributes = node.attributes
        key = (
            attributes.get("property") or attributes.get("name") or attributes.get("itemprop") or ""
        ).lower()
        if key and attributes.get("content") and key not in values:
            values[key] = attributes["content"]
    for node in document.css("[itemprop=datePublished], [itemprop=dateModified]"):
        attributes = node.attributes
        key = (attributes.get("itemprop") or "").lower()
        if key not in values:
            values[key] = attributes.get("content") or attributes.get("datetime") or node.text()[:200]
    return {key: clean_line(value) for key, value in values.items() if key in READ_META}


def _json_ld(scripts: list[LexborNode]) -> list[dict]:
    """Every JSON-LD item of the page (inside an @graph too), stories first."""
    items: list[dict] = []
    for script in scripts:
        if (script.attributes.get("type") or "").strip().lower() != "application/ld+json":
            continue
        text = script.text()
        if len(text) > MAX_JSON_LD_CHARS:
            continue
        try:
            data = json.loads(text, strict=False)
        except (ValueError, RecursionError):
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict):
                graph = item.get("@graph")
                items.extend(
                    part for part in (graph if isinstance(graph, list) else []) if isinstance(part, dict)
                )
                items.append(item)
    items.sort(key=lambda item: not _is_story(item))  # stable: page order among equals
    return items


def _scripted_dates(scripts: list[LexborNode]) -> list[str]:
    """Dates a script writes into an element named for a date, the page's dateline then
    being empty in the HTML: `getElementById("pDateTime").innerHTML = "Thứ năm, 20/12/2012"`."""
    found = []
    for script in scripts:
        text = script.text()
        if "innerHTML" not in text or len(text) > MAX_SCRIPT_CHARS:
            continue
        for match in _WRITES_TEXT.finditer(text):
            if noise.DATE_HINTS.search(match["id"]):
                found.append(clean_line(html.unescape(match["text"])))
    return found


def _is_story(item: dict) -> bool:
    kinds = item.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(kind, str) and _STORY_TYPE.search(kind) for kind in kinds)


def _publisher(json_ld: list[dict]) -> str | None:
    for item in json_ld:
        publisher = item.get("publisher")
        name = publisher.get("name") if isinstance(publisher, dict) else None
        if isinstance(name, str) and name.strip():
            return clean_line(name)
    return None


def _canonical_url(links: list[LexborNode], meta: dict[str, str]) -> str | None:
    for link in links:
        attributes = link.attributes
        if "canonical" in (attributes.get("rel") or "").lower().split():
            href = (attributes.get("href") or "").strip()
            if href.startswith("http"):
                return href
    return meta.get("og:url") if meta.get("og:url", "").startswith("http") else None
