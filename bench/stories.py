"""`python -m bench.stories`: how well near-duplicate stories are found, and what they cost.

Writes a corpus where a share of the pages (10%) are syndicated copies of earlier pages
(bench/synthetic.py `Generator.page(copies=...)`: another site, a new lead and tail, 5% of the
words changed), builds it with tantivy twice in this process, with and without stories
(search/stories.py), and reports:
- copies collapsed: copies whose story is their original's (the issue: at least 95%);
- distinct articles merged: originals that share a story with another original (at most 1%);
- the build's time with stories against without (the issue: at most 15% more);
- related articles, and a search with and without collapsing: p50 and p99 (the issue:
  related articles within 50 ms at 100,000 pages with tantivy).

`python -m bench.stories --measure INDEX --corpus FOLDER` measures an index `python -m bench`
built of an archive corpus (bench/archive.py, its copies known to the generator) instead, on a
sample of its pages, and prints the figures as one JSON line.
"""

import argparse
import json
import random
import shutil
import statistics
import time
from collections import Counter
from pathlib import Path

import search.pipeline
from bench.archive import Archive
from bench.synthetic import Generator, page_path
from search import live, query
from search.index import build_index
from search.manifest import Manifest
from search.pipeline import resolved
from search.query.plan import Plan
from search.query.related import related

OUT = Path(__file__).resolve().parent / "out"
COPIES = 0.1
SAMPLE = 2000  # copies, and distinct articles, checked in an archive corpus's index


def write(folder: Path, pages: int, generator: Generator) -> dict[int, int | None]:
    """The corpus's pages, and each page's original (None: not a copy)."""
    originals = {}
    for number in range(pages):
        site, text = generator.page(number, copies=COPIES)
        path = page_path(folder, site, number)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        originals[number] = generator.original_of(number, COPIES)
    return originals


def build(folder: Path, index_dir: Path, stories: bool) -> float:
    shutil.rmtree(index_dir, ignore_errors=True)
    signature = search.pipeline.signature
    if not stories:
        search.pipeline.signature = lambda text: None  # every article a story of its own
    try:
        started = time.perf_counter()
        build_index([folder], index_dir, engine="tantivy")
        return time.perf_counter() - started
    finally:
        search.pipeline.signature = signature


def stories_of(folder: Path, index_dir: Path, pages: int) -> dict[int, str]:
    generation = max(index_dir.glob("gen-*"))
    found = {}
    with Manifest.load(generation) as manifest, live.open_index(index_dir).searcher() as searcher:
        for number in range(pages):
            path = page_path(folder, f"site-{number % 20:02d}", number)
            entry = manifest.get(resolved(path))
            if entry is not None:
                found[number] = searcher.article(entry.doc_id).story
    return found


def timings(index_dir: Path, runs: int = 200) -> dict[str, dict[str, float]]:
    """Related articles, and a search with and without collapsing, p50/p99 ms over `runs`."""
    rng = random.Random(7)
    figures = {}
    with live.open_index(index_dir).searcher() as searcher:
        ids = [searcher.stored(address).doc_id for _, address in searcher.search(Plan(limit=5000)).hits]
        words = [
            " ".join(searcher.stored(address).title.split()[:2])
            for _, address in searcher.search(Plan(limit=runs)).hits
        ]
        measured = {
            "related articles": [
                lambda doc_id=doc_id: related(searcher, doc_id)
                for doc_id in rng.sample(ids, min(runs, len(ids)))
            ],
            "search, stories collapsed": [lambda text=text: query.search(searcher, text) for text in words],
            "search, every article": [
                lambda text=text: query.search(searcher, text, collapse=False) for text in words
            ],
        }
        for calls in measured.values():  # once each first: a query's postings read from disk
            for call in calls:  # would be charged to whichever way of searching came first
                call()
        for name, calls in measured.items():
            seconds = []
            for call in calls:
                started = time.perf_counter()
                call()
                seconds.append((time.perf_counter() - started) * 1000)
            quantiles = statistics.quantiles(seconds, n=100)
            figures[name] = {
                "p50": round(quantiles[49], 2),
                "p99": round(quantiles[98], 2),
                "n": len(seconds),
            }
    return figures


def measure(folder: Path, index_dir: Path, archive: Archive, pages: int, sample: int = SAMPLE) -> dict:
    """Copies collapsed and distinct articles merged, checked on a sample of an archive
    corpus's pages (the generator knows each copy's original), and the timings."""
    rng = random.Random(3)
    copies, distinct = [], []
    for number in rng.sample(range(pages), pages):
        if len(copies) >= sample and len(distinct) >= sample:
            break
        kind = distinct if archive.place(number).original is None else copies
        if len(kind) < sample:
            kind.append(number)
    with (
        Manifest.load(max(index_dir.glob("gen-*"))) as manifest,
        live.open_index(index_dir).searcher() as searcher,
    ):

        def story(number: int) -> str | None:
            entry = manifest.get(resolved(folder / archive.path(number)))
            found = searcher.article(entry.doc_id) if entry else None
            return found.story if found else None

        collapsed = sum(story(n) is not None and story(n) == story(archive.place(n).original) for n in copies)
        merged = 0
        for number in distinct:
            first = story(number)
            members = searcher.copies(first, 50) + [searcher.article(first)] if first else []
            others = {int(Path(m.path).stem) for m in members if m} - {number}
            merged += any(archive.place(other).original is None for other in others)
    return {
        "copies_checked": len(copies),
        "copies_collapsed": collapsed,
        "distinct_checked": len(distinct),
        "distinct_merged": merged,
        "timings": timings(index_dir),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--no-baseline", action="store_true", help="Build only with stories.")
    parser.add_argument("--measure", type=Path, metavar="INDEX", help="an index of an archive corpus")
    parser.add_argument("--corpus", type=Path, help="with --measure: the corpus folder it was built of")
    args = parser.parse_args()
    if args.measure:
        made = json.loads(args.corpus.with_name(args.corpus.name + ".json").read_text())
        archive = Archive(made["seed"], made["html"])
        print(json.dumps(measure(args.corpus, args.measure, archive, made["pages"])))
        return
    folder = OUT / f"corpus-copies-{args.pages}"
    originals = write(folder, args.pages, Generator("seeds"))
    without = None if args.no_baseline else build(folder, OUT / "index-stories-off", stories=False)
    with_stories = build(folder, OUT / "index-stories-on", stories=True)
    story = stories_of(folder, OUT / "index-stories-on", args.pages)
    copies = [n for n, original in originals.items() if original is not None]
    collapsed = sum(story[n] == story[originals[n]] for n in copies)
    distinct = [n for n, original in originals.items() if original is None]
    shared = Counter(story[n] for n in distinct)
    merged = sum(1 for n in distinct if shared[story[n]] > 1)
    print(f"{args.pages:,} pages, {len(copies):,} copies of {len(distinct):,} distinct articles")
    print(f"copies collapsed: {collapsed:,}/{len(copies):,} ({collapsed / len(copies):.1%})")
    print(f"distinct articles merged: {merged:,}/{len(distinct):,} ({merged / len(distinct):.2%})")
    if without:
        print(
            f"build with tantivy: {without:.1f} s without stories, {with_stories:.1f} s with "
            f"({with_stories / without - 1:+.1%})"
        )
    else:
        print(
            f"build with tantivy and stories: {with_stories:.1f} s ({args.pages / with_stories:.0f} pages/s)"
        )
    for name, figures in timings(OUT / "index-stories-on").items():
        print(f"{name}: p50 {figures['p50']:.1f} ms, p99 {figures['p99']:.1f} ms")


if __name__ == "__main__":
    main()
