"""The request's search state -> the links that keep it (search_url() and the page's other links).

The search page's state is its query, filters, sort, page size and language (`q`, `site`,
`from`, `to`, `sort`, `limit`, `lang`): every link on it (pages, sort, "did you mean", facets,
the chart's bars, articles) keeps the state and changes only its own part (search_url()); its
feed and its CSV keep the query and filters. search_url, home_url,
article_url, feed_url, csv_url, form_state and other_language are the templates' globals,
`original` their filter (registered in web/views.py).

Links are relative. The only absolute URLs (OpenSearch, the feed's links, the CSV's) come from
BASE_URL (SEARCH_BASE_URL), never from the request's Host header; see external_url().
"""

from urllib.parse import urlsplit

from flask import current_app, g, request, url_for

from search import limits, query
from web import i18n
from web.arguments import parse_date

_RENAMED = {"date_from": "from", "date_to": "to"}  # ("from" is a Python keyword)


def state() -> dict:
    """The query, filters, sort and language of this request, as URL parameters; leniently
    (on an error page too): values that would be refused are left out."""
    if "search_state" in g:
        return g.search_state
    args = request.args
    found = {
        "q": query.cut_query(args.get("q", ""))[0],
        "site": args.get("site", ""),
        "from": args.get("from", "") if parse_date(args.get("from", "")) else "",
        "to": args.get("to", "") if parse_date(args.get("to", "")) else "",
        "sort": args.get("sort", "") if args.get("sort") in query.SORTS else "",
        "limit": _limit(args.get("limit", "")),
        "lang": i18n.chosen_language() or "",
    }
    g.search_state = {
        name: value
        for name, value in found.items()
        if value and not (name == "sort" and value == "relevance")
    }
    return g.search_state


def _limit(raw: str) -> str:
    """The page size the URL asks for, when it is one the page takes and not its default."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 4:
        return ""
    value = int(raw)
    return (
        str(value) if 1 <= value <= limits.MAX_PAGE_SIZE and value != current_app.config["PAGE_SIZE"] else ""
    )


def search_url(page: int = 1, **changes) -> str:
    """The search page for the current state, with `changes` (None drops a parameter; from
    and to are date_from and date_to here). Any change but the page's goes back to page 1."""
    params = dict(state())
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


def feed_url() -> str:
    """The Atom feed of this search: its query, filters and language, always newest first."""
    params = {name: value for name, value in state().items() if name not in ("sort", "limit")}
    return url_for("search.feed_atom", **params)


def csv_url() -> str:
    """Every story of this search as CSV: its query, filters and sort (and language, for errors);
    no page size (it has every story)."""
    return url_for(
        "search.api_search_csv", **{name: value for name, value in state().items() if name != "limit"}
    )


def home_url() -> str:
    """The home page (the newest articles), in the language the URL chose."""
    return url_for("search.search_page", lang=i18n.chosen_language())


def article_url(doc_id: str) -> str:
    """An article's page, carrying the search's state (so its back link returns to it)."""
    return url_for("search.article_page", doc_id=doc_id, **state())


def form_state() -> list[tuple[str, str]]:
    """The state the search box keeps when a new query is typed (hidden fields): filters,
    sort, page size and language."""
    return [(name, value) for name, value in state().items() if name != "q"]


def other_language() -> dict:
    """The link to this page in the other language."""
    lang = "en" if i18n.language() == "vi" else "vi"
    args = {name: value for name, value in request.args.items() if name != "lang"}
    if request.endpoint and request.endpoint != "static" and request.url_rule:
        href = url_for(request.endpoint, **(request.view_args or {}), **args, lang=lang)
    else:
        href = url_for("search.search_page", lang=lang)
    return {"lang": lang, "name": i18n.LANGUAGE_NAMES[lang], "href": href}


def page_links(current: int, last: int) -> list[int]:
    """Page numbers to link: a window around the current page, plus the first and the last
    (the last within the result window)."""
    if last <= 1:
        return []
    window = range(max(1, current - 3), min(last, current + 3) + 1)
    return sorted({1, last, *window})


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
