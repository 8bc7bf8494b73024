"""One measurement in its own process (so peak memory is its own); prints one JSON line.

python -m bench.child build-ours|build-plain CORPUS INDEX
python -m bench.child query-ours|query-plain INDEX QUERIES_JSON
python -m bench.child update CORPUS INDEX
"""

import json
import resource
import sys
import time
from pathlib import Path


def peak_mb() -> float:
    """Peak resident memory: this process plus, for each Whoosh worker it ran, the largest
    worker's peak (an upper bound: the workers run side by side)."""
    from search.index import BUILD_PROCESSES

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    workers = BUILD_PROCESSES if children else 0
    return round((own + workers * children) / 1024, 1)  # kB on Linux


PLAIN_FIELDS = ("title", "body")


def build_plain(corpus: Path, index_dir: Path) -> int:
    """Plain Whoosh: default analyzer, the whole file as body, its first line as title."""
    from whoosh import index
    from whoosh.fields import ID, TEXT, Schema

    schema = Schema(path=ID(stored=True, unique=True), title=TEXT(stored=True), body=TEXT(stored=True))
    index_dir.mkdir(parents=True)
    writer = index.create_in(index_dir, schema).writer(limitmb=256)
    count = 0
    for path in sorted(corpus.rglob("*.txt")):
        text = path.read_text(encoding="utf-8")
        writer.add_document(path=str(path), title=text.split("\n", 1)[0], body=text)
        count += 1
    writer.commit()
    return count


def query_plain(index_dir: Path, queries: list[str]) -> list[float]:
    from whoosh import index
    from whoosh.qparser import AndGroup, MultifieldParser

    searcher = index.open_dir(index_dir).searcher()
    parser = MultifieldParser(list(PLAIN_FIELDS), searcher.schema, group=AndGroup)

    def one(text: str) -> None:
        results = searcher.search(parser.parse(text), limit=10)
        for hit in results:
            hit.highlights("body")
        len(results)

    return _timed(one, queries)


def query_ours(index_dir: Path, queries: list[str]) -> list[float]:
    from search.index import LiveIndex
    from search.query import search

    live = LiveIndex(index_dir)

    def one(text: str) -> None:
        search(live.searcher(), text, pairs=live.pair_counts())

    return _timed(one, queries)


def _timed(function, queries: list[str]) -> list[float]:
    for text in queries:  # warm-up: file cache, term caches
        function(text)
    latencies = []
    for text in queries:
        started = time.perf_counter()
        function(text)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def main() -> None:
    from bench.__main__ import percentiles

    mode, *args = sys.argv[1:]
    started = time.perf_counter()
    if mode == "build-ours":
        from search.index import build_index

        report = build_index([args[0]], args[1])
        result = {"seconds": round(time.perf_counter() - started, 1), "indexed": report.indexed}
    elif mode == "build-plain":
        count = build_plain(Path(args[0]), Path(args[1]))
        result = {"seconds": round(time.perf_counter() - started, 1), "indexed": count}
    elif mode == "update":
        from search.index import index_corpus

        report = index_corpus([args[0]], args[1])
        result = {"seconds": round(time.perf_counter() - started, 2), "added": report.added,
                  "changed": report.changed, "removed": report.removed, "rebuilt": report.rebuilt}
    elif mode in ("query-ours", "query-plain"):
        runner = query_ours if mode == "query-ours" else query_plain
        result = percentiles(runner(Path(args[0]), json.loads(args[1])))
    else:
        raise SystemExit(f"unknown mode {mode}")
    result["peak_mb"] = peak_mb()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
