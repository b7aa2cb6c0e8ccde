"""Reading and writing files safely: bounded reads, atomic durable writes, the output lock.

Inputs are only ever opened for reading, never more than a given number of
bytes (after gzip inflation) is read, and only regular files are read: a file
is opened without waiting (``O_NONBLOCK``) and checked with ``fstat`` before a
byte is read, so a FIFO put in place of a file never hangs a run.

Each output is written to a temporary file in its destination folder, its data
flushed to disk, and renamed into place, so a run stopped at any moment (even
by SIGKILL or a power loss) leaves either the complete file or the one before;
then the folder is flushed, which makes the rename durable.  Temporary files
are named ``.<name>.<8 random characters>.cleaner-tmp``: only files of that
shape are swept, never a user's own ``.tmp`` files.

An output folder (or output file) is held by one run at a time through an
advisory lock (:class:`OutputLock`), so a second run cannot sweep away the
first one's live temporary files.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import stat
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from cleaner.filemode import plain_mode
from cleaner.limits import InputTooLarge, inflate_bounded

fcntl: Any
try:  # POSIX; Windows has no advisory lock here
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None

TEMP_SUFFIX = ".cleaner-tmp"
"""The ending of every temporary file cleaner writes (and the only ones it sweeps)."""
LOCK_NAME = ".cleaner-lock"
"""The lock file of an output folder; an output file ``F`` is locked by ``.F.cleaner-lock``."""

_TEMP_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX) + "$")
"""Temporary output names made by :func:`atomic_open` (``mkstemp``'s random part)."""


_KINDS_OF_FILE = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFDIR: "a folder",
}


class InputError(Exception):
    """An input that cannot be read or decoded; the message says why."""


class OutputBusy(Exception):
    """Another run holds the lock of the output; the message names it."""


def not_regular(path: Path) -> str | None:
    """Say why ``path`` is not a regular file that may be read, or ``None`` if it is one.

    Only ``stat`` is called (following symbolic links): a FIFO is never opened,
    as opening one waits for a writer.
    """
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if path.is_symlink():
            return (
                "symbolic link in a loop: not read"
                if exc.errno == errno.ELOOP
                else "broken symbolic link: not read"
            )
        return f"cannot read: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return None
    what = _KINDS_OF_FILE.get(stat.S_IFMT(mode), "not a regular file")
    return f"{what}, not a regular file: not read"


_NO_WAIT = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
"""Open flags that keep ``open`` from waiting on a FIFO (POSIX; Windows has no FIFOs)."""


def open_regular(path: Path) -> IO[bytes]:
    """Open a regular file for reading; refuse anything else without waiting on it.

    Raises:
        InputError: ``path`` is a FIFO, a socket, a device or a folder, or a
            symbolic link that leads nowhere or in a loop.
        OSError: The file cannot be opened.
    """
    try:
        fd = os.open(path, os.O_RDONLY | _NO_WAIT)
    except OSError:
        problem = not_regular(path)
        if problem is not None:
            raise InputError(problem) from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise InputError(not_regular(path) or "not a regular file: not read")
    if _NO_WAIT:
        os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def read_bounded(path: Path, limit: int) -> bytes:
    """Return a regular file's own bytes (not inflated), refusing one over ``limit`` from its size.

    Raises:
        InputTooLarge: The file is over ``limit`` bytes.
        InputError: The path is not a regular file.
        OSError: The file cannot be read.
    """
    with open_regular(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise InputTooLarge(f"{size} bytes, over the input size limit of {limit}")
        data = handle.read(limit + 1)
    if len(data) > limit:  # the file grew while it was read
        raise InputTooLarge(f"more than {limit} bytes, over the input size limit")
    return data


def read_bytes(path: Path, limit: int) -> bytes:
    """Read a file, gzip inflated, at most ``limit`` bytes (:func:`read_raw`, :func:`inflate`).

    Raises:
        InputError: The file cannot be read, is not a regular file, is not
            valid gzip, or is over the limit.
    """
    return inflate(path, read_raw(path, limit), limit)


def read_raw(path: Path, limit: int) -> bytes:
    """Read a file's own bytes, refusing from its size one that is over ``limit``.

    Raises:
        InputError: The file cannot be read, is not a regular file, or is over the limit.
    """
    try:
        return read_bounded(path, limit)
    except (OSError, InputTooLarge) as exc:
        raise InputError(f"cannot read: {exc}") from None


def inflate(path: Path, raw: bytes, limit: int) -> bytes:
    """Return a file's bytes, inflated (at most ``limit`` bytes) if its name ends in ``.gz``.

    Raises:
        InputError: The file is not valid gzip, is truncated, or inflates past the limit.
    """
    if not path.name.lower().endswith(".gz"):
        return raw
    try:
        return inflate_bounded(raw, limit)
    except (InputTooLarge, EOFError, zlib.error) as exc:
        raise InputError(f"cannot read: {exc}") from None


def file_size(path: Path) -> int:
    """Return a file's size in bytes, 0 for one that cannot be read (progress only)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def file_sha256(path: Path) -> str:
    """Return the SHA-256 of a regular file's bytes, read in blocks.

    Raises:
        InputError: The path is not a regular file.
        OSError: The file cannot be read.
    """
    digest = hashlib.sha256()
    with open_regular(path) as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


_sync_data = getattr(os, "fdatasync", os.fsync)
"""Flush a file's data (and the size needed to read it back): cheaper than ``fsync``."""


def fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (renames into it) to disk, where the system allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # e.g. Windows cannot open a folder: its renames are durable as they are
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems refuse fsync on a folder
        pass
    finally:
        os.close(fd)


def _mkstemp(path: Path) -> tuple[int, str]:
    return tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)


@contextlib.contextmanager
def atomic_open(path: Path, *, sync_folder: bool = True) -> Iterator[IO[bytes]]:
    """Open a temporary file beside ``path`` for writing; rename it to ``path`` on success.

    The data is flushed to disk before the rename, so a crash or power loss
    leaves ``path`` as it was or complete, never empty; then the folder is
    flushed, which makes the rename itself durable.  A batch of many outputs
    passes ``sync_folder=False`` and flushes each folder once at its end
    (:func:`fsync_folders`): a rename lost to a crash before then only means
    that output is written again by the next run.
    On any error the temporary file is removed and ``path`` is left as it was.
    """
    try:
        fd, tmp = _mkstemp(path)
    except FileNotFoundError:  # the folder's first file: make it (rarely needed, so not first)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _mkstemp(path)
    try:
        plain_mode(fd)  # mkstemp makes 0600; outputs get the mode open() would give
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            _sync_data(handle.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if sync_folder:
        fsync_folder(path.parent)


def write_atomic(path: Path, data: str, *, sync_folder: bool = True) -> None:
    """Write text to ``path`` through a temporary file in the same folder, then rename."""
    with atomic_open(path, sync_folder=sync_folder) as handle:
        handle.write(data.encode("utf-8"))


def fsync_folders(root: Path) -> None:
    """Flush ``root`` and every folder under it (the renames of a batch) to disk."""
    for dirpath, _, _ in os.walk(root):
        fsync_folder(Path(dirpath))


def is_temp_name(name: str, of: str | None = None) -> bool:
    """Tell whether ``name`` is a temporary file of cleaner's (of output ``of``, if given).

    >>> is_temp_name(".a.txt.k2j4h5g6.cleaner-tmp"), is_temp_name(".a.txt.k2j4h5g6.tmp")
    (True, False)
    >>> is_temp_name(".a.txt.k2j4h5g6.cleaner-tmp", of="b.txt")
    False
    """
    if not _TEMP_NAME.match(name):
        return False
    return of is None or name[: -len(TEMP_SUFFIX) - 9] == f".{of}"


def remove_stale_temp(out: Path) -> int:
    """Delete temporary files a killed run left under folder ``out``; return how many.

    Only call it holding the folder's :class:`OutputLock`: another run's live
    temporary files look the same.
    """
    removed = 0
    for dirpath, _, filenames in os.walk(out):
        for name in filenames:
            # A file output in this folder may be written by a run of its own right now.
            if is_temp_name(name) and not _locked(Path(dirpath) / _lock_name(name)):
                (Path(dirpath) / name).unlink(missing_ok=True)
                removed += 1
    return removed


def _lock_name(temp: str) -> str:
    """The lock file of the output a temporary file is for (``.F.cleaner-lock``)."""
    return temp[: -len(TEMP_SUFFIX) - 9] + LOCK_NAME


def _locked(path: Path) -> bool:
    """Tell whether a run holds the lock file ``path`` now."""
    if fcntl is None:  # pragma: no cover - Windows
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # no lock file: nobody holds it
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def remove_stale_temp_of(path: Path) -> int:
    """Delete the temporary files a killed run left for output file ``path``; return how many.

    Only call it holding ``path``'s :class:`OutputLock`.
    """
    removed = 0
    with contextlib.suppress(OSError):
        for entry in os.scandir(path.parent):
            if is_temp_name(entry.name, of=path.name) and entry.is_file(follow_symlinks=False):
                Path(entry.path).unlink(missing_ok=True)
                removed += 1
    return removed


class OutputLock:
    """An advisory lock on an output folder or file, held for the whole run.

    The lock is ``flock`` on a lock file that exists only while a run holds
    it: ``OUT/.cleaner-lock`` for an output folder, ``.F.cleaner-lock`` beside
    an output file ``F``.  The holder removes the file before it lets go, and
    a run that got the lock on a file already removed tries again, so two
    runs never both hold it.  Where ``fcntl`` is missing (Windows) no lock is
    taken.

    Args:
        out: The output folder or file.
        folder: ``out`` is a folder (made if missing).
        wait: Wait for another run to finish instead of refusing at once.

    Raises:
        OutputBusy: On entering, another run holds the lock and ``wait`` is false.
    """

    def __init__(self, out: Path, *, folder: bool, wait: bool = False) -> None:
        self.out = out
        self.path = out / LOCK_NAME if folder else out.with_name(f".{out.name}{LOCK_NAME}")
        self.wait = wait
        self._fd: int | None = None

    def __enter__(self) -> OutputLock:
        """Take the lock (making the output folder if needed)."""
        if fcntl is None:  # pragma: no cover - Windows
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        flags = fcntl.LOCK_EX if self.wait else fcntl.LOCK_EX | fcntl.LOCK_NB
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
            try:
                fcntl.flock(fd, flags)
            except BlockingIOError:
                os.close(fd)
                raise OutputBusy(
                    f"{self.out} is being written by another cleaner run (lock: {self.path}); "
                    "wait for it to end, or pass --wait to wait for it"
                ) from None
            try:
                same = self.path.stat().st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:  # the holder removed it as we got it: try again
                same = False
            if same:
                self._fd = fd
                return self
            os.close(fd)

    def __exit__(self, *exc: object) -> None:
        """Remove the lock file, then let go of the lock."""
        if self._fd is None:
            return
        Path(self.path).unlink(missing_ok=True)
        os.close(self._fd)
        self._fd = None
