"""What a page in one language must not show: the other language's phrases of the catalogue
(web/translations/vi/LC_MESSAGES/messages.po; its msgids are the English). Used by the browser
tests and tests/test_web.py."""

import re

from web import i18n

# Babel date patterns, not words (web/i18n.py: when(), day(), month_name()).
PATTERNS = ("d MMM y, HH:mm", "d MMM y", "LLLL y")
# The URL's parameter names, which messages in both languages name ("page phải là số nguyên").
PARAMETERS = {"page", "limit", "offset", "sort", "from", "fields", "lang"}


def _runs(texts) -> set[str]:
    """The runs of text between placeholders and tags, four characters or more."""
    found = set()
    for text in texts:
        for run in re.split(r"%\(\w+\)s|<[^>]*>", text):
            run = run.strip(" .,:;()‹›“”\"'*…")
            if len(run) >= 4:
                found.add(run)
    return found


def phrases(lang: str) -> set[str]:
    """The catalogue's phrases in `lang` ("en": the msgids, "vi": the translations), less
    those both share ("Nga OR Ukraine")."""
    english, vietnamese = set(), set()
    for message in i18n.messages("vi"):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if ids[0] not in PATTERNS:
            english |= _runs(ids)
            vietnamese |= _runs(strings)
    shared = (english & vietnamese) | PARAMETERS
    return (english if lang == "en" else vietnamese) - shared


def foreign_phrases(text: str, lang: str) -> list[str]:
    """The phrases of the language other than `lang` that `text` holds, as whole words."""
    other = "vi" if lang == "en" else "en"
    return sorted(
        phrase for phrase in phrases(other) if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text)
    )
