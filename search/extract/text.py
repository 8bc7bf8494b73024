"""A text dump (one paragraph or widget per line) -> Article | None, each dropped line with why.

Navigation noise (related lists, "Đọc nhiều", `[Video]` teasers, share widgets, menus, footers)
is dropped, and each dropped line is recorded with its reason so `search extract --explain` can
show what happened on a new site. Text is NFC; the author's own tone placement is kept (the
analyzers canonicalize it for matching). The rules themselves are data in noise.py; the line
rules that read them are in lines.py.
"""

from typing import TYPE_CHECKING

from search import noise
from search.dates import Found, best, dateline_date
from search.lines import (
    END_PUNCTUATION,
    REPEATED,
    Article,
    Dropped,
    clean_line,
    cut_line,
    line_label,
    site_of_text,
)

if TYPE_CHECKING:
    from search.boilerplate import Template


def extract_text(
    path: str, text: str, template: "Template | None" = None, titled: bool = False
) -> Article | None:
    """Extract an article from a line-based text dump (one paragraph or widget per line).

    `template` (from boilerplate.learn_template over the corpus) marks the lines the page's
    site repeats on its other pages. `titled`: the first line is the title (a crawler's item
    says so), however short.
    """
    cut: list[Dropped] = []
    lines = [clean_line(cut_line(path, line, cut)) for line in text.split("\n")]
    labels: list[str | None] = [line_label(line) for line in lines]
    if template is not None:
        for at, line in enumerate(lines):
            if line and labels[at] is None and template.has(path, line):
                labels[at] = REPEATED
    _label_duplicates(lines, labels)

    title_at = 0 if titled and lines and lines[0] else _find_title(lines, labels, path, template)
    if title_at is None:
        return None
    site = site_of_text(text) or (template.domain(path) if template else None)
    article = Article(path=path, title=lines[title_at], body=[], site=site)

    # Before the title: site banners, menus, login links; a dateline may stand there too.
    before: list[tuple[Found, Dropped]] = []
    for at in range(title_at):
        if lines[at]:
            article.dropped.append(Dropped(lines[at], labels[at] or "banner before the title"))
            if labels[at] == "dateline":
                before.append((dateline_date(lines[at]), article.dropped[-1]))
    after: list[tuple[Found, Dropped]] = []
    labels[title_at] = "title"
    _label_menus(lines, labels, title_at + 1)

    section = None
    for at in range(title_at + 1, len(lines)):
        line, label = lines[at], labels[at]
        if not line:
            continue
        if section:
            label = f'navigation section (after "{section}")'
        elif article.body and (label == "section heading" or _is_site_heading(line, label)):
            section = line
            label = f'navigation section "{line}"'
        if label is None:
            article.body.append(line)
        elif label == "caption":
            article.captions.append(line.strip("| ").strip())
        elif label == "dateline":
            article.dropped.append(Dropped(line, label))
            after.append((dateline_date(line), article.dropped[-1]))
        elif label == "byline" and article.byline is None:
            article.byline = noise.BYLINE.match(line).group("name").strip()
        else:
            article.dropped.append(Dropped(line, label))
    article.dropped.extend(cut)
    _take_date(article, after + before[::-1])
    return article


def _take_date(article: Article, datelines: list[tuple[Found, Dropped]]) -> None:
    """The article's date from its datelines, nearest the title first (after it, then before
    it), the first not said to be an update; that dateline is no longer a dropped line."""
    found = best([date for date, _ in datelines])
    if found is None:
        return
    article.date = found.date
    used = next(dropped for date, dropped in datelines if date is found)
    article.dropped = [dropped for dropped in article.dropped if dropped is not used]


def _is_site_heading(line: str, label: str | None) -> bool:
    """A short line the site repeats on every page, after the body, heads one of its rails
    ("Bài cùng tác giả", "Tin mới đăng"), even in a wording noise.py does not list."""
    return (
        label == REPEATED
        and len(line.split()) <= noise.SHORT_LINE_WORDS + 2
        and not END_PUNCTUATION.search(line.rstrip(":"))
    )


def _label_duplicates(lines: list[str], labels: list[str | None]) -> None:
    """A line said twice in a row is a caption (printed under the photo and in alt text)."""
    previous = None
    for at, line in enumerate(lines):
        if not line:
            continue
        if previous is not None and line == lines[previous] and labels[at] is None:
            labels[at] = "duplicated line"
            if labels[previous] is None:
                labels[previous] = "caption"
        previous = at


def _find_title(
    lines: list[str], labels: list[str | None], path: str, template: "Template | None"
) -> int | None:
    """The title is the first article-like line, after any banner, login link or menu.

    A line the site repeats elsewhere may still be this page's title (other pages link to
    it); one it repeats at the top of its pages is a banner.
    """
    candidates = [
        at
        for at, line in enumerate(lines)
        if line
        and (labels[at] is None or labels[at] == REPEATED)
        and not (template and template.is_banner(path, line))
    ]
    early = candidates[: noise.TITLE_SEARCH_LINES]
    for at in early:
        line = lines[at]
        banner = line.isupper() and len(line.split()) > 2
        if len(line.split()) >= 3 and not banner and len(line) <= 300:
            return at
    return candidates[0] if candidates else None


def _label_menus(lines: list[str], labels: list[str | None], start: int) -> None:
    """Runs of short lines with no end punctuation are menus, not prose."""
    run: list[int] = []
    for at in range(start, len(lines) + 1):
        line = lines[at] if at < len(lines) else ""
        is_short = (
            line
            and labels[at] is None
            and len(line.split()) <= noise.SHORT_LINE_WORDS
            and not END_PUNCTUATION.search(line)
        )
        if is_short:
            run.append(at)
        elif line or at == len(lines):
            if len(run) >= noise.MENU_RUN:
                for menu_at in run:
                    labels[menu_at] = "menu"
            run = []
