"""Raw page (text dump or HTML) -> Article | None: title, body paragraphs, captions, metadata.

Navigation noise (related lists, "Đọc nhiều", `[Video]` teasers, share widgets, menus, footers)
is dropped, and each dropped line is recorded with its reason so `search extract --explain` can
show what happened on a new site. Text is NFC; the author's own tone placement is kept (the
analyzers canonicalize it for matching). The rules themselves are data in noise.py.
"""

import logging
import re
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from search import limits, noise
from search.corpus import RawDocument
from search.normalize import canonical, nfc

if TYPE_CHECKING:
    from search.template import Template

LOGGER = logging.getLogger(__name__)


@dataclass
class Dropped:
    line: str
    reason: str


@dataclass
class Article:
    path: str
    title: str
    body: list[str]  # paragraphs
    captions: list[str] = field(default_factory=list)
    date: datetime | None = None
    byline: str | None = None
    site: str | None = None
    url: str | None = None
    dropped: list[Dropped] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The body as indexed and shown: paragraphs separated by newlines."""
        return "\n".join(self.body)

    @property
    def indexed_text(self) -> str:
        """Title, body and captions: what a query's words are matched in."""
        return "\n".join([self.title, *self.body, *self.captions])

    def to_json(self, explain: bool = False) -> dict:
        """The record `search extract --json` prints."""
        record = {
            "path": self.path,
            "title": self.title,
            "body": self.text,
            "captions": self.captions,
            "date": self.date.isoformat() if self.date else None,
            "byline": self.byline,
            "site": self.site,
            "url": self.url,
        }
        if explain:
            record["dropped"] = [asdict(dropped) for dropped in self.dropped]
        return record


def extract(document: RawDocument, template: "Template | None" = None) -> Article | None:
    """Extract the article of one page, or None (with the reason logged) if it holds none.

    `template` (from template.learn_template over the corpus) marks the lines the page's site
    repeats on its other pages.
    """
    if document.kind == "html":
        from search.extract_html import extract_html

        article = extract_html(document.path, document.text)
    else:
        article = extract_text(document.path, document.text, template)
    if article is None or not article.body:
        LOGGER.info("%s: no article text", document.path)
        return None
    return article


# --- Text dumps -------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_END_PUNCTUATION = re.compile(r"[.!?:;…\"”»)]$")
_DATE_DMY = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b(?:\D{0,12}?(\d{1,2})[:h](\d{2}))?")
_DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?")
_MONTHS = "january february march april may june july august september october november december"
_MONTH_NUMBER = {name[:3]: number for number, name in enumerate(_MONTHS.split(), start=1)}
_DATE_MDY = re.compile(
    r"\b(" + "|".join(name[:3] for name in _MONTHS.split()) + r")[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})",
    re.I,
)
_DATE_DMY_WORDS = re.compile(
    r"\b(\d{1,2})\s+(" + "|".join(name[:3] for name in _MONTHS.split()) + r")[a-z]*,?\s+(\d{4})",
    re.I,
)
_TIME = re.compile(r"\b([01]?\d|2[0-3])[:h]([0-5]\d)\b")
# A dateline is short; a date inside a body sentence ("ngày 30/11/2021, tại ...") is not one.
DATELINE_MAX_WORDS = 10
_URL = re.compile(r"https?://([^/\s)\]]+)")


def heading_key(line: str) -> str:
    """The form of a line that is looked up in noise.py's lists."""
    line = canonical(line).lower().strip(" :»›>-–—|*#•")
    return _SPACES.sub(" ", line)


# More combining marks in a row than any script stacks on one letter (Unicode's "stream-safe"
# limit, UAX #15). NFC sorts a run of marks in quadratic time (6 s for 80,000 of them), so the
# marks past this many in a row are dropped first. Every combining mark is [^\w\s] in `re`.
MAX_COMBINING_RUN = 30
_MARK_RUN = re.compile(r"[^\w\s]{%d,}" % (MAX_COMBINING_RUN + 1))


def clean_line(line: str) -> str:
    """NFC, non-breaking and odd spaces as plain spaces, trimmed (str.split's whitespace is
    the regex \\s: the same result as a substitution, at a fraction of the cost)."""
    if _MARK_RUN.search(line):
        line = _MARK_RUN.sub(_stream_safe, line)
    line = nfc(line)
    if len(line) > 10_000:  # the same, without a list of its words (a few MB for a long line)
        return _SPACES.sub(" ", line).strip()
    return " ".join(line.split())


def _stream_safe(run: re.Match) -> str:
    """A run of symbols and marks with no more than MAX_COMBINING_RUN combining marks in a row."""
    kept, marks = [], 0
    for char in run.group():
        marks = marks + 1 if unicodedata.combining(char) else 0
        if marks <= MAX_COMBINING_RUN:
            kept.append(char)
    return "".join(kept)


def cut_line(path: str, line: str, cut: list[Dropped]) -> str:
    """The line, or its first MAX_LINE_CHARS characters when longer: the line rules and the
    index get a paragraph, not a megabyte. What is cut is noted in `cut` (for --explain)."""
    most = limits.MAX_LINE_CHARS
    if len(line) <= most:
        return line
    LOGGER.warning("%s: a line of %s characters is cut to its first %s", path, f"{len(line):,}",
                   f"{most:,}")
    cut.append(Dropped(clean_line(line[most:most + 200]),
                       f"end of a line of {len(line):,} characters (only the first {most:,} are read)"))
    return line[:most]


def without_markup(pattern: re.Pattern, line: str) -> str:
    """The line with each image (noise.IMAGE) or link (noise.LINK) taken out."""
    return pattern.sub(lambda match: "" if match.group("end") else match.group(), line)


def starts_with_image(line: str) -> bool:
    match = noise.IMAGE.match(line)
    return bool(match and match.group("end"))


REPEATED = "repeated on other pages of the site"


def extract_text(path: str, text: str, template: "Template | None" = None) -> Article | None:
    """Extract an article from a line-based text dump (one paragraph or widget per line)."""
    cut: list[Dropped] = []
    lines = [clean_line(cut_line(path, line, cut)) for line in text.split("\n")]
    labels: list[str | None] = [line_label(line) for line in lines]
    if template is not None:
        for at, line in enumerate(lines):
            if line and labels[at] is None and template.has(path, line):
                labels[at] = REPEATED
    _label_duplicates(lines, labels)

    title_at = _find_title(lines, labels, path, template)
    if title_at is None:
        return None
    article = Article(path=path, title=lines[title_at], body=[], site=_site_of(text))

    # Before the title: site banners, menus, login links.
    for at in range(title_at):
        if lines[at]:
            article.dropped.append(Dropped(lines[at], labels[at] or "banner before the title"))
    labels[title_at] = "title"
    _label_menus(lines, labels, title_at + 1)

    section = None
    for at in range(title_at + 1, len(lines)):
        line, label = lines[at], labels[at]
        if not line:
            continue
        if section:
            label = f'navigation section (after "{section}")'
        elif article.body and (label == "section heading" or _is_site_heading(line, label)):
            section = line
            label = f'navigation section "{line}"'
        if label is None:
            article.body.append(line)
        elif label == "caption":
            article.captions.append(line.strip("| ").strip())
        elif label == "dateline" and article.date is None:
            article.date = parse_date(line)
        elif label == "byline" and article.byline is None:
            article.byline = noise.BYLINE.match(line).group("name").strip()
        else:
            article.dropped.append(Dropped(line, label))
    article.dropped.extend(cut)
    return article


def _is_site_heading(line: str, label: str | None) -> bool:
    """A short line the site repeats on every page, after the body, heads one of its rails
    ("Bài cùng tác giả", "Tin mới đăng"), even in a wording noise.py does not list."""
    return (
        label == REPEATED
        and len(line.split()) <= noise.SHORT_LINE_WORDS + 2
        and not _END_PUNCTUATION.search(line.rstrip(":"))
    )


def line_label(line: str) -> str | None:
    """Label a line by its own shape; None for a line that may be article text."""
    if not line:
        return None
    words = len(line.split())
    # Headings and site chrome are short lines; only those are looked up.
    key = heading_key(line) if words <= 8 else ""
    # Images and links are "[...](...)": a line without "](" has neither (most paragraphs).
    marked_up = "](" in line
    if not (without_markup(noise.IMAGE, line) if marked_up else line).strip(" |"):
        return "image"
    if marked_up and starts_with_image(line):
        return "image teaser"
    if noise.MEDIA_TAG.match(line):
        return "media teaser"
    if marked_up and len(without_markup(noise.LINK, line).strip(" |•·-–")) < 0.2 * len(line):
        return "link list"
    if key in noise.SECTION_HEADINGS:
        return "section heading"
    if key in noise.UI_LINES:
        return "site chrome"
    if noise.COPYRIGHT.match(key or line.lower()):
        return "copyright"
    if noise.SOCIAL.match(line):
        return "social widget"
    if words <= DATELINE_MAX_WORDS and parse_date(line):
        return "dateline"
    if noise.BYLINE.match(line) and words <= 8:
        return "byline"
    if noise.BREADCRUMB.match(line) and not _END_PUNCTUATION.search(line):
        return "breadcrumb"
    if line.startswith("|") or line.endswith(" |") or line == "|":
        return "caption"
    return None


def _label_duplicates(lines: list[str], labels: list[str | None]) -> None:
    """A line said twice in a row is a caption (printed under the photo and in alt text)."""
    previous = None
    for at, line in enumerate(lines):
        if not line:
            continue
        if previous is not None and line == lines[previous] and labels[at] is None:
            labels[at] = "duplicated line"
            if labels[previous] is None:
                labels[previous] = "caption"
        previous = at


def _find_title(
    lines: list[str], labels: list[str | None], path: str, template: "Template | None"
) -> int | None:
    """The title is the first article-like line, after any banner, login link or menu.

    A line the site repeats elsewhere may still be this page's title (other pages link to
    it); one it repeats at the top of its pages is a banner.
    """
    candidates = [
        at for at, line in enumerate(lines)
        if line and (labels[at] is None or labels[at] == REPEATED)
        and not (template and template.is_banner(path, line))
    ]
    early = candidates[: noise.TITLE_SEARCH_LINES]
    for at in early:
        line = lines[at]
        banner = line.isupper() and len(line.split()) > 2
        if len(line.split()) >= 3 and not banner and len(line) <= 300:
            return at
    return candidates[0] if candidates else None


def _label_menus(lines: list[str], labels: list[str | None], start: int) -> None:
    """Runs of short lines with no end punctuation are menus, not prose."""
    run: list[int] = []
    for at in range(start, len(lines) + 1):
        line = lines[at] if at < len(lines) else ""
        is_short = (
            line
            and labels[at] is None
            and len(line.split()) <= noise.SHORT_LINE_WORDS
            and not _END_PUNCTUATION.search(line)
        )
        if is_short:
            run.append(at)
        elif line or at == len(lines):
            if len(run) >= noise.MENU_RUN:
                for menu_at in run:
                    labels[menu_at] = "menu"
            run = []


def parse_date(text: str) -> datetime | None:
    """Find a calendar date (with time, if given) in a dateline or a metadata value.

    >>> parse_date("Thứ hai, 22/11/2021 - 10:30 (GMT+7)")
    datetime.datetime(2021, 11, 22, 10, 30)
    >>> parse_date("August 26, 2017")
    datetime.datetime(2017, 8, 26, 0, 0)
    """
    try:
        if match := _DATE_ISO.search(text):
            year, month, day, hour, minute = match.groups()
        elif match := _DATE_DMY.search(text):
            day, month, year, hour, minute = match.groups()
        elif match := _DATE_MDY.search(text):
            month_name, day, year = match.groups()
            month, hour, minute = _MONTH_NUMBER[month_name[:3].lower()], 0, 0
        elif match := _DATE_DMY_WORDS.search(text):
            day, month_name, year = match.groups()
            month, hour, minute = _MONTH_NUMBER[month_name[:3].lower()], 0, 0
        else:
            return None
        if hour is None and (clock := _TIME.search(text)):
            hour, minute = clock.groups()  # "Cập nhật 10:15 ngày 12/09/2025"
        return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0))
    except ValueError:
        return None


def _site_of(text: str) -> str | None:
    """The site a dump came from, by the domain its image and link URLs point at most."""
    hosts = Counter(registered_domain(host) for host in _URL.findall(text))
    return hosts.most_common(1)[0][0] if hosts else None


def registered_domain(host: str) -> str:
    """Strip subdomains: "tacnghiep.thoidai.com.vn" -> "thoidai.com.vn".

    >>> registered_domain("www.hanoitimes.vn")
    'hanoitimes.vn'
    """
    labels = urlsplit("//" + host).hostname.split(".") if host else []
    keep = 3 if len(labels) >= 3 and labels[-2] in {"com", "net", "org", "gov", "edu", "co"} else 2
    return ".".join(labels[-keep:])
