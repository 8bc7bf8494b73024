"""A live server (Werkzeug's, in a thread) and Debian's Chromium driven by Playwright.

Pages are Vietnamese readers' (Accept-Language vi-VN: Chromium's own default is en-US) with
JavaScript off, at the two widths the site is checked at: desktop and phone (WIDTHS).
"""

import os
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("SEARCH_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"
# Without these Chromium tries Google's services at start and this machine's network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# The desktop and phone viewports every page-level check runs at.
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}


def _serve(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def live_server(make_app):
    """The page over the shared index (3 results a page), on the engine under test."""
    yield from _serve(make_app(PAGE_SIZE=3, TESTING=False))


@pytest.fixture(scope="session")
def news_server(make_app, news_index_dir):
    """The page over tests/data/news alone (3 results a page), on the engine under test."""
    yield from _serve(make_app(INDEX_DIR=news_index_dir, PAGE_SIZE=3, TESTING=False))


@pytest.fixture(scope="session")
def stories_server(make_app, engine, tmp_path_factory):
    """The page over a story in four copies (the seeds' first article, rewritten on three more
    sites: tests/test_stories.py) and the seeds' other articles, over three months; 3 results a
    page."""
    from datetime import date

    from search.index import build_index
    from tests.test_stories import seed_bodies, write_others, write_story

    folder = tmp_path_factory.mktemp(f"stories-page-{engine}")
    (title, body), *others = seed_bodies()
    write_story(folder, title, body, date(2025, 1, 10))
    write_others(folder, others)
    build_index([folder], folder / "index", engine=engine)
    app = make_app(INDEX_DIR=folder / "index", PAGE_SIZE=3, TESTING=False)
    for url in _serve(app):
        yield url, title


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; `make browser` installs it")
        pytest.skip("Chromium is not installed; `make browser` installs it")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_context(browser, width: str = "desktop", locale: str = "vi-VN"):
    """A browser context with JavaScript off (the site must work without it)."""
    return browser.new_context(java_script_enabled=False, viewport=WIDTHS[width], locale=locale)


@pytest.fixture
def page(browser):
    """A desktop page of a Vietnamese reader."""
    context = new_context(browser)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def open_page(browser):
    """open_page(width="desktop", locale="vi-VN"): a new page (closed after the test)."""
    contexts = []

    def open_(width: str = "desktop", locale: str = "vi-VN"):
        contexts.append(new_context(browser, width, locale))
        return contexts[-1].new_page()

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture(params=list(WIDTHS))
def any_page(request, browser):
    """A Vietnamese reader's page at each width in turn; page.width says which."""
    context = new_context(browser, request.param)
    page = context.new_page()
    page.width = request.param
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """Save a full-page PNG under tests/browser/screenshots/ (for a person to look at)."""

    def save(page, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
