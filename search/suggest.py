"""Parsed query + index statistics -> "did you mean" text, or None.

For each syllable typed without accents (or not found at all), the candidates are its accented
spellings that the corpus uses (or, for a typo, those of the corpus's syllables one edit away);
the chosen sequence is the one whose adjacent pairs the corpus writes most often, so "gia vang"
becomes "giá vàng" even where "gia" alone is more often "gia" (gia đình, quốc gia).
"""

import math

from whoosh.reading import IndexReader

from search.analysis import PAIR_JOINER, fold_term
from search.normalize import accent_variants, has_accents

# Candidates kept per syllable, most frequent first: enough for every real reading.
MAX_CANDIDATES = 6
# Pair counts decide; single-syllable counts only break ties and rank lone syllables.
UNIGRAM_WEIGHT = 0.2
UNSEEN_PAIR = 0.01
EXACT_FIELDS = ("body", "title")


def suggest(reader: IndexReader, syllables: list[str]) -> str | None:
    """The corpus's most likely accented reading of the query's syllables, if it differs."""
    if not syllables or len(syllables) > 8:
        return None
    typed = [syllable.lower() for syllable in syllables]
    candidates = [_candidates(reader, syllable) for syllable in typed]
    best = _best_sequence(reader, candidates)
    for at, word in enumerate(best):
        # In a query of several syllables, a change needs the corpus to write it next to a
        # neighbour from the query: alone, "vang" -> "bang" or "phe" -> "cả phe" is a guess.
        if word != typed[at] and len(best) > 1 and not any(
            _pair_count(reader, best[i], best[i + 1]) for i in (at - 1, at) if 0 <= i < len(best) - 1
        ):
            best[at] = typed[at]
    return None if best == typed else " ".join(best)


def _pair_count(reader: IndexReader, first: str, second: str) -> int:
    return reader.frequency("pairs", first + PAIR_JOINER + second)


def _frequency(reader: IndexReader, term: str) -> int:
    return sum(reader.frequency(field, term) for field in EXACT_FIELDS)


def _candidates(reader: IndexReader, syllable: str) -> list[tuple[str, int]]:
    """(spelling, corpus count) pairs to choose from for one typed syllable."""
    typed = syllable.lower()
    count = _frequency(reader, typed)
    if has_accents(typed) and count:
        return [(typed, count)]  # accents the user typed are meant
    folded = fold_term(typed)
    found = _spellings(reader, folded)
    if not found and not reader.frequency("body", folded):
        for near in sorted(_one_edit(folded)):
            if reader.frequency("body", near):
                found += _spellings(reader, near)
    found.sort(key=lambda pair: -pair[1])
    return found[:MAX_CANDIDATES] or [(typed, count)]


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


def _spellings(reader: IndexReader, folded: str) -> list[tuple[str, int]]:
    counts = {variant: _frequency(reader, variant) for variant in accent_variants(folded)}
    # The index keeps a plain spelling only in its folded term, which counts every spelling.
    counts[folded] = max(0, counts.get(folded, 0) - sum(c for v, c in counts.items() if v != folded))
    return [(variant, count) for variant, count in counts.items() if count]


def _pair_counts(reader: IndexReader, firsts: list[str], seconds: list[str]) -> dict:
    """How often the corpus writes each pair; a plain pair ("gia_vang") is stored only as the
    folded term that counts every spelling, so the accented ones are taken off it."""
    counts = {(a, b): _pair_count(reader, a, b) for a in firsts for b in seconds}
    plain = {}
    for (a, b), count in counts.items():
        if a == fold_term(a) and b == fold_term(b):
            spelled = sum(c for (x, y), c in counts.items()
                          if (x, y) != (a, b) and fold_term(x) == a and fold_term(y) == b)
            plain[(a, b)] = max(0, count - spelled)
    return counts | plain


def _best_sequence(reader: IndexReader, candidates: list[list[tuple[str, int]]]) -> list[str]:
    """Viterbi over the candidates, scoring adjacent pairs by how often the corpus has them."""
    paths = {word: (UNIGRAM_WEIGHT * math.log1p(count), [word]) for word, count in candidates[0]}
    for options in candidates[1:]:
        pairs = _pair_counts(reader, list(paths), [word for word, _ in options])
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
