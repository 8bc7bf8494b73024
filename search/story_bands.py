"""The stories' band table: a band key -> the rows (articles) whose signatures hold that band.

New keys go to a dict; once it holds MERGE_AT distinct keys they join the last sorted run, or start a run of their
own once it holds RUN_KEYS, so that merging never copies the whole table (stories.py saves the
runs). An article looks up its BANDS keys in every run, and most of them are in none: a binary
search in 8,000,000 keys reads memory 23 times, so each run much looked up keeps a bitmap of
its keys' top bits and searches only for the keys it may hold.
"""

import itertools

import numpy as np

BUCKET = 64  # rows of one band looked at (the latest)
MERGE_AT = 50_000  # recent keys held in a dict before they join the sorted runs
# Each article searches every run: at 1,000,000 articles 16 runs of 2,000,000 keys took 43% of indexing.
RUN_KEYS = 8_000_000  # keys of one sorted run (64 MB with their rows): what one merge copies at most
# A run's bitmap: 2**26 bits (8 MB) for at most RUN_KEYS keys lets 11% of absent keys through.
# Made once a run has been looked up FILTER_AFTER times: an update of a few articles is
# quicker searching than reading a run's keys to make it.
FILTER_BITS = 26
FILTER_AFTER = 2_000
_SHIFT = np.uint32(32 - FILTER_BITS)


class Run:
    """Sorted band keys and their rows (a key's rows in the order they came)."""

    def __init__(self, keys: np.ndarray, rows: np.ndarray):
        self.keys, self.rows = keys, rows
        self._filter: np.ndarray | None = None
        self._lookups = 0

    def __len__(self) -> int:
        return len(self.keys)

    def found(self, keys: np.ndarray) -> list[np.ndarray]:
        """The latest BUCKET rows of each of the keys the run holds."""
        if self._filter is None:
            self._lookups += 1
            if self._lookups >= FILTER_AFTER:
                self._filter = np.zeros(1 << (FILTER_BITS - 3), dtype=np.uint8)
                _set_bits(self._filter, self.keys)
        if self._filter is not None:
            top = keys >> _SHIFT
            keys = keys[((self._filter[top >> 3] >> (top & 7).astype(np.uint8)) & 1).astype(bool)]
            if not len(keys):
                return []
        starts = np.searchsorted(self.keys, keys, side="left")
        held = self.keys[np.minimum(starts, len(self.keys) - 1)] == keys
        if not held.any():
            return []
        ends = np.searchsorted(self.keys, keys[held], side="right")
        return [self.rows[max(start, end - BUCKET) : end] for start, end in zip(starts[held], ends)]

    def insert(self, keys: np.ndarray, rows: np.ndarray) -> None:
        """Sorted keys and their rows, each after the rows its key has."""
        at = np.searchsorted(self.keys, keys, side="right")
        self.keys, self.rows = np.insert(self.keys, at, keys), np.insert(self.rows, at, rows)
        if self._filter is not None:
            _set_bits(self._filter, keys)


class BandTable:
    def __init__(self, runs=()):
        self.runs = [Run(keys, rows) for keys, rows in runs if len(keys)]
        self.recent: dict[int, list[int]] = {}
        self.changed = False  # runs merged since the owner last saved them all (it resets this)

    def candidates(self, keys: np.ndarray) -> list[np.ndarray]:
        """The latest BUCKET rows of each key, in every run and among the recent keys."""
        found = [rows for run in self.runs for rows in run.found(keys)]
        recent = [self.recent[key][-BUCKET:] for key in keys.tolist() if key in self.recent]
        if recent:  # one array of them all: an array per band cost more than the look-ups
            found.append(np.fromiter(itertools.chain.from_iterable(recent), dtype=np.int64))
        return found

    def add(self, keys: np.ndarray, row: int) -> None:
        for key in keys.tolist():
            self.recent.setdefault(key, []).append(row)
        if len(self.recent) >= MERGE_AT:
            self.merge()

    def recent_keys(self) -> tuple[np.ndarray, np.ndarray]:
        """The recent band keys and their rows, sorted by key (a key's rows in the order they came)."""
        keys = np.fromiter((k for k, rows in self.recent.items() for _ in rows), dtype=np.uint32)
        rows = np.fromiter((r for rows in self.recent.values() for r in rows), dtype=np.int32)
        order = np.argsort(keys, kind="stable")
        return keys[order], rows[order]

    def merge(self) -> None:
        """The recent keys into the last run, or into a run of their own when it is full."""
        if not self.recent:
            return
        self.changed = True
        keys, rows = self.recent_keys()
        if self.runs and len(self.runs[-1]) + len(keys) <= RUN_KEYS:
            self.runs[-1].insert(keys, rows)
        else:
            self.runs.append(Run(keys, rows))
        self.recent = {}

    def saved_apart(self) -> tuple[np.ndarray, np.ndarray]:
        """The recent keys as a delta file holds them, and as one run more (as a load finds them)."""
        keys, rows = self.recent_keys()
        if len(keys):
            self.runs.append(Run(keys, rows))
        self.recent = {}
        return keys, rows

    def compacted(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Every key in runs, neighbours joined while they hold at most RUN_KEYS keys
        together (a look-up reads each run): (keys, rows) of each, as the main file holds them."""
        self.merge()
        joined: list[list[Run]] = []
        for run in self.runs:
            if joined and sum(len(r) for r in joined[-1]) + len(run) <= RUN_KEYS:
                joined[-1].append(run)
            else:
                joined.append([run])
        runs = []
        for group in joined:
            if len(group) == 1:
                runs.append(group[0])
                continue
            keys = np.concatenate([run.keys for run in group])
            rows = np.concatenate([run.rows for run in group])
            order = np.argsort(keys, kind="stable")  # (rows of a key stay in the order they came)
            runs.append(Run(keys[order], rows[order]))
        self.runs = runs
        return [(run.keys, run.rows) for run in runs]


def _set_bits(bitmap: np.ndarray, keys: np.ndarray) -> None:
    """Sets the bits of the keys' top FILTER_BITS bits: a whole run's through a mask of bytes
    (24 ms for 8,000,000 keys, and 64 MB for that time), a merge's one by one."""
    top = keys >> _SHIFT
    if len(keys) < len(bitmap):
        np.bitwise_or.at(bitmap, top >> 3, np.left_shift(1, (top & 7).astype(np.uint8)).astype(np.uint8))
        return
    mask = np.zeros(len(bitmap) * 8, dtype=bool)
    mask[top] = True
    bitmap |= np.packbits(mask, bitorder="little")
