"""The datatrove adapter: a step between datatrove's readers and writers, run by its executor."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

import cleaner
from tests.conftest import SEEDS

pytest.importorskip("datatrove", reason="needs the datatrove extra")
pytest.importorskip("orjson", reason="datatrove's JSON Lines reader needs orjson")

from datatrove.data import Document
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from cleaner.datatrove import CleanStep

TEXTS = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def _read(folder: Path) -> list[dict[str, object]]:
    rows = []
    for path in sorted(folder.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            rows += [json.loads(line) for line in handle]
    return rows


def test_local_executor_keeps_ids_and_metadata_and_adds_provenance(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    url = "https://www.telesurenglish.net/news/a.html"
    lines = [
        json.dumps({"id": f"doc-{n}", "text": text, "url": url, "lang": "en"})
        for n, text in enumerate(TEXTS)
    ]
    lines.append(json.dumps({"id": "empty", "text": "Share this:\n", "lang": "en"}))
    (src / "part.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    out, dropped = tmp_path / "out", tmp_path / "dropped"
    pipeline = [
        JsonlReader(str(src)),
        CleanStep(url_key="url", exclusion_writer=JsonlWriter(str(dropped))),
        JsonlWriter(str(out)),
    ]
    LocalPipelineExecutor(pipeline, tasks=1, logging_dir=str(tmp_path / "logs")).run()

    rows = _read(out)
    assert [r["id"] for r in rows] == [f"doc-{n}" for n in range(len(TEXTS))]
    for row, text in zip(rows, TEXTS, strict=True):
        expected = cleaner.clean(text, url=url)
        metadata = row["metadata"]
        assert isinstance(metadata, dict)
        assert row["text"] == expected.text
        assert (metadata["lang"], metadata["url"]) == ("en", url)
        assert metadata["provenance"] == expected.provenance
        assert cleaner.provenance.verify(metadata["provenance"], row["text"]) == []
    (empty,) = _read(dropped)
    assert empty["id"] == "empty" and not empty.get("text")
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text("utf-8"))
    step = next(s for s in stats if "cleaner" in s["name"])
    assert step["stats"]["forwarded"] == len(TEXTS)
    assert step["stats"]["dropped_empty"] == 1
    assert any(key.startswith("removed/") for key in step["stats"])


def test_failures_are_dropped_with_their_error_and_summary_provenance() -> None:
    config = cleaner.CleanerConfig(max_document_chars=100)
    step = CleanStep(config=config, provenance="summary")
    docs = [
        Document(text=TEXTS[0][:80], id="short"),
        Document(text=TEXTS[0], id="long", metadata={"k": 1}),
    ]
    (kept,) = step(iter(docs))
    assert kept.id == "short" and "removals" not in kept.metadata["provenance"]
    assert "rule_counts" in kept.metadata["provenance"]
    assert step.stats["dropped_error"].total == 1
    with pytest.raises(cleaner.UnknownSiteError):
        CleanStep(site="no-such-pack")
