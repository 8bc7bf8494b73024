"""Nothing -> every rule that tells a site's navigation from its article, as data (no logic here).

lines.py (the line rules of both extractors), extract_text.py and extract_html.py read these
lists; adding a wording a new site uses is a one-line change here. Headings are compared after
`heading_key()` in lines.py: canonical Vietnamese, lower case, trailing ":" and "»" removed,
spaces collapsed.
"""

import re

# A line that is only one of these opens a navigation section: related or most-read lists,
# multimedia teasers, share and comment widgets. Everything after it, to the end of the page,
# is navigation (scraped dumps put the article first and the site's rails after it).
# fmt: off
SECTION_HEADINGS = {
    # Vietnamese
    "tin bài liên quan", "các tin bài khác", "tin liên quan", "bài liên quan", "tin khác",
    "các tin khác", "tin cùng chuyên mục", "bài cùng chuyên mục", "cùng chuyên mục",
    "tin tức liên quan", "bài viết liên quan", "các bài viết liên quan", "bài viết khác",
    "đọc nhiều", "đọc nhiều nhất", "tin đọc nhiều", "bài đọc nhiều", "xem nhiều", "xem nhiều nhất",
    "đọc thêm", "xem thêm", "tin mới", "tin mới nhất", "mới nhất", "tin nổi bật", "nổi bật",
    "tin tiêu điểm", "tiêu điểm", "tin nóng", "tin hot", "có thể bạn quan tâm",
    "bạn có thể quan tâm", "có thể bạn chưa đọc", "đừng bỏ lỡ", "tin cùng sự kiện",
    "dòng sự kiện", "chủ đề", "từ khóa", "từ khoá", "thẻ", "tags", "tag",
    "chia sẻ", "chia sẻ bài viết", "bình luận", "ý kiến", "ý kiến bạn đọc", "gửi bình luận",
    "viết bình luận", "ý kiến của bạn", "bạn đọc bình luận", "multimedia", "video", "videos",
    "infographic", "infographics", "ảnh", "podcast", "emagazine", "e-magazine", "longform",
    "tin ảnh", "phóng sự ảnh", "theo dòng sự kiện", "tin mới cập nhật", "có liên quan",
    "bài viết mới", "bài mới", "tin mới đăng", "có thể bạn thích", "bài viết cùng chuyên mục",
    "tin nổi bật khác", "tin khác cùng chuyên mục", "xem tiếp", "tin liên quan khác",
    "tin cùng chủ đề", "tin xem nhiều",
    # English
    "related", "related articles", "related news", "related posts", "related stories",
    "related content", "read more", "read also", "see also", "more from", "more news",
    "more stories", "more on this story", "most viewed", "most read", "most popular", "popular",
    "trending", "trending now", "latest", "latest news", "recommended", "recommended for you",
    "you may also like", "you might also like", "you may be interested", "editor's picks",
    "editors' picks", "don't miss", "top stories", "share", "share this", "share this article",
    "share this story", "reactions", "comments", "leave a comment", "leave a reply", "topics",
    "keywords", "follow us", "newsletter", "sign up for our newsletter", "advertisement",
}
# fmt: on

# Whole lines that are site chrome wherever they stand (login, social, copyright, paging).
# fmt: off
UI_LINES = {
    "log in", "login", "sign in", "sign up", "register", "subscribe", "log out", "search",
    "menu", "home", "print", "email", "facebook", "twitter", "zalo", "youtube", "linkedin",
    "đăng nhập", "đăng ký", "đăng xuất", "tìm kiếm", "trang chủ", "in bài", "gửi bài",
    "lưu bài", "quay lại", "về đầu trang", "lên đầu trang", "back to top", "top", "rss",
    "like", "tweet", "copy link", "sao chép liên kết", "chia sẻ facebook", "chia sẻ zalo",
}
# fmt: on

# `[Video] title`: a teaser for another story, never part of the article.
MEDIA_TAG = re.compile(
    r"^\[(video|videos|clip|infographics?|inforgraphics?|ảnh|photos?|gallery|podcast|audio|"
    r"emagazine|e-magazine|longform|interactive|live|trực tiếp|phóng sự ảnh)\]",
    re.I,
)

# Markdown images and links as HTML-to-text converters leave them: `![alt](src)`, `[text](href)`.
# A match is one only when its group "end" (the closing parenthesis) is set. Each pattern also
# matches what merely begins like one, a "[" up to its "]" or to the end of the line when never
# closed, or "](" to the end of the line when no ")" follows, so that a search goes on after it:
# a line of 300,000 "[" is then read once, not once per bracket (minutes, the pattern
# `\[[^\]]*\]\([^)]*\)` alone). Everything after "[" is optional: no backtracking either.
# lines.without_markup() and lines.starts_with_image() apply them.
IMAGE = re.compile(r"!\[[^\]]*(?:\](?:\([^)]*(?P<end>\))?)?)?")
LINK = re.compile(r"(?<!!)\[[^\]]*(?:\](?:\([^)]*(?P<end>\))?)?)?")

COPYRIGHT = re.compile(
    r"^(©|\(c\)\s|copyright\b|bản quyền\b|all rights reserved|giấy phép\b|"
    r"ghi rõ nguồn|không được sao chép|license\b|tổng biên tập\s*:)",
    re.I,
)

# "Theo dõi chúng tôi trên Google News", "Follow us on Facebook": social widgets.
SOCIAL = re.compile(
    r"^(?:theo dõi|follow|like|subscribe|đăng ký|tải ứng dụng|download).{0,60}"
    r"\b(?:google news|facebook|zalo|youtube|tiktok|twitter|instagram|telegram|kênh|channel|app)\b",
    re.I,
)

# "Theo TTXVN", "Nguồn: VnExpress", "By Jane Doe", "Bài và ảnh: Minh Anh": kept as the byline.
BYLINE = re.compile(
    r"^(?:theo(?!\s+dõi)|nguồn|source|by|tác giả|bài(?: và ảnh)?|ảnh|phóng viên|pv|written by|"
    r"reported by|story by)(?:\s*[:\-])?\s+(?P<name>[^.!?]{2,60})$",
    re.I,
)

# "Từ khóa: cao tốc, Hà Nội", "Tags: ...": the page's tag line (compared after NFC).
TAG_LINE = re.compile(r"^(?:từ khóa|từ khoá|thẻ|tags?|keywords?|chủ đề)\s*:", re.I)

# A breadcrumb: short items joined by ">", "»", "›" or "/" ("Trang chủ > Thế giới > Châu Âu").
BREADCRUMB = re.compile(r"^[^>»›/|]{1,30}(?:\s+[>»›/|]\s+[^>»›/|]{1,30}){1,5}$")

# A dateline is short; a date inside a body sentence ("ngày 30/11/2021, tại ...") is not one.
DATELINE_MAX_WORDS = 10
# Words that stand beside the date in a dateline (weekdays, "Cập nhật lúc", "Posted on"), and
# how many other words it may hold ("HANOI, May 3, 2025"; "By Jane Doe | March 18, 2025"). A
# line with more, or with other words and a full stop, is a sentence about a day.
# fmt: off
DATELINE_WORDS = {
    "ngày", "lúc", "vào", "cập", "nhật", "đăng", "xuất", "bản", "giờ", "sáng", "trưa", "chiều",
    "tối", "thứ", "hai", "ba", "tư", "năm", "sáu", "bảy", "chủ", "cn", "t2", "t3", "t4", "t5",
    "t6", "t7", "posted", "published", "updated", "update", "last", "modified", "on", "at",
    "date", "time", "gmt", "utc", "ict", "am", "pm", "monday", "mon", "tuesday", "tue", "tues",
    "wednesday", "wed", "thursday", "thu", "thur", "thurs", "friday", "fri", "saturday", "sat",
    "sunday", "sun",
}
# fmt: on
DATELINE_OTHER_WORDS = 3
# Words in a line at most this many is a "short" line: a menu entry or a heading, not prose.
SHORT_LINE_WORDS = 4
# A run of at least this many short lines without end punctuation is a menu.
MENU_RUN = 3
# Lines searched for the title: banners and menus before it are rarely longer than this.
TITLE_SEARCH_LINES = 12


# --- HTML pages (extract_html.py) ---------------------------------------------------------

# Elements that never hold article text.
# fmt: off
STRIP_TAGS = [
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "iframe", "svg", "button", "input", "select", "textarea", "object", "embed", "canvas",
    "dialog", "menu",
]
# fmt: on
# class/id words of widgets: related and most-read boxes, share and comment blocks, menus,
# cookie banners, ads. Strong words count anywhere in a class ("jp-relatedposts"); short
# ones only as whole words ("nav", not "canvas").
WIDGET_ANYWHERE = re.compile(
    r"related|relate|sharing|share|social|comment|binhluan|binh-luan|breadcrumb|"
    r"cookie|consent|gdpr|advert|quangcao|quang-cao|newsletter|subscribe|popup|modal|"
    r"most-?read|most-?viewed|mostpopular|trending|recommend|"
    r"tinlienquan|lienquan|lien-quan|xemthem|xem-them|doc-them|box-tin|author-box|pagination",
    re.I,
)
WIDGET_WORDS = re.compile(
    r"(?:^|[\s_-])(menu|navbar|nav|navigation|banner|ads?|promo|keywords?|"
    r"login|signin|toolbar|masthead|colophon|topbar)(?:$|[\s_-])",
    re.I,
)
# Words of the layout that name widgets on most sites, but that some sites' builders give
# every block ("elementor-widget", "main sidebar_right", "entry-content-read-more",
# WordPress's "tag-SLUG" on a post): a page whose story these names would hide is read again
# without them (extract/story.py).
LAYOUT_ANYWHERE = re.compile(r"sidebar|readmore|read-more|widget", re.I)
LAYOUT_WORDS = re.compile(r"(?:^|[\s_-])(tags?|footer|header)(?:$|[\s_-])", re.I)
# Photo captions and the lead paragraph ("sapo"), which sites often set outside the body.
CAPTION_HINTS = re.compile(r"caption|(?:^|[\s_-])(image|photo|pic|img)(?:$|[\s_-])", re.I)
LEAD_HINTS = re.compile(r"sapo|description|(?:^|[\s_-])(lead|summary|chapeau|excerpt|standfirst)", re.I)
AUTHOR_HINTS = re.compile(r"author|byline|tac-?gia", re.I)
BODY_HINTS = re.compile(
    r"articlebody|article-?body|article-?content|post-?content|entry-?content|story-?body|"
    r"detail-?content|content-?detail|fck_detail|news-?content|main-?content|singular-?content",
    re.I,
)
# A block whose text is mostly link text is a list of other stories, not prose.
MAX_LINK_DENSITY = 0.5
# Where a page states its date (html_dates.py): head metadata, publication first, lower case.
# fmt: off
PUBLISHED_META = (
    "article:published_time", "datepublished", "og:published_time", "pubdate", "publishdate",
    "publish-date", "publish_date", "article.published", "parsely-pub-date", "sailthru.date",
    "dc.date.issued", "dc.date", "dc.date.created", "date", "citation_publication_date",
)
MODIFIED_META = (
    "article:modified_time", "og:updated_time", "datemodified", "dc.date.modified",
    "last-modified", "lastmod",
)
# fmt: on
# class, id or itemprop words of an element holding the date ("date", "detail-time",
# "the-article-publish"), and of one holding the date of an update.
DATE_HINTS = re.compile(r"date|time|publish|posted|ngay-?dang", re.I)
UPDATE_HINTS = re.compile(r"update|modif", re.I)
