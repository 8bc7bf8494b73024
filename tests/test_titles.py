"""Headlines: the heading a reader sees, told from logos, sections and kickers by the page's
metadata titles, without the site's name."""

import pytest

from search.corpus import RawDocument
from search.extract import extract

TITLE = "Đà Nẵng có tuyến xe buýt điện ven biển"
STORY = "".join(
    f"<p>{p}</p>"
    for p in [
        "Sáng nay, tuyến xe buýt điện đầu tiên của Đà Nẵng chính thức chạy dọc bờ biển, nối sân bay với khu du lịch.",
        "Theo Sở Giao thông vận tải, mỗi ngày có 40 chuyến, giá vé 8.000 đồng, học sinh được miễn phí.",
    ]
)


def headline(head: str, body: str) -> str:
    html = f"<html><head>{head}</head><body>{body}<div>{STORY}</div></body></html>"
    return extract(RawDocument("site/page.html", html, "html", "utf-8", "h")).title


@pytest.mark.parametrize(
    "head, body, expected",
    [
        # A short headline before the rest of the title: not a section's name.
        ("<title>Bão số 3 - Tin thời tiết mới nhất - Báo Mẫu</title>", "<h1>Bão số 3</h1>", "Bão số 3"),
        # ... but a colon starts a subtitle, not the site's part: the whole title.
        ("<title>Bão số 3: tâm bão vào Quảng Ninh chiều nay</title>", "<h1>Bão số 3</h1>",
         "Bão số 3: tâm bão vào Quảng Ninh chiều nay"),
        # A logo is a link to the home page, however short before a separator.
        ('<title>Mẫu News » Thời sự » Học phí năm nay</title>', '<h1><a href="/">Mẫu News</a></h1><h2>Học phí năm nay</h2>',
         "Học phí năm nay"),
        # A kicker in the heading before the title the metadata gives.
        (f'<meta property="og:title" content="{TITLE}"><title>{TITLE} - Báo Mẫu</title>',
         f"<h1><span>Giao thông</span> {TITLE}</h1>", TITLE),
        # An <h1> that is the metadata title beats an earlier one that is part of another.
        (f'<meta property="og:title" content="{TITLE}"><title>Tin tức - Mẫu</title>',
         f"<h1>Tin tức</h1><h1>{TITLE}</h1>", TITLE),
        # The site's name before the title counts its words, not its separators.
        (f"<title>Báo Mẫu - Thời sự - {TITLE}</title>", f"<h1>{TITLE}</h1>", TITLE),
        # A heading that holds the site's suffix, which og:title lacks.
        (f'<meta property="og:title" content="{TITLE}"><title>{TITLE} | Báo Mẫu</title>',
         f"<h1>{TITLE} | Báo Mẫu</h1>", TITLE),
        # A section's <h1> before the title: another heading that is the title wins.
        (f"<title>Thời sự - {TITLE}</title>", f'<h1 class="cat">Thời sự</h1><h1>{TITLE}</h1>', TITLE),
        (f"<title>Kinh tế - {TITLE}</title>", f"<h1>Kinh tế</h1><h2>{TITLE}</h2>", TITLE),
        # A hyphen that belongs to the title is kept, whatever a shorter metadata title says.
        ('<meta property="og:title" content="Bà Rịa"><title>Bà Rịa - Vũng Tàu mưa lớn kỷ lục - Báo Mẫu</title>',
         "<h1>Bà Rịa - Vũng Tàu mưa lớn kỷ lục</h1>", "Bà Rịa - Vũng Tàu mưa lớn kỷ lục"),
        # "..." and "…" are one punctuation.
        ("<title>Chờ mưa... | Báo Mẫu</title>", "<h1>Chờ mưa…</h1>", "Chờ mưa…"),
    ],
)  # fmt: skip
def test_headline(head, body, expected):
    assert headline(head, body) == expected


def test_a_heading_that_names_the_site_is_not_the_headline():
    head = '<meta property="og:site_name" content="Báo Mẫu"><title>Học phí năm nay | Báo Mẫu</title>'
    assert headline(head, "<h2>Báo Mẫu</h2>") == "Học phí năm nay"
