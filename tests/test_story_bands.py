"""The stories' band table: a run's bitmap never loses a key it holds."""

import numpy as np
import pytest

from search import story_bands
from search.story_bands import BUCKET, FILTER_AFTER, FILTER_BITS, BandTable, Run


def _run(count: int, seed: int = 1) -> tuple[Run, np.ndarray]:
    keys = np.sort(np.random.default_rng(seed).integers(0, 2**32, count, dtype=np.uint32))
    return Run(keys, np.arange(count, dtype=np.int32)), keys


def _every_row(run: Run, keys: np.ndarray) -> list[list[int]]:
    return [rows.tolist() for rows in run.found(keys)]


@pytest.mark.parametrize("count", [100_000, 9_000_000])  # set one by one, and through a mask
def test_a_bitmap_holds_every_key_of_its_run_and_no_bit_more(count):
    keys = np.random.default_rng(1).integers(0, 2**32, count, dtype=np.uint32)
    bitmap = np.zeros(1 << (FILTER_BITS - 3), dtype=np.uint8)
    story_bands._set_bits(bitmap, keys)
    tops = keys >> np.uint32(32 - FILTER_BITS)
    assert ((bitmap[tops >> 3] >> (tops & 7).astype(np.uint8)) & 1).all()
    ordered = np.sort(tops)  # (np.unique takes seconds on 9,000,000)
    assert int(np.unpackbits(bitmap).sum()) == 1 + np.count_nonzero(
        ordered[1:] != ordered[:-1]
    )  # no bit more


def test_a_run_finds_the_same_rows_with_its_bitmap_as_without(monkeypatch):
    run, keys = _run(200_000)
    rng = np.random.default_rng(2)
    # Present keys (one repeated past BUCKET rows), and absent ones.
    repeated = np.full(BUCKET + 10, keys[5], dtype=np.uint32)
    run.insert(repeated, np.arange(10**6, 10**6 + len(repeated), dtype=np.int32))
    asked = [
        np.concatenate([rng.choice(keys, 8), rng.integers(0, 2**32, 24, dtype=np.uint32)]) for _ in range(50)
    ]
    asked.append(np.array([keys[5]], dtype=np.uint32))
    before = [_every_row(run, query) for query in asked]
    assert run._filter is None
    for _ in range(FILTER_AFTER):
        run.found(asked[0])
    assert run._filter is not None
    assert [_every_row(run, query) for query in asked] == before
    assert before[-1] == [list(range(10**6 + 10, 10**6 + len(repeated)))]  # the latest BUCKET

    # Keys inserted once the bitmap exists are found too.
    added = rng.integers(0, 2**32, 1000, dtype=np.uint32)
    run.insert(np.sort(added), np.arange(5 * 10**6, 5 * 10**6 + 1000, dtype=np.int32))
    assert len(run.found(np.sort(added))) >= 990  # (a few may share a key and be one)


def test_the_table_finds_recent_keys_and_merged_ones_alike(monkeypatch):
    monkeypatch.setattr(story_bands, "MERGE_AT", 100)
    monkeypatch.setattr(story_bands, "RUN_KEYS", 250)
    table = BandTable()
    rng = np.random.default_rng(3)
    added = [rng.integers(0, 2**32, 4, dtype=np.uint32) for _ in range(200)]
    for row, keys in enumerate(added):
        table.add(keys, row)
    assert len(table.runs) >= 2 and table.changed  # runs filled, and a new one started
    for row, keys in enumerate(added):
        found = np.concatenate(table.candidates(keys))
        assert row in found.tolist()
    runs = table.compacted()
    assert all(len(keys) <= 250 for keys, _ in runs)
    assert sum(len(keys) for keys, _ in runs) == 800
    assert all((np.diff(keys.astype(np.int64)) >= 0).all() for keys, _ in runs)
