"""Totals agree: across the pages of one query, across the library, the CLI and the HTTP API,
with a --site filter (one that matches nothing gives total 0), and when totals are only a lower
bound (SEARCH_EXACT_TOTAL_UP_TO lowered to 50: "total_relation" "gte", still the same total on
page 1 and page N). Pages past the 1,000th hit are refused: search.query.TooDeep, a CLI error
(no traceback), HTTP 400.
"""

import json
import math
import subprocess

import pytest

from search import query
from search.live import LiveIndex
from tests.stress import helpers
from tests.stress.conftest import record
from tests.stress.helpers import Server

WINDOW = 1000  # hits a page may reach (search.limits.MAX_RESULT_WINDOW)
KEYS = {"total", "total_relation", "partial"}  # in every JSON answer


def cli(index_dir, text: str, *options, env: dict | None = None) -> tuple[int, dict | None, str]:
    import os

    done = subprocess.run(
        [*helpers.SEARCH, "query", "--index", str(index_dir), "--json", *map(str, options), "--", text],
        capture_output=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )
    stderr = done.stderr.decode("utf-8", "replace")
    try:
        return done.returncode, json.loads(done.stdout), stderr
    except ValueError:
        return done.returncode, None, stderr


def _summary(data: dict) -> tuple:
    return data["total"], data.get("total_relation"), data["pages"]


@pytest.fixture(scope="session")
def probe_queries(base, corpus) -> list[str]:
    """Queries with a range of totals: one matching most pages, one past 1,000 hits, some of
    a few pages of hits, one of a few hundred (read in full)."""
    live = LiveIndex(base.index_dir)
    by_total = {}
    for text in ["của", "và những"] + corpus.query_mix(150, seed=21):
        total = query.search(live.searcher(), text).total
        by_total.setdefault(min(total // 50, 40), text)
    chosen = [by_total[k] for k in sorted(by_total, reverse=True) if k > 0][:6]
    chosen += [text for k, text in by_total.items() if k == 0][:1]
    return chosen


def test_totals_agree(engine, base, server, corpus, probe_queries):
    live = LiveIndex(base.index_dir)
    problems, checked = [], 0
    for text in probe_queries:
        first = query.search(live.searcher(), text, page=1, limit=10).to_json()
        total, relation, pages = _summary(first)
        reachable = min(pages, WINDOW // 10)
        if pages not in (math.ceil(total / 10), WINDOW // 10):  # all pages, or those one may reach
            problems.append(f"library {text!r}: {pages} pages for {total} hits")
        for page in sorted({2, math.ceil(reachable / 2), reachable} - {0, 1}):
            other = query.search(live.searcher(), text, page=page, limit=10).to_json()
            checked += 1
            if _summary(other) != (total, relation, pages):
                problems.append(
                    f"library {text!r}: page 1 {total, relation, pages}, page {page} {_summary(other)}"
                )
            if (
                page == pages == math.ceil(total / 10)
                and relation == "eq"
                and len(other["results"]) != total - (pages - 1) * 10
            ):
                problems.append(f"library {text!r}: last page holds {len(other['results'])} of {total}")
        if relation == "eq" and total <= 300:  # every hit, once
            ids = [
                hit["id"]
                for page in range(1, math.ceil(total / 100) + 1)
                for hit in query.search(live.searcher(), text, page=page, limit=100).to_json()["results"]
            ]
            if len(ids) != total or len(set(ids)) != total:
                problems.append(
                    f"library {text!r}: {len(ids)} hits over all pages ({len(set(ids))} distinct), total {total}"
                )
        # the same total from the CLI and HTTP, page 1 and the last reachable page
        for page in {1, reachable} - {0}:
            code, data, stderr = cli(base.index_dir, text, "--page", page)
            status, body, _ = server.search(text, page=page)
            checked += 2
            for where, answer in (("CLI", data), ("HTTP", body if status == 200 else None)):
                if answer is not None and not answer.keys() >= KEYS:
                    problems.append(f"{where} JSON without {sorted(KEYS - answer.keys())}")
            if code != 0 or data is None or _summary(data)[:2] != (total, relation):
                problems.append(
                    f"CLI {text!r} page {page}: exit {code}, {data and _summary(data)}; library {total, relation}: {stderr[-200:]}"
                )
            if status != 200 or _summary(body)[:2] != (total, relation):
                problems.append(
                    f"HTTP {text!r} page {page}: {status}, {_summary(body) if status == 200 else body}; library {total, relation}"
                )
    record(
        engine,
        "totals",
        f"{len(probe_queries)} queries (totals {', '.join(str(query.search(live.searcher(), t).total) for t in probe_queries)}), "
        f"{checked} pages compared across pages and interfaces: {len(problems)} disagreements",
        disagreements=len(problems),
    )
    assert not problems, "\n".join(problems)


def test_site_filter_totals(engine, base, server, probe_queries):
    live = LiveIndex(base.index_dir)
    problems = []
    text = probe_queries[0]
    everything = query.search(live.searcher(), text).total
    nothing = query.search(live.searcher(), text, site="no-such-site.example").to_json()
    if (nothing["total"], nothing["pages"], nothing["results"]) != (0, 0, []):
        problems.append(
            f"library --site matching nothing: {_summary(nothing)}, {len(nothing['results'])} results"
        )
    code, data, stderr = cli(base.index_dir, text, "--site", "no-such-site.example")
    if code != 0 or data is None or data["total"] != 0 or data["results"]:
        problems.append(
            f"CLI --site matching nothing: exit {code}, {data and _summary(data)} {stderr[-200:]}"
        )
    status, body, _ = server.search(text, site="no-such-site.example")
    if status != 200 or body["total"] != 0 or body["results"]:
        problems.append(f"HTTP site= matching nothing: {status} {body if status != 200 else _summary(body)}")
    site = "site3.example"
    first = query.search(live.searcher(), text, site=site).to_json()
    if not 0 < first["total"] <= everything:
        problems.append(f"--site {site}: total {first['total']} of {everything} unfiltered")
    if any(hit["site"] != site for hit in first["results"]):
        problems.append(f"--site {site}: hits from {sorted({hit['site'] for hit in first['results']})}")
    last = query.search(live.searcher(), text, site=site, page=max(1, min(first["pages"], 100))).to_json()
    if _summary(last) != _summary(first):
        problems.append(f"--site {site}: page 1 {_summary(first)}, last page {_summary(last)}")
    status, body, _ = server.search(text, site=site)
    if status != 200 or body["total"] != first["total"]:
        problems.append(
            f"HTTP site={site}: {status}, total {body.get('total') if status == 200 else body}, library {first['total']}"
        )
    record(
        engine,
        "totals",
        f"--site matching nothing: total {nothing['total']}; --site {site}: "
        f"{first['total']} of {everything}: {len(problems)} problems",
    )
    assert not problems, "\n".join(problems)


def test_deep_pages_refused(engine, base, server, probe_queries):
    live = LiveIndex(base.index_dir)
    text = probe_queries[0]
    problems = []
    try:
        query.search(live.searcher(), text, page=10, limit=100)  # hits 901-1000: allowed
    except Exception as error:
        problems.append(f"library page 10 x 100 (hits 901-1000) refused: {error!r}")
    for page, limit in ((11, 100), (101, 10), (1001, 1)):
        try:
            query.search(live.searcher(), text, page=page, limit=limit)
            problems.append(f"library page {page} x {limit}: not refused")
        except query.TooDeep:
            pass
        except Exception as error:
            problems.append(f"library page {page} x {limit}: {type(error).__name__}, not TooDeep")
        code, data, stderr = cli(base.index_dir, text, "--page", page, "--limit", limit)
        if code == 0 or "Traceback" in stderr or not stderr.strip():
            problems.append(f"CLI --page {page} --limit {limit}: exit {code}, stderr {stderr[-300:]!r}")
        status, body, _ = server.search(text, page=page, limit=limit)
        if status != 400:
            problems.append(f"HTTP page={page}&limit={limit}: {status}")
    record(engine, "totals", f"pages past hit {WINDOW}: {problems or 'refused everywhere'}")
    assert not problems, "\n".join(problems)


def test_lower_bound_totals_agree(engine, base, tmp_path, probe_queries):
    """With exact totals only up to 50 hits, a common query's total is "gte" and must still be
    the same on page 1 and on a page far past the 50th hit."""
    env = {"SEARCH_EXACT_TOTAL_UP_TO": "50"}
    text = probe_queries[0]
    problems = []
    answers = {}
    for page in (1, 3, 8, 20):
        code, data, stderr = cli(base.index_dir, text, "--page", page, env=env)
        if code != 0 or data is None:
            problems.append(f"CLI page {page}: exit {code}: {stderr[-300:]}")
            continue
        answers[page] = _summary(data)
    server = Server(base.index_dir, tmp_path / "serve.log", env=env)
    try:
        for page in (1, 8):
            status, body, _ = server.search(text, page=page)
            answers[f"HTTP {page}"] = _summary(body) if status == 200 else status
    finally:
        server.stop()
    if len(set(answers.values())) != 1:
        problems.append(f"{text!r} totals by page: {answers}")
    relations = {value[1] for value in answers.values() if isinstance(value, tuple)}
    if relations != {"gte"}:
        problems.append(f"{text!r}: total_relation {relations}, expected gte past 50 hits")
    record(engine, "totals", f"lower-bound totals (exact up to 50) for {text!r}: {answers}")
    assert not problems, "\n".join(problems)
