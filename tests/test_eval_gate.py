"""Regression gate: dev-set scores must not fall below the floors in eval_baseline.json.

The evaluation sets live beside the repository (``../shared/eval``); the test
skips, saying so, only when they are absent.  Each entry of
``tests/eval_baseline.json`` names the set, the SHA-256 of its gold file (a
changed set fails loudly rather than moving the floors), the subset scored
(every ``every``-th page id in sorted order; the HTML path uses every third page
to keep the default suite fast), the ``config`` of the cleaner scored, if not
the default (``html_fast`` scores the fast HTML mode), and the floors: the
scores measured when the entry was last updated.  A change may lower a score
by at most ``tolerance``.  To raise the floors after an improvement, run the same subsets
(``cleaner.evaluate.evaluate(..., ids=..., resamples=0)``) and write the new
means into the file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.config import CleanerConfig
from cleaner.evaluate import evaluate, load_gold

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
BASELINE = json.loads((ROOT / "tests" / "eval_baseline.json").read_text("utf-8"))


@pytest.mark.parametrize("path", ["html", "html_fast", "text"])
def test_dev_scores_stay_above_floors(path: str) -> None:
    entry = BASELINE[path]
    directory = SHARED / entry["directory"]
    gold_path = SHARED / entry["gold"]
    if not directory.is_dir() or not gold_path.is_file():
        pytest.skip(f"evaluation set {directory} is absent (expected beside the repository)")
    digest = hashlib.sha256(gold_path.read_bytes()).hexdigest()
    assert digest == entry["gold_sha256"], f"{gold_path} changed: re-measure the floors"
    ids = sorted(load_gold(gold_path))[:: entry["every"]]
    assert len(ids) == entry["pages"]
    engine = Cleaner(config=CleanerConfig(**entry.get("config", {})))
    evaluation = evaluate(
        directory, gold_path=gold_path, cleaner=engine, ids=ids, resamples=0, baseline=False
    )
    means = evaluation.system("cleaner").report.means
    tolerance = BASELINE["tolerance"]
    for key in ("precision", "recall", "f1"):
        measured = getattr(means, key)
        floor = entry[key]
        assert measured >= floor - tolerance, f"{path} {key} fell to {measured:.4f} (floor {floor})"
