"""Progress of a long run: a bar on a terminal, plain log lines otherwise.

On a terminal, tqdm draws documents done out of the total, the rate and the
time left.  When the total of documents is not known without reading the
inputs (JSON Lines, web archives), but their size is, progress is in bytes read
out of the inputs' bytes (compressed bytes, for a gzip file), with the records
done beside.  When standard error is a file or a pipe (a job log), a bar would
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
        total_bytes: With ``total`` unknown, the bytes of the inputs: progress
            is then in bytes read (see :meth:`read`).
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
        total_bytes: int | None = None,
    ) -> None:
        self.total = total
        self.unit = unit
        self.done = 0
        self.total_bytes = total_bytes if total is None else None
        self.bytes_read = 0
        self._stream = stream if stream is not None else sys.stderr
        self._enabled = enabled
        self._interval = interval
        self._clock = clock
        self._start = clock()
        self._last = self._start
        self._bar: tqdm[Any] | None = None
        if enabled and self._stream.isatty():
            bar: dict[str, Any] = {"total": total, "unit": unit}
            if self.total_bytes is not None:
                bar = {"total": self.total_bytes, "unit": "B", "unit_scale": True}
                bar["unit_divisor"] = 1024
            self._bar = tqdm(**bar, file=self._stream, dynamic_ncols=True, smoothing=0.1)

    def update(self, n: int = 1) -> None:
        """Count ``n`` more items done."""
        self.done += n
        if self._bar is not None and self.total_bytes is not None:
            self._bar.set_postfix_str(f"{self.done:,} {self.unit}s", refresh=False)
        elif self._bar is not None:
            self._bar.update(n)
        self._log()

    def read(self, position: int) -> None:
        """Say that the inputs have been read up to byte ``position`` (all inputs together)."""
        if position <= self.bytes_read:
            return
        if self._bar is not None and self.total_bytes is not None:
            self._bar.update(position - self.bytes_read)
        self.bytes_read = position
        self._log()

    def _log(self) -> None:
        if self._bar is None and self._enabled:
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
        >>> p = Progress(None, unit="record", total_bytes=4 << 20, enabled=False, clock=lambda: 0.0)
        >>> p.update(300)
        >>> p.read(1 << 20)
        >>> p.line(10.0)
        'cleaner: 300 records, 1.00MB/4.00MB read (25%), 30.0 records/s, ETA 0:00:30'
        """
        elapsed = max(now - self._start, 1e-9)
        rate = self.done / elapsed
        text = f"cleaner: {self.done:,}"
        share, left = None, None
        if self.total is not None:
            share = self.done / max(self.total, 1)
            text += f"/{self.total:,} {self.unit}s ({int(100 * share)}%)"
            left = (self.total - self.done) / rate if rate > 0 else None
        else:
            text += f" {self.unit}s"
        if self.total_bytes is not None:
            share = self.bytes_read / max(self.total_bytes, 1)
            size = self.size
            text += f", {size(self.bytes_read)}/{size(self.total_bytes)} read ({int(100 * share)}%)"
            speed = self.bytes_read / elapsed
            left = (self.total_bytes - self.bytes_read) / speed if speed > 0 else None
        text += f", {rate:.1f} {self.unit}s/s"
        if left is not None:
            text += f", ETA {timedelta(seconds=round(left))}"
        return text

    @staticmethod
    def size(n: int) -> str:
        """Return a number of bytes as the progress shows it.

        >>> Progress.size(999), Progress.size(3 << 20)
        ('999B', '3.00MB')
        """
        return str(tqdm.format_sizeof(n, suffix="B", divisor=1024))

    def write(self, message: str) -> None:
        """Print a message on its own line, without breaking the bar."""
        if self._bar is not None:
            self._bar.write(message, file=self._stream)
        else:
            print(message, file=self._stream, flush=True)

    @contextlib.contextmanager
    def follow(self, counter: Any, interval: float = 0.5, read: Any = None) -> Iterator[None]:
        """Within the block, keep the count equal to a shared counter raised by workers.

        ``counter`` is a ``multiprocessing.Value``; a thread reads it every
        ``interval`` seconds, and once more when the block ends.  ``read``,
        another, counts the input bytes read (see :meth:`read`).
        """
        stop = threading.Event()

        def sync() -> None:
            if counter.value > self.done:
                self.update(counter.value - self.done)
            if read is not None:
                self.read(read.value)

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
