"""A parsed HTML page -> the dates it states about itself (dates.Found), publication dates first.

In this order: JSON-LD `datePublished` (in an `@graph` too, articles before other things), the
head's publication metadata (noise.PUBLISHED_META: article:published_time, itemprop
datePublished, pubdate, DC.date...), the first `<time>` outside the page's navigation, the
first element named for a date (noise.DATE_HINTS) whose text is a dateline; then the same
sources' modification dates, marked `updated`. extract_html.py reads these before it strips
scripts, headers and widgets (JSON-LD is a script; sites put the date in the article's header),
and falls back on the date in the page's URL (dates.date_in_url) when there is none at all.
"""

import json
from collections.abc import Callable

from bs4 import BeautifulSoup, NavigableString, Tag

from search import noise
from search.dates import Found, dateline_date, find_date
from search.lines import clean_line

# Elements tried of each kind (a page of 100,000 <time> tags is not walked up 100,000 times).
MAX_TRIED = 20
MAX_DATELINE_CHARS = 200


def page_dates(
    soup: BeautifulSoup, meta: dict[str, str], in_navigation: Callable[[Tag], bool]
) -> list[Found]:
    """Every date the page states about itself, best first: publication dates, then updates."""
    published, updated = _json_ld(soup)
    for key in noise.PUBLISHED_META:
        if meta.get(key) and (found := find_date(meta[key])):
            published.append(found)
    for key in noise.MODIFIED_META:
        if meta.get(key) and (found := find_date(meta[key])):
            updated.append(_as_update(found))
    dated = soup.find_all(lambda tag: tag.name == "time" or noise.DATE_HINTS.search(_names(tag)))
    times = [tag for tag in dated if tag.name == "time"]
    _first_dates(_tried(times, in_navigation), find_date, published, updated)
    hinted = [tag for tag in dated if tag.name != "time"]
    _first_dates(_tried(hinted, in_navigation), dateline_date, published, updated)
    return published + [_as_update(found) for found in updated]


def _first_dates(tags: list[Tag], read: Callable, published: list[Found], updated: list[Found]) -> None:
    """The first publication date and the first update's date these tags hold (each read from
    its content or datetime attribute, or its text when short), added to the lists."""
    first_update = None
    for tag in tags:
        text = tag.get("content") or tag.get("datetime") or _short_text(tag)
        found = read(clean_line(text)) if text else None
        if found is None:
            continue
        if found.updated or _says_update(tag):
            first_update = first_update or found
        else:
            published.append(found)
            break
    if first_update:
        updated.append(first_update)


def _json_ld(soup: BeautifulSoup) -> tuple[list[Found], list[Found]]:
    """The publication and modification dates of the page's JSON-LD items."""
    items = []
    for script in soup.find_all(
        "script", type=lambda kind: kind and kind.strip().lower() == "application/ld+json"
    ):
        try:
            data = json.loads(script.string or "", strict=False)
        except (ValueError, RecursionError):
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict):
                graph = item.get("@graph")
                items.extend(
                    part for part in (graph if isinstance(graph, list) else []) if isinstance(part, dict)
                )
                items.append(item)
    items.sort(key=lambda item: not _is_article(item))  # stable: page order among equals
    published, updated = [], []
    for item in items:
        for key, into in (
            ("datePublished", published),
            ("dateCreated", published),
            ("dateModified", updated),
        ):
            value = item.get(key)
            if isinstance(value, str) and (found := find_date(clean_line(value))):
                into.append(found)
    return published, updated


def _is_article(item: dict) -> bool:
    kinds = item.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(kind, str) and ("Article" in kind or "Posting" in kind) for kind in kinds)


def _tried(tags: list[Tag], in_navigation: Callable[[Tag], bool]) -> list[Tag]:
    """The first MAX_TRIED of the tags that are not in the page's navigation."""
    return [tag for tag in tags[: MAX_TRIED * 5] if not in_navigation(tag)][:MAX_TRIED]


def _short_text(tag: Tag) -> str | None:
    """The tag's text if it is short enough for a dateline, else None; read no further than
    that (a date-named wrapper of the whole page is not read whole, however often nested)."""
    parts, length = [], 0
    for steps, node in enumerate(tag.descendants):
        if steps > 10 * MAX_DATELINE_CHARS:
            return None
        if type(node) is NavigableString:
            parts.append(str(node))
            length += len(node)
            if length > MAX_DATELINE_CHARS:
                return None
    return " ".join(parts)


def _says_update(tag: Tag) -> bool:
    return bool(noise.UPDATE_HINTS.search(_names(tag) + " " + (tag.get("itemprop") or "")))


def _as_update(found: Found) -> Found:
    return Found(found.date, True, found.start, found.end)


def _names(tag: Tag) -> str:
    return " ".join(tag.get("class") or []) + " " + (tag.get("id") or "") + " " + (tag.get("itemprop") or "")
