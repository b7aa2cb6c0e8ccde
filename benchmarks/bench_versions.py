"""Text-path speed of this checkout against another version of cleaner, in one process.

Both versions are imported side by side (each keeps its own modules) and clean
the documents of ``../shared/eval/dev-text`` taking turns, document by
document, in an order that rotates; each call is timed in CPU seconds of this
process, so a change of load on a shared machine weighs on both alike.  The
canonical line cache of each is cleared before every document.  Usage::

    git worktree add /tmp/cleaner-old <commit>
    python benchmarks/bench_versions.py --baseline /tmp/cleaner-old [--rounds 3]

Without ``--baseline`` there is nothing to compare and the bench is skipped.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from common import ROOT, read_texts, shared_dir, table


def _is_ours(name: str) -> bool:
    return name == "cleaner" or name.startswith("cleaner.")


def _load(root: Path) -> dict[str, ModuleType]:
    """Import the ``cleaner`` package found in ``root``; return its modules."""
    for name in [n for n in sys.modules if _is_ours(n)]:
        del sys.modules[name]
    sys.path.insert(0, str(root))
    try:
        package = importlib.import_module("cleaner")
    finally:
        sys.path.remove(str(root))
    if not str(package.__file__).startswith(str(root)):
        raise SystemExit(f"{root} holds no cleaner package")
    return {n: m for n, m in sys.modules.items() if _is_ours(n)}


def _use(modules: dict[str, ModuleType]) -> None:
    """Make ``modules`` the ``cleaner`` that imports made at call time find."""
    for name in [n for n in sys.modules if _is_ours(n)]:
        del sys.modules[name]
    sys.modules.update(modules)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="a source checkout of another version")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--shared", type=Path)
    args, _ = parser.parse_known_args(argv)
    if args.baseline is None:
        print("bench_versions: no --baseline checkout given, skipped")
        return 0
    docs = read_texts(shared_dir(argv) / "eval" / "dev-text")
    systems: dict[str, tuple[dict[str, ModuleType], Any]] = {}
    for name, root in (("baseline", args.baseline.resolve()), ("this", ROOT)):
        modules = _load(root)
        systems[name] = (modules, modules["cleaner"].Cleaner())
    seconds = dict.fromkeys(systems, 0.0)
    names = list(systems)
    for name in names:  # warm up: compile patterns, load packs
        _use(systems[name][0])
        systems[name][1].clean(docs[0])
    for turn in range(args.rounds * len(docs)):
        first = turn % len(names)
        for name in names[first:] + names[:first]:
            modules, engine = systems[name]
            _use(modules)
            modules["cleaner.canonical"]._canonical_line.cache_clear()
            start = time.process_time()
            engine.clean(docs[turn % len(docs)])
            seconds[name] += time.process_time() - start
    count = args.rounds * len(docs)
    rows = [[name, count, f"{count / seconds[name]:.0f}"] for name in names]
    print(table(["version", "docs", "docs/s"], rows))
    print(f"this / baseline docs/s: {seconds['baseline'] / seconds['this']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
