"""`search serve` as run: gunicorn worker processes that follow the index without a restart."""

import json
import socket
import threading
import urllib.parse
import urllib.request

import pytest

from search.index import build_index
from tests.paths import DATA
from web import server

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


def _raw(base: str, request_line: bytes) -> tuple[int, bytes]:
    """Send one request line as bytes, as `curl 'http://host/api/search?q=cao tốc'` sends it
    (raw UTF-8, no percent-encoding); the status and the body."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request_line + b"\r\nHost: " + host.encode() + b"\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


RAW_REQUESTS = [
    "GET /api/search?q=cao tốc HTTP/1.1",  # raw UTF-8 and a raw space
    "GET /api/search?q=cao%20tốc HTTP/1.1",  # raw UTF-8, as curl sends it
    "GET /api/search?q=cao+t%E1%BB%91c HTTP/1.1",  # what a browser sends
]


def test_a_raw_utf8_query_is_answered_as_if_percent_encoded(build, served):
    base, _ = served(build(DATA / "news"))
    for line in RAW_REQUESTS:
        status, body = _raw(base, line.encode("utf-8"))
        assert status == 200, (line, body[:200])
        answer = json.loads(body)
        assert answer["query"] == "cao tốc" and answer["total"] >= 1, line
    status, body = _raw(base, "GET /?q=cao tốc HTTP/1.1".encode())
    assert status == 200 and 'value="cao tốc"' in body.decode() and "Côn Đảo" in body.decode()
    # Control characters in the target stay refused.
    assert _raw(base, b"GET /api/search?q=a\x01b HTTP/1.1")[0] == 400
    # `search serve` on a loopback address knows its address: OpenSearch's template is absolute.
    xml = urllib.request.urlopen(base + "/opensearch.xml", timeout=10).read().decode()
    assert f'template="{base}/?q={{searchTerms}}"' in xml


def test_the_development_server_answers_a_raw_query_too(make_app, news_index_dir):
    from werkzeug.serving import make_server

    app = make_app(INDEX_DIR=news_index_dir)
    development = make_server("127.0.0.1", 0, app, request_handler=server.LenientRequestHandler)
    thread = threading.Thread(target=development.serve_forever, daemon=True)
    thread.start()
    try:
        for line in RAW_REQUESTS:
            status, body = _raw(f"http://127.0.0.1:{development.server_port}", line.encode("utf-8"))
            assert status == 200 and json.loads(body)["query"] == "cao tốc", line
    finally:
        development.shutdown()


def test_a_5000_character_query_is_cut_with_a_notice_and_a_longer_line_gets_the_apps_414(build, served):
    base, _ = served(build(DATA / "news"))
    words = urllib.parse.quote("cao tốc " * 625)  # 5,000 characters, 25 kB percent-encoded
    status, body = _raw(base, f"GET /api/search?q={words}&lang=en HTTP/1.1".encode())
    assert status == 200, body[:300]
    answer = json.loads(body)
    assert answer["total"] >= 1 and len(answer["query"]) <= 400
    assert [notice["code"] for notice in answer["notices"]] == ["query_cut"]
    assert "only its beginning is searched" in answer["notices"][0]["message"]
    status, body = _raw(base, f"GET /?q={'x' * 5000} HTTP/1.1".encode())
    assert status == 200 and "Câu tìm kiếm dài quá 400 ký tự" in body.decode()
    # Past the 64 KiB the server reads of a request line: the app's own 414, not gunicorn's.
    huge = "x" * 300_000
    status, body = _raw(base, f"GET /api/search?q={huge} HTTP/1.1".encode())
    assert status == 414 and json.loads(body)["error"]["code"] == "uri_too_long"
    status, body = _raw(base, f"GET /?q={huge} HTTP/1.1".encode())
    assert (
        status == 414 and 'data-code="uri_too_long"' in body.decode() and "<!doctype html>" in body.decode()
    )
    assert _get(base + "/api/search?q=cao+t%E1%BB%91c")["total"] >= 1  # the workers serve on


def test_each_worker_freezes_what_it_loaded(build, monkeypatch):
    """Python's full collections walk every object a process holds: a worker freezes the
    modules and the app it loaded (they live as long as it does), so that a collection in the
    middle of a request walks only what requests made (13-60 ms of a request at a million
    articles before)."""
    import gc

    options = {}
    monkeypatch.setattr(server.Server, "run", lambda self: options.update(self.options))
    server.serve(str(build(DATA / "en")), "127.0.0.1", 0)
    assert options["post_worker_init"] is server._freeze_what_is_loaded
    try:
        before = gc.get_freeze_count()
        server._freeze_what_is_loaded(None)
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
