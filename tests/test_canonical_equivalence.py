"""The fast canonical form is the reference ftfy configuration, character for character.

``canonicalize`` skips ftfy on lines no fix of ``FTFY_CONFIG`` can change; these
tests hold it to ``canonicalize_reference`` (ftfy on every line) on the bundled
texts, on the shared dev corpus, and on generated mojibake, and check the
structural facts about ftfy's badness expression that the mojibake screen
relies on.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import re
import sys
from pathlib import Path

import ftfy
import pytest
from ftfy.badness import BADNESS_RE, MOJIBAKE_CATEGORIES, is_bad
from ftfy.chardata import CONTROL_CHARS, HTML_ENTITY_RE, LIGATURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import canonical
from cleaner.canonical import canonicalize, canonicalize_reference, looks_like_mojibake
from tests.conftest import FIXTURES, ROOT, SEEDS

DEV_TEXT = ROOT.parent / "shared" / "eval" / "dev-text"
BUNDLED = sorted([*SEEDS.glob("*.txt"), *FIXTURES.glob("*/*.txt")])

if sys.version_info >= (3, 11):
    from re import _constants as sre_constants
    from re import _parser as sre_parse
else:  # pragma: no cover - Python 3.10
    import sre_constants
    import sre_parse


def _element_chars(op: object, arg: object) -> set[str] | None:
    """The characters one element of a parsed pattern matches, if it is a plain set."""
    if op is sre_constants.LITERAL:
        assert isinstance(arg, int)
        return {chr(arg)}
    if op is not sre_constants.IN:
        return None
    chars: set[str] = set()
    for item_op, item in arg:  # type: ignore[attr-defined]
        if item_op is sre_constants.LITERAL:
            chars.add(chr(item))
        elif item_op is sre_constants.RANGE:
            chars.update(chr(c) for c in range(item[0], item[1] + 1))
        else:  # a negated set or a category such as \s: not a plain set
            return None
    return chars


def _branches() -> list[list[set[str] | None]]:
    tree = sre_parse.parse(BADNESS_RE.pattern, BADNESS_RE.flags)
    [(op, (_, branches))] = tree.data
    assert op is sre_constants.BRANCH
    return [[_element_chars(o, a) for o, a in branch.data] for branch in branches]


def _within(chars: set[str] | None, pattern: re.Pattern[str]) -> bool:
    return chars is not None and all(pattern.fullmatch(c) for c in chars)


def test_badness_matches_are_short() -> None:
    width = sre_parse.parse(BADNESS_RE.pattern, BADNESS_RE.flags).getwidth()[1]
    assert width <= canonical._BADNESS_WIDTH


def test_every_badness_alternative_holds_an_anchor() -> None:
    for elements in _branches():
        assert any(_within(e, canonical._MOJIBAKE_ANCHOR) for e in elements), elements


def test_every_badness_alternative_needs_a_pair_or_a_lone_character() -> None:
    for elements in _branches():
        lone = any(_within(e, canonical._MOJIBAKE_LONE) for e in elements)
        pair = any(
            _within(a, canonical._MOJIBAKE_CHARS) and _within(b, canonical._MOJIBAKE_CHARS)
            for a, b in itertools.pairwise(elements)
        )
        assert lone or pair, elements


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_bundled_texts_match_reference(path: Path) -> None:
    text = path.read_text("utf-8")
    assert canonicalize(text) == canonicalize_reference(text)


@pytest.mark.skipif(not DEV_TEXT.is_dir(), reason=f"shared dev corpus not found at {DEV_TEXT}")
def test_dev_corpus_matches_reference() -> None:
    paths = sorted(DEV_TEXT.glob("*.txt"))
    assert paths
    for path in paths:
        text = path.read_text("utf-8")
        assert canonicalize(text) == canonicalize_reference(text), path.name
        for line in text.split("\n"):
            assert looks_like_mojibake(line) == is_bad(line), (path.name, line)


WORDS = [
    "café",
    "naïve",
    "doesn’t",
    "“quoted”",
    "Ελληνικά",
    "Русский текст",
    "façade — déjà vu",
    "½ × ²",
    "œuvre",
    "Straße",
    "São Paulo",
    "Zürich",
    "€5",
    "…",
    "العربية",
    "日本語",
    "Ђорђе",
]


def _mojibake(text: str, encoding: str) -> str:
    return text.encode("utf-8").decode(encoding, "replace")


pieces = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(WORDS).flatmap(
        lambda w: st.sampled_from(["cp1252", "latin-1", "cp1251", "mac_roman", "cp437"]).map(
            lambda enc: _mojibake(w, enc)
        )
    ),
    st.sampled_from(WORDS).map(html.escape).map(lambda w: w.replace("é", "&eacute;")),
    st.sampled_from(["&amp;", "&lt;", "&#x2019;", "&nbsp;", "&EACUTE;", "& co", "AT&T"]),
    st.sampled_from(["\x00", "\x1b[31m", "\x85", "\x92", "\ufeff", "\u200b", "\u00ad", "ﬁ"]),
    st.sampled_from(["\u00a0", "\u2009", "\t", "  ", " ", "\u3000", "e\u0301", "\u0301"]),
    st.sampled_from(["Ã ", "Â ", "Ã\u00a0", "â€™", "Ã©", "вЂ", "Â£", "×²"]),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=8),
    st.text(alphabet="aé’“”—Ã€™©Âœ°×²ВГРСДЂ \u00a0", max_size=10),
    st.just("\n"),
    st.just("\r\n"),
)
texts = st.lists(pieces, max_size=25).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_generated_text_matches_reference(text: str) -> None:
    canonical._canonical_line.cache_clear()
    assert canonicalize(text) == canonicalize_reference(text)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_mojibake_screen_matches_ftfy(text: str) -> None:
    assert looks_like_mojibake(text) == is_bad(text)


# Texts whose lines mostly differ from canonical only in their spaces, next to
# mojibake that ftfy reads differently with a no-break space than with a space.
spaced_texts = st.lists(
    st.one_of(
        st.sampled_from(["\u00a0", "\u2009", "\u202f", "\u3000", "\t", "  ", " ", "\n", " \n "]),
        st.sampled_from(WORDS),
        st.sampled_from(["Ã", "Â", "â€", "Ã\u00a0", "Â\u00a0", "e\u0301", "&amp;", "&nbsp", "T&T"]),
        st.text(alphabet="aé’“—Ã€™©Â°×ВРЂ \u00a0\u2009\n", max_size=10),
    ),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spaced_texts)
def test_space_only_repairs_match_reference(text: str) -> None:
    canonical._canonical_line.cache_clear()
    assert canonicalize(text) == canonicalize_reference(text)


FTFY_INTERNALS_SHA256 = "18e2a4add57d7db3371a46620e4ef85f18a929d1118e12d3ba968d60f2c49422"
"""Digest of the private ftfy tables canonical.py builds its screens from (ftfy 6.3.1)."""


def test_ftfy_internals_read_by_the_canonical_screens_are_unchanged() -> None:
    # canonical.py reads ftfy.badness and ftfy.chardata, which are not ftfy's API.
    # If this fails, ftfy changed them: check that canonicalize still equals
    # canonicalize_reference (this file), then update the digest and the bound
    # on ftfy in pyproject.toml.
    facts = [
        BADNESS_RE.pattern,
        sorted(MOJIBAKE_CATEGORIES.items()),
        sorted(CONTROL_CHARS.items()),
        HTML_ENTITY_RE.pattern,
        sorted(LIGATURES.items()),
    ]
    digest = hashlib.sha256(json.dumps(facts, ensure_ascii=False, default=str).encode())
    assert digest.hexdigest() == FTFY_INTERNALS_SHA256, (
        f"ftfy {ftfy.__version__} changed the private tables canonical.py reads"
    )
