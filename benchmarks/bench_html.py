"""Speed of the HTML path against trafilatura.extract, both measured in this process.

Usage: python benchmarks/bench_html.py [DIR] [--pages N]

DIR defaults to ``../shared/eval/dev`` beside the repository.  Prints docs/s of
cleaner's HTML path (default mode, default without the choice among
extractions, default without the generic HTML heuristics, fast mode), each
beside ``trafilatura.extract`` at default settings timed in the same run (page
by page, in turns), and the ratio.
"""

from __future__ import annotations

from common import gold_pages

import cleaner
from cleaner.evaluate import evaluate


def main() -> None:
    directory, _, ids = gold_pages(__doc__)
    print(f"{'system':<20} {'F1':>6} {'docs/s':>8} {'trafilatura docs/s':>19} {'ratio':>6}")
    for name, config in [
        ("cleaner", cleaner.CleanerConfig()),
        ("no choice", cleaner.CleanerConfig(html_choice=False)),
        ("no HTML heuristics", cleaner.CleanerConfig(html_heuristics=())),
        ("cleaner fast", cleaner.CleanerConfig(html_fast=True)),
    ]:
        engine = cleaner.Cleaner(config=config)
        evaluation = evaluate(
            directory, cleaner=engine, ids=ids, resamples=0, baselines=["trafilatura"]
        )
        ours, base = evaluation.system("cleaner"), evaluation.system("trafilatura")
        ratio = ours.docs_per_second / base.docs_per_second
        print(
            f"{name:<20} {ours.report.means.f1:6.3f} {ours.docs_per_second:8.1f} "
            f"{base.docs_per_second:19.1f} {ratio:6.2f}"
        )
    print(
        f"({len(ids)} pages; trafilatura.extract at default settings: "
        f"F1 {base.report.means.f1:.3f})"
    )


if __name__ == "__main__":
    main()
