"""Every route of the web app through Flask's test client, with odd input; the filters and
the links that keep them, the message catalogue (Vietnamese, or English when asked), the
article rather than the file in the results, and the API's conventions."""

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from search import query
from tests.browser.language import foreign_phrases
from web import arguments, facets, i18n

pytestmark = pytest.mark.usefixtures("engine")  # each test runs on every engine

SONG_HONG = "Báo Sông Hồng"
PHUONG_NAM = "Tin Phương Nam"
ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}


@pytest.fixture(scope="module")
def news_app(make_app, news_index_dir):
    """The app over tests/data/news alone (news_index_dir), two results a page."""
    return make_app(INDEX_DIR=news_index_dir, PAGE_SIZE=2)


@pytest.fixture
def news(news_app):
    """A test client of news_app."""
    return news_app.test_client()


def links(html: str) -> list[dict]:
    """The query parameters of every search-page link of a page."""
    found = []
    for href in re.findall(r'href="(/\?[^"]*)"', html):
        query_string = urlsplit(href.replace("&amp;", "&")).query
        found.append({name: values[0] for name, values in parse_qs(query_string).items()})
    return found


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html).replace("&amp;", "&").replace("&#34;", '"')


def test_empty_query_shows_corpus_figures(client, corpus_dir):
    page = client.get("/").get_data(as_text=True)
    from search.sources.folders import find_files

    pages = len(find_files([corpus_dir])[0])
    assert f"Chỉ mục có <strong>{pages}</strong> bài viết" in page
    assert "autofocus" in page
    # ... above the newest articles of the archive, with the filter panel.
    assert "<h1>Tin mới nhất</h1>" in page and page.count('class="result"') == 10
    assert 'class="facets"' in page and "Báo Kinh Tế Mẫu" in page


def test_unaccented_query_shows_highlighted_accented_results(client):
    page = client.get("/?q=hop+tac").get_data(as_text=True)
    assert 'value="hop tac"' in page  # the box keeps the query
    assert "<mark>hợp tác</mark>" in page
    assert "3 kết quả" in page and "/articles/" in page


def test_results_show_site_and_date_when_known(client):
    page = client.get("/?q=gia+vang").get_data(as_text=True)
    assert "Báo Kinh Tế Mẫu" in page and "04/03/2025 08:15" in page
    # The article, not the file: its original is linked, its path is not shown.
    assert (
        '<a class="source" href="https://kinhtemau.vn/gia-vang-hom-nay-123.html" '
        'rel="noopener noreferrer">Xem bài gốc</a>'
    ) in page
    assert "gia-vang.html" not in page


def test_pagination_links(make_app):
    client = make_app(PAGE_SIZE=2).test_client()
    first = client.get("/?q=nga").get_data(as_text=True)
    assert first.count('class="result"') == 2 and 'rel="next"' in first
    second = client.get("/?q=nga&page=2").get_data(as_text=True)
    assert 'rel="prev"' in second and 'aria-current="page">2<' in second
    assert '<ol class="results" start="3">' in second
    assert 'rel="next"' not in second


def test_no_results_state(client):
    page = client.get("/?q=Kaluga")
    assert page.status_code == 200
    assert "Không tìm thấy kết quả cho “Kaluga”" in page.get_data(as_text=True)


def test_article_page_highlights_the_query_and_links_the_original(client):
    hit = client.get("/api/search?q=gia+vang").get_json()["results"][0]
    page = client.get(f"/articles/{hit['id']}?q=gia+vang").get_data(as_text=True)
    assert "<mark>Giá vàng</mark> hôm nay" in page
    assert 'href="https://kinhtemau.vn/gia-vang-hom-nay-123.html"' in page
    assert "Chú thích ảnh" in page and "Minh Anh" in page


def test_api_search_has_the_cli_shape(client):
    data = client.get("/api/search?q=h%E1%BB%A3p+t%C3%A1c&limit=2").get_json()
    assert set(data) >= {"query", "total", "page", "pages", "took_ms", "results"}
    assert data["query"] == "hợp tác" and data["total"] == 3 and len(data["results"]) == 2
    assert set(data["results"][0]) >= {"path", "title", "score", "snippet", "id"}


def test_api_article_and_unknown_ids(client):
    hit = client.get("/api/search?q=ferry").get_json()["results"][0]
    article = client.get(f"/api/articles/{hit['id']}").get_json()
    assert article["title"] == "New ferry route links Hai Phong and Cat Ba"
    assert article["date"] == "2024-06-18T00:00:00+07:00"  # Vietnam time, whatever the engine
    for unknown in ["000000000000", "nope", "..%2F..%2Fetc"]:
        response = client.get(f"/api/articles/{unknown}")
        assert response.status_code == 404 and response.get_json()["error"]["status"] == 404
        assert response.get_json()["error"]["code"] == (
            "not_found" if "%2F" in unknown else "no_such_article"
        )  # (no such route)
    assert client.get("/articles/000000000000").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/?q=a&page=0",
        "/?q=a&page=-1",
        "/?q=a&page=abc",
        "/?q=a&page=1001",
        "/?q=a&page=99999999999999999999",
        "/api/search?q=a&limit=0",
        "/api/search?q=a&limit=101",
        "/api/search?q=a&sort=random",
        "/api/search?q=a&from=yesterday",
    ],
)
def test_nonsense_parameters_are_400_not_500(client, url):
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        error = response.get_json()["error"]
        assert error["message"] and error["code"] in {"bad_number", "bad_sort", "bad_date"}
    else:
        code = re.search(r'class="error" role="alert" data-code="(\w+)"', response.get_data(as_text=True))
        assert code and code.group(1) in {"bad_number", "too_deep"}


@pytest.mark.parametrize("q", ["AND OR (", '"', "-", "title:", "*", "\x00", "🙂", "<script>"])
def test_odd_queries_answer(client, q):
    assert client.get("/", query_string={"q": q}).status_code == 200
    answer = client.get("/api/search", query_string={"q": q})
    assert answer.status_code == 200 and set(answer.get_json()["facets"]) == {"site", "month"}


def test_query_and_document_text_is_escaped(client):
    page = client.get("/", query_string={"q": "<script>alert(1)</script>"}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_security_headers(client):
    response = client.get("/?q=hop+tac")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script" not in response.get_data(as_text=True)


def test_opensearch_description(client):
    response = client.get("/opensearch.xml")
    assert response.content_type.startswith("application/opensearchdescription+xml")
    assert "?q={searchTerms}" in response.get_data(as_text=True)


def test_every_page_offers_the_opensearch_description(client, searcher):
    article = query.search(searcher, "hop tac").results[0].id
    link = '<link rel="search" type="application/opensearchdescription+xml" title="Tìm tin"'
    for url in ["/", "/?q=hop+tac", "/?q=zzyzx", f"/articles/{article}", "/nowhere", "/?page=x"]:
        html = client.get(url).get_data(as_text=True)
        head = html.split("</head>")[0]
        assert link in head and 'href="/opensearch.xml"' in head, url


def test_missing_index_page_says_how_to_build_one(make_app, tmp_path):
    client = make_app(INDEX_DIR=tmp_path / "none").test_client()
    page = client.get("/?q=x")
    assert page.status_code == 503
    html = page.get_data(as_text=True)
    command = f"search index --index {tmp_path / 'none'}"
    # One command, in the page's language.
    assert f"Trong thư mục dự án, chạy <code>{command}</code> rồi tải lại trang." in html
    assert html.count("search index") == 1 and 'data-code="no_index"' in html
    english = client.get("/?q=x&lang=en").get_data(as_text=True)
    assert f"In the project folder, run <code>{command}</code>, then reload this page." in english
    api = client.get("/api/search?q=x")
    assert api.status_code == 503 and "search index" in api.get_json()["error"]["message"]
    assert api.get_json()["error"]["code"] == "no_index"


def test_a_damaged_index_says_how_to_rebuild_it(make_app, tmp_path):
    (tmp_path / "ix").mkdir()
    (tmp_path / "ix" / "CURRENT").write_text("gen-gone")
    client = make_app(INDEX_DIR=tmp_path / "ix").test_client()
    error = client.get("/api/search?q=x", headers=ENGLISH).get_json()["error"]
    assert error["code"] == "index_damaged"
    assert f"search index --rebuild --index {tmp_path / 'ix'}" in error["message"]


def test_a_rebuild_is_picked_up_without_restart(build, make_app):
    from search.index import build_index
    from tests.paths import DATA

    index_dir = build(DATA / "en")
    client = make_app(INDEX_DIR=index_dir).test_client()
    assert client.get("/api/search?q=ferry").get_json()["total"] == 1
    build_index([DATA / "vi"], index_dir)
    assert client.get("/api/search?q=ferry").get_json()["total"] == 0
    assert client.get("/api/search?q=vang").get_json()["total"] >= 1


def test_a_document_quoting_script_shows_it_as_text(make_app, quoting_index_dir):
    client = make_app(INDEX_DIR=quoting_index_dir).test_client()  # a page quoting <script>, <img>
    results = client.get("/?q=ma+doc").get_data(as_text=True)
    assert "<script>" not in results and "&lt;script&gt;" in results
    doc_id = client.get("/api/search?q=ma+doc").get_json()["results"][0]["id"]
    article = client.get(f"/articles/{doc_id}?q=script").get_data(as_text=True)
    assert "<script>" not in article and "<img" not in article
    assert "&lt;<mark>script</mark>&gt;alert(1)" in article


def test_an_update_in_place_is_picked_up_without_restart(build, make_app, tmp_path):
    import shutil

    from search.index import index_corpus
    from tests.paths import DATA

    shutil.copytree(DATA / "en", tmp_path / "corpus")
    index_dir = build(tmp_path / "corpus")
    client = make_app(INDEX_DIR=index_dir).test_client()
    assert client.get("/api/search?q=ferry").get_json()["total"] == 1
    (tmp_path / "corpus" / "ferry.html").unlink()
    assert not index_corpus([tmp_path / "corpus"], index_dir).rebuilt
    assert client.get("/api/search?q=ferry").get_json()["total"] == 0


# -- facets and filters ----------------------------------------------------------------------------


def test_facets_count_sites_and_months_in_the_json(news):
    data = news.get("/api/search?q=ha+noi").get_json()
    assert data["facets"] == {
        "site": [{"value": SONG_HONG, "count": 5}, {"value": PHUONG_NAM, "count": 3}],
        "month": [{"value": "2025-04", "count": 5}, {"value": "2025-03", "count": 3}],
    }
    filtered = news.get("/api/search", query_string={"q": "ha noi", "site": PHUONG_NAM}).get_json()
    assert filtered["total"] == 3
    assert filtered["facets"]["month"] == [{"value": "2025-04", "count": 2}, {"value": "2025-03", "count": 1}]


def test_the_filter_panel_links_set_a_site_or_a_whole_month(news):
    page = news.get("/?q=ha+noi").get_data(as_text=True)
    assert '<aside class="facets' in page
    panel = links(page[page.index('<aside class="facets') : page.index("</aside>")])
    assert {"q": "ha noi", "site": SONG_HONG} in panel
    assert {"q": "ha noi", "from": "2025-04-01", "to": "2025-04-30"} in panel
    assert {"q": "ha noi", "from": "2025-03-01", "to": "2025-03-31"} in panel
    assert "Tháng 4/2025" in page


def test_every_link_of_a_results_page_keeps_the_other_filters(news):
    state = {
        "q": "thanh pho ha nio",  # a typo: "did you mean" shows
        "site": SONG_HONG,
        "from": "2025-03-01",
        "to": "2025-04-30",
        "sort": "date",
        "lang": "en",
    }
    page = news.get("/", query_string=state).get_data(as_text=True)
    assert "Did you mean:" in page
    found = links(page)
    others = {name: value for name, value in state.items() if name != "q"}
    # "did you mean": the suggestion, every filter kept
    assert {**others, "q": "thành phố hà nội"} in found
    # pages
    assert {**state, "page": "2"} in found
    # sort
    assert {name: value for name, value in state.items() if name != "sort"} in found
    # articles carry the state too (their back link returns to it)
    article = re.search(r'href="/articles/\w+\?([^"]+)"', page).group(1).replace("&amp;", "&")
    assert {name: values[0] for name, values in parse_qs(article).items()} == state
    # Every search-page link keeps the language; but the one to the other language, and
    # the brand's link home, keep the query too, or change only what they are about.
    for params in found:
        assert params.get("lang") in ("en", "vi"), params
    # ... and the search box keeps the filters when a new query is typed.
    for name, value in others.items():
        assert f'<input type="hidden" name="{name}" value="{value}">' in page


def test_active_filters_are_shown_and_each_can_be_removed(news):
    state = {"q": "ha noi", "site": SONG_HONG, "from": "2025-04-01", "to": "2025-04-30"}
    page = news.get("/", query_string=state).get_data(as_text=True)
    bar = page[page.index('class="active-filters"') : page.index("</nav>")]
    assert f"Trang báo: {SONG_HONG}" in bar and "Tháng 4/2025" in bar
    removals = links(bar)
    assert {"q": "ha noi", "from": "2025-04-01", "to": "2025-04-30"} in removals  # site dropped
    assert {"q": "ha noi", "site": SONG_HONG} in removals  # the month dropped
    assert {"q": "ha noi"} in removals  # all
    # A range that is no whole month: "from" and "to" removable one by one.
    page = news.get("/", query_string={"q": "ha noi", "from": "2025-03-20", "to": "2025-04-05"}).get_data(
        as_text=True
    )
    bar = page[page.index('class="active-filters"') : page.index("</nav>")]
    assert "Từ 20/03/2025" in bar and "Đến 05/04/2025" in bar
    assert {"q": "ha noi", "to": "2025-04-05"} in links(bar)
    assert {"q": "ha noi", "from": "2025-03-20"} in links(bar)


def test_a_filtered_page_two_stays_filtered(news):
    first = news.get("/", query_string={"q": "ha noi", "site": SONG_HONG}).get_data(as_text=True)
    next_link = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = news.get(next_link).get_data(as_text=True)
    assert re.findall(r'<span class="site">([^<]+)</span>', second) == [SONG_HONG] * 2
    assert "5 kết quả · trang 2/3" in second


def test_month_bounds_are_its_first_and_last_day():
    assert facets.month_bounds(datetime(2024, 2, 1).date()) == ("2024-02-01", "2024-02-29")
    assert facets.month_bounds(datetime(2025, 12, 1).date()) == ("2025-12-01", "2025-12-31")
    assert facets.month_bounds(datetime(2023, 1, 1).date(), 12) == ("2023-01-01", "2023-12-31")


def test_older_months_are_grouped_by_year_and_many_sites_fold(news, monkeypatch):
    real = query.search

    def many(*args, **kwargs):
        page = real(*args, **kwargs)
        page.facets = {
            "site": [(f"site{n}", 20 - n) for n in range(14)],
            "month": [(f"{2025 - n // 12}-{12 - n % 12:02}", 1) for n in range(30)],
        }
        return page

    monkeypatch.setattr(query, "search", many)
    page = news.get("/?q=ha+noi&lang=en").get_data(as_text=True)
    panel = page[page.index('<aside class="facets') : page.index("</aside>")]
    assert panel.count("December 2025") == 1 and "January 2025" in panel
    assert "December 2024" not in panel  # the 13th month on: by year
    assert {"q": "ha noi", "lang": "en", "from": "2024-01-01", "to": "2024-12-31"} in links(panel)
    assert re.search(r'2023</span> <span class="count">6<', panel)
    assert "<summary>4 more</summary>" in panel and "site13" in panel


def test_a_day_as_to_includes_that_whole_day(news):
    day = news.get("/api/search?q=&from=2025-03-18&to=2025-03-18").get_json()
    assert [hit["title"] for hit in day["results"]] == ["Hà Nội mở thêm tuyến buýt điện nối sân bay Nội Bài"]


def test_an_empty_query_lists_the_newest_articles_of_the_filters(news):
    data = news.get("/api/search", query_string={"site": PHUONG_NAM}).get_json()
    dates = [hit["date"] for hit in data["results"]]
    assert data["total"] == 3 and dates == sorted(dates, reverse=True)
    assert {hit["site"] for hit in data["results"]} == {PHUONG_NAM}
    page = news.get("/", query_string={"site": PHUONG_NAM}).get_data(as_text=True)
    assert "<h1>Tin mới nhất</h1>" in page and page.count('class="result"') == 2
    assert "Chỉ mục có" not in page  # (the figures are the home page's)
    assert "Sắp xếp" not in page  # newest first: no relevance to sort by


# -- the message catalogue -------------------------------------------------------------------------


def test_the_catalogue_translates_every_message_of_the_app():
    from babel.messages.extract import extract_from_dir

    root = Path(__file__).resolve().parent.parent
    method_map = [  # web/babel.cfg's
        ("web/**.py", "python"),
        ("web/templates/**.html", "jinja2"),
        ("web/templates/**.xml", "jinja2"),
    ]
    options = {"web/templates/**.html": {"trimmed": "true"}, "web/templates/**.xml": {"trimmed": "true"}}

    def in_web(folder: str) -> bool:  # only web/ can match: no walk through .venv/ and the rest
        return Path(folder).relative_to(root).parts[0] == "web"

    used = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(root, method_map, options, directory_filter=in_web)
    }
    catalogue = {(m.id if isinstance(m.id, str) else m.id[0]): m for m in i18n.messages("vi")}
    assert used and set(catalogue) == used  # none missing, none left over
    placeholder = re.compile(r"%\(\w+\)s")
    for msgid, message in catalogue.items():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings) and "fuzzy" not in message.flags, msgid
        for string in strings:
            assert sorted(placeholder.findall(string)) == sorted(placeholder.findall(msgid)), msgid


@pytest.mark.parametrize(
    "header, language",
    [
        (None, "vi"),
        ("vi-VN,vi;q=0.9,en;q=0.8", "vi"),
        ("en-US,en;q=0.9,vi;q=0.8", "en"),
        ("en", "en"),
        ("fr-FR,fr;q=0.9", "vi"),
        ("fr,en;q=0.5", "en"),
        ("en;q=0.2,vi;q=0.5", "vi"),
    ],
)
def test_the_language_follows_accept_language(news, header, language):
    response = news.get("/?q=ha+noi", headers={"Accept-Language": header} if header else {})
    assert response.headers["Content-Language"] == language
    assert "Accept-Language" in response.headers["Vary"]
    assert f'<html lang="{language}">' in response.get_data(as_text=True)


def test_lang_in_the_url_wins_and_is_kept(news):
    page = news.get("/?q=ha+noi&lang=en", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert '<html lang="en">' in page and "8 results · page 1 of 4" in page
    page = news.get("/?q=ha+noi&lang=vi", headers=ENGLISH).get_data(as_text=True)
    assert '<html lang="vi">' in page and "8 kết quả · trang 1/4" in page
    assert news.get("/?q=ha+noi&lang=fr").headers["Content-Language"] == "vi"  # unknown: ignored


@pytest.mark.parametrize(
    "q, code, vietnamese, english",
    [
        (
            "ha noi kaluga",
            "all_but_one",
            "Không bài nào có đủ các từ; đã bỏ qua: kaluga",
            "No article has all the words; left out: kaluga",
        ),
        (
            "*",
            "nothing_to_search",
            "Không có gì để tìm: hãy gõ một từ.",
            "Nothing to search for: type a word.",
        ),
        (
            " ".join(f"w{n}" for n in range(34)),
            "words_dropped",
            "Chỉ tìm 32 từ đầu tiên (và 16 tiền tố*); bỏ qua: w32 w33",
            "Only the first 32 words (and 16 prefixes*) are searched; left out: w32 w33",
        ),
    ],
)
def test_notices_are_translated_by_code(news, q, code, vietnamese, english):
    vi = news.get("/api/search", query_string={"q": q}).get_json()["notices"]
    en = news.get("/api/search", query_string={"q": q, "lang": "en"}).get_json()["notices"]
    assert [n["code"] for n in vi] == [code] and vi[0]["message"] == vietnamese
    assert [n["code"] for n in en] == [code] and en[0]["message"] == english
    assert vietnamese in news.get("/", query_string={"q": q}).get_data(as_text=True)
    assert english in news.get("/", query_string={"q": q}, headers=ENGLISH).get_data(as_text=True)


def test_dates_the_wrong_way_round_are_swapped_and_said_so(news):
    swapped = news.get("/api/search", query_string={"q": "ha noi", "from": "2025-12-31", "to": "2025-01-01"})
    right = news.get("/api/search", query_string={"q": "ha noi", "from": "2025-01-01", "to": "2025-12-31"})
    assert swapped.get_json()["total"] == right.get_json()["total"] > 0
    assert [n["code"] for n in swapped.get_json()["notices"]] == ["dates_swapped"]
    assert (
        swapped.get_json()["notices"][0]["message"] == "Ngày bắt đầu sau ngày kết thúc: đã đổi chỗ hai ngày."
    )


def test_an_unknown_notice_code_shows_the_library_text(news, monkeypatch):
    real = query.search

    def with_new_notice(*args, **kwargs):
        page = real(*args, **kwargs)
        page.notices.append(query.Notice("brand_new", "Something new."))
        return page

    monkeypatch.setattr(query, "search", with_new_notice)
    assert news.get("/api/search?q=ha+noi").get_json()["notices"][0]["message"] == "Something new."


def test_plurals_in_english_none_in_vietnamese(client):
    assert "1 result · page 1 of 1" in client.get("/?q=gia+vang&lang=en").get_data(as_text=True)
    assert "3 results · page 1 of 1" in client.get("/?q=hop+tac&lang=en").get_data(as_text=True)
    assert "1 kết quả · trang 1/1" in client.get("/?q=gia+vang").get_data(as_text=True)


def test_the_index_figures_in_english_singular_and_plural(make_app, quoting_index_dir, news):
    one = make_app(INDEX_DIR=quoting_index_dir).test_client()  # one article
    assert "The index holds <strong>1</strong> article, updated" in one.get("/?lang=en").get_data(
        as_text=True
    )
    assert "The index holds <strong>8</strong> articles, updated" in news.get("/?lang=en").get_data(
        as_text=True
    )


def test_numbers_are_formatted_per_language(news):
    app = news.application
    with app.test_request_context("/?lang=en"):
        assert i18n.number(1234567) == "1,234,567"
    with app.test_request_context("/"):
        assert i18n.number(1234567) == "1.234.567"
    too_deep = "/api/search?q=ha+noi&page=1001"
    assert "1,000th" in news.get(too_deep + "&lang=en").get_json()["error"]["message"]
    assert "thứ 1.000" in news.get(too_deep).get_json()["error"]["message"]


def test_pages_speak_one_language(news):
    for url in [
        "/",
        "/?q=ha+noi+kaluga",
        "/?q=ha+nio&site=" + SONG_HONG,
        "/?q=Kaluga",
        "/?q=ha+noi&page=9",
        "/nowhere",
        "/?q=a&page=0",
    ]:
        for lang in ("vi", "en"):
            html = news.get(url + ("&" if "?" in url else "?") + f"lang={lang}").get_data(as_text=True)
            html = re.sub(
                r'<(ol class="results"|a class="language").*?</(ol|a)>', " ", html, flags=re.S
            )  # the articles' own words; the other language's name
            html = re.sub(r'<span class="value">[^<]*</span>', " ", html)  # site names
            assert foreign_phrases(text_of(html), lang) == [], (url, lang)


def test_error_pages_and_api_errors_have_a_code_and_a_translated_message(news):
    cases = [
        (
            "/api/search?q=a&page=0",
            400,
            "bad_number",
            "page phải là số nguyên, từ 1 trở lên",
            "page must be a whole number, 1 or more",
        ),
        (
            "/api/search?q=a&limit=101",
            400,
            "bad_number",
            "limit phải là số nguyên từ 1 đến 100",
            "limit must be a whole number from 1 to 100",
        ),
        (
            "/api/search?q=a&sort=x",
            400,
            "bad_sort",
            "sort phải là một trong: relevance, date",
            "sort must be one of: relevance, date",
        ),
        (
            "/api/search?q=a&from=x",
            400,
            "bad_date",
            "from phải là một ngày dạng 2025-03-31",
            "from must be a date like 2025-03-31",
        ),
        (
            "/api/nowhere",
            404,
            "not_found",
            "Không có trang nào ở địa chỉ này.",
            "There is no page at this address.",
        ),
        (
            "/api/articles/000000000000",
            404,
            "no_such_article",
            "Không có bài nào mang mã 000000000000.",
            "There is no article with the id 000000000000.",
        ),
    ]
    for url, status, code, vietnamese, english in cases:
        vi = news.get(url)
        assert vi.status_code == status
        assert vi.get_json() == {"error": {"code": code, "status": status, "message": vietnamese}}
        assert news.get(url, headers=ENGLISH).get_json()["error"]["message"] == english
        html = news.get(url.replace("/api/search", "/").replace("/api/", "/"), headers=ENGLISH)
        if html.status_code == status:
            page = html.get_data(as_text=True)
            assert f'data-code="{code}"' in page and "Error code: <code>" in page
    post = news.post("/api/search?q=a")
    assert post.status_code == 405 and post.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in post.headers["Allow"]


# -- the results: the article, not the file --------------------------------------------------------


def test_dates_are_shown_in_vietnam_time(news, monkeypatch):
    real = query.search

    def aware(*args, **kwargs):
        page = real(*args, **kwargs)
        for hit in page.results:
            hit.date = datetime(2025, 3, 18, 2, 45, tzinfo=UTC)
        return page

    shown = '<time datetime="2025-03-18T09:45:00+07:00">18/03/2025 09:45</time>'
    assert shown in news.get("/?q=buyt+dien+noi+bai").get_data(as_text=True)
    # The API's dates are Vietnam time too, whatever the engine keeps (Whoosh: UTC).
    hit = news.get("/api/search?q=buyt+dien+noi+bai").get_json()["results"][0]
    assert hit["date"] == "2025-03-18T09:45:00+07:00"
    monkeypatch.setattr(query, "search", aware)  # 02:45 UTC
    page = news.get("/?q=buyt+dien+noi+bai").get_data(as_text=True)
    assert '<time datetime="2025-03-18T09:45:00+07:00">18/03/2025 09:45</time>' in page
    english = news.get("/?q=buyt+dien+noi+bai&lang=en").get_data(as_text=True)
    assert ">18 Mar 2025, 09:45</time>" in english
    with news.application.test_request_context("/"):
        late = datetime(2025, 3, 31, 20, 30, tzinfo=timezone(timedelta(hours=-5)))
        assert i18n.when(late) == "01/04/2025 08:30"
        assert i18n.when(datetime(2024, 6, 18)) == "18/06/2024"  # a day without its time
        naive = datetime(2025, 3, 18, 9, 45)  # taken as Vietnam time, as the library does
        assert (i18n.when(naive), i18n.iso_vietnam(naive)) == (
            "18/03/2025 09:45",
            "2025-03-18T09:45:00+07:00",
        )


@pytest.mark.parametrize(
    "url, linked",
    [
        ("https://songhong.example.vn/a.html", True),
        ("http://phuongnam.example.vn/b", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("ftp://x.vn/a", False),
        ("data:text/html,hi", False),
        ("//evil.example/a", False),
        ("https://", False),
        ("https://x.vn/a b", False),
        ("/relative", False),
        (None, False),
    ],
)
def test_only_http_originals_are_linked(news, monkeypatch, url, linked):
    real = query.search

    def with_url(*args, **kwargs):
        page = real(*args, **kwargs)
        for hit in page.results:
            hit.url = url
        return page

    monkeypatch.setattr(query, "search", with_url)
    page = news.get("/?q=buyt+dien+noi+bai").get_data(as_text=True)
    assert ('class="source"' in page) is linked
    if linked:
        assert f'<a class="source" href="{url}" rel="noopener noreferrer">Xem bài gốc</a>' in page


def test_the_article_page_shows_the_source_url_not_the_servers_file(news):
    hit = news.get("/api/search?q=buyt+dien+noi+bai").get_json()["results"][0]
    assert hit["path"].endswith("songhong/buyt-dien-noi-bai.html")  # the JSON has the path
    page = news.get(f"/articles/{hit['id']}?q=buyt&site={SONG_HONG}&lang=en").get_data(as_text=True)
    assert "buyt-dien-noi-bai.html</a>" in page and "songhong/buyt-dien-noi-bai.html" not in page
    assert 'class="path"' not in page and hit["path"] not in page
    assert 'href="https://songhong.example.vn/buyt-dien-noi-bai.html" rel="noopener noreferrer"' in page
    assert "Source: <a" in page
    assert ">18 Mar 2025, 09:45</time>" in page
    back = re.search(r'<p class="back"><a href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(back).query) == {"q": ["buyt"], "site": [SONG_HONG], "lang": ["en"]}


# -- the API ---------------------------------------------------------------------------------------


def test_api_echoes_limit_and_offset_and_takes_an_offset(news):
    by_page = news.get("/api/search?q=ha+noi&limit=3&page=2").get_json()
    by_offset = news.get("/api/search?q=ha+noi&limit=3&offset=3").get_json()
    assert (by_page["limit"], by_page["offset"], by_page["page"]) == (3, 3, 2)
    assert (by_offset["limit"], by_offset["offset"], by_offset["page"]) == (3, 3, 2)
    assert [h["id"] for h in by_offset["results"]] == [h["id"] for h in by_page["results"]]
    first = news.get("/api/search?q=ha+noi").get_json()
    assert (first["limit"], first["offset"], first["page"]) == (10, 0, 1)
    assert first["total"] == 8 and first["total_relation"] == "eq"
    assert news.get("/api/search?q=ha+noi&limit=3&offset=3&page=2").status_code == 200
    for url, code in [
        ("/api/search?q=ha+noi&limit=3&offset=4", "bad_offset"),
        ("/api/search?q=ha+noi&limit=3&offset=3&page=1", "page_and_offset"),
        ("/api/search?q=ha+noi&offset=-10", "bad_number"),
        ("/api/search?q=ha+noi&offset=1000", "too_deep"),
    ]:
        response = news.get(url)
        assert response.status_code == 400 and response.get_json()["error"]["code"] == code, url


def test_api_fields_choose_what_each_result_holds(news):
    data = news.get("/api/search?q=ha+noi&fields=title,url,date").get_json()
    assert data["results"] and all(set(hit) == {"title", "url", "date"} for hit in data["results"])
    assert all(hit["url"].startswith("http") and hit["date"] for hit in data["results"])
    assert set(news.get("/api/search?q=ha+noi").get_json()["results"][0]) == set(arguments.RESULT_FIELDS)
    assert news.get("/api/search?q=ha+noi&fields=").status_code == 200
    unknown = news.get("/api/search?q=ha+noi&fields=title,body", headers=ENGLISH)
    assert unknown.status_code == 400
    assert unknown.get_json()["error"]["code"] == "unknown_field"
    assert "body" in unknown.get_json()["error"]["message"]


def test_favicon(news):
    icon = news.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/vnd.microsoft.icon"
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO
    page = news.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    svg = news.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"


def test_a_crash_is_a_500_with_a_code_not_a_traceback(make_app, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("a bug")

    client = make_app(TESTING=False).test_client()  # (not TESTING: no re-raise)
    monkeypatch.setattr(query, "search", crash)
    api = client.get("/api/search?q=a", headers=ENGLISH)
    assert api.status_code == 500
    assert api.get_json()["error"] == {
        "code": "internal_error",
        "status": 500,
        "message": "Something went wrong on our side; please try again.",
    }
    page = client.get("/?q=a").get_data(as_text=True)
    assert 'data-code="internal_error"' in page and "a bug" not in page


# -- the export ----------------------------------------------------------------------------------


def test_the_csv_export_streams_every_story_of_the_search_with_its_filters(news):
    response = news.get(f"/api/search.csv?q=ha+noi&site={SONG_HONG}&sort=date")
    assert response.status_code == 200 and response.is_streamed
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = response.get_data()
    assert data.startswith("\ufeffurl,title,site,date,copies,score,id\r\n".encode())  # BOM: Excel reads UTF-8
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 5 > 2  # every story of the filter, not the page's two
    assert {row["site"] for row in rows} == {SONG_HONG}
    assert [row["date"] for row in rows] == sorted((row["date"] for row in rows), reverse=True)
    assert rows[0]["title"] == "Thư viện Hà Nội mở cửa đến 22 giờ trong mùa thi"
    assert rows[0]["url"] == "https://songhong.example.vn/thu-vien-mo-muon.html"
    assert rows[0]["copies"] == "0"
    # The API's errors, before any row is sent.
    bad = news.get("/api/search.csv?q=x&from=yesterday")
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "bad_date"


def test_an_article_without_an_original_url_exports_its_page_here(make_app):
    client = make_app(BASE_URL="https://tim.example.vn").test_client()
    text = client.get("/api/search.csv?q=hop+tac").get_data(as_text=True)
    urls = [line.split(",")[0] for line in text.splitlines()[1:]]
    assert urls and all(re.fullmatch(r"https://tim\.example\.vn/articles/[0-9a-f]{12}", url) for url in urls)


def test_the_page_links_the_csv_of_its_search_in_both_languages(news):
    html = news.get(f"/?q=ha+noi&site={SONG_HONG}&sort=date").get_data(as_text=True)
    link = re.search(r'<a class="csv" href="([^"]*)"[^>]*>([^<]*)</a>', html)
    href = link.group(1).replace("&amp;", "&")
    assert urlsplit(href).path == "/api/search.csv" and link.group(2) == "Tải CSV"
    assert parse_qs(urlsplit(href).query) == {"q": ["ha noi"], "site": [SONG_HONG], "sort": ["date"]}
    english = news.get("/?q=ha+noi&lang=en").get_data(as_text=True)
    assert re.search(
        r'<a class="csv" href="/api/search.csv\?q=ha\+noi&amp;lang=en"[^>]*>Download CSV</a>', english
    )
