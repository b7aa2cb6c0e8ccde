"""Every fixture case under fixtures/ and every inline example in every pack.

Adding a case is adding files: ``fixtures/<pack>/<case>.in.txt`` plus an optional
``<case>.out.txt`` (absent: the input must come out unchanged) and
``<case>.removals.json``.
"""

from __future__ import annotations

import pytest

import cleaner
from cleaner.heuristics import HEURISTICS
from cleaner.testing import (
    Case,
    discover_cases,
    expected_removals,
    expected_text,
    removal_summary,
    run_case,
)
from tests.conftest import FIXTURES

CASES = discover_cases(FIXTURES)
PACKS = cleaner.default_cleaner().packs
RULES = [(pack, rule) for pack in PACKS for rule in pack.rules]


def test_fixtures_exist() -> None:
    assert len(CASES) >= 10


@pytest.mark.rules_suite
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture_case(case: Case, default: cleaner.Cleaner) -> None:
    result = run_case(default, case)
    assert result.text == expected_text(case)
    golden = expected_removals(case)
    if golden is not None:
        assert removal_summary(result) == golden
    # Every case also checks the invariants on real-looking text.
    assert cleaner.restore(result) == cleaner.canonicalize(case.input.read_text("utf-8"))
    assert run_case_text(default, result.text, case) == result.text


def run_case_text(engine: cleaner.Cleaner, text: str, case: Case) -> str:
    pack = engine.registry.packs.get(case.pack)
    site = None if pack is None or pack.always else case.pack
    return engine.clean(text, site=site).text


@pytest.mark.rules_suite
def test_every_rule_and_heuristic_is_exercised_by_a_fixture(default: cleaner.Cleaner) -> None:
    fired: set[str] = set()
    for case in CASES:
        fired.update(r.rule for r in run_case(default, case).removals)
    expected = {rule.qualified_id for _, rule in RULES} | {f"generic/{h}" for h in HEURISTICS}
    assert sorted(expected - fired) == []


def test_every_fixture_folder_names_a_pack() -> None:
    names = {p.name for p in PACKS}
    assert sorted({c.pack for c in CASES} - names) == []


@pytest.mark.parametrize(("pack", "rule"), RULES, ids=[r.qualified_id for _, r in RULES])
def test_rule_examples(pack: object, rule: cleaner.rules.Rule) -> None:
    assert rule.examples_remove or rule.examples_keep, "a rule needs at least one example"
    for example in rule.examples_remove:
        fits = rule.max_chars is None or len(example) <= rule.max_chars
        assert fits and rule.pattern.search(example), f"should remove: {example!r}"
        if rule.action == "trim":
            assert rule.pattern.search(example).span() != (0, len(example))
    for example in rule.examples_keep:
        fits = rule.max_chars is None or len(example) <= rule.max_chars
        assert not (fits and rule.pattern.search(example)), f"should keep: {example!r}"
