"""Regression gate: scores on every evaluation set must not fall below the floors.

The evaluation sets live beside the repository (``../shared/eval``); a test
skips, saying so, only when its set is absent.  Each entry of
``tests/eval_baseline.json`` (besides ``tolerance``) names the set, the SHA-256
of its gold file (a changed set fails loudly rather than moving the floors),
the subset scored (every ``every``-th page id in sorted order, to keep the
default suite fast), the ``config`` of the cleaner scored, if not the default
(``html_fast`` scores the fast HTML mode), and the floors: the scores measured
when the entry was last updated.  The cleaner is configured to the set's scope
as ``cleaner eval`` does.  A change may lower a score by at most ``tolerance``.

``lost`` is the most lost articles allowed on the subset (cleaner recall below
.5 where the text as is, or a peer of ``peers``, reaches .8); deleting an
article is the worst failure, so the aim of every entry is 0.  On a text set
the text as is is the baseline; an HTML entry names the peers to run (each at
its default and configured to the scope).

To raise the floors after an improvement, run the same subsets
(``cleaner.evaluate.evaluate(..., ids=..., resamples=0)``) and write the new
means into the file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from cleaner import Cleaner
from cleaner.config import CleanerConfig
from cleaner.evaluate import Evaluation, evaluate, load_gold

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
BASELINE = json.loads((ROOT / "tests" / "eval_baseline.json").read_text("utf-8"))
ENTRIES = sorted(key for key in BASELINE if key != "tolerance")


def run_entry(entry: dict[str, Any]) -> Evaluation:
    """Score the entry's subset as the gate does (skips when the set is absent)."""
    directory = SHARED / entry["directory"]
    gold_path = SHARED / entry["gold"]
    if not directory.is_dir() or not gold_path.is_file():
        pytest.skip(f"evaluation set {directory} is absent (expected beside the repository)")
    digest = hashlib.sha256(gold_path.read_bytes()).hexdigest()
    assert digest == entry["gold_sha256"], f"{gold_path} changed: re-measure the floors"
    ids = sorted(load_gold(gold_path))[:: entry["every"]]
    assert len(ids) == entry["pages"]
    engine = Cleaner(config=CleanerConfig(**entry.get("config", {})))
    is_text = directory.name.endswith("-text")
    peers = entry.get("peers", [])
    return evaluate(
        directory,
        gold_path=gold_path,
        cleaner=engine,
        ids=ids,
        resamples=0,
        baseline=is_text or bool(peers),
        baselines=peers,
    )


@pytest.mark.parametrize("name", ENTRIES)
def test_scores_stay_above_floors(name: str) -> None:
    entry = BASELINE[name]
    evaluation = run_entry(entry)
    means = evaluation.system("cleaner").report.means
    tolerance = BASELINE["tolerance"]
    for key in ("precision", "recall", "f1"):
        measured = getattr(means, key)
        floor = entry[key]
        assert measured >= floor - tolerance, f"{name} {key} fell to {measured:.4f} (floor {floor})"
    if "lost" in entry:
        lost = evaluation.lost()
        assert len(lost) <= entry["lost"], f"{name}: articles lost: {', '.join(lost)}"


def test_every_set_has_a_floor() -> None:
    directories = {BASELINE[name]["directory"] for name in ENTRIES}
    for name in ("dev", "dragnet-train", "cleaneval-dev", "readability"):
        assert f"eval/{name}" in directories and f"eval/{name}-text" in directories
    assert all("lost" in BASELINE[name] for name in ENTRIES if name != "html_fast")
