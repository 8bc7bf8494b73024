"""The stress suite (issue #10): `make stress`, or `python -m pytest tests/stress`.

Not part of `make test` (setup.cfg keeps pytest out of this folder unless it is named). It runs
every test on each engine (whoosh, then tantivy; STRESS_ENGINES=tantivy for one) against a
generated archive-like corpus (bench/synthetic.py), made once per session in a temporary folder,
and ends with a report of the figures the issue asks for:

- test_kills.py       kill -9 during first builds, rebuilds and updates, at random moments over
                      the run's measured duration and at chosen ones (template learning,
                      extraction, commit); after each: no stray process, the index answers as
                      before the run (or, for an update, as after it: all old or all new), no
                      duplicate, no lost document; the next run converges to the corpus.
- test_concurrent.py  runs started together wait for each other; a search loop (library and
                      HTTP) during rebuilds and updates: 0 errors, every answer with results.
- test_odd_files.py   deep HTML, a 300 kB line, a file over 10 MB, a non-UTF-8 name, a FIFO,
                      /dev/zero, a broken link, junk, an empty and a cp1258 file: bounded time
                      and memory, each one skipped with a reason (or indexed), good files indexed.
- test_fuzz.py        hypothesis queries through the library, the CLI and the HTTP API.
- test_load.py        16 clients for STRESS_SECONDS against `search serve --workers 2`: 0 errors,
                      no request over 1 s, flat memory; 200 idle sockets; half-sent requests.
- test_totals.py      totals agree across pages, filters and interfaces; deep pages refused.

Knobs (environment): STRESS_PAGES (2000), STRESS_SECONDS (60), STRESS_CLIENTS (16),
STRESS_KILLS (20 per engine), STRESS_FUZZ_EXAMPLES (200), STRESS_CLI_EXAMPLES (10),
STRESS_IDLE_SOCKETS (200), STRESS_SEED (random; printed, to repeat a run's kill points),
STRESS_LOOP_RUNS ("update,rebuild,update,update,update"), STRESS_ENGINES ("whoosh,tantivy"),
STRESS_REPORT (a file to write the report to as JSON, besides printing it).
"""

import json
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from search import engines
from search.engines import ENGINES
from tests import as_default_engine
from tests.stress import helpers
from tests.stress.helpers import Corpus, Run, Server, Snapshot, snapshot

# Both engines' modules now: the in-process snapshots then use the code the session began with.
for _name in ENGINES:
    engines.load(_name)

# engine -> section -> lines; printed at the end of the session
REPORT: dict[str, dict[str, list[str]]] = {}
FIGURES: dict[str, dict[str, dict]] = {}
STARTED = time.monotonic()
SECTIONS = [
    "build",
    "update",
    "kill -9",
    "concurrent runs",
    "search loop during rebuilds and updates",
    "odd files",
    "fuzzed queries",
    "totals",
    "load",
    "idle sockets",
]


def record(engine: str, section: str, line: str, **figures) -> None:
    REPORT.setdefault(engine, {}).setdefault(section, []).append(line)
    if figures:
        FIGURES.setdefault(engine, {}).setdefault(section, {}).update(figures)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not REPORT:
        return
    write = terminalreporter.write_line
    terminalreporter.section("stress report")
    write(
        f"corpus: {helpers.PAGES} generated pages; seed {helpers.SEED} (STRESS_SEED to repeat); "
        f"{time.monotonic() - STARTED:.0f} s in all"
    )
    for engine, sections in REPORT.items():
        write("")
        write(f"[{engine}]")
        order = {name: n for n, name in enumerate(SECTIONS)}
        for section, lines in sorted(sections.items(), key=lambda item: order.get(item[0], len(order))):
            write(f"  {section}:")
            for line in lines:
                write(f"    {line}")
    if os.environ.get("STRESS_REPORT"):
        Path(os.environ["STRESS_REPORT"]).write_text(
            json.dumps(
                {"pages": helpers.PAGES, "seed": helpers.SEED, "report": REPORT, "figures": FIGURES},
                ensure_ascii=False,
                indent=1,
            )
        )


def pytest_configure(config):
    import tempfile

    from hypothesis import HealthCheck, settings
    from hypothesis.configuration import set_hypothesis_home_dir

    # Not .hypothesis/ in the work tree: examples are not kept between runs (database=None).
    set_hypothesis_home_dir(tempfile.mkdtemp(prefix="stress-hypothesis-"))

    settings.register_profile(
        "stress",
        deadline=None,
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    settings.load_profile("stress")


ENGINE_PARAMS = [
    name.strip() for name in os.environ.get("STRESS_ENGINES", ",".join(ENGINES)).split(",") if name.strip()
]


@pytest.fixture(scope="session", params=ENGINE_PARAMS)
def engine(request):
    """Each engine in turn (overrides tests/conftest.py's: STRESS_ENGINES may choose one)."""
    yield from as_default_engine(request.param)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Corpus:
    """The generated corpus, state "A"; tests that change it put it back (`changing`)."""
    return Corpus(tmp_path_factory.mktemp("stress") / "corpus", helpers.PAGES)


@pytest.fixture
def changing(corpus):
    """The corpus, for a test that changes it: state "A" again afterwards, whatever happens."""
    with corpus.lock:
        try:
            yield corpus
        finally:
            corpus.set_state("A")


@dataclass
class BuildTiming:
    """When the phases of a full build happened (seconds since the command started)."""

    end: float
    children: float | None = None  # the first worker process
    learned: float | None = None  # "learned the site template"
    committing: float | None = None
    committed: float | None = None
    peak_mb: float = 0.0


@dataclass
class FirstKill:
    """A first build (no index yet) killed during extraction, and what it left."""

    delivered: bool
    at: float
    strays: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class Base:
    index_dir: Path
    timing: BuildTiming
    first_kill: FirstKill
    snapshot: Snapshot  # of state "A"
    build_run: Run


def timed_build(args, timeout: float) -> tuple[Run, BuildTiming]:
    """Run a build to the end, noting when its phases happened and its peak memory."""
    run = Run(*args, name="build")
    children = None
    with helpers.MemorySampler(run.pid) as memory:
        while run.running():
            if children is None and helpers.descendants(run.pid):
                children = run.elapsed
            time.sleep(0.01)
            if run.elapsed > timeout:
                break
        code = run.wait(5)
    assert code == 0, f"the build failed ({code}): {run.tail()}"
    lines = {
        pattern: run.wait_line(pattern, 0)
        for pattern in ("learned the site template", "; committing", "committed at")
    }
    timing = BuildTiming(
        end=run.ended,
        children=children,
        learned=lines["learned the site template"],
        committing=lines["; committing"],
        committed=lines["committed at"],
        peak_mb=memory.peak,
    )
    return run, timing


@pytest.fixture(scope="session")
def base(engine, corpus, tmp_path_factory) -> Base:
    """The index of the corpus (state "A") that other tests copy or serve, made the hard way:
    a first build killed during extraction, then the build that must clean up after it (its
    duration is what the kill loop's random kill points are spread over)."""
    index_dir = tmp_path_factory.mktemp(f"base-{engine}") / "index"
    probes = corpus.probes()
    rng = random.Random(f"{helpers.SEED}/{engine}/first")
    args = helpers.index_args(corpus.folder, index_dir, engine=engine)
    first = Run(*args, name="first-build")
    try:
        learned = first.wait_line("learned the site template", timeout=600)
        time.sleep(rng.uniform(0, 2.0) if learned is not None else 0)
        delivered = first.kill()
        kill = FirstKill(delivered=delivered, at=first.killed_at or first.elapsed)
        kill.strays = first.strays()
        shot = snapshot(index_dir, probes)
        if shot.documents is not None and not shot.has(corpus.expected("A")):
            kill.problems.append(f"a killed first build left a partial index: {shot.documents} documents")
        if shot.documents is None and helpers.current_name(index_dir):
            kill.problems.append(f"CURRENT names a generation that does not open: {shot.error}")
    finally:
        first.cleanup()
    # --rebuild: a full build even if the kill came too late to stop the first one
    run, timing = timed_build(
        helpers.index_args(corpus.folder, index_dir, rebuild=True, engine=engine), timeout=1800
    )
    shot = snapshot(index_dir, probes)
    expected = corpus.expected("A")
    assert shot.has(expected), (
        f"the build after a killed one: {shot.differences(Snapshot(len(expected), expected))}"
    )
    left = helpers.leftovers(index_dir)
    if left:
        kill.problems.append(f"the next build left {left}")
    record(
        engine,
        "build",
        f"{helpers.PAGES} pages in {timing.end:.1f} s (template learned at "
        f"{timing.learned or 0:.1f} s, committing at {timing.committing or 0:.1f} s, committed at "
        f"{timing.committed or 0:.1f} s), peak {timing.peak_mb:.0f} MB for the process tree",
        seconds=round(timing.end, 1),
        peak_mb=round(timing.peak_mb),
    )
    return Base(index_dir, timing, kill, shot, run)


@pytest.fixture(scope="session")
def server(engine, base, tmp_path_factory):
    """`search serve --workers 2` on the base index (which nothing changes)."""
    log = tmp_path_factory.mktemp(f"serve-{engine}") / "serve.log"
    running = Server(base.index_dir, log)
    yield running
    running.stop()
