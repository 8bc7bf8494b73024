"""Write the test pages whose bytes matter (Windows-1258, UTF-16, BOM + CRLF, NFD).

Run from tests/data to regenerate them: `python make_encoded.py`. Kept so that a reader can see
exactly how each file was made and add another encoding the same way.
"""

import unicodedata

TONES = "\u0300\u0301\u0309\u0303\u0323"


def cp1258_form(text: str) -> str:
    """Windows-1258 stores tone marks as combining characters after the base letter."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in TONES)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES)) + tones)
    return "".join(out)


XE_BUYT = """Đà Nẵng khai trương tuyến xe buýt điện ven biển
Sáng 1/7, thành phố Đà Nẵng chính thức đưa vào khai thác tuyến xe buýt điện chạy dọc đường Võ Nguyên Giáp, nối bãi biển Mỹ Khê với bán đảo Sơn Trà.
Mỗi ngày có 40 chuyến, giá vé 8.000 đồng; người cao tuổi và học sinh được miễn phí.
Lãnh đạo thành phố cho biết tuyến xe giúp giảm ùn tắc và khói bụi trong mùa du lịch hè.
"""
HOI_AN = """Hội An đón khách quốc tế trở lại dịp lễ hội đèn lồng
Đêm rằm tháng Giêng, phố cổ Hội An tắt điện để hàng nghìn chiếc đèn lồng được thắp sáng dọc sông Hoài.
Du khách quốc tế thả hoa đăng, thưởng thức cao lầu và mua đèn lồng làm quà lưu niệm.
"""
BAT_TRANG = """Nghệ nhân làng gốm Bát Tràng giữ nghề truyền thống
Nhiều nghệ nhân ở làng gốm Bát Tràng (Gia Lâm, Hà Nội) vẫn giữ kỹ thuật vuốt tay và nung lò củi truyền thống.
Sản phẩm gốm men rạn của làng được xuất khẩu sang Nhật Bản và châu Âu.
"""
HOC_SINH = """Học sinh miền núi đến trường bằng thuyền
Mùa nước lên, học sinh xã vùng cao phải đi thuyền qua hồ thủy điện để đến lớp. Thầy cô giáo thay nhau đưa đón các em mỗi sáng.
"""

if __name__ == "__main__":
    with open("vi/xe-buyt-cp1258.txt", "wb") as out:
        out.write(cp1258_form(XE_BUYT).replace("\n", "\r\n").encode("cp1258"))
    with open("vi/hoi-an-utf16.txt", "wb") as out:
        out.write(HOI_AN.encode("utf-16"))
    with open("vi/gom-bat-trang-bom-crlf.txt", "wb") as out:
        out.write(("\ufeff" + BAT_TRANG.replace("\n", "\r\n")).encode("utf-8"))
    with open("vi/hoc-sinh-nfd.txt", "w", encoding="utf-8") as out:
        out.write(unicodedata.normalize("NFD", HOC_SINH))
