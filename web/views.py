"""Requests -> responses: one Blueprint (search page, article page, JSON API, its feed and CSV,
OpenSearch, favicon).

Every value from a document or a query is escaped by the templates; the snippet and title HTML
from search.snippets is escaped there, with only <mark> added. Bad parameters get 400
(web/arguments.py), unknown ids 404, and a missing index 503 with a page saying how to build
one; never a 500. Every error has a machine-readable code beside its message (Problem):
{"error": {"code", "status", "message"}} in the API, and on the page (http_error()).

Every string shown comes from the message catalogue (web/i18n.py): Vietnamese by default,
English by ?lang=en or Accept-Language. The links that keep the page's state are in
web/links.py, the filter panel in web/facets.py (both registered here for the templates), the
chart of matches over time in web/timeline.py, the notices' messages in web/notices.py.
A search's Atom feed is written by web/feed.py, its every story as CSV by search/export.py.
"""

import os
import re
from datetime import datetime
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    stream_with_context,
    url_for,
)
from flask_babel import gettext
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from search import export, limits, query
from search.generations import CURRENT, DEFAULT_INDEX_DIR, IndexNotFound
from search.query.related import related
from search.query.snippets import highlight
from web import arguments, facets, feed, i18n, links, timeline
from web.arguments import GENERIC_ERRORS, Problem
from web.i18n import N_
from web.notices import notice_message

blueprint = Blueprint("search", __name__)

# The templates' globals and filters.
for function in (
    links.search_url,
    links.home_url,
    links.article_url,
    links.feed_url,
    links.csv_url,
    links.form_state,
    links.other_language,
):
    blueprint.add_app_template_global(function)
blueprint.add_app_template_filter(links.original)
blueprint.add_app_template_filter(i18n.iso_vietnam, "iso")


_DOC_ID = re.compile(r"^[0-9a-f]{12}$")


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
    if args["page"] > arguments.last_page(args["limit"]):  # page x limit past MAX_RESULT_WINDOW
        raise arguments.too_deep()
    live_index = current_app.extensions["live_index"]
    names = live_index.site_names(searcher)  # (of the searcher's generation)
    if args.get("site"):
        args["site"] = names.domain(args["site"])  # a filter names a site as it is shown
    try:
        return names.named(query.search(searcher, pairs=live_index.pair_counts(searcher), **args))
    except query.TooDeep:
        raise arguments.too_deep() from None


# -- routes --------------------------------------------------------------------------------------


@blueprint.get("/")
def search_page():
    """Results for a query; with no query, the newest articles (of the filters in force)."""
    args = arguments.search_args()
    page_number = arguments.int_arg("page", 1, 1)
    page_size = arguments.int_arg("limit", current_app.config["PAGE_SIZE"], 1, limits.MAX_PAGE_SIZE)
    searcher = _searcher()
    result = _search(searcher, limit=page_size, page=page_number, facets=True, **args)
    state = links.state()
    last = min(result.pages, arguments.last_page(page_size))
    listing = not args["text"].strip()  # the newest articles
    filters = facets.active_filters(state)
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
        q=result.query,  # as searched: a long query is cut (a notice says so)
        sort=args["sort"],
        listing=listing,
        documents=searcher.doc_count() if listing and not filters else None,
        built_at=built_at,
        notices=[notice_message(notice) for notice in result.notices],
        panel=facets.facet_panel(result.facets, state),
        chart=timeline.timeline(result.facets, state),
        filters=filters,
        clear_filters=links.search_url(site=None, date_from=None, date_to=None),
        pages=links.page_links(result.page, last),
        last_page=last,
        window=limits.MAX_RESULT_WINDOW,
        first_rank=(result.page - 1) * page_size + 1,
    )


@blueprint.get("/api/search")
def api_search():
    args = arguments.search_args()
    limit = arguments.int_arg("limit", limits.DEFAULT_PAGE_SIZE, 1, limits.MAX_PAGE_SIZE)
    page, offset = arguments.page_and_offset(limit)
    fields = arguments.fields_arg()
    result = _search(_searcher(), limit=limit, page=page, facets=True, **args)
    data = result.to_json()
    data["limit"], data["offset"] = limit, offset
    for hit, shown in zip(result.results, data["results"]):
        shown["date"] = i18n.iso_vietnam(hit.date) if hit.date else None  # whatever the engine
    data["notices"] = [{**notice.to_json(), "message": notice_message(notice)} for notice in result.notices]
    if fields:
        data["results"] = [{name: hit[name] for name in fields} for hit in data["results"]]
    return jsonify(data)


@blueprint.get("/feed.atom")
def feed_atom():
    """The newest stories of a search (the page's query and filters), as an Atom feed."""
    args = {**arguments.search_args(), "sort": "date"}
    result = _search(_searcher(), limit=feed.ENTRIES, page=1, **args)
    built_at = current_app.extensions["live_index"].info().get("built_at")
    try:
        updated = datetime.fromisoformat(built_at) if built_at else None
    except ValueError:
        updated = None
    return (
        feed.atom(result, result.query, updated),
        200,
        {"Content-Type": "application/atom+xml; charset=utf-8"},
    )


@blueprint.get("/api/search.csv")
def api_search_csv():
    """Every story of a search (the page's parameters; no page, no window), streamed as CSV."""
    args = arguments.search_args()
    live_index = current_app.extensions["live_index"]
    names = live_index.site_names()
    if args.get("site"):
        args["site"] = names.domain(args["site"])
    stories = export.stories(_searcher(), names=names, **args)  # (a missing index raises here: a 503)
    return Response(
        stream_with_context(export.csv_chunks(stories, link=feed.link)),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="search.csv"'},
    )


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
        "site": current_app.extensions["live_index"].site_names().name(stored.site),
        "url": stored.url,
        "byline": stored.byline,
    }


@blueprint.get("/articles/<doc_id>")
def article_page(doc_id: str):
    article = _article(doc_id)
    if article["id"] != doc_id:  # an id from before ids came from resolved paths
        return redirect(url_for(".article_page", doc_id=article["id"], **request.args), 301)
    text = query.cut_query(request.args.get("q", ""))[0]
    terms = query.article_marks(_searcher(), text, f"{article['title']}\n{article['body']}")
    marked = {
        "title": Markup(highlight(article["title"], terms)),
        "paragraphs": [Markup(highlight(p, terms)) for p in article["body"].split("\n") if p],
        "captions": [Markup(highlight(c, terms)) for c in article["captions"]],
    }
    state = links.state()
    back = links.search_url() if any(name in state for name in ("q", "site", "from", "to")) else None
    return render_template(
        "article.html", article=article, marked=marked, q=text, back=back, related=_related(doc_id)
    )


def _related(doc_id: str) -> list[query.Hit]:
    """The closest other stories (search/query/related.py), sites by their names."""
    found = related(_searcher(), doc_id) or []
    names = current_app.extensions["live_index"].site_names()
    for hit in found:
        hit.site = names.name(hit.site)
    return found


@blueprint.get("/api/articles/<doc_id>/related")
def api_related(doc_id: str):
    article = _article(doc_id)
    if article["id"] != doc_id:
        return redirect(url_for(".api_related", doc_id=article["id"]), 301)
    hits = [hit.to_json() for hit in _related(doc_id)]
    for shown in hits:
        shown["date"] = shown["date"] and i18n.iso_vietnam(datetime.fromisoformat(shown["date"]))
    return jsonify({"id": doc_id, "related": hits})


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
        search_url=links.external_url(url_for("search.search_page")),
        icon_url=links.external_url(url_for("search.favicon")),
    )
    return xml, 200, {"Content-Type": "application/opensearchdescription+xml; charset=utf-8"}


@blueprint.get("/favicon.ico")
def favicon():
    # Browsers ask for /favicon.ico whatever the page links (base.html links the SVG too).
    return send_from_directory(
        Path(__file__).parent / "static", "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=86400
    )


@blueprint.app_context_processor
def template_globals() -> dict:
    return {"limits": limits, "lang": i18n.language()}


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
        q=links.state().get("q", ""),
    )
    return html, error.code, headers
