"""Batch cleaning of files and folders: the worker's task, its outputs and the run's counts.

Each task is one input file (found by :mod:`cleaner.inputs`); a worker reads
it (:mod:`cleaner.files`), skips it if its outputs carry the same stamp
(:mod:`cleaner.stamps`), cleans it and writes its outputs atomically.  One bad
input is recorded (``OUT/_errors.jsonl``) and the batch goes on.

A web archive (``.warc``, ``.warc.gz``, ``.warc.wet.gz``, ``.arc``,
``.arc.gz``) is cleaned like a JSON Lines input: one output record per
document in ``OUT/<name>.jsonl`` (see :mod:`cleaner.warc`, imported only when
a web archive comes up, as it needs the ``warc`` extra).
"""

from __future__ import annotations

import errno
import functools
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cleaner import Cleaner
from cleaner.document import Result
from cleaner.files import (
    InputError,
    atomic_open,
    file_sha256,
    file_size,
    fsync_folders,
    inflate,
    read_bytes,
    read_raw,
    write_atomic,
)
from cleaner.html import DecodeError, decode_bytes, looks_like_html
from cleaner.inputs import ERRORS_FILE, STATS_FILE, STDIN, STREAM_KINDS, Task, input_kind
from cleaner.jsonl import (
    DocumentTimeout,
    RecordCleaner,
    Setup,
    clean_stream,
    open_input,
    position,
)
from cleaner.parallel import ordered_map
from cleaner.records import (
    Fields,
    JsonlWriter,
    ProvenanceLevel,
    Record,
    Tally,
    error_record,
    outcome,
    shape_provenance,
    stats,
)
from cleaner.stamps import Stamp, stamp, up_to_date

__all__ = [
    "ERRORS_FILE",
    "STATS_FILE",
    "WRITE_ERRNOS",
    "BatchSetup",
    "InputError",
    "Outcome",
    "Summary",
    "Task",
    "Worker",
    "clean_data",
    "clean_file",
    "document_record",
    "document_timed_out",
    "process",
    "read_document",
    "run",
    "write_errors",
    "write_failure",
    "write_outputs",
    "write_stats",
    "write_summary",
]


@dataclass(slots=True)
class Outcome:
    """What a worker did with one task.

    Attributes:
        display: The input path as shown to the user.
        status: ``cleaned``, ``skipped`` (outputs up to date) or ``failed``.
        tally: Documents (records, for JSON Lines) done and failed, bytes, removals.
        outputs: The files written, or that would be written in a dry run.
        error: The failure recorded in ``_errors.jsonl``, if any.
    """

    display: str
    status: Literal["cleaned", "skipped", "failed"]
    tally: Tally = field(default_factory=Tally)
    outputs: tuple[str, ...] = ()
    error: dict[str, Any] | None = None


@dataclass(slots=True)
class Summary:
    """Counts for a batch, reported at the end.

    Attributes:
        tally: The records cleaned and failed, bytes and removals of every input
            cleaned in this run.
        skipped: Inputs whose outputs were up to date.
        errors: The failures recorded in ``_errors.jsonl``.
    """

    tally: Tally = field(default_factory=Tally)
    skipped: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def documents(self) -> int:
        """Documents (or records) cleaned in this run."""
        return self.tally.records - self.tally.failed

    @property
    def failed(self) -> int:
        """Documents that failed, in this run or (still failing) in the run that was resumed."""
        return self.tally.failed

    def record(self, outcome: Outcome) -> None:
        """Count what a worker did with one task."""
        if outcome.status == "skipped":
            self.skipped += 1
            # An input up to date keeps its failed records: they are reported again.
            self.tally.failed += outcome.tally.failed
        else:
            self.tally.merge(outcome.tally)
        if outcome.error is not None:
            self.errors.append(outcome.error)


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchSetup(Setup):
    """How a folder run is cleaned: the options of :class:`~cleaner.jsonl.Setup` and these.

    Attributes:
        fingerprint: The configuration fingerprint (see :func:`config_fingerprint`).
        force: Redo inputs whose outputs are up to date.
        dry_run: Clean but write nothing.
        counter: A shared counter (``multiprocessing.Value``) of the documents
            and records done, which workers raise as they go, so that progress
            moves within a long JSON Lines or web archive input too.
        bytes_read: A shared counter of the input bytes read (compressed bytes
            of a gzip file), raised as inputs are read: the progress of a run
            whose count of records is not known before it ends.
    """

    fingerprint: str
    force: bool = False
    dry_run: bool = False
    counter: Any = field(default=None, compare=False)
    bytes_read: Any = field(default=None, compare=False)

    def worker(self) -> Worker:
        """Load the packs and return a worker's context (the ``setup`` of its pool)."""
        return Worker(self(), self)


@dataclass(frozen=True, slots=True)
class Worker:
    """A worker's compiled cleaner and the options of the run."""

    records: RecordCleaner
    setup: BatchSetup

    def done(self, count: int) -> None:
        """Count documents or records done on the run's shared counter, if any."""
        _add(self.setup.counter, count)


def _add(counter: Any, count: int) -> None:
    if counter is not None and count:
        with counter.get_lock():
            counter.value += count


class _Meter:
    """The bytes of one input read so far, added to the run's shared count as they grow."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self.reported = 0

    def to(self, position: int) -> None:
        """The input has been read up to byte ``position``."""
        if position > self.reported:
            _add(self.worker.setup.bytes_read, position - self.reported)
            self.reported = position


WRITE_ERRNOS = frozenset({errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM})
"""Errors writing an output that would fail the same way for every other output."""


def read_document(path: Path, limit: int, kind: str = "auto") -> tuple[str, bytes]:
    """Read one document (:data:`~cleaner.inputs.STDIN`: standard input); return its kind and bytes.

    ``kind`` is ``text``, ``html``, or ``auto``: by the file name, and on
    standard input (or another name) by how the bytes start.

    Raises:
        InputError: The input cannot be read, is not valid gzip, or is over ``limit`` bytes.
    """
    if path == STDIN:
        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            raise InputError(f"over the limit of {limit} bytes (--max-bytes)")
        named = None
    else:
        data = read_bytes(path, limit)
        named = input_kind(path)
    if kind != "auto":
        return kind, data
    if named in ("text", "html"):
        return named, data
    return ("html" if looks_like_html(data) else "text"), data


def clean_file(
    cleaner: Cleaner, path: Path, *, site: str | None = None, url: str | None = None
) -> tuple[Result, int]:
    """Clean one input file; return the result and the input size in bytes.

    Raises:
        InputError: The file cannot be read or decoded.
    """
    data = read_bytes(path, cleaner.config.max_input_bytes)
    return clean_data(cleaner, input_kind(path) or "text", data, site=site, url=url), len(data)


def clean_data(
    cleaner: Cleaner, kind: str, data: bytes, *, site: str | None, url: str | None = None
) -> Result:
    """Clean the bytes of one document of ``kind`` (``html``, else text).

    Raises:
        InputError: The bytes cannot be decoded.
    """
    if kind == "html":
        try:
            return cleaner.clean_html(data, site=site, url=url)
        except DecodeError as exc:
            raise InputError(str(exc)) from None
    try:
        decoded = decode_bytes(data)
    except DecodeError as exc:
        raise InputError(str(exc)) from None
    source = {"format": "text", "decoding": decoded.to_dict()}
    return cleaner.clean(decoded.text, site=site, url=url, source=source)


def _source(task: Task) -> dict[str, Any]:
    """The sidecar's ``source`` (and its exact bytes, for a name that is not UTF-8)."""
    if task.raw is None:
        return {"source": task.display}
    return {"source": task.display, "source_bytes_base64": task.raw}


def sidecar(
    task: Task,
    result: Result,
    stamp: Stamp | None = None,
    provenance: ProvenanceLevel = "full",
) -> dict[str, Any]:
    """Return the JSON written next to the clean text."""
    record: dict[str, Any] = {**_source(task), "metadata": result.metadata}
    if provenance != "none":
        record["provenance"] = shape_provenance(result.provenance, provenance)
    if stamp is not None:
        record["stamp"] = stamp
    return record


def _dumps(record: dict[str, Any]) -> str:
    # One line, no indent: the C encoder is many times faster than the indenting one.
    return json.dumps(record, ensure_ascii=False) + "\n"


def write_outputs(
    task: Task,
    result: Result,
    stamp: Stamp | None = None,
    provenance: ProvenanceLevel = "full",
) -> None:
    """Write the clean text, then the sidecar JSON of one task.

    The sidecar comes last: it is what marks the task as done.
    """
    assert task.text_out is not None and task.meta_out is not None
    # Folders are flushed once at the end of the batch (cleaner.files.fsync_folders).
    write_atomic(task.text_out, result.text, sync_folder=False)
    write_atomic(task.meta_out, _dumps(sidecar(task, result, stamp, provenance)), sync_folder=False)


def write_errors(out: Path, errors: Sequence[dict[str, Any]]) -> None:
    """Write ``OUT/_errors.jsonl``, or remove a stale one when nothing failed."""
    path = out / ERRORS_FILE
    if not errors:
        path.unlink(missing_ok=True)
        return
    lines = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in errors)
    write_atomic(path, lines)


def write_failure(outcome: Outcome, out: Path) -> str | None:
    """Return why the output folder takes no more files, if that is why ``outcome`` failed.

    Unreadable inputs fail as ``InputError``; an ``OSError`` of a kind in
    :data:`WRITE_ERRNOS` that names a file under ``out``, or no file (a full
    disk fails the write itself), is about the output folder.
    """
    error = outcome.error
    if error is None or error.get("type") not in {"OSError", "PermissionError"}:
        return None
    found = re.match(r"\[Errno (\d+)\] ([^:]+)(?:: '(.*)')?", error["message"])
    if found is None or int(found.group(1)) not in WRITE_ERRNOS:
        return None
    named = found.group(3)
    if named is not None and not Path(named).resolve().is_relative_to(out.resolve()):
        return None
    return f"cannot write outputs: {found.group(2)}"


def write_stats(path: Path, tally: Tally, seconds: float, **more: int) -> None:
    """Write a run's counts (:func:`cleaner.records.stats`, then ``more``) as indented JSON."""
    write_atomic(path, json.dumps({**stats(tally, seconds), **more}, indent=2) + "\n")


def write_summary(out: Path, summary: Summary, *, inputs: int, seconds: float) -> None:
    """Write ``OUT/_errors.jsonl`` and ``OUT/_stats.json``, then make the batch's renames durable.

    Args:
        out: The output folder.
        summary: The counts of the run.
        inputs: The inputs of the run, up to date ones included.
        seconds: How long the run took.
    """
    write_errors(out, summary.errors)
    write_stats(out / STATS_FILE, summary.tally, seconds, inputs=inputs, up_to_date=summary.skipped)
    fsync_folders(out)  # the outputs' renames, made durable once for the batch


def _record_errors(task: Task, tally: Tally) -> dict[str, Any] | None:
    if not tally.failed:
        return None
    assert task.text_out is not None
    message = (
        f"{tally.failed} of {tally.records} record(s) failed; "
        f"their error records are in {task.text_out.name}"
    )
    return task.error("RecordErrors", message)


def process(worker: Worker, task: Task) -> Outcome:
    """Clean one task's input into its outputs, unless they are up to date.

    Never raises for a bad input: the failure is returned in the outcome.
    """
    meter = _Meter(worker)
    try:
        return _process(worker, task, meter)
    finally:
        meter.to(file_size(task.source))  # the whole input counts as read once it is done


def _process(worker: Worker, task: Task, meter: _Meter) -> Outcome:
    assert task.text_out is not None and task.meta_out is not None
    options = worker.setup
    outputs = (str(task.text_out), str(task.meta_out))
    try:
        if task.refused is not None:
            raise InputError(task.refused)
        kind = input_kind(task.source)
        streamed = kind in STREAM_KINDS
        # A JSON Lines or WARC file is streamed; any other input is read once, hashed and cleaned.
        limit = options.config.max_input_bytes
        raw = b"" if streamed else read_raw(task.source, limit)
        digest = file_sha256(task.source) if streamed else hashlib.sha256(raw).hexdigest()
        expected = stamp(digest, options.fingerprint)
        done = None if options.force else up_to_date(task.text_out, task.meta_out, expected)
        if done is not None:
            tally = Tally(records=int(done.get("records", 1)), failed=int(done.get("failed", 0)))
            worker.done(tally.records)
            return Outcome(task.display, "skipped", tally, error=_record_errors(task, tally))
        if streamed:
            tally = _process_stream(worker, task, expected, meter, warc=kind == "warc")
            return Outcome(task.display, "cleaned", tally, outputs, _record_errors(task, tally))
        data = inflate(task.source, raw, limit)
        result = clean_data(worker.records.cleaner, kind or "text", data, site=options.site)
        if not options.dry_run:
            write_outputs(task, result, expected, options.provenance)
    except Exception as exc:  # one bad document never stops a batch
        worker.done(1)
        return _failed(task, exc)
    worker.done(1)
    return Outcome(task.display, "cleaned", Tally.cleaned(result, len(data)), outputs)


def _failed(task: Task, exc: BaseException) -> Outcome:
    error = task.error(type(exc).__name__, str(exc))
    return Outcome(task.display, "failed", Tally.failure(exc), error=error)


def run(
    tasks: Sequence[Task], setup: BatchSetup, *, jobs: int, seconds: float | None
) -> Iterator[Outcome]:
    """Run the tasks in at most ``jobs`` worker processes; yield their outcomes in order.

    ``seconds``: how long one document may take in its worker (``None``: no limit).
    """
    return ordered_map(
        process,
        tasks,
        setup=setup.worker,
        jobs=min(jobs, max(len(tasks), 1)),
        chunksize=4,
        timeout=None if seconds is None else functools.partial(_deadline, seconds=seconds),
        on_timeout=_timed_out,
    )


def _deadline(task: Task, seconds: float | None) -> float | None:
    """The deadline of a task in its worker: a document's ``seconds``, none for a stream.

    A JSON Lines or WARC file is one task of many records, which may rightly
    take longer than one document; its records are given deadlines in the
    stream modes (``--format jsonl``), where each record is a task.
    """
    return None if input_kind(task.source) in STREAM_KINDS else seconds


def _timed_out(task: Task, why: str) -> Outcome:
    """The outcome of a task whose worker was killed at its deadline (or died)."""
    return _failed(task, DocumentTimeout(why))


def document_timed_out(ctx_fields: Fields, task: Task, why: str) -> tuple[Record, Tally]:
    """The error record of a document file whose worker was killed (stream modes)."""
    exc = DocumentTimeout(why)
    return error_record(ctx_fields.id, task.display, exc), Tally.failure(exc)


def _process_stream(
    worker: Worker, task: Task, expected: Stamp, meter: _Meter, *, warc: bool
) -> Tally:
    """Clean a JSON Lines or WARC input into ``OUT/<name>.jsonl``, record by record."""
    assert task.text_out is not None and task.meta_out is not None
    write = functools.partial(_write_warc if warc else _write_jsonl, worker, task.source, meter)
    if worker.setup.dry_run:
        with Path(os.devnull).open("wb") as discard:
            return write(JsonlWriter(discard))
    with atomic_open(task.text_out, sync_folder=False) as sink:
        tally = write(JsonlWriter(sink, id_field=worker.records.fields.id))
    record: dict[str, Any] = {
        **_source(task),
        "records": tally.records,
        "failed": tally.failed,
    }
    if warc:
        record["passed_over"] = dict(sorted(tally.passed_over.items()))
        record["record_types"] = dict(sorted(tally.record_types.items()))
    record["stamp"] = expected
    write_atomic(task.meta_out, _dumps(record), sync_folder=False)
    return tally


def _write_jsonl(worker: Worker, source: Path, meter: _Meter, sink: JsonlWriter) -> Tally:
    with open_input(source) as lines:

        def done(count: int) -> None:
            worker.done(count)
            meter.to(position(lines))

        return clean_stream(
            lines,
            sink,
            setup=lambda: worker.records,
            max_line_bytes=worker.setup.config.max_input_bytes,
            on_done=done,
        )


def _write_warc(worker: Worker, source: Path, meter: _Meter, sink: JsonlWriter) -> Tally:
    from cleaner.warc import clean_warc  # noqa: PLC0415 - needs the optional warc extra

    tally, ctx = Tally(), worker.records
    for record in clean_warc(
        source,
        ctx.cleaner,
        site=ctx.site,
        stats=tally,
        fields=ctx.fields,
        provenance=ctx.provenance,
        on_read=meter.to,
    ):
        sink.write(record)
        worker.done(1)
    return tally


def document_record(ctx: RecordCleaner, task: Task) -> tuple[Record, Tally]:
    """Clean one document file into an output record; return it and its counts.

    The record's id is the file's path as shown (``task.display``); a file that
    cannot be read or cleaned gives an error record.  This is how the stream
    modes take text and HTML files.
    """

    def clean() -> tuple[Result, int]:
        if task.refused is not None:
            raise InputError(task.refused)
        return clean_file(ctx.cleaner, task.source, site=ctx.site)

    return outcome(ctx.fields, task.display, clean, ctx.provenance)
