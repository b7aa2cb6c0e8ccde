"""Parquet out: output records written in row groups, with bounded memory.

An output record is the dict the streaming modes produce for one document::

    {"id": ..., <extra input fields>..., "text": ..., "metadata": {...},
     "provenance": {...}, "error": None}

(a failed document has ``error`` set and no ``text``, ``metadata`` or
``provenance``).  The Parquet file has one row per record and these columns:

============== ========================================================
column         content
============== ========================================================
``id``         string (any other value is converted with ``str``)
extra fields   one column per extra field of the first row group, typed
               from it: string, bool, int64 or double; a field whose
               values are nested or of mixed types is a JSON string
``extra``      JSON object of the fields that do not fit the schema (a
               field first seen after the first row group, or a value of
               another type than its column); null when all fit
``text``       the clean text; null for a failed document
``metadata``   JSON string
``provenance`` JSON string (see :mod:`cleaner.provenance`)
``error``      the error message; null for a cleaned document
============== ========================================================

JSON-encoded columns carry ``{"cleaner.encoding": "json"}`` in their field
metadata.  The file is written to a temporary file beside the destination and
renamed into place when complete, so a stopped run leaves no partial file.

:class:`ParquetLineSink` takes the JSON Lines output of the streaming modes
instead of dicts, so that ``cleaner clean --format parquet`` writes the very
records ``--format jsonl`` does.

Needs the ``parquet`` extra (``pip install 'cleaner[parquet]'``).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from cleaner.files import TEMP_SUFFIX

FIXED_FIELDS = ("id", "text", "metadata", "provenance", "error")
"""Fields with a column of their own in every file."""

LEFTOVER_COLUMN = "extra"
"""The column of fields that fit no column."""

JSON_METADATA = {b"cleaner.encoding": b"json"}
"""Field metadata of JSON-encoded string columns."""

_KINDS: dict[str, pa.DataType] = {
    "string": pa.string(),
    "bool": pa.bool_(),
    "int": pa.int64(),
    "float": pa.float64(),
    "json": pa.string(),
}


def _kind(value: Any) -> str:
    """Return the column kind of one non-null value.

    >>> [_kind(v) for v in ("a", True, 3, 2.5, [1], {"a": 1})]
    ['string', 'bool', 'int', 'float', 'json', 'json']
    """
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int) and -(2**63) <= value < 2**63:
        return "int"
    if isinstance(value, float):
        return "float"
    return "json"


def infer_kinds(records: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Return the column kind of every extra field, in order of first appearance.

    A field of ints and floats is a float column; any other mix, or nested
    values, is a JSON column; a field that is always null is a string column.

    >>> infer_kinds([{"id": "a", "n": 1, "u": None}, {"n": 2.5, "t": ["x"]}])
    {'n': 'float', 'u': 'string', 't': 'json'}
    """
    seen: dict[str, set[str]] = {}
    for record in records:
        for name, value in record.items():
            if name in FIXED_FIELDS or name == LEFTOVER_COLUMN:
                continue
            kinds = seen.setdefault(name, set())
            if value is not None:
                kinds.add(_kind(value))
    result = {}
    for name, kinds in seen.items():
        if kinds <= {"int", "float"} and "float" in kinds:
            result[name] = "float"
        elif len(kinds) == 1:
            result[name] = next(iter(kinds))
        else:
            result[name] = "string" if not kinds else "json"
    return result


def _fits(kind: str, value: Any) -> bool:
    if kind == "json":
        return True
    got = _kind(value)
    return got == kind or (kind == "float" and got == "int")


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def build_schema(kinds: Mapping[str, str]) -> pa.Schema:
    """Return the Parquet schema for the extra fields' kinds (see the module docstring)."""
    fields = [pa.field("id", pa.string())]
    for name, kind in kinds.items():
        fields.append(
            pa.field(name, _KINDS[kind], metadata=JSON_METADATA if kind == "json" else None)
        )
    fields += [
        pa.field(LEFTOVER_COLUMN, pa.string(), metadata=JSON_METADATA),
        pa.field("text", pa.string()),
        pa.field("metadata", pa.string(), metadata=JSON_METADATA),
        pa.field("provenance", pa.string(), metadata=JSON_METADATA),
        pa.field("error", pa.string()),
    ]
    return pa.schema(fields)


class ParquetRecordWriter:
    """Write output records to one Parquet file, ``row_group_size`` records at a time.

    At most one row group of records is held in memory.  The extra columns and
    their types are fixed by the first row group (see the module docstring).
    Use it as a context manager: leaving the block normally renames the
    finished file into place; leaving it on an exception discards it.

    Args:
        path: The Parquet file to write (its folder is created).
        row_group_size: Records per row group.
        compression: Parquet compression codec.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "out.parquet"
    >>> with ParquetRecordWriter(out) as writer:
    ...     writer.write({"id": "a", "url": "https://x.org/", "text": "Hi.\\n", "metadata": {}})
    >>> pq.read_table(out).column("url").to_pylist()
    ['https://x.org/']
    """

    def __init__(
        self, path: str | Path, *, row_group_size: int = 1000, compression: str = "zstd"
    ) -> None:
        if row_group_size < 1:
            raise ValueError("row_group_size must be at least 1")
        self.path = Path(path)
        self.row_group_size = row_group_size
        self.compression = compression
        self.rows = 0
        self._buffer: list[Mapping[str, Any]] = []
        self._kinds: dict[str, str] | None = None
        self._writer: pq.ParquetWriter | None = None
        self._tmp: Path | None = None

    def __enter__(self) -> ParquetRecordWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def write(self, record: Mapping[str, Any]) -> None:
        """Add one output record; a full row group is written out."""
        self._buffer.append(record)
        if len(self._buffer) >= self.row_group_size:
            self._flush()

    def write_all(self, records: Iterable[Mapping[str, Any]]) -> int:
        """Add every record of an iterable; return how many were added."""
        count = 0
        for record in records:
            self.write(record)
            count += 1
        return count

    def close(self) -> None:
        """Write the last row group and rename the finished file into place."""
        self._flush()
        if self._writer is None:  # no record at all: an empty file with the fixed columns
            self._open(build_schema({}))
        assert self._writer is not None and self._tmp is not None
        self._writer.close()
        self._tmp.replace(self.path)
        self._writer = self._tmp = None

    def abort(self) -> None:
        """Discard the file being written."""
        if self._writer is not None:
            self._writer.close()
        if self._tmp is not None:
            self._tmp.unlink(missing_ok=True)
        self._writer = self._tmp = None
        self._buffer = []

    def _open(self, schema: pa.Schema) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=TEMP_SUFFIX, dir=self.path.parent
        )
        os.close(fd)
        self._tmp = Path(tmp)
        self._writer = pq.ParquetWriter(tmp, schema, compression=self.compression)

    def _flush(self) -> None:
        if not self._buffer:
            return
        if self._kinds is None:
            self._kinds = infer_kinds(self._buffer)
            self._open(build_schema(self._kinds))
        assert self._writer is not None
        table = pa.Table.from_pydict(self._columns(self._buffer), schema=self._writer.schema)
        self._writer.write_table(table)
        self.rows += len(self._buffer)
        self._buffer = []

    def _columns(self, records: list[Mapping[str, Any]]) -> dict[str, list[Any]]:
        kinds = self._kinds or {}
        columns: dict[str, list[Any]] = {name: [] for name in ("id", *kinds, LEFTOVER_COLUMN)}
        for name in ("text", "metadata", "provenance", "error"):
            columns[name] = []
        for record in records:
            leftover: dict[str, Any] = {}
            for name, value in record.items():
                if name in FIXED_FIELDS:
                    continue
                if name not in kinds or (value is not None and not _fits(kinds[name], value)):
                    leftover[name] = value
            for name, kind in kinds.items():
                value = None if name in leftover else record.get(name)
                columns[name].append(_json(value) if kind == "json" else value)
            columns[LEFTOVER_COLUMN].append(_json(leftover) if leftover else None)
            ident = record.get("id")
            columns["id"].append(None if ident is None else str(ident))
            text = record.get("text")
            columns["text"].append(text if isinstance(text, str) else None)
            columns["metadata"].append(_json(record.get("metadata")))
            columns["provenance"].append(_json(record.get("provenance")))
            error = record.get("error")
            columns["error"].append(
                None if error is None else error if isinstance(error, str) else _json(error)
            )
        return columns


def write_parquet(
    records: Iterable[Mapping[str, Any]],
    path: str | Path,
    *,
    row_group_size: int = 1000,
    compression: str = "zstd",
) -> int:
    """Write output records to a Parquet file atomically; return how many were written.

    See :class:`ParquetRecordWriter` and the module docstring for the columns.
    """
    with ParquetRecordWriter(
        path, row_group_size=row_group_size, compression=compression
    ) as writer:
        return writer.write_all(records)


class ParquetLineSink:
    """A binary sink for JSON Lines output records that writes them to Parquet.

    It has the ``write`` and ``flush`` of a file (see :class:`cleaner.jsonl.Sink`):
    each complete line is parsed and handed to a :class:`ParquetRecordWriter`,
    so the Parquet rows are the JSON Lines records.  Use it as a context manager,
    like the writer: the file appears only when the block ends normally.

    Args:
        path: The Parquet file to write.
        row_group_size: Records per row group.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "out.parquet"
    >>> with ParquetLineSink(out) as sink:
    ...     _ = sink.write(b'{"id": 1, "lang": "en", "text": "Hi.\\\\n", "metadata": {}}\\n')
    >>> pq.read_table(out).column("lang").to_pylist(), sink.rows
    (['en'], 1)
    """

    def __init__(self, path: str | Path, *, row_group_size: int = 1000) -> None:
        self._writer = ParquetRecordWriter(path, row_group_size=row_group_size)
        self._pending = b""

    @property
    def rows(self) -> int:
        """Rows written to the file so far (whole row groups)."""
        return self._writer.rows

    def __enter__(self) -> ParquetLineSink:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None and self._pending.strip():
            self._writer.abort()
            raise ValueError("the last JSON Lines record has no line ending")
        self._writer.__exit__(exc_type, exc, tb)

    def write(self, data: bytes) -> int:
        """Take bytes of JSON Lines; every complete line becomes one row."""
        *lines, self._pending = (self._pending + data).split(b"\n")
        for line in lines:
            if line.strip():
                self._writer.write(json.loads(line))
        return len(data)

    def flush(self) -> None:
        """Nothing to do: rows are written a row group at a time."""
