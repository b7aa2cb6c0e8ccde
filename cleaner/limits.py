"""Limits on untrusted inputs: gzip streams, JSON Lines and the shape of a document.

Documents are the least trusted input there is.  Nothing here reads more than
a set number of bytes into memory (a file over the limit is refused from its
size by :func:`cleaner.files.read_bounded`): a gzip stream is inflated only up
to the limit (a "gzip bomb" stops there), and a JSON Lines record longer than
the limit becomes an error for that line while the reader skips to the next one.
"""

from __future__ import annotations

import re
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


class DocumentTooComplex(ValueError):
    """A document's shape is past a structural limit; the message says which and where."""


_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
_ATTRIBUTE_START = re.compile(r"\s+[^\s=/>]")
_OPEN_TAG = re.compile(r"<[A-Za-z]")
_LINE_BREAK = re.compile("\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
"""What ``str.splitlines`` splits on (counted without making the list)."""


def check_html_shape(html: str, *, max_elements: int, max_attributes: int) -> None:
    """Refuse a page with too many elements, or an element with too many attributes.

    A cheap scan of the markup, before any parser sees it: parsers and the
    metadata readers after them take time that grows faster than the size of
    such a page (an element with 100,000 attributes took minutes).  Counts
    are of what looks like a start tag, so they are upper bounds.

    >>> check_html_shape("<p a=1 b='2' c>x</p>", max_elements=5, max_attributes=3)
    >>> check_html_shape("<p a=1 b='2' c>x</p>", max_elements=5, max_attributes=2)
    Traceback (most recent call last):
    ...
    cleaner.limits.DocumentTooComplex: an element with 3 attributes (line 1), over the limit of 2

    Raises:
        DocumentTooComplex: A limit is passed.
    """
    # Each attribute takes two characters at least (" a"): only longer tags are looked at.
    long_tag = re.compile(r"<[A-Za-z][^<>]{" + str(2 * max_attributes) + ",}>?")
    for match in long_tag.finditer(html):
        count = len(_ATTRIBUTE_START.findall(_QUOTED.sub('""', match.group())))
        if count > max_attributes:
            line = html.count("\n", 0, match.start()) + 1
            raise DocumentTooComplex(
                f"an element with {count} attributes (line {line}), "
                f"over the limit of {max_attributes}"
            )
    if html.count("<") > max_elements:
        elements = sum(1 for _ in _OPEN_TAG.finditer(html))
        if elements > max_elements:
            raise DocumentTooComplex(
                f"page has {elements} elements, over the limit of {max_elements}"
            )


def check_lines(text: str, max_lines: int) -> None:
    """Refuse a text of more than ``max_lines`` lines (each is a paragraph to test).

    >>> check_lines("a\\nb\\nc", 2)
    Traceback (most recent call last):
    ...
    cleaner.limits.DocumentTooComplex: document has 3 lines, over the limit of 2

    Raises:
        DocumentTooComplex: The limit is passed.
    """
    newlines = text.count("\n")  # fast, and each ends a line of its own
    if newlines > max_lines:
        raise DocumentTooComplex(
            f"document has at least {newlines} lines, over the limit of {max_lines}"
        )
    if len(text) >= max_lines:  # a shorter text cannot have more lines
        breaks = sum(1 for _ in _LINE_BREAK.finditer(text))
        lines = breaks if _LINE_BREAK.match(text[-1]) else breaks + 1  # as splitlines counts
        if lines > max_lines:
            raise DocumentTooComplex(f"document has {lines} lines, over the limit of {max_lines}")
