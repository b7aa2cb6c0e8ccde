"""The Ray Data adapter: every row equals ``cleaner.clean``'s, a bad row is an error value.

Tests marked ``ray`` start a local Ray instance (``pytest -m ray``, tox env
``ray``); the others call :class:`cleaner.ray.CleanBatch` on pyarrow batches
directly and run in the default suite.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import cleaner
from cleaner.arrow import metadata_from_arrow, provenance_from_arrow
from cleaner.cli import main
from cleaner.ray import CleanBatch, clean_dataset
from cleaner.testing import seed_variants
from tests.conftest import ROOT, SEEDS

DOCUMENTS = 300
MAX_CHARS = 50_000


def check_row(row: dict[str, Any], text: str, url: str | None, column: str = "text") -> None:
    """Assert that an output row holds exactly what ``cleaner.clean`` gives."""
    expected = cleaner.clean(text, url=url)
    assert row["error"] is None, row["error"]
    assert row[column] == expected.text
    assert metadata_from_arrow(row["metadata"]) == expected.metadata
    assert provenance_from_arrow(row["provenance"]) == expected.provenance


def bad_rows() -> list[dict[str, Any]]:
    return [
        {"id": "bad-null", "url": None, "text": None},
        {"id": "bad-huge", "url": None, "text": "word " * (MAX_CHARS // 4)},
    ]


# --- CleanBatch on plain batches (default suite) ---------------------------------------


def test_clean_batch_on_arrow_keeps_columns_and_records_errors() -> None:
    records = list(seed_variants(SEEDS, 12)) + bad_rows()
    clean = CleanBatch(url_column="url", config=cleaner.CleanerConfig(max_document_chars=MAX_CHARS))
    out = clean(pa.Table.from_pylist(records))

    assert out.column_names == ["id", "url", "text", "metadata", "provenance", "error"]
    rows = out.to_pylist()
    for record, row in zip(records[:12], rows, strict=False):
        assert (row["id"], row["url"]) == (record["id"], record["url"])
        check_row(row, record["text"], record["url"])
    assert rows[12]["error"] == {
        "type": "ValueError",
        "message": "row has no value in column 'text'",
    }
    assert rows[13]["error"]["type"] == "ValueError"
    assert str(MAX_CHARS) in rows[13]["error"]["message"]
    for row in rows[12:]:
        assert row["text"] is row["metadata"] is row["provenance"] is None


def test_clean_batch_output_column_keeps_the_input() -> None:
    records = list(seed_variants(SEEDS, 3))
    clean = CleanBatch(text_column="text", output_column="clean_text")
    rows = clean(pa.Table.from_pylist(records)).to_pylist()
    for record, row in zip(records, rows, strict=True):
        assert row["text"] == record["text"]
        check_row(row, record["text"], None, column="clean_text")


def test_clean_batch_html_column() -> None:
    page = (
        "<html><head><title>A report</title></head><body><article>"
        + "".join(f"<p>{line}</p>" for line in (SEEDS / "000_3b5fd862162eda80.txt").open())
        + "</article></body></html>"
    )
    url = "https://news.example.org/a"
    table = pa.table(
        {
            "url": [url, url, url],
            "html": pa.array([page.encode("utf-8"), b"\x00\x01\xff" * 50, None], pa.binary()),
        }
    )
    rows = CleanBatch(html_column="html", url_column="url")(table).to_pylist()
    expected = cleaner.clean_html(page.encode("utf-8"), url=url)
    assert rows[0]["text"] == expected.text
    assert provenance_from_arrow(rows[0]["provenance"]) == expected.provenance
    assert rows[1]["error"]["type"] == "DecodeError"
    assert rows[2]["error"] == {
        "type": "ValueError",
        "message": "row has no value in column 'html'",
    }


def test_clean_batch_configuration_errors(tmp_path: Path) -> None:
    with pytest.raises(cleaner.UnknownSiteError):
        CleanBatch(site="no-such-pack")
    (tmp_path / "broken.yaml").write_text("name: broken\nrules: [\n", "utf-8")
    with pytest.raises(cleaner.RulePackError, match=r"broken\.yaml"):
        CleanBatch(rules_dirs=[tmp_path])
    with pytest.raises(KeyError, match="'body'"):
        CleanBatch(text_column="body")(pa.table({"text": ["a"]}))
    with pytest.raises(TypeError, match="batch_format"):
        CleanBatch()({"text": ["a"]})


# --- On a local Ray instance (pytest -m ray) ---------------------------------------------


@pytest.fixture(scope="module")
def ray_local() -> Iterator[ModuleType]:
    import ray  # noqa: PLC0415 (only the ray tests need Ray)

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[str, Any]]]:
    """A folder of JSON Lines files: seed variants and a few bad rows."""
    folder = tmp_path_factory.mktemp("corpus")
    records = list(seed_variants(SEEDS, DOCUMENTS)) + bad_rows()
    size = len(records) // 3 + 1
    for part in range(3):
        with (folder / f"part-{part}.jsonl").open("w", encoding="utf-8") as handle:
            for record in records[part * size : (part + 1) * size]:
                handle.write(json.dumps(record) + "\n")
    return folder, {r["id"]: r for r in records}


def check_output(rows: list[dict[str, Any]], records: dict[str, dict[str, Any]]) -> None:
    assert sorted(r["id"] for r in rows) == sorted(records)
    for row in rows:
        if row["id"].startswith("bad-"):
            assert row["error"]["type"] == "ValueError"
            assert row["text"] is None
        else:
            record = records[row["id"]]
            check_row(row, record["text"], record["url"])


@pytest.mark.ray
def test_clean_dataset_jsonl_to_parquet(
    ray_local: ModuleType,
    corpus: tuple[Path, dict[str, dict[str, Any]]],
    tmp_path: Path,
) -> None:
    folder, records = corpus
    ds = ray_local.data.read_json(str(folder))
    config = cleaner.CleanerConfig(max_document_chars=MAX_CHARS)
    # Two actors at half a CPU each leave the second CPU to the read and write tasks:
    # actors holding every CPU would starve the read tasks that feed them.
    cleaned = clean_dataset(
        ds, url_column="url", config=config, concurrency=2, num_cpus=0.5, batch_size=32
    )
    cleaned.write_parquet(str(tmp_path / "out"))
    check_output(pq.read_table(tmp_path / "out").to_pylist(), records)


@pytest.mark.ray
def test_clean_dataset_pandas_batches(ray_local: ModuleType) -> None:
    records = [*seed_variants(SEEDS, 20), {"id": "bad-null", "url": None, "text": None}]
    ds = ray_local.data.from_items(records)
    rows = clean_dataset(ds, url_column="url", batch_format="pandas", concurrency=1).take_all()
    check_output(rows, {r["id"]: r for r in records})


@pytest.mark.ray
def test_clean_dataset_fails_early_on_configuration(ray_local: ModuleType) -> None:
    ds = ray_local.data.from_items([{"text": "a"}])
    with pytest.raises(cleaner.UnknownSiteError):
        clean_dataset(ds, site="no-such-pack")


@pytest.mark.ray
def test_clean_dataset_takes_the_scope_options(ray_local: ModuleType) -> None:
    from tests.test_scope import DOC, HEADLINE  # noqa: PLC0415 - the story the scope tests use

    ds = ray_local.data.from_items([{"id": "a", "text": DOC}])
    cleaned = clean_dataset(ds, keep_headline=True, keep_comments=True, concurrency=1)
    (row,) = cleaned.take_all()
    assert row["text"].startswith(HEADLINE) and "twenty years" in row["text"]
    assert row["provenance"]["scope"] == {"headline": True, "comments": True}


def load_example() -> ModuleType:
    path = ROOT / "examples" / "ray_clean.py"
    spec = importlib.util.spec_from_file_location("ray_clean_example", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.ray
def test_example_script(
    ray_local: ModuleType,
    corpus: tuple[Path, dict[str, dict[str, Any]]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Parquet in this time: part of the corpus (the bad rows included) as one Parquet file.
    records = {k: v for n, (k, v) in enumerate(corpus[1].items()) if n % 5 == 0 or "bad" in k}
    parquet_in = tmp_path / "in"
    parquet_in.mkdir()
    pq.write_table(pa.Table.from_pylist(list(records.values())), parquet_in / "docs.parquet")
    example = load_example()
    argv = ["--input", str(parquet_in), "--output", str(tmp_path / "out"), "--url-column", "url"]
    options = ["--concurrency", "2", "--num-cpus", "0.5", "--max-chars", str(MAX_CHARS)]
    assert example.main([*argv, *options]) == 0
    check_output(pq.read_table(tmp_path / "out").to_pylist(), records)
    report = capsys.readouterr().out
    assert f"{len(records)} rows, 2 errors" in report

    # A second run into the same folder is refused (Ray would add files: twice the rows),
    # and --overwrite replaces them; a relative input folder of Parquet files is Parquet.
    assert example.main([*argv, *options]) == 2
    assert "is not empty: pass --overwrite" in capsys.readouterr().err
    monkeypatch.chdir(tmp_path)
    relative = ["--input", "in", "--output", "out", "--url-column", "url", "--overwrite"]
    assert example.main([*relative, *options]) == 0
    assert f"{len(records)} rows, 2 errors" in capsys.readouterr().out
    check_output(pq.read_table(tmp_path / "out").to_pylist(), records)


@pytest.mark.ray
def test_ray_and_the_command_line_write_one_schema(ray_local: ModuleType, tmp_path: Path) -> None:
    rows = [
        {"id": f"d{n}", "url": None, "lang": "en", "meta": {"n": n, "tags": ["a"]}, "text": text}
        for n, text in enumerate(record["text"] for record in seed_variants(SEEDS, 12))
    ]
    source = tmp_path / "in" / "part.jsonl"
    source.parent.mkdir()
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    cli_out = tmp_path / "cli.parquet"
    assert main(["clean", str(source), "--format", "parquet", "-o", str(cli_out), "-q"]) == 0
    ds = ray_local.data.read_json(str(source.parent))
    clean_dataset(ds, concurrency=1, num_cpus=0.5).write_parquet(str(tmp_path / "ray"))
    by_ray = pq.read_table(tmp_path / "ray")
    by_cli = pq.read_table(cli_out).drop_columns(["extra"])
    assert sorted(by_ray.schema.names) == sorted(by_cli.schema.names)
    for name in by_cli.schema.names:
        assert by_ray.schema.field(name).type == by_cli.schema.field(name).type, name
    ray_rows = sorted(by_ray.to_pylist(), key=lambda r: r["id"])
    cli_rows = sorted(by_cli.to_pylist(), key=lambda r: r["id"])
    for from_ray, from_cli in zip(ray_rows, cli_rows, strict=True):
        assert {**from_ray, "provenance": None} == {**from_cli, "provenance": None}
        assert from_ray["provenance"]["removals"] == from_cli["provenance"]["removals"]
