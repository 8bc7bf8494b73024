"""Shared fixtures: the engine (every index test runs on each); the test corpus (seeds +
tests/data) and the index built from it once per engine (`index_dir`, `searcher`, `pairs`); two
small shared indexes (`news_index_dir`, `quoting_index_dir`); the web app on the shared index
(`app`, `client`, and `make_app` for another configuration); `build` for a test that needs an
index of its own; a CLI runner. No test touches the real index/.

A test that only reads an index uses a shared one (and never writes to it); `build` is for a
test that changes its index or whose assertions need a corpus of their own."""

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from search.engines import ENGINES
from search.generations import index_info
from search.index import build_index
from search.live import open_index
from tests import as_default_engine
from tests.paths import DATA, NEWS, SEEDS
from web import create_app


@pytest.fixture(scope="session", params=ENGINES)
def engine(request):
    """Each engine in turn, as the default for every index built meanwhile (SEARCH_ENGINE)."""
    yield from as_default_engine(request.param)


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory) -> Path:
    corpus = tmp_path_factory.mktemp("corpus")
    shutil.copytree(SEEDS, corpus / "seeds")
    shutil.copytree(DATA / "vi", corpus / "vi")
    shutil.copytree(DATA / "en", corpus / "en")
    return corpus


@pytest.fixture(scope="session")
def build(engine, tmp_path_factory):
    """build(*paths) -> the folder of a new index of those files and folders (as typed: a
    relative path is the working folder's), on the engine under test; every file must index."""

    def build_(*paths) -> Path:
        index_dir = tmp_path_factory.mktemp(f"built-{engine}")
        report = build_index(list(paths), index_dir, engine=engine)
        assert not report.skipped, report.skipped
        return index_dir

    return build_


@pytest.fixture(scope="session")
def shared_build(engine, corpus_dir, tmp_path_factory):
    """The shared index of the test corpus, built once per engine: (its folder, the report)."""
    index_dir = tmp_path_factory.mktemp(f"index-{engine}")
    return index_dir, build_index([corpus_dir], index_dir, engine=engine)


@pytest.fixture(scope="session")
def index_dir(shared_build) -> Path:
    index_dir, report = shared_build
    assert not report.skipped, report.skipped
    return index_dir


@pytest.fixture(scope="session")
def pairs(index_dir):
    from search.live import pair_counts

    return pair_counts(index_dir)


@pytest.fixture(scope="session")
def searcher(index_dir):
    with open_index(index_dir).searcher() as searcher:
        yield searcher


@pytest.fixture(scope="session")
def news_index_dir(build) -> Path:
    """An index of tests/data/news alone: 8 dated articles of two sites (5 of Báo Sông Hồng, 3 of
    Tin Phương Nam), with their original URLs."""
    index_dir = build(NEWS)
    assert index_info(index_dir)["documents"] == 8
    return index_dir


# One page whose title and text quote HTML: a script, an image with an onerror, an ampersand.
QUOTING_PAGE = (
    'Cảnh báo mã độc <script>alert("tiêu đề")</script> lan trên mạng\n'
    "Chuyên gia cảnh báo đoạn mã <script>alert(1)</script> và <img src=x onerror=alert(2)> "
    "được chèn vào trang giả mạo & nhiều trang khác.\n"
)


@pytest.fixture(scope="session")
def quoting_index_dir(build, tmp_path_factory) -> Path:
    """An index of one article, QUOTING_PAGE."""
    page = tmp_path_factory.mktemp("quoting") / "ma-doc.txt"
    page.write_text(QUOTING_PAGE)
    index_dir = build(page)
    assert index_info(index_dir)["documents"] == 1
    return index_dir


@pytest.fixture(scope="session")
def make_app(index_dir):
    """make_app(**config) -> a new app, on the shared index and TESTING unless config says
    otherwise: for a test that needs another page size, base URL, index folder, or no TESTING."""

    def make(**config) -> Flask:
        if "INDEX_DIR" in config:
            config["INDEX_DIR"] = str(config["INDEX_DIR"])
        return create_app({"INDEX_DIR": str(index_dir), "TESTING": True, **config})

    return make


@pytest.fixture(scope="session")
def app(make_app) -> Flask:
    """The web app on the shared index, TESTING, with the default configuration. Shared by
    every test: a test that needs another configuration makes its own with make_app."""
    return make_app()


@pytest.fixture
def client(app):
    """A test client of the shared app."""
    return app.test_client()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def bad_files(tmp_path) -> Path:
    """A folder of files that hold no article, beside one good page."""
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text("  \n\n \n")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (folder / "controls.txt").write_bytes(bytes(range(1, 32)) * 40 + b"abc")
    (folder / "undecodable.txt").write_bytes(b"Tin t\x81c \x8a\x8d\x8e\x8f m\x90i \x9d\x9e")
    (folder / "empty.html").write_text("<html><head><title></title></head><body></body></html>")
    shutil.copy(DATA / "vi" / "ca-bien.txt", folder / "good.txt")
    return folder


@pytest.fixture
def served():
    """Start `search serve --workers 2` on a free port over an index folder, as a user runs it;
    return (base URL, the process). The test may stop it to read its output; it is stopped
    after the test otherwise."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    started = []

    def serve(index_dir, env: dict | None = None):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        command = [
            sys.executable,
            "-c",
            "from search.cli import main; main()",
            "serve",
            "--index",
            str(index_dir),
            "--port",
            str(port),
            "--workers",
            "2",
        ]
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, **(env or {})},
        )
        started.append(process)
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/api/search?q=x", timeout=10).close()
                return base, process
            except OSError:
                time.sleep(0.1)
        pytest.fail("the server did not answer within 10 s")

    yield serve
    for process in started:
        if process.poll() is None:  # not stopped by the test itself
            process.terminate()
            process.communicate(timeout=30)
