"""Literal prefilters never rule out a line their pattern matches."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.rules.literals import any_of, branches, prefixes, requirement, satisfied
from tests.conftest import real_lines

PACKS = cleaner.default_cleaner().packs
PATTERNS = sorted(
    {rule.pattern.pattern for pack in PACKS for rule in pack.rules}
    | {fp.pattern for pack in PACKS for fp in pack.fingerprints}
)
LINES = real_lines(PACKS)
COMPILED = {
    source: next(
        p
        for pack in PACKS
        for p in [*(r.pattern for r in pack.rules), *pack.fingerprints]
        if p.pattern == source
    )
    for source in PATTERNS
}


def _necessary(source: str, line: str) -> None:
    if COMPILED[source].search(line) is None:
        return
    folded = line.casefold()
    req, pooled = requirement(source), any_of(source)
    assert req is None or satisfied(req, folded), (source, line)
    assert pooled is None or any(lit in folded for lit in pooled), (source, line)


def test_most_bundled_patterns_have_literals() -> None:
    assert sum(any_of(source) is not None for source in PATTERNS) >= 0.6 * len(PATTERNS)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"abc?", ((("ab",),),)),
        (r"ab+c", ((("ab",), ("c",)),)),
        (r"a{0,2}bc", ((("bc",),),)),
        (r"(?:x|y)?z", ((("z",),),)),
        (r"(?:foo|bar)+", (((("foo", "bar")),),)),
        (r"(?=look)ahead", ((("ahead",),),)),
        (r"\.com/", (((".com/",),),)),
        (r"Straße", ((("strasse",),),)),
    ],
)
def test_requirements_of_small_patterns(source: str, expected: object) -> None:
    assert requirement(source) == expected


@pytest.mark.parametrize(
    "source",
    [r"(?x) a b", r"[[a-z]--[aeiou]]x", r"(a)\1", r"\x41", r"(?i)a|\d", r"a(?i)b", r"(?#c)a"],
)
def test_unreadable_or_literal_free_patterns_give_none(source: str) -> None:
    assert requirement(source) is None


def test_case_folded_matches_pass() -> None:
    req = requirement("(?i)strasse")
    assert req is not None and satisfied(req, "STRAẞE".casefold())


def test_optional_leading_text_leaves_literals() -> None:
    """A group after an optional bracket still requires one of its literals."""
    assert any_of(r"(?i)^[\[(]?\s*(?:(?:read|see)\s+(?:also|more)|related)\s*:") == (
        "also",
        "more",
        "related",
    )
    generic = {rule.id: rule.pattern.pattern for rule in PACKS[0].rules}
    assert any_of(generic["related_link_line"]) is not None
    assert any_of(generic["widget_label"]) is not None


@pytest.mark.parametrize("flags", ["(?x)", "(?m)", "(?im)"])
def test_no_prefixes_under_verbose_or_multiline(flags: str) -> None:
    assert prefixes(flags + "^share") is None


def _branch_matches(source: str, line: str) -> None:
    if COMPILED[source].search(line) is None:
        return
    parts = branches(source)
    assert any(regex.search(part, line) for part in parts), (source, line, parts)


# Each check holds for every bundled pattern on every real line and on variants
# of them: literals a match cannot lack, and branches whose matches cover it.
CHECKS = [_necessary, _branch_matches]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__.strip("_"))
@pytest.mark.parametrize("source", PATTERNS)
def test_check_on_real_lines(check: Callable[[str, str], None], source: str) -> None:
    for line in LINES:
        check(source, line)


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__.strip("_"))
@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PATTERNS), st.sampled_from(LINES), st.text(max_size=20))
def test_check_on_variants(
    check: Callable[[str, str], None], source: str, line: str, noise: str
) -> None:
    for variant in (noise + line, line + noise, line.upper(), line.lower(), line.title()):
        check(source, variant)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"^(?:a|b)c|d", ("^ac", "^bc", "d")),
        (r"(?i)^(?:x|(?:y|z)w)$", ("(?i)^x$", "(?i)^yw$", "(?i)^zw$")),
        (r"^(?:a|b)+c", ("^(?:a|b)+c",)),
        (r"^(?i:a|b)c", ("^(?i:a|b)c",)),
        (r"^(?=a|b)c", ("^(?=a|b)c",)),
        (r"(?x)^(?:a|b)", ("(?x)^(?:a|b)",)),
        (r"^[(|]", ("^[(|]",)),
    ],
)
def test_branches_of_small_patterns(source: str, expected: tuple[str, ...]) -> None:
    assert branches(source) == expected
