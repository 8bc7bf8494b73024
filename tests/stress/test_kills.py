"""kill -9 during `search index`: first builds, rebuilds and updates.

The kill points: uniform over the run's duration (measured once: the base build, and an update
of the same changes on a copy), and chosen ones: while the template is learned (workers up, no
"learned" line yet), during extraction, as the commit starts, during it, between the commit and
the swap of CURRENT (rebuilds); as an update starts writing, at the engine's commit file, and
around it (updates). STRESS_SEED repeats a run's points.

After each kill, before anything else runs:
- no process of the killed run is alive after STRAY_GRACE seconds (workers die with it);
- the index opens and holds no duplicate (documents = distinct ids);
- it holds exactly the documents it held before the run, or exactly the corpus's (an update is
  all old or all new; a rebuild swaps whole generations);
- the probe queries (titles of edited, removed and added pages, word pairs) answer as before the
  run, or as a completed run answers (computed once on a copy).
Then, after every rebuild kill and most update kills, the next plain `search index` must finish
(a dead run's lock must not hold it) with exactly the corpus, the probe answers of a completed
run, one generation and no half-written file. Skipping the convergence sometimes kills a run
that follows a killed one.
"""

import os
import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.stress import helpers
from tests.stress.conftest import record
from tests.stress.helpers import Run, Snapshot, copy_index, index_args, snapshot

# The file whose change is an engine's commit (Whoosh's table of contents, tantivy's meta.json).
COMMIT_FILES = {"whoosh": r"\.toc$", "tantivy": r"^meta\.json$"}
CONVERGE_SHARE = 0.6  # of update kills followed by a converging run


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    try:
        return {
            entry.name: (entry.stat().st_size, entry.stat().st_mtime_ns)
            for entry in os.scandir(folder)
            if "lock" not in entry.name.lower()
        }
    except OSError:
        return {}


class FileWatch:
    """Notes when files matching each pattern first appear or change in a folder (from a
    listing taken at construction, before the run starts)."""

    def __init__(self, folder: Path, patterns: dict[str, str]):
        self.folder = folder
        self.patterns = {name: re.compile(p) for name, p in patterns.items()}
        self.first: dict[str, float] = {}
        self._before = _listing(folder)
        self._stop = threading.Event()
        self._thread = None

    def begin(self, run: Run) -> "FileWatch":
        def watch():
            while not self._stop.is_set() and len(self.first) < len(self.patterns):
                now = _listing(self.folder)
                changed = [name for name, stat in now.items() if self._before.get(name) != stat]
                for key, regex in self.patterns.items():
                    if key not in self.first and any(regex.search(name) for name in changed):
                        self.first[key] = run.elapsed
                time.sleep(0.002)

        self._thread = threading.Thread(target=watch, daemon=True)
        self._thread.start()
        return self

    def wait(self, key: str, run: Run, timeout: float) -> float | None:
        deadline = time.monotonic() + timeout
        while key not in self.first:
            if not run.running() or time.monotonic() > deadline:
                return None
            time.sleep(0.002)
        return self.first[key]

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(2)


@dataclass
class UpdateTiming:
    """An update of corpus state A to B ("forward") and back: seconds to the end, to its
    first write in the index folder, to its engine's commit; what it answers afterwards."""

    end: dict[str, float]  # "B" (the update to B) or "A" (back) -> seconds
    first_write: dict[str, float | None]
    commit: dict[str, float | None]
    forward: Snapshot  # after A -> B
    back: Snapshot  # after B -> A again


@pytest.fixture(scope="session")
def update_timing(engine, base, corpus, tmp_path_factory) -> UpdateTiming:
    """An update A -> B and back, run to the end on a copy of the base index: how long it
    takes, when it writes and commits, and what a completed update answers."""
    index_dir = copy_index(base.index_dir, tmp_path_factory.mktemp(f"update-{engine}") / "index")
    probes = corpus.probes()
    timing = UpdateTiming({}, {}, {}, Snapshot(), Snapshot())
    with corpus.lock:
        try:
            for state in ("B", "A"):
                corpus.set_state(state)
                generation = index_dir / helpers.current_name(index_dir)
                watch = FileWatch(generation, {"write": ".", "commit": COMMIT_FILES[engine]})
                run = Run(*index_args(corpus.folder, index_dir), name="update")
                watch.begin(run)
                code = run.wait(1200)
                watch.stop()
                assert code == 0, f"the update failed ({code}): {run.tail()}"
                timing.end[state] = run.ended
                timing.first_write[state] = watch.first.get("write")
                timing.commit[state] = watch.first.get("commit")
                shot = snapshot(index_dir, probes)
                expected = corpus.expected(state)
                assert shot.has(expected), shot.differences(Snapshot(len(expected), expected))
                if state == "B":
                    timing.forward = shot
                else:
                    timing.back = shot
        finally:
            corpus.set_state("A")
    record(
        engine,
        "update",
        f"{len(corpus.edited)} edited, {len(corpus.removed)} removed, "
        f"{len(corpus.added)} added pages in {timing.end['B']:.1f} s (first write at "
        f"{timing.first_write['B'] or 0:.1f} s, commit at {timing.commit['B'] or 0:.1f} s); "
        f"back in {timing.end['A']:.1f} s",
        seconds=round(timing.end["B"], 1),
    )
    return timing


@dataclass
class Point:
    """When to kill: kind "time" (at seconds after the start), "line" (delay after a log
    line), "children" (delay after the first worker process), "file" (delay after a file
    matching pattern changes in the live generation), "commit" (delay, maybe negative, from
    the moment the measured update committed)."""

    op: str  # "rebuild" or "update"
    label: str
    kind: str
    at: float = 0.0  # "time": seconds, or with `share`, the share of the run's measured duration
    share: bool = False
    pattern: str = ""
    delay: float = 0.0
    deliberate: bool = True

    def seconds(self, build, update: "UpdateTiming", target: str) -> float:
        """When a "time" point falls in a run towards the target corpus state."""
        if not self.share:
            return self.at
        return self.at * (build.end if self.op == "rebuild" else update.end[target])


def kill_points(engine: str, build, update: UpdateTiming, count: int, rng: random.Random) -> list[Point]:
    """`count` kill points: the chosen ones, then uniform ones over each run's duration."""
    points = []
    if build.children is not None and build.learned is not None:
        points.append(
            Point(
                "rebuild",
                "while the template is learned",
                "children",
                delay=rng.uniform(0, max(0.01, (build.learned - build.children) * 0.8)),
            )
        )
    if build.learned is not None and build.committing is not None:
        points.append(
            Point(
                "rebuild",
                "during extraction",
                "line",
                pattern="learned the site template",
                delay=rng.uniform(0, build.committing - build.learned),
            )
        )
    if build.committing is not None:
        points.append(Point("rebuild", "as the commit starts", "line", pattern="; committing"))
        if build.committed is not None:
            points.append(
                Point(
                    "rebuild",
                    "during the commit",
                    "line",
                    pattern="; committing",
                    delay=rng.uniform(0, build.committed - build.committing),
                )
            )
    if build.committed is not None:
        points.append(Point("rebuild", "after the commit, before the swap", "line", pattern="committed at"))
    points.append(Point("update", "as the update starts writing", "file", pattern="."))
    points.append(Point("update", "at the engine's commit", "file", pattern=COMMIT_FILES[engine]))
    points.append(Point("update", "around the commit", "commit", delay=rng.uniform(-0.2, 0.2)))
    # Rebuilds cost a whole build each: a slow engine gets one uniform rebuild kill, a fast one four.
    random_rebuilds = 1 if build.end > 30 else 4
    while len(points) < count:
        rebuild = random_rebuilds > 0
        random_rebuilds -= rebuild
        points.append(random_point(rebuild, build, update, rng))
    rng.shuffle(points)
    return points[:count]


def random_point(rebuild: bool, build, update: UpdateTiming, rng: random.Random) -> Point:
    """Uniform over the run's duration (measured once: the base build, the update)."""
    return Point(
        "rebuild" if rebuild else "update",
        "at a random moment",
        "time",
        at=rng.random(),
        share=True,
        deliberate=False,
    )


def kill_at(run: Run, point: Point, at: float, watch: FileWatch | None, patience: float) -> bool:
    """Wait for the point (at `at` s for a "time" one), kill -9 the run; False if the run had
    already finished."""
    if point.kind == "time":
        while run.running() and run.elapsed < at:
            time.sleep(0.002)
    elif point.kind == "line":
        if run.wait_line(point.pattern, patience) is None:
            return run.kill()  # the line never came: the run ended (or the log changed)
        time.sleep(point.delay)
    elif point.kind == "children":
        while run.running() and not helpers.descendants(run.pid) and run.elapsed < patience:
            time.sleep(0.002)
        time.sleep(point.delay)
    elif point.kind == "file":
        if watch is None or watch.wait("trigger", run, patience) is None:
            return run.kill()
        time.sleep(point.delay)
    return run.kill()


class KillLoop:
    def __init__(self, engine, base, update_timing, corpus, index_dir, rng):
        self.engine, self.base, self.corpus, self.index_dir, self.rng = engine, base, corpus, index_dir, rng
        self.probes = corpus.probes()
        # What a completed run answers, per corpus state.
        self.completed = {"A": [base.snapshot, update_timing.back], "B": [update_timing.forward]}
        self.update = update_timing
        self.problems: list[str] = []
        self.stats = Counter()
        self.converged = True
        self.timeout = 3 * max(base.timing.end, *update_timing.end.values()) + 120

    def expected(self, state: str | None = None) -> Snapshot:
        documents = self.corpus.expected(state)
        return Snapshot(len(documents), documents)

    def converge(self, why: str) -> None:
        """The next plain run: it must finish, and the index be exactly the corpus."""
        run = Run(*index_args(self.corpus.folder, self.index_dir), name="converge")
        try:
            run.wait(self.timeout)
            self.stats["converging runs"] += 1
            self.check_complete(run, why)
        finally:
            run.cleanup()

    def check_complete(self, run: Run, why: str) -> None:
        """A run that ended on its own: it succeeded, and the index is exactly the corpus."""
        code = run.proc.returncode
        strays = run.strays()
        if code not in (0, 3):
            self.problems.append(f"after {why}: the next run failed ({code}): {run.tail()}")
        if "waiting for another" in run.text("err"):
            self.problems.append(f"after {why}: the next run waited for the killed run's lock")
        if strays:
            self.problems.append(f"after {why}: the next run left processes: {strays}")
        shot = snapshot(self.index_dir, self.probes)
        if not shot.has(self.corpus.expected()):
            self.problems.append(
                f"after {why}: the next run did not converge to the corpus: "
                f"{shot.differences(self.expected())}; it said: {run.text('out')[-160:]}"
            )
        elif not any(shot.same_answers(done) for done in self.completed[self.corpus.state]):
            self.problems.append(
                f"after {why}: the converged index answers unlike a completed run: "
                f"{shot.differences(self.completed[self.corpus.state][0])}"
            )
        left = helpers.leftovers(self.index_dir)
        if left:
            self.problems.append(f"after {why}: the next run left {left}")
        self.stats["duplicates"] += max(0, shot.duplicates)
        self.converged = True

    def attempt(self, number: int, point: Point) -> bool:
        """One run killed at the point and checked; False if it finished before the kill."""
        corpus = self.corpus
        if point.op == "rebuild" and not (self.converged and corpus.state == "A"):
            corpus.set_state("A")  # rebuilds start from a converged index of A (one template)
            self.converge("getting ready for a rebuild")
        target = "A" if point.op == "rebuild" else ("B" if corpus.state == "A" else "A")
        corpus.set_state(target)
        pre = snapshot(self.index_dir, self.probes)
        generation = self.index_dir / (helpers.current_name(self.index_dir) or "none")
        watch = FileWatch(generation, {"trigger": point.pattern}) if point.kind == "file" else None
        at = point.seconds(self.base.timing, self.update, target)
        if point.kind == "commit":  # the measured moment of this update's commit, give or take
            point = Point(
                point.op,
                point.label,
                "time",
                deliberate=True,
                at=max(0.0, (self.update.commit[target] or self.update.end[target] / 2) + point.delay),
            )
            at = point.at
        run = Run(
            *index_args(corpus.folder, self.index_dir, rebuild=point.op == "rebuild"), name=f"kill-{point.op}"
        )
        what = f"kill {number} ({point.op} {point.label}"
        try:
            if watch:
                watch.begin(run)
            delivered = kill_at(run, point, at, watch, patience=self.timeout)
            if watch:
                watch.stop()
            what += f", at {run.killed_at or run.elapsed:.2f} s)"
            if not delivered:
                run.wait(self.timeout)
                self.stats["runs that finished before their kill point"] += 1
                self.check_complete(run, f"{what}, which finished first")
                return False
            strays = run.strays()
        finally:
            run.cleanup()
        self.stats["kills"] += 1
        self.stats[f"{point.op} kills"] += 1
        self.stats["deliberate" if point.deliberate else "random"] += 1
        if strays:
            self.stats["stray processes"] += len(strays)
            self.problems.append(f"{what}: processes alive {helpers.STRAY_GRACE:.0f} s later: {strays}")
        post = snapshot(self.index_dir, self.probes)
        if post.documents is None:
            self.problems.append(f"{what}: the index no longer opens: {post.error}")
            self.stats["lost index"] += 1
        else:
            if post.duplicates:
                self.stats["duplicates"] += post.duplicates
                self.problems.append(f"{what}: {post.duplicates} duplicate documents")
            new = self.expected(target)
            old = post.hashes == pre.hashes and post.documents == pre.documents
            if not old and not post.has(new.hashes):
                lost = (pre.hashes.keys() & new.hashes.keys()) - post.hashes.keys()
                self.stats["lost documents"] += len(lost)
                self.problems.append(
                    f"{what}: neither the old documents ({post.differences(pre)}) "
                    f"nor the new ones ({post.differences(new)})"
                )
            answers = [pre] + self.completed[target]
            if not any(post.same_answers(shot) for shot in answers):
                self.problems.append(
                    f"{what}: queries answer neither as before ({post.differences(pre)}) "
                    f"nor as after a completed run"
                )
            self.stats[
                "the old index answered"
                if old and helpers.current_name(self.index_dir) == generation.name
                else "the new index answered"
            ] += 1
            if post.partial:
                self.stats["probe queries cut short"] += len(post.partial)
        self.converged = False
        if point.op == "rebuild" or self.rng.random() < CONVERGE_SHARE:
            self.converge(what)
        return True


def test_kill_loop(engine, base, update_timing, changing, tmp_path):
    """KILLS kill -9s per engine, the first build's (made by the `base` fixture) included."""
    rng = random.Random(f"{helpers.SEED}/{engine}/kills")
    loop = KillLoop(
        engine, base, update_timing, changing, copy_index(base.index_dir, tmp_path / "index"), rng
    )
    first = base.first_kill
    if first.delivered:
        loop.stats["kills"] += 1
        loop.stats["first build kills"] += 1
        loop.stats["deliberate"] += 1
    else:
        loop.stats["runs that finished before their kill point"] += 1
    loop.problems += [f"first build killed at {first.at:.1f} s: {p}" for p in first.problems]
    if first.strays:
        loop.stats["stray processes"] += len(first.strays)
        loop.problems.append(f"first build killed at {first.at:.1f} s: processes alive: {first.strays}")
    points = kill_points(engine, base.timing, update_timing, helpers.KILLS - loop.stats["kills"], rng)
    number, attempts = 0, 0
    started = time.monotonic()
    while loop.stats["kills"] < helpers.KILLS and attempts < 3 * helpers.KILLS:
        attempts += 1
        point = points.pop(0) if points else random_point(rng.random() < 0.2, base.timing, update_timing, rng)
        if loop.attempt(number + 1, point):
            number += 1
    loop.corpus.set_state("A")
    loop.converge("the last kill")
    stats = loop.stats
    record(
        engine,
        "kill -9",
        (
            f"{stats['kills']} kills survived ({stats['first build kills']} first build, "
            f"{stats['rebuild kills']} rebuild, {stats['update kills']} update; {stats['deliberate']} at "
            f"chosen points, {stats['random']} random) in {time.monotonic() - started:.0f} s: "
            f"duplicates {stats['duplicates']}, lost documents {stats['lost documents']}, "
            f"stray processes {stats['stray processes']}, lost index {stats['lost index']}"
        ),
        kills=stats["kills"],
        duplicates=stats["duplicates"],
        lost=stats["lost documents"],
        strays=stats["stray processes"],
        problems=len(loop.problems),
    )
    record(
        engine,
        "kill -9",
        f"after the kill: old index answered {stats['the old index answered']}, "
        f"new {stats['the new index answered']}; {stats['converging runs']} converging runs; "
        f"{stats['runs that finished before their kill point']} runs finished before their kill point; "
        f"probe queries cut short {stats['probe queries cut short']}",
    )
    for problem in loop.problems[:10]:
        record(engine, "kill -9", f"PROBLEM {problem}")
    assert stats["kills"] >= helpers.KILLS, f"only {stats['kills']} kills landed"
    assert not loop.problems, "\n".join(loop.problems)
