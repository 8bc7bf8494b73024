"""Odd files among good pages: `search index` must finish in bounded time and memory, say why
it skipped each odd file (or index it sensibly), and index every good page.

The odd files, in one site's folder beside 20 of its generated pages: an HTML page nested
100,000 levels deep, a 300 kB line of `[`, a text file over 10 MB, a name that is not UTF-8, a
FIFO (nobody writes to it: reading it blocks forever), a symlink to /dev/zero (endless), a
broken symlink, binary junk, an empty file and a Windows-1258 page (which must be indexed).
Bounds: under 60 s and 1.5 GB peak resident memory for the whole process tree (sampled from
/proc every 50 ms), for the build and again for an update over the same folder.
"""

import os
import random
import re
import shutil
import time
from pathlib import Path

from search.pipeline import doc_id
from tests.paths import DATA
from tests.stress import helpers
from tests.stress.conftest import record
from tests.stress.helpers import MemorySampler, Run, snapshot

MAX_SECONDS = 60
MAX_MB = 1500
GOOD_PAGES = 20
ODD_NAME = b"odd-\xff\xfe-name.txt"


def make_odd_folder(corpus, folder: Path) -> tuple[list[Path], dict[str, str]]:
    """Good pages and odd files in folder; returns the good pages (which must be indexed) and
    the odd files by name -> what must happen ("indexed", "skipped" or "either")."""
    folder.mkdir(parents=True)
    good = []
    for number in range(0, corpus.pages, 20)[:GOOD_PAGES]:  # site-00's pages
        source = corpus.path(number)
        shutil.copy(source, folder / source.name)
        good.append(folder / source.name)
    rng = random.Random(helpers.SEED)
    odd = {}
    levels = 100_000
    (folder / "nested.html").write_text(
        "<html><head><title>Trang lồng sâu</title></head><body>"
        + "<div>" * levels
        + "<p>Bài viết nằm sâu trong một trăm nghìn thẻ div lồng nhau.</p>"
        + "</div>" * levels
        + "</body></html>",
        encoding="utf-8",
    )
    odd["nested.html"] = "either"
    (folder / "brackets.txt").write_text("[" * 300_000 + "\n", encoding="utf-8")
    odd["brackets.txt"] = "either"
    page = corpus.text(1).encode("utf-8")
    (folder / "big.txt").write_bytes(page * (int(10.5 * 2**20) // len(page) + 1))
    odd["big.txt"] = "either"
    with open(os.path.join(os.fsencode(folder), ODD_NAME), "wb") as file:
        file.write(corpus.text(21).encode("utf-8"))
    odd[os.fsdecode(ODD_NAME)] = "either"
    os.mkfifo(folder / "fifo.txt")
    odd["fifo.txt"] = "skipped"
    os.symlink("/dev/zero", folder / "zero.txt")
    odd["zero.txt"] = "skipped"
    os.symlink(folder / "no-such-page.txt", folder / "broken.txt")
    odd["broken.txt"] = "skipped"
    (folder / "junk.txt").write_bytes(rng.randbytes(256 * 1024))
    odd["junk.txt"] = "skipped"
    (folder / "empty.txt").write_bytes(b"")
    odd["empty.txt"] = "skipped"
    shutil.copy(DATA / "vi" / "xe-buyt-cp1258.txt", folder / "cp1258.txt")
    odd["cp1258.txt"] = "indexed"
    return good, odd


def skipped_files(stderr: str) -> dict[str, str]:
    """File name -> reason, from the "Skipped N files:" list on stderr."""
    found = {}
    for line in stderr.splitlines():
        match = re.match(r"\s+(.+?): (.+)$", line)
        if match:
            found[os.path.basename(match.group(1))] = match.group(2)
    return found


def open_files(pid: int, under: Path) -> list[str]:
    """Files under a folder that a process tree has open (what a stuck run is stuck on)."""
    found = []
    for process in [pid, *helpers.descendants(pid)]:
        try:
            descriptors = os.listdir(f"/proc/{process}/fd")
        except OSError:
            continue
        for fd in descriptors:
            try:
                target = os.readlink(f"/proc/{process}/fd/{fd}")
            except OSError:
                continue
            if target.startswith(str(under)) or target.startswith("/dev/zero"):
                found.append(os.path.basename(target))
    return sorted(set(found))


def _bounded_run(args, under: Path, timeout: float = 2 * MAX_SECONDS) -> tuple[Run, float, float, list]:
    """Run to the end, or kill it after `timeout` s, noting which files it had open then."""
    run = Run(*args, name="odd")
    stuck_on = []
    with MemorySampler(run.pid) as memory:
        try:
            while run.running() and run.elapsed < timeout:
                time.sleep(0.05)
            if run.running():
                stuck_on = open_files(run.pid, under)
            run.kill()
            run.wait(10)
        finally:
            run.cleanup()
    return run, run.ended or run.elapsed, memory.peak, stuck_on


def test_odd_files(engine, corpus, tmp_path):
    folder = tmp_path / "corpus" / "site-00"
    good, odd = make_odd_folder(corpus, folder)
    index_dir = tmp_path / "index"
    problems, lines, figures = [], [], {}
    for label in ("build", "update"):
        run, seconds, peak, stuck_on = _bounded_run(
            helpers.index_args(tmp_path / "corpus", index_dir), tmp_path / "corpus"
        )
        code = run.proc.returncode
        lines.append(
            f"{label}: {seconds:.1f} s, peak {peak:.0f} MB, exit {code}"
            + (f", killed with these files open: {stuck_on}" if stuck_on else "")
        )
        figures.update({f"{label}_seconds": round(seconds, 1), f"{label}_peak_mb": round(peak)})
        if seconds > MAX_SECONDS or code is None or code < 0:
            problems.append(
                f"{label}: not done within {MAX_SECONDS} s ({seconds:.0f} s; files open: "
                f"{stuck_on}): {run.tail(3)}"
            )
        if peak > MAX_MB:
            problems.append(f"{label}: {peak:.0f} MB peak, over {MAX_MB} MB")
        if "Traceback" in run.text("err"):
            problems.append(f"{label}: a traceback: {run.text('err')[-800:]}")
        if label == "build" and code != 3:
            problems.append(
                f"{label}: exit status {code}, not 3 (indexed, some files skipped): {run.tail(6)}"
            )
        if label == "update" and code not in (0, 3):
            problems.append(f"{label}: exit status {code}: {run.tail(6)}")
        shot = snapshot(index_dir, [])
        if shot.documents is None:
            problems.append(f"{label}: no index: {shot.error}")
            break
        if label != "build":
            continue
        reported = skipped_files(run.text("err"))
        indexed = set(shot.hashes)
        missing = [p.name for p in good if doc_id(str(p)) not in indexed]
        if missing:
            problems.append(f"good pages not indexed: {missing}")
        outcome = []
        for name, must in odd.items():
            path = os.path.join(os.fsencode(folder), os.fsencode(name))
            is_indexed = doc_id(os.fsdecode(path)) in indexed
            reason = reported.get(name) or next(
                (
                    why
                    for shown, why in reported.items()
                    if shown.startswith("odd-") and name.startswith("odd-")
                ),
                None,
            )
            state = "indexed" if is_indexed else f"skipped ({reason})" if reason else "NOT REPORTED"
            outcome.append(f"{name.encode('utf-8', 'backslashreplace').decode()}: {state}")
            if must == "indexed" and not is_indexed:
                problems.append(f"{name}: not indexed ({reason or 'no reason given'})")
            elif must == "skipped" and not reason:
                problems.append(
                    f"{name}: {'indexed' if is_indexed else 'neither indexed nor reported as skipped'}"
                )
            elif must == "either" and not (is_indexed or reason):
                problems.append(f"{name!r}: neither indexed nor reported as skipped")
        lines.append("; ".join(outcome))
        lines.append(f"{len(good) - len(missing)}/{len(good)} good pages indexed")
    for line in lines:
        record(engine, "odd files", line, **figures)
    assert not problems, "\n".join(problems)
