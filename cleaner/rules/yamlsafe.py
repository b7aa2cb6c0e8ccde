"""Safe YAML loading that remembers where every mapping came from.

Rule packs are data written by people; an error must name the file and the
line.  PyYAML's ``SafeLoader`` constructs no objects from tags; on top of it
this loader refuses aliases (no "billion laughs") and records the line of every
mapping and of every key.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node

MAX_PACK_BYTES = 1_000_000
"""Packs larger than this are refused: a rule pack is a page of rules, not a corpus."""


class LineDict(dict[str, Any]):
    """A mapping that knows the line it started on and the line of each key."""

    line: int
    key_lines: dict[str, int]


class PackYAMLError(ValueError):
    """A YAML document could not be read; the message names file and line.

    Attributes:
        line: The line of the problem (1 when it has no position).
    """

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


class _LineLoader(yaml.SafeLoader):
    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            mark = event.start_mark
            raise yaml.MarkedYAMLError(
                problem="aliases are not allowed in rule packs", problem_mark=mark
            )
        return super().compose_node(parent, index)

    def construct_mapping(  # type: ignore[override]
        self, node: MappingNode, deep: bool = False
    ) -> LineDict:
        mapping = LineDict()
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise yaml.MarkedYAMLError(
                    problem=f"keys must be strings, not {type(key).__name__}",
                    problem_mark=key_node.start_mark,
                )
            if key in mapping:
                raise yaml.MarkedYAMLError(
                    problem=f"duplicate key {key!r}", problem_mark=key_node.start_mark
                )
            mapping[key] = self.construct_object(value_node, deep=True)
            mapping.key_lines[key] = key_node.start_mark.line + 1
        return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _LineLoader.construct_mapping,
)


def load_yaml(data: bytes | str, filename: str) -> Any:
    """Parse one YAML document safely, with line numbers on every mapping.

    Args:
        data: The file's content.
        filename: Used in error messages.

    Raises:
        PackYAMLError: Oversized input, invalid YAML, aliases or duplicate keys.
    """
    if len(data) > MAX_PACK_BYTES:
        raise PackYAMLError(f"{filename}: {len(data)} bytes, over the {MAX_PACK_BYTES} limit")
    try:
        return yaml.load(data, Loader=_LineLoader)  # _LineLoader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{filename}:{mark.line + 1}" if mark else filename
        line = mark.line + 1 if mark else 1
        raise PackYAMLError(f"{where}: {exc.problem or exc.context}", line) from None
    except yaml.YAMLError as exc:
        raise PackYAMLError(f"{filename}: {exc}") from None
