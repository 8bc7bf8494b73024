"""web/worker.py's HeadFirstWorker balancing two workers, run by gunicorn over a toy app whose
`/slow?s` takes s seconds and whose every answer is the worker's process id."""

import http.client
import socket
import subprocess
import sys
import time

import pytest

from tests.paths import ROOT

TOY = """
import os, sys, time
from gunicorn.app.base import BaseApplication
from web.worker import HeadFirstWorker

def app(environ, start_response):
    if environ["PATH_INFO"] == "/slow":
        time.sleep(float(environ["QUERY_STRING"]))
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]

class Toy(BaseApplication):
    def load_config(self):
        options = {"bind": sys.argv[1], "workers": 2, "worker_class": HeadFirstWorker, "threads": 1}
        for name, value in {**options, "keepalive": 5, "loglevel": "warning"}.items():
            self.cfg.set(name, value)

    def load(self):
        return app

Toy().run()
"""


@pytest.fixture
def toy():
    """(host, port) of the toy app served by two HeadFirstWorkers, both answering."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-c", TOY, f"127.0.0.1:{port}"], cwd=ROOT)
    try:
        deadline, pids = time.monotonic() + 30, set()
        while len(pids) < 2:  # each new connection goes to a worker that is free: both, in time
            assert time.monotonic() < deadline, "the toy server did not start two workers"
            try:
                pids.add(_get(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "/pid")[0])
            except OSError:
                time.sleep(0.1)
        yield "127.0.0.1", port
    finally:
        server.terminate()
        server.wait(timeout=30)


def _get(connection: http.client.HTTPConnection, path: str) -> tuple[bytes, bool]:
    """The answer (a worker's process id) and whether the server closes the connection after it."""
    connection.request("GET", path)
    return _get_response(connection)


def test_a_busy_worker_leaves_new_connections_to_the_free_one(toy):
    busy = http.client.HTTPConnection(*toy, timeout=10)
    busy.request("GET", "/slow?1.5")
    time.sleep(0.3)  # the slow request has reached a worker
    answered = set()
    for _ in range(4):  # left to chance, each would wait for the slow one half the time
        started = time.monotonic()
        answered.add(_get(http.client.HTTPConnection(*toy, timeout=10), "/pid")[0])
        assert time.monotonic() - started < 0.5
    slow = busy.getresponse().read()
    assert len(answered) == 1 and slow not in answered


def test_a_kept_alive_client_is_let_go_when_another_waits_for_its_worker(toy):
    clients = [http.client.HTTPConnection(*toy, timeout=10) for _ in range(3)]
    pids = [_get(client, "/pid") for client in clients]
    assert not any(closes for _, closes in pids)  # kept alive while no one waits
    # Three connections, two workers: two of them are with the same worker.
    first, second = next((a, b) for a in range(3) for b in range(a + 1, 3) if pids[a][0] == pids[b][0])
    clients[first].request("GET", "/slow?1")
    time.sleep(0.3)
    clients[second].request("GET", "/pid")  # waits for the slow one's worker
    response = clients[first].getresponse()
    assert response.read() == pids[first][0] and response.will_close  # its next request: to the listen queue
    assert _get_response(clients[second]) == (pids[second][0], False)  # no one waits behind it


def _get_response(connection: http.client.HTTPConnection) -> tuple[bytes, bool]:
    response = connection.getresponse()
    return response.read(), response.will_close


def test_a_kept_alive_client_is_let_go_when_connections_wait_to_be_accepted(toy):
    """A kept-alive client would pass the connections waiting for a free worker: with some
    waiting, an answer is its connection's last, and the next request waits its turn."""
    busy = [http.client.HTTPConnection(*toy, timeout=10) for _ in range(2)]
    for client in busy:  # one slow request on each worker
        client.request("GET", "/slow?1")
        time.sleep(0.2)
    waiting = http.client.HTTPConnection(*toy, timeout=10)
    waiting.request("GET", "/pid")  # both workers busy: it waits in the listen queue
    first = _get_response(busy[0])
    assert first[1]  # "Connection: close": someone was waiting
    assert _get_response(waiting)[0] in (first[0], _get_response(busy[1])[0])
