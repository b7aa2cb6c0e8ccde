"""``cleaner report``: a self-contained page over cleaned output, escaped."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

import cleaner
from cleaner.cli import main
from cleaner.inputs import STATS_FILE
from cleaner.report import collect, render
from tests.conftest import SEEDS

HOSTILE = (
    "</pre><script>alert(1)</script>\n\n"
    "Spread the love\n\n"
    'A body paragraph with <img src=x onerror="alert(2)"> and & and "quotes".\n'
)


@pytest.fixture
def cleaned(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(SEEDS, src)
    (src / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["clean", str(src), "-o", str(out), "-q"]) == 0
    return out


def test_report_over_a_cleaned_folder(cleaned: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    assert main(["report", str(cleaned), "-o", str(page)]) == 0
    html = page.read_text("utf-8")
    data = collect(cleaned)
    assert len(data.documents) == 6 and data.errors == []
    removals = sum(
        len(json.loads(p.read_text())["provenance"]["removals"])
        for p in cleaned.glob("*.json")
        if p.name != STATS_FILE
    )
    assert html.count('<mark class="rm"') == removals
    assert "telesurenglish.net/published_date" in html
    # Self-contained: nothing is fetched.
    assert not re.search(r"""(?:src|href)=["']?(?:https?:|//)""", html)


def test_hostile_text_is_escaped(cleaned: Path) -> None:
    html = render(collect(cleaned))
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<script>") == 1


def test_jsonl_records_and_bad_records(tmp_path: Path) -> None:
    result = cleaner.clean(HOSTILE)
    good = {"id": "doc-1", "text": result.text, "provenance": result.provenance}
    broken = dict(good, id="doc-2", text="different text\n")
    broken["provenance"] = dict(
        result.provenance,
        removals=[{"rule": "x/y", "kind": "drop-line", "start": 0, "end": 99, "text": "nope"}],
    )
    path = tmp_path / "records.jsonl"
    lines = [json.dumps(good), "not json", json.dumps(broken), json.dumps({"text": 1})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = collect(path)
    assert [d.name for d in data.documents] == ["doc-1"]
    assert data.documents[0].canonical == cleaner.canonicalize(HOSTILE)
    assert len(data.errors) == 3 and data.errors[0].startswith(f"{path}:2:")
    assert main(["report", str(path), "-o", str(tmp_path / "r.html")]) == 1
    assert (tmp_path / "r.html").exists()


def test_missing_source_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["report", str(tmp_path / "nope"), "-o", str(tmp_path / "r.html")]) == 2


def test_documents_that_lost_most_of_their_text_are_flagged(tmp_path: Path) -> None:
    body = "The council voted on Monday to close the old library for good, after a long debate."
    comments = "\n\n".join(
        ["3 Comments", *(f"Comment number {n}: I used that library every week." for n in range(9))]
    )
    kept = cleaner.clean(f"{body}\n\nIt reopens next year.\n")
    cut = cleaner.clean(f"{body}\n\n{comments}\n")
    path = tmp_path / "records.jsonl"
    records = [
        {"id": "kept", "text": kept.text, "provenance": kept.provenance},
        {"id": "cut", "text": cut.text, "provenance": cut.provenance},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    data = collect(path)
    assert [d.flagged for d in data.documents] == [False, True]
    assert data.documents[1].top_rule() == "generic/comment_thread"
    html = render(data)
    assert "1 document(s) that lost more than 50% of their characters" in html
    assert '<tr data-key="cut">' in html and re.search(r"lost \d+% of its characters", html)
