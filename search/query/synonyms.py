"""Rule files -> phrase books: groups of forms that mean the same (abbreviations and their full
forms), and the question words a query need not match; looked up by a query's syllables.

A rule file holds one group a line, its forms separated by commas, as Elasticsearch's synonym
files do ("UBND, Ủy ban nhân dân"); "#" starts a comment. The built-in lists are in
search/data/ (their sources and licenses beside them); SEARCH_SYNONYMS names files of the
user's own (several separated by the path separator, ":" on Linux), read at the first query
of a process: a new rule needs no rebuild, only a restart. A group that shares a form with
another joins it, so a user's "Sài Gòn, TP.HCM" adds to the built-in TP.HCM group.

Forms are compared syllable by syllable as analysis writes them: a syllable typed without
accents matches every spelling ("ubnd", "dbscl"), one typed with accents only that spelling
(or a form written without any).
"""

import functools
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from search.analysis import fold_term, syllables
from search.normalize import has_accents

LOGGER = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent.parent / "data"
ABBREVIATIONS = DATA / "abbreviations.txt"
QUESTION_WORDS = DATA / "question-words.txt"
# A group with more forms than this is cut: each form is one more term in every query that
# names the group, and no real abbreviation has so many spellings.
MAX_FORMS = 8


@dataclass(frozen=True)
class Form:
    """One way to write a phrase: its syllables (canonical, lower case) and their folded forms."""

    syllables: tuple[str, ...]
    folded: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> "Form | None":
        found = tuple(syllables(text))
        return cls(found, tuple(fold_term(s) for s in found)) if found else None

    def matches(self, typed: list[str]) -> bool:
        """Whether the typed syllables (as many as this form has) are this form."""
        return all(
            fold_term(word) == folded and (word == mine or not (has_accents(word) and has_accents(mine)))
            for word, mine, folded in zip(typed, self.syllables, self.folded)
        )


class PhraseBook:
    """Groups of equivalent forms, found by the syllables that start them."""

    def __init__(self, groups: list[list[Form]]):
        self.groups = _merged(groups)
        # first folded syllable -> (form, its group), the longest forms first
        self._starting: dict[str, list[tuple[Form, int]]] = {}
        for number, group in enumerate(self.groups):
            for form in group:
                self._starting.setdefault(form.folded[0], []).append((form, number))
        for candidates in self._starting.values():
            candidates.sort(key=lambda candidate: -len(candidate[0].folded))

    def __len__(self) -> int:
        return len(self.groups)

    def matches(self, typed: list[str]) -> list[tuple[int, list[Form]]]:
        """Each form that starts the typed syllables, longest first: (its length, its group).

        >>> book = PhraseBook([[Form.of("TP.HCM"), Form.of("Thành phố Hồ Chí Minh")]])
        >>> [(size, [" ".join(f.syllables) for f in group]) for size, group in book.matches(["tp", "hcm", "mới"])]
        [(2, ['tp hcm', 'thành phố hồ chí minh'])]
        """
        if not typed:
            return []
        return [
            (len(form.folded), self.groups[number])
            for form, number in self._starting.get(fold_term(typed[0]), [])
            if len(form.folded) <= len(typed) and form.matches(typed)
        ]


def read_groups(path: Path) -> list[list[Form]]:
    """The groups of one rule file; an unreadable file is logged and counts for nothing."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        LOGGER.warning("synonyms file %s is not read (%s)", path, error)
        return []
    groups = []
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        forms = list(dict.fromkeys(form for form in map(Form.of, line.split(",")) if form))
        if forms:
            groups.append(forms)
    return groups


def _merged(groups: list[list[Form]]) -> list[list[Form]]:
    """Groups that share a folded form, joined (in the order first seen), each cut to MAX_FORMS
    distinct folded forms."""
    joined: list[list[Form]] = []
    owner: dict[tuple[str, ...], int] = {}
    for group in groups:
        into = next((owner[f.folded] for f in group if f.folded in owner), None)
        if into is None:
            into = len(joined)
            joined.append([])
        for form in group:
            if form.folded not in owner and len(joined[into]) < MAX_FORMS:
                owner[form.folded] = into
                joined[into].append(form)
    return [group for group in joined if group]


@functools.lru_cache(maxsize=4)
def _books(user_files: str) -> tuple[PhraseBook, PhraseBook]:
    groups = read_groups(ABBREVIATIONS)
    for name in filter(None, user_files.split(os.pathsep)):
        groups += read_groups(Path(name).expanduser())
    questions = [[form] for group in read_groups(QUESTION_WORDS) for form in group]
    return PhraseBook(groups), PhraseBook(questions)


def equivalents() -> PhraseBook:
    """The abbreviation groups: the built-in list and the files SEARCH_SYNONYMS names."""
    return _books(os.environ.get("SEARCH_SYNONYMS", "").strip())[0]


def question_words() -> PhraseBook:
    """Question and filler phrases ("vì sao", "ở đâu"), each a group of one."""
    return _books("")[1]
