"""`search serve` as run: gunicorn worker processes that follow the index without a restart."""

import json
import urllib.parse
import urllib.request

import pytest

from search.index import build_index
from tests.paths import DATA

pytestmark = pytest.mark.usefixtures("engine")  # each test runs on every engine


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def test_workers_serve_and_pick_up_a_rebuild(build, served):
    index_dir = build(DATA / "en")
    base, server = served(index_dir)
    url = base + "/api/search?q="
    assert _get(url + "ferry")["total"] == 1
    # Several requests reach both workers; each must see the new generation.
    build_index([DATA / "vi"], index_dir)
    answers = [_get(url + "ferry")["total"] for _ in range(8)]
    assert answers == [0] * 8
    assert _get(url + urllib.parse.quote("cà phê"))["total"] >= 1
    server.terminate()
    output, _ = server.communicate(timeout=30)
    assert "2 workers" in output
