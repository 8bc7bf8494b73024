"""`python -m bench`: build, open, query, HTTP, update and stories benchmarks of the search
engines, in one run, on generated corpora (see bench/README.md).

Engines: `tantivy` and `whoosh` (this project's index and query code on either library) and
`plain` (plain Whoosh 2.7.4: a StemmingAnalyzer schema, the whole file as body, no extraction), for
ratios. Corpora: `archive2` (issue #23's archive: 50 sites, a year of dates, 10% syndicated
copies, text dumps and HTML pages; bench/archive.py), and the older `archive` and `dense`
text-dump corpora (bench/synthetic.py). Each build, open, query and stories pass runs in a
fresh child process (bench/child.py, bench/stories.py); the memory of the child and all its
descendants is sampled from /proc every 0.2 s, and a long step says every minute how far it
is. Corpora are generated once into bench/out/ (deterministic) and reused. Prints a Markdown
report (bench/report.py) and writes it, with the JSON of every figure, to bench/out/.
"""

import argparse
import collections
import contextlib
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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from bench import mix
from bench.archive import HTML_SHARE, Archive, CorpusMismatch, archive_dir, corpus_name, write_archive
from bench.measure import TreeMemory, folder_mb, percentiles
from bench.report import markdown
from bench.synthetic import Generator, corpus_dir, page_path, write_corpus

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
ENGINES = ("tantivy", "whoosh", "plain")
OURS = ("tantivy", "whoosh")  # served over HTTP and updated; plain Whoosh is only built and queried
CORPORA = ("archive2", "archive", "dense")
BIG_FROM = 50_000  # sizes from here use --big-engines
OPEN_RUNS = 3  # fresh processes timed opening the index
HTTP_CLIENTS = 8
HTTP_REQUESTS = 400
HTTP_WARMUP_PER_CLIENT = 10
HTTP_WORKERS = 2
HTTP_TIMEOUT = 30
UPDATE_CHANGED = 100
SAMPLE_SECONDS = 0.2
# A step running longer than this says how far it is, and again after as long: a 1,000,000-page
# build takes most of an hour.
HEARTBEAT_SECONDS = 60.0
# Other processes' share of the machine's CPU over a measurement above which the report warns.
BUSY_SHARE = 0.05


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


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 90 else f"{seconds:.0f} s"


def child(
    mode: str,
    *args: str,
    sample_memory: bool = False,
    label: str = "",
    watch: Path | None = None,
    total: int = 0,
) -> dict:
    """Run bench.child MODE ARGS in a fresh process; its JSON answer, with the tree's sampled
    memory. While it runs, every HEARTBEAT_SECONDS: how long, the tree's peak memory so far
    and the size of `watch` (the index being written); and, when the child writes lines
    `progress N` on stderr (N of `total` pages done), the rate and what is left."""
    module = "bench.stories" if mode == "stories" else "bench.child"
    command = [sys.executable, "-m", module, *([] if mode == "stories" else [mode]), *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    stdout: list[str] = []
    stderr: collections.deque[str] = collections.deque(maxlen=200)
    done = {"pages": 0}

    def read(stream, into) -> None:
        for line in stream:
            into.append(line)
            if line.startswith("progress "):
                with contextlib.suppress(ValueError, IndexError):
                    done["pages"] = int(line.split()[1])
            elif line.startswith("log ") and label:
                log(f"  {label}: {line[4:].rstrip()}")

    readers = [
        threading.Thread(target=read, args=(process.stdout, stdout), daemon=True),
        threading.Thread(target=read, args=(process.stderr, stderr), daemon=True),
    ]
    for reader in readers:
        reader.start()
    memory = TreeMemory(process.pid, SAMPLE_SECONDS) if sample_memory else None
    started = time.perf_counter()
    next_word = started + HEARTBEAT_SECONDS
    with memory or contextlib.nullcontext():
        while process.poll() is None:
            time.sleep(0.5)
            now = time.perf_counter()
            if now >= next_word and label:
                next_word = now + HEARTBEAT_SECONDS
                log(_heartbeat(label, now - started, memory, watch, done["pages"], total))
    for reader in readers:
        reader.join()
    if process.returncode != 0:
        raise RuntimeError(f"{module} {mode} failed ({process.returncode}):\n{''.join(stderr)[-3000:]}")
    result = json.loads("".join(stdout).strip().splitlines()[-1])
    if memory:
        result.update(memory.result())
    return result


def _heartbeat(label: str, seconds: float, memory, watch: Path | None, pages: int, total: int) -> str:
    said = f"  {label}: {_minutes(seconds)}"
    if pages and total:
        rate = pages / seconds
        said += f", {pages:,} of {total:,} pages, {rate:,.0f} pages/s, about {_minutes((total - pages) / rate)} left"
    if memory:
        said += f", peak {memory.peak_rss_kb / 1024:,.0f} MB RSS so far"
    if watch and watch.exists():
        said += f", index {folder_mb(watch):,.0f} MB"
    return said


# -- corpora ----------------------------------------------------------------------------------


@dataclass
class Corpus:
    """One generated corpus of one size, and what the benchmarks ask of it."""

    name: str  # archive2, archive2-html0, archive, dense: index and report names carry it
    folder: Path
    pages: int
    bytes: int
    seconds: float
    queries: list[mix.Query]
    warmup: list[mix.Query]
    edit: Callable[[int], tuple[Path, str]]  # page number -> (its file, its text edited)
    made: dict | None = None  # how the archive corpus was made (bench/archive.py)

    @property
    def text_bytes(self) -> int | None:
        return self.made["text_bytes"] if self.made else None


def prepare(kind: str, size: int, html: float) -> Corpus:
    """Write the corpus unless it is there already; its queries and its edits."""
    started = time.perf_counter()
    if kind == "archive2":
        folder = archive_dir(OUT, size, html)
        made = write_archive(folder, size, html, say=log)
        archive = Archive(made["seed"], html)

        def edit(number: int) -> tuple[Path, str]:
            path, text = archive.page(number, version=1)
            return folder / path, text

        queries = mix.archive_queries(archive, size)
        warmup = mix.archive_queries(archive, size, HTTP_CLIENTS * HTTP_WARMUP_PER_CLIENT, seed=8)
        seconds = time.perf_counter() - started
        return Corpus(corpus_name(html), folder, size, made["bytes"], seconds, queries, warmup, edit, made)
    dense = kind == "dense"
    folder = corpus_dir(OUT, size, dense)
    corpus_bytes = write_corpus(folder, size, dense=dense)
    generator = Generator(dense=dense)

    def edit(number: int) -> tuple[Path, str]:
        site, text = generator.page(number, version=1)
        return page_path(folder, site, number), text

    queries = mix.file_queries(folder)
    warmup = mix.file_queries(folder, HTTP_CLIENTS * HTTP_WARMUP_PER_CLIENT, seed=8)
    return Corpus(kind, folder, size, corpus_bytes, time.perf_counter() - started, queries, warmup, edit)


# -- HTTP -------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(connection: http.client.HTTPConnection, url: str) -> tuple[int, bytes]:
    connection.request("GET", url)
    response = connection.getresponse()
    return response.status, response.read()


@dataclass
class Answer:
    ms: float
    error: str | None
    total: int | None  # the answer's `total`, read after the clock stopped


def _clients(port: int, urls: list[str]) -> tuple[list[Answer], float]:
    """HTTP_CLIENTS threads, each with its own keep-alive connection, share the URLs; returns
    each URL's answer, in the URLs' order, and the wall time."""
    answers: list[Answer | None] = [None] * len(urls)
    lock = threading.Lock()
    jobs = iter(enumerate(urls))

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
        while True:
            with lock:
                at, url = next(jobs, (None, None))
            if url is None:
                break
            started = time.perf_counter()
            status, body = 0, b""
            try:
                status, body = _get(connection, url)
                error = None if status == 200 else f"HTTP {status} {url}: {body[:200]!r}"
            except (OSError, http.client.HTTPException) as problem:
                error = f"{type(problem).__name__} {url}: {problem}"
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
            elapsed = (time.perf_counter() - started) * 1000
            total = None
            if status == 200:
                with contextlib.suppress(ValueError, AttributeError):
                    total = json.loads(body).get("total")
            answers[at] = Answer(elapsed, error, total)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(HTTP_CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers, time.perf_counter() - started


def http_benchmark(index_dir: Path, timed: list[tuple[str, str]], warmup: list[str], log_file: Path) -> dict:
    """`search serve --workers 2` queried by 8 concurrent keep-alive clients: warm-up requests
    of other queries from all clients (so every worker has opened the index), then the timed
    (kind, URL) requests; latencies overall and by kind, errors, and answers with no result."""
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
        warm, _ = _clients(port, warmup)
        with TreeMemory(server.pid, SAMPLE_SECONDS) as memory:
            answers, elapsed = _clients(port, [url for _, url in timed])
        errors = [answer.error for answer in answers if answer.error]
        kinds: dict[str, list[Answer]] = {kind: [] for kind in mix.KINDS}
        for (kind, _), answer in zip(timed, answers):
            kinds.setdefault(kind, []).append(answer)
        return {
            **percentiles([answer.ms for answer in answers]),
            "errors": len(errors),
            "first_errors": errors[:5],
            "warmup_errors": sum(1 for answer in warm if answer.error),
            "no_results": sum(1 for answer in answers if answer.total == 0),
            "kinds": {
                kind: {
                    **percentiles([a.ms for a in group]),
                    "no_results": sum(1 for a in group if a.total == 0),
                    "example": next(url for k, url in timed if k == kind),
                }
                for kind, group in kinds.items()
                if group
            },
            "requests_per_s": round(len(answers) / elapsed, 1),
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


def update_benchmark(corpus: Corpus, index_dir: Path, label: str) -> dict:
    """Edit 100 existing pages (their version 1), time `index_corpus` updating the index from
    the corpus's folder (every file looked at), then put the files back as they were (bytes
    and mtime: other engines' indexes stay in step) and update the index again, untimed.
    Then the same with 100 other pages, the update naming them (`named`): what a crawler that
    knows which files it wrote runs."""
    result = _timed_update(corpus, index_dir, label, corpus.pages, named=False)
    result["named"] = _timed_update(
        corpus, index_dir, f"{label} of named files", corpus.pages + 1, named=True
    )
    return result


def _timed_update(corpus: Corpus, index_dir: Path, label: str, seed: int, named: bool) -> dict:
    rng = random.Random(seed)
    originals = {}
    for number in rng.sample(range(corpus.pages), min(UPDATE_CHANGED, corpus.pages)):
        path, text = corpus.edit(number)
        originals[path] = (path.read_bytes(), path.stat())
        path.write_text(text, encoding="utf-8")
    target = str(corpus.folder)
    if named:
        listing = index_dir.parent / f"{index_dir.name}.update-files"
        listing.write_text("\n".join(str(path) for path in originals), encoding="utf-8")
        target = f"@{listing}"
    try:
        result = child("update", target, str(index_dir), sample_memory=True, label=label)
    finally:
        for path, (data, stat) in originals.items():
            path.write_bytes(data)
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    result["edited"] = len(originals)
    # Untimed: the index follows the files back, so what bench/out/ keeps is the corpus's index.
    back = child("update", target, str(index_dir), label=f"{label} (putting the files back)")
    result["restore"] = {key: back[key] for key in ("seconds", "changed", "added", "removed")}
    return result


# -- one engine, one corpus size --------------------------------------------------------------


def measure_engine(engine: str, corpus: Corpus, index_dir: Path, queries_file: Path, skip: set[str]) -> dict:
    shutil.rmtree(index_dir, ignore_errors=True)
    result = {}
    build = child(
        "build",
        engine,
        str(corpus.folder),
        str(index_dir),
        sample_memory=True,
        label=f"{engine} build",
        watch=index_dir,
        total=corpus.pages,
    )
    build["pages_per_s"] = round(build["indexed"] / build["seconds"], 1)
    build["mb_per_s"] = round(corpus.bytes / 2**20 / build["seconds"], 2)
    build["index_mb"] = folder_mb(index_dir)
    result["build"] = build
    log(
        f"  {engine} build: {build['seconds']} s, {build['pages_per_s']} pages/s, "
        f"peak {build['peak_rss_mb']} MB RSS ({build['peak_pss_mb']} MB PSS, "
        f"{build['peak_private_mb']} MB private), index {build['index_mb']} MB"
    )

    texts = [query.text for query in corpus.queries]
    first = next((q for q in texts if len(q.split()) == 2 and '"' not in q), texts[0])
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

    library = child("query", engine, str(index_dir), str(queries_file), label=f"{engine} library queries")
    result["library"] = library
    log(f"  {engine} library queries: p50 {library['p50']} / p95 {library['p95']} / p99 {library['p99']} ms")

    if engine in OURS and "http" not in skip:
        timed = mix.requests(corpus.queries, HTTP_REQUESTS)
        warmup = [url for _, url in mix.requests(corpus.warmup, len(corpus.warmup), seed=10)]
        result["http"] = http = http_benchmark(
            index_dir, timed, warmup, index_dir.parent / f"{index_dir.name}.serve.log"
        )
        log(
            f"  {engine} HTTP: p50 {http['p50']} / p95 {http['p95']} / p99 {http['p99']} ms, "
            f"{http['requests_per_s']} req/s, {http['errors']} errors, {http['no_results']} with no result"
        )
    if engine in OURS and "update" not in skip:
        result["update"] = update = update_benchmark(corpus, index_dir, f"{engine} update")
        for how, measured in (("", update), (", named", update["named"])):
            log(
                f"  {engine} update of {measured['edited']} edited files{how}: {measured['seconds']} s "
                f"(changed {measured['changed']}, added {measured['added']}, removed {measured['removed']})"
            )
    if engine in OURS and corpus.made and "stories" not in skip:
        try:
            stories = child(
                "stories",
                "--measure",
                str(index_dir),
                "--corpus",
                str(corpus.folder),
                label=f"{engine} stories",
            )
        except RuntimeError as error:  # the stories' figures must not lose the others
            stories = {"error": str(error)[-500:]}
            log(f"  {engine} stories FAILED: {error}")
        result["stories"] = stories
        if "error" not in stories:
            related = stories["timings"]["related articles"]
            log(
                f"  {engine} stories: {stories['copies_collapsed']:,} of {stories['copies_checked']:,} copies "
                f"collapsed, {stories['distinct_merged']} of {stories['distinct_checked']:,} distinct articles "
                f"merged; related articles p50 {related['p50']} / p99 {related['p99']} ms"
            )
    return result


def run_size(
    kind: str, size: int, html: float, engines: list[str], skip: set[str], report: dict, save
) -> dict:
    log(f"[{kind} {size:,}] writing the corpus (or finding it written)")
    corpus = prepare(kind, size, html)
    run = {
        "corpus": corpus.name,
        "pages": size,
        "corpus_mb": round(corpus.bytes / 2**20, 1),
        "text_mb": round(corpus.text_bytes / 2**20, 1) if corpus.text_bytes else None,
        "corpus_seconds": (corpus.made or {}).get("seconds", round(corpus.seconds, 1)),
        "made": corpus.made,
        "engines": {},
    }
    report["runs"].append(run)
    log(f"[{corpus.name} {size:,}] corpus {corpus.folder} ready ({run['corpus_mb']:,} MB)")
    queries_file = OUT / f"queries-{corpus.name}-{size}.json"
    texts = [query.text for query in corpus.queries]
    queries_file.write_text(json.dumps(texts, ensure_ascii=False, indent=0), encoding="utf-8")
    run["queries"] = texts
    for engine in engines:
        index_dir = OUT / f"index-{corpus.name}-{engine}-{size}"
        log(f"[{corpus.name} {size:,}] {engine}")
        engine_started = time.perf_counter()
        commit = _commit()
        cpu_before = cpu_seconds()
        try:
            run["engines"][engine] = measure_engine(engine, corpus, index_dir, queries_file, skip)
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


# -- the run ----------------------------------------------------------------------------------


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
    parser.add_argument(
        "--corpus",
        nargs="+",
        choices=CORPORA,
        default=["archive2"],
        help="archive2 (default): issue #23's archive of 50 sites, dates, copies, text and HTML; "
        "archive: the text-dump corpus of the figures before it; dense: the old bigram-chain one",
    )
    parser.add_argument(
        "--html",
        type=float,
        default=HTML_SHARE,
        help=f"archive2: the share of pages saved as HTML (default {HTML_SHARE}); "
        "another share writes another corpus folder (corpus-archive2-html0-N)",
    )
    corpora = parser.add_mutually_exclusive_group()
    corpora.add_argument("--dense", action="store_true", help="the same as --corpus dense")
    corpora.add_argument("--both", action="store_true", help="the same as --corpus archive dense")
    parser.add_argument(
        "--skip", nargs="+", choices=("http", "update", "stories"), default=[], help="parts not to measure"
    )
    args = parser.parse_args()
    if not 0 <= args.html <= 1:
        parser.error("--html is a share of the pages, from 0 to 1")
    sizes = [2000] if args.quick else args.sizes
    OUT.mkdir(exist_ok=True)
    kinds = ["archive", "dense"] if args.both else ["dense"] if args.dense else args.corpus
    names = [corpus_name(args.html) if kind == "archive2" else kind for kind in kinds]
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

    for kind in kinds:
        for size in sizes:
            engines = args.big_engines if args.big_engines and size >= args.big_from else args.engines
            try:
                run_size(kind, size, args.html, engines, set(args.skip), report, save)
            except CorpusMismatch as error:
                raise SystemExit(f"python -m bench: {error}") from None
            save()
    text = markdown(report)
    stem.with_suffix(".md").write_text(text + "\n", encoding="utf-8")
    log(f"report: {stem}.md and .json")
    print(text)


if __name__ == "__main__":
    main()
