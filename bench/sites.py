"""A seed -> the 50 news sites of the archive corpus: who each is and how its pages look.

Each site has a name and a domain of its own (fictional, under the reserved `.example`), a
share of the archive (a few large sites, a long tail of small ones), the way its metadata
names it (its name, its name in capitals, its domain, or nothing), a menu of sections, the
headings of its related and most-read boxes, how it writes a date, and one of the layouts of
bench/pages.py for its text dumps and for its HTML pages, with class names of its own. Data
and choices only; bench/pages.py renders the pages.
"""

import random
import unicodedata
from dataclasses import dataclass, field

from bench.syllables import FAMILY, MIDDLE

# Name stems: a paper's prefix and a place or landmark, as Vietnamese outlets are named.
# fmt: off
PLACES = [
    "Sông Hồng", "Cửu Long", "Tây Nguyên", "Hạ Long", "Trường Sơn", "Bạch Đằng", "Phương Nam",
    "Sông Đà", "Lam Hồng", "Miền Trung", "Ngũ Hành", "Hồ Gươm", "Tràng An", "Hương Giang",
    "Phố Hiến", "Kinh Bắc", "Sông Thương", "Tam Đảo", "Ba Vì", "Mê Kông", "Bến Nghé",
    "Đồng Tháp Mười", "Hòn Gai", "Núi Ngự", "Sông Lam", "Hồng Lĩnh", "Tây Hồ", "Sông Mã",
    "Bảy Núi", "Lang Biang", "Cù Lao", "Sông Tiền", "Sông Hậu", "Vịnh Xuân", "Đèo Cả",
    "Cao Nguyên", "Đất Mũi", "Sông Gianh", "Thạch Hãn", "Non Nước", "Hải Vân", "Sông Cầu",
    "Yên Tử", "Côn Sơn", "Bình Minh", "Sao Mai", "Ánh Dương", "Phù Sa", "Đồng Xanh", "Biển Đông",
]
PREFIXES = [
    ("Báo", "bao"), ("Báo điện tử", "baodientu"), ("Tin tức", "tintuc"), ("Thời báo", "thoibao"),
    ("Nhật báo", "nhatbao"), ("Tạp chí", "tapchi"), ("Tin nhanh", "tinnhanh"), ("Đời sống", "doisong"),
]
SECTIONS = [
    "Thời sự", "Chính trị", "Kinh tế", "Xã hội", "Thế giới", "Pháp luật", "Giáo dục", "Sức khỏe",
    "Văn hóa", "Giải trí", "Thể thao", "Công nghệ", "Du lịch", "Bất động sản", "Xe", "Đời sống",
    "Bạn đọc", "Môi trường", "Nông nghiệp", "Tài chính", "Chứng khoán", "Khoa học", "Ẩm thực",
    "Tiêu dùng", "Việc làm", "Nhà đất", "Quốc tế", "An ninh", "Giao thông", "Đô thị",
]
# The headings of a site's boxes of other stories, as noise.py knows them (dumps cut there).
RELATED_HEADINGS = [
    "Tin liên quan", "Tin bài liên quan", "Bài viết liên quan", "Tin cùng chuyên mục",
    "Có thể bạn quan tâm", "Đọc thêm", "Tin khác", "Xem thêm",
]
POPULAR_HEADINGS = ["Đọc nhiều", "Xem nhiều", "Tin đọc nhiều", "Đọc nhiều nhất", "Tin nổi bật"]
LATEST_HEADINGS = ["Tin mới", "Mới nhất", "Tin mới nhất", "Tin mới cập nhật"]
AGENCIES = ["TTXVN", "VNA", "Reuters", "AFP", "Chinhphu.vn", "VOV", "Nhân Dân"]
# fmt: on
SITES = 50
SITE_ZIPF = 0.8  # a site's share of the archive by its rank: the first holds 9%, the last 0.5%
POPULAR_TITLES = 30  # a site's most-read titles (its popular box shows some of them)
LATEST_TITLES = 60  # a site's recent titles (its latest box shows some of them)
TEXT_LAYOUTS = 4  # bench/pages.py: TEXT_LAYOUTS
HTML_LAYOUTS = 4  # bench/pages.py: HTML_LAYOUTS
DATELINES = 6  # bench/pages.py: dateline formats


@dataclass
class Site:
    number: int
    name: str  # "Báo Sông Hồng"
    domain: str  # "baosonghong.example": what results are grouped by
    folder: str  # the corpus folder of its pages
    share: float  # of the archive's pages
    calls_itself: str  # what og:site_name (or the JSON-LD publisher) says; "" for nothing
    sections: list[str]
    related_heading: str
    popular_heading: str
    latest_heading: str
    text_layout: int
    html_layout: int
    dateline: int  # format of its visible dates
    css: str  # its class names' prefix
    metadata: set[str]  # which of: canonical, og_url, og_title, published_time, json_ld, og_type
    editor: str  # the editor in chief its footer names
    licence: str  # its press licence number
    popular: list[str] = field(default_factory=list)  # titles, filled by the generator
    latest: list[str] = field(default_factory=list)
    chrome: dict[str, str] = field(default_factory=dict, repr=False)  # bench/pages.py fills it

    def url(self, section: str, slug: str) -> str:
        return f"https://www.{self.domain}/{slug_of(section)}/{slug}.html"


def slug_of(text: str) -> str:
    """A URL slug: "Thời sự" -> "thoi-su"."""
    return "-".join(fold(text).split()).strip("-")


def _fold_table() -> dict[int, str]:
    """Each Latin letter to its lower-case base letter, any other character below U+1F00 to
    a space: one str.translate folds a title (a character at a time in Python is slow)."""
    table = {}
    for code in range(0x1F00):
        char = chr(code).lower()
        base = unicodedata.normalize("NFD", char.replace("đ", "d"))[:1]
        table[code] = base if base.isascii() and base.isalnum() else " "
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Lower case, accents and punctuation gone: "Thời sự, 24h" -> "thoi su  24h"."""
    return text.translate(_FOLD)


def make_sites(seed: int = 1) -> list[Site]:
    """The archive's 50 sites, the same for a seed."""
    rng = random.Random(f"{seed}/sites")
    weights = [(rank + 1) ** -SITE_ZIPF for rank in range(SITES)]
    total = sum(weights)
    sites = []
    for number, place in enumerate(PLACES[:SITES]):
        prefix, short = PREFIXES[number % len(PREFIXES)]
        name = f"{prefix} {place}"
        domain = f"{short}{''.join(fold(place).split())}.example"
        kind = rng.random()
        # Most name themselves; some shout (TUOI TRE ONLINE), some give their domain, a few nothing.
        calls_itself = name if kind < 0.7 else name.upper() if kind < 0.8 else domain if kind < 0.9 else ""
        metadata = {"canonical", "og_title", "og_type"}
        metadata |= {flag for flag in ("og_url", "published_time", "json_ld") if rng.random() < 0.6}
        if not metadata & {"published_time", "json_ld"}:
            metadata.add(rng.choice(("published_time", "json_ld")))  # every site dates its pages
        if rng.random() < 0.1:
            metadata.discard("canonical")
            metadata.add("og_url")  # a page still says its address
        family = rng.choice(FAMILY)[0]
        sites.append(
            Site(
                number=number,
                name=name,
                domain=domain,
                folder=domain.split(".")[0],
                share=weights[number] / total,
                calls_itself=calls_itself,
                sections=rng.sample(SECTIONS, rng.randint(8, 16)),
                related_heading=rng.choice(RELATED_HEADINGS),
                popular_heading=rng.choice(POPULAR_HEADINGS),
                latest_heading=rng.choice(LATEST_HEADINGS),
                text_layout=rng.randrange(TEXT_LAYOUTS),
                html_layout=rng.randrange(HTML_LAYOUTS),
                dateline=rng.randrange(DATELINES),
                css=rng.choice(("", "tt-", "news-", "sh-", "vn-", "x")) + short[:3] + "-",
                metadata=metadata,
                editor=f"{family} {rng.choice(MIDDLE)} {rng.choice(('Minh', 'Hà', 'Tuấn', 'Lan', 'Hùng', 'Thu'))}",
                licence=f"{rng.randint(10, 999)}/GP-BTTTT",
            )
        )
    return sites
