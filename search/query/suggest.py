"""Typed syllables + an engine's term statistics -> "did you mean" text, or None.

For each syllable typed without accents (or not found at all), the candidates are its accented
spellings that the corpus uses (or, for a typo, those of the corpus's syllables one edit away);
the chosen sequence is the one whose adjacent pairs the corpus writes most often, so "gia vang"
becomes "giá vàng" even where "gia" alone is more often "gia" (gia đình, quốc gia).
"""

import math

from search.analysis import fold_term, pair_term
from search.normalize import accent_variants, has_accents
from search.query.parse import ParsedQuery
from search.spelling import PairCounts

# Candidates kept per syllable, most frequent first: enough for every real reading.
MAX_CANDIDATES = 6
MIN_TYPED_LETTERS = 2  # shorter queries get no "did you mean"
# Pair counts decide; single-syllable counts only break ties and rank lone syllables.
UNIGRAM_WEIGHT = 0.2
UNSEEN_PAIR = 0.01


def suggest(searcher, syllables: list[str], pairs: PairCounts | None = None) -> str | None:
    """The corpus's most likely accented reading of the query's syllables, if it differs.

    `pairs` are the accented pair counts saved with the index; without them, single-syllable
    counts decide.
    """
    if not syllables or len(syllables) > 8:
        return None
    counter = _Counter(searcher, pairs or PairCounts())
    typed = [syllable.lower() for syllable in syllables]
    candidates = [_candidates(counter, syllable) for syllable in typed]
    best = _best_sequence(counter, candidates)
    for at, word in enumerate(best):
        # In a query of several syllables, a change needs the corpus to write it next to a
        # neighbour from the query: alone, "vang" -> "bang" or "phe" -> "cả phe" is a guess.
        if (
            word != typed[at]
            and len(best) > 1
            and not any(counter.pair(best[i], best[i + 1]) for i in (at - 1, at) if 0 <= i < len(best) - 1)
        ):
            best[at] = typed[at]
    return None if best == typed else " ".join(best)


class _Counter:
    """Corpus counts of spellings and pairs of spellings."""

    def __init__(self, searcher, pairs: PairCounts):
        self.searcher = searcher
        self.pairs = pairs
        # Accented pairs are counted on a sample of the corpus: scale them to the whole.
        self.scale = searcher.doc_count() / pairs.articles if pairs.articles else 0.0

    def word(self, term: str) -> int:
        """Articles with this spelling (a plain one: with any spelling of it)."""
        return self.searcher.doc_frequency("exact" if has_accents(term) else "folded", term)

    def plain(self, folded: str) -> int | None:
        """Articles with the plain spelling itself, where the engine knows it."""
        if self.searcher.plain_spellings:
            return self.searcher.doc_frequency("exact", folded)
        return None

    def folded_pair(self, first: str, second: str) -> int:
        return self.searcher.doc_frequency("pairs", pair_term(fold_term(first), fold_term(second)))

    def pair(self, first: str, second: str) -> float:
        if first == fold_term(first) and second == fold_term(second):
            return self.folded_pair(first, second)  # an upper bound: see _pair_table
        return self.pairs[pair_term(first, second)] * self.scale


def _candidates(counter: _Counter, syllable: str) -> list[tuple[str, int]]:
    """(spelling, corpus count) pairs to choose from for one typed syllable."""
    count = counter.word(syllable)
    if has_accents(syllable) and count:
        return [(syllable, count)]  # accents the user typed are meant
    folded = fold_term(syllable)
    found = _spellings(counter, folded)
    if not found and not counter.word(folded):
        for near in sorted(_one_edit(folded)):
            if counter.word(near):
                found += _spellings(counter, near)
    found.sort(key=lambda pair: -pair[1])
    return found[:MAX_CANDIDATES] or [(syllable, count)]


def _one_edit(word: str) -> set[str]:
    """Words one deletion, swap of neighbours, replacement or insertion away ("hpo" -> "hop")."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:at], word[at:]) for at in range(len(word) + 1)]
    return (
        {left + right[1:] for left, right in splits if right}
        | {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
        | {left + letter + right[1:] for left, right in splits if right for letter in letters}
        | {left + letter + right for left, right in splits for letter in letters}
    ) - {word}


def _spellings(counter: _Counter, folded: str) -> list[tuple[str, int]]:
    counts = {variant: counter.word(variant) for variant in accent_variants(folded)}
    plain = counter.plain(folded)
    # Without it, a plain spelling is known only by its folded term, which counts every spelling.
    counts[folded] = (
        plain
        if plain is not None
        else max(0, counts.get(folded, 0) - sum(c for v, c in counts.items() if v != folded))
    )
    return [(variant, count) for variant, count in counts.items() if count]


def _pair_table(counter: _Counter, firsts: list[str], seconds: list[str]) -> dict:
    """How often the corpus writes each pair; a plain pair ("gia_vang") is known only as the
    folded pair, which counts every spelling, so the accented ones are taken off it."""
    counts = {(a, b): counter.pair(a, b) for a in firsts for b in seconds}
    plain = {}
    for (a, b), count in counts.items():
        if a == fold_term(a) and b == fold_term(b):
            spelled = sum(
                c
                for (x, y), c in counts.items()
                if (x, y) != (a, b) and fold_term(x) == a and fold_term(y) == b
            )
            plain[(a, b)] = max(0, count - spelled)
    return counts | plain


def _best_sequence(counter: _Counter, candidates: list[list[tuple[str, int]]]) -> list[str]:
    """Viterbi over the candidates, scoring adjacent pairs by how often the corpus has them."""
    paths = {word: (UNIGRAM_WEIGHT * math.log1p(count), [word]) for word, count in candidates[0]}
    for options in candidates[1:]:
        pairs = _pair_table(counter, list(paths), [word for word, _ in options])
        next_paths = {}
        for word, count in options:
            unigram = UNIGRAM_WEIGHT * math.log1p(count)
            score, path = max(
                (
                    previous_score + math.log(pairs[previous, word] + UNSEEN_PAIR) + unigram,
                    previous_path,
                )
                for previous, (previous_score, previous_path) in paths.items()
            )
            next_paths[word] = (score, path + [word])
        paths = next_paths
    return max(paths.values())[1]


def _has_or(parsed: ParsedQuery) -> bool:
    """Whether the query holds an OR: one spelling of both its sides would say nothing."""
    return any(len(unit) > 1 or unit[0].after_or for unit in parsed.units)


def did_you_mean(searcher, parsed: ParsedQuery, pairs: PairCounts | None) -> str | None:
    """ "Did you mean" for queries of plain words and phrases (operators are left as typed),
    when it would find other articles: a spelling that only adds the accents to what was
    typed without any finds the same ones (folded matching), and is not offered."""
    clauses = parsed.positive()
    if parsed.negated or any(c.prefix or c.title_only for c in clauses) or _has_or(parsed):
        return None
    typed = [s for c in clauses for s in c.syllables]
    if sum(len(syllable) for syllable in typed) < MIN_TYPED_LETTERS:
        return None  # "x", "q": too little typed to say what was meant
    suggestion = suggest(searcher, typed, pairs)
    if (
        suggestion
        and not any(has_accents(s) for s in typed)
        and ([fold_term(s) for s in suggestion.split()] == [fold_term(s) for s in typed])
    ):
        return None
    return suggestion
