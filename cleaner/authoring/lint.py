"""Lint rule packs: every load-time problem at once, plus authoring warnings.

The load-time checks are the loader's own (:func:`cleaner.rules.loader.check_pack`),
so lint and loading never disagree; lint reports all of them instead of the
first, and adds what does not stop a pack from loading but should be fixed:
patterns prone to catastrophic backtracking and rules without examples.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from cleaner.authoring.backtracking import backtracking_risks
from cleaner.rules.loader import CheckedPack, Finding, RulePackError, check_pack, pack_files
from cleaner.rules.yamlsafe import LineDict

_RISK_HELP = "may backtrack catastrophically"


def _warn(checked: CheckedPack, line: int, message: str, rule: str | None, code: str) -> None:
    checked.findings.append(Finding(checked.filename, line, message, rule, code, "warning"))


def _authoring_checks(checked: CheckedPack) -> None:
    raw = checked.raw
    if raw is None:
        return
    rules = raw.get("rules")
    for index, rule_raw in enumerate(rules if isinstance(rules, list) else []):
        if not isinstance(rule_raw, LineDict):
            continue
        rule_id = rule_raw.get("id") if isinstance(rule_raw.get("id"), str) else None
        if index in checked.patterns:
            line = rule_raw.key_lines.get("pattern", rule_raw.line)
            for risk in backtracking_risks(checked.patterns[index].pattern):
                _warn(checked, line, f"pattern {_RISK_HELP} ({risk})", rule_id, "backtracking")
        examples = rule_raw.get("examples")
        if not (isinstance(examples, dict) and (examples.get("remove") or examples.get("keep"))):
            _warn(
                checked,
                rule_raw.line,
                "no example (add examples: remove/keep)",
                rule_id,
                "no-example",
            )
    match = raw.get("match")
    if isinstance(match, LineDict):
        line = match.key_lines.get("fingerprints", match.line)
        for i, fingerprint in enumerate(checked.fingerprints):
            for risk in backtracking_risks(fingerprint.pattern):
                _warn(checked, line, f"fingerprint {i} {_RISK_HELP} ({risk})", None, "backtracking")


def lint_file(path: Path) -> list[Finding]:
    """Return every finding for one pack file, sorted by line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [Finding(str(path), 1, f"cannot read rule pack: {exc.strerror}", code="io")]
    checked = check_pack(data, str(path))
    _authoring_checks(checked)
    return sorted(checked.findings, key=lambda f: f.line)


def expand(paths: Iterable[Path]) -> list[Path]:
    """Return the pack files named by ``paths``; folders give their packs.

    Raises:
        RulePackError: A path is neither a file nor a folder.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(pack_files(path))
        elif path.is_file():
            files.append(path)
        else:
            raise RulePackError(f"{path}: no such rule pack or folder")
    return files


def lint_paths(paths: Iterable[Path]) -> list[Finding]:
    """Lint pack files and folders of packs; return all findings in file order."""
    return [finding for path in expand(paths) for finding in lint_file(path)]
