"""The ordered, bounded process-pool map under the batch and stream modes."""

from __future__ import annotations

import os
import time
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


def _slow_at(offset: int, item: int) -> int:
    if item < 0:  # a runaway item: it never returns, as a parser stuck in C would not
        while True:
            time.sleep(1)
    if item == 99:
        os._exit(3)  # a worker that dies (killed for memory, a crash in C)
    return offset + item


def _failed(item: int, why: str) -> int:
    return -1 if "deadline" in why else -2


def test_a_runaway_item_is_killed_at_its_deadline_and_the_rest_go_on() -> None:
    items = [1, 2, -1, 3, 4, 99, 5, -1, 6]
    started = time.monotonic()
    out = list(
        ordered_map(
            _slow_at,
            items,
            setup=_make_offset,
            jobs=2,
            chunksize=3,
            timeout=lambda item: 0.5,
            on_timeout=_failed,
        )
    )
    assert out == [1001, 1002, -1, 1003, 1004, -2, 1005, -1, 1006]
    assert time.monotonic() - started < 30


def test_a_deadline_needs_a_worker_even_with_one_job() -> None:
    out = list(
        ordered_map(
            _slow_at,
            [-1, 7],
            setup=_make_offset,
            jobs=1,
            timeout=lambda item: 0.5,
            on_timeout=_failed,
        )
    )
    assert out == [-1, 1007]


def test_an_item_without_a_deadline_does_not_lift_its_neighbours() -> None:
    # 0 has no deadline (a whole JSON Lines file in folder mode); the runaway beside it has one.
    out = list(
        ordered_map(
            _slow_at,
            [0, -1, 8],
            setup=_make_offset,
            jobs=2,
            chunksize=4,
            timeout=lambda item: None if item == 0 else 0.5,
            on_timeout=_failed,
        )
    )
    assert out == [1000, -1, 1008]
