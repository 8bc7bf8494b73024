"""Text -> its normal form: Unicode NFC, one tone-mark placement, lookalike letters, folding.

Input is any text; output is text of the same length for `canonical` (so character offsets into
the original stay valid) and ASCII for `fold`. Both the indexer and the query side call these
through `analysis.py`, so a document and a query always agree on what a word is.
"""

import functools
import re
import unicodedata

from unidecode import unidecode

# Combining tone marks: grave (huyền), acute (sắc), hook above (hỏi), tilde (ngã), dot below (nặng).
TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"

# Old style puts the tone on the first vowel of an open "oa", "oe", "uy" (hòa, khỏe, thủy); new
# style on the second (hoà, khoẻ, thuỷ). News sites use both, often on one page. We index the old
# style, the more common one in Vietnamese news, and map the 15 new-style pairs onto it.
_PAIRS = (("o", "a"), ("o", "e"), ("u", "y"))


def _tone_pair_table() -> dict[str, str]:
    table = {}
    for first, second in _PAIRS:
        for mark in TONE_MARKS:
            new = first + unicodedata.normalize("NFC", second + mark)
            old = unicodedata.normalize("NFC", first + mark) + second
            table[new] = old
            table[new.upper()] = old.upper()
            table[new[0].upper() + new[1]] = old[0].upper() + old[1]
    return table


NEW_TO_OLD_TONE = _tone_pair_table()
# Only at the end of a syllable: in "hoàn", "thuyền" the mark belongs where it is. Not after "q":
# in "quý" the "u" is part of the consonant "qu" and the mark is on "y" in both styles.
_NEW_STYLE = re.compile(
    r"(?<![qQ])([oOuU][" + "".join(sorted({pair[1] for pair in NEW_TO_OLD_TONE})) + r"])(?![^\W_])"
)

# Letters that look like Đ/đ and turn up in text typed on foreign keyboards or OCR'd.
LOOKALIKES = str.maketrans({"Ð": "Đ", "ð": "đ", "Ɖ": "Đ", "ɖ": "đ"})  # (canonical names the four)


def nfc(text: str) -> str:
    """Compose combining marks, as Windows-1258 files and macOS input leave them.

    >>> nfc("Vie\u0323\u0302t") == "Việt"
    True
    """
    return unicodedata.normalize("NFC", text)


def canonical(text: str) -> str:
    """Return NFC text with lookalike letters and tone placement made canonical.

    The length of NFC input is kept, so offsets computed on the result fit the input.

    >>> canonical("Hoà bình, thuỷ chung, Uỷ ban")
    'Hòa bình, thủy chung, Ủy ban'
    >>> canonical("hoàn thành, quý, thuyền")
    'hoàn thành, quý, thuyền'
    """
    text = nfc(text)
    # (translate() looks every character up: four scans in C are a third of its cost)
    if "Ð" in text or "ð" in text or "Ɖ" in text or "ɖ" in text:
        text = text.translate(LOOKALIKES)
    return _NEW_STYLE.sub(lambda m: NEW_TO_OLD_TONE.get(m.group(1), m.group(1)), text)


@functools.lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Return the accent-free lower-case ASCII form of a word, through unidecode.

    unidecode costs microseconds per call and a corpus repeats a few thousand syllables
    millions of times, so each distinct word is folded once (see bench/ for the figures).

    >>> fold("Đà Nẵng")
    'da nang'
    >>> fold("Москва")
    'moskva'
    """
    return unidecode(word).lower()


def fold_text(text: str) -> str:
    """Fold a whole text word by word, keeping the cache effective on long inputs."""
    return " ".join(fold(word) for word in text.split())


def has_accents(word: str) -> bool:
    """Tell whether a word carries anything folding would remove (tone, hat, đ, non-Latin)."""
    return fold(word) != word.lower()


# Letters an unaccented syllable may stand for: the base letters with hats, breves and horns.
_BASE_VARIANTS = {"a": "aăâ", "e": "eê", "o": "oôơ", "u": "uư", "i": "i", "y": "y", "d": "dđ"}
_VOWELS = set("aăâeêioôơuưy")
# Vietnamese syllables have at most three vowels and seven letters ("nghiêng"); longer words are
# foreign, and their variants would be thousands of useless guesses.
_MAX_SYLLABLE = 7


def accent_variants(folded: str) -> list[str]:
    """Every Vietnamese spelling an accent-free syllable may stand for (one tone mark at most).

    >>> len(accent_variants("ca")), {"cá", "cà", "cả", "cạ", "cấ", "cặ"} < set(accent_variants("ca"))
    (18, True)
    >>> "đường" in accent_variants("duong")
    True
    """
    if len(folded) > _MAX_SYLLABLE or not folded.isalpha() or not folded.isascii():
        return [folded]
    bases = [""]
    for letter in folded:
        bases = [base + variant for base in bases for variant in _BASE_VARIANTS.get(letter, letter)]
    variants = []
    for base in bases:
        vowels = [at for at, letter in enumerate(base) if letter in _VOWELS]
        if len(vowels) > 3:
            return [folded]
        variants.append(base)
        for at in vowels:
            for mark in TONE_MARKS:
                variants.append(nfc(base[: at + 1] + mark + base[at + 1 :]))
    return variants
