"""`search serve` options -> gunicorn workers serving the app (the default index built first if missing).

Searches are CPU-bound Python: threads of one process queue behind each other on the GIL, so
throughput comes from processes. gunicorn forks `workers` processes; each opens its own
searcher (LiveIndex) and follows the index across updates and rebuilds without a restart.

Idle and slow clients cost no thread: gunicorn's gthread worker hands every accepted connection
to its thread pool at once, and that thread waits up to 5 s for a first byte, then reads the
request line and headers with no time limit. With one thread per worker, 100 sockets that
connect and send nothing (or half a request line) kept every other client waiting for minutes.
HeadFirstWorker reads the request head (and a small body) in the worker's event loop instead,
and gives a connection to the thread only once its request has arrived; a connection that has
not sent a whole request within `idle_seconds` is closed, and a thread never waits on a socket
longer than that either. At most `max_connections` per worker are open; more wait in the
kernel's listen backlog.

`--debug` runs Flask's development server, with Werkzeug's interactive debugger and reloader,
and only on a loopback address: the debugger runs any Python its console is sent.
"""

import errno
import gc
import ipaddress
import logging
import os
import re
import resource
import selectors
import socket
import time
from functools import partial

import click
from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import TConn, ThreadWorker
from werkzeug.serving import WSGIRequestHandler

from search import limits
from search.generations import DEFAULT_INDEX_DIR, IndexNotFound, current_generation
from search.index import DEFAULT_CORPUS, NothingIndexed, build_index
from web import create_app, too_long

LOGGER = logging.getLogger(__name__)
# Threads per worker. Searches are CPU-bound Python: two in one process only take turns on
# the GIL and both finish late. Measured at 100,000 pages, 8 clients, 2 workers: HTTP p99
# 87-93 ms with one thread, 112-124 ms with four. Connections wait for their request in the
# worker's event loop (HeadFirstWorker), not in a thread.
THREADS = 1
# A request head (request line and headers) longer than this is answered by the event loop:
# a request line still unfinished gets the app's own 414 (web/too_long.py), other heads a bare
# 431. Browsers send 1-8 KiB; a query of 5,000 Vietnamese characters, percent-encoded, takes up
# to 45 KB, and gunicorn reads a request line of any length (limit_request_line 0), so it
# reaches the app, which cuts it with a notice. 64 KiB is Python's http.server line limit. A
# declared body up to BODY_BYTES is read with the head (the app takes none); a larger one is
# answered 413. Together they bound a pending connection's memory.
HEAD_BYTES = 64 * 1024
BODY_BYTES = 16 * 1024
# File descriptors a worker keeps for itself (listener, pipes, index files) beside its
# connections: max_connections is lowered to fit the process's open-file limit.
RESERVED_FILES = 256

_HEAD_END = re.compile(rb"\r?\n\r?\n")
_CONTENT_LENGTH = re.compile(rb"^content-length[ \t]*:[ \t]*([0-9]{1,18})[ \t]*\r?$", re.I | re.M)
_REFUSE = {
    431: b"HTTP/1.1 431 Request Header Fields Too Large\r\n",
    413: b"HTTP/1.1 413 Content Too Large\r\n",
}
_WAIT, _READY, _CLOSED = "wait", "ready", "closed"
# A request line whose target holds raw spaces or bytes past ASCII, as `curl 'http://host/api/
# search?q=cao tốc'` sends it: gunicorn refuses it (RFC 9112 wants them percent-encoded, and no
# setting of gunicorn 27 relaxes that), nginx and Werkzeug answer it.
_RAW_TARGET = re.compile(rb"\A(\r?\n)?([A-Z]{3,20}) (/[^\x00-\x1f\x7f]*?) (HTTP/[0-9]\.[0-9]\r?\n)")
_TO_ENCODE = re.compile(rb"[ \x80-\xff]")


def _refusal(status: int) -> bytes:
    return _REFUSE[status] + b"Connection: close\r\nContent-Length: 0\r\n\r\n"


def is_loopback(host: str) -> bool:
    """True when `host` names this machine's loopback interface only (127.0.0.0/8, ::1)."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    if host.lower() != "localhost":
        return False
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False
    return bool(addresses) and all(
        ipaddress.ip_address(address.split("%")[0]).is_loopback for address in addresses
    )


def percent_encode_target(head: bytes) -> bytes:
    """`head` with its request line's target percent-encoded where it holds raw spaces or bytes
    past ASCII (the rest of the head untouched), so that it is read as the client meant it.

    >>> percent_encode_target("GET /api/search?q=cao tốc HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n".encode())
    b'GET /api/search?q=cao%20t%E1%BB%91c HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n'
    >>> percent_encode_target(b"GET /a\\x00b HTTP/1.1\\r\\n")  # controls stay, to be refused
    b'GET /a\\x00b HTTP/1.1\\r\\n'
    """
    line = _RAW_TARGET.match(head)
    if line is None or not _TO_ENCODE.search(line.group(3)):
        return head
    target = _TO_ENCODE.sub(lambda byte: b"%%%02X" % byte.group()[0], line.group(3))
    return b"%s%s %s %s" % (line.group(1) or b"", line.group(2), target, line.group(4)) + head[line.end() :]


class LenientRequestHandler(WSGIRequestHandler):
    """Werkzeug's development server, answering a raw space in the target as gunicorn does here."""

    def parse_request(self) -> bool:
        self.raw_requestline = percent_encode_target(self.raw_requestline)
        return super().parse_request()


def local_url(host: str, port: int) -> str | None:
    """The app's address when it serves a loopback address (BASE_URL: the OpenSearch template
    and the feed's links must be absolute); None otherwise, where only SEARCH_BASE_URL can say
    what the public address is (the Host header never does)."""
    if not is_loopback(host):
        return None
    host = host.strip("[]")
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def serve(
    index_dir: str,
    host: str,
    port: int,
    workers: int = limits.WORKERS,
    debug: bool = False,
    max_connections: int = limits.MAX_CONNECTIONS,
    idle_seconds: int = limits.IDLE_SECONDS,
) -> None:
    """Serve the app; with no index at the default place, build one from seeds/ first."""
    if debug and not is_loopback(host):
        raise click.UsageError(
            f"--debug serves Werkzeug's debugger, which runs any code it is sent: it listens "
            f"on a loopback address only (127.0.0.1, ::1 or localhost), not {host!r}."
        )
    try:
        current_generation(index_dir)
    except IndexNotFound:
        if os.path.normpath(index_dir) == DEFAULT_INDEX_DIR and os.path.isdir(DEFAULT_CORPUS):
            click.echo(f"No index yet: building one from {DEFAULT_CORPUS}/ ...")
            try:
                report = build_index([DEFAULT_CORPUS], index_dir)
                click.echo(f"Indexed {report.indexed} documents in {report.seconds:.1f} s.")
            except NothingIndexed as error:
                click.echo(f"Could not build an index: {error}.", err=True)
        else:
            click.echo(f"No index at {index_dir}/: the page will say how to build one.", err=True)
    config = {"INDEX_DIR": index_dir, "BASE_URL": os.environ.get("SEARCH_BASE_URL") or local_url(host, port)}
    if debug:
        click.echo(f"Serving on http://{host}:{port}/ with Flask's debugger (Ctrl-C to stop)")
        create_app(config).run(host=host, port=port, debug=True, request_handler=LenientRequestHandler)
        return
    fitting = _fit_open_files(max_connections)
    if fitting < max_connections:
        click.echo(
            f"At most {fitting} connections per worker: the open-file limit allows no more (ulimit -n).",
            err=True,
        )
    click.echo(
        f"Serving on http://{host}:{port}/ with {workers} worker"
        f"{'s' if workers != 1 else ''} (Ctrl-C to stop)"
    )
    Server(
        config,
        {
            "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            "workers": workers,
            "worker_class": HeadFirstWorker,
            "threads": THREADS,
            "worker_connections": fitting,
            "keepalive": idle_seconds,
            "limit_request_line": 0,  # no limit of its own: HEAD_BYTES bounds the head
            "timeout": limits.REQUEST_SECONDS,  # a worker stuck this long is replaced
            "accesslog": None,
            "loglevel": "warning",
            "post_worker_init": _freeze_what_is_loaded,
        },
    ).run()


def _freeze_what_is_loaded(worker) -> None:
    """gunicorn's post_worker_init: what a worker has loaded (modules, the app) lives as long
    as it does. Frozen, Python's collector leaves it out of its full collections, which
    otherwise walk it all and held a request 13-60 ms at a million articles."""
    gc.collect()
    gc.freeze()


def _fit_open_files(wanted: int) -> int:
    """Raise the soft open-file limit toward what `wanted` connections per worker need (the
    workers inherit it); return how many connections fit under it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = wanted + RESERVED_FILES
    if soft != resource.RLIM_INFINITY and soft < need:
        raised = need if hard == resource.RLIM_INFINITY else min(need, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(1, min(wanted, soft - RESERVED_FILES))


class Server(BaseApplication):
    """gunicorn run from Python (its documented custom-application pattern)."""

    def __init__(self, config: dict, options: dict):
        self.config = config
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        # Each worker imports the app after the fork: its searchers are its own. DEBUG stays
        # off whatever the environment says (SEARCH_DEBUG): errors get the app's own page.
        return create_app({**self.config, "DEBUG": False})


class HeadFirstConn(TConn):
    """A connection whose request is read by the worker's event loop before a thread runs it."""

    def __init__(self, *args):
        super().__init__(*args)
        self.head = bytearray()  # what the event loop has read of the next request
        self.draining = False  # answered and refused: what it still sends is dropped

    def init(self):
        super().init()
        # Whatever the client does next (stall in a large body, not read the answer), a
        # thread waits on it at most this long.
        self.sock.settimeout(max(1, self.cfg.keepalive))
        if self.head:
            self.parser.unreader.unread(percent_encode_target(bytes(self.head)))
            self.head = bytearray()


class HeadFirstWorker(ThreadWorker):
    """gunicorn's gthread worker, except that a thread gets a connection only once its request
    (line, headers and a declared body of up to BODY_BYTES) has arrived. Until then the
    connection waits in the event loop, and is closed `keepalive` seconds after it connected
    or went quiet. Not for TLS (the head is read from the raw socket): serve() binds plain HTTP.
    """

    def accept(self, listener):
        try:
            client, address = listener.accept()
        except OSError as error:
            if error.errno in (errno.EMFILE, errno.ENFILE):
                # Out of file descriptors: accept again once a connection has closed.
                self.worker_connections = max(1, self.nr_conns)
                self.log.warning("Open-file limit reached: at most %d connections", self.worker_connections)
            elif error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = HeadFirstConn(self.cfg, client, address, listener.getsockname())  # non-blocking
        self._await_request(conn)

    def _await_request(self, conn):
        # Every entry gets now + keepalive, so pending_conns stays sorted for murder_pending().
        conn.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn))

    def on_client_socket_readable(self, conn, client):
        """A kept-alive connection has sent something: the start of its next request?"""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        state = self._read_request(conn)
        if state == _READY:
            self.enqueue_req(conn)
        elif state == _WAIT:
            self._await_request(conn)
        else:
            self._drop(conn)

    def on_pending_socket_readable(self, conn, client):
        state = self._read_request(conn)
        if state == _WAIT:
            return  # its deadline stays the one set when it connected
        self.poller.unregister(client)
        self.pending_conns.remove(conn)
        if state == _READY:
            conn.data_ready = True
            self.enqueue_req(conn)
        else:
            self._drop(conn)

    def _drop(self, conn):
        self.nr_conns -= 1
        conn.close()

    def _read_request(self, conn) -> str:
        """Read what the client has sent, without blocking; say whether its request is whole."""
        try:
            data = conn.sock.recv(HEAD_BYTES)
        except (BlockingIOError, InterruptedError):
            return _WAIT
        except OSError:
            return _CLOSED
        if not data:
            return _CLOSED
        if conn.draining:
            return _WAIT
        conn.head += data
        end = _HEAD_END.search(conn.head)
        if end is None:
            if len(conn.head) <= HEAD_BYTES:
                return _WAIT
            if b"\n" not in conn.head.lstrip(b"\r\n"):  # the request line alone is too long
                return self._refuse(conn, too_long.refusal(self.wsgi, bytes(conn.head[:HEAD_BYTES])))
            return self._refuse(conn, _refusal(431))
        declared = _CONTENT_LENGTH.search(conn.head, 0, end.start())
        if declared is None:
            return _READY  # no body, or a chunked one: the thread reads it, within its timeout
        length = int(declared.group(1))
        if length > BODY_BYTES:
            return self._refuse(conn, _refusal(413))
        return _READY if len(conn.head) - end.end() >= length else _WAIT

    @staticmethod
    def _refuse(conn, answer: bytes) -> str:
        """Send `answer`, the connection's last, then read and drop what the client still sends
        until it closes or its time is up: closing with its request unread would reset the
        connection, and the client could lose the answer (a lingering close, as Apache's)."""
        try:
            conn.sock.send(answer)  # (a few kB: the socket's empty buffer takes it at once)
            conn.sock.shutdown(socket.SHUT_WR)
        except OSError:
            return _CLOSED
        conn.draining, conn.head = True, bytearray()
        return _WAIT
