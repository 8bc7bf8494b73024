"""A parsed query + the index's statistics -> the words the reader typed, and what to mark of them.

Vietnamese writes a word as several syllables, and a query's syllables arrive one by one. The
index's pair field says which two the corpus writes side by side, and that is how typed
syllables become words ("hop tac" is one word, "hợp tác"). A word of several syllables must
match as a run (plan.py), is highlighted whole, and the fallback may leave out a word but
never a syllable of one. English words are single tokens: they are never grouped.
"""

import re
from dataclasses import dataclass, replace

from search.analysis import find_words, pair_term
from search.query.parse import Clause, ParsedQuery
from search.query.snippets import Marks, has_run

# A folded syllable shaped as Vietnamese writes them: an onset, one to three vowels, a final
# consonant. "kaluga", "ferry" and "hcm" are not; "khinh", "cau" and "ban" are.
# Most Vietnamese words are one or two syllables; names run to three ("Buôn Ma Thuột"). A
# longer phrase is read as words side by side, each matched as a run (rerank.py raises the
# articles that hold the whole run).
MAX_WORD_SYLLABLES = 3
_VIETNAMESE_SYLLABLE = re.compile(
    r"(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?"
)


@dataclass
class Word:
    """A word as the reader typed it: one clause (a syllable, a "phrase", a prefix*, an OR of
    them, an abbreviation with its full forms), or typed syllables the corpus writes side by
    side ("hop tac"), `joined` into one clause."""

    clauses: list[Clause]  # alternatives
    joined: bool = False  # syllables typed apart, one word: each must match, next to each other

    @property
    def text(self) -> str:
        """As typed (the forms the rules added are not shown)."""
        return " OR ".join(" ".join(c.syllables) for c in self.clauses if not c.generated)

    def found_in(self, text: str) -> bool:
        """Whether an article's text holds the word (one of its alternatives)."""
        for clause in self.clauses:
            if clause.prefix and find_words(text, frozenset(), tuple(clause.folded)):
                return True
            if not clause.prefix and has_run(text, clause.folded):
                return True
        return False


def words(parsed: ParsedQuery, searcher) -> list[Word]:
    """The query's words: each unit is one, except that one-syllable units typed one after the
    other are grouped into words (see `_segment`). An OR typed between two syllables makes the
    words on either side alternatives: "nhã nhạc OR cá ngừ" is one word or the other."""
    found: list[Word] = []
    waiting: list[Clause] = []  # one-syllable clauses typed in a row
    alternatives: list[int] = []  # where a word is an alternative of the one before
    for unit in parsed.units + [[]]:
        clause = unit[0] if len(unit) == 1 else None
        if clause is not None and clause.after_or:  # no word spans the OR
            found += [_joined(group) for group in _segment(waiting, searcher)]
            waiting = []
            alternatives.append(len(found))
        if clause is not None and clause.plain and len(clause.syllables) == 1:
            waiting.append(clause)
            continue
        found += [_joined(group) for group in _segment(waiting, searcher)]
        waiting = []
        if unit:
            found.append(Word(list(unit)))
    for at in reversed(alternatives):
        found[at - 1 : at + 1] = [Word(found[at - 1].clauses + found[at].clauses)]
    return found


def join_exclusions(parsed: ParsedQuery, searcher) -> ParsedQuery:
    """ "-cá ngừ": the excluded syllable and the syllables typed after it, grouped into words
    as any run is; when the first word holds more than the excluded syllable, that word is
    excluded (as if quoted) and its other syllables are no longer required."""
    units, negated = list(parsed.units), list(parsed.negated)
    for at in reversed(range(len(units))):
        first = units[at][0]
        if len(units[at]) > 1 or first.after_exclusion is None:
            continue
        run = [first.after_exclusion]
        for unit in units[at:]:
            if len(unit) > 1 or not unit[0].plain or len(unit[0].syllables) > 1 or unit[0].after_or:
                break
            run.append(unit[0])
        word = _segment(run, searcher)[0]
        after = at + len(word) - 1
        if len(word) == 1 or (after < len(units) and units[after][0].after_or):
            continue  # the syllable alone is excluded (or the word ends in an OR: left as typed)
        excluded = Clause([s for c in word for s in c.syllables], phrase=True, negated=True)
        negated = [excluded if c is first.after_exclusion else c for c in negated]
        del units[at:after]
    if negated == parsed.negated:
        return parsed
    return replace(parsed, units=units, negated=negated)


def _joined(clauses: list[Clause]) -> Word:
    if len(clauses) == 1:
        return Word(clauses)
    return Word([Clause([s for c in clauses for s in c.syllables], phrase=True)], joined=True)


def _segment(clauses: list[Clause], searcher) -> list[list[Clause]]:
    """Syllables typed in a row, grouped into words.

    Of the ways to group neighbours the corpus writes side by side into words of up to
    MAX_WORD_SYLLABLES, the one whose words are bound tightest wins: "đêm | giáng sinh", not
    "đêm giáng | sinh"; "buôn ma thuột" whole, but "giá vàng | hôm nay" where "vàng hôm" binds
    loosely. Vietnamese syllables in a row that the corpus never writes next to a typed
    neighbour are one word (see _unknown_words); other syllables (English words, numbers) are
    words of their own ("ferry | route | kaluga").
    """
    folded = [c.folded[0] for c in clauses]
    bonds = [
        bond(searcher, a, b) if _vietnamese(a) and _vietnamese(b) else 0.0 for a, b in zip(folded, folded[1:])
    ]
    # best[at]: (the strength, the groups of positions) of the best grouping from `at` on
    best: list[tuple[float, list[list[int]]]] = [(0.0, [])] * (len(clauses) + 1)
    for at in reversed(range(len(clauses))):
        options = []
        for size in range(1, min(MAX_WORD_SYLLABLES, len(clauses) - at) + 1):
            inside = bonds[at : at + size - 1]
            if size > 1 and not min(inside):
                break  # a word's syllables are all written side by side somewhere
            # A word is as strong as its weakest link, once for each link.
            strength = (size - 1) * min(inside, default=0.0) + best[at + size][0]
            options.append((strength, size, [list(range(at, at + size))] + best[at + size][1]))
        strength, _, groups = max(options, key=lambda option: option[:2])  # a tie: the longer word
        best[at] = (strength, groups)
    groups = _unknown_words(best[0][1], folded, bonds + [0.0])
    return [[clauses[at] for at in group] for group in groups]


def bond(searcher, first: str, second: str) -> float:
    """How tightly the corpus binds two folded syllables: the articles writing them side by
    side against those holding either (Dice's coefficient); 0 when none writes the pair."""
    together = searcher.doc_frequency("pairs", pair_term(first, second))
    if not together:
        return 0.0
    return 2 * together / (searcher.doc_frequency("folded", first) + searcher.doc_frequency("folded", second))


def _vietnamese(folded: str) -> bool:
    """Whether a folded syllable is shaped as Vietnamese ("cau", "khinh"; not "ferry", "hcm")."""
    return bool(_VIETNAMESE_SYLLABLE.fullmatch(folded))


def _unknown_words(groups: list[list[int]], folded: list[str], bonds: list[float]) -> list[list[int]]:
    """The groups, with Vietnamese syllables in a row that pair with no typed neighbour joined
    into one word: the index never writes them side by side, so it cannot tell whether they
    are one word it does not hold ("nhật bản" in a corpus without Japan, "khinh khí cầu" found
    only in navigation) or several, and a word it does not hold must not match scattered."""
    bonded = [0.0] + bonds  # bonded[at], bonded[at + 1]: the bonds on either side of `at`
    joined: list[list[int]] = []
    stretch: list[int] = []
    for group in groups + [[]]:
        if (
            len(group) == 1
            and _vietnamese(folded[group[0]])
            and not (bonded[group[0]] or bonded[group[0] + 1])
        ):
            stretch += group
            continue
        joined += [stretch] if len(stretch) > 1 else [[at] for at in stretch]
        stretch = []
        if group:
            joined.append(group)
    return joined


def marks(parsed: ParsedQuery, typed_words: list[Word]) -> Marks:
    """What to highlight: one-syllable words anywhere; words of several syllables (typed apart
    or as a phrase, an abbreviation's forms, question words) only where they stand whole."""
    clauses = [c for word in typed_words for c in word.clauses if not c.prefix] + parsed.optional
    runs = tuple(dict.fromkeys(tuple(c.folded) for c in clauses if len(c.syllables) > 1))
    singles = frozenset(c.folded[0] for c in clauses if len(c.syllables) == 1)
    prefixes = tuple(term for c in parsed.positive() if c.prefix for term in c.folded)
    order = [term for c in parsed.positive() if not c.prefix for term in c.folded]
    return Marks(singles, prefixes, frozenset(zip(order, order[1:])), runs)
