"""``cleaner rules lint``: every problem at once, with file, line and rule."""

from __future__ import annotations

from pathlib import Path

import pytest
import regex

from cleaner.authoring.backtracking import backtracking_risks
from cleaner.authoring.lint import lint_file
from cleaner.cli import main
from cleaner.rules.loader import RulePackError, load_pack
from tests.conftest import ROOT


def test_three_problems_give_three_findings_and_exit_1(
    datadir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = datadir / "three_problems.yaml"
    assert main(["rules", "lint", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"{path}:6: rule 'broken': pattern does not compile: missing ) at position 10"
        "  [pattern-compile]",
        f"{path}:16: rule 'twice': duplicate id (first used on line 10)  [duplicate-id]",
        f"{path}:24: rule 'nothing': pattern 'x?' matches the empty string  [empty-match]",
    ]


def test_loader_raises_every_error_of_the_file_at_once(datadir: Path) -> None:
    path = datadir / "three_problems.yaml"
    with pytest.raises(RulePackError) as info:
        load_pack(path)
    errors = [str(f) for f in lint_file(path) if f.severity == "error"]
    assert len(errors) == 3
    assert str(info.value).splitlines() == errors


def test_authoring_warnings_and_schema_errors_are_reported_together(datadir: Path) -> None:
    findings = lint_file(datadir / "authoring_warnings.yaml")
    got = [(f.line, f.rule, f.code, f.severity) for f in findings]
    assert got == [
        (4, None, "backtracking", "warning"),
        (9, "nested", "backtracking", "warning"),
        (13, "no_examples", "no-example", "warning"),
        (17, "typo", "schema", "error"),
        (20, "typo", "backtracking", "warning"),
    ]
    assert "'patern' was unexpected" in findings[3].message
    assert "ambiguous alternation" in findings[4].message


def test_bundled_packs_lint_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "lint"]) == 0
    assert main(["rules", "lint", str(ROOT / "rules")]) == 0
    assert capsys.readouterr().out == ""


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["rules", "lint", str(tmp_path / "nope.yaml")]) == 2


@pytest.mark.parametrize(
    ("pattern", "risk"),
    [
        (r"^(a+)+$", "nested quantifier"),
        (r"(\w+\s?)*$", "nested quantifier"),
        (r"^(\s*\w+)*x", "nested quantifier"),
        (r"^(?:\p{L}+ ?)+:$", "nested quantifier"),
        (r"(?:a*)*b", "nested quantifier"),
        (r"^(?:x+|y)*z", "nested quantifier"),
        (r"^(a|a)*$", "ambiguous alternation"),
        (r"^(?:\w|\d+)*$", "ambiguous alternation"),
        (r"^(?:ab|ab)+$", "ambiguous alternation"),
    ],
)
def test_backtracking_shapes_are_found(pattern: str, risk: str) -> None:
    assert backtracking_risks(pattern) == [risk]


@pytest.mark.parametrize(
    "pattern",
    [
        r"^(?:, \w+)*$",
        r"^(?:\w+,)*\w+$",
        r"^(?:\s+\S+)*$",
        r"^(a|ab)*$",
        r"^(?>a+)+$",
        r"^(?:a+){2}$",
        r"^[\p{L}. ]+$",
        r"(?i)^(?:spread the love|share this(?: article| story)?:?)$",
    ],
)
def test_safe_shapes_are_not_flagged(pattern: str) -> None:
    assert backtracking_risks(pattern) == []


def test_flagged_shape_really_backtracks() -> None:
    # The analysis is about real behaviour: the flagged pattern times out on a
    # short failing input, the equivalent unambiguous one does not.
    text = "a" * 24 + "!"
    with pytest.raises(TimeoutError):
        regex.compile(r"^(a|a)*$").search(text, timeout=0.1)
    assert regex.compile(r"^a*$").search(text, timeout=0.1) is None
