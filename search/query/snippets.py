"""Stored text + the query's words -> HTML with the matched words in <mark>, accents intact.

The text shown is the original (the author's accents and tone placement); a word is marked when
analysis gives it a folded form the query matched (analysis.find_words: the same words, by
character offsets), so a match through either form, exact or folded, in any script, is shown.
Everything else is HTML-escaped.
"""

import html
import re
from collections import Counter
from dataclasses import dataclass

from search.analysis import find_run, find_words

# Characters of context in a snippet: about two lines on a results page.
SNIPPET_CHARS = 240
_ADJACENT_MARKS = re.compile(r"</mark>( +)<mark>")
_WORD_CHARS = re.compile(r"\w")


@dataclass(frozen=True)
class Marks:
    """What to mark: folded one-syllable words anywhere, folded prefixes from `prefix*` queries
    (whole words), and `runs`, words of several syllables marked only where they stand in a
    row ("hợp tác", not "Họp" or the "tác" of "đối tác"; an abbreviation's full form "Ủy ban
    nhân dân" in an article that writes "UBND" marks no "nhân dân"). `pairs` are the query's
    adjacent syllables, which make a window a better snippet when found together."""

    words: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    pairs: frozenset[tuple[str, str]] = frozenset()
    runs: tuple[tuple[str, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.words or self.prefixes or self.runs)


def highlight(text: str, marks: Marks) -> str:
    """The whole text, escaped, with matching words marked (for titles and article pages).

    >>> highlight("Москва & Zürich", Marks(frozenset({"moskva", "zurich"})))
    '<mark>Москва</mark> &amp; <mark>Zürich</mark>'
    """
    return _render(text, 0, len(text), _matches(text, marks))


def snippet(text: str, marks: Marks, chars: int = SNIPPET_CHARS) -> str:
    """The window of about `chars` characters holding the most distinct matched words.

    >>> snippet("Giá vàng tăng. Giá bạc giảm.", Marks(frozenset({"vang"})))
    'Giá <mark>vàng</mark> tăng. Giá bạc giảm.'
    """
    matches = _matches(text, marks)
    if len(text) <= chars:
        return _render(text, 0, len(text), matches)
    start = _best_window(text, matches, chars, marks)
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


def has_run(text: str, words: list[str]) -> bool:
    """Whether the text holds the folded words one after another, nothing but spaces and
    punctuation between them ("Ủy ban nhân dân" for hop, ban, nhan, dan).

    >>> has_run("Ủy ban, nhân dân tỉnh", ["uy", "ban", "nhan", "dan"])
    True
    """
    found_fast = find_run(text, tuple(words))
    if found_fast is not None:
        return found_fast
    found = find_words(text, frozenset(words))
    size = len(words)
    for at in range(len(found) - size + 1):
        window = found[at : at + size]
        if [term for _, _, term in window] == words and not any(
            _WORD_CHARS.search(text, previous[1], following[0])
            for previous, following in zip(window, window[1:])
        ):
            return True
    return False


def _matches(text: str, marks: Marks) -> list[tuple[int, int, str]]:
    """The words to mark: one-syllable words and prefixes anywhere, runs where they are whole."""
    if not marks:
        return []
    found = find_words(text, marks.words | {s for run in marks.runs for s in run}, marks.prefixes)
    keep = [
        term in marks.words or term.startswith(marks.prefixes) if marks.prefixes else term in marks.words
        for _, _, term in found
    ]
    for run in marks.runs:
        size = len(run)
        for at in range(len(found) - size + 1):
            window = found[at : at + size]
            if tuple(term for _, _, term in window) == run and not any(
                _WORD_CHARS.search(text, previous[1], following[0])
                for previous, following in zip(window, window[1:])
            ):
                keep[at : at + size] = [True] * size
    return [match for match, kept in zip(found, keep) if kept]


def _best_window(text: str, matches: list[tuple[int, int, str]], chars: int, marks: Marks) -> int:
    """Start of the window with the most distinct terms, then the most of the query's syllable
    pairs side by side, then the most matches (two pointers over the matches)."""
    paired = [0]  # paired[i]: pairs among matches[:i]
    for (_, end, term), (start, _, following) in zip(matches, matches[1:]):
        together = (term, following) in marks.pairs and not text[end:start].strip()
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
