"""Articles -> counts of accented syllable pairs, saved beside the index for "did you mean"
(suggest.py chooses between spellings with them).

The index keeps pairs folded only (accented pairs would double its largest field); these
counts say which spelling the corpus uses ("giá vàng", not "gia vàng"). A large corpus is
sampled: the most common spelling shows in a few thousand articles, and memory stays bounded.
Saved as an SQLite table and read pair by pair: a query asks for a few dozen pairs, and a
server opening the index must not load a million of them first.
"""

import logging
import sqlite3
import threading
from collections import Counter
from pathlib import Path

LOGGER = logging.getLogger(__name__)

# Articles counted at most (a sample spread over the corpus: see pipeline.py), and pairs
# kept: enough for the common spellings of any corpus, and little work for the build.
MAX_ARTICLES = 10_000
MIN_COUNT = 2
# Distinct pairs held while counting; past it, pairs seen once are dropped (they could only
# matter if seen again), which bounds memory on corpora with a long tail of names.
MAX_DISTINCT = 1_000_000
PAIRS_FILE = "pairs.sqlite"
MAX_READ = 100_000  # pairs read from the table and kept, at most (a few dozen a query)


class PairCounts:
    """Counts of accented pairs over (a sample of) the corpus: counted in memory while
    building, read from the saved table when searching."""

    def __init__(self, counts: Counter | None = None, articles: int = 0):
        self.counts = counts or Counter()
        self.articles = articles  # counted (at most MAX_ARTICLES), in the table or not
        self._saved_articles = articles  # of them, those whose counts are in the table already
        self._table: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        # pair -> count read from the table, as of its data version (refresh(): an update of
        # the index in place changes the table under a running server).
        self._read: dict[str, int] = {}
        self._version = None

    def add_pairs(self, pairs: list[str]) -> None:
        """Count one article's pairs (none: an article left out of the sample). A list is
        counted in C; a Counter would be merged key by key in Python."""
        if pairs and self.articles < MAX_ARTICLES:
            self.counts.update(pairs)
            self.articles += 1
            if len(self.counts) > MAX_DISTINCT:
                self.counts = Counter({p: n for p, n in self.counts.items() if n > 1})

    def __getitem__(self, pair: str) -> int:
        if self._table is None:
            return self.counts.get(pair, 0)
        with self._lock:  # one connection, shared by a server's threads
            found = self._read.get(pair)
            if found is None:
                if len(self._read) >= MAX_READ:
                    self._read.clear()
                row = self._table.execute("SELECT n FROM pairs WHERE pair = ?", (pair,)).fetchone()
                found = self._read[pair] = row[0] if row else 0
        return found

    def refresh(self) -> "PairCounts":
        """Forget the counts read if the table changed since (SQLite's data version moves
        when another connection commits): a search reads the table as of its start."""
        if self._table is not None:
            with self._lock:
                version = self._table.execute("PRAGMA data_version").fetchone()[0]
                if version != self._version:
                    self._read.clear()
                    self._version = version
                    found = self._table.execute("SELECT value FROM meta WHERE key = 'articles'").fetchone()
                    self.articles = found[0] if found else self.articles  # (the sample grew too)
        return self

    @staticmethod
    def create(folder: Path) -> None:
        """An empty table in folder (a build's), replacing any."""
        path = folder / PAIRS_FILE
        path.unlink(missing_ok=True)
        with sqlite3.connect(path) as table:
            table.execute("CREATE TABLE pairs (pair TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID")
            table.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER)")
            table.execute("INSERT INTO meta VALUES ('articles', 0)")
        table.close()

    def add_to(self, folder: Path, drop_rare: bool = False) -> None:
        """Add the counts made since the last call (of the articles a build or an update added
        or changed) to the table saved in folder, and forget them. `drop_rare` (a build's end):
        then drop the pairs seen fewer than MIN_COUNT times, which tell no spelling apart and
        are most of the pairs. (Deleted articles' pairs stay counted: the counts are a sample
        of spellings in use, not an inventory.) Servers reading the table see it before or
        after, never half."""
        if not self.counts and not drop_rare:
            return
        added = self.articles - self._saved_articles
        first = self._saved_articles == 0  # into the empty table of a build: nothing to add to
        if first and drop_rare:
            items = sorted((pair, n) for pair, n in self.counts.items() if n >= MIN_COUNT)
        else:  # in key order: the table's pages are then visited once each
            items = sorted(self.counts.items())
        with sqlite3.connect(folder / PAIRS_FILE, timeout=30) as table:
            table.executemany(
                "INSERT INTO pairs VALUES (?, ?) ON CONFLICT(pair) DO UPDATE SET n = n + excluded.n", items
            )
            table.execute("UPDATE meta SET value = value + ? WHERE key = 'articles'", (added,))
            if drop_rare and not first:
                table.execute("DELETE FROM pairs WHERE n < ?", (MIN_COUNT,))
        table.close()
        self.counts, self._saved_articles = Counter(), self.articles
        if added:
            LOGGER.info("counted the pairs of %d more articles into %s", added, folder)

    @staticmethod
    def articles_in(folder: Path) -> int:
        """How many articles the table in folder counts (0 without one)."""
        try:
            with sqlite3.connect(f"{(folder / PAIRS_FILE).resolve().as_uri()}?mode=ro", uri=True) as table:
                found = table.execute("SELECT value FROM meta WHERE key = 'articles'").fetchone()
            table.close()
        except sqlite3.Error:
            return 0
        return found[0] if found else 0

    @classmethod
    def load(cls, folder: Path) -> "PairCounts":
        """The counts saved with an index (read on demand); empty if there are none."""
        path = folder / PAIRS_FILE
        counts = cls()
        try:
            table = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False, timeout=5
            )
            counts.articles = table.execute("SELECT value FROM meta WHERE key = 'articles'").fetchone()[0]
            counts._table = table
        except (sqlite3.Error, TypeError) as error:
            LOGGER.warning('no pair counts in %s (%s): "did you mean" uses word counts only', folder, error)
        return counts
