"""Real saved news pages, labelled (../shared/real-pages): the extractor must pass every label.

The folder sits beside the clone (CI keeps a copy of shared/ there) and is never copied into the
project. The scorer itself, `search evaluate pages`, is tested on a tiny labelled folder made
here, whose pages are written for the test: each label passes or fails by construction.
"""

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from search.cli import main
from search.evaluate_pages import bare, evaluate_pages, norm, pages_report_lines
from tests.paths import ROOT

REAL_PAGES = ROOT.parent / "shared" / "real-pages"
needs_real_pages = pytest.mark.skipif(
    not (REAL_PAGES / "labels.json").exists(),
    reason=f"no labelled real pages at {REAL_PAGES} (a copy of shared/ beside the clone)",
)


@needs_real_pages
def test_every_label_of_the_real_pages_passes():
    report = evaluate_pages(REAL_PAGES)
    assert [str(failure) for failure in report.failures] == [], pages_report_lines(report)[-1]


@needs_real_pages
def test_the_figures_are_those_of_the_folders_own_scorer():
    search = f"{shlex.quote(sys.executable)} -c 'from search.cli import main; main()'"
    scored = subprocess.run(
        [sys.executable, str(REAL_PAGES / "score.py"), "--search", search],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert scored.stdout.splitlines()[-1] == pages_report_lines(evaluate_pages(REAL_PAGES))[-1]


TITLE = "Hà Nội mở thêm tuyến buýt điện nối sân bay Nội Bài"
LEAD = "Tuyến buýt điện mới chạy 15 phút một chuyến, nối phố cổ với nhà ga T2."
STORY = [
    "Từ sáng nay, Hà Nội đưa vào khai thác tuyến buýt điện mới nối trung tâm thành phố với "
    "sân bay Nội Bài, mỗi chuyến cách nhau 15 phút.",
    "Theo Sở Giao thông vận tải, tuyến dài 32 km, đi qua cầu Nhật Tân và đường Võ Nguyên Giáp, "
    "dừng ở tám điểm đón trả khách.",
    "Thành phố dự kiến mở thêm hai tuyến buýt điện nữa trước cuối năm nay.",
]
TEASERS = ["Giá vàng trong nước lập đỉnh mới", "Mưa lớn kéo dài ở các tỉnh miền Trung"]
MENU = ["Trang chủ", "Xã hội", "Kinh tế"]


def links(texts: list[str]) -> str:
    return "".join(f'<li><a href="/{at}.html">{text}</a></li>' for at, text in enumerate(texts))


STORY_HTML = "".join(f"<p>{paragraph}</p>" for paragraph in STORY)
ARTICLE = f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{TITLE} | Báo Sông Hồng</title>
<meta property="article:published_time" content="2025-03-18T09:45:00+07:00"></head><body>
<nav><ul>{links(MENU)}</ul></nav>
<article><h1>{TITLE}</h1><p class="sapo">{LEAD}</p>{STORY_HTML}</article>
<aside><h3>Đọc nhiều</h3><ul>{links(TEASERS)}</ul></aside>
<footer>© Báo Sông Hồng. Giấy phép số 123/GP-BTTTT.</footer></body></html>"""

LISTING_TEASERS = [
    "Sinh viên Hà Nội tình nguyện dọn rác bờ sông Hồng",
    "Học sinh Đà Nẵng nghỉ học tránh bão",
    "Cầu Long Biên đóng cửa để sửa chữa",
    *TEASERS,
]
LISTING = f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Xã hội | Báo Sông Hồng</title></head><body>
<h1>Xã hội</h1><ul>{links(LISTING_TEASERS)}</ul>
</body></html>"""

PASSING = {
    "bus": {
        "kind": "article",
        "title": TITLE,
        "body_must": STORY,
        "lead": LEAD,
        "noise_must_not": [*TEASERS, *MENU[:1], "Giấy phép số 123/GP-BTTTT"],
        "date": "2025-03-18",
    },
    "xa-hoi": {"kind": "listing", "title": None, "noise_must_not": LISTING_TEASERS, "date": None},
}


def labelled_folder(folder: Path, labels: dict, pages: dict[str, str]) -> Path:
    (folder / "pages").mkdir(parents=True)
    (folder / "labels.json").write_text(json.dumps(labels, ensure_ascii=False), encoding="utf-8")
    for name, html in pages.items():
        (folder / "pages" / f"{name}.html").write_text(html, encoding="utf-8")
    return folder


@pytest.fixture
def passing_folder(tmp_path) -> Path:
    return labelled_folder(tmp_path / "passing", PASSING, {"bus": ARTICLE, "xa-hoi": LISTING})


def test_a_clean_article_and_a_listing_pass_every_label(passing_folder):
    report = evaluate_pages(passing_folder)
    assert report.passed, report.failures
    assert pages_report_lines(report) == [
        "real pages: titles 1/1, body passages 3/3, noise leaked 0/4, dates 1/1, "
        "listings skipped 1/1, leads in body 1/1"
    ]


def test_a_skipped_listing_is_said_with_its_reason_only_when_verbose(passing_folder):
    report = evaluate_pages(passing_folder)
    assert not any(line.startswith("xa-hoi") for line in pages_report_lines(report))
    verbose = pages_report_lines(report, verbose=True)
    assert "xa-hoi: listing skipped (no article text found)" in verbose


def test_each_label_fails_or_passes_by_the_rule(tmp_path):
    """The same page labelled several ways: what is written differently still counts equal."""
    labels = {
        "bus-relabelled": {
            "kind": "article",
            "title": f"▶ « {TITLE.upper()}! »",  # case, symbols, punctuation at the ends: the same
            "body_must": [
                " ".join(STORY[0].split()[:12]).replace(" ", "\n  "),  # spaces differ, still found
                "Tuyến buýt này miễn phí cho người cao tuổi.",  # not on the page: lost
            ],
            "lead": "Hành khách đi tuyến này được mang xe đạp gấp lên xe.",  # not on the page
            "noise_must_not": ["khai thác tuyến buýt điện mới", "Đọc nhiều"],  # the first is story
            "date": "2025-03-17",
            "date_alt": ["2025-03-18"],  # the page's own date, also right
        },
        "bus-misdated": {
            "kind": "article",
            "title": "Hà Nội mở tuyến buýt điện",
            "body_must": [],
            "noise_must_not": [],
            "date": "2025-03-17",
        },
        "bus-as-listing": {"kind": "listing", "title": None, "noise_must_not": [STORY[1]], "date": None},
        "gone": {
            "kind": "article",
            "title": TITLE,
            "body_must": STORY[:1],
            "noise_must_not": [],
            "date": "2025-03-18",
        },
    }
    pages = {name: ARTICLE for name in labels if name != "gone"}
    report = evaluate_pages(labelled_folder(tmp_path / "mixed", labels, pages))

    assert pages_report_lines(report)[-1] == (
        "real pages: titles 1/3, body passages 1/3, noise leaked 1/2, dates 1/3, "
        "listings skipped 0/1, leads in body 0/1"
    )
    failures = [str(failure) for failure in report.failures]
    assert failures[0].startswith("bus-as-listing: listing indexed as an article (")  # its length
    assert failures[1:] == [
        f"bus-misdated: title {TITLE!r}, want 'Hà Nội mở tuyến buýt điện'",
        "bus-misdated: date 2025-03-18, want 2025-03-17",
        "bus-relabelled: lost 'Tuyến buýt này miễn phí cho người cao tuổi.'",
        "bus-relabelled: leaked 'khai thác tuyến buýt điện mới'",
        "bus-relabelled: lead not in body",
        "gone: no article extracted (no such file or folder)",
        f"gone: title None, want {TITLE!r}",
        f"gone: lost {STORY[0][:70]!r}",
        "gone: date None, want 2025-03-18",
    ]
    assert not report.passed


def test_text_is_compared_in_one_form():
    assert norm("  Hoa\u0300 BI\u0301NH\n  Đi\u0323nh ") == "hoà bính định"  # NFC, lower case, spaces
    assert norm(None) == ""
    assert bare(norm("▶ “Hà Nội: mở tuyến buýt!” |")) == "hà nội: mở tuyến buýt"  # ends only
    assert bare("...") == ""


def test_the_command_prints_the_totals_and_fails_on_a_failed_label(runner, passing_folder, tmp_path):
    passed = runner.invoke(main, ["evaluate", "pages", str(passing_folder)])
    assert passed.exit_code == 0, passed.output
    assert passed.output.startswith("real pages: titles 1/1, body passages 3/3,")

    labels = {**PASSING, "bus": {**PASSING["bus"], "date": "2024-01-01"}}
    failing = labelled_folder(tmp_path / "failing", labels, {"bus": ARTICLE, "xa-hoi": LISTING})
    quiet = runner.invoke(main, ["evaluate", "pages", str(failing)])
    assert quiet.exit_code == 1
    assert quiet.output.splitlines() == [
        "real pages: titles 1/1, body passages 3/3, noise leaked 0/4, dates 0/1, "
        "listings skipped 1/1, leads in body 1/1"
    ]
    verbose = runner.invoke(main, ["evaluate", "pages", "-v", str(failing)])
    assert "bus: date 2025-03-18, want 2024-01-01" in verbose.output.splitlines()
    assert verbose.exit_code == 1
