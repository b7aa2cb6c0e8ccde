"""Progress counts records, out of a total when it is known cheaply, else in bytes read."""

from __future__ import annotations

import functools
import gzip
import io
import json
import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest

import cleaner
from cleaner import batch, inputs, streams
from cleaner.cli import main
from cleaner.progress import Progress
from cleaner.records import Fields, JsonlWriter
from cleaner.streams import Listener, StreamOptions, stream_inputs, write_stream
from tests.conftest import SEEDS
from tests.test_warc import RESPONSES, write_warc

TEXTS = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def _records(path: Path, n: int) -> Path:
    """A gzipped JSON Lines file of ``n`` records whose texts vary (so it compresses unevenly)."""
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for i in range(n):
            text = TEXTS[i % len(TEXTS)] + f"\nNote {i}: " + "x" * (i * 37 % 900)
            handle.write(json.dumps({"id": i, "text": text}) + "\n")
    return path


@pytest.fixture
def mixed(tmp_path: Path) -> list[Path]:
    """A gzipped JSON Lines file, a web archive and a text file."""
    src = tmp_path / "src"
    src.mkdir()
    warc = src / "b.warc.gz"
    # Many records passed over (images): an archive read in several blocks, cleaned quickly.
    image = ("https://news.example.org/i.png", "200 OK", [("Content-Type", "image/png")])
    write_warc(warc, RESPONSES + [(*image, os.urandom(4000)) for _ in range(60)])
    (src / "c.txt").write_text(TEXTS[0], "utf-8")
    return [_records(src / "a.jsonl.gz", 400), warc, src / "c.txt"]


def test_log_line_in_bytes_when_the_record_total_is_unknown() -> None:
    stream = io.StringIO()
    now = [0.0]
    progress = Progress(
        None, unit="record", stream=stream, interval=5.0, clock=lambda: now[0], total_bytes=2000
    )
    for _ in range(4):
        now[0] += 5.0
        progress.update(10)
        progress.read(progress.bytes_read + 250)
    progress.read(100)  # never backwards
    progress.close()
    assert stream.getvalue().splitlines() == [
        "cleaner: 10 records, 0.00B/1.95kB read (0%), 2.0 records/s",
        "cleaner: 20 records, 250B/1.95kB read (12%), 2.0 records/s, ETA 0:01:10",
        "cleaner: 30 records, 500B/1.95kB read (25%), 2.0 records/s, ETA 0:00:45",
        "cleaner: 40 records, 750B/1.95kB read (37%), 2.0 records/s, ETA 0:00:33",
    ]
    assert progress.bytes_read == 1000


def test_bar_in_bytes_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    progress = Progress(None, unit="record", stream=stream, total_bytes=4096)
    progress.update(7)
    progress.read(1024)
    progress.close()
    shown = stream.getvalue()
    assert "1.00k/4.00k" in shown and "7 records" in shown and "25%" in shown


def test_a_known_record_total_keeps_counting_records() -> None:
    progress = Progress(10, enabled=False, total_bytes=4096, clock=lambda: 0.0)
    progress.update(5)
    progress.read(1024)
    assert progress.total_bytes is None
    assert progress.line(1.0) == "cleaner: 5/10 docs (50%), 5.0 docs/s, ETA 0:00:01"


class _Positions(Listener):
    def __init__(self) -> None:
        self.positions: list[int] = []
        self.records_done = 0

    def records(self, n: int) -> None:
        self.records_done += n

    def read(self, position: int) -> None:
        self.positions.append(position)


def test_a_stream_reports_the_bytes_read_of_every_input(mixed: list[Path]) -> None:
    found = stream_inputs(mixed)
    sizes = [item.size for item in found]
    assert sizes == [path.stat().st_size for path in mixed]
    listener = _Positions()
    tally = write_stream(
        found, JsonlWriter(io.BytesIO()), cleaner.Cleaner(), StreamOptions(), listener=listener
    )
    seen = listener.positions
    assert seen == sorted(seen) and seen[-1] == sum(s or 0 for s in sizes)
    jsonl, warc = sizes[0] or 0, sizes[1] or 0
    # Within the gzip file, and within the archive, not only once each input ends.
    assert any(0 < p < jsonl for p in seen)
    assert any(jsonl < p < jsonl + warc for p in seen)
    assert listener.records_done == tally.records


def test_standard_input_has_no_size() -> None:
    (item,) = stream_inputs([Path("-")])
    assert item.size is None


def test_folder_workers_count_the_bytes_they_read(mixed: list[Path], tmp_path: Path) -> None:
    counter = multiprocessing.Value("q", 0)
    read = multiprocessing.Value("q", 0)
    setup = batch.BatchSetup(
        fingerprint="fingerprint", fields=Fields(), counter=counter, bytes_read=read
    )
    worker = setup.worker()
    seen = []
    tasks = list(inputs.discover([mixed[0].parent], tmp_path / "out"))
    for task in tasks:
        batch.process(worker, task)
        seen.append(read.value)
    assert seen == [sum(p.stat().st_size for p in mixed[: n + 1]) for n in range(3)]
    for task in tasks:  # up to date: read again in full (the stamp's hash)
        batch.process(worker, task)
    assert read.value == 2 * seen[-1]


@pytest.mark.parametrize("folder", [False, True])
def test_the_command_shows_bytes_when_records_are_not_counted_in_advance(
    mixed: list[Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    folder: bool,
) -> None:
    monkeypatch.setattr("cleaner.cli.Progress", functools.partial(Progress, interval=0.0))
    total = sum(path.stat().st_size for path in mixed)
    out = ["-o", str(tmp_path / "out")] if folder else ["--format", "jsonl"]
    assert main(["clean", *map(str, mixed), *out, "-j", "1"]) in (0, 1)
    err = capsys.readouterr().err.splitlines()
    lines = [line for line in err if line.startswith("cleaner: ") and " records, " in line]
    assert lines, "no progress"
    assert all(" read (" in line for line in lines), lines
    assert f"/{Progress.size(total)} read" in lines[-1]


def test_documents_alone_count_records_out_of_their_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("cleaner.cli.Progress", functools.partial(Progress, interval=0.0))
    assert main(["clean", str(SEEDS), "--format", "jsonl", "-j", "1"]) == 0
    err = capsys.readouterr().err.splitlines()
    lines = [line for line in err if line.startswith("cleaner: ")]
    assert lines[-1].startswith("cleaner: 5/5 records (100%)")


def test_ctrl_c_waits_for_the_record_being_written() -> None:
    boundaries = streams._RecordBoundaries()
    written: list[int] = []
    with pytest.raises(KeyboardInterrupt), boundaries.installed():
        for n in range(3):
            with boundaries.record():
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.01)  # the handler runs here, inside the record
                written.append(n)
    assert written == [0]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with pytest.raises(KeyboardInterrupt), boundaries.installed():
        os.kill(os.getpid(), signal.SIGINT)  # between records: at once
        time.sleep(1)
