"""Every matching story, as a spreadsheet or JSON Lines: `search query --csv/--jsonl` past the
page window (run as a user runs it, with a small SEARCH_MAX_RESULT_WINDOW), and the library's
order, filters and cells (search/export.py)."""

import csv
import io
import json
import os
import random
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from search import export, query
from search.live import open_index, site_names
from tests.paths import ROOT

pytestmark = pytest.mark.usefixtures("engine")  # each test runs on every engine

ARTICLES = 60
SYLLABLES = [
    "nhà",
    "ga",
    "đường",
    "sắt",
    "cầu",
    "cảng",
    "sân",
    "bay",
    "xe",
    "buýt",
    "điện",
    "nước",
    "lúa",
    "gạo",
    "cá",
    "tôm",
    "rau",
    "quả",
    "chợ",
    "phố",
    "làng",
    "xã",
    "học",
    "sinh",
    "giáo",
    "viên",
    "bác",
    "sĩ",
    "bệnh",
    "viện",
    "công",
    "nhân",
    "nông",
    "dân",
    "thợ",
    "máy",
    "kỹ",
    "sư",
    "nhà",
    "báo",
    "ca",
    "sĩ",
    "họa",
    "sĩ",
    "mưa",
    "nắng",
    "gió",
    "bão",
    "lũ",
    "hạn",
    "mặn",
    "rừng",
    "núi",
    "biển",
    "đảo",
    "sông",
    "hồ",
    "thành",
    "phố",
    "tỉnh",
    "huyện",
]


@pytest.fixture(scope="module")
def many(build, tmp_path_factory):
    """An index of ARTICLES distinct articles, each about "cao tốc" (and none a copy of another)."""
    folder = tmp_path_factory.mktemp("many")
    for number in range(ARTICLES):
        rng = random.Random(number)
        body = [" ".join(rng.choice(SYLLABLES) for _ in range(40)) + "." for _ in range(3)]
        title = f"Cao tốc Bắc – Nam: đoạn {number} {' '.join(rng.sample(SYLLABLES, 6))}"
        text = "\n".join([title, f"Dự án cao tốc số {number} đi qua {rng.choice(SYLLABLES)}.", *body])
        (folder / f"{number:03d}.txt").write_text(text + "\n", encoding="utf-8")
    return build(folder)


def run_cli(*args: str, window: int = 20) -> subprocess.CompletedProcess:
    """`search ...` in a process of its own, its page window `window` hits deep."""
    env = {**os.environ, "SEARCH_MAX_RESULT_WINDOW": str(window)}
    command = [sys.executable, "-c", "from search.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, env=env, cwd=ROOT, timeout=120)


def test_the_cli_exports_every_story_past_the_page_window(many):
    deep = run_cli("query", "cao tốc", "--index", str(many), "--page", "3")
    assert deep.returncode == 2 and b"past the 20th" in deep.stderr  # pages stop at the window

    done = run_cli("query", "cao toc", "--index", str(many), "--csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"\xef\xbb\xbfurl,title,site,date,copies,score,id\r\n")  # BOM, header
    rows = list(csv.DictReader(io.StringIO(done.stdout.decode("utf-8-sig"))))
    assert len(rows) == ARTICLES and len({row["id"] for row in rows}) == ARTICLES
    assert {row["title"].split(":")[0] for row in rows} == {"Cao tốc Bắc – Nam"}  # accents intact
    assert all(row["url"].endswith(".txt") and row["copies"] == "0" for row in rows)  # no URL: the file
    scores = [float(row["score"]) for row in rows]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0  # best first, all of them

    lines = run_cli("query", "cao toc", "--index", str(many), "--jsonl")
    assert lines.returncode == 0 and not lines.stdout.startswith(b"\xef\xbb\xbf")
    stories = [json.loads(line) for line in lines.stdout.decode("utf-8").splitlines()]
    assert [story["id"] for story in stories] == [row["id"] for row in rows]
    assert set(stories[0]) == set(export.FIELDS)
    assert stories[0]["title"] == rows[0]["title"] and stories[0]["copies"] == 0


def test_the_export_is_the_pages_order_and_filters(many):
    with open_index(many).searcher() as searcher:
        exported = list(export.stories(searcher, "cao tốc"))
        first_page = query.search(searcher, "cao tốc", limit=10)
        assert [hit.id for hit in exported[:10]] == [hit.id for hit in first_page.results]
        assert [hit.score for hit in exported[:10]] == pytest.approx(
            [hit.score for hit in first_page.results]
        )
        assert len(exported) == ARTICLES
        one = list(export.stories(searcher, "cao tốc đoạn 7"))
        assert one[0].title.startswith("Cao tốc Bắc – Nam: đoạn 7 ")
        assert list(export.stories(searcher, "-")) == []  # nothing to search for
        assert list(export.stories(searcher, "cao tốc", site="elsewhere.example")) == []


def test_the_export_takes_the_sites_name_and_sorts_by_date(news_index_dir):
    names = site_names(news_index_dir)
    with open_index(news_index_dir).searcher() as searcher:
        newest = list(
            export.stories(searcher, "", names=names, site=names.domain("Báo Sông Hồng"), sort="date")
        )
    assert [hit.site for hit in newest] == ["Báo Sông Hồng"] * 5
    assert [hit.date for hit in newest] == sorted((hit.date for hit in newest), reverse=True)
    assert {row["score"] for row in map(export.row, newest)} == {0.0}  # newest first scores nothing
    text = "".join(export.csv_chunks(newest))
    [first] = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))[:1]
    assert first["date"] == "2025-04-21 20:00:00"  # Vietnam time, as a spreadsheet reads a date
    assert first["url"] == "https://songhong.example.vn/thu-vien-mo-muon.html"


def test_cells_a_spreadsheet_would_run_as_formulas_are_quoted():
    date = datetime(2025, 3, 1, 2, 30, tzinfo=timezone.utc)
    hits = [
        query.Hit("a1", "a.txt", title, "", "", 1.0, date, "=evil")
        for title in ("=1+2", "@SUM(A1)", "Cao tốc")
    ]
    rows = list(csv.reader(io.StringIO("".join(export.csv_chunks(hits)).lstrip("\ufeff"))))
    assert [row[1] for row in rows[1:]] == ["'=1+2", "'@SUM(A1)", "Cao tốc"]
    assert rows[1][2] == "'=evil" and rows[1][3] == "2025-03-01 09:30:00"


def test_rows_come_in_batches(monkeypatch):
    monkeypatch.setattr(export, "BATCH", 2)
    hits = [query.Hit(str(n), "a.txt", "t", "", "", 1.0) for n in range(5)]
    chunks = list(export.csv_chunks(hits))
    assert [chunk.count("\r\n") for chunk in chunks] == [3, 2, 1]  # header and two rows, then two, one
    assert [chunk.count("\n") for chunk in export.jsonl_chunks(hits)] == [2, 2, 1]
