"""Raw documents of a corpus -> the lines each site repeats on its pages (its boilerplate).

A line that stands on two or more different articles of the same site (same folder) is the
site's chrome: a menu entry, a most-read teaser, a footer, a heading in a wording noise.py does
not know. Learned over the whole corpus at once, so the result does not depend on file order.
The `Template` it gives is a site's cross-page boilerplate, not a page template (no Jinja).

Only the part of a page before its first known navigation heading counts: after it, a page
lists other articles' titles, and an article's own title must not become template because the
site links to it from everywhere. Lines repeated among the first lines of pages are banners:
the title is never one of them. Two copies of one article (scraped twice) are not two articles:
pages are told apart by their longest line, so their shared body is not mistaken for template.
"""

import functools
import hashlib
import json
import logging
import os
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from search.corpus import RawDocument
from search.lines import clean_line, line_label, site_of_text

LOGGER = logging.getLogger(__name__)

# Longer lines are paragraphs: a follow-up story may repeat a background paragraph verbatim,
# and that is article text. Teasers and chrome are shorter.
MAX_TEMPLATE_WORDS = 40
# Lines at the top of a page where site banners, login links and section names stand.
HEAD_LINES = 5
TEMPLATE_PAGES = 5_000  # pages of a folder read to learn its site's template


@dataclass
class Template:
    """The repeated lines of each site, as hashes (memory stays small on large corpora)."""

    repeated: set[int] = field(default_factory=set)
    banners: set[int] = field(default_factory=set)  # repeated among pages' first lines
    domains: dict[str, str] = field(default_factory=dict)  # folder -> the domain its pages name most

    def domain(self, path: str) -> str | None:
        """The site of a page that names none: the one its folder's other pages name most."""
        return self.domains.get(site_of(path))

    def has(self, path: str, line: str) -> bool:
        """Whether this line of the page at `path` recurs on other pages of its site."""
        return _key(site_of(path), line) in self.repeated

    def is_banner(self, path: str, line: str) -> bool:
        return _key(site_of(path), line) in self.banners

    def save(self, path: Path) -> None:
        saved = {"repeated": sorted(self.repeated), "banners": sorted(self.banners), "domains": self.domains}
        path.write_text(json.dumps(saved))

    @classmethod
    def load(cls, path: Path) -> "Template":
        """The template saved with an index; an empty one if there is none."""
        try:
            data = json.loads(path.read_text())
            return cls(set(data["repeated"]), set(data["banners"]), data.get("domains", {}))
        except (OSError, ValueError, KeyError) as error:
            LOGGER.warning("no site template in %s (%s): pages are extracted without it", path, error)
            return cls()


@functools.lru_cache(maxsize=4096)
def site_of(path: str) -> str:
    """Pages of one site sit in one folder: the folder is the site."""
    return str(Path(path).parent)


def _key(site: str, line: str) -> int:
    """A stable 64-bit key (Python's hash() changes between runs; the index stores these)."""
    digest = hashlib.blake2b(f"{site}\n{line.lower()}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "little")


def learn_template(documents: Iterable[RawDocument]) -> Template:
    """Find the lines that recur across different articles of the same site."""
    return merge_evidence(evidence(document) for document in documents)


def evidence(document: RawDocument) -> tuple[int, list[int], list[int], str, str | None] | None:
    """What one page says about its site's template: its key, the keys of its lines that
    could be template (anywhere before its navigation, and among its first lines), its folder
    and the domain its links name. Pages are read apart (in worker processes) and their
    evidence merged by `merge_evidence`."""
    if document.kind != "text":
        return None  # HTML chrome is found by structure (extract_html.py)
    lines = [line for line in map(clean_line, document.text.split("\n")) if line]
    if not lines:
        return None
    site = site_of(document.path)
    anywhere, at_top = [], []
    for number, line in enumerate(lines):
        if len(line.split()) > MAX_TEMPLATE_WORDS:
            continue  # a paragraph: never template, never a heading (only short lines are looked up)
        if line_label(line) == "section heading":
            break
        key = _key(site, line)
        anywhere.append(key)
        if number < HEAD_LINES:
            at_top.append(key)
    return _key("", max(lines, key=len)), anywhere, at_top, site, site_of_text(document.text)


def merge_evidence(pages: Iterable[tuple | None]) -> Template:
    """The template of a corpus from the evidence of its pages (in any order)."""
    anywhere, at_top = _Sightings(), _Sightings()
    domains: dict[str, Counter] = {}
    for found in pages:
        if found is None:
            continue
        page, lines, top, folder, domain = found
        anywhere.add(lines, page)
        at_top.add(top, page)
        if domain:
            domains.setdefault(folder, Counter())[domain] += 1
    named = {folder: counts.most_common(1)[0][0] for folder, counts in domains.items()}
    return Template(anywhere.repeated(), at_top.repeated(), named)


class _Sightings:
    """Each (line, page) seen, as two flat arrays of keys: 16 bytes a sighting, where a dict
    of lines took about a hundred (a million pages hold tens of millions of short lines)."""

    def __init__(self):
        self.lines, self.pages = array("Q"), array("Q")

    def add(self, lines: list[int], page: int) -> None:
        self.lines.extend(lines)
        self.pages.extend([page] * len(lines))

    def repeated(self) -> set[int]:
        """The lines seen on two pages or more (two articles: copies share their page key)."""
        lines, pages = np.frombuffer(self.lines, np.uint64), np.frombuffer(self.pages, np.uint64)
        order = np.lexsort((pages, lines))
        lines, pages = lines[order], pages[order]
        first = np.ones(len(lines), dtype=bool)  # the first sighting of each (line, page)
        first[1:] = (lines[1:] != lines[:-1]) | (pages[1:] != pages[:-1])
        keys, counts = np.unique(lines[first], return_counts=True)
        return set(keys[counts >= 2].tolist())


def template_sample(paths: list[str], most: int = TEMPLATE_PAGES) -> list[str]:
    """The pages a template is learned from: at most `most` of each folder, spread evenly over
    it (chrome is on every page, and a million pages need not be read twice; a folder's files
    in name order are often in date order: a sample of the whole period, not its first weeks)."""
    folders: dict[str, list[str]] = {}
    for path in paths:
        folders.setdefault(os.path.dirname(path), []).append(path)
    if all(len(files) <= most for files in folders.values()):
        return paths
    sample = []
    for files in folders.values():
        files.sort()
        sample += files if len(files) <= most else [files[i * len(files) // most] for i in range(most)]
    return sample
