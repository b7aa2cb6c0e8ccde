"""The benchmark metric: shingles, per-page counts, means, bootstrap."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleaner.metric import PageCounts, aggregate, match, score, shingles

words = st.lists(st.sampled_from(["a", "b", "c", "dé", "42", "x_y"]), max_size=30).map(" ".join)


def test_short_text_is_one_shingle_of_all_its_tokens() -> None:
    assert shingles("one, two; three") == {("one", "two", "three"): 1}
    assert match("one two three", "one two").tp == 0.0
    assert match("one two three", "one two three!") == PageCounts(1.0, 0.0, 0.0)


def test_shingles_are_a_multiset() -> None:
    assert shingles("a b c d a b c d")[("a", "b", "c", "d")] == 2
    # Repeating a paragraph the gold has once is a false positive.
    counts = match("a b c d", "a b c d a b c d")
    assert counts.fp > 0 and counts.fn == 0


def test_empty_prediction_counts_for_recall_not_precision() -> None:
    report = score({"p1": "a b c d e", "p2": "f g h i j"}, {"p1": "a b c d e"}, resamples=0)
    assert report.means.precision == 1.0
    assert report.means.recall == 0.5
    assert report.accuracy == 0.5
    assert aggregate([]).f1 == 0.0


def test_bootstrap_is_deterministic_and_brackets_the_mean() -> None:
    gold = {str(i): f"w{i} a b c d e f g" for i in range(20)}
    pred = {str(i): f"w{i} a b c d" if i % 3 else "zz yy xx ww" for i in range(20)}
    first = score(gold, pred, resamples=200, seed=1)
    again = score(gold, pred, resamples=200, seed=1)
    assert first.ci == again.ci
    f1 = first.ci["f1"]
    assert f1.low <= first.means.f1 <= f1.high
    assert f1.half_width > 0


@given(words, words)
def test_counts_are_normalised_and_bounded(gold: str, pred: str) -> None:
    c = match(gold, pred)
    total = c.tp + c.fp + c.fn
    assert total == pytest.approx(1.0) or total == 0.0
    assert 0.0 <= c.precision <= 1.0 and 0.0 <= c.recall <= 1.0
    assert match(gold, gold).fp == match(gold, gold).fn == 0.0
