"""One Blueprint: the search page, the article page, the JSON API, OpenSearch and the favicon.

Every value from a document or a query is escaped by the templates; the snippet and title HTML
from search.snippets is escaped there, with only <mark> added. Bad parameters get 400 (numbers
are ASCII digits only; a page past the MAX_RESULT_WINDOW-th hit is refused), unknown ids 404,
and a missing index 503 with a page saying how to build one; never a 500. Every error has a
machine-readable code beside its message (Problem): {"error": {"code", "status", "message"}}
in the API, and on the page.

Every string shown comes from the message catalogue (web/i18n.py): Vietnamese by default,
English by ?lang=en or Accept-Language.

The search page's state is its query, filters, sort and language (`q`, `site`, `from`, `to`,
`sort`, `lang`): every link on it (pages, sort, "did you mean", facets, articles) keeps the
state and changes only its own part (search_url()).

Links are relative. The only absolute URLs (OpenSearch) come from BASE_URL (SEARCH_BASE_URL),
never from the request's Host header; see external_url().
"""

import calendar
import os
import re
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from search import limits, query
from search.generations import CURRENT, DEFAULT_INDEX_DIR, IndexNotFound
from search.snippets import highlight
from web import i18n
from web.i18n import N_

blueprint = Blueprint("search", __name__)

_DOC_ID = re.compile(r"^[0-9a-f]{12}$")
# What a result of the API holds; `fields=` chooses among these.
RESULT_FIELDS = tuple(query.Hit("", "", "", "", "", 0.0).to_json())
# The filter panel lists this many sites (the others behind "more"), and the newest this many
# months one by one (older ones by year).
FACET_SITES = 10
FACET_MONTHS = 12

# Notices of the library, by code (Notice.text is the English the CLI prints).
NOTICES = {
    "nothing_to_search": N_("Nothing to search for: type a word."),
    "any_word": N_("No article has all the words; these have one of them."),
    "all_but_one": N_("No article has all the words; these have all of them but one."),
    "words_dropped": N_(
        "Only the first %(terms)s words (and %(prefixes)s prefixes*) are searched; left out: %(words)s"
    ),
}
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


def _searcher():
    try:
        return current_app.extensions["live_index"].searcher()
    except IndexNotFound:
        raise _no_index() from None


def _no_index() -> Problem:
    """503, with the one command that builds (or repairs) the index at INDEX_DIR."""
    index_dir = str(current_app.config["INDEX_DIR"])
    option = "" if os.path.normpath(index_dir) == DEFAULT_INDEX_DIR else f" --index {index_dir}"
    if (Path(index_dir) / CURRENT).is_file():  # there is one, but it cannot be opened
        command = f"search index --rebuild{option}"
        return Problem(
            503,
            "index_damaged",
            gettext(
                "The index cannot be read: in the project folder, run %(command)s, then reload this page.",
                command=command,
            ),
            command,
        )
    command = f"search index{option}"
    return Problem(
        503,
        "no_index",
        gettext(
            "There is no index yet: in the project folder, run %(command)s, then reload this page.",
            command=command,
        ),
        command,
    )


def _search(searcher, **args) -> query.Page:
    if args["page"] > _last_page(args["limit"]):  # page x limit past MAX_RESULT_WINDOW
        raise _too_deep()
    try:
        return query.search(searcher, pairs=current_app.extensions["live_index"].pair_counts(), **args)
    except query.TooDeep:
        raise _too_deep() from None


def _int_arg(name: str, default: int, low: int, high: int | None = None) -> int:
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


def _too_deep() -> Problem:
    return Problem(
        400,
        "too_deep",
        gettext(
            "results past the %(window)sth are not shown; narrow the search",
            window=i18n.number(limits.MAX_RESULT_WINDOW),
        ),
    )


def _last_page(page_size: int) -> int:
    """The deepest page whose hits all lie within the first MAX_RESULT_WINDOW."""
    return max(1, limits.MAX_RESULT_WINDOW // page_size)


def _parse_date(raw: str) -> datetime | None:
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
    value = _parse_date(raw)
    if value is None:
        raise Problem(400, "bad_date", gettext("%(name)s must be a date like 2025-03-31", name=name))
    return value


def _search_args() -> dict:
    """The query, filters and sort of this request, checked (without the page)."""
    text = request.args.get("q", "")
    if len(text) > limits.MAX_QUERY_CHARS:
        raise Problem(
            400,
            "query_too_long",
            gettext("the query is longer than %(num)s characters", num=i18n.number(limits.MAX_QUERY_CHARS)),
        )
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
    }


# -- the state of the search page, kept on its links ---------------------------------------------

_STATE = ("q", "site", "from", "to", "sort", "lang")
_RENAMED = {"date_from": "from", "date_to": "to"}  # ("from" is a Python keyword)


def _state() -> dict:
    """The query, filters, sort and language of this request, as URL parameters; leniently
    (on an error page too): values that would be refused are left out."""
    if "search_state" in g:
        return g.search_state
    args = request.args
    state = {
        "q": args.get("q", "")[: limits.MAX_QUERY_CHARS],
        "site": args.get("site", ""),
        "from": args.get("from", "") if _parse_date(args.get("from", "")) else "",
        "to": args.get("to", "") if _parse_date(args.get("to", "")) else "",
        "sort": args.get("sort", "") if args.get("sort") in query.SORTS else "",
        "lang": i18n.chosen_language() or "",
    }
    g.search_state = {
        name: value
        for name, value in state.items()
        if value and not (name == "sort" and value == "relevance")
    }
    return g.search_state


@blueprint.app_template_global()
def search_url(page: int = 1, **changes) -> str:
    """The search page for the current state, with `changes` (None drops a parameter; from
    and to are date_from and date_to here). Any change but the page's goes back to page 1."""
    params = dict(_state())
    for name, value in changes.items():
        params[_RENAMED.get(name, name)] = value
    params = {
        name: value
        for name, value in params.items()
        if value not in (None, "") and not (name == "sort" and value == "relevance")
    }
    if page > 1:
        params["page"] = page
    return url_for("search.search_page", **params)


@blueprint.app_template_global()
def home_url() -> str:
    """The home page (the newest articles), in the language the URL chose."""
    return url_for("search.search_page", lang=i18n.chosen_language())


@blueprint.app_template_global()
def article_url(doc_id: str) -> str:
    """An article's page, carrying the search's state (so its back link returns to it)."""
    return url_for("search.article_page", doc_id=doc_id, **_state())


@blueprint.app_template_global()
def form_state() -> list[tuple[str, str]]:
    """The state the search box keeps when a new query is typed (hidden fields): filters,
    sort and language."""
    return [(name, value) for name, value in _state().items() if name != "q"]


@blueprint.app_template_global()
def other_language() -> dict:
    """The link to this page in the other language."""
    lang = "en" if i18n.language() == "vi" else "vi"
    args = {name: value for name, value in request.args.items() if name != "lang"}
    if request.endpoint and request.endpoint != "static" and request.url_rule:
        href = url_for(request.endpoint, **(request.view_args or {}), **args, lang=lang)
    else:
        href = url_for("search.search_page", lang=lang)
    return {"lang": lang, "name": i18n.LANGUAGE_NAMES[lang], "href": href}


def _month_bounds(first: date, months: int = 1) -> tuple[str, str]:
    """from and to of `months` months starting with `first`'s month."""
    year, month = divmod(first.month - 1 + months - 1, 12)
    year += first.year
    last = date(year, month + 1, calendar.monthrange(year, month + 1)[1])
    return first.isoformat(), last.isoformat()


def _facet_panel(facets: dict, state: dict) -> list[dict]:
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
            bounds = _month_bounds(first)
            items.append(
                {
                    "label": i18n.month_name(first),
                    "count": count,
                    "active": chosen == bounds,
                    "bounds": bounds,
                }
            )
        for year, count in sorted(by_year.items(), reverse=True):
            bounds = _month_bounds(date(year, 1, 1), 12)
            items.append({"label": str(year), "count": count, "active": chosen == bounds, "bounds": bounds})
        for item in items:
            start, end = (None, None) if item["active"] else item["bounds"]
            del item["bounds"]
            item["href"] = search_url(date_from=start, date_to=end)
        panel.append({"name": "month", "title": gettext("Month"), "items": items, "more": []})
    for facet in panel:  # only the filter in force: the chips above say it already
        facet["settled"] = not facet["more"] and all(item["active"] for item in facet["items"])
    return panel


def _active_filters(state: dict) -> list[dict]:
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
    value = _parse_date(raw)
    return i18n.when(value) if value else raw


def _period_label(start: str, end: str) -> str | None:
    """ "Tháng 3/2025" or "2025" when from and to are exactly a month or a year."""
    try:
        first = date.fromisoformat(start)
    except ValueError:
        return None
    if first.day != 1:
        return None
    if (start, end) == _month_bounds(first):
        return i18n.month_name(first)
    if first.month == 1 and (start, end) == _month_bounds(first, 12):
        return str(first.year)
    return None


def notice_message(notice: query.Notice) -> str:
    """A notice of the library in the request's language."""
    message = NOTICES.get(notice.code)
    if message is None:
        return notice.text  # a code this app does not know yet: the library's English
    return gettext(
        message,
        terms=i18n.number(limits.MAX_QUERY_TERMS),
        prefixes=i18n.number(limits.MAX_PREFIXES),
        words=" ".join(notice.words)[:80],
    )


# -- routes --------------------------------------------------------------------------------------


@blueprint.get("/")
def search_page():
    """Results for a query; with no query, the newest articles (of the filters in force)."""
    args = _search_args()
    page_number = _int_arg("page", 1, 1)
    searcher = _searcher()
    page_size = current_app.config["PAGE_SIZE"]
    result = _search(searcher, limit=page_size, page=page_number, facets=True, **args)
    state = _state()
    last = min(result.pages, _last_page(page_size))
    listing = not args["text"].strip()  # the newest articles
    filters = _active_filters(state)
    built_at = None
    if listing and not filters:
        built_at = current_app.extensions["live_index"].info().get("built_at")
        try:
            built_at = datetime.fromisoformat(built_at) if built_at else None
        except ValueError:
            built_at = None
    return render_template(
        "search.html",
        page=result,
        q=args["text"],
        sort=args["sort"],
        listing=listing,
        documents=searcher.doc_count() if listing and not filters else None,
        built_at=built_at,
        notices=[notice_message(notice) for notice in result.notices],
        panel=_facet_panel(result.facets, state),
        filters=filters,
        clear_filters=search_url(site=None, date_from=None, date_to=None),
        pages=_page_links(result.page, last),
        last_page=last,
        window=limits.MAX_RESULT_WINDOW,
        first_rank=(result.page - 1) * page_size + 1,
    )


def _page_links(current: int, last: int) -> list[int]:
    """Page numbers to link: a window around the current page, plus the first and the last
    (the last within the result window)."""
    if last <= 1:
        return []
    window = range(max(1, current - 3), min(last, current + 3) + 1)
    return sorted({1, last, *window})


def _page_and_offset(limit: int) -> tuple[int, int]:
    """The API's page, from `page` (1, 2, ...) or `offset` (0, limit, 2 x limit, ...): an
    offset must be a multiple of the limit (a page boundary); given both, they must agree."""
    page = _int_arg("page", 0, 1)
    if request.args.get("offset", "") == "":
        return page or 1, ((page or 1) - 1) * limit
    offset = _int_arg("offset", 0, 0)
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


def _fields_arg() -> list[str] | None:
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


@blueprint.get("/api/search")
def api_search():
    args = _search_args()
    limit = _int_arg("limit", limits.DEFAULT_PAGE_SIZE, 1, limits.MAX_PAGE_SIZE)
    page, offset = _page_and_offset(limit)
    fields = _fields_arg()
    result = _search(_searcher(), limit=limit, page=page, facets=True, **args)
    data = result.to_json()
    data["limit"], data["offset"] = limit, offset
    for hit, shown in zip(result.results, data["results"]):
        shown["date"] = i18n.iso_vietnam(hit.date) if hit.date else None  # whatever the engine
    data["notices"] = [{**notice.to_json(), "message": notice_message(notice)} for notice in result.notices]
    if fields:
        data["results"] = [{name: hit[name] for name in fields} for hit in data["results"]]
    return jsonify(data)


def _article(doc_id: str) -> dict:
    stored = _searcher().article(doc_id) if _DOC_ID.match(doc_id) else None
    if stored is None:
        raise Problem(
            404, "no_such_article", gettext("There is no article with the id %(id)s.", id=doc_id[:40])
        )
    return {
        "id": stored.doc_id,
        "path": stored.path,
        "title": stored.title,
        "body": stored.body,
        "captions": stored.captions,
        "date": stored.date,
        "site": stored.site,
        "url": stored.url,
        "byline": stored.byline,
    }


@blueprint.get("/articles/<doc_id>")
def article_page(doc_id: str):
    article = _article(doc_id)
    if article["id"] != doc_id:  # an id from before ids came from resolved paths
        return redirect(url_for(".article_page", doc_id=article["id"], **request.args), 301)
    text = request.args.get("q", "")[: limits.MAX_QUERY_CHARS]
    terms = query.article_marks(_searcher(), text, f"{article['title']}\n{article['body']}")
    marked = {
        "title": Markup(highlight(article["title"], terms)),
        "paragraphs": [Markup(highlight(p, terms)) for p in article["body"].split("\n") if p],
        "captions": [Markup(highlight(c, terms)) for c in article["captions"]],
    }
    state = _state()
    back = search_url() if any(name in state for name in ("q", "site", "from", "to")) else None
    return render_template("article.html", article=article, marked=marked, q=text, back=back)


@blueprint.get("/api/articles/<doc_id>")
def api_article(doc_id: str):
    article = _article(doc_id)
    if article["id"] != doc_id:
        return redirect(url_for(".api_article", doc_id=article["id"]), 301)
    if article["date"]:
        article["date"] = i18n.iso_vietnam(article["date"])
    return jsonify(article)


@blueprint.get("/opensearch.xml")
def opensearch():
    # OpenSearch wants an absolute template, and browsers refuse a relative one. Without
    # BASE_URL the description still answers, with a root-relative template (nothing here may
    # come from the Host header), and base.html does not advertise it.
    xml = render_template(
        "opensearch.xml",
        search_url=external_url(url_for("search.search_page")),
        icon_url=external_url(url_for("search.favicon")),
    )
    return xml, 200, {"Content-Type": "application/opensearchdescription+xml; charset=utf-8"}


@blueprint.get("/favicon.ico")
def favicon():
    # Browsers ask for /favicon.ico whatever the page links (base.html links the SVG too).
    return send_from_directory(
        Path(__file__).parent / "static", "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=86400
    )


def external_url(url: str) -> str:
    """`url` (a path, or an absolute URL such as a Werkzeug redirect builds from the Host
    header) as BASE_URL + its path when BASE_URL is set, else as the bare path: the request's
    Host header never ends up in a link or a Location."""
    parts = urlsplit(url)
    path = "/" + parts.path.lstrip("/")  # "//host/..." would be another site
    root = request.script_root
    if root and (path == root or path.startswith(root + "/")):
        path = path[len(root) :] or "/"
    url = (current_app.config.get("BASE_URL") or root) + path
    return url + ("?" + parts.query if parts.query else "") + ("#" + parts.fragment if parts.fragment else "")


@blueprint.app_context_processor
def template_globals() -> dict:
    return {"limits": limits, "lang": i18n.language()}


@blueprint.app_template_filter("original")
def original(url: str | None) -> str | None:
    """The article's original URL when it is a plain http(s) one (nothing else is linked)."""
    if not url or any(char <= " " or char == "\x7f" for char in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


@blueprint.app_template_filter("iso")
def iso(value: datetime) -> str:
    return i18n.iso_vietnam(value)


@blueprint.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    """Every error, on the page or in the API, with its code and a message in the request's
    language."""
    if isinstance(error, Problem):
        error_code, message = error.error_code, error.description
    else:
        error_code, message = GENERIC_ERRORS.get(
            error.code, ("http_error", N_("This request could not be answered."))
        )
        message = gettext(message)
    headers = [
        (name, value) for name, value in error.get_headers() if name.lower() != "content-type"
    ]  # (405's Allow)
    if request.path.startswith("/api/"):
        body = {"error": {"code": error_code, "status": error.code, "message": message}}
        return jsonify(body), error.code, headers
    html = render_template(
        "error.html",
        error=error,
        error_code=error_code,
        message=message,
        command=getattr(error, "command", None),
        q=_state().get("q", ""),
    )
    return html, error.code, headers
