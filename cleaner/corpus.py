"""Synthetic corpora for tests and benchmarks: seed articles multiplied with variations.

Each document takes a window of a seed article's paragraphs, a title line that
makes it unique, and a few typical noise lines (share prompts, related links,
copyright footers) at random places, so cleaning has real work to do.  The
same arguments always give the same documents.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

NOISE = (
    "Share this:",
    "Spread the love",
    "READ ALSO: Officials weigh the next steps",
    "RELATED: What the decision means for residents",
    "Back to top button",
    "Copyright 2021 Example News. All rights reserved.",
    "Leave a Reply Cancel reply",
)


def documents(seeds: Path, count: int, *, paragraphs: int = 6, seed: int = 0) -> Iterator[str]:
    """Yield ``count`` documents made from the ``*.txt`` articles in ``seeds``.

    Args:
        seeds: A folder of seed articles (``samples/seeds`` in the repository).
        count: How many documents.
        paragraphs: Paragraphs taken from the seed for each document.
        seed: Random seed; the same seed gives the same documents.
    """
    bases = [
        [line for line in p.read_text("utf-8").splitlines() if line.strip()]
        for p in sorted(seeds.glob("*.txt"))
    ]
    rng = random.Random(seed)
    for n in range(count):
        lines = bases[n % len(bases)]
        start = rng.randrange(max(1, len(lines) - paragraphs))
        body = lines[start : start + paragraphs]
        for noise in rng.sample(NOISE, k=2):
            body.insert(rng.randrange(1, len(body) + 1), noise)
        yield "\n\n".join([f"Report {n}: {lines[0]}", *body]) + "\n"


def write_folder(folder: Path, texts: Iterator[str], *, per_folder: int = 500) -> list[Path]:
    """Write documents as ``folder/<group>/doc<n>.txt``; return their paths."""
    paths = []
    for n, text in enumerate(texts):
        path = folder / f"g{n // per_folder:03d}" / f"doc{n:05d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        paths.append(path)
    return paths
