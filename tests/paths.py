"""Where the test corpus lives (imported by tests; conftest.py holds the fixtures)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"
NEWS = DATA / "news"  # dated articles of two sites, with their original URLs
