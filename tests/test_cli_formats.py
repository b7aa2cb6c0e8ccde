"""The command line on WARC inputs and Parquet output: records, provenance, exit codes."""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

import cleaner
from cleaner.arrow import metadata_from_arrow, provenance_from_arrow
from cleaner.cli import main
from cleaner.inputs import ERRORS_FILE, STATS_FILE
from cleaner.warc import clean_warc
from tests.conftest import SEEDS
from tests.test_warc import RESPONSES, page, write_warc

BROKEN = 5
"""Index in RESPONSES of the response whose body cannot be decoded."""
GOOD = [r for i, r in enumerate(RESPONSES) if i != BROKEN]
TEXTS = sorted(SEEDS.glob("*.txt"))[:2]


@pytest.fixture
def src(tmp_path: Path) -> Path:
    """A folder with a WARC file (no bad record), two text files and an HTML page."""
    folder = tmp_path / "src"
    (folder / "crawl").mkdir(parents=True)
    write_warc(folder / "crawl" / "a.warc.gz", GOOD)
    for path in TEXTS:
        shutil.copy(path, folder / path.name)
    (folder / "page.html").write_text(page(TEXTS[0].read_text("utf-8")), "utf-8")
    return folder


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def _same_row(row: dict[str, Any], record: dict[str, Any]) -> None:
    """Assert that a Parquet row holds the JSON Lines output record."""
    assert row["id"] == (None if record["id"] is None else str(record["id"]))
    assert row["text"] == record.get("text")
    assert metadata_from_arrow(row["metadata"]) == record.get("metadata")
    assert provenance_from_arrow(row["provenance"]) == record.get("provenance")
    assert row["error"] == record.get("error")  # {"type", "message"} in both
    for name, value in record.items():
        if name not in ("id", "text", "metadata", "provenance", "error"):
            assert row[name] == value


def test_folder_with_warc_writes_records_with_ids_and_uris(
    src: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {p: p.read_bytes() for p in src.rglob("*") if p.is_file()}
    out = tmp_path / "out"
    assert main(["clean", str(src), "-o", str(out), "-j", "1"]) == 0
    assert {p: p.read_bytes() for p in src.rglob("*") if p.is_file()} == before
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    stems = sorted(p.stem for p in TEXTS)
    assert names == sorted(
        [STATS_FILE, "crawl/a.json", "crawl/a.jsonl", "page.json", "page.txt"]
        + [f"{s}.json" for s in stems]
        + [f"{s}.txt" for s in stems]
    )

    records = _jsonl(out / "crawl" / "a.jsonl")
    expected = list(clean_warc(src / "crawl" / "a.warc.gz"))
    assert records == expected
    assert [r["url"] for r in records] == [GOOD[i][0] for i in (0, 1, 2, 5)]
    for record in records:
        assert record["id"].startswith("<urn:uuid:")
        warc = record["provenance"]["source"]["warc"]
        assert (warc["record_id"], warc["target_uri"]) == (record["id"], record["url"])
        assert (warc["file"], warc["record_type"]) == ("a.warc.gz", "response")
        assert cleaner.provenance.verify(record["provenance"], record["text"]) == []
    sidecar = json.loads((out / "crawl" / "a.json").read_text("utf-8"))
    assert (sidecar["records"], sidecar["failed"]) == (4, 0)
    assert sidecar["passed_over"] == {"not-html": 1, "status": 1}
    err = capsys.readouterr().err
    assert "cleaned 7 document(s)" in err
    assert "2 web archive document(s) passed over (not-html 1, status 1)" in err
    assert not (out / ERRORS_FILE).exists()

    stats = json.loads((out / STATS_FILE).read_text("utf-8"))
    assert (stats["documents"], stats["failed"], stats["inputs"]) == (7, 0, 4)
    assert stats["record_types"] == {"request": 6, "response": 6, "warcinfo": 1}
    assert stats["passed_over"] == {"not-html": 1, "status": 1}
    assert sum(stats["removals"].values()) > 0 and stats["seconds"] >= 0

    def snapshot() -> dict[Path, bytes]:
        return {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != STATS_FILE}

    before = snapshot()
    assert main(["clean", str(src), "-o", str(out), "-j", "2"]) == 0
    assert "4 up to date" in capsys.readouterr().err
    assert snapshot() == before


def test_bad_warc_files_and_records_are_logged_and_the_rest_cleaned(
    src: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (src / "fake.warc").write_text("This is a text file, not a WARC file.\n" * 20, "utf-8")
    write_warc(src / "crawl" / "b.warc", RESPONSES)
    out = tmp_path / "out"
    assert main(["clean", str(src), "-o", str(out), "-j", "1"]) == 1
    err = capsys.readouterr().err
    assert "fake.warc: not a WARC or ARC file" in err
    errors = _jsonl(out / ERRORS_FILE)
    assert [(Path(e["path"]).name, e["type"]) for e in errors] == [
        ("b.warc", "RecordErrors"),
        ("fake.warc", "WarcError"),
    ]
    assert "1 of 5 record(s) failed" in errors[0]["message"]
    assert not (out / "fake.jsonl").exists() and not (out / "fake.json").exists()
    (broken,) = [r for r in _jsonl(out / "crawl" / "b.jsonl") if "error" in r]
    assert broken["url"] == RESPONSES[BROKEN][0]
    assert broken["error"]["type"] == "DecodeError"
    assert (broken["file"], type(broken["offset"])) == (str(src / "crawl" / "b.warc"), int)
    assert len(_jsonl(out / "crawl" / "a.jsonl")) == 4
    assert (out / "page.txt").is_file()


def test_parquet_from_a_folder_matches_jsonl_and_the_api(src: Path, tmp_path: Path) -> None:
    as_jsonl, as_parquet = tmp_path / "all.jsonl", tmp_path / "all.parquet"
    assert main(["clean", str(src), "--format", "jsonl", "-o", str(as_jsonl), "-q", "-j", "1"]) == 0
    args = ["clean", str(src), "--format", "parquet", "-o", str(as_parquet), "-q", "-j", "2"]
    assert main(args) == 0
    records = _jsonl(as_jsonl)
    rows = pq.read_table(as_parquet).to_pylist()
    assert len(rows) == len(records) == 4 + 3
    for row, record in zip(rows, records, strict=True):
        _same_row(row, record)

    # Inputs in sorted path order; a WARC file's responses in file order.
    warc_ids = [r["id"] for r in clean_warc(src / "crawl" / "a.warc.gz")]
    texts = [str(src / p.name) for p in TEXTS]
    assert [r["id"] for r in rows] == [*texts, *warc_ids, str(src / "page.html")]
    by_id = {row["id"]: row for row in rows}
    for path in TEXTS:
        expected = cleaner.clean(path.read_text("utf-8"))
        row = by_id[str(src / path.name)]
        assert row["text"] == expected.text
        assert row["provenance"]["removals"] == expected.provenance["removals"]
    html = cleaner.clean_html((src / "page.html").read_bytes())
    assert by_id[str(src / "page.html")]["text"] == html.text
    assert by_id[warc_ids[0]]["url"] == GOOD[0][0]


def test_parquet_from_stdin_matches_jsonl_and_the_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    texts = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    lines = [
        json.dumps({"id": n, "text": text, "lang": "en", "url": f"https://example.com/{n}"})
        for n, text in enumerate(texts)
    ]
    lines.insert(2, "{not json")
    data = ("\n".join(lines) + "\n").encode("utf-8")

    def run(fmt: str, out: Path) -> int:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        return main(["clean", "-", "--format", fmt, "-o", str(out), "-j", "1"])

    assert run("jsonl", tmp_path / "out.jsonl") == 1
    assert run("parquet", tmp_path / "out.parquet") == 1
    assert f"cleaned {len(texts)} of {len(texts) + 1} record(s), 1 failed" in (
        capsys.readouterr().err
    )
    records = _jsonl(tmp_path / "out.jsonl")
    table = pq.read_table(tmp_path / "out.parquet")
    rows = table.to_pylist()
    assert len(rows) == len(records) == len(texts) + 1
    for row, record in zip(rows, records, strict=True):
        _same_row(row, record)
    assert rows[2]["error"] is not None and rows[2]["line"] == 3
    cleaned = [row for row in rows if row["error"] is None]
    for n, (row, text) in enumerate(zip(cleaned, texts, strict=True)):
        expected = cleaner.clean(text, url=f"https://example.com/{n}")
        assert (row["id"], row["lang"]) == (str(n), "en")
        assert row["text"] == expected.text
        assert metadata_from_arrow(row["metadata"]) == expected.metadata
    assert not list(tmp_path.glob(".*tmp"))


def test_stream_of_jsonl_and_warc_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = tmp_path / "in.jsonl"
    records.write_text(json.dumps({"doc": "x", "body": "Some news.\n\nShare this:\n"}) + "\n")
    write_warc(tmp_path / "c.warc", RESPONSES)
    out = tmp_path / "out.jsonl"
    fields = ["--id-field", "doc", "--text-field", "body", "--url-field", "link"]
    args = ["clean", str(records), str(tmp_path / "c.warc"), "--format", "jsonl", "-o", str(out)]
    assert main([*args, "-j", "1", *fields]) == 1  # the broken response
    err = capsys.readouterr().err
    assert "cleaned 5 of 6 record(s), 1 failed" in err
    assert "2 web archive document(s) passed over (not-html 1, status 1)" in err
    first, *warc = _jsonl(out)
    assert first == {**first, "doc": "x", "body": "Some news.\n"}
    assert [r["link"] for r in warc] == [RESPONSES[i][0] for i in (0, 1, 2, 5, 6)]
    assert all(r["doc"].startswith("<urn:uuid:") for r in warc)
    assert all("body" in r for r in warc if "error" not in r)


def test_usage_errors_and_failures(
    src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    warc = src / "crawl" / "a.warc.gz"
    assert main(["clean", str(src), "--format", "parquet"]) == 2
    assert "-o FILE.parquet" in capsys.readouterr().err
    target = str(tmp_path / "o.parquet")
    assert main(["clean", str(src), "--format", "parquet", "-o", str(tmp_path)]) == 2
    assert main(["clean", str(warc)]) == 2  # many pages, no output named
    assert "a WARC file holds many pages" in capsys.readouterr().err

    fake = tmp_path / "fake.warc"
    fake.write_bytes(b"not a WARC file at all\r\n" * 10)
    assert main(["clean", str(fake), str(warc), "--format", "parquet", "-o", target]) == 1
    assert "fake.warc: not a WARC or ARC file" in capsys.readouterr().err
    rows = pq.read_table(target).to_pylist()  # the bad file is an error record, the rest lands
    assert rows[0]["file"] == str(fake) and rows[0]["offset"] == 0
    assert rows[0]["error"]["type"] == "WarcError" and len(rows) == 5
    assert not list(tmp_path.glob(".*tmp"))

    monkeypatch.delitem(sys.modules, "cleaner.parquet", raising=False)
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    assert main(["clean", str(src), "--format", "parquet", "-o", target]) == 2
    assert "pip install 'cleaner[parquet]'" in capsys.readouterr().err
    monkeypatch.delitem(sys.modules, "cleaner.warc", raising=False)
    for name in [m for m in sys.modules if m.split(".")[0] == "warcio"]:
        monkeypatch.setitem(sys.modules, name, None)
    assert main(["clean", str(src), "-o", str(tmp_path / "out")]) == 2
    assert "pip install 'cleaner[warc]'" in capsys.readouterr().err
    assert main(["clean", str(warc), "--format", "jsonl"]) == 2
    assert "web archive input needs the 'warc' extra" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
