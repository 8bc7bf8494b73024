"""`search serve`: build the default index if there is none, then serve with gunicorn workers.

Searches are CPU-bound Python: threads of one process queue behind each other on the GIL, so
throughput comes from processes. gunicorn forks `workers` processes; each opens its own
searcher (LiveIndex) and follows the index across updates and rebuilds without a restart.
"""

import logging
import os

import click
from gunicorn.app.base import BaseApplication

from search.index import DEFAULT_CORPUS, DEFAULT_INDEX_DIR, NothingIndexed, build_index
from search.index import current_generation, IndexNotFound
from web import create_app

LOGGER = logging.getLogger(__name__)
# Threads per worker. Searches are CPU-bound Python: two in one process only take turns on
# the GIL and both finish late. Measured at 100,000 pages, 8 clients, 2 workers: HTTP p99
# 87-93 ms with one thread, 112-124 ms with four. Idle keep-alive connections wait in the
# worker's event loop (gthread), not in a thread.
THREADS = 1
# Seconds a worker may take on one request before gunicorn replaces it.
TIMEOUT = 60


def serve(index_dir: str, host: str, port: int, workers: int = 1, debug: bool = False) -> None:
    """Serve the app; with no index at the default place, build one from seeds/ first."""
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
    click.echo(f"Serving on http://{host}:{port}/ with {workers} worker"
               f"{'s' if workers != 1 else ''} (Ctrl-C to stop)")
    if debug:
        create_app({"INDEX_DIR": index_dir}).run(host=host, port=port, debug=True)
        return
    Server(index_dir, {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": THREADS,
        "timeout": TIMEOUT,
        "accesslog": None,
        "loglevel": "warning",
    }).run()


class Server(BaseApplication):
    """gunicorn run from Python (its documented custom-application pattern)."""

    def __init__(self, index_dir: str, options: dict):
        self.index_dir = index_dir
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        # Each worker imports the app after the fork: its searchers are its own.
        return create_app({"INDEX_DIR": self.index_dir})
