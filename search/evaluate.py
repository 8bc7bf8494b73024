"""Labelled data -> quality figures: MRR@10 of the relevance set (and, for extraction,
precision and recall of kept lines). Used by `search evaluate` and by the tests.

The relevance set is a TSV of `query <TAB> expected`, expected being article paths under the
corpus (several separated by "|", the first found counts) or "-" for a query that must return
nothing; "#" starts a comment line.
"""

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from search.index import build_index, open_index
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


def evaluate_relevance(relevance_set: str | Path, corpus: list[str | Path]) -> RelevanceReport:
    """Index the corpus in a temporary folder and judge every query of the set."""
    report = RelevanceReport()
    with tempfile.TemporaryDirectory() as index_dir:
        build_index(corpus, index_dir)
        with open_index(index_dir).searcher() as searcher:
            for text, expected in read_relevance_set(relevance_set):
                page = search(searcher, text, limit=CUTOFF)
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
