"""Labelled real pages of other sites -> how well extraction generalises past the pages it was tuned on.

python -m bench.foreign_pages trafilatura TESTS [--trafilatura-python PY]
python -m bench.foreign_pages aeb DIR [--trafilatura-python PY]

trafilatura: TESTS is the tests/ folder of a clone of adbar/trafilatura: evaldata.json labels
about 990 saved pages (in eval/ and cache/) with strings the article holds ("with") and
strings it must not hold ("without"), and for most of them a title and a date. The pages come
from some hundreds of sites (German, English, French, Spanish, Polish... none Vietnamese), so
the noise words this project knows mostly do not apply: what is measured is the structure. A
"with" string counts as found in the title, body or captions, a "without" string as leaked in
the body, after NFC and whitespace folding, case ignored. Dates count when they fall on the
labelled day or next to it: dates are given in Vietnam time here, a day ahead of a European
evening.

aeb: DIR is a clone of scrapinghub/article-extraction-benchmark: 181 news pages (html/*.html.gz)
and the body of each (ground-truth.json), scored as its evaluate.py does: precision and recall
of the body's 4-word shingles, averaged over pages, and F1 of the two means.

Each page is read and extracted as a build reads it. With PY, a python that has trafilatura,
trafilatura is scored the same way on the same pages (both sets are its test sets: it is
tuned on them). The pages are read where they are; nothing is copied.
"""

import argparse
import datetime
import gzip
import json
import logging
import re
import statistics
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

# What the child below prints: for each page, (title, body, captions, date) or None.
TRAFILATURA = """
import gzip, json, sys, trafilatura
out = {}
for path in sys.argv[1:]:
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as file:
        found = trafilatura.bare_extraction(file.read(), with_metadata=True)
    out[path] = found and [found.title or "", [found.text or ""], [], found.date or ""]
print(json.dumps(out))
"""
_TOKEN = re.compile(r"\w+")


def norm(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split()).lower()


def trafilatura_pages(tests: Path) -> dict[str, dict]:
    """Path of each page trafilatura's evaluation labels -> its labels."""
    labelled = {}
    for item in json.loads((tests / "evaldata.json").read_text(encoding="utf-8")).values():
        for folder in ("eval", "cache"):
            if (tests / folder / item["file"]).exists():
                labelled[str(tests / folder / item["file"])] = item
                break
    return labelled


def aeb_pages(folder: Path) -> dict[str, dict]:
    """Path of each page of the article-extraction-benchmark -> its labels (its body)."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    return {str(folder / "html" / f"{key}.html.gz"): item for key, item in truth.items()}


def ours(paths: list[str]) -> dict[str, list | None]:
    from search.corpus import UnreadableFile, decode_document
    from search.extract import NotAnArticle, extract_or_reason

    logging.disable(logging.CRITICAL)
    out = {}
    for path in paths:
        try:
            with (gzip.open if path.endswith(".gz") else open)(path, "rb") as file:
                article = extract_or_reason(decode_document(path.removesuffix(".gz"), file.read()))
        except UnreadableFile:
            article = None
        if article is None or isinstance(article, NotAnArticle):
            out[path] = None
        else:
            out[path] = [article.title, article.body, article.captions, str(article.date or "")]
    return out


def score_trafilatura(labelled: dict[str, dict], found: dict[str, list | None]) -> dict:
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


def score_aeb(labelled: dict[str, dict], found: dict[str, list | None]) -> dict:
    """Precision and recall of each body's 4-word shingles (counted with repeats), averaged
    over the pages, as the benchmark's evaluate.py computes them; F1 of the two means."""
    precisions, recalls, none = [], [], 0
    for path, item in labelled.items():
        none += found[path] is None
        true = _shingles(item.get("articleBody", ""))
        pred = _shingles("\n".join(found[path][1]) if found[path] else "")
        tp = sum((true & pred).values())
        fp, fn = sum(pred.values()) - tp, sum(true.values()) - tp
        if fp == fn == 0:
            precisions.append(1.0)
            recalls.append(1.0)
            continue
        if tp + fp:
            precisions.append(tp / (tp + fp))
        if tp + fn:
            recalls.append(tp / (tp + fn))
    precision, recall = statistics.mean(precisions), statistics.mean(recalls)
    return {"pages": len(labelled), "none": none, "precision": precision, "recall": recall,
            "f1": 2 * precision * recall / (precision + recall)}  # fmt: skip


def _shingles(text: str) -> Counter:
    tokens = _TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + 4]) for i in range(max(1, len(tokens) - 3)) if tokens[i : i + 4])


def _share(counts: dict, part: str, whole: str) -> str:
    return f"{counts[part]:,} / {counts[whole]:,} ({counts[part] / max(1, counts[whole]):.3f})"


SETS = {
    "trafilatura": (
        trafilatura_pages,
        score_trafilatura,
        "| extractor | 'with' found | 'without' leaked | titles | dates (±1 day) | no article | pages/s |",
        lambda c: (
            f"{_share(c, 'found', 'with')} | {_share(c, 'leaked', 'without')} | "
            f"{_share(c, 'titles_right', 'titles')} | {_share(c, 'dates_right', 'dates')} | {c['none']:,}"
        ),
    ),
    "aeb": (
        aeb_pages,
        score_aeb,
        "| extractor | F1 | precision | recall | no article | pages/s |",
        lambda c: f"{c['f1']:.3f} | {c['precision']:.3f} | {c['recall']:.3f} | {c['none']:,}",
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("set", choices=SETS, help="whose labelled pages")
    parser.add_argument("folder", type=Path, help="trafilatura's tests/ folder, or the benchmark's clone")
    parser.add_argument("--trafilatura-python", help="a python with trafilatura, to score it too")
    args = parser.parse_args()
    read, score, header, cells = SETS[args.set]
    labelled = read(args.folder)
    if not labelled:
        sys.exit(f"no labelled pages under {args.folder}")
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    extractors = [("this project", ours)]
    if args.trafilatura_python:
        extractors.append(("trafilatura", lambda paths: _trafilatura(args.trafilatura_python, paths)))
    for name, extract in extractors:
        started = time.perf_counter()
        found = extract(list(labelled))
        rate = len(labelled) / (time.perf_counter() - started)
        print(f"| {name} | {cells(score(labelled, found))} | {rate:.0f} |")


def _trafilatura(python: str, paths: list[str]) -> dict:
    done = subprocess.run([python, "-c", TRAFILATURA, *paths], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


if __name__ == "__main__":
    main()
