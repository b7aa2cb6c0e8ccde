from __future__ import annotations

import os
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


BROWSER_INSTALL = "apt-get install chromium && pip install -e '.[browser]'"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """End the run with a banner when browser tests were skipped (outside CI they skip)."""
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if "browser" in getattr(report, "keywords", {})
    ]
    if not skipped:
        return
    reasons = sorted(
        {
            str(r.longrepr[2]).removeprefix("Skipped: ")
            for r in skipped
            if isinstance(r.longrepr, tuple)
        }
    )
    write = terminalreporter
    write.write_sep("!", "WARNING: the browser tests did NOT run", red=True, bold=True)
    for reason in reasons:
        write.write_line(f"  {reason}")
    write.write_line(f"  install: {BROWSER_INSTALL}")
    write.write_line("  (with CI set, a missing browser fails the run instead)")
    write.write_sep("!", red=True, bold=True)


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


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With ``CLEANER_NO_SKIPS`` set (tox envs of optional engines), a skipped test fails the run.

    Those tests skip themselves when their engine is not installed; in the env made to run
    them, a skip means the engine is missing, which must not pass as green.
    """
    if not os.environ.get("CLEANER_NO_SKIPS"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    if skipped:
        reporter.write_line(
            f"{len(skipped)} test(s) skipped where CLEANER_NO_SKIPS forbids it", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
