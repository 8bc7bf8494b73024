"""One measurement in a fresh process; prints one JSON line (the parent reads the last line).

python -m bench.child build ENGINE CORPUS INDEX       ENGINE: tantivy, whoosh or plain
python -m bench.child open ENGINE INDEX QUERY         open the index, answer one query
python -m bench.child query ENGINE INDEX QUERIES_FILE warm-up pass, then one timed pass
python -m bench.child update CORPUS INDEX             `index_corpus` on an existing index

The parent samples this process's memory, with its descendants', from /proc while it runs
(bench/__main__.py); `own_peak_mb` here is this process's own peak (getrusage), a lower bound
the sampled figure must not fall under.
"""

import inspect
import json
import logging
import resource
import sys
import time
from pathlib import Path

PLAIN_FIELDS = ("title", "body")
OUR_ENGINES = ("tantivy", "whoosh")


def own_peak_mb() -> dict:
    """This process's peak RSS, and the largest peak of any descendant it waited for (kB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"own_peak_mb": round(own / 1024, 1), "largest_child_peak_mb": round(children / 1024, 1)}


# -- plain Whoosh: a StemmingAnalyzer schema, the whole file as body, no extraction -----------


def build_plain(corpus: Path, index_dir: Path) -> int:
    """Plain Whoosh as issue #23 defines it: StemmingAnalyzer on title and body, the whole file
    as body, its first line as title."""
    from whoosh import index
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, TEXT, Schema

    schema = Schema(
        path=ID(stored=True, unique=True),
        title=TEXT(analyzer=StemmingAnalyzer(), stored=True),
        body=TEXT(analyzer=StemmingAnalyzer(), stored=True),
    )
    index_dir.mkdir(parents=True)
    writer = index.create_in(index_dir, schema).writer(limitmb=256)
    count = 0
    for path in sorted(corpus.rglob("*.txt")):
        text = path.read_text(encoding="utf-8")
        writer.add_document(path=str(path), title=text.split("\n", 1)[0], body=text)
        count += 1
    writer.commit()
    return count


def plain_searcher(index_dir: Path):
    """A function text -> (total hits) on a plain Whoosh index: AND query parser over title and
    body, top 10, with highlights() of the body of each (its snippets)."""
    from whoosh import index
    from whoosh.qparser import AndGroup, MultifieldParser

    searcher = index.open_dir(index_dir).searcher()
    parser = MultifieldParser(list(PLAIN_FIELDS), searcher.schema, group=AndGroup)

    def one(text: str) -> dict:
        results = searcher.search(parser.parse(text), limit=10)
        for hit in results:
            hit.highlights("body")
        return {"total": len(results), "suggestion": None}

    return one


# -- ours: search.index and search.query, whichever engine built the index -------------------


def our_searcher(index_dir: Path):
    """A function text -> (total, suggestion) through search.query.search with snippets and
    "did you mean", on a LiveIndex (as the server uses it). Works with the engine-neutral API
    (the searcher carries its pair counts) and with the Whoosh-only one (LiveIndex.pair_counts)."""
    from search import query
    from search.live import LiveIndex

    live = LiveIndex(index_dir)
    takes_pairs = "pairs" in inspect.signature(query.search).parameters

    def one(text: str) -> dict:
        searcher = live.searcher()
        options = {}
        if takes_pairs:
            pairs = getattr(searcher, "pairs", None)
            if pairs is None and hasattr(live, "pair_counts"):
                pairs = live.pair_counts()
            options["pairs"] = pairs
        page = query.search(searcher, text, **options)
        return {"total": page.total, "suggestion": page.suggestion}

    return one


def searcher_for(engine: str, index_dir: Path):
    return plain_searcher(index_dir) if engine == "plain" else our_searcher(index_dir)


def build(engine: str, corpus: Path, index_dir: Path) -> dict:
    started = time.perf_counter()
    if engine == "plain":
        count = build_plain(corpus, index_dir)
        return {"seconds": round(time.perf_counter() - started, 2), "indexed": count}
    from search.index import build_index

    if "engine" in inspect.signature(build_index).parameters:
        report = build_index([str(corpus)], str(index_dir), engine=engine)
    elif engine == "whoosh":  # the Whoosh-only code before the engine layer
        report = build_index([str(corpus)], str(index_dir))
    else:
        raise SystemExit(f"search.index.build_index takes no engine: cannot build {engine}")
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "indexed": report.indexed,
        "skipped": len(report.skipped),
        "engine": getattr(report, "engine", engine),
    }


def open_first(engine: str, index_dir: Path, text: str) -> dict:
    """Modules imported first (not counted); then open the index and answer one query."""
    started = time.perf_counter()
    if engine == "plain":
        import whoosh.index  # noqa: F401
        import whoosh.qparser  # noqa: F401
    else:
        import search.live  # noqa: F401
        import search.query  # noqa: F401
    imported = time.perf_counter()
    one = searcher_for(engine, index_dir)
    answer = one(text)
    done = time.perf_counter()
    return {
        "open_ms": round((done - imported) * 1000, 1),
        "import_ms": round((imported - started) * 1000, 1),
        "query": text,
        "total": answer["total"],
    }


def query(engine: str, index_dir: Path, queries: list[str]) -> dict:
    from bench.measure import percentiles

    one = searcher_for(engine, index_dir)
    for text in queries:  # warm-up: file cache, term caches
        one(text)
    latencies, totals, suggestions = [], [], 0
    for text in queries:
        started = time.perf_counter()
        answer = one(text)
        latencies.append((time.perf_counter() - started) * 1000)
        totals.append(answer["total"])
        suggestions += bool(answer["suggestion"])
    return {
        **percentiles(latencies),
        "latencies_ms": [round(x, 2) for x in latencies],
        "totals": totals,
        "no_hits": sum(1 for t in totals if not t),
        "suggestions": suggestions,
    }


def update(paths: list[str], index_dir: Path) -> dict:
    """index_corpus on the paths: the corpus's folder (every file is looked at), or a list of
    files as "@FILE" (those named: what a crawler that knows what it wrote runs)."""
    from search.index import index_corpus

    if len(paths) == 1 and paths[0].startswith("@"):
        paths = Path(paths[0][1:]).read_text(encoding="utf-8").splitlines()
    started = time.perf_counter()
    report = index_corpus(paths, str(index_dir))
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "added": report.added,
        "changed": report.changed,
        "removed": report.removed,
        "rebuilt": report.rebuilt,
        "engine": getattr(report, "engine", None),
    }


def main() -> None:
    mode, *args = sys.argv[1:]
    # Warnings, and a build's checkpoints, as "log ..." lines the bench's log repeats.
    logging.basicConfig(level=logging.WARNING, format="log %(name)s: %(message)s")
    logging.getLogger("search.intake").setLevel(logging.INFO)
    if mode == "build":
        result = build(args[0], Path(args[1]), Path(args[2]))
    elif mode == "open":
        result = open_first(args[0], Path(args[1]), args[2])
    elif mode == "query":
        result = query(args[0], Path(args[1]), json.loads(Path(args[2]).read_text(encoding="utf-8")))
    elif mode == "update":
        result = update([args[0]], Path(args[1]))
    else:
        raise SystemExit(f"unknown mode {mode}")
    result.update(own_peak_mb())
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
