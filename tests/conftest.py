"""Shared fixtures: the engine (every index test runs on each), the test corpus (seeds +
tests/data), an index built from it once per engine in a temporary folder, and a CLI runner.
No test touches the real index/."""

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from search.engines import ENGINES
from search.index import build_index
from search.live import open_index
from tests.paths import DATA, SEEDS


@pytest.fixture(scope="session", params=ENGINES)
def engine(request):
    """Each engine in turn, as the default for every index built meanwhile (SEARCH_ENGINE)."""
    before = os.environ.get("SEARCH_ENGINE")
    os.environ["SEARCH_ENGINE"] = request.param
    yield request.param
    if before is None:
        os.environ.pop("SEARCH_ENGINE", None)
    else:
        os.environ["SEARCH_ENGINE"] = before


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory) -> Path:
    corpus = tmp_path_factory.mktemp("corpus")
    shutil.copytree(SEEDS, corpus / "seeds")
    shutil.copytree(DATA / "vi", corpus / "vi")
    shutil.copytree(DATA / "en", corpus / "en")
    return corpus


@pytest.fixture(scope="session")
def index_dir(engine, corpus_dir, tmp_path_factory) -> Path:
    index_dir = tmp_path_factory.mktemp(f"index-{engine}")
    report = build_index([corpus_dir], index_dir, engine=engine)
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
