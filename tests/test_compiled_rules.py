"""A pack's combined screen matches a paragraph exactly when one of its rules does."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.rules.compiled import combinable, combine, pack_screen
from cleaner.rules.model import Pack
from tests.conftest import FIXTURES, SEEDS

PACKS = cleaner.default_cleaner().packs
LINES = sorted(
    {
        line
        for path in [*SEEDS.glob("*.txt"), *FIXTURES.glob("*/*.txt")]
        for line in path.read_text("utf-8").splitlines()
    }
    | {
        example
        for pack in PACKS
        for rule in pack.rules
        for example in (*rule.examples_remove, *rule.examples_keep)
    }
)


def _agrees(pack: Pack, line: str) -> None:
    screen = pack_screen(pack)
    assert screen is not None
    expected = any(rule.pattern.search(line) is not None for rule in pack.rules)
    assert (screen.search(line) is not None) == expected, (pack.name, line)


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_screen_agrees_with_rules_on_real_lines(pack: Pack) -> None:
    for line in LINES:
        _agrees(pack, line)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(PACKS), st.sampled_from(LINES), st.text(max_size=20))
def test_screen_agrees_with_rules_on_variants(pack: Pack, line: str, noise: str) -> None:
    for variant in (noise + line, line + noise, line.upper(), line.lower()):
        _agrees(pack, variant)


def test_back_references_are_not_combined() -> None:
    assert combinable(r"^(a)\1$") is None
    assert combine(["^a$", r"^(a)\1$"]) is None


def test_named_groups_become_plain_groups() -> None:
    assert combinable("^(?P<date>\\d+)$") == "(?:^(?:\\d+)$)"
