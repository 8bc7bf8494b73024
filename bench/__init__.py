"""Benchmarks: `python -m bench` (or `make bench`). See bench/README.md for the figures."""
