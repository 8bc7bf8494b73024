"""An engine's first hits + the query -> those hits reordered: the ones that hold every typed
syllable in one run ("ủy ban nhân dân", not "ủy ban" here and "nhân dân" there) go up.

Checked on the stored text of the first RERANK_DEPTH hits only: a phrase query would pay for
it on every matching document.
"""

from search.query.parse import ParsedQuery
from search.query.snippets import has_run

# How many of the first hits are looked at (the engine is asked for this many more than a page).
RERANK_DEPTH = 30
# The score of a hit holding the whole run is multiplied by this.
RUN_FACTOR = 1.5


def rerank(searcher, parsed: ParsedQuery, ranked: list) -> list:
    """(score, handle, stored article or None) hits, the first RERANK_DEPTH reordered."""
    words = [s for c in parsed.positive() if c.plain for s in c.folded]
    if len(words) < 3 or len(ranked) < 2:
        return ranked
    top = []
    for score, handle, _ in ranked[:RERANK_DEPTH]:
        stored = searcher.stored(handle)
        found = has_run(stored.title, words) or has_run(stored.body, words)
        top.append((score * RUN_FACTOR if found else score, handle, stored))
    top.sort(key=lambda hit: -hit[0])
    return top + ranked[RERANK_DEPTH:]
