"""`python -m bench.stories`: how well near-duplicate stories are found, and what they cost.

Writes a corpus where a share of the pages (10%) are syndicated copies of earlier pages
(bench/synthetic.py `Generator.page(copies=...)`: another site, a new lead and tail, 5% of the
words changed), builds it with tantivy twice in this process, with and without stories
(search/stories.py), and reports:
- copies collapsed: copies whose story is their original's (the issue: at least 95%);
- distinct articles merged: originals that share a story with another original (at most 1%);
- the build's time with stories against without (the issue: at most 15% more).
"""

import argparse
import shutil
import time
from collections import Counter
from pathlib import Path

import search.pipeline
from bench.synthetic import Generator, page_path
from search import live
from search.index import build_index
from search.manifest import Manifest
from search.pipeline import resolved

OUT = Path(__file__).resolve().parent / "out"
COPIES = 0.1


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
    entries = Manifest.load(generation).entries
    found = {}
    with live.open_index(index_dir).searcher() as searcher:
        for number in range(pages):
            path = page_path(folder, f"site-{number % 20:02d}", number)
            entry = entries.get(resolved(path))
            if entry is not None:
                found[number] = searcher.article(entry.doc_id).story
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=10_000)
    args = parser.parse_args()
    folder = OUT / f"corpus-copies-{args.pages}"
    originals = write(folder, args.pages, Generator("seeds"))
    without = build(folder, OUT / "index-stories-off", stories=False)
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
    print(
        f"build with tantivy: {without:.1f} s without stories, {with_stories:.1f} s with "
        f"({with_stories / without - 1:+.1%})"
    )


if __name__ == "__main__":
    main()
