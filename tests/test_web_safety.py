"""Issue #10, serving: idle sockets, odd numbers, deep pages, the debugger, the Host header, and
the Page's lower-bound totals and cut-short searches, on the page and the JSON API."""

import http.client
import re
import socket
import time
import urllib.request

import click
import flask
import pytest
from click.testing import CliRunner

from search import cli, limits, query
from web import server

pytestmark = pytest.mark.usefixtures("engine")  # each test runs on every engine

TOO_DEEP = "results past the 1,000th are not shown; narrow the search"
ENGLISH = {"Accept-Language": "en"}  # the messages below are the English ones (vi by default)


# -- idle and half-sent connections -----------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _status(url: str) -> int:
    with urllib.request.urlopen(url, timeout=10) as response:
        response.read()
        return response.status


def _closed_by_server(sock: socket.socket, within: float) -> bool:
    sock.settimeout(within)
    try:
        return sock.recv(100) == b""
    except ConnectionResetError:
        return True
    except OSError:
        return False


def test_200_idle_and_half_sent_sockets_do_not_starve_a_client(index_dir, served):
    base, server_process = served(index_dir, env={"SEARCH_IDLE_SECONDS": "2"})  # --idle-seconds 2
    port = int(base.rsplit(":", 1)[1])
    url = f"{base}/api/search?q=ferry"
    idle = []
    try:
        for number in range(200):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            if number % 2:
                sock.sendall(b"GET /api/search?q=fer")  # half a request line, then nothing
            idle.append(sock)
        started = time.perf_counter()
        assert _status(url) == 200  # within urlopen's 10 s (gunicorn's own gthread: never)
        assert _status(f"http://127.0.0.1:{port}/?q=ferry") == 200
        took = time.perf_counter() - started
        # Keep-alive still works: two requests on one connection.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for _ in range(2):
            connection.request("GET", "/api/search?q=ferry")
            response = connection.getresponse()
            assert response.status == 200 and b'"total":1' in response.read().replace(b" ", b"")
        connection.close()
        # Silent and half-sent connections are closed after --idle-seconds (plus the worker's
        # one-second housekeeping tick), not held.
        assert _closed_by_server(idle[0], within=10) and _closed_by_server(idle[1], within=10)
    finally:
        for sock in idle:
            sock.close()
        server_process.terminate()
        output, _ = server_process.communicate(timeout=30)
    assert "2 workers" in output
    print(f"two requests with 200 idle sockets open: {took * 1000:.0f} ms")


# -- numbers in the URL --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["page", "limit"])
def test_numbers_are_ascii_digits_or_a_clear_400(client, name):
    # str.isdigit() accepts all of the first four; int() refuses "²" and "①" (a 500 before).
    for value in ["²", "①", "٣", "１", "-1", "+1", " 1", "1.0", "0x10", "1e3", "0"]:
        for path in ["/api/search", "/"] if name == "page" else ["/api/search"]:
            response = client.get(path, query_string={"q": "hop tac", name: value}, headers=ENGLISH)
            assert response.status_code == 400, (path, value)
            assert response.headers["Content-Security-Policy"]  # headers kept on errors
            if path.startswith("/api/"):
                message = response.get_json()["error"]["message"]
                assert message.startswith(f"{name} must be a whole number")
            else:
                assert "page must be a whole number" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "inside, past",
    [
        ("/?q=hop+tac&page=100", "/?q=hop+tac&page=101"),
        ("/?q=hop+tac&page=0100", "/?q=hop+tac&page=99999999999999999999"),
        ("/?q=hop+tac&page=1", "/?q=hop+tac&page=" + "9" * 5000),
        ("/api/search?q=hop+tac&page=100", "/api/search?q=hop+tac&page=99999999999999999999"),
        ("/api/search?q=hop+tac&limit=100&page=10", "/api/search?q=hop+tac&limit=100&page=11"),
        ("/api/search?q=hop+tac&limit=3&page=333", "/api/search?q=hop+tac&limit=3&page=334"),
    ],
)
def test_pages_past_the_result_window_are_a_clear_400(client, inside, past):
    assert client.get(inside).status_code == 200  # the deepest page inside answers
    response = client.get(past, headers=ENGLISH)
    assert response.status_code == 400
    if past.startswith("/api/"):
        assert response.get_json()["error"]["message"] == TOO_DEEP
    else:
        assert TOO_DEEP in response.get_data(as_text=True)


def test_the_library_refusing_a_deep_page_is_a_400(client, monkeypatch):
    def too_deep(*args, **kwargs):
        raise query.TooDeep("past the window")

    monkeypatch.setattr(query, "search", too_deep)
    assert client.get("/?q=hop+tac&page=2").status_code == 400
    api = client.get("/api/search?q=hop+tac&page=2", headers=ENGLISH)
    assert api.status_code == 400 and api.get_json()["error"]["message"] == TOO_DEEP
    assert api.get_json()["error"]["code"] == "too_deep"


def test_page_links_stop_at_the_result_window(make_app, monkeypatch):
    monkeypatch.setattr(limits, "MAX_RESULT_WINDOW", 6)  # pages of 2: page 3 is the last
    client = make_app(PAGE_SIZE=2).test_client()
    first = client.get("/?q=va").get_data(as_text=True)
    assert client.get("/api/search?q=va").get_json()["total"] > 6
    linked = {int(n) for n in re.findall(r"page=(\d+)", first)}
    assert linked and max(linked) == 3
    last = client.get("/?q=va&page=3").get_data(as_text=True)
    assert 'rel="next"' not in last and 'rel="prev"' in last
    assert "Chỉ hiện 6 kết quả đầu tiên" in last
    assert "Chỉ hiện" not in first
    assert client.get("/?q=va&page=4").status_code == 400


# -- the debugger --------------------------------------------------------------------------------


@pytest.fixture
def no_serving(monkeypatch):
    """Record what `search serve` would start, without starting it."""
    started = []
    monkeypatch.setattr(flask.Flask, "run", lambda app, **kw: started.append(("flask", kw)))
    monkeypatch.setattr(server.Server, "run", lambda self: started.append(("gunicorn", self)))
    return started


def test_the_debugger_runs_on_loopback_only(index_dir, no_serving):
    for host in ["0.0.0.0", "::", "192.168.1.10", "example.com", ""]:
        result = CliRunner().invoke(cli.main, ["serve", "--index", str(index_dir), "--host", host, "--debug"])
        assert result.exit_code == 2 and "loopback" in result.output, host
        with pytest.raises(click.UsageError, match="loopback"):
            server.serve(str(index_dir), host, 5000, debug=True)
        assert no_serving == []
    for host in ["127.0.0.1", "::1", "localhost"]:
        result = CliRunner().invoke(cli.main, ["serve", "--index", str(index_dir), "--host", host, "--debug"])
        assert result.exit_code == 0, result.output
        kind, options = no_serving.pop()
        assert (kind, options.pop("request_handler")) == ("flask", server.LenientRequestHandler)
        assert options == {"host": host, "port": 5000, "debug": True}


def test_no_debugger_by_default_even_with_search_debug_set(index_dir, no_serving, monkeypatch):
    monkeypatch.setenv("SEARCH_DEBUG", "true")
    result = CliRunner().invoke(
        cli.main,
        [
            "serve",
            "--index",
            str(index_dir),
            "--host",
            "0.0.0.0",
            "--max-connections",
            "50",
            "--idle-seconds",
            "7",
        ],
    )
    assert result.exit_code == 0, result.output
    [(kind, gunicorn)] = no_serving
    assert kind == "gunicorn"
    assert gunicorn.cfg.worker_connections == 50 and gunicorn.cfg.keepalive == 7
    assert gunicorn.cfg.timeout == limits.REQUEST_SECONDS
    assert gunicorn.load().debug is False


def test_loopback_means_loopback():
    assert all(map(server.is_loopback, ["127.0.0.1", "127.0.1.1", "::1", "[::1]", "localhost"]))
    assert not any(
        map(server.is_loopback, ["0.0.0.0", "::", "", "10.0.0.1", "example.com", "localhost.example.com"])
    )


# -- the Host header -----------------------------------------------------------------------------

EVIL = {"Host": "evil.example"}


def test_opensearch_never_uses_the_host_header(client, make_app):
    xml = client.get("/opensearch.xml", headers=EVIL).get_data(as_text=True)
    assert "evil" not in xml and 'template="/?q={searchTerms}"' in xml
    # Every page advertises it (browsers refuse the relative template: `search serve` on a
    # loopback address sets BASE_URL to its own address, and SEARCH_BASE_URL says the public one).
    assert 'href="/opensearch.xml"' in client.get("/", headers=EVIL).get_data(as_text=True)

    client = make_app(BASE_URL="https://tim.example.vn/").test_client()
    xml = client.get("/opensearch.xml", headers=EVIL).get_data(as_text=True)
    assert 'template="https://tim.example.vn/?q={searchTerms}"' in xml and "evil" not in xml
    assert 'href="/opensearch.xml"' in client.get("/", headers=EVIL).get_data(as_text=True)


def test_base_url_from_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("SEARCH_BASE_URL", "https://example.vn/tim")
    client = make_app().test_client()
    xml = client.get("/opensearch.xml", headers=EVIL).get_data(as_text=True)
    assert 'template="https://example.vn/tim/?q={searchTerms}"' in xml


@pytest.mark.parametrize(
    "bad",
    [
        "tim.example.vn",
        "javascript:alert(1)",
        "https://",
        "ftp://x.vn",
        "https://x.vn/?a=1",
        "https://user@x.vn",
        "https://x.vn\r\nX: y",
        "https://x.vn:99999",
    ],
)
def test_a_bad_base_url_is_refused_at_start(make_app, bad):
    with pytest.raises(ValueError, match="BASE_URL"):
        make_app(BASE_URL=bad)


@pytest.mark.parametrize(
    "base, root, expected",
    [
        (None, "", "/api/search?q=a"),
        ("https://tim.example.vn", "", "https://tim.example.vn/api/search?q=a"),
        (None, "/tim", "/tim/api/search?q=a"),
        ("https://example.vn/tim", "/tim", "https://example.vn/tim/api/search?q=a"),
    ],
)
def test_redirects_never_use_the_host_header(make_app, base, root, expected):
    # Werkzeug redirects "/api//search" to "/api/search", building the URL from the Host.
    client = make_app(BASE_URL=base).test_client()
    response = client.get("/api//search?q=a", base_url=f"http://evil.example{root}")
    assert response.status_code == 308 and response.headers["Location"] == expected


# -- lower-bound totals and cut-short searches ---------------------------------------------------


def test_a_lower_bound_total_and_a_cut_short_search_are_said(client, monkeypatch):
    page = client.get("/?q=hop+tac").get_data(as_text=True)
    assert re.search(r'class="summary" role="status">\s*3 kết quả', page)
    assert "Ít nhất" not in page and "dừng sớm" not in page
    data = client.get("/api/search?q=hop+tac").get_json()
    assert data["total_relation"] == "eq" and data["partial"] is False

    real = query.search

    def bounded_and_partial(*args, **kwargs):
        page = real(*args, **kwargs)
        page.total_exact, page.partial = False, True
        return page

    monkeypatch.setattr(query, "search", bounded_and_partial)
    page = client.get("/?q=hop+tac").get_data(as_text=True)
    assert re.search(r'class="summary" role="status">\s*Ít nhất 3 kết quả', page)
    assert "Tìm kiếm đã dừng sớm" in page
    data = client.get("/api/search?q=hop+tac").get_json()
    assert data["total_relation"] == "gte" and data["partial"] is True
