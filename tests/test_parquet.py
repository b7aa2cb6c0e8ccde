"""Parquet output: records round-trip, row groups bound memory, files appear atomically."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import cleaner
from cleaner.arrow import (
    ERROR_TYPE,
    METADATA_TYPE,
    PROVENANCE_TYPE,
    metadata_from_arrow,
    provenance_from_arrow,
)
from cleaner.parquet import JSON_METADATA, ParquetRecordWriter, write_parquet
from cleaner.testing import seed_variants
from tests.conftest import SEEDS


def output_records(count: int) -> Iterator[dict[str, Any]]:
    """Output records as the streaming modes write them, every seventh one failed."""
    for n, record in enumerate(seed_variants(SEEDS, count)):
        extra = {"url": record["url"], "rank": n, "score": n / 2, "tags": ["a", str(n)]}
        if n % 7 == 3:
            error = {"type": "ValueError", "message": "something broke"}
            yield {"id": record["id"], **extra, "error": error}
            continue
        result = cleaner.clean(record["text"], url=record["url"])
        yield {
            "id": record["id"],
            **extra,
            "text": result.text,
            "metadata": result.metadata,
            "provenance": result.provenance,
            "error": None,
        }


def test_round_trip(tmp_path: Path) -> None:
    records = list(output_records(40))
    out = tmp_path / "sub" / "clean.parquet"
    assert write_parquet(iter(records), out, row_group_size=16) == 40

    parquet = pq.ParquetFile(out)
    assert parquet.metadata.num_row_groups == 3
    assert parquet.schema_arrow.names == [
        "id", "url", "rank", "score", "tags", "extra", "text", "metadata", "provenance", "error",
    ]  # fmt: skip
    rows = parquet.read().to_pylist()
    for record, row in zip(records, rows, strict=True):
        assert row["id"] == record["id"]
        assert row["url"] == record["url"]
        assert (row["rank"], row["score"]) == (record["rank"], record["score"])
        assert row["tags"] == record["tags"]
        assert row["extra"] is None
        assert row["error"] == record.get("error")
        if row["error"] is None:
            assert row["text"] == record["text"]
            assert metadata_from_arrow(row["metadata"]) == record["metadata"]
            assert provenance_from_arrow(row["provenance"]) == record["provenance"]
        else:
            assert row["text"] is row["metadata"] is row["provenance"] is None
    schema = parquet.schema_arrow
    assert schema.field("extra").metadata == JSON_METADATA
    assert schema.field("tags").type == pa.list_(pa.string())
    assert schema.field("metadata").type == METADATA_TYPE
    assert schema.field("provenance").type == PROVENANCE_TYPE
    assert schema.field("error").type == ERROR_TYPE


def test_fields_that_do_not_fit_go_to_extra(tmp_path: Path) -> None:
    records = [
        {"id": "a", "lang": "en", "n": 1, "text": "A.\n"},
        {"id": "b", "lang": "fr", "n": 2, "text": "B.\n"},
        # After the first row group: a new field, and a value of another type.
        {"id": "c", "lang": 7, "n": 3, "new": True, "text": "C.\n"},
        {"id": 4, "text": "D.\n"},
    ]
    out = tmp_path / "mixed.parquet"
    write_parquet(records, out, row_group_size=2)
    rows = pq.read_table(out).to_pylist()
    assert [r["id"] for r in rows] == ["a", "b", "c", "4"]
    assert [r["lang"] for r in rows] == ["en", "fr", None, None]
    assert [r["n"] for r in rows] == [1, 2, 3, None]
    assert json.loads(rows[2]["extra"]) == {"lang": 7, "new": True}
    assert rows[3]["extra"] is None


def test_nested_fields_are_typed_and_what_does_not_fit_goes_to_extra(tmp_path: Path) -> None:
    records = [
        {"id": "a", "meta": {"lang": "en", "tags": ["x"]}, "mixed": [1], "text": "A.\n"},
        {"id": "b", "meta": {"lang": "fr"}, "mixed": "one", "text": "B.\n"},
        # After the first row group: a key the struct lacks, and a list of another type.
        {"id": "c", "meta": {"lang": "de", "new": 1}, "mixed": [2], "text": "C.\n"},
        {"id": "d", "meta": {"tags": [3]}, "text": "D.\n"},
    ]
    out = tmp_path / "nested.parquet"
    write_parquet(records, out, row_group_size=2)
    table = pq.read_table(out)
    meta = table.schema.field("meta").type
    assert meta == pa.struct([("lang", pa.string()), ("tags", pa.list_(pa.string()))])
    assert table.schema.field("mixed").metadata == JSON_METADATA  # a list, then a string
    rows = table.to_pylist()
    assert rows[0]["meta"] == {"lang": "en", "tags": ["x"]}
    assert rows[1]["meta"] == {"lang": "fr", "tags": None}
    assert [json.loads(r["extra"]) for r in rows[2:]] == [
        {"meta": {"lang": "de", "new": 1}},
        {"meta": {"tags": [3]}},
    ]
    assert rows[2]["meta"] is rows[3]["meta"] is None


def test_row_groups_bound_what_is_held(tmp_path: Path) -> None:
    out = tmp_path / "stream.parquet"
    consumed = 0

    def records() -> Iterator[dict[str, Any]]:
        nonlocal consumed
        for n in range(50):
            consumed += 1
            yield {"id": str(n), "text": "x\n"}

    with ParquetRecordWriter(out, row_group_size=10) as writer:
        for record in records():
            writer.write(record)
            # Never more than one row group waits in memory.
            assert consumed - writer.rows <= 10
    assert pq.ParquetFile(out).metadata.num_row_groups == 5


def test_failure_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "clean.parquet"

    def records() -> Iterator[dict[str, Any]]:
        for n in range(30):
            yield {"id": str(n), "text": "x\n"}
        raise RuntimeError("input broke")

    with pytest.raises(RuntimeError, match="input broke"):
        write_parquet(records(), out, row_group_size=10)
    assert list(tmp_path.iterdir()) == []


def test_existing_file_replaced_only_when_complete(tmp_path: Path) -> None:
    out = tmp_path / "clean.parquet"
    write_parquet([{"id": "old", "text": "old\n"}], out)
    with pytest.raises(RuntimeError), ParquetRecordWriter(out, row_group_size=1) as writer:
        writer.write({"id": "new", "text": "new\n"})
        raise RuntimeError("stop")
    assert pq.read_table(out).column("id").to_pylist() == ["old"]
    assert [p.name for p in tmp_path.iterdir()] == ["clean.parquet"]


def test_no_records_gives_an_empty_file(tmp_path: Path) -> None:
    out = tmp_path / "empty.parquet"
    assert write_parquet([], out) == 0
    table = pq.read_table(out)
    assert table.num_rows == 0
    assert table.column_names == ["id", "extra", "text", "metadata", "provenance", "error"]


def test_row_group_size_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="row_group_size"):
        ParquetRecordWriter(tmp_path / "x.parquet", row_group_size=0)
