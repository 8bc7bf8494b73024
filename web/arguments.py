"""A request's arguments -> checked values (query, filters, sort, page, limit, fields), or a Problem.

Bad parameters get 400 (numbers are ASCII digits only; a page past the MAX_RESULT_WINDOW-th hit
is refused). Every error has a machine-readable code beside its message (Problem), translated
when raised, in the request's language; GENERIC_ERRORS holds the codes of the errors the app
does not raise itself.
"""

from datetime import datetime

from flask import request
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from search import limits, query
from web import i18n
from web.i18n import N_

# What a result of the API holds; `fields=` chooses among these.
RESULT_FIELDS = tuple(query.Hit("", "", "", "", "", 0.0).to_json())

# Errors that the app does not raise itself (Werkzeug's routing, a crash), by HTTP status.
GENERIC_ERRORS = {
    400: ("bad_request", N_("The request is not valid.")),
    404: ("not_found", N_("There is no page at this address.")),
    405: ("method_not_allowed", N_("This address does not accept that method.")),
    500: ("internal_error", N_("Something went wrong on our side; please try again.")),
}


class Problem(HTTPException):
    """An HTTP error with a machine-readable `error_code` beside its message, which is
    translated when raised (in the request's language)."""

    def __init__(self, status: int, error_code: str, message: str, command: str | None = None):
        super().__init__(message)
        self.code = status
        self.error_code = error_code
        self.command = command  # the one command that fixes it (a missing index)


def int_arg(name: str, default: int, low: int, high: int | None = None) -> int:
    """The parameter `name` as a whole number from `low` to `high`, or `default` when absent.
    Anything else is a 400 saying what is expected; a number too long to read counts as
    above `high` (or, with no `high`, as huge: the caller checks it)."""
    raw = request.args.get(name, "")
    if raw == "":
        return default
    if high is not None:
        expected = gettext(
            "%(name)s must be a whole number from %(low)s to %(high)s",
            name=name,
            low=i18n.number(low),
            high=i18n.number(high),
        )
    else:
        expected = gettext(
            "%(name)s must be a whole number, %(low)s or more", name=name, low=i18n.number(low)
        )
    # ASCII digits only: "²", "①" and "٣" pass str.isdigit(), and int() refuses the first two.
    if not (raw.isascii() and raw.isdigit()):
        raise Problem(400, "bad_number", expected)
    digits = raw.lstrip("0") or "0"
    value = int(digits) if len(digits) <= 9 else 10**9  # (int() of 5,000 digits raises)
    if value < low or (high is not None and value > high):
        raise Problem(400, "bad_number", expected)
    return value


def too_deep() -> Problem:
    return Problem(
        400,
        "too_deep",
        gettext(
            "results past the %(window)sth are not shown; narrow the search",
            window=i18n.number(limits.MAX_RESULT_WINDOW),
        ),
    )


def uri_too_long() -> Problem:
    """A request line too long for the server to read (web/too_long.py)."""
    return Problem(
        414,
        "uri_too_long",
        gettext(
            "The address is too long to read: shorten the query (only its first %(num)s characters "
            "are searched).",
            num=i18n.number(limits.MAX_QUERY_CHARS),
        ),
    )


def last_page(page_size: int) -> int:
    """The deepest page whose hits all lie within the first MAX_RESULT_WINDOW."""
    return max(1, limits.MAX_RESULT_WINDOW // page_size)


def parse_date(raw: str) -> datetime | None:
    """A `from`/`to` value, or None when it is no date. The library reads it as a reader means
    it: Vietnam time when it gives no zone, and a bare day as `to` includes that day."""
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        return None


def _date_arg(name: str) -> datetime | None:
    raw = request.args.get(name, "")
    if not raw:
        return None
    value = parse_date(raw)
    if value is None:
        raise Problem(400, "bad_date", gettext("%(name)s must be a date like 2025-03-31", name=name))
    return value


def search_args() -> dict:
    """The query, filters and sort of this request, checked (without the page)."""
    text = request.args.get("q", "")  # (a long one is cut by the library, which says so)
    sort = request.args.get("sort") or "relevance"
    if sort not in query.SORTS:
        raise Problem(
            400, "bad_sort", gettext("sort must be one of: %(sorts)s", sorts=", ".join(query.SORTS))
        )
    return {
        "text": text,
        "sort": sort,
        "site": request.args.get("site") or None,
        "date_from": _date_arg("from"),
        "date_to": _date_arg("to"),
        "collapse": _collapse_arg(),
    }


def _collapse_arg() -> bool:
    """`collapse=false` lists every article; by default a story is shown once."""
    raw = request.args.get("collapse", "true").lower()
    if raw not in ("true", "false", "1", "0"):
        raise Problem(400, "bad_collapse", gettext("collapse must be true or false"))
    return raw in ("true", "1")


def page_and_offset(limit: int) -> tuple[int, int]:
    """The API's page, from `page` (1, 2, ...) or `offset` (0, limit, 2 x limit, ...): an
    offset must be a multiple of the limit (a page boundary); given both, they must agree."""
    page = int_arg("page", 0, 1)
    if request.args.get("offset", "") == "":
        return page or 1, ((page or 1) - 1) * limit
    offset = int_arg("offset", 0, 0)
    if offset % limit:
        raise Problem(
            400,
            "bad_offset",
            gettext(
                "offset must be a multiple of limit (%(limit)s): 0, %(limit)s, %(twice)s...",
                limit=limit,
                twice=2 * limit,
            ),
        )
    if page and page != offset // limit + 1:
        raise Problem(400, "page_and_offset", gettext("page and offset disagree: give one of them"))
    return offset // limit + 1, offset


def fields_arg() -> list[str] | None:
    """The fields each result of the API holds (`fields=title,url,date`); None: all of them."""
    raw = request.args.get("fields", "")
    fields = list(dict.fromkeys(name.strip() for name in raw.split(",") if name.strip()))
    if not fields:
        return None
    unknown = [name for name in fields if name not in RESULT_FIELDS]
    if unknown:
        raise Problem(
            400,
            "unknown_field",
            gettext(
                "unknown field %(field)s; the fields are: %(fields)s",
                field=unknown[0][:40],
                fields=", ".join(RESULT_FIELDS),
            ),
        )
    return fields
