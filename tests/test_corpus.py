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


# --- UTF-8 pages handed to the parser as bytes ------------------------------------------------

_EDGES = [
    b"",
    b"plain ascii, longer than eight bytes",
    "Hợp tác ✓ 𝄞 Việt Nam".encode(),
    b"\xc0\xaf",  # overlong "/"
    b"\xe0\x80\xaf",  # overlong, three bytes
    b"\xed\xa0\x80",  # a surrogate
    b"\xf4\x90\x80\x80",  # past U+10FFFF
    b"\xf5\x80\x80\x80",
    b"abcdefg\xe1\xbb",  # cut at the end, after eight ASCII bytes
    b"12345678\xc3",
    b"caf\xe9 au lait",  # Latin-1
    "Mitgefühl wählen".encode("cp1252"),
]


def _strictly_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_the_build_compiled_the_utf8_check():
    from search import corpus

    assert corpus.is_utf8 is not None, "search/utf8.pyx was not compiled (a C compiler is needed)"


@pytest.mark.parametrize("data", _EDGES)
def test_the_utf8_check_agrees_with_pythons_decoder(data):
    from search.utf8 import is_utf8

    assert is_utf8(data) == _strictly_utf8(data)


def test_the_utf8_check_agrees_with_pythons_decoder_on_any_bytes():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from search.utf8 import is_utf8

    pieces = st.one_of(st.binary(max_size=12), st.text(max_size=6).map(str.encode), st.just(b"abcdefgh"))

    @settings(max_examples=500, deadline=None)
    @given(st.lists(pieces, max_size=8).map(b"".join))
    def check(data):
        assert is_utf8(data) == _strictly_utf8(data)

    check()


def test_a_utf8_page_is_decoded_only_when_its_text_is_asked_for():
    import pickle
    from dataclasses import replace

    from search.corpus import Utf8Page, decode_document

    page = "<html><body><h1>Đà Nẵng</h1>\r\n<p>Xe buýt điện ven biển.</p></body></html>"
    document = decode_document("a.html", page.encode())
    assert isinstance(document, Utf8Page) and document.utf8 == page.encode()
    assert document._text is None  # not decoded yet
    assert document.text == page and document.encoding == "utf-8"  # as decode() reads it
    assert (document.text, document.encoding) == decode(page.encode(), html=True)
    assert pickle.loads(pickle.dumps(document)).text == page
    assert replace(document, text="x").text == "x"
    # What decode reads otherwise is decoded at once, as before: a BOM, NULs, another charset.
    for data in (b"\xef\xbb\xbf" + page.encode(), page.encode() * 5 + b"\0", page.encode("utf-16")):
        assert not isinstance(decode_document("a.html", data), Utf8Page)
    assert not isinstance(decode_document("a.txt", page.encode()), Utf8Page)  # a text dump
