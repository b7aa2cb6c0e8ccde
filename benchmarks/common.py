"""Shared helpers for the benchmarks: corpora, timing, peak memory in a fresh process."""

from __future__ import annotations

import argparse
import gzip
import multiprocessing
import resource
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = ROOT / "samples" / "seeds"


def shared_dir(argv: Sequence[str]) -> Path:
    """Return ``--shared PATH`` if given, else ``../shared`` beside the repository."""
    if "--shared" in argv:
        return Path(argv[list(argv).index("--shared") + 1])
    return SHARED


def gold_pages(
    description: str | None, options: Callable[[argparse.ArgumentParser], None] | None = None
) -> tuple[Path, dict[str, Any], list[str], argparse.Namespace]:
    """Parse ``[DIR] [--pages N]`` and the caller's ``options``; return the gold set's folder,
    its gold rows, the ids taken and the parsed arguments.

    DIR defaults to ``../shared/eval/dev``; the ids are the first N of the gold, sorted.
    """
    from cleaner.evaluate import load_gold  # noqa: PLC0415 - only the HTML benchmarks need it

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("directory", nargs="?", type=Path, default=SHARED / "eval/dev")
    parser.add_argument("--pages", type=int, default=181, help="first N page ids (sorted)")
    if options is not None:
        options(parser)
    args = parser.parse_args()
    gold = load_gold(args.directory / "gold.jsonl")
    return args.directory, gold, sorted(gold)[: args.pages], args


def read_texts(folder: Path) -> list[str]:
    return [p.read_text("utf-8") for p in sorted(folder.glob("*.txt"))]


def read_html(folder: Path) -> list[bytes]:
    return [gzip.decompress(p.read_bytes()) for p in sorted(folder.glob("*.html.gz"))]


def repeat_to(docs: list[str], megabytes: float) -> list[str]:
    """Repeat ``docs`` until they hold at least ``megabytes`` of UTF-8."""
    size = sum(len(d.encode("utf-8")) for d in docs)
    return docs * max(1, round(megabytes * 1e6 / size))


def megabytes(docs: Iterable[str | bytes]) -> float:
    return sum(len(d.encode("utf-8") if isinstance(d, str) else d) for d in docs) / 1e6


def timed(
    fns: dict[str, Callable[[Any], object]], docs: Sequence[Any], before: Callable[[], None]
) -> dict[str, float]:
    """Seconds each function takes over every document, calling ``before`` (untimed) first.

    The functions take turns document by document, in an order that rotates from
    one document to the next, so a change of load on the machine during the run
    weighs on all of them alike and their times compare as ratios.
    """
    names = list(fns)
    totals = dict.fromkeys(names, 0.0)
    for turn, doc in enumerate(docs):
        first = turn % len(names)
        for name in names[first:] + names[:first]:
            before()
            start = time.perf_counter()
            fns[name](doc)
            totals[name] += time.perf_counter() - start
    return totals


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB (Linux reports KiB)."""
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1e6


def in_fresh_process(fn: Callable[..., Any], *args: Any) -> Any:
    """Run ``fn(*args)`` in a new interpreter, so its peak memory is its own."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(fn, *args).result()


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)
