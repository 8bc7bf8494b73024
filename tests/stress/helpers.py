"""The stress suite's machinery: settings, `search` runs that can be killed at chosen moments,
process-tree memory and stray-process checks, the two states of the generated corpus, and
snapshots of an index (its documents and the answers to a fixed set of queries).

Nothing here asserts; the tests do, so that one broken figure still leaves the others measured.
"""

import http.client
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

from tests.paths import ROOT, SEEDS

# -- settings ------------------------------------------------------------------------------------


def _env_number(name: str, default, kind=int):
    value = os.environ.get(name, "").strip()
    try:
        return kind(value) if value else default
    except ValueError:
        return default


PAGES = _env_number("STRESS_PAGES", 2000)  # pages of the generated corpus
SECONDS = _env_number("STRESS_SECONDS", 60.0, float)  # the load test's duration
CLIENTS = _env_number("STRESS_CLIENTS", 16)  # the load test's concurrent clients
KILLS = _env_number("STRESS_KILLS", 20)  # kill -9s per engine (the first build's included)
FUZZ_EXAMPLES = _env_number("STRESS_FUZZ_EXAMPLES", 200)  # hypothesis examples, library and HTTP
CLI_EXAMPLES = _env_number("STRESS_CLI_EXAMPLES", 10)  # through `search query` (slow)
IDLE_SOCKETS = _env_number("STRESS_IDLE_SOCKETS", 200)
SEED = _env_number("STRESS_SEED", random.randrange(1, 10**6))  # printed in the report
# The runs made while a search loop queries (see test_concurrent.py).
LOOP_RUNS = [
    op.strip()
    for op in os.environ.get("STRESS_LOOP_RUNS", "update,rebuild,update,update,update").split(",")
    if op.strip()
]

SLOW_MS = 1000  # no request, query or page over this
WORKERS = 2  # `search serve --workers`
STRAY_GRACE = 5.0  # seconds a killed run's workers may take to die
SEARCH = (
    [str(Path(sys.executable).with_name("search"))]
    if Path(sys.executable).with_name("search").exists()
    else [sys.executable, "-c", "from search.cli import main; main()"]
)
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


# -- processes -----------------------------------------------------------------------------------


def _ppid(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            stat = file.read()
    except OSError:
        return None
    # pid (comm) state ppid ...: comm may hold spaces and parentheses
    fields = stat[stat.rfind(b")") + 2 :].split()
    return None if fields[0] == b"Z" else int(fields[1])


def process_table() -> dict[int, int]:
    """pid -> parent pid of every live (not zombie) process."""
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            parent = _ppid(int(entry))
            if parent is not None:
                table[int(entry)] = parent
    return table


def descendants(pid: int, table: dict[int, int] | None = None) -> list[int]:
    table = process_table() if table is None else table
    children: dict[int, list[int]] = {}
    for child, parent in table.items():
        children.setdefault(parent, []).append(child)
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm") as file:
            return int(file.read().split()[1]) * PAGE_BYTES / 2**20
    except (OSError, IndexError, ValueError):
        return 0.0


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (MB)."""
    return sum(rss_mb(p) for p in [pid, *descendants(pid)])


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as file:
            return file.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
    except OSError:
        return "?"


def tagged(tag: str) -> list[int]:
    """Live processes whose environment carries STRESS_TAG=tag: a run and everything it forked,
    even after they were re-parented."""
    needle = f"STRESS_TAG={tag}\0".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as file:
                if needle in file.read() and _ppid(int(entry)) is not None:
                    found.append(int(entry))
        except OSError:
            continue
    return found


class MemorySampler:
    """Samples the resident memory of a process tree in a thread: `with MemorySampler(pid):`."""

    def __init__(self, pid: int, every: float = 0.05):
        self.pid, self.every = pid, every
        self.samples: list[tuple[float, float]] = []  # (seconds, MB)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        started = time.monotonic()
        while not self._stop.is_set():
            self.samples.append((time.monotonic() - started, tree_rss_mb(self.pid)))
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)

    @property
    def peak(self) -> float:
        return max((mb for _, mb in self.samples), default=0.0)

    def quarters(self) -> tuple[float, float]:
        """Average MB of the first and of the last quarter of the samples."""
        values = [mb for _, mb in self.samples]
        if len(values) < 4:
            return (values[0], values[-1]) if values else (0.0, 0.0)
        quarter = len(values) // 4
        return statistics.mean(values[:quarter]), statistics.mean(values[-quarter:])


class Run:
    """One `search` command in its own session, its output lines timestamped as they come.

    Every process it starts carries STRESS_TAG in its environment, so survivors can be found
    after a kill -9 of the parent, whoever adopted them.
    """

    def __init__(self, *args, env: dict | None = None, name: str = "run"):
        self.tag = f"{name}-{uuid.uuid4().hex[:12]}"
        environment = {**os.environ, "PYTHONUNBUFFERED": "1", "STRESS_TAG": self.tag, **(env or {})}
        self.args = [*SEARCH, *map(str, args)]
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            self.args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environment,
            cwd=ROOT,
            start_new_session=True,
        )
        self.pid = self.proc.pid
        self.lines: list[tuple[float, str, str]] = []  # (seconds since start, "out"/"err", text)
        self.ended: float | None = None  # seconds since start
        self.killed_at: float | None = None
        self._changed = threading.Condition()
        self._readers = [
            threading.Thread(target=self._read, args=(stream, name), daemon=True)
            for stream, name in ((self.proc.stdout, "out"), (self.proc.stderr, "err"))
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, stream, name: str) -> None:
        for raw in iter(stream.readline, b""):
            with self._changed:
                self.lines.append(
                    (time.monotonic() - self.started, name, raw.decode("utf-8", "replace").rstrip("\r\n"))
                )
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def running(self) -> bool:
        return self.proc.poll() is None

    def wait_line(self, pattern: str, timeout: float) -> float | None:
        """Seconds since start at which a line matching pattern came, or None if the run
        ended (or the timeout passed) first."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        seen = 0
        with self._changed:
            while True:
                for at, _, text in self.lines[seen:]:
                    if regex.search(text):
                        return at
                seen = len(self.lines)
                if (
                    not self.running() and not any(r.is_alive() for r in self._readers)
                ) or time.monotonic() > deadline:
                    return None
                self._changed.wait(0.02)

    def kill(self) -> bool:
        """kill -9 the parent (only); True if it was still running (not already done)."""
        if self.proc.poll() is not None:
            return False
        os.kill(self.pid, signal.SIGKILL)
        self.proc.wait()
        self.killed_at = self.ended = self.elapsed
        return self.proc.returncode == -signal.SIGKILL

    def wait(self, timeout: float) -> int:
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.cleanup()
            raise AssertionError(
                f"{' '.join(self.args[1:])} did not finish in {timeout:.0f} s; last output: {self.tail()}"
            ) from None
        if self.ended is None:
            self.ended = self.elapsed
        for reader in self._readers:
            reader.join(5)
        return self.proc.returncode

    def text(self, stream: str | None = None) -> str:
        with self._changed:
            return "\n".join(text for _, name, text in self.lines if stream in (None, name))

    def tail(self, count: int = 12) -> str:
        with self._changed:
            return " | ".join(text for _, _, text in self.lines[-count:])

    def strays(self, grace: float = STRAY_GRACE) -> list[str]:
        """Processes of this run still alive `grace` seconds after it ended (then killed)."""
        deadline = time.monotonic() + grace
        while True:
            pids = tagged(self.tag)
            if not pids:
                return []
            if time.monotonic() > deadline:
                described = [f"pid {pid}: {cmdline(pid)[:120]}" for pid in pids]
                for pid in pids:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                return described
            time.sleep(0.05)

    def cleanup(self) -> None:
        """Kill whatever of this run is left (its process group, and tagged processes)."""
        for pid in [self.pid, *tagged(self.tag)]:
            try:
                os.killpg(pid, signal.SIGKILL) if pid == self.pid else os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass


def run_search(*args, timeout: float = 600, env: dict | None = None, name: str = "run") -> Run:
    """Run `search ARGS` to the end (or fail after timeout)."""
    run = Run(*args, env=env, name=name)
    run.wait(timeout)
    return run


def index_args(corpus_dir, index_dir, rebuild: bool = False, engine: str | None = None) -> list[str]:
    args = ["-v", "index", str(corpus_dir), "--index", str(index_dir)]
    if rebuild:
        args.append("--rebuild")
    if engine:
        args += ["--engine", engine]
    return args


def generations(index_dir: Path) -> list[str]:
    return sorted(path.name for path in Path(index_dir).glob("gen-*"))


def current_name(index_dir: Path) -> str | None:
    try:
        return (Path(index_dir) / "CURRENT").read_text().strip()
    except OSError:
        return None


def leftovers(index_dir: Path) -> list[str]:
    """What a finished run should not leave: generations other than the live one, and
    half-written files."""
    index_dir = Path(index_dir)
    live = current_name(index_dir)
    found = [name for name in generations(index_dir) if name != live]
    found += [str(p.relative_to(index_dir)) for p in index_dir.rglob("*.new")]
    return found


def copy_index(source: Path, destination: Path) -> Path:
    shutil.copytree(source, destination)
    return destination


# -- the corpus ----------------------------------------------------------------------------------


class Corpus:
    """The generated corpus in one of two states: "A" (pages 0..PAGES-1 as generated) or "B"
    (A with about 2% of its pages edited, 1% removed and 20 pages added). Updates flip
    between them; every other test sees "A"."""

    def __init__(self, folder: Path, pages: int):
        from bench.synthetic import Generator, page_path, write_corpus

        self.folder, self.pages = Path(folder), pages
        write_corpus(self.folder, pages, seeds_dir=SEEDS)
        self._generator = Generator(SEEDS)
        self._page_path = page_path
        self.edited = [n for n in range(pages) if n % 50 == 5]
        self.removed = [n for n in range(pages) if n % 100 == 7]
        self.added = list(range(pages, pages + 20))
        self.state = "A"
        self._expected: dict[str, dict[str, str]] = {}
        self.lock = threading.Lock()

    def path(self, number: int) -> Path:
        return self._page_path(self.folder, f"site-{number % 20:02d}", number)

    def text(self, number: int, version: int = 0) -> str:
        return self._generator.page(number, version)[1]

    def title(self, number: int, version: int = 0) -> str:
        return self.text(number, version).split("\n", 1)[0]

    def set_state(self, state: str) -> None:
        if state == self.state:
            return
        for number in self.edited:
            self.path(number).write_bytes(self.text(number, 1 if state == "B" else 0).encode("utf-8"))
        for number in self.removed if state == "B" else self.added:
            self.path(number).unlink(missing_ok=True)
        for number in self.added if state == "B" else self.removed:
            self.path(number).write_bytes(self.text(number).encode("utf-8"))
        self.state = state

    def files(self) -> list[Path]:
        return sorted(self.folder.rglob("*.txt"))

    def expected(self, state: str | None = None) -> dict[str, str]:
        """doc id -> content hash of every page of a state: what the index must hold."""
        from search.corpus import content_hash
        from search.pipeline import doc_id

        state = state or self.state
        if state not in self._expected:
            assert state == self.state, "the expected documents are read from the files"
            self._expected[state] = {
                doc_id(str(path)): content_hash(path.read_bytes()) for path in self.files()
            }
        return self._expected[state]

    def probes(self) -> list[str]:
        """The queries whose answers stand for the index's state: titles (as phrases) of pages
        that an update edits, removes or adds, of one it leaves alone, and two word pairs."""
        titles = [self.title(n) for n in self.edited[:3]]
        titles += [self.title(n, 1) for n in self.edited[:2]]
        titles += [self.title(self.removed[0]), self.title(self.added[0]), self.title(1)]
        probes = [f'"{title}"' for title in titles]
        for number in (self.edited[0], 1):
            words = re.sub(r"[^\w\s]", " ", self.text(number).split("\n")[4]).split()
            probes.append(" ".join(words[2:4]).lower())
        return list(dict.fromkeys(probes))

    def query_mix(self, count: int, seed: int = 7) -> list[str]:
        """Realistic queries cut from the pages' text: 1-4 syllables, half without accents,
        some quoted, a few with -, OR or a prefix*."""
        rng = random.Random(seed)
        files = self.files()
        queries = []
        while len(queries) < count:
            lines = rng.choice(files).read_text(encoding="utf-8").split("\n")
            words = re.sub(r"[^\w\s]", " ", rng.choice(lines[3:8])).split()
            if len(words) < 8:
                continue
            size = rng.choice([1, 2, 2, 3, 3, 4])
            start = rng.randrange(len(words) - size - 2)
            text = " ".join(words[start : start + size]).lower()
            if rng.random() < 0.5:
                text = fold(text)
            kind = rng.random()
            if size > 1 and kind < 0.2:
                text = f'"{text}"'
            elif kind < 0.25:
                text += f" -{words[start + size + 1].lower()}"
            elif kind < 0.3:
                text += f" OR {words[start + size + 1].lower()}"
            elif kind < 0.35:
                text += f" {words[start + size + 1][:3].lower()}*"
            queries.append(text)
        return queries


def fold(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


# -- snapshots of an index -----------------------------------------------------------------------


@dataclass
class Snapshot:
    """What an index answers: None documents when there is no index (or it cannot be opened)."""

    documents: int | None = None
    hashes: dict[str, str] = field(default_factory=dict)  # doc id -> content hash
    answers: dict[str, tuple] = field(default_factory=dict)  # query -> (total, relation, ids)
    partial: list[str] = field(default_factory=list)  # queries cut short by the time budget
    error: str | None = None

    @property
    def duplicates(self) -> int:
        return 0 if self.documents is None else self.documents - len(self.hashes)

    def same_answers(self, other: "Snapshot") -> bool:
        keys = (self.answers.keys() & other.answers.keys()) - set(self.partial) - set(other.partial)
        return self.answers.keys() == other.answers.keys() and all(
            self.answers[k] == other.answers[k] for k in keys
        )

    def differences(self, other: "Snapshot") -> str:
        """How this snapshot's documents and answers differ from another's, in a few words."""
        if self.documents is None or other.documents is None:
            return f"documents {self.documents} vs {other.documents} ({self.error or other.error})"
        added = self.hashes.keys() - other.hashes.keys()
        lost = other.hashes.keys() - self.hashes.keys()
        changed = [k for k in self.hashes.keys() & other.hashes.keys() if self.hashes[k] != other.hashes[k]]
        answers = [
            f"{q[:40]!r}: {self.answers.get(q, ('-',))[0]} vs {other.answers.get(q, ('-',))[0]}"
            for q in other.answers
            if self.answers.get(q) != other.answers.get(q)
        ]
        return (
            f"documents {self.documents} vs {other.documents}, {len(added)} more, "
            f"{len(lost)} fewer, {len(changed)} with other content; answers differing: "
            + ("; ".join(answers[:4]) or "none")
        )

    def has(self, expected: dict[str, str]) -> bool:
        """Exactly these documents, once each."""
        return self.documents == len(expected) and self.hashes == expected


def snapshot(index_dir: Path, probes: list[str]) -> Snapshot:
    """Open the live index as a reader would and read its documents and its probe answers."""
    from search import query
    from search.generations import IndexNotFound
    from search.live import open_index

    try:
        store = open_index(index_dir)
    except IndexNotFound as error:
        return Snapshot(error=str(error))
    try:
        with store.searcher() as searcher:
            shot = Snapshot(documents=searcher.doc_count(), hashes=searcher.indexed_hashes())
            for text in probes:
                for _ in range(3):  # a search cut short by its time budget is asked again
                    page = query.search(searcher, text, limit=100)
                    if not page.partial:
                        break
                if page.partial:
                    shot.partial.append(text)
                ids = tuple(sorted(hit.id for hit in page.results)) if page.total <= 100 else None
                shot.answers[text] = (page.total, page.to_json().get("total_relation"), ids)
            return shot
    except Exception as error:  # a damaged index is a finding, not a crash of the suite
        return Snapshot(error=f"{type(error).__name__}: {error}")
    finally:
        try:
            store.close()
        except Exception:
            pass


# -- HTTP ----------------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`search serve --index DIR --port P --workers 2`, as a user runs it."""

    def __init__(self, index_dir: Path, log_file: Path, workers: int = WORKERS, env: dict | None = None):
        self.port = free_port()
        self.log_file = log_file
        self.run = Run(
            "serve", "--index", index_dir, "--port", self.port, "--workers", workers, env=env, name="serve"
        )
        deadline = time.monotonic() + 90
        while True:
            try:
                status, _ = self.get("/api/search?q=a", timeout=5)
                if status == 200:
                    break
            except OSError:
                pass
            if not self.run.running() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"search serve did not answer: {self.run.tail()}")
            time.sleep(0.2)

    @property
    def pid(self) -> int:
        return self.run.pid

    def get(self, path: str, timeout: float = 10) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def search(self, text: str, **params) -> tuple[int, dict | bytes, float]:
        """(status, JSON or raw body, ms) of /api/search."""
        path = "/api/search?" + urlencode({"q": text, **params}, quote_via=quote)
        started = time.perf_counter()
        status, body = self.get(path)
        elapsed = (time.perf_counter() - started) * 1000
        try:
            return status, json.loads(body), elapsed
        except ValueError:
            return status, body, elapsed

    def stop(self) -> None:
        if self.run.running():
            self.run.proc.terminate()
            try:
                self.run.proc.wait(30)
            except subprocess.TimeoutExpired:
                pass
        self.run.cleanup()
        self.log_file.write_text(self.run.text())


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p99": 0.0, "max": 0.0}
    ordered = sorted(values)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    return {"p50": round(at(0.5), 1), "p99": round(at(0.99), 1), "max": round(ordered[-1], 1)}
