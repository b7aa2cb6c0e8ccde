"""Speed of the HTML path against trafilatura.extract, both measured in this process.

Usage: python benchmarks/bench_html.py [DIR] [--pages N] [--systems NAME,...]

DIR defaults to ``../shared/eval/dev`` beside the repository.  Prints docs/s of
cleaner's HTML path (default mode, default without the choice among
extractions, default without the generic HTML heuristics, fast mode), each
beside ``trafilatura.extract`` timed in the same run (page by page, in turns)
at default settings and, when the set's scope changes it, configured to the
scope (as ``cleaner eval`` runs it), and the ratios.  ``--systems`` runs some of them (``default``,
``no-choice``, ``no-heuristics``, ``fast``, ``fast-no-guard``: the fast mode without its
guard).
"""

from __future__ import annotations

import argparse

from common import gold_pages

import cleaner
from cleaner.evaluate import evaluate

SYSTEMS = {
    "default": ("cleaner", cleaner.CleanerConfig()),
    "no-choice": ("no choice", cleaner.CleanerConfig(html_choice=False)),
    "no-heuristics": ("no HTML heuristics", cleaner.CleanerConfig(html_heuristics=())),
    "fast": ("cleaner fast", cleaner.CleanerConfig(html_fast=True)),
    "fast-no-guard": (
        "fast, no guard",
        cleaner.CleanerConfig(html_fast=True, html_fast_guard_share=0),
    ),
}


def _systems_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--systems", default=",".join(SYSTEMS), help="comma-separated, of: " + ", ".join(SYSTEMS)
    )


def main() -> None:
    directory, _, ids, args = gold_pages(__doc__, _systems_option)
    chosen = [s for s in args.systems.split(",") if s]
    if unknown := [s for s in chosen if s not in SYSTEMS]:
        raise SystemExit(f"unknown systems: {', '.join(unknown)}")
    print(
        f"{'system':<20} {'F1':>6} {'docs/s':>8} "
        f"{'trafilatura docs/s':>19} {'ratio':>6} {'(scope) docs/s':>15} {'ratio':>6}"
    )
    for key in chosen:
        name, config = SYSTEMS[key]
        engine = cleaner.Cleaner(config=config)
        evaluation = evaluate(
            directory, cleaner=engine, ids=ids, resamples=0, baselines=["trafilatura"]
        )
        ours = evaluation.system("cleaner")
        peers = {run.variant: run for run in evaluation.systems if run.name == "trafilatura"}
        base = peers.get("default") or peers[""]
        line = (
            f"{name:<20} {ours.report.means.f1:6.3f} {ours.docs_per_second:8.1f} "
            f"{base.docs_per_second:19.1f} {ours.docs_per_second / base.docs_per_second:6.2f}"
        )
        if scoped := peers.get("scope"):
            ratio = ours.docs_per_second / scoped.docs_per_second
            line += f" {scoped.docs_per_second:15.1f} {ratio:6.2f}"
        print(line)
    scoped_f1 = (
        f", configured to the set's scope: F1 {scoped.report.means.f1:.3f}" if scoped else ""
    )
    print(
        f"({len(ids)} pages; trafilatura.extract at default settings: "
        f"F1 {base.report.means.f1:.3f}{scoped_f1})"
    )


if __name__ == "__main__":
    main()
