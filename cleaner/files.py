"""Reading and writing files safely: bounded reads, gzip inflation, atomic writes.

Inputs are only ever opened for reading, and never more than a given number
of bytes (after inflation) is read.  Outputs are written to a temporary file in
their destination folder and renamed into place, so a reader sees the whole
file or none.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from cleaner.limits import InputTooLarge, inflate_bounded, read_bounded


class InputError(Exception):
    """An input that cannot be read or decoded; the message says why."""


def read_raw(path: Path, limit: int) -> bytes:
    """Read a file's own bytes, refusing from its size one that is over ``limit``.

    Raises:
        InputError: The file cannot be read or is over the limit.
    """
    try:
        if path.is_symlink() and not path.exists():
            raise InputError("broken symbolic link")
        return read_bounded(path, limit)
    except (OSError, InputTooLarge) as exc:
        raise InputError(f"cannot read: {exc}") from None


def inflate(path: Path, raw: bytes, limit: int) -> bytes:
    """Return a file's bytes, inflated (at most ``limit`` bytes) if its name ends in ``.gz``.

    Raises:
        InputError: The file is not valid gzip or inflates past the limit.
    """
    if not path.name.lower().endswith(".gz"):
        return raw
    try:
        return inflate_bounded(raw, limit)
    except (InputTooLarge, EOFError, zlib.error) as exc:
        raise InputError(f"cannot read: {exc}") from None


def read_bytes(path: Path, limit: int) -> bytes:
    """Read a file, gzip inflated, at most ``limit`` bytes (:func:`read_raw`, :func:`inflate`)."""
    return inflate(path, read_raw(path, limit), limit)


@contextlib.contextmanager
def atomic_open(path: Path) -> Iterator[IO[bytes]]:
    """Open a temporary file beside ``path`` for writing; rename it to ``path`` on success.

    On any error the temporary file is removed and ``path`` is left as it was.
    """
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except FileNotFoundError:  # the folder's first file: make it (rarely needed, so not first)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: str) -> None:
    """Write text to ``path`` through a temporary file in the same folder, then rename."""
    with atomic_open(path) as handle:
        handle.write(data.encode("utf-8"))
