"""readability-lxml's article as the choice reads it, against readability-lxml's own ``Document``.

Usage: python benchmarks/bench_readability.py [DIR...] [--pages N]

DIR defaults to ``../shared/eval/dev`` beside the repository.  For every page
(the first N of each folder, sorted), in this process and in turns:
:func:`cleaner.candidates.readability_text` and ``Document(html).summary()``
turned into text the same way.  Prints each one's mean milliseconds, the ratio,
and the number of pages whose texts differ (it must be 0).
"""

from __future__ import annotations

import argparse
import gzip
from pathlib import Path

from common import timed
from readability import Document

from cleaner.candidates import fragment_text, readability_text

ROOT = Path(__file__).resolve().parents[1]


def reference(html: str) -> str:
    """readability-lxml's own article, as text."""
    try:
        return fragment_text(Document(html).summary(html_partial=True))
    except Exception:  # readability raises on pages it cannot read
        return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "directories", nargs="*", type=Path, default=[ROOT.parent / "shared/eval/dev"]
    )
    parser.add_argument("--pages", type=int, default=200, help="first N pages of each folder")
    args = parser.parse_args()
    pages = [
        gzip.decompress(path.read_bytes()).decode("utf-8")
        for folder in args.directories
        for path in sorted(folder.glob("*.html.gz"))[: args.pages]
    ]
    differ = sum(readability_text(page) != reference(page) for page in pages)
    readers = {"cleaner": readability_text, "readability-lxml": reference}
    seconds = timed(readers, pages, lambda: None)
    ours, theirs = seconds["cleaner"], seconds["readability-lxml"]
    print(f"{'reader':<18} {'ms/page':>8}")
    print(f"{'readability-lxml':<18} {1000 * theirs / len(pages):8.1f}")
    print(f"{'cleaner':<18} {1000 * ours / len(pages):8.1f}")
    print(f"ratio {ours / theirs:.2f}; {len(pages)} pages, {differ} with a different text")


if __name__ == "__main__":
    main()
