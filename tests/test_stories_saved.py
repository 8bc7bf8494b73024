"""The stories saved beside an index: an update writes its new rows as a delta beside the main
file (not the whole file again); loading the main file and its deltas gives the stories as
they were, and a main file written whole supersedes the deltas it holds."""

import random
import zipfile

import numpy as np
import pytest

from search import stories as stories_module
from search.stories import STORIES, Stories, signature
from tests.test_stories import rewrite, seed_bodies


@pytest.fixture(scope="module")
def bodies() -> list[str]:
    """20 distinct stories: the seeds' bodies, and their words shuffled (other shingles)."""
    seeds = [body for _, body in seed_bodies()]
    shuffled = []
    for number in range(20 - len(seeds)):
        words = seeds[number % len(seeds)].split()
        random.Random(number).shuffle(words)
        shuffled.append(" ".join(words))
    return seeds + shuffled


@pytest.fixture(autouse=True)
def small_deltas(monkeypatch):
    """Deltas for these few rows (they are written while new rows are a tenth of the saved)."""
    monkeypatch.setattr(stories_module, "DELTA_SHARE", 1.0)


def files(folder) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_an_update_writes_its_rows_beside_the_main_file_and_loads_them_back(bodies, tmp_path):
    built, reference = Stories(), Stories()
    for number, body in enumerate(bodies[:-2]):
        for stories in (built, reference):
            stories.assign(f"a{number}", signature(body))
    built.save(tmp_path)
    main = (tmp_path / STORIES).read_bytes()
    updated = Stories.load(tmp_path)
    added = [("copy0", rewrite(bodies[0], 1)), ("new1", bodies[-2]), ("new2", bodies[-1])]
    for doc_id, body in added:
        assert updated.assign(doc_id, signature(body)) == reference.assign(doc_id, signature(body))
    updated.save(tmp_path)
    assert files(tmp_path) == ["stories.1.npz", STORIES] and (tmp_path / STORIES).read_bytes() == main
    loaded = Stories.load(tmp_path)
    assert len(loaded) == len(reference) == len(bodies) + 1
    # The rows of the delta are found as copies, like those of the main file.
    for doc_id, body in [("copy1", rewrite(bodies[1], 2)), ("copy-new", rewrite(bodies[-1], 3))]:
        assert loaded.assign(doc_id, signature(body)) == reference.assign(doc_id, signature(body))
    assert loaded.assign("copy-new2", signature(rewrite(bodies[-1], 4))) == ("new2", True)


def test_after_so_many_deltas_the_main_file_is_written_whole(bodies, tmp_path, monkeypatch):
    monkeypatch.setattr(stories_module, "MAX_DELTAS", 2)
    stories = Stories()
    for number, body in enumerate(bodies[:10]):
        stories.assign(f"a{number}", signature(body))
    stories.save(tmp_path)
    for number, body in enumerate(bodies[10:13]):
        stories = Stories.load(tmp_path)
        stories.assign(f"b{number}", signature(body))
        stories.save(tmp_path)
    assert files(tmp_path) == [STORIES]  # two deltas, then all in the main file
    loaded = Stories.load(tmp_path)
    assert len(loaded) == 13 and loaded.assign("again", signature(bodies[11])) == ("b1", True)


def main_file_and_a_delta(bodies, folder, originals: int) -> Stories:
    """`originals` stories saved in the main file, then one more ("b") in stories.1.npz."""
    stories = Stories()
    for number, body in enumerate(bodies[:originals]):
        stories.assign(f"a{number}", signature(body))
    stories.save(folder)
    stories = Stories.load(folder)
    stories.assign("b", signature(bodies[originals]))
    stories.save(folder)
    return stories


def test_deltas_a_main_file_holds_already_are_not_read_twice(bodies, tmp_path):
    """Stopped between writing the main file whole and removing the deltas it holds."""
    stories = main_file_and_a_delta(bodies, tmp_path, 5)
    kept = (tmp_path / "stories.1.npz").read_bytes()
    stories.bands.changed = True  # (runs merged: the next save writes the main file whole)
    stories.assign("c", signature(bodies[6]))
    stories.save(tmp_path)
    (tmp_path / "stories.1.npz").write_bytes(kept)
    loaded = Stories.load(tmp_path)
    assert len(loaded) == 7
    assert [story.decode() for story in loaded._story_ids()] == [*(f"a{n}" for n in range(5)), "b", "c"]


def test_runs_stay_few_however_many_updates(bodies, tmp_path, monkeypatch):
    """Each delta is a run of the band table; the main file written whole joins them."""
    monkeypatch.setattr(stories_module, "MAX_DELTAS", 2)
    stories = Stories()
    stories.assign("a", signature(bodies[0]))
    stories.save(tmp_path)
    for number, body in enumerate(bodies[1:], start=1):
        stories = Stories.load(tmp_path)
        stories.assign(f"b{number}", signature(body))
        stories.save(tmp_path)
    assert len(Stories.load(tmp_path).bands.runs) <= 1 + 2
    assert Stories.load(tmp_path).assign("again", signature(bodies[7])) == ("b7", True)


def test_stories_that_cannot_be_read_start_afresh_without_their_old_deltas(bodies, tmp_path, caplog):
    main_file_and_a_delta(bodies, tmp_path, 3)
    (tmp_path / STORIES).write_bytes(b"not a zip file")
    stories = Stories.load(tmp_path)
    assert len(stories) == 0 and "cannot be read" in caplog.text
    stories.assign("c", signature(bodies[4]))
    stories.save(tmp_path)
    assert files(tmp_path) == [STORIES]
    loaded = Stories.load(tmp_path)
    assert len(loaded) == 1 and loaded.assign("again", signature(bodies[4])) == ("c", True)


def test_story_ids_are_saved_as_bytes_and_files_that_kept_str_still_load(bodies, tmp_path):
    stories = main_file_and_a_delta(bodies, tmp_path, 5)
    with np.load(tmp_path / STORIES) as saved:
        assert saved["stories"].dtype.kind == "S"
        signatures, runs = (
            saved["signatures"],
            {k: saved[k] for k in saved.files if k[:4] in ("keys", "rows")},
        )
    # As written before: numpy's str (4 bytes a character), with a non-ASCII id.
    ids = np.array(["a0", "a1", "a2", "bài", "a4"])
    # (written aside: the stories loaded above read the main file through a memory map)
    np.savez(tmp_path / "old.npz", signatures=signatures, stories=ids, folded=np.array([0]), **runs)
    (tmp_path / "old.npz").replace(tmp_path / STORIES)
    loaded = Stories.load(tmp_path)
    assert [loaded._story(row) for row in range(len(loaded))] == ["a0", "a1", "a2", "bài", "a4", "b"]
    assert loaded.assign("a3 again", signature(bodies[3])) == ("bài", True)
    assert len(stories) == 6


def test_the_saved_arrays_are_aligned_and_read_in_place(bodies, tmp_path):
    """The main file's arrays are mapped, not copied (an update of 100 articles at a million
    read 400 MB first), and each starts at a multiple of 64 bytes: numpy searches an unaligned
    array by copying it at every search. np.load still reads the file."""
    main_file_and_a_delta(bodies, tmp_path, 5)
    path = tmp_path / STORIES
    with zipfile.ZipFile(path) as archive, open(path, "rb") as file, np.load(path) as saved:
        for member in archive.infolist():
            file.seek(path.read_bytes().index(b"\x93NUMPY", member.header_offset))
            shape, _, _ = (
                np.lib.format.read_array_header_1_0(file)
                if np.lib.format.read_magic(file) == (1, 0)
                else np.lib.format.read_array_header_2_0(file)
            )
            assert file.tell() % 64 == 0, member.filename
            assert saved[member.filename[: -len(".npy")]].shape == shape
    loaded = Stories.load(tmp_path)
    assert not loaded._parts[0].flags.writeable  # a map of the file
    assert all(run.keys.flags.aligned for run in loaded.bands.runs)
    assert loaded.assign("a2 again", signature(bodies[2])) == ("a2", True)


@pytest.mark.parametrize("damage", ["an array longer than its member", "rows of another width"])
def test_a_main_file_whose_arrays_do_not_fit_starts_the_stories_afresh(bodies, tmp_path, caplog, damage):
    """A damaged header (or a file written otherwise) is never read past its member, nor
    trusted for shapes the stories do not have."""
    main_file_and_a_delta(bodies, tmp_path, 5)
    with np.load(tmp_path / STORIES) as saved:
        arrays = {name: saved[name] for name in saved.files}
    signatures = arrays.pop("signatures")
    with zipfile.ZipFile(tmp_path / "damaged.npz", "w") as archive:
        with archive.open("signatures.npy", "w") as file:
            if damage == "an array longer than its member":  # its header, a row short after it
                header = {"descr": "<u2", "fortran_order": False, "shape": signatures.shape}
                np.lib.format.write_array_header_1_0(file, header)
                file.write(signatures[:-1].tobytes())
            else:
                np.lib.format.write_array(file, signatures[:, :10])
        for name, array in arrays.items():
            with archive.open(f"{name}.npy", "w") as file:
                np.lib.format.write_array(file, array)
    (tmp_path / "damaged.npz").replace(tmp_path / STORIES)
    stories = Stories.load(tmp_path)
    assert len(stories) == 0 and "cannot be read" in caplog.text
