"""Connections -> requests handed to the app: HeadFirstWorker, the gunicorn worker `search serve` runs.

Idle and slow clients cost no thread: gunicorn's gthread worker hands every accepted connection
to its thread pool at once, and that thread waits up to 5 s for a first byte, then reads the
request line and headers with no time limit. With one thread per worker, 100 sockets that
connect and send nothing (or half a request line) kept every other client waiting for minutes.
HeadFirstWorker reads the request head (and a small body) in the worker's event loop instead,
and gives a connection to the thread only once its request has arrived; a connection that has
not sent a whole request within `idle_seconds` is closed, and a thread never waits on a socket
longer than that either.

A busy worker leaves work to an idle one. gunicorn keeps a connection with the worker that
accepted it: 8 kept-alive clients split 5 and 3 (or 6 and 2) between two workers, and the
clients of the fuller one waited for twice as many searches. Here a worker whose thread is
busy accepts no connection (it waits in the listen queue the workers share, for the first
one free), and a response is the connection's last when other requests wait for the same
thread, or connections wait in that queue: the client's next request goes to its end, and no
kept-alive client passes those waiting. Under a steady load, most requests then come on a new
connection (a proxy in front, such as nginx, keeps its own to the clients). Measured with 16
clients on 2 workers for 60 s (tests/stress/test_load.py): tantivy p99 61 -> 38 ms, Whoosh
147 -> 104 ms, at the same number of requests a second.
"""

import errno
import re
import select
import selectors
import socket
import threading
import time
from functools import partial

from gunicorn.workers.gthread import TConn, ThreadWorker

from web import too_long

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
    A worker whose threads are all busy accepts nothing, and closes a connection after its
    response when other requests wait for its threads or connections wait to be accepted (see
    the module's docstring).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.in_hand = 0  # requests given to the thread pool and not yet answered
        self._counting = threading.Lock()  # (the event loop adds to in_hand, the threads take away)
        self._serving = threading.local()  # the request a thread serves
        self._listening = select.poll()  # (poll, not select: any file descriptor number)
        for listener in self.sockets:
            self._listening.register(listener, select.POLLIN)

    def set_accept_enabled(self, enabled):
        super().set_accept_enabled(enabled and self.in_hand < self.cfg.threads)

    def enqueue_req(self, conn):
        with self._counting:
            self.in_hand += 1
        super().enqueue_req(conn)
        self.set_accept_enabled(self.alive and self.nr_conns < self.worker_connections)

    def handle(self, conn):
        try:
            return super().handle(conn)
        finally:  # (before the event loop hears of it: the next request must not count it)
            with self._counting:
                self.in_hand -= 1

    def finish_request(self, conn, fs):
        super().finish_request(conn, fs)
        self.set_accept_enabled(self.alive and self.nr_conns < self.worker_connections)

    def load_wsgi(self):
        super().load_wsgi()
        app = self.wsgi

        def answered_then_balanced(environ, start_response):
            def start(status, headers, exc_info=None):
                request = getattr(self._serving, "request", None)  # (None: the event loop's refusals)
                if request is not None and (self.in_hand > self.cfg.threads or self._listen_queue_waits()):
                    request.force_close()  # others wait: the client's next request goes to the listen queue
                return start_response(status, headers, exc_info)

            return app(environ, start)

        self.wsgi = answered_then_balanced

    def _listen_queue_waits(self) -> bool:
        """Whether connections wait to be accepted: a client kept alive would pass them."""
        return bool(self._listening.poll(0))

    def handle_request(self, req, conn):
        self._serving.request = req
        try:
            return super().handle_request(req, conn)
        finally:
            self._serving.request = None

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
        # A client mostly sends its request with the connection: read it now, not a turn of
        # the event loop later, while this worker's thread waits for work.
        self._read_then_hand(conn)

    def _await_request(self, conn):
        # Every entry gets now + keepalive, so pending_conns stays sorted for murder_pending().
        conn.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn))

    def on_client_socket_readable(self, conn, client):
        """A kept-alive connection has sent something: the start of its next request?"""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._read_then_hand(conn)

    def _read_then_hand(self, conn):
        """Read what the connection has sent: a whole request goes to the thread pool, a part
        of one waits in the event loop, a closed connection is dropped."""
        state = self._read_request(conn)
        if state == _READY:
            conn.data_ready = True
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
