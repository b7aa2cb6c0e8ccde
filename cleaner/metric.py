"""The article-body metric of the Zyte/Scrapinghub article-extraction benchmark.

Definition (the benchmark's own ``evaluate.py``):

* tokens are ``\\w+`` matches (Unicode, case kept);
* a text becomes the multiset of its 4-token shingles; a text of 1-3 tokens
  gives one shingle of all its tokens, an empty text none;
* per page, tp = shared shingles (multiset minimum), fp = predicted only,
  fn = gold only, normalised so that tp + fp + fn = 1;
* precision = tp / (tp + fp), averaged over pages whose prediction has shingles;
  recall = tp / (tp + fn), averaged over pages whose gold has shingles;
* F1 = 2PR / (P + R) of the two means;
* a bootstrap over pages (fixed seed) gives 95% percentile intervals.

Only the standard library is used, so scores do not depend on a tokenizer
version.
"""

from __future__ import annotations

import random
import re
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

NGRAM = 4
_TOKEN = re.compile(r"\w+")

Shingle = tuple[str, ...]


def tokenize(text: str) -> list[str]:
    """Return the ``\\w+`` tokens of a text.

    >>> tokenize("Don't panic, 42 times!")
    ['Don', 't', 'panic', '42', 'times']
    """
    return _TOKEN.findall(text)


def shingles(text: str, n: int = NGRAM) -> Counter[Shingle]:
    """Return the multiset of ``n``-token shingles; a shorter text is one shingle.

    >>> sorted(shingles("a b c d e").elements())
    [('a', 'b', 'c', 'd'), ('b', 'c', 'd', 'e')]
    >>> shingles("just two"), shingles("")
    (Counter({('just', 'two'): 1}), Counter())
    """
    tokens = tokenize(text)
    if not tokens:
        return Counter()
    if len(tokens) < n:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


@dataclass(frozen=True, slots=True)
class PageCounts:
    """Normalised true positives, false positives and false negatives of one page."""

    tp: float
    fp: float
    fn: float

    @property
    def has_pred(self) -> bool:
        """Whether the prediction had any shingle (the page counts for precision)."""
        return self.tp + self.fp > 0

    @property
    def has_gold(self) -> bool:
        """Whether the gold text had any shingle (the page counts for recall)."""
        return self.tp + self.fn > 0

    @property
    def precision(self) -> float:
        """``tp / (tp + fp)``; 0 for an empty prediction."""
        return self.tp / (self.tp + self.fp) if self.has_pred else 0.0

    @property
    def recall(self) -> float:
        """``tp / (tp + fn)``; 0 for an empty gold text."""
        return self.tp / (self.tp + self.fn) if self.has_gold else 0.0


def match(gold: str, pred: str, n: int = NGRAM) -> PageCounts:
    """Compare one prediction with its gold text.

    >>> match("the cat sat on the mat", "the cat sat on the rug")
    PageCounts(tp=0.5, fp=0.25, fn=0.25)
    """
    g, p = shingles(gold, n), shingles(pred, n)
    tp = float(sum((g & p).values()))
    fp = float(sum((p - g).values()))
    fn = float(sum((g - p).values()))
    total = tp + fp + fn
    if total > 0:
        tp, fp, fn = tp / total, fp / total, fn / total
    return PageCounts(tp, fp, fn)


@dataclass(frozen=True, slots=True)
class Means:
    """Mean precision, mean recall and the F1 of the two."""

    precision: float
    recall: float
    f1: float


def aggregate(pages: Sequence[PageCounts]) -> Means:
    """Average precision and recall over pages and combine them into F1.

    >>> aggregate([PageCounts(1.0, 0.0, 0.0), PageCounts(0.0, 0.0, 1.0)])
    Means(precision=1.0, recall=0.5, f1=0.6666666666666666)
    """
    ps = [c.precision for c in pages if c.has_pred]
    rs = [c.recall for c in pages if c.has_gold]
    p = statistics.fmean(ps) if ps else 0.0
    r = statistics.fmean(rs) if rs else 0.0
    f1 = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return Means(p, r, f1)


@dataclass(frozen=True, slots=True)
class Interval:
    """A bootstrap 95% percentile interval and the 1.96-sigma half-width."""

    low: float
    high: float
    half_width: float


@dataclass(slots=True)
class Report:
    """Scores of one system on one page set.

    Attributes:
        means: Mean precision, recall and their F1.
        pages: Per-page counts, by page id.
        ci: Bootstrap intervals for ``precision``, ``recall`` and ``f1``.
        accuracy: Share of pages predicted exactly (no fp, no fn).
    """

    means: Means
    pages: dict[str, PageCounts]
    ci: dict[str, Interval] = field(default_factory=dict)
    accuracy: float = 0.0


def bootstrap(
    pages: Sequence[PageCounts], resamples: int = 1000, seed: int = 0
) -> dict[str, Interval]:
    """Resample pages with replacement; return 95% intervals of P, R and F1."""
    rng = random.Random(seed)
    n = len(pages)
    values: dict[str, list[float]] = {"precision": [], "recall": [], "f1": []}
    for _ in range(resamples):
        m = aggregate([pages[rng.randrange(n)] for _ in range(n)])
        values["precision"].append(m.precision)
        values["recall"].append(m.recall)
        values["f1"].append(m.f1)
    out: dict[str, Interval] = {}
    for key, vals in values.items():
        vals.sort()
        low = vals[int(0.025 * (len(vals) - 1))]
        high = vals[round(0.975 * (len(vals) - 1))]
        spread = statistics.stdev(vals) if len(vals) > 1 else 0.0
        out[key] = Interval(low, high, 1.96 * spread)
    return out


def score(
    gold: Mapping[str, str], pred: Mapping[str, str], *, resamples: int = 1000, seed: int = 0
) -> Report:
    """Score predictions against gold texts, both by page id.

    A page missing from ``pred`` counts as an empty prediction.

    >>> score({"a": "one two three four five"}, {"a": "one two three four"}, resamples=0).means
    Means(precision=1.0, recall=0.5, f1=0.6666666666666666)
    """
    pages = {pid: match(text, pred.get(pid, "")) for pid, text in gold.items()}
    seq = list(pages.values())
    report = Report(aggregate(seq), pages)
    if seq:
        report.accuracy = sum(1 for c in seq if c.fp == 0 and c.fn == 0) / len(seq)
        if resamples > 0:
            report.ci = bootstrap(seq, resamples, seed)
    return report
