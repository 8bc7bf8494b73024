"""The web front end: create_app() builds the Flask app around one LiveIndex.

Configuration, in three layers: defaults here, SEARCH_* environment variables (SEARCH_INDEX_DIR),
and `test_config` (or the `search serve` options).
"""

import os

from flask import Flask

from search.index import DEFAULT_INDEX_DIR, LiveIndex

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
    )
    app.config.from_prefixed_env("SEARCH")
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False
    app.extensions["live_index"] = LiveIndex(app.config["INDEX_DIR"])

    from web import views

    app.register_blueprint(views.blueprint)

    @app.after_request
    def secure_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    return app
