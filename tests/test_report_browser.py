"""The report page in a real headless browser: loads cleanly, filters by rule.

Runs with ``pytest -m browser`` (``tox -e browser``).  It needs Chromium at
/usr/bin/chromium (or where ``CLEANER_CHROMIUM`` says) and the ``playwright``
package; in CI (``CI`` set) a missing browser fails the test, elsewhere it is
skipped and the run ends with a warning banner giving the install command
(``tests/conftest.py``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from cleaner.cli import main
from tests.conftest import SEEDS

CHROMIUM = Path(os.environ.get("CLEANER_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"browser test cannot run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture
def page(tmp_path: Path) -> Any:
    try:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415 - optional extra
    except ImportError:
        _unavailable("the playwright package is not installed")
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing")
    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def test_report_loads_and_filters_by_rule(page: Any, tmp_path: Path) -> None:
    src, out, report = tmp_path / "src", tmp_path / "out", tmp_path / "report.html"
    shutil.copytree(SEEDS, src)
    (src / "hostile.txt").write_text(
        "</pre><script>window.pwned = 1</script>\n\nSpread the love\n\nA body line.\n"
    )
    assert main(["clean", str(src), "-o", str(out), "-q"]) == 0
    assert main(["report", str(out), "-o", str(report)]) == 0
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(report.as_uri())
    assert problems == []
    assert page.evaluate("window.pwned") is None
    docs = page.locator("section.doc")
    assert docs.count() == 6 and page.locator("section.doc:visible").count() == 6

    rule = "telesurenglish.net/published_date"
    page.select_option("#rule", rule)
    visible = page.locator("section.doc:visible")
    assert visible.count() == 1
    marks = visible.locator("mark.rm:not(.dim)")
    assert marks.count() >= 1
    assert set(marks.evaluate_all("ms => ms.map(m => m.dataset.rule)")) == {rule}
    assert visible.locator("mark.rm.dim .lbl:visible").count() == 0
    page.screenshot(path=str(tmp_path / "filtered.png"), full_page=True)
    assert (tmp_path / "filtered.png").stat().st_size > 0

    page.select_option("#rule", "")
    page.fill("#q", "A body line")
    assert page.locator("section.doc:visible").count() == 1
    assert problems == []
