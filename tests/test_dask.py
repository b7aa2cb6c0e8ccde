"""CleanBatch under Dask: map_partitions with PartitionCleaner on a process scheduler.

Spark's mapInPandas takes ``PartitionCleaner.batches`` the same way; pyspark (with a
Java runtime) is too large to install for the test suite, so only Dask is run here.
"""

from __future__ import annotations

import pytest

import cleaner
from cleaner.arrow import provenance_from_arrow
from cleaner.ray import PartitionCleaner
from cleaner.testing import seed_variants
from tests.conftest import SEEDS

dd = pytest.importorskip("dask.dataframe", reason="needs dask[dataframe]")
pandas = pytest.importorskip("pandas")


def test_map_partitions_on_processes_equals_the_api() -> None:
    records = [*seed_variants(SEEDS, 24), {"id": "bad", "url": None, "text": None}]
    frame = pandas.DataFrame.from_records(records)
    ddf = dd.from_pandas(frame, npartitions=3)
    clean = PartitionCleaner(url_column="url")
    out = ddf.map_partitions(clean, meta=clean.meta(ddf._meta)).compute(scheduler="processes")
    assert list(out["id"]) == [r["id"] for r in records]
    for row in out.to_dict("records"):
        if row["id"] == "bad":
            assert row["error"]["type"] == "ValueError" and pandas.isna(row["text"])
            continue
        record = next(r for r in records if r["id"] == row["id"])
        expected = cleaner.clean(record["text"], url=record["url"])
        assert row["text"] == expected.text and row["error"] is None
        assert provenance_from_arrow(row["provenance"]) == expected.provenance
    with pytest.raises(cleaner.UnknownSiteError):
        PartitionCleaner(site="no-such-pack")
