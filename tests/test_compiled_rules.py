"""A pack's combined screen matches a paragraph exactly when one of its rules does."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.rules.compiled import anchored, combinable, combine, pack_screen
from cleaner.rules.model import Pack
from tests.conftest import real_lines

PACKS = cleaner.default_cleaner().packs
LINES = real_lines(PACKS)


def _agrees(pack: Pack, line: str) -> None:
    screen = pack_screen(pack)
    if screen.pattern is None:
        return
    screened = [rule for rule in pack.rules if rule.qualified_id in screen.rules]
    expected = any(rule.pattern.search(line) is not None for rule in screened)
    assert (screen.pattern.match(line) is not None) == expected, (pack.name, line)


def test_most_bundled_rules_are_screened() -> None:
    total = sum(len(p.rules) for p in PACKS)
    screened = sum(len(pack_screen(p).rules) for p in PACKS)
    assert screened >= 0.6 * total


def test_unanchored_patterns_are_not_screened() -> None:
    assert anchored("(?i)share$") is None
    assert anchored("^a|b") is None
    assert anchored("(?i)^a|^b") == "(?i:(?:a|b))"


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
