"""A reader of the news archive (tests/data/news: two sites, dated articles with their original
URLs), at desktop and at phone width, JavaScript off: the filter panel narrows the results and
every link keeps the filters, results show the article (site, date, original) rather than the
file, and each page speaks one language, Vietnamese unless English is asked for."""

import re
from urllib.parse import parse_qs, urlsplit

from tests.browser.language import foreign_phrases

SONG_HONG = "Báo Sông Hồng"
PHUONG_NAM = "Tin Phương Nam"


def params(page) -> dict:
    return {name: values[0] for name, values in parse_qs(urlsplit(page.url).query).items()}


def ui_text(page) -> str:
    """What the page itself says: its text and labels, less the articles' own words."""
    text = page.locator("body").inner_text()
    for selector in [".result h2", ".snippet", ".site", ".facet-site .value", "article p"]:
        for data in page.locator(selector).all_inner_texts():
            text = text.replace(data, " ")
    for attribute in ["placeholder", "aria-label", "title"]:
        for element in page.locator(f"[{attribute}]").all():
            text += "\n" + element.get_attribute(attribute)
    return text


def facet(page, name: str) -> dict:
    return dict(
        zip(
            page.locator(f".facet-{name} .value").all_inner_texts(),
            page.locator(f".facet-{name} .count").all_inner_texts(),
        )
    )


def test_the_filter_panel_narrows_and_page_two_stays_filtered(any_page, news_server, screenshot):
    page = any_page
    page.goto(news_server + "/?q=ha+noi")
    assert page.locator(".summary").inner_text().startswith("8 kết quả")
    assert facet(page, "site") == {SONG_HONG: "5", PHUONG_NAM: "3"}
    assert facet(page, "month") == {"Tháng 4/2025": "5", "Tháng 3/2025": "3"}
    assert page.locator(".active-filters").count() == 0

    page.locator(".facet-site a", has_text=SONG_HONG).click()
    page.wait_for_url("**site=**")
    assert params(page) == {"q": "ha noi", "site": SONG_HONG}
    assert page.locator(".summary").inner_text().startswith("5 kết quả")
    assert page.locator(".result .site").all_inner_texts() == [SONG_HONG] * 3
    assert page.locator(".active-filters .chip").inner_text().startswith(f"Trang báo: {SONG_HONG}")

    page.click("a[rel=next]")
    page.wait_for_url("**page=2**")
    assert params(page) == {"q": "ha noi", "site": SONG_HONG, "page": "2"}
    assert page.locator(".result .site").all_inner_texts() == [SONG_HONG] * 2
    assert page.locator(".pager [aria-current=page]").inner_text() == "2"
    assert page.input_value("#q") == "ha noi"
    assert page.locator(".active-filters .chip").count() == 1
    if page.width == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, f"news-filtered-page-2-{page.width}")

    # A month: from its first day to its last, the site kept, back to page 1.
    page.locator(".facet-month a", has_text="Tháng 4/2025").click()
    page.wait_for_url("**from=**")
    assert params(page) == {"q": "ha noi", "site": SONG_HONG, "from": "2025-04-01", "to": "2025-04-30"}
    dates = [time.get_attribute("datetime") for time in page.locator(".result time").all()]
    assert len(dates) == 3 and all(date.startswith("2025-04-") for date in dates), dates
    assert page.locator(".active-filters .chip").all_inner_texts()[1].startswith("Tháng 4/2025")

    # Removing the site keeps the month.
    page.locator(".active-filters .chip", has_text=SONG_HONG).click()
    page.wait_for_url(re.compile(r"^(?!.*site=).*from=2025-04-01"))
    assert params(page) == {"q": "ha noi", "from": "2025-04-01", "to": "2025-04-30"}
    assert page.locator(".summary").inner_text().startswith("5 kết quả")
    assert facet(page, "site") == {SONG_HONG: "3", PHUONG_NAM: "2"}
    screenshot(page, f"news-month-{page.width}")


def test_a_result_shows_the_article_its_date_and_links_its_original(any_page, news_server):
    page = any_page
    page.goto(news_server + "/?q=buyt+dien+noi+bai")
    first = page.locator(".result").first
    title = "Hà Nội mở thêm tuyến buýt điện nối sân bay Nội Bài"
    assert first.locator("h2").inner_text() == title
    assert first.locator(".site").inner_text() == SONG_HONG
    time = first.locator("time")
    assert time.inner_text() == "18/03/2025 09:45"  # Vietnam time
    assert time.get_attribute("datetime").startswith("2025-03-18T09:45")
    original = first.locator("a.source")
    assert original.inner_text().startswith("Xem bài gốc")
    assert original.get_attribute("href") == "https://songhong.example.vn/buyt-dien-noi-bai.html"
    assert set(original.get_attribute("rel").split()) == {"noopener", "noreferrer"}
    assert "buyt-dien-noi-bai.html" not in first.inner_text()  # the file is not the result

    first.locator("h2 a").click()
    page.wait_for_url("**/articles/**")
    assert page.locator("article h1").inner_text() == title
    assert page.locator("article .meta time").inner_text() == "18/03/2025 09:45"
    assert page.locator("article .meta a.source").get_attribute("href") == (
        "https://songhong.example.vn/buyt-dien-noi-bai.html"
    )
    source = page.locator(".provenance a.url")  # the source's address, not the server's file
    assert source.inner_text() == "https://songhong.example.vn/buyt-dien-noi-bai.html"
    assert page.locator(".provenance .path").count() == 0
    assert "songhong/buyt-dien-noi-bai.html" not in page.locator("body").inner_text()
    page.click(".back a")
    page.wait_for_url("**/?q=buyt**")


def test_the_home_page_lists_the_newest_articles_with_their_dates(any_page, news_server):
    page = any_page
    page.goto(news_server + "/")
    assert page.locator(".welcome h1").inner_text() == "Tin mới nhất"
    assert page.locator(".result h2").first.inner_text() == "Tàu cao tốc đi Côn Đảo tăng chuyến dịp lễ"
    assert page.locator(".result time").all_inner_texts() == [
        "28/04/2025 06:45",
        "21/04/2025 20:00",
        "10/04/2025 16:05",
    ]
    assert facet(page, "site") == {SONG_HONG: "5", PHUONG_NAM: "3"}
    # An empty query with a filter: that site's newest.
    page.locator(".facet-site a", has_text=PHUONG_NAM).click()
    page.wait_for_url("**site=**")
    assert params(page) == {"site": PHUONG_NAM}
    assert page.locator(".result .site").all_inner_texts() == [PHUONG_NAM] * 3
    assert page.locator(".result time").all_inner_texts() == [
        "28/04/2025 06:45",
        "05/04/2025 11:10",
        "12/03/2025 08:00",
    ]


def test_english_page_by_lang_keeps_its_language_on_every_link(any_page, news_server, screenshot):
    page = any_page
    page.goto(news_server + "/?q=ha+noi+kaluga&lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".notice").inner_text() == ("No article has all the words; left out: kaluga")
    assert page.locator(".summary").inner_text().startswith("8 results · page 1 of 3")
    assert page.locator(".result a.source").first.inner_text().startswith("Original article")
    for shown in page.locator(".result time").all_inner_texts():
        assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} 2025, \d\d:\d\d", shown), shown
    assert facet(page, "month") == {"April 2025": "5", "March 2025": "3"}
    assert foreign_phrases(ui_text(page), "en") == []
    links = [a.get_attribute("href") for a in page.locator("a[href^='/']").all()]
    language_switch = page.locator("a.language").get_attribute("href")
    assert "lang=vi" in language_switch
    assert all("lang=en" in href for href in links if href != language_switch), links
    screenshot(page, f"news-english-{page.width}")

    page.locator(".facet-site a", has_text=SONG_HONG).click()
    page.wait_for_url("**site=**")
    assert params(page)["lang"] == "en"
    assert page.locator(".summary").inner_text().startswith("5 results")
    assert page.locator(".active-filters .chip").inner_text().startswith(f"Site: {SONG_HONG}")


def test_vietnamese_page_has_no_english_sentence(any_page, news_server):
    page = any_page
    page.goto(news_server + "/?q=ha+noi+kaluga")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator(".notice").inner_text() == ("Không bài nào có đủ các từ; đã bỏ qua: kaluga")
    assert foreign_phrases(ui_text(page), "vi") == []
    page.goto(news_server + "/?q=ha+noi&site=" + SONG_HONG + "&page=2")
    assert foreign_phrases(ui_text(page), "vi") == []


def test_an_english_browser_gets_english_unless_the_url_says_vi(open_page, news_server):
    page = open_page(locale="en-US")
    page.goto(news_server + "/?q=ha+noi")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".summary").inner_text().startswith("8 results")
    page.click("a.language")
    page.wait_for_url("**lang=vi**")
    assert page.locator(".summary").inner_text().startswith("8 kết quả")
    page.click("a[rel=next]")  # the chosen language sticks
    page.wait_for_url("**page=2**")
    assert page.locator(".summary").inner_text().startswith("8 kết quả")


def test_the_results_offer_their_feed_and_csv_and_every_page_opensearch(any_page, news_server, screenshot):
    page = any_page
    page.goto(news_server + "/?q=ha+noi&site=" + SONG_HONG)
    summary = page.locator(".summary")
    feed, csv = summary.locator("a.feed"), summary.locator("a.csv")
    assert feed.is_visible() and csv.is_visible()
    assert feed.inner_text() == "Theo dõi" and csv.inner_text() == "Tải CSV"
    assert feed.locator("svg").bounding_box()["width"] > 10  # the feed icon is drawn
    viewport = page.viewport_size["width"]
    for link in (feed, csv):
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport, box  # on screen at 360 px too
    assert params_of(feed.get_attribute("href")) == {"q": "ha noi", "site": SONG_HONG}
    assert params_of(csv.get_attribute("href")) == {"q": "ha noi", "site": SONG_HONG}
    alternate = page.locator('head link[rel="alternate"][type="application/atom+xml"]')
    assert alternate.get_attribute("href") == feed.get_attribute("href")
    screenshot(page, f"news-feed-csv-{page.width}")
    for url in ["/", "/?q=ha+noi", "/?q=zzyzx", "/nowhere"]:
        page.goto(news_server + url)
        opensearch = page.locator('head link[rel="search"][type="application/opensearchdescription+xml"]')
        assert opensearch.get_attribute("href") == "/opensearch.xml", url
    page.goto(news_server + "/?q=ha+noi")
    page.locator(".result h2 a").first.click()
    page.wait_for_url("**/articles/**")
    assert page.locator('head link[rel="search"]').get_attribute("href") == "/opensearch.xml"


def params_of(href: str) -> dict:
    return {name: values[0] for name, values in parse_qs(urlsplit(href).query).items()}
