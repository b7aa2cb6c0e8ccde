"""Throughput and memory of the text and HTML paths, as ratios to baselines run alongside.

Rows (single process, each corpus in a fresh interpreter so peak memory is its own):

* text path (``Cleaner.clean``: canonical text, rules, heuristics, provenance) on
  ``samples/seeds`` repeated and on ``../shared/eval/dev-text``, next to
  ``ftfy.fix_text`` alone and to ``canonicalize_reference`` on the same documents;
* HTML path (``Cleaner.clean_html``) next to ``trafilatura.extract`` alone on
  ``../shared/eval/dev``;
* scaling: 1k, 10k, 100k JSON Lines records built on the seeds, streamed through
  :func:`cleaner.jsonl.clean_stream` (time should grow linearly, peak memory stay flat).

The systems of a row take turns document by document (``common.timed``), so
their ratios hold on a machine whose load changes.  The canonical line cache is
cleared before every document, so repeated seeds are measured cold.  Usage:
``python benchmarks/bench_text.py [--shared PATH] [--sizes 1000,10000,100000] [--seed-mb 2]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator

import ftfy
import trafilatura
from common import (
    SEEDS,
    in_fresh_process,
    megabytes,
    peak_rss_mb,
    read_html,
    read_texts,
    repeat_to,
    shared_dir,
    table,
    timed,
)

import cleaner
from cleaner import canonical, jsonl

TARGET_TEXT_MBS = 25.0
TARGET_TEXT_VS_FTFY = 8.0
TARGET_CANONICAL_VS_REFERENCE = 20.0
TARGET_HTML_OVERHEAD = 0.10


def _cold() -> None:
    canonical._canonical_line.cache_clear()


def text_row(name: str, docs: list[str]) -> list[object]:
    engine = cleaner.Cleaner()
    engine.clean(docs[0])  # warm up: compile patterns, load packs
    size = megabytes(docs)
    times = timed(
        {
            "clean": engine.clean,
            "ftfy": ftfy.fix_text,
            "canon": canonical.canonicalize,
            "ref": canonical.canonicalize_reference,
        },
        docs,
        _cold,
    )
    t_clean, t_ftfy, t_canon, t_ref = (times[k] for k in ("clean", "ftfy", "canon", "ref"))
    return [
        name,
        len(docs),
        f"{size:.2f}",
        f"{size / t_clean:.2f}",
        f"{len(docs) / t_clean:.0f}",
        f"{size / t_ftfy:.2f}",
        f"{t_ftfy / t_clean:.2f}x",
        f"{size / t_canon:.1f}",
        f"{t_ref / t_canon:.1f}x",
        f"{peak_rss_mb():.0f}",
    ]


def html_row(pages: list[bytes]) -> list[object]:
    engine = cleaner.Cleaner()
    engine.clean_html(pages[0])
    trafilatura.extract(pages[0])
    times = timed({"clean": engine.clean_html, "extract": trafilatura.extract}, pages, _cold)
    t_clean, t_traf = times["clean"], times["extract"]
    return [
        "html: dev",
        len(pages),
        f"{megabytes(pages):.2f}",
        f"{len(pages) / t_clean:.1f}",
        f"{len(pages) / t_traf:.1f}",
        f"{(t_clean - t_traf) / t_traf:+.1%}",
        f"{peak_rss_mb():.0f}",
    ]


def generated(count: int) -> Iterator[bytes]:
    """Yield ``count`` JSON Lines records: the seeds in turn, each headed by its own line."""
    seeds = read_texts(SEEDS)
    for i in range(count):
        text = f"Report {i}: update from the newsroom.\n\n{seeds[i % len(seeds)]}"
        yield json.dumps({"id": i, "text": text}).encode("utf-8") + b"\n"


class _Discard:
    """A sink that counts the bytes written and keeps none."""

    def __init__(self) -> None:
        self.bytes = 0

    def write(self, data: bytes, /) -> int:
        self.bytes += len(data)
        return len(data)

    def flush(self) -> None:
        pass


def scaling_row(count: int) -> list[object]:
    """Stream ``count`` records through :func:`cleaner.jsonl.clean_stream` in one process."""
    engine = cleaner.Cleaner()
    sink = _Discard()
    start = time.perf_counter()
    tally = jsonl.clean_stream(
        generated(count), sink, setup=lambda: jsonl.RecordCleaner(engine), jobs=1
    )
    seconds = time.perf_counter() - start
    assert tally.records == count and tally.failed == 0, tally
    return [count, f"{seconds:.2f}", f"{count / seconds:.0f}", f"{peak_rss_mb():.0f}"]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=None, help="the shared data folder")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--seed-mb", type=float, default=2.0)
    args, _ = parser.parse_known_args(argv)
    shared = shared_dir(["--shared", args.shared] if args.shared else [])

    rows = [in_fresh_process(text_row, "text: seeds", repeat_to(read_texts(SEEDS), args.seed_mb))]
    dev_text, dev_html = shared / "eval" / "dev-text", shared / "eval" / "dev"
    notes = []
    if dev_text.is_dir():
        rows.append(in_fresh_process(text_row, "text: dev-text", read_texts(dev_text)))
    else:
        notes.append(f"dev-text rows skipped: {dev_text} not found")
    headers = [
        "corpus", "docs", "MB", "MB/s", "docs/s", "ftfy MB/s", "vs ftfy",
        "canon MB/s", "canon vs ref", "peak MB",
    ]  # fmt: skip
    print("Text path, single process (cold line cache)")
    print(table(headers, rows))
    print(
        f"targets: text >= {TARGET_TEXT_MBS} MB/s and >= {TARGET_TEXT_VS_FTFY}x ftfy.fix_text; "
        f"canonical >= {TARGET_CANONICAL_VS_REFERENCE}x canonicalize_reference"
    )
    print()
    if dev_html.is_dir():
        print("HTML path vs trafilatura.extract alone, single process")
        print(
            table(
                [
                    "corpus",
                    "docs",
                    "MB",
                    "clean_html docs/s",
                    "extract docs/s",
                    "overhead",
                    "peak MB",
                ],
                [in_fresh_process(html_row, read_html(dev_html))],
            )
        )
        print(f"target: overhead <= {TARGET_HTML_OVERHEAD:.0%}")
        print()
    else:
        notes.append(f"HTML rows skipped: {dev_html} not found")
    sizes = [int(s) for s in args.sizes.split(",") if s]
    print("Scaling: JSON Lines records streamed through clean_stream, each size in a fresh process")
    scaling = [in_fresh_process(scaling_row, n) for n in sizes]
    if scaling:
        # Linear time: the time per document stays that of the smallest run.
        first = float(scaling[0][1]) / int(scaling[0][0])
        for row in scaling:
            row.append(f"{float(row[1]) / int(row[0]) / first:.2f}x")
    print(table(["docs", "seconds", "docs/s", "peak MB", "s/doc vs first"], scaling))
    for note in notes:
        print(f"note: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
