"""The page's picture of time (web/timeline.py) and the rough edges of issue #22 part 6: a bar a
month above the results, each a link to its month, named in the page's language; long queries
cut with a notice on the page, in the API and in the CLI; `limit` on the page; the CLI's JSON
with its facets."""

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from search.cli import main
from search.limits import MAX_QUERY_CHARS
from search.query import cut_query
from web import timeline

pytestmark = pytest.mark.usefixtures("engine")  # each test runs on every engine

SONG_HONG = "Báo Sông Hồng"


@pytest.fixture(scope="module")
def news(make_app, news_index_dir):
    """A test client of the page over tests/data/news (8 articles, March and April 2025)."""
    return make_app(INDEX_DIR=news_index_dir, PAGE_SIZE=3).test_client()


def chart_of(html: str) -> str:
    found = re.search(r'<figure class="timeline">.*?</figure>', html, re.S)
    return found.group(0) if found else ""


def bars(html: str) -> list[tuple[str, dict]]:
    """(label, the query of its link) of each bar of the chart."""
    return [
        (
            label,
            {
                name: values[0]
                for name, values in parse_qs(urlsplit(href.replace("&amp;", "&")).query).items()
            },
        )
        for href, label in re.findall(r'<a href="([^"]+)" aria-label="([^"]+)"', chart_of(html))
    ]


def test_the_chart_has_a_bar_a_month_each_a_link_to_its_month(news):
    html = news.get("/", query_string={"q": "ha noi", "site": SONG_HONG}).get_data(as_text=True)
    assert bars(html) == [
        (
            "Tháng 3/2025: 2 kết quả",
            {"q": "ha noi", "site": SONG_HONG, "from": "2025-03-01", "to": "2025-03-31"},
        ),
        (
            "Tháng 4/2025: 3 kết quả",
            {"q": "ha noi", "site": SONG_HONG, "from": "2025-04-01", "to": "2025-04-30"},
        ),
    ]
    chart = chart_of(html)
    assert "<title>Tháng 3/2025: 2 kết quả</title>" in chart and "Số kết quả theo tháng" in chart
    assert "style=" not in chart and "<script" not in chart  # nothing for the CSP to refuse
    english = news.get("/", query_string={"q": "ha noi", "lang": "en"}).get_data(as_text=True)
    assert [label for label, _ in bars(english)] == ["March 2025: 3 results", "April 2025: 5 results"]
    assert "Results by month" in chart_of(english)
    # One month holds every match: no chart (one bar says what the total says).
    filtered = news.get("/?q=ha+noi&from=2025-04-01&to=2025-04-30").get_data(as_text=True)
    assert chart_of(filtered) == "" and "kết quả" in filtered


def test_months_without_a_match_are_empty_slots_and_a_long_span_is_drawn_by_year(news_app_context):
    chart = timeline.timeline({"month": [("2025-04", 6), ("2025-01", 3), ("2024-12", 1)]}, {"q": "x"})
    assert chart["first"] == "Tháng 12/2024" and chart["last"] == "Tháng 4/2025"
    assert [bar["count"] for bar in chart["bars"]] == [1, 3, 6]
    slots = [round(bar["slot"] / chart["step"]) for bar in chart["bars"]]
    assert slots == [0, 1, 4]  # February and March: empty slots
    assert [bar["height"] for bar in chart["bars"]] == [11, 32, timeline.HEIGHT]
    assert chart["width"] >= timeline.MIN_SLOTS * timeline.SLOT
    years = timeline.timeline({"month": [("2025-03", 2), ("2025-01", 1), ("2019-06", 4)]}, {})
    assert (years["first"], years["last"], years["title"]) == ("2019", "2025", "Số kết quả theo năm")
    assert [(bar["count"], bar["label"]) for bar in years["bars"]] == [
        (4, "2019: 4 kết quả"),
        (3, "2025: 3 kết quả"),
    ]
    assert "from=2019-01-01&amp;to=2019-12-31" in years["bars"][0]["href"].replace("&", "&amp;")
    assert timeline.timeline({"month": [("2025-03", 2)]}, {}) is None
    assert timeline.timeline({}, {}) is None


@pytest.fixture
def news_app_context(make_app, news_index_dir):
    app = make_app(INDEX_DIR=news_index_dir)
    with app.test_request_context("/?q=x"):
        yield


def test_a_bar_shows_the_page_in_force_and_its_link_drops_it(news_app_context):
    chart = timeline.timeline(
        {"month": [("2025-02", 1), ("2025-01", 3)]}, {"from": "2025-01-01", "to": "2025-01-31"}
    )
    first, second = chart["bars"]
    assert first["active"] and not second["active"]
    assert "from=" not in first["href"] and "from=2025-02-01" in second["href"]


# -- long queries: cut, and said -------------------------------------------------------------------


def test_a_long_query_is_cut_at_a_word_with_a_notice_on_the_page_and_in_the_api(news):
    long_query = "ha noi " * 200  # 1,400 characters
    data = news.get("/api/search", query_string={"q": long_query, "lang": "en"}).get_json()
    assert data["query"] == cut_query(long_query)[0] and len(data["query"]) <= MAX_QUERY_CHARS
    assert data["query"].endswith("noi")  # not "n": no word is searched half typed
    assert data["notices"][0] == {
        "code": "query_cut",
        "message": "The query is longer than 400 characters: only its beginning is searched.",
        "words": [],
    }
    page = news.get("/", query_string={"q": long_query}).get_data(as_text=True)
    assert "Câu tìm kiếm dài quá 400 ký tự: chỉ phần đầu được tìm." in page
    assert f'value="{data["query"]}"' in page  # the box shows what was searched
    assert cut_query("x" * 5000)[0] == "x" * 400
    assert cut_query("a" * 400) == ("a" * 400, False)


def test_the_cli_cuts_a_long_query_and_says_so(runner, news_index_dir):
    result = runner.invoke(main, ["query", "ha noi " * 200, "--index", str(news_index_dir)])
    assert result.exit_code == 0
    assert "The query is longer than 400 characters: only its beginning is searched." in result.output
    exported = runner.invoke(main, ["query", "ha noi " * 200, "--index", str(news_index_dir), "--jsonl"])
    assert "only its beginning is searched" in exported.output
    assert len([line for line in exported.output.splitlines() if line.startswith("{")]) == 8


# -- the page takes `limit` ------------------------------------------------------------------------


def test_the_page_takes_limit_and_keeps_it_in_its_links(news):
    html = news.get("/?q=ha+noi&limit=5").get_data(as_text=True)
    assert html.count('<li class="result">') == 5
    assert "trang 1/2" in html
    hrefs = [href.replace("&amp;", "&") for href in re.findall(r'href="(/(?:\?|articles/)[^"]*)"', html)]
    search_links = [href for href in hrefs if href.startswith("/?") and "lang=" not in href]
    assert search_links and all("limit=5" in href for href in search_links), search_links
    assert all("limit=5" in href for href in hrefs if href.startswith("/articles/"))
    assert '<input type="hidden" name="limit" value="5">' in html
    feed = re.search(r'<a class="feed" href="([^"]+)"', html).group(1)
    csv = re.search(r'<a class="csv" href="([^"]+)"', html).group(1)
    assert "limit" not in feed and "limit" not in csv
    assert news.get("/?q=ha+noi&limit=5&page=2").get_data(as_text=True).count('<li class="result">') == 3
    for bad in ["0", "101", "x"]:
        assert news.get(f"/?q=ha+noi&limit={bad}").status_code == 400
    default = news.get("/?q=ha+noi&limit=3").get_data(as_text=True)  # the page's own size: not repeated
    assert "limit=" not in default.replace('limit=3&amp;lang=en"', "")  # (the language link keeps the URL)


# -- the CLI's JSON --------------------------------------------------------------------------------


def test_the_cli_json_has_the_facets_with_site_names(runner, news_index_dir):
    result = runner.invoke(main, ["query", "ha noi", "--index", str(news_index_dir), "--json"])
    data = json.loads(result.output)
    assert data["facets"]["site"] == [
        {"value": SONG_HONG, "count": 5},
        {"value": "Tin Phương Nam", "count": 3},
    ]
    assert data["facets"]["month"] == [{"value": "2025-04", "count": 5}, {"value": "2025-03", "count": 3}]
