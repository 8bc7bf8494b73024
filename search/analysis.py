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


@functools.lru_cache(maxsize=500_000)
def _forms(word: str) -> tuple[str, str]:
    exact = normal_term(word)
    return exact, fold_term(exact)


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


def folded_pairs(found: tuple[Word, ...] | list[Word]) -> list[str]:
    """Neighbouring words joined, folded: what the pairs field holds."""
    return [pair_term(a.folded, b.folded) for a, b in zip(found, found[1:])]


@functools.lru_cache(maxsize=16)
def forms(text: str) -> tuple[tuple[str, str], ...]:
    """(exact, folded) of each word of a text: `words` without offsets, which indexing does
    not need and which cost most of the time (cached like `words`).

    >>> forms("Hoà bình")
    (('hòa', 'hoa'), ('bình', 'binh'))
    """
    return tuple(map(_forms, WORD.findall(text)))


def exact_pairs(text: str) -> list[str]:
    """Neighbouring syllables joined, accents kept, where that differs from the folded pair:
    counted apart from the index (search/spelling.py) for "did you mean".

    >>> exact_pairs("Hợp tác kinh tế")
    ['hợp_tác', 'tác_kinh', 'kinh_tế']
    """
    exact = [e for e, _ in forms(text)]
    return [pair_term(a, b) for a, b in zip(exact, exact[1:]) if not (a + b).isascii()]


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
        " ".join(map(pair_term, folded, folded[1:])),
    )


def syllables(text: str) -> list[str]:
    """The normalized syllables of a text, accents as typed.

    >>> syllables("Ðà NẴNG hoà")
    ['đà', 'nẵng', 'hòa']
    """
    return [w.exact for w in words(text)]


# Letters whose folded form is one ASCII letter (Vietnamese ones, and ASCII capitals): folding
# them one for one keeps offsets, so a whole text folds at C speed with str.translate. Words
# with other letters (ü, Cyrillic, combining marks) are folded word by word through `_forms`.
_VIETNAMESE = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_ONE_FOR_ONE = str.maketrans({
    letter: fold_term(normal_term(letter))
    for letter in _VIETNAMESE + _VIETNAMESE.upper() + "ÐðƉɖ" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
})
_WORD_CHAR = r"(?:[^\W_]|[\u0300-\u036f])"


@functools.lru_cache(maxsize=1024)
def _finder(terms: frozenset[str], prefixes: tuple[str, ...]) -> re.Pattern:
    ascii_terms = sorted((t for t in terms if t.isascii()), key=len, reverse=True)
    # A term of MAX_WORD_CHARS is a longer word cut: any continuation is the same word.
    wanted = [re.escape(t) + ("[a-z0-9]*" if len(t) >= MAX_WORD_CHARS else "") for t in ascii_terms]
    wanted += [re.escape(p) + "[a-z0-9]*" for p in prefixes]
    foreign = _WORD_CHAR + r"*(?:[^\W\x00-\x7f]|[\u0300-\u036f])" + _WORD_CHAR + "*"
    alternatives = ([f"(?<!{_WORD_CHAR})(?:{'|'.join(wanted)})(?!{_WORD_CHAR})"] if wanted else [])
    return re.compile("|".join(alternatives + [f"(?P<foreign>(?<!{_WORD_CHAR}){foreign})"]))


def find_words(
    text: str, terms: frozenset[str], prefixes: tuple[str, ...] = ()
) -> list[tuple[int, int, str]]:
    """(start, end, folded form) of each word of `text` whose folded form is in `terms` or
    starts with one of `prefixes`: the words `words(text)` would give, filtered, at C speed.

    >>> find_words("Họp bàn hợp tác ở Zürich, HỢP", frozenset({"hop", "zurich"}))
    [(0, 3, 'hop'), (8, 11, 'hop'), (18, 24, 'zurich'), (26, 29, 'hop')]
    """
    found = []
    for match in _finder(terms, prefixes).finditer(text.translate(_ONE_FOR_ONE)):
        start, end = match.span()
        if match.group("foreign") is None:
            found.append((start, end, match.group()[:MAX_WORD_CHARS]))
            continue
        folded = _forms(text[start:end])[1]
        if folded in terms or folded.startswith(prefixes or ("\0",)):
            found.append((start, end, folded))
    return found
