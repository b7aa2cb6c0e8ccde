"""Scope options (headline kept, comments kept) reach every path and are recorded.

The library, ``CleanerConfig``, the command line (each output format, each
input kind), the Ray adapter and the datatrove step take the same two options,
and every output's provenance says which scope it was cleaned to.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cleaner import Cleaner, CleanerConfig
from cleaner.arrow import provenance_from_arrow
from cleaner.cli import main
from cleaner.ray import CleanBatch, PartitionCleaner
from cleaner.records import shape_provenance
from tests.test_cli_options import ARTICLE, THREAD
from tests.test_warc import page, write_warc

DOC = ARTICLE + THREAD
HEADLINE = ARTICLE.split("\n", 1)[0]
BOTH = CleanerConfig(keep_headline=True, keep_comments=True)
SCOPES = {
    (): {"headline": False, "comments": False},
    ("--keep-headline", "--keep-comments"): {"headline": True, "comments": True},
    ("--keep-headline", "--no-comments"): {"headline": True, "comments": False},
}


def _kept(text: str) -> tuple[bool, bool]:
    """Whether a clean text holds the headline, and the comment thread."""
    return text.startswith(HEADLINE), "twenty years" in text


def test_the_library_records_its_scope() -> None:
    assert Cleaner().clean(DOC).provenance["scope"] == {"headline": False, "comments": False}
    kept = Cleaner(config=BOTH).clean(DOC)
    assert kept.provenance["scope"] == {"headline": True, "comments": True}
    assert _kept(kept.text) == (True, True)
    html = Cleaner(config=BOTH.scoped(keep_comments=False)).clean_html(page(ARTICLE))
    assert html.provenance["scope"] == {"headline": True, "comments": False}
    assert shape_provenance(kept.provenance, "summary")["scope"] == kept.provenance["scope"]


def test_scoped_changes_only_what_is_given() -> None:
    config = CleanerConfig(keep_headline=True, tail_fraction=0.5)
    assert config.scoped() is config
    assert config.scoped(keep_comments=True) == CleanerConfig(
        keep_headline=True, keep_comments=True, tail_fraction=0.5
    )
    assert config.scoped(keep_headline=False).keep_headline is False


@pytest.fixture
def inputs(tmp_path: Path) -> list[Path]:
    """A JSON Lines file, a web archive and a text file, each holding the same story."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.jsonl").write_text(json.dumps({"id": "a", "text": DOC}) + "\n", "utf-8")
    html = [("Content-Type", "text/html; charset=utf-8")]
    write_warc(src / "b.warc", [("https://x.org/story", "200 OK", html, page(ARTICLE).encode())])
    (src / "c.txt").write_text(DOC, "utf-8")
    return [src / "a.jsonl", src / "b.warc", src / "c.txt"]


def _stream_records(out: Path, output_format: str) -> list[dict[str, Any]]:
    if output_format == "parquet":
        rows = pq.read_table(out).to_pylist()
        for row in rows:
            row["provenance"] = provenance_from_arrow(row["provenance"])
        return rows
    return [json.loads(line) for line in out.read_text("utf-8").splitlines()]


@pytest.mark.parametrize("output_format", ["jsonl", "parquet"])
@pytest.mark.parametrize("flags", list(SCOPES))
def test_the_command_line_scope_reaches_every_stream_input(
    inputs: list[Path], tmp_path: Path, output_format: str, flags: tuple[str, ...]
) -> None:
    out = tmp_path / f"out.{output_format}"
    args = ["clean", *map(str, inputs), "--format", output_format, "-o", str(out), "-q"]
    assert main([*args, "-j", "1", *flags]) == 0
    records = _stream_records(out, output_format)
    assert [r["provenance"]["scope"] for r in records] == [SCOPES[flags]] * 3
    expected = (SCOPES[flags]["headline"], SCOPES[flags]["comments"])
    assert _kept(records[0]["text"]) == expected  # JSON Lines record
    assert _kept(records[2]["text"]) == expected  # text file
    config = CleanerConfig().scoped(
        keep_headline=SCOPES[flags]["headline"], keep_comments=SCOPES[flags]["comments"]
    )
    assert records[1]["text"] == Cleaner(config=config).clean_html(page(ARTICLE)).text


def test_the_command_line_scope_reaches_folder_mode(inputs: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    flags = ["--keep-headline", "--keep-comments"]
    assert main(["clean", str(inputs[0].parent), "-o", str(out), "-q", "-j", "1", *flags]) == 0
    text = json.loads((out / "c.json").read_text("utf-8"))
    assert text["provenance"]["scope"] == {"headline": True, "comments": True}
    assert _kept((out / "c.txt").read_text("utf-8")) == (True, True)
    for name in ("a.jsonl", "b.jsonl"):
        (record,) = [json.loads(line) for line in (out / name).read_text("utf-8").splitlines()]
        assert record["provenance"]["scope"] == {"headline": True, "comments": True}
    # Another scope is another configuration: the outputs are redone, not skipped.
    assert main(["clean", str(inputs[0].parent), "-o", str(out), "-q", "-j", "1"]) == 0
    assert _kept((out / "c.txt").read_text("utf-8")) == (False, False)


def test_ray_batches_take_the_scope_options() -> None:
    table = pa.table({"id": ["a"], "text": [DOC]})
    out = CleanBatch(keep_headline=True, keep_comments=True)(table).to_pylist()[0]
    assert _kept(out["text"]) == (True, True)
    assert out["provenance"]["scope"] == {"headline": True, "comments": True}
    # An option given wins over the configuration; None leaves the configuration's.
    over = CleanBatch(config=BOTH, keep_comments=False)(table).to_pylist()[0]
    assert _kept(over["text"]) == (True, False)
    assert over["provenance"]["scope"] == {"headline": True, "comments": False}
    summary = CleanBatch(config=BOTH, provenance="summary")(table).to_pylist()[0]
    assert summary["provenance"]["scope"] == {"headline": True, "comments": True}
    partition = PartitionCleaner(keep_headline=True)(table).to_pylist()[0]
    assert _kept(partition["text"]) == (True, False)


@pytest.mark.skipif(
    importlib.util.find_spec("datatrove") is None, reason="needs the datatrove extra"
)
def test_the_datatrove_step_takes_the_scope_options() -> None:
    from datatrove.data import Document  # noqa: PLC0415 - the datatrove extra

    from cleaner.datatrove import CleanStep  # noqa: PLC0415 - the datatrove extra

    for step, expected in (
        (CleanStep(), (False, False)),
        (CleanStep(keep_headline=True, keep_comments=True), (True, True)),
        (CleanStep(config=BOTH, keep_headline=False), (False, True)),
    ):
        (doc,) = step.run([Document(text=DOC, id="a", metadata={})])
        assert _kept(doc.text) == expected
        scope = doc.metadata["provenance"]["scope"]
        assert (scope["headline"], scope["comments"]) == expected
