"""``cleaner rules new`` and ``cleaner rules test``."""

from __future__ import annotations

from pathlib import Path

import pytest

import cleaner
from cleaner.cli import main
from cleaner.rules.loader import load_pack
from cleaner.testing import case_failures, discover_cases
from tests.synthetic import site


@pytest.fixture
def samples(tmp_path: Path) -> list[Path]:
    paths = []
    for i, art in enumerate(site(4, seed=5)):
        path = tmp_path / "samples" / f"sample{i}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(art.text, encoding="utf-8")
        paths.append(path)
    return paths


def test_new_writes_a_valid_pack_and_a_failing_fixture(
    samples: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules, fixtures = tmp_path / "rules", tmp_path / "fixtures"
    args = ["rules", "new", "dailyexample.com", "--from", *map(str, samples)]
    assert main([*args, "-o", str(rules), "--fixtures", str(fixtures)]) == 0
    pack = load_pack(rules / "dailyexample.com.yaml")
    assert pack.domains == ("dailyexample.com",)
    assert len(pack.fingerprints) >= 2 and pack.rules
    engine = cleaner.Cleaner([rules])
    [case] = discover_cases(fixtures)
    assert case.id == "dailyexample.com::sample0"
    assert case_failures(engine, case)  # fails until the author edits it
    capsys.readouterr()
    assert main(["rules", "test", str(rules), "--fixtures", str(fixtures)]) == 1
    out = capsys.readouterr().out
    assert "FAIL  dailyexample.com::sample0" in out
    assert "PASS  dailyexample.com/" in out
    # Once the expected text is what the pack gives, the case passes.
    expected = engine.clean(case.input.read_text("utf-8"), site="dailyexample.com").text
    case.sibling(".out.txt").write_text(expected, encoding="utf-8")
    assert main(["rules", "test", str(rules), "--fixtures", str(fixtures)]) == 0
    # Nothing is overwritten.
    assert main([*args, "-o", str(rules), "--fixtures", str(fixtures)]) == 2


def test_new_from_one_sample_has_no_fingerprints(samples: list[Path], tmp_path: Path) -> None:
    rules, fixtures = tmp_path / "rules", tmp_path / "fixtures"
    argv = ["rules", "new", "example.org", "--from", str(samples[0]), "-o", str(rules)]
    assert main([*argv, "--fixtures", str(fixtures)]) == 0
    pack = load_pack(rules / "example.org.yaml")
    assert (pack.domains, pack.fingerprints, pack.rules) == (("example.org",), (), ())


def test_rules_test_passes_on_the_bundled_packs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "test"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "PASS  telesurenglish.net::seed_article" in out
    assert not [line for line in out if line.startswith("FAIL")]
