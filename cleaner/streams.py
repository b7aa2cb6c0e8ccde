"""Record streams: many inputs cleaned into one JSON Lines or Parquet output, in order.

JSON Lines inputs give one record per line, web archives (WARC, ARC, WET) one
per document, text and HTML files one each (id: the file's path as given).
All go in input order through one :class:`cleaner.records.RecordWriter`.

An input that cannot be read to its end (a truncated gzip file, a damaged web
archive) gives an error record that names the file and where it broke off
(``line`` or ``offset``) after the records read before; the other inputs are
cleaned as usual, so one bad file never loses the rest of the output::

    {"id": null, "file": "b.warc.gz", "offset": 2012,
     "error": {"type": "WarcError", "message": "..."}}
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import itertools
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal, ParamSpec, TypeVar

from cleaner import Cleaner
from cleaner.batch import clean_data, document_record, document_timed_out
from cleaner.document import Result
from cleaner.files import InputError, atomic_open, file_size
from cleaner.inputs import STDIN, Task, discover, input_kind
from cleaner.jsonl import RecordCleaner, Setup, clean_records, open_input, position
from cleaner.parallel import ordered_map
from cleaner.records import (
    Fields,
    JsonlWriter,
    Record,
    RecordWriter,
    Tally,
    error_record,
    outcome,
)

_FLUSH_EVERY = 32
"""Records of a JSON Lines input written between two flushes."""

OutputFormat = Literal["jsonl", "parquet"]


@dataclass(frozen=True, slots=True)
class Input:
    """One input of a stream.

    Attributes:
        kind: ``text``, ``html``, ``jsonl`` or ``warc`` (any web archive).
        task: The input file and its name as shown.
        url: For an input named by an fsspec URL (``memory://``, ``s3://``...),
            the URL; ``task.source`` then holds only its file name.
    """

    kind: str
    task: Task
    url: str | None = None

    @property
    def size(self) -> int | None:
        """The input's bytes on disk, or ``None`` for standard input or a URL."""
        if self.url is not None or self.task.source == STDIN:
            return None
        return file_size(self.task.source)


@dataclass(frozen=True, slots=True, kw_only=True)
class StreamOptions(Setup):
    """How a stream is cleaned: the record options of :class:`~cleaner.jsonl.Setup`, and how to run.

    Attributes:
        jobs: Worker processes for JSON Lines and document inputs (each loads
            the packs of ``rules_dirs`` again).
        timeout: Seconds one document may take in its worker process; one
            that takes longer is killed with its worker and becomes an error
            record (``None``: no deadline, and with one job no worker process).
    """

    jobs: int = 1
    timeout: float | None = None


Location = Path | str
"""A local path, or an fsspec URL such as ``s3://bucket/x.jsonl`` (see :func:`is_url`)."""


def is_url(location: Location) -> bool:
    """Tell whether a location is an fsspec URL rather than a local path.

    >>> is_url("memory://a/b.jsonl"), is_url(Path("a/b.jsonl")), is_url("file:///tmp/x")
    (True, False, True)
    """
    return isinstance(location, str) and "://" in location


def exists(location: Location) -> bool:
    """Tell whether a local path or an fsspec URL names something that exists."""
    if isinstance(location, Path):
        return location.exists()
    import fsspec  # noqa: PLC0415 - the fsspec extra

    filesystem, path = fsspec.core.url_to_fs(location)
    return bool(filesystem.exists(path))


def _url_inputs(url: str, output: Location | None) -> list[Input]:
    """The inputs under an fsspec URL: the file itself, or a folder's files in sorted order."""
    import fsspec  # noqa: PLC0415 - the fsspec extra

    filesystem, root = fsspec.core.url_to_fs(url)
    if not filesystem.isdir(root):
        name = Path(root).name
        return [Input(input_kind(Path(name)) or "jsonl", Task(Path(name), None, None, url), url)]
    written = fsspec.core.url_to_fs(output)[1] if is_url(output or "") else None
    inputs = []
    for path in sorted(filesystem.find(root)):
        name = Path(path).name
        kind = input_kind(Path(name))
        hidden = any(part.startswith(".") for part in Path(path).relative_to(root).parts)
        if kind is None or hidden or path == written:
            continue
        full = filesystem.unstrip_protocol(path)
        inputs.append(Input(kind, Task(Path(name), None, None, full), full))
    return inputs


@contextlib.contextmanager
def _open_url(url: str) -> Iterator[IO[bytes]]:
    """Open an fsspec URL for reading bytes, inflating ``.gz`` on the fly."""
    import fsspec  # noqa: PLC0415 - the fsspec extra

    with fsspec.open(url, "rb", compression="infer") as handle:
        yield handle


def stream_inputs(sources: Sequence[Location], output: Location | None = None) -> list[Input]:
    """Return every input of a stream, in order.

    Folders are walked as in folder mode (the output file is never read); a
    file named on the command line whose kind is unknown is JSON Lines, and so
    is ``-``.  A source may be an fsspec URL (a file or a folder).
    """
    written = output.resolve() if isinstance(output, Path) else None
    inputs: list[Input] = []
    for location in sources:
        if is_url(location):
            inputs.extend(_url_inputs(str(location), output))
            continue
        source = Path(location)
        if source == STDIN:
            inputs.append(Input("jsonl", Task(source, None, None, "-")))
            continue
        for task in discover([source], None):
            if source.is_dir() and task.source.resolve() == written:
                continue
            inputs.append(Input(input_kind(task.source) or "jsonl", task))
    return inputs


class _RecordBoundaries:
    """Ctrl-C between records, so the count told on interruption is the count written.

    A Ctrl-C that comes while a record is written and counted takes effect when
    that is done (a record on standard output cannot be taken back).

    Only in the main thread and while Ctrl-C raises ``KeyboardInterrupt`` (Python's
    default handler); elsewhere it changes nothing.  One for the process, as the
    signal's handler is.
    """

    def __init__(self) -> None:
        self.busy = False
        self.pending = False

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        """Hold Ctrl-C back while a record is written (see :meth:`record`), for the block."""
        if (
            threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
        ):
            yield
            return
        previous = signal.signal(signal.SIGINT, self._handle)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)
            self.busy = self.pending = False

    def _handle(self, signum: int, frame: object) -> None:
        if self.busy:
            self.pending = True
        else:
            raise KeyboardInterrupt

    @contextlib.contextmanager
    def record(self) -> Iterator[None]:
        """A record's write and count: Ctrl-C waits for the end of the block."""
        self.busy = True
        try:
            yield
        finally:
            self.busy = False
        if self.pending:
            self.pending = False
            raise KeyboardInterrupt


_BOUNDARIES = _RecordBoundaries()

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _between_records(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``function`` with Ctrl-C taking effect between records (:class:`_RecordBoundaries`)."""

    @functools.wraps(function)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with _BOUNDARIES.installed():
            return function(*args, **kwargs)

    return run


@_between_records
def write_stream(
    inputs: Sequence[Input],
    writer: RecordWriter,
    cleaner: Cleaner,
    options: StreamOptions,
    listener: Listener | None = None,
) -> Tally:
    """Write the output records of every input to ``writer``; return the counts.

    Args:
        inputs: From :func:`stream_inputs`.
        writer: Where the records go.
        cleaner: The engine of this process (workers build their own from ``options``).
        options: Field names, site, provenance level, workers.
        listener: Told of the records as they are written (progress, per-document hits).
    """
    local = RecordCleaner(cleaner, options.fields, options.site, options.provenance)
    seconds = options.timeout
    # A deadline needs worker processes (a runaway document is killed with its worker).
    setup: Callable[[], RecordCleaner] = (
        (lambda: local)
        if options.jobs == 1 and seconds is None
        else dataclasses.replace(options, config=cleaner.config)
    )
    done = listener or Listener()
    tally = Tally()
    read = 0  # bytes of the inputs done, for progress

    def at(position: int) -> None:
        done.read(read + position)

    # Consecutive text and HTML files are one parallel run; a JSON Lines or web archive is one.
    for is_document, group in itertools.groupby(inputs, key=lambda i: i.kind in ("text", "html")):
        if is_document:
            items = list(group)
            results: Iterable[tuple[Record, Tally]]
            if any(item.url for item in items):  # read here: workers open local files
                results = (_url_document(local, item) for item in items)
            else:
                tasks = [item.task for item in items]
                results = ordered_map(
                    document_record,
                    tasks,
                    setup=setup,
                    jobs=options.jobs,
                    chunksize=4,
                    timeout=None if seconds is None else lambda _: seconds,
                    on_timeout=functools.partial(document_timed_out, local.fields),
                )
            for item, (record, counts) in zip(items, results, strict=True):
                with _BOUNDARIES.record():
                    writer.write(record)
                    tally.merge(counts)
                    done.document(item.task.display, counts)
                    done.records(1)
                read += item.size or 0
                at(0)
            writer.flush()
            continue
        for item in group:
            if item.task.refused is not None:  # e.g. a FIFO: opening it would wait for a writer
                exc = InputError(item.task.refused)
                where, message = {"file": item.task.display}, f"{item.task.display}: {exc}"
                tally.merge(
                    _broke_off(writer, local.fields.id, exc, where, message=message, done=done)
                )
            elif item.kind == "warc":
                tally.merge(_write_archive(item, writer, local, done, at=at))
            else:
                tally.merge(_write_jsonl(item, writer, setup, options, done, at=at))
            read += item.size or 0
            at(0)
    return tally


def _url_document(ctx: RecordCleaner, item: Input) -> tuple[Record, Tally]:
    """Clean a text or HTML document named by an fsspec URL (bounded read)."""
    assert item.url is not None
    url, limit = item.url, ctx.cleaner.config.max_input_bytes

    def clean() -> tuple[Result, int]:
        with _open_url(url) as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise InputError(f"cannot read: more than {limit} bytes, over the input size limit")
        return clean_data(ctx.cleaner, item.kind, data, site=ctx.site), len(data)

    return outcome(ctx.fields, url, clean, ctx.provenance)


def _write_jsonl(
    item: Input,
    writer: RecordWriter,
    setup: Callable[[], RecordCleaner],
    options: StreamOptions,
    done: Listener,
    *,
    at: Callable[[int], None],
) -> Tally:
    """Write the records of one JSON Lines input; a read failure ends it with an error record."""
    task = item.task
    tally = Tally()
    try:
        with contextlib.ExitStack() as stack:
            lines: IO[bytes]
            local: IO[bytes] | None = None  # a local file: progress reads its position
            if item.url is not None:
                lines = stack.enter_context(_open_url(item.url))
            elif task.source == STDIN:
                lines = sys.stdin.buffer
            else:
                lines = stack.enter_context(open_input(task.source))
                local = lines
            results = clean_records(
                lines,
                setup=setup,
                jobs=options.jobs,
                max_line_bytes=options.config.max_input_bytes,
                timeout=options.timeout,
                id_field=options.fields.id,
            )
            for record, counts in results:
                with _BOUNDARIES.record():
                    writer.write(record)
                    tally.merge(counts)
                    done.document(f"{task.display} {record.get(options.fields.id)}", counts)
                    done.records(1)
                if local is not None:
                    at(position(local))
                if tally.records % _FLUSH_EVERY == 0:
                    writer.flush()
            writer.flush()
    except BrokenPipeError:
        raise  # the reader went away: not a failure of this input
    except (OSError, EOFError) as exc:  # unreadable, truncated gzip
        line = tally.records + 1  # where it broke off
        where = {"line": line, "file": task.display}
        message = f"{task.display}: line {line}: {exc}"
        tally.merge(_broke_off(writer, options.fields.id, exc, where, message=message, done=done))
    return tally


def _broke_off(
    writer: RecordWriter,
    id_field: str,
    exc: BaseException,
    where: dict[str, Any],
    *,
    message: str,
    done: Listener,
) -> Tally:
    """Write the error record of an input that could not be read (to its end); count it."""
    with _BOUNDARIES.record():
        writer.write(error_record(id_field, None, exc, where=where))
        writer.flush()
        done.failed(message)
    return Tally.failure(exc)


def _write_archive(
    item: Input,
    writer: RecordWriter,
    local: RecordCleaner,
    done: Listener,
    *,
    at: Callable[[int], None],
) -> Tally:
    """Write the records of one web archive; damage ends it with an error record."""
    from cleaner.warc import WarcError, clean_warc  # noqa: PLC0415 - needs the warc extra

    task = item.task
    tally = Tally()
    records = clean_warc(
        item.url or task.source,
        local.cleaner,
        site=local.site,
        stats=tally,
        fields=local.fields,
        provenance=local.provenance,
        on_read=None if item.url else at,
    )
    try:
        before = Tally()
        for record in records:
            # The archive's counts grow record by record: this record's are the difference.
            counts = Tally(
                removals=tally.removals - before.removals, failed=tally.failed - before.failed
            )
            before = Tally(removals=Counter(tally.removals), failed=tally.failed)
            name = record.get(local.fields.url) or record.get(local.fields.id)
            with _BOUNDARIES.record():
                writer.write(record)
                writer.flush()
                done.document(f"{task.display} {name}", counts)
                done.records(1)
    except WarcError as exc:
        where = {"file": task.display, "offset": exc.offset}
        tally.merge(_broke_off(writer, local.fields.id, exc, where, message=str(exc), done=done))
    return tally


class Listener:
    """What a stream tells as it goes; this one hears nothing (subclass it).

    The command line's listener draws the progress and, with ``--verbose``,
    prints each document's removals per rule.
    """

    def records(self, n: int) -> None:
        """``n`` more records were written."""

    def document(self, name: str, tally: Tally) -> None:
        """One output or error record was written; ``name`` says which, ``tally`` its counts."""

    def broke_off(self, message: str) -> None:
        """An input could not be read to its end; its error record was written."""

    def read(self, position: int) -> None:
        """The local input files were read up to byte ``position``, all together.

        Counted in each file's own bytes (compressed ones for gzip), to compare
        with the sum of the inputs' :attr:`Input.size`.
        """

    def failed(self, message: str) -> None:
        """Report an input that broke off; its error record counts as one record."""
        self.records(1)
        self.broke_off(message)


@contextlib.contextmanager
def open_writer(
    output: Location | None,
    output_format: OutputFormat = "jsonl",
    *,
    fields: Fields | None = None,
) -> Iterator[RecordWriter]:
    """Open the record writer of a stream's output; it is complete when the block ends.

    Args:
        output: The output file (a local one is written atomically), an fsspec
            URL, or ``None`` for JSON Lines on standard output.
        output_format: ``jsonl`` or ``parquet`` (needs the ``parquet`` extra
            and an output file).
        fields: The record field names (Parquet names its id and text columns after them).
    """
    names = fields or Fields()
    with contextlib.ExitStack() as stack:
        handle: IO[bytes] | None = None
        if is_url(output or ""):
            import fsspec  # noqa: PLC0415 - the fsspec extra

            # Written in place: an object store shows the object only once it is complete.
            handle = stack.enter_context(fsspec.open(str(output), "wb"))
        if output_format == "parquet":
            if output is None:
                raise ValueError("Parquet output needs an output file")
            from cleaner.parquet import ParquetRecordWriter  # noqa: PLC0415 - optional extra

            target = handle if handle is not None else Path(output)
            with ParquetRecordWriter(target, fields=names) as parquet:
                yield parquet
        elif output is None:
            yield JsonlWriter(sys.stdout.buffer, id_field=names.id)
        else:
            if handle is None:
                handle = stack.enter_context(atomic_open(Path(output)))
            yield JsonlWriter(handle, id_field=names.id)


def clean_stream_to(
    sources: Sequence[Location],
    output: Location | None,
    *,
    cleaner: Cleaner,
    options: StreamOptions,
    output_format: OutputFormat = "jsonl",
    listener: Listener | None = None,
    inputs: Sequence[Input] | None = None,
) -> tuple[Tally, float]:
    """Clean every input of ``sources`` into one output; return the counts and seconds taken.

    See :func:`stream_inputs` for the inputs (``inputs``, when given, are
    those already found) and :func:`open_writer` for the output, and
    :func:`write_stream` for the ``listener``.

    Raises:
        cleaner.UnknownSiteError: ``options.site`` names no loaded pack.
    """
    cleaner.registry.require(options.site)
    start = time.perf_counter()
    if inputs is None:
        inputs = stream_inputs(sources, output)
    with open_writer(output, output_format, fields=options.fields) as writer:
        tally = write_stream(inputs, writer, cleaner, options, listener=listener)
    return tally, time.perf_counter() - start
