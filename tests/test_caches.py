"""What a server keeps between searches (pair counts, site names, document frequencies, the
generation a request reads) follows a rebuild and an update in place: no cache answers with
another generation's data, or with counts an update has changed."""

import shutil
from collections import Counter

from search.index import build_index, index_corpus
from search.live import LiveIndex, open_index
from search.sites import SiteNames
from search.spelling import PAIRS_FILE, PairCounts
from tests.paths import DATA


def test_a_rebuild_is_read_from_its_own_generation_only(build):
    index_dir = build(DATA / "en")
    live = LiveIndex(index_dir)
    first = live.searcher()
    pairs_before, names_before = live.pair_counts(first), live.site_names(first)
    assert first.doc_frequency("folded", "ferry") == 1
    build_index([DATA / "vi"], index_dir)  # (which removes the old generation)
    second = live.searcher()
    pairs_after, names_after = live.pair_counts(second), live.site_names(second)
    assert pairs_after is not pairs_before and names_after is not names_before
    assert live.pair_counts() is pairs_after and live.site_names() is names_after
    assert set(names_after.seen) != set(names_before.seen)
    pair, count = pairs_after._table.execute("SELECT pair, n FROM pairs LIMIT 1").fetchone()
    assert pairs_after[pair] == count and pairs_before[pair] == 0
    assert second.doc_frequency("folded", "ferry") == 0
    assert live.pair_counts(first) is pairs_after  # (no longer this thread's searcher)


def test_a_search_reads_the_generation_of_its_searcher(index_dir):
    live = LiveIndex(index_dir)
    searcher = live.searcher()
    assert live.pair_counts(searcher) is live.pair_counts()
    assert live.site_names(searcher) is live.site_names()
    other = open_index(index_dir).searcher()  # not this LiveIndex's: the live generation's
    assert live.pair_counts(other) is live.pair_counts()


def test_pair_counts_read_again_after_an_update_changed_them(tmp_path):
    PairCounts.create(tmp_path)
    PairCounts(Counter({"hợp_tác": 3}), articles=1).add_to(tmp_path)
    loaded = PairCounts.load(tmp_path).refresh()
    assert loaded["hợp_tác"] == 3 and loaded["giá_vàng"] == 0
    PairCounts(Counter({"hợp_tác": 2, "giá_vàng": 2}), articles=1).add_to(tmp_path)
    assert (tmp_path / PAIRS_FILE).exists() and loaded["hợp_tác"] == 3  # as of its refresh
    assert loaded.refresh()["hợp_tác"] == 5 and loaded["giá_vàng"] == 2
    assert loaded.refresh()["hợp_tác"] == 5  # (unchanged: what was read is kept)


def test_document_frequencies_follow_an_update_in_place(build, tmp_path):
    shutil.copytree(DATA / "en", tmp_path / "corpus")
    index_dir = build(tmp_path / "corpus")
    with open_index(index_dir).searcher() as searcher:
        assert searcher.doc_frequency("folded", "ngu") == 0
        shutil.copy(DATA / "vi" / "ca-bien.txt", tmp_path / "corpus")
        assert not index_corpus([tmp_path / "corpus"], index_dir).rebuilt
        assert searcher.refresh().doc_frequency("folded", "ngu") == 1


def test_a_site_name_is_chosen_again_when_a_page_names_it():
    names = SiteNames()
    names.add("dantri.com.vn", "dantri")
    assert names.name("dantri.com.vn") == "dantri.com.vn"
    names.add("dantri.com.vn", "Báo Dân Trí")
    assert names.name("dantri.com.vn") == "Báo Dân Trí"
