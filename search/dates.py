"""A dateline, a metadata value or a page's URL -> the aware datetime it states, or None.

Forms read: Vietnamese ("Thứ Ba, 18/03/2025 - 09:45 (GMT+7)", "Cập nhật 10:15 ngày 12/09/2025",
"ngày 18 tháng 3 năm 2025", "Ngày 18-03, Năm 2025", "18.03.2025 09:45"; a two-digit year beside a
time, "18/03/25 9:45 tối", and sáng / trưa / chiều / tối for a.m. and p.m.), English ("March
18, 2025", "18 March 2025", "Mar 18, 2025 9:45 AM", "Tue, 18 Mar 2025 02:45:00 GMT", and
month first when it can only be that: "03/18/2025"), ISO 8601 ("2025-03-18T09:45:00+07:00",
"2025-03-18 09:45:00", "2025/03/18"), a value of digits only ("20250318", "202503180945"), and in
URLs "/2025/03/18/" or "-20250318". 03/04/2025 is 3 April (day first, as Vietnamese pages
write), unless the caller says the page writes month first (says_month_first).
An offset in the text is kept; without one the time is Vietnam time (UTC+07:00), which is what
Vietnamese pages mean ("(GMT+7)" says so). A date that cannot be (31/02), before EARLIEST_YEAR
or more than a day in the future is no date. When a text states several, the first one not
said to be an update ("Cập nhật", "Updated") is the one: a page's publication date.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import urlsplit

from search import noise

VIETNAM = timezone(timedelta(hours=7))
EARLIEST_YEAR = 1990
FUTURE_SLACK = timedelta(days=1)  # a page dated tomorrow: time zones and clocks, not the future


@dataclass(frozen=True)
class Found:
    date: datetime  # aware
    updated: bool = False  # said to be the date of an update, not of publication
    start: int = 0  # where in the text the date was found
    end: int = 0


_MONTH_NAMES = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_MONTH_ABBREVIATIONS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {name: number for number, name in enumerate(_MONTH_ABBREVIATIONS, start=1)}
# Each pattern names its groups y (yy when two digits), m, d (and h, mi, s, tz when it carries a
# time). A date may follow a label's colon ("Ngày đăng:18/03/2025"), not a time's ("10:18/03").
_PATTERNS = [
    # ISO 8601 and 2025/03/18, with a time and an offset when given.
    re.compile(
        r"(?<![\w/.-])(?<!\d:)(?P<y>\d{4})(?P<sep>[-/])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![.-]?\d|/)(?!(?!T\d)\w)"
        r"(?:[T ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,]\d+)?)?"
        r"(?P<tz>\s?Z|\s?[+-]\d{2}(?::?\d{2})?)?(?!\d))?"
    ),
    # 18/03/2025, 18-3-2025; with dots only as 18.03.2025 (1.2.2025 is a version number).
    re.compile(
        r"(?<![\w/.-])(?<!\d:)(?P<d>\d{1,2})(?P<sep>[/-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})(?![.-]?\d|/)(?!\w)"
    ),
    re.compile(r"(?<![\w/.-])(?<!\d:)(?P<d>\d{2})\.(?P<m>\d{2})\.(?P<y>\d{4})(?![.-]?\d|/)(?!\w)"),
    # 18/03/25, 18-03-25: a date only with a time beside it (find_dates); 90-99 are 1990s.
    re.compile(
        r"(?<![\w/.-])(?<!\d:)(?P<d>\d{2})(?P<sep>[/-])(?P<m>\d{2})(?P=sep)(?P<yy>\d{2})(?![.-]?\d|/)(?!\w)"
    ),
    # Ngày 18-03, Năm 2025
    re.compile(r"(?<!\w)(?P<d>\d{1,2})[-/](?P<m>\d{1,2}),?\s+năm\s+(?P<y>\d{4})(?!\w)", re.I),
    # A metadata value of digits only: 20250318, 202503180945, 20250318094500.
    re.compile(
        r"^\s*(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?:(?P<h>[01]\d|2[0-3])(?P<mi>[0-5]\d)(?P<s>[0-5]\d)?)?\s*$"
    ),
    # ngày 18 tháng 3 năm 2025, 18 tháng 03, 2025
    re.compile(
        r"(?<!\w)(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})(?:\s+năm\s+|\s*[,/]\s*|\s+)(?P<y>\d{4})(?!\w)", re.I
    ),
    # March 18, 2025; Mar. 18th 2025
    re.compile(
        r"(?<!\w)(?P<mn>" + _MONTH_NAMES + r")\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})(?!\w)", re.I
    ),
    # 18 March 2025, 18th of March, 2025
    re.compile(
        r"(?<!\w)(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mn>"
        + _MONTH_NAMES
        + r"),?\s+(?P<y>\d{4})(?!\w)",
        re.I,
    ),
]
_DOTTED, _SHORT_YEAR = _PATTERNS[2], _PATTERNS[3]
_DAY_FIRST = (_PATTERNS[1], _SHORT_YEAR)  # read month first when only that can be: 12/20/2012
# 09:45, 9:45:10, 10h30, 9:45 AM, 9:45 p.m., 9:45 SA / CH (sáng / chiều, as Windows writes them),
# 11:05 tối
_TIME = re.compile(
    r"(?<![\w:.])(?P<h>[01]?\d|2[0-3])(?:[:h])(?P<mi>[0-5]\d)(?::(?P<s>[0-5]\d))?(?![\d:])"
    r"(?:\s?(?P<ampm>[ap])\.?m\b\.?|\s(?P<vi>sa|ch|sáng|trưa|chiều|tối)\b)?",
    re.I,
)
_AFTERNOON = ("p", "ch", "chiều", "tối")  # and trưa (noon) from 1 to 5: 1:15 trưa is 13:15
# (GMT+7), GMT+07:00, UTC+7, +07:00, ICT
_OFFSET = re.compile(
    r"\(?\b(?:gmt|utc)\s*(?:(?P<sign>[+-])\s*(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?)?\)?"
    r"|(?P<sign2>[+-])(?P<hours2>\d{2}):?(?P<minutes2>\d{2})\b|\b(?P<ict>ICT)\b",
    re.I,
)
# What may stand between a date and its time: "18/03/2025 - 09:45", "09:45 ngày 18/03/2025".
_GAP_AFTER = re.compile(r"^[\s,;|/\-–—(]*(?:(?:lúc|vào lúc|at|@)\s*)?$", re.I)
_GAP_BEFORE = re.compile(r"^[\s,;|\-–—)]*(?:(?:ngày|on)\s*)?[\s,;|\-–—]*$", re.I)
_NEAR = 28  # characters searched on each side of a date for its time, and after it for its offset
_VERSION = re.compile(r"(?:\bv\.?|\bver\.?|\bversion|phiên bản)\s*$", re.I)  # "phiên bản 10.12.2025"
_UPDATE = re.compile(r"cập nhật|updated?\b|modified|chỉnh sửa|sửa lúc|edited|revised", re.I)
_WORD = re.compile(r"\w+")
DIGIT = re.compile(r"\d")  # (every date form has one: a line without is not read)


def find_dates(text: str, now: datetime | None = None, month_first: bool = False) -> list[Found]:
    """Every possible date in the text, in order, each with its time and offset when stated
    (positions are in the text's NFC form); 03/04/2025 is 4 March when month_first."""
    if not DIGIT.search(text):  # every form has digits; most lines tried have none
        return []
    text = _nfc(text)
    latest = (now or datetime.now(UTC)) + FUTURE_SLACK
    matches = sorted(
        (match for pattern in _PATTERNS for match in pattern.finditer(text)), key=lambda match: match.start()
    )
    found: list[Found] = []
    taken = 0
    for match in matches:
        if match.start() < taken:
            continue  # inside a date found already
        if match.re is _DOTTED and _VERSION.search(text[max(0, match.start() - 12) : match.start()]):
            continue
        if match.re is _SHORT_YEAR and not _clock_near(text, match):
            continue  # "1/2/12" in a sentence: a fraction, a score, an id
        date, end = _date_of(text, match, month_first)
        if date is None or date.year < EARLIEST_YEAR or date > latest:
            continue
        updated = bool(_UPDATE.search(text[taken : match.start()]))
        found.append(Found(date, updated, match.start(), end))
        taken = end
    return found


def find_date(text: str, now: datetime | None = None, month_first: bool = False) -> Found | None:
    """The date a dateline or a metadata value states: its first not said to be an update."""
    return best(find_dates(text, now, month_first))


def parse_date(text: str, now: datetime | None = None) -> datetime | None:
    """The aware datetime a dateline or a metadata value states, or None.

    >>> parse_date("Thứ Ba, 18/03/2025 - 09:45 (GMT+7)").isoformat()
    '2025-03-18T09:45:00+07:00'
    >>> parse_date("August 26, 2017").isoformat()
    '2017-08-26T00:00:00+07:00'
    >>> parse_date("2025-03-18T02:45:00Z").isoformat()
    '2025-03-18T02:45:00+00:00'
    >>> parse_date("Cập nhật thứ hai, ngày 24/03/25 11:05 tối").isoformat()
    '2025-03-24T23:05:00+07:00'
    >>> parse_date("31/02/2025") is None
    True
    """
    found = find_date(text, now)
    return found.date if found else None


def best(found: list[Found]) -> Found | None:
    """The publication date among dates found: the first not said to be an update."""
    return next((item for item in found if not item.updated), found[0] if found else None)


def dateline_date(line: str, now: datetime | None = None, month_first: bool = False) -> Found | None:
    """The date of a line that is a dateline: a date with little else around it (a weekday,
    "Cập nhật", a place, "(GMT+7)"), not a sentence about a day ("Ngày 30/11/2021, tại ...")."""
    line = _nfc(line)
    found = find_dates(line, now, month_first)
    if not found:
        return None
    rest, at = [], 0
    for item in found:
        rest.append(line[at : item.start])
        at = item.end
    rest.append(line[at:])
    residue = _OFFSET.sub(" ", _TIME.sub(" ", " ".join(rest)))
    words = [w for w in _WORD.findall(residue.lower()) if w not in noise.DATELINE_WORDS]
    if len(words) > noise.DATELINE_OTHER_WORDS or (words and line.rstrip()[-1:] in ".!?"):
        return None
    return best(found)


def says_month_first(text: str) -> bool:
    """Whether a page writes its numeric dates month first (vBulletin, US templates): one can
    only be read so ("12/27/2012") and none can only be read day first ("27/12/2012")."""
    pairs = [(int(m["d"]), int(m["m"])) for pattern in _DAY_FIRST for m in pattern.finditer(_nfc(text))]
    return any(d <= 12 < m for d, m in pairs) and not any(m <= 12 < d for d, m in pairs)


def date_in_url(url: str | None, now: datetime | None = None) -> datetime | None:
    """The date a page's address holds: ".../2025/03/18/..." or "...-20250318.html" (with its
    time when 12 or more digits follow: "-202503180945..."), Vietnam time."""
    if not url:
        return None
    path = urlsplit(url).path
    latest = (now or datetime.now(UTC)) + FUTURE_SLACK
    for match in _URL_DATES.finditer(path):
        digits = match.group("clock") or ""
        hour, minute = (int(digits[:2]), int(digits[2:4])) if len(digits) >= 4 else (0, 0)
        year, month, day = (
            (match["y"] or match["y2"]),
            (match["m"] or match["m2"]),
            (match["d"] or match["d2"]),
        )
        if hour > 23 or minute > 59:
            hour = minute = 0
        try:
            date = datetime(int(year), int(month), int(day), hour, minute, tzinfo=VIETNAM)
        except ValueError:
            continue
        if date.year >= EARLIEST_YEAR and date <= latest:
            return date
    return None


_URL_DATES = re.compile(
    r"/(?P<y>(?:19|20)\d{2})[/-](?P<m>\d{1,2})[/-](?P<d>\d{1,2})(?=/|$|[-_.])"
    r"|(?<=[-_/.a-z])(?P<y2>(?:19|20)\d{2})(?P<m2>[01]\d)(?P<d2>[0-3]\d)(?P<clock>\d{4,9})?(?=[-_./]|$)",
    re.I,
)


def _nfc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _date_of(text: str, match: re.Match, month_first: bool = False) -> tuple[datetime | None, int]:
    """The datetime a date pattern matched, with the time and offset beside it; and where the
    whole of it ends in the text."""
    groups = match.groupdict()
    end = match.end()
    try:
        month = _MONTHS[groups["mn"][:3].lower()] if groups.get("mn") else int(groups["m"])
        day, short = int(groups["d"]), groups.get("yy")
        year = int(short) + (1900 if int(short) >= 90 else 2000) if short else int(groups["y"])
        if match.re in _DAY_FIRST and day <= 12 and (month > 12 or month_first):
            day, month = month, day
        hour = minute = second = 0
        if groups.get("h"):
            hour, minute, second = int(groups["h"]), int(groups["mi"]), int(groups["s"] or 0)
        elif clock := _clock_near(text, match):
            (hour, minute, second), clock_end = clock
            end = max(end, clock_end)
        zone = _zone(groups.get("tz"))
        if zone is None:
            zone, end = _offset_after(text, end)
        return datetime(year, month, day, hour, minute, second, tzinfo=zone), end
    except (ValueError, KeyError, TypeError):
        return None, end


def _clock_near(text: str, match: re.Match) -> tuple[tuple[int, int, int], int] | None:
    """The time written just after the date ("18/03/2025 - 09:45") or just before it
    ("10:15 ngày 12/09/2025"), and where it ends."""
    after = text[match.end() : match.end() + _NEAR]
    clock = _TIME.search(after)
    if clock and _GAP_AFTER.match(after[: clock.start()]):
        return _hms(clock), match.end() + clock.end()
    before = text[max(0, match.start() - _NEAR) : match.start()]
    clocks = list(_TIME.finditer(before))
    if clocks and _GAP_BEFORE.match(before[clocks[-1].end() :]):
        return _hms(clocks[-1]), match.end()
    return None


def _hms(clock: re.Match) -> tuple[int, int, int]:
    hour, minute, second = int(clock["h"]), int(clock["mi"]), int(clock["s"] or 0)
    half = (clock["ampm"] or clock["vi"] or "").lower()
    if (half in _AFTERNOON and hour < 12) or (half == "trưa" and hour < 6):
        hour += 12
    elif half in ("a", "sa", "sáng") and hour == 12:
        hour = 0
    return hour, minute, second


def _zone(written: str | None) -> timezone | None:
    """The offset of an ISO time ("Z", "+07:00", "+0700", "+07"), or None when none is written."""
    if not written or not written.strip():
        return None
    written = written.strip()
    if written.upper() == "Z":
        return UTC
    sign = -1 if written[0] == "-" else 1
    digits = written[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0)))


def _offset_after(text: str, end: int) -> tuple[timezone, int]:
    """The offset written right after a date or its time ("(GMT+7)", "UTC", "+07:00"), else
    Vietnam time; and where it ends."""
    after = text[end : end + _NEAR]
    offset = _OFFSET.search(after)
    if offset is None or not re.fullmatch(r"[\s,\-–—|]*", after[: offset.start()]):
        return VIETNAM, end
    if offset["ict"]:
        return VIETNAM, end + offset.end()
    sign, hours, minutes = (
        offset["sign"] or offset["sign2"],
        offset["hours"] or offset["hours2"],
        offset["minutes"] or offset["minutes2"],
    )
    if sign is None:  # "GMT", "UTC" alone
        return UTC, end + offset.end()
    if int(hours) > 14 or int(minutes or 0) >= 60:
        return VIETNAM, end
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    return timezone(-delta if sign == "-" else delta), end + offset.end()
