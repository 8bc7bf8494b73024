"""One line of a page -> its clean form and its label (or None: article text); the Article record.

What both extractors (extract_text.py, extract_html.py) and the boilerplate learner share: the
`Article` and `Dropped` records, `clean_line` and `cut_line` (NFC, spaces, bounded length), the
line rules that label a line by its own shape (the rule lists themselves are data in noise.py),
and the domain of a URL. Dates are read by dates.py.
"""

import logging
import re
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from search import limits, noise
from search.dates import dateline_date
from search.normalize import canonical, nfc

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
    site: str | None = None  # the site's domain ("dantri.com.vn"): what results are grouped by
    url: str | None = None
    site_name: str | None = None  # the name the site gives itself ("Báo điện tử Dân Trí")
    dropped: list[Dropped] = field(default_factory=list)
    explain: list[str] = field(default_factory=list)  # how the extractor read the page

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
            "site_name": self.site_name,
            "url": self.url,
        }
        if explain:
            record["explain"] = self.explain
            record["dropped"] = [asdict(dropped) for dropped in self.dropped]
        return record


_SPACES = re.compile(r"\s+")
END_PUNCTUATION = re.compile(r"[.!?:;…\"”»)]$")
_URL = re.compile(r"https?://([^/\s)\]]+)")
REPEATED = "repeated on other pages of the site"


def heading_key(line: str) -> str:
    """The form of a line that is looked up in noise.py's lists."""
    line = canonical(line).lower().strip(" :»›>-–—|*#•")
    return _SPACES.sub(" ", line)


# More combining marks in a row than any script stacks on one letter (Unicode's "stream-safe"
# limit, UAX #15). NFC sorts a run of marks in quadratic time (6 s for 80,000 of them), so the
# marks past this many in a row are dropped first from a line that is not NFC yet (one that is
# has nothing to sort). Every combining mark is [^\w\s] in `re`.
MAX_COMBINING_RUN = 30
_MARK_RUN = re.compile(rf"[^\w\s]{{{MAX_COMBINING_RUN + 1},}}")


def clean_line(line: str) -> str:
    """NFC, non-breaking and odd spaces as plain spaces, trimmed (str.split's whitespace is
    the regex \\s: the same result as a substitution, at a fraction of the cost)."""
    # (most lines are NFC already: that is told in C, faster than looking for a run of marks)
    if not unicodedata.is_normalized("NFC", line):
        if _MARK_RUN.search(line):
            line = _MARK_RUN.sub(_stream_safe, line)
        line = nfc(line)
    if len(line) > 10_000:  # the same, without a list of its words (a few MB for a long line)
        return _SPACES.sub(" ", line).strip()
    return collapse_spaces(line)


def collapse_spaces(text: str) -> str:
    """Each run of whitespace as one space, and none at the ends: " ".join(text.split()), but
    most lines have nothing to collapse, and that is checked in C without a list of their words
    (every space but " " is unprintable to str.isprintable).

    >>> collapse_spaces(" Hà\\u00a0 Nội\\n"), collapse_spaces("Hà Nội")
    ('Hà Nội', 'Hà Nội')
    """
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


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
    LOGGER.warning("%s: a line of %s characters is cut to its first %s", path, f"{len(line):,}", f"{most:,}")
    cut.append(
        Dropped(
            clean_line(line[most : most + 200]),
            f"end of a line of {len(line):,} characters (only the first {most:,} are read)",
        )
    )
    return line[:most]


def without_markup(pattern: re.Pattern, line: str) -> str:
    """The line with each image (noise.IMAGE) or link (noise.LINK) taken out."""
    return pattern.sub(lambda match: "" if match.group("end") else match.group(), line)


def starts_with_image(line: str) -> bool:
    match = noise.IMAGE.match(line)
    return bool(match and match.group("end"))


_KEY_WORDS = 8  # lines of at most this many words are looked up (headings, chrome) or bylines
_WORDS_ASKED = max(_KEY_WORDS, noise.DATELINE_MAX_WORDS)


def line_label(line: str) -> str | None:
    """Label a line by its own shape; None for a line that may be article text."""
    if not line:
        return None
    # Counted up to one more than the most any rule here asks about (a paragraph is not split
    # into all its words to learn that it has more than ten).
    words = len(line.split(maxsplit=_WORDS_ASKED))
    # Headings and site chrome are short lines; only those are looked up.
    key = heading_key(line) if words <= _KEY_WORDS else ""
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
    if noise.TAG_LINE.match(line):
        return "tag line"
    if noise.SOCIAL.match(line):
        return "social widget"
    if words <= noise.DATELINE_MAX_WORDS and dateline_date(line):
        return "dateline"
    if noise.BYLINE.match(line) and words <= _KEY_WORDS:
        return "byline"
    if noise.BREADCRUMB.match(line) and not END_PUNCTUATION.search(line):
        return "breadcrumb"
    if line.startswith("|") or line.endswith(" |") or line == "|":
        return "caption"
    return None


def site_of_text(text: str) -> str | None:
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


# Prefixes of one site's other doors: its mobile, AMP and www hosts are the site itself.
_SAME_SITE = re.compile(r"^(?:www\d?|m|mobile|amp|wap|touch)\.")


def domain_of(url_or_host: str | None) -> str | None:
    """The domain a site is known by, from a URL or a host: its host without "www." or a
    mobile or AMP prefix (a section on its own host, ione.vnexpress.net, stays apart).

    >>> domain_of("https://m.dantri.com.vn/xa-hoi/a.htm"), domain_of("WWW.VnExpress.net"), domain_of("ione.vnexpress.net")
    ('dantri.com.vn', 'vnexpress.net', 'ione.vnexpress.net')
    """
    if not url_or_host:
        return None
    host = urlsplit(url_or_host if "//" in url_or_host else "//" + url_or_host).hostname or ""
    host = _SAME_SITE.sub("", host.rstrip("."))
    return host if "." in host else None
