"""Saved HTML pages -> trafilatura's extraction rate on them, as one JSON line.

python bench/trafilatura_rate.py REPEAT FILE...   (run by bench/real_pages.py)

Runs in the python of a scratch venv that has trafilatura: it imports nothing of this project,
and nothing imports it, so trafilatura is no dependency of the project. Each file is read as
bytes and given to trafilatura as bytes, so trafilatura decodes it its own way (`decode_file`:
UTF-8, else a guessed charset). After one untimed pass, each page set is timed REPEAT times
with `extract(..., output_format="txt", with_metadata=True)` and with
`bare_extraction(..., with_metadata=True)` (no output formatting), reading included.
"""

import json
import os
import statistics
import sys
import time

import lxml
import trafilatura


def read_and(function, path: str):
    with open(path, "rb") as file:
        return function(file.read())


def extract(data: bytes):
    return trafilatura.extract(data, output_format="txt", with_metadata=True)


def bare(data: bytes):
    return trafilatura.bare_extraction(data, with_metadata=True)


def rate(function, files: list[str], repeat: int) -> dict:
    """Pages/s over REPEAT passes, the median time of one page, and how many gave text."""
    times, found = [], 0
    for _ in range(repeat):
        for path in files:
            started = time.perf_counter()
            result = read_and(function, path)
            times.append(time.perf_counter() - started)
            found += result is not None
    return {
        "pages": len(times),
        "seconds": round(sum(times), 3),
        "pages_per_s": round(len(times) / sum(times), 1),
        "median_ms": round(statistics.median(times) * 1000, 2),
        "with_text": found,
    }


def main() -> None:
    repeat, files = int(sys.argv[1]), sys.argv[2:]
    for path in files:  # warm-up: imports trafilatura loads lazily, caches
        read_and(extract, path)
    result = {
        "trafilatura": trafilatura.__version__,
        "lxml": lxml.__version__,
        "python": sys.version.split()[0],
        "cpus": sorted(os.sched_getaffinity(0)),
        "input": "bytes, which it decodes itself",
        "extract": rate(extract, files, repeat),
        "bare_extraction": rate(bare, files, repeat),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
