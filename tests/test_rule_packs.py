"""Every fixture case under fixtures/ and every inline example in every pack.

Adding a case is adding files: ``fixtures/<pack>/<case>.in.txt`` plus an optional
``<case>.out.txt`` (absent: the input must come out unchanged) and
``<case>.removals.json``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import cleaner
from cleaner.detectors import of_stage
from cleaner.testing import Case, case_failures, discover_cases, example_failures, run_case
from tests.conftest import FIXTURES

CASES = discover_cases(FIXTURES)
PACKS = cleaner.default_cleaner().packs
RULES = [(pack, rule) for pack in PACKS for rule in pack.rules]


def test_fixtures_exist() -> None:
    assert len(CASES) >= 10


@pytest.mark.rules_suite
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture_case(case: Case, default: cleaner.Cleaner) -> None:
    # Expected text, golden removals, replay onto the canonical input, idempotence.
    assert case_failures(default, case) == []


@pytest.mark.rules_suite
def test_every_rule_and_heuristic_is_exercised_by_a_fixture(default: cleaner.Cleaner) -> None:
    fired: set[str] = set()
    for case in CASES:
        fired.update(r.rule for r in run_case(default, case).removals)
    expected = {rule.qualified_id for _, rule in RULES} | {d.id for d in of_stage("text")}
    assert sorted(expected - fired) == []


def test_every_fixture_folder_names_a_pack() -> None:
    names = {p.name for p in PACKS}
    assert sorted({c.pack for c in CASES} - names) == []


@pytest.mark.parametrize(("pack", "rule"), RULES, ids=[r.qualified_id for _, r in RULES])
def test_rule_examples(pack: object, rule: cleaner.rules.Rule) -> None:
    assert example_failures(rule) == []


def test_case_failures_reports_a_wrong_expectation(tmp_path: Path) -> None:
    folder = tmp_path / "generic"
    folder.mkdir()
    (folder / "x.in.txt").write_text("Spread the love\n\nBody text of the article.\n")
    (folder / "x.out.txt").write_text("Spread the love\n\nBody text of the article.\n")
    [case] = discover_cases(tmp_path)
    [failure] = case_failures(cleaner.default_cleaner(), case)
    assert failure.startswith("text differs:") and "-Spread the love" in failure


def test_example_failures_reports_each_bad_example() -> None:
    rule = PACKS[0].rules[0]
    bad = replace(rule, examples_remove=("no match here at all",), examples_keep=())
    assert example_failures(bad) == ["should remove: 'no match here at all'"]
    assert example_failures(replace(bad, examples_remove=())) == [
        "a rule needs at least one example"
    ]
