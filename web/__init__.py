"""Configuration -> the Flask app (create_app), built around one LiveIndex.

Configuration, in three layers: defaults here, SEARCH_* environment variables (SEARCH_INDEX_DIR,
SEARCH_BASE_URL), and `test_config` (or the `search serve` options).

BASE_URL is the public URL of the app's root, such as https://tim.example.vn (or with a path:
https://example.vn/tim). Absolute URLs are built from it and from nothing else; without it
every link and redirect is relative. The Host header is never trusted.
"""

import os
from urllib.parse import urlsplit

from flask import Flask, request

from search.generations import DEFAULT_INDEX_DIR
from search.live import LiveIndex

# Content-Security-Policy: nothing inline, nothing from elsewhere. The page needs no script.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app; `test_config` overrides the defaults and the environment."""
    app = Flask(__name__)
    app.config.from_mapping(
        INDEX_DIR=os.environ.get("SEARCH_INDEX_DIR", DEFAULT_INDEX_DIR),
        SITE_NAME="Tìm tin",
        PAGE_SIZE=10,  # results per search page
        JSON_AS_ASCII=False,
        BASE_URL=None,  # the public URL of "/" (SEARCH_BASE_URL); absolute URLs come only from it
    )
    app.config.from_prefixed_env("SEARCH")
    if test_config:
        app.config.update(test_config)
    app.config["BASE_URL"] = base_url(app.config["BASE_URL"])
    app.json.ensure_ascii = False
    app.extensions["live_index"] = LiveIndex(app.config["INDEX_DIR"])

    from web import arguments, i18n, links, too_long, views

    i18n.init_app(app)
    app.register_blueprint(views.blueprint)

    @app.before_request
    def request_line_too_long():
        # web/server.py hands over a request line too long to read whole (web/too_long.py).
        if request.environ.get(too_long.TOO_LONG):
            raise arguments.uri_too_long()

    @app.after_request
    def no_host_header_in_location(response):
        # Werkzeug builds its redirects (e.g. merging "//" in a path) from the Host header.
        if "Location" in response.headers:
            response.headers["Location"] = links.external_url(response.headers["Location"])
        return response

    @app.after_request
    def secure_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    @app.after_request
    def language_headers(response):
        # The page and the API answer in the language the request asks for (web/i18n.py).
        if request.endpoint not in ("static", "search.favicon"):
            response.headers["Content-Language"] = i18n.language()
            response.vary.add("Accept-Language")
        return response

    return app


def base_url(value) -> str | None:
    """BASE_URL checked and without its trailing slash; None when unset."""
    if value in (None, ""):
        return None
    text = str(value)
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username
        or parts.password
        or parts.query
        or parts.fragment
        or "\\" in text
        or any(char <= " " for char in text)
    ):
        raise ValueError(
            f"BASE_URL (SEARCH_BASE_URL) must look like https://tim.example.vn "
            f"or https://example.vn/tim, not {value!r}"
        )
    return text.rstrip("/")
