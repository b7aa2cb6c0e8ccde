"""File permissions of outputs: what a plain ``open()`` would give.

Outputs are written to a temporary file and renamed into place.
``tempfile.mkstemp`` creates that file with mode 0600 whatever the umask, so
other users and services could not read the outputs; :func:`plain_mode` gives
the temporary file the mode ``open(path, "w")`` would have created it with.
"""

from __future__ import annotations

import os
import threading

_lock = threading.Lock()


def current_umask() -> int:
    """Return the process's umask without changing it for good.

    Linux reports it in ``/proc/self/status``; elsewhere it is read by setting
    and restoring it (under a lock, as the umask is process-wide).

    >>> 0 <= current_umask() <= 0o777
    True
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:  # noqa: PTH123
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    with _lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def plain_mode(fd: int) -> None:
    """Set an open file's mode to ``0o666`` less the umask, as ``open()`` would create it."""
    if hasattr(os, "fchmod"):  # not on Windows, where the mode bits do not apply
        os.fchmod(fd, 0o666 & ~current_umask())
