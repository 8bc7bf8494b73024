"""User text -> the parsed query: clauses (words, "phrases", -exclusions, a OR b, title:word,
prefix*) and the words they make.

Input: what the user typed. Output: a ParsedQuery (an AND of ORs of clauses, plus exclusions),
and `words()`, which groups typed syllables the corpus writes side by side into words
("hop tac" is one word, "hợp tác"), for highlighting and for the fallback when nothing has
them all. User text never raises: syntax that makes no sense is read as plain words.
"""

import re
from dataclasses import dataclass, field

from search.analysis import fold_term, pair_term, syllables
from search.limits import MAX_PREFIXES, MAX_QUERY_CHARS, MAX_QUERY_TERMS
from search.snippets import Marks

_PIECE = re.compile(
    r'(?P<neg>[-−])?(?:(?P<field>title|tieu_de|tiêu_đề):)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))',
    re.I,
)


@dataclass
class Clause:
    """One part of the query: a word, a phrase or a prefix, maybe excluded or title-only."""

    syllables: list[str]  # canonical, lower case, accents as typed
    phrase: bool = False
    prefix: bool = False
    negated: bool = False
    title_only: bool = False

    @property
    def folded(self) -> list[str]:
        return [fold_term(syllable) for syllable in self.syllables]


@dataclass
class ParsedQuery:
    units: list[list[Clause]] = field(default_factory=list)  # AND of ORs
    negated: list[Clause] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # words past MAX_QUERY_TERMS or MAX_PREFIXES

    def positive(self) -> list[Clause]:
        return [clause for unit in self.units for clause in unit]


@dataclass
class Word:
    """A word as the reader typed it: one clause (a syllable, a "phrase", a prefix*, an OR of
    them), or two typed syllables the corpus writes side by side ("hop tac")."""

    clauses: list[Clause]  # alternatives

    @property
    def text(self) -> str:
        return " OR ".join(" ".join(clause.syllables) for clause in self.clauses)

    @property
    def run(self) -> tuple[str, ...] | None:
        """Its folded syllables, when it is one clause of several syllables."""
        clause = self.clauses[0]
        if len(self.clauses) == 1 and not clause.prefix and len(clause.syllables) > 1:
            return tuple(clause.folded)
        return None


def words(parsed: ParsedQuery, searcher) -> list[Word]:
    """The query's words: each unit is one, except that two one-syllable units typed one after
    the other make one word when the index has them side by side (Vietnamese words are
    mostly two syllables; longer ones are read as two-syllable words in a row)."""
    found: list[Word] = []
    waiting = None  # a one-syllable clause that may start a word
    for unit in parsed.units:
        clause = unit[0] if len(unit) == 1 else None
        single = (
            clause is not None and len(clause.syllables) == 1 and not (clause.prefix or clause.title_only)
        )
        if (
            single
            and waiting
            and searcher.doc_frequency("pairs", pair_term(waiting.folded[0], clause.folded[0]))
        ):
            joined = Clause(waiting.syllables + clause.syllables, phrase=True)
            found[-1] = Word([joined])
            waiting = None
            continue
        found.append(Word(list(unit)))
        waiting = clause if single else None
    return found


def marks(parsed: ParsedQuery, typed_words: list[Word]) -> Marks:
    """What to highlight: one-syllable words anywhere, longer words only as runs."""
    runs = tuple(dict.fromkeys(word.run for word in typed_words if word.run))
    singles = {
        term
        for word in typed_words
        if not word.run
        for c in word.clauses
        if not c.prefix
        for term in c.folded
    }
    prefixes = tuple(term for c in parsed.positive() if c.prefix for term in c.folded)
    order = [term for c in parsed.positive() if not c.prefix for term in c.folded]
    return Marks(frozenset(singles), prefixes, frozenset(zip(order, order[1:])), runs)


def parse(text: str) -> ParsedQuery:
    """Read the user's query; unknown or broken syntax is read as plain words.

    >>> [[c.syllables for c in unit] for unit in parse('hợp tác "Việt Nam" OR Nga').units]
    [[['hợp']], [['tác']], [['việt', 'nam'], ['nga']]]
    """
    parsed = ParsedQuery()
    pending_or = negate_next = False
    seen, terms, prefixes = set(), set(), 0
    for piece in _PIECE.finditer(text[:MAX_QUERY_CHARS]):
        word, phrase = piece.group("word"), piece.group("phrase")
        if word in ("OR", "|", "||"):
            pending_or = bool(parsed.units)
            continue
        if word in ("AND", "&&", "&", "+"):
            continue
        if word == "NOT":
            negate_next = True
            continue
        source = phrase if phrase is not None else word
        prefix = phrase is None and word.endswith("*")
        words = syllables(source)
        if not words:
            continue
        if prefix and (len(words) > 1 or len(fold_term(words[0])) < 2):
            prefix = False  # "a*" would expand to half the vocabulary
        clause = Clause(
            syllables=words,
            phrase=len(words) > 1,
            prefix=prefix,
            negated=bool(piece.group("neg")) or negate_next,
            title_only=bool(piece.group("field")),
        )
        negate_next = False
        key = (tuple(words), clause.prefix, clause.negated, clause.title_only)
        if key in seen and not pending_or:  # "hop tac hop tac" asks nothing more than "hop tac"
            continue
        new_terms = terms | set(clause.folded)
        if len(new_terms) > MAX_QUERY_TERMS or (prefix and prefixes == MAX_PREFIXES):
            parsed.dropped.append(source)
            pending_or = False
            continue
        seen.add(key)
        terms, prefixes = new_terms, prefixes + prefix
        if clause.negated:
            parsed.negated.append(clause)
        elif pending_or:
            parsed.units[-1].append(clause)
        else:
            parsed.units.append([clause])
        pending_or = False
    return parsed
