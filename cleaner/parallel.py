"""Ordered, bounded parallel map over a process pool, with per-worker set-up and deadlines.

Each worker process runs ``setup()`` once (for the cleaner: load, validate and
compile the rule packs) and then handles any number of items.  Items are read
lazily from their iterable and at most ``window`` chunks are in flight, so
memory stays flat however long the input is; results come back in input order,
so whatever is written from them is the same as a sequential run's.

**Deadlines.**  With a ``timeout``, each item has that many seconds of wall
clock in a worker.  The pool (``pebble``) kills a worker that overruns its
chunk's budget, whatever it is doing (a regular expression or a C parser that
never returns to Python), and starts a new one; the chunk's items are then
tried one at a time, each with its own deadline, so only the runaway item
fails (its result comes from ``on_timeout``) and the others are done as usual.
A worker that dies (killed for memory, a crash in C) is handled the same way.

**Orphans.**  A worker never outlives the process that started it: on Linux
it asks the kernel for SIGKILL when its parent goes (``PR_SET_PDEATHSIG``),
and everywhere a thread checks every half second that the parent is alive.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from itertools import islice
from typing import Any, Generic, TypeVar

import pebble

T = TypeVar("T")
R = TypeVar("R")
C = TypeVar("C")

_context: Any = None
"""The worker's context, built by ``setup`` when the worker starts."""

_LIVENESS_INTERVAL = 0.5
"""Seconds between a worker's checks that its parent is alive."""

_PR_SET_PDEATHSIG = 1
"""``prctl`` option: the signal a process gets when its parent dies (``<linux/prctl.h>``)."""


def _die_with(parent: int) -> None:
    """Make this worker exit when process ``parent`` is gone."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_LIVENESS_INTERVAL)
        os._exit(1)  # the parent is gone: nobody will read our results

    if os.getppid() != parent:  # it died before the signal was asked for
        os._exit(1)
    threading.Thread(target=watch, name="parent-liveness", daemon=True).start()


def _initialize(setup: Callable[[], Any], parent: int) -> None:
    global _context  # noqa: PLW0603 - one context per worker process, by design
    _die_with(parent)
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


def _chunks(
    items: Iterable[T],
    size: int,
    timeout: Callable[[T], float | None] | None,
    weight: Callable[[T], int] | None = None,
    chunk_weight: int | None = None,
) -> Iterator[list[T]]:
    """:func:`chunked`, but an item without a deadline goes alone (the others keep theirs).

    With a ``weight``, a chunk holds at most ``chunk_weight`` (a heavier item goes alone).
    """
    if timeout is None and weight is None:
        yield from chunked(items, size)
        return
    chunk: list[T] = []
    held = 0
    for item in items:
        alone = timeout is not None and timeout(item) is None
        heavy = weight(item) if weight is not None else 0
        if chunk and (alone or (chunk_weight is not None and held + heavy > chunk_weight)):
            yield chunk
            chunk, held = [], 0
        if alone:
            yield [item]
            continue
        chunk.append(item)
        held += heavy
        if len(chunk) == size:
            yield chunk
            chunk, held = [], 0
    if chunk:
        yield chunk


class _Pool(Generic[T, R]):
    """A pebble pool and the deadline rules of one map."""

    def __init__(
        self,
        fn: Callable[[Any, T], R],
        setup: Callable[[], Any],
        jobs: int,
        timeout: Callable[[T], float | None] | None,
        on_timeout: Callable[[T, str], R] | None,
    ) -> None:
        self.fn = fn
        self.timeout = timeout
        self.on_timeout = on_timeout
        self.pool: Any = pebble.ProcessPool(
            max_workers=jobs, initializer=_initialize, initargs=(setup, os.getpid())
        )

    def budget(self, chunk: list[T]) -> float | None:
        """The chunk's seconds: the largest of its items' deadlines (``None``: no deadline).

        Not their sum: a runaway item must not hide in the time its quick
        neighbours leave unused.  A chunk that rightly takes longer than one
        deadline is retried item by item, each with its own (see :meth:`results`),
        so no item is lost.
        """
        if self.timeout is None:
            return None
        longest = 0.0
        for item in chunk:
            seconds = self.timeout(item)
            if seconds is None:
                return None
            longest = max(longest, seconds)
        return longest

    def submit(self, chunk: list[T]) -> Future[list[R]]:
        future: Future[list[R]] = self.pool.schedule(
            _run_chunk, args=(self.fn, chunk), timeout=self.budget(chunk)
        )
        return future

    def results(self, chunk: list[T], future: Future[list[R]]) -> list[R]:
        """The chunk's results; a killed chunk is retried item by item."""
        try:
            return future.result()
        except (TimeoutError, pebble.ProcessExpired) as exc:
            if self.on_timeout is None:
                raise
            if len(chunk) == 1:
                return [self.on_timeout(chunk[0], _why(exc, self.budget(chunk)))]
        # Only the runaway item must fail: the others are done again, one by one.
        retries: list[tuple[T, Future[list[R]]]] = [(item, self.submit([item])) for item in chunk]
        done: list[R] = []
        for item, retry in retries:
            done += self.results([item], retry)
        return done

    def close(self, *, cancel: bool) -> None:
        if cancel:
            self.pool.stop()
        else:
            self.pool.close()
        self.pool.join()


def _why(exc: BaseException, seconds: float | None) -> str:
    if isinstance(exc, TimeoutError):
        return f"took more than {seconds:g} s (the per-document deadline): worker killed"
    return f"the worker died while cleaning it ({exc}); a new worker took its place"


def ordered_map(
    fn: Callable[[C, T], R],
    items: Iterable[T],
    *,
    setup: Callable[[], C],
    jobs: int,
    chunksize: int = 1,
    window: int | None = None,
    weight: Callable[[T], int] | None = None,
    chunk_weight: int | None = None,
    max_weight: int | None = None,
    timeout: Callable[[T], float | None] | None = None,
    on_timeout: Callable[[T, str], R] | None = None,
) -> Iterator[R]:
    """Yield ``fn(context, item)`` for every item, in input order.

    Args:
        fn: A module-level function (it is pickled to the workers).
        items: Read lazily, only as far as the in-flight window allows.
        setup: Builds the context once per worker (picklable).
        jobs: Worker processes; ``1`` without ``timeout`` runs everything in
            this process (with a ``timeout``, one worker process does).
        chunksize: Items sent to a worker at once (amortises the IPC cost).
        window: Chunks in flight at most; defaults to four per worker.
        weight: The size of an item (e.g. its bytes), to bound chunks by
            ``chunk_weight`` and the items in flight by ``max_weight`` as well
            as by number; one chunk is always let through, whatever its weight.
        chunk_weight: The weight of a chunk, at most (an item heavier goes alone).
        max_weight: The total weight of the chunks in flight, at most (but one).
        timeout: The deadline in seconds of an item (``None``: none).
        on_timeout: The result of an item whose worker was killed at its
            deadline or died, given the reason; without it the error is raised.

    >>> list(ordered_map(lambda ctx, x: ctx + x, [1, 2], setup=lambda: 10, jobs=1))
    [11, 12]
    """
    if jobs <= 1 and timeout is None:
        context = setup()
        for item in items:
            yield fn(context, item)
        return
    limit = window or 4 * max(jobs, 1)
    pool: _Pool[T, R] = _Pool(fn, setup, max(jobs, 1), timeout, on_timeout)
    pending: deque[tuple[list[T], Future[list[R]], int]] = deque()
    held = 0
    finished = False
    try:
        for chunk in _chunks(items, chunksize, timeout, weight, chunk_weight):
            size = sum(map(weight, chunk)) if weight is not None else 0
            # Waiting on the oldest chunk keeps the output order and bounds memory, in
            # number of chunks and, with a weight, in their total size.
            while pending and (
                len(pending) >= limit or (max_weight is not None and held + size > max_weight)
            ):
                oldest, future, done = pending.popleft()
                held -= done
                yield from pool.results(oldest, future)
            pending.append((chunk, pool.submit(chunk), size))
            held += size
        while pending:
            oldest, future, _ = pending.popleft()
            yield from pool.results(oldest, future)
        finished = True
    finally:
        pool.close(cancel=not finished)
