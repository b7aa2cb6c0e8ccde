"""The typed Arrow form of output records: one schema for Parquet and Ray alike.

``metadata`` and ``provenance`` stay nested, so that pyarrow, pandas and duckdb
read them as columns (``provenance.removals[1].rule``) rather than JSON text:

=================== ===========================================================
field               Arrow type
=================== ===========================================================
``metadata``        map<string, string>
``provenance``      struct (below); null for an error record
``error``           struct<type: string, message: string>; null when cleaned
=================== ===========================================================

The provenance struct has a typed field for each entry of
:mod:`cleaner.provenance` (hashes, packs, removals, rules, steps...).  The parts
whose keys vary by input kind stay JSON text: ``source`` (decoding, extraction,
web archive facts), each step's ``detail`` (facts beyond its name and removal
count) and ``other`` (entries of a newer provenance this schema does not name).
:func:`provenance_from_arrow` gives back the provenance dict exactly
(a test holds it to that on every input kind).

Needs pyarrow (the ``parquet`` or ``ray`` extra).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pyarrow as pa


def _struct(**types: pa.DataType) -> pa.StructType:
    """A struct of nullable fields, in the order given."""
    return pa.struct([pa.field(name, type_) for name, type_ in types.items()])


_TEXT, _INT = pa.string(), pa.int64()
_HASH = _struct(sha256=_TEXT, chars=_INT)

ERROR_TYPE = _struct(type=_TEXT, message=_TEXT)
"""The type of the ``error`` column (see :func:`cleaner.records.error_info`)."""

METADATA_TYPE = pa.map_(_TEXT, _TEXT)
"""The type of the ``metadata`` column."""

PROVENANCE_TYPE = _struct(
    tool=_struct(name=_TEXT, version=_TEXT),
    input=_HASH,
    canonical=_HASH,
    output=_HASH,
    packs=pa.list_(_struct(name=_TEXT, version=_TEXT, sha256=_TEXT, matched_by=_TEXT)),
    removals=pa.list_(_struct(rule=_TEXT, kind=_TEXT, start=_INT, end=_INT, text=_TEXT)),
    rules=pa.map_(_TEXT, _TEXT),
    steps=pa.list_(_struct(name=_TEXT, removals=_INT, detail=_TEXT)),
    passes=_INT,
    skipped_rules=pa.list_(_struct(rule=_TEXT, reason=_TEXT, paragraph=_TEXT)),
    source=_TEXT,
    url=_TEXT,
    html_removals=pa.list_(_struct(rule=_TEXT, selector=_TEXT, elements=_INT, chars=_INT)),
    rule_counts=pa.map_(_TEXT, _INT),
    scope=_struct(headline=pa.bool_(), comments=pa.bool_()),
    other=_TEXT,
)
"""The type of the ``provenance`` column."""

_JSON_FIELDS = frozenset({"source"})
_MAP_FIELDS = frozenset({"rules", "rule_counts"})
_NAMED = frozenset(f.name for f in PROVENANCE_TYPE) - {"other"}


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def metadata_to_arrow(metadata: Mapping[str, Any] | None) -> list[tuple[str, str | None]] | None:
    """Return metadata as the items of a string map (a value that is not text as JSON).

    >>> metadata_to_arrow({"title": "A", "n": 2})
    [('title', 'A'), ('n', '2')]
    """
    if metadata is None:
        return None
    return [
        (key, value if value is None or isinstance(value, str) else _dumps(value))
        for key, value in metadata.items()
    ]


def provenance_to_arrow(provenance: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Return a provenance dict in the shape of :data:`PROVENANCE_TYPE`."""
    if provenance is None:
        return None
    out: dict[str, Any] = {}
    other: dict[str, Any] = {}
    for key, value in provenance.items():
        if key not in _NAMED:
            other[key] = value
        elif key in _JSON_FIELDS:
            out[key] = _dumps(value)
        elif key in _MAP_FIELDS:
            out[key] = dict(value)
        elif key == "steps":
            out[key] = [_step(step) for step in value]
        else:
            out[key] = value
    out["other"] = _dumps(other) if other else None
    return out


def _step(step: Mapping[str, Any]) -> dict[str, Any]:
    detail = {k: v for k, v in step.items() if k not in ("name", "removals")}
    return {
        "name": step.get("name"),
        "removals": step.get("removals"),
        "detail": _dumps(detail) if detail else None,
    }


def provenance_from_arrow(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Return the provenance dict of a ``provenance`` cell read back from Arrow.

    Entries absent from the original (null here) are left out, so the result
    equals the dict :func:`provenance_to_arrow` was given.
    """
    if value is None:
        return None
    out: dict[str, Any] = {}
    for key, cell in value.items():
        if cell is None or key == "other":
            continue
        if key in _JSON_FIELDS:
            out[key] = json.loads(cell)
        elif key in _MAP_FIELDS:
            out[key] = _map_back(cell)
        elif key == "steps":
            out[key] = [_step_back(step) for step in cell]
        else:
            out[key] = cell
    if value.get("other"):
        out.update(json.loads(value["other"]))
    return out


def _step_back(step: Mapping[str, Any]) -> dict[str, Any]:
    out = {"name": step["name"], "removals": step["removals"]}
    if step.get("detail"):
        out.update(json.loads(step["detail"]))
    return out


def _map_back(cell: Any) -> dict[str, Any]:
    """Return the dict of a map cell.

    A cell read from Arrow holds pairs; one from pandas holds a dict, where an engine
    may have inferred a struct and filled the keys of other rows with null.
    """
    if isinstance(cell, Mapping):
        return {key: item for key, item in cell.items() if item is not None}
    return dict(cell)


def metadata_from_arrow(value: Any) -> dict[str, str] | None:
    """Return the metadata dict of a ``metadata`` cell read back from Arrow.

    A map cell (a list of pairs) gives its items; a struct cell (a dict, as
    Ray infers from the Python objects of pandas batches) gives its non-null
    fields, as a struct has every field of every row.

    >>> metadata_from_arrow([("title", "A")]), metadata_from_arrow({"title": "A", "date": None})
    ({'title': 'A'}, {'title': 'A'})
    """
    return None if value is None else _map_back(value)
