"""Write rule packs as YAML that reads like the hand-written ones and passes yamllint."""

from __future__ import annotations

import json
import re
from typing import Any

_PLAIN = re.compile(r"[a-z][a-z0-9_.-]*")
_KEYWORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}
_PLAIN_KEYS = ("id", "action", "where", "max_chars", "lines", "block_max_chars")


def quote(text: str) -> str:
    """Return a YAML scalar for ``text``: single-quoted, or JSON-escaped if it must be.

    Single quotes keep regular expressions readable (no escapes are processed);
    text with control or non-printable characters is written double-quoted.

    >>> quote(r"^\\d+ it's$")
    "'^\\\\d+ it''s$'"
    >>> quote("tab\\there"), quote("drop-line")
    ('"tab\\\\there"', 'drop-line')
    """
    if _PLAIN.fullmatch(text) and text not in _KEYWORDS:
        return text
    if text.isprintable():
        return "'" + text.replace("'", "''") + "'"
    return json.dumps(text, ensure_ascii=False)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return quote(str(value))


def _list(values: list[Any], indent: str) -> list[str]:
    return [f"{indent}- {_scalar(v)}" for v in values]


def render_pack(pack: dict[str, Any], *, header: str = "") -> str:
    """Render a pack mapping (name, version, description, match, rules) as YAML.

    Args:
        pack: The pack, shaped as the JSON Schema describes.
        header: Comment lines (without ``#``) written above the pack.
    """
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    for key in ("name", "version", "description", "always"):
        if key in pack:
            lines.append(f"{key}: {_scalar(pack[key])}")
    match = pack.get("match")
    if match:
        lines.append("match:")
        for key, value in match.items():
            if isinstance(value, list):
                lines.append(f"  {key}:")
                lines.extend(_list(value, "    "))
            else:
                lines.append(f"  {key}: {_scalar(value)}")
    rules = pack.get("rules", [])
    lines.append("rules:" if rules else "rules: []")
    for i, rule in enumerate(rules):
        if i:
            lines.append("")
        first = True
        for key in (*_PLAIN_KEYS, "pattern", "why"):
            if key in rule:
                lines.append(f"  {'- ' if first else '  '}{key}: {_scalar(rule[key])}")
                first = False
        examples = rule.get("examples", {})
        if examples:
            lines.append("    examples:")
            for kind in ("remove", "keep"):
                if examples.get(kind):
                    lines.append(f"      {kind}:")
                    lines.extend(_list(examples[kind], "        "))
    return "\n".join(lines) + "\n"
