"""A labelled folder of real pages -> how many labels the extractor passes, and which fail.

The folder holds labels.json and pages/NAME.html, as ../shared/real-pages does; its README.md
gives the rule, which this module applies as that folder's score.py does, with the same figures.
Each page is extracted alone, as `search extract PAGE --json` does, so no template learned
across pages helps. Text is compared NFC-normalised, lower-cased, with whitespace collapsed; a
title also ignoring punctuation and symbols at either end. Used by `search evaluate pages`.
"""

import json
import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from search.corpus import Skipped
from search.pipeline import Extracted, extract_corpus

LISTING_MAX_CHARS = 500  # a listing kept as an "article" passes if shorter: no page of teasers is


@dataclass
class Tally:
    count: int = 0  # labels passed; for noise, strings leaked
    total: int = 0

    def add(self, counted: bool) -> bool:
        self.total += 1
        self.count += counted
        return counted

    def __str__(self) -> str:
        return f"{self.count}/{self.total}"


@dataclass
class Finding:
    page: str
    message: str
    failed: bool = True  # False: a note, such as a listing rightly skipped

    def __str__(self) -> str:
        return f"{self.page}: {self.message}"


@dataclass
class PagesReport:
    titles: Tally = field(default_factory=Tally)
    passages: Tally = field(default_factory=Tally)
    leaks: Tally = field(default_factory=Tally)
    dates: Tally = field(default_factory=Tally)
    listings: Tally = field(default_factory=Tally)
    leads: Tally = field(default_factory=Tally)
    findings: list[Finding] = field(default_factory=list)  # in page order

    @property
    def failures(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.failed]

    @property
    def passed(self) -> bool:
        """Every label of every page passes."""
        return not self.failures

    def fail(self, page: str, message: str) -> None:
        self.findings.append(Finding(page, message))

    def note(self, page: str, message: str) -> None:
        self.findings.append(Finding(page, message, failed=False))


def norm(text: object) -> str:
    """The form labels and extracted text are compared in.

    >>> norm("  Hợp   TÁC ")
    'hợp tác'
    """
    return " ".join(unicodedata.normalize("NFC", str(text or "")).lower().split())


def bare(text: str) -> str:
    """The text without spaces, punctuation and symbols at either end.

    >>> bare("« Hà Nội: mở tuyến buýt! »")
    'Hà Nội: mở tuyến buýt'
    """
    start, end = 0, len(text)
    while start < end and _edge(text[start]):
        start += 1
    while end > start and _edge(text[end - 1]):
        end -= 1
    return text[start:end]


def _edge(char: str) -> bool:
    return char.isspace() or unicodedata.category(char)[0] in "PS"


def extract_alone(path: Path) -> tuple[dict | None, str]:
    """The record `search extract PATH --json` prints for the page, or None and why not."""
    reason = "no article extracted"
    for item in extract_corpus([path]):
        if isinstance(item, Extracted) and item.article is not None:
            return item.article.to_json(), ""
        if isinstance(item, Skipped):
            reason = item.reason
    return None, reason


def evaluate_pages(folder: str | Path) -> PagesReport:
    """Extract each labelled page of the folder on its own and score it by its labels."""
    folder = Path(os.path.abspath(folder))
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    report = PagesReport()
    for name, label in sorted(labels.items()):
        record, reason = extract_alone(folder / "pages" / f"{name}.html")
        if label["kind"] == "listing":
            _score_listing(report, name, label, record, reason)
        else:
            _score_article(report, name, label, record, reason)
    return report


def _score_listing(report: PagesReport, name: str, label: dict, record: dict | None, reason: str) -> None:
    """A listing passes skipped, or kept with a short body that holds none of its teasers."""
    if record is None:
        report.listings.add(True)
        report.note(name, f"listing skipped ({reason})")
        return
    length = len(record.get("body") or "")
    body = norm(record.get("body"))
    teasers = [norm(teaser) for teaser in label["noise_must_not"]]
    if report.listings.add(length < LISTING_MAX_CHARS and not any(t in body for t in teasers)):
        report.note(name, f"listing kept as a short article ({length} chars, no teaser): passes")
    else:
        report.fail(name, f"listing indexed as an article ({length} chars)")


def _score_article(report: PagesReport, name: str, label: dict, record: dict | None, reason: str) -> None:
    """Title, passages, noise, date and lead of an article page, each counted once."""
    if record is None:
        report.fail(name, f"no article extracted ({reason})")
    found, record = record is not None, record or {}
    body, title = norm(record.get("body")), record.get("title")
    if not report.titles.add(found and bare(norm(title)) == bare(norm(label["title"]))):
        report.fail(name, f"title {title!r}, want {label['title']!r}")
    for passage in label["body_must"]:
        if not report.passages.add(norm(passage) in body):
            report.fail(name, f"lost {passage[:70]!r}")
    for noise in label["noise_must_not"]:
        if report.leaks.add(norm(noise) in body):
            report.fail(name, f"leaked {noise[:70]!r}")
    if label.get("date"):
        got = str(record.get("date") or "")[:10]
        if not report.dates.add(got in [label["date"], *(label.get("date_alt") or [])]):
            report.fail(name, f"date {got or None}, want {label['date']}")
    if label.get("lead") and not report.leads.add(norm(label["lead"]) in body):
        report.fail(name, "lead not in body")


def pages_report_lines(report: PagesReport, verbose: bool = False) -> list[str]:
    """What `search evaluate pages` prints: each failure and note with verbose, then the totals."""
    lines = [str(finding) for finding in report.findings] if verbose else []
    return [
        *lines,
        f"real pages: titles {report.titles}, body passages {report.passages}, noise leaked "
        f"{report.leaks}, dates {report.dates}, listings skipped {report.listings}, "
        f"leads in body {report.leads}",
    ]
