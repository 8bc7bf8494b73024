"""The query's words + the index's statistics -> the words to leave out when no article has them
all, the least informative first (the fallback).

As Meilisearch's "frequency" matching strategy does: a word no article holds is left out first
(nothing can match it), then the word most articles hold (it tells the least about what the
reader wants), and so on. Whole words only (segment.py): "hồ chí minh" is left out whole or
kept whole, never reduced to "minh". At least half the words stay.
"""

from collections.abc import Iterator

from search.analysis import pair_term
from search.segment import Word


def leave_out(words: list[Word], searcher) -> Iterator[tuple[list[Word], list[Word]]]:
    """(the words to search, the words left out) for each step of the fallback, in order: one
    word left out, then two, ...; steps whose words cannot all match are skipped."""
    counts = [_articles(word, searcher) for word in words]
    order = sorted(range(len(words)), key=lambda at: (counts[at] > 0, -counts[at], -at))
    for dropped in range(1, len(words) - (len(words) + 1) // 2 + 1):
        out = set(order[:dropped])
        kept = [at for at in range(len(words)) if at not in out]
        if all(counts[at] for at in kept):
            yield [words[at] for at in kept], [words[at] for at in sorted(out)]


def _articles(word: Word, searcher) -> int:
    """About how many articles hold the word: exact for a syllable, at most that for a phrase
    (its rarest pair), the sum over an OR's alternatives; every article for a prefix*."""
    total = 0
    for clause in word.clauses:
        if clause.prefix:
            return searcher.doc_count()
        folded = clause.folded
        if len(folded) == 1:
            total += searcher.doc_frequency("folded", folded[0])
        else:
            total += min(searcher.doc_frequency("pairs", pair_term(a, b)) for a, b in zip(folded, folded[1:]))
    return total
