"""English msgids -> the page's and the API's words in the reader's language, through Flask-Babel.

Every string the page and the API show is an English msgid in a template (`_()`, `ngettext`,
`{% trans %}`) or here in Python (`gettext`, `N_`), translated by
web/translations/vi/LC_MESSAGES/messages.po. English is the msgids themselves; Vietnamese is
the default. A request is in English when it says `?lang=en`, or when its Accept-Language
prefers English to Vietnamese; `?lang=vi` forces Vietnamese.

The .po file is the catalogue: it is read and compiled in memory once per process (PoDomain),
so there is no .mo file to build or to keep in step with it. To add or change a string:

    .venv/bin/pybabel extract -F web/babel.cfg -o /tmp/messages.pot --no-location .
    .venv/bin/pybabel update -i /tmp/messages.pot -d web/translations --no-fuzzy-matching

then fill in the new msgstr (tests/test_web.py fails while one is missing).

Dates are shown in Vietnam time (UTC+07:00, no daylight saving): an aware datetime is
converted; a naive one is taken as Vietnam time already (the wall-clock time the article gave).
"""

import functools
from datetime import date, datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import request
from flask_babel import Babel, Domain, format_decimal, get_locale, gettext
from werkzeug.utils import cached_property

TRANSLATIONS = Path(__file__).parent / "translations"
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
# Each language's name in itself, for the link to the other one (never translated).
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}
VIETNAM = timezone(timedelta(hours=7), "ICT")


def N_(message: str) -> str:
    """Mark a msgid for extraction; it is translated where it is shown (gettext(message))."""
    return message


def language() -> str:
    """The language of this request: "vi" or "en"."""
    return str(get_locale() or DEFAULT_LANGUAGE)


def chosen_language() -> str | None:
    """The language the URL asks for (?lang=), to be kept on links; None when it says none."""
    value = request.args.get("lang", "")
    return value if value in LANGUAGES else None


def select_language() -> str:
    if chosen := chosen_language():
        return chosen
    # best_match weighs the q-values: "en-US,en;q=0.9,vi;q=0.5" is English, "vi,en;q=0.8"
    # Vietnamese, and a header naming neither gets the default.
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)


SOURCE_LANGUAGE = "en"  # the msgids


@functools.cache
def catalogue(lang: str) -> NullTranslations:
    """The translations of `lang`, compiled in memory from its .po file (English: none)."""
    if lang == SOURCE_LANGUAGE:
        return NullTranslations()
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        compiled = BytesIO()
        write_mo(compiled, read_po(po, locale=lang))  # fuzzy entries are left out
    compiled.seek(0)
    return Translations(compiled)


class PoDomain(Domain):
    """Flask-Babel's domain, reading the .po catalogue (see catalogue()) instead of a .mo."""

    def get_translations(self):
        return catalogue(language())


class CatalogueBabel(Babel):
    @cached_property
    def domain_instance(self):
        return PoDomain()


def init_app(app) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh")
    CatalogueBabel(app, locale_selector=select_language)
    for lang in LANGUAGES:
        catalogue(lang)  # read now: a missing or broken .po stops the app, not a page
    app.jinja_env.filters.update(number=number, when=when, day=day, month_name=month_name)
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # {% trans %} blocks: one line each


# -- formats ---------------------------------------------------------------------------------------


def number(value) -> str:
    """1.234 in Vietnamese, 1,234 in English."""
    return format_decimal(value)


def vietnam_time(value: datetime) -> datetime:
    """`value` as a naive datetime in Vietnam time (see the module's docstring)."""
    if value.tzinfo is not None:
        value = value.astimezone(VIETNAM).replace(tzinfo=None)
    return value


def when(value: datetime | None) -> str:
    """A result's date in Vietnam time: 18/03/2025 09:45 (vi), 18 Mar 2025, 09:45 (en); the day
    alone when the time is midnight (pages that give only a day)."""
    if value is None:
        return ""
    value = vietnam_time(value)
    if value.time() == datetime.min.time():
        return day(value)
    # (The pattern is the catalogue's: Babel's, https://babel.pocoo.org/en/latest/dates.html.)
    return _babel_datetime(value, gettext("d MMM y, HH:mm"), locale=language())


def day(value: date | datetime | None) -> str:
    """18/03/2025 (vi), 18 Mar 2025 (en)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = vietnam_time(value).date()
    return _babel_date(value, gettext("d MMM y"), locale=language())


def month_name(value: date) -> str:
    """Tháng 3/2025 (vi), March 2025 (en)."""
    return _babel_date(value, gettext("LLLL y"), locale=language())


def iso_vietnam(value: datetime) -> str:
    """What when() shows, machine-readable, with its offset: 2025-03-18T09:45:00+07:00 (the
    page's <time datetime>, and the API's dates whatever the engine stores)."""
    return vietnam_time(value).replace(tzinfo=VIETNAM).isoformat()


def messages(lang: str = "vi") -> list:
    """The messages of `lang`'s catalogue as the .po file has them (Babel's Message: id,
    string, flags; plural ones with tuples), for the checks that the catalogue is complete and
    that a page speaks one language."""
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return [message for message in read_po(po, locale=lang) if message.id]
