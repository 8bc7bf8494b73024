"""Dates (issue #11): read from text dumps and HTML, aware, publication before update.

The labelled set is tests/data/dates/cases.tsv; `search evaluate extraction` prints its score.
"""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from search.corpus import RawDocument
from search.dates import VIETNAM, date_in_url, dateline_date, parse_date
from search.evaluate import evaluate_dates
from search.extract import extract
from tests.paths import DATA, SEEDS

CASES = DATA / "dates" / "cases.tsv"
# Cases the extractor is known to get wrong, by their input (none today).
KNOWN_MISSES: set[str] = set()


def test_every_labelled_date_case_is_right():
    checks = evaluate_dates(CASES, DATA, SEEDS)
    assert len(checks) >= 30
    misses = [(c.kind, c.text, c.got, c.expected) for c in checks if not c.ok and c.text not in KNOWN_MISSES]
    assert misses == []


def test_the_date_set_covers_every_kind_of_source_and_negatives():
    checks = evaluate_dates(CASES, DATA, SEEDS)
    kinds = Counter(check.kind for check in checks)
    assert set(kinds) == {"line", "text", "head", "body", "url", "seed", "file"}
    assert sum(check.expected == "none" for check in checks) >= 10


def test_the_users_dateline_above_the_title_gives_the_date():
    page = (
        "Thời sự\nThứ Ba, 18/03/2025 - 09:45 (GMT+7)\nHà Nội mở thêm tuyến buýt điện nối sân bay\n"
        "Từ sáng nay, tuyến buýt điện mới nối trung tâm với sân bay Nội Bài.\n"
    )
    article = extract(RawDocument("x.txt", page, "text", "utf-8", ""))
    assert article.date == datetime(2025, 3, 18, 9, 45, tzinfo=VIETNAM)
    assert article.to_json()["date"] == "2025-03-18T09:45:00+07:00"
    assert all("18/03/2025" not in dropped.line for dropped in article.dropped)  # used, not dropped


def test_dates_are_aware_vietnam_time_unless_the_source_says_otherwise():
    assert parse_date("18/03/2025 09:45").utcoffset() == timedelta(hours=7)
    assert parse_date("18/03/2025 09:45 (GMT+7)").utcoffset() == timedelta(hours=7)
    assert parse_date("2025-03-18T02:45:00Z").tzinfo == UTC
    assert parse_date("2025-03-18T09:45:00-05:00").utcoffset() == timedelta(hours=-5)


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2025",
        "29/02/2025",
        "18/13/2025",
        "01/01/1989",
        "1.2.2025",
        "0912.345.678",
        "Hotline 1900-1234",
        "v10.12.2025",
    ],
)
def test_impossible_dates_and_numbers_that_are_no_dates(text):
    assert parse_date(text) is None


def test_the_future_is_no_date_but_tomorrow_is():
    now = datetime(2025, 3, 18, 12, 0, tzinfo=UTC)
    assert parse_date("19/03/2025 08:00", now=now) is not None  # time zones: within a day
    assert parse_date("21/03/2025", now=now) is None


def test_a_sentence_with_a_date_is_not_a_dateline():
    assert dateline_date("HANOI, May 3, 2025") is not None
    assert dateline_date("Ngày 30/11/2021, tại Moscow.") is None
    assert dateline_date("Lịch nghỉ Tết 2025 của học sinh từ 25/1/2025") is None


def test_publication_before_update_within_one_line():
    assert parse_date("Cập nhật: 12/03/2025 09:00 | Đăng: 10/03/2025 08:00") == datetime(
        2025, 3, 10, 8, 0, tzinfo=VIETNAM
    )


def test_dates_in_urls():
    assert date_in_url("https://a.vn/2025/03/18/x.html") == datetime(2025, 3, 18, tzinfo=VIETNAM)
    assert date_in_url("https://a.vn/x-20250318.html") == datetime(2025, 3, 18, tzinfo=VIETNAM)
    assert date_in_url("https://a.vn/x-20251318.html") is None
    assert date_in_url("https://a.vn/2025/03/18x?id=20250318") is None  # the query is not read


def test_json_ld_that_would_exhaust_the_recursion_limit_is_passed_over():
    script = '<script type="application/ld+json">' + "[" * 100_000 + "</script>"
    page = (
        f"<html><head><title>Một tiêu đề đủ dài</title>{script}</head><body><article><h1>Một tiêu đề"
        " đủ dài</h1><p>Một đoạn văn của bài báo, đủ dài để là một đoạn.</p></article></body></html>"
    )
    article = extract(RawDocument("x.html", page, "html", "utf-8", ""))
    assert article is not None and article.date is None


def test_evaluate_extraction_prints_the_date_score():
    from search.cli import main

    result = CliRunner().invoke(main, ["evaluate", "extraction", "--data", str(DATA), "--seeds", str(SEEDS)])
    assert result.exit_code == 0, result.output
    total = len(evaluate_dates(CASES, DATA, SEEDS))
    assert f"dates: {total}/{total} correct" in result.output
