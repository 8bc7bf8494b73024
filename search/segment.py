"""A parsed query + the index's statistics -> the words the reader typed, and what to mark of them.

Vietnamese writes a word as several syllables, and a query's syllables arrive one by one. The
index's pair field says which two the corpus writes side by side, and that is how typed
syllables become words ("hop tac" is one word, "hợp tác"): for highlighting whole words, and
for the fallback, which may leave out a word but never a syllable of one.
"""

import re
from dataclasses import dataclass

from search.analysis import pair_term
from search.parse import Clause, ParsedQuery
from search.snippets import Marks

# A folded syllable shaped as Vietnamese writes them: an onset, one to three vowels, a final
# consonant. "kaluga", "ferry" and "hcm" are not; "khinh", "cau" and "ban" are.
_VIETNAMESE_SYLLABLE = re.compile(
    r"(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?"
)


@dataclass
class Word:
    """A word as the reader typed it: one clause (a syllable, a "phrase", a prefix*, an OR of
    them, an abbreviation with its full forms), or typed syllables the corpus writes side by
    side ("hop tac")."""

    clauses: list[Clause]  # alternatives

    @property
    def text(self) -> str:
        """As typed (the forms the rules added are not shown)."""
        return " OR ".join(" ".join(c.syllables) for c in self.clauses if not c.generated)

    @property
    def run(self) -> tuple[str, ...] | None:
        """Its folded syllables, when it is one clause of several syllables."""
        clause = self.clauses[0]
        if len(self.clauses) == 1 and not clause.prefix and len(clause.syllables) > 1:
            return tuple(clause.folded)
        return None


def words(parsed: ParsedQuery, searcher) -> list[Word]:
    """The query's words: each unit is one, except that one-syllable units typed one after the
    other are grouped into words (see `_segment`)."""
    found: list[Word] = []
    waiting: list[Clause] = []  # one-syllable clauses typed in a row
    for unit in parsed.units + [[]]:
        clause = unit[0] if len(unit) == 1 else None
        if clause is not None and clause.plain and len(clause.syllables) == 1:
            waiting.append(clause)
            continue
        found += [_joined(group) for group in _segment(waiting, searcher)]
        waiting = []
        if unit:
            found.append(Word(list(unit)))
    return found


def _joined(clauses: list[Clause]) -> Word:
    if len(clauses) == 1:
        return Word(clauses)
    return Word([Clause([s for c in clauses for s in c.syllables], phrase=True)])


def _segment(clauses: list[Clause], searcher) -> list[list[Clause]]:
    """Syllables typed in a row, grouped into words.

    Two syllables the corpus writes side by side are a word (most Vietnamese words are two
    syllables); a third joins them when it pairs with the second and not with the one after it
    ("hồ chí minh", but "hợp tác | kinh tế"). Lone syllables in a row that the corpus never
    writes side by side are one word when they are Vietnamese (see _keep_unknown_words_whole),
    and stay apart otherwise ("ferry | route | kaluga").
    """
    folded = [c.folded[0] for c in clauses]
    paired = [bool(searcher.doc_frequency("pairs", pair_term(a, b))) for a, b in zip(folded, folded[1:])]
    groups, at = [], 0
    while at < len(clauses):
        end = at
        while end + 1 < len(clauses) and paired[end]:
            if end > at and end + 2 < len(clauses) and paired[end + 1]:
                break  # the next syllable starts a word of its own with the one after it
            end += 1
        groups.append(clauses[at : end + 1])
        at = end + 1
    return _keep_unknown_words_whole(groups)


def _keep_unknown_words_whole(groups: list[list[Clause]]) -> list[list[Clause]]:
    """Lone Vietnamese syllables typed in a row joined into one word: the index never writes
    them side by side, so it cannot tell whether they are one word it does not hold ("nhật
    bản" in a corpus without Japan, "khinh khí cầu" found only in navigation) or several."""
    joined: list[list[Clause]] = []
    stretch: list[Clause] = []
    for group in groups + [[]]:
        if len(group) == 1 and _VIETNAMESE_SYLLABLE.fullmatch(group[0].folded[0]):
            stretch.append(group[0])
            continue
        joined += [stretch] if len(stretch) > 1 else [[clause] for clause in stretch]
        stretch = []
        if group:
            joined.append(group)
    return joined


def marks(parsed: ParsedQuery, typed_words: list[Word]) -> Marks:
    """What to highlight: one-syllable words anywhere; typed words of several syllables as runs
    (syllable by syllable in an article that never writes them in a row); the forms of an
    abbreviation, phrases and question words only where they stand whole."""
    runs = tuple(dict.fromkeys(word.run for word in typed_words if word.run))
    others = [c for w in typed_words if not w.run for c in w.clauses if not c.prefix] + parsed.optional
    phrases = tuple(dict.fromkeys(tuple(c.folded) for c in others if len(c.syllables) > 1))
    singles = frozenset(c.folded[0] for c in others if len(c.syllables) == 1)
    prefixes = tuple(term for c in parsed.positive() if c.prefix for term in c.folded)
    order = [term for c in parsed.positive() if not c.prefix for term in c.folded]
    return Marks(singles, prefixes, frozenset(zip(order, order[1:])), runs, phrases)
