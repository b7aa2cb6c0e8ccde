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
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

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


def _matches_empty(pattern: regex.Pattern[str]) -> bool:
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


def _compile(source: str, where: str, *, multiline: bool = False) -> regex.Pattern[str]:
    try:
        pattern = compile_pattern(source, multiline=multiline)
    except regex.error as exc:
        raise RulePackError(f"{where}: pattern does not compile: {exc}") from None
    if _matches_empty(pattern):
        raise RulePackError(f"{where}: pattern {source!r} matches the empty string")
    return pattern


def _rule(raw: LineDict, pack_name: str, filename: str) -> Rule:
    rule_id = raw["id"]
    where = f"{filename}:{raw.line}: rule {rule_id!r}"
    pattern_line = raw.key_lines.get("pattern", raw.line)
    pattern = _compile(raw["pattern"], f"{filename}:{pattern_line}: rule {rule_id!r}")
    action = raw["action"]
    if action == "extract" and not pattern.groupindex:
        raise RulePackError(f"{where}: an extract rule needs named groups, e.g. (?P<date>...)")
    examples = raw.get("examples", {})
    return Rule(
        id=rule_id,
        qualified_id=f"{pack_name}/{rule_id}",
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
        RulePackError: The pack is invalid; the message names file, line and rule.
    """
    try:
        raw = load_yaml(data, filename)
    except PackYAMLError as exc:
        raise RulePackError(str(exc)) from None
    if not isinstance(raw, LineDict):
        raise RulePackError(f"{filename}:1: a rule pack is a mapping with name, version, rules")
    for error in sorted(
        jsonschema.Draft202012Validator(pack_schema()).iter_errors(raw),
        key=lambda e: list(map(str, e.absolute_path)),
    ):
        line = _line_of(raw, error.absolute_path)
        rule = ""
        path_items = list(error.absolute_path)
        if len(path_items) >= 2 and path_items[0] == "rules":
            rule_raw = raw["rules"][path_items[1]]
            if isinstance(rule_raw, dict) and "id" in rule_raw:
                rule = f" rule {rule_raw['id']!r}:"
        location = "/".join(map(str, path_items)) or "(top level)"
        raise RulePackError(f"{filename}:{line}:{rule} {location}: {error.message}")

    name = raw["name"]
    seen: dict[str, int] = {}
    rules = []
    for rule_raw in raw["rules"]:
        ids = [rule_raw["id"], *rule_raw.get("aliases", ())]
        for rid in ids:
            if rid in seen:
                raise RulePackError(
                    f"{filename}:{rule_raw.line}: rule {rid!r}: duplicate id "
                    f"(first used on line {seen[rid]})"
                )
            seen[rid] = rule_raw.line
        rules.append(_rule(rule_raw, name, filename))

    match = raw.get("match", {})
    fingerprints = tuple(
        _compile(
            fp,
            f"{filename}:{_line_of(raw, ['match', 'fingerprints'])}: fingerprint {i}",
            multiline=True,
        )
        for i, fp in enumerate(match.get("fingerprints", ()))
    )
    min_fp = match.get("min_fingerprints", min(len(fingerprints), 2) or 1)
    if fingerprints and min_fp > len(fingerprints):
        raise RulePackError(
            f"{filename}:{_line_of(raw, ['match', 'min_fingerprints'])}: "
            f"min_fingerprints {min_fp} exceeds the {len(fingerprints)} fingerprints"
        )
    return Pack(
        name=name,
        version=str(raw["version"]),
        description=raw.get("description", ""),
        path=path or Path(filename),
        sha256=hashlib.sha256(data).hexdigest(),
        domains=tuple(d.lower().removeprefix("www.") for d in match.get("domains", ())),
        fingerprints=fingerprints,
        min_fingerprints=min_fp,
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
    """Yield the pack files of a folder, sorted by name."""
    if not directory.is_dir():
        raise RulePackError(f"{directory}: not a folder of rule packs")
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
    """Load every pack of the given folders; a later folder overrides a pack by name.

    Raises:
        RulePackError: Any pack is invalid (the first error found).
    """
    by_name: dict[str, Pack] = {}
    for directory in directories:
        for path in pack_files(directory):
            pack = load_pack(path)
            by_name[pack.name] = pack
    return list(by_name.values())
