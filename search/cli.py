"""Command-line arguments -> the `search` command: index | query | extract | serve | evaluate.

Errors a user can cause (no index yet, a path that does not exist, a bad option) end as one
readable line on stderr and a non-zero exit, never a traceback. Exit status of `search index`:
0 all files indexed, 1 nothing changed (error), 3 indexed but some files were skipped.
"""

import json
import logging
import os
import sys
from datetime import datetime

import click

from search import corpus, engines, export, generations, index, limits, live, query, terminal
from search.extract import explain_skipped
from search.pipeline import Extracted, extract_corpus

EXIT_SKIPPED = 3


def index_dir_option(function):
    return click.option(
        "--index",
        "index_dir",
        envvar="SEARCH_INDEX_DIR",
        default=generations.DEFAULT_INDEX_DIR,
        show_default=True,
        metavar="DIR",
        help="Index folder (or set SEARCH_INDEX_DIR).",
    )(function)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log what each stage does.")
def main(verbose: bool) -> None:
    """Full-text search for scraped Vietnamese (and English) news articles."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


def engine_option(function):
    return click.option(
        "--engine",
        type=click.Choice(engines.ENGINES),
        envvar="SEARCH_ENGINE",
        default=None,
        help="whoosh (default; pure Python) or tantivy (compiled; for large archives). Or set SEARCH_ENGINE.",
    )(function)


@main.command("index")
@click.argument("paths", nargs=-1, type=click.Path())
@index_dir_option
@click.option(
    "--prune", is_flag=True, help="Make the index hold exactly PATHS: remove every other indexed file."
)
@click.option("--rebuild", is_flag=True, help="Rebuild from scratch from PATHS instead of updating.")
@engine_option
def index_command(
    paths: tuple[str, ...], index_dir: str, prune: bool, rebuild: bool, engine: str | None
) -> None:
    """Add the pages under PATHS (files or folders) to the index, or update them.

    \b
    New and changed files are indexed (by content), files that vanished from PATHS leave
    the index; other indexed files stay, as with Elasticsearch or Meilisearch. Without
    PATHS, every path the index was built from is refreshed (seeds/ for a first build).
    --prune or --rebuild make the index mirror PATHS exactly. A rebuild (the first build,
    --rebuild, or another --engine than the index's) is written beside the old index and
    replaces it only when complete. One run writes an index at a time: a second one waits.
    """
    known = generations.index_info(index_dir) or generations.stopped_build(index_dir)  # a first build's
    paths = paths or tuple(known.get("paths", ())) or (index.DEFAULT_CORPUS,)
    missing = [path for path in paths if not os.path.exists(path)]
    if len(missing) == len(paths):
        raise click.ClickException(
            f"no such file or folder: {', '.join(missing)}. Name the folders of pages to index."
        )
    live = generations.index_info(index_dir)
    total, many = terminal.files_to_index(
        paths, index_dir, live if index.updates(live, rebuild, engine) else {}
    )
    try:
        with terminal.Progress(total, shown=many) as progress:
            report = index.index_corpus(
                paths,
                index_dir,
                rebuild=rebuild,
                prune=prune,
                engine=engine,
                on_file=progress.update,
                # On a terminal, say what happens between files; otherwise the log says it.
                say=(lambda message: click.echo(f"\n{message[0].upper()}{message[1:]}…", err=True))
                if progress.terminal
                else None,
            )
    except KeyboardInterrupt:
        stopped = index.resumable_by(list(paths), index_dir, rebuild, engine)
        if stopped:
            click.echo(
                f"\nInterrupted: {_plural(stopped['documents'], 'article')} of this build are saved; "
                "run the same command again to go on from there. The index in use is as it was.",
                err=True,
            )
        else:
            click.echo("\nInterrupted: the index is as it was before this run.", err=True)
        sys.exit(130)
    except index.NothingIndexed as error:
        terminal.print_skipped(error.skipped)
        kept = "the old index is kept" if generations.index_info(index_dir) else "no index was written"
        raise click.ClickException(
            f"{error}: no file under {', '.join(paths)} held an article; {kept}."
        ) from None
    except index.IndexBusy as error:
        raise click.ClickException(f"{error}; try again when it has finished.") from None
    except OSError as error:
        raise click.ClickException(f"cannot write the index at {index_dir}/: {error}") from None
    terminal.print_index_report(report)
    if any(not item.listing for item in report.skipped):  # a listing page is no error
        sys.exit(EXIT_SKIPPED)


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2025-03-31") from None


@main.command("query")
@click.argument("text")
@index_dir_option
@click.option(
    "--limit",
    default=query.DEFAULT_PAGE_SIZE,
    show_default=True,
    type=click.IntRange(1, query.MAX_PAGE_SIZE),
    help="Results per page.",
)
@click.option("--page", default=1, show_default=True, type=click.IntRange(1, 10_000), help="Page of results.")
@click.option("--sort", type=click.Choice(query.SORTS), default="relevance", show_default=True)
@click.option("--site", help="Only articles from this site.")
@click.option("--from", "date_from", metavar="DATE", help="Only articles on or after DATE.")
@click.option("--to", "date_to", metavar="DATE", help="Only articles on or before DATE.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--csv",
    "export_as",
    flag_value="csv",
    help="Write every matching story as CSV (UTF-8 with BOM), not a page.",
)
@click.option("--jsonl", "export_as", flag_value="jsonl", help="Write every matching story as JSON Lines.")
def query_command(text, index_dir, limit, page, sort, site, date_from, date_to, as_json, export_as) -> None:
    """Search the index for TEXT.

    \b
    TEXT is words (all must match; accents optional), "a phrase", -excluded,
    a OR b, title:word and prefix*; one that starts with - goes after --.
    """
    try:
        searchable = live.open_index(index_dir)
    except generations.IndexNotFound as error:
        raise click.ClickException(str(error)) from None
    names = live.site_names(index_dir)
    filters = {"sort": sort, "site": names.domain(site) if site else None}
    filters.update(date_from=_date(date_from), date_to=_date(date_to))
    with searchable.searcher() as searcher:
        if export_as:  # every story, past the page window, written as it is read
            if query.cut_query(text)[1]:
                click.secho(query.cut_notice().text, fg="yellow", err=True)
            stories = export.stories(searcher, text, names=names, **filters)
            chunks = (export.csv_chunks if export_as == "csv" else export.jsonl_chunks)(
                stories, link=lambda hit: hit.url or hit.path
            )
            out = sys.stdout.buffer
            for chunk in chunks:
                out.write(chunk.encode("utf-8"))
                out.flush()
            return
        try:
            result = query.search(
                searcher,
                text,
                page=page,
                limit=limit,
                pairs=live.pair_counts(index_dir),
                facets=as_json,  # (counted by site and month, as the API does)
                **filters,
            )
        except query.TooDeep as error:
            raise click.UsageError(str(error)) from None
    names.named(result)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
        return
    terminal.print_page(result, limit)


@main.command("extract")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of articles.")
@click.option("--explain", is_flag=True, help="Show each dropped line and why.")
def extract_command(paths: tuple[str, ...], as_json: bool, explain: bool) -> None:
    """Show what the extractor keeps of each page in PATHS (files or folders).

    Several pages of one site (one folder) are read as a corpus: lines the site repeats on
    its pages are dropped as template.
    """
    items = list(extract_corpus(paths))
    failed = [item for item in items if isinstance(item, corpus.Skipped)]
    articles = [item.article for item in items if isinstance(item, Extracted)]
    if as_json:
        click.echo(json.dumps([a.to_json(explain) for a in articles], ensure_ascii=False, indent=1))
    else:
        for article in articles:
            terminal.print_article(article, explain)
    terminal.print_skipped(failed, explain_skipped(failed) if explain else None)
    if any(not item.listing for item in failed):
        sys.exit(1)


@main.command("serve")
@index_dir_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    envvar="SEARCH_WORKERS",
    default=limits.WORKERS,
    show_default="the number of cores",
    help="Server processes, each with its own searcher (or set SEARCH_WORKERS).",
)
@click.option(
    "--max-connections",
    type=click.IntRange(1, 100_000),
    envvar="SEARCH_MAX_CONNECTIONS",
    default=limits.MAX_CONNECTIONS,
    show_default=True,
    help="Open connections per worker; more wait in the listen backlog (or set SEARCH_MAX_CONNECTIONS).",
)
@click.option(
    "--idle-seconds",
    type=click.IntRange(1, 3600),
    envvar="SEARCH_IDLE_SECONDS",
    default=limits.IDLE_SECONDS,
    show_default=True,
    help="Close a connection that has not sent a whole request "
    "this long after connecting or after its last answer (or set SEARCH_IDLE_SECONDS).",
)
@click.option(
    "--debug",
    is_flag=True,
    help="Flask's development server with its debugger and "
    "reloader; only with a loopback --host (the debugger runs any code it is sent).",
)
def serve_command(
    index_dir: str,
    host: str,
    port: int,
    workers: int,
    max_connections: int,
    idle_seconds: int,
    debug: bool,
) -> None:
    """Serve the search page and JSON API."""
    from web.server import serve  # search never imports web at module level (it refuses --debug off loopback)

    serve(
        index_dir=index_dir,
        host=host,
        port=port,
        workers=workers,
        debug=debug,
        max_connections=max_connections,
        idle_seconds=idle_seconds,
    )


@main.group("evaluate")
def evaluate_group() -> None:
    """Measure result and extraction quality on labelled data (tests/data)."""


@evaluate_group.command("relevance")
@click.option(
    "--set",
    "relevance_set",
    default="tests/data/relevance.tsv",
    show_default=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Queries and expected articles.",
)
@click.option(
    "--corpus",
    multiple=True,
    type=click.Path(exists=True),
    default=["seeds", "tests/data/vi", "tests/data/en"],
    show_default=True,
)
@click.option("--verbose", "-v", "show_all", is_flag=True, help="List every query, not only misses.")
@engine_option
def evaluate_relevance_command(
    relevance_set: str, corpus: tuple[str, ...], show_all: bool, engine: str | None
) -> None:
    """MRR@10 of the relevance set; queries that must find nothing are checked too."""
    from search.evaluate import evaluate_relevance, relevance_report_lines

    report = evaluate_relevance(relevance_set, list(corpus), engine)
    click.echo("\n".join(relevance_report_lines(report, verbose=show_all)))


@evaluate_group.command("extraction")
@click.option(
    "--data",
    default="tests/data",
    show_default=True,
    type=click.Path(exists=True, file_okay=False),
    help="extraction.tsv and labels/.",
)
@click.option("--seeds", default="seeds", show_default=True, type=click.Path(exists=True, file_okay=False))
@click.option("--verbose", "-v", "show_all", is_flag=True, help="List every check, not only misses.")
def evaluate_extraction_command(data: str, seeds: str, show_all: bool) -> None:
    """Precision and recall of kept lines and strings on labelled pages; titles; dates."""
    from search.evaluate import evaluate_extraction, extraction_report_lines

    for line in extraction_report_lines(evaluate_extraction(data, seeds), verbose=show_all):
        click.echo(line)


@evaluate_group.command("pages")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--verbose", "-v", "show_all", is_flag=True, help="List each failure, then the totals.")
def evaluate_pages_command(folder: str, show_all: bool) -> None:
    """Score extraction on labelled real pages: FOLDER holds labels.json and pages/NAME.html."""
    from search.evaluate_pages import evaluate_pages, pages_report_lines

    report = evaluate_pages(folder)
    click.echo("\n".join(pages_report_lines(report, verbose=show_all)))
    sys.exit(0 if report.passed else 1)
