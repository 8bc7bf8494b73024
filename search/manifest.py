"""Sources read -> what an index holds, source by source: the manifest (files.sqlite).

A source is a page file, a crawl file (WARC, WACZ, JSON Lines), or one record of a crawl file
("crawl.warc.gz#1234", "items.jsonl:7"), keyed by its resolved path (pipeline.resolved). Each
source that is an article names its document (doc_id, from its canonical URL or its path).
Several sources can be one document: an AMP copy, a print copy, a page saved twice. The first
one read is indexed (its "owner"); the others are kept here as copies, so an update neither
reads them again nor indexes them twice.

The manifest is an SQLite file in the generation, never loaded whole: a build streams its rows
in, an update reads the rows of the folders it walks and of the sources it reads, and writes
what changed. Each folder (and crawl file) path is stored once, in `paths`; a source is its
folder's number and its name. All changes of an update are one transaction. Before the
engine's commit the update commits them marked pending, and clears the mark after: a manifest
found pending (a run killed between the two) is not trusted, and the index itself says what it
holds (intake.manifest_of). A build commits at its checkpoints after the engine, unmarked: its
manifest may then say less than the index, never more (see intake.Intake._checkpoint). An index
written before this layout has files.json: it is read once and converted.
"""

import contextlib
import json
import logging
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from search.generations import fsync_folder

LOGGER = logging.getLogger(__name__)

MANIFEST = "files.sqlite"
LEGACY = "files.json"  # the layout before: {key: [content_hash, stamp, path, doc_id, copy, crawl]}
LAYOUT = 1  # PRAGMA user_version of a manifest of this layout
BUILD_CACHE_KIB = 32 * 1024  # SQLite's page cache: about the doc_id index of a million sources
PATH_CACHE = 4096  # folder numbers remembered (a build adds a folder's files one after another)

_SCHEMA = """
CREATE TABLE paths (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);
CREATE TABLE sources (
    folder INTEGER NOT NULL,  -- paths.id
    name TEXT NOT NULL,
    content_hash TEXT NOT NULL,  -- "" for a crawl file (its records have theirs)
    stamp TEXT NOT NULL,  -- mtime and size of a file, "" for a record
    path TEXT,  -- as named when indexed, NULL when it is the key
    doc_id TEXT NOT NULL,  -- "" for a crawl file
    copy INTEGER NOT NULL,  -- another source is that document in the index
    crawl INTEGER,  -- for a record: paths.id of its crawl file
    PRIMARY KEY (folder, name)
) WITHOUT ROWID;
CREATE INDEX documents ON sources (doc_id, copy);
CREATE INDEX records ON sources (crawl) WHERE crawl IS NOT NULL;
CREATE TABLE state (pending INTEGER NOT NULL);
INSERT INTO state VALUES (0);
"""
_SOURCE = "s.content_hash, s.stamp, s.path, s.doc_id, s.copy, c.path"
_JOINED = "sources s JOIN paths f ON f.id = s.folder LEFT JOIN paths c ON c.id = s.crawl"


@dataclass(slots=True)
class Entry:
    content_hash: str  # of the bytes read; "" for a crawl file (its records have theirs)
    stamp: str  # mtime and size of a file, to skip it unread when unchanged; "" for a record
    path: str  # as named when indexed
    doc_id: str = ""  # the document it is; "" for a crawl file
    copy: bool = False  # another source is that document in the index
    crawl: str = ""  # for a record: the key of its crawl file


# The files (not records) of the folder a query names, with the folder's path as its argument.
_IN_FOLDER = "FROM sources s JOIN paths f ON f.id = s.folder WHERE f.path = ? AND s.crawl IS NULL"


class Manifest:
    """The sources of one generation's index, in its files.sqlite. Changes are one
    transaction until `commit`; `close` without it drops them."""

    def __init__(self, connection: sqlite3.Connection):
        self._db = connection
        self._db.execute("BEGIN")
        self._legacy: Path | None = None  # a files.json converted: removed once this is committed
        self._folders: dict[str, int] = {}
        self._lost: set[str] = set()  # documents whose indexed source left during this run

    @classmethod
    def create(cls, generation: Path, bulk: bool = False) -> "Manifest":
        """A new, empty manifest in the generation (replacing any). `bulk`: a build's, with a
        large cache and a write-ahead log, which keeps the file as of the last checkpoint
        whatever stops the build (and is cheap: a build commits every few minutes)."""
        _remove(generation)
        connection = _connect(generation / MANIFEST)
        if bulk:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute(f"PRAGMA cache_size = -{BUILD_CACHE_KIB}")
        manifest = cls(connection)  # the tables are made in its transaction: all or nothing
        for statement in [f"PRAGMA user_version = {LAYOUT}", *_SCHEMA.split(";")]:
            if statement.strip():
                connection.execute(statement)
        if (generation / LEGACY).exists():  # replaced by this one once it is committed
            manifest._legacy = generation / LEGACY
        return manifest

    @classmethod
    def load(cls, generation: Path) -> "Manifest | None":
        """The manifest of a generation, or None when it is missing, of another layout, or
        was left pending by a run that stopped (then it may describe another state than the
        index). A files.json of the layout before is converted."""
        if (generation / LEGACY).exists():
            return cls._convert(generation)
        path = generation / MANIFEST
        if not path.exists():
            LOGGER.warning("no file list in %s", generation)
            return None
        try:
            connection = _connect(path)
        except sqlite3.Error as error:
            LOGGER.warning("cannot open the file list of %s (%s)", generation, error)
            return None
        try:
            (layout,) = connection.execute("PRAGMA user_version").fetchone()
            (pending,) = connection.execute("SELECT pending FROM state").fetchone()
        except (sqlite3.Error, TypeError) as error:  # e.g. its first transaction never ended
            layout, pending = error, True
        if layout != LAYOUT or pending:
            connection.close()
            LOGGER.warning("the file list of %s was left unfinished by a run that stopped", generation)
            return None
        return cls(connection)

    @classmethod
    def _convert(cls, generation: Path) -> "Manifest | None":
        """The manifest of a files.json (whose presence says it matches the index)."""
        try:
            entries = json.loads((generation / LEGACY).read_text())
            manifest = cls.create(generation)
            for key, (content_hash, stamp, path, doc_id, copy, crawl) in entries.items():
                manifest._insert(key, Entry(content_hash, stamp, path, doc_id, bool(copy), crawl))
        except (OSError, ValueError, TypeError, AttributeError, sqlite3.Error) as error:
            LOGGER.warning("cannot read the file list of %s (%s)", generation, error)
            return None
        LOGGER.info("converted %s/%s (%d sources) to %s", generation, LEGACY, len(entries), MANIFEST)
        return manifest

    def commit(self, pending: bool = False) -> None:
        """Make this run's changes durable. `pending`: marked as not yet matched by the
        index (before the engine's commit); commit again, unmarked, after it."""
        self._db.execute("UPDATE state SET pending = ?", (int(pending),))
        self._db.execute("COMMIT")
        if self._legacy is not None:  # from now on this file says what the index holds
            self._legacy.unlink(missing_ok=True)
            fsync_folder(self._legacy.parent)
            self._legacy = None
        self._db.execute("BEGIN")

    def close(self) -> None:
        """Let go of the file, dropping changes not committed (while open, no other run commits)."""
        self._db.close()

    def __enter__(self) -> "Manifest":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- sources, one at a time ----------------------------------------------------------

    def get(self, key: str) -> Entry | None:
        folder, name = os.path.split(key)
        row = self._db.execute(
            f"SELECT {_SOURCE} FROM {_JOINED} WHERE f.path = ? AND s.name = ?",
            (_stored(folder), _stored(name)),
        ).fetchone()
        return None if row is None else _entry(key, row)

    def add(self, key: str, entry: Entry) -> bool:
        """Record a source that is an article. True when it is to be indexed: no other source
        is its document already; False when it is a copy of one (kept as such)."""
        owner = self._owner(entry.doc_id)
        entry.copy = owner is not None and owner != self._place(key)
        self._insert(key, entry)
        if not entry.copy:
            self._lost.discard(entry.doc_id)
        return not entry.copy

    def put(self, key: str, entry: Entry) -> None:
        self._insert(key, entry)  # a crawl file once read, as it is

    def set_stamp(self, key: str, stamp: str) -> None:
        folder, name = self._place(key)
        self._db.execute("UPDATE sources SET stamp = ? WHERE folder = ? AND name = ?", (stamp, folder, name))

    def remove(self, key: str) -> Entry | None:
        """Forget a source and return its entry (None when not known). When the entry is no
        copy, its document is to leave the index. A crawl file's records stay (see records)."""
        entry = self.get(key)
        if entry is None:
            return None
        folder, name = self._place(key)
        self._db.execute("DELETE FROM sources WHERE folder = ? AND name = ?", (folder, name))
        if entry.doc_id and not entry.copy:
            self._lost.add(entry.doc_id)
        return entry

    def is_orphan(self, entry: Entry) -> bool:
        """Whether the entry is a copy whose document has lost its indexed source."""
        return entry.copy and self._owner(entry.doc_id) is None

    # -- sources, many at a time ---------------------------------------------------------

    @property
    def documents(self) -> int:
        """The documents indexed: sources that are articles and no copy."""
        return self._db.execute("SELECT COUNT(*) FROM sources WHERE copy = 0 AND doc_id != ''").fetchone()[0]

    def files_in(self, folder: str) -> dict[str, str]:
        """The page and crawl files known in a folder: name -> stamp."""
        if (data := self.joined_files_in(folder)) is None:
            rows = self._db.execute(f"SELECT s.name, s.stamp {_IN_FOLDER}", (_stored(folder),))
            return {_text(name): stamp for name, stamp in rows}
        items = data.decode("utf-8", "surrogateescape").split("/") if data else []
        return dict(zip(items[::3], items[1::3]))

    def joined_files_in(self, folder: str) -> bytes | None:
        """A folder's files as "name/stamp/crawl/..." (crawl "1" where doc_id is '': a crawl file),
        the bytes an update's listing compares (sources/entries.py); None past SQLite's longest
        string. A million rows: 0.96 s row by row beside the walk, 0.28 s joined."""
        joined = "CAST(group_concat(s.name||'/'||s.stamp||IIF(s.doc_id='','/1','/0'),'/') AS BLOB)"
        with contextlib.suppress(sqlite3.DataError):
            (data,) = self._db.execute(f"SELECT {joined} {_IN_FOLDER}", (_stored(folder),)).fetchone()
            return data or b""
        return None

    def crawl_files_in(self, folder: str) -> set[str]:
        """The crawl files known in a folder, by name."""
        rows = self._db.execute(f"SELECT s.name {_IN_FOLDER} AND s.content_hash = ''", (_stored(folder),))
        return {_text(name) for (name,) in rows}

    def folders(self) -> list[str]:
        """Every folder (and crawl file) a source was recorded in."""
        return [_text(path) for (path,) in self._db.execute("SELECT path FROM paths")]

    def records(self, crawl: str) -> list[str]:
        """The keys of the records read from a crawl file."""
        rows = self._db.execute(
            "SELECT f.path, s.name FROM sources s JOIN paths f ON f.id = s.folder"
            " WHERE s.crawl = (SELECT id FROM paths WHERE path = ?)",
            (_stored(crawl),),
        )
        return [os.path.join(_text(folder), _text(name)) for folder, name in rows]

    def count_records(self, crawl: str) -> int:
        return self._db.execute(
            "SELECT COUNT(*) FROM sources WHERE crawl = (SELECT id FROM paths WHERE path = ?)",
            (_stored(crawl),),
        ).fetchone()[0]

    def orphans(self) -> list[tuple[str, Entry]]:
        """Copies whose document lost its owner during this run (the indexed source was
        removed or changed): each is to be read again, so that the document stays in the
        index. (Every run ends with none, so the documents it touched are the ones to see.)"""
        found = []
        for doc_id in sorted(self._lost):
            if self._owner(doc_id) is None:
                rows = self._db.execute(
                    f"SELECT f.path, s.name, {_SOURCE} FROM {_JOINED} WHERE s.doc_id = ? AND s.copy = 1",
                    (doc_id,),
                )
                for folder, name, *row in rows:
                    key = os.path.join(_text(folder), _text(name))
                    found.append((key, _entry(key, row)))
        self._lost.clear()
        return found

    # -- storage ---------------------------------------------------------------------------

    def _insert(self, key: str, entry: Entry) -> None:
        folder, name = self._place(key, create=True)
        crawl = self._folder(entry.crawl, create=True) if entry.crawl else None
        path = None if entry.path == key else _stored(entry.path)
        self._db.execute(
            "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (folder, name, entry.content_hash, entry.stamp, path, entry.doc_id, int(entry.copy), crawl),
        )

    def _owner(self, doc_id: str) -> tuple[int, str | bytes] | None:
        """The (folder, name) of the source indexed as that document."""
        return self._db.execute(
            "SELECT folder, name FROM sources WHERE doc_id = ? AND copy = 0 LIMIT 1", (doc_id,)
        ).fetchone()

    def _place(self, key: str, create: bool = False) -> tuple[int | None, str | bytes]:
        folder, name = os.path.split(key)
        return self._folder(folder, create), _stored(name)

    def _folder(self, path: str, create: bool = False) -> int | None:
        number = self._folders.get(path)
        if number is None:
            row = self._db.execute("SELECT id FROM paths WHERE path = ?", (_stored(path),)).fetchone()
            if row is None and not create:
                return None
            if row is None:
                number = self._db.execute("INSERT INTO paths (path) VALUES (?)", (_stored(path),)).lastrowid
            else:
                number = row[0]
            if len(self._folders) >= PATH_CACHE:
                self._folders.clear()
            self._folders[path] = number
        return number


def file_count(generation: Path) -> int | None:
    """The files (not records) an update goes through if none changed, or None when unknown."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{generation / MANIFEST}?mode=ro", uri=True)) as db:
            return db.execute("SELECT COUNT(*) FROM sources WHERE crawl IS NULL").fetchone()[0]
    except sqlite3.Error:
        return None


def _connect(path: Path) -> sqlite3.Connection:
    # Transactions are begun and ended here, not by the sqlite3 module's guesses.
    return sqlite3.connect(path, isolation_level=None)


def _remove(generation: Path) -> None:
    for name in (MANIFEST, MANIFEST + "-journal", MANIFEST + "-wal", MANIFEST + "-shm"):
        (generation / name).unlink(missing_ok=True)


def _entry(key: str, row: tuple) -> Entry:
    content_hash, stamp, path, doc_id, copy, crawl = row
    return Entry(
        content_hash, stamp, key if path is None else _text(path), doc_id, bool(copy), _text(crawl or "")
    )


def _stored(text: str) -> str | bytes:
    """A path as SQLite can store it: a name that is not UTF-8 (Python carries its bytes as
    lone surrogates) goes in as those bytes."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape")
    return text


def _text(value: str | bytes) -> str:
    return value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else value
