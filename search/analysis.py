"""Text -> words: the one definition of how text becomes terms, for documents and queries.

Each word of a text is a `Word`: its position (its index in the list), its exact form
(canonical, lower case, accents kept: "hợp"), its folded form (accent-free ASCII: "hop") and its
character offsets in the text. Everything that turns text into terms calls `words`:
- the engines index the folded and exact forms at the same position (Whoosh in one field,
  tantivy as two aligned streams, see `term_streams`) and the folded pairs of neighbours
  ("hop_tac"), which rank adjacent syllables and have short posting lists;
- the query turns the user's text into the same forms;
- snippets mark the words whose folded form the query matched, by offsets.

Every syllable is a term: no minimum length (ý, ở, ô are words), no stop list, no stemming.
"""

import functools
import re
from typing import NamedTuple

from search.normalize import canonical, fold

# A word is a run of letters and digits; combining marks are part of it so that NFD input
# (U+0301 after a vowel) stays one word until it is normalized.
WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")
# Longer "words" are base64 or runs of digits, not language: cut, so no engine sees a huge term.
MAX_WORD_CHARS = 64
PAIR_JOINER = "_"
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


class Word(NamedTuple):
    exact: str  # canonical, lower case, accents as written
    folded: str  # accent-free ASCII; the exact form where folding leaves nothing (some symbols)
    start: int  # character offsets into the analysed text
    end: int


@functools.lru_cache(maxsize=500_000)
def normal_term(word: str) -> str:
    """NFC, lookalike letters, canonical tone placement, lower case (cached: words repeat).

    >>> normal_term("Hoà")
    'hòa'
    """
    return canonical(word[:MAX_WORD_CHARS]).lower()


@functools.lru_cache(maxsize=500_000)
def fold_term(term: str) -> str:
    """The accent-free ASCII form of a normalized term; the term itself if that is empty.

    >>> fold_term("đường"), fold_term("北京"), fold_term("ª")
    ('duong', 'beijing', 'a')
    """
    return _NOT_ALNUM.sub("", fold(term)) or term


# word as written -> (exact, folded). A plain dict: indexing looks up every word of every page,
# and a dict lookup costs a fifth of an lru_cache call. Emptied when full (a long tail of
# names and numbers would otherwise grow it without end).
_FORMS: dict[str, tuple[str, str]] = {}
MAX_CACHED_WORDS = 500_000


def _forms(word: str) -> tuple[str, str]:
    found = _FORMS.get(word)
    if found is None:
        if len(_FORMS) >= MAX_CACHED_WORDS:
            _FORMS.clear()
        exact = normal_term(word)
        found = _FORMS[word] = (exact, fold_term(exact))
    return found


@functools.lru_cache(maxsize=16)
def words(text: str) -> tuple[Word, ...]:
    """The words of a text, in order (cached for the few texts in flight: a document's text is
    read for several fields, and a hit's text for its snippet and its run check).

    >>> [(w.exact, w.folded, w.start) for w in words("Hoà bình, Zürich!")]
    [('hòa', 'hoa', 0), ('bình', 'binh', 4), ('zürich', 'zurich', 10)]
    """
    return tuple(Word(*_forms(m.group()), m.start(), m.end()) for m in WORD.finditer(text))


def pair_term(first: str, second: str) -> str:
    """The pair term of two folded neighbours.

    >>> pair_term("hop", "tac")
    'hop_tac'
    """
    return first + PAIR_JOINER + second


@functools.lru_cache(maxsize=16)
def forms(text: str) -> tuple[tuple[str, str], ...]:
    """(exact, folded) of each word of a text: `words` without offsets, which indexing does
    not need and which cost most of the time (cached like `words`).

    >>> forms("Hoà bình")
    (('hòa', 'hoa'), ('bình', 'binh'))
    """
    cached = _FORMS.get
    return tuple(cached(w) or _forms(w) for w in WORD.findall(text))


def exact_pairs(text: str) -> list[str]:
    """Neighbouring syllables joined, accents kept, where that differs from the folded pair:
    counted apart from the index (search/spelling.py) for "did you mean".

    >>> exact_pairs("Hợp tác kinh tế")
    ['hợp_tác', 'tác_kinh', 'kinh_tế']
    """
    exact = [e for e, _ in forms(text)]
    return [f"{a}{PAIR_JOINER}{b}" for a, b in zip(exact, exact[1:]) if not (a + b).isascii()]


def term_streams(text: str) -> tuple[str, str, str]:
    """The folded words, the exact words and the folded pairs of a text, each joined by spaces:
    the cheapest hand-over to an engine that splits on whitespace (positions line up, since
    each word is one token in both word streams).

    >>> term_streams("Hợp tác Nga")
    ('hop tac nga', 'hợp tác nga', 'hop_tac tac_nga')
    """
    found = forms(text)
    folded = [f for _, f in found]
    return (
        " ".join(folded),
        " ".join(e for e, _ in found),
        " ".join(map(PAIR_JOINER.join, zip(folded, folded[1:]))),
    )


def syllables(text: str) -> list[str]:
    """The normalized syllables of a text, accents as typed.

    >>> syllables("Ðà NẴNG hoà")
    ['đà', 'nẵng', 'hòa']
    """
    return [w.exact for w in words(text)]


# Letters whose folded form is one ASCII letter (Vietnamese ones, and ASCII capitals): a word
# of these letters folds letter by letter, so a regular expression of each wanted letter's
# written forms finds it at C speed. Words with other letters (ü, Cyrillic, combining marks) are
# rare: they are looked for only in texts that have such letters, and folded through `_forms`.
_VIETNAMESE = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_ONE_FOR_ONE = {
    letter: fold_term(normal_term(letter))
    for letter in _VIETNAMESE + _VIETNAMESE.upper() + "ÐðƉɖ" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
}
_WRITTEN = {
    ascii_letter: ascii_letter + "".join(k for k, v in _ONE_FOR_ONE.items() if v == ascii_letter)
    for ascii_letter in set(_ONE_FOR_ONE.values())
}
_WORD_CHAR = r"(?:[^\W_]|[\u0300-\u036f])"
_OTHER_LETTER = "[^\\W\\x00-\\x7f" + "".join(_ONE_FOR_ONE) + "]|[\u0300-\u036f]"
_HAS_OTHER = re.compile(_OTHER_LETTER)
_OTHER_WORD = re.compile(f"(?<!{_WORD_CHAR}){_WORD_CHAR}*(?:{_OTHER_LETTER}){_WORD_CHAR}*")


@functools.lru_cache(maxsize=64)
def _has_other_letters(text: str) -> bool:
    """Cached: a hit's text is searched for its run check and again for its snippet (a str
    keeps its hash, so the look-up costs nothing next to a scan)."""
    return _HAS_OTHER.search(text) is not None


def _written(folded: str) -> str:
    """A regular expression for the ways a folded word of one-for-one letters is written."""
    return "".join(f"[{_WRITTEN[c]}]" if c in _WRITTEN else re.escape(c) for c in folded)


@functools.lru_cache(maxsize=1024)
def _finder(terms: frozenset[str], prefixes: tuple[str, ...]) -> re.Pattern | None:
    ascii_terms = sorted((t for t in terms if t.isascii()), key=len, reverse=True)
    # A term of MAX_WORD_CHARS is a longer word cut: any continuation is the same word.
    wanted = [_written(t) + ("[a-zA-Z0-9]*" if len(t) >= MAX_WORD_CHARS else "") for t in ascii_terms]
    wanted += [_written(p) + f"(?:[a-zA-Z0-9]|[{''.join(_ONE_FOR_ONE)}])*" for p in prefixes]
    if not wanted:
        return None
    # Leading with the set of first letters lets the regex engine skip ahead at C speed.
    first = "".join(sorted({c for t in ascii_terms + list(prefixes) for c in _WRITTEN.get(t[0], t[0])}))
    return re.compile(f"(?=[{re.escape(first)}])(?<!{_WORD_CHAR})(?:{'|'.join(wanted)})(?!{_WORD_CHAR})")


def find_words(
    text: str, terms: frozenset[str], prefixes: tuple[str, ...] = ()
) -> list[tuple[int, int, str]]:
    """(start, end, folded form) of each word of `text` whose folded form is in `terms` or
    starts with one of `prefixes`: the words `words(text)` would give, filtered, at C speed.

    >>> find_words("Họp bàn hợp tác ở Zürich, HỢP", frozenset({"hop", "zurich"}))
    [(0, 3, 'hop'), (8, 11, 'hop'), (18, 24, 'zurich'), (26, 29, 'hop')]
    """
    finder = _finder(terms, prefixes)
    found = (
        [] if finder is None else [(m.start(), m.end(), _forms(m.group())[1]) for m in finder.finditer(text)]
    )
    if _has_other_letters(text):
        for match in _OTHER_WORD.finditer(text):
            folded = _forms(match.group())[1]
            if folded in terms or folded.startswith(prefixes or ("\0",)):
                found.append((match.start(), match.end(), folded))
        found.sort()
    return found
