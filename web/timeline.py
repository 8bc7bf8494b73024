"""A Page's month facet and the search state -> the chart of matches over time (bars to draw as SVG).

Above the results, like the date histograms of SolrWayback and Datashare: one bar a month from
the first month with a match to the last, a month without one an empty slot; past MAX_MONTHS
months, one bar a year. The server draws it (web/templates/timeline.html: inline SVG, no
script, nothing inline for the CSP to refuse); each bar links to the search filtered to its
month (or year), as the filter panel's months do (web/facets.py), and is named by its month and
count in the page's language.
"""

from datetime import date

from flask_babel import gettext, ngettext

from web import i18n
from web.facets import month_bounds
from web.links import search_url

# Month bars up to this many (four years); a longer span is drawn a bar a year. At 360 px a
# month is then still about 6 px wide.
MAX_MONTHS = 48
# The drawing's units, pixels at most (the SVG shrinks to fit its column): a slot's width, as
# wide as MIN_SLOTS slots together when there are fewer; the gap between bars, the widest bar
# (a few months are not blocks), the tallest one, and the lowest (one match is still seen).
SLOT = 28
MIN_SLOTS = 12
GAP = 4
WIDEST = 48
HEIGHT = 64
LOWEST = 2
# Up to this many slots each is named beneath its bar; more, the first and the last at the ends.
NAMED_SLOTS = 4


def timeline(facets: dict, state: dict) -> dict | None:
    """The chart of the month facet: {title, bars, first, last, names, width, height, step}
    (`names`: every slot's, when there are few), each bar
    {x, y, width, height, slot, count, label, href, active}, a slot of no match without a bar;
    None when the matches fall in fewer than two slots (one bar says nothing the total does not)."""
    counts = {}
    for key, count in facets.get("month") or []:
        try:
            counts[date(int(key[:4]), int(key[5:7]), 1)] = count
        except ValueError:
            continue
    if not counts:
        return None
    first, last = min(counts), max(counts)
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    if span <= MAX_MONTHS:
        slots = [_month(first, n) for n in range(span)]
        names = [i18n.month_name(month) for month in slots]
        bounds = [month_bounds(month) for month in slots]
        title = gettext("Results by month")
    else:
        slots = [date(year, 1, 1) for year in range(first.year, last.year + 1)]
        by_year: dict[date, int] = {}
        for month, count in counts.items():
            by_year[date(month.year, 1, 1)] = by_year.get(date(month.year, 1, 1), 0) + count
        counts = by_year
        names = [str(year.year) for year in slots]
        bounds = [month_bounds(year, 12) for year in slots]
        title = gettext("Results by year")
    if len(slots) < 2:
        return None
    highest = max(counts.get(slot, 0) for slot in slots)
    width = max(len(slots), MIN_SLOTS) * SLOT
    step = width / len(slots)
    bar_width = min(step - GAP, WIDEST)
    chosen = (state.get("from"), state.get("to"))
    bars = []
    for number, (slot, name, (start, end)) in enumerate(zip(slots, names, bounds)):
        count = counts.get(slot, 0)
        if not count:
            continue
        height = max(LOWEST, round(HEIGHT * count / highest))
        active = chosen == (start, end)
        bars.append(
            {
                "x": round(number * step + (step - bar_width) / 2, 2),
                "y": HEIGHT - height,
                "slot": round(number * step, 2),
                "width": round(bar_width, 2),
                "height": height,
                "count": count,
                "label": ngettext(
                    "%(period)s: %(count)s result",
                    "%(period)s: %(count)s results",
                    count,
                    period=name,
                    count=i18n.number(count),
                ),
                "active": active,
                "href": search_url(date_from=None if active else start, date_to=None if active else end),
            }
        )
    return {
        "title": title,
        "bars": bars,
        "first": names[0],
        "last": names[-1],
        "names": names if len(names) <= NAMED_SLOTS else None,
        "width": width,
        "step": round(step, 2),
        "height": HEIGHT,
    }


def _month(first: date, months: int) -> date:
    """The first day of the month `months` after `first`'s."""
    year, month = divmod(first.month - 1 + months, 12)
    return date(first.year + year, month + 1, 1)
