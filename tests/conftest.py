from __future__ import annotations

from pathlib import Path

import pytest

import cleaner

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SEEDS = ROOT / "samples" / "seeds"


def real_lines(packs: list[cleaner.rules.Pack]) -> list[str]:
    """Every line of the seeds and fixtures, plus every rule example of ``packs``, sorted."""
    lines = {
        line
        for path in [*SEEDS.glob("*.txt"), *FIXTURES.glob("*/*.txt")]
        for line in path.read_text("utf-8").splitlines()
    }
    examples = {
        example
        for pack in packs
        for rule in pack.rules
        for example in (*rule.examples_remove, *rule.examples_keep)
    }
    return sorted(lines | examples)


@pytest.fixture(scope="session")
def default() -> cleaner.Cleaner:
    return cleaner.default_cleaner()


@pytest.fixture(scope="session")
def generic_only(tmp_path_factory: pytest.TempPathFactory) -> cleaner.Cleaner:
    """A cleaner with the generic pack and heuristics but no site packs."""
    folder = tmp_path_factory.mktemp("generic-only")
    (folder / "generic.yaml").write_bytes((ROOT / "rules" / "generic.yaml").read_bytes())
    return cleaner.Cleaner([folder], bundled=False)


@pytest.fixture
def article(shared_datadir: Path) -> bytes:
    """The sample news page of ``tests/data`` (a headline, four paragraphs, widgets)."""
    return (shared_datadir / "article.html").read_bytes()
