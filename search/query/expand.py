"""A parsed query -> the query to plan: abbreviations and full forms as alternatives of one
word, question words made optional (the rules: synonyms.py and search/data/).

Both look at what the reader typed as plain words, phrase to phrase: "TP.HCM", "tp hcm",
"TPHCM" and "thành phố Hồ Chí Minh" each become one word that any of the four forms matches,
and in "giá cà phê tăng vì sao" the articles need not say "vì sao". A rule matches whole
typed words only (never half of "TP.HCM"), the longest first. Expansion is a few dictionary
look-ups per query: a new rule needs no rebuild.
"""

from dataclasses import replace

from search.query.parse import Clause, ParsedQuery
from search.query.synonyms import PhraseBook, equivalents, question_words


def expand(parsed: ParsedQuery) -> ParsedQuery:
    """The query with each abbreviation (or full form) an OR of its forms, the form typed first,
    and its question words moved to `optional`; a query of question words alone keeps them.

    >>> from search.query.parse import parse
    >>> [[" ".join(c.syllables) for c in unit] for unit in expand(parse("UBND Hà Nội")).units]
    [['ubnd', 'uy ban nhan dan'], ['hà'], ['nội']]
    >>> [" ".join(c.syllables) for c in expand(parse("Đà Lạt có gì")).optional]
    ['có gì']
    """
    units = _with_equivalents(parsed.units, equivalents())
    required, optional = _without_questions(units, question_words())
    return replace(parsed, units=required or units, optional=optional if required else [])


def _plain(unit: list[Clause]) -> bool:
    return len(unit) == 1 and unit[0].plain


def _match(units: list[list[Clause]], at: int, book: PhraseBook) -> tuple[int, list] | None:
    """(units covered, the group) of the longest form of the book that the plain units from
    `at` spell whole, or None."""
    typed, ends = [], {}
    for end in range(at, len(units)):
        if not _plain(units[end]) or (end > at and units[end][0].after_or):  # (not across an OR)
            break
        typed += units[end][0].syllables
        ends[len(typed)] = end + 1 - at
    for size, group in book.matches(typed):
        if size in ends:
            return ends[size], group
    return None


def _with_equivalents(units: list[list[Clause]], book: PhraseBook) -> list[list[Clause]]:
    expanded = []
    for unit, typed, group in _runs(units, book):
        if group is None:
            expanded.append(unit)
            continue
        clause = Clause(typed, phrase=len(typed) > 1)
        others = [form.folded for form in group if form.folded != tuple(clause.folded)]
        expanded.append([clause] + [Clause(list(f), phrase=len(f) > 1, generated=True) for f in others])
    return expanded


def _without_questions(units: list[list[Clause]], book: PhraseBook) -> tuple[list, list[Clause]]:
    required, optional = [], []
    for unit, typed, group in _runs(units, book):
        if group is None:
            required.append(unit)
        else:
            optional.append(Clause(typed, phrase=len(typed) > 1))
    return required, optional


def _runs(units: list[list[Clause]], book: PhraseBook):
    """The units in order, a run of them that spells one of the book's forms taken together:
    (the unit, None, None) for a unit on its own, (None, its syllables, the form's group) for a run."""
    at = 0
    while at < len(units):
        found = _match(units, at, book)
        if found is None:
            yield units[at], None, None
            at += 1
            continue
        covered, group = found
        yield None, [s for unit in units[at : at + covered] for s in unit[0].syllables], group
        at += covered
