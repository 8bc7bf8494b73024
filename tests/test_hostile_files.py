"""Hostile input (issue #10): pages and files that must neither hang nor crash the indexer.

Each is extracted sensibly or skipped with a reason a user can act on. Inputs are made in
tmp_path. No timing is asserted: a generous hang guard (an alarm) fails a test that would
otherwise run for minutes, as each of these did before.
"""

import contextlib
import os
import random
import re
import shutil
import signal
import threading
import time
import unicodedata

import pytest

from search import limits, noise, pipeline
from search.corpus import RawDocument, Skipped, UnreadableFile, read_bytes
from search.dates import parse_date
from search.extract import extract
from search.extract.title import without_site_suffix as _without_site_suffix
from search.index import build_index
from search.lines import clean_line, heading_key, line_label, starts_with_image, without_markup
from search.pipeline import Extracted, extract_corpus, time_budget
from search.sources.folders import find_files
from tests.paths import DATA

TITLE = "Đà Nẵng mở tuyến xe buýt điện ven biển"
PARAGRAPH = "Tuyến xe buýt điện đầu tiên của thành phố chạy dọc bờ biển từ sáng nay."


class Hung(Exception):
    pass


@contextlib.contextmanager
def hang_guard(seconds: float = 10):
    """Raise Hung in the block after `seconds` (far more than any of these needs now)."""

    def expire(signum, frame):
        raise Hung(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def text_page(*lines: str) -> RawDocument:
    return RawDocument("site/page.txt", "\n".join([TITLE, *lines, PARAGRAPH]), "text", "utf-8", "h")


def html_page(body: str) -> RawDocument:
    html = f"<html><head><title>{TITLE}</title></head><body>{body}</body></html>"
    return RawDocument("site/page.html", html, "html", "utf-8", "h")


# --- Lines: every rule is linear, and lines are cut -------------------------------------------


@pytest.mark.parametrize(
    "piece",
    [
        "[",
        "(",
        "!",
        "|",
        ">",
        " ",
        "1",
        "/",
        "-",
        "](",
        "![",
        "[a](",
        "]",
        "1/",
        "theo ",
        "Jan 1 ",
        "a | ",
        ": ",
    ],
)
def test_a_line_of_one_thing_repeated_is_read_quickly(piece):
    line = (piece * (100_000 // len(piece) + 1))[:100_000]
    with hang_guard():
        line_label(line)
        parse_date(line)
        heading_key(line)
        _without_site_suffix(line, "baomoi.vn")
        article = extract(text_page(line))
    assert article.title == TITLE and PARAGRAPH in article.body


@pytest.mark.parametrize(
    "line", ["[" * 300_000 + "](", "![" * 150_000 + "](", "[a](" * 75_000], ids=["[", "![", "[a]("]
)
def test_unmatched_brackets_are_read_once(line):
    """Tried from every "[", the link and image patterns read the rest of the line each time:
    99 s for a 300 kB line of "[" before."""
    with hang_guard():
        assert line_label(line) is None  # whole, not cut
        article = extract(text_page(line))
    assert article.title == TITLE and PARAGRAPH in article.body


# The patterns noise.IMAGE and noise.LINK were before they were made linear.
OLD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
OLD_LINK = re.compile(r"(?<!!)\[[^\]]*\]\([^)]*\)")


def test_links_and_images_are_found_where_the_quadratic_patterns_found_them():
    rng = random.Random(10)
    for _ in range(30_000):
        line = "".join(rng.choice("[]()!a ") for _ in range(rng.randint(0, 16)))
        assert without_markup(noise.IMAGE, line) == OLD_IMAGE.sub("", line), line
        assert without_markup(noise.LINK, line) == OLD_LINK.sub("", line), line
        assert starts_with_image(line) == bool(OLD_IMAGE.match(line)), line


def test_a_line_longer_than_the_limit_is_cut_with_a_reason(caplog):
    long_line = "chữ " * (limits.MAX_LINE_CHARS // 4 + 5_000)
    article = extract(text_page(long_line))
    assert len(article.body[0]) <= limits.MAX_LINE_CHARS and PARAGRAPH in article.body
    assert any("only the first 100,000 are read" in d.reason for d in article.dropped)
    assert "is cut to its first 100,000" in caplog.text


def test_a_run_of_combining_marks_does_not_make_nfc_quadratic():
    with hang_guard():
        cleaned = clean_line("a" + "\u0301\u0323" * 60_000 + " b")
    assert cleaned.startswith("ạ") and cleaned.endswith(" b") and len(cleaned) < 100
    vietnamese = "Việt Nam, Thủy điện Hòa Bình — ------------------------------------------- hết"
    assert clean_line(unicodedata.normalize("NFD", vietnamese)) == vietnamese


# --- HTML: deep, huge, or broken pages --------------------------------------------------------


@pytest.mark.parametrize("depth, closed", [(20_000, True), (100_000, False)])
def test_deeply_nested_html_is_read_as_text_in_bounded_time(depth, closed, caplog):
    deep = "<div>" * depth + "<p>Chữ ở sâu trong trang, một câu dài và đủ nghĩa.</p>"
    body = f"<article><p>{PARAGRAPH}</p></article>{deep}{'</div>' * depth if closed else ''}"
    with hang_guard():
        article = extract(html_page(body))
    assert article.title == TITLE
    assert article.body == [PARAGRAPH, "Chữ ở sâu trong trang, một câu dài và đủ nghĩa."]
    assert "read as plain text" in caplog.text


def test_a_page_under_the_depth_limit_keeps_its_structure(caplog):
    depth = limits.MAX_HTML_DEPTH - 20
    body = (
        '<div class="page has-sidebar">'
        + "<div>" * depth
        + f"<article><h1>{TITLE}</h1><p>{PARAGRAPH}</p>"
        + '<div class="related"><p>Tin liên quan: một bài khác của trang.</p></div></article>'
        + "</div>" * depth
        + '<div class="sidebar"><p>Đọc nhiều nhất trong tuần này.</p></div></div>'
    )
    with hang_guard():
        article = extract(html_page(body))
    assert article.body == [PARAGRAPH]
    assert {d.reason for d in article.dropped} == {"widget (related)", "widget (sidebar)"}
    assert "plain text" not in caplog.text


def test_a_page_with_too_many_tags_is_read_as_plain_text(monkeypatch, caplog):
    monkeypatch.setattr(limits, "MAX_HTML_TAGS", 50)
    paragraphs = [f"Đoạn thứ {n} của bài báo này có đủ chữ để là một câu văn." for n in range(60)]
    body = "<nav><a href='/'>Trang chủ</a></nav><script>var x = '<p>not text</p>';</script>" + "".join(
        f"<p>{p} <b>Đậm</b> &amp; <i>nghiêng</i>.</p>" for p in paragraphs
    )
    article = extract(html_page(body))
    assert article.title == TITLE
    assert article.body[0] == paragraphs[0] + " Đậm & nghiêng." and len(article.body) == 60
    assert "not text" not in article.text
    assert "read as plain text" in caplog.text and "tags, more than 50" in caplog.text


def test_unclosed_tags_at_the_end_of_a_page_are_read_quickly():
    html = f"<html><head><title>{TITLE}</title></head><body><article><p>{PARAGRAPH}</p></article>"
    page = RawDocument("site/page.html", html + "<a " * 40_000, "html", "utf-8", "h")
    with hang_guard():
        article = extract(page)
    assert article.title == TITLE and article.body == [PARAGRAPH]


def test_markup_that_html_parser_rejected_is_read_as_html(caplog):
    """A browser's parser (Lexbor) reads any markup; what html.parser once rejected is a page."""
    article = extract(html_page(f"<article><p>{PARAGRAPH}</p><![if-not-a-keyword[ x</article>"))
    assert article.title == TITLE and article.body[0] == PARAGRAPH
    assert "plain text" not in caplog.text


# --- Files: size, kind, name ------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_skipped_without_being_read(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 10 * 1024 * 1024)
    big = tmp_path / "big.txt"
    with open(big, "wb") as file:
        file.truncate(10 * 1024 * 1024 + 1)  # sparse: no disk, no time
    with pytest.raises(UnreadableFile, match=re.escape("larger than 10 MB (SEARCH_MAX_FILE_BYTES)")):
        read_bytes(big)
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1000)
    (tmp_path / "small.txt").write_bytes(b"x" * 1001)
    with pytest.raises(UnreadableFile, match="larger than 1,000 bytes"):
        read_bytes(tmp_path / "small.txt")


NOT_UTF8 = b"caf\xe9.txt"


@pytest.fixture
def hostile_folder(tmp_path):
    """Two good pages among files that are not pages; returns (folder, {name: reason})."""
    folder = tmp_path / "site"
    folder.mkdir()
    shutil.copy(DATA / "vi" / "ca-bien.txt", folder / "good.txt")
    shutil.copy(DATA / "vi" / "gia-vang.html", folder / "good.html")
    (folder / "page.txt").mkdir()  # a folder named like a page, holding a page
    shutil.copy(DATA / "vi" / "ca-phe.txt", folder / "page.txt" / "inside.txt")
    expected = {"page.txt": "a folder named like a page, not a page (the pages in it are read)"}
    os.mkfifo(folder / "fifo.txt")
    expected["fifo.txt"] = "not a regular file (a named pipe)"
    os.symlink("/dev/zero", folder / "zero.txt")
    expected["zero.txt"] = "not a regular file (a device)"
    os.symlink(folder / "nowhere.txt", folder / "broken.txt")
    expected["broken.txt"] = "broken symbolic link (what it points to does not exist)"
    os.symlink("loop.html", folder / "loop.html")
    expected["loop.html"] = "symbolic link loop"
    if os.geteuid() != 0:  # root reads whatever the mode says
        (folder / "locked.txt").write_text(PARAGRAPH)
        (folder / "locked.txt").chmod(0)
        expected["locked.txt"] = "cannot be read (Permission denied)"
    try:
        fd = os.open(os.path.join(os.fsencode(folder), NOT_UTF8), os.O_CREAT | os.O_WRONLY, 0o644)
    except OSError:  # a file system that takes UTF-8 names only
        pass
    else:
        os.write(fd, (DATA / "vi" / "ca-phe.txt").read_bytes())
        os.close(fd)
        expected["caf\\xe9.txt"] = "file name is not valid UTF-8; rename it"
    (folder / "empty.txt").write_bytes(b"")
    expected["empty.txt"] = "empty file"
    (folder / "binary.html").write_bytes(bytes(range(256)) * 8)
    expected["binary.html"] = "binary file (contains NUL bytes)"
    yield folder, expected
    if (folder / "locked.txt").exists():
        (folder / "locked.txt").chmod(0o644)


def test_what_is_not_a_page_is_reported_and_never_opened(hostile_folder):
    folder, expected = hostile_folder
    with hang_guard():
        files, skipped = find_files([folder])
        items = list(extract_corpus([folder]))
    assert sorted(os.path.relpath(f, folder) for f in files) == sorted(
        ["good.html", "good.txt", "page.txt/inside.txt", "empty.txt", "binary.html"]
        + (["locked.txt"] if "locked.txt" in expected else [])
    )
    reasons = {os.path.basename(item.path): item.reason for item in items if isinstance(item, Skipped)}
    assert reasons == expected
    extracted = sorted(os.path.basename(item.path) for item in items if isinstance(item, Extracted))
    assert extracted == ["good.html", "good.txt", "inside.txt"]


@pytest.mark.usefixtures("engine")  # on every engine (the rest does not depend on one)
def test_a_build_indexes_the_good_pages_and_reports_the_others(hostile_folder, tmp_path):
    folder, expected = hostile_folder
    with hang_guard(60):
        report = build_index([folder], tmp_path / "ix")
    assert report.indexed == 3
    assert {os.path.basename(item.path): item.reason for item in report.skipped} == expected


# --- Time budget and failures: one file never stops the build ----------------------------------


@pytest.fixture
def slow_page(tmp_path, monkeypatch):
    """A folder of two pages, one of which extract() takes 20 s over; FILE_SECONDS is 0.3."""
    folder = tmp_path / "site"
    folder.mkdir()
    shutil.copy(DATA / "vi" / "ca-bien.txt", folder / "good.txt")
    (folder / "slow.txt").write_text(f"{TITLE}\nCHẬM\n{PARAGRAPH}\n")
    original = pipeline.extract_or_reason

    def slow_extract(page, template=None):
        if "CHẬM" in page.text:
            time.sleep(20)
        return original(page, template)

    monkeypatch.setattr(pipeline, "extract_or_reason", slow_extract)
    monkeypatch.setattr(limits, "FILE_SECONDS", 0.3)
    return folder


@pytest.mark.parametrize("workers", [False, True])
def test_a_file_over_its_time_budget_is_skipped_and_the_build_goes_on(slow_page, monkeypatch, workers):
    if workers:  # the fork pool, as for 200 files and more
        monkeypatch.setattr(pipeline, "PARALLEL_FROM", 1)
        monkeypatch.setattr(pipeline, "PROCESSES", 2)
    handler = signal.getsignal(signal.SIGALRM)
    items = list(extract_corpus([slow_page]))
    assert [type(item) for item in items] == [Extracted, Skipped]
    assert items[1] == Skipped(
        str(slow_page / "slow.txt"), "took longer than 0.3 s to extract (SEARCH_FILE_SECONDS)"
    )
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is handler


def test_the_budget_is_left_out_where_an_alarm_cannot_be_used():
    outcome = []

    def in_a_thread():
        with time_budget(0.05):
            time.sleep(0.2)  # no alarm is set from this thread: it runs to the end
        outcome.append("done")

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join()
    assert outcome == ["done"]
    with hang_guard(10):
        with time_budget(0.05):  # another alarm is pending: it is not overridden
            time.sleep(0.2)
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 5


def test_a_page_that_makes_extraction_fail_is_skipped_with_the_error(slow_page, monkeypatch):
    def failing(page, template=None):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(pipeline, "extract_or_reason", failing)
    items = list(extract_corpus([slow_page / "good.txt"]))
    assert items == [
        Skipped(
            str(slow_page / "good.txt"),
            "extraction failed (RecursionError: maximum recursion depth exceeded)",
        )
    ]
