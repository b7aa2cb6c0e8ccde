"""Progress of a long run: a bar on a terminal, plain log lines otherwise.

On a terminal, tqdm draws documents done out of the total, the rate and the
time left.  When standard error is a file or a pipe (a job log), a bar would
fill the log with carriage returns, so a plain line is written every
``interval`` seconds instead.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any, TextIO

from tqdm import tqdm


class Progress:
    """Report how many items are done.

    Args:
        total: Items expected, or ``None`` when unknown (a stream).
        unit: What an item is called, singular (``"doc"``, ``"record"``).
        stream: Where to report; a terminal gets a bar.
        enabled: ``False`` reports nothing (``--quiet``).
        interval: Seconds between log lines when ``stream`` is not a terminal.
        clock: Monotonic clock in seconds (replaceable in tests).
    """

    def __init__(
        self,
        total: int | None,
        *,
        unit: str = "doc",
        stream: TextIO | None = None,
        enabled: bool = True,
        interval: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.unit = unit
        self.done = 0
        self._stream = stream if stream is not None else sys.stderr
        self._enabled = enabled
        self._interval = interval
        self._clock = clock
        self._start = clock()
        self._last = self._start
        self._bar: tqdm[Any] | None = None
        if enabled and self._stream.isatty():
            self._bar = tqdm(
                total=total, unit=unit, file=self._stream, dynamic_ncols=True, smoothing=0.1
            )

    def update(self, n: int = 1) -> None:
        """Count ``n`` more items done."""
        self.done += n
        if self._bar is not None:
            self._bar.update(n)
        elif self._enabled:
            now = self._clock()
            if now - self._last >= self._interval:
                self._last = now
                print(self.line(now), file=self._stream, flush=True)

    def line(self, now: float) -> str:
        """Return the log line for the current count.

        >>> p = Progress(200, enabled=False, clock=lambda: 0.0)
        >>> p.update(50)
        >>> p.line(10.0)
        'cleaner: 50/200 docs (25%), 5.0 docs/s, ETA 0:00:30'
        """
        elapsed = max(now - self._start, 1e-9)
        rate = self.done / elapsed
        text = f"cleaner: {self.done:,}"
        if self.total is not None:
            text += f"/{self.total:,} {self.unit}s ({100 * self.done // max(self.total, 1)}%)"
        else:
            text += f" {self.unit}s"
        text += f", {rate:.1f} {self.unit}s/s"
        if self.total is not None and rate > 0:
            eta = timedelta(seconds=round((self.total - self.done) / rate))
            text += f", ETA {eta}"
        return text

    def write(self, message: str) -> None:
        """Print a message on its own line, without breaking the bar."""
        if self._bar is not None:
            self._bar.write(message, file=self._stream)
        else:
            print(message, file=self._stream, flush=True)

    @contextlib.contextmanager
    def follow(self, counter: Any, interval: float = 0.5) -> Iterator[None]:
        """Within the block, keep the count equal to a shared counter raised by workers.

        ``counter`` is a ``multiprocessing.Value``; a thread reads it every
        ``interval`` seconds, and once more when the block ends.
        """
        stop = threading.Event()

        def sync() -> None:
            if counter.value > self.done:
                self.update(counter.value - self.done)

        def run() -> None:
            while not stop.wait(interval):
                sync()

        thread = threading.Thread(target=run, name="cleaner-progress", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()
            sync()

    def close(self) -> None:
        """Finish the bar (nothing to do for log lines)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
