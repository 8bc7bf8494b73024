"""Labelled data -> quality figures: MRR@10 of the relevance set (and, for extraction,
precision and recall of kept lines). Used by `search evaluate` and by the tests.

The relevance set is a TSV of `query <TAB> expected`, expected being article paths under the
corpus (several separated by "|", the first found counts) or "-" for a query that must return
nothing; "#" starts a comment line.
"""

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from search.index import build_index, open_index, pair_counts
from search.query import search

CUTOFF = 10  # MRR@10: an expected article below rank 10 counts as not found


@dataclass
class Judgement:
    query: str
    expected: list[str]  # empty: must return nothing
    rank: int | None  # of the first expected article, or None
    total: int
    top: str | None  # path of the first result

    @property
    def ok(self) -> bool:
        return self.total == 0 if not self.expected else self.rank == 1


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


def read_relevance_set(path: str | Path) -> list[tuple[str, list[str]]]:
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        query, _, expected = line.partition("\t")
        rows.append((query, [] if expected.strip() == "-" else expected.strip().split("|")))
    return rows


def evaluate_relevance(
    relevance_set: str | Path, corpus: list[str | Path], engine: str | None = None
) -> RelevanceReport:
    """Index the corpus in a temporary folder with the engine and judge every query of the set."""
    report = RelevanceReport()
    with tempfile.TemporaryDirectory() as index_dir:
        build_index(corpus, index_dir, engine=engine)
        pairs = pair_counts(index_dir)
        with open_index(index_dir).searcher() as searcher:
            for text, expected in read_relevance_set(relevance_set):
                page = search(searcher, text, limit=CUTOFF, pairs=pairs)
                paths = ["/" + hit.path.replace("\\", "/") for hit in page.results]
                rank = next(
                    (at for at, path in enumerate(paths, 1)
                     if any(path.endswith("/" + wanted) for wanted in expected)),
                    None,
                )
                report.judgements.append(
                    Judgement(text, expected, rank, page.total, paths[0][1:] if paths else None)
                )
    return report


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

    @property
    def wrong_titles(self) -> list[tuple[str, str, str | None]]:
        return [t for t in self.titles if t[1] != t[2]]


def evaluate_extraction(data_dir: str | Path, seeds_dir: str | Path) -> ExtractionReport:
    """Precision and recall of what the extractor keeps, on the labelled pages.

    Pages under data_dir/extraction.tsv are checked by their must-keep and must-drop strings;
    the seeds by line labels in data_dir/labels/<seed>.tsv (T title, K keep, D drop).
    """
    from search.extract import clean_line
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
    return report
