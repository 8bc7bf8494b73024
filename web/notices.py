"""A library Notice (search/query/results.py) -> its message in the request's language.

The library says what happened by a code (its `text` is the English the CLI prints); the page
and the API show the catalogue's message of that code, with the limits and words filled in.
"""

from flask_babel import gettext

from search import limits, query
from web import i18n
from web.i18n import N_

# Notices of the library, by code.
NOTICES = {
    "query_cut": N_("The query is longer than %(chars)s characters: only its beginning is searched."),
    "nothing_to_search": N_("Nothing to search for: type a word."),
    "dates_swapped": N_("The start date was after the end date: they were swapped."),
    "any_word": N_("No article has all the words; these have one of them."),
    "all_but_one": N_("No article has all the words; left out: %(words)s"),
    "words_left_out": N_("No article has all the words; left out: %(words)s"),
    "words_dropped": N_(
        "Only the first %(terms)s words (and %(prefixes)s prefixes*) are searched; left out: %(words)s"
    ),
}


def notice_message(notice: query.Notice) -> str:
    """A notice of the library in the request's language."""
    message = NOTICES.get(notice.code)
    if message is None:
        return notice.text  # a code this app does not know yet: the library's English
    return gettext(
        message,
        chars=i18n.number(limits.MAX_QUERY_CHARS),
        terms=i18n.number(limits.MAX_QUERY_TERMS),
        prefixes=i18n.number(limits.MAX_PREFIXES),
        words=" ".join(notice.words)[:80],
    )
