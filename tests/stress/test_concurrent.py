"""Runs that overlap, and searches while the index changes.

- Three `search index` runs on one index started within a second (a rebuild, a second rebuild,
  an update): the later ones say they wait for the first (naming its pid), the index's LOCK
  names one holder at a time, each holder runs to the end before the next starts, all exit 0,
  the live generation is the last rebuild's (nothing deleted a generation in progress), the
  update after the rebuilds finds nothing to do, and the index is exactly the corpus.
- A search loop (the library through LiveIndex in a thread, and HTTP against `search serve` on
  the same index) while STRESS_LOOP_RUNS rebuilds and updates run one after another: 0 errors,
  and every answer has results (the queries match pages that no update touches).
"""

import re
import threading
import time

from search import query
from search.live import LiveIndex
from tests.stress import helpers
from tests.stress.conftest import record
from tests.stress.helpers import Run, Server, Snapshot, copy_index, index_args, snapshot

WAITING = re.compile(r"waiting for another indexing run", re.I)
# Between two searches of one loop: continuous, yet leaving the 2 cores to the runs measured.
PAUSE = 0.02


class SearchLoop:
    """Queries without pause, from threads, until stopped: the library (LiveIndex, as a server
    worker uses it) and, given a server, HTTP."""

    def __init__(self, index_dir, queries: list[str], server: Server | None = None, pause: float = PAUSE):
        self.live = LiveIndex(index_dir)
        self.pause = pause
        self.queries, self.server = queries, server
        self.errors: list[str] = []
        self.empty: list[str] = []
        self.latencies: dict[str, list[float]] = {"library": [], "http": []}
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._library, daemon=True)]
        if server:
            self._threads.append(threading.Thread(target=self._http, daemon=True))

    def _library(self):
        n = 0
        while not self._stop.is_set():
            text = self.queries[n % len(self.queries)]
            n += 1
            started = time.perf_counter()
            try:
                page = query.search(self.live.searcher(), text, pairs=self.live.pair_counts())
            except Exception as error:
                self.errors.append(f"library {text!r}: {type(error).__name__}: {error}")
                time.sleep(0.05)
                continue
            self.latencies["library"].append((time.perf_counter() - started) * 1000)
            if not page.total:
                self.empty.append(f"library {text!r}")
            self._stop.wait(self.pause)

    def _http(self):
        n = 0
        while not self._stop.is_set():
            text = self.queries[n % len(self.queries)]
            n += 1
            try:
                status, body, ms = self.server.search(text)
            except OSError as error:
                self.errors.append(f"HTTP {text!r}: {type(error).__name__}: {error}")
                time.sleep(0.05)
                continue
            self.latencies["http"].append(ms)
            if status != 200:
                self.errors.append(f"HTTP {status} {text!r}: {str(body)[:200]}")
            elif not body.get("total"):
                self.empty.append(f"HTTP {text!r}")
            self._stop.wait(self.pause)

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(30)

    def summary(self) -> str:
        parts = []
        for name, values in self.latencies.items():
            if values:
                figures = helpers.percentiles(values)
                parts.append(
                    f"{name} {len(values)} searches (p50 {figures['p50']:.0f} / p99 "
                    f"{figures['p99']:.0f} / max {figures['max']:.0f} ms)"
                )
        return f"{', '.join(parts)}; {len(self.errors)} errors, {len(self.empty)} empty answers"


def stable_queries(index_dir, corpus, count: int = 12) -> list[str]:
    """Queries with results in both corpus states: each matches at least 3 pages that an
    update leaves alone."""
    touched = {corpus.path(n).name for n in corpus.edited + corpus.removed + corpus.added}
    live = LiveIndex(index_dir)
    chosen = []
    for text in corpus.query_mix(200, seed=11):
        page = query.search(live.searcher(), text, limit=20)
        if sum(hit.path.rsplit("/", 1)[-1] not in touched for hit in page.results) >= 3:
            chosen.append(text)
        if len(chosen) == count:
            break
    return chosen


def _holders(index_dir, samples: list, stop: threading.Event):
    """Sample who holds the index's lock (LOCK holds "pid N since ..." while held)."""
    lock = index_dir / "LOCK"
    while not stop.is_set():
        try:
            found = re.search(r"pid (\d+)", lock.read_text())
        except OSError:
            found = None
        pid = int(found.group(1)) if found else None
        if not samples or samples[-1] != pid:
            samples.append(pid)
        time.sleep(0.01)


def test_concurrent_runs_are_serialized(engine, base, changing, tmp_path):
    corpus = changing
    index_dir = copy_index(base.index_dir, tmp_path / "index")
    queries = stable_queries(index_dir, corpus)
    corpus.set_state("B")
    samples, stop = [], threading.Event()
    sampler = threading.Thread(target=_holders, args=(index_dir, samples, stop), daemon=True)
    sampler.start()
    runs = []
    try:
        with SearchLoop(index_dir, queries) as loop:
            runs.append(Run(*index_args(corpus.folder, index_dir, rebuild=True), name="rebuild-1"))
            deadline = time.monotonic() + 60
            while runs[0].pid not in samples and runs[0].running() and time.monotonic() < deadline:
                time.sleep(0.01)
            runs.append(Run(*index_args(corpus.folder, index_dir, rebuild=True), name="rebuild-2"))
            time.sleep(0.5)
            runs.append(Run(*index_args(corpus.folder, index_dir), name="update"))
            codes = [run.wait(6 * base.timing.end + 300) for run in runs]
        stop.set()
        sampler.join(5)
    finally:
        stop.set()
        for run in runs:
            run.cleanup()
    first, second, update = runs
    holders = [pid for pid in samples if pid is not None]
    problems = []
    if codes != [0, 0, 0]:
        problems.append(f"exit codes {codes}: " + " / ".join(run.tail(4) for run in runs))
    for run in (second, update):
        if not WAITING.search(run.text("err")):
            problems.append(f"{run.tag} did not say it was waiting: {run.tail(4)}")
        elif f"pid {first.pid}" not in run.text("err"):
            problems.append(f"{run.tag} did not name the holder (pid {first.pid}): {run.tail(4)}")
    order = list(dict.fromkeys(holders))
    if (
        sorted(order) != sorted(run.pid for run in runs)
        or len(order) != len(holders)
        or order[0] != first.pid
    ):
        problems.append(
            f"lock holders over time {holders}, runs {[run.pid for run in runs]}: "
            "not one after another, the first first"
        )
    ends = {run.pid: run.started + run.ended for run in runs}
    for before, after in zip(order, order[1:]):
        after_run = next(run for run in runs if run.pid == after)
        if ends[before] > after_run.started + after_run.ended:
            problems.append(f"pid {after} finished before pid {before}, which held the lock first")
    last_rebuild = [pid for pid in order if pid in (first.pid, second.pid)][-1:]
    live = helpers.current_name(index_dir) or ""
    if last_rebuild and not live.endswith(f"-{last_rebuild[0]}"):
        problems.append(f"the live generation {live} is not the last rebuild's (pid {last_rebuild[0]})")
    if not re.search(r"\b0 added, 0 changed, 0 removed", update.text("out")):
        problems.append(f"the update did not find the rebuilt index up to date: {update.text('out')}")
    shot = snapshot(index_dir, corpus.probes())
    expected = corpus.expected("B")
    if not shot.has(expected):
        problems.append(f"the index is not the corpus: {shot.differences(Snapshot(len(expected), expected))}")
    left = helpers.leftovers(index_dir)
    if left:
        problems.append(f"left behind: {left}")
    problems += [f"search during the runs: {error}" for error in loop.errors[:5]]
    problems += [f"no results during the runs: {empty}" for empty in loop.empty[:5]]
    names = {first.pid: "rebuild 1", second.pid: "rebuild 2", update.pid: "update"}
    record(
        engine,
        "concurrent runs",
        (
            f"rebuild, rebuild, update started within {runs[-1].started - runs[0].started:.1f} s: "
            f"{'serialized' if not problems else 'NOT serialized or not clean'} (lock holders in turn: "
            f"{' -> '.join(names.get(pid, str(pid)) for pid in order)}), "
            f"exit codes {codes}, {sum(bool(WAITING.search(r.text('err'))) for r in runs)} said they waited; "
            f"finished in {max(r.started + r.ended for r in runs) - runs[0].started:.0f} s; "
            f"meanwhile {loop.summary()}"
        ),
        serialized=not problems,
    )
    assert not problems, "\n".join(problems)


def test_search_loop_during_rebuilds_and_updates(engine, base, changing, tmp_path):
    corpus = changing
    index_dir = copy_index(base.index_dir, tmp_path / "index")
    queries = stable_queries(index_dir, corpus)
    assert len(queries) >= 5, queries
    server = Server(index_dir, tmp_path / "serve.log")
    problems, done = [], []
    try:
        with SearchLoop(index_dir, queries, server) as loop:
            time.sleep(1)
            for op in helpers.LOOP_RUNS:
                if op == "update":
                    corpus.set_state("B" if corpus.state == "A" else "A")
                run = Run(*index_args(corpus.folder, index_dir, rebuild=op == "rebuild"), name=op)
                try:
                    code = run.wait(3 * base.timing.end + 300)
                finally:
                    run.cleanup()
                done.append(f"{op} {run.ended:.0f} s")
                if code != 0:
                    problems.append(f"{op} exited {code}: {run.tail(4)}")
            time.sleep(1)
    finally:
        server.stop()
    expected = corpus.expected()
    shot = snapshot(index_dir, corpus.probes())
    if not shot.has(expected):
        problems.append(f"the index is not the corpus: {shot.differences(Snapshot(len(expected), expected))}")
    problems += loop.errors[:10] + [f"no results: {empty}" for empty in loop.empty[:10]]
    record(
        engine,
        "search loop during rebuilds and updates",
        f"{', '.join(done)}: {loop.summary()}",
        errors=len(loop.errors),
        empty=len(loop.empty),
    )
    assert not problems, "\n".join(problems)
