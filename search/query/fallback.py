"""The query's words + the index's statistics -> the words to leave out when no article has them
all, the least informative first (the fallback).

As Meilisearch's "frequency" matching strategy does: a word no article holds is left out first
(nothing can match it), then the word most articles hold (it tells the least about what the
reader wants), and so on. Whole words only (segment.py): "hồ chí minh" is left out whole or
kept whole, never reduced to "minh". At least half the words stay.
"""

from collections.abc import Iterator

from search.analysis import pair_term
from search.engines import Results
from search.query.parse import ParsedQuery
from search.query.plan import left_out_bonus, make_plan
from search.query.results import Notice
from search.query.segment import Word

# The fallback runs one search per word it leaves out: past this many words it would cost more
# than it finds.
MAX_FALLBACK_WORDS = 6


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


def may_fall_back(typed: list[Word]) -> bool:
    """Two syllables ("ha noi", "doc nhieu") never fall back to one ("nói"): they may well be
    one word the index does not hold; "did you mean", or nothing, is the honest answer."""
    syllable_count = sum(len(word.clauses[0].syllables) for word in typed)
    return 1 < len(typed) <= MAX_FALLBACK_WORDS and syllable_count > 2


def fall_back(run, parsed: ParsedQuery, typed: list[Word], searcher) -> tuple[Results, list[Word]]:
    """The first search (`run` of a plan), leaving out ever more of the least informative
    words, that finds articles, and the words it left out (none: nothing found)."""
    found = Results(0, [])
    for kept, left_out in leave_out(typed, searcher):
        plan = make_plan(parsed, kept, strict=True)
        plan.should += left_out_bonus(left_out)
        found = run(plan)
        if found.total or found.partial:
            return found, left_out
    return found, []


def left_out_notice(left_out: list[Word]) -> Notice:
    """What the page says of the words the fallback left out."""
    named = [word.text for word in left_out]
    code = "all_but_one" if len(left_out) == 1 else "words_left_out"
    return Notice(code, f"No article has all the words; left out: {', '.join(named)}", tuple(named))
