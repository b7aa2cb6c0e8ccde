"""The loss guard: a rule that would take most of the prose on weak evidence is deferred."""

from __future__ import annotations

from pathlib import Path

import cleaner
from cleaner.config import CleanerConfig

BODY = [
    "The harbour company will pay for the repairs to the sea wall, the port authority said.",
    "Engineers expect the work to take most of the summer, and boats will use the north quay.",
    "Local traders said they were relieved, because the harbour brings most of their visitors.",
]

PACK = """name: menu-cut.example
version: "1.0.0"
description: A pack whose truncation fires at a menu item above the article.
match:
  domains: [menu-cut.example]
rules:
  - id: cut_at_menu
    action: truncate
    where: any
    pattern: 'Post comment$'
    why: "Cuts at a comment link (here it sits in a menu above the body)."
"""


def _pack(tmp_path: Path) -> Path:
    folder = tmp_path / "packs"
    folder.mkdir(exist_ok=True)
    (folder / "menu-cut.example.yaml").write_text(PACK, "utf-8")
    return folder


def test_a_truncation_above_the_body_is_deferred_and_recorded(tmp_path: Path) -> None:
    text = "\n\n".join(["Article tools", "- Post comment", "- Reprints", *BODY]) + "\n"
    engine = cleaner.Cleaner([_pack(tmp_path)])
    result = engine.clean(text, url="https://menu-cut.example/story")
    for paragraph in BODY:
        assert paragraph in result.text
    deferred = [
        entry
        for step in result.provenance["steps"]
        for entry in step.get("deferred", [])
        if entry["rule"] == "menu-cut.example/cut_at_menu"
    ]
    assert deferred and deferred[0]["reason"] == "truncation before the article body"
    assert deferred[0]["prose_share"] == 1.0
    # Without the guard the article goes.
    unguarded = cleaner.Cleaner([_pack(tmp_path)], config=CleanerConfig(loss_guard=False))
    assert BODY[0] not in unguarded.clean(text, url="https://menu-cut.example/story").text


def test_a_truncation_after_the_body_goes_ahead(tmp_path: Path) -> None:
    comments = ["- Post comment", "Great story, thanks for writing it up so clearly for us all."]
    text = "\n\n".join([*BODY, *comments]) + "\n"
    result = cleaner.Cleaner([_pack(tmp_path)]).clean(text, url="https://menu-cut.example/a")
    assert result.text.rstrip("\n").endswith(BODY[-1])
    assert not any(step.get("deferred") for step in result.provenance["steps"])
