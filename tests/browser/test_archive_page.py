"""What issue #22 added to the page, as a reader sees it in Chromium at 1280 and 360 px with
JavaScript off: a story once with its copies listed beneath it, related articles on the article
page, and the chart of matches per month whose bars filter to their month."""

from urllib.parse import parse_qs, urlsplit

from tests.browser.language import foreign_phrases
from tests.browser.test_news_page import ui_text

SONG_HONG = "Báo Sông Hồng"


def params(url: str) -> dict:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def fits(page, locator) -> None:
    """`locator` is on screen, inside the viewport's width."""
    box = locator.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"] + 0.5, box


def test_a_story_is_shown_once_with_its_copies_beneath_it(any_page, stories_server, screenshot):
    page = any_page
    base, title = stories_server
    words = " ".join(title.split()[:3])
    page.goto(base + "/?q=" + words)
    story = page.locator(".result", has=page.locator(f"h2 >> text={title}")).first
    assert story.locator("h2").inner_text() == title
    copies = story.locator("details.copies")
    summary = copies.locator("summary")
    assert summary.inner_text() == "3 bản khác của tin này"
    assert not copies.locator("li").first.is_visible()  # folded until clicked
    summary.click()
    listed = copies.locator("li")
    assert listed.count() == 3 and listed.first.is_visible()
    assert sorted(copies.locator(".site").all_inner_texts()) == ["baomau.com.vn", "nhanh.vn", "thoisu.net"]
    assert copies.locator("time").all_inner_texts() == ["11/01/2025", "12/01/2025", "13/01/2025"]
    fits(page, listed.last)
    if page.width == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, f"story-copies-{page.width}")
    # A copy opens its own article page.
    copy_title = listed.first.locator("a").inner_text()
    listed.first.locator("a").click()
    page.wait_for_url("**/articles/**")
    assert page.locator("article h1").inner_text() == copy_title


def test_the_article_page_lists_related_articles_not_its_own_copies(any_page, stories_server, screenshot):
    page = any_page
    base, title = stories_server
    page.goto(base + "/?q=" + " ".join(title.split()[:3]))
    page.locator(".result h2 a", has_text=title).first.click()
    page.wait_for_url("**/articles/**")
    related = page.locator("section.related")
    assert related.locator("h2").inner_text() == "Bài liên quan"
    items = related.locator("li")
    assert 1 <= items.count() <= 5
    shown = items.locator("a").all_inner_texts()
    assert not [text for text in shown if text.startswith(title)], shown  # its copies are not "related"
    fits(page, items.first)
    if page.width == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, f"article-related-{page.width}")
    first = shown[0]
    items.first.locator("a").click()
    page.wait_for_url("**/articles/**")
    assert page.locator("article h1").inner_text() == first


def test_the_chart_shows_the_matches_per_month_and_a_bar_filters_to_its_month(
    any_page, news_server, screenshot
):
    page = any_page
    page.goto(news_server + "/?q=ha+noi&site=" + SONG_HONG)
    chart = page.locator(".timeline")
    assert chart.locator("figcaption").inner_text() == "Số kết quả theo tháng"
    bars = chart.locator("a")
    assert [bar.get_attribute("aria-label") for bar in bars.all()] == [
        "Tháng 3/2025: 2 kết quả",
        "Tháng 4/2025: 3 kết quả",
    ]
    assert chart.locator("a title").all_text_contents() == [
        "Tháng 3/2025: 2 kết quả",
        "Tháng 4/2025: 3 kết quả",
    ]
    heights = [bar.locator("rect.bar").bounding_box()["height"] for bar in bars.all()]
    assert heights[0] < heights[1] and heights[0] > 10  # 2 and 3, drawn to scale
    fits(page, chart.locator("svg"))
    assert chart.locator(".range span").all_inner_texts() == ["Tháng 3/2025", "Tháng 4/2025"]
    for bar, name in zip(bars.all(), chart.locator(".range span").all()):  # each month beneath its bar
        drawn, named = bar.locator("rect.bar").bounding_box(), name.bounding_box()
        assert abs(drawn["x"] + drawn["width"] / 2 - named["x"] - named["width"] / 2) < 3
    assert foreign_phrases(ui_text(page), "vi") == []
    if page.width == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, f"chart-{page.width}")

    bars.first.click()  # March
    page.wait_for_url("**from=**")
    assert params(page.url) == {"q": "ha noi", "site": SONG_HONG, "from": "2025-03-01", "to": "2025-03-31"}
    assert page.locator(".summary").inner_text().startswith("2 kết quả")
    assert page.locator(".active-filters .chip").all_inner_texts()[1].startswith("Tháng 3/2025")
    assert page.locator(".timeline").count() == 0  # one month: the total says it all


def test_the_chart_in_english(open_page, news_server):
    page = open_page("phone", locale="en-US")
    page.goto(news_server + "/?q=ha+noi")
    chart = page.locator(".timeline")
    assert chart.locator("figcaption").inner_text() == "Results by month"
    labels = [bar.get_attribute("aria-label") for bar in chart.locator("a").all()]
    assert labels == ["March 2025: 3 results", "April 2025: 5 results"]
    assert foreign_phrases(ui_text(page), "en") == []
