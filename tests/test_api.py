"""The library contract: clean, clean_html, canonicalize, restore, Cleaner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cleaner
from cleaner.provenance import sha256

ARTICLE = (
    "Budget passes after long debate\n\nShare this:\n\n"
    "The council approved the budget on Tuesday after a debate that lasted all spring.\n\n"
    "READ ALSO: Mayor defends plan\n\nConstruction starts in the autumn, officials said.\n"
)


def test_result_fields_and_provenance_shape() -> None:
    result = cleaner.clean(ARTICLE)
    assert "Share this:" not in result.text
    assert "READ ALSO" not in result.text
    # The headline is not article body: it moves to metadata, recorded as an extract.
    assert result.text.startswith("The council approved the budget")
    assert result.metadata["title"] == "Budget passes after long debate"
    assert [r.rule for r in result.removals] == [
        "generic/headline",
        "generic/share_prompt",
        "generic/related_link_line",
    ]
    for r in result.removals:
        assert cleaner.canonicalize(ARTICLE)[r.start : r.end] == r.text
    prov = result.provenance
    json.dumps(prov)  # serialisable
    assert prov["tool"] == {"name": "cleaner", "version": cleaner.__version__}
    assert prov["output"]["sha256"] == sha256(result.text)
    assert prov["packs"][-1]["name"] == "generic"
    assert prov["packs"][-1]["matched_by"] == "always"
    assert len(prov["packs"][-1]["sha256"]) == 64
    assert prov["rules"]["generic/share_prompt"].startswith("WordPress share-widget")


def test_restore_gives_canonical_input() -> None:
    result = cleaner.clean(ARTICLE)
    assert cleaner.restore(result) == cleaner.canonicalize(ARTICLE)


def test_empty_and_blank_input() -> None:
    assert cleaner.clean("").text == ""
    assert cleaner.clean(" \n\t\u00a0\n").text == ""
    assert cleaner.canonicalize("") == ""


def test_site_is_chosen_by_url_host_and_parent_domain() -> None:
    result = cleaner.clean("Opinion\n\nBody text.", url="https://www.telesurenglish.net/news/x")
    assert result.provenance["packs"][0]["matched_by"] == "domain:telesurenglish.net"
    sub = cleaner.clean("Body.", url="https://mobile.telesurenglish.net/a")
    assert sub.provenance["packs"][0]["matched_by"] == "domain:telesurenglish.net"
    other = cleaner.clean("Body.", url="https://example.org/a")
    assert [p["name"] for p in other.provenance["packs"]] == ["generic"]


def test_forced_site_and_unknown_site() -> None:
    result = cleaner.clean("Body.", site="wsj-syndication")
    assert result.provenance["packs"][0] == {
        **result.provenance["packs"][0],
        "name": "wsj-syndication",
        "matched_by": "site",
    }
    with pytest.raises(cleaner.UnknownSiteError, match="no rule pack named 'nope'"):
        cleaner.clean("Body.", site="nope")


def test_extra_rules_dir_adds_and_overrides(tmp_path: Path) -> None:
    (tmp_path / "example.com.yaml").write_text(
        "name: example.com\nversion: 2\nmatch:\n  domains: [example.com]\nrules:\n"
        "  - id: promo\n    action: drop-line\n    pattern: '^Buy now!$'\n"
        "    why: promo\n    examples: {remove: ['Buy now!']}\n",
        "utf-8",
    )
    engine = cleaner.Cleaner([tmp_path])
    result = engine.clean("Body text.\n\nBuy now!\n", url="https://example.com/a")
    assert result.text == "Body text.\n"
    assert result.removals[0].rule == "example.com/promo"
    assert result.provenance["packs"][0]["version"] == "2"


def test_trim_action_keeps_text_canonical(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(
        "name: t\nversion: 1\nrules:\n  - id: note\n    action: trim\n"
        "    pattern: '\\[(?P<cut>EDITOR: [^]]+)\\]'\n    why: note\n",
        "utf-8",
    )
    engine = cleaner.Cleaner([tmp_path])
    result = engine.clean("A [EDITOR: check] b.", site="t")
    assert result.text == "A [] b.\n"
    assert cleaner.restore(result) == "A [EDITOR: check] b.\n"


def test_extract_action_fills_metadata_without_overriding() -> None:
    text = "Title here\n\nPublished 28 June 2021\n\n" + "Body sentence goes on. " * 5
    result = cleaner.clean(text, site="telesurenglish.net")
    assert result.metadata["date"] == "2021-06-28"
    assert result.metadata["date_text"] == "28 June 2021"
    assert [r.kind for r in result.removals] == ["extract", "extract"]
    assert result.metadata["title"] == "Title here"


def test_clean_html_extracts_and_records_decoding() -> None:
    html = (
        "<html><head><meta charset='windows-1252'><title>Strikes hit militia sites</title></head>"
        "<body><article><h1>Strikes hit militia sites</h1>"
        + "".join(
            f"<p>Paragraph {i} of the article says caf\xe9 owners and officials reacted "
            "to the strikes on Sunday evening in the capital city.</p>"
            for i in range(6)
        )
        + "<p>READ ALSO: Something else entirely</p></article></body></html>"
    ).encode("cp1252")
    # The cleaner's own extraction, whose generic rules drop the "READ ALSO" line (the
    # learned choice may prefer a candidate they did not clean: tests/test_choice.py).
    engine = cleaner.Cleaner(config=cleaner.CleanerConfig(html_choice=False))
    result = engine.clean_html(html, url="https://news.example.com/a")
    assert "café owners" in result.text
    assert "READ ALSO" not in result.text
    assert result.provenance["source"]["decoding"] == {"encoding": "cp1252", "method": "meta"}
    assert result.metadata["title"] == "Strikes hit militia sites"
    assert cleaner.restore(result) == cleaner.canonicalize(cleaner.restore(result))


def test_cleaner_is_reusable_and_module_functions_share_an_instance() -> None:
    assert cleaner.default_cleaner() is cleaner.default_cleaner()
    engine = cleaner.Cleaner()
    assert engine.clean(ARTICLE).text == cleaner.clean(ARTICLE).text


def test_oversized_document_is_refused() -> None:
    engine = cleaner.Cleaner(config=cleaner.CleanerConfig(max_document_chars=10))
    with pytest.raises(ValueError, match="over the limit"):
        engine.clean("x" * 11)


def test_catastrophic_pattern_times_out_and_is_recorded(tmp_path: Path) -> None:
    (tmp_path / "slow.yaml").write_text(
        "name: slow\nversion: 1\nrules:\n  - id: evil\n    action: drop-line\n"
        "    pattern: '^(a|a)+$'\n    why: catastrophic\n",
        "utf-8",
    )
    engine = cleaner.Cleaner([tmp_path], config=cleaner.CleanerConfig(regex_timeout=0.05))
    result = engine.clean("a" * 40 + "!\n\nBody.", site="slow")
    assert result.provenance["skipped_rules"][0]["rule"] == "slow/evil"
    assert result.provenance["skipped_rules"][0]["reason"] == "timeout"
    assert result.text == "a" * 40 + "!\n\nBody.\n"


def test_keep_headline_option_keeps_the_title_in_the_text() -> None:
    engine = cleaner.Cleaner(config=cleaner.CleanerConfig(keep_headline=True))
    result = engine.clean(ARTICLE)
    assert result.text.startswith("Budget passes after long debate\n\n")
    assert result.metadata["title"] == "Budget passes after long debate"
    assert cleaner.clean(ARTICLE).metadata["title"] == "Budget passes after long debate"
    assert not cleaner.clean(ARTICLE).text.startswith("Budget passes")


@pytest.mark.parametrize("value", [None, b"bytes text", 42, ["a list"]])
def test_clean_refuses_what_is_not_text(value: object) -> None:
    with pytest.raises(TypeError, match=r"clean\(\) takes text as str, not .*clean_html"):
        cleaner.clean(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [None, 42, bytearray(b"<p>x</p>")])
def test_clean_html_refuses_what_is_not_a_page(value: object) -> None:
    with pytest.raises(TypeError, match=r"clean_html\(\) takes the page as str or bytes, not "):
        cleaner.clean_html(value)  # type: ignore[arg-type]
