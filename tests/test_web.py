"""Every route of the web app through Flask's test client, with odd input."""

import pytest

from web import create_app

pytestmark = pytest.mark.usefixtures("engine")  # each test runs on every engine


@pytest.fixture(scope="module")
def client(index_dir):
    return create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()


def test_empty_query_shows_corpus_figures(client):
    page = client.get("/").get_data(as_text=True)
    from search.corpus import find_files
    from tests.paths import DATA, SEEDS

    pages = len(find_files([SEEDS, DATA / "vi", DATA / "en"])[0])
    assert f"Chỉ mục có <strong>{pages}</strong> bài viết" in page
    assert 'autofocus' in page


def test_unaccented_query_shows_highlighted_accented_results(client):
    page = client.get("/?q=hop+tac").get_data(as_text=True)
    assert 'value="hop tac"' in page  # the box keeps the query
    assert "<mark>hợp tác</mark>" in page
    assert "3 kết quả" in page and "/articles/" in page


def test_results_show_site_and_date_when_known(client):
    page = client.get("/?q=gia+vang").get_data(as_text=True)
    assert "Báo Kinh Tế Mẫu" in page and "04/03/2025" in page


def test_pagination_links(index_dir):
    client = create_app({"INDEX_DIR": str(index_dir), "PAGE_SIZE": 2}).test_client()
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
    assert article["date"] == "2024-06-18T00:00:00"
    for unknown in ["000000000000", "nope", "..%2F..%2Fetc"]:
        response = client.get(f"/api/articles/{unknown}")
        assert response.status_code == 404 and response.get_json()["error"]["status"] == 404
    assert client.get("/articles/000000000000").status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/?q=" + "x" * 401, "/?q=a&page=0", "/?q=a&page=-1", "/?q=a&page=abc", "/?q=a&page=1001",
     "/?q=a&page=99999999999999999999", "/api/search?q=a&limit=0", "/api/search?q=a&limit=101",
     "/api/search?q=a&sort=random", "/api/search?q=a&from=yesterday"],
)
def test_nonsense_parameters_are_400_not_500(client, url):
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.get_json()["error"]["message"]


@pytest.mark.parametrize("q", ["AND OR (", '"', "-", "title:", "*", "\x00", "🙂", "<script>"])
def test_odd_queries_answer(client, q):
    assert client.get("/", query_string={"q": q}).status_code == 200
    assert client.get("/api/search", query_string={"q": q}).status_code == 200


def test_query_and_document_text_is_escaped(client):
    page = client.get("/", query_string={"q": '<script>alert(1)</script>'}).get_data(as_text=True)
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


def test_missing_index_page_says_how_to_build_one(tmp_path):
    client = create_app({"INDEX_DIR": str(tmp_path / "none")}).test_client()
    page = client.get("/?q=x")
    assert page.status_code == 503
    assert "search index --index" in page.get_data(as_text=True)
    api = client.get("/api/search?q=x")
    assert api.status_code == 503 and "search index" in api.get_json()["error"]["message"]


def test_a_rebuild_is_picked_up_without_restart(tmp_path):
    from tests.paths import DATA
    from search.index import build_index

    build_index([DATA / "en"], tmp_path / "ix")
    client = create_app({"INDEX_DIR": str(tmp_path / "ix")}).test_client()
    assert client.get("/api/search?q=ferry").get_json()["total"] == 1
    build_index([DATA / "vi"], tmp_path / "ix")
    assert client.get("/api/search?q=ferry").get_json()["total"] == 0
    assert client.get("/api/search?q=vang").get_json()["total"] >= 1


def test_a_document_quoting_script_shows_it_as_text(tmp_path):
    from search.index import build_index

    page = tmp_path / "xss.txt"
    page.write_text('Mã độc <script>alert("tiêu đề")</script> lan trên mạng\n'
                    'Chuyên gia cảnh báo đoạn mã <script>alert(1)</script> và <img src=x onerror=alert(2)> '
                    'được chèn vào trang giả mạo.\n')
    build_index([page], tmp_path / "ix")
    client = create_app({"INDEX_DIR": str(tmp_path / "ix")}).test_client()
    results = client.get("/?q=ma+doc").get_data(as_text=True)
    assert "<script>" not in results and "&lt;script&gt;" in results
    doc_id = client.get("/api/search?q=ma+doc").get_json()["results"][0]["id"]
    article = client.get(f"/articles/{doc_id}?q=script").get_data(as_text=True)
    assert "<script>" not in article and "<img" not in article
    assert "&lt;<mark>script</mark>&gt;alert(1)" in article


def test_an_update_in_place_is_picked_up_without_restart(tmp_path):
    import shutil

    from search.index import index_corpus
    from tests.paths import DATA

    shutil.copytree(DATA / "en", tmp_path / "corpus")
    index_corpus([tmp_path / "corpus"], tmp_path / "ix")
    client = create_app({"INDEX_DIR": str(tmp_path / "ix")}).test_client()
    assert client.get("/api/search?q=ferry").get_json()["total"] == 1
    (tmp_path / "corpus" / "ferry.html").unlink()
    assert not index_corpus([tmp_path / "corpus"], tmp_path / "ix").rebuilt
    assert client.get("/api/search?q=ferry").get_json()["total"] == 0
