"""Labelled data -> quality figures: MRR@10 of the relevance set; for extraction, precision and
recall of kept lines and the accuracy of dates. Used by `search evaluate` and by the tests.

The relevance set is a TSV of `query <TAB> expected [<TAB> forbidden]`, expected being article
paths under the corpus (several separated by "|", the first found counts) or "-" for a query
that must return nothing, forbidden the articles that must not be among its first results (a
query that shows one scores 0); "#" starts a comment line, and "# -- kind" the queries of one
kind, scored apart too. The date set, data_dir/dates/cases.tsv, says how its cases are made
into pages.
"""

import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from search.index import build_index
from search.live import open_index, pair_counts
from search.query import search

CUTOFF = 10  # MRR@10: an expected article below rank 10 counts as not found


@dataclass
class Judgement:
    query: str
    expected: list[str]  # empty: must return nothing
    rank: int | None  # of the first expected article, or None (also: a forbidden one was shown)
    total: int
    top: str | None  # path of the first result
    kind: str = ""  # the "# -- kind" heading above it in the set

    @property
    def ok(self) -> bool:
        return self.total == 0 if not self.expected else self.rank == 1


@dataclass(frozen=True)
class RelevanceRow:
    query: str
    expected: list[str]
    forbidden: list[str]
    kind: str


@dataclass
class RelevanceReport:
    judgements: list[Judgement] = field(default_factory=list)

    @property
    def ranked(self) -> list[Judgement]:
        return [j for j in self.judgements if j.expected]

    @property
    def mrr(self) -> float:
        ranked = self.ranked
        return sum(1 / j.rank for j in ranked if j.rank) / len(ranked) if ranked else 0.0

    @property
    def empty_failures(self) -> list[Judgement]:
        return [j for j in self.judgements if not j.expected and j.total]

    def by_kind(self) -> dict[str, "RelevanceReport"]:
        """The report of each kind of query, in the order of the set."""
        kinds: dict[str, RelevanceReport] = {}
        for judgement in self.judgements:
            kinds.setdefault(judgement.kind, RelevanceReport()).judgements.append(judgement)
        return kinds


def read_relevance_set(path: str | Path) -> list[RelevanceRow]:
    rows, kind = [], ""
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("# --"):
            kind = line.removeprefix("# --").strip()
        if not line.strip() or line.startswith("#"):
            continue
        query, expected, forbidden = (line.split("\t") + ["", ""])[:3]
        expected = [] if expected.strip() == "-" else expected.strip().split("|")
        rows.append(RelevanceRow(query, expected, list(filter(None, forbidden.strip().split("|"))), kind))
    return rows


def evaluate_relevance(
    relevance_set: str | Path, corpus: list[str | Path], engine: str | None = None
) -> RelevanceReport:
    """Index the corpus in a temporary folder with the engine and judge every query of the set."""
    with tempfile.TemporaryDirectory() as index_dir:
        build_index(corpus, index_dir, engine=engine)
        with open_index(index_dir).searcher() as searcher:
            return judge_relevance(relevance_set, searcher, pair_counts(index_dir))


def judge_relevance(relevance_set: str | Path, searcher, pairs) -> RelevanceReport:
    """Judge every query of the set on an open index of its corpus."""
    report = RelevanceReport()
    for row in read_relevance_set(relevance_set):
        page = search(searcher, row.query, limit=CUTOFF, pairs=pairs)
        paths = ["/" + hit.path.replace("\\", "/") for hit in page.results]
        rank = _rank(paths, row.expected)
        if any(_rank(paths, [unwanted]) for unwanted in row.forbidden):
            rank = None
        top = paths[0][1:] if paths else None
        report.judgements.append(Judgement(row.query, row.expected, rank, page.total, top, row.kind))
    return report


def _rank(paths: list[str], wanted: list[str]) -> int | None:
    """The rank of the first of the paths that is one of the wanted articles."""
    return next((at for at, path in enumerate(paths, 1) if any(path.endswith("/" + w) for w in wanted)), None)


def relevance_report_lines(report: RelevanceReport, verbose: bool = False) -> list[str]:
    """What `search evaluate relevance` prints: each miss (each query with verbose), MRR@10 by
    kind when the set names kinds, then the whole set's."""
    lines = []
    for judgement in report.judgements:
        if verbose or not judgement.ok:
            where = f"rank {judgement.rank}" if judgement.rank else "not in top 10 (or a forbidden one is)"
            if not judgement.expected:
                where = f"{judgement.total} results (expected none)"
            mark = "ok  " if judgement.ok else "MISS"
            lines.append(f"{mark} {judgement.query!r}: {where}; first: {judgement.top}")
    kinds = report.by_kind()
    if len(kinds) > 1:
        lines += [f"  {_summary(part)}: {kind or '(no kind)'}" for kind, part in kinds.items()]
    return lines + [_summary(report)]


def _summary(report: RelevanceReport) -> str:
    ranked, empty = report.ranked, [j for j in report.judgements if not j.expected]
    parts = []
    if ranked:
        first, missed = sum(j.rank == 1 for j in ranked), sum(j.rank is None for j in ranked)
        parts.append(f"MRR@10 {report.mrr:.3f} over {len(ranked)} queries ({first} first, {missed} missed)")
    if empty:
        parts.append(f"navigation-only queries empty: {len(empty) - len(report.empty_failures)}/{len(empty)}")
    return "; ".join(parts)


@dataclass
class Check:
    page: str
    text: str
    wanted: bool  # the article should keep it
    kept: bool

    @property
    def ok(self) -> bool:
        return self.wanted == self.kept


@dataclass
class ExtractionReport:
    checks: list[Check] = field(default_factory=list)
    titles: list[tuple[str, str, str | None]] = field(default_factory=list)  # page, want, got

    @property
    def precision(self) -> float:
        kept = [c for c in self.checks if c.kept]
        return sum(c.wanted for c in kept) / len(kept) if kept else 0.0

    @property
    def recall(self) -> float:
        wanted = [c for c in self.checks if c.wanted]
        return sum(c.kept for c in wanted) / len(wanted) if wanted else 0.0

    dates: list["DateCheck"] = field(default_factory=list)

    @property
    def wrong_titles(self) -> list[tuple[str, str, str | None]]:
        return [t for t in self.titles if t[1] != t[2]]

    @property
    def dates_right(self) -> int:
        return sum(check.ok for check in self.dates)


@dataclass
class DateCheck:
    kind: str
    text: str
    expected: str  # ISO 8601 with its offset, or "none"
    got: str  # the same for the date extracted
    why: str

    @property
    def ok(self) -> bool:
        """The same instant (dates are given in Vietnam time, whatever offset the page wrote)."""
        if "none" in (self.expected, self.got):
            return self.expected == self.got
        try:
            return datetime.fromisoformat(self.expected) == datetime.fromisoformat(self.got)
        except ValueError:
            return False


def extraction_report_lines(report: ExtractionReport, verbose: bool = False) -> list[str]:
    """What `search evaluate extraction` prints: each miss (each check with verbose), wrong
    titles, precision and recall, then the same for dates and "dates: N/M correct"."""
    lines = [
        f"{'ok  ' if check.ok else 'MISS'} {check.page}: {'kept' if check.kept else 'dropped'} {check.text[:80]!r}"
        for check in report.checks
        if verbose or not check.ok
    ]
    lines += [f"TITLE {page}: {got!r}, not {wanted!r}" for page, wanted, got in report.wrong_titles]
    lines.append(
        f"precision {report.precision:.3f}, recall {report.recall:.3f} over {len(report.checks)} "
        f"labelled lines and strings; titles right: "
        f"{len(report.titles) - len(report.wrong_titles)}/{len(report.titles)}"
    )
    return lines + date_report_lines(report, verbose)


def date_report_lines(report: ExtractionReport, verbose: bool = False) -> list[str]:
    """Each date case missed (each case with verbose), then "dates: N/M correct"."""
    lines = [
        f"{'ok  ' if check.ok else 'MISS'} date ({check.kind}) {check.text[:70]!r}: "
        f"{check.got}, expected {check.expected} ({check.why})"
        for check in report.dates
        if verbose or not check.ok
    ]
    return lines + [f"dates: {report.dates_right}/{len(report.dates)} correct"] if report.dates else lines


# What a date case is wrapped in to make a page of it (see tests/data/dates/cases.tsv).
CASE_TITLE = "Hà Nội mở thêm tuyến buýt điện nối sân bay Nội Bài"
CASE_PARAGRAPH = (
    "Từ sáng nay, Hà Nội đưa vào khai thác tuyến buýt điện mới nối trung tâm thành phố với "
    "sân bay Nội Bài, mỗi chuyến cách nhau 15 phút."
)


def evaluate_dates(cases: str | Path, data_dir: str | Path, seeds_dir: str | Path) -> list[DateCheck]:
    """Extract each case of the date set as a page and compare its date with the expected one."""
    from search.corpus import RawDocument, read_document
    from search.extract import extract

    checks = []
    for row in Path(cases).read_text(encoding="utf-8").splitlines():
        if not row.strip() or row.startswith("#"):
            continue
        kind, text, expected, why = (row.split("\t") + ["", "", ""])[:4]
        if kind in ("file", "seed"):
            document = read_document(Path(data_dir if kind == "file" else seeds_dir) / text)
        else:
            page, page_kind = _case_page(kind, text)
            document = RawDocument(f"dates/{kind}", page, page_kind, "utf-8", "")
        article = extract(document)
        got = article.date.isoformat() if article and article.date else "none"
        checks.append(DateCheck(kind, text, expected.strip(), got, why))
    return checks


def _case_page(kind: str, text: str) -> tuple[str, str]:
    """The page a date case stands for, and its kind ("text" or "html")."""
    text = text.replace("\\n", "\n")
    if kind in ("line", "text"):
        page = f"{{T}}\n{text}\n{{P}}" if kind == "line" else text
        return page.replace("{T}", CASE_TITLE).replace("{P}", CASE_PARAGRAPH), "text"
    head, body = f"<title>{CASE_TITLE}</title>", "<article><h1>{T}</h1>{P}</article>"
    if kind == "head":
        head += text
    elif kind == "url":
        head += f'<link rel="canonical" href="{text}">'
    elif kind == "body":
        body = text
    else:
        raise ValueError(f"unknown kind of date case: {kind!r}")
    body = body.replace("{T}", CASE_TITLE).replace("{P}", f"<p>{CASE_PARAGRAPH}</p>")
    return f"<html><head>{head}</head><body>{body}</body></html>", "html"


def evaluate_extraction(data_dir: str | Path, seeds_dir: str | Path) -> ExtractionReport:
    """Precision and recall of what the extractor keeps, on the labelled pages.

    Pages under data_dir/extraction.tsv are checked by their must-keep and must-drop strings;
    the seeds by line labels in data_dir/labels/<seed>.tsv (T title, K keep, D drop).
    """
    from search.lines import clean_line
    from search.pipeline import Extracted, extract_corpus

    data_dir, seeds_dir = Path(data_dir), Path(seeds_dir)
    articles = {
        Path(item.path).resolve(): item.article
        for item in extract_corpus([data_dir / "vi", data_dir / "en", seeds_dir])
        if isinstance(item, Extracted)
    }
    report = ExtractionReport()

    def kept_text(path: Path) -> tuple[str | None, str]:
        article = articles.get(path.resolve())
        if article is None:
            return None, ""
        return article.title, "\n".join([article.title, *article.body, *article.captions])

    for line in (data_dir / "extraction.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        page, title, keep, drop = (line.split("\t") + ["", "", ""])[:4]
        got_title, text = kept_text(data_dir / page)
        report.titles.append((page, title, got_title))
        for wanted, strings in ((True, keep), (False, drop)):
            for string in filter(None, (s.strip() for s in strings.split(" | "))):
                report.checks.append(Check(page, string, wanted, string in text))

    for labels in sorted((data_dir / "labels").glob("*.tsv")):
        page = labels.stem + ".txt"
        got_title, text = kept_text(seeds_dir / page)
        kept_lines = set(text.split("\n"))
        for row in labels.read_text(encoding="utf-8").splitlines():
            label, _, source = row.partition("\t")
            if label == "T":
                report.titles.append((page, source, got_title))
                continue
            line = clean_line(source).strip("| ").strip()
            report.checks.append(Check(page, line, label == "K", line in kept_lines))
    if (data_dir / "dates" / "cases.tsv").exists():
        report.dates = evaluate_dates(data_dir / "dates" / "cases.tsv", data_dir, seeds_dir)
    return report
