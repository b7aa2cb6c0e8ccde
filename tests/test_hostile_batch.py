"""A folder of hostile files mixed with good ones, cleaned in one batch.

The run must end, every good file must be cleaned, every bad one listed with a
clear reason, nothing written outside OUT, inputs untouched, memory bounded
(the run is given a hard address-space limit) and a catastrophic pattern must
not hang it.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cleaner.cli import main
from cleaner.files import LOCK_NAME, OutputLock
from cleaner.inputs import STATS_FILE
from cleaner.testing import seed_variants
from tests.conftest import ROOT, SEEDS

# One gzip member of 64 MiB of zeros, repeated: 30 members inflate to 1.9 GiB
# from a file under 2 MiB; the run gets a 1.5 GiB address-space limit.
_ZEROS_MEMBER = gzip.compress(b"\0" * (64 << 20), compresslevel=9)
_MEMORY_LIMIT = 3 << 29


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink() and p.name != STATS_FILE
    }


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    good = src / "good"
    good.mkdir(parents=True)
    for i, record in enumerate(seed_variants(SEEDS, 12)):
        (good / f"article{i:02d}.txt").write_text(record["text"], "utf-8")
    seed = (SEEDS / "000_3b5fd862162eda80.txt").read_text("utf-8")
    (good / "legacy.txt").write_bytes(seed.encode("cp1252", "replace"))
    (good / "utf16_bom.txt").write_bytes(seed.encode("utf-16"))
    (good / "utf16_nobom.txt").write_bytes(seed.encode("utf-16-le"))
    (good / "nul.txt").write_bytes(seed.encode("utf-8").replace(b"Syria", b"Sy\0ria"))
    (good / "empty.txt").write_bytes(b"")
    (good / "tiny_lines.txt").write_text("x\n" * 100_000, "utf-8")
    (good / "deep.html").write_text(
        "<html><body>" + "<div>" * 100_000 + f"<p>{seed[:400]}</p>" + "</div>" * 100_000,
        "utf-8",
    )
    (good / "ids.jsonl").write_text(
        json.dumps({"id": "../../escape", "text": seed})
        + "\n"
        + json.dumps({"id": "/abs/path", "text": "Short text."})
        + "\n",
        "utf-8",
    )
    bad = src / "bad"
    bad.mkdir()
    (bad / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)) * 8)
    (bad / "bomb.html.gz").write_bytes(_ZEROS_MEMBER * 30)
    (bad / "records_bomb.jsonl.gz").write_bytes(_ZEROS_MEMBER * 30)
    (bad / "too_big.txt").write_bytes(b"word " * 600_000)  # 3 MB, one line
    (bad / "truncated.html.gz").write_bytes(gzip.compress(b"<p>text</p>" * 100)[:-9])
    outside = tmp_path / "secret.txt"
    outside.write_text("a file outside the source folder", "utf-8")
    (bad / "link_out.txt").symlink_to(outside)
    (bad / "loop.txt").symlink_to("loop.txt")
    os.mkfifo(bad / "pipe.txt")
    attributes = " ".join(f"data-a{i}=1" for i in range(100_000))
    (bad / "attributes.html").write_text(f"<html><body><p {attributes}>x</p>", "utf-8")
    (bad / "lines.txt").write_text("x\n" * 1_000_001, "utf-8")
    Path(os.fsdecode(os.fsencode(good) + b"/latin\xe9.txt")).write_text(seed, "utf-8")
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "slow.yaml").write_text(
        "name: slow\nversion: 1\nalways: true\nrules:\n  - id: evil\n    action: drop-line\n"
        "    pattern: '^(a|a)+$'\n    why: catastrophic backtracking\n"
        "    examples: {remove: ['aa']}\n",
        "utf-8",
    )
    (good / "evil_input.txt").write_text("a" * 40 + "!\n\nBody text stays here.\n", "utf-8")
    return tmp_path


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (_MEMORY_LIMIT, _MEMORY_LIMIT))


@pytest.mark.slow
def test_hostile_folder(hostile: Path) -> None:
    src, out = hostile / "src", hostile / "out"
    before = _tree(hostile)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "cleaner",
            "clean",
            str(src),
            "-o",
            str(out),
            "-j",
            "2",
            "--max-bytes",
            str(2 << 20),
            "--rules",
            str(hostile / "rules"),
            "-q",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=_limit_memory,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert run.returncode == 1, run.stderr

    errors = {
        Path(e["path"]).name: e
        for e in map(json.loads, (out / "_errors.jsonl").read_text("utf-8").splitlines())
    }
    assert set(errors) == {
        "binary.txt",
        "bomb.html.gz",
        "records_bomb.jsonl.gz",
        "too_big.txt",
        "truncated.html.gz",
        "link_out.txt",
        "loop.txt",
        "pipe.txt",
        "attributes.html",
        "lines.txt",
    }
    assert "binary" in errors["binary.txt"]["message"]
    assert "gzip bomb" in errors["bomb.html.gz"]["message"]
    assert "over the input size limit" in errors["too_big.txt"]["message"]
    assert "truncated" in errors["truncated.html.gz"]["message"]
    assert "outside the source folder" in errors["link_out.txt"]["message"]
    assert "loop" in errors["loop.txt"]["message"]
    assert "FIFO" in errors["pipe.txt"]["message"]
    assert "100000 attributes (line 1), over the limit" in errors["attributes.html"]["message"]
    assert "1000001 lines, over the limit" in errors["lines.txt"]["message"]
    bomb_records = (out / "bad" / "records_bomb.jsonl").read_text("utf-8").splitlines()
    assert len(bomb_records) == 1 and "over the limit" in bomb_records[0]

    for path in (src / "good").iterdir():
        name = path.name.split(".")[0]
        suffix = ".jsonl" if path.suffix == ".jsonl" else ".txt"
        assert (out / "good" / (name + suffix)).is_file(), path.name
        assert (out / "good" / (name + ".json")).is_file(), path.name
    assert "Body text stays here." in (out / "good" / "evil_input.txt").read_text("utf-8")
    sidecar = json.loads((out / "good" / "evil_input.json").read_text("utf-8"))
    skipped = sidecar["provenance"]["skipped_rules"]
    assert skipped and skipped[0]["rule"] == "slow/evil" and skipped[0]["reason"] == "timeout"
    assert "Syria" in (out / "good" / "nul.txt").read_text("utf-8")
    assert (out / "good" / "empty.txt").read_text("utf-8") == ""

    after = _tree(hostile)
    changed_outside_out = {
        k
        for k in set(before) | set(after)
        if not k.startswith("out/") and before.get(k) != after.get(k)
    }
    assert changed_outside_out == set()  # inputs untouched, nothing written outside OUT
    assert not [p for p in out.rglob("*") if p.name.endswith("tmp")]


def _run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the command line in a child process, so a hang fails the test instead of the suite."""
    return subprocess.run(
        [sys.executable, "-m", "cleaner", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )


def _errors(out: Path) -> dict[str, dict[str, str]]:
    lines = (out / "_errors.jsonl").read_text("utf-8").splitlines()
    return {Path(e["path"]).name: e for e in map(json.loads, lines)}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifos_are_listed_never_opened(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "good.txt").write_text("A paragraph of article text that stays.\n", "utf-8")
    os.mkfifo(src / "pipe.txt")
    os.mkfifo(tmp_path / "named.html")
    run = _run("clean", str(src), str(tmp_path / "named.html"), "-o", str(out), "-j", "1", "-q")
    assert run.returncode == 1, run.stderr
    errors = _errors(out)
    assert set(errors) == {"pipe.txt", "named.html"}
    assert all("FIFO" in e["message"] for e in errors.values())
    assert (out / "good.txt").read_text("utf-8").startswith("A paragraph")
    # Named directly, with no output folder, or as a stream input: an error, never a hang.
    alone = _run("clean", str(src / "pipe.txt"))
    assert alone.returncode == 1 and "FIFO" in alone.stderr
    stream = _run("clean", str(src), "--format", "jsonl", "-q")
    assert stream.returncode == 1
    records = [json.loads(line) for line in stream.stdout.splitlines()]
    assert [r.get("error", {}).get("type") for r in records] == [None, "InputError"]


def test_symlink_loops_and_undecodable_names_do_not_stop_the_batch(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "a.txt").symlink_to("b.txt")
    (src / "b.txt").symlink_to("a.txt")
    (src / "self.txt").symlink_to("self.txt")
    raw_src = os.fsencode(src)
    good_name = os.fsdecode(raw_src + b"/caf\xe9.txt")
    bad_name = os.fsdecode(raw_src + b"/bin\xff\xfe.txt")
    Path(good_name).write_text("Body text of a page whose name is Latin-1.\n", "utf-8")
    Path(bad_name).write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)) * 8)
    (src / "ok.txt").write_text("Another article body.\n", "utf-8")
    run = _run("clean", str(src), "-o", str(out), "-j", "2")
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    errors = _errors(out)
    assert {n: e["message"] for n, e in errors.items() if n.endswith(".txt")} == {
        "a.txt": "symbolic link in a loop: not read",
        "b.txt": "symbolic link in a loop: not read",
        "self.txt": "symbolic link in a loop: not read",
        "bin\\xff\\xfe.txt": errors["bin\\xff\\xfe.txt"]["message"],
    }
    undecodable = errors["bin\\xff\\xfe.txt"]
    assert base64.b64decode(undecodable["path_bytes_base64"]) == raw_src + b"/bin\xff\xfe.txt"
    # The good file with an undecodable name is cleaned, its name kept byte for byte.
    out_raw = os.fsencode(out)
    assert Path(os.fsdecode(out_raw + b"/caf\xe9.txt")).read_text("utf-8").startswith("Body")
    sidecar = json.loads(Path(os.fsdecode(out_raw + b"/caf\xe9.json")).read_text("utf-8"))
    assert base64.b64decode(sidecar["source_bytes_base64"]) == raw_src + b"/caf\xe9.txt"
    assert (out / "ok.txt").is_file()
    assert "cleaned 2 document(s)" in run.stderr


def test_a_second_run_on_the_same_output_refuses_or_waits(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "a.txt").write_text("Body text.\n", "utf-8")
    out.mkdir()
    live = out / ".a.txt.k2j4h5g6.cleaner-tmp"  # the first run's file being written
    with OutputLock(out, folder=True):
        live.write_text("partial")
        second = _run("clean", str(src), "-o", str(out), "-q")
        assert second.returncode == 2
        assert "being written by another cleaner run" in second.stderr
        assert live.read_text() == "partial"
        waiting = subprocess.Popen(
            [sys.executable, "-m", "cleaner", "clean", str(src), "-o", str(out), "-q", "--wait"],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        time.sleep(1.5)
        assert waiting.poll() is None and not (out / "a.txt").exists()
        live.unlink()
    assert waiting.wait(timeout=120) == 0
    assert (out / "a.txt").is_file() and not (out / LOCK_NAME).exists()


def test_stream_output_temp_left_by_a_kill_is_removed_and_only_ours(tmp_path: Path) -> None:
    records = tmp_path / "in.jsonl"
    records.write_text(json.dumps({"id": 1, "text": "Body text."}) + "\n", "utf-8")
    target = tmp_path / "clean.jsonl"
    stale = tmp_path / ".clean.jsonl.a1b2c3d4.cleaner-tmp"
    stale.write_bytes(b"x" * 1000)
    other = tmp_path / ".other.jsonl.a1b2c3d4.cleaner-tmp"  # another output's: not touched
    users = tmp_path / ".clean.jsonl.a1b2c3d4.tmp"  # not ours
    other.write_text("o")
    users.write_text("u")
    run = _run("clean", str(records), "--format", "jsonl", "-o", str(target), "-q")
    assert run.returncode == 0, run.stderr
    assert not stale.exists() and other.exists() and users.exists()
    assert json.loads(target.read_text("utf-8"))["id"] == 1
    with OutputLock(target, folder=False):
        busy = _run("clean", str(records), "--format", "jsonl", "-o", str(target), "-q")
    assert busy.returncode == 2 and "another cleaner run" in busy.stderr


def _slow_rules(folder: Path) -> Path:
    """A pack whose 20 patterns each take a good fraction of a second on a long run of ``a``."""
    folder.mkdir()
    body = "".join(
        f"  - id: quad{i}\n    action: drop-line\n    pattern: '^(a+)+(?:$|z{i}q)'\n"
        "    why: backtracks\n    examples: {remove: ['a']}\n"
        for i in range(20)
    )
    (folder / "slow.yaml").write_text(
        f"name: slow\nversion: 1\nalways: true\nrules:\n{body}", "utf-8"
    )
    return folder


def _runaway(path: Path) -> None:
    path.write_text("a" * 4000 + "!\n\nBody text.\n", "utf-8")


@pytest.mark.slow
def test_a_document_past_its_deadline_is_killed_and_reported(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    for i in range(5):
        (src / f"good{i}.txt").write_text(f"Article body number {i}.\n", "utf-8")
    _runaway(src / "runaway.txt")
    rules = _slow_rules(tmp_path / "rules")
    run = _run(
        "clean", str(src), "-o", str(out), "-j", "2", "--rules", str(rules), "--doc-timeout", "1"
    )
    assert run.returncode == 1, run.stderr
    errors = _errors(out)
    assert list(errors) == ["runaway.txt"]
    assert errors["runaway.txt"]["type"] == "DocumentTimeout"
    assert "more than 1 s" in errors["runaway.txt"]["message"]
    assert sorted(p.name for p in out.glob("good*.txt")) == [f"good{i}.txt" for i in range(5)]
    # The stream mode kills the record alone; its neighbours are cleaned.
    lines = tmp_path / "in.jsonl"
    texts = ["First body.", (src / "runaway.txt").read_text("utf-8"), "Third body."]
    lines.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts)))
    stream = _run(
        "clean", str(lines), "--format", "jsonl", "--rules", str(rules), "--doc-timeout", "1"
    )
    assert stream.returncode == 1, stream.stderr
    records = [json.loads(line) for line in stream.stdout.splitlines()]
    assert [r.get("error", {}).get("type") for r in records] == [None, "DocumentTimeout", None]
    assert records[1]["line"] == 2


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find workers")
def test_workers_exit_when_the_parent_is_killed(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    for i in range(8):
        _runaway(src / f"runaway{i}.txt")
    rules = _slow_rules(tmp_path / "rules")
    command = [sys.executable, "-m", "cleaner", "clean", str(src), "-o", str(out), "-j", "2"]
    command += ["--rules", str(rules), "--doc-timeout", "0", "-q"]
    parent = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while len(workers := _children(parent.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(workers) >= 2
        time.sleep(0.5)  # the workers are cleaning
        os.kill(parent.pid, 9)  # the parent alone
        parent.wait()
        deadline = time.monotonic() + 5
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(map(_alive, workers))
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(parent.pid, 9)


def test_parquet_output_temp_left_by_a_kill_is_removed(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    records = tmp_path / "in.jsonl"
    records.write_text(json.dumps({"id": "a", "text": "Body text."}) + "\n", "utf-8")
    stale = tmp_path / ".clean.parquet.a1b2c3d4.cleaner-tmp"
    stale.write_bytes(b"PAR1" + b"\0" * 100)
    target = tmp_path / "clean.parquet"
    run = _run("clean", str(records), "--format", "parquet", "-o", str(target), "-q")
    assert run.returncode == 0, run.stderr
    assert target.is_file() and not stale.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean.parquet", "in.jsonl"]


def test_a_negative_doc_timeout_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Body.\n", "utf-8")
    out = tmp_path / "out"
    assert main(["clean", str(tmp_path / "a.txt"), "-o", str(out), "--doc-timeout", "-1"]) == 2
    assert not out.exists()


def test_a_folder_run_leaves_alone_the_live_file_of_a_file_run_into_it(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "a.txt").write_text("Body text.\n", "utf-8")
    out.mkdir()
    live = out / ".all.jsonl.k2j4h5g6.cleaner-tmp"
    stale = out / ".old.jsonl.k2j4h5g6.cleaner-tmp"
    live.write_text("being written")
    stale.write_text("left by a kill")
    with OutputLock(out / "all.jsonl", folder=False):
        assert main(["clean", str(src), "-o", str(out), "-q", "-j", "1"]) == 0
        assert live.exists() and not stale.exists()
