"""Fuzzed queries (hypothesis) through the library, the CLI and the HTTP API.

Queries mix the corpus's own syllables (accented and not), random Vietnamese letters, the
operators (AND OR NOT - " * ( ) : title:), and Unicode oddities (NFD, stacked combining marks,
right-to-left text and controls, emoji and ZWJ sequences, zero-width characters, full-width
letters, NUL); plus the known-hard ones: ("hop tac " * 50)[:400], 60 syllables, a 40-syllable
phrase, 54 prefixes ORed, floods of operators. Each must answer (never an exception, a
traceback or a 500), with a page consistent with its total, in under 1 s (a query over 1 s
is asked once more: only one slow twice fails, so a hiccup of a shared machine does not).
"""

import json
import re
import subprocess
import time
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from search import query
from search.live import LiveIndex
from tests.stress import helpers
from tests.stress.conftest import record

VI_LETTERS = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
VI_LETTERS += VI_LETTERS.upper()
OPERATORS = [
    "AND",
    "OR",
    "NOT",
    "-",
    "−",
    '"',
    "*",
    "(",
    ")",
    ":",
    "title:",
    "tiêu_đề:",
    "tieu_de:",
    "and",
    "or",
    "|",
    "&&",
    "+",
    "~",
    "^2",
    "\\",
    "'",
    "`",
    "\u201c",
    "\u201d",
]
ODDITIES = [
    "\u0301",
    "\u0323\u0301\u0300",
    "a" + "\u0301" * 30,
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u202e",
    "\u202c",
    "\u200f",
    "\u2066",
    "שלום",
    "مرحبا",
    "👍🏽",
    "👨\u200d👩\u200d👧",
    "🇻🇳",
    "\U0001f600",
    "ｈｏｐ ｔａｃ",
    "Ω",
    "ß",
    "İ",
    "ﬁ",
    "\x00",
    "\t",
    "\n",
    "\r\n",
    "\x1b[31m",
    "\u00a0",
    "\u3000",
    "𝐡𝐨𝐩",
    "Ⅻ",
    "½",
    "\U000e0041",
    "\ud7ff",
    "\uffff",
]
SEPARATORS = [" ", " ", " ", " ", "", "  ", "\t"]


@pytest.fixture(scope="session")
def vocabulary(corpus) -> list[str]:
    """Syllables of the corpus's pages (lower case, as typed: accented)."""
    words = {}
    for path in corpus.files()[:60]:
        for word in re.findall(r"[^\W\d_]+", path.read_text(encoding="utf-8")):
            words[word.lower()] = None
    return list(words)[:3000]


def hard_queries(words: list[str]) -> list[str]:
    prefixes = list(dict.fromkeys(w[:2] for w in words if len(w) >= 2))[:54]
    sentence = " ".join(words[:12])
    return [
        ("hop tac " * 50)[:400],
        " ".join(words[:60]),
        '"' + " ".join(words[60:100]) + '"',
        " OR ".join(f"{prefix}*" for prefix in prefixes),
        unicodedata.normalize("NFD", sentence),
        "a" + "\u0301" * 300,
        "\u202e" + sentence + "\u202c",
        "👍🏽 " * 40,
        "a " * 300,
        "title:" * 80,
        "(" * 200 + "hop" + ")" * 200,
        '"' * 151,
        "-" * 400,
        "*" * 400,
        "OR " * 130,
        "NOT " * 100,
        "-hop " * 80,
        " ".join(f"title:{w}" for w in words[:60]),
        " ".join(f"{w}*" for w in words[:60]),
        " ".join(f"-{w}" for w in words[:60]),
        '"' + "hop tac " * 45 + '"',
        "h*",
        "*a",
        "",
        "   ",
    ]


def queries(words: list[str]):
    token = st.one_of(
        st.sampled_from(words),
        st.sampled_from(words).map(helpers.fold),
        st.sampled_from(words).map(lambda w: w.upper()),
        st.text(alphabet=VI_LETTERS, min_size=1, max_size=8),
        st.sampled_from(OPERATORS),
        st.sampled_from(ODDITIES),
        st.text(max_size=6),  # any code point but surrogates
    )
    glued = st.lists(st.tuples(token, st.sampled_from(SEPARATORS)), max_size=40).map(
        lambda parts: "".join(text + separator for text, separator in parts)
    )
    return st.one_of(
        glued,
        glued,
        glued,
        st.sampled_from(hard_queries(words)),
        st.sampled_from(hard_queries(words)).map(lambda q: unicodedata.normalize("NFD", q)),
    )


class Timer:
    """Latencies of one interface; a call over SLOW_MS is asked again before it counts."""

    def __init__(self):
        self.times: list[float] = []
        self.slow_once: list[str] = []
        self.slow: list[tuple[str, float]] = []

    def check(self, text: str, call):
        started = time.perf_counter()
        result = call()
        elapsed = (time.perf_counter() - started) * 1000
        if elapsed > helpers.SLOW_MS:
            self.slow_once.append(text)
            started = time.perf_counter()
            result = call()
            again = (time.perf_counter() - started) * 1000
            if again > helpers.SLOW_MS:
                self.slow.append((text, again))
            elapsed = min(elapsed, again)
        self.times.append(elapsed)
        return result

    def summary(self, name: str) -> str:
        figures = helpers.percentiles(self.times)
        return (
            f"{name}: {len(self.times)} queries, p50 {figures['p50']:.0f} / p99 {figures['p99']:.0f} / "
            f"max {figures['max']:.0f} ms; over {helpers.SLOW_MS} ms twice: {len(self.slow)} "
            f"(once: {len(self.slow_once)})"
        )


def _page_is_consistent(data: dict, limit: int) -> str | None:
    """A page's results agree with its total and page number (when the total is exact)."""
    total, page, results = data["total"], data["page"], data["results"]
    if total < 0 or len(results) > limit:
        return f"total {total}, {len(results)} results for a limit of {limit}"
    if data.get("total_relation", "eq") == "eq" and not data.get("partial"):
        expected = max(0, min(limit, total - (page - 1) * limit))
        if len(results) != expected:
            return f"total {total}, page {page}: {len(results)} results, expected {expected}"
    return None


def test_fuzzed_queries_library(engine, base, vocabulary):
    live = LiveIndex(base.index_dir)
    timer = Timer()

    @settings(max_examples=helpers.FUZZ_EXAMPLES)
    @given(text=queries(vocabulary), page=st.integers(1, 3), sort=st.sampled_from(query.SORTS))
    @example(text=("hop tac " * 50)[:400], page=1, sort="relevance")
    def check(text, page, sort):
        result = timer.check(
            text, lambda: query.search(live.searcher(), text, page=page, sort=sort, pairs=live.pair_counts())
        )
        data = json.loads(json.dumps(result.to_json()))
        problem = _page_is_consistent(data, query.DEFAULT_PAGE_SIZE)
        assert problem is None, f"{text!r}: {problem}"

    try:
        check()
    finally:
        record(
            engine,
            "fuzzed queries",
            timer.summary("library"),
            library_p99=helpers.percentiles(timer.times)["p99"],
        )
    assert not timer.slow, f"queries over {helpers.SLOW_MS} ms twice: {timer.slow[:5]}"


def test_fuzzed_queries_http(engine, server, vocabulary):
    timer, statuses = Timer(), {}

    @settings(max_examples=helpers.FUZZ_EXAMPLES)
    @given(
        text=queries(vocabulary),
        page=st.integers(1, 3),
        sort=st.sampled_from(query.SORTS),
        html=st.booleans(),
    )
    @example(text=("hop tac " * 50)[:400], page=1, sort="relevance", html=False)
    def check(text, page, sort, html):
        from urllib.parse import quote, urlencode

        path = ("/?" if html else "/api/search?") + urlencode(
            {"q": text, "page": page, "sort": sort}, quote_via=quote
        )
        status, body = timer.check(text, lambda: server.get(path))
        statuses[status] = statuses.get(status, 0) + 1
        if len(text) > 400:
            assert status in (200, 400), f"{status} for a {len(text)}-character query {text[:60]!r}"
        else:
            assert status == 200, f"{status} for {text!r} ({path}): {body[:300]!r}"
        if status == 200 and not html:
            problem = _page_is_consistent(json.loads(body), query.DEFAULT_PAGE_SIZE)
            assert problem is None, f"{text!r}: {problem}"

    try:
        check()
    finally:
        record(
            engine,
            "fuzzed queries",
            timer.summary("HTTP") + f"; statuses {statuses}",
            http_p99=helpers.percentiles(timer.times)["p99"],
        )
    assert not timer.slow, f"requests over {helpers.SLOW_MS} ms twice: {timer.slow[:5]}"


def test_fuzzed_queries_cli(engine, base, vocabulary):
    timer, walls = Timer(), []

    @settings(max_examples=helpers.CLI_EXAMPLES)
    @given(text=queries(vocabulary).filter(lambda q: "\x00" not in q))
    @example(text=("hop tac " * 50)[:400])
    @example(text="-tin tức")
    def check(text):
        started = time.perf_counter()
        done = subprocess.run(
            [*helpers.SEARCH, "query", "--index", str(base.index_dir), "--json", "--", text],
            capture_output=True,
            timeout=60,
        )
        walls.append((time.perf_counter() - started) * 1000)
        stderr = done.stderr.decode("utf-8", "replace")
        assert done.returncode == 0 and "Traceback" not in stderr, (
            f"{text!r}: exit {done.returncode}: {stderr[-600:]}"
        )
        data = json.loads(done.stdout)
        timer.times.append(data["took_ms"])
        if data["took_ms"] > helpers.SLOW_MS:
            timer.slow.append((text, data["took_ms"]))
        problem = _page_is_consistent(data, query.DEFAULT_PAGE_SIZE)
        assert problem is None, f"{text!r}: {problem}"

    try:
        check()
    finally:
        record(
            engine,
            "fuzzed queries",
            timer.summary("CLI (took_ms)")
            + f"; whole command p50 {helpers.percentiles(walls)['p50']:.0f} ms",
        )
    assert not timer.slow, f"queries over {helpers.SLOW_MS} ms: {timer.slow[:5]}"
