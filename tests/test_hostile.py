"""Hostile documents through the library API: a clean result or a clear error, never a crash.

The batch-level cases (files, gzip bombs, symlinks, paths) are in test_hostile_batch.py.
The HTML fuzz target runs briefly here; ``HYPOTHESIS_PROFILE=fuzz`` runs it longer.
"""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cleaner
from cleaner import pipeline
from cleaner.html import DecodeError, decode_bytes
from cleaner.limits import DocumentTooComplex

settings.register_profile(
    "fuzz", max_examples=20_000, deadline=None, suppress_health_check=list(HealthCheck)
)
FUZZ = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"

BODY = "Officials said the strikes hit three sites near the border on Sunday evening."


def _check(result: cleaner.Result, *, html: bool = False) -> None:
    assert cleaner.restore(result) == cleaner.canonicalize(cleaner.restore(result))
    # Text from HTML skips some heuristics (CleanerConfig.html_skip_heuristics):
    # it is a fixed point of the text path run with the same skips.
    engine = cleaner.default_cleaner()
    skips = engine.config.html_skip_heuristics if html else ()
    config = engine.config
    choice = result.provenance["source"].get("extractor", {}).get("choice", {})
    if choice.get("chosen", "").endswith("_plain"):
        # A plain candidate went through the text path without generic rules and heuristics.
        config = dataclasses.replace(config, heuristics=False, generic_rules=False)
    again = pipeline.run(
        result.text, registry=engine.registry, config=config, skip_heuristics=skips
    )
    assert again.text == result.text


@pytest.mark.parametrize(
    "html",
    [
        pytest.param("<div>" * 100_000 + f"<p>{BODY}</p>" + "</div>" * 100_000, id="deep-100k"),
        # In a body, the page reaches the main-content extractors (resiliparse's
        # takes time quadratic in depth, so it is not given such a page).
        pytest.param(
            "<html><body>" + "<div>" * 100_000 + f"<p>{BODY}</p>" + "</div>" * 100_000,
            id="deep-100k-in-body",
        ),
        pytest.param("<p><b><i>unclosed " * 5_000, id="unclosed-tags"),
        pytest.param(f"<p title='{'x' * 2_000_000}'>{BODY}</p>", id="huge-attribute"),
        pytest.param("<script>" + "var a = 1;" * 50_000 + "</script>", id="script-only"),
        pytest.param("\x89PNG\r\n\x1a\n" + "\x00garbage" * 500, id="not-html"),
        pytest.param("", id="empty"),
        pytest.param("<p>" + "&amp;" * 50_000 + "</p>", id="entity-flood"),
    ],
)
def test_hostile_html_gives_a_result(html: str) -> None:
    _check(cleaner.clean_html(html), html=True)
    fast = cleaner.Cleaner(config=cleaner.CleanerConfig(html_fast=True))
    _check(fast.clean_html(html), html=True)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("abc\ud800def\udfff", id="lone-surrogates"),
        pytest.param("a\x00b\x00\x01\x1b[31mred\x1b[0m", id="nul-and-escapes"),
        pytest.param("x\n" * 200_000, id="many-tiny-lines"),
        pytest.param("“" * 100_000, id="one-long-line"),
        pytest.param("\u202e\u200f\u0301" * 1000, id="bidi-and-marks"),
    ],
)
def test_hostile_text_gives_a_result(text: str) -> None:
    _check(cleaner.clean(text))


def test_oversized_document_is_an_error_not_a_truncation() -> None:
    engine = cleaner.Cleaner(config=cleaner.CleanerConfig(max_document_chars=1000))
    with pytest.raises(ValueError, match="over the limit of 1000"):
        engine.clean("x" * 1001)
    with pytest.raises(ValueError, match="over the limit of 1000"):
        engine.clean_html(f"<p>{BODY * 30}</p>")


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        pytest.param(("Grüße aus Köln. " * 20).encode("utf-16"), "utf-16", id="utf16-bom"),
        pytest.param(("Grüße aus Köln. " * 20).encode("utf-16-le"), "utf-16-le", id="utf16-le"),
        # cp1250 and cp1252 agree on these letters: either guess decodes it right.
        pytest.param(("Grüße aus Köln. " * 20).encode("cp1252"), None, id="legacy-8-bit"),
    ],
)
def test_encodings_decode(data: bytes, encoding: str | None) -> None:
    decoded = decode_bytes(data)
    assert encoding is None or decoded.encoding == encoding
    assert decoded.text.startswith("Grüße aus Köln.")


def test_binary_is_a_decode_error() -> None:
    with pytest.raises(DecodeError, match="binary"):
        decode_bytes(bytes(range(256)) * 16)


_TAGS = st.sampled_from(["div", "p", "span", "article", "aside", "table", "td", "li", "a", "b"])
_ATTRS = st.sampled_from(["", ' class="share"', ' id="comments"', ' class="related x"', " x=1"])
_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40
) | st.sampled_from([BODY, "READ ALSO: x", "Share this:", "&amp;", "<", ">", "&#0;"])


@st.composite
def markup(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 6 and draw(st.booleans()):
            tag = draw(_TAGS)
            inner = draw(markup(depth + 1))
            closed = draw(st.booleans())
            parts.append(f"<{tag}{draw(_ATTRS)}>{inner}" + (f"</{tag}>" if closed else ""))
        else:
            parts.append(draw(_TEXT))
    return "".join(parts)


@settings(
    max_examples=20_000 if FUZZ else 60,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(markup(), st.booleans())
def test_fuzz_html_path(html: str, as_bytes: bool) -> None:
    page = f"<html><body>{html}</body></html>"
    try:
        result = cleaner.clean_html(page.encode("utf-8", "surrogatepass") if as_bytes else page)
    except DecodeError:
        return  # a clear, typed error is an acceptable outcome for bytes
    _check(result, html=True)


def _slow_pack(folder: Path, rules: int) -> Path:
    """A pack of ``rules`` patterns quadratic on a long run of ``a`` and one exponential."""
    body = "".join(
        f"  - id: quad{i}\n    action: drop-line\n    pattern: '^(a+)+(?:$|z{i}q)'\n"
        "    why: backtracks\n    examples: {remove: ['a']}\n"
        for i in range(rules)
    )
    body += (
        "  - id: expo\n    action: drop-line\n    pattern: '^(a|a)+$'\n"
        "    why: backtracks\n    examples: {remove: ['aa']}\n"
    )
    (folder / "slow.yaml").write_text(
        f"name: slow\nversion: 1\nalways: true\nrules:\n{body}", "utf-8"
    )
    return folder


def test_a_documents_pattern_time_is_budgeted_and_overruns_recorded(tmp_path: Path) -> None:
    config = cleaner.CleanerConfig(regex_document_budget=0.5)
    engine = cleaner.Cleaner([_slow_pack(tmp_path, 20)], config=config)
    text = "a" * 3000 + "!\n\nBody text stays here.\n"
    started = time.thread_time()  # the searches' clock: CPU time, whatever the machine's load
    result = engine.clean(text)
    spent = time.thread_time() - started
    assert "Body text stays here." in result.text
    skipped = result.provenance["skipped_rules"]
    assert {s["reason"] for s in skipped} == {"document budget"}
    assert len(skipped) >= 10
    # Each search quits at the budget's end: the budget and one search's overshoot at most.
    assert spent < 0.5 + 0.5


def test_a_timed_out_rule_is_not_tried_again_in_later_passes(tmp_path: Path) -> None:
    config = cleaner.CleanerConfig(regex_timeout=0.2)
    engine = cleaner.Cleaner([_slow_pack(tmp_path, 0)], config=config)
    text = "Share this story.\n\n" + "a" * 40 + "!\n\nBody text stays here.\n"
    started = time.thread_time()
    result = engine.clean(text)
    spent = time.thread_time() - started
    assert result.provenance["skipped_rules"] == [
        {"rule": "slow/expo", "reason": "timeout", "paragraph": "1"}
    ]
    assert spent < 0.2 * 1.5


@pytest.mark.parametrize(
    ("page", "limit"),
    [
        ("<div " + " ".join(f"a{i}=1" for i in range(5000)) + ">x</div>", "attributes"),
        ("<p>x</p>" * 1_100_000, "elements"),
    ],
)
def test_pages_past_a_structural_limit_are_refused_before_parsing(page: str, limit: str) -> None:
    started = time.perf_counter()
    with pytest.raises(DocumentTooComplex, match=f"{limit}.*over the limit"):
        cleaner.clean_html(page)
    assert time.perf_counter() - started < 5  # refused from a scan, not after a parse


def test_a_text_of_too_many_lines_is_refused() -> None:
    with pytest.raises(DocumentTooComplex, match="1000001 lines, over the limit of 1000000"):
        cleaner.clean("x\n" * 1_000_001)
