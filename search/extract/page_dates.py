"""A page's head and tree -> the dates it states about itself (dates.Found), publication first.

In this order: JSON-LD `datePublished` (stories before other items), the head's publication
metadata (noise.PUBLISHED_META: article:published_time, itemprop datePublished, pubdate,
DC.date...), the first `<time>` outside the page's navigation, the first element named for a
date (noise.DATE_HINTS) whose text is a dateline; then the same sources' modification dates,
marked `updated`. html.py adds the datelines of the story itself, and falls back on the date in
the page's URL (dates.date_in_url) when there is none at all.
"""

from collections.abc import Callable

from search import noise
from search.dates import Found, dateline_date, find_date
from search.extract.head import Head
from search.extract.story import Story
from search.extract.tree import Tree
from search.lines import clean_line

# Elements tried of each kind (a page of 100,000 <time> tags is not read 100,000 times).
MAX_TRIED = 20
MAX_DATELINE_CHARS = 200


def page_dates(head: Head, tree: Tree, story: Story, text_of: Callable[[int], str]) -> list[Found]:
    """Every date the page states about itself, best first: publication dates, then updates."""
    published, updated = [], []
    for item in head.json_ld:
        for key, into in (("datePublished", published), ("dateCreated", published), ("dateModified", updated)):
            value = item.get(key)
            if isinstance(value, str) and (found := find_date(clean_line(value))):
                into.append(found)
    for key in noise.PUBLISHED_META:
        if head.meta.get(key) and (found := find_date(head.meta[key])):
            published.append(found)
    for key in noise.MODIFIED_META:
        if head.meta.get(key) and (found := find_date(head.meta[key])):
            updated.append(found)
    visible = [e for e in range(len(tree.tags)) if not story.noise[e]]
    times = [(e, tree.times[e] or _short(text_of(e))) for e in visible if e in tree.times][:MAX_TRIED]
    _first_dates(tree, times, find_date, published, updated)
    hinted = [
        (e, _short(text_of(e)))
        for e in visible
        if e not in tree.times and noise.DATE_HINTS.search(tree.names[e])
    ][:MAX_TRIED]
    _first_dates(tree, hinted, dateline_date, published, updated)
    return published + [Found(found.date, True, found.start, found.end) for found in updated]


def _first_dates(
    tree: Tree, elements: list[tuple[int, str]], read: Callable, published: list[Found], updated: list[Found]
) -> None:
    """The first publication date and the first update's date these elements hold."""
    first_update = None
    for element, text in elements:
        found = read(clean_line(text)) if text else None
        if found is None:
            continue
        if found.updated or noise.UPDATE_HINTS.search(tree.names[element]):
            first_update = first_update or found
        else:
            published.append(found)
            break
    if first_update:
        updated.append(first_update)


def _short(text: str) -> str:
    return text if len(text) <= MAX_DATELINE_CHARS else ""
