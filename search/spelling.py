"""Articles -> counts of accented syllable pairs, saved beside the index for "did you mean"
(suggest.py chooses between spellings with them).

The index keeps pairs folded only (accented pairs would double its largest field); these
counts say which spelling the corpus uses ("giá vàng", not "gia vàng"). A large corpus is
sampled: the most common spelling shows in a few thousand articles, and memory stays bounded.
"""

import json
import zlib
from collections import Counter
from pathlib import Path

from search.analysis import exact_pairs

# Articles counted at most, and pairs kept: enough for the common spellings of any corpus.
MAX_ARTICLES = 20_000
MIN_COUNT = 2
# Distinct pairs held while counting; past it, pairs seen once are dropped (they could only
# matter if seen again), which bounds memory on corpora with a long tail of names.
MAX_DISTINCT = 2_000_000
PAIRS_FILE = "pairs.json.z"


class PairCounts:
    """Counts of accented pairs over (a sample of) the corpus."""

    def __init__(self, counts: Counter | None = None, articles: int = 0):
        self.counts = counts or Counter()
        self.articles = articles

    def add(self, text: str) -> None:
        self.add_pairs(exact_pairs(text))

    def add_pairs(self, pairs: list[str]) -> None:
        """Count one article's pairs (none: an article left out of the sample). A list is
        counted in C; a Counter would be merged key by key in Python."""
        if pairs and self.articles < MAX_ARTICLES:
            self.counts.update(pairs)
            self.articles += 1
            if len(self.counts) > MAX_DISTINCT:
                self.counts = Counter({p: n for p, n in self.counts.items() if n > 1})

    def __getitem__(self, pair: str) -> int:
        return self.counts.get(pair, 0)

    def save(self, folder: Path) -> None:
        kept = {pair: count for pair, count in self.counts.items() if count >= MIN_COUNT}
        data = json.dumps({"articles": self.articles, "counts": kept}, ensure_ascii=False)
        (folder / PAIRS_FILE).write_bytes(zlib.compress(data.encode("utf-8")))

    @classmethod
    def load(cls, folder: Path) -> "PairCounts":
        """The counts saved with an index; empty if there are none."""
        try:
            data = json.loads(zlib.decompress((folder / PAIRS_FILE).read_bytes()))
            return cls(Counter(data["counts"]), data["articles"])
        except (OSError, ValueError, KeyError, zlib.error):
            return cls()
