"""`python -m bench.corpus_stats DIR [--extract] [--sample N] [--top K] [--json]`: how dense a
corpus is, measured on its article text.

- distinct syllables (lower case, letters only) and tokens per page;
- the adjacent content pairs (two neighbouring syllables, neither a function word of
  bench.syllables.FUNCTION_WORDS) found in the most pages, with their page fraction.

Article text is the title, caption and body lines above the navigation tail (the first line
that is a known navigation heading), or, with `--extract`, the project's extractor's article
(search.extract, without the cross-page template: slower). Pairs are counted in two passes: a
sample of pages finds the candidates (pairs in at least 1% of the sample), then every page is
read to count those exactly; a pair in 5% of pages is in well over 1% of a 5,000-page sample.
"""

import argparse
import json
import os
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

from bench.syllables import FUNCTION_WORDS

WORD = re.compile(r"[^\W_]+")
NAVIGATION = {"tin bài liên quan", "đọc nhiều", "multimedia", "các tin bài khác", "tin liên quan"}
FUNCTION = {w.lower() for w in FUNCTION_WORDS}
CANDIDATE_FRACTION = 0.01


def article_text(path: Path, use_extractor: bool = False) -> str:
    text = path.read_text(encoding="utf-8")
    if use_extractor:
        from search.corpus import decode_document, read_bytes
        from search.extract import extract

        article = extract(decode_document(str(path), read_bytes(str(path))))
        if article is None:
            return ""
        return "\n".join([article.title, *article.captions, article.text])
    kept = []
    for line in text.split("\n"):
        if line.strip().lower() in NAVIGATION:
            break
        if line.startswith("!["):
            continue
        kept.append(line.strip("| "))
    return "\n".join(kept)


def page_terms(text: str) -> tuple[list[str], set[tuple[str, str]]]:
    """The syllables of a page (letters only, lower case) and its set of content pairs."""
    tokens = [t.lower() for t in WORD.findall(text)]
    syllables = [t for t in tokens if t.isalpha()]
    pairs = {
        (a, b)
        for a, b in zip(tokens, tokens[1:])
        if a.isalpha() and b.isalpha() and a not in FUNCTION and b not in FUNCTION
    }
    return syllables, pairs


def _first_pass(args) -> tuple[set[str], int, int, Counter]:
    paths, use_extractor = args
    seen, tokens, pages, pairs = set(), 0, 0, Counter()
    for path, sampled in paths:
        syllables, page_pairs = page_terms(article_text(path, use_extractor))
        seen.update(syllables)
        tokens += len(syllables)
        pages += 1
        if sampled:
            pairs.update(page_pairs)
    return seen, tokens, pages, pairs


def _second_pass(args) -> Counter:
    paths, use_extractor, candidates = args
    counts = Counter()
    for path in paths:
        _, page_pairs = page_terms(article_text(path, use_extractor))
        counts.update(page_pairs & candidates)
    return counts


def _map(function, jobs: list, processes: int):
    if processes <= 1:
        return list(map(function, jobs))
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(processes) as pool:
        return pool.map(function, jobs)


def measure(
    folder: str | Path,
    use_extractor: bool = False,
    sample: int = 5000,
    top: int = 20,
    processes: int | None = None,
) -> dict:
    """Distinct syllables and the most common content pairs of a corpus folder."""
    started = time.perf_counter()
    files = sorted(Path(folder).rglob("*.txt"))
    if not files:
        raise SystemExit(f"no .txt files under {folder}")
    sampled = set(random.Random(1).sample(range(len(files)), min(sample, len(files))))
    processes = processes or os.cpu_count() or 1
    chunks = [range(start, min(len(files), start + 2000)) for start in range(0, len(files), 2000)]
    first = _map(
        _first_pass,
        [([(files[i], i in sampled) for i in chunk], use_extractor) for chunk in chunks],
        processes,
    )
    syllables, tokens, pages, sample_pairs = set(), 0, 0, Counter()
    for seen, count, n, pairs in first:
        syllables |= seen
        tokens += count
        pages += n
        sample_pairs.update(pairs)
    candidates = {pair for pair, n in sample_pairs.items() if n >= CANDIDATE_FRACTION * len(sampled)}
    counts = Counter()
    for part in _map(
        _second_pass, [([files[i] for i in chunk], use_extractor, candidates) for chunk in chunks], processes
    ):
        counts.update(part)
    common = counts.most_common(top)
    return {
        "folder": str(folder),
        "pages": pages,
        "distinct_syllables": len(syllables),
        "syllables_per_page": round(tokens / pages, 1),
        "sample_pages": len(sampled),
        "pairs_in_over_1pct_of_sample": len(candidates),
        "top_pairs": [
            {"pair": f"{a} {b}", "pages": n, "fraction": round(n / pages, 4)} for (a, b), n in common
        ],
        "max_pair_fraction": round(common[0][1] / pages, 4) if common else 0.0,
        "article_text": "extractor" if use_extractor else "lines above the navigation tail",
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.corpus_stats",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("folder")
    parser.add_argument("--extract", action="store_true", help="use search.extract for the article")
    parser.add_argument("--sample", type=int, default=5000, help="pages sampled for candidate pairs")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.folder, args.extract, args.sample, args.top)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return
    print(
        f"{result['folder']}: {result['pages']:,} pages ({result['article_text']}), "
        f"{result['distinct_syllables']:,} distinct syllables, "
        f"{result['syllables_per_page']} syllables a page; {result['seconds']} s"
    )
    print(
        f"most common content pairs (pages holding them; {result['pairs_in_over_1pct_of_sample']} "
        f"pairs in >= 1% of a {result['sample_pages']}-page sample):"
    )
    for row in result["top_pairs"]:
        print(f"  {row['pair']:<24} {row['pages']:>8,}  {row['fraction']:.2%}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
