"""The fast HTML mode (``CleanerConfig(html_fast=True)``, ``cleaner clean --fast``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cleaner
from cleaner import resili
from cleaner.cli import main
from cleaner.config import CleanerConfig
from cleaner.extraction import link_density
from cleaner.provenance import verify
from tests.test_html import BODY_PARAGRAPHS

FAST = cleaner.Cleaner(config=CleanerConfig(html_fast=True))


def test_fast_mode_extracts_the_article_with_provenance(article: bytes) -> None:
    result = FAST.clean_html(article)
    for start in BODY_PARAGRAPHS:
        assert start in result.text
    # No generic HTML heuristics in this mode: the promotion boxed in a widget
    # stays (the default mode drops it), the headline and the link list go.
    for noise in ("Harbour bridge reopens", "Ferry timetable"):
        assert noise not in result.text
    extractor = result.provenance["source"]["extractor"]
    assert (extractor["name"], extractor["mode"]) == ("resiliparse", "fast")
    assert "fallback" not in extractor
    # Metadata comes from <head> alone in the fast mode.
    assert result.metadata["title"] == "Harbour bridge reopens after repairs"
    assert result.metadata["url"] == "https://news.example.org/local/harbour-bridge-reopens"
    assert verify(result.provenance, result.text) == []


def test_fast_and_default_modes_agree_on_the_article_body(article: bytes) -> None:
    fast, default = FAST.clean_html(article), cleaner.clean_html(article)
    for start in BODY_PARAGRAPHS:
        line = next(p for p in default.text.split("\n\n") if p.startswith(start))
        assert line in fast.text


def _steps(result: cleaner.Result) -> set[str]:
    return {step["name"] for step in result.provenance["steps"]}


def test_fast_mode_skips_its_costliest_heuristics(article: bytes) -> None:
    skipped = {f"generic/{name}" for name in FAST.config.html_fast_skip_heuristics}
    assert skipped and not skipped & _steps(FAST.clean_html(article))
    # The default mode's own extraction runs them (a `_plain` candidate of the learned
    # choice would run no generic heuristic at all).
    default = cleaner.Cleaner(config=cleaner.CleanerConfig(html_choice=False))
    assert skipped <= _steps(default.clean_html(article))


def test_a_page_without_an_article_falls_back_to_the_default_mode() -> None:
    page = "<html><head><title>Menu</title></head><body><p>Home</p><p>About us</p></body></html>"
    result = FAST.clean_html(page)
    extractor = result.provenance["source"]["extractor"]
    assert extractor["fallback"] == "default mode"
    assert extractor["mode"] == "fast"
    # The default mode's extraction is cleaned as in the default mode.
    assert {f"generic/{name}" for name in FAST.config.html_fast_skip_heuristics} <= _steps(result)


def test_to_body_maps_resiliparse_markup_to_trafilatura_tags() -> None:
    body = resili.to_body(
        "<h2>Title</h2><p>Read <a href='/x'>this story</a> now.</p><ul><li>one</li></ul><br>"
    )
    assert [e.tag for e in body.iter()] == ["body", "head", "p", "ref", "list", "item", "lb"]
    assert link_density(body.find("p")) == pytest.approx(
        len("thisstory") / len("Readthisstorynow.")
    )
    assert resili.to_body("") is None


def test_main_body_refuses_pages_nested_too_deep() -> None:
    depth = resili.MAX_DEPTH + 10
    page = "<html><body>" + "<div>" * depth + "<p>" + "word " * 80 + "</p>" + "</div>" * depth
    assert resili.main_body(page) is None
    shallow = "<html><body><div><p>" + "word " * 80 + "</p></div></body></html>"
    assert resili.main_body(shallow) is not None


def test_cli_fast_flag_and_resume(article: bytes, tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "page.html").write_bytes(article)
    assert main(["clean", str(src), "-o", str(out), "-q", "--fast"]) == 0
    record = json.loads((out / "page.json").read_text("utf-8"))
    assert record["provenance"]["source"]["extractor"]["mode"] == "fast"
    # The mode is part of the configuration: a run without --fast redoes the page.
    assert main(["clean", str(src), "-o", str(out), "-q"]) == 0
    record = json.loads((out / "page.json").read_text("utf-8"))
    assert record["provenance"]["source"]["extractor"]["mode"] == "default"


def test_fast_mode_falls_back_when_the_head_cannot_be_parsed(
    article: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A page whose head lxml cannot read on its own still has an article: the
    # default extraction decides, as for any page resiliparse finds empty.
    monkeypatch.setattr("cleaner.htmlpipeline._html.parse_head", lambda html: None)
    result = FAST.clean_html(article)
    assert result.provenance["source"]["extractor"]["fallback"] == "default mode"
    for start in BODY_PARAGRAPHS:
        assert start in result.text


# Six paragraphs of prose inside an element whose class resiliparse's
# main-content rules read as boilerplate (a site that names its story box so).
_PROSE = "".join(
    f"<p>Paragraph {n} of the council report says the harbour bridge will reopen once the"
    " repairs to its deck and rails are finished next spring.</p>"
    for n in range(6)
)
_MISREAD = (
    "<html><head><title>Bridge</title></head><body><div><p>Home</p><p>News</p></div>"
    f'<div class="related-links">{_PROSE}</div></body></html>'
)


def test_the_guard_takes_trafilatura_when_resiliparse_misses_the_prose() -> None:
    result = FAST.clean_html(_MISREAD)
    extractor = result.provenance["source"]["extractor"]
    assert extractor["guard"] == {"prose_words": 144, "held": 0, "taken": "trafilatura (fast)"}
    assert "fallback" not in extractor
    for n in range(6):
        assert f"Paragraph {n} of the council report" in result.text
    assert verify(result.provenance, result.text) == []
    # Without the guard, resiliparse's extraction (the page's menu) is too short
    # and the default mode redoes the page.
    off = cleaner.Cleaner(config=CleanerConfig(html_fast=True, html_fast_guard_share=0))
    assert off.clean_html(_MISREAD).provenance["source"]["extractor"]["fallback"] == "default mode"


def test_the_guard_keeps_resiliparse_when_it_holds_the_prose(article: bytes) -> None:
    assert "guard" not in FAST.clean_html(article).provenance["source"]["extractor"]
    page = resili.parse_page(f"<html><body><nav>Home</nav><article>{_PROSE}</article></body>")
    assert resili.prose_coverage(page, "Home", 15) == (0, 144)
    held = " ".join(f"Paragraph {n} of the council report says" for n in range(3))
    assert resili.prose_coverage(page, held, 15) == (0, 144)
    text = resili.extract_plain_text(page, main_content=True)
    assert resili.prose_coverage(page, str(text), 15) == (144, 144)
