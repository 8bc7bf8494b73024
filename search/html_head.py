"""A parsed HTML page -> its head: metadata values, site name, canonical URL and title.

The title is og:title, else the first <h1>, else <title>, each without a " | Site" suffix; the
site is og:site_name, else the domain of the canonical URL (or og:url).
"""

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup

from search import limits
from search.lines import clean_line, heading_key, registered_domain

# Only from the first of a run of spaces: tried from each one, a long run is quadratic.
_TITLE_SEPARATORS = re.compile(r"(?<!\s)\s+(?:[|\-–—»]|::?)\s+")


@dataclass
class Head:
    meta: dict[str, str]  # lower-case property, name or itemprop -> its first value
    site: str | None
    url: str | None
    title: str | None


def read_head(soup: BeautifulSoup) -> Head:
    meta = _meta(soup)
    site = meta.get("og:site_name")
    url = _canonical_url(soup, meta)
    if not site and url:
        site = registered_domain(re.sub(r"^\w+://", "", url).split("/")[0])
    title = _title(soup, meta, site)
    return Head(meta, site, url, title[: limits.MAX_LINE_CHARS] if title else None)


def _meta(soup: BeautifulSoup) -> dict[str, str]:
    values = {}
    for tag in soup.find_all("meta"):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower()
        if key and tag.get("content") and key not in values:
            values[key] = clean_line(tag["content"])
    for tag in soup.find_all(attrs={"itemprop": ["datePublished", "dateModified"]}):
        key = tag["itemprop"].lower()
        if key not in values:
            values[key] = clean_line(tag.get("content") or tag.get("datetime") or tag.get_text(" ")[:200])
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
        return without_site_suffix(candidate, site)
    return None


def without_site_suffix(title: str, site: str | None) -> str:
    """Drop " | Báo Tuổi Trẻ" or " - VnExpress": the last part if it is the site or short."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) > 1:
        last = parts[-1]
        is_site = site and heading_key(last) in {heading_key(site), heading_key(site.split(".")[0])}
        if is_site or len(last.split()) <= 3 < len(" ".join(parts[:-1]).split()):
            return title[: title.rfind(last)].rstrip(" |-–—:»")
    return title
