"""Limits on untrusted inputs: gzip streams, JSON Lines and the shape of a document.

Documents are the least trusted input there is.  Nothing here reads more than
a set number of bytes into memory (a file over the limit is refused from its
size by :func:`cleaner.files.read_bounded`): a gzip stream is inflated only up
to the limit (a "gzip bomb" stops there), and a JSON Lines record longer than
the limit becomes an error for that line while the reader skips to the next one.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import IO

_CHUNK = 1 << 20


class InputTooLarge(ValueError):
    """An input is larger than the configured limit; the message gives both sizes."""


def inflate_bounded(data: bytes, limit: int) -> bytes:
    """Inflate gzip ``data`` (one or more members) to at most ``limit`` bytes.

    >>> import gzip
    >>> inflate_bounded(gzip.compress(b"hel") + gzip.compress(b"lo"), 10)
    b'hello'

    Raises:
        InputTooLarge: ``data`` inflates to more than ``limit`` bytes.
        EOFError: ``data`` ends before a member's end-of-stream marker (truncated).
        zlib.error: ``data`` is not valid gzip.
    """
    out = bytearray()
    while data:
        inflater = zlib.decompressobj(wbits=31)
        out += inflater.decompress(data, limit + 1 - len(out))
        if len(out) > limit:
            raise InputTooLarge(
                f"inflates to more than {limit} bytes, the input size limit (a gzip bomb?)"
            )
        if not inflater.eof:
            raise EOFError("gzip data ends before its end-of-stream marker (truncated?)")
        data = inflater.unused_data
        if not data.strip(b"\x00"):  # trailing padding after the last member
            break
    return bytes(out)


class LineTooLong(ValueError):
    """A JSON Lines record is longer than the limit."""


def bounded_lines(handle: IO[bytes], limit: int) -> Iterator[bytes | LineTooLong]:
    r"""Yield the lines of a binary stream, or a :class:`LineTooLong` for an oversized one.

    An oversized line is skipped in chunks, so memory stays bounded by ``limit``
    whatever the stream holds, and the next line is read as usual.

    >>> import io
    >>> [str(x) if isinstance(x, LineTooLong) else x
    ...  for x in bounded_lines(io.BytesIO(b"ab\n" + b"x" * 20 + b"\ncd"), 10)]
    [b'ab\n', 'record of more than 10 bytes, over the limit', b'cd']
    """
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or (line.endswith(b"\n") and len(line) == limit + 1):
            yield line
            continue
        while not line.endswith(b"\n"):
            line = handle.readline(_CHUNK)
            if not line:
                break
        yield LineTooLong(f"record of more than {limit} bytes, over the limit")
