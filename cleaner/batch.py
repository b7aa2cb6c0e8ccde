"""Batch cleaning of files and folders: discovery, output paths, resumable atomic writes.

Inputs are only ever opened for reading.  Each output is written to a
temporary file in its destination folder and renamed into place, so a run
stopped at any moment (even by SIGKILL) leaves either the complete file or
none; temporary files left by a killed run are removed by the next one.

A run is incremental: the sidecar JSON of every output records a *stamp*, the
SHA-256 of the input file and a fingerprint of the configuration (tool
version, rule packs' hashes, options).  An input whose outputs exist with the
same stamp is skipped, so a re-run after an interruption only does the rest,
and the folder it leaves is byte-identical to an uninterrupted run's: nothing
written depends on time, order of completion or the number of workers.

One bad input is recorded (``OUT/_errors.jsonl``) and the batch goes on.

A WARC file (``.warc``, ``.warc.gz``) is cleaned like a JSON Lines input: one
output record per HTML response in ``OUT/<name>.jsonl`` (see :mod:`cleaner.warc`,
imported only when a WARC file comes up, as it needs the ``warc`` extra).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cleaner import Cleaner
from cleaner._version import __version__
from cleaner.config import CleanerConfig
from cleaner.document import Result
from cleaner.files import InputError, atomic_open, inflate, write_atomic
from cleaner.files import read_raw as _read_raw
from cleaner.html import DecodeError, decode_bytes
from cleaner.jsonl import (
    JSONL_SUFFIXES,
    Fields,
    RecordCleaner,
    Sink,
    Tally,
    clean_stream,
    count_result,
    error_record,
    open_input,
    output_record,
)

TEXT_SUFFIXES = (".txt", ".text")
DEFAULT_INPUT_LIMIT = CleanerConfig().max_input_bytes
HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
WARC_SUFFIXES = (".warc", ".warc.gz")
STREAM_KINDS = frozenset({"jsonl", "warc"})
"""Inputs of many records, cleaned into ``OUT/<name>.jsonl`` as they are read."""
ERRORS_FILE = "_errors.jsonl"
"""Failures of the last run, one JSON object per line, in input order."""

_TEMP_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
"""Temporary output names made by :func:`atomic_open` (``mkstemp``'s random part)."""


@dataclass(frozen=True, slots=True)
class Task:
    """One input file and where its outputs go.

    Attributes:
        source: The input file.
        text_out: Where the clean text goes (``None``: standard output); for a
            JSON Lines input, the output JSON Lines file.
        meta_out: Where the sidecar JSON (provenance and stamp) goes.
        display: The input path as shown to the user.
        refused: Why the input is not read at all (a symbolic link leading out
            of its source folder); the task then fails with this reason.
    """

    source: Path
    text_out: Path | None
    meta_out: Path | None
    display: str
    refused: str | None = None


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


@dataclass(frozen=True, slots=True)
class BatchSetup:
    """How a worker builds its context (picklable; rule packs compiled once per worker).

    Attributes:
        rules_dirs: Folders of extra rule packs.
        fingerprint: The configuration fingerprint (see :func:`config_fingerprint`).
        site: Force the rule pack of this name.
        fields: Record field names for JSON Lines inputs.
        config: Cleaner options.
        force: Redo inputs whose outputs are up to date.
        dry_run: Clean but write nothing.
    """

    rules_dirs: tuple[Path, ...]
    fingerprint: str
    site: str | None = None
    fields: Fields = field(default_factory=Fields)
    config: CleanerConfig = field(default_factory=CleanerConfig)
    force: bool = False
    dry_run: bool = False

    def __call__(self) -> Worker:
        """Load the packs and return the worker context."""
        cleaner = Cleaner(self.rules_dirs, config=self.config)
        return Worker(RecordCleaner(cleaner, self.fields, self.site), self)


@dataclass(frozen=True, slots=True)
class Worker:
    """A worker's compiled cleaner and the options of the run."""

    records: RecordCleaner
    setup: BatchSetup


def input_kind(path: Path) -> str | None:
    """Return ``"text"``, ``"html"``, ``"jsonl"``, ``"warc"`` or ``None`` for a file name.

    >>> [input_kind(Path(n)) for n in ("a/b.html.gz", "x.txt", "r.jsonl.gz", "c.warc.gz")]
    ['html', 'text', 'jsonl', 'warc']
    >>> input_kind(Path("y.png")) is None
    True
    """
    name = path.name.lower()
    if name.endswith(HTML_SUFFIXES):
        return "html"
    if name.endswith(TEXT_SUFFIXES):
        return "text"
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    return None


def output_stem(relative: Path) -> Path:
    """Return the output path of an input without its input suffixes.

    >>> output_stem(Path("a/b.html.gz")).as_posix(), output_stem(Path("c.jsonl.gz")).as_posix()
    ('a/b', 'c')
    """
    name = relative.name
    suffixes = HTML_SUFFIXES + TEXT_SUFFIXES + JSONL_SUFFIXES + WARC_SUFFIXES
    for suffix in sorted(suffixes, key=len, reverse=True):
        if name.lower().endswith(suffix):
            return relative.with_name(name[: -len(suffix)])
    return relative


def discover(sources: Iterable[Path], out: Path | None) -> Iterator[Task]:
    """Yield a task for every input file under ``sources``, in sorted order.

    Folders are walked recursively; hidden files and folders and files of
    unknown kinds are passed over; an output folder inside a source folder is
    never read as input.  Symbolic links to folders are not followed, and a
    link to a file outside its source folder is refused (its task fails with
    the reason), so a source folder cannot make cleaner read elsewhere.
    """
    out_resolved = out.resolve() if out is not None else None
    for source in sources:
        if source.is_dir():
            root = source.resolve()
            for path in sorted(_walk(source, out_resolved)):
                rel = path.relative_to(source)
                task = _task(path, rel, out, str(path))
                if path.is_symlink() and not path.resolve().is_relative_to(root):
                    refusal = "symbolic link to a file outside the source folder: not read"
                    task = dataclasses.replace(task, refused=refusal)
                yield task
        else:
            yield _task(source, Path(source.name), out, str(source))


def _walk(root: Path, skip: Path | None) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = [
            d for d in dirnames if not d.startswith(".") and (here / d).resolve() != skip
        ]
        for name in filenames:
            path = here / name
            if not name.startswith(".") and input_kind(path) is not None:
                yield path


def _task(path: Path, rel: Path, out: Path | None, display: str) -> Task:
    if out is None:
        return Task(path, None, None, display)
    stem = out / output_stem(rel)
    suffix = ".jsonl" if input_kind(path) in STREAM_KINDS else ".txt"
    return Task(
        path, stem.with_name(stem.name + suffix), stem.with_name(stem.name + ".json"), display
    )


def find_collisions(tasks: Sequence[Task], out: Path) -> list[str]:
    """Return a message for every pair of inputs that would write the same output.

    Paths are compared case-insensitively, as they would collide on a
    case-insensitive file system; ``OUT/_errors.jsonl`` is reserved, and no
    output may replace an input (``-o`` naming a source folder).
    """
    claimed: dict[str, Task] = {}
    pairs: dict[tuple[str, str], Path] = {}
    problems = []
    reserved = str(out / ERRORS_FILE).casefold()
    for task in tasks:
        out_path = task.text_out
        # Only an input already named like its output (x.txt, x.jsonl) can be overwritten.
        if (
            out_path is not None
            and out_path.name == task.source.name
            and out_path.resolve() == task.source.resolve()
        ):
            problems.append(f"{task.display} would be overwritten by its own output")
        for path in (task.text_out, task.meta_out):
            if path is None:
                continue
            key = str(path).casefold()
            if key == reserved:
                problems.append(f"{task.display} would write {path}, the error log")
                continue
            first = claimed.setdefault(key, task)
            if first is not task:
                pairs.setdefault((first.display, task.display), path)
    problems += [f"{a} and {b} would both write {path}" for (a, b), path in pairs.items()]
    return problems


def config_fingerprint(cleaner: Cleaner, *, site: str | None, fields: Fields) -> str:
    """Return a hash of everything besides the input that shapes the outputs.

    The tool version, every loaded pack (name, version, SHA-256 of its file),
    the cleaner options, the forced site and the JSON Lines field names.
    """
    packs = sorted(cleaner.registry.packs.values(), key=lambda p: p.name)
    data = {
        "tool": __version__,
        "packs": [[p.name, p.version, p.sha256] for p in packs],
        "config": dataclasses.asdict(cleaner.config),
        "site": site,
        "fields": dataclasses.asdict(fields),
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode("utf-8")).hexdigest()


def file_sha256(path: Path) -> str:
    """Return the SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def read_input(path: Path, limit: int = DEFAULT_INPUT_LIMIT) -> tuple[str, bytes]:
    """Read an input file; return its kind and bytes (gzip inflated), at most ``limit`` bytes.

    Raises:
        InputError: The file cannot be read, is not valid gzip, or is over the limit.
    """
    return _inflate(path, _read_raw(path, limit), limit)


def _inflate(path: Path, raw: bytes, limit: int) -> tuple[str, bytes]:
    """Return the kind of an input and its bytes, inflated if the name ends in ``.gz``."""
    return input_kind(path) or "text", inflate(path, raw, limit)


def clean_file(cleaner: Cleaner, path: Path, *, site: str | None = None) -> tuple[Result, int]:
    """Clean one input file; return the result and the input size in bytes.

    Raises:
        InputError: The file cannot be read or decoded.
    """
    kind, data = read_input(path, cleaner.config.max_input_bytes)
    return _clean_data(cleaner, kind, data, site=site), len(data)


def _clean_data(cleaner: Cleaner, kind: str, data: bytes, *, site: str | None) -> Result:
    if kind == "html":
        try:
            return cleaner.clean_html(data, site=site)
        except DecodeError as exc:
            raise InputError(str(exc)) from None
    try:
        decoded = decode_bytes(data)
    except DecodeError as exc:
        raise InputError(str(exc)) from None
    source = {"format": "text", "decoding": decoded.to_dict()}
    return cleaner.clean(decoded.text, site=site, source=source)


def remove_stale_temp(out: Path) -> int:
    """Delete temporary files a killed run left under ``out``; return how many."""
    removed = 0
    for dirpath, _, filenames in os.walk(out):
        for name in filenames:
            if _TEMP_NAME.match(name):
                (Path(dirpath) / name).unlink(missing_ok=True)
                removed += 1
    return removed


def sidecar(task: Task, result: Result, stamp: dict[str, str] | None = None) -> dict[str, Any]:
    """Return the JSON written next to the clean text."""
    record = {"source": task.display, "metadata": result.metadata, "provenance": result.provenance}
    if stamp is not None:
        record["stamp"] = stamp
    return record


def _dumps(record: dict[str, Any]) -> str:
    # One line, no indent: the C encoder is many times faster than the indenting one.
    return json.dumps(record, ensure_ascii=False) + "\n"


def write_outputs(task: Task, result: Result, stamp: dict[str, str] | None = None) -> None:
    """Write the clean text, then the sidecar JSON of one task.

    The sidecar comes last: it is what marks the task as done.
    """
    assert task.text_out is not None and task.meta_out is not None
    write_atomic(task.text_out, result.text)
    write_atomic(task.meta_out, _dumps(sidecar(task, result, stamp)))


def write_errors(out: Path, errors: Sequence[dict[str, Any]]) -> None:
    """Write ``OUT/_errors.jsonl``, or remove a stale one when nothing failed."""
    path = out / ERRORS_FILE
    if not errors:
        path.unlink(missing_ok=True)
        return
    lines = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in errors)
    write_atomic(path, lines)


def _up_to_date(task: Task, stamp: dict[str, str]) -> dict[str, Any] | None:
    """Return the sidecar if the task's outputs exist and carry ``stamp``."""
    assert task.text_out is not None and task.meta_out is not None
    try:
        record = json.loads(task.meta_out.read_bytes())
    except (OSError, ValueError):
        return None
    if isinstance(record, dict) and record.get("stamp") == stamp and task.text_out.is_file():
        return record
    return None


def _record_errors(task: Task, tally: Tally) -> dict[str, Any] | None:
    if not tally.failed:
        return None
    assert task.text_out is not None
    message = (
        f"{tally.failed} of {tally.records} record(s) failed; "
        f"their error records are in {task.text_out.name}"
    )
    return {"path": task.display, "type": "RecordErrors", "message": message}


def process(worker: Worker, task: Task) -> Outcome:
    """Clean one task's input into its outputs, unless they are up to date.

    Never raises for a bad input: the failure is returned in the outcome.
    """
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
        raw = b"" if streamed else _read_raw(task.source, limit)
        digest = file_sha256(task.source) if streamed else hashlib.sha256(raw).hexdigest()
        stamp = {"input_sha256": digest, "config": options.fingerprint}
        done = None if options.force else _up_to_date(task, stamp)
        if done is not None:
            tally = Tally(records=int(done.get("records", 1)), failed=int(done.get("failed", 0)))
            return Outcome(task.display, "skipped", tally, error=_record_errors(task, tally))
        if streamed:
            tally = _process_stream(worker, task, stamp, warc=kind == "warc")
            return Outcome(task.display, "cleaned", tally, outputs, _record_errors(task, tally))
        kind, data = _inflate(task.source, raw, limit)
        result = _clean_data(worker.records.cleaner, kind, data, site=options.site)
        if not options.dry_run:
            write_outputs(task, result, stamp)
    except Exception as exc:  # one bad document never stops a batch
        error = {"path": task.display, "type": type(exc).__name__, "message": str(exc)}
        return Outcome(task.display, "failed", Tally(records=1, failed=1), error=error)
    tally = Tally(records=1, bytes_in=len(data), bytes_out=len(result.text.encode("utf-8")))
    tally.removals.update(r.rule for r in result.removals)
    return Outcome(task.display, "cleaned", tally, outputs)


def _process_stream(worker: Worker, task: Task, stamp: dict[str, str], *, warc: bool) -> Tally:
    """Clean a JSON Lines or WARC input into ``OUT/<name>.jsonl``, record by record."""
    assert task.text_out is not None and task.meta_out is not None
    write = _warc_writer(worker, task.source) if warc else _jsonl_writer(worker, task.source)
    if worker.setup.dry_run:
        with Path(os.devnull).open("wb") as discard:
            return write(discard)
    with atomic_open(task.text_out) as sink:
        tally = write(sink)
    record: dict[str, Any] = {
        "source": task.display,
        "records": tally.records,
        "failed": tally.failed,
    }
    if warc:
        record["passed_over"] = dict(sorted(tally.passed_over.items()))
    record["stamp"] = stamp
    write_atomic(task.meta_out, _dumps(record))
    return tally


def _jsonl_writer(worker: Worker, source: Path) -> Callable[[Sink], Tally]:
    def setup() -> RecordCleaner:
        return worker.records

    def write(sink: Sink) -> Tally:
        with open_input(source) as lines:
            return clean_stream(
                lines, sink, setup=setup, max_line_bytes=worker.setup.config.max_input_bytes
            )

    return write


def _warc_writer(worker: Worker, source: Path) -> Callable[[Sink], Tally]:
    from cleaner.warc import write_jsonl  # noqa: PLC0415 - needs the optional warc extra

    def write(sink: Sink) -> Tally:
        return write_jsonl(source, sink, worker.records)

    return write


def document_line(ctx: RecordCleaner, task: Task) -> tuple[bytes, Tally]:
    """Clean one document file into a JSON Lines output record; return it and its counts.

    The record's id is the file's path as shown (``task.display``); a file that
    cannot be read or cleaned gives an error record.  This is how the stream
    modes take text and HTML files.
    """
    tally = Tally(records=1)
    try:
        kind, data = read_input(task.source, ctx.cleaner.config.max_input_bytes)
        result = _clean_data(ctx.cleaner, kind, data, site=ctx.site)
        line = output_record(ctx.fields, task.display, {}, result)
    except Exception as exc:  # one bad document never stops a stream
        tally.failed = 1
        return error_record(ctx.fields.id, task.display, None, exc), tally
    tally.bytes_in = len(data)
    count_result(tally, result)
    return line, tally
