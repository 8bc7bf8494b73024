"""A page's head and tree -> the dates it states about itself (dates.Found), publication first.

In this order: JSON-LD `datePublished` (stories before other items), the head's publication
metadata (noise.PUBLISHED_META: article:published_time, itemprop datePublished, pubdate,
DC.date...), then the dateline the page shows: the `<time>` or the element named for a date
(noise.DATE_HINTS) nearest the headline, outside the page's <nav>, <header>, <aside> and
<footer> and outside links (other stories' dates), or a date a script writes into such an
element, or else a short line beside the headline that is a date and little else; then the
same sources' modification dates, marked `updated`. Numeric dates are read
day first, unless the page's datelines can only be read month first ("12/24/2012").
html.py adds the datelines of the story itself, and falls back on the date in the page's URL.
"""

import functools

from search import noise
from search.dates import DIGIT, Found, dateline_date, find_date, find_dates, says_month_first
from search.extract.head import Head
from search.extract.story import Story
from search.extract.tree import Tree
from search.lines import clean_line

# Elements tried of each kind (a page of 100,000 <time> tags is not read 100,000 times).
MAX_TRIED = 40
MAX_DATELINE_CHARS = 200
MAX_EVIDENCE_CHARS = 60
MAX_WRAPPER_LINES = 20
MAX_LINK_DEPTH = 8  # how far up an element is looked at for a link around it
BESIDE_HEADLINE = 4  # lines before and after the headline's looked at for an unnamed dateline


def page_dates(head: Head, tree: Tree, story: Story, headline: int | None) -> list[tuple[Found, str]]:
    """The dates the page states about itself, best first (publication dates, then updates),
    each with where it was read; its visible datelines only when its structured data (JSON-LD,
    meta) gives no publication date, since that one is taken (html._take_date)."""
    published, updated = [], []
    for item in head.json_ld:
        for key, into in (
            ("datePublished", published),
            ("dateCreated", published),
            ("dateModified", updated),
        ):
            value = item.get(key)
            if isinstance(value, str) and (found := find_date(clean_line(value))):
                into.append((found, f"JSON-LD {key}"))
    for key in noise.PUBLISHED_META:
        if head.meta.get(key) and (found := find_date(head.meta[key])):
            published.append((found, f"meta {key}"))
    for key in noise.MODIFIED_META:
        if head.meta.get(key) and (found := find_date(head.meta[key])):
            updated.append((found, f"meta {key}"))
    if any(not found.updated for found, _ in published):
        # The page's structured data gives it, and it comes first: the datelines go unread.
        return published + _as_updates(updated)
    shown = _shown_datelines(tree, story, headline) + [(-1, text) for text in head.scripted_dates]
    # The page's own short lines (datelines, comments' dates) tell how it writes a date: those
    # with a "/" or "-", the only ones that can hold a date read day or month first.
    evidence = [text for _, text in shown] + [
        s.text for s in tree.segments if len(s.text) <= MAX_EVIDENCE_CHARS
    ]
    month_first = says_month_first(" ".join(text for text in evidence if "/" in text or "-" in text))
    first_update = None
    for element, text in shown:
        read = find_date if element in tree.times else dateline_date
        found = read(clean_line(text), month_first=month_first) if text else None
        if found is None:
            continue
        where = (
            f"the dateline <{tree.tags[element]} {tree.names[element][:40]}>" if element >= 0 else "a script"
        )
        if found.updated or (element >= 0 and noise.UPDATE_HINTS.search(tree.names[element])):
            first_update = first_update or (found, where)
        else:
            published.append((found, where))
            break
    if first_update:
        updated.append(first_update)
    return published + _as_updates(updated)


def _as_updates(updated: list[tuple[Found, str]]) -> list[tuple[Found, str]]:
    return [(Found(found.date, True, found.start, found.end), where) for found, where in updated]


def _shown_datelines(tree: Tree, story: Story, headline: int | None) -> list[tuple[int, str]]:
    """(element, text) of the <time> elements and date-named elements that may be the page's
    dateline, nearest the headline first (after it before before it)."""
    dated = {names for names in set(tree.names) if _named_date(names)}  # a page reuses its names
    elements = [
        element
        for element, names in enumerate(tree.names)
        if (names in dated or element in tree.times)
        and not story.noise[element].startswith("<")  # <nav>, <header>, <aside>, <footer>
        and not _in_link(tree, element)
    ]
    if headline is not None:
        elements.sort(key=lambda e: e - headline if e > headline else 2 * (headline - e))
    found = []
    named = set(elements)
    for element in elements[:MAX_TRIED] + [
        e for e in _beside_headline(tree, story, headline) if e not in named
    ]:
        if element in tree.times and tree.times[element]:
            found.append((element, tree.times[element]))
            continue
        text = tree.text_of(element)
        if len(text) <= MAX_DATELINE_CHARS:
            found.append((element, text))
        # A wrapper of byline, date and counters: its lines, each up to its first date.
        for line in tree.lines_of(element)[:MAX_WRAPPER_LINES]:
            if line != text and (dates := find_dates(line)):
                found.append((element, line[: dates[0].end]))  # "Published on 03-08-2011 01:00 AM"
                break
    return found


def _beside_headline(tree: Tree, story: Story, headline: int | None) -> list[int]:
    """The blocks of the few short lines around the headline, last resort for a dateline
    whose element is named for nothing ("<h3 class=meta>02.01.2022</h3><h1>..."): tried
    after the named ones, nearest first, each read as a dateline (a date and little else)."""
    if headline is None:
        return []
    at = next((n for n, s in enumerate(tree.segments) if s.element >= headline), len(tree.segments))
    around = tree.segments[max(0, at - BESIDE_HEADLINE) : at + BESIDE_HEADLINE + 1]
    around.sort(key=lambda s: abs(s.element - headline))
    return [
        s.element
        for s in around
        if len(s.text) <= MAX_DATELINE_CHARS
        and not s.link_chars
        and not story.noise[s.element]
        and DIGIT.search(s.text)  # (every date has one: the others are not read)
    ]


@functools.lru_cache(maxsize=8192)
def _named_date(names: str) -> bool:
    return bool(names and noise.DATE_HINTS.search(names))


def _in_link(tree: Tree, element: int) -> bool:
    for steps, ancestor in enumerate([element, *tree.ancestors(element)]):
        if steps > MAX_LINK_DEPTH:
            return False
        if tree.tags[ancestor] == "a":
            return True
    return False
