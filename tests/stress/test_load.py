"""`search serve --workers 2` under load, and with idle connections.

- STRESS_CLIENTS (16) clients, each with its own keep-alive connection, send realistic queries
  (1-4 syllables from the pages, some quoted, some with -, OR or prefix*, a tenth sorted by
  date, a tenth filtered by site, a fifth asking for page 2-5) for STRESS_SECONDS (60) after a
  warm-up: 0 errors, no request over 1 s (p50/p99/max reported), and the server's memory (the
  gunicorn process tree's resident memory, sampled every 0.5 s) flat: the last quarter's
  average within 1.3x the first quarter's.
- 200 idle sockets (half connected without a byte sent, half kept alive after one request) must
  not stop a normal client: its requests, made while they stay open past the server's idle
  timeout, answer 200 in under 1 s.
- 200 half-sent requests (request line and a header, never the blank line that ends them),
  the same.
"""

import http.client
import random
import socket
import threading
import time
from urllib.parse import quote, urlencode

from tests.stress import helpers
from tests.stress.conftest import record
from tests.stress.helpers import MemorySampler

MEMORY_GROWTH = 1.3
CLIENT_TIMEOUT = 10


def load_paths(corpus, count: int = 400) -> list[str]:
    rng = random.Random(5)
    paths = []
    for text in corpus.query_mix(count, seed=3):
        params = {"q": text}
        if rng.random() < 0.2:
            params["page"] = rng.randint(2, 5)
        if rng.random() < 0.1:
            params["sort"] = "date"
        if rng.random() < 0.1:
            params["site"] = f"site{rng.randrange(20)}.example"
        paths.append("/api/search?" + urlencode(params, quote_via=quote))
    return paths


def clients(port: int, paths: list[str], seconds: float, count: int) -> tuple[list[float], list[str]]:
    """`count` threads sending requests for `seconds`; (latencies in ms, errors)."""
    latencies, errors, lock = [], [], threading.Lock()
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        rng = random.Random(number)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
        while time.monotonic() < deadline:
            path = rng.choice(paths)
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read()
                error = None if response.status == 200 else f"HTTP {response.status} {path}: {body[:200]!r}"
                if error is None and b'"total"' not in body:  # (not parsed: the clients share the cores)
                    error = f"no total in {body[:200]!r}"
            except (OSError, http.client.HTTPException) as problem:
                error = f"{type(problem).__name__} {path}: {problem}"
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if error:
                    errors.append(error)
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def test_load(engine, server, corpus):
    paths = load_paths(corpus)
    _, warm_errors = clients(server.port, paths, min(10.0, max(2.0, helpers.SECONDS / 6)), helpers.CLIENTS)
    with MemorySampler(server.pid, every=0.5) as memory:
        latencies, errors = clients(server.port, paths, helpers.SECONDS, helpers.CLIENTS)
    figures = helpers.percentiles(latencies)
    first, last = memory.quarters()
    slow = sum(ms > helpers.SLOW_MS for ms in latencies)
    record(
        engine,
        "load",
        (
            f"{helpers.CLIENTS} clients x {helpers.SECONDS:.0f} s, {helpers.WORKERS} workers: "
            f"{len(latencies)} requests ({len(latencies) / helpers.SECONDS:.0f}/s), {len(errors)} errors "
            f"(+{len(warm_errors)} in the warm-up), {slow} over {helpers.SLOW_MS} ms; p50 {figures['p50']:.0f} / "
            f"p99 {figures['p99']:.0f} / max {figures['max']:.0f} ms; memory first quarter {first:.0f} MB, "
            f"last quarter {last:.0f} MB (peak {memory.peak:.0f} MB)"
        ),
        requests=len(latencies),
        errors=len(errors) + len(warm_errors),
        **figures,
        memory_first_mb=round(first),
        memory_last_mb=round(last),
    )
    assert not errors and not warm_errors, (errors + warm_errors)[:10]
    assert slow == 0, (
        f"{slow} of {len(latencies)} requests over {helpers.SLOW_MS} ms (max {figures['max']:.0f} ms)"
    )
    assert last <= first * MEMORY_GROWTH, f"memory grew from {first:.0f} MB to {last:.0f} MB"


def _normal_client(server, seconds: float) -> tuple[list[float], list[str]]:
    """One request after another, each on a new connection, for `seconds`."""
    latencies, errors = [], []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline or not latencies:
        started = time.perf_counter()
        try:
            status, _ = server.get("/api/search?q=" + quote("hợp tác"), timeout=5)
            if status != 200:
                errors.append(f"HTTP {status}")
        except OSError as error:
            errors.append(f"{type(error).__name__}: {error}")
        latencies.append((time.perf_counter() - started) * 1000)
        time.sleep(0.25)
    return latencies, errors


def _open_sockets(server, count: int, kind: str) -> list:
    opened = []
    for n in range(count):
        if kind == "keep-alive" or (kind == "idle" and n % 2):
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            connection.request("GET", "/api/search?q=a")
            connection.getresponse().read()
            opened.append(connection)  # still open: HTTP/1.1 keeps it alive
        else:
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            if kind == "half-sent":
                sock.sendall(b"GET /api/search?q=a HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            opened.append(sock)
    return opened


def _with_sockets(engine, server, kind: str, label: str):
    opened = _open_sockets(server, helpers.IDLE_SOCKETS, kind)
    try:
        time.sleep(0.5)
        # Longer than the server's idle timeout (SEARCH_IDLE_SECONDS, 5 s): past its cleanup too.
        latencies, errors = _normal_client(server, 8)
    finally:
        for item in opened:
            item.close()
    figures = helpers.percentiles(latencies)
    slow = sum(ms > helpers.SLOW_MS for ms in latencies)
    record(
        engine,
        "idle sockets",
        f"{helpers.IDLE_SOCKETS} {label}: a normal client made {len(latencies)} "
        f"requests, {len(errors)} errors, max {figures['max']:.0f} ms",
        errors=len(errors),
    )
    assert not errors and not slow, (
        f"with {label} open: {errors[:5]}, {slow} requests over {helpers.SLOW_MS} ms"
    )


def test_idle_sockets(engine, server):
    _with_sockets(engine, server, "idle", "idle sockets (half silent, half kept alive)")


def test_half_sent_requests(engine, server):
    _with_sockets(engine, server, "half-sent", "half-sent requests")
