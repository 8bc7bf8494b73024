"""The start of a request line too long to read whole -> the app's own 414 answer, as bytes to send.

`search serve` lets gunicorn read a request line of any length (limit_request_line 0): its
event loop bounds the whole head instead (web/server.py HEAD_BYTES, 64 KiB, the line limit of
Python's http.server), so a query of thousands of characters reaches the app, which cuts it
with a notice. A head longer still is not read on: rather than gunicorn's bare "URI Too Long",
the client gets the app's error page, or the API's JSON error, with the code `uri_too_long`.
The app is handed a request of the same path (and the parameters read so far) that carries
TOO_LONG in its WSGI environ, a key no client can set; web/__init__.py answers it with a 414.
"""

import re
from urllib.parse import unquote_to_bytes

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response

TOO_LONG = "search.request_line_too_long"  # the WSGI environ's key
_TARGET = re.compile(rb"\A\r?\n?[A-Z]{3,20} (/[^ \r\n]*)")
_PARTIAL_ESCAPE = re.compile(rb"%[0-9A-Fa-f]?\Z")  # a percent escape cut in two


def refusal(app, head: bytes) -> bytes:
    """The whole HTTP answer (status line, headers, body) of `app` to a request whose line
    begins with `head` and is too long: 414, in the app's page or JSON."""
    target = _TARGET.match(head)
    path, _, query = (target.group(1) if target else b"/").partition(b"?")
    path = unquote_to_bytes(_PARTIAL_ESCAPE.sub(b"", path[:1000])).decode("utf-8", "replace")
    query = _PARTIAL_ESCAPE.sub(b"", query).decode("latin-1")
    environ = EnvironBuilder(path=path if path.startswith("/") else "/", query_string=query).get_environ()
    environ[TOO_LONG] = True
    response = Response.from_app(app, environ, buffered=True)
    body = response.get_data()
    headers = [
        f"{name}: {value}"
        for name, value in response.headers.items()
        if name.lower() not in ("content-length", "connection")
    ]
    lines = [f"HTTP/1.1 {response.status}", *headers, f"Content-Length: {len(body)}", "Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
