"""Inputs and outputs named by fsspec URLs: ``memory://`` and ``file://``."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import cleaner
from cleaner.cli import main
from tests.conftest import SEEDS
from tests.test_archives import ARCHIVES

fsspec = pytest.importorskip("fsspec", reason="needs the fsspec extra")

TEXTS = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]


@pytest.fixture
def memory() -> fsspec.AbstractFileSystem:
    filesystem = fsspec.filesystem("memory")
    yield filesystem
    filesystem.rm("/", recursive=True)


def test_memory_folder_in_memory_file_out(
    memory: fsspec.AbstractFileSystem, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = "".join(json.dumps({"id": n, "text": t}) + "\n" for n, t in enumerate(TEXTS[:2]))
    memory.pipe("/in/a.jsonl.gz", gzip.compress(lines.encode()))
    memory.pipe("/in/sub/b.txt", TEXTS[2].encode())
    memory.pipe("/in/sub/.hidden.txt", b"not read")
    memory.pipe("/in/c.warc.gz", (ARCHIVES / "example.warc.gz").read_bytes())
    args = ["clean", "memory://in", "--format", "jsonl", "-o", "memory://out/all.jsonl", "-q"]
    assert main(args) == 0
    records = [json.loads(line) for line in memory.cat("/out/all.jsonl").splitlines()]
    assert [r["text"] for r in records[:2]] == [cleaner.clean(t).text for t in TEXTS[:2]]
    assert records[2]["url"] == "http://example.com/"
    assert records[3]["id"] == "memory:///in/sub/b.txt"
    assert records[3]["text"] == cleaner.clean(TEXTS[2]).text
    assert len(records) == 4

    assert main(["clean", "memory://in/a.jsonl.gz", "--format", "parquet", "-o",
                 "memory://out/a.parquet", "-q"]) == 0  # fmt: skip
    with memory.open("/out/a.parquet", "rb") as handle:
        rows = pq.read_table(handle).to_pylist()
    assert [r["text"] for r in rows] == [r["text"] for r in records[:2]]


def test_file_urls_and_missing_ones(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a", "text": TEXTS[0]}) + "\n", "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["clean", f"file://{source}", "--format", "jsonl", "-o", f"file://{out}"]) == 0
    (record,) = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert record["text"] == cleaner.clean(TEXTS[0]).text
    assert main(["clean", f"file://{tmp_path}/absent.jsonl", "--format", "jsonl"]) == 2
    assert "no such file or folder: file://" in capsys.readouterr().err
    assert main(["clean", f"file://{source}", "-o", str(tmp_path / "o")]) == 2
    assert "--format jsonl or parquet" in capsys.readouterr().err
