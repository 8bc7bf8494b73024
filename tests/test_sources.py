"""What real crawlers write (issue #20): WARC and WACZ, JSON Lines and JSON arrays, wget mirrors;
one article per URL; one name per site. Every file here is written by the test (tests/crawls.py)."""

import gzip
import json
import os
import shutil
from datetime import datetime

import pytest

from search import live, query
from search.cli import main
from search.corpus import Skipped
from search.index import build_index, index_corpus
from search.pipeline import Extracted, extract_corpus
from search.sources import read_crawl
from search.sources.folders import find_files
from tests.crawls import (
    STORIES,
    html,
    image,
    not_found,
    page,
    request,
    revisit,
    story_pages,
    write_jsonl,
    write_wacz,
    write_warc,
)
from tests.data.make_encoded import cp1258_form
from tests.paths import ROOT

pytestmark = pytest.mark.usefixtures("engine")  # each test runs on every engine
REAL_PAGES = ROOT.parent / "shared" / "real-pages" / "pages"


def hits(index_dir, text: str, **filters) -> list:
    with live.open_index(index_dir).searcher() as searcher:
        return live.site_names(index_dir).named(query.search(searcher, text, **filters)).results


def crawl_of_three(path, gzipped=True):
    """Three stories, a revisit, an image and a 404, as one WARC."""
    stories = story_pages()
    write_warc(
        path,
        [
            request(stories[0][0]),
            html(*stories[0]),
            revisit(stories[0][0]),
            image("https://tinmoi.vn/logo.png"),
        ]
        + [
            html(*stories[1]),
            not_found("https://tinmoi.vn/missing"),
            request(stories[2][0]),
            html(*stories[2]),
        ],
        gzipped,
    )
    return path


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_a_warc_indexes_its_pages_and_counts_what_it_passes_over(tmp_path, name):
    warc = crawl_of_three(tmp_path / name, gzipped=name.endswith(".gz"))
    report = build_index([warc], tmp_path / "index")
    assert report.indexed == 3 and not report.skipped
    assert report.passed == {
        "revisits (unchanged since an earlier capture)": 1,
        "not HTML (images, scripts, styles...)": 1,
        "with a status other than 200 OK (redirects, errors)": 1,
    }
    (found,) = hits(tmp_path / "index", "buyt dien noi bai")
    assert found.url == STORIES[0][0] and found.path.startswith(f"{warc}#")
    assert found.site == "Tin Mới"
    assert hits(tmp_path / "index", "khinh khí cầu") == []  # a related link, not the story


def test_a_record_gets_its_charset_from_the_http_header_and_its_date_from_the_crawl(tmp_path):
    url, title, lead = STORIES[2]
    legacy = cp1258_form(page(url, title, lead).replace('<meta charset="utf-8">', "")).encode("cp1258")
    write_warc(tmp_path / "old.warc.gz", [html(url, legacy, charset="windows-1258")])
    (item,) = [item for item in extract_corpus([tmp_path / "old.warc.gz"]) if isinstance(item, Extracted)]
    assert item.article.title == title
    assert item.article.date is not None  # the page states none: the crawl's WARC-Date


def test_bad_records_are_named_by_offset_and_the_rest_is_read(tmp_path):
    stories = story_pages()
    warc = tmp_path / "bad.warc.gz"
    write_warc(warc, [html(*stories[0]), html(*stories[1]), html(*stories[2])])
    data = bytearray(warc.read_bytes())
    first = data.index(b"\x1f\x8b\x08", 10)  # the first story's gzip member (after the warcinfo)
    second = data.index(b"\x1f\x8b\x08", first + 10)  # the second story's
    data[second + 40 : second + 60] = bytes(20)  # corrupt inside it
    cut_tail = gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 500\r\n\r\n<html>")
    warc.write_bytes(bytes(data) + cut_tail)
    items = list(read_crawl(str(warc), ""))
    documents = [item.url for item in items if hasattr(item, "url")]
    skipped = [item for item in items if isinstance(item, Skipped)]
    assert documents == [STORIES[0][0], STORIES[2][0]]
    assert [item.path for item in skipped] == [f"{warc}#{second}", f"{warc}#{len(data)}"]
    assert all("the rest of the file is read" in item.reason for item in skipped)


def test_a_record_of_binary_bytes_is_named_by_offset(tmp_path):
    stories = story_pages()
    warc = tmp_path / "odd.warc.gz"
    write_warc(warc, [html(*stories[0])])
    offset = warc.stat().st_size
    write_warc(warc, [html("https://tinmoi.vn/hong", bytes(range(256)) * 8), html(*stories[1])])
    items = list(read_crawl(str(warc), ""))
    (skipped,) = [item for item in items if isinstance(item, Skipped)]
    assert skipped.path == f"{warc}#{offset}" and "binary" in skipped.reason
    assert [item.url for item in items if hasattr(item, "url")] == [STORIES[0][0], STORIES[1][0]]


def test_a_broken_json_array_is_reported(tmp_path):
    (tmp_path / "items.json").write_text('[{"url": "https://tinmoi.vn/a", "title": "Hỏng', encoding="utf-8")
    items = list(read_crawl(str(tmp_path / "items.json"), ""))
    assert isinstance(items[0], Skipped) and items[0].reason.startswith("not valid JSON")


def test_a_truncated_last_record_is_reported_and_the_cli_exits_3(tmp_path, runner):
    warc = crawl_of_three(tmp_path / "crawl.warc.gz")
    warc.write_bytes(warc.read_bytes()[:-200])
    result = runner.invoke(main, ["index", str(warc), "--index", str(tmp_path / "index")])
    assert result.exit_code == 3, result.output
    assert "truncated record" in result.output and f"{warc}#" in result.output
    assert "Indexed 2 articles" in result.output
    assert "Passed over 3 crawl records" in result.output


def test_reindexing_a_grown_warc_reads_only_the_new_records(tmp_path, monkeypatch):
    stories = story_pages()
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, [html(*stories[0]), html(*stories[1])])
    build_index([warc], tmp_path / "index")
    write_warc(warc, [html(*stories[2])])
    extracted = []
    import search.pipeline

    real = search.pipeline.extract_or_reason
    monkeypatch.setattr(
        search.pipeline, "extract_or_reason", lambda doc, t: extracted.append(doc.path) or real(doc, t)
    )
    report = index_corpus([warc], tmp_path / "index")
    assert (report.added, report.unchanged, report.removed, report.indexed) == (1, 2, 0, 3)
    assert extracted == [extracted[0]] and extracted[0] != f"{warc}#0"
    assert index_corpus([warc], tmp_path / "index").unchanged == 3  # not read at all now


def test_a_wacz_is_read_through_its_warcs(tmp_path):
    crawl_of_three(tmp_path / "data.warc.gz")
    write_wacz(tmp_path / "crawl.wacz", tmp_path / "data.warc.gz")
    (tmp_path / "data.warc.gz").unlink()
    report = build_index([tmp_path], tmp_path / "index")
    assert report.indexed == 3
    (found,) = hits(tmp_path / "index", "lễ hội hoa")
    assert found.path.startswith(f"{tmp_path / 'crawl.wacz'}/archive/data.warc.gz#")


def test_json_lines_take_crawlers_field_names_and_report_broken_lines(tmp_path, runner):
    (url0, title0, lead0), (url1, title1, lead1), (url2, title2, lead2) = STORIES
    write_jsonl(
        tmp_path / "items.jl",
        [
            {"url": url0, "html": page(url0, title0, lead0)},
            {
                "link": url1,
                "title": title1,
                "content": [lead1, "Đoạn thứ hai của bài, đủ dài để là thân bài."],
            },
            '{"url": "https://tinmoi.vn/broken", "title": "Hỏng',
            {"url": url2, "headline": title2, "text": lead2, "published": "2025-03-18T09:45:00+07:00"},
            {"url": "https://tinmoi.vn/empty", "title": "Không có gì"},
        ],
    )
    result = runner.invoke(main, ["index", str(tmp_path / "items.jl"), "--index", str(tmp_path / "index")])
    assert result.exit_code == 3, result.output
    assert "Indexed 3 articles" in result.output
    assert "items.jl:3: line 3 is not valid JSON" in result.output
    assert "line 5 has no html, body, content or text field" in result.output
    (coffee,) = hits(tmp_path / "index", "ca phe nhan xo")
    assert (coffee.title, coffee.url, coffee.site) == (title1, url1, "Tin Mới")
    (flowers,) = hits(tmp_path / "index", "ba triệu chậu hoa")
    assert flowers.date == datetime.fromisoformat("2025-03-18T09:45:00+07:00")


def test_json_arrays_as_scrapy_writes_them_and_pretty_printed(tmp_path):
    items = [{"url": url, "title": title, "body": lead} for url, title, lead in STORIES]
    scrapy = "[\n" + ",\n".join(json.dumps(item, ensure_ascii=False) for item in items) + "\n]"
    (tmp_path / "scrapy.json").write_text(scrapy, encoding="utf-8")
    (tmp_path / "pretty").mkdir()
    (tmp_path / "pretty" / "items.json").write_text(json.dumps(items, indent=2), encoding="utf-8")
    for source in (tmp_path / "scrapy.json", tmp_path / "pretty" / "items.json"):
        articles = [item for item in extract_corpus([source]) if isinstance(item, Extracted)]
        assert [a.article.title for a in articles] == [title for _, title, _ in STORIES], source


def test_a_wget_mirror_is_read_by_content(tmp_path):
    mirror = tmp_path / "tinmoi.vn"
    (mirror / "xa-hoi").mkdir(parents=True)
    stories = story_pages()
    (mirror / "xa-hoi" / "buyt-dien-noi-bai").write_bytes(stories[0][1])  # no extension
    (mirror / "index.html?p=2").write_bytes(stories[1][1])
    (mirror / "hoa.html.gz").write_bytes(gzip.compress(stories[2][1]))
    (mirror / "logo").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))  # an image without extension
    (mirror / "style.css").write_text("body { color: red }")
    saved = tmp_path / "saved"
    (saved / "Bai viet_files").mkdir(parents=True)
    (saved / "Bai viet.html").write_bytes(stories[0][1])
    (saved / "Bai viet_files" / "ads.html").write_text("<html><body><p>Quảng cáo</p></body></html>")
    files, skipped = find_files([tmp_path])
    assert sorted(os.path.relpath(f, tmp_path) for f in files) == [
        "saved/Bai viet.html",
        "tinmoi.vn/hoa.html.gz",
        "tinmoi.vn/index.html?p=2",
        "tinmoi.vn/xa-hoi/buyt-dien-noi-bai",
    ]
    assert skipped == []
    report = build_index([tmp_path], tmp_path / "index")
    assert report.indexed == 3 and report.copies == 1  # "Bai viet.html" is the buýt story again


def test_copies_of_one_url_are_one_result_with_the_canonical_url(tmp_path):
    url, title, lead = STORIES[0]
    (tmp_path / "a-bai.html").write_text(page(url, title, lead), encoding="utf-8")
    amp = page(url.replace("tinmoi.vn/", "tinmoi.vn/amp/"), title, lead, canonical=url)
    (tmp_path / "b-bai-amp.html").write_text(amp, encoding="utf-8")
    (tmp_path / "c-bai-ban-in.html").write_text(
        page(url + "?print=1", title, lead, canonical=url), encoding="utf-8"
    )
    index_dir = tmp_path / "index"
    report = build_index([tmp_path], index_dir)
    assert (report.indexed, report.copies) == (1, 2)
    (found,) = hits(index_dir, "buýt điện")
    assert found.url == url
    # The indexed copy goes: another copy takes its place, nothing is lost.
    os.remove(tmp_path / "a-bai.html")
    report = index_corpus([tmp_path], index_dir)
    assert report.indexed == 1
    (found,) = hits(index_dir, "buýt điện")
    assert found.url == url and found.path.endswith("b-bai-amp.html")


def test_one_site_one_name_whatever_each_page_calls_it(tmp_path):
    stories = [("https://dantri.com.vn/" + url.split("/", 3)[3], title, lead) for url, title, lead in STORIES]
    names = ["Dantri", "Báo điện tử Dân Trí", ""]
    for (url, title, lead), name in zip(stories, names, strict=True):
        (tmp_path / f"{url.rsplit('/', 1)[1]}").write_text(
            page(url, title, lead, site_name=name), encoding="utf-8"
        )
    index_dir = tmp_path / "index"
    build_index([tmp_path], index_dir)
    with live.open_index(index_dir).searcher() as searcher:
        page_ = live.site_names(index_dir).named(query.search(searcher, "", facets=True))
    assert page_.facets["site"] == [("Báo điện tử Dân Trí", 3)]
    assert {hit.site for hit in page_.results} == {"Báo điện tử Dân Trí"}


@pytest.mark.skipif(not REAL_PAGES.is_dir(), reason="../shared/real-pages is not here")
def test_every_real_page_has_one_site_name_per_site(tmp_path):
    index_dir = tmp_path / "index"
    report = build_index([REAL_PAGES], index_dir)
    with live.open_index(index_dir).searcher() as searcher:
        found = live.site_names(index_dir).named(query.search(searcher, "", facets=True, limit=100))
    sites = dict(found.facets["site"])
    assert sum(sites.values()) == report.indexed  # every article has a site
    assert "Báo VnExpress" in sites and "vnexpress.net" not in sites
    assert not any(name.isupper() for name in sites), sites  # "TUOI TRE ONLINE" is not shouted
    assert "pages" not in sites  # a bare file's site comes from its links before its folder


def test_crawl_files_in_a_folder_with_pages_all_index(tmp_path):
    shutil.copy(crawl_of_three(tmp_path / "one.warc.gz"), tmp_path / "two.warc.gz")
    report = build_index([tmp_path], tmp_path / "index")
    assert (report.indexed, report.copies) == (3, 3)  # the same URLs twice: one result each


def test_a_json_item_keeps_its_short_title_and_one_without_a_title_gets_its_first_sentence(tmp_path):
    cold = "Miền Bắc đón đợt không khí lạnh mạnh nhất từ đầu mùa, vùng núi có nơi xuống dưới 3 độ C."
    hot = "Miền Nam nắng nóng kéo dài. Nhiệt độ ở TP.HCM lên 36 độ C vào buổi trưa hôm nay."
    write_jsonl(
        tmp_path / "items.jsonl",
        [{"url": "https://x.vn/1", "title": "Rét", "content": cold}, {"content": hot}],
    )
    found = [
        item.article for item in extract_corpus([tmp_path / "items.jsonl"]) if isinstance(item, Extracted)
    ]
    assert [(a.title, a.text) for a in found] == [("Rét", cold), ("Miền Nam nắng nóng kéo dài.", hot)]


def test_a_files_folder_beside_a_page_without_extension_is_passed_over(tmp_path):
    (tmp_path / "chien-su_files").mkdir()
    (tmp_path / "chien-su").write_bytes(story_pages()[0][1])
    (tmp_path / "chien-su_files" / "frame").write_text("<html><body><p>Quảng cáo</p></body></html>")
    assert find_files([tmp_path]) == ([str(tmp_path / "chien-su")], [])


def test_a_text_dump_without_links_is_on_the_site_its_folders_pages_name(tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(
            f"Tin {name}: lũ về sông Hồng\nNước sông Hồng lên nhanh trong đêm, {name} cho biết.\n"
            "![](https://thoidai.com.vn/anh.jpg)\n",
            encoding="utf-8",
        )
    (tmp_path / "c.txt").write_text(
        "Bão số 3 vào đất liền\nGió giật cấp 12 ở ven biển, người dân đã sơ tán.\n"
    )
    sites = {item.article.path[-5:]: item.article.site for item in extract_corpus([tmp_path])}
    assert sites == {"a.txt": "thoidai.com.vn", "b.txt": "thoidai.com.vn", "c.txt": "thoidai.com.vn"}


def test_a_json_line_longer_than_the_file_limit_is_reported_and_the_next_read(tmp_path, monkeypatch):
    monkeypatch.setattr("search.limits.MAX_FILE_BYTES", 1000)
    url, title, lead = STORIES[0]
    write_jsonl(
        tmp_path / "items.jl",
        [{"title": "Dài", "content": "chữ " * 2000}, {"url": url, "title": title, "content": lead}],
    )
    items = list(read_crawl(str(tmp_path / "items.jl"), ""))
    assert isinstance(items[0], Skipped) and "line 1 is larger" in items[0].reason
    assert items[1].url == url


def test_a_reader_that_fails_ends_its_file_not_the_run(tmp_path, monkeypatch):
    import search.sources

    def failing(path):
        yield from search.sources.read_json_lines(path)
        raise ValueError("a library's error no rule foresaw")

    monkeypatch.setitem(search.sources._READERS, ".jl", failing)
    (url, title, lead), (other_url, other_title, other_lead) = STORIES[:2]
    write_jsonl(tmp_path / "items.jl", [{"url": url, "title": title, "content": lead}])
    (tmp_path / "page.html").write_text(page(other_url, other_title, other_lead), encoding="utf-8")
    report = build_index([tmp_path], tmp_path / "index")
    assert report.indexed == 2  # the file's records read before the failure, and the page
    (skipped,) = report.skipped
    assert (
        skipped.path == str(tmp_path / "items.jl")
        and "stopped reading after 1 record (ValueError" in skipped.reason
    )
