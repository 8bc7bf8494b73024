"""Whoosh analyzers built from normalize.py: text -> terms, for documents and queries alike.

Each syllable is indexed twice at the same position, in one field:
- folded:  accent-free ASCII ("hop", "tac"), so unaccented queries match every spelling;
- exact:   canonical, lower case, accents kept ("hợp", "tác"), only where it differs from the
           folded form, so accented queries can rank exact forms first.
Pairs of neighbouring syllables go to a second field, folded ("hop_tac"): they rank adjacent
syllables (Vietnamese words are one to four syllables written apart) and have far shorter
posting lists. Accented pairs are only counted (stats.py), for "did you mean".

Every syllable is a term: no minimum length (ý, ở, ô are words), no stop list, no stemming.
One field for both forms halves what the indexer analyses and stores. The schema stores these
analyzers and Whoosh pickles them into the index, so they live here at module level.
"""

import functools
import re

from whoosh.analysis import Filter, Token, Tokenizer

from search.normalize import canonical, fold

# A word is a run of letters and digits; combining marks are part of it so that NFD input
# (U+0301 after a vowel) stays one word until it is normalized.
WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")
PAIR_JOINER = "_"
# The `text` field is one BM25F-style field: the title, then BODY_MARK and the body, then
# CAPTIONS_MARK and the captions. A word counts TITLE_WEIGHT times in the title and
# CAPTION_WEIGHT times in a caption (Whoosh scores the sum of token boosts).
BODY_MARK, CAPTIONS_MARK = "\x1e", "\x1f"
TITLE_WEIGHT = 3.0
CAPTION_WEIGHT = 0.5
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=500_000)
def normal_term(word: str) -> str:
    """NFC, lookalike letters, canonical tone placement, lower case (cached: words repeat).

    >>> normal_term("Hoà")
    'hòa'
    """
    return canonical(word).lower()


@functools.lru_cache(maxsize=500_000)
def fold_term(term: str) -> str:
    """The accent-free ASCII form of a normalized term; "" for what folds to nothing (emoji).

    >>> fold_term("đường"), fold_term("北京")
    ('duong', 'beijing')
    """
    return _NOT_ALNUM.sub("", fold(term))


@functools.lru_cache(maxsize=16)
def _words(text: str) -> tuple[tuple[str, int, int], ...]:
    """(normalized word, start, end) of each word. Cached for the few texts in flight, since
    one document's text is analysed for two fields in a row."""
    return tuple((normal_term(m.group()), m.start(), m.end()) for m in WORD.finditer(text))


class WordTokenizer(Tokenizer):
    """Words of the text, already normalized (see normal_term)."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        body = value.find(BODY_MARK)
        captions = value.find(CAPTIONS_MARK)
        for pos, (text, start, end) in enumerate(_words(value) if tokenize else ((value, 0, len(value)),)):
            token.text = text
            token.boost = (
                TITLE_WEIGHT if start < body
                else CAPTION_WEIGHT if 0 <= captions < start
                else 1.0
            )
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


class FoldedAndExactFilter(Filter):
    """The folded term, then the exact term at the same position where the two differ."""

    def __call__(self, tokens):
        for token in tokens:
            exact = token.text
            folded = fold_term(exact)
            if folded:
                token.text = folded
                yield token
            if exact != folded:
                token.text = exact
                yield token


class PairFilter(Filter):
    """Neighbouring syllables joined, folded ("hop_tac")."""

    def __call__(self, tokens):
        previous = None
        for token in tokens:
            folded = fold_term(token.text)
            if previous is not None:
                token.text = previous + PAIR_JOINER + folded
                yield token
            previous = folded


def exact_pairs(text: str) -> list[str]:
    """Neighbouring syllables joined, accents kept, where that differs from the folded pair:
    counted apart from the index (search/stats.py) for "did you mean".

    >>> exact_pairs("Hợp tác kinh tế")
    ['hợp_tác', 'tác_kinh', 'kinh_tế']
    """
    words = [word for word, _, _ in _words(text)]
    return [
        first + PAIR_JOINER + second
        for first, second in zip(words, words[1:])
        if not (first + second).isascii()
    ]


WORDS = WordTokenizer() | FoldedAndExactFilter()
PAIRS = WordTokenizer() | PairFilter()


def terms(analyzer, text: str) -> list[str]:
    """List the terms an analyzer makes of a text, in order.

    >>> terms(WORDS, "Hợp tác Việt–Nga")
    ['hop', 'hợp', 'tac', 'tác', 'viet', 'việt', 'nga']
    >>> terms(PAIRS, "Hợp tác Việt")
    ['hop_tac', 'tac_viet']
    """
    return [token.text for token in analyzer(text, mode="query")]


def syllables(text: str) -> list[str]:
    """The normalized syllables of a text, accents as typed.

    >>> syllables("Ðà NẴNG hoà")
    ['đà', 'nẵng', 'hòa']
    """
    return [word for word, _, _ in _words(text)]
