"""The environment -> every limit and knob of the product, in one place.

Each has the SEARCH_* environment variable that tunes it (read once, at import).

Input: the environment. Output: module constants that the library, the CLI and the web app use,
so the web page and the CLI can never disagree on, say, the longest query.
"""

import os


def _int(name: str, default: int, minimum: int = 1) -> int:
    """SEARCH_<name> as an int of at least `minimum`, or the default when unset or unreadable."""
    value = os.environ.get(f"SEARCH_{name}", "").strip()
    try:
        return max(minimum, int(value)) if value else default
    except ValueError:
        return default


def _cpus() -> int:
    """The CPUs this process may run on (a container's or `taskset`'s, not the host's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _float(name: str, default: float) -> float:
    value = os.environ.get(f"SEARCH_{name}", "").strip()
    try:
        return max(0.0, float(value)) if value else default
    except ValueError:
        return default


# -- queries -------------------------------------------------------------------------------------
MAX_QUERY_CHARS = _int("MAX_QUERY_CHARS", 400)  # longer queries are cut, with a notice
MAX_QUERY_TERMS = _int("MAX_QUERY_TERMS", 32)  # distinct words; the rest are dropped, with a notice
MAX_PREFIXES = _int("MAX_PREFIXES", 16)  # `word*` terms per query
MAX_PREFIX_EXPANSION = _int("MAX_PREFIX_EXPANSION", 16)  # indexed words one `word*` stands for (Typesense: 4)
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = _int("MAX_PAGE_SIZE", 100)
# Elasticsearch's max_result_window: page x page size may not reach past this hit.
MAX_RESULT_WINDOW = _int("MAX_RESULT_WINDOW", 1000)
# Totals are exact up to this many hits, then reported as "at least" (track_total_hits).
EXACT_TOTAL_UP_TO = _int("EXACT_TOTAL_UP_TO", 10_000)
# A search stops collecting after this long and returns the best hits so far, marked partial.
QUERY_SECONDS = _float("QUERY_SECONDS", 0.5)
# tantivy keeps no positions for the text: the articles holding every pair of a phrase of three
# words or more are read (about 60 us each), at most this many, to leave out those holding
# them apart; past it the pairs decide.
MAX_PHRASE_CHECKS = _int("MAX_PHRASE_CHECKS", 1_000, minimum=0)

# -- indexing ------------------------------------------------------------------------------------
MAX_FILE_BYTES = _int("MAX_FILE_BYTES", 10 * 1024 * 1024)  # larger files are skipped, with a reason
MAX_LINE_CHARS = 100_000  # longer lines are cut before the line rules run (a reason is logged)
FILE_SECONDS = _float("FILE_SECONDS", 30.0)  # a file taking longer to extract is skipped
# HTML pages with more tags, or tags nested deeper (browsers stop at 512), are read as plain
# text instead of as a tree (a reason is logged): the tree costs about 1 kB of memory per tag.
MAX_HTML_TAGS = 100_000
MAX_HTML_DEPTH = 256
BUILD_PROCESSES = _int("BUILD_PROCESSES", _cpus())
WRITER_MEMORY_MB = _int("WRITER_MEMORY_MB", 256)  # per engine writer (tantivy: its heap)
# A build commits what it has this often, so that one that stops is resumed from there
# (index.py); an update commits once, at its end.
CHECKPOINT_SECONDS = _float("CHECKPOINT_SECONDS", 300.0)

# -- serving -------------------------------------------------------------------------------------
WORKERS = _int("WORKERS", _cpus())  # server processes (`search serve --workers`)
MAX_CONNECTIONS = _int("MAX_CONNECTIONS", 1000)  # per worker; more wait in the listen backlog
IDLE_SECONDS = _int("IDLE_SECONDS", 5)  # an idle keep-alive connection is closed after this
REQUEST_SECONDS = _int("REQUEST_SECONDS", 60)  # a worker stuck longer than this is restarted
