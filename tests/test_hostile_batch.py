"""A folder of hostile files mixed with good ones, cleaned in one batch.

The run must end, every good file must be cleaned, every bad one listed with a
clear reason, nothing written outside OUT, inputs untouched, memory bounded
(the run is given a hard address-space limit) and a catastrophic pattern must
not hang it.
"""

from __future__ import annotations

import gzip
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner.batch import STATS_FILE
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
    }
    assert "binary" in errors["binary.txt"]["message"]
    assert "gzip bomb" in errors["bomb.html.gz"]["message"]
    assert "over the input size limit" in errors["too_big.txt"]["message"]
    assert "truncated" in errors["truncated.html.gz"]["message"]
    assert "outside the source folder" in errors["link_out.txt"]["message"]
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
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
