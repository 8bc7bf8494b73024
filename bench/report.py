"""The figures of a `python -m bench` run (its JSON) -> the Markdown report it prints and saves.

Per corpus: the build, open and library-query table; the HTTP and update table; on the archive
corpus the HTTP figures by kind of request and the stories' figures; then issue #23's figures
for tantivy at every size measured (so growth is visible), the targets (#9's at 100,000 pages,
#23's at 1,000,000), the Whoosh engine against plain Whoosh, and the checks.
"""

OURS = ("tantivy", "whoosh")  # served over HTTP and updated; plain Whoosh is only built and queried
OPEN_RUNS = 3
# Targets: (key, label, limit, unit, higher is better), and the size they are measured at.
TARGETS = {
    "#9": (
        100_000,
        [
            ("build", "full build", 500, "pages/s", True),
            ("update", "update of 100 changed files", 5, "s", False),
            ("query_p99", "library query p99 (snippets, did you mean)", 30, "ms", False),
            ("http_p99", "HTTP p99, 8 clients, 0 errors", 100, "ms", False),
            ("peak", "peak memory while indexing (process tree)", 2048, "MB", False),
            ("open", "open to first answered query", 200, "ms", False),
        ],
    ),
    "#23": (
        1_000_000,
        [
            ("build", "first build", 1000, "pages/s", True),
            ("peak", "peak memory while indexing (process tree)", 2048, "MB", False),
            ("index_ratio", "index on disk / the articles' text", 1.0, "x", False),
            ("http_p99", "HTTP p99, 8 clients, 0 errors", 100, "ms", False),
            ("update", "update of 100 changed files (the folder walked)", 2, "s", False),
            ("update_named", "update of 100 changed files (named)", 2, "s", False),
            ("open", "open to first answered query", 200, "ms", False),
        ],
    ),
}
COMPARE_PAGES = 10_000
BUSY_SHARE = 0.05


def _fmt(value, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, (int, float)) and abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def _lat(figures: dict | None) -> str:
    if not figures:
        return "-"
    return f"{_fmt(figures['p50'])} / {_fmt(figures['p95'])} / {_fmt(figures['p99'])}"


def _find(report: dict, corpus: str, pages: int, engine: str) -> dict | None:
    for run in report["runs"]:
        if run["corpus"] == corpus and run["pages"] == pages:
            found = run["engines"].get(engine)
            return found if found and "error" not in found else None
    return None


def _run(report: dict, corpus: str, pages: int) -> dict | None:
    return next((r for r in report["runs"] if r["corpus"] == corpus and r["pages"] == pages), None)


def text_mb(run: dict) -> float:
    """The text an index holds: the articles' own text when the generator says it, else the files."""
    return run.get("text_mb") or run["corpus_mb"]


def values(run: dict, measured: dict) -> dict:
    """The figures targets are set on, from one engine's measurement at one size."""
    build, http, update = measured["build"], measured.get("http"), measured.get("update")
    return {
        "build": build["pages_per_s"],
        "peak": build["peak_rss_mb"],
        "index_ratio": round(build["index_mb"] / text_mb(run), 2),
        "update": update["seconds"] if update else None,
        "update_named": update["named"]["seconds"] if update and "named" in update else None,
        "query_p99": measured["library"]["p99"],
        "http_p99": http["p99"] if http else None,
        "open": measured["open"]["max_ms"],
    }


def target_rows(report: dict, corpus: str, issue: str) -> list[str]:
    pages, targets = TARGETS[issue]
    measured = _find(report, corpus, pages, "tantivy")
    head = f"Targets of {issue}, tantivy at {pages:,} pages ({corpus} corpus):"
    if measured is None:
        return [head, "", f"not measured in this run (no tantivy run at {pages:,} pages).", ""]
    run = _run(report, corpus, pages)
    found, http = values(run, measured), measured.get("http")
    rows = [head, "", "| target | goal | measured | met |", "|---|---|---|---|"]
    for key, label, limit, unit, higher in targets:
        value = found[key]
        if value is None:
            rows.append(f"| {label} | {'>=' if higher else '<='} {limit:,} {unit} | not measured | - |")
            continue
        met = value >= limit if higher else value <= limit
        shown = f"{_fmt(value, 2 if unit == 'x' else 1)} {unit}"
        if key == "http_p99":
            met = met and http["errors"] == 0
            shown += f", {http['errors']} errors"
        if key == "peak":
            shown += (
                f" RSS sum ({_fmt(measured['build']['peak_pss_mb'])} MB PSS, "
                f"{_fmt(measured['build'].get('peak_private_mb'))} MB private)"
            )
        if key == "open":
            shown += f" (worst of {OPEN_RUNS}; median {_fmt(measured['open']['median_ms'])})"
        if key == "index_ratio":
            shown += f" ({_fmt(measured['build']['index_mb'])} MB for {_fmt(text_mb(run))} MB)"
        rows.append(
            f"| {label} | {'>=' if higher else '<='} {limit:,} {unit} | {shown} | {'yes' if met else 'NO'} |"
        )
    return rows + [""]


def growth_rows(report: dict, corpus: str) -> list[str]:
    """Issue #23's figures for tantivy at each size measured, side by side."""
    runs = [
        r for r in report["runs"] if r["corpus"] == corpus and _find(report, corpus, r["pages"], "tantivy")
    ]
    if not runs:
        return []
    measured = [(run, run["engines"]["tantivy"]) for run in runs]
    rows = [
        f"Issue #23's figures, tantivy, by size ({corpus} corpus):",
        "",
        "| | " + " | ".join(f"{run['pages']:,} pages" for run in runs) + " |",
        "|---|" + "---|" * len(runs),
    ]

    def row(label: str, show) -> None:
        cells = []
        for run, figures in measured:
            try:
                cells.append(show(run, figures))
            except (KeyError, TypeError):
                cells.append("-")
        if any(cell != "-" for cell in cells):
            rows.append(f"| {label} | " + " | ".join(cells) + " |")

    row("build, pages/s", lambda r, f: _fmt(f["build"]["pages_per_s"]))
    row(
        "peak memory building, MB RSS (PSS; private)",
        lambda r, f: (
            f"{_fmt(f['build']['peak_rss_mb'])} ({_fmt(f['build']['peak_pss_mb'])}; "
            f"{_fmt(f['build'].get('peak_private_mb'))})"
        ),
    )
    row(
        "index on disk / the text it holds, MB",
        lambda r, f: f"{_fmt(f['build']['index_mb'])} / {_fmt(text_mb(r))}",
    )
    row("open to first answer, ms (worst of 3)", lambda r, f: _fmt(f["open"]["max_ms"]))
    row(
        "library query p50 / p99, ms",
        lambda r, f: f"{_fmt(f['library']['p50'])} / {_fmt(f['library']['p99'])}",
    )
    row("HTTP p50 / p99, ms, 8 clients", lambda r, f: f"{_fmt(f['http']['p50'])} / {_fmt(f['http']['p99'])}")
    row("HTTP errors", lambda r, f: str(f["http"]["errors"]))
    row("update of 100 edited files, s", lambda r, f: _fmt(f["update"]["seconds"], 2))
    row(
        "update of 100 edited files named, s",
        lambda r, f: _fmt(f["update"]["named"]["seconds"], 2) if "named" in f["update"] else "-",
    )
    row(
        "copies collapsed (sample)",
        lambda r, f: _share(f["stories"]["copies_collapsed"], f["stories"]["copies_checked"]),
    )
    row(
        "distinct articles merged (sample)",
        lambda r, f: _share(f["stories"]["distinct_merged"], f["stories"]["distinct_checked"]),
    )
    row(
        "related articles p50 / p99, ms",
        lambda r, f: (
            f"{_fmt(f['stories']['timings']['related articles']['p50'])} / "
            f"{_fmt(f['stories']['timings']['related articles']['p99'])}"
        ),
    )
    return rows + [""]


def _share(part: int, whole: int) -> str:
    return f"{part:,}/{whole:,} ({part / whole:.1%})" if whole else "-"


def comparison_rows(report: dict, corpus: str) -> list[str]:
    ours, plain = (
        _find(report, corpus, COMPARE_PAGES, "whoosh"),
        _find(report, corpus, COMPARE_PAGES, "plain"),
    )
    head = f"Whoosh engine vs plain Whoosh at {COMPARE_PAGES:,} pages ({corpus} corpus), library queries:"
    if not ours or not plain:
        return [head, "", "not measured in this run.", ""]
    rows = [head, "", "| | whoosh engine ms | plain Whoosh ms | ratio | no worse |", "|---|---|---|---|---|"]
    for key in ("p50", "p95", "p99"):
        a, b = ours["library"][key], plain["library"][key]
        rows.append(f"| {key} | {_fmt(a)} | {_fmt(b)} | {a / b:.2f} | {'yes' if a <= b else 'NO'} |")
    return rows + [""]


def corpus_line(run: dict) -> str:
    made = run.get("made") or {}
    line = f"- {run['pages']:,} pages: {run['corpus_mb']:,.0f} MB of files"
    if made:
        line += (
            f" ({made['html_pages']:,} HTML pages, {made['copy_pages']:,} syndicated copies, "
            f"{made['sites']} sites), {run['text_mb']:,.0f} MB of article text"
        )
    written = "written in" if made else "ready (written or found) in"
    return line + f"; {written} {run['corpus_seconds']} s."


def markdown(report: dict) -> str:
    out = [
        f"# Benchmark run {report['started']}",
        "",
        f"{report['machine']['cores']} cores, {report['machine']['memory_gb']} GB; "
        f"commit {report['commit']}; tantivy {report['versions'].get('tantivy')}, "
        f"Whoosh {report['versions'].get('whoosh')}.",
        "",
    ]
    commits = {figures.get("commit") for run in report["runs"] for figures in run["engines"].values()}
    if len(commits - {None}) > 1:
        out += [
            "**The code under test changed during this run**: "
            + "; ".join(
                f"{run['corpus']} {run['pages']:,} {engine}: {figures.get('commit')}"
                for run in report["runs"]
                for engine, figures in run["engines"].items()
            )
            + ".",
            "",
        ]
    for corpus in dict.fromkeys(run["corpus"] for run in report["runs"]):
        runs = [run for run in report["runs"] if run["corpus"] == corpus]
        out += [f"## {corpus} corpus", ""] + [corpus_line(run) for run in runs] + [""]
        out += engine_rows(runs) + http_rows(runs) + kind_rows(runs) + story_rows(runs)
        out += growth_rows(report, corpus)
        out += target_rows(report, corpus, "#9") + target_rows(report, corpus, "#23")
        out += comparison_rows(report, corpus) + checks(runs)
    return "\n".join(out)


def engine_rows(runs: list[dict]) -> list[str]:
    out = [
        "| pages | engine | build pages/s | MB/s | peak MB RSS (PSS) | index MB (/ text) | open ms | "
        "library p50 / p95 / p99 ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        for engine, figures in run["engines"].items():
            if "error" in figures:
                out.append(f"| {run['pages']:,} | {engine} | failed: {figures['error'][:80]} |||||| ")
                continue
            build = figures["build"]
            out.append(
                f"| {run['pages']:,} | {engine} | {_fmt(build['pages_per_s'])} | {build['mb_per_s']} | "
                f"{_fmt(build['peak_rss_mb'])} ({_fmt(build['peak_pss_mb'])}) | {_fmt(build['index_mb'])} "
                f"({build['index_mb'] / text_mb(run):.2f}x) | "
                f"{_fmt(figures['open']['median_ms'])} | {_lat(figures['library'])} |"
            )
    return out + [""]


def http_rows(runs: list[dict]) -> list[str]:
    out = [
        "| pages | engine | HTTP p50 / p95 / p99 ms, 8 clients, 2 workers | req/s | errors | "
        "answers with no result | server peak MB RSS (PSS) | update of 100 edited files, s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        for engine, figures in run["engines"].items():
            if engine not in OURS or "error" in figures:
                continue
            http, update = figures.get("http"), figures.get("update")
            server = (
                f"{_fmt(http['server_peak_rss_mb'])} ({_fmt(http['server_peak_pss_mb'])})" if http else "-"
            )
            out.append(
                f"| {run['pages']:,} | {engine} | {_lat(http)} | "
                f"{http['requests_per_s'] if http else '-'} | {http['errors'] if http else '-'} | "
                f"{http.get('no_results', '-') if http else '-'} | "
                f"{server} | {update['seconds'] if update else '-'} |"
            )
    return out + [""]


def kind_rows(runs: list[dict]) -> list[str]:
    """HTTP latency by kind of request (sort, filters), where the mix has several kinds."""
    rows = []
    for run in runs:
        for engine, figures in run["engines"].items():
            kinds = (figures.get("http") or {}).get("kinds") or {}
            if len(kinds) < 2:
                continue
            if not rows:
                rows = [
                    "HTTP by kind of request (each with snippets, facets and did you mean):",
                    "",
                    "| pages | engine | kind | requests | p50 / p99 ms | no result |",
                    "|---|---|---|---|---|---|",
                ]
            for kind, k in kinds.items():
                rows.append(
                    f"| {run['pages']:,} | {engine} | {kind} | {k['n']} | {_fmt(k['p50'])} / {_fmt(k['p99'])} | "
                    f"{k['no_results']} |"
                )
    return rows + [""] if rows else []


def story_rows(runs: list[dict]) -> list[str]:
    rows = []
    for run in runs:
        for engine, figures in run["engines"].items():
            stories = figures.get("stories")
            if not stories or "error" in stories:
                continue
            if not rows:
                rows = [
                    "Stories (bench/stories.py, on a sample of the corpus's copies and distinct articles):",
                    "",
                    "| pages | engine | copies collapsed | distinct articles merged | related p50 / p99 ms | "
                    "search p50 / p99 ms, collapsed / every article |",
                    "|---|---|---|---|---|---|",
                ]
            t = stories["timings"]
            rows.append(
                f"| {run['pages']:,} | {engine} | {_share(stories['copies_collapsed'], stories['copies_checked'])} | "
                f"{_share(stories['distinct_merged'], stories['distinct_checked'])} | "
                f"{_fmt(t['related articles']['p50'])} / {_fmt(t['related articles']['p99'])} | "
                f"{_fmt(t['search, stories collapsed']['p50'])} / {_fmt(t['search, stories collapsed']['p99'])}, "
                f"{_fmt(t['search, every article']['p50'])} / {_fmt(t['search, every article']['p99'])} |"
            )
    return rows + [""] if rows else []


def checks(runs: list[dict]) -> list[str]:
    """What should hold whatever the speed: both engines find the same number of articles, an
    update changes exactly the edited files, a quiet machine, no HTTP error."""
    notes = []
    for run in runs:
        tantivy, whoosh = run["engines"].get("tantivy"), run["engines"].get("whoosh")
        if tantivy and whoosh and "library" in tantivy and "library" in whoosh:
            a, b = tantivy["library"]["totals"], whoosh["library"]["totals"]
            same = sum(x == y for x, y in zip(a, b))
            notes.append(
                f"- {run['pages']:,} pages: tantivy and whoosh report the same total for {same} "
                f"of {len(a)} queries; queries with no hit: tantivy {tantivy['library']['no_hits']}, "
                f"whoosh {whoosh['library']['no_hits']}."
            )
        plain = run["engines"].get("plain") or {}
        made = run.get("made") or {}
        if plain.get("build") and made.get("html_pages"):
            notes.append(
                f"- {run['pages']:,} pages: plain Whoosh indexed {plain['build']['indexed']:,} files of "
                f"{run['pages']:,} (bench/child.py reads the *.txt files only; this corpus has "
                f"{made['html_pages']:,} HTML pages): compare it with `--html 0`."
            )
        for engine, figures in run["engines"].items():
            if figures.get("others_share", 0) > BUSY_SHARE:
                notes.append(
                    f"- {run['pages']:,} pages, {engine}: other processes took "
                    f"{figures['others_share']:.0%} of the machine's CPU during the measurement "
                    f"({figures['others_cpu_s']} CPU-s): its figures are slower than on a quiet machine."
                )
        for engine in OURS:
            update = (run["engines"].get(engine) or {}).get("update")
            for name, measured in [
                ("update", update),
                ("update of named files", (update or {}).get("named")),
            ]:
                if measured and (
                    measured["changed"] != measured["edited"] or measured["added"] or measured["removed"]
                ):
                    notes.append(
                        f"- {run['pages']:,} pages, {engine}: the {name} reported {measured['changed']} "
                        f"changed, {measured['added']} added, {measured['removed']} removed "
                        f"for {measured['edited']} edited files."
                    )
            http = (run["engines"].get(engine) or {}).get("http")
            if http and http["errors"]:
                notes.append(
                    f"- {run['pages']:,} pages, {engine}: {http['errors']} HTTP errors, first: "
                    f"{http['first_errors'][0][:200]}"
                )
    return (["Checks:", ""] + notes + [""]) if notes else []
