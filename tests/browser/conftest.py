"""A live server (Werkzeug's, in a thread) and Debian's Chromium driven by Playwright."""

import os
import shutil
import threading
from pathlib import Path

import pytest

from web import create_app

CHROMIUM = os.environ.get("SEARCH_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"
# Without these Chromium tries Google's services at start and this machine's network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def live_server(index_dir):
    from werkzeug.serving import make_server

    app = create_app({"INDEX_DIR": str(index_dir), "PAGE_SIZE": 3})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


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


@pytest.fixture
def page(browser):
    """A page with JavaScript off: the site must work without it."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
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
