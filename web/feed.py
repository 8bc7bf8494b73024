"""A page of the newest hits of a search -> its Atom feed (/feed.atom), written by feedgen.

Feed readers follow a search as YaCy's and SearXNG's feeds let them: the newest matching
stories (the page's query and filters, newest first), each with its title, its snippet (the
query's words marked) and a link to the article's original URL, or to its page here. Links are
absolute only with BASE_URL (web/links.py: never from the Host header); entry ids are URNs
derived from the article's id, so a reader sees the same entry whatever address it came by.
"""

import uuid
from datetime import datetime, timezone

from feedgen.feed import FeedGenerator
from flask import current_app, url_for
from flask_babel import gettext

from search import query
from web import i18n, links

# Entries in a feed: readers poll it, and the newest stories are what they show.
ENTRIES = 30
# The namespace of the entries' and feeds' UUIDs (uuid5): the same article, the same id.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/vietnews-search")


def atom(page: query.Page, text: str, updated: datetime | None) -> bytes:
    """The Atom document of `page` (a search sorted by date); `updated`, when the index was
    last built, dates the entries that have no date of their own."""
    site_name = current_app.config["SITE_NAME"]
    title = gettext("Results for “%(query)s”", query=text) if text.strip() else gettext("The newest articles")
    fallback = _aware(updated) if updated else datetime.now(timezone.utc)
    feed = FeedGenerator()
    feed.id(_urn("feed", links.feed_url()))
    feed.title(f"{title} – {site_name}")
    feed.author(name=site_name)
    feed.language(i18n.language())
    feed.link(href=links.external_url(links.feed_url()), rel="self", type="application/atom+xml")
    feed.link(href=links.external_url(links.search_url(sort="date")), rel="alternate", type="text/html")
    feed.generator("vietnews-search")
    dates = [_aware(hit.date) for hit in page.results if hit.date]
    feed.updated(max(dates, default=fallback))
    for hit in page.results:
        entry = feed.add_entry(order="append")
        entry.id(_urn("article", hit.id))
        entry.title(hit.title)
        entry.link(href=link(hit), rel="alternate", type="text/html")
        entry.author(name=hit.site or site_name)
        entry.updated(_aware(hit.date) if hit.date else fallback)
        if hit.date:
            entry.published(_aware(hit.date))
        entry.summary(hit.snippet, type="html")  # escaped text with <mark> only (search/query/snippets.py)
    return feed.atom_str(pretty=True)


def link(hit: query.Hit) -> str:
    """Where a hit leads outside this page: its original article, else its page here."""
    return links.original(hit.url) or links.external_url(url_for("search.article_page", doc_id=hit.id))


def _aware(value: datetime) -> datetime:
    return i18n.vietnam_time(value).replace(tzinfo=i18n.VIETNAM)


def _urn(kind: str, name: str) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{kind}:{name}')}"
