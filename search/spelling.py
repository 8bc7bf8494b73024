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
PAIRS_FILE = "pairs.json.z"


class PairCounts:
    """Counts of accented pairs over (a sample of) the corpus."""

    def __init__(self, counts: Counter | None = None, articles: int = 0):
        self.counts = counts or Counter()
        self.articles = articles

    def add(self, text: str) -> None:
        self.add_counts(Counter(exact_pairs(text)))

    def add_counts(self, pairs: Counter) -> None:
        """Count one article's pairs (an empty Counter: an article left out of the sample)."""
        if pairs and self.articles < MAX_ARTICLES:
            self.counts.update(pairs)
            self.articles += 1

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
