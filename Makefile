# The two commands of the README: `make serve` (install, index seeds/, serve the page) and
# `make test` (install with test tools and Chromium, lint with ruff, run the suite). Both work on a
# fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install install-test compiler browser serve test stress bench bench-million bench-real clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

install: $(BIN)/python compiler
	$(BIN)/pip install -q -e .

install-test: $(BIN)/python compiler
	$(BIN)/pip install -q -e '.[test]'

# The build compiles the extractor's tree walk, the UTF-8 check and the folder listing (setup.py,
# Cython): that needs a C compiler and Python's headers, installed here when missing (best
# effort: without them the install still works, and the same code runs in Python, slower).
compiler: $(BIN)/python
	@command -v cc >/dev/null && $(BIN)/python -c "import os, sys, sysconfig; \
	  sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h')))" || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  { $$SUDO apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends gcc libc6-dev python3-dev; } || \
	  echo "warning: no C compiler or Python headers: the extractor's compiled parts are not built (slower)"; }

# Browser tests drive Debian's Chromium (Playwright cannot download a browser here).
browser:
	@command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi dejavu || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core; }

serve: install
	$(BIN)/search serve --host $(HOST) --port $(PORT)

test: install-test browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

# Issue #10's stress run (not part of `make test`): kill -9 loops, concurrent runs, odd files,
# fuzzed queries, 16 clients for STRESS_SECONDS (60) and idle sockets, on both engines, then a
# report. About a quarter of an hour on 2 cores; tests/stress/conftest.py lists the knobs.
stress: install-test
	$(BIN)/python -m pytest tests/stress -p no:cacheprovider

# `make bench`: build, query, HTTP, update and stories figures on the generated archive corpus
# (issue #23's: 50 sites, a year of dates, 10% syndicated copies, text dumps and HTML) at 10,000
# and 100,000 pages (bench/README.md). `make bench-million`: the same at 1,000,000 pages with
# tantivy: an hour or more, and some 25 GB of disk (corpus and index, kept in bench/out/); not part of
# `make test`.
# `make bench-real` (issue #19): extraction and a tantivy build of the saved real pages
# (../shared/real-pages/pages) on one core; TRAFILATURA_PYTHON=PY, a python with trafilatura
# (e.g. /tmp/trafilatura-venv/bin/python), adds trafilatura's rate on the same pages. 1 to 4 minutes.
bench: install
	$(BIN)/python -m bench --sizes 10000 100000 --big-engines tantivy

bench-million: install
	$(BIN)/python -m bench --sizes 1000000 --engines tantivy

bench-real: install
	$(BIN)/python -m bench.real_pages $(if $(TRAFILATURA_PYTHON),--trafilatura-python $(TRAFILATURA_PYTHON))

clean:
	rm -rf $(VENV) index *.egg-info .pytest_cache build search/utf8.c search/word_split.c search/minhash.c search/extract/tree_walk.c search/sources/listing.c \
	  search/*.so search/extract/*.so search/sources/*.so
