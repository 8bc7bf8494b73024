"""`search serve` options -> gunicorn workers serving the app (the default index built first if missing).

Searches are CPU-bound Python: threads of one process queue behind each other on the GIL, so
throughput comes from processes. gunicorn forks `workers` processes (web/worker.py's
HeadFirstWorker); each opens its own searcher (LiveIndex) and follows the index across updates
and rebuilds without a restart. At most `max_connections` per worker are open; more wait in
the kernel's listen backlog.

`--debug` runs Flask's development server, with Werkzeug's interactive debugger and reloader,
and only on a loopback address: the debugger runs any Python its console is sent.
"""

import gc
import ipaddress
import logging
import os
import resource
import socket

import click
from gunicorn.app.base import BaseApplication
from werkzeug.serving import WSGIRequestHandler

from search import limits
from search.generations import DEFAULT_INDEX_DIR, IndexNotFound, current_generation
from search.index import DEFAULT_CORPUS, NothingIndexed, build_index
from web import create_app
from web.worker import THREADS, HeadFirstWorker, percent_encode_target

LOGGER = logging.getLogger(__name__)
# File descriptors a worker keeps for itself (listener, pipes, index files) beside its
# connections: max_connections is lowered to fit the process's open-file limit.
RESERVED_FILES = 256


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
