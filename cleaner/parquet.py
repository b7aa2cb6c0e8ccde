"""Parquet out: output records written in row groups, with bounded memory.

An output record is the dict :mod:`cleaner.records` builds for one document::

    {"id": ..., <extra input fields>..., "text": ..., "metadata": {...},
     "provenance": {...}}

(an error record has ``error`` set, ``{"type": ..., "message": ...}``, and no
``text``, ``metadata`` or ``provenance``).  The Parquet file has one row per
record and these columns (``id`` and ``text`` named after the run's
:class:`cleaner.records.Fields`):

============== ========================================================
column         content
============== ========================================================
``id``         string (any other value is converted with ``str``)
extra fields   one column per extra field of the first row group, typed
               from it: string, bool, int64 or double; lists and objects
               of one shape as Arrow lists and structs (as Ray and
               pyarrow infer them); a field of mixed types is a JSON
               string
``extra``      JSON object of the fields that do not fit the schema (a
               field first seen after the first row group, or a value of
               another type than its column); null when all fit
``text``       the clean text; null for a failed document
``metadata``   map of strings (:data:`cleaner.arrow.METADATA_TYPE`)
``provenance`` struct (:data:`cleaner.arrow.PROVENANCE_TYPE`; see
               :mod:`cleaner.provenance`); null for an error record or
               with ``--provenance none``
``error``      struct of ``type`` and ``message``; null for a cleaned
               document
============== ========================================================

The ``metadata``, ``provenance`` and ``error`` columns have the types of
:mod:`cleaner.arrow`, the same as the Ray adapter's.  JSON-encoded string
columns (extra fields) carry ``{"cleaner.encoding": "json"}`` in their field
metadata.  The file is written to a temporary file beside the destination and
renamed into place when complete, so a stopped run leaves no partial file.

:class:`ParquetRecordWriter` is the Parquet :class:`cleaner.records.RecordWriter`:
``cleaner clean --format parquet`` hands it the very records ``--format jsonl``
serialises as JSON.

Needs the ``parquet`` extra (``pip install 'cleaner[parquet]'``).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from cleaner.arrow import (
    ERROR_TYPE,
    METADATA_TYPE,
    PROVENANCE_TYPE,
    metadata_to_arrow,
    provenance_to_arrow,
)
from cleaner.files import atomic_open
from cleaner.records import Fields, RecordWriter

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


def infer_kinds(
    records: Iterable[Mapping[str, Any]], fixed: Iterable[str] = FIXED_FIELDS
) -> dict[str, str]:
    """Return the column kind of every extra field, in order of first appearance.

    A field of ints and floats is a float column; any other mix, or nested
    values, is a JSON column; a field that is always null is a string column.

    >>> infer_kinds([{"id": "a", "n": 1, "u": None}, {"n": 2.5, "t": ["x"]}])
    {'n': 'float', 'u': 'string', 't': 'json'}
    """
    seen: dict[str, set[str]] = {}
    skip = {*fixed, LEFTOVER_COLUMN}
    for record in records:
        for name, value in record.items():
            if name in skip:
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


def nested_type(values: list[Any]) -> pa.DataType | None:
    """Return the Arrow type of a field's nested values, or ``None`` if they have none.

    Lists and objects of one shape get a list or struct type (as Ray and pyarrow
    infer them); values of mixed shapes, or all-null parts, get ``None`` (JSON text).

    >>> str(nested_type([{"a": 1, "b": ["x"]}, {"a": 2}]))
    'struct<a: int64, b: list<item: string>>'
    >>> nested_type([[1, "x"]]) is None
    True
    """
    try:
        inferred = pa.array(values).type
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
        return None
    return None if "null" in str(inferred) else inferred


def _fits_type(kind: pa.DataType, value: Any) -> bool:
    """Tell whether a value converts to an Arrow type without losing anything."""
    if value is None:
        return True
    if pa.types.is_struct(kind):
        names = {kind.field(i).name for i in range(kind.num_fields)}
        return (
            isinstance(value, dict)
            and set(value) <= names
            and all(
                _fits_type(kind.field(i).type, value.get(kind.field(i).name))
                for i in range(kind.num_fields)
            )
        )
    if pa.types.is_list(kind):
        return isinstance(value, list) and all(_fits_type(kind.value_type, v) for v in value)
    if pa.types.is_string(kind):
        return isinstance(value, str)
    if pa.types.is_boolean(kind):
        return isinstance(value, bool)
    if pa.types.is_int64(kind):
        return _kind(value) == "int"
    if pa.types.is_float64(kind):
        return _kind(value) in ("int", "float")
    return False


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def build_schema(
    kinds: Mapping[str, str],
    names: Fields | None = None,
    nested: Mapping[str, pa.DataType] | None = None,
) -> pa.Schema:
    """Return the Parquet schema for the extra fields' kinds (see the module docstring).

    ``nested`` gives the Arrow type of the JSON-kind fields that have one.
    """
    names = names or Fields()
    nested = nested or {}
    fields = [pa.field(names.id, pa.string())]
    for name, kind in kinds.items():
        if name in nested:
            fields.append(pa.field(name, nested[name]))
        else:
            fields.append(
                pa.field(name, _KINDS[kind], metadata=JSON_METADATA if kind == "json" else None)
            )
    fields += [
        pa.field(LEFTOVER_COLUMN, pa.string(), metadata=JSON_METADATA),
        pa.field(names.text, pa.string()),
        pa.field("metadata", METADATA_TYPE),
        pa.field("provenance", PROVENANCE_TYPE),
        pa.field("error", ERROR_TYPE),
    ]
    return pa.schema(fields)


class ParquetRecordWriter(RecordWriter):
    """Write output records to one Parquet file, ``row_group_size`` records at a time.

    At most one row group of records is held in memory.  The extra columns and
    their types are fixed by the first row group (see the module docstring).
    Use it as a context manager: leaving the block normally renames the
    finished file into place; leaving it on an exception discards it.

    Args:
        path: The Parquet file to write (its folder is created).
        row_group_size: Records per row group.
        compression: Parquet compression codec.
        fields: The record field names; the id and text columns take theirs.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "out.parquet"
    >>> with ParquetRecordWriter(out) as writer:
    ...     writer.write({"id": "a", "url": "https://x.org/", "text": "Hi.\\n", "metadata": {}})
    >>> pq.read_table(out).column("url").to_pylist()
    ['https://x.org/']
    """

    def __init__(
        self,
        path: str | Path | IO[bytes],
        *,
        row_group_size: int = 1000,
        compression: str = "zstd",
        fields: Fields | None = None,
    ) -> None:
        if row_group_size < 1:
            raise ValueError("row_group_size must be at least 1")
        # A binary file object (an fsspec file, say) is written in place, not renamed.
        self._handle = None if isinstance(path, str | Path) else path
        self.path = Path(path) if isinstance(path, str | Path) else Path()
        self.row_group_size = row_group_size
        self.compression = compression
        self.fields = fields or Fields()
        self._fixed = (self.fields.id, self.fields.text, "metadata", "provenance", "error")
        self.rows = 0
        self._buffer: list[Mapping[str, Any]] = []
        self._kinds: dict[str, str] | None = None
        self._nested: dict[str, pa.DataType] = {}
        self._writer: pq.ParquetWriter | None = None
        self._file = contextlib.ExitStack()  # the temporary file of a path, renamed at the end

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

    def close(self) -> None:
        """Write the last row group and rename the finished file into place."""
        self._flush()
        if self._writer is None:  # no record at all: an empty file with the fixed columns
            self._open(build_schema({}, self.fields))
        assert self._writer is not None
        self._writer.close()
        self._writer = None
        self._file.close()

    def abort(self) -> None:
        """Discard the file being written."""
        if self._writer is not None:
            self._writer.close()
        self._writer = None
        self._buffer = []
        self._file.__exit__(OSError, OSError("aborted"), None)  # removes the temporary file

    def _open(self, schema: pa.Schema) -> None:
        if self._handle is None:  # written to a temporary file beside it (see atomic_open)
            self._handle = self._file.enter_context(atomic_open(self.path))
        self._writer = pq.ParquetWriter(self._handle, schema, compression=self.compression)

    def _flush(self) -> None:
        if not self._buffer:
            return
        if self._kinds is None:
            self._kinds = infer_kinds(self._buffer, self._fixed)
            for name, kind in self._kinds.items():
                values = [r[name] for r in self._buffer if r.get(name) is not None]
                if kind == "json" and (found := nested_type(values)) is not None:
                    self._nested[name] = found
            self._open(build_schema(self._kinds, self.fields, self._nested))
        assert self._writer is not None
        table = pa.Table.from_pydict(self._columns(self._buffer), schema=self._writer.schema)
        self._writer.write_table(table)
        self.rows += len(self._buffer)
        self._buffer = []

    def _fits(self, name: str, value: Any) -> bool:
        assert self._kinds is not None
        if name in self._nested:
            return _fits_type(self._nested[name], value)
        kind = self._kinds[name]
        return kind == "json" or _fits_type(_KINDS[kind], value)

    def _columns(self, records: list[Mapping[str, Any]]) -> dict[str, list[Any]]:
        kinds = self._kinds or {}
        id_name, text_name = self.fields.id, self.fields.text
        named = (id_name, *kinds, LEFTOVER_COLUMN, text_name, "metadata", "provenance", "error")
        columns: dict[str, list[Any]] = {name: [] for name in named}
        for record in records:
            leftover: dict[str, Any] = {}
            for name, value in record.items():
                if name in self._fixed:
                    continue
                if name not in kinds or (value is not None and not self._fits(name, value)):
                    leftover[name] = value
            for name, kind in kinds.items():
                value = None if name in leftover else record.get(name)
                plain = kind != "json" or name in self._nested
                columns[name].append(value if plain else _json(value))
            columns[LEFTOVER_COLUMN].append(_json(leftover) if leftover else None)
            ident = record.get(id_name)
            columns[id_name].append(None if ident is None else str(ident))
            text = record.get(text_name)
            columns[text_name].append(text if isinstance(text, str) else None)
            columns["metadata"].append(metadata_to_arrow(record.get("metadata")))
            columns["provenance"].append(provenance_to_arrow(record.get("provenance")))
            columns["error"].append(record.get("error"))
        return columns


def write_parquet(
    records: Iterable[Mapping[str, Any]],
    path: str | Path,
    *,
    row_group_size: int = 1000,
    compression: str = "zstd",
    fields: Fields | None = None,
) -> int:
    """Write output records to a Parquet file atomically; return how many were written.

    See :class:`ParquetRecordWriter` and the module docstring for the columns.
    """
    with ParquetRecordWriter(
        path, row_group_size=row_group_size, compression=compression, fields=fields
    ) as writer:
        for record in records:
            writer.write(record)
    return writer.rows
