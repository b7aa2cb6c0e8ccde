"""Run packs' inline examples and fixture cases: ``cleaner rules test``.

The checks themselves live in :mod:`cleaner.testing`, which the test suite
uses too, so the command and the suite always agree.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from cleaner import Cleaner
from cleaner.authoring.lint import expand
from cleaner.rules.loader import bundled_rules_dir, load_pack
from cleaner.testing import case_failures, discover_cases, example_failures


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of one example set or fixture case.

    Attributes:
        name: ``<pack>/<rule> examples`` or ``<pack>::<case>``.
        failures: Why it failed; empty when it passed.
    """

    name: str
    failures: list[str]

    @property
    def ok(self) -> bool:
        """Whether the case passed."""
        return not self.failures


def run_tests(paths: Sequence[Path], fixtures: Path | None = None) -> Iterator[Outcome]:
    """Test the packs at ``paths`` (files or folders; none: the bundled packs).

    The packs are loaded on top of the bundled ones, as ``--rules`` would,
    so fixture cases see the generic pack and heuristics too.

    Args:
        paths: Pack files or folders of packs.
        fixtures: Folder of ``<pack>/<case>.in.txt`` cases; by default the
            ``fixtures`` folder beside each pack folder, if there is one.

    Raises:
        cleaner.RulePackError: A pack does not load.
    """
    files = expand(paths or [bundled_rules_dir()])
    packs = [load_pack(f) for f in files]
    folders = sorted({f.parent.resolve() for f in files})
    engine = Cleaner([d for d in folders if d != bundled_rules_dir().resolve()])
    for pack in packs:
        for rule in engine.registry.packs[pack.name].rules:
            yield Outcome(f"{rule.qualified_id} examples", example_failures(rule))
    fixture_dirs = [fixtures] if fixtures else [d.parent / "fixtures" for d in folders]
    names = {p.name for p in packs}
    for folder in dict.fromkeys(fixture_dirs):
        for case in discover_cases(folder):
            if case.pack in names:
                yield Outcome(case.id, case_failures(engine, case))
