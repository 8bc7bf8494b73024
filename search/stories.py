"""Articles' bodies -> stories: near-identical articles (a syndicated copy with a new lead and
tail, a rewrite with a few words changed, one page under two URLs) grouped into one cluster.

Each article's words (title, body and captions, as the index has them) make its 3-syllable
shingles, one in four of them kept by hash (every copy keeps the same ones, so the sample
estimates the same overlap), and a MinHash signature of them (datasketch's affine32 scheme, in
numpy: `minhash`). Signatures are cut into bands; articles that share a band are candidates,
and a candidate is the same story when the signatures agree on at least STORY_SIMILARITY of
their positions (the estimated Jaccard overlap of the shingles). The first article of a story
names it; the others are its copies.

The band table (story_bands: sorted runs of band key -> row, and a dict of recent keys) and
the signature take about 400 bytes per article (see Stories), a fifth of a dict per band. They are saved
with the index (stories.npz), so an update adds to the stories a build found.
"""

import bisect
import itertools
import logging
import zipfile
import zlib
from pathlib import Path

import numpy as np

from search.analysis import Remembered, exact_and_folded
from search.saved_arrays import mapped_arrays, write_arrays
from search.story_bands import BandTable

try:  # the same signature in C, a quarter of numpy's time on a few hundred values (minhash.pyx)
    from search.minhash import fill_signature
except ImportError:
    fill_signature = None

LOGGER = logging.getLogger(__name__)

SHINGLE = 3  # syllables per shingle
SAMPLE = 4  # one shingle in SAMPLE is kept (by hash)
PERMUTATIONS = 64
# 32 bands of 2 rows: a pair overlapping 0.35 shares a band 98% of the time; two unrelated
# articles (overlap 0.0 to 0.1) may too, and are told apart by the whole signatures.
BANDS, ROWS = 32, 2
STORY_SIMILARITY = 0.4
MIN_SHINGLES = 8  # fewer: too short to tell a copy from a coincidence
MAX_CANDIDATES = 16  # rows compared per article, those sharing the most bands first
BLOCK = 65_536  # rows of signatures per block
STORIES = "stories.npz"
# An update writes its new rows beside the main file (stories.N.npz) while they are at most
# this share of the rows saved, and at most this many deltas; then the main file whole.
DELTA_SHARE = 0.1
MAX_DELTAS = 16
MAX_REMEMBERED = 200_000
_MULTIPLIERS = np.array([0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D], dtype=np.uint64)
# The permutations datasketch's MinHash(seed=1, scheme="affine32") draws: a odd, b any, 32 bits
# (drawn here: importing datasketch imports scipy, 0.2 s for every process that indexes).
_DRAW = np.random.RandomState(1)
_A = _DRAW.randint(0, 1 << 31, PERMUTATIONS, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
_B = _DRAW.randint(0, 1 << 32, PERMUTATIONS, dtype=np.uint32)
# A syllable's 32-bit hash (never 0), remembered: a language has some thousands of them.
_HASHES = Remembered(lambda word: zlib.crc32(word.encode()) or 1, MAX_REMEMBERED)


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature of an article's text (uint32, PERMUTATIONS of them), or None when
    it is too short to be told apart from another by its wording. Its words are the index's
    (analysis.exact_and_folded, cached: indexing the same text reads them again for free)."""
    words = exact_and_folded(text)[0]
    if fill_signature is None:
        return _numpy_signature(words)
    made = np.empty(PERMUTATIONS, dtype=np.uint32)
    return made if fill_signature(words, _HASHES, _MULTIPLIERS, SAMPLE, MIN_SHINGLES, _A, _B, made) else None


def _numpy_signature(words: tuple[str, ...]) -> np.ndarray | None:
    if len(words) < SHINGLE:
        return None
    syllables = np.fromiter(map(_HASHES.__getitem__, words), dtype=np.uint64, count=len(words))
    shingles = sum(syllables[i : len(syllables) - SHINGLE + 1 + i] * _MULTIPLIERS[i] for i in range(SHINGLE))
    shingles = (shingles ^ (shingles >> np.uint64(29))) & np.uint64(0xFFFFFFFF)
    shingles = np.unique(shingles[shingles % SAMPLE == 0])
    if len(shingles) < MIN_SHINGLES:
        return None
    return minhash(shingles.astype(np.uint32))


def minhash(values: np.ndarray) -> np.ndarray:
    """The MinHash of 32-bit values (at least one) as datasketch's MinHash makes it (hashfunc=int,
    seed 1, its affine32 scheme), in a few numpy operations on all the values at once where its
    update_batch hashes them one by one in Python: MurmurHash3's 32-bit finalizer, then
    a * x + b modulo 2**32 per permutation, and the least of each.

    >>> from datasketch import MinHash  # (a test requirement: the reference)
    >>> reference = MinHash(PERMUTATIONS, hashfunc=int, seed=1, scheme="affine32")
    >>> reference.update_batch(range(1, 2**32, 2**22 + 1))
    >>> bool((minhash(np.arange(1, 2**32, 2**22 + 1, dtype=np.uint32)) == reference.hashvalues).all())
    True
    """
    values = (values ^ (values >> np.uint32(16))) * np.uint32(0x85EBCA6B)
    values = (values ^ (values >> np.uint32(13))) * np.uint32(0xC2B2AE35)
    values = values ^ (values >> np.uint32(16))
    return (values[:, np.newaxis] * _A + _B).min(axis=0)  # (products wrap: modulo 2**32)


def band_keys(sign: np.ndarray) -> np.ndarray:
    """One 32-bit key per band: the band's number and its ROWS values, hashed (keys that
    collide only bring a candidate more, which its signature then turns away)."""
    rows = sign.reshape(BANDS, ROWS).astype(np.uint64)
    keys = np.arange(BANDS, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    for column in range(ROWS):
        keys = (keys ^ rows[:, column]) * np.uint64(0xBF58476D1CE4E5B9)
        keys ^= keys >> np.uint64(31)
    return (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32)


class Stories:
    """The stories of an index: each article's row, its signature and its story's id.

    Sized for a million articles in a few hundred MB: signatures are kept as their low 16 bits
    (two signatures agreeing by chance on a position: 1 in 65,536, no matter at a 0.4
    threshold), in blocks that grow without copying; the band table is a few sorted runs
    (story_bands), so that merging new keys in never copies the whole table. The story
    ids loaded stay one numpy array of bytes (a million strings made one by one took a second
    of every update); those added since are a list, a copy's id its first article's string."""

    def __init__(self, signatures=(), stories=None, runs=None):
        self._loaded = _as_bytes(stories if stories is not None else [])
        self._saved = 0  # rows in the files: the rows past them go to a delta (save)
        self._through_delta = self._last_delta = 0  # the last delta the main file holds; the last written
        self._added: list[str] = []
        # The loaded rows' signatures, as their files hold them (a main file's are a memory map:
        # an update reads the pages it compares), and where each part starts.
        self._parts = [part for part in signatures if len(part)]
        self._starts = list(itertools.accumulate((len(part) for part in self._parts[:-1]), initial=0))
        self._blocks: list[np.ndarray] = []  # the added rows' signatures, BLOCK rows each
        self.bands = BandTable(runs or [])  # (sorted keys, rows) of each run

    @classmethod
    def load(cls, generation: Path) -> "Stories":
        """The stories saved with a generation: its main file and the deltas updates wrote
        since it was last written whole."""
        try:
            saved = mapped_arrays(generation / STORIES, searched="keys")
            parts = [_read(saved)]
            folded = int(saved["folded"][0]) if "folded" in saved else 0
            deltas = [(n, path) for n, path in _deltas(generation) if n > folded]
            for _, path in deltas:
                parts.append(_read(mapped_arrays(path, searched="keys")))
        except FileNotFoundError:
            return cls()
        except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile) as error:
            # Stories start afresh (copies found from now on); the next save writes the main
            # file whole, and no delta of these is read again.
            why = "copies are found among new articles only"
            LOGGER.warning("stories in %s cannot be read (%s): %s", generation, error, why)
            return cls()
        signatures = [part[0].astype(np.uint16, copy=False) for part in parts]
        stories = np.concatenate([_as_bytes(part[1]) for part in parts]) if len(parts) > 1 else parts[0][1]
        loaded = cls(signatures, stories, [run for part in parts for run in part[2]])
        loaded._saved, loaded._through_delta = len(loaded), folded
        loaded._last_delta = deltas[-1][0] if deltas else folded
        return loaded

    def save(self, generation: Path) -> None:
        """Write the rows added since the last save as a delta beside the main file (an update
        of 100 articles at 1,000,000 writes 100 rows, not 400 MB), or everything into the main
        file: on a first save, after MAX_DELTAS deltas, past DELTA_SHARE new rows, or when the
        band table's runs were merged. Each file is written aside and renamed: a build stopped
        meanwhile resumes with the stories as they were at its last checkpoint."""
        new = len(self) - self._saved
        if not new and self._saved:
            return
        if (
            self._saved
            and not self.bands.changed
            and new <= DELTA_SHARE * self._saved
            and self._last_delta - self._through_delta < MAX_DELTAS
        ):
            self._save_delta(generation)
            return
        runs = {}
        for n, (keys, rows) in enumerate(self.bands.compacted()):
            runs[f"keys{n}"], runs[f"rows{n}"] = keys, rows
        # Every delta on disk is held now (or was not loaded: stale): the main file says so.
        deltas = _deltas(generation)
        self._last_delta = max([self._last_delta] + [number for number, _ in deltas])
        write_arrays(
            generation / STORIES,
            signatures=self._signatures(),
            stories=self._story_ids(),
            folded=np.array([self._last_delta]),
            **runs,
        )
        for _, path in deltas:
            path.unlink(missing_ok=True)
        self._saved, self._through_delta, self.bands.changed = len(self), self._last_delta, False

    def _save_delta(self, generation: Path) -> None:
        start = self._saved
        signatures = np.stack([self._row(row) for row in range(start, len(self))])
        stories = _as_bytes(self._added[start - len(self._loaded) :])
        keys, rows = self.bands.saved_apart()
        self._last_delta += 1
        path = generation / f"{Path(STORIES).stem}.{self._last_delta}.npz"
        write_arrays(path, signatures=signatures, stories=stories, keys0=keys, rows0=rows)
        self._saved = len(self)

    def assign(self, doc_id: str, sign: np.ndarray | None) -> tuple[str, bool]:
        """The story of an article (its id), and whether the article is a copy in it (another
        article came first). An article too short for a signature is a story of its own."""
        if sign is None:
            return doc_id, False
        keys, sign = band_keys(sign), sign.astype(np.uint16)
        story, copy = doc_id, False
        rows = self._candidates(keys)
        if rows:
            found = np.array([self._row(row) for row in rows])
            similarities = (found == sign).mean(axis=1)
            for row, similarity in sorted(zip(rows, similarities.tolist()), key=lambda x: -x[1]):
                if similarity < STORY_SIMILARITY:
                    break
                if (first := self._story(row)) != doc_id:
                    story, copy = first, True
                    break
        self._add(keys, sign, story)
        return story, copy

    def _candidates(self, keys: np.ndarray) -> list[int]:
        """The rows sharing the most bands with these keys, most first. A crowded band (a
        pair of common shingles' minima) says little; each counts up to BUCKET rows."""
        found = self.bands.candidates(keys)
        if not found:
            return []
        rows, counts = np.unique(np.concatenate(found), return_counts=True)
        best = np.argsort(-counts, kind="stable")[:MAX_CANDIDATES]
        return rows[best].tolist()

    def _row(self, row: int) -> np.ndarray:
        added = row - len(self._loaded)
        if added >= 0:
            return self._blocks[added // BLOCK][added % BLOCK]
        part = bisect.bisect_right(self._starts, row) - 1
        return self._parts[part][row - self._starts[part]]

    def _block_for(self, added: int) -> np.ndarray:
        while added // BLOCK >= len(self._blocks):
            self._blocks.append(np.zeros((BLOCK, PERMUTATIONS), dtype=np.uint16))
        return self._blocks[added // BLOCK]

    def __len__(self) -> int:
        return len(self._loaded) + len(self._added)

    def _story(self, row: int) -> str:
        loaded = len(self._loaded)
        return self._loaded[row].decode() if row < loaded else self._added[row - loaded]

    def _story_ids(self) -> np.ndarray:
        if not self._added:
            return self._loaded
        return np.concatenate([self._loaded, _as_bytes(self._added)])

    def _signatures(self) -> np.ndarray:
        added = len(self._added)
        blocks = [self._blocks[n][: min(BLOCK, added - n * BLOCK)] for n in range(len(self._blocks))]
        arrays = [*self._parts, *blocks]
        return np.concatenate(arrays) if arrays else np.zeros((0, PERMUTATIONS), dtype=np.uint16)

    def _add(self, keys: np.ndarray, sign: np.ndarray, story: str) -> None:
        row, added = len(self), len(self._added)
        self._block_for(added)[added % BLOCK] = sign
        self._added.append(story)
        self.bands.add(keys, row)


def _read(saved) -> tuple[np.ndarray, np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
    """(signatures, story ids, runs) of a main file or a delta."""
    runs = sum(1 for name in saved if name.startswith("keys"))
    pairs = [(saved[f"keys{n}"], saved[f"rows{n}"]) for n in range(runs)]
    if "keys" in saved:  # the layout before runs: one of them
        pairs = [(saved["keys"], saved["rows"])]
    signatures, stories = saved["signatures"], saved["stories"]
    if signatures.shape != (len(stories), PERMUTATIONS) or any(
        keys.ndim != 1 or keys.shape != rows.shape for keys, rows in pairs
    ):
        raise ValueError(f"arrays of unexpected shapes: {signatures.shape}, {len(stories)} stories")
    return signatures, stories, pairs


def _as_bytes(ids) -> np.ndarray:
    """Story ids as UTF-8 bytes: 12 bytes an id where numpy's str takes 48 (files before kept str)."""
    if isinstance(ids, list):  # (five times as fast as np.char.encode)
        return np.array([story.encode() for story in ids], dtype="S") if ids else np.empty(0, "S1")
    return np.char.encode(ids, "utf-8") if ids.dtype.kind == "U" else ids.astype("S", copy=False)


def _deltas(generation: Path) -> list[tuple[int, Path]]:
    """(number, path) of the deltas beside a generation's main file, in the order written."""
    stem = Path(STORIES).stem
    numbered = ((path.name[len(stem) + 1 : -len(".npz")], path) for path in generation.glob(f"{stem}.*.npz"))
    return sorted((int(number), path) for number, path in numbered if number.isdigit())
