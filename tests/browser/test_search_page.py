"""A reader's path through the real page in Chromium: search without accents, see accented
results highlighted, page through them, open an article; at desktop width and at 360 px."""


def test_search_without_accents_page_through_and_open_an_article(page, live_server, screenshot):
    page.goto(live_server + "/")
    page.fill("#q", "nga")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=nga")

    marks = page.locator(".result mark").all_inner_texts()
    assert "Nga" in marks
    assert page.locator(".summary").inner_text().startswith("4 kết quả")
    assert page.locator(".result").count() == 3
    assert screenshot(page, "results-desktop").stat().st_size > 10_000

    page.click("a[rel=next]")
    page.wait_for_url("**page=2**")
    assert page.locator(".result").count() == 1
    assert page.locator(".pager [aria-current=page]").inner_text() == "2"

    title = page.locator(".result h2 a").first
    heading = title.inner_text()
    title.click()
    assert page.locator("article h1").inner_text() == heading
    assert page.locator("article mark").count() > 0
    screenshot(page, "article-desktop")


def test_accented_results_for_an_unaccented_query(page, live_server):
    page.goto(live_server + "/?q=hop+tac")
    assert page.locator(".result mark").first.inner_text() == "hợp tác"
    assert page.input_value("#q") == "hop tac"


def test_keyboard_reaches_the_search_box_and_results(page, live_server):
    page.goto(live_server + "/?q=hop+tac")
    focused = []
    for _ in range(4):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.id || document.activeElement.tagName"))
    assert "q" in focused
    page.focus("#q")
    page.fill("#q", "ferry")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=ferry**")
    assert page.locator(".result h2").inner_text() == "New ferry route links Hai Phong and Cat Ba"


def test_narrow_screen_has_no_sideways_scroll(open_page, live_server, screenshot):
    page = open_page("phone")
    for url, name in [("/?q=hop+tac", "results-360"), ("/", "home-360")]:
        page.goto(live_server + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (url, width)
        screenshot(page, name)
