"""Output and error records: one shape for every path that writes records.

The JSON Lines, Parquet, WARC and Ray paths all build their records here and
only serialise them.  An output record keeps the input's id and extra fields
and adds the clean text, metadata and provenance::

    {"id": "a1", "url": "https://...", "text": "...", "metadata": {...},
     "provenance": {...}}

An error record stands for a document that could not be cleaned.  It keeps the
id as the input gave it (a float id stays a float; ``null`` only when there was
none), says where the document was (``line`` in a JSON Lines input; ``file``
and ``offset`` in a web archive) and why::

    {"id": "a1", "line": 7, "error": {"type": "RecordError", "message": "..."}}

Output is strict JSON (RFC 8259): a record holding a number JSON cannot write
(``NaN``, ``Infinity``, or a literal like ``1e99999`` that overflows to one)
becomes an error record (:class:`NonFiniteNumber`) rather than invalid JSON.

:class:`Tally` counts what a run did; :meth:`Tally.cleaned` is the one place a
cleaned document's removals and bytes are counted.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from cleaner.document import Result

ProvenanceLevel = Literal["full", "summary", "none"]
"""How much provenance an output record carries (see :func:`shape_provenance`)."""

PROVENANCE_LEVELS: tuple[ProvenanceLevel, ...] = ("full", "summary", "none")

Record = dict[str, Any]
"""An output or error record, ready to serialise."""

SUMMARY_KEYS = ("tool", "input", "canonical", "output", "packs", "source", "url", "scope")
"""Provenance entries kept by the ``summary`` level (hashes, pack versions, source, scope)."""


class NonFiniteNumber(ValueError):
    """A record holds NaN or an infinite number, which strict JSON cannot write."""


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


@dataclass(slots=True)
class Tally:
    """Counts over records: done, failed, bytes, removals, failures and record types.

    Attributes:
        records: Output records written (cleaned or failed).
        failed: Error records among them.
        bytes_in: Bytes of input read (documents, or whole archive files).
        bytes_out: Bytes of clean text written.
        removals: Removals per rule id.
        passed_over: Input records that give no output record, by reason (a
            web archive's non-HTML or non-2xx responses).
        failures: Error records by error type.
        record_types: Web archive records read, by record type.
    """

    records: int = 0
    failed: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    removals: Counter[str] = field(default_factory=Counter)
    passed_over: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    record_types: Counter[str] = field(default_factory=Counter)

    def merge(self, other: Tally) -> None:
        """Add another tally's counts to this one."""
        self.records += other.records
        self.failed += other.failed
        self.bytes_in += other.bytes_in
        self.bytes_out += other.bytes_out
        self.removals.update(other.removals)
        self.passed_over.update(other.passed_over)
        self.failures.update(other.failures)
        self.record_types.update(other.record_types)

    def to_dict(self) -> dict[str, Any]:
        """Return the counts as JSON (what ``_stats.json`` and ``--stats`` hold)."""
        return {
            "documents": self.records - self.failed,
            "records": self.records,
            "failed": self.failed,
            "bytes_in": self.bytes_in,
            "bytes_out": self.bytes_out,
            "removals": dict(sorted(self.removals.items())),
            "failures": dict(sorted(self.failures.items())),
            "passed_over": dict(sorted(self.passed_over.items())),
            "record_types": dict(sorted(self.record_types.items())),
        }

    @classmethod
    def cleaned(cls, result: Result, bytes_in: int) -> Tally:
        """Count one cleaned document: its record, input and output bytes, removals per rule."""
        removals = Counter(r.rule for r in result.removals)
        out = len(result.text.encode("utf-8"))
        return cls(records=1, bytes_in=bytes_in, bytes_out=out, removals=removals)

    @classmethod
    def failure(cls, exc: BaseException) -> Tally:
        """Count one error record, by the type of its error."""
        return cls(records=1, failed=1, failures=Counter({type(exc).__name__: 1}))


def outcome(
    fields: Fields,
    record_id: Any,
    clean: Callable[[], tuple[Result, int]],
    provenance: ProvenanceLevel = "full",
) -> tuple[Record, Tally]:
    """Clean one document; return its output record (or error record) and its counts.

    ``clean`` returns the result and the input's size in bytes; whatever it
    raises becomes the error record: one bad document never stops a stream.
    """
    try:
        result, size = clean()
    except Exception as exc:
        return error_record(fields.id, record_id, exc), Tally.failure(exc)
    return output_record(fields, record_id, {}, result, provenance), Tally.cleaned(result, size)


def shape_provenance(provenance: Mapping[str, Any], level: ProvenanceLevel) -> dict[str, Any]:
    """Return the provenance an output record carries at ``level``.

    ``full`` is the whole audit record; ``summary`` keeps the hashes, packs
    (names, versions, hashes), source, URL and scope, and counts the removals per
    rule instead of listing them; ``none`` is empty.

    >>> shape_provenance({"url": "u", "removals": [{"rule": "a/b"}], "steps": []}, "summary")
    {'url': 'u', 'rule_counts': {'a/b': 1}}
    """
    if level == "full":
        return dict(provenance)
    if level == "none":
        return {}
    out = {key: provenance[key] for key in SUMMARY_KEYS if key in provenance}
    rules = Counter(r["rule"] for r in provenance.get("removals", ()))
    rules.update(r["rule"] for r in provenance.get("html_removals", ()))
    out["rule_counts"] = dict(sorted(rules.items()))
    return out


def output_record(
    fields: Fields,
    record_id: Any,
    extra: Mapping[str, Any],
    result: Result,
    provenance: ProvenanceLevel = "full",
) -> Record:
    """Return the output record of one cleaned document.

    The id comes first, then the extra fields, the clean text, metadata and
    provenance (left out at level ``none``).
    """
    out: Record = {fields.id: record_id}
    out.update(extra)
    out[fields.text] = result.text
    out["metadata"] = result.metadata
    if provenance == "full":
        out["provenance"] = result.provenance
    elif provenance == "summary":
        out["provenance"] = shape_provenance(result.provenance, "summary")
    return out


def document_output(result: Result, name: str, *, as_json: bool, with_metadata: bool) -> str:
    """The output of one document printed or written whole (``cleaner clean FILE``).

    ``as_json``: its output record on one line, with ``name`` as its id.  Else
    its clean text, after its metadata as ``key: value`` lines between ``---``
    lines (YAML front matter) if ``with_metadata``.
    """
    if as_json:
        return dumps(output_record(Fields(), name, {}, result)).decode("utf-8") + "\n"
    if not with_metadata:
        return result.text
    lines = ["---"]
    for key, value in result.metadata.items():
        if value in (None, "", [], {}):
            continue
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        lines.append(f"{key}: {json.dumps(shown, ensure_ascii=False)}")
    return "\n".join([*lines, "---", "", result.text])


def error_info(exc: BaseException) -> dict[str, str]:
    """Return the ``error`` value of an error record.

    >>> error_info(ValueError("bad"))
    {'type': 'ValueError', 'message': 'bad'}
    """
    return {"type": type(exc).__name__, "message": str(exc)}


def error_record(
    id_field: str,
    record_id: Any,
    exc: BaseException,
    *,
    line: int | None = None,
    where: Mapping[str, Any] | None = None,
) -> Record:
    """Return the error record that stands for a document that could not be cleaned.

    Args:
        id_field: The name of the id field.
        record_id: The id as the input gave it; anything but a JSON scalar
            (or a non-finite float) is ``None``.
        exc: Why the document failed.
        line: The record's line in a JSON Lines input.
        where: Other fields saying where the document was (``url``, ``file``,
            ``offset``), in order.

    >>> error_record("id", 2.5, ValueError("x"), line=3)
    {'id': 2.5, 'line': 3, 'error': {'type': 'ValueError', 'message': 'x'}}
    """
    record: Record = {id_field: record_id if _scalar(record_id) else None}
    if line is not None:
        record["line"] = line
    if where:
        record.update(where)
    record["error"] = error_info(exc)
    return record


def _scalar(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or isinstance(value, str | int)


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NonFiniteNumber(f"number {text[:40]} overflows: strict JSON cannot write it")
    return value


def _constant(name: str) -> float:
    raise NonFiniteNumber(f"{name} is not a JSON number")


def loads(line: bytes | str) -> Any:
    """Parse strict JSON: ``NaN``, ``Infinity`` and overflowing numbers are refused.

    >>> loads(b'{"a": 1.5}')
    {'a': 1.5}
    >>> loads(b'{"a": 1e99999}')
    Traceback (most recent call last):
    ...
    cleaner.records.NonFiniteNumber: number 1e99999 overflows: strict JSON cannot write it
    """
    return json.loads(line, parse_float=_finite, parse_constant=_constant)


def dumps(record: Mapping[str, Any]) -> bytes:
    """Serialise a record as one line of strict JSON (UTF-8, no newline).

    A string holding a lone surrogate (only an error message can quote one)
    is written with ASCII escapes, so the line stays valid UTF-8.

    Raises:
        NonFiniteNumber: The record holds NaN or an infinity.
    """
    try:
        return json.dumps(record, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(record, allow_nan=False).encode("ascii")
    except ValueError as exc:
        raise NonFiniteNumber(str(exc)) from None


class RecordWriter:
    """Where records go: one small writer per format, which only serialises.

    A format implements :meth:`write`, and :meth:`flush` if it buffers.
    """

    def write(self, record: Record, /) -> None:
        """Write one record."""
        raise NotImplementedError

    def flush(self) -> None:
        """Push what was written so far onward (nothing by default)."""


class Sink(Protocol):
    """Where output lines go: a binary file, or any object with ``write`` and ``flush``."""

    def write(self, data: bytes, /) -> object:
        """Take one or more whole lines, each ending in a newline."""

    def flush(self) -> None:
        """Push what was written so far onward."""


class JsonlWriter(RecordWriter):
    """Write records as JSON Lines to a binary sink.

    A record that strict JSON cannot hold (NaN, infinity) is written as an
    error record in its place, keeping its id and location.

    >>> import io
    >>> buffer = io.BytesIO()
    >>> JsonlWriter(buffer).write({"id": 1, "score": float("nan")})
    >>> json.loads(buffer.getvalue())["error"]["type"]
    'NonFiniteNumber'
    """

    def __init__(self, sink: Sink, *, id_field: str = "id") -> None:
        self.sink = sink
        self.id_field = id_field

    def write(self, record: Record) -> None:
        """Write one record as a line."""
        try:
            data = dumps(record)
        except NonFiniteNumber as exc:
            where: dict[str, Any] = {
                k: record[k] for k in ("line", "url", "file", "offset") if k in record
            }
            data = dumps(error_record(self.id_field, record.get(self.id_field), exc, where=where))
        self.sink.write(data + b"\n")

    def flush(self) -> None:
        """Flush the sink."""
        self.sink.flush()


def stats(tally: Tally, seconds: float) -> dict[str, Any]:
    """Return the machine-readable summary of a run (``_stats.json``, ``--stats``)."""
    out = tally.to_dict()
    out["seconds"] = round(seconds, 3)
    return out
