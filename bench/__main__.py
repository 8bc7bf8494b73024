"""`python -m bench [--sizes 10000 100000]`: build, update and query benchmarks, with plain Whoosh
(default analyzer, no extraction) measured in the same run for ratios.

Each build runs in a child process so its peak memory is its own. Corpora are generated once
into bench/out/ (deterministic) and reused. Prints a Markdown report and writes JSON beside it.
"""

import argparse
import http.client
import json
import random
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

from bench.corpus import Chain, page, write_corpus

OUT = Path(__file__).parent / "out"
QUERIES = 200
HTTP_CLIENTS = 8
HTTP_REQUESTS = 400
HTTP_WARMUP = 40
UPDATE_CHANGED = 50
UPDATE_NEW = 50


def child(mode: str, *args: str) -> dict:
    """Run bench.child in a fresh process; return what it prints (JSON)."""
    result = subprocess.run([sys.executable, "-m", "bench.child", mode, *args],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def percentiles(latencies: list[float]) -> dict:
    ordered = sorted(latencies)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "mean": round(statistics.mean(ordered), 1),
            "n": len(ordered)}


def query_mix(corpus: Path, count: int = QUERIES, seed: int = 7) -> list[str]:
    """1-4 syllable queries cut from the corpus's article text: half unaccented, a fifth quoted."""
    from search.normalize import fold_text

    rng = random.Random(seed)
    files = sorted(corpus.rglob("*.txt"))
    queries = []
    while len(queries) < count:
        lines = rng.choice(files).read_text(encoding="utf-8").split("\n")
        words = rng.choice(lines[3:8]).replace(".", " ").replace(",", " ").split()
        if len(words) < 6:
            continue
        size = rng.choice([1, 2, 2, 3, 3, 4])
        start = rng.randrange(len(words) - size)
        text = " ".join(words[start:start + size]).lower()
        if rng.random() < 0.5:
            text = fold_text(text)
        if size > 1 and rng.random() < 0.2:
            text = f'"{text}"'
        queries.append(text)
    return queries


def http_latencies(index_dir: Path, queries: list[str]) -> dict:
    """Serve the index with `search serve` (waitress) and query it from 8 client threads."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-c", "from search.cli import main; main()", "serve", "--index",
         str(index_dir), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        latencies, errors, lock = [], [], threading.Lock()
        jobs = iter(range(HTTP_REQUESTS))

        def client():
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while True:
                with lock:
                    number = next(jobs, None)
                if number is None:
                    break
                url = f"/api/search?q={quote(queries[number % len(queries)])}"
                started = time.perf_counter()
                try:
                    connection.request("GET", url)
                    response = connection.getresponse()
                    response.read()
                    ok = response.status == 200
                except OSError as error:
                    ok = False
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    with lock:
                        errors.append(str(error))
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)
                    if not ok:
                        errors.append(url)

        # Warm-up: a few queries from one client (opens the index, fills caches).
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for text in queries[:HTTP_WARMUP]:
            warm.request("GET", f"/api/search?q={quote(text)}")
            warm.getresponse().read()
        threads = [threading.Thread(target=client) for _ in range(HTTP_CLIENTS)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        return {**percentiles(latencies), "errors": len(errors),
                "requests_per_s": round(len(latencies) / elapsed, 1)}
    finally:
        server.terminate()
        server.wait(timeout=30)


def update_benchmark(corpus: Path, index_dir: Path, size: int) -> dict:
    """Edit 50 pages and add 50 new ones, then time `search index` (an update)."""
    chain = Chain("seeds")
    rng = random.Random(size)
    changed = rng.sample(range(size), UPDATE_CHANGED)
    originals = {}
    for number in changed:
        site, text = page(chain, 1, number, version=1)
        path = corpus / site / f"{number:06d}.txt"
        originals[path] = path.read_bytes()
        path.write_text(text, encoding="utf-8")
    added = []
    for number in range(size, size + UPDATE_NEW):
        site, text = page(chain, 1, number)
        path = corpus / site / f"{number:06d}.txt"
        path.write_text(text, encoding="utf-8")
        added.append(path)
    try:
        return child("update", str(corpus), str(index_dir))
    finally:
        for path, data in originals.items():
            path.write_bytes(data)
        for path in added:
            path.unlink()


def run(size: int, skip_plain: bool = False) -> dict:
    corpus = OUT / f"corpus-{size}"
    started = time.perf_counter()
    corpus_bytes = write_corpus(corpus, size)
    print(f"[{size}] corpus ready in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    report = {"documents": size, "corpus_mb": round(corpus_bytes / 2**20, 1)}
    queries = query_mix(corpus)
    for engine in ["ours"] + ([] if skip_plain else ["plain"]):
        index_dir = OUT / f"index-{engine}-{size}"
        shutil.rmtree(index_dir, ignore_errors=True)
        build = child("build-" + engine, str(corpus), str(index_dir))
        build["docs_per_s"] = round(size / build["seconds"], 1)
        build["mb_per_s"] = round(corpus_bytes / 2**20 / build["seconds"], 2)
        build["index_mb"] = round(sum(f.stat().st_size for f in index_dir.rglob("*") if f.is_file()) / 2**20, 1)
        print(f"[{size}] {engine} build: {build}", file=sys.stderr)
        queried = child("query-" + engine, str(index_dir), json.dumps(queries))
        print(f"[{size}] {engine} library queries: {queried}", file=sys.stderr)
        report[engine] = {"build": build, "library": queried}
    report["ours"]["http"] = http_latencies(OUT / f"index-ours-{size}", queries)
    print(f"[{size}] http: {report['ours']['http']}", file=sys.stderr)
    report["ours"]["update"] = update_benchmark(corpus, OUT / f"index-ours-{size}", size)
    print(f"[{size}] update: {report['ours']['update']}", file=sys.stderr)
    (OUT / f"report-{size}.json").write_text(json.dumps(report, indent=1))
    return report


def markdown(reports: list[dict]) -> str:
    rows = ["| documents | engine | build docs/s | MB/s | peak MB | index MB | query p50 / p95 / p99 ms |",
            "|---|---|---|---|---|---|---|"]
    for report in reports:
        for engine in ("ours", "plain"):
            if engine not in report:
                continue
            build, library = report[engine]["build"], report[engine]["library"]
            rows.append(
                f"| {report['documents']:,} | {engine} | {build['docs_per_s']} | {build['mb_per_s']} | "
                f"{build['peak_mb']} | {build['index_mb']} | "
                f"{library['p50']} / {library['p95']} / {library['p99']} |"
            )
    rows += ["", "| documents | HTTP p50 / p95 / p99 ms (8 clients) | req/s | errors | "
                 "update of 50 changed + 50 new, s |", "|---|---|---|---|---|"]
    for report in reports:
        http, update = report["ours"]["http"], report["ours"]["update"]
        rows.append(f"| {report['documents']:,} | {http['p50']} / {http['p95']} / {http['p99']} | "
                    f"{http['requests_per_s']} | {http['errors']} | {update['seconds']} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--skip-plain", action="store_true", help="Do not measure plain Whoosh.")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    reports = [run(size, args.skip_plain) for size in args.sizes]
    print(markdown(reports))


if __name__ == "__main__":
    main()
