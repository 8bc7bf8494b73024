"""`search serve` as run: gunicorn worker processes that follow the index without a restart."""

import json
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from search.index import build_index
from tests.paths import DATA

pytestmark = pytest.mark.usefixtures("engine")  # each test runs on every engine


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def test_workers_serve_and_pick_up_a_rebuild(tmp_path):
    index_dir = tmp_path / "ix"
    build_index([DATA / "en"], index_dir)
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from search.cli import main; main()",
            "serve",
            "--index",
            str(index_dir),
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/api/search?q="
        for _ in range(100):
            try:
                before = _get(url + "ferry")
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not answer within 10 s")
        assert before["total"] == 1
        # Several requests reach both workers; each must see the new generation.
        build_index([DATA / "vi"], index_dir)
        answers = [_get(url + "ferry")["total"] for _ in range(8)]
        assert answers == [0] * 8
        assert _get(url + urllib.parse.quote("cà phê"))["total"] >= 1
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "2 workers" in output
