"""A build that stops after a checkpoint (Ctrl-C, a crash, kill -9) is resumed by the next build
of the same paths: what it committed stays, the rest is read, and the index is the one a build
that never stopped gives."""

import os
import shutil

import pytest

import search.intake
from search import generations, limits
from search.engines import ENGINES, default_engine
from search.generations import current_generation, resumable_build, stopped_build
from search.index import MAX_FAILED_RESUMPTIONS, build_index, index_corpus
from search.intake import Intake
from search.live import open_index, pair_counts
from search.manifest import Manifest
from search.sites import SiteNames
from tests.paths import DATA


@pytest.fixture
def corpus(tmp_path):
    shutil.copytree(DATA / "vi", tmp_path / "corpus")
    return tmp_path / "corpus"


@pytest.fixture
def every_file_a_checkpoint(monkeypatch):
    monkeypatch.setattr(limits, "CHECKPOINT_SECONDS", 0.0)


def stop_after(files: int):
    """An on_file that stops the build as Ctrl-C does once `files` files are done."""
    done = []

    def on_file(path, count=1):  # (a resumed build's unchanged files: a folder's at a time)
        done.extend([path] * count)
        if len(done) >= files:
            raise KeyboardInterrupt

    return on_file


def indexed(index_dir) -> dict[str, str]:
    """doc_id -> content hash of every document in the index."""
    with open_index(index_dir).searcher() as searcher:
        assert searcher.doc_count() == len(searcher.indexed_hashes())
        return searcher.indexed_hashes()


def test_a_stopped_build_resumes_where_it_stopped(engine, corpus, tmp_path, every_file_a_checkpoint):
    index_dir = tmp_path / "index"
    with pytest.raises(KeyboardInterrupt):
        index_corpus([corpus], index_dir, engine=engine, on_file=stop_after(6))
    stopped = stopped_build(index_dir)
    assert 1 <= stopped["documents"] <= 6
    assert not (index_dir / generations.CURRENT).exists()  # nothing is live before the end

    report = index_corpus([corpus], index_dir, engine=engine)
    assert report.resumed and report.rebuilt
    assert report.unchanged >= stopped["documents"]  # not read again
    assert report.added == report.indexed - report.unchanged

    whole = build_index([corpus], tmp_path / "whole", engine=engine)
    assert report.indexed == whole.indexed
    assert indexed(index_dir) == indexed(tmp_path / "whole")
    assert [p.name for p in index_dir.glob("gen-*")] == [current_generation(index_dir).name]
    assert not (current_generation(index_dir) / generations.BUILDING).exists()
    assert stopped_build(index_dir) == {}
    # What is kept beside the index was saved at the checkpoints and added to after.
    assert pair_counts(index_dir).articles == pair_counts(tmp_path / "whole").articles


def test_a_build_stopped_before_its_first_checkpoint_leaves_nothing(engine, corpus, tmp_path):
    index_dir = tmp_path / "index"
    with pytest.raises(KeyboardInterrupt):
        build_index([corpus], index_dir, engine=engine, on_file=stop_after(6))
    assert resumable_build(index_dir) is None
    assert list(index_dir.glob("gen-*")) == []
    assert not build_index([corpus], index_dir, engine=engine).resumed


def test_a_resumed_build_sees_what_changed_meanwhile(corpus, tmp_path, every_file_a_checkpoint):
    index_dir = tmp_path / "index"
    with pytest.raises(KeyboardInterrupt):
        build_index([corpus], index_dir, on_file=stop_after(6))
    first = sorted(open_index_files(index_dir))
    gone, edited = first[0], first[1]  # both indexed before the stop
    os.unlink(gone)
    with open(edited, "a", encoding="utf-8") as file:
        file.write("\nCâu mới thêm vào: chim sẻ đậu trên cành khế.\n")
    shutil.copy(sorted((DATA / "en").iterdir())[0], corpus / "added.txt")

    report = build_index([corpus], index_dir)
    assert report.resumed
    whole = build_index([corpus], tmp_path / "whole")
    assert indexed(index_dir) == indexed(tmp_path / "whole")
    assert report.indexed == whole.indexed


def open_index_files(index_dir) -> list[str]:
    """The files the stopped build's generation holds articles of."""
    generation = resumable_build(index_dir)
    with Manifest.load(generation) as manifest:
        return [
            os.path.join(folder, name) for folder in manifest.folders() for name in manifest.files_in(folder)
        ]


def test_a_build_of_other_paths_starts_again(corpus, tmp_path, every_file_a_checkpoint):
    index_dir = tmp_path / "index"
    with pytest.raises(KeyboardInterrupt):
        build_index([corpus], index_dir, on_file=stop_after(6))
    stopped = resumable_build(index_dir)
    report = build_index([DATA / "en"], index_dir)
    assert not report.resumed
    assert not stopped.exists()
    assert [p.name for p in index_dir.glob("gen-*")] == [current_generation(index_dir).name]


def test_an_update_of_the_live_index_leaves_a_stopped_rebuild_to_resume(
    corpus, tmp_path, every_file_a_checkpoint
):
    index_dir = tmp_path / "index"
    build_index([DATA / "en"], index_dir)
    live = current_generation(index_dir)
    with pytest.raises(KeyboardInterrupt):
        index_corpus([corpus], index_dir, rebuild=True, on_file=stop_after(6))
    assert current_generation(index_dir) == live  # the old index still answers
    stopped = resumable_build(index_dir)
    index_corpus([DATA / "en"], index_dir)  # an update, meanwhile
    assert resumable_build(index_dir) == stopped
    assert index_corpus([corpus], index_dir, rebuild=True).resumed
    assert not live.exists()


@pytest.mark.parametrize("killed_in", ["save", "fsync_tree"])
def test_a_build_killed_in_a_checkpoint_loses_nothing(
    engine, corpus, tmp_path, monkeypatch, every_file_a_checkpoint, killed_in
):
    """Killed in its third checkpoint, before the engine's commit (in the saving of what lives
    beside the index) or after it (before the manifest's): the resumed index, its stories and
    its sites' names are those of a build that never stopped, and what the last checkpoint
    committed is not read again."""
    index_dir = tmp_path / "index"
    owner = Intake if killed_in == "save" else search.intake
    step, calls = getattr(owner, killed_in), []

    def killed_on_the_third(*args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            raise SystemExit("killed")  # as kill -9 would, leaving what was written
        return step(*args, **kwargs)

    monkeypatch.setattr(owner, killed_in, killed_on_the_third)
    with pytest.raises(SystemExit):
        build_index([corpus], index_dir, engine=engine)
    monkeypatch.setattr(owner, killed_in, step)
    assert stopped_build(index_dir)["documents"] == 2  # the last checkpoint that ended

    resumed = build_index([corpus], index_dir, engine=engine)
    assert resumed.resumed and resumed.unchanged >= 2  # what was committed is not read again
    build_index([corpus], tmp_path / "whole", engine=engine)
    assert indexed(index_dir) == indexed(tmp_path / "whole")
    assert stories(index_dir) == stories(tmp_path / "whole")
    sites = [set(SiteNames.load(current_generation(d)).seen) for d in (index_dir, tmp_path / "whole")]
    assert sites[0] == sites[1]


def stories(index_dir) -> dict[str, str]:
    """doc_id -> its story."""
    with open_index(index_dir).searcher() as searcher:
        return {doc_id: searcher.article(doc_id).story for doc_id in searcher.indexed_hashes()}


def test_the_cli_says_how_to_resume(runner, corpus, tmp_path, monkeypatch, every_file_a_checkpoint):
    from search import cli, terminal

    index_dir = tmp_path / "index"
    done = []
    update = terminal.Progress.update

    def stopping_update(self, path=None):
        done.append(path)
        if len(done) == 6:
            raise KeyboardInterrupt
        update(self, path)

    monkeypatch.setattr(terminal.Progress, "update", stopping_update)
    stopped = runner.invoke(cli.main, ["index", str(corpus), "--index", str(index_dir)])
    assert stopped.exit_code == 130
    assert "run the same command again to go on from there" in stopped.output
    monkeypatch.setattr(terminal.Progress, "update", update)
    resumed = runner.invoke(cli.main, ["index", str(corpus), "--index", str(index_dir)])
    assert resumed.exit_code == 0, resumed.output
    assert "Resumed the build stopped earlier" in resumed.output


def test_a_resumption_that_keeps_failing_is_dropped(corpus, tmp_path, monkeypatch, every_file_a_checkpoint):
    index_dir = tmp_path / "index"
    with pytest.raises(KeyboardInterrupt):
        build_index([corpus], index_dir, on_file=stop_after(6))
    read = Intake.read

    def failing(self, *args, **kwargs):
        raise RuntimeError("a bug, or a generation damaged past what the resumption can tell")

    monkeypatch.setattr(Intake, "read", failing)
    for _ in range(MAX_FAILED_RESUMPTIONS):
        assert resumable_build(index_dir) is not None  # (a passing failure: tried again)
        with pytest.raises(RuntimeError):
            build_index([corpus], index_dir)
    monkeypatch.setattr(Intake, "read", read)
    assert resumable_build(index_dir) is None
    report = build_index([corpus], index_dir)
    assert not report.resumed and report.indexed == len(indexed(index_dir))


def test_a_build_run_again_without_its_engine_resumes_with_it(corpus, tmp_path, every_file_a_checkpoint):
    index_dir = tmp_path / "index"
    other = next(name for name in ENGINES if name != default_engine())
    with pytest.raises(KeyboardInterrupt):
        index_corpus([corpus], index_dir, engine=other, on_file=stop_after(6))
    report = index_corpus([corpus], index_dir)  # as `search index PATH` with no --engine
    assert report.resumed and report.engine == other


def test_an_interrupted_update_does_not_say_it_will_resume(
    runner, corpus, tmp_path, monkeypatch, every_file_a_checkpoint
):
    from search import cli, terminal

    index_dir = tmp_path / "index"
    build_index([DATA / "en"], index_dir)
    with pytest.raises(KeyboardInterrupt):
        index_corpus([corpus], index_dir, rebuild=True, on_file=stop_after(6))  # a rebuild to resume
    monkeypatch.setattr(
        terminal.Progress, "update", lambda self, path=None, files=1: stop_after(1)(path, files)
    )
    updated = runner.invoke(cli.main, ["index", str(DATA / "en"), "--index", str(index_dir)])
    assert updated.exit_code == 130
    assert "the index is as it was before this run" in updated.output
    assert resumable_build(index_dir) is not None  # the rebuild is still there to resume


def test_a_build_stopped_in_a_crawl_file_resumes_it(corpus, tmp_path, monkeypatch, every_file_a_checkpoint):
    from tests.crawls import html, story_pages, write_warc

    write_warc(corpus / "crawl.warc.gz", [html(url, data) for url, data in story_pages()])
    whole = build_index([corpus], tmp_path / "whole")
    index_dir = tmp_path / "index"
    take, taken = Intake._take_article, []

    def stopped_at_the_second_record(self, key, item, crawl):
        taken.append(crawl)
        if sum(map(bool, taken)) == 2:
            raise KeyboardInterrupt
        take(self, key, item, crawl)

    monkeypatch.setattr(Intake, "_take_article", stopped_at_the_second_record)
    with pytest.raises(KeyboardInterrupt):
        build_index([corpus], index_dir)
    monkeypatch.setattr(Intake, "_take_article", take)
    report = build_index([corpus], index_dir)
    assert report.resumed and report.indexed == whole.indexed
    assert indexed(index_dir) == indexed(tmp_path / "whole")
