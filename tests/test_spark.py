"""CleanBatch under Spark: mapInPandas with PartitionCleaner on a local Spark session.

Needs pyspark and a Java runtime (``tox -e engines`` installs pyspark; CI installs Java
where the machine lacks it). Skips with the reason otherwise.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from typing import Any

import pytest

import cleaner
from cleaner.arrow import metadata_from_arrow, provenance_from_arrow
from cleaner.ray import PartitionCleaner
from cleaner.testing import seed_variants
from tests.conftest import SEEDS

pyspark_sql = pytest.importorskip("pyspark.sql", reason="needs pyspark (pip install pyspark)")
pandas = pytest.importorskip("pandas")
if shutil.which("java") is None:
    pytest.skip(
        "Spark needs a Java runtime (apt-get install default-jre-headless)", allow_module_level=True
    )

from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_schema  # noqa: E402


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    # Workers run this interpreter (the one with cleaner installed), not the first python3.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        pyspark_sql.SparkSession.builder.master("local[1]")
        .appName("cleaner-tests")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_map_in_pandas_equals_the_api(spark: Any) -> None:
    records = [*seed_variants(SEEDS, 12), {"id": "bad", "url": None, "text": None}]
    frame = pandas.DataFrame.from_records(records).astype({"url": object, "text": object})
    sdf = spark.createDataFrame(frame, schema="id string, url string, text string")
    clean = PartitionCleaner(url_column="url")
    schema = from_arrow_schema(clean.schema(to_arrow_schema(sdf.schema)))
    rows = sdf.mapInPandas(clean.batches, schema=schema).orderBy("id").collect()

    assert sorted(row["id"] for row in rows) == sorted(r["id"] for r in records)
    for row in rows:
        if row["id"] == "bad":
            assert row["error"]["type"] == "ValueError" and row["text"] is None
            continue
        record = next(r for r in records if r["id"] == row["id"])
        expected = cleaner.clean(record["text"], url=record["url"])
        assert row["text"] == expected.text and row["error"] is None
        assert metadata_from_arrow(row["metadata"]) == {
            key: value for key, value in expected.metadata.items() if value is not None
        }
        assert provenance_from_arrow(row["provenance"].asDict(recursive=True)) == (
            expected.provenance
        )
