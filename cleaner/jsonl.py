"""Streaming JSON Lines in: one output record per input record, in order.

An input record is a JSON object with an id and either the text or the HTML of
a document, and optionally its URL::

    {"id": "a1", "text": "...", "url": "https://...", "lang": "en"}

Its output record keeps the id and every other field untouched, replaces the
text (or HTML) with the clean text and adds ``metadata`` and ``provenance``::

    {"id": "a1", "url": "https://...", "lang": "en", "text": "...",
     "metadata": {...}, "provenance": {...}}

A record that cannot be cleaned (not JSON, no id, no text, a lone surrogate,
a number strict JSON cannot hold, a cleaning failure) gives an error record
instead, so the output always has exactly one record per input line::

    {"id": "a1", "line": 7, "error": {"type": "RecordError", "message": "..."}}

Records are built by :mod:`cleaner.records` and serialised by a writer of
that module (JSON Lines) or :mod:`cleaner.parquet`.  Lines are read one at a
time and the records in flight are bounded in bytes as well as in number, so
memory stays bounded whatever the stream and its record sizes.
"""

from __future__ import annotations

import functools
import gzip
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from cleaner import Cleaner
from cleaner.config import CleanerConfig
from cleaner.document import Result
from cleaner.limits import LineTooLong, bounded_lines
from cleaner.parallel import ordered_map
from cleaner.records import (
    Fields,
    JsonlWriter,
    ProvenanceLevel,
    Record,
    RecordWriter,
    Sink,
    Tally,
    error_record,
    loads,
    output_record,
)

__all__ = [
    "JSONL_SUFFIXES",
    "DocumentTimeout",
    "Fields",
    "RecordCleaner",
    "RecordError",
    "Setup",
    "Sink",
    "Tally",
    "clean_line",
    "clean_records",
    "clean_stream",
    "numbered",
    "open_input",
    "position",
]

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")

CHUNK_BYTES = 1 << 20
"""Input bytes sent to a worker at once, at most (a longer record goes alone)."""


class RecordError(ValueError):
    """A record without the fields a document needs, or with unusable values."""


@dataclass(frozen=True, slots=True)
class RecordCleaner:
    """A cleaner with the record field names, forced site and provenance level of one run."""

    cleaner: Cleaner
    fields: Fields = field(default_factory=Fields)
    site: str | None = None
    provenance: ProvenanceLevel = "full"


@dataclass(frozen=True, slots=True)
class Setup:
    """How a worker builds its :class:`RecordCleaner` (picklable; rules compiled once).

    The options every path shares: :class:`cleaner.streams.StreamOptions` and
    :class:`cleaner.batch.BatchSetup` add theirs to these.

    Attributes:
        rules_dirs: Folders of extra rule packs.
        fields: The record field names.
        site: Force the rule pack of this name.
        config: Cleaner options.
        provenance: How much provenance output records carry.
    """

    rules_dirs: tuple[Path, ...] = ()
    fields: Fields = field(default_factory=Fields)
    site: str | None = None
    config: CleanerConfig = field(default_factory=CleanerConfig)
    provenance: ProvenanceLevel = "full"

    def __call__(self) -> RecordCleaner:
        """Load the packs and return the record cleaner."""
        engine = Cleaner(self.rules_dirs, config=self.config)
        return RecordCleaner(engine, self.fields, self.site, self.provenance)


def _check_text(value: str, name: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise RecordError(f"{name!r} holds a lone surrogate at index {exc.start}") from None


def _document(ctx: RecordCleaner, record: dict[str, Any]) -> tuple[Result, int]:
    """Clean the document held by a parsed record; return it and its input size."""
    names = ctx.fields
    url = record.get(names.url)
    if url is not None and not isinstance(url, str):
        raise RecordError(f"{names.url!r} must be a string")
    if names.text in record:
        key, is_html = names.text, False
    elif names.html in record:
        key, is_html = names.html, True
    else:
        raise RecordError(f"no {names.text!r} or {names.html!r} field")
    value = record[key]
    if not isinstance(value, str):
        raise RecordError(f"{key!r} must be a string")
    _check_text(value, key)
    size = len(value.encode("utf-8"))
    if is_html:
        return ctx.cleaner.clean_html(value, url=url, site=ctx.site), size
    source = {"format": "jsonl", "field": key}
    return ctx.cleaner.clean(value, url=url, site=ctx.site, source=source), size


def _record_id(ctx: RecordCleaner, record: dict[str, Any]) -> str | int:
    value = record.get(ctx.fields.id)
    if value is None:
        raise RecordError(f"no {ctx.fields.id!r} field")
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise RecordError(f"{ctx.fields.id!r} must be a string or an integer")
    if isinstance(value, str):
        _check_text(value, ctx.fields.id)
    return value


def clean_line(ctx: RecordCleaner, item: tuple[int, bytes | LineTooLong]) -> tuple[Record, Tally]:
    """Clean one numbered input line; return its output record and its counts.

    Never raises for a bad record: the output is then an error record.
    """
    number, line = item
    record: Any = None
    try:
        if isinstance(line, LineTooLong):
            raise line
        if not line.strip():
            raise RecordError("empty line")
        record = loads(line)
        if not isinstance(record, dict):
            raise RecordError(f"a record must be a JSON object, not {type(record).__name__}")
        record_id = _record_id(ctx, record)
        result, size = _document(ctx, record)
    except Exception as exc:  # one bad record never stops a stream
        raw_id = record.get(ctx.fields.id) if isinstance(record, dict) else None
        return error_record(ctx.fields.id, raw_id, exc, line=number), Tally.failure(exc)
    skip = {ctx.fields.id, ctx.fields.text, ctx.fields.html}
    extra = {k: v for k, v in record.items() if k not in skip}
    out = output_record(ctx.fields, record_id, extra, result, ctx.provenance)
    return out, Tally.cleaned(result, size)


def numbered(lines: Iterable[bytes | LineTooLong]) -> Iterator[tuple[int, bytes | LineTooLong]]:
    """Number lines from 1, dropping the line ending.

    >>> list(numbered([b'{"id": 1}\\n', b"x\\r\\n", b"last"]))
    [(1, b'{"id": 1}'), (2, b'x'), (3, b'last')]
    """
    for number, line in enumerate(lines, start=1):
        yield number, line if isinstance(line, LineTooLong) else line.rstrip(b"\r\n")


def _size(item: tuple[int, bytes | LineTooLong]) -> int:
    line = item[1]
    return 0 if isinstance(line, LineTooLong) else len(line)


def open_input(path: Path) -> IO[bytes]:
    """Open a JSON Lines file for reading in binary, inflating ``.gz`` on the fly."""
    if path.name.lower().endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def position(handle: IO[bytes] | gzip.GzipFile) -> int:
    """Return the bytes of the file under a handle of :func:`open_input` read so far.

    For a gzip file, its compressed bytes: what progress compares with the file's size.
    """
    raw: Any = handle.fileobj if isinstance(handle, gzip.GzipFile) else handle
    return int(raw.tell())


def window_bytes(max_line_bytes: int | None, jobs: int) -> int:
    """Return the input bytes a stream keeps in flight at most.

    Room for every worker to hold one full chunk or one record of the largest
    size allowed, and one more waiting: ``(jobs + 1) x max(CHUNK_BYTES, limit)``.

    >>> window_bytes(4_000_000, 2)
    12000000
    """
    return (jobs + 1) * max(CHUNK_BYTES, max_line_bytes or 0)


def clean_records(
    lines: Iterable[bytes],
    *,
    setup: Callable[[], RecordCleaner],
    jobs: int = 1,
    chunksize: int = 32,
    max_line_bytes: int | None = None,
    timeout: float | None = None,
    id_field: str | None = None,
) -> Iterator[tuple[Record, Tally]]:
    """Clean a stream of JSON Lines; yield each output record and its counts, in order.

    Args:
        lines: Input lines (bytes), read lazily.
        setup: Builds the record cleaner (once per worker when ``jobs > 1``).
        jobs: Worker processes; the output order is the input order either way.
        chunksize: Lines sent to a worker at once, at most (and at most
            :data:`CHUNK_BYTES` of them, unless one line is longer).
        max_line_bytes: With a binary stream, read lines of at most this many
            bytes; a longer record becomes an error record.  The lines in
            flight then hold at most :func:`window_bytes` bytes.
        timeout: Seconds a record may take in its worker process; one that takes
            longer is killed with its worker and becomes an error record (see
            :func:`cleaner.parallel.ordered_map`; ``setup`` must then be picklable).
        id_field: The id field of the error record of a record that timed out
            (default: the ``setup``'s, else ``id``).

    Raises:
        OSError: The stream could not be read to its end (EOFError for a truncated
            gzip stream), once every record read before has been yielded.
    """
    source: Iterable[bytes | LineTooLong] = lines
    if max_line_bytes is not None and hasattr(lines, "readline"):
        source = bounded_lines(cast(IO[bytes], lines), max_line_bytes)
    name = id_field or getattr(setup, "fields", Fields()).id
    reader = _Reader(numbered(source))
    yield from ordered_map(
        clean_line,
        reader,
        setup=setup,
        jobs=jobs,
        chunksize=chunksize,
        weight=_size,
        chunk_weight=CHUNK_BYTES,
        max_weight=window_bytes(max_line_bytes, jobs),
        timeout=None if timeout is None else lambda _: timeout,
        on_timeout=functools.partial(_timed_out, name),
    )
    if reader.error is not None:
        raise reader.error


class _Reader:
    """The lines of a stream, read lazily; a read error ends them and is kept for later.

    The records read before the error are still in flight in the workers: they
    are cleaned and written first, then the error is raised.
    """

    def __init__(self, items: Iterable[tuple[int, bytes | LineTooLong]]) -> None:
        self.items = items
        self.error: OSError | EOFError | None = None

    def __iter__(self) -> Iterator[tuple[int, bytes | LineTooLong]]:
        try:
            yield from self.items
        except (OSError, EOFError) as exc:  # unreadable, truncated gzip
            self.error = exc


class DocumentTimeout(Exception):
    """A document took longer than its deadline; its worker was killed."""


def _timed_out(
    id_field: str, item: tuple[int, bytes | LineTooLong], why: str
) -> tuple[Record, Tally]:
    """The error record of a record whose worker was killed (its id is not known here)."""
    exc = DocumentTimeout(why)
    return error_record(id_field, None, exc, line=item[0]), Tally.failure(exc)


def clean_stream(
    lines: Iterable[bytes],
    sink: Sink | RecordWriter,
    *,
    setup: Callable[[], RecordCleaner],
    jobs: int = 1,
    chunksize: int = 32,
    on_done: Callable[[int], None] | None = None,
    max_line_bytes: int | None = None,
    timeout: float | None = None,
) -> Tally:
    """Clean a stream of JSON Lines into ``sink``, one output record per input line.

    Args:
        lines: Input lines (bytes), read lazily.
        sink: A record writer, or a binary output that gets JSON Lines; each
            record is written as soon as its turn comes.
        setup: Builds the record cleaner (once per worker when ``jobs > 1``).
        jobs: Worker processes; the output order is the input order either way.
        chunksize: Lines sent to a worker at once, at most; the output is
            flushed, and ``on_done`` called, every ``chunksize`` records.
        on_done: Called with the number of records written since its last call.
        max_line_bytes: See :func:`clean_records`.
        timeout: See :func:`clean_records`.

    Returns:
        The counts over all records.
    """
    writer = sink if isinstance(sink, RecordWriter) else JsonlWriter(sink)
    tally = Tally()
    results = clean_records(
        lines,
        setup=setup,
        jobs=jobs,
        chunksize=chunksize,
        max_line_bytes=max_line_bytes,
        timeout=timeout,
    )
    for done, (record, counts) in enumerate(results, start=1):
        writer.write(record)
        tally.merge(counts)
        if done % chunksize == 0:
            writer.flush()
            if on_done is not None:
                on_done(chunksize)
    writer.flush()
    if on_done is not None and tally.records % chunksize:
        on_done(tally.records % chunksize)
    return tally
