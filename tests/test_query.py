"""Queries through the library: accents, snippets, navigation words, odd syntax."""

import pytest

from search.limits import MAX_PREFIXES, MAX_QUERY_TERMS
from search.query import TooDeep, search
from search.query.parse import parse

pytestmark = pytest.mark.usefixtures("engine")  # each test runs on every engine


def paths(page):
    return [hit.path.rsplit("/", 2)[-2] + "/" + hit.path.rsplit("/", 1)[-1] for hit in page.results]


def test_unaccented_and_accented_queries_find_the_same_articles(searcher):
    plain = search(searcher, "hop tac")
    accented = search(searcher, "hợp tác")
    assert plain.total == accented.total >= 3
    assert set(paths(plain)) == set(paths(accented))
    assert "seeds/000_50ba9309579d981d.txt" in paths(plain)


def test_snippets_keep_accents_and_mark_matches(searcher):
    page = search(searcher, "hop tac")
    assert "<mark>hợp tác</mark>" in page.results[0].snippet
    assert page.results[0].title_html.count("<mark>") == 1


@pytest.mark.parametrize(
    "word",
    [
        "Kaluga",
        "Bunpimay",
        "Halloween",
        "Wipha",
        "Trending",
        "Zanzibaria",
        "Brindlewick",
        "Xylophonia",
        "cookies",
    ],
)
def test_words_only_in_navigation_find_nothing(searcher, word):
    assert search(searcher, word).total == 0


def test_nfd_old_and_new_tone_placement_queries_agree(searcher):
    import unicodedata

    expected = {"vi/hoa-binh-new-style.txt"}
    for text in [
        "hòa bình thủy thủ",
        "hoà bình thuỷ thủ",
        unicodedata.normalize("NFD", "hòa bình"),
        "hoa binh thuy thu",
    ]:
        assert set(paths(search(searcher, text))) >= expected, text


def test_cp1258_utf16_and_nfd_pages_are_searchable(searcher):
    assert paths(search(searcher, "xe buýt điện")) == ["vi/xe-buyt-cp1258.txt"]
    assert paths(search(searcher, "đèn lồng")) == ["vi/hoi-an-utf16.txt"]
    assert paths(search(searcher, "thuyền"))[0] == "vi/hoc-sinh-nfd.txt"


def test_cyrillic_query_finds_the_transliterated_name(searcher):
    assert paths(search(searcher, "Москва")) == paths(search(searcher, "Moskva")) != []


def test_english_articles_are_searchable(searcher):
    assert paths(search(searcher, "ferry catamarans")) == ["en/ferry.html"]


def test_exact_accents_rank_first(searcher):
    page = search(searcher, "cá")
    assert paths(page)[0] == "vi/ca-bien.txt"
    assert "vi/ca-phe.txt" in paths(page)  # "cà", "ca" still match, lower


def test_snippet_escapes_html_from_documents(quoting_index_dir):
    from search.live import open_index

    with open_index(quoting_index_dir).searcher() as searcher:  # a page quoting <script> and "&"
        hit = search(searcher, "script canh bao").results[0]
    assert "<script>" not in hit.snippet and "&lt;<mark>script</mark>&gt;" in hit.snippet
    assert "<script>" not in hit.title_html and "&amp;" in hit.snippet


@pytest.mark.parametrize(
    "text",
    [
        "AND OR (",
        '"',
        "-",
        "title:",
        "*",
        "a*",
        "((hợp tác",
        "NOT",
        "OR hợp",
        '"""',
        "-hợp",
        'title:"',
        "\x00",
        "🙂",
        "x" * 5000,
        "hợp " * 300,
    ],
)
def test_user_text_never_raises(searcher, text):
    page = search(searcher, text)
    words = parse(text).units
    # Text with a word is searched (its page says so if nothing matched); without one, the
    # page says there is nothing to search for, or lists the newest articles.
    if words:
        assert page.query == text[:400].rstrip() and "nothing_to_search" not in [n.code for n in page.notices]
        assert ("query_cut" in [n.code for n in page.notices]) == (len(text) > 400)  # said when cut
    elif text.strip():
        assert [n.code for n in page.notices] == ["nothing_to_search"] and page.results == []
    assert len(page.results) <= 10 and page.total >= len(page.results)


def test_or_fallback_is_announced(searcher):
    page = search(searcher, "ferry route Kaluga")
    assert page.total == 1 and [n.code for n in page.notices] == ["all_but_one"]
    assert page.results[0].missing == ["kaluga"]
    assert search(searcher, "ferry Kaluga").total == 0  # two syllables never fall back to one


def test_phrase_exclusion_or_title_and_prefix(searcher):
    assert paths(search(searcher, '"cà phê"')) == ["vi/ca-phe.txt"]
    assert "vi/ca-phe.txt" not in paths(search(searcher, "cá -phê"))
    either = paths(search(searcher, "ferry OR lồng"))
    assert {"en/ferry.html", "vi/hoi-an-utf16.txt"} <= set(either)
    assert "seeds/004_e36508980c17ee32.txt" in either  # "Long Bien": "lồng" folds to "long"
    assert paths(search(searcher, "title:vàng")) == ["vi/gia-vang.html"]
    assert "en/ferry.html" in paths(search(searcher, "catamar*"))


def test_paging(searcher):
    first = search(searcher, "nga", limit=2)
    second = search(searcher, "nga", limit=2, page=2)
    assert first.total == second.total == 4 and first.pages == second.pages
    assert not set(paths(first)) & set(paths(second))
    assert search(searcher, "nga", limit=2, page=500).results == []
    with pytest.raises(TooDeep, match="1,000th"):
        search(searcher, "nga", limit=2, page=501)


def test_totals_are_exact_up_to_a_bound_then_a_lower_bound(searcher, monkeypatch):
    full = search(searcher, "việt nam", limit=1)
    assert full.total_exact and full.total > 3
    assert {search(searcher, "việt nam", limit=1, page=n).total for n in (1, 2, full.total)} == {full.total}
    monkeypatch.setattr("search.query.answer.EXACT_TOTAL_UP_TO", 3)
    for page in (1, 2, 3):
        capped = search(searcher, "việt nam", limit=1, page=page)
        assert (capped.total, capped.total_exact, capped.to_json()["total_relation"]) == (3, False, "gte")
    assert search(searcher, "việt nam", site="no-such-site.vn").total == 0


def test_repeated_words_are_searched_once(searcher):
    once = search(searcher, "hợp tác")
    repeated = search(searcher, ("hợp tác " * 50)[:400])
    assert [hit.id for hit in repeated.results] == [hit.id for hit in once.results]
    assert repeated.notices == []
    assert [[c.syllables for c in u] for u in parse("hop tac " * 50).units] == [[["hop"]], [["tac"]]]


def test_long_queries_keep_their_first_words_and_say_so():
    words = [f"từ{n}" for n in range(60)]
    parsed = parse(" ".join(words))
    assert len(parsed.units) == MAX_QUERY_TERMS and parsed.dropped == words[MAX_QUERY_TERMS:]
    prefixes = parse(" OR ".join(f"a{n}x*" for n in range(54)))
    assert sum(c.prefix for c in prefixes.positive()) == MAX_PREFIXES


def test_a_long_query_gets_a_notice(searcher):
    page = search(searcher, "hợp tác " + " ".join(f"từ{n}" for n in range(40)))
    assert "Only the first 32 words" in page.notices[0].text and page.notices[0].words[0] == "từ30"


EXPANSION = {
    "whoosh": "search.engines.whoosh_query.MAX_PREFIX_EXPANSION",
    "tantivy": "search.engines.tantivy_query.MAX_PREFIX_EXPANSION",
}


def test_a_prefix_stands_for_its_most_common_words(searcher, monkeypatch, engine):
    from search.limits import MAX_PREFIX_EXPANSION

    monkeypatch.setattr(EXPANSION[engine], 1)
    narrow = search(searcher, "ng*", limit=100)
    monkeypatch.setattr(EXPANSION[engine], MAX_PREFIX_EXPANSION)
    wide = search(searcher, "ng*", limit=100)
    assert 0 < narrow.total < wide.total


@pytest.mark.parametrize(
    "text",
    [
        "hợp",  # one word and its accents: one union on tantivy
        "hop",
        "title:hợp",
        "hợp -tác",
        "vàng có không",  # question words: their bonus matches where the word does not
        "hợp tác",
        '"hòa bình thủy thủ"',
        "hợ*",
        "UBND OR Nga",
    ],
)
def test_a_query_matches_the_same_articles_scored_or_by_date(searcher, text):
    # Sorted by date, the engine matches without the bonuses; by relevance it scores them, and
    # a cheaper shape of the scored query must not match more, or fewer. (Counted by the
    # search itself, and with the facets by the aggregation.)
    for facets in (False, True):
        scored = search(searcher, text, limit=100, collapse=False, facets=facets)
        dated = search(searcher, text, limit=100, collapse=False, facets=facets, sort="date")
        assert scored.total == dated.total <= 100  # (all of them on the page)
        assert {hit.path for hit in scored.results} == {hit.path for hit in dated.results}


def test_out_of_time_gives_what_was_found_marked_partial(searcher, monkeypatch, engine):
    monkeypatch.setattr("search.query.answer.QUERY_SECONDS", -1.0)  # out of time before it starts
    monkeypatch.setattr("search.engines.whoosh_searcher.MIN_COLLECT_SECONDS", 0.0)
    page = search(searcher, "việt nam hợp tác")
    if engine == "whoosh":  # tantivy answers before any deadline can pass, and is not cut
        assert page.partial and not page.total_exact
    assert page.to_json()["partial"] == page.partial


def test_parse_reads_syntax():
    parsed = parse('hợp tác "Việt Nam" OR Nga -Mỹ title:vàng gi*')
    assert [[c.syllables for c in unit] for unit in parsed.units] == [
        [["hợp"]],
        [["tác"]],
        [["việt", "nam"]],
        [["nga"]],  # after an OR: the words on either side are alternatives (segment.words)
        [["vàng"]],
        [["gi"]],
    ]
    assert parsed.units[3][0].after_or and not parsed.units[2][0].after_or
    assert parsed.units[4][0].title_only and parsed.units[5][0].prefix
    assert [[c.syllables for c in unit] for unit in parse('"Việt Nam" OR "Trung Quốc"').units] == [
        [["việt", "nam"], ["trung", "quốc"]]  # two phrases: one unit of alternatives, as typed
    ]
    assert [c.syllables for c in parsed.negated] == [["mỹ"]]


def test_partly_accented_query_works_syllable_by_syllable(searcher):
    assert paths(search(searcher, "hợp tac"))[0] == paths(search(searcher, "hợp tác"))[0]


def test_lookalike_d_in_the_query(searcher):
    assert paths(search(searcher, "Ðà Nẵng")) == paths(search(searcher, "Đà Nẵng")) != []


def test_adjacent_syllables_rank_above_scattered_ones(searcher):
    # seeds/000 has "Uỷ ban" once and "nhân dân" ten times; only vi/hoa-binh has them in a row.
    assert paths(search(searcher, "ủy ban nhân dân"))[0] == "vi/hoa-binh-new-style.txt"


def test_title_matches_weigh_more_than_body_matches(searcher):
    # "giá vàng" is in the title of gia-vang.html; gia-dinh.txt has "giá" and "vàng" in rails only.
    assert paths(search(searcher, "vang"))[0] == "vi/gia-vang.html"


def test_fallback_keeps_typed_accents_strict(searcher):
    # "bác sĩ", "miền Bắc" fold to "bac" too: a word typed with accents stays exact.
    assert search(searcher, "Bấc sĩ Bling").total == 0
    assert search(searcher, "Bac si Bling").total > 0


def test_suggestion_restores_accents_and_fixes_typos(searcher, pairs):
    def suggestion(text):
        return search(searcher, text, pairs=pairs).suggestion

    # Accents added to a query typed without any find the same articles: not offered.
    assert suggestion("gia vang") is None and suggestion("thuy dien") is None
    assert suggestion("giá vang") == "giá vàng"  # accents typed, one missing: other ranking
    assert suggestion("hpo tac") == "hợp tác"  # a typo: other articles
    assert suggestion("giá vàng") is None  # typed right
    assert suggestion("ferry") is None  # nothing to restore
    assert suggestion("ca phex") == "cà phê"
    assert suggestion("ca xyzq") is None  # no corpus pair backs a guess


def test_sort_by_date_and_filters(searcher):
    from datetime import datetime

    dated = search(searcher, "a OR the OR vàng OR online", sort="date")
    dates = [hit.date for hit in dated.results if hit.date]
    assert dates == sorted(dates, reverse=True) and len(dates) >= 3
    site = search(searcher, "vàng", site="kinhtemau.vn")  # by domain (the CLI and the page map names)
    assert paths(site) == ["vi/gia-vang.html"]
    spring = search(
        searcher, "the OR thuế OR vàng", date_from=datetime(2025, 3, 1), date_to=datetime(2025, 4, 30)
    )
    assert set(paths(spring)) == {"vi/gia-vang.html", "vi/ban-hang-online.txt"}


def test_relevance_set_meets_its_targets(searcher, pairs):
    from search.evaluate import judge_relevance
    from tests.paths import DATA

    # The shared index holds the set's corpus: seeds, tests/data/vi and tests/data/en.
    report = judge_relevance(DATA / "relevance.tsv", searcher, pairs)
    assert len(report.ranked) >= 40
    assert report.mrr >= 0.95, [(j.query, j.rank) for j in report.ranked if j.rank != 1]
    assert report.empty_failures == []


def test_or_joins_words_not_the_syllables_beside_it(searcher):
    """A Vietnamese word is several syllables: "hop tac OR ca ngu" is "hợp tác" or "cá ngừ",
    as if each were quoted, not "hợp", "tác" or "cá", and "ngừ"."""
    either = set(paths(search(searcher, "hop tac OR ca ngu")))
    for quoted in ['"hop tac" OR "ca ngu"', '"hop tac" OR ca ngu', 'hop tac OR "ca ngu"']:
        assert either == set(paths(search(searcher, quoted))), quoted
    assert search(searcher, "hpo tac OR ca ngu").suggestion is None  # one spelling of both sides says nothing
    assert either == set(paths(search(searcher, "hop tac"))) | set(paths(search(searcher, "ca ngu")))
    assert len(either) > len(paths(search(searcher, "hop tac"))) > 0 < len(paths(search(searcher, "cá ngừ")))
    assert set(paths(search(searcher, "Nga OR hợp tác"))) == set(paths(search(searcher, "Nga"))) | set(
        paths(search(searcher, "hợp tác"))
    )


def test_an_excluded_syllable_that_begins_a_word_excludes_the_word(searcher):
    """ "hợp tác -cá ngừ" leaves out "cá ngừ" (as quoted), not "cá" while requiring "ngừ";
    where the syllables after it make no word with it, the syllable alone is left out."""
    without = set(paths(search(searcher, "hợp tác -cá ngừ")))
    assert without == set(paths(search(searcher, 'hợp tác -"cá ngừ"'))) and without
    assert set(paths(search(searcher, "-cá hợp tác"))) == set(paths(search(searcher, "hợp tác -cá")))


def test_adjacency_pairs_follow_the_typed_order_only():
    from search.query.plan import _pair_terms

    def pairs(text):
        return ["_".join(terms.words) for terms in _pair_terms(parse(text))]

    assert pairs("hợp tác Nga") == ["hop_tac", "tac_nga"]
    assert pairs("a OR b c d") == ["b_c", "c_d"]  # not across an OR (b starts a run: "a OR b c" is a word)
    assert pairs("gi* hợp tác") == ["hop_tac"]  # nor a prefix


def test_facets_count_the_matches_by_site_and_month(searcher):
    page = search(searcher, "việt nam", facets=True)
    sites = dict(page.facets["site"])
    assert sites and sum(sites.values()) <= page.total
    for site, count in sites.items():
        assert search(searcher, "việt nam", site=site).total == count
    assert search(searcher, "việt nam").facets == {}  # only when asked
    json_facets = page.to_json()["facets"]
    assert json_facets["site"][0] == {"value": page.facets["site"][0][0], "count": page.facets["site"][0][1]}


def test_no_words_lists_the_newest_articles(searcher):
    newest = search(searcher, "", limit=100, facets=True)
    assert newest.total == searcher.doc_count() and newest.notices == []
    dates = [hit.date for hit in newest.results if hit.date]
    assert dates and dates == sorted(dates, reverse=True)
    months = [month for month, _ in newest.facets["month"]]
    assert months == sorted(months, reverse=True) and months[0] == dates[0].strftime("%Y-%m")
    site = newest.facets["site"][0][0]
    assert {hit.site for hit in search(searcher, "", site=site, limit=100).results} == {site}
    assert search(searcher, "   ").total == newest.total
    assert [n.code for n in search(searcher, "!!").notices] == ["nothing_to_search"]


def test_dates_are_aware_and_a_day_filter_holds_that_day(searcher):
    from datetime import datetime

    from search.engines import VIETNAM

    dated = [hit for hit in search(searcher, "", limit=100).results if hit.date]
    assert dated and all(hit.date.tzinfo is not None for hit in dated)
    hit = dated[0]
    day = hit.date.astimezone(VIETNAM)
    naive_day = datetime(day.year, day.month, day.day)  # what a reader types: 2025-03-18
    same_day = search(searcher, "", date_from=naive_day, date_to=naive_day, limit=100)
    assert hit.id in [h.id for h in same_day.results]
    assert all(h.date.astimezone(VIETNAM).date() == day.date() for h in same_day.results)


def test_the_newest_first_and_undated_articles_last(searcher):
    listed = search(searcher, "", limit=100).results
    dated = [hit.date is not None for hit in listed]
    assert any(dated) and not all(dated)
    assert dated == sorted(dated, reverse=True)  # every dated article before every undated one


def test_a_phrase_needs_its_words_in_one_run_not_just_its_pairs(build, tmp_path):
    # b.txt holds every neighbour pair of the phrase ("hợp tác", "tác kinh", "kinh tế"), but
    # never the four words in a row: the pairs only find candidates; Whoosh's positions
    # decide, and in tantivy (no positions for the text) the stored text.
    (tmp_path / "a.txt").write_text("Hợp tác kinh tế\nHai nước đẩy mạnh hợp tác kinh tế và văn hóa.\n")
    (tmp_path / "b.txt").write_text(
        "Bàn chuyện hợp tác\nHợp tác là tốt. Tác kinh điển. Kinh tế phát triển.\n"
    )
    from search.live import open_index

    with open_index(build(tmp_path)).searcher() as searcher:
        for text in ('"hợp tác kinh tế"', '"hop tac kinh te"', '"Hợp tác kinh"'):
            page = search(searcher, text)
            assert [hit.path.rsplit("/", 1)[-1] for hit in page.results] == ["a.txt"], text
            assert page.total == 1 and page.total_exact, text
        assert search(searcher, '"tác kinh tế"').total == 1  # and b.txt's "Tác kinh điển" is not it


def test_a_phrase_runs_across_underscores_as_the_index_splits_them(build, tmp_path):
    # "#Ho_Chi_Minh_Xanh" is four words side by side in the index, as "Hồ Chí Minh xanh" is.
    (tmp_path / "a.txt").write_text("Chiến dịch mới\nBài viết gắn thẻ #Ho_Chi_Minh_Xanh trên mạng.\n")
    (tmp_path / "b.txt").write_text("Thành phố sạch\nNgười dân Hồ Chí Minh xanh hóa các con đường.\n")
    (tmp_path / "c.txt").write_text(  # every pair, never the run
        "Chuyện ông Hồ\nNgười dân kể rằng ông Hồ Chí đi chợ sớm, còn anh Chí Minh ở nhà, và em bé Minh xanh mặt vì sợ ma.\n"
    )
    from search.live import open_index

    with open_index(build(tmp_path)).searcher() as searcher:
        for sort in ("relevance", "date"):
            page = search(searcher, '"ho chi minh xanh"', sort=sort)
            assert sorted(hit.path.rsplit("/", 1)[-1] for hit in page.results) == ["a.txt", "b.txt"], sort
            assert page.total == 2


def test_a_long_phrase_held_by_too_many_to_read_is_decided_by_its_pairs(build, tmp_path, engine, monkeypatch):
    # tantivy keeps no positions for the text: it reads the articles holding a phrase's pairs
    # to leave out those holding them apart, up to MAX_PHRASE_CHECKS of them; past that the
    # pairs decide (Whoosh's positions always do).
    if engine != "tantivy":
        pytest.skip("tantivy's limit")
    from search.engines import tantivy as engine_module
    from search.live import open_index

    (tmp_path / "a.txt").write_text("Hợp tác kinh tế\nHai nước đẩy mạnh hợp tác kinh tế và văn hóa.\n")
    (tmp_path / "b.txt").write_text(
        "Bàn chuyện hợp tác\nHợp tác là tốt. Tác kinh điển. Kinh tế phát triển.\n"
    )
    folder = build(tmp_path)
    monkeypatch.setattr(engine_module, "MAX_PHRASE_CHECKS", 1)
    with open_index(folder).searcher() as searcher:
        assert search(searcher, '"hợp tác kinh tế"').total == 2
    monkeypatch.setattr(engine_module, "MAX_PHRASE_CHECKS", 2)
    with open_index(folder).searcher() as searcher:
        assert search(searcher, '"hợp tác kinh tế"').total == 1


def test_a_long_phrase_is_read_within_the_dates_asked(build, tmp_path, engine, monkeypatch):
    # Three articles hold the pairs of "hợp tác kinh tế", March's with the run. Asked for April
    # on, tantivy reads only the two it lets by, and keeps their answer apart from the others'.
    if engine != "tantivy":
        pytest.skip("tantivy's limit")
    from datetime import datetime

    from search.engines import tantivy as engine_module
    from search.live import open_index

    bodies = {
        "2025-03-10": "Hai nước đẩy mạnh hợp tác kinh tế và văn hóa.",
        "2025-04-10": "Hợp tác là tốt. Tác kinh điển. Kinh tế phát triển mạnh.",
        "2025-05-10": "Bàn về hợp tác, tác kinh điển và kinh tế vùng.",
    }
    for day, body in bodies.items():
        (tmp_path / f"{day}.html").write_text(
            f'<html><head><meta charset="utf-8"><title>Tin ngày {day}</title>'
            f'<meta property="article:published_time" content="{day}T08:00:00+07:00"></head><body>'
            f"<article><h1>Tin ngày {day}</h1><p>{body}</p></article></body></html>",
            encoding="utf-8",
        )
    folder = build(tmp_path)
    monkeypatch.setattr(engine_module, "MAX_PHRASE_CHECKS", 1)
    april = {"date_from": datetime(2025, 4, 1), "date_to": datetime(2025, 4, 30)}
    april_on = {"date_from": datetime(2025, 4, 1)}
    with open_index(folder).searcher() as searcher:
        assert search(searcher, '"hợp tác kinh tế"').total == 3  # three hold the pairs: they decide
        assert search(searcher, '"hợp tác kinh tế"', **april).total == 0  # one to read: read
        assert search(searcher, '"hợp tác kinh tế"', **april_on).total == 2  # two: the pairs decide
    monkeypatch.setattr(engine_module, "MAX_PHRASE_CHECKS", 2)
    with open_index(folder).searcher() as searcher:
        assert search(searcher, '"hợp tác kinh tế"').total == 3
        assert search(searcher, '"hợp tác kinh tế"', **april_on).total == 0  # not the unfiltered answer


def test_a_one_letter_query_gets_no_did_you_mean(searcher):
    assert search(searcher, "x").suggestion is None


def test_a_month_filter_holds_its_month_in_vietnam_time(build, tmp_path):
    # Whole months (what the month facet and the timeline link to) are filtered by the month
    # field's terms in tantivy, a range of dates otherwise: the same articles at the edges.
    from datetime import datetime

    published = {
        "dau-thang": "2025-03-01T00:00:00+07:00",
        "dau-thang-utc": "2025-02-28T17:30:00+00:00",  # 1 March, 00:30 in Vietnam
        "cuoi-thang": "2025-03-31T23:59:59+07:00",
        "thang-truoc": "2025-02-28T23:59:59+07:00",
        "thang-sau-utc": "2025-03-31T17:00:00+00:00",  # 1 April, 00:00 in Vietnam
    }
    for number, (slug, date) in enumerate(published.items()):
        (tmp_path / f"{slug}.html").write_text(
            f'<html><head><meta charset="utf-8"><title>Phiên chợ quê số {number}</title>'
            f'<meta property="article:published_time" content="{date}"></head><body><article>'
            f"<h1>Phiên chợ quê số {number}</h1><p>Phiên chợ quê lần {number} họp từ sáng sớm.</p>"
            "</article></body></html>",
            encoding="utf-8",
        )
    from search.live import open_index

    def found(**options):
        page = search(searcher, "phiên chợ quê", limit=10, **options)
        return [hit.path.rsplit("/", 1)[-1].removesuffix(".html") for hit in page.results]

    march = {"date_from": datetime(2025, 3, 1), "date_to": datetime(2025, 3, 31)}
    with open_index(build(tmp_path)).searcher() as searcher:
        assert set(found(**march)) == {"dau-thang", "dau-thang-utc", "cuoi-thang"}
        assert found(**march, sort="date") == ["cuoi-thang", "dau-thang-utc", "dau-thang"]
        assert search(searcher, "phiên chợ quê", facets=True, **march).facets["month"] == [("2025-03", 3)]
        spring = found(date_from=datetime(2025, 3, 1), date_to=datetime(2025, 4, 30))
        assert set(spring) == {"dau-thang", "dau-thang-utc", "cuoi-thang", "thang-sau-utc"}
        assert found(date_from=datetime(2025, 2, 1), date_to=datetime(2025, 2, 28)) == ["thang-truoc"]
        # Sorted by date, page by page: the newest months read first (tantivy) lose none.
        newest = ["thang-sau-utc", "cuoi-thang", "dau-thang-utc", "dau-thang", "thang-truoc"]
        for size in (1, 2, 3):
            pages = [
                search(searcher, "phiên chợ quê", page=n, limit=size, sort="date", facets=True)
                for n in range(1, 6)
            ]
            names = [
                hit.path.rsplit("/", 1)[-1].removesuffix(".html") for page in pages for hit in page.results
            ]
            assert names[:5] == newest and pages[0].total == 5
        # Not whole months: a range of days.
        assert set(found(date_from=datetime(2025, 3, 1), date_to=datetime(2025, 3, 30))) == {
            "dau-thang",
            "dau-thang-utc",
        }
        assert set(found(date_from=datetime(2025, 2, 28), date_to=datetime(2025, 3, 31))) == {
            "thang-truoc",
            "dau-thang",
            "dau-thang-utc",
            "cuoi-thang",
        }


def test_a_date_sort_pages_through_months_and_ends_with_the_undated(build, tmp_path):
    # tantivy reads the newest months that hold enough matches (their counts from the
    # aggregation); the undated come last, once too few dated ones are left.
    dates = {"moi": "2025-06-02", "thang-5": "2025-05-20", "thang-4": "2025-04-11", "khong-ngay": ""}
    for slug, date in dates.items():
        meta = f'<meta property="article:published_time" content="{date}T08:00:00+07:00">' if date else ""
        (tmp_path / f"{slug}.html").write_text(
            f'<html><head><meta charset="utf-8"><title>Hội chợ sách {slug}</title>{meta}</head><body>'
            f"<article><h1>Hội chợ sách {slug}</h1><p>Hội chợ sách mở cửa từ sáng nay ở {slug}.</p>"
            "</article></body></html>",
            encoding="utf-8",
        )
    from search.live import open_index

    with open_index(build(tmp_path)).searcher() as searcher:
        for size in (1, 2, 3, 4):
            pages = [
                search(searcher, "hội chợ sách", page=n, limit=size, sort="date", facets=True)
                for n in range(1, 5)
            ]
            names = [
                hit.path.rsplit("/", 1)[-1].removesuffix(".html") for page in pages for hit in page.results
            ]
            assert names[:4] == ["moi", "thang-5", "thang-4", "khong-ngay"] and pages[0].total == 4
        assert search(searcher, "xylophonia", facets=True, sort="date").total == 0  # nothing to count


def test_a_phrase_with_a_repeated_pair_or_some_accents_finds_its_run(build, tmp_path):
    # A phrase is looked for among the articles holding its neighbour pairs (in tantivy):
    # a pair typed twice, or a phrase typed half with accents, finds what it did.
    (tmp_path / "a.txt").write_text("Từng bước một\nĐi từng bước từng bước lên đỉnh núi.\n")
    # b.txt holds both pairs ("từng bước", "bước từng"), never the run.
    (tmp_path / "b.txt").write_text(
        "Leo núi mùa đông\nHọ đi từng bước trên sườn núi. Bước từng ngày không nghỉ.\n"
    )
    from search.live import open_index

    with open_index(build(tmp_path)).searcher() as searcher:
        for text in ('"từng bước từng bước"', '"tung buoc tung buoc"', '"từng buoc từng"'):
            page = search(searcher, text)
            assert [hit.path.rsplit("/", 1)[-1] for hit in page.results] == ["a.txt"], text
        assert {hit.path.rsplit("/", 1)[-1] for hit in search(searcher, '"từng bước"').results} == {
            "a.txt",
            "b.txt",
        }


def test_the_spelling_typed_counts_by_how_often_it_is_written(build, tmp_path):
    """Both articles hold "cá"; the one about fish says it eight times, the one about singers
    once, beside "ca" ten times. The accents typed rank by how often they are written, not
    only whether: the reader who types "cá" means fish."""
    fish = [
        "Người dân miền Tây đón mùa cá linh, cá linh non béo và rẻ hơn mọi năm ở chợ quê.",
        "Ghe cá cập bến từ sáng sớm, cá tươi được bán ngay tại bến cho thương lái các tỉnh.",
        "Ông Sáu kể mỗi đêm giăng lưới thu được vài chục ký cá, đủ trang trải chi tiêu.",
        "Món lẩu cá linh bông điên điển là đặc sản mà khách phương xa tìm đến để thưởng thức.",
        "Nước lên cao, cá theo dòng về đồng, bà con lại tất bật chuẩn bị dụng cụ đánh bắt.",
    ]
    singers = [
        "Đêm nhạc quy tụ nhiều ca sĩ trẻ, ca khúc mới được khán giả đón nhận nồng nhiệt.",
        "Nữ ca sĩ chia sẻ ca khúc chủ đề viết về quê hương, nơi có dòng sông và cánh đồng.",
        "Ban tổ chức cho biết các ca sĩ tập luyện ca khúc trong ba tháng trước đêm diễn.",
        "Khán giả hát theo từng ca khúc, có người mang theo cả món cá nướng từ quê lên.",
        "Chương trình khép lại với ca khúc quen thuộc do ba ca sĩ cùng trình bày.",
    ]
    folder = tmp_path / "spellings"
    folder.mkdir()
    (folder / "mua-nuoc.txt").write_text(
        "Chuyện mùa nước nổi ở miền Tây\n" + "\n".join(fish), encoding="utf-8"
    )
    (folder / "dem-nhac.txt").write_text("Chuyện đêm nhạc ở Sài Gòn\n" + "\n".join(singers), encoding="utf-8")
    from search.live import open_index

    with open_index(build(folder)).searcher() as searcher:
        assert paths(search(searcher, "cá")) == ["spellings/mua-nuoc.txt", "spellings/dem-nhac.txt"]
