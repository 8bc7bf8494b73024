"""Dates (issue #11): read from text dumps and HTML, aware, publication before update.

The labelled set is tests/data/dates/cases.tsv; `search evaluate extraction` prints its score.
"""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from search.corpus import RawDocument
from search.dates import VIETNAM, date_in_url, dateline_date, find_date, parse_date, says_month_first
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


# Shapes that real Vietnamese and English news pages write (tests strings of our own, in their forms).
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # two-digit years beside a time; sáng / trưa / chiều / tối as a.m. and p.m.
        ("| Cập nhật thứ sáu, ngày 07/03/14 10:25 tối", datetime(2014, 3, 7, 22, 25)),
        ("07/03/14 08:15 sáng", datetime(2014, 3, 7, 8, 15)),
        ("15/06/98 12:30 trưa", datetime(1998, 6, 15, 12, 30)),
        ("1:20 trưa 15/06/2014", datetime(2014, 6, 15, 13, 20)),
        ("15-06-14 4:40 chiều", datetime(2014, 6, 15, 16, 40)),
        # Vietnamese datelines: a comma, a dash or a bar between date and time; time first
        ("Thứ Sáu, 07/03/2014, 21:40 GMT+7", datetime(2014, 3, 7, 21, 40)),
        ("Thứ sáu, 07/03/2014 - 06:15", datetime(2014, 3, 7, 6, 15)),
        ("07/03/2014 | 06:15", datetime(2014, 3, 7, 6, 15)),
        ("Cập nhật lúc 06:15 07/03/2014", datetime(2014, 3, 7, 6, 15)),
        ("06:15 AM 07/03/2014", datetime(2014, 3, 7, 6, 15)),
        ("16:15 PM | 07/03/2014", datetime(2014, 3, 7, 16, 15)),
        ("(07/03/2014 11:50)", datetime(2014, 3, 7, 11, 50)),
        ("07.03.2014 11:50", datetime(2014, 3, 7, 11, 50)),
        ("07-03-2014 - 00:05 AM", datetime(2014, 3, 7, 0, 5)),
        ("Thứ 6, Ngày 07-03, Năm 2014", datetime(2014, 3, 7)),
        ("Ngày đăng:07/03/2014 11:50:09", datetime(2014, 3, 7, 11, 50, 9)),
        # month first where only that can be; English forms
        ("03/27/2014", datetime(2014, 3, 27)),
        ("(03/27/2014)", datetime(2014, 3, 27)),
        ("03-27-2014 02:17 PM", datetime(2014, 3, 27, 14, 17)),
        ("3/27/2014 6:05:12 PM", datetime(2014, 3, 27, 18, 5, 12)),
        ("Mar 27, 2014 4:10 PM", datetime(2014, 3, 27, 16, 10)),
        ("March 27th, 2014", datetime(2014, 3, 27)),
        ("Thursday, March 27, 2014", datetime(2014, 3, 27)),
        ("Thu Mar 27 2014 16:10:00 GMT+0700 (Indochina Time)", datetime(2014, 3, 27, 16, 10)),
        # metadata values
        ("2014-03-27 16:10:00", datetime(2014, 3, 27, 16, 10)),
        ("2014/03/27 16:10", datetime(2014, 3, 27, 16, 10)),
        ("20140327", datetime(2014, 3, 27)),
        ("201403271610", datetime(2014, 3, 27, 16, 10)),
        (" 20140327161005 ", datetime(2014, 3, 27, 16, 10, 5)),
    ],
)
def test_forms_real_pages_write(text, expected):
    assert parse_date(text) == expected.replace(tzinfo=VIETNAM)
    assert dateline_date(text).date == expected.replace(tzinfo=VIETNAM)


def test_the_offsets_of_metadata_values_are_kept():
    assert parse_date("Thu, 27 Mar 2014 09:10:00 GMT") == datetime(2014, 3, 27, 9, 10, tzinfo=UTC)
    assert parse_date("2014-03-27T16:10:00+07:00") == datetime(2014, 3, 27, 16, 10, tzinfo=VIETNAM)


@pytest.mark.parametrize(
    "text",
    [
        "1/2/12",  # a fraction, a score, an id: a two-digit year needs a time beside it
        "Tỷ số 07/03/14",
        "Ngày 07/03/14, tại Hà Nội",
        "7/3/14 10:00",  # two-digit years only with two-digit days and months
        "07/03/60 10:00",  # 2060: the future
        "07/03/14 đến 20:00",  # a word between: not the date's time
        "1356023400",  # an epoch is not read
        "Mã số 20140327 đã hết hạn",  # digits only when they are the whole value
        "Hotline 19001234",
        "13/27/2014",  # neither day first nor month first
    ],
)
def test_short_forms_that_are_no_dates(text):
    assert parse_date(text) is None


def test_an_ambiguous_numeric_date_is_day_first_unless_the_page_writes_month_first():
    assert parse_date("03/04/2014 10:00") == datetime(2014, 4, 3, 10, 0, tzinfo=VIETNAM)
    posted = find_date("Published on 03-04-2014 01:00 AM", month_first=True)
    assert posted.date == datetime(2014, 3, 4, 1, 0, tzinfo=VIETNAM)
    assert dateline_date("03/04/14 10:00", month_first=True).date.date() == datetime(2014, 3, 4).date()
    assert find_date("27/03/2014", month_first=True).date.day == 27  # certain either way


def test_a_page_writes_month_first_when_some_date_can_only_be_read_so_and_none_day_first():
    assert says_month_first("Published on 03-04-2014 01:00 AM ... bình luận 03-27-2014 02:17 PM")
    assert not says_month_first("Thứ Năm, 27/03/2014 ... var now = '03/28/2014 6:37:21 PM'")
    assert not says_month_first("03/04/2014 và 04/05/2014")  # nothing certain: day first


def test_a_sentence_with_a_short_year_and_a_time_is_still_no_dateline():
    assert dateline_date("Ngày 07/03/14 lúc 10:00, tại Hà Nội, hai bên đã ký biên bản.") is None
    assert dateline_date("Từ ngày 1/3 năm 2026, theo quy định mới, tài khoản phải đúng tên.") is None


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
