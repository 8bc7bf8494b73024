"""The `search` command as a user runs it (click's CliRunner)."""

import json

import pytest

from search.cli import EXIT_SKIPPED, main
from tests.paths import DATA, SEEDS

pytestmark = pytest.mark.usefixtures("engine")  # each test runs on every engine


def test_index_then_query_human_and_json(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("SEARCH_INDEX_DIR", str(tmp_path / "ix"))
    result = runner.invoke(main, ["index", str(SEEDS)])
    assert result.exit_code == 0, result.output
    assert "Indexed 5 articles" in result.output

    human = runner.invoke(main, ["query", "hop tac"])
    assert human.exit_code == 0
    assert "1. Tăng cường hợp tác giao lưu nhân dân" in human.output
    assert "000_50ba9309579d981d.txt" in human.output and "hợp tác" in human.output
    assert "3 results, page 1 of 1" in human.output
    past = runner.invoke(main, ["query", "hop tac", "--page", "4"])
    assert past.exit_code == 0 and "Page 4 is past the last: 'hop tac' has 3 results on 1 page" in past.output

    data = json.loads(runner.invoke(main, ["query", "hợp tác", "--json"]).output)
    assert set(data) >= {"query", "total", "page", "pages", "took_ms", "results"}
    assert data["query"] == "hợp tác" and data["total"] == 3
    first = data["results"][0]
    assert set(first) >= {"path", "title", "score", "snippet"}
    assert first["path"] == str(SEEDS / "000_50ba9309579d981d.txt")
    assert "<mark>hợp tác</mark>" in first["snippet"]


def test_navigation_words_find_nothing(runner, index_dir):
    for word in ["Kaluga", "Bunpimay"]:  # in the seeds' menus and rails only
        result = runner.invoke(main, ["query", word, "--index", str(index_dir), "--json"])
        assert json.loads(result.output)["total"] == 0


def test_missing_index_is_one_line_and_nonzero(runner, tmp_path):
    result = runner.invoke(main, ["query", "x", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: no index at {tmp_path / 'none'}/ yet; build one with "
        f"`search index --index {tmp_path / 'none'}`"
    )


def test_bad_option_and_bad_path(runner, tmp_path):
    result = runner.invoke(main, ["query", "x", "--limit", "0"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    result = runner.invoke(main, ["index", str(tmp_path / "nope"), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1 and "no such file or folder" in result.output


def test_skipped_files_are_listed_and_change_the_exit_status(runner, bad_files, tmp_path):
    result = runner.invoke(main, ["index", str(bad_files), "--index", str(tmp_path / "ix")])
    assert result.exit_code == EXIT_SKIPPED
    assert "Indexed 1 article into" in result.output
    assert "binary.txt: binary file" in result.output
    assert "undecodable.txt: undecodable" in result.output


def test_nothing_to_index_keeps_the_old_index(runner, tmp_path):
    ix = str(tmp_path / "ix")
    runner.invoke(main, ["index", str(DATA / "en"), "--index", ix])
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "a.txt").write_bytes(b"\x00\x01")
    added = runner.invoke(main, ["index", str(empty), "--index", ix])
    assert added.exit_code == EXIT_SKIPPED and "0 added" in added.output and "4 articles" in added.output
    result = runner.invoke(main, ["index", str(empty), "--prune", "--index", ix])
    assert result.exit_code == 1 and "old index is kept" in result.output
    assert json.loads(runner.invoke(main, ["query", "ferry", "--index", ix, "--json"]).output)["total"] == 1


def test_a_first_build_with_nothing_to_index_leaves_no_folder(runner, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "a.txt").write_bytes(b"\x00\x01")
    result = runner.invoke(main, ["index", str(empty), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1 and "no index was written" in result.output
    assert "old index" not in result.output and not (tmp_path / "ix").exists()


def test_extract_json_and_explain(runner):
    result = runner.invoke(main, ["extract", str(SEEDS / "000_50ba9309579d981d.txt"), "--json"])
    assert result.exit_code == 0
    [article] = json.loads(result.output)
    assert article["title"].startswith("Tăng cường hợp tác")
    assert "\n" in article["body"] and "Kaluga" not in article["body"]
    explained = runner.invoke(main, ["extract", str(SEEDS / "000_50ba9309579d981d.txt"), "--explain"])
    assert 'navigation section "Tin bài liên quan"' in explained.output


def test_extract_explain_says_how_a_page_without_an_article_was_read(runner, tmp_path):
    """A listing, or a page whose story was not found: --explain shows the title's source and
    the container taken for the story, as it does for an article."""
    teasers = "".join(
        f'<li><a href="/tin-{n}.html">Tin số {n} về giao thông và du lịch ở miền Trung</a></li>'
        for n in range(12)
    )
    (tmp_path / "home.html").write_text(
        f"<html><head><title>Báo Mẫu</title></head><body><ul>{teasers}</ul></body></html>"
    )
    (tmp_path / "empty.html").write_text(
        "<html><head><title>Tin</title></head><body><div>Ảnh</div></body></html>"
    )
    result = runner.invoke(main, ["extract", str(tmp_path), "--explain"])
    home, empty = (result.output.split(name)[1] for name in ("home.html:", "empty.html:"))
    assert "a listing page" in home and "- best candidate <" in home.split("empty.html")[0]
    assert "no article text found" in empty and "- title: the page's metadata" in empty
    plain = runner.invoke(main, ["extract", str(tmp_path)])
    assert "best candidate" not in plain.output


def test_extract_several_files_is_one_list(runner):
    result = runner.invoke(main, ["extract", str(SEEDS), str(DATA / "en"), "--json"])
    names = [a["path"].rsplit("/", 1)[1] for a in json.loads(result.output)]
    assert names[-4:] == ["coffee-exports.txt", "div-soup.html", "ferry.html", "russia-students.html"]
    assert len(names) == 9


def test_second_run_updates_and_says_what_it_did(runner, tmp_path):
    import shutil

    shutil.copytree(DATA / "en", tmp_path / "corpus")
    ix = str(tmp_path / "ix")
    runner.invoke(main, ["index", str(tmp_path / "corpus"), "--index", ix])
    (tmp_path / "corpus" / "ferry.html").unlink()
    result = runner.invoke(main, ["index", str(tmp_path / "corpus"), "--index", ix])
    assert result.exit_code == 0
    assert "0 added, 0 changed, 1 removed, 3 unchanged; 3 articles in the index." in result.output
    rebuilt = runner.invoke(main, ["index", str(tmp_path / "corpus"), "--index", ix, "--rebuild"])
    assert "Indexed 3 articles" in rebuilt.output


def test_an_update_of_the_paths_indexed_counts_its_files_from_the_index(runner, tmp_path, monkeypatch):
    # The progress of an update of the index's own paths takes its count from the index: a
    # walk only to count a million files took as long as the update's own walk.
    import shutil

    from search.sources import folders

    shutil.copytree(DATA / "en", tmp_path / "corpus")
    ix = str(tmp_path / "ix")
    runner.invoke(main, ["index", str(tmp_path / "corpus"), "--index", ix])
    counted = []
    monkeypatch.setattr(folders, "find_files", lambda paths: counted.append(paths) or ([], []))
    (tmp_path / "corpus" / "ferry.html").unlink()
    for arguments in ([], [str(tmp_path / "corpus")]):
        result = runner.invoke(main, ["index", *arguments, "--index", ix])
        assert result.exit_code == 0, result.output
    assert counted == []
    runner.invoke(main, ["index", str(tmp_path / "corpus" / "coffee-exports.txt"), "--index", ix])
    assert len(counted) == 1  # other paths than the index's: counted by a walk


def test_a_file_named_inside_an_indexed_folder_is_not_read_again_at_each_update(runner, tmp_path):
    # The index's paths are then the folder and the file: the folder's walk leaves the file to
    # its own entry, which must not take it for gone (each update removed it and added it back).
    import shutil

    shutil.copytree(DATA / "en", tmp_path / "corpus")
    ix = str(tmp_path / "ix")
    runner.invoke(main, ["index", str(tmp_path / "corpus"), "--index", ix])
    runner.invoke(main, ["index", str(tmp_path / "corpus" / "ferry.html"), "--index", ix])
    for _ in range(2):
        result = runner.invoke(main, ["index", "--index", ix])
        assert "0 added, 0 changed, 0 removed, 4 unchanged; 4 articles in the index." in result.output
    (tmp_path / "corpus" / "ferry.html").unlink()
    result = runner.invoke(main, ["index", "--index", ix])
    assert "0 added, 0 changed, 1 removed, 3 unchanged; 3 articles in the index." in result.output


def test_the_count_from_the_index_is_the_files_a_walk_counts(runner, tmp_path):
    # Pages, and a crawl file of several records: one file each to the progress, as a walk.
    import shutil

    from search import generations, terminal
    from search.sources import folders
    from tests.crawls import html, story_pages, write_warc

    shutil.copytree(DATA / "en", tmp_path / "corpus")
    write_warc(tmp_path / "corpus" / "crawl.warc.gz", [html(url, data) for url, data in story_pages()])
    ix = str(tmp_path / "ix")
    runner.invoke(main, ["index", str(tmp_path / "corpus"), "--index", ix])
    walked, _ = folders.find_files([str(tmp_path / "corpus")])
    live = generations.index_info(ix)
    assert terminal.files_to_index((str(tmp_path / "corpus"),), ix, live) == (len(walked), True)


def test_a_build_and_its_updates_reach_the_count_of_their_progress(runner, tmp_path, monkeypatch):
    # What the last run passed over is in an update's count: a broken link the walk reports and
    # an empty page read and skipped are done again, a crawl file's broken record is not (its
    # unchanged file is not read). Each must be counted as done, or the bar ends short of 100%.
    import shutil

    from search import terminal
    from tests.crawls import STORIES, page, write_jsonl

    corpus = tmp_path / "corpus"
    shutil.copytree(DATA / "en", corpus)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "broken.txt").symlink_to(corpus / "gone.txt")
    url, title, lead = STORIES[0]
    write_jsonl(corpus / "items.jsonl", [{"url": url, "html": page(url, title, lead)}, '{"url": "x", "ti'])
    ends, leave = [], terminal.Progress.__exit__
    monkeypatch.setattr(
        terminal.Progress,
        "__exit__",
        lambda self, *exc: ends.append((self.done, self.total)) or leave(self, *exc),
    )
    ix = str(tmp_path / "ix")
    for arguments in ([str(corpus)], [], []):
        result = runner.invoke(main, ["index", *arguments, "--index", ix])
        assert result.exit_code == 3, result.output  # (files skipped)
    assert [done == total for done, total in ends] == [True, True, True], ends


def test_progress_grows_its_count_when_more_files_come():
    from search import terminal

    progress = terminal.Progress(2, shown=False)
    for _ in range(5):
        progress.update()
    assert progress.total == 5
    assert "5 of 5 files (100%)" in progress.line(10.0) and "about 0 s left" in progress.line(10.0)


def test_indexing_a_path_adds_to_the_index(runner, tmp_path):
    import shutil

    shutil.copytree(DATA / "en", tmp_path / "en")
    shutil.copytree(DATA / "vi", tmp_path / "vi")
    ix = str(tmp_path / "ix")
    first = runner.invoke(main, ["index", str(tmp_path / "en"), "--index", ix])
    assert "Indexed 4 articles" in first.output
    one = tmp_path / "vi" / "ca-phe.txt"
    added = runner.invoke(main, ["index", str(one), "--index", ix])
    assert "1 added, 0 changed, 0 removed, 0 unchanged; 5 articles in the index." in added.output
    (tmp_path / "en" / "ferry.html").unlink()
    one.write_text(one.read_text().replace("cà phê", "trà", 1))
    refreshed = runner.invoke(main, ["index", "--index", ix])  # every path it was built from
    assert "0 added, 1 changed, 1 removed, 3 unchanged; 4 articles" in refreshed.output
    pruned = runner.invoke(main, ["index", str(one), "--prune", "--index", ix])
    assert "0 added, 0 changed, 3 removed, 1 unchanged; 1 article in the index." in pruned.output


def test_a_build_off_a_terminal_says_how_far_it_is(runner, tmp_path, monkeypatch):
    """A long build run in the background (a log, nohup) prints a progress line with its rate
    and the time left now and then; here after every file."""
    from search import terminal

    monkeypatch.setattr(terminal.Progress, "LOG_EVERY", 0.0)
    result = runner.invoke(main, ["index", str(SEEDS), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Indexing: ")]
    assert lines and lines[-1].startswith("Indexing: 5 of 5 files (100%)")
    assert "files/s" in lines[0] and "left" in lines[0]


def test_progress_lines_name_the_time_left():
    from search.terminal import Progress

    progress = Progress(1_000_000, shown=False)
    progress.done = 120_000
    assert (
        progress.line(120.0) == "Indexing: 120,000 of 1,000,000 files (12%), 1,000 files/s, about 15 min left"
    )
    progress.done = 1_000
    assert progress.line(100.0).endswith("10 files/s, about 27 h 45 min left")
