"""Write a JSON Lines corpus of varied seed articles, to try the Ray example on.

    python examples/seed_corpus.py --count 5000 --files 8 --output corpus/

Records are ``{"id", "url", "text"}`` from :func:`cleaner.testing.seed_variants`.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from cleaner.testing import seed_variants

SEEDS = Path(__file__).resolve().parents[1] / "samples" / "seeds"


def main(argv: Sequence[str] | None = None) -> int:
    """Write the corpus; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5000, help="documents to write")
    parser.add_argument("--files", type=int, default=8, help="JSON Lines files to spread them over")
    parser.add_argument("--seeds", type=Path, default=SEEDS, help="folder of seed .txt articles")
    parser.add_argument("--output", type=Path, required=True, help="folder to write into")
    args = parser.parse_args(argv)
    args.output.mkdir(parents=True, exist_ok=True)
    handles = [
        (args.output / f"part-{i:03d}.jsonl").open("w", encoding="utf-8") for i in range(args.files)
    ]
    try:
        for n, record in enumerate(seed_variants(args.seeds, args.count)):
            handles[n % len(handles)].write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        for handle in handles:
            handle.close()
    print(f"wrote {args.count} documents in {len(handles)} file(s) to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
