"""One Blueprint: the search page, the article page, the JSON API and OpenSearch.

Every value from a document or a query is escaped by the templates; the snippet and title HTML
from search.snippets is escaped there, with only <mark> added. Bad parameters get 400, unknown
ids 404, and a missing index 503 with a page saying how to build one; never a 500.
"""

import re
from datetime import datetime

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from markupsafe import Markup
from werkzeug.exceptions import BadRequest, HTTPException, NotFound, ServiceUnavailable

from search import query
from search.index import IndexNotFound
from search.snippets import highlight

blueprint = Blueprint("search", __name__)

# Web input bounds: longer queries and deeper pages are nonsense, not searches.
MAX_QUERY_CHARS = 400
MAX_PAGE = 1000
_DOC_ID = re.compile(r"^[0-9a-f]{12}$")


def _searcher():
    try:
        return current_app.extensions["live_index"].searcher()
    except IndexNotFound as error:
        raise ServiceUnavailable(str(error)) from None


def _search(searcher, **args) -> query.Page:
    return query.search(searcher, pairs=current_app.extensions["live_index"].pair_counts(), **args)


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise BadRequest(f"{name} must be a whole number from {low} to {high}")
    return int(raw)


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
    if len(text) > MAX_QUERY_CHARS:
        raise BadRequest(f"the query is longer than {MAX_QUERY_CHARS} characters")
    sort = request.args.get("sort", "relevance")
    if sort not in query.SORTS:
        raise BadRequest(f"sort must be one of: {', '.join(query.SORTS)}")
    return {
        "text": text,
        "page": _int_arg("page", 1, 1, MAX_PAGE),
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
    return render_template("search.html", page=result, q=args["text"], sort=args["sort"],
                           pages=_page_links(result), first_rank=(result.page - 1) * page_size + 1)


def _page_links(result: query.Page) -> list[int]:
    """Page numbers to link: a window around the current page, plus the first and last."""
    if result.pages <= 1:
        return []
    window = range(max(1, result.page - 3), min(result.pages, result.page + 3) + 1)
    return sorted({1, result.pages, *window})


@blueprint.get("/api/search")
def api_search():
    args = _search_args()
    limit = _int_arg("limit", query.DEFAULT_PAGE_SIZE, 1, query.MAX_PAGE_SIZE)
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
    text = request.args.get("q", "")[:MAX_QUERY_CHARS]
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
    xml = render_template("opensearch.xml", search_url=url_for("search.search_page", _external=True))
    return xml, 200, {"Content-Type": "application/opensearchdescription+xml; charset=utf-8"}


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
