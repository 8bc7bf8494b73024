"""User text -> the parsed query: clauses (words, "phrases", -exclusions, a OR b, title:word,
prefix*).

Input: what the user typed. Output: a ParsedQuery (an AND of ORs of clauses, plus exclusions),
which expand.py then widens (abbreviations, question words) and segment.py groups into words.
User text never raises: syntax that makes no sense is read as plain words.
"""

import re
from dataclasses import dataclass, field

from search.analysis import fold_term, syllables
from search.limits import MAX_PREFIXES, MAX_QUERY_CHARS, MAX_QUERY_TERMS

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
    generated: bool = False  # a form the rules added (an abbreviation's full form), not typed
    # An OR was typed between this syllable and the one before: the words they end and start
    # are the alternatives, once syllables are grouped into words (segment.py).
    after_or: bool = False
    # The excluded syllable typed just before this one ("-cá ngừ"): if the two begin a word,
    # that word is what is excluded (segment.join_exclusions).
    after_exclusion: "Clause | None" = field(default=None, repr=False, compare=False)

    @property
    def plain(self) -> bool:
        """A word or phrase as typed: no prefix*, no title:, not added by the rules."""
        return not (self.prefix or self.title_only or self.generated)

    @property
    def folded(self) -> list[str]:
        return [fold_term(syllable) for syllable in self.syllables]


@dataclass
class ParsedQuery:
    units: list[list[Clause]] = field(default_factory=list)  # AND of ORs
    negated: list[Clause] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # words past MAX_QUERY_TERMS or MAX_PREFIXES
    optional: list[Clause] = field(default_factory=list)  # question words: add to the score only

    def positive(self) -> list[Clause]:
        return [clause for unit in self.units for clause in unit]


def parse(text: str) -> ParsedQuery:
    """Read the user's query; unknown or broken syntax is read as plain words.

    >>> [[c.syllables for c in unit] for unit in parse('hợp tác "Việt Nam" OR "Trung Quốc"').units]
    [[['hợp']], [['tác']], [['việt', 'nam'], ['trung', 'quốc']]]
    >>> [[(c.syllables, c.after_or) for c in unit] for unit in parse("cá ngừ OR Nga").units]
    [[(['cá'], False)], [(['ngừ'], False)], [(['nga'], True)]]
    """
    parsed = ParsedQuery()
    pending_or = negate_next = False
    excluded: Clause | None = None  # the clause just taken, when it excluded one syllable
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
        follows, excluded = excluded, None
        if clause.negated:
            parsed.negated.append(clause)
            excluded = clause if _syllable(clause) else None
        elif pending_or and _joins_words(parsed.units[-1], clause):
            clause.after_or = True  # "nhã nhạc OR cá ngừ": an OR of the words, not of "nhạc OR cá"
            parsed.units.append([clause])
        elif pending_or:
            parsed.units[-1].append(clause)
        else:
            clause.after_exclusion = follows if _syllable(clause) else None
            parsed.units.append([clause])
        pending_or = False
    return parsed


def _syllable(clause: Clause) -> bool:
    return clause.plain and len(clause.syllables) == 1


def _joins_words(before: list[Clause], clause: Clause) -> bool:
    """Whether an OR between the unit before and the clause joins words segment.py makes:
    both plain, the unit one clause, and one of the two a syllable (a part of a word)."""
    return (
        len(before) == 1
        and before[0].plain
        and clause.plain
        and (len(before[0].syllables) == 1 or len(clause.syllables) == 1)
    )
