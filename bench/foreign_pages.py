"""trafilatura's labelled real pages -> how well extraction generalises past the pages it was tuned on.

python -m bench.foreign_pages TESTS [--trafilatura-python PY]

TESTS is the tests/ folder of a clone of adbar/trafilatura: evaldata.json labels about 990
saved pages (in eval/ and cache/) with strings the article holds ("with") and strings it must
not hold ("without"), and for most of them a title and a date. The pages come from some
hundreds of sites (German, English, French, Spanish, Polish... none Vietnamese), so the noise
words this project knows mostly do not apply: what is measured is the structure. A page is
read and extracted as a build reads it; a "with" string counts as found in the title, body or
captions, a "without" string as leaked in the body, after NFC and whitespace folding, case
ignored. Dates count when they fall on the labelled day or next to it: dates are given in
Vietnam time here, a day ahead of a European evening. With PY, a python that has trafilatura,
trafilatura's `bare_extraction` is scored the same way on the same pages (its own test set:
it is tuned on it). The pages are read where they are; nothing is copied.
"""

import argparse
import datetime
import json
import logging
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

# What the child below prints: for each labelled page, (title, body, captions, date) or None.
TRAFILATURA = """
import json, sys, trafilatura
out = {}
for path in sys.argv[1:]:
    with open(path, "rb") as file:
        found = trafilatura.bare_extraction(file.read(), with_metadata=True)
    out[path] = found and [found.title or "", [found.text or ""], [], found.date or ""]
print(json.dumps(out))
"""


def norm(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split()).lower()


def pages(tests: Path) -> dict[str, dict]:
    """Path of each labelled page -> its labels."""
    labelled = {}
    for item in json.loads((tests / "evaldata.json").read_text(encoding="utf-8")).values():
        for folder in ("eval", "cache"):
            if (tests / folder / item["file"]).exists():
                labelled[str(tests / folder / item["file"])] = item
                break
    return labelled


def ours(paths: list[str]) -> dict[str, list | None]:
    from search.corpus import Skipped
    from search.extract import NotAnArticle, extract_or_reason
    from search.pipeline import read_page

    logging.disable(logging.CRITICAL)
    out = {}
    for path in paths:
        page = read_page(path)
        article = None if isinstance(page, Skipped) else extract_or_reason(page)
        if article is None or isinstance(article, NotAnArticle):
            out[path] = None
        else:
            out[path] = [article.title, article.body, article.captions, str(article.date or "")]
    return out


def score(labelled: dict[str, dict], found: dict[str, list | None]) -> dict:
    counts = dict.fromkeys(["pages", "none", "with", "found", "without", "leaked"], 0)
    counts |= dict.fromkeys(["titles", "titles_right", "dates", "dates_right"], 0)
    for path, item in labelled.items():
        title, body, captions, date = found[path] or ["", [], [], ""]
        counts["pages"] += 1
        counts["none"] += found[path] is None
        shown, body = norm(" ".join([title, *body, *captions])), norm(" ".join(body))
        wanted = [s for s in item.get("with", []) if s.strip()]
        unwanted = [s for s in item.get("without", []) if s.strip()]
        counts["with"] += len(wanted)
        counts["found"] += sum(norm(s) in shown for s in wanted)
        counts["without"] += len(unwanted)
        counts["leaked"] += sum(norm(s) in body for s in unwanted)
        if item.get("title"):
            counts["titles"] += 1
            counts["titles_right"] += norm(title).strip(" .") == norm(item["title"]).strip(" .")
        if labelled_day := _day(item.get("date")):
            counts["dates"] += 1
            day = _day(date)
            counts["dates_right"] += day is not None and abs((day - labelled_day).days) <= 1
    return counts


def _day(text: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((text or "")[:10])
    except ValueError:
        return None


def row(name: str, counts: dict, seconds: float) -> str:
    share = lambda part, whole: (
        f"{counts[part]:,} / {counts[whole]:,} ({counts[part] / max(1, counts[whole]):.3f})"
    )  # noqa: E731
    return (
        f"| {name} | {share('found', 'with')} | {share('leaked', 'without')} | "
        f"{share('titles_right', 'titles')} | {share('dates_right', 'dates')} | "
        f"{counts['none']:,} | {counts['pages'] / seconds:.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tests", type=Path, help="the tests/ folder of a clone of adbar/trafilatura")
    parser.add_argument("--trafilatura-python", help="a python with trafilatura, to score it too")
    args = parser.parse_args()
    labelled = pages(args.tests)
    if not labelled:
        sys.exit(f"no labelled pages under {args.tests} (evaldata.json, eval/, cache/)")
    print("| extractor | 'with' found | 'without' leaked | titles | dates (±1 day) | no article | pages/s |")
    print("|---|---|---|---|---|---|---|")
    started = time.perf_counter()
    found = ours(list(labelled))
    print(row("this project", score(labelled, found), time.perf_counter() - started))
    if args.trafilatura_python:
        started = time.perf_counter()
        command = [args.trafilatura_python, "-c", TRAFILATURA, *labelled]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        found = json.loads(done.stdout)
        print(row("trafilatura", score(labelled, found), time.perf_counter() - started))


if __name__ == "__main__":
    main()
