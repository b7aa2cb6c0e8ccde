"""Run every ``benchmarks/bench_*.py`` in turn, each in its own process.

Usage: ``python benchmarks/run.py [--shared PATH] [extra arguments for each bench]``.
Each bench prints its own table; this runner stops with the first failure's code.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    status = 0
    for bench in sorted(HERE.glob("bench_*.py")):
        print(f"== {bench.name}", flush=True)
        code = subprocess.call([sys.executable, str(bench), *argv])
        if code != 0:
            print(f"{bench.name} failed with exit code {code}", file=sys.stderr)
            status = status or code
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
