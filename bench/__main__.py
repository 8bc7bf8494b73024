"""`python -m bench`: build, open, query, HTTP and update benchmarks of the search engines, in
one run, on generated corpora (see bench/README.md).

Engines: `tantivy` and `whoosh` (this project's index and query code on either library) and
`plain` (plain Whoosh 2.7.4: default analyzer, the whole file as body, no extraction), for
ratios. Each build, open and query pass runs in a fresh child process (bench/child.py); the
memory of the child and all its descendants is sampled from /proc every 0.2 s. Corpora are
generated once into bench/out/ (deterministic) and reused. Prints a Markdown report and writes
it, with the JSON of every figure, to bench/out/.
"""

import argparse
import http.client
import json
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
import unicodedata
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from urllib.parse import quote

from bench.measure import TreeMemory, folder_mb, percentiles, run_sampled
from bench.synthetic import Generator, corpus_dir, page_path, write_corpus

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
ENGINES = ("tantivy", "whoosh", "plain")
OURS = ("tantivy", "whoosh")  # served over HTTP and updated; plain Whoosh is only built and queried
BIG_FROM = 50_000  # sizes from here use --big-engines
QUERIES = 200
OPEN_RUNS = 3  # fresh processes timed opening the index
HTTP_CLIENTS = 8
HTTP_REQUESTS = 400
HTTP_WARMUP_PER_CLIENT = 10
HTTP_WORKERS = 2
HTTP_TIMEOUT = 30
UPDATE_CHANGED = 100
SAMPLE_SECONDS = 0.2
# Other processes' share of the machine's CPU over a measurement above which the report warns.
BUSY_SHARE = 0.05

# The targets, for tantivy at 100,000 pages: (key, label, limit, unit, higher is better).
TARGETS = [
    ("build", "full build", 500, "pages/s", True),
    ("update", "update of 100 changed files", 5, "s", False),
    ("query_p99", "library query p99 (snippets, did you mean)", 30, "ms", False),
    ("http_p99", "HTTP p99, 8 clients, 0 errors", 100, "ms", False),
    ("peak", "peak memory while indexing (process tree)", 2048, "MB", False),
    ("open", "open to first answered query", 200, "ms", False),
]
TARGET_PAGES = 100_000
COMPARE_PAGES = 10_000


def cpu_seconds() -> tuple[float, float]:
    """CPU seconds used so far by the whole machine (/proc/stat) and by this process and the
    children it has waited for (their own waited-for children included)."""
    with open("/proc/stat") as f:
        ticks = [int(x) for x in f.readline().split()[1:]]
    busy = sum(ticks) - ticks[3] - ticks[4]  # all but idle and iowait
    times = os.times()
    return busy / os.sysconf(
        "SC_CLK_TCK"
    ), times.user + times.system + times.children_user + times.children_system


def others_cpu(before: tuple[float, float], seconds: float) -> dict:
    """CPU time other processes took while we measured: a busy machine makes figures slower."""
    after = cpu_seconds()
    others = max(0.0, (after[0] - before[0]) - (after[1] - before[1]))
    return {
        "others_cpu_s": round(others, 1),
        "others_share": round(others / (seconds * (os.cpu_count() or 1)), 3),
    }


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def child(mode: str, *args: str, sample_memory: bool = False) -> dict:
    """Run bench.child in a fresh process; its JSON answer, with the tree's sampled memory."""
    command = [sys.executable, "-m", "bench.child", mode, *args]
    if sample_memory:
        completed, memory = run_sampled(command, SAMPLE_SECONDS, cwd=ROOT)
    else:
        completed = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        memory = {}
    if completed.returncode != 0:
        raise RuntimeError(f"bench.child {mode} failed ({completed.returncode}):\n{completed.stderr[-3000:]}")
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    result.update(memory)
    return result


def fold(text: str) -> str:
    """Accent-free lower case: what a user typing without accents types."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def query_mix(corpus: Path, count: int = QUERIES, seed: int = 7) -> list[str]:
    """1-4 syllable queries cut from the corpus's article text: half unaccented, a fifth of the
    longer ones quoted."""
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
        text = " ".join(words[start : start + size]).lower()
        if rng.random() < 0.5:
            text = fold(text)
        if size > 1 and rng.random() < 0.2:
            text = f'"{text}"'
        queries.append(text)
    return queries


# -- HTTP -------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(connection: http.client.HTTPConnection, url: str) -> tuple[int, bytes]:
    connection.request("GET", url)
    response = connection.getresponse()
    return response.status, response.read()


def _clients(port: int, urls: list[str]) -> tuple[list[float], list[str], float]:
    """HTTP_CLIENTS threads, each with its own keep-alive connection, share the URLs; returns
    latencies (ms), errors and the wall time."""
    latencies, errors, lock = [], [], threading.Lock()
    jobs = iter(urls)

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
        while True:
            with lock:
                url = next(jobs, None)
            if url is None:
                break
            started = time.perf_counter()
            try:
                status, body = _get(connection, url)
                error = None if status == 200 else f"HTTP {status} {url}: {body[:200]!r}"
            except (OSError, http.client.HTTPException) as problem:
                error = f"{type(problem).__name__} {url}: {problem}"
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if error:
                    errors.append(error)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(HTTP_CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - started


def http_benchmark(index_dir: Path, queries: list[str], warmup: list[str], log_file: Path) -> dict:
    """`search serve --workers 2` queried by 8 concurrent keep-alive clients: warm-up requests
    of other queries from all clients (so every worker has opened the index), then 400 timed."""
    port = _free_port()
    command = [
        sys.executable,
        "-c",
        "from search.cli import main; main()",
        "serve",
        "--index",
        str(index_dir),
        "--port",
        str(port),
        "--workers",
        str(HTTP_WORKERS),
    ]
    with open(log_file, "w") as server_log:
        server = subprocess.Popen(command, stdout=server_log, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        deadline = time.time() + 120
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"search serve exited ({server.returncode}); see {log_file}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
                _get(connection, "/api/search?q=a")
                connection.close()
                break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError(f"search serve did not answer in 120 s; see {log_file}") from None
                time.sleep(0.2)
        warm = [f"/api/search?q={quote(text)}" for text in warmup[: HTTP_CLIENTS * HTTP_WARMUP_PER_CLIENT]]
        _, warm_errors, _ = _clients(port, warm)
        urls = [f"/api/search?q={quote(queries[n % len(queries)])}" for n in range(HTTP_REQUESTS)]
        with TreeMemory(server.pid, SAMPLE_SECONDS) as memory:
            latencies, errors, elapsed = _clients(port, urls)
        return {
            **percentiles(latencies),
            "errors": len(errors),
            "first_errors": errors[:5],
            "warmup_errors": len(warm_errors),
            "requests_per_s": round(len(latencies) / elapsed, 1),
            "workers": HTTP_WORKERS,
            "clients": HTTP_CLIENTS,
            "server_peak_rss_mb": memory.result()["peak_rss_mb"],
            "server_peak_pss_mb": memory.result()["peak_pss_mb"],
        }
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# -- update -----------------------------------------------------------------------------------


def update_benchmark(corpus: Path, index_dir: Path, generator: Generator, size: int) -> dict:
    """Edit 100 existing pages (their version 1), time `index_corpus` updating the index, then
    put the files back as they were (bytes and mtime: other engines' indexes stay in step) and
    update the index again, untimed."""
    rng = random.Random(size)
    originals = {}
    for number in rng.sample(range(size), min(UPDATE_CHANGED, size)):
        site, text = generator.page(number, version=1)
        path = page_path(corpus, site, number)
        originals[path] = (path.read_bytes(), path.stat())
        path.write_text(text, encoding="utf-8")
    try:
        result = child("update", str(corpus), str(index_dir), sample_memory=True)
    finally:
        for path, (data, stat) in originals.items():
            path.write_bytes(data)
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    result["edited"] = len(originals)
    # Untimed: the index follows the files back, so what bench/out/ keeps is the corpus's index.
    back = child("update", str(corpus), str(index_dir))
    result["restore"] = {key: back[key] for key in ("seconds", "changed", "added", "removed")}
    return result


# -- one engine, one corpus size --------------------------------------------------------------


def measure_engine(
    engine: str,
    corpus: Path,
    index_dir: Path,
    corpus_bytes: int,
    queries_file: Path,
    queries: list[str],
    warmup: list[str],
    generator: Generator,
    size: int,
    skip: set[str],
) -> dict:
    shutil.rmtree(index_dir, ignore_errors=True)
    result = {}
    build = child("build", engine, str(corpus), str(index_dir), sample_memory=True)
    build["pages_per_s"] = round(build["indexed"] / build["seconds"], 1)
    build["mb_per_s"] = round(corpus_bytes / 2**20 / build["seconds"], 2)
    build["index_mb"] = folder_mb(index_dir)
    result["build"] = build
    log(
        f"  {engine} build: {build['seconds']} s, {build['pages_per_s']} pages/s, "
        f"peak {build['peak_rss_mb']} MB RSS ({build['peak_pss_mb']} MB PSS), index {build['index_mb']} MB"
    )

    first = next((q for q in queries if len(q.split()) == 2 and '"' not in q), queries[0])
    opens = [child("open", engine, str(index_dir), first) for _ in range(OPEN_RUNS)]
    times = sorted(o["open_ms"] for o in opens)
    result["open"] = {
        "median_ms": times[len(times) // 2],
        "max_ms": times[-1],
        "runs_ms": times,
        "import_ms": opens[0]["import_ms"],
        "query": first,
    }
    log(f"  {engine} open to first query: {times} ms")

    library = child("query", engine, str(index_dir), str(queries_file))
    result["library"] = library
    log(f"  {engine} library queries: p50 {library['p50']} / p95 {library['p95']} / p99 {library['p99']} ms")

    if engine in OURS and "http" not in skip:
        result["http"] = http_benchmark(
            index_dir, queries, warmup, index_dir.parent / f"{index_dir.name}.serve.log"
        )
        http = result["http"]
        log(
            f"  {engine} HTTP: p50 {http['p50']} / p95 {http['p95']} / p99 {http['p99']} ms, "
            f"{http['requests_per_s']} req/s, {http['errors']} errors"
        )
    if engine in OURS and "update" not in skip:
        result["update"] = update_benchmark(corpus, index_dir, generator, size)
        update = result["update"]
        log(
            f"  {engine} update of {update['edited']} edited files: {update['seconds']} s "
            f"(changed {update['changed']}, added {update['added']}, removed {update['removed']})"
        )
    return result


def run_size(size: int, engines: list[str], dense: bool, skip: set[str], report: dict, save) -> dict:
    corpus = corpus_dir(OUT, size, dense)
    name = "dense" if dense else "archive"
    started = time.perf_counter()
    corpus_bytes = write_corpus(corpus, size, dense=dense)
    run = {
        "corpus": name,
        "pages": size,
        "corpus_mb": round(corpus_bytes / 2**20, 1),
        "corpus_seconds": round(time.perf_counter() - started, 1),
        "engines": {},
    }
    report["runs"].append(run)
    log(f"[{name} {size:,}] corpus {corpus} ready in {run['corpus_seconds']} s ({run['corpus_mb']} MB)")
    queries = query_mix(corpus)
    warmup = query_mix(corpus, HTTP_CLIENTS * HTTP_WARMUP_PER_CLIENT, seed=8)
    queries_file = OUT / f"queries-{name}-{size}.json"
    queries_file.write_text(json.dumps(queries, ensure_ascii=False, indent=0), encoding="utf-8")
    run["queries"] = queries
    generator = Generator(dense=dense)
    for engine in engines:
        index_dir = OUT / f"index-{name}-{engine}-{size}"
        log(f"[{name} {size:,}] {engine}")
        engine_started = time.perf_counter()
        commit = _commit()
        cpu_before = cpu_seconds()
        try:
            run["engines"][engine] = measure_engine(
                engine, corpus, index_dir, corpus_bytes, queries_file, queries, warmup, generator, size, skip
            )
        except Exception as error:  # one engine failing must not lose the others' figures
            log(f"  {engine} FAILED: {error}")
            run["engines"][engine] = {"error": str(error)}
        elapsed = time.perf_counter() - engine_started
        run["engines"][engine]["minutes"] = round(elapsed / 60, 1)
        run["engines"][engine].update(others_cpu(cpu_before, elapsed))
        if run["engines"][engine]["others_share"] > BUSY_SHARE:
            log(
                f"  other processes took {run['engines'][engine]['others_share']:.0%} of the machine's CPU "
                f"while {engine} was measured"
            )
        run["engines"][engine]["commit"] = commit
        if _commit() != commit:
            run["engines"][engine]["commit"] += f", then {_commit()} (search/ changed during the measurement)"
        save()
    return run


# -- the report -------------------------------------------------------------------------------


def _fmt(value, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, (int, float)) and abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def _lat(figures: dict | None) -> str:
    if not figures:
        return "-"
    return f"{_fmt(figures['p50'])} / {_fmt(figures['p95'])} / {_fmt(figures['p99'])}"


def _find(report: dict, corpus: str, pages: int, engine: str) -> dict | None:
    for run in report["runs"]:
        if run["corpus"] == corpus and run["pages"] == pages:
            found = run["engines"].get(engine)
            return found if found and "error" not in found else None
    return None


def target_rows(report: dict, corpus: str) -> list[str]:
    measured = _find(report, corpus, TARGET_PAGES, "tantivy")
    rows = [
        f"Targets, tantivy at {TARGET_PAGES:,} pages ({corpus} corpus):",
        "",
        "| target | goal | measured | met |",
        "|---|---|---|---|",
    ]
    if measured is None:
        return rows[:1] + ["", f"not measured in this run (no tantivy run at {TARGET_PAGES:,} pages)."]
    http, update = measured.get("http"), measured.get("update")
    values = {
        "build": measured["build"]["pages_per_s"],
        "update": update["seconds"] if update else None,
        "query_p99": measured["library"]["p99"],
        "http_p99": http["p99"] if http else None,
        "peak": measured["build"]["peak_rss_mb"],
        "open": measured["open"]["max_ms"],
    }
    for key, label, limit, unit, higher in TARGETS:
        value = values[key]
        if value is None:
            rows.append(f"| {label} | {'>=' if higher else '<='} {limit:,} {unit} | not measured | - |")
            continue
        met = value >= limit if higher else value <= limit
        shown = f"{_fmt(value)} {unit}"
        if key == "http_p99":
            met = met and http["errors"] == 0
            shown += f", {http['errors']} errors"
        if key == "peak":
            shown += f" RSS sum ({_fmt(measured['build']['peak_pss_mb'])} MB PSS)"
        if key == "open":
            shown += f" (worst of {OPEN_RUNS}; median {_fmt(measured['open']['median_ms'])})"
        rows.append(
            f"| {label} | {'>=' if higher else '<='} {limit:,} {unit} | {shown} | {'yes' if met else 'NO'} |"
        )
    return rows


def comparison_rows(report: dict, corpus: str) -> list[str]:
    ours, plain = (
        _find(report, corpus, COMPARE_PAGES, "whoosh"),
        _find(report, corpus, COMPARE_PAGES, "plain"),
    )
    head = f"Whoosh engine vs plain Whoosh at {COMPARE_PAGES:,} pages ({corpus} corpus), library queries:"
    if not ours or not plain:
        return [head, "", "not measured in this run."]
    rows = [head, "", "| | whoosh engine ms | plain Whoosh ms | ratio | no worse |", "|---|---|---|---|---|"]
    for key in ("p50", "p95", "p99"):
        a, b = ours["library"][key], plain["library"][key]
        rows.append(f"| {key} | {_fmt(a)} | {_fmt(b)} | {a / b:.2f} | {'yes' if a <= b else 'NO'} |")
    return rows


def markdown(report: dict) -> str:
    out = [
        f"# Benchmark run {report['started']}",
        "",
        f"{report['machine']['cores']} cores, {report['machine']['memory_gb']} GB; "
        f"commit {report['commit']}; tantivy {report['versions'].get('tantivy')}, "
        f"Whoosh {report['versions'].get('whoosh')}.",
        "",
    ]
    commits = {figures.get("commit") for run in report["runs"] for figures in run["engines"].values()}
    if len(commits - {None}) > 1:
        out += [
            "**The code under test changed during this run**: "
            + "; ".join(
                f"{run['corpus']} {run['pages']:,} {engine}: {figures.get('commit')}"
                for run in report["runs"]
                for engine, figures in run["engines"].items()
            )
            + ".",
            "",
        ]
    corpora = list(dict.fromkeys(run["corpus"] for run in report["runs"]))
    for corpus in corpora:
        runs = [run for run in report["runs"] if run["corpus"] == corpus]
        out += [
            f"## {corpus} corpus",
            "",
            "| pages | engine | build pages/s | MB/s | peak MB RSS (PSS) | index MB | open ms | "
            "library p50 / p95 / p99 ms |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for run in runs:
            for engine, figures in run["engines"].items():
                if "error" in figures:
                    out.append(f"| {run['pages']:,} | {engine} | failed: {figures['error'][:80]} |||||| ")
                    continue
                build = figures["build"]
                out.append(
                    f"| {run['pages']:,} | {engine} | {_fmt(build['pages_per_s'])} | {build['mb_per_s']} | "
                    f"{_fmt(build['peak_rss_mb'])} ({_fmt(build['peak_pss_mb'])}) | {_fmt(build['index_mb'])} | "
                    f"{_fmt(figures['open']['median_ms'])} | {_lat(figures['library'])} |"
                )
        out += [
            "",
            "| pages | engine | HTTP p50 / p95 / p99 ms, 8 clients, 2 workers | req/s | errors | "
            "server peak MB RSS (PSS) | update of 100 edited files, s |",
            "|---|---|---|---|---|---|---|",
        ]
        for run in runs:
            for engine, figures in run["engines"].items():
                if engine not in OURS or "error" in figures:
                    continue
                http, update = figures.get("http"), figures.get("update")
                server = (
                    f"{_fmt(http['server_peak_rss_mb'])} ({_fmt(http['server_peak_pss_mb'])})"
                    if http
                    else "-"
                )
                out.append(
                    f"| {run['pages']:,} | {engine} | {_lat(http)} | "
                    f"{http['requests_per_s'] if http else '-'} | {http['errors'] if http else '-'} | "
                    f"{server} | {update['seconds'] if update else '-'} |"
                )
        out += [""] + target_rows(report, corpus) + [""] + comparison_rows(report, corpus) + [""]
        out += checks(runs)
    return "\n".join(out)


def checks(runs: list[dict]) -> list[str]:
    """What should hold whatever the speed: both engines find the same number of articles, an
    update changes exactly the edited files."""
    notes = []
    for run in runs:
        tantivy, whoosh = run["engines"].get("tantivy"), run["engines"].get("whoosh")
        if tantivy and whoosh and "library" in tantivy and "library" in whoosh:
            a, b = tantivy["library"]["totals"], whoosh["library"]["totals"]
            same = sum(x == y for x, y in zip(a, b))
            notes.append(
                f"- {run['pages']:,} pages: tantivy and whoosh report the same total for {same} "
                f"of {len(a)} queries; queries with no hit: tantivy {tantivy['library']['no_hits']}, "
                f"whoosh {whoosh['library']['no_hits']}."
            )
        for engine, figures in run["engines"].items():
            if figures.get("others_share", 0) > BUSY_SHARE:
                notes.append(
                    f"- {run['pages']:,} pages, {engine}: other processes took "
                    f"{figures['others_share']:.0%} of the machine's CPU during the measurement "
                    f"({figures['others_cpu_s']} CPU-s): its figures are slower than on a quiet machine."
                )
        for engine in OURS:
            update = (run["engines"].get(engine) or {}).get("update")
            if update and (update["changed"] != update["edited"] or update["added"] or update["removed"]):
                notes.append(
                    f"- {run['pages']:,} pages, {engine}: the update reported {update['changed']} "
                    f"changed, {update['added']} added, {update['removed']} removed "
                    f"for {update['edited']} edited files."
                )
            http = (run["engines"].get(engine) or {}).get("http")
            if http and http["errors"]:
                notes.append(
                    f"- {run['pages']:,} pages, {engine}: {http['errors']} HTTP errors, first: "
                    f"{http['first_errors'][0][:200]}"
                )
    return (["Checks:", ""] + notes + [""]) if notes else []


def _versions() -> dict:
    versions = {}
    for package in ("tantivy", "whoosh", "gunicorn"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return versions


def _commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "search", "web", "pyproject.toml"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout.splitlines()
        return head + (
            " (search/ or web/ modified: " + " ".join(line[3:] for line in dirty if line) + ")"
            if any(dirty)
            else ""
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="corpus sizes, pages")
    parser.add_argument("--quick", action="store_true", help="a smoke check: --sizes 2000")
    parser.add_argument(
        "--engines",
        nargs="+",
        choices=ENGINES,
        default=list(ENGINES),
        help="engines measured (default: all three)",
    )
    parser.add_argument(
        "--big-engines",
        nargs="+",
        choices=ENGINES,
        help="engines measured at sizes of --big-from pages and more (default: --engines); "
        "the whoosh engine takes about 30 min to build 100,000 pages",
    )
    parser.add_argument("--big-from", type=int, default=BIG_FROM)
    corpora = parser.add_mutually_exclusive_group()
    corpora.add_argument("--dense", action="store_true", help="the old bigram-chain corpus only")
    corpora.add_argument("--both", action="store_true", help="the archive-like and the dense corpus")
    parser.add_argument(
        "--skip", nargs="+", choices=("http", "update"), default=[], help="parts not to measure"
    )
    args = parser.parse_args()
    sizes = [2000] if args.quick else args.sizes
    OUT.mkdir(exist_ok=True)
    names = ["archive", "dense"] if args.both else ["dense"] if args.dense else ["archive"]
    started = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    report = {
        "started": started,
        "commit": _commit(),
        "versions": _versions(),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        },
        "arguments": vars(args),
        "runs": [],
    }
    stem = OUT / f"report-{'-'.join(names)}-{'-'.join(map(str, sizes))}"

    def save() -> None:
        stem.with_suffix(".json").write_text(
            json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8"
        )

    for name in names:
        for size in sizes:
            engines = args.big_engines if args.big_engines and size >= args.big_from else args.engines
            run_size(size, engines, name == "dense", set(args.skip), report, save)
            save()
    text = markdown(report)
    stem.with_suffix(".md").write_text(text + "\n", encoding="utf-8")
    log(f"report: {stem}.md and .json")
    print(text)


if __name__ == "__main__":
    main()
