"""A Page's facet counts and the search state -> the filter panel, and the filters in force as chips.

Sites and months link to the search with that filter set (or dropped, when it is the one in
force); a month is a `from`/`to` pair bounding it, the newest FACET_MONTHS one by one and older
ones by year.
"""

import calendar
from datetime import date

from flask_babel import gettext

from web import i18n
from web.arguments import parse_date
from web.links import search_url

# The filter panel lists this many sites (the others behind "more"), and the newest this many
# months one by one (older ones by year).
FACET_SITES = 10
FACET_MONTHS = 12


def month_bounds(first: date, months: int = 1) -> tuple[str, str]:
    """from and to of `months` months starting with `first`'s month."""
    year, month = divmod(first.month - 1 + months - 1, 12)
    year += first.year
    last = date(year, month + 1, calendar.monthrange(year, month + 1)[1])
    return first.isoformat(), last.isoformat()


def facet_panel(facets: dict, state: dict) -> list[dict]:
    """The filter panel: for each facet, its title and items, each {label, count, href,
    active} (the link of an active item drops it)."""
    panel = []
    sites = facets.get("site") or []
    if sites:
        items = [
            {
                "label": site,
                "count": count,
                "active": state.get("site") == site,
                "href": search_url(site=None if state.get("site") == site else site),
            }
            for site, count in sites
        ]
        shown = [item for n, item in enumerate(items) if n < FACET_SITES or item["active"]]
        panel.append(
            {
                "name": "site",
                "title": gettext("Site"),
                "items": shown,
                "more": [item for item in items if item not in shown],
            }
        )
    months = facets.get("month") or []
    if months:
        chosen = (state.get("from"), state.get("to"))
        items = []
        by_year: dict[int, int] = {}
        for number, (key, count) in enumerate(months):
            try:
                first = date(int(key[:4]), int(key[5:7]), 1)
            except ValueError:
                continue
            if number >= FACET_MONTHS:  # older months: by year
                by_year[first.year] = by_year.get(first.year, 0) + count
                continue
            bounds = month_bounds(first)
            items.append(
                {
                    "label": i18n.month_name(first),
                    "count": count,
                    "active": chosen == bounds,
                    "bounds": bounds,
                }
            )
        for year, count in sorted(by_year.items(), reverse=True):
            bounds = month_bounds(date(year, 1, 1), 12)
            items.append({"label": str(year), "count": count, "active": chosen == bounds, "bounds": bounds})
        for item in items:
            start, end = (None, None) if item["active"] else item["bounds"]
            del item["bounds"]
            item["href"] = search_url(date_from=start, date_to=end)
        panel.append({"name": "month", "title": gettext("Month"), "items": items, "more": []})
    for facet in panel:  # only the filter in force: the chips above say it already
        facet["settled"] = not facet["more"] and all(item["active"] for item in facet["items"])
    return panel


def active_filters(state: dict) -> list[dict]:
    """The filters in force, each {label, href} with a link that drops just that filter."""
    chips = []
    if state.get("site"):
        chips.append({"label": gettext("Site: %(site)s", site=state["site"]), "href": search_url(site=None)})
    start, end = state.get("from"), state.get("to")
    period = _period_label(start, end) if start and end else None
    if period:
        chips.append({"label": period, "href": search_url(date_from=None, date_to=None)})
    else:
        if start:
            chips.append(
                {"label": gettext("From %(day)s", day=_day_label(start)), "href": search_url(date_from=None)}
            )
        if end:
            chips.append(
                {"label": gettext("To %(day)s", day=_day_label(end)), "href": search_url(date_to=None)}
            )
    return chips


def _day_label(raw: str) -> str:
    value = parse_date(raw)
    return i18n.when(value) if value else raw


def _period_label(start: str, end: str) -> str | None:
    """ "Tháng 3/2025" or "2025" when from and to are exactly a month or a year."""
    try:
        first = date.fromisoformat(start)
    except ValueError:
        return None
    if first.day != 1:
        return None
    if (start, end) == month_bounds(first):
        return i18n.month_name(first)
    if first.month == 1 and (start, end) == month_bounds(first, 12):
        return str(first.year)
    return None
