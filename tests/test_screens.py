"""Both engines of cleaner.screens agree, and canonical text is the same by either."""

from __future__ import annotations

from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import canonical
from cleaner.canonical import canonicalize, canonicalize_reference
from cleaner.screens import Screens, hyperscan, literal
from tests.conftest import FIXTURES, SEEDS
from tests.test_canonical_equivalence import spaced_texts, texts

needs_hyperscan = pytest.mark.skipif(hyperscan is None, reason="hyperscan is not installed")
FAST, PLAIN = canonical._screens(), canonical._screens(use_hyperscan=False)
BUNDLED = [p.read_text("utf-8") for p in [*SEEDS.glob("*.txt"), *FIXTURES.glob("*/*.txt")]]


def _found(screens: Screens, text: str) -> set[str]:
    found = screens.scan(text)
    return {name for name in screens.names if name in found}


@needs_hyperscan
def test_the_canonical_screens_run_on_hyperscan() -> None:
    assert (FAST.engine, PLAIN.engine) == ("hyperscan", "re")


@needs_hyperscan
@pytest.mark.parametrize("text", BUNDLED)
def test_engines_agree_on_the_bundled_texts(text: str) -> None:
    for line in [text, *text.splitlines()]:
        assert _found(FAST, line) == _found(PLAIN, line)


@needs_hyperscan
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(texts, spaced_texts, st.text(max_size=40)))
def test_engines_agree_on_generated_text(text: str) -> None:
    assert _found(FAST, text) == _found(PLAIN, text)


def test_a_text_hyperscan_cannot_read_is_screened_by_re() -> None:
    screens = Screens({"double": [literal("  ")]})
    assert "double" in screens.scan("lone \ud800  surrogate")
    assert "double" not in screens.scan("lone \ud800 surrogate")


def test_the_mojibake_classes_hold_no_character_beyond_the_bmp() -> None:
    # _screens builds the hyperscan classes from the BMP; this keeps that complete.
    beyond = "".join(map(chr, range(0x10000, 0x110000)))
    assert canonical._MOJIBAKE_CHARS.search(beyond) is None
    assert canonical._MOJIBAKE_LONE.search(beyond) is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(texts, spaced_texts))
def test_canonical_text_by_the_re_engine_matches_reference(text: str) -> None:
    canonical._canonical_line.cache_clear()
    with mock.patch.object(canonical, "_screens", lambda: PLAIN):
        assert canonicalize(text) == canonicalize_reference(text)
