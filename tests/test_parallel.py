"""The ordered, bounded process-pool map under the batch and stream modes."""

from __future__ import annotations

from collections.abc import Iterator

from cleaner.parallel import ordered_map


def _make_offset() -> int:
    return 1000


def _add(offset: int, item: int) -> int:
    return offset + item


def test_order_is_kept_and_input_is_read_lazily() -> None:
    consumed = 0

    def items() -> Iterator[int]:
        nonlocal consumed
        for n in range(400):
            consumed += 1
            yield n

    out = []
    ahead = 0
    for value in ordered_map(_add, items(), setup=_make_offset, jobs=2, chunksize=3, window=4):
        out.append(value)
        ahead = max(ahead, consumed - len(out))
    assert out == [1000 + n for n in range(400)]
    # Never more than the window of chunks (plus the chunk being read) in flight.
    assert ahead <= 4 * 3 + 3


def test_one_job_runs_in_process() -> None:
    assert list(ordered_map(_add, [1, 2, 3], setup=_make_offset, jobs=1)) == [1001, 1002, 1003]
