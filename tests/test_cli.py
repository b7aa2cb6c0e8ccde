"""The command line on folders: outputs, provenance, errors, exit codes."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from cleaner.cli import main
from cleaner.inputs import STATS_FILE
from cleaner.provenance import verify
from tests.conftest import SEEDS


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(SEEDS, src / "nested")
    return src


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.name != STATS_FILE  # the last run's counts and time
    }


def test_clean_folder_writes_text_and_provenance(seeds: Path, tmp_path: Path) -> None:
    before = _snapshot(seeds)
    out = tmp_path / "out"
    assert main(["clean", str(seeds), "-o", str(out), "-q"]) == 0
    assert _snapshot(seeds) == before  # inputs untouched
    names = sorted(_snapshot(out))
    assert len(names) == 10
    assert all(n.startswith("nested/") for n in names)
    for txt in out.rglob("*.txt"):
        record = json.loads(txt.with_suffix(".json").read_text("utf-8"))
        assert verify(record["provenance"], txt.read_text("utf-8")) == []
        assert record["source"].endswith(txt.name)
    assert not list(out.rglob(".*tmp"))


def test_bad_file_is_reported_and_batch_continues(
    seeds: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    noise = random.Random(0)
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(noise.randrange(256) for _ in range(512))
    (seeds / "binary.txt").write_bytes(png)
    out = tmp_path / "out"
    assert main(["clean", str(seeds), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "binary.txt" in err
    assert "5 document(s)" in err and "1 failed" in err
    assert len(list(out.rglob("*.txt"))) == 5


def test_single_file_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    path = SEEDS / "002_7c084e74566a1192.txt"
    assert main(["clean", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Back to top button" not in out
    assert out.startswith("WASHINGTON – The U.S. military launched airstrikes")


def test_output_inside_source_is_not_reread(seeds: Path) -> None:
    out = seeds / "out"
    assert main(["clean", str(seeds), "-o", str(out), "-q"]) == 0
    assert main(["clean", str(seeds), "-o", str(out), "-q"]) == 0
    assert not (out / "out").exists()


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", str(tmp_path / "missing")]) == 2
    assert main(["clean", str(SEEDS)]) == 2  # a folder needs -o
    bad = tmp_path / "rules"
    bad.mkdir()
    (bad / "x.yaml").write_text("name: x\nversion: 1\nrules:\n  - id: a\n", "utf-8")
    assert main(["clean", str(SEEDS), "-o", str(tmp_path / "o"), "--rules", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "x.yaml:4" in err and "'action' is a required property" in err
    assert not (tmp_path / "o").exists()


def test_explain_and_rules_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(SEEDS / "001_232606fa2d2a3b63.txt")]) == 0
    out = capsys.readouterr().out
    assert "wsj-syndication/dow_jones_copyright" in out
    assert "why:" in out and "Dow Jones copyright footer" in out
    assert main(["clean", str(SEEDS), "-o", str(tmp_path), "-q"]) == 0
    assert main(["explain", str(tmp_path / "001_232606fa2d2a3b63.json")]) == 0
    assert "wsj-syndication/dow_jones_copyright" in capsys.readouterr().out
    assert main(["rules", "list"]) == 0
    listing = capsys.readouterr().out
    assert "telesurenglish.net" in listing and "domains: telesurenglish.net" in listing
