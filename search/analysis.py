"""Text -> words: the one definition of how text becomes terms, for documents and queries.

Each word of a text is a `Word`: its position (its index in the list), its exact form
(canonical, lower case, accents kept: "hợp"), its folded form (accent-free ASCII: "hop") and its
character offsets in the text. Everything that turns text into terms calls `words`:
- the engines index the folded and exact forms (Whoosh at the same position in one field,
  tantivy as two streams without positions, see `term_streams`) and the folded pairs of
  neighbours ("hop_tac"), which rank adjacent syllables, have short posting lists, and are
  tantivy's phrases;
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


class Remembered(dict):
    """A function's results, made at a key's first look-up and remembered (emptied when `most`
    are held: a long tail of names and numbers would otherwise grow it without end). A plain
    dict to read: `map(remembered.__getitem__, keys)` runs in C, where a call of an lru_cache'd
    function costs five times a look-up."""

    def __init__(self, make, most: int):
        super().__init__()
        self._make, self._most = make, most

    def __missing__(self, key):
        if len(self) >= self._most:
            self.clear()
        made = self[key] = self._make(key)
        return made


# word as written -> its exact form, and -> its folded form: indexing looks up every word of
# every page.
MAX_CACHED_WORDS = 500_000
_EXACT = Remembered(normal_term, MAX_CACHED_WORDS)
_FOLDED = Remembered(lambda word: fold_term(_EXACT[word]), MAX_CACHED_WORDS)


def _forms(word: str) -> tuple[str, str]:
    return _EXACT[word], _FOLDED[word]


# In a text without combining marks (almost every page: extraction makes text NFC) a word is a
# run of one character class, which the regex engine repeats at twice the speed of WORD's
# alternation.
_PLAIN_WORD = re.compile(r"[^\W_]+")
_COMBINING = re.compile("[\u0300-\u036f]")


def _word_pattern(text: str) -> re.Pattern:
    return WORD if _COMBINING.search(text) else _PLAIN_WORD


def _found_forms(text: str, exact: dict, folded: dict) -> tuple[tuple[str, ...], tuple[str, ...]]:
    written = _word_pattern(text).findall(text)  # (WORD.findall: the words as written)
    return tuple(map(exact.__getitem__, written)), tuple(map(folded.__getitem__, written))


try:  # the same in C, in less than half the time (word_split.pyx; setup.py)
    from search.word_split import split_forms
except ImportError:
    split_forms = _found_forms


@functools.lru_cache(maxsize=16)
def words(text: str) -> tuple[Word, ...]:
    """The words of a text, in order (cached for the few texts in flight: a document's text is
    read for several fields, and a hit's text for its snippet and its run check).

    >>> [(w.exact, w.folded, w.start) for w in words("Hoà bình, Zürich!")]
    [('hòa', 'hoa', 0), ('bình', 'binh', 4), ('zürich', 'zurich', 10)]
    """
    return tuple(
        Word(_EXACT[w := m.group()], _FOLDED[w], m.start(), m.end())
        for m in _word_pattern(text).finditer(text)
    )


def pair_term(first: str, second: str) -> str:
    """The pair term of two folded neighbours.

    >>> pair_term("hop", "tac")
    'hop_tac'
    """
    return first + PAIR_JOINER + second


@functools.lru_cache(maxsize=16)
def exact_and_folded(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The exact forms and the folded forms of a text's words, as two tuples: what indexing
    reads (a document's signature, pairs and fields), `words` without the offsets that cost
    most of its time (cached like `words`).

    >>> exact_and_folded("Hoà bình")
    (('hòa', 'bình'), ('hoa', 'binh'))
    """
    return split_forms(text, _EXACT, _FOLDED)


@functools.lru_cache(maxsize=16)
def forms(text: str) -> tuple[tuple[str, str], ...]:
    """(exact, folded) of each word of a text (cached like `words`).

    >>> forms("Hoà bình")
    (('hòa', 'hoa'), ('bình', 'binh'))
    """
    return tuple(zip(*exact_and_folded(text)))


def exact_pairs(text: str) -> list[str]:
    """Neighbouring syllables joined, accents kept, where that differs from the folded pair:
    counted apart from the index (search/spelling.py) for "did you mean".

    >>> exact_pairs("Hợp tác kinh tế")
    ['hợp_tác', 'tác_kinh', 'kinh_tế']
    """
    exact = exact_and_folded(text)[0]
    return [pair for pair in map(PAIR_JOINER.join, zip(exact, exact[1:])) if not pair.isascii()]


def term_streams(text: str) -> tuple[str, str, str]:
    """The folded words, the words written with accents (or other marks) and the folded pairs
    of a text, each joined by spaces: the cheapest hand-over to an engine that splits on
    whitespace. A plain word is only in the folded stream, as Whoosh indexes it: an exact
    term is asked for only when typed with accents. Each pair comes once: the pairs keep no
    frequencies, and a pair met again cost the index as much as a new one.

    >>> term_streams("Hợp tác Nga, hợp tác")
    ('hop tac nga hop tac', 'hợp tác hợp tác', 'hop_tac tac_nga nga_hop')
    """
    return split_streams(*exact_and_folded(text), PAIR_JOINER)


def _joined_streams(exact: tuple[str, ...], folded: tuple[str, ...], joiner: str) -> tuple[str, str, str]:
    marked = [word for word, plain in zip(exact, folded) if word != plain]
    pairs = dict.fromkeys(zip(folded, folded[1:]))  # (each once, first met first)
    return " ".join(folded), " ".join(marked), " ".join(first + joiner + second for first, second in pairs)


try:  # the same in C, a pair's string written straight into the stream (word_split.pyx)
    from search.word_split import split_streams
except ImportError:
    split_streams = _joined_streams


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
# A word's start, looked for just after its first letter was matched by the set that heads
# the pattern (so the regex engine skips ahead to one at C speed): `(?s:.)` is that letter,
# and no word character may stand before it.
_WORD_START = f"(?<!{_WORD_CHAR}(?s:.))"


def _cannot_be_other(code: int) -> bool:
    letter = chr(code)
    return code < 0x80 or letter in _ONE_FOR_ONE or not (letter.isalnum() or 0x300 <= code <= 0x36F)


def _code_ranges(codes: list[int]) -> str:
    runs: list[list[int]] = []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "".join(re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in runs)


@functools.cache
def _maybe_other() -> re.Pattern:
    """The characters of the Basic Multilingual Plane that are no other letter (ASCII, one-for-
    one letters, punctuation, spaces), as one set: a text is scanned for the rest at several
    times the speed of _HAS_OTHER, whose word-character test is made letter by letter. (Made
    at the first search, not at import: it takes 10 ms, which every command would pay.)"""
    return re.compile(f"[^{_code_ranges([c for c in range(0x10000) if _cannot_be_other(c)])}]")


@functools.lru_cache(maxsize=64)
def _has_other_letters(text: str) -> bool:
    """Cached: a hit's text is searched for its run check and again for its snippet (a str
    keeps its hash, so the look-up costs nothing next to a scan)."""
    at, maybe_other = 0, _maybe_other()
    while (maybe := maybe_other.search(text, at)) is not None:
        if _HAS_OTHER.match(text, maybe.start()):
            return True
        at = maybe.end()  # (a character past the plane, an emoji: no letter)
    return False


def _written(folded: str) -> str:
    """A regular expression for the ways a folded word of one-for-one letters is written."""
    return "".join(f"[{_WRITTEN[c]}]" if c in _WRITTEN else re.escape(c) for c in folded)


def _first_letters(words) -> str:
    return re.escape("".join(sorted({c for w in words for c in _WRITTEN.get(w[0], w[0])})))


@functools.lru_cache(maxsize=1024)
def _finder(terms: frozenset[str], prefixes: tuple[str, ...]) -> re.Pattern | None:
    ascii_terms = sorted((t for t in terms if t.isascii()), key=len, reverse=True)
    # A term of MAX_WORD_CHARS is a longer word cut: any continuation is the same word.
    wanted = [(t, "[a-zA-Z0-9]*" if len(t) >= MAX_WORD_CHARS else "") for t in ascii_terms]
    wanted += [(p, f"(?:[a-zA-Z0-9]|[{''.join(_ONE_FOR_ONE)}])*") for p in prefixes]
    if not wanted:
        return None
    # Each word's first letter, taken by the leading set, is told apart looking behind.
    either = "|".join(f"(?<=[{_first_letters([w])}]){_written(w[1:])}{tail}" for w, tail in wanted)
    return re.compile(f"[{_first_letters([w for w, _ in wanted])}]{_WORD_START}(?:{either})(?!{_WORD_CHAR})")


def find_words(
    text: str, terms: frozenset[str], prefixes: tuple[str, ...] = ()
) -> list[tuple[int, int, str]]:
    """(start, end, folded form) of each word of `text` whose folded form is in `terms` or
    starts with one of `prefixes`: the words `words(text)` would give, filtered, at C speed.

    >>> find_words("Họp bàn hợp tác ở Zürich, HỢP", frozenset({"hop", "zurich"}))
    [(0, 3, 'hop'), (8, 11, 'hop'), (18, 24, 'zurich'), (26, 29, 'hop')]
    """
    finder = _finder(terms, prefixes)
    found = [] if finder is None else [(*m.span(), _FOLDED[m.group()]) for m in finder.finditer(text)]
    if _has_other_letters(text):
        for match in _OTHER_WORD.finditer(text):
            folded = _forms(match.group())[1]
            if folded in terms or folded.startswith(prefixes or ("\0",)):
                found.append((match.start(), match.end(), folded))
        found.sort()
    return found


_PLAIN_TERM = re.compile(f"[a-z0-9]{{1,{MAX_WORD_CHARS - 1}}}")


@functools.lru_cache(maxsize=256)
def _run_finder(words: tuple[str, ...]) -> re.Pattern | None:
    """The words one after another with only spaces and punctuation between (no combining
    mark: a text with one is left to find_words); None unless every word is plain ASCII."""
    if not words or not all(_PLAIN_TERM.fullmatch(w) for w in words):
        return None
    between = f"(?!{_WORD_CHAR})[^\\w\u0300-\u036f]*"
    rest = between.join(f"({_written(w)})" for w in words[1:])
    first = f"[{_first_letters(words[:1])}]{_WORD_START}({_written(words[0][1:])})"
    return re.compile(first + (between + rest if rest else "") + f"(?!{_WORD_CHAR})")


def holds_run(text: str, words: tuple[str, ...]) -> bool:
    """Whether the text's folded words hold these one after another, as a phrase query on
    positions finds them: across punctuation, line ends and underscores (`words` splits
    "Ho_Chi_Minh", where snippets.has_run sees one word).

    >>> holds_run("Tại #Ho_Chi_Minh, nhân dân", ("chi", "minh", "nhan")), holds_run("Hồ Chí", ("chi", "ho"))
    (True, False)
    """
    found = find_run(text, words)  # (at C speed; it takes an underscore for a letter)
    if found or (found is False and "_" not in text):
        return found
    stream = exact_and_folded(text)[1]
    size = len(words)
    return any(stream[at : at + size] == words for at, word in enumerate(stream) if word == words[0])


def find_run(text: str, words: tuple[str, ...]) -> bool | None:
    """Whether `text` holds the folded words one after another, nothing but spaces and
    punctuation between (as consecutive words of find_words), at C speed; None where only
    find_words can tell (a word not plain ASCII; no run, in a text with other letters).

    >>> find_run("Ủy ban, nhân dân", ("uy", "ban", "nhan", "dan")), find_run("Ủy ban", ("ủy",))
    (True, None)
    """
    finder = _run_finder(words)
    if finder is None:
        return None
    match = finder.search(text)
    if match is None:
        return None if _has_other_letters(text) else False
    # Each word written in letters that fold one for one folds to its word; checked all the same.
    written = [text[match.start() : match.end(1)], *match.groups()[1:]]
    return True if all(_forms(word)[1] == folded for word, folded in zip(written, words)) else None
