"""Stored text + the query's terms -> an HTML snippet with matches in <mark>, accents intact.

The snippet is cut from the original text (the author's accents and tone placement), and a word
is marked when its folded form is one the query looks for, so a match through either view (exact
or folded) is shown. Everything else is HTML-escaped.
"""

import functools
import html
import re
from collections import Counter
from dataclasses import dataclass

from search.analysis import fold_term, normal_term
from search.normalize import spelling_pattern

# Characters of context in a snippet: about two lines on a results page.
SNIPPET_CHARS = 240
_ADJACENT_MARKS = re.compile(r"</mark>( +)<mark>")


@dataclass(frozen=True)
class Terms:
    """What to mark: folded words, and folded prefixes from `prefix*` queries; `pairs` are
    the query's adjacent syllables, which make a window a better snippet when found together."""

    words: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    pairs: frozenset[tuple[str, str]] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.words or self.prefixes)

    @property
    def pattern(self) -> re.Pattern:
        return _pattern(self.words, self.prefixes)


@functools.lru_cache(maxsize=1024)
def _pattern(words: frozenset[str], prefixes: tuple[str, ...]) -> re.Pattern:
    """One regular expression for every written form of the words: a pass of the C regex
    engine over the text instead of folding each of its words in Python."""
    forms = [spelling_pattern(word) for word in sorted(words, key=len, reverse=True)]
    forms += [spelling_pattern(prefix) + r"\w*" for prefix in prefixes]
    return re.compile(r"(?<!\w)(?:" + "|".join(forms) + r")(?!\w)", re.IGNORECASE)


def highlight(text: str, terms: Terms) -> str:
    """The whole text, escaped, with matching words marked (for titles and article pages)."""
    return _render(text, 0, len(text), _matches(text, terms))


def snippet(text: str, terms: Terms, chars: int = SNIPPET_CHARS) -> str:
    """The window of about `chars` characters holding the most distinct matched words.

    >>> snippet("Giá vàng tăng. Giá bạc giảm.", Terms(frozenset({"vang"})))
    'Giá <mark>vàng</mark> tăng. Giá bạc giảm.'
    """
    matches = _matches(text, terms)
    if len(text) <= chars:
        return _render(text, 0, len(text), matches)
    start = _best_window(text, matches, chars, terms)
    end = min(len(text), start + chars)
    # Widen to whole words, and start at a sentence when one begins just before.
    while end < len(text) and not text[end].isspace():
        end += 1
    sentence = max(text.rfind(". ", max(0, start - 60), start), text.rfind("\n", 0, start))
    if sentence >= 0 and start - sentence <= 60:
        start = sentence + 1
    else:
        while start > 0 and not text[start - 1].isspace():
            start -= 1
    body = _render(text, start, end, matches).strip()
    return ("… " if start > 0 else "") + body + (" …" if end < len(text) else "")


def _matches(text: str, terms: Terms) -> list[tuple[int, int, str]]:
    if not terms:
        return []
    return [
        (found.start(), found.end(), fold_term(normal_term(found.group())))
        for found in terms.pattern.finditer(text)
    ]


def _best_window(text: str, matches: list[tuple[int, int, str]], chars: int, terms: Terms) -> int:
    """Start of the window with the most distinct terms, then the most of the query's syllable
    pairs side by side, then the most matches (two pointers over the matches)."""
    paired = [0]  # paired[i]: pairs among matches[:i]
    for (_, end, term), (start, _, following) in zip(matches, matches[1:]):
        together = (term, following) in terms.pairs and not text[end:start].strip()
        paired.append(paired[-1] + together)
    best, best_start = (0, 0, 0), 0
    inside: Counter[str] = Counter()
    right = 0
    for left, (start, _, term) in enumerate(matches):
        right = max(right, left)
        while right < len(matches) and (right == left or matches[right][1] <= start + chars):
            inside[matches[right][2]] += 1
            right += 1
        score = (len(inside), paired[right - 1] - paired[left], right - left)
        if score > best:
            best, best_start = score, max(0, start - chars // 4)
        inside[term] -= 1
        if not inside[term]:
            del inside[term]
    return best_start


def _render(text: str, start: int, end: int, matches: list[tuple[int, int, str]]) -> str:
    out, at = [], start
    for match_start, match_end, _ in matches:
        if match_start < start or match_end > end:
            continue
        out.append(html.escape(text[at:match_start], quote=False))
        out.append("<mark>" + html.escape(text[match_start:match_end], quote=False) + "</mark>")
        at = match_end
    out.append(html.escape(text[at:end], quote=False))
    # "<mark>hợp</mark> <mark>tác</mark>" reads better as one mark over the word.
    return _ADJACENT_MARKS.sub(r"\1", "".join(out)).replace("\n", " ")
