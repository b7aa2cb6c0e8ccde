"""Ordered, bounded parallel map over a process pool, with per-worker set-up.

Each worker process runs ``setup()`` once (for the cleaner: load, validate and
compile the rule packs) and then handles any number of items.  Items are read
lazily from their iterable and at most ``window`` chunks are in flight, so
memory stays flat however long the input is; results come back in input order,
so whatever is written from them is the same as a sequential run's.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")
C = TypeVar("C")

_context: Any = None
"""The worker's context, built by ``setup`` when the worker starts."""


def _initialize(setup: Callable[[], Any]) -> None:
    global _context  # noqa: PLW0603 - one context per worker process, by design
    _context = setup()


def _run_chunk(fn: Callable[[Any, T], R], chunk: list[T]) -> list[R]:
    return [fn(_context, item) for item in chunk]


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Yield lists of up to ``size`` consecutive items.

    >>> list(chunked(range(5), 2))
    [[0, 1], [2, 3], [4]]
    """
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def ordered_map(
    fn: Callable[[C, T], R],
    items: Iterable[T],
    *,
    setup: Callable[[], C],
    jobs: int,
    chunksize: int = 1,
    window: int | None = None,
    weight: Callable[[list[T]], int] | None = None,
    max_weight: int | None = None,
) -> Iterator[R]:
    """Yield ``fn(context, item)`` for every item, in input order.

    Args:
        fn: A module-level function (it is pickled to the workers).
        items: Read lazily, only as far as the in-flight window allows.
        setup: Builds the context once per worker (picklable).
        jobs: Worker processes; ``1`` runs everything in this process.
        chunksize: Items sent to a worker at once (amortises the IPC cost).
        window: Chunks in flight at most; defaults to four per worker.
        weight: The size of a chunk (e.g. its bytes), to bound the chunks in
            flight by ``max_weight`` as well as by number; one chunk is always
            let through, whatever its weight.
        max_weight: The total weight of the chunks in flight, at most (but one).

    >>> list(ordered_map(lambda ctx, x: ctx + x, [1, 2], setup=lambda: 10, jobs=1))
    [11, 12]
    """
    if jobs <= 1:
        context = setup()
        for item in items:
            yield fn(context, item)
        return
    limit = window or 4 * jobs
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_initialize, initargs=(setup,))
    pending: deque[tuple[Future[list[R]], int]] = deque()
    held = 0
    try:
        for chunk in chunked(items, chunksize):
            size = weight(chunk) if weight is not None else 0
            # Waiting on the oldest chunk keeps the output order and bounds memory.
            while pending and (
                len(pending) >= limit or (max_weight is not None and held + size > max_weight)
            ):
                future, done = pending.popleft()
                held -= done
                yield from future.result()
            pending.append((pool.submit(_run_chunk, fn, chunk), size))
            held += size
        while pending:
            yield from pending.popleft()[0].result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
