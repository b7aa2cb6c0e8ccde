"""Load rule packs from YAML, validate them, compile their patterns once.

Validation happens in two layers: the published JSON Schema (``schema.json``,
also usable by editors) for shape, then checks the schema cannot express:
patterns compile, no pattern matches the empty string, ids are unique.  Every
error names the file, the line and, where there is one, the rule.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import jsonschema
import regex
from lxml import etree

from cleaner.rules.model import HtmlRules, HtmlXPath, Pack, Rule
from cleaner.rules.yamlsafe import LineDict, PackYAMLError, load_yaml

# Probes for patterns that match nothing but still "match": a zero-width match
# would remove nothing and fire on every paragraph.
_EMPTY_PROBES = ("", " ", "a", "Hello, world.", "1")


class RulePackError(ValueError):
    """A rule pack is invalid; the message names the file, the line and the rule."""


Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in a rule pack.

    The loader raises on the first ``error``; ``cleaner rules lint`` reports all
    findings, errors and warnings alike.

    Attributes:
        file: The pack file, as named to the user.
        line: The line the problem is on.
        message: What is wrong.
        rule: The id of the rule concerned, if any.
        code: A short name for the kind of problem (``schema``, ``duplicate-id``...).
        severity: ``error`` stops the pack from loading; ``warning`` does not.
    """

    file: str
    line: int
    message: str
    rule: str | None = None
    code: str = "schema"
    severity: Severity = "error"

    def __str__(self) -> str:
        rule = f" rule {self.rule!r}:" if self.rule is not None else ""
        return f"{self.file}:{self.line}:{rule} {self.message}"


@dataclass(slots=True)
class CheckedPack:
    """A pack's parsed YAML, its compiled patterns and every problem found.

    Attributes:
        filename: The pack file, as named to the user.
        raw: The parsed document (``None`` if it is not a YAML mapping).
        findings: Every problem, in file order within each layer of checks.
        patterns: Compiled rule patterns, by the rule's index in ``rules``.
        fingerprints: Compiled fingerprints, in order (only if all compiled).
    """

    filename: str
    raw: LineDict | None = None
    findings: list[Finding] = field(default_factory=list)
    patterns: dict[int, regex.Pattern[str]] = field(default_factory=dict)
    fingerprints: list[regex.Pattern[str]] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        """The findings that stop the pack from loading."""
        return [f for f in self.findings if f.severity == "error"]

    def add(self, line: int, message: str, *, rule: str | None = None, code: str) -> None:
        """Record an error."""
        self.findings.append(Finding(self.filename, line, message, rule, code))


@cache
def pack_schema() -> dict[str, Any]:
    """Return the JSON Schema for rule packs shipped with the package."""
    text = resources.files("cleaner.rules").joinpath("schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _line_of(data: Any, path: Iterable[Any]) -> int:
    """Return the line of the deepest mapping on ``path`` inside ``data``."""
    line = getattr(data, "line", 1)
    node = data
    for step in path:
        if isinstance(node, LineDict) and isinstance(step, str) and step in node.key_lines:
            line = node.key_lines[step]
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, LineDict):
            line = node.line
    return line


def matches_empty(pattern: regex.Pattern[str]) -> bool:
    """Tell whether a pattern matches the empty string on any of a few probes.

    A zero-width match removes nothing but fires on every paragraph.

    >>> matches_empty(compile_pattern("x*")), matches_empty(compile_pattern("^x+$"))
    (True, False)
    """
    return any(
        (m := pattern.search(probe, timeout=1.0)) is not None and m.end() == m.start()
        for probe in _EMPTY_PROBES
    )


def compile_pattern(source: str, *, multiline: bool = False) -> regex.Pattern[str]:
    """Compile a pack pattern with the flags every pack pattern gets.

    ``V1`` gives full Unicode case folding and set operations; ``multiline``
    is used for fingerprints, which are searched in whole documents.

    >>> compile_pattern(r"^Read (also|more):").search("READ ALSO: x") is None
    True
    >>> compile_pattern(r"(?i)^Read (also|more):").search("READ ALSO: x") is not None
    True
    """
    flags = regex.V1 | (regex.MULTILINE if multiline else 0)
    return regex.compile(source, flags)


def _check_pattern(
    checked: CheckedPack,
    source: str,
    line: int,
    *,
    rule: str | None = None,
    label: str = "pattern",
    multiline: bool = False,
) -> regex.Pattern[str] | None:
    """Compile one pattern, recording why it is unusable; ``None`` if it is."""
    try:
        pattern = compile_pattern(source, multiline=multiline)
    except regex.error as exc:
        checked.add(line, f"{label} does not compile: {exc}", rule=rule, code="pattern-compile")
        return None
    if matches_empty(pattern):
        checked.add(
            line, f"{label} {source!r} matches the empty string", rule=rule, code="empty-match"
        )
        return None
    return pattern


def _check_schema(checked: CheckedPack, raw: LineDict) -> None:
    for error in sorted(
        jsonschema.Draft202012Validator(pack_schema()).iter_errors(raw),
        key=lambda e: list(map(str, e.absolute_path)),
    ):
        path_items = list(error.absolute_path)
        rule = None
        if len(path_items) >= 2 and path_items[0] == "rules":
            rule_raw = raw["rules"][path_items[1]]
            if isinstance(rule_raw, dict) and isinstance(rule_raw.get("id"), str):
                rule = rule_raw["id"]
        location = "/".join(map(str, path_items)) or "(top level)"
        checked.add(
            _line_of(raw, error.absolute_path),
            f"{location}: {error.message}",
            rule=rule,
            code="schema",
        )


def _check_rules(checked: CheckedPack, raw: LineDict) -> None:
    rules = raw.get("rules")
    if not isinstance(rules, list):
        return
    seen: dict[str, int] = {}
    for index, rule_raw in enumerate(rules):
        if not isinstance(rule_raw, LineDict):
            continue
        rule_id = rule_raw.get("id") if isinstance(rule_raw.get("id"), str) else None
        aliases = rule_raw.get("aliases", [])
        ids = [rule_id, *(aliases if isinstance(aliases, list) else [])]
        for rid in ids:
            if not isinstance(rid, str):
                continue
            if rid in seen:
                checked.add(
                    rule_raw.line,
                    f"duplicate id (first used on line {seen[rid]})",
                    rule=rid,
                    code="duplicate-id",
                )
            else:
                seen[rid] = rule_raw.line
        source = rule_raw.get("pattern")
        if not isinstance(source, str) or not source:
            continue
        line = rule_raw.key_lines.get("pattern", rule_raw.line)
        pattern = _check_pattern(checked, source, line, rule=rule_id)
        if pattern is None:
            continue
        checked.patterns[index] = pattern
        if rule_raw.get("action") == "extract" and not pattern.groupindex:
            checked.add(
                rule_raw.line,
                "an extract rule needs named groups, e.g. (?P<date>...)",
                rule=rule_id,
                code="extract-groups",
            )


def _check_match(checked: CheckedPack, raw: LineDict) -> None:
    match = raw.get("match")
    if not isinstance(match, LineDict):
        return
    fingerprints = match.get("fingerprints", [])
    if not isinstance(fingerprints, list):
        return
    line = _line_of(raw, ["match", "fingerprints"])
    compiled = [
        _check_pattern(checked, fp, line, label=f"fingerprint {i}: pattern", multiline=True)
        for i, fp in enumerate(fingerprints)
        if isinstance(fp, str) and fp
    ]
    checked.fingerprints = [p for p in compiled if p is not None]
    min_fp = match.get("min_fingerprints")
    if isinstance(min_fp, int) and fingerprints and min_fp > len(fingerprints):
        checked.add(
            _line_of(raw, ["match", "min_fingerprints"]),
            f"min_fingerprints {min_fp} exceeds the {len(fingerprints)} fingerprints",
            code="fingerprints",
        )


def check_pack(data: bytes, filename: str) -> CheckedPack:
    """Run every load-time check on a pack's bytes and collect all problems.

    The checks run in layers: YAML, the JSON Schema (shape), then what the
    schema cannot express (unique ids and aliases, patterns that compile and
    do not match the empty string, extract rules with named groups,
    fingerprints).  Later layers skip the parts an earlier layer found
    malformed, so one mistake is reported once.

    Args:
        data: The file's bytes.
        filename: Name used in findings.
    """
    checked = CheckedPack(filename)
    try:
        raw = load_yaml(data, filename)
    except PackYAMLError as exc:
        message = str(exc).removeprefix(f"{filename}:").removeprefix(f"{exc.line}:").strip()
        checked.add(exc.line, message, code="yaml")
        return checked
    if not isinstance(raw, LineDict):
        checked.add(1, "a rule pack is a mapping with name, version, rules", code="schema")
        return checked
    checked.raw = raw
    _check_schema(checked, raw)
    _check_rules(checked, raw)
    _check_match(checked, raw)
    return checked


def _rule(raw: LineDict, pattern: regex.Pattern[str], pack_name: str) -> Rule:
    action = raw["action"]
    examples = raw.get("examples", {})
    return Rule(
        id=raw["id"],
        qualified_id=f"{pack_name}/{raw['id']}",
        action=action,
        pattern=pattern,
        why=raw["why"],
        where=raw.get("where", "tail" if action == "truncate" else "any"),
        max_chars=raw.get("max_chars"),
        lines=raw.get("lines", 1),
        block_max_chars=raw.get("block_max_chars", 200),
        aliases=tuple(raw.get("aliases", ())),
        examples_remove=tuple(examples.get("remove", ())),
        examples_keep=tuple(examples.get("keep", ())),
        line=raw.line,
    )


def compile_xpath(source: str, where: str) -> etree.XPath:
    """Compile an XPath of a pack's ``html:`` section; it must select elements.

    Raises:
        RulePackError: The expression does not compile; the message starts with ``where``.

    >>> compile_xpath("//div[@id='share']", "x").path
    "//div[@id='share']"
    """
    try:
        return etree.XPath(source)
    except etree.XPathSyntaxError as exc:
        raise RulePackError(f"{where}: XPath {source!r} does not compile: {exc}") from None


def _html_rules(raw: LineDict, filename: str) -> HtmlRules:
    section = raw.get("html")
    if not section:
        return HtmlRules()
    line = _line_of(raw, ["html"])

    def xpaths(key: str) -> tuple[HtmlXPath, ...]:
        key_line = section.key_lines.get(key, line) if isinstance(section, LineDict) else line
        return tuple(
            HtmlXPath(
                source, compile_xpath(source, f"{filename}:{key_line}: html.{key}[{i}]"), key_line
            )
            for i, source in enumerate(section.get(key, ()))
        )

    tokens = tuple(section.get("strip_id_or_class", ()))
    return HtmlRules(strip=xpaths("strip"), strip_id_or_class=tokens, body=xpaths("body"))


def parse_pack(data: bytes, filename: str, path: Path | None = None) -> Pack:
    """Validate and compile one pack from the bytes of its YAML file.

    Args:
        data: The file's bytes.
        filename: Name used in error messages.
        path: Where the pack came from, kept on the pack.

    Raises:
        RulePackError: The pack is invalid; the message lists every error
            :func:`check_pack` found, one a line, each naming file, line and rule.
    """
    checked = check_pack(data, filename)
    if checked.errors:
        raise RulePackError("\n".join(str(error) for error in checked.errors))
    raw = checked.raw
    assert raw is not None  # no errors: the document is a valid mapping
    name = raw["name"]
    rules = tuple(
        _rule(rule_raw, checked.patterns[i], name) for i, rule_raw in enumerate(raw["rules"])
    )
    match = raw.get("match", {})
    fingerprints = tuple(checked.fingerprints)
    return Pack(
        name=name,
        version=str(raw["version"]),
        description=raw.get("description", ""),
        path=path or Path(filename),
        sha256=hashlib.sha256(data).hexdigest(),
        domains=tuple(d.lower().removeprefix("www.") for d in match.get("domains", ())),
        fingerprints=fingerprints,
        min_fingerprints=match.get("min_fingerprints", min(len(fingerprints), 2) or 1),
        always=bool(raw.get("always", False)),
        rules=tuple(rules),
        html=_html_rules(raw, filename),
    )


def load_pack(path: Path) -> Pack:
    """Load one pack file.

    Raises:
        RulePackError: The file cannot be read or the pack is invalid.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RulePackError(f"{path}: cannot read rule pack: {exc.strerror}") from None
    return parse_pack(data, str(path), path)


def pack_files(directory: Path) -> Iterator[Path]:
    """Yield the pack files of a folder, sorted by name; a pack file is its own list."""
    if directory.is_file() and directory.suffix in {".yaml", ".yml"}:
        yield directory
        return
    if not directory.is_dir():
        raise RulePackError(f"{directory}: not a rule pack (.yaml) nor a folder of rule packs")
    yield from sorted(p for p in directory.iterdir() if p.suffix in {".yaml", ".yml"})


def bundled_rules_dir() -> Path:
    """Return the folder of the packs shipped with cleaner.

    Installed wheels carry them inside the package; a source checkout keeps them
    in the top-level ``rules/`` folder.
    """
    inside = Path(str(resources.files("cleaner"))) / "_bundled_rules"
    if inside.is_dir():
        return inside
    return Path(__file__).resolve().parents[2] / "rules"


def load_packs(directories: Iterable[Path]) -> list[Pack]:
    """Load every pack of the given folders or pack files; a later one overrides a pack by name.

    Raises:
        RulePackError: Any pack is invalid (every error of the first invalid file).
    """
    by_name: dict[str, Pack] = {}
    for directory in directories:
        for path in pack_files(directory):
            pack = load_pack(path)
            by_name[pack.name] = pack
    return list(by_name.values())
