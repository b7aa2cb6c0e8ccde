"""Score the text path against human article bodies: before and after cleaning.

Usage::

    python benchmarks/score_text.py TEXT_DIR GOLD_JSONL [--resamples 1000] [--rules]

``TEXT_DIR`` holds ``<id>.txt`` files (extracted page text); ``GOLD_JSONL`` has one
``{"id", "text"}`` object per page.  Each text is scored as it is and after
``cleaner.clean``, with the article-extraction-benchmark metric: texts become
multisets of 4-token shingles (``\\w+`` tokens; a text of 1-3 tokens is one
shingle), per page tp/fp/fn are normalised to sum to 1, precision and recall are
averaged over pages, F1 is the harmonic mean of the two averages.  A 95%
bootstrap interval over pages (fixed seed) is printed beside each figure.
``--rules`` adds the characters each rule removed over the whole folder.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import cleaner

_TOKEN = re.compile(r"\w+")
Page = tuple[float, float, float]  # normalised tp, fp, fn


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Return the multiset of ``n``-token shingles of a text.

    >>> sorted(shingles("a b c d e").values())
    [1, 1]
    >>> shingles("just two")
    Counter({('just', 'two'): 1})
    """
    tokens = _TOKEN.findall(text)
    if len(tokens) < n:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def page_counts(gold: str, pred: str) -> Page:
    """Return one page's shared, predicted-only and gold-only shingles, summing to 1."""
    g, p = shingles(gold), shingles(pred)
    tp, fp, fn = (float(sum(c.values())) for c in (g & p, p - g, g - p))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def prf(pages: Sequence[Page]) -> tuple[float, float, float]:
    """Return mean precision, mean recall and their F1 over pages.

    >>> prf([(0.5, 0.5, 0.0), (1.0, 0.0, 0.0)])
    (0.75, 1.0, 0.8571428571428571)
    """
    ps = [tp / (tp + fp) for tp, fp, _ in pages if tp + fp > 0]
    rs = [tp / (tp + fn) for tp, _, fn in pages if tp + fn > 0]
    p = statistics.fmean(ps) if ps else 0.0
    r = statistics.fmean(rs) if rs else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def bootstrap(pages: Sequence[Page], resamples: int, seed: int = 0) -> list[tuple[float, float]]:
    """Return the 95% percentile interval of P, R and F1 over page resamples."""
    rng = random.Random(seed)
    runs = [prf([rng.choice(pages) for _ in pages]) for _ in range(resamples)]
    out = []
    for k in range(3):
        values = sorted(run[k] for run in runs)
        out.append((values[int(0.025 * (resamples - 1))], values[round(0.975 * (resamples - 1))]))
    return out


def report(name: str, pages: Sequence[Page], resamples: int) -> str:
    """Format one line of figures with their intervals."""
    figures = prf(pages)
    cells = [f"{label}={value:.4f}" for label, value in zip("PRF", figures, strict=True)]
    if resamples > 0:
        cells = [
            f"{cell} [{lo:.3f}, {hi:.3f}]"
            for cell, (lo, hi) in zip(cells, bootstrap(pages, resamples), strict=True)
        ]
    return f"{name:<8} " + "  ".join(cells)


def main(argv: Sequence[str] | None = None) -> None:
    """Score the folder as it is and after cleaning; print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("text_dir", type=Path)
    parser.add_argument("gold", type=Path)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--rules", action="store_true", help="characters removed per rule")
    args = parser.parse_args(argv)
    gold = {}
    with args.gold.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                record = json.loads(line)
                gold[record["id"]] = record.get("text") or ""
    engine = cleaner.default_cleaner()
    raw, clean, removed = [], [], Counter[str]()
    for pid, gold_text in sorted(gold.items()):
        path = args.text_dir / f"{pid}.txt"
        text = path.read_text("utf-8") if path.exists() else ""
        result = engine.clean(text)
        raw.append(page_counts(gold_text, text))
        clean.append(page_counts(gold_text, result.text))
        for removal in result.removals:
            removed[removal.rule] += removal.end - removal.start
    print(f"{len(gold)} pages, {args.resamples} bootstrap resamples")
    print(report("as-is", raw, args.resamples))
    print(report("cleaned", clean, args.resamples))
    if args.rules:
        for rule, chars in removed.most_common():
            print(f"  {rule:<45} {chars:>8} chars")


if __name__ == "__main__":
    main()
