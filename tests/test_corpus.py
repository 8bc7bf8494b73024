"""Reading files: encodings, newlines, and bad files reported with a reason."""

import os

import pytest

from search.corpus import Skipped, UnreadableFile, decode, read_document
from search.sources.folders import find_files, read_documents
from tests.paths import DATA


@pytest.mark.parametrize(
    "name, encoding",
    [
        ("xe-buyt-cp1258.txt", "cp1258"),
        ("hoi-an-utf16.txt", "utf-16"),
        ("gom-bat-trang-bom-crlf.txt", "utf-8-sig"),
        ("hoc-sinh-nfd.txt", "utf-8"),
    ],
)
def test_encodings_are_detected(name, encoding):
    document = read_document(DATA / "vi" / name)
    assert document.encoding == encoding
    assert "\r" not in document.text and "\ufeff" not in document.text


def test_windows_1258_text_decodes_to_vietnamese():
    from search.normalize import nfc

    text = nfc(read_document(DATA / "vi" / "xe-buyt-cp1258.txt").text)
    assert text.startswith("Đà Nẵng khai trương tuyến xe buýt điện ven biển\n")


def test_html_meta_charset_is_honoured():
    page = '<html><head><meta charset="windows-1258"></head><body>Vi\u1ec7t</body></html>'
    import unicodedata

    data = unicodedata.normalize("NFD", page).replace("e\u0323\u0302", "\u00ea\u0323")
    text, encoding = decode(data.encode("cp1258"), html=True)
    assert encoding == "cp1258" and "Vi" in text


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_html_newlines_are_left_to_the_parser(newline):
    """An HTML page's \\r\\n and \\r are not copied away: its parser reads them as \\n, so the
    article is the one of the same page with \\n; its charset is looked for in its first 4096
    bytes counted with newlines as \\n, as before."""
    from search.corpus import decode_document
    from search.extract import extract

    head = "<!-- padding -->\n" * 235  # the charset declared by byte 4096 (with \n as newlines)
    page = (
        f"<html><head>{head}<meta charset=windows-1252><title>Caf\u00e9 \u00d2 Nam</title></head>"
        "<body><h1>Caf\u00e9 \u00d2 Nam</h1>\n<p>"
        + "A sentence long enough to be a paragraph.\n" * 9
        + "</p></body></html>"
    )
    plain = decode_document("a.html", page.encode("cp1252"))
    other = decode_document("a.html", page.replace("\n", newline).encode("cp1252"))
    assert plain.encoding == other.encoding == "cp1252"
    assert extract(plain).to_json(explain=True) == extract(other).to_json(explain=True)
    assert extract(other).title == "Caf\u00e9 \u00d2 Nam"


@pytest.mark.parametrize(
    "name, reason",
    [
        ("empty.txt", "empty file"),
        ("blank.txt", "empty file"),
        ("binary.txt", "binary file"),
        ("undecodable.txt", "undecodable"),
    ],
)
def test_bad_files_are_skipped_with_a_reason(bad_files, name, reason):
    with pytest.raises(UnreadableFile, match=reason):
        read_document(bad_files / name)


def test_unreadable_file_is_reported_not_raised(bad_files, monkeypatch):
    def denied(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("pathlib.Path.read_bytes", denied)
    items = list(read_documents([bad_files / "good.txt"]))
    assert items == [Skipped(str(bad_files / "good.txt"), "cannot be read (Permission denied)")]


def test_folders_are_searched_recursively_and_missing_paths_reported(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "page.html").write_text("<p>x</p>")
    (tmp_path / "a" / "notes.md").write_text("not a page")
    files, missing = find_files([tmp_path / "a", tmp_path / "nope"])
    assert [os.path.basename(f) for f in files] == ["page.html"]
    assert missing == [Skipped(str(tmp_path / "nope"), "no such file or folder")]


def test_utf8_with_a_few_broken_sequences_is_read_as_utf8():
    """A teaser cut mid-letter by a byte count leaves one broken sequence in a UTF-8 page: the
    page is still UTF-8 (a browser shows U+FFFD there), not Windows-1258 mojibake nor lost."""
    story = "Đà Nẵng khai trương tuyến xe buýt điện ven biển, nối các khu du lịch. " * 20
    cut = "Giá vàng tă".encode()[:-1]  # "ă" is two bytes: the second is cut away
    data = f"<html><body><h1>Xe buýt điện</h1><p>{story}</p><p>".encode() + cut + b"...</p></body></html>"
    text, encoding = decode(data, html=True)
    assert encoding == "utf-8"
    assert story in text and "Giá vàng t\ufffd..." in text


def test_legacy_text_with_bytes_utf8_never_accepts_alone_is_not_read_as_utf8():
    """Windows-1258 text: its letters above 127 are single bytes, each a broken UTF-8
    sequence, even where one happens to start a UTF-8 sequence."""
    data = read_document(DATA / "vi" / "xe-buyt-cp1258.txt")
    assert data.encoding == "cp1258"
    latin = "Mitgefühl wählen, Übergänge prüfen. " * 10
    assert decode(latin.encode("cp1252"))[1] == "cp1258"


def test_stray_nul_bytes_do_not_make_a_page_binary():
    """A few NULs in a saved page (a browser ignores them) are dropped; a file of NULs and
    other control bytes is still binary."""
    story = "Tuyến xe buýt điện đầu tiên của thành phố chạy dọc bờ biển từ sáng nay. " * 20
    text, encoding = decode(f"<html><body><p>{story}</p>\0\0<p>Hết.</p></body></html>".encode(), html=True)
    assert encoding == "utf-8" and "\0" not in text and story in text
    with pytest.raises(UnreadableFile, match="binary file"):
        decode(b"\0\1\2abc" * 100)
