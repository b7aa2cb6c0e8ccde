"""Folder batches: bad inputs, SIGKILL and resume, incremental runs, collisions, dry run."""

from __future__ import annotations

import gzip
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cleaner.cli import main
from cleaner.corpus import documents, write_folder
from cleaner.inputs import ERRORS_FILE, STATS_FILE
from cleaner.progress import Progress
from tests.conftest import ROOT, SEEDS


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.name != STATS_FILE  # the last run's counts and time
    }


def _corpus(folder: Path, count: int, paragraphs: int = 4) -> list[Path]:
    return write_folder(folder, documents(SEEDS, count, paragraphs=paragraphs))


def test_bad_inputs_are_logged_and_the_rest_cleaned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src"
    good = _corpus(src, 30)
    (src / "bad").mkdir()
    (src / "bad" / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(256))
    (src / "bad" / "truncated.html.gz").write_bytes(gzip.compress(b"<html>" * 200)[:-6])
    (src / "bad" / "records.jsonl").write_text('{"id": 1, "text": "Hello there."}\nnope\n')
    out = tmp_path / "out"
    assert main(["clean", str(src), "-o", str(out), "-j", "2"]) == 1
    err = capsys.readouterr().err
    assert "binary.txt" in err and "truncated.html.gz" in err
    for path in good:
        rel = path.relative_to(src)
        assert (out / rel).is_file() and (out / rel.with_suffix(".json")).is_file()
    errors = [json.loads(line) for line in (out / ERRORS_FILE).read_text().splitlines()]
    assert [(Path(e["path"]).name, e["type"]) for e in errors] == [
        ("binary.txt", "InputError"),
        ("records.jsonl", "RecordErrors"),
        ("truncated.html.gz", "InputError"),
    ]
    assert all(e["message"] for e in errors)
    assert not (out / "bad" / "binary.txt").exists()
    records = (out / "bad" / "records.jsonl").read_text().splitlines()
    assert len(records) == 2 and json.loads(records[1])["error"]["type"] == "JSONDecodeError"
    # A re-run skips what is done, retries the failures and reports the same errors.
    before = _snapshot(out)
    assert main(["clean", str(src), "-o", str(out), "-j", "2"]) == 1
    assert "31 up to date" in capsys.readouterr().err
    assert _snapshot(out) == before


@pytest.mark.slow
def test_sigkill_then_rerun_gives_the_same_folder(tmp_path: Path) -> None:
    src = tmp_path / "src"
    count = 2000
    _corpus(src, count, paragraphs=1)
    reference = tmp_path / "reference"
    assert main(["clean", str(src), "-o", str(reference), "-j", "1", "-q"]) == 0

    out = tmp_path / "out"
    command = [sys.executable, "-m", "cleaner", "clean", str(src), "-o", str(out), "-j", "2"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        command, cwd=tmp_path, env=env, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while len(list(out.rglob("*.json"))) < 100 and time.monotonic() < deadline:
        assert proc.poll() is None, "the run ended before it could be killed"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the main process and its workers
    proc.wait()
    done = len(list(out.rglob("*.json")))
    assert 100 <= done < count
    stale = out / "g000" / ".doc00000.txt.abcd1234.cleaner-tmp"
    stale.write_text("partial")
    # A user's file that merely looks like a temporary file is not ours to sweep.
    users = out / "g000" / ".notes.abcd1234.tmp"
    users.write_text("mine")

    assert main(["clean", str(src), "-o", str(out), "-j", "2", "-q"]) == 0
    assert users.read_text() == "mine"
    users.unlink()
    assert _snapshot(out) == _snapshot(reference)
    assert not [p for p in out.rglob("*") if p.name.endswith("tmp")]


def test_incremental_runs_redo_only_what_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src"
    paths = _corpus(src, 12)
    out = tmp_path / "out"
    args = ["clean", str(src), "-o", str(out), "-j", "1"]
    assert main(args) == 0
    assert "cleaned 12 document(s)" in capsys.readouterr().err
    paths[3].write_text("A changed story\n\nShare this:\n\nNew text of the story.\n", "utf-8")
    assert main(args) == 0
    assert "cleaned 1 document(s)" in (err := capsys.readouterr().err) and "11 up to date" in err
    assert "Share this:" not in (out / paths[3].relative_to(src)).read_text("utf-8")
    assert main([*args, "--force"]) == 0
    assert "cleaned 12 document(s)" in capsys.readouterr().err
    # Another rule pack changes the configuration fingerprint: everything is redone.
    rules = tmp_path / "rules"
    rules.mkdir()
    pack = "name: extra.example\nversion: '1.0'\nmatch:\n  domains: [extra.example]\nrules: []\n"
    (rules / "extra.yaml").write_text(pack, "utf-8")
    assert main([*args, "--rules", str(rules)]) == 0
    assert "cleaned 12 document(s)" in capsys.readouterr().err


def test_dry_run_lists_outputs_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["clean", str(SEEDS), "-o", str(out), "--dry-run", "-j", "1"]) == 0
    captured = capsys.readouterr()
    listed = captured.out.splitlines()
    assert len(listed) == 10 and all(line.startswith("would write ") for line in listed)
    assert "would clean 5 document(s)" in captured.err
    assert "telesurenglish.net/comment_widget" in captured.err
    assert not out.exists()


def test_output_collisions_are_refused_before_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("Some text.\n")
    (src / "a.html").write_text("<html><body><p>Some text.</p></body></html>")
    (src / "b.txt").write_text("Other text.\n")
    out = tmp_path / "out"
    assert main(["clean", str(src), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "a.html and" in err and "a.txt would both write" in err
    assert not out.exists()
    (src / "a.html").unlink()
    assert main(["clean", str(src), "-o", str(src)]) == 2
    assert "would be overwritten by its own output" in capsys.readouterr().err
    assert (src / "a.txt").read_text() == "Some text.\n"


def test_jsonl_input_in_folder_mode(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    texts = list(documents(SEEDS, 7))
    lines = [json.dumps({"id": n, "text": t, "batch": "x"}) for n, t in enumerate(texts)]
    with gzip.open(src / "part.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    out = tmp_path / "out"
    assert main(["clean", str(src), "-o", str(out), "-q"]) == 0
    records = [json.loads(line) for line in (out / "part.jsonl").read_text().splitlines()]
    assert [r["id"] for r in records] == list(range(7))
    assert all(r["batch"] == "x" and "provenance" in r for r in records)
    assert json.loads((out / "part.json").read_text())["records"] == 7


def test_progress_log_lines_when_not_a_terminal() -> None:
    stream = io.StringIO()
    now = [0.0]
    progress = Progress(100, stream=stream, interval=5.0, clock=lambda: now[0])
    for _ in range(40):
        now[0] += 0.25
        progress.update()
    progress.close()
    lines = stream.getvalue().splitlines()
    assert lines == [
        "cleaner: 20/100 docs (20%), 4.0 docs/s, ETA 0:00:20",
        "cleaner: 40/100 docs (40%), 4.0 docs/s, ETA 0:00:15",
    ]
    quiet = io.StringIO()
    muted = Progress(10, stream=quiet, enabled=False, interval=0.0)
    muted.update(10)
    assert quiet.getvalue() == ""


def test_progress_bar_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    progress = Progress(10, stream=stream)
    progress.update(3)
    progress.write("cleaner: a.txt: cannot read")
    progress.close()
    shown = stream.getvalue()
    assert "3/10" in shown and "doc/s" in shown
    assert "cleaner: a.txt: cannot read" in shown


def test_quiet_prints_only_errors_and_dry_run_skips_up_to_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src"
    _corpus(src, 3)
    (src / "broken.html.gz").write_bytes(b"not gzip data")
    out = tmp_path / "out"
    assert main(["clean", str(src), "-o", str(out), "-q", "-j", "1"]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and "broken.html.gz" in lines[0]
    (src / "broken.html.gz").unlink()
    assert main(["clean", str(src), "-o", str(out), "--dry-run", "-j", "1"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "3 up to date" in captured.err
    assert (out / ERRORS_FILE).is_file()  # a dry run writes nothing, not even the error log
    assert main(["clean", str(src), "-o", str(out), "-q", "-j", "1"]) == 0
    assert not (out / ERRORS_FILE).exists()
