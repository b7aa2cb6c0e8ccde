"""The installed ``cleaner`` program end to end: exit codes, streams, signals, modes.

Each test runs the entry point in a subprocess, as a shell would, so what is
checked is what a user sees: the exit status, what goes to standard output
and what to standard error.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import SEEDS
from tests.test_warc import RESPONSES, write_warc

BIN = Path(sys.executable).parent
CLEANER = shutil.which("cleaner", path=str(BIN)) or shutil.which("cleaner")
pytestmark = pytest.mark.skipif(
    CLEANER is None, reason="the cleaner program is not installed (pip install -e .)"
)
SEED = SEEDS / "002_7c084e74566a1192.txt"
TRACEBACK = "Traceback (most recent call last)"


def _default_sigint() -> None:
    # A shell's background job ignores SIGINT and children inherit that; the
    # program must see Ctrl-C as a terminal would deliver it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run(
    *args: str | Path,
    stdin: bytes | None = None,
    cwd: Path | None = None,
    umask: int | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run the installed program; return its status and both streams."""

    def setup() -> None:
        _default_sigint()
        if umask is not None:
            os.umask(umask)

    assert CLEANER is not None
    return subprocess.run(
        [CLEANER, *map(str, args)],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        cwd=cwd,
        preexec_fn=setup,
        timeout=300,
        check=False,
    )


def test_single_file_goes_to_stdout_and_nothing_to_stderr() -> None:
    done = run("clean", SEED)
    assert done.returncode == 0
    assert done.stdout.startswith(b"WASHINGTON")
    assert done.stderr == b""


def test_usage_errors_exit_2_on_stderr_only(tmp_path: Path) -> None:
    for args in (
        ["clean", tmp_path / "missing.txt"],
        ["clean", SEEDS],  # a folder needs -o
        ["clean", SEED, "--bogus"],
        ["clean", SEED, "--favor", "speed"],
    ):
        done = run(*args)
        assert done.returncode == 2, args
        assert done.stdout == b""
        assert b"cleaner: error:" in done.stderr or b"usage:" in done.stderr
        assert TRACEBACK.encode() not in done.stderr


@pytest.mark.parametrize("abbreviation", ["--url", "--text", "--id", "--html"])
def test_options_are_never_abbreviated(tmp_path: Path, abbreviation: str) -> None:
    records = tmp_path / "u.jsonl"
    records.write_text(json.dumps({"id": 1, "text": SEED.read_text("utf-8")}) + "\n")
    value = "https://www.telesurenglish.net/news/x" if abbreviation == "--url" else "x"
    done = run("clean", records, "--format", "jsonl", abbreviation, value)
    # --url is an option of its own (one document), never --url-field; the others are
    # unknown rather than taken for --text-field, --id-field, --html-field.
    assert done.returncode == 2
    assert done.stdout == b""
    if abbreviation == "--url":
        assert b"--url applies to one input document" in done.stderr
    else:
        assert f"unrecognized arguments: {abbreviation}".encode() in done.stderr


def test_folder_outputs_follow_the_umask(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(SEEDS, src)
    for umask, mode in ((0o022, 0o644), (0o002, 0o664), (0o077, 0o600)):
        out = tmp_path / f"out{umask:o}"
        assert run("clean", src, "-o", out, "-q", umask=umask).returncode == 0
        written = [p for p in out.rglob("*") if p.is_file()]
        assert written
        assert {stat.S_IMODE(p.stat().st_mode) for p in written} == {mode}
        stream = tmp_path / f"stream{umask:o}.jsonl"
        assert (
            run("clean", src, "--format", "jsonl", "-o", stream, "-q", umask=umask).returncode == 0
        )
        assert stat.S_IMODE(stream.stat().st_mode) == mode
        page = tmp_path / f"report{umask:o}.html"
        assert run("report", out, "-o", page, umask=umask).returncode == 0
        assert stat.S_IMODE(page.stat().st_mode) == mode


def test_one_input_with_an_output_file_writes_that_file(tmp_path: Path) -> None:
    target = tmp_path / "single.txt"
    done = run("clean", SEED, "-o", target)
    assert done.returncode == 0, done.stderr
    assert target.is_file()
    assert target.read_bytes() == run("clean", SEED).stdout
    assert done.stdout == b""


def test_text_and_html_on_standard_input(shared_datadir: Path) -> None:
    text = SEED.read_bytes()
    assert run("clean", "-", stdin=text).stdout == run("clean", SEED).stdout
    page = shared_datadir / "article.html"
    from_stdin = run("clean", "-", stdin=page.read_bytes())
    assert from_stdin.returncode == 0
    assert from_stdin.stdout == run("clean", page).stdout
    assert b"<p" not in from_stdin.stdout
    # Said to be text, the same bytes keep their markup.
    as_text = run("clean", "-", "--input-format", "text", stdin=page.read_bytes())
    assert b"<" in as_text.stdout


def test_url_json_and_metadata_for_one_document(shared_datadir: Path) -> None:
    url = "https://www.example.com/news/2024/a-story"
    done = run(
        "clean",
        "-",
        "--url",
        url,
        "--format",
        "json",
        stdin=(shared_datadir / "article.html").read_bytes(),
    )
    assert done.returncode == 0
    record = json.loads(done.stdout)
    assert set(record) == {"id", "text", "metadata", "provenance"}
    assert record["id"] == "-" and record["provenance"]["source"]["format"] == "html"
    text = json.loads(
        run("clean", "-", "--url", url, "--format", "json", stdin=SEED.read_bytes()).stdout
    )
    assert text["provenance"]["url"] == url
    headed = run("clean", SEED, "--with-metadata").stdout.decode()
    title = json.loads(run("clean", SEED, "--format", "json").stdout)["metadata"]["title"]
    assert headed.startswith("---\n")
    assert "\ntitle: " in headed.split("\n---\n")[0]
    assert json.dumps(title, ensure_ascii=False) in headed.split("---")[1]
    assert headed.endswith(run("clean", SEED).stdout.decode())


def test_url_picks_the_site_pack() -> None:
    telesur = SEEDS / "003_ed31fec66a22f94e.txt"
    url = "https://www.telesurenglish.net/news/a-story/"
    record = json.loads(
        run(
            "clean", telesur, "--url", url, "--site", "telesurenglish.net", "--format", "json"
        ).stdout
    )
    assert record["provenance"]["url"] == url
    by_url = json.loads(run("clean", telesur, "--url", url, "--format", "json").stdout)
    packs = {p["name"]: p["matched_by"] for p in by_url["provenance"]["packs"]}
    assert packs.get("telesurenglish.net") == "domain:telesurenglish.net"


def _seed_copies(folder: Path, copies: int) -> Path:
    """A new folder holding ``copies`` copies of every seed text."""
    folder.mkdir()
    for n in range(copies):
        for seed in SEEDS.glob("*.txt"):
            (folder / f"{n:03d}-{seed.name}").write_bytes(seed.read_bytes())
    return folder


def test_closed_stdout_ends_by_sigpipe_quietly(tmp_path: Path) -> None:
    src = _seed_copies(tmp_path / "src", 40)
    assert CLEANER is not None
    script = (
        f'set -o pipefail; "{CLEANER}" clean "{src}" --format jsonl -j 2 | head -c 10 >/dev/null'
    )
    done = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        timeout=300,
        check=False,
        preexec_fn=_default_sigint,
    )
    assert done.returncode == 141
    assert done.stderr.strip() == b"" or TRACEBACK.encode() not in done.stderr
    assert b"BrokenPipe" not in done.stderr


@pytest.fixture
def many(tmp_path: Path) -> Path:
    return _seed_copies(tmp_path / "many", 400)


def test_ctrl_c_says_how_far_it_got_and_a_rerun_continues(many: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert CLEANER is not None
    process = subprocess.Popen(
        [CLEANER, "clean", str(many), "-o", str(out), "-j", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=_default_sigint,  # noqa: PLW1509 - the test starts no threads
    )
    deadline = time.monotonic() + 120
    while len(list(out.glob("*.json"))) < 50 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C sends: the whole group
    stdout, stderr = process.communicate(timeout=120)
    message = stderr.decode().replace("\r", "\n")
    assert process.returncode == 130, message
    assert TRACEBACK not in message and "KeyboardInterrupt" not in message
    last = [line for line in message.splitlines() if line.strip()][-1]
    assert last.startswith("cleaner: interrupted: ") and last.endswith(
        "of 2000 input(s) done; run again to continue"
    )
    done = int(last.split()[2])
    assert 0 < done < 2000 and stdout == b""
    rerun = run("clean", many, "-o", out, "-j", "2")
    assert rerun.returncode == 0
    summary = rerun.stderr.decode().replace("\r", "\n")
    up_to_date = int(summary.split(" failed, ")[1].split(" up to date")[0])
    assert up_to_date >= done


@pytest.fixture
def many_records(tmp_path: Path) -> Path:
    """A gzipped JSON Lines file of 4,000 records, long enough to be interrupted."""
    texts = [seed.read_text("utf-8") for seed in sorted(SEEDS.glob("*.txt"))]
    path = tmp_path / "many.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for n in range(4000):
            handle.write(json.dumps({"id": n, "text": texts[n % len(texts)]}) + "\n")
    return path


def _interrupt(args: list[str | Path], wait: Callable[[], bool]) -> tuple[int, str, Path]:
    """Start the program, press Ctrl-C once ``wait()`` holds; return status, stderr, stdout file."""
    assert CLEANER is not None
    stdout = Path(str(args[1]) + ".stdout")  # beside the input: read after the end
    with stdout.open("wb") as sink:
        process = subprocess.Popen(
            [CLEANER, *map(str, args)],
            stdout=sink,
            stderr=subprocess.PIPE,
            start_new_session=True,
            preexec_fn=_default_sigint,  # noqa: PLW1509 - the test starts no threads
        )
        deadline = time.monotonic() + 120
        while not wait() and time.monotonic() < deadline:
            time.sleep(0.02)
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C sends: the whole group
        _, stderr = process.communicate(timeout=120)
    return process.returncode, stderr.decode().replace("\r", "\n"), stdout


def _last_line(message: str) -> str:
    assert TRACEBACK not in message and "KeyboardInterrupt" not in message
    return [line for line in message.splitlines() if line.strip()][-1]


@pytest.mark.parametrize("output_format", ["jsonl", "parquet"])
def test_ctrl_c_in_a_stream_to_a_file_counts_records_and_writes_nothing(
    many_records: Path, tmp_path: Path, output_format: str
) -> None:
    out = tmp_path / f"out.{output_format}"
    args: list[str | Path] = ["clean", many_records, "--format", output_format, "-o", out]

    def writing() -> bool:  # records reached the temporary file beside the output
        return any(p.stat().st_size for p in tmp_path.glob(f".{out.name}*"))

    status, message, _ = _interrupt([*args, "-j", "2"], writing)
    assert status == 130, message
    last = _last_line(message)
    assert last.startswith("cleaner: interrupted: "), last
    assert last.endswith(f"record(s) done; {out} not written; run again"), last
    assert 0 < int(last.split()[2].replace(",", "")) < 4000, last
    assert not out.exists() and list(tmp_path.glob(".out*")) == []


def test_ctrl_c_in_a_stream_to_stdout_counts_the_records_written(
    many_records: Path, tmp_path: Path
) -> None:
    args: list[str | Path] = ["clean", many_records, "--format", "jsonl", "-j", "1"]
    stdout = Path(f"{many_records}.stdout")
    status, message, _ = _interrupt(args, lambda: stdout.exists() and stdout.stat().st_size > 0)
    assert status == 130, message
    last = _last_line(message)
    assert last.endswith(
        "record(s) done; run again from the start (records went to standard output)"
    )
    done = int(last.split()[2].replace(",", ""))
    lines = stdout.read_bytes().splitlines()
    assert 0 < done < 4000 and len(lines) == done
    assert [json.loads(line)["id"] for line in lines] == list(range(done))


def test_same_folder_is_one_line_with_a_count(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(SEEDS, src)
    done = run("clean", src, "-o", src)
    assert done.returncode == 2
    lines = done.stderr.decode().splitlines()
    assert len(lines) == 1
    assert "is the source folder" in lines[0] and "its 5 input(s)" in lines[0]


def test_verbose_prints_rule_hits_per_document(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(SEEDS, src)
    done = run("clean", src, "-o", tmp_path / "out", "-v", "-j", "1")
    assert done.returncode == 0
    hits = [line for line in done.stderr.decode().splitlines() if " removal(s)" in line]
    assert len([h for h in hits if h.startswith(str(src))]) == 5
    assert any("generic/headline 1" in h for h in hits)
    assert run("clean", SEED, "-v", "-q").returncode == 2  # -q and -v exclude each other


def test_verbose_prints_rule_hits_per_record_in_stream_formats(tmp_path: Path) -> None:
    records = tmp_path / "in.jsonl"
    texts = [seed.read_text("utf-8") for seed in sorted(SEEDS.glob("*.txt"))]
    records.write_text(
        "".join(json.dumps({"id": f"r{n}", "text": t}) + "\n" for n, t in enumerate(texts))
    )
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, RESPONSES)
    for args in (
        ["--format", "jsonl"],
        ["--format", "parquet", "-o", tmp_path / "out.parquet"],
    ):
        done = run("clean", records, warc, SEED, "-v", "-j", "1", *args)
        assert done.returncode == 1, done.stderr  # the archive's broken page failed
        hits = [line for line in done.stderr.decode().splitlines() if " removal(s)" in line]
        assert [h.split(":")[0] for h in hits[: len(texts)]] == [
            f"{records} r{n}" for n in range(len(texts))
        ]
        assert any("generic/headline 1" in h for h in hits)
        # The archive's pages by URL (the broken one is an error record: no line), then the file.
        pages = [h for h in hits if h.startswith(f"{warc} ")]
        assert [h.split(": ")[0] for h in pages] == [
            f"{warc} {uri}"
            for uri, status, headers, _ in RESPONSES
            if status == "200 OK"
            and headers != [("Content-Type", "image/png")]
            and not uri.endswith("broken")
        ]
        assert hits[-1].startswith(f"{SEED}: ")


def _mounted_tmpfs(where: Path, options: str) -> Iterator[Path]:
    where.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root and mount(8)")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=False)


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    yield from _mounted_tmpfs(tmp_path / "ro", "ro,size=1m")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    yield from _mounted_tmpfs(tmp_path / "small", "size=64k")


def test_read_only_output_folder_is_one_line_and_exit_2(read_only: Path) -> None:
    for target in (read_only, read_only / "out"):
        done = run("clean", SEEDS, "-o", target)
        assert done.returncode == 2, done.stderr
        lines = done.stderr.decode().replace("\r", "\n").strip().splitlines()
        assert [line for line in lines if line.startswith("cleaner: error:")] == lines[-1:]
        assert "Read-only file system" in lines[-1]
        assert TRACEBACK not in done.stderr.decode()
    for args in (
        ["clean", SEED, "-o", read_only / "one.txt"],
        ["clean", SEEDS, "--format", "jsonl", "-o", read_only / "all.jsonl"],
        ["report", SEEDS, "-o", read_only / "report.html"],
    ):
        one = run(*args)
        assert one.returncode == 2, args
        assert one.stderr.decode().splitlines()[-1].endswith("Read-only file system")
        assert TRACEBACK.encode() not in one.stderr


def test_full_output_folder_stops_with_one_line_and_the_summary(
    small_disk: Path, tmp_path: Path
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for n in range(60):
        for seed in SEEDS.glob("*.txt"):
            (src / f"{n:02d}-{seed.name}").write_bytes(seed.read_bytes())
    done = run("clean", src, "-o", small_disk / "out", "-j", "1")
    message = done.stderr.decode().replace("\r", "\n")
    assert done.returncode == 1, message
    assert TRACEBACK not in message
    errors = [line for line in message.splitlines() if line.startswith("cleaner: error:")]
    assert len(errors) == 1 and "No space left on device" in errors[0]
    assert " of 300 done" in errors[0]
    assert "cleaned " in message and " document(s) into " in message  # the summary
    written = list((small_disk / "out").glob("*.json"))
    assert 0 < len(written) < 300


def test_project_config_applies_and_errors_are_one_line(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    pyproject = project / "pyproject.toml"
    pyproject.write_text('[project]\nname = "news"\n\n[tool.cleaner]\nkeep_headline = true\n')
    kept = run("clean", SEED, cwd=project / "docs")
    assert kept.returncode == 0 and kept.stdout.startswith(b"U.S. military airstrikes")
    shown = run("config", "show", cwd=project / "docs")
    assert shown.returncode == 0 and shown.stderr == b""
    assert b"keep_headline = true" in shown.stdout
    assert f"# {pyproject}:5".encode() in shown.stdout
    pyproject.write_text("[tool.cleaner]\nkeep_headlines = true\n")
    bad = run("clean", SEED, cwd=project)
    assert bad.returncode == 2 and bad.stdout == b""
    assert bad.stderr.decode().splitlines() == [
        f"cleaner: error: {pyproject}:2: unknown option 'keep_headlines' "
        "(did you mean 'keep_headline'?)"
    ]
