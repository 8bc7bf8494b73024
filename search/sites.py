"""Sites' domains -> the one name each site gives itself, the same on every result and facet.

Articles are grouped by their site's domain (extract: from the canonical URL, the crawl URL,
the links of a saved page, or its folder). The names pages give their site vary: one page
says "Báo điện tử Dân Trí", another "Dantri", a third nothing; "TUOI TRE ONLINE" shouts;
"cafef" is only the domain again. The index keeps, per domain, each name its pages gave and
how often (sites.json), and shows the best: a real name over a domain's label, accents and
capitals as a person writes them, the most frequent among equals; the domain when no page
names its site.
"""

import json
import logging
from collections import Counter
from dataclasses import replace
from pathlib import Path

from unidecode import unidecode

from search.generations import write_atomically

LOGGER = logging.getLogger(__name__)

SITES = "sites.json"


class SiteNames:
    def __init__(self, seen: dict[str, Counter] | None = None):
        self.seen: dict[str, Counter] = seen or {}
        # domain -> the name shown: every result and facet of every search asks again.
        self._names: dict[str | None, str | None] = {}

    @classmethod
    def load(cls, generation: Path) -> "SiteNames":
        try:
            raw = json.loads((generation / SITES).read_text(encoding="utf-8"))
            return cls({domain: Counter(names) for domain, names in raw.items()})
        except (OSError, ValueError, AttributeError, TypeError):
            return cls()

    def save(self, generation: Path) -> None:
        write_atomically(generation / SITES, json.dumps(self.seen, ensure_ascii=False))

    def add(self, domain: str | None, name: str | None) -> None:
        if domain:
            self.seen.setdefault(domain, Counter())[name or ""] += 1
            self._names.pop(domain, None)

    def name(self, domain: str | None) -> str | None:
        """The name shown for a site: its best name, else its domain.

        >>> names = SiteNames()
        >>> for name in ("Dantri", "Báo điện tử Dân Trí", None, "Dantri"):
        ...     names.add("dantri.com.vn", name)
        >>> names.add("cafef.vn", "cafef"); names.add("tuoitre.vn", "TUOI TRE ONLINE"); names.add("tinmoi.vn", "Tin Mới")
        >>> [names.name(domain) for domain in ("dantri.com.vn", "cafef.vn", "tuoitre.vn", "tinmoi.vn", "zing.vn")]
        ['Báo điện tử Dân Trí', 'cafef.vn', 'Tuoi Tre Online', 'Tin Mới', 'zing.vn']
        """
        if domain in self._names:
            return self._names[domain]
        shown = self._names[domain] = self._best_name(domain)
        return shown

    def _best_name(self, domain: str | None) -> str | None:
        if not domain:
            return domain
        candidates = [
            (_quality(name, domain), count, name)
            for name, count in self.seen.get(domain, Counter()).items()
            if name
        ]
        quality, _, best = max(candidates, default=(0, 0, domain))
        return _styled(best) if quality > 0 else domain

    def named(self, page):
        """A page of results (query.Page) with each site shown by its name."""
        for hit in page.results:
            hit.site = self.name(hit.site)
            hit.copies = [replace(copy, site=self.name(copy.site)) for copy in hit.copies]
        if page.facets.get("site"):
            page.facets["site"] = [(self.name(domain), count) for domain, count in page.facets["site"]]
        return page

    def domain(self, site: str) -> str:
        """The domain a filter names, by its domain or by the name shown for it."""
        if site in self.seen:
            return site
        folded = _folded(site)
        return next((domain for domain in self.seen if _folded(self.name(domain) or "") == folded), site)


def _quality(name: str, domain: str) -> int:
    """0: no name (the domain's own label again, "cafef" for cafef.vn); 1: shouting or all
    lower case; 2: written as a name; 3: a name with Vietnamese accents."""
    if name.lower() == domain.split(".")[0]:  # "cafef", "Dantri": the domain again, not a name
        return 0
    if name.isupper() or name.islower():
        return 1
    return 3 if unidecode(name) != name else 2


def _styled(name: str) -> str:
    """An all-capitals name of several words in title case ("TUOI TRE ONLINE"); an acronym
    ("VTV") stays."""
    return name.title() if name.isupper() and " " in name.strip() else name


def _folded(text: str) -> str:
    return unidecode(text).lower().strip()
