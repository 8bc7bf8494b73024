"""One story once (issue #22): near-identical articles (a syndicated copy with a new lead and
tail, a rewrite with a few words changed) are one story; a search finds it by any of its
articles, shows it once with its other articles beneath, and counts stories. Built on the
seeds' real article texts, rewritten here."""

import random
from datetime import date, datetime, timedelta

import pytest

from search import live, query
from search.engines import VIETNAM
from search.index import build_index, index_corpus
from search.pipeline import Extracted, extract_corpus
from search.stories import Stories, signature
from tests.paths import SEEDS

pytestmark = pytest.mark.usefixtures("engine")  # each test runs on every engine

SITES = ["tinmoi.vn", "baomau.com.vn", "thoisu.net", "nhanh.vn"]


@pytest.fixture(scope="module")
def bodies() -> list[tuple[str, str]]:
    return seed_bodies()


def seed_bodies() -> list[tuple[str, str]]:
    """(title, body) of the seeds' articles."""
    found = [item.article for item in extract_corpus([SEEDS]) if isinstance(item, Extracted)]
    return [(article.title, article.text) for article in found if signature(article.text) is not None]


def rewrite(body: str, seed: int, changed: float = 0.05) -> str:
    """A syndicated copy: a new lead and tail, and `changed` of the words replaced."""
    rng = random.Random(seed)
    words = body.split()
    for at in range(len(words)):
        if rng.random() < changed:
            words[at] = rng.choice(["theo", "cho biết", "hiện nay", "đã", "những", "nhiều"])
    lead = f"(Bản tin số {seed}) Theo phóng viên thường trú, sáng nay có thêm thông tin về sự việc."
    tail = f"Mời bạn đọc theo dõi các tin tiếp theo trên chuyên trang số {seed}."
    return f"{lead}\n{' '.join(words)}\n{tail}"


def html(site: str, slug: str, title: str, body: str, published: str) -> str:
    paragraphs = "".join(f"<p>{line}</p>" for line in body.split("\n") if line.strip())
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title>'
        f'<link rel="canonical" href="https://{site}/{slug}.html">'
        f'<meta property="article:published_time" content="{published}"></head>'
        f"<body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    )


def write(folder, site: str, slug: str, title: str, body: str, published: str):
    path = folder / site / f"{slug}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html(site, slug, title, body, published), encoding="utf-8")
    return path


def write_story(folder, title: str, body: str, first: date) -> None:
    """A story in four copies: its first article on SITES[0] (day `first`, 08:00), then one
    rewritten on each other site, a day later each."""
    write(folder, SITES[0], "goc", title, body, f"{first.isoformat()}T08:00:00+07:00")
    for number, site in enumerate(SITES[1:], start=1):
        day = (first + timedelta(days=number)).isoformat()
        write(folder, site, f"ban-{number}", f"{title} ({site})", rewrite(body, number), day)


def write_others(folder, others: list[tuple[str, str]]) -> None:
    """Other articles, one a day from 1 April 2025, on the first two sites in turn."""
    for number, (title, body) in enumerate(others):
        write(folder, SITES[number % 2], f"khac-{number}", title, body, f"2025-04-0{1 + number}")


def hits(index_dir, text: str, **options):
    with live.open_index(index_dir).searcher() as searcher:
        return query.search(searcher, text, **options)


def test_copies_are_found_and_distinct_articles_are_not_merged(bodies):
    stories = Stories()
    for number, (_, body) in enumerate(bodies):
        assert stories.assign(f"original-{number}", signature(body)) == (f"original-{number}", False)
    for number, (_, body) in enumerate(bodies):
        story, copy = stories.assign(f"copy-{number}", signature(rewrite(body, number)))
        assert (story, copy) == (f"original-{number}", True)


def test_a_short_text_is_a_story_of_its_own():
    assert signature("Tin ngắn: mưa lớn ở Hà Nội.") is None
    assert Stories().assign("a", None) == ("a", False)


def test_a_search_shows_a_story_once_with_its_copies_and_counts_stories(bodies, tmp_path):
    (title, body), (other_title, other_body) = bodies[0], bodies[1]
    write_story(tmp_path, title, body, date(2025, 3, 1))
    write(tmp_path, SITES[1], "khac", other_title, other_body, "2025-03-05T08:00:00+07:00")
    index_dir = tmp_path / "index"
    report = build_index([tmp_path], index_dir)
    assert (report.indexed, report.story_copies) == (5, 3)

    word = " ".join(title.split()[:3])
    collapsed = hits(index_dir, word, facets=True)
    (first,) = [hit for hit in collapsed.results if hit.title.startswith(title)]
    assert first.title == title  # the story is shown as its earliest article, whichever came first
    assert collapsed.total == len(collapsed.results)  # stories, not articles
    assert sorted(copy.site for copy in first.copies) == sorted(SITES[1:])
    every = hits(index_dir, word, collapse=False)
    assert every.total == collapsed.total + 3 and all(not hit.copies for hit in every.results)
    # The facets count matching articles: what a click on a site or a month finds.
    assert sum(count for _, count in collapsed.facets["site"]) == every.total
    assert {site for site, _ in collapsed.facets["site"]} >= set(SITES)
    assert first.to_json()["copies"][0].keys() == {"id", "title", "site", "date", "url"}


def test_an_update_adds_a_new_copy_to_its_story(bodies, tmp_path):
    (title, body), (other_title, other_body) = bodies[0], bodies[1]
    write(tmp_path, SITES[0], "goc", title, body, "2025-03-01T08:00:00+07:00")
    write(tmp_path, SITES[1], "khac", other_title, other_body, "2025-03-05T08:00:00+07:00")
    index_dir = tmp_path / "index"
    build_index([tmp_path], index_dir)
    write(
        tmp_path,
        SITES[2],
        "ban-sao",
        f"{title} - bản đăng lại",
        rewrite(body, 7),
        "2025-03-02T08:00:00+07:00",
    )
    report = index_corpus([tmp_path], index_dir)
    assert (report.added, report.story_copies) == (1, 1)
    (first,) = [hit for hit in hits(index_dir, " ".join(title.split()[:3])).results if hit.title == title]
    assert [copy.site for copy in first.copies] == [SITES[2]]


@pytest.fixture(scope="module")
def story_index(bodies, tmp_path_factory, engine):
    """An index of one story in four copies (the first on SITES[0]) and the other articles."""
    folder = tmp_path_factory.mktemp(f"stories-{engine}")
    (title, body), others = bodies[0], bodies[1:]
    write_story(folder, title, body, date(2025, 3, 1))
    write_others(folder, others)
    build_index([folder], folder / "index")
    return folder / "index", title


def test_the_page_and_the_api_show_copies_and_collapse_false_lists_every_article(story_index, make_app):
    index_dir, title = story_index
    client = make_app(INDEX_DIR=index_dir).test_client()
    word = " ".join(title.split()[:3])
    data = client.get("/api/search", query_string={"q": word}).get_json()
    (first,) = [hit for hit in data["results"] if hit["title"] == title]
    assert len(first["copies"]) == 3 and data["total"] == len(data["results"])
    every = client.get("/api/search", query_string={"q": word, "collapse": "false"}).get_json()
    assert every["total"] == data["total"] + 3 and all(hit["copies"] == [] for hit in every["results"])
    assert client.get("/api/search", query_string={"q": word, "collapse": "maybe"}).status_code == 400
    page = client.get("/", query_string={"q": word}).get_data(as_text=True)
    assert '<details class="copies">' in page and "3 bản khác của tin này" in page


def test_related_articles_leave_out_the_articles_own_story(story_index, make_app):
    index_dir, title = story_index
    client = make_app(INDEX_DIR=index_dir).test_client()
    found = client.get("/api/search", query_string={"q": " ".join(title.split()[:3])}).get_json()
    (first,) = [hit for hit in found["results"] if hit["title"] == title]
    own_story = {first["id"], *(copy["id"] for copy in first["copies"])}
    for doc_id in own_story:
        related = client.get(f"/api/articles/{doc_id}/related").get_json()["related"]
        assert related and not own_story & {hit["id"] for hit in related}
        assert len(related) <= 5
    page = client.get(f"/articles/{first['id']}").get_data(as_text=True)
    assert '<section class="related"' in page and "Bài liên quan" in page
    others = client.get("/api/search", query_string={"q": "nhân dân"}).get_json()["results"]
    others = [hit["id"] for hit in others if hit["id"] not in own_story]
    assert len(others) == 3
    for doc_id in others:
        related = client.get(f"/api/articles/{doc_id}/related").get_json()["related"]
        assert len(own_story & {hit["id"] for hit in related}) <= 1  # another story: found once
    assert client.get("/api/articles/000000000000/related").status_code == 404


def test_a_word_only_a_copy_has_finds_its_story(bodies, tmp_path):
    (title, body), (other_title, other_body) = bodies[0], bodies[1]
    write(tmp_path, SITES[0], "goc", title, body, "2025-03-01T08:00:00+07:00")
    write(tmp_path, SITES[1], "ban", title, rewrite(body, 1) + " Quokka", "2025-03-02T08:00:00+07:00")
    write(tmp_path, SITES[2], "khac", other_title, other_body, "2025-03-05T08:00:00+07:00")
    index_dir = tmp_path / "index"
    assert build_index([tmp_path], index_dir).story_copies == 1

    every = hits(index_dir, "quokka", collapse=False)
    assert [hit.site for hit in every.results] == [SITES[1]]  # only the copy holds the word
    found = hits(index_dir, "quokka")
    assert (found.total, found.total_exact) == (1, True)
    (story,) = found.results
    assert (story.title, story.site) == (title, SITES[0])  # shown as its earliest article
    assert [copy.site for copy in story.copies] == [SITES[1]]  # the copy that matched, beneath
    # Its copy's own lead too, and with a filter only the copy passes: shown as the copy.
    lead = "phóng viên thường trú"
    for options, site in [
        ({}, SITES[0]),
        ({"site": SITES[1]}, SITES[1]),
        ({"date_from": datetime(2025, 3, 2)}, SITES[1]),
    ]:
        (story,) = hits(index_dir, lead, **options).results
        assert story.site == site and len(story.copies) == 1, options


def test_a_filter_finds_a_story_by_its_copy_and_shows_that_copy(story_index):
    index_dir, title = story_index
    word = " ".join(title.split()[:3])
    for options, site in [
        ({"site": SITES[2]}, SITES[2]),  # the story's earliest article is on SITES[0]
        ({"date_from": datetime(2025, 3, 3), "date_to": datetime(2025, 3, 31)}, SITES[2]),  # 3 March
        ({"date_to": datetime(2025, 3, 1)}, SITES[0]),
    ]:
        found = hits(index_dir, word, **options)
        (story,) = [hit for hit in found.results if hit.title.startswith(title)]
        assert story.site == site, options  # the article the filter asked for
        assert sorted(copy.site for copy in story.copies) == sorted(set(SITES) - {site}), options
        assert found.total == len(found.results) and found.total_exact, options
        every = hits(index_dir, word, collapse=False, **options)  # unchanged: the articles within
        assert sorted(hit.site for hit in every.results if hit.title.startswith(title)) == sorted(
            article.site for article in [story, *story.copies] if within(article, options)
        )


def test_newest_first_a_story_is_its_newest_article(story_index):
    index_dir, title = story_index
    found = hits(index_dir, " ".join(title.split()[:3]), sort="date")
    (story,) = [hit for hit in found.results if hit.title.startswith(title)]
    assert story.site == SITES[3]  # 4 March: the list reads newest first
    assert [copy.date.astimezone(VIETNAM).day for copy in story.copies] == [1, 2, 3]
    dates = [hit.date for hit in found.results]
    assert dates == sorted(dates, reverse=True)


def test_totals_count_stories_exactly_then_at_least(story_index, monkeypatch):
    index_dir, _ = story_index
    word = "nhân dân"  # the story's four articles, and other stories
    every = hits(index_dir, word, collapse=False, limit=100)
    stories = {_story(index_dir, hit.id) for hit in every.results}
    assert len(stories) == 4  # on each engine: the story in four articles, and three others
    found = hits(index_dir, word, limit=2)
    assert (found.total, found.total_exact, found.pages) == (len(stories), True, (len(stories) + 1) // 2)
    assert every.total == len(stories) + 3
    # Past COUNT_EXACTLY_UP_TO matches: at least the matches that are their story's first
    # article, the same on every page.
    monkeypatch.setattr("search.query.collapse.COUNT_EXACTLY_UP_TO", 2)
    pages = [hits(index_dir, word, limit=2, page=page) for page in (1, 2)]
    for page in pages:
        assert (page.total, page.total_exact, page.to_json()["total_relation"]) == (
            len(stories),
            False,
            "gte",
        )
    shown = [hit.id for page in pages for hit in page.results]
    assert len(shown) == len({_story(index_dir, doc_id) for doc_id in shown}) == min(4, len(stories))


def test_a_page_of_stories_reads_more_hits_while_copies_crowd_it(story_index, monkeypatch):
    index_dir, _ = story_index
    word = "nhân dân"  # the story's four articles first, then other stories
    wanted = hits(index_dir, word, limit=2)
    monkeypatch.setattr("search.query.answer.hits_to_read", lambda stories, depth: stories)
    crowded = hits(index_dir, word, limit=2)  # two hits read first: one story
    assert [hit.id for hit in crowded.results] == [hit.id for hit in wanted.results]
    assert len({_story(index_dir, hit.id) for hit in crowded.results}) == 2


def within(article, options: dict) -> bool:
    day = article.date.astimezone(VIETNAM).replace(tzinfo=None)
    if "site" in options and article.site != options["site"]:
        return False
    return options.get("date_from", day) <= day < options.get("date_to", day) + timedelta(days=1)


def _story(index_dir, doc_id: str) -> str:
    with live.open_index(index_dir).searcher() as searcher:
        article = searcher.article(doc_id)
    return article.story or article.doc_id


def test_stories_are_counted_alike_with_facets_in_a_month_and_by_date(story_index, monkeypatch):
    # tantivy counts the matching copies in the facets' pass when there are facets, and filters
    # a whole month by its month terms: the same counts either way.
    index_dir, _ = story_index
    word = "nhân dân"  # the story's four articles (1-4 March), and other stories (in April)
    march = {"date_from": datetime(2025, 3, 1), "date_to": datetime(2025, 3, 31)}
    in_march = hits(index_dir, word, facets=True, **march)
    assert (in_march.total, in_march.total_exact) == (1, True)
    assert in_march.facets["month"] == [("2025-03", 4)]  # the facets count articles
    monkeypatch.setattr("search.query.collapse.COUNT_EXACTLY_UP_TO", 2)
    for options in [{}, march, {"sort": "date"}, {**march, "sort": "date"}]:
        plain = hits(index_dir, word, limit=2, **options)
        faceted = hits(index_dir, word, limit=2, facets=True, **options)
        assert (faceted.total, faceted.total_exact) == (plain.total, plain.total_exact), options
        assert [hit.id for hit in faceted.results] == [hit.id for hit in plain.results], options
    assert hits(index_dir, word, limit=2, facets=True, **march).total == 1  # at least the story
