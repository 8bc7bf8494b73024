"""An index folder -> a searcher on its live generation, whatever engine built it.

Input: an index folder. Output: a searchable index (`open_index`), a server's view of it that
follows rebuilds and updates (`LiveIndex`), the accented pair counts for "did you mean", and
the names sites are shown by.
"""

import functools
import threading
from pathlib import Path

from search import engines
from search.generations import (
    DEFAULT_INDEX_DIR,
    IndexNotFound,
    current_generation,
    index_info,
    read_meta,
)
from search.sites import SITES, SiteNames
from search.spelling import PairCounts


def open_index(index_dir: str | Path = DEFAULT_INDEX_DIR):
    """Open the live generation with the engine that built it, or raise IndexNotFound."""
    generation = current_generation(index_dir)
    name = read_meta(generation).get("engine", engines.DEFAULT_ENGINE)
    try:
        return engines.load(name).open_index(generation)
    except Exception as error:  # each engine has its own errors for a damaged index
        raise IndexNotFound(
            f"the index at {index_dir}/ is damaged ({error}); rebuild it with `search index --rebuild`"
        ) from None


class LiveIndex:
    """The live generation of an index folder, followed across rebuilds and updates.

    A server keeps one of these: the index is opened once (not per request), each thread
    reuses its own searcher, refreshed when an update commits, and a rebuild that swaps in a
    new generation is picked up on the next request.
    """

    def __init__(self, index_dir: str | Path = DEFAULT_INDEX_DIR):
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._opened: tuple[str, object] | None = None
        self._local = threading.local()

    def searcher(self):
        """This thread's searcher on the live generation; raises IndexNotFound."""
        generation = current_generation(self.index_dir)
        cached = getattr(self._local, "searcher", None)
        if cached and cached[0] == generation.name:
            return cached[1].refresh()
        with self._lock:
            if self._opened is None or self._opened[0] != generation.name:
                if self._opened is not None:
                    self._opened[1].close()  # its searchers close as their threads move on
                self._opened = (generation.name, open_index(self.index_dir))
            searcher = self._opened[1].searcher()
        if cached:
            cached[1].close()  # a swapped-out generation's files are let go
        self._local.searcher = (generation.name, searcher)
        return searcher

    def info(self) -> dict:
        return index_info(self.index_dir)

    def pair_counts(self, searcher=None) -> PairCounts:
        """Accented pair counts of the live generation, for "did you mean"; given this
        thread's searcher, of the generation it reads (a rebuild may have swapped since)."""
        return _generation_pairs(self._generation(searcher))

    def site_names(self, searcher=None) -> SiteNames:
        """The names sites are shown by (of the generation `searcher` reads, if given)."""
        return _generation_sites(self._generation(searcher))

    def _generation(self, searcher) -> Path:
        """The generation this thread's `searcher` reads, else the live one: CURRENT is read
        once a request, not once for each thing read. (A rebuild that swapped generations
        meanwhile has removed the searcher's: then the live one, as without a searcher.)"""
        cached = getattr(self._local, "searcher", None)
        if searcher is not None and cached is not None and cached[1] is searcher:
            generation = self.index_dir / cached[0]
            if generation.is_dir():
                return generation
        return current_generation(self.index_dir)


def pair_counts(index_dir: str | Path) -> PairCounts:
    """Accented pair counts saved with the live generation (loaded once per generation)."""
    return _generation_pairs(current_generation(index_dir))


def _generation_pairs(generation: Path) -> PairCounts:
    # (Read again where an update in place changed them.)
    return _pair_counts(generation).refresh()


@functools.lru_cache(maxsize=4)
def _pair_counts(generation: Path) -> PairCounts:
    return PairCounts.load(generation)


def site_names(index_dir: str | Path) -> SiteNames:
    """The names sites are shown by in the live generation (read again after an update)."""
    return _generation_sites(current_generation(index_dir))


def _generation_sites(generation: Path) -> SiteNames:
    try:
        changed = (generation / SITES).stat().st_mtime_ns
    except OSError:
        changed = 0
    return _site_names(generation, changed)


@functools.lru_cache(maxsize=4)
def _site_names(generation: Path, changed: int) -> SiteNames:
    return SiteNames.load(generation)
