"""Saved news pages -> extraction and indexing rates on one core, next to trafilatura's (issue #19).

python -m bench.real_pages [--pages DIR] [--repeat N] [--trafilatura-python PY]   (make bench-real)

Pins itself, and so every child process, to one core, then measures in one run:
a. extraction alone, in this process: `read_page` then `extract`, as the build reads a page;
b. a full tantivy build (`bench.child build`, SEARCH_BUILD_PROCESSES=1) of N copies of each
   page, copy k of a site's pages in a folder of its own (SITE-k/) and made distinct by a
   trailing HTML comment and its own URL ("?copy=k" after the page's), so that every copy
   has its own content hash and is a document of its own;
c. with PY (a python that has trafilatura), trafilatura on the same files (bench/trafilatura_rate.py).
N (default: enough for about 10 s of extraction) is the same for all three. The pages are read
where they are (../shared/real-pages/pages from the project's root); the copies go to a
temporary folder outside the project. Prints a Markdown report and writes it, with its JSON,
to bench/out/real-pages.md and .json.
"""

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from bench.__main__ import _commit, log

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
PAGES = ROOT.parent / "shared" / "real-pages" / "pages"
TARGET_SECONDS = 10  # of extraction, for the default N: steady figures, a short run
# The goals for the indexing rate on one core.
GOAL_RATIO, GOAL_RATE, AIM_RATE = 10, 150, 300
BUSY_SHARE = 0.05  # of our core taken by other processes, above which the report warns


def pin_to_one_core() -> int:
    """Run this process, and every process it starts, on the first core it may use."""
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


class CoreShare:
    """What other processes took of `cpu` while the block ran (our own CPU, children we waited
    for included, is subtracted): a core shared with another job makes every figure slower."""

    def __init__(self, cpu: int):
        self.cpu = cpu

    def _seconds(self) -> tuple[float, float, float]:
        with open("/proc/stat") as stat:
            line = next(x for x in stat if x.startswith(f"cpu{self.cpu} "))
        ticks = [int(x) for x in line.split()[1:]]
        mine = os.times()
        own = mine.user + mine.system + mine.children_user + mine.children_system
        busy = (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # all but idle, iowait
        return busy, own, time.perf_counter()

    def __enter__(self):
        self.before = self._seconds()
        return self

    def __exit__(self, *exc):
        busy, own, wall = (after - before for after, before in zip(self._seconds(), self.before))
        self.others = round(max(0.0, busy - own) / wall, 3)


def extraction(files: list[Path], repeat: int | None) -> dict:
    """Read and extract each file as the build does, after one untimed pass that also sets
    the default repeat count."""
    from search.corpus import Skipped  # after main() set the environment
    from search.extract import extract
    from search.pipeline import read_page

    def one(path: Path) -> bool:
        page = read_page(path)
        return not isinstance(page, Skipped) and extract(page) is not None

    started = time.perf_counter()
    articles = sum(one(path) for path in files)
    repeat = repeat or max(1, math.ceil(TARGET_SECONDS / (time.perf_counter() - started)))
    times = []
    started = time.perf_counter()
    for _ in range(repeat):
        for path in files:
            begun = time.perf_counter()
            one(path)
            times.append(time.perf_counter() - begun)
    seconds = time.perf_counter() - started
    return {
        "repeat": repeat,
        "pages": len(times),
        "articles_per_pass": articles,
        "seconds": round(seconds, 2),
        "pages_per_s": round(len(times) / seconds, 1),
        "mean_ms": round(seconds * 1000 / len(times), 2),
        "median_ms": round(statistics.median(times) * 1000, 2),
    }


def copy_pages(files: list[Path], folder: Path, repeat: int) -> int:
    """`repeat` copies of the pages: copy k of site X's pages in folder/X-k/ (the site is the
    file name up to its first "-"), each ending with a comment that names its copy, and with
    the page's own URL made its own ("...?copy=k"): the build takes copies of one URL for one
    document, and every copy is to be indexed."""
    for path in files:
        data, url = path.read_bytes(), own_url(path)
        for k in range(repeat):
            site, copy = path.name.split("-")[0], data
            for quote in (b'"', b"'") if url else ():  # the URL as an attribute's whole value
                copy = copy.replace(quote + url + quote, quote + url + b"?copy=%d" % k + quote)
            (folder / f"{site}-{k}").mkdir(parents=True, exist_ok=True)
            (folder / f"{site}-{k}" / path.name).write_bytes(copy + b"\n<!-- copy %d -->\n" % k)
    return repeat * len(files)


def own_url(path: Path) -> bytes | None:
    """The URL the page gives itself (canonical link, og:url), as it is written in the file."""
    from search.extract.head import read_head
    from search.extract.tree import parse
    from search.pipeline import read_page

    url = read_head(parse(read_page(path).text)).url
    return url.encode("utf-8") if url else None


def build(corpus: Path, index: Path, files: int) -> dict:
    """`build_index(engine="tantivy")` in a fresh process (bench/child.py) with one extraction
    process; its time includes importing search.index, its peak is the whole build's."""
    command = [sys.executable, "-m", "bench.child", "build", "tantivy", str(corpus), str(index)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"bench.child build failed ({done.returncode}):\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "files": files,
        "indexed": result["indexed"],
        "skipped": result["skipped"],
        "seconds": result["seconds"],
        "process_seconds": round(wall, 2),
        "pages_per_s": round(files / result["seconds"], 1),
        "mean_ms": round(result["seconds"] * 1000 / files, 2),
        "peak_rss_mb": result["own_peak_mb"],
    }


def trafilatura(python: str, files: list[Path], repeat: int) -> dict:
    """bench/trafilatura_rate.py in `python`, on the same files, as many times."""
    command = [python, str(HERE / "trafilatura_rate.py"), str(repeat), *map(str, files)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"trafilatura_rate.py failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def versions() -> dict:
    found = {"python": platform.python_version()}
    for package in ("beautifulsoup4", "selectolax", "lxml", "tantivy"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass
    return found


def processor() -> str:
    with open("/proc/cpuinfo") as info:
        return next((x.split(":", 1)[1].strip() for x in info if x.startswith("model name")), "?")


def markdown(report: dict) -> str:
    ext, idx, traf = report["extraction"], report["indexing"], report.get("trafilatura")
    n, pages = ext["repeat"], report["pages"]
    rows = [
        "| measured | pages/s | ms/page, mean (median) | pages | seconds | other processes on the core |",
        "|---|---|---|---|---|---|",
        f"| extraction: `read_page` + `extract`, in process | {ext['pages_per_s']} | {ext['mean_ms']} "
        f"({ext['median_ms']}) | {pages} x {n} ({ext['articles_per_pass']} of {pages} give an article) "
        f"| {ext['seconds']} | {ext['others_on_core']:.0%} |",
        f"| indexing: `build_index`, tantivy, 1 process | {idx['pages_per_s']} | {idx['mean_ms']} "
        f"| {idx['files']} files, {idx['indexed']} indexed, {idx['skipped']} skipped | {idx['seconds']} "
        f"(peak RSS {idx['peak_rss_mb']:.0f} MB) | {idx['others_on_core']:.0%} |",
    ]
    if traf:
        for name, label in (
            ("extract", "extract(txt, with_metadata)"),
            ("bare_extraction", "bare_extraction"),
        ):
            t = traf[name]
            rows.append(
                f"| trafilatura {traf['trafilatura']} `{label}` | {t['pages_per_s']} "
                f"| {1000 / t['pages_per_s']:.2f} ({t['median_ms']}) | {pages} x {n} ({t['with_text']} "
                f"with text) | {t['seconds']} | {traf['others_on_core']:.0%} |"
            )
    lines = [f"# Real pages, one core ({report['started']})", "", *rows, ""]
    if traf:
        ratio = idx["pages_per_s"] / traf["extract"]["pages_per_s"]
        met = ratio >= GOAL_RATIO and idx["pages_per_s"] >= GOAL_RATE
        lines += [
            f"Indexing / trafilatura extract: **{ratio:.2f}x** (extraction alone: "
            f"{ext['pages_per_s'] / traf['extract']['pages_per_s']:.2f}x). Goal: indexing >= "
            f"{GOAL_RATIO}x trafilatura and >= {GOAL_RATE} pages/s (aim {AIM_RATE}): "
            f"**{'met' if met else 'not met'}**.",
            "",
            f"trafilatura is given each file as {traf['input']}; lxml {traf['lxml']} in its venv.",
            "",
        ]
    busiest = max(part["others_on_core"] for part in (ext, idx, traf) if part)
    if busiest > BUSY_SHARE:
        lines += [f"**Busy core**: other processes took up to {busiest:.0%} of it; figures are low.", ""]
    versions_text = ", ".join(f"{k} {v}" for k, v in report["versions"].items())
    lines += [
        f"Commit {report['commit']}; core {report['core']} of {os.cpu_count()} ({report['processor']}); "
        f"{versions_text}; {report['run_seconds']:.0f} s in all.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.real_pages",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--pages", type=Path, default=PAGES, help="folder of .html pages")
    parser.add_argument("--repeat", type=int, help="passes over the pages (default: ~10 s of extraction)")
    parser.add_argument("--trafilatura-python", help="a python with trafilatura installed")
    args = parser.parse_args()
    started = time.perf_counter()
    cpu = pin_to_one_core()
    os.environ["SEARCH_BUILD_PROCESSES"] = "1"  # before anything imports search.limits
    files = sorted(args.pages.glob("*.html"))
    if not files:
        raise SystemExit(f"no .html pages in {args.pages}")
    report = {
        "started": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": _commit(),
        "versions": versions(),
        "core": cpu,
        "processor": processor(),
        "pages": len(files),
        "page_kb": round(sum(f.stat().st_size for f in files) / len(files) / 1024, 1),
    }
    log(f"extraction: {len(files)} pages of {args.pages}, on core {cpu}")
    with CoreShare(cpu) as share:
        report["extraction"] = extraction(files, args.repeat)
    report["extraction"]["others_on_core"] = share.others
    repeat = report["extraction"]["repeat"]
    with tempfile.TemporaryDirectory(prefix="bench-real-pages-") as folder:
        count = copy_pages(files, Path(folder) / "pages", repeat)
        log(f"indexing: {count} files ({repeat} copies of each page) in {folder}")
        with CoreShare(cpu) as share:
            report["indexing"] = build(Path(folder) / "pages", Path(folder) / "index", count)
        report["indexing"]["others_on_core"] = share.others
    if args.trafilatura_python:
        log(f"trafilatura: {args.trafilatura_python}, {repeat} passes")
        with CoreShare(cpu) as share:
            report["trafilatura"] = trafilatura(args.trafilatura_python, files, repeat)
        report["trafilatura"]["others_on_core"] = share.others
    report["run_seconds"] = round(time.perf_counter() - started, 1)
    text = markdown(report)
    OUT.mkdir(exist_ok=True)
    (OUT / "real-pages.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    (OUT / "real-pages.md").write_text(text + "\n", encoding="utf-8")
    log(f"report: {OUT / 'real-pages.md'} and .json")
    print(text)


if __name__ == "__main__":
    main()
