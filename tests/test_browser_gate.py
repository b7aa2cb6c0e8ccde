"""The browser test cannot pass unseen: in CI a missing browser fails, else a banner says so."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import BROWSER_INSTALL, ROOT


def _browser_run(ci: bool, tmp: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["CLEANER_CHROMIUM"] = f"{tmp}/no-chromium-here"
    if ci:
        env["CI"] = "1"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-m",
            "browser",
            "-p",
            "no:cacheprovider",
            "tests/test_report_browser.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_missing_browser_fails_in_ci(tmp_path: object) -> None:
    done = _browser_run(ci=True, tmp=str(tmp_path))
    assert done.returncode != 0
    assert "browser test cannot run in CI" in done.stdout


def test_missing_browser_elsewhere_ends_with_a_banner(tmp_path: object) -> None:
    done = _browser_run(ci=False, tmp=str(tmp_path))
    assert done.returncode == 0
    tail = done.stdout.splitlines()[-12:]
    assert any("WARNING: the browser tests did NOT run" in line for line in tail)
    assert any(BROWSER_INSTALL in line for line in tail)
