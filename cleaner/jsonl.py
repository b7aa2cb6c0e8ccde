"""Streaming JSON Lines in and out: one output record per input record, in order.

An input record is a JSON object with an id and either the text or the HTML of
a document, and optionally its URL::

    {"id": "a1", "text": "...", "url": "https://...", "lang": "en"}

Its output record keeps the id and every other field untouched, replaces the
text (or HTML) with the clean text and adds ``metadata`` and ``provenance``::

    {"id": "a1", "url": "https://...", "lang": "en", "text": "...",
     "metadata": {...}, "provenance": {...}}

A record that cannot be cleaned (not JSON, no id, no text, a lone surrogate,
a cleaning failure) gives an error record instead, so the output always has
exactly one line per input line::

    {"id": "a1", "line": 7, "error": {"type": "RecordError", "message": "..."}}

Lines are read and written one at a time; nothing holds a whole stream.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol, cast

from cleaner import Cleaner
from cleaner.config import CleanerConfig
from cleaner.document import Result
from cleaner.limits import LineTooLong, bounded_lines
from cleaner.parallel import ordered_map

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")


class RecordError(ValueError):
    """A record without the fields a document needs, or with unusable values."""


@dataclass(frozen=True, slots=True)
class Fields:
    """The names of the record fields the cleaner reads.

    Attributes:
        id: The record's identifier (a string or an integer), copied to the output.
        text: The document's text; the output's clean text goes under this name.
        html: The document's HTML, used when there is no text field.
        url: The page's URL (optional); picks the site's rule pack.
    """

    id: str = "id"
    text: str = "text"
    html: str = "html"
    url: str = "url"


class Sink(Protocol):
    """Where output lines go: a binary file, or any object with ``write`` and ``flush``."""

    def write(self, data: bytes, /) -> object:
        """Take one or more whole lines, each ending in a newline."""

    def flush(self) -> None:
        """Push what was written so far onward."""


@dataclass(slots=True)
class Tally:
    """Counts over records: done, failed, bytes, removals per rule, inputs passed over.

    ``passed_over`` counts input records that give no output record, by reason
    (a WARC file's non-HTML or non-2xx responses).
    """

    records: int = 0
    failed: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    removals: Counter[str] = field(default_factory=Counter)
    passed_over: Counter[str] = field(default_factory=Counter)

    def merge(self, other: Tally) -> None:
        """Add another tally's counts to this one."""
        self.records += other.records
        self.failed += other.failed
        self.bytes_in += other.bytes_in
        self.bytes_out += other.bytes_out
        self.removals.update(other.removals)
        self.passed_over.update(other.passed_over)


@dataclass(frozen=True, slots=True)
class RecordCleaner:
    """A cleaner with the record field names and forced site of one run."""

    cleaner: Cleaner
    fields: Fields = field(default_factory=Fields)
    site: str | None = None


@dataclass(frozen=True, slots=True)
class Setup:
    """How a worker builds its :class:`RecordCleaner` (picklable; rules compiled once).

    Attributes:
        rules_dirs: Folders of extra rule packs.
        fields: The record field names.
        site: Force the rule pack of this name.
        config: Cleaner options.
    """

    rules_dirs: tuple[Path, ...] = ()
    fields: Fields = field(default_factory=Fields)
    site: str | None = None
    config: CleanerConfig = field(default_factory=CleanerConfig)

    def __call__(self) -> RecordCleaner:
        """Load the packs and return the record cleaner."""
        return RecordCleaner(Cleaner(self.rules_dirs, config=self.config), self.fields, self.site)


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


def _record_id(ctx: RecordCleaner, record: Any) -> str | int | None:
    if not isinstance(record, dict):
        raise RecordError(f"a record must be a JSON object, not {type(record).__name__}")
    value = record.get(ctx.fields.id)
    if value is None:
        raise RecordError(f"no {ctx.fields.id!r} field")
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise RecordError(f"{ctx.fields.id!r} must be a string or an integer")
    if isinstance(value, str):
        _check_text(value, ctx.fields.id)
    return value


def _dump(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


def error_record(
    id_field: str, record_id: str | int | None, line: int | None, exc: BaseException
) -> bytes:
    """Return the error record that stands for a record that could not be cleaned.

    ``line`` is the record's line number in its input; ``None`` (a whole
    document file) leaves it out.

    >>> error_record("id", None, 9, RecordError("empty line")).decode()
    '{"id": null, "line": 9, "error": {"type": "RecordError", "message": "empty line"}}'
    """
    record: dict[str, Any] = {id_field: record_id}
    if line is not None:
        record["line"] = line
    record["error"] = {"type": type(exc).__name__, "message": str(exc)}
    try:
        return _dump(record)
    except UnicodeEncodeError:
        # A message quoting a lone surrogate: ASCII escapes keep the line valid JSON.
        return json.dumps(record).encode("ascii")


def clean_line(ctx: RecordCleaner, item: tuple[int, bytes | LineTooLong]) -> tuple[bytes, Tally]:
    """Clean one input line; return its output line (no newline) and its counts.

    Never raises for a bad record: the output is then an error record.
    """
    number, line = item
    tally = Tally(records=1)
    record_id: str | int | None = None
    try:
        if isinstance(line, LineTooLong):
            raise line
        if not line.strip():
            raise RecordError("empty line")
        record = json.loads(line)
        record_id = _record_id(ctx, record)
        result, tally.bytes_in = _document(ctx, record)
        skip = {ctx.fields.id, ctx.fields.text, ctx.fields.html}
        extra = {k: v for k, v in record.items() if k not in skip}
        data = output_record(ctx.fields, record_id, extra, result)
    except Exception as exc:  # one bad record never stops a stream
        tally.failed = 1
        return error_record(ctx.fields.id, record_id, number, exc), tally
    count_result(tally, result)
    return data, tally


def output_record(
    fields: Fields, record_id: str | int | None, extra: dict[str, Any], result: Result
) -> bytes:
    """Return the output record of one cleaned document (no newline).

    The id comes first, then the extra fields, the clean text, metadata and provenance.
    """
    out: dict[str, Any] = {fields.id: record_id}
    out.update(extra)
    out[fields.text] = result.text
    out["metadata"] = result.metadata
    out["provenance"] = result.provenance
    return _dump(out)


def count_result(tally: Tally, result: Result) -> None:
    """Add a cleaned document's output size and removals to ``tally``."""
    tally.bytes_out += len(result.text.encode("utf-8"))
    tally.removals.update(r.rule for r in result.removals)


def numbered(lines: Iterable[bytes | LineTooLong]) -> Iterator[tuple[int, bytes | LineTooLong]]:
    """Number lines from 1, dropping the line ending.

    >>> list(numbered([b'{"id": 1}\\n', b"x\\r\\n", b"last"]))
    [(1, b'{"id": 1}'), (2, b'x'), (3, b'last')]
    """
    for number, line in enumerate(lines, start=1):
        yield number, line if isinstance(line, LineTooLong) else line.rstrip(b"\r\n")


def open_input(path: Path) -> IO[bytes]:
    """Open a JSON Lines file for reading in binary, inflating ``.gz`` on the fly."""
    if path.name.lower().endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def clean_stream(
    lines: Iterable[bytes],
    sink: Sink,
    *,
    setup: Callable[[], RecordCleaner],
    jobs: int = 1,
    chunksize: int = 32,
    on_done: Callable[[int], None] | None = None,
    max_line_bytes: int | None = None,
    timeout: float | None = None,
) -> Tally:
    """Clean a stream of JSON Lines into ``sink``, one output line per input line.

    Args:
        lines: Input lines (bytes), read lazily.
        sink: Binary output; each record is written as soon as its turn comes.
        setup: Builds the record cleaner (once per worker when ``jobs > 1``).
        jobs: Worker processes; the output order is the input order either way.
        chunksize: Lines sent to a worker at once.
        on_done: Called with the number of records after each chunk is written.
        max_line_bytes: With a binary stream, read lines of at most this many
            bytes; a longer record becomes an error record (memory stays bounded).
        timeout: Seconds a record may take in its worker process; one that takes
            longer is killed with its worker and becomes an error record (see
            :func:`cleaner.parallel.ordered_map`; ``setup`` must then be picklable).

    Returns:
        The counts over all records.
    """
    tally = Tally()
    source: Iterable[bytes | LineTooLong] = lines
    if max_line_bytes is not None and hasattr(lines, "readline"):
        source = bounded_lines(cast(IO[bytes], lines), max_line_bytes)
    id_field = getattr(setup, "fields", Fields()).id
    results = ordered_map(
        clean_line,
        numbered(source),
        setup=setup,
        jobs=jobs,
        chunksize=chunksize,
        timeout=None if timeout is None else lambda _: timeout,
        on_timeout=lambda item, why: _timed_out(id_field, item[0], why),
    )
    for done, (data, counts) in enumerate(results, start=1):
        sink.write(data + b"\n")
        tally.merge(counts)
        if done % chunksize == 0:
            sink.flush()
            if on_done is not None:
                on_done(chunksize)
    sink.flush()
    if on_done is not None and tally.records % chunksize:
        on_done(tally.records % chunksize)
    return tally


class DocumentTimeout(Exception):
    """A document took longer than its deadline; its worker was killed."""


def _timed_out(id_field: str, line: int, why: str) -> tuple[bytes, Tally]:
    """The error record of a record whose worker was killed (its id is not known here)."""
    return error_record(id_field, None, line, DocumentTimeout(why)), Tally(records=1, failed=1)
