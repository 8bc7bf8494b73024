"""A story and its site -> the page a crawler saved of it: a text dump or an HTML page.

Text dumps follow one of TEXT_LAYOUTS line layouts (a site keeps its own): the site's banner,
menu line or breadcrumb, a dateline before or after the title or beside the reporter's name,
a lead, a photo line with its caption, the story's paragraphs, a byline, then what a dump of a
news page ends with: tags, share buttons, related and most-read titles, `[Video]` teasers, a
copyright footer. Image links name the site's domain, as a dump's links do.

HTML pages follow one of HTML_LAYOUTS templates (semantic HTML5, a div layout of the 2010s, a
table layout, a CMS's BEM classes), with the site's own class prefix: a head with a title,
og: tags, a canonical link, article:published_time and/or JSON-LD, as the site's metadata
choices say; the same menu, most-read box, footer, style and script on all of the site's
pages; the story in paragraphs with a figure, an ad slot and sometimes a related-link box
inside it; its date shown beside the headline.

The language's words hold no `<`, `>`, `&` or `"`: text goes into the HTML as it is.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime

from bench.sites import Site, slug_of

TEXT_LAYOUTS = 4
HTML_LAYOUTS = 4
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
POPULAR_SHOWN = 8  # of the site's most-read titles, in its most-read box (text dumps: 4)
LATEST_SHOWN = 6


@dataclass
class Story:
    """What one page tells: the article (as a perfect extractor would keep it) and its place."""

    number: int
    site: Site
    date: datetime  # aware, Vietnam time
    section: str
    title: str
    lead: str
    caption: str
    paragraphs: list[str]
    byline: str  # "Theo TTXVN", "Bài và ảnh: Lê Minh Anh"
    reporter: str
    tags: list[str]
    related: list[str]  # titles of other stories on the site
    latest: list[str]  # from the site's recent titles
    popular: list[str]  # from the site's most-read titles
    original: int | None = None  # the page this one is a syndicated copy of
    image: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return f"{slug_of(self.title)[:80].rstrip('-')}-{self.number}"

    @property
    def url(self) -> str:
        return self.site.url(self.section, self.slug)

    @property
    def text(self) -> str:
        """The article's text: title, lead, caption and paragraphs (what the index should hold)."""
        return "\n".join([self.title, self.lead, self.caption, *self.paragraphs])

    def image_url(self, number: int | None = None) -> str:
        return f"https://img.{self.site.domain}/{self.date:%Y/%m}/{number or self.image}.jpg"


def dateline(date: datetime, style: int) -> str:
    """A date as the site shows it: "Thứ Ba, 18/03/2025 - 09:45 (GMT+7)" and five others."""
    weekday = WEEKDAYS[date.weekday()]
    if style == 0:
        return f"{weekday}, {date:%d/%m/%Y - %H:%M} (GMT+7)"
    if style == 1:
        return f"{date:%d/%m/%Y %H:%M}"
    if style == 2:
        return f"Đăng lúc {date:%H:%M} ngày {date:%d/%m/%Y}"
    if style == 3:
        return f"{weekday}, ngày {date.day}/{date.month}/{date.year}, {date:%H:%M}"
    if style == 4:
        return f"Ngày {date.day} tháng {date.month} năm {date.year}, {date:%H:%M}"
    return f"{date:%d-%m-%Y - %H:%M} GMT+7"


# -- text dumps -------------------------------------------------------------------------------


def text_page(story: Story) -> str:
    site, date = story.site, story.date
    shown = dateline(date, site.dateline)
    photo = [f"![{story.caption[:40]}]({story.image_url()}) |", f"| {story.caption} |"]
    body = story.paragraphs
    related = [site.related_heading, "", *story.related]
    popular = [site.popular_heading, "", *story.popular[:4]]
    footer = [
        f"© {date.year} {site.name}. Giấy phép số {site.licence}.",
        f"Tổng biên tập: {site.editor}",
    ]
    layout = site.text_layout
    if layout == 0:  # as the seeds: title, photo, story, related, most read, video teasers
        lines = [
            story.title,
            shown,
            *photo,
            story.lead,
            *body,
            story.byline,
            *related,
            *popular,
            "Multimedia",
        ]
        for number, teaser in enumerate(story.popular[4:7]):
            lines += [
                f"![[Video] {teaser}]({story.image_url(story.image + number + 1)})",
                f"[Video] {teaser}",
            ]
    elif layout == 1:  # banner, breadcrumb and dateline above the title; tags and a footer
        lines = [
            site.name.upper(),
            f"Trang chủ > {story.section}",
            shown,
            story.title,
            story.lead,
            *body[:2],
            *photo,
            *body[2:],
            story.byline,
            f"Từ khóa: {', '.join(story.tags)}",
            *related,
            *popular,
            *footer,
            f"Theo dõi {site.name} trên Google News",
        ]
    elif layout == 2:  # a menu line; the dateline under the lead; share buttons, latest titles
        lines = [
            " | ".join(site.sections[:6]),
            story.title,
            story.lead,
            shown,
            *photo,
            *body,
            story.byline,
            "Chia sẻ",
            "Facebook",
            "Zalo",
            *related,
            site.latest_heading,
            "",
            *story.latest[:5],
            *footer,
        ]
    else:  # the reporter's name beside the date; comments
        lines = [
            site.name.upper(),
            story.title,
            f"{story.reporter} | {shown}",
            story.lead,
            *body[:3],
            *photo,
            *body[3:],
            story.byline,
            "Bình luận",
            "Chưa có bình luận nào. Hãy là người đầu tiên bình luận.",
            *related,
            *popular,
            *footer,
        ]
    return "\n".join(lines) + "\n"


# -- HTML pages -------------------------------------------------------------------------------


def _chrome(site: Site) -> dict[str, str]:
    """A site's chrome, the same on all its pages: made once per site and process."""
    if not site.chrome:
        c, home = site.css, f"https://www.{site.domain}"
        sections = "".join(f'<li><a href="{home}/{slug_of(s)}">{s}</a></li>' for s in site.sections)
        popular = "".join(
            f'<li><a href="{home}/doc-nhieu/{slug_of(t)[:60]}-{n}.html">{t}</a></li>'
            for n, t in enumerate(site.popular[:POPULAR_SHOWN])
        )
        site.chrome.update(
            {
                "style": (
                    f"<style>body{{margin:0;font-family:Arial,sans-serif}}.{c}wrap{{max-width:1140px;margin:0 auto}}"
                    f".{c}menu li{{display:inline-block;padding:0 8px}}.{c}title{{font-size:32px;line-height:1.3}}"
                    f".{c}sapo{{font-weight:700}}.{c}body p{{margin:0 0 16px;line-height:1.6}}"
                    f".{c}box h3{{border-bottom:2px solid #c00}}.{c}footer{{background:#f5f5f5;padding:20px}}"
                    f"@media (max-width:768px){{.{c}sidebar{{display:none}}.{c}title{{font-size:24px}}}}</style>"
                ),
                "script": (
                    "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}"
                    f"gtag('js',new Date());gtag('config','G-{site.number:04d}{site.licence[:3]}');"
                    f"var _site={{id:{site.number},domain:'{site.domain}',zone:'detail'}};</script>"
                ),
                "menu": f'<ul class="{c}menu">{sections}</ul>',
                "logo": f'<a class="{c}logo" href="{home}/" title="{site.name}">{site.name}</a>',
                "popular": f'<h3 class="{c}box-title">{site.popular_heading}</h3><ol class="{c}most-read">{popular}</ol>',
                "footer": (
                    f'<ul class="{c}footer-menu">{sections}</ul>'
                    f"<p>© {site.name}. Giấy phép số {site.licence} của Bộ Thông tin và Truyền thông.</p>"
                    f"<p>Tổng biên tập: {site.editor}</p>"
                    f"<p>Địa chỉ: số {site.number + 12} đường {site.sections[0]}, Hà Nội. Điện thoại: 024 3{site.number:03d} 4567</p>"
                    f"<p>Không được sao chép khi chưa có sự đồng ý của {site.name}.</p>"
                ),
            }
        )
    return site.chrome


def _head(story: Story) -> str:
    site, url = story.site, story.url
    published = story.date.isoformat()
    meta = site.metadata
    head = [
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">',
        f"<title>{story.title} - {site.name}</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="description" content="{story.lead[:160]}">',
    ]
    if "canonical" in meta:
        head.append(f'<link rel="canonical" href="{url}">')
    if "og_type" in meta:
        head.append('<meta property="og:type" content="article">')
    if "og_title" in meta:
        head.append(f'<meta property="og:title" content="{story.title}">')
    if "og_url" in meta:
        head.append(f'<meta property="og:url" content="{url}">')
    if site.calls_itself:
        head.append(f'<meta property="og:site_name" content="{site.calls_itself}">')
    head.append(f'<meta property="og:image" content="{story.image_url()}">')
    if "published_time" in meta:
        head.append(f'<meta property="article:published_time" content="{published}">')
    head.append(f'<meta property="article:section" content="{story.section}">')
    if "json_ld" in meta:
        item = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": story.title,
            "datePublished": published,
            "dateModified": published,
            "mainEntityOfPage": url,
            "image": [story.image_url()],
            "author": {"@type": "Person", "name": story.reporter},
        }
        if site.calls_itself:  # a site that gives its domain in og:site_name often names itself here
            publisher = site.name if site.calls_itself == site.domain else site.calls_itself
            item["publisher"] = {"@type": "Organization", "name": publisher}
        head.append(f'<script type="application/ld+json">{json.dumps(item, ensure_ascii=False)}</script>')
    chrome = _chrome(site)
    head += [f'<link rel="stylesheet" href="https://static.{site.domain}/css/main.css">', chrome["style"]]
    head += [chrome["script"], "</head>"]
    return "".join(head)


def _body(story: Story, body_class: str) -> str:
    """The story's paragraphs, with a figure, an ad slot and, on some sites, a box of links."""
    c = story.site.css
    paragraphs = [f"<p>{p}</p>" for p in story.paragraphs]
    figure = (
        f'<figure class="{c}image"><img src="{story.image_url()}" alt="{story.caption[:60]}">'
        f"<figcaption>{story.caption}</figcaption></figure>"
    )
    paragraphs.insert(min(2, len(paragraphs)), figure)
    paragraphs.insert(
        min(5, len(paragraphs)), f'<div class="{c}ads ads"><div id="ad-{story.number % 7}"></div></div>'
    )
    if story.site.number % 3 == 0 and story.related:
        link = story.site.url(story.section, f"{slug_of(story.related[0])[:60]}-r{story.number}")
        paragraphs.insert(
            min(7, len(paragraphs)),
            f'<div class="{c}relate-inline">Xem thêm: <a href="{link}">{story.related[0]}</a></div>',
        )
    return f'<div class="{body_class}">{"".join(paragraphs)}<p class="{c}author"><strong>{story.byline}</strong></p></div>'


def _links(story: Story, titles: list[str], with_time: bool = False) -> str:
    site, c = story.site, story.site.css
    items = []
    for n, title in enumerate(titles):
        link = site.url(story.section, f"{slug_of(title)[:60]}-{story.number % 997}{n}")
        when = (
            f' <time class="{c}time">{story.date:%d/%m/%Y} {8 + n}:{(story.number + 7 * n) % 60:02d}</time>'
        )
        items.append(f'<li><a href="{link}">{title}</a>{when if with_time else ""}</li>')
    return "".join(items)


def _tags(story: Story) -> str:
    home = f"https://www.{story.site.domain}/tag"
    return "".join(f'<a href="{home}/{slug_of(tag)}">{tag}</a> ' for tag in story.tags)


def html_page(story: Story) -> str:
    site, c = story.site, story.site.css
    chrome = _chrome(site)
    shown = dateline(story.date, site.dateline)
    when = f'<time datetime="{story.date.isoformat()}">{shown}</time>'
    home = f"https://www.{site.domain}"
    breadcrumb = (
        f'<a href="{home}/">Trang chủ</a> › <a href="{home}/{slug_of(story.section)}">{story.section}</a>'
    )
    related = f"<h3>{site.related_heading}</h3><ul>{_links(story, story.related)}</ul>"
    latest = f"<h3>{site.latest_heading}</h3><ul>{_links(story, story.latest, with_time=True)}</ul>"
    layout = site.html_layout
    if layout == 0:  # semantic HTML5
        page = (
            f'<body><header class="{c}header"><div class="{c}wrap">{chrome["logo"]}'
            f'<nav class="{c}nav">{chrome["menu"]}</nav></div></header>'
            f'<main class="{c}wrap"><div class="{c}breadcrumb">{breadcrumb}</div>'
            f'<article class="{c}article"><h1 class="{c}title">{story.title}</h1>'
            f'<div class="{c}meta"><span class="{c}author-name">{story.reporter}</span> {when}</div>'
            f'<p class="{c}sapo">{story.lead}</p>{_body(story, f"{c}body article-body")}'
            f'<div class="{c}tags">Từ khóa: {_tags(story)}</div>'
            f'<div class="{c}share"><a href="#">Facebook</a> <a href="#">Zalo</a> <a href="#">Copy link</a></div>'
            f'</article><section class="{c}box {c}related">{related}</section></main>'
            f'<aside class="{c}sidebar">{chrome["popular"]}{latest}</aside>'
            f'<footer class="{c}footer">{chrome["footer"]}</footer></body></html>'
        )
    elif layout == 1:  # divs of the 2010s
        page = (
            f'<body><div id="wrapper"><div class="{c}top-bar">{chrome["logo"]} <a href="#">Đăng nhập</a></div>'
            f'<div class="{c}menu-main">{chrome["menu"]}</div><div class="container"><div class="{c}col-left">'
            f'<div class="{c}breadcrumb">{breadcrumb}</div><span class="{c}date">{shown}</span>'
            f'<h1 class="{c}title-detail">{story.title}</h1><p class="{c}description">{story.lead}</p>'
            f"{_body(story, f'{c}fck_detail')}"
            f'<div class="{c}box-tinlienquan">{related}</div>'
            f'<div class="{c}comment"><h3>Ý kiến bạn đọc</h3><p>Chưa có ý kiến nào.</p></div></div>'
            f'<div class="{c}col-right"><div class="{c}box-most-read">{chrome["popular"]}</div>'
            f'<div class="{c}box-latest">{latest}</div></div></div>'
            f'<div id="footer" class="{c}footer">{chrome["footer"]}</div></div></body></html>'
        )
    elif layout == 2:  # a table layout, as older sites have
        page = (
            f'<body><table class="{c}layout" width="100%"><tr><td colspan="2" class="{c}banner">{chrome["logo"]}'
            f'{chrome["menu"]}</td></tr><tr><td class="{c}main" valign="top">'
            f'<div class="{c}path">{breadcrumb}</div><div class="{c}news-title"><h1>{story.title}</h1></div>'
            f'<div class="{c}news-date">{shown}</div><div class="{c}news-lead"><b>{story.lead}</b></div>'
            f"{_body(story, f'{c}news-content')}"
            f'<table class="{c}other-news"><tr><td>{related}</td></tr></table></td>'
            f'<td class="{c}right" valign="top" width="300">{chrome["popular"]}{latest}</td></tr>'
            f'<tr><td colspan="2" class="{c}bottom">{chrome["footer"]}</td></tr></table></body></html>'
        )
    else:  # a CMS's BEM classes
        page = (
            f'<body><header class="site-header">{chrome["logo"]}<div class="{c}dropdown">{chrome["menu"]}</div></header>'
            f'<div class="site-body"><div class="article"><div class="breadcrumb">{breadcrumb}</div>'
            f'<div class="article__header"><h1 class="article__title">{story.title}</h1>'
            f'<time class="article__time" datetime="{story.date.isoformat()}">{story.date:%d/%m/%Y %H:%M}</time></div>'
            f'<div class="article__sapo"><p>{story.lead}</p></div>{_body(story, "article__body cms-body")}'
            f'<div class="article__footer"><div class="related-news">{related}</div>'
            f'<div class="article__tag"><span>từ khóa</span> {_tags(story)}</div></div></div>'
            f'<section class="zone zone--list">{latest}</section>'
            f'<div class="{c}most">{chrome["popular"]}</div></div>'
            f'<footer class="site-footer">{chrome["footer"]}</footer></body></html>'
        )
    return _head(story) + page + "\n"
