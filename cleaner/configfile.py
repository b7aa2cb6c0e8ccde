"""Configuration files: ``cleaner.toml`` and ``[tool.cleaner]`` in ``pyproject.toml``.

Every :class:`~cleaner.config.CleanerConfig` option can be set in a TOML
file, plus ``favor`` (a preset of :data:`~cleaner.config.FAVOR_PRESETS`).
A ``cleaner.toml`` holds the options at its top level; a ``pyproject.toml``
holds them in its ``[tool.cleaner]`` table, and the nearest ``pyproject.toml``
from the working folder upward (the project's) is used when no file is
named.  Values are checked when read: an unknown key or a value of the
wrong type is an error naming the file and the line.

Each effective value keeps its origin (the default, a preset, a file and line,
a command-line option), which ``cleaner config show`` prints.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import sys
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleaner.config import FAVOR_PRESETS, CleanerConfig

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 reads TOML with the tomli backport
    import tomli as tomllib

PYPROJECT = "pyproject.toml"
FAVOR_KEY = "favor"


class ConfigError(ValueError):
    """A configuration file is unreadable or invalid; the message names file and line."""


@dataclass(frozen=True, slots=True)
class Setting:
    """A value read from a file.

    Attributes:
        value: The value, converted to the option's type.
        origin: Where it was set, ``FILE:LINE``.
    """

    value: Any
    origin: str


@dataclass(slots=True)
class Settings:
    """Options read from one file (none: an empty set).

    Attributes:
        path: The file read, if any.
        values: Option name to value and origin.
    """

    path: Path | None = None
    values: dict[str, Setting] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Effective:
    """The configuration in force and where each value came from.

    Attributes:
        config: The options.
        favor: The preset the thresholds start from.
        origins: Option name (and ``favor``) to its origin: ``default``,
            ``preset <name>``, ``FILE:LINE`` or a command-line option.
    """

    config: CleanerConfig
    favor: str
    origins: dict[str, str]


def _option_types() -> dict[str, Any]:
    return typing.get_type_hints(CleanerConfig)


def find_pyproject(start: Path) -> Path | None:
    """Return the nearest ``pyproject.toml`` from ``start`` up, if it has ``[tool.cleaner]``.

    The nearest ``pyproject.toml`` is the project's, as for other tools: one
    without a ``[tool.cleaner]`` table means defaults, not a parent project's
    options.  A file that cannot be parsed is passed over here (it may be
    another tool's concern); one named with ``--config`` is checked in full.
    """
    for folder in (start, *start.parents):
        candidate = folder / PYPROJECT
        if not candidate.is_file():
            continue
        try:
            data = tomllib.loads(candidate.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return None
        tool = data.get("tool")
        return candidate if isinstance(tool, dict) and "cleaner" in tool else None
    return None


def _key_line(text: str, table: tuple[str, ...], key: str) -> int:
    """Return the line where ``key`` is set in ``table`` (1 if it cannot be told).

    >>> _key_line('a = 1\\n[tool.cleaner]\\n# x\\n  keep_headline = true\\n', ("tool", "cleaner"),
    ...           "keep_headline")
    4
    """
    current: tuple[str, ...] = ()
    header = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
    assignment = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        found = header.match(line)
        if found:
            current = tuple(part.strip().strip("\"'") for part in found.group(1).split("."))
            continue
        if current == table and assignment.match(line):
            return number
    return 1


def _convert(name: str, value: Any, expected: Any, where: str) -> Any:
    """Return ``value`` as the option's type, or raise a ConfigError naming ``where``."""
    if expected is bool:
        ok = isinstance(value, bool)
    elif expected is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif expected is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif expected is str:
        ok = isinstance(value, str)
    else:  # tuple[str, ...]: a TOML array of strings
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        value = tuple(value) if ok else value
    if not ok:
        wanted = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}
        raise ConfigError(
            f"{where}: {name} must be {wanted.get(expected, 'an array of strings')}, not {value!r}"
        )
    return value


def parse_settings(text: str, path: Path, table: tuple[str, ...] = ()) -> Settings:
    """Check and convert the options in ``table`` of a TOML document.

    Args:
        text: The file's text.
        path: The file, as named in messages.
        table: Where the options are (``("tool", "cleaner")`` in a pyproject.toml).

    Raises:
        ConfigError: Invalid TOML, an unknown key, or a value of the wrong type.

    >>> parse_settings("keep_headline = true", Path("c.toml")).values["keep_headline"]
    Setting(value=True, origin='c.toml:1')
    """
    try:
        data: Any = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    for part in table:
        data = data.get(part, {}) if isinstance(data, dict) else {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: [{'.'.join(table)}] must be a table")
    types = _option_types()
    settings = Settings(path)
    for key, value in data.items():
        where = f"{path}:{_key_line(text, table, key)}"
        if key == FAVOR_KEY:
            if value not in FAVOR_PRESETS:
                raise ConfigError(
                    f"{where}: favor must be one of {', '.join(FAVOR_PRESETS)}, not {value!r}"
                )
            settings.values[key] = Setting(value, where)
            continue
        if key not in types:
            near = difflib.get_close_matches(key, [*types, FAVOR_KEY], n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise ConfigError(f"{where}: unknown option {key!r}{hint}")
        settings.values[key] = Setting(_convert(key, value, types[key], where), where)
    return settings


def read_settings(path: Path) -> Settings:
    """Read a ``cleaner.toml`` (options at the top) or a ``pyproject.toml`` (``[tool.cleaner]``).

    Raises:
        ConfigError: The file cannot be read or is invalid.
    """
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from None
    table = ("tool", "cleaner") if path.name == PYPROJECT else ()
    return parse_settings(text, path, table)


def discover_settings(explicit: Path | None, cwd: Path) -> Settings:
    """Return the settings of ``explicit``, else of the nearest pyproject.toml, else none.

    Raises:
        ConfigError: The file is invalid.
    """
    if explicit is not None:
        return read_settings(explicit)
    found = find_pyproject(cwd)
    return read_settings(found) if found is not None else Settings()


def effective(
    settings: Settings,
    overrides: Mapping[str, tuple[Any, str]] = {},
) -> Effective:
    """Combine defaults, the preset, the file and command-line values, in that order.

    Args:
        settings: Values from a file.
        overrides: Command-line values: option name (or ``favor``) to value
            and the option that set it.

    Raises:
        ConfigError: A combination the options reject.
    """
    favor, favor_origin = "balanced", "default"
    if FAVOR_KEY in settings.values:
        favor, favor_origin = settings.values[FAVOR_KEY].value, settings.values[FAVOR_KEY].origin
    if FAVOR_KEY in overrides:
        favor, favor_origin = overrides[FAVOR_KEY]
    origins = {name: "default" for name in _option_types()}
    values: dict[str, Any] = {}
    for name in FAVOR_PRESETS[favor]:
        origins[name] = f"preset {favor}"
    for name, setting in settings.values.items():
        if name != FAVOR_KEY:
            values[name], origins[name] = setting.value, setting.origin
    for name, (value, origin) in overrides.items():
        if name != FAVOR_KEY:
            values[name], origins[name] = value, origin
    origins[FAVOR_KEY] = favor_origin
    try:
        config = CleanerConfig.favoring(favor, **values)
    except (TypeError, ValueError) as exc:
        raise ConfigError(str(exc)) from None
    return Effective(config, favor, origins)


def describe(result: Effective) -> list[tuple[str, str, str]]:
    """Return ``(option, value as TOML, origin)`` rows, ``favor`` first.

    >>> describe(effective(Settings()))[0]
    ('favor', '"balanced"', 'default')
    """
    rows = [(FAVOR_KEY, _toml(result.favor), result.origins[FAVOR_KEY])]
    for option in dataclasses.fields(result.config):
        value = getattr(result.config, option.name)
        rows.append((option.name, _toml(value), result.origins[option.name]))
    return rows


def _toml(value: Any) -> str:
    """Spell a value as TOML.

    >>> _toml(True), _toml(0.5), _toml(("a", "b")), _toml("x")
    ('true', '0.5', '["a", "b"]', '"x"')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)
