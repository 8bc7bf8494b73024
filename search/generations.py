"""An index folder -> its generations, CURRENT pointer, metadata files and writer's lock.

Input: an index folder. Output: the live generation's path, its metadata, and the means to
change them safely: one writer at a time (`WriterLock`), files written to a temporary name,
fsync'd and renamed (`write_atomically`), a generation fsync'd before CURRENT names it
(`make_current`), and what killed runs left behind removed (`remove_stale`). Engine-neutral.

    index/
      LOCK                    held by the process writing the index (pid and start inside)
      CURRENT                 the live generation's name
      gen-<ns>-<pid>/         one generation: the engine's files plus the ones below
        index.json            engine, schema, paths, counts (META)
        files.sqlite          what the index holds, source by source (manifest.py)
        template.json         what each site repeats on its pages
        pairs.sqlite          accented pair counts for "did you mean"
        building.json         while a build writes it: from what, and its checkpoints (below)

A build commits what it has every few minutes (a checkpoint). One that stops after a checkpoint
(Ctrl-C, a crash, kill -9) leaves its generation, with building.json, for the next build of the
same paths with the same engine to resume (`resumable_build`); any other run's cleaning keeps
it while it is the newest generation.
"""

import contextlib
import errno
import fcntl
import json
import logging
import os
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path

LOGGER = logging.getLogger(__name__)

DEFAULT_INDEX_DIR = "index"
CURRENT = "CURRENT"
LOCK = "LOCK"
META = "index.json"  # not meta.json: tantivy keeps its own under that name
TEMPLATE = "template.json"
PENDING_SUFFIX = ".new"
BUILDING = "building.json"


class IndexNotFound(Exception):
    """No index at the folder given; the message says how to build one."""


def current_generation(index_dir: str | Path) -> Path:
    index_dir = Path(index_dir)
    try:
        name = (index_dir / CURRENT).read_text().strip()
    except OSError:
        raise IndexNotFound(
            f"no index at {index_dir}/ yet; build one with `search index"
            + ("`" if str(index_dir) == DEFAULT_INDEX_DIR else f" --index {index_dir}`")
        ) from None
    if not name:
        raise IndexNotFound(
            f"the index at {index_dir}/ names no generation; rebuild it with `search index --rebuild`"
        )
    return index_dir / name


def new_generation(index_dir: Path) -> Path:
    """A new, empty generation folder. Names sort by creation time."""
    generation = index_dir / f"gen-{time.time_ns():020d}-{os.getpid()}"
    generation.mkdir()
    return generation


def is_current(index_dir: Path, generation: Path) -> bool:
    try:
        return (index_dir / CURRENT).read_text().strip() == generation.name
    except OSError:
        return False


def make_current(index_dir: Path, generation: Path) -> None:
    """Make the generation the live one: its files reach the disk first, then CURRENT moves
    (readers see the old generation or the new one, never a part of it)."""
    fsync_tree(generation)
    write_atomically(index_dir / CURRENT, generation.name + "\n")


def index_info(index_dir: str | Path) -> dict:
    """What the index holds: engine, documents, when built, from which paths ({} if none)."""
    try:
        return read_meta(current_generation(index_dir))
    except IndexNotFound:
        return {}


def read_meta(generation: Path) -> dict:
    try:
        return json.loads((generation / META).read_text())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        LOGGER.warning("cannot read %s (%s): taken as empty", generation / META, error)
        return {}


def write_meta(generation: Path, **meta) -> None:
    meta["built_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    write_atomically(generation / META, json.dumps(meta, indent=1))


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write to a temporary name, fsync, rename over `path`, fsync the folder: after a crash
    the file holds the old content or the new, never a part."""
    pending = path.with_name(path.name + PENDING_SUFFIX)
    data = content.encode("utf-8") if isinstance(content, str) else content
    with open(pending, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.replace(pending, path)
    fsync_folder(path.parent)


def fsync_tree(folder: Path) -> None:
    """fsync every file under folder, then the folder itself."""
    for root, _, names in os.walk(folder):
        for name in names:
            try:
                fd = os.open(os.path.join(root, name), os.O_RDONLY)
            except FileNotFoundError:  # an engine's temporary file, gone meanwhile
                continue
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_folder(Path(root))


def fsync_folder(folder: Path) -> None:
    """fsync a folder: what was created, renamed or removed in it reaches the disk."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as error:  # some file systems cannot fsync a folder
        if error.errno not in (errno.EINVAL, errno.EBADF):
            raise
    finally:
        os.close(fd)


def remove_stale(index_dir: Path) -> None:
    """Remove what no live index uses: generations other than the live one (older ones, and
    newer ones a killed run left unfinished, but the build there is to resume) and temporary
    files. Call it holding the lock: then no other process is writing a generation."""
    live = _live_name(index_dir)
    resumable = resumable_build(index_dir)
    for path in index_dir.glob("gen-*"):
        if path.name != live and path != resumable and path.is_dir():
            LOGGER.info(
                "removing %s (%s)",
                path,
                "older generation"
                if live and path.name < live
                else "left unfinished by a run that was stopped",
            )
            shutil.rmtree(path, ignore_errors=True)
    for pending in index_dir.glob("*" + PENDING_SUFFIX):
        pending.unlink(missing_ok=True)


def _live_name(index_dir: Path) -> str | None:
    try:
        return current_generation(index_dir).name
    except IndexNotFound:
        return None


# -- a build that stops, and its resumption -----------------------------------------------------


def start_building(generation: Path, **what) -> None:
    """Say in the generation what it is being built from (paths, engine, schema)."""
    write_atomically(generation / BUILDING, json.dumps({**what, "checkpoints": 0, "documents": 0}))


def building(generation: Path) -> dict:
    """What a generation is being built from, and its checkpoints ({} for a finished one)."""
    try:
        return json.loads((generation / BUILDING).read_text())
    except (OSError, ValueError):
        return {}


def mark_checkpoint(generation: Path, documents: int) -> None:
    """Note a checkpoint: from now on the generation is a build to resume, not to throw away."""
    at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    _note(generation, "checkpoints", documents=documents, at=at)


def failed_resumption(generation: Path) -> int:
    """Note that resuming the build failed; how many times it has."""
    return _note(generation, "failed")["failed"]


def _note(generation: Path, counted: str, **values) -> dict:
    """building.json with one more `counted` and these values."""
    what = building(generation)
    what.update(values, **{counted: what.get(counted, 0) + 1})
    write_atomically(generation / BUILDING, json.dumps(what))
    return what


def finish_building(generation: Path) -> None:
    (generation / BUILDING).unlink(missing_ok=True)


def same_build(stopped: dict, paths, engine: str | None, schema: int) -> bool:
    """Whether a stopped build (`building`) is of these paths, with this engine and schema."""
    return (
        stopped.get("engine") == engine
        and stopped.get("schema") == schema
        and sorted(stopped.get("paths", [])) == sorted(resolved_paths(paths))
    )


def resolved_paths(paths) -> list[str]:
    """The paths with links resolved, once each: a bare `search index` run from anywhere
    refreshes the same folders."""
    return list(dict.fromkeys(os.path.realpath(path) for path in paths))


def stopped_build(index_dir: str | Path) -> dict:
    """What the build to resume is of, and how far it got ({} when there is none)."""
    generation = resumable_build(index_dir)
    return building(generation) if generation is not None else {}


def resumable_build(index_dir: str | Path) -> Path | None:
    """The generation of a build that stopped after a checkpoint, if it is the newest one."""
    index_dir = Path(index_dir)
    newest = max((path for path in index_dir.glob("gen-*") if path.is_dir()), default=None)
    if newest is None or newest.name == _live_name(index_dir):
        return None
    return newest if building(newest).get("checkpoints") else None


class WriterLock:
    """One writer at a time on an index folder: an exclusive flock on index/LOCK.

    The kernel releases it when the holder dies (kill -9 included; worker processes die with
    their parent), so a stale lock needs no cleaning. A second writer, in this process or
    another, waits, saying once for whom; `on_wait` receives that message (default: a log
    warning).
    """

    def __init__(self, index_dir: str | Path, on_wait=None):
        self.index_dir = Path(index_dir)
        self.on_wait = on_wait or LOGGER.warning
        self._fd = None

    def __enter__(self) -> "WriterLock":
        self._created = not self.index_dir.exists()
        self.index_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.index_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.on_wait(f"waiting for another indexing run to finish ({_holder(fd)})")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        started = datetime.now().astimezone().isoformat(timespec="seconds")
        os.pwrite(fd, f"pid {os.getpid()} since {started}\n".encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        os.ftruncate(self._fd, 0)
        os.close(self._fd)  # releases the lock
        self._fd = None
        if self._created and [entry.name for entry in self.index_dir.iterdir()] == [LOCK]:
            # A first run that wrote nothing leaves no folder behind, as if it never ran.
            with contextlib.suppress(OSError):
                (self.index_dir / LOCK).unlink()
                self.index_dir.rmdir()


def _holder(fd: int) -> str:
    text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    return text or "its pid is not written yet"
