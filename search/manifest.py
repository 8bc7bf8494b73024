"""Sources read -> what an index holds, source by source: the manifest (files.json).

A source is a page file, a crawl file (WARC, WACZ, JSON Lines), or one record of a crawl file
("crawl.warc.gz#1234", "items.jsonl:7"), keyed by its resolved path (pipeline.resolved). Each
source that is an article names its document (doc_id, from its canonical URL or its path).
Several sources can be one document: an AMP copy, a print copy, a page saved twice. The first
one read is indexed (its "owner"); the others are kept here as copies, so an update neither
reads them again nor indexes them twice.
"""

from dataclasses import dataclass
from pathlib import Path

from search.generations import read_files, write_files


@dataclass(slots=True)
class Entry:
    content_hash: str  # of the bytes read; "" for a crawl file (its records have theirs)
    stamp: str  # mtime and size of a file, to skip it unread when unchanged; "" for a record
    path: str  # as named when indexed
    doc_id: str = ""  # the document it is; "" for a crawl file
    copy: bool = False  # another source is that document in the index
    crawl: str = ""  # for a record: the key of its crawl file

    def to_list(self) -> list:
        return [self.content_hash, self.stamp, self.path, self.doc_id, int(self.copy), self.crawl]

    @classmethod
    def from_list(cls, values: list) -> "Entry":
        content_hash, stamp, path, doc_id, copy, crawl = values
        return cls(content_hash, stamp, path, doc_id, bool(copy), crawl)


class Manifest:
    def __init__(self, entries: dict[str, Entry] | None = None):
        self.entries = entries or {}
        self.owners = {
            entry.doc_id: key for key, entry in self.entries.items() if entry.doc_id and not entry.copy
        }

    @classmethod
    def load(cls, generation: Path) -> "Manifest | None":
        """The manifest of a generation, or None when it is missing or not of this layout."""
        raw = read_files(generation)
        try:
            return (
                cls({key: Entry.from_list(values) for key, values in raw.items()})
                if raw is not None
                else None
            )
        except (TypeError, ValueError, AttributeError):
            return None

    def save(self, generation: Path) -> None:
        write_files(generation, {key: entry.to_list() for key, entry in self.entries.items()})

    @property
    def documents(self) -> int:
        return len(self.owners)

    def add(self, key: str, entry: Entry) -> bool:
        """Record a source that is an article. True when it is to be indexed: no other source
        is its document already; False when it is a copy of one (kept as such)."""
        owner = self.owners.get(entry.doc_id)
        entry.copy = owner is not None and owner != key
        self.entries[key] = entry
        if not entry.copy:
            self.owners[entry.doc_id] = key
        return not entry.copy

    def remove(self, key: str) -> Entry | None:
        """Forget a source and return its entry (None when not known). When the entry is no
        copy, its document is to leave the index."""
        entry = self.entries.pop(key, None)
        if entry is not None and not entry.copy and self.owners.get(entry.doc_id) == key:
            del self.owners[entry.doc_id]
        return entry

    def records_by_crawl(self) -> dict[str, list[str]]:
        """The keys of the records read from each crawl file."""
        grouped: dict[str, list[str]] = {}
        for key, entry in self.entries.items():
            if entry.crawl:
                grouped.setdefault(entry.crawl, []).append(key)
        return grouped

    def orphans(self) -> list[str]:
        """Copies whose document lost its owner (the indexed source was removed or changed):
        each is to be read again, so that the document stays in the index."""
        return [key for key, entry in self.entries.items() if entry.copy and entry.doc_id not in self.owners]
