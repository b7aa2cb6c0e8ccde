"""One record layer: the same records and schema from every path, strict JSON, provenance levels."""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import cleaner
from cleaner import batch, inputs
from cleaner.arrow import (
    PROVENANCE_TYPE,
    metadata_from_arrow,
    provenance_from_arrow,
    provenance_to_arrow,
)
from cleaner.cli import main
from cleaner.jsonl import Setup, clean_stream
from cleaner.progress import Progress
from cleaner.ray import CleanBatch
from cleaner.records import (
    JsonlWriter,
    NonFiniteNumber,
    dumps,
    error_record,
    loads,
    shape_provenance,
)
from tests.conftest import ROOT, SEEDS

TEXTS = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def _stream(lines: list[bytes]) -> list[dict[str, Any]]:
    sink = io.BytesIO()
    clean_stream(lines, sink, setup=Setup(), jobs=1)
    return [json.loads(line) for line in sink.getvalue().splitlines()]


def test_error_records_keep_a_float_id_and_say_where() -> None:
    (record,) = _stream([b'{"id": 2.5, "text": "Hello."}'])
    assert record == {
        "id": 2.5,
        "line": 1,
        "error": {"type": "RecordError", "message": "'id' must be a string or an integer"},
    }
    record = error_record("doc", [1], ValueError("x"), where={"file": "a.warc", "offset": 9})
    assert record == {
        "doc": None,
        "file": "a.warc",
        "offset": 9,
        "error": {"type": "ValueError", "message": "x"},
    }


@pytest.mark.parametrize(
    "line",
    [
        b'{"id": 1, "text": "Hi.", "score": 1e99999}',
        b'{"id": 1, "text": "Hi.", "score": NaN}',
        b'{"id": 1, "text": "Hi.", "score": -Infinity}',
    ],
)
def test_numbers_strict_json_cannot_hold_give_an_error_record(line: bytes) -> None:
    (record,) = _stream([line])
    assert record["error"]["type"] == "NonFiniteNumber" and record["line"] == 1
    with pytest.raises(NonFiniteNumber):
        loads(line)
    with pytest.raises(NonFiniteNumber):
        dumps({"x": float("inf")})


def test_output_is_strict_json_even_for_a_record_built_by_hand() -> None:
    sink = io.BytesIO()
    JsonlWriter(sink).write({"id": "a", "line": 3, "score": float("nan")})
    record = json.loads(sink.getvalue(), parse_constant=pytest.fail)
    assert record["id"] == "a" and record["line"] == 3
    assert record["error"]["type"] == "NonFiniteNumber"


def test_provenance_summary_keeps_hashes_packs_and_rule_counts() -> None:
    result = cleaner.clean(TEXTS[0], url="https://www.telesurenglish.net/news/a")
    summary = shape_provenance(result.provenance, "summary")
    assert set(summary) == {
        *("tool", "input", "canonical", "output", "packs", "source", "url", "scope"),
        "rule_counts",
    }
    assert sum(summary["rule_counts"].values()) == len(result.provenance["removals"]) > 0
    assert summary["output"]["sha256"] == cleaner.provenance.sha256(result.text)
    assert shape_provenance(result.provenance, "none") == {}


@pytest.mark.parametrize("level", ["summary", "none"])
def test_provenance_levels_in_the_command_line(
    level: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = "".join(json.dumps({"id": n, "text": t}) + "\n" for n, t in enumerate(TEXTS))
    full, small = tmp_path / "full.jsonl", tmp_path / "small.jsonl"
    for out, extra in ((full, []), (small, ["--provenance", level])):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode())))
        assert main(["clean", "-", "--format", "jsonl", "-o", str(out), "-q", *extra]) == 0
    assert small.stat().st_size < full.stat().st_size
    for whole, cut in zip(_jsonl(full), _jsonl(small), strict=True):
        assert cut["text"] == whole["text"]
        if level == "none":
            assert "provenance" not in cut
        else:
            assert cut["provenance"] == shape_provenance(whole["provenance"], "summary")

    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(TEXTS[0], "utf-8")
    assert main(["clean", str(src), "-o", str(tmp_path / "o"), "-q", "--provenance", level]) == 0
    sidecar = json.loads((tmp_path / "o" / "a.json").read_text("utf-8"))
    assert ("provenance" in sidecar) == (level == "summary")


def test_parquet_takes_the_id_and_text_field_names(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"doc": "x", "body": "News.\n\nShare this:\n"}) + "\n", "utf-8")
    out = tmp_path / "out.parquet"
    fields = ["--id-field", "doc", "--text-field", "body"]
    assert main(["clean", str(source), "--format", "parquet", "-o", str(out), *fields]) == 0
    (row,) = pq.read_table(out).to_pylist()
    assert (row["doc"], row["body"]) == ("x", "News.\n")
    assert "id" not in row and "text" not in row


def test_one_schema_for_one_input_whichever_path_wrote_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        {"id": f"d{n}", "url": None, "lang": "en", "meta": {"n": n, "tags": ["a"]}, "text": text}
        for n, text in enumerate(TEXTS)
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    as_jsonl, as_parquet, stats = tmp_path / "o.jsonl", tmp_path / "o.parquet", tmp_path / "s.json"
    assert main(["clean", str(source), "--format", "jsonl", "-o", str(as_jsonl), "-q"]) == 0
    command = ["clean", str(source), "--format", "parquet", "-o", str(as_parquet), "-j", "2"]
    assert main([*command, "--stats", str(stats)]) == 0
    records = _jsonl(as_jsonl)
    cli = pq.read_table(as_parquet)
    batch = CleanBatch()(pa.Table.from_pylist(rows))

    # The same columns with the same types (the command line adds "extra", its column
    # of fields that fit no column; none do here).
    assert cli.column("extra").null_count == len(rows)
    cli = cli.drop_columns(["extra"])
    assert sorted(cli.schema.names) == sorted(batch.schema.names)
    for name in cli.schema.names:
        assert cli.schema.field(name).type == batch.schema.field(name).type, name
    assert cli.schema.field("url").type == pa.string()

    # The same values, and the JSON Lines records read back from both.
    for record, from_cli, from_batch in zip(
        records, cli.to_pylist(), batch.to_pylist(), strict=True
    ):
        for row in (from_cli, from_batch):
            assert (row["id"], row["text"], row["lang"], row["meta"]) == (
                record["id"],
                record["text"],
                record["lang"],
                record["meta"],
            )
            assert metadata_from_arrow(row["metadata"]) == record["metadata"]
            provenance = provenance_from_arrow(row["provenance"])
            assert provenance is not None
            # The source says how the text came in (a JSON Lines field, a table column).
            assert {**provenance, "source": None} == {**record["provenance"], "source": None}
            assert row["error"] is None
    counts = json.loads(stats.read_text("utf-8"))
    assert (counts["documents"], counts["failed"]) == (len(rows), 0)
    assert counts["bytes_out"] == sum(len(r["text"].encode()) for r in records)


def test_provenance_round_trips_through_arrow_for_every_input_kind() -> None:
    html = (Path(__file__).parent / "data" / "article.html").read_text("utf-8")
    results = [
        cleaner.clean(TEXTS[1], url="https://www.telesurenglish.net/x"),
        cleaner.clean_html(html, url="https://news.example.org/a"),
        cleaner.Cleaner(config=cleaner.CleanerConfig(html_fast=True)).clean_html(html),
    ]
    array = pa.array([provenance_to_arrow(r.provenance) for r in results], PROVENANCE_TYPE)
    for result, cell in zip(results, array.to_pylist(), strict=True):
        assert provenance_from_arrow(cell) == result.provenance


def test_folder_progress_counts_the_records_of_a_long_input(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    lines = "".join(json.dumps({"id": n, "text": f"Story {n}.\n"}) + "\n" for n in range(30))
    (src / "many.jsonl").write_text(lines, "utf-8")
    (src / "one.txt").write_text(TEXTS[0], "utf-8")
    out = tmp_path / "out"
    counter = multiprocessing.Value("q", 0)
    setup = batch.BatchSetup(fingerprint="fingerprint", counter=counter)
    worker = setup.worker()
    seen = []
    for task in inputs.discover([src], out):
        batch.process(worker, task)
        seen.append(counter.value)
    assert seen == [30, 31]  # each record of the JSON Lines file, then the document

    progress = Progress(None, unit="record", enabled=False)
    with progress.follow(counter, interval=0.01):
        with counter.get_lock():
            counter.value += 9
        deadline = time.monotonic() + 10
        while progress.done < 40 and time.monotonic() < deadline:
            time.sleep(0.01)  # the thread follows the counter while the block runs
        assert progress.done == 40
    assert progress.done == 40


def test_duckdb_reads_the_nested_columns(tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb", reason="duckdb is not installed")
    out = tmp_path / "clean.parquet"
    assert main(["clean", str(SEEDS), "--format", "parquet", "-o", str(out), "-q", "-j", "1"]) == 0
    rows = duckdb.sql(
        f"SELECT id, len(provenance.removals), provenance.output.sha256 FROM '{out}' ORDER BY id"
    ).fetchall()
    for (ident, cuts, digest), path in zip(rows, sorted(SEEDS.glob("*.txt")), strict=True):
        expected = cleaner.clean(path.read_text("utf-8"))
        assert ident == str(path)
        assert cuts == len(expected.provenance["removals"])
        assert digest == cleaner.provenance.sha256(expected.text)
    query = (
        "SELECT r.rule, count(*) FROM (SELECT unnest(provenance.removals) AS r "
        f"FROM '{out}') GROUP BY 1"
    )
    by_rule = dict(duckdb.sql(query).fetchall())
    assert sum(by_rule.values()) == sum(cut for _, cut, _ in rows) > 0


def test_clean_batch_provenance_levels() -> None:
    table = pa.table({"id": ["a"], "text": [TEXTS[0]]})
    summary = CleanBatch(provenance="summary")(table).column("provenance").to_pylist()[0]
    full = CleanBatch()(table).column("provenance").to_pylist()[0]
    assert summary["removals"] is None and full["removals"]
    assert (
        dict(summary["rule_counts"])
        == shape_provenance(provenance_from_arrow(full) or {}, "summary")["rule_counts"]
    )
    assert CleanBatch(provenance="none")(table).column("provenance").to_pylist() == [None]
    with pytest.raises(ValueError, match="provenance must be one of"):
        CleanBatch(provenance="some")  # type: ignore[arg-type]


def test_html_provenance_is_the_same_whatever_the_hash_seed(tmp_path: Path) -> None:
    # The rules an HTML page's removals name are listed in a stable order: a re-run (or
    # another worker process, with its own hash seed) writes the same bytes.
    page = ROOT / "tests" / "data" / "article.html"
    script = (
        "import json, sys, cleaner; "
        "r = cleaner.Cleaner(config=cleaner.CleanerConfig(html_choice=False))"
        ".clean_html(open(sys.argv[1], 'rb').read()); "
        "print(json.dumps(r.provenance['rules']))"
    )
    outputs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script, str(page)],
            capture_output=True,
            env=env,
            check=True,
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1
