"""`search serve`: build the default index if there is none, then serve with waitress."""

import logging
import os

import click

from search.index import DEFAULT_CORPUS, DEFAULT_INDEX_DIR, NothingIndexed, build_index
from search.index import current_generation, IndexNotFound
from web import create_app

LOGGER = logging.getLogger(__name__)
# Worker threads: searches are CPU-bound in Python, so more threads than this only queue.
THREADS = 8


def serve(index_dir: str, host: str, port: int, debug: bool = False) -> None:
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
    app = create_app({"INDEX_DIR": index_dir})
    click.echo(f"Serving on http://{host}:{port}/  (Ctrl-C to stop)")
    if debug:
        app.run(host=host, port=port, debug=True)
        return
    from waitress import serve as waitress_serve

    waitress_serve(app, host=host, port=port, threads=THREADS, ident="vietnews-search")
