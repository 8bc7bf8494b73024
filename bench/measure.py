"""Measuring helpers: percentiles, and the memory of a process tree sampled from /proc."""

import os
import statistics
import subprocess
import threading
from pathlib import Path


def percentiles(latencies: list[float]) -> dict:
    """p50/p95/p99 (nearest rank) and mean of latencies in ms."""
    if not latencies:
        return {"p50": None, "p95": None, "p99": None, "mean": None, "max": None, "n": 0}
    ordered = sorted(latencies)

    def at(q: float) -> float:
        # nearest rank: the smallest value with at least q of the values at or below it
        rank = max(1, -(-int(q * 1000) * len(ordered) // 1000))
        return round(ordered[rank - 1], 1)

    return {
        "p50": at(0.50),
        "p95": at(0.95),
        "p99": at(0.99),
        "mean": round(statistics.mean(ordered), 1),
        "max": round(ordered[-1], 1),
        "n": len(ordered),
    }


def _children_map() -> dict[int, list[int]]:
    """ppid -> pids, from every /proc/PID/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # the command name is in parentheses and may hold spaces: fields follow the last ")"
        fields = stat[stat.rfind(b")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def process_tree(root: int) -> list[int]:
    """root and all its descendants."""
    children = _children_map()
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def _status_kb(pid: int, *fields: bytes) -> list[int]:
    """The fields of /proc/PID/status, in kB (0 for each when the process is gone)."""
    found = dict.fromkeys(fields, 0)
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                name = line[: line.find(b":") + 1]
                if name in found:
                    found[name] = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return list(found.values())


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class TreeMemory:
    """Samples the resident memory of a process and all its descendants every `interval`
    seconds, in a thread, until stopped. `peak_rss_mb` is the largest sum of RSS over the tree
    (pages shared between processes, as after a fork, count once per process: an upper bound);
    `peak_pss_mb` the largest sum of PSS (shared pages divided among their sharers: what the
    tree really holds), sampled every `pss_every` samples only: the kernel walks a process's
    page tables to answer (some 30 ms for 1 GB), which would take a core's tenth from what is
    measured. Both include memory-mapped files that are resident (an index read or merged
    through mmap: page cache the kernel takes back when it needs it). `peak_private_mb` is the
    largest sum of anonymous memory (RssAnon: the heaps, which nothing but the processes' end
    gives back), sampled with RSS. One sample costs about 2.5 ms (a scan of /proc for the tree)."""

    def __init__(self, pid: int, interval: float = 0.2, pss_every: int = 10):
        self.pid = pid
        self.interval = interval
        self.peak_rss_kb = 0
        self.peak_pss_kb = 0
        self.peak_private_kb = 0
        self.most_processes = 0
        self.samples = 0
        self.pss_every = pss_every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def sample(self) -> None:
        tree = process_tree(self.pid)
        each = [_status_kb(pid, b"VmRSS:", b"RssAnon:") for pid in tree]
        rss, private = sum(kb[0] for kb in each), sum(kb[1] for kb in each)
        self.peak_rss_kb = max(self.peak_rss_kb, rss)
        self.peak_private_kb = max(self.peak_private_kb, private)
        if self.samples % self.pss_every == 0:
            self.peak_pss_kb = max(self.peak_pss_kb, sum(_pss_kb(pid) for pid in tree))
        self.most_processes = max(self.most_processes, len(tree))
        self.samples += 1

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def result(self) -> dict:
        return {
            "peak_rss_mb": round(self.peak_rss_kb / 1024, 1),
            "peak_pss_mb": round(self.peak_pss_kb / 1024, 1),
            "peak_private_mb": round(self.peak_private_kb / 1024, 1),
            "processes": self.most_processes,
            "memory_samples": self.samples,
            "sample_seconds": self.interval,
            "pss_sample_seconds": self.interval * self.pss_every,
        }


def run_sampled(
    command: list[str], interval: float = 0.2, **options
) -> tuple[subprocess.CompletedProcess, dict]:
    """Run a command to its end while sampling its process tree's memory."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **options)
    with TreeMemory(process.pid, interval) as memory:
        stdout, stderr = process.communicate()
    completed = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    return completed, memory.result()


def folder_mb(folder: str | Path) -> float:
    """Bytes on disk of the files under a folder (allocated blocks), in MB."""
    total = 0
    for path in Path(folder).rglob("*"):
        try:
            stat = path.lstat()
        except OSError:
            continue
        if path.is_file():
            total += stat.st_blocks * 512
    return round(total / 2**20, 1)
