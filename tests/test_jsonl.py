"""JSON Lines streaming: one output line per input line, in order; same results as the API."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import cleaner
from cleaner.cli import main
from cleaner.config import CleanerConfig
from cleaner.jsonl import Fields, Setup, clean_stream
from tests.conftest import ROOT, SEEDS

ARTICLE = (SEEDS / "002_7c084e74566a1192.txt").read_text("utf-8")
PAGE = (
    "<html><head><title>Council passes budget</title></head><body><article>"
    "<h1>Council passes budget</h1>"
    "<p>The council approved the budget on Tuesday after a debate that lasted all spring.</p>"
    "<p>Share this:</p>"
    "<p>Construction starts in the autumn, officials said, and will run for two years.</p>"
    "</article></body></html>"
)

MIXED = [
    json.dumps({"id": "a", "text": ARTICLE, "url": "https://www.example.com/a", "lang": "en"}),
    "this is not JSON",
    "",
    json.dumps({"text": "No id here."}),
    json.dumps({"id": "c"}),
    json.dumps({"id": [1], "text": "An id must be a string or an integer."}),
    json.dumps({"id": "d", "text": 42}),
    '{"id": "e", "text": "lone \\ud800 surrogate"}',
    json.dumps(["a", "list"]),
    json.dumps({"id": 7, "html": PAGE}),
]
EXPECTED_ERRORS = {
    2: "JSONDecodeError",
    3: "RecordError",
    4: "RecordError",
    5: "RecordError",
    6: "RecordError",
    7: "RecordError",
    8: "RecordError",
    9: "RecordError",
}


def _stream(lines: list[bytes], **options: object) -> tuple[list[dict[str, object]], int]:
    sink = io.BytesIO()
    tally = clean_stream(lines, sink, setup=Setup(**options), jobs=1)  # type: ignore[arg-type]
    out = sink.getvalue().decode("utf-8").splitlines()
    return [json.loads(line) for line in out], tally.failed


def test_malformed_lines_give_error_records_in_place() -> None:
    data = [line.encode() + b"\n" for line in MIXED] + [b'{"id": "f", "text": "\xff\xfe"}\n']
    # The generic rules' cuts are checked below: without the learned choice among
    # extractions, which may prefer a candidate those rules did not clean (tests/test_choice.py).
    records, failed = _stream(data, config=CleanerConfig(html_choice=False))
    assert len(records) == len(data)
    assert failed == len(EXPECTED_ERRORS) + 1
    for number, record in enumerate(records, start=1):
        if number in EXPECTED_ERRORS:
            assert record["error"]["type"] == EXPECTED_ERRORS[number]  # type: ignore[index]
            assert record["line"] == number
    assert records[0]["id"] == "a" and records[0]["lang"] == "en"
    assert records[0]["url"] == "https://www.example.com/a"
    assert set(records[0]) == {"id", "url", "lang", "text", "metadata", "provenance"}
    assert "Back to top button" not in records[0]["text"]  # type: ignore[operator]
    assert records[6]["id"] == "d" and records[7]["id"] == "e"
    assert "surrogate" in records[7]["error"]["message"]  # type: ignore[index]
    assert records[3]["id"] is None
    assert records[9]["id"] == 7 and "Share this:" not in records[9]["text"]  # type: ignore[operator]
    assert records[10]["error"]["type"] == "UnicodeDecodeError"  # type: ignore[index]


def test_folder_jsonl_and_api_agree(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "article.txt").write_text(ARTICLE, "utf-8")
    (src / "page.html").write_text(PAGE, "utf-8")
    assert main(["clean", str(src), "-o", str(tmp_path / "out"), "-q", "-j", "1"]) == 0
    lines = [
        json.dumps({"id": "article", "text": ARTICLE}).encode(),
        json.dumps({"id": "page", "html": PAGE}).encode(),
    ]
    records, failed = _stream(lines)
    assert failed == 0
    api = [cleaner.clean(ARTICLE), cleaner.clean_html(PAGE)]
    for name, record, result in zip(["article", "page"], records, api, strict=True):
        folder_text = (tmp_path / "out" / f"{name}.txt").read_text("utf-8")
        folder_meta = json.loads((tmp_path / "out" / f"{name}.json").read_text("utf-8"))
        assert folder_text == record["text"] == result.text
        assert folder_meta["metadata"] == record["metadata"] == result.metadata
        assert (
            folder_meta["provenance"]["removals"]
            == record["provenance"]["removals"]  # type: ignore[index]
            == result.provenance["removals"]
        )


def test_field_names_are_configurable() -> None:
    line = json.dumps({"doc_id": 1, "body": "Some news.\n\nShare this:\n", "link": "x.example"})
    records, failed = _stream(
        [line.encode()], fields=Fields(id="doc_id", text="body", url="link", html="raw")
    )
    assert failed == 0
    assert records[0]["doc_id"] == 1 and records[0]["body"] == "Some news.\n"
    assert records[0]["link"] == "x.example" and "text" not in records[0]


def test_cli_stdin_to_stdout_in_parallel_keeps_order(tmp_path: Path) -> None:
    lines = [json.dumps({"id": n, "text": f"Story {n}.\n\nShare this:\n"}) for n in range(150)]
    lines[40] = "{broken"
    data = ("\n".join(lines) + "\n").encode()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "cleaner", "clean", "-", "--format", "jsonl", "-j", "2"]
    proc = subprocess.run(command, input=data, capture_output=True, env=env, check=False)
    assert proc.returncode == 1
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert len(out) == 150
    assert [r["id"] for r in out] == [None if n == 40 else n for n in range(150)]
    assert out[40]["line"] == 41
    assert out[39]["text"] == "Story 39.\n"
    assert b"149 of 150 record(s)" in proc.stderr


def test_cli_gzip_input_to_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.jsonl.gz"
    with gzip.open(source, "wt", encoding="utf-8") as handle:
        for n in range(5):
            handle.write(json.dumps({"id": n, "text": f"Item {n}.\n\nSpread the love\n"}) + "\n")
    target = tmp_path / "clean.jsonl"
    assert main(["clean", str(source), "--format", "jsonl", "-o", str(target), "-j", "1"]) == 0
    records = [json.loads(line) for line in target.read_text("utf-8").splitlines()]
    assert [r["text"] for r in records] == [f"Item {n}.\n" for n in range(5)]
    assert "cleaned 5 of 5 record(s), 0 failed" in capsys.readouterr().err
    assert not list(tmp_path.glob(".*tmp"))


def test_cli_truncated_input_ends_with_an_error_record_and_the_rest_lands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "cut.jsonl.gz"
    whole = gzip.compress(
        b"".join(b'{"id": %d, "text": "Line %d."}\n' % (n, n) for n in range(500))
    )
    source.write_bytes(whole[: len(whole) // 2])
    after = tmp_path / "after.jsonl"
    after.write_text('{"id": "z", "text": "After."}\n', "utf-8")
    target = tmp_path / "clean.jsonl"
    command = ["clean", str(source), str(after), "--format", "jsonl", "-o", str(target)]
    assert main([*command, "-j", "1"]) == 1
    assert "cut.jsonl.gz: line " in capsys.readouterr().err
    records = [json.loads(line) for line in target.read_text("utf-8").splitlines()]
    *read, cut, last = records
    assert [r["id"] for r in read] == list(range(len(read))) and len(read) > 100
    assert cut["id"] is None and cut["file"] == str(source)
    assert cut["line"] == len(read) + 1 and cut["error"]["type"] == "EOFError"
    assert last["id"] == "z" and last["text"] == "After.\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "after.jsonl",
        "clean.jsonl",
        "cut.jsonl.gz",
    ]


def test_cli_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", "-", "-o", str(tmp_path)]) == 2
    assert "standard input is one document: -o names a file" in capsys.readouterr().err
    assert main(["clean", str(tmp_path / "none.jsonl"), "--format", "jsonl"]) == 2
    assert main(["clean", "-", "--format", "jsonl", "-o", str(tmp_path)]) == 2
    assert "names a file, not a folder" in capsys.readouterr().err
