"""One Blueprint: the search page, the article page, the JSON API and OpenSearch.

Every value from a document or a query is escaped by the templates; the snippet and title HTML
from search.snippets is escaped there, with only <mark> added. Bad parameters get 400 (numbers
are ASCII digits only; a page past the MAX_RESULT_WINDOW-th hit is refused), unknown ids 404,
and a missing index 503 with a page saying how to build one; never a 500.

Links are relative. The only absolute URLs (OpenSearch) come from BASE_URL (SEARCH_BASE_URL),
never from the request's Host header; see external_url().
"""

import re
from datetime import datetime
from urllib.parse import urlsplit

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from markupsafe import Markup
from werkzeug.exceptions import BadRequest, HTTPException, NotFound, ServiceUnavailable

from search import limits, query
from search.index import IndexNotFound
from search.snippets import highlight

blueprint = Blueprint("search", __name__)

_DOC_ID = re.compile(r"^[0-9a-f]{12}$")


def _searcher():
    try:
        return current_app.extensions["live_index"].searcher()
    except IndexNotFound as error:
        raise ServiceUnavailable(str(error)) from None


def _search(searcher, **args) -> query.Page:
    if args["page"] > _last_page(args["limit"]):  # page x limit past MAX_RESULT_WINDOW
        raise _too_deep()
    try:
        return query.search(searcher, pairs=current_app.extensions["live_index"].pair_counts(),
                            **args)
    except query.TooDeep:
        raise _too_deep() from None


def _int_arg(name: str, default: int, low: int, high: int | None = None) -> int:
    """The parameter `name` as a whole number from `low` to `high`, or `default` when absent.
    Anything else is a 400 saying what is expected; a number too long to read counts as
    above `high` (or, with no `high`, as huge: the caller checks it)."""
    raw = request.args.get(name, "")
    if raw == "":
        return default
    expected = (f"{name} must be a whole number from {low} to {high}" if high is not None
                else f"{name} must be a whole number, {low} or more")
    # ASCII digits only: "²", "①" and "٣" pass str.isdigit(), and int() refuses the first two.
    if not (raw.isascii() and raw.isdigit()):
        raise BadRequest(expected)
    digits = raw.lstrip("0") or "0"
    value = int(digits) if len(digits) <= 9 else 10**9  # (int() of 5,000 digits raises)
    if value < low or (high is not None and value > high):
        raise BadRequest(expected)
    return value


def _too_deep() -> BadRequest:
    return BadRequest(f"results past the {limits.MAX_RESULT_WINDOW:,}th are not shown; "
                      f"narrow the search")


def _last_page(page_size: int) -> int:
    """The deepest page whose hits all lie within the first MAX_RESULT_WINDOW."""
    return max(1, limits.MAX_RESULT_WINDOW // page_size)


def _date_arg(name: str) -> datetime | None:
    raw = request.args.get(name, "")
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a date like 2025-03-31") from None


def _search_args() -> dict:
    text = request.args.get("q", "")
    if len(text) > limits.MAX_QUERY_CHARS:
        raise BadRequest(f"the query is longer than {limits.MAX_QUERY_CHARS} characters")
    sort = request.args.get("sort", "relevance")
    if sort not in query.SORTS:
        raise BadRequest(f"sort must be one of: {', '.join(query.SORTS)}")
    return {
        "text": text,
        "page": _int_arg("page", 1, 1),
        "sort": sort,
        "site": request.args.get("site") or None,
        "date_from": _date_arg("from"),
        "date_to": _date_arg("to"),
    }


@blueprint.get("/")
def search_page():
    args = _search_args()
    searcher = _searcher()
    if not args["text"].strip():
        live = current_app.extensions["live_index"]
        return render_template("search.html", page=None, q="", documents=searcher.doc_count(),
                               info=live.info())
    page_size = current_app.config["PAGE_SIZE"]
    result = _search(searcher, limit=page_size, **args)
    last = min(result.pages, _last_page(page_size))
    return render_template("search.html", page=result, q=args["text"], sort=args["sort"],
                           pages=_page_links(result.page, last), last_page=last,
                           window=limits.MAX_RESULT_WINDOW,
                           first_rank=(result.page - 1) * page_size + 1)


def _page_links(current: int, last: int) -> list[int]:
    """Page numbers to link: a window around the current page, plus the first and the last
    (the last within the result window)."""
    if last <= 1:
        return []
    window = range(max(1, current - 3), min(last, current + 3) + 1)
    return sorted({1, last, *window})


@blueprint.get("/api/search")
def api_search():
    args = _search_args()
    limit = _int_arg("limit", limits.DEFAULT_PAGE_SIZE, 1, limits.MAX_PAGE_SIZE)
    result = _search(_searcher(), limit=limit, **args)
    return jsonify(result.to_json())


def _article(doc_id: str) -> dict:
    stored = _searcher().article(doc_id) if _DOC_ID.match(doc_id) else None
    if stored is None:
        raise NotFound(f"no article with id {doc_id}")
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
    text = request.args.get("q", "")[:limits.MAX_QUERY_CHARS]
    terms = query.parse(text).highlight_terms()
    marked = {
        "title": Markup(highlight(article["title"], terms)),
        "paragraphs": [Markup(highlight(p, terms)) for p in article["body"].split("\n") if p],
        "captions": [Markup(highlight(c, terms)) for c in article["captions"]],
    }
    return render_template("article.html", article=article, marked=marked, q=text)


@blueprint.get("/api/articles/<doc_id>")
def api_article(doc_id: str):
    article = _article(doc_id)
    if article["date"]:
        article["date"] = article["date"].isoformat()
    return jsonify(article)


@blueprint.get("/opensearch.xml")
def opensearch():
    # OpenSearch wants an absolute template, and browsers refuse a relative one. Without
    # BASE_URL the description still answers, with a root-relative template (nothing here may
    # come from the Host header), and base.html does not advertise it.
    xml = render_template("opensearch.xml", search_url=external_url(url_for("search.search_page")))
    return xml, 200, {"Content-Type": "application/opensearchdescription+xml; charset=utf-8"}


def external_url(url: str) -> str:
    """`url` (a path, or an absolute URL such as a Werkzeug redirect builds from the Host
    header) as BASE_URL + its path when BASE_URL is set, else as the bare path: the request's
    Host header never ends up in a link or a Location."""
    parts = urlsplit(url)
    path = "/" + parts.path.lstrip("/")  # "//host/..." would be another site
    root = request.script_root
    if root and (path == root or path.startswith(root + "/")):
        path = path[len(root):] or "/"
    url = (current_app.config.get("BASE_URL") or root) + path
    return url + ("?" + parts.query if parts.query else "") + (
        "#" + parts.fragment if parts.fragment else "")


@blueprint.app_context_processor
def template_limits() -> dict:
    return {"limits": limits}


@blueprint.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    if request.path.startswith("/api/"):
        body = {"error": {"status": error.code, "message": error.description}}
        return jsonify(body), error.code
    return render_template("error.html", error=error, q=request.args.get("q", "")), error.code


@blueprint.app_template_filter("day")
def day(value: datetime | None) -> str:
    """Dates as Vietnamese readers write them: 04/03/2025."""
    return value.strftime("%d/%m/%Y") if value else ""
