"""What crawlers write, written by the tests themselves: news pages, WARC files (with warcio, as
wget, Browsertrix and Heritrix write them), WACZ, JSON Lines."""

import gzip
import io
import json
import zipfile
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# (url, title, first paragraph): three stories of two sites, each with words only it holds.
STORIES = [
    (
        "https://tinmoi.vn/xa-hoi/buyt-dien-noi-bai.html",
        "Hà Nội mở tuyến buýt điện ra sân bay Nội Bài",
        "Sáng 5/12, Hà Nội đưa vào khai thác tuyến xe buýt điện nối phố cổ với sân bay Nội Bài, giá vé "
        "chín nghìn đồng một lượt, chạy mười lăm phút một chuyến.",
    ),
    (
        "https://tinmoi.vn/kinh-te/gia-ca-phe-tang.html",
        "Giá cà phê Tây Nguyên lên đỉnh mười năm",
        "Giá cà phê nhân xô tại Đắk Lắk sáng nay vượt 120.000 đồng một ký, cao nhất mười năm, khi vụ "
        "thu hoạch chậm vì mưa trái mùa kéo dài.",
    ),
    (
        "https://baomau.com.vn/van-hoa/le-hoi-hoa-da-lat.html",
        "Đà Lạt mở lễ hội hoa với ba triệu chậu hoa",
        "Lễ hội hoa Đà Lạt năm nay trưng bày ba triệu chậu hoa trên các con đường quanh hồ Xuân Hương, "
        "kéo dài đến hết tháng mười hai.",
    ),
]
SITE_NAMES = {"tinmoi.vn": "Tin Mới", "baomau.com.vn": "Báo Màu"}
# A second paragraph of each story, its own (stories sharing paragraphs would be copies).
MORE = {
    STORIES[0][1]: "Sở Giao thông vận tải cho biết mười hai xe đầu tiên chạy bằng pin sạc tại bến Long "
    "Biên, mỗi lần sạc đi được hai trăm cây số, và sẽ có thêm hai mươi xe trước Tết.",
    STORIES[1][1]: "Các doanh nghiệp xuất khẩu lo thiếu hàng cho hợp đồng giao tháng ba, trong khi nông "
    "dân giữ hàng chờ giá, kho của các đại lý thu mua gần như trống.",
    STORIES[2][1]: "Ban tổ chức dựng thêm mười tiểu cảnh bằng cẩm tú cầu và hồng leo, mở cửa miễn phí "
    "buổi tối, và cấm xe máy vào khu vực quảng trường Lâm Viên từ chiều thứ sáu.",
}


def page(url: str, title: str, lead: str, canonical: str | None = None, site_name: str | None = None) -> str:
    """A news page as sites serve it: menu, headline, story, related links, footer."""
    host = url.split("/")[2]
    name = site_name if site_name is not None else SITE_NAMES.get(host, "")
    meta = f'<meta property="og:site_name" content="{name}">' if name else ""
    link = f'<link rel="canonical" href="{canonical or url}">' if canonical is not False else ""
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{title}</title>{meta}{link}</head>
<body>
<nav><a href="https://{host}/">Trang chủ</a> <a href="https://{host}/xa-hoi">Xã hội</a>
<a href="https://{host}/kinh-te">Kinh tế</a></nav>
<article>
<h1>{title}</h1>
<p>{lead}</p>
<p>{MORE.get(title, "")}</p>
</article>
<div class="related"><h3>Tin bài liên quan</h3><ul>
<li><a href="https://{host}/a.html">Khinh khí cầu bay trên bầu trời thành phố</a></li>
<li><a href="https://{host}/b.html">Những điểm đến mùa đông</a></li></ul></div>
<footer>© {name or host}. Liên hệ quảng cáo.</footer>
</body></html>"""


def story_pages() -> list[tuple[str, bytes]]:
    return [(url, page(url, title, lead).encode()) for url, title, lead in STORIES]


def write_warc(path: Path, records: list[tuple], gzipped: bool = True) -> None:
    """records: (kind, url, payload bytes, content type, status), kind "response" or "revisit"."""
    with open(path, "ab") as out:
        writer = WARCWriter(out, gzip=gzipped)
        if out.tell() == 0:  # a crawler's own first record
            writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests/crawls.py"}))
        for kind, url, payload, content_type, status in records:
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            if kind == "request":
                request = StatusAndHeaders(f"GET {url} HTTP/1.1", [("Host", "x")], is_http_request=True)
                record = writer.create_warc_record(url, "request", http_headers=request)
            elif kind == "revisit":
                record = writer.create_revisit_record(
                    url, "sha1:AAAA", url, "2025-01-01T00:00:00Z", http_headers=headers
                )
            else:
                record = writer.create_warc_record(
                    url, kind, payload=io.BytesIO(payload), length=len(payload), http_headers=headers
                )
            writer.write_record(record)


def request(url: str) -> tuple:
    return ("request", url, b"", "", "")


def html(url: str, payload: bytes, charset: str = "utf-8") -> tuple:
    return ("response", url, payload, f"text/html; charset={charset}", "200 OK")


def image(url: str) -> tuple:
    return ("response", url, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "image/png", "200 OK")


def not_found(url: str) -> tuple:
    return ("response", url, b"<html><body>Not found</body></html>", "text/html", "404 Not Found")


def revisit(url: str) -> tuple:
    return ("revisit", url, b"", "text/html", "200 OK")


def write_wacz(path: Path, warc: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(warc, f"archive/{warc.name}")
        archive.writestr("datapackage.json", json.dumps({"profile": "data-package"}))


def write_jsonl(path: Path, lines: list) -> None:
    """Each item is a dict (one JSON line) or a str (written as is: a broken line)."""
    text = "\n".join(
        item if isinstance(item, str) else json.dumps(item, ensure_ascii=False) for item in lines
    )
    data = (text + "\n").encode()
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
