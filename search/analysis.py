"""Whoosh analyzers built from normalize.py: text -> terms, for documents and queries alike.

Three views of the same text:
- EXACT:   canonical syllables, lower-case, accents kept ("hòa", "thủy", "cá");
- FOLDED:  the same syllables folded to ASCII ("hoa", "thuy", "ca");
- PAIRS:   folded syllable bigrams ("hop_tac"), which rank adjacent syllables (Vietnamese words
           are one to four syllables written apart) and have far shorter posting lists;
- EXACT_PAIRS: accented bigrams ("hợp_tác"), counted for "did you mean".

Every syllable is a term: no minimum length (ý, ở, ô are words), no stop list, no stemming.
The schema stores these analyzers, and Whoosh pickles them into the index, so the filters live
here at module level where the unpickler can import them.
"""

import re

from whoosh.analysis import Filter, RegexTokenizer, ShingleFilter

from search.normalize import canonical, fold

# A word is a run of letters and digits; combining marks are part of it so that NFD input
# (U+0301 after a vowel) stays one word until NormalizeFilter composes it.
WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")
PAIR_JOINER = "_"


class NormalizeFilter(Filter):
    """NFC, lookalike letters, canonical tone placement, lower case."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = canonical(token.text).lower()
            yield token


class FoldFilter(Filter):
    """Accent-free ASCII form of each term; drops terms that fold to nothing (emoji, symbols)."""

    def __call__(self, tokens):
        for token in tokens:
            folded = fold_term(token.text)
            if folded:
                token.text = folded
                yield token


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def fold_term(term: str) -> str:
    """Fold one normalized term to the ASCII form the FOLDED view indexes.

    >>> fold_term("đường")
    'duong'
    >>> fold_term("北京")
    'beijing'
    """
    return _NOT_ALNUM.sub("", fold(term))


def _tokenizer() -> RegexTokenizer:
    return RegexTokenizer(WORD)


EXACT = _tokenizer() | NormalizeFilter()
FOLDED = _tokenizer() | NormalizeFilter() | FoldFilter()
PAIRS = _tokenizer() | NormalizeFilter() | FoldFilter() | ShingleFilter(2, PAIR_JOINER)
# Accented syllable pairs: never searched, only counted, so "did you mean" can tell that the
# corpus writes "giá vàng" far more often than "gia vàng".
EXACT_PAIRS = _tokenizer() | NormalizeFilter() | ShingleFilter(2, PAIR_JOINER)


def terms(analyzer, text: str) -> list[str]:
    """List the terms an analyzer makes of a text, in order.

    >>> terms(FOLDED, "Hợp tác Việt–Nga")
    ['hop', 'tac', 'viet', 'nga']
    """
    return [token.text for token in analyzer(text, mode="query")]
