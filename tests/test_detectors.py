"""The detector registry: one declaration per detector, thresholds read from the config."""

from __future__ import annotations

from typing import Any

import pytest

from cleaner import detectors
from cleaner.authoring.docs import rule_table
from cleaner.config import CleanerConfig
from cleaner.heuristics import Context

BODY = "The council voted on Monday to close the old library for good, the mayor said."
PULL = [
    "“We will act to protect our people,” he said on Sunday night.",
    "“We will act to protect our people …”",
]

# (detector, paragraphs, option, value that turns the finding off)
THRESHOLDS: list[tuple[str, list[str], str, Any]] = [
    ("share_widget", ["Share on Twitter"], "share_max_chars", 5),
    ("share_widget", ["Share on Twitter"], "share_max_words", 2),
    ("nav_menu", ["• Live", "• Audio Only", BODY], "menu_item_max_chars", 5),
    ("nav_menu", ["• Live", "• Audio Only", BODY], "menu_item_max_words", 0),
    ("breadcrumbs", ["News > U.S."], "breadcrumb_max_chars", 5),
    ("section_label", ["A sentence.", "Opinion", BODY], "body_min_words", 2),
    ("photo_credit", ["Images of it. | Photo: Twitter"], "caption_max_chars", 5),
    ("prev_next_links", ["Previous article"], "link_line_max_chars", 5),
    ("dateline_metadata", ["Title", "Published 28 June 2021", BODY], "dateline_max_chars", 5),
    ("byline", ["Title", "By Jane Doe"], "byline_max_chars", 5),
    ("pull_quote", PULL, "pull_quote_max_chars", 5),
    ("comment_thread", [BODY, "3 Comments", "Great post!"], "link_line_max_chars", 5),
    ("edge_timestamp", ["Updated at 1:23 p.m.", BODY], "timestamp_max_chars", 5),
    ("duplicate_paragraph", ["Rivers Rise in the North"] * 2, "duplicate_min_letter_share", 1.01),
]


@pytest.mark.parametrize(("name", "paragraphs", "option", "value"), THRESHOLDS)
def test_each_threshold_is_read_from_the_config(
    name: str, paragraphs: list[str], option: str, value: Any
) -> None:
    run = detectors.all_detectors()[name].run
    assert run(paragraphs, Context(CleanerConfig())) != []
    assert run(paragraphs, Context(CleanerConfig(**{option: value}))) == []


def test_every_detector_is_declared_once_with_a_why_and_configured() -> None:
    found = detectors.all_detectors()
    assert all(d.why and d.id == f"generic/{d.name}" for d in found.values())
    config = CleanerConfig()
    for stage, names in (
        ("text", config.text_heuristics),
        ("html", config.html_heuristics),
        ("block", config.html_block_filters),
    ):
        # Every detector of a stage runs by default, in the order the config gives.
        assert sorted(d.name for d in detectors.of_stage(stage, names)) == sorted(
            d.name for d in detectors.of_stage(stage)
        )


def test_rules_docs_list_every_detector() -> None:
    table = rule_table([])
    for found in detectors.all_detectors().values():
        assert f"`{found.id}`" in table


def test_duplicate_paragraph_keeps_a_quoted_reply_only_with_comments() -> None:
    """In a discussion a reply quotes one short sentence of the post it answers."""
    run = detectors.all_detectors()["duplicate_paragraph"].run
    thread = ["Nobody reads the manual.", "Nobody reads the manual.", "I do, every time."]
    assert [m.line for m in run(thread, Context(CleanerConfig()))] == [1]
    assert run(thread, Context(CleanerConfig(keep_comments=True))) == []
    strict = CleanerConfig(keep_comments=True, duplicate_reply_min_words=10)
    assert [m.line for m in run(thread, Context(strict))] == [1]
