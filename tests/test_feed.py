"""The Atom feed of a search (/feed.atom), read as a feed reader reads it: parsed as XML and
checked against Atom's namespace and required elements (not against feedgen, which wrote it),
with the page's filters, newest first, and links a reader can follow; and the result page's
links to it."""

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.usefixtures("engine")  # each test runs on every engine

ATOM = "{http://www.w3.org/2005/Atom}"
SONG_HONG = "Báo Sông Hồng"
BASE = "https://tim.example.vn"


@pytest.fixture(scope="module")
def news(make_app, news_index_dir):
    """A client of the app over tests/data/news (8 dated articles of two sites), with a public address."""
    return make_app(INDEX_DIR=news_index_dir, BASE_URL=BASE + "/").test_client()


def feed_of(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response.content_type == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):  # RFC 4287 4.1.1
        assert root.find(f"{ATOM}{required}").text.strip(), required
    assert root.find(f"{ATOM}author/{ATOM}name").text
    for entry in root.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated"):  # RFC 4287 4.1.2
            assert entry.find(f"{ATOM}{required}").text.strip(), required
        assert entry.find(f"{ATOM}id").text.startswith("urn:uuid:")
        datetime.fromisoformat(entry.find(f"{ATOM}updated").text)  # an RFC 3339 date
    return root


def entries(root: ET.Element) -> list[dict]:
    return [
        {
            "title": entry.find(f"{ATOM}title").text,
            "href": entry.find(f"{ATOM}link").get("href"),
            "published": datetime.fromisoformat(entry.find(f"{ATOM}published").text),
            "summary": entry.find(f"{ATOM}summary"),
            "author": entry.find(f"{ATOM}author/{ATOM}name").text,
        }
        for entry in root.findall(f"{ATOM}entry")
    ]


def test_a_search_feed_is_atom_newest_first_with_titles_links_and_snippets(news):
    root = feed_of(news, "/feed.atom?q=ha+noi")
    found = entries(root)
    assert len(found) == 8  # every match (fewer than a feed holds)
    dates = [entry["published"] for entry in found]
    assert dates == sorted(dates, reverse=True)  # newest first, whatever the relevance
    [story] = [
        entry for entry in found if entry["title"] == "Sinh viên Hà Nội tình nguyện dọn rác bờ sông Hồng"
    ]
    assert story["href"] == "https://songhong.example.vn/sinh-vien-don-rac.html"  # the original
    assert story["author"] == SONG_HONG
    assert story["summary"].get("type") == "html"
    assert "<mark>Hà Nội</mark>" in story["summary"].text  # escaped once in the XML: HTML in the reader
    assert str(story["published"]) == "2025-04-10 16:05:00+07:00"  # Vietnam time
    assert root.find(f"{ATOM}title").text == "Kết quả cho “ha noi” – Tìm tin"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "vi"
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links["self"] == BASE + "/feed.atom?q=ha+noi"
    assert links["alternate"] == BASE + "/?q=ha+noi&sort=date"
    assert datetime.fromisoformat(root.find(f"{ATOM}updated").text) == dates[0]


def test_the_feed_takes_the_filters_and_the_language(news):
    root = feed_of(news, f"/feed.atom?q=ha+noi&site={SONG_HONG}&from=2025-04-01&lang=en")
    found = entries(root)
    assert [entry["author"] for entry in found] == [SONG_HONG] * 3
    assert all(entry["published"] >= datetime.fromisoformat("2025-04-01T00:00+07:00") for entry in found)
    assert root.find(f"{ATOM}title").text == "Results for “ha noi” – Tìm tin"
    # No query: the newest articles, as the home page lists them.
    newest = feed_of(news, "/feed.atom")
    assert newest.find(f"{ATOM}title").text == "Tin mới nhất – Tìm tin"
    assert entries(newest)[0]["title"] == "Tàu cao tốc đi Côn Đảo tăng chuyến dịp lễ"
    assert len(entries(newest)) == 8


def test_an_article_without_an_original_url_links_its_page_here(make_app):
    root = feed_of(make_app(BASE_URL=BASE).test_client(), "/feed.atom?q=hop+tac")
    hrefs = [entry.find(f"{ATOM}link").get("href") for entry in root.findall(f"{ATOM}entry")]
    assert hrefs and all(re.fullmatch(BASE + r"/articles/[0-9a-f]{12}", href) for href in hrefs), hrefs
    # An entry without a date of its own is still dated (Atom requires it).
    assert all(entry.find(f"{ATOM}updated").text for entry in root.findall(f"{ATOM}entry"))


def test_a_feed_with_nothing_found_is_an_empty_feed_and_bad_filters_a_400(news):
    assert entries(feed_of(news, "/feed.atom?q=zzyzx")) == []
    assert news.get("/feed.atom?q=x&from=yesterday").status_code == 400


def test_the_result_page_links_its_feed_in_both_languages(news):
    html = news.get(f"/?q=ha+noi&site={SONG_HONG}&sort=date").get_data(as_text=True)
    head = html.split("</head>")[0]
    [link] = re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]*>', head)
    href = re.search(r'href="([^"]*)"', link).group(1).replace("&amp;", "&")
    assert urlsplit(href).path == "/feed.atom"
    assert parse_qs(urlsplit(href).query) == {"q": ["ha noi"], "site": [SONG_HONG]}  # always newest first
    assert 'title="Kết quả cho “ha noi” – Tìm tin"' in link
    assert feed_of(news, href) is not None
    icon = re.search(r'<a class="feed" href="([^"]*)"[^>]*title="([^"]*)"', html)
    assert icon.group(1).replace("&amp;", "&") == href
    assert icon.group(2) == "Theo dõi tìm kiếm này bằng trình đọc tin (Atom)"
    english = news.get("/?q=ha+noi&lang=en").get_data(as_text=True)
    assert 'href="/feed.atom?q=ha+noi&amp;lang=en"' in english
    assert "Follow this search in a feed reader (Atom)" in english
