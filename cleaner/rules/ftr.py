"""Convert ftr-site-config files (Full-Text RSS, wallabag) into rule packs.

An ftr-site-config file, ``<host>.txt``, is a list of ``directive: value``
lines with ``#`` comments.  The directives that describe the page's markup map
onto a pack's ``html:`` section:

========================  ===============================
ftr-site-config           rule pack
========================  ===============================
``body: XPATH``           ``html.body`` (tried in order)
``strip: XPATH``          ``html.strip``
``strip_id_or_class: S``  ``html.strip_id_or_class``
``test_url: URL``         kept in the description
========================  ===============================

The others (``title``, ``date``, ``author``, ``replace_string``,
``next_page_link``, ``tidy``, ``prune``...) have no counterpart; they are
listed in the pack's description as not converted, so nothing is dropped
silently.  Each pack is validated by the normal loader before it is written.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex
import yaml

from cleaner.filemode import plain_mode
from cleaner.rules.loader import RulePackError, parse_pack

_DIRECTIVE = regex.compile(r"^(?P<key>[a-z_]+)(?:\((?P<arg>[^)]*)\))?\s*:\s*(?P<value>.*)$")
_MAPPED = {"body": "body", "strip": "strip", "strip_id_or_class": "strip_id_or_class"}


class FtrError(ValueError):
    """An ftr-site-config file that cannot be converted; the message says why."""


@dataclass(slots=True)
class FtrConfig:
    """The directives of one ftr-site-config file that a pack can carry.

    Attributes:
        host: The host the file is for (its name without ``.txt`` and a leading dot).
        body: ``body`` XPaths, in file order.
        strip: ``strip`` XPaths.
        strip_id_or_class: ``strip_id_or_class`` strings.
        test_urls: ``test_url`` values.
        unsupported: Directive names found but not converted, in first-seen order.
    """

    host: str
    body: list[str] = field(default_factory=list)
    strip: list[str] = field(default_factory=list)
    strip_id_or_class: list[str] = field(default_factory=list)
    test_urls: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)


def host_of_file(path: Path) -> str:
    """Return the host an ftr-site-config file is named after.

    >>> host_of_file(Path("site_config/.example.com.txt")), host_of_file(Path("WWW.X.org.txt"))
    ('example.com', 'x.org')
    """
    return path.name.removesuffix(".txt").lstrip(".").lower().removeprefix("www.")


def parse_ftr(text: str, host: str) -> FtrConfig:
    """Parse the text of one ftr-site-config file.

    Raises:
        FtrError: A line is neither a comment nor a ``directive: value`` line.

    >>> cfg = parse_ftr("# c\\nbody: //article\\nstrip_id_or_class: share\\ntidy: no\\n", "x.org")
    >>> cfg.body, cfg.strip_id_or_class, cfg.unsupported
    (['//article'], ['share'], ['tidy'])
    """
    config = FtrConfig(host=host)
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        m = _DIRECTIVE.match(stripped)
        if m is None:
            raise FtrError(f"line {number}: not a 'directive: value' line: {stripped[:80]!r}")
        key, value = m["key"], m["value"].strip()
        if key in _MAPPED:
            if value:
                getattr(config, _MAPPED[key]).append(value)
        elif key == "test_url":
            config.test_urls.append(value)
        elif key not in config.unsupported:
            config.unsupported.append(key)
    return config


def to_pack(config: FtrConfig, source_name: str) -> dict[str, Any]:
    """Return the rule pack (as YAML-ready data) for one parsed config.

    Raises:
        FtrError: The file has no directive a pack can carry.
    """
    html: dict[str, list[str]] = {}
    for key in ("body", "strip", "strip_id_or_class"):
        values = list(dict.fromkeys(getattr(config, key)))
        if values:
            html[key] = values
    if not html:
        raise FtrError("no body, strip or strip_id_or_class directive to convert")
    description = f"Imported from ftr-site-config {source_name}."
    if config.test_urls:
        description += f" Sample page: {config.test_urls[0]}."
    if config.unsupported:
        description += f" Not converted: {', '.join(config.unsupported)}."
    return {
        "name": config.host,
        "version": "1",
        "description": description,
        "match": {"domains": [config.host]},
        "html": html,
        "rules": [],
    }


def dump_pack(pack: dict[str, Any]) -> str:
    """Serialise a pack as YAML, keys in pack order, long XPaths on one line."""
    return yaml.safe_dump(pack, sort_keys=False, allow_unicode=True, width=10_000, indent=2)


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What happened to one input file: the pack written, or the error."""

    source: Path
    target: Path | None
    error: str | None = None


def convert_file(path: Path, out_dir: Path) -> Path:
    """Convert one ftr-site-config file into ``out_dir/<host>.yaml``; return that path.

    Raises:
        FtrError: The file cannot be read, parsed or converted into a valid pack.
    """
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FtrError(f"cannot read: {exc}") from None
    host = host_of_file(path)
    config = parse_ftr(text, host)
    data = dump_pack(to_pack(config, path.name)).encode("utf-8")
    target = out_dir / f"{host}.yaml"
    try:
        parse_pack(data, str(target))
    except RulePackError as exc:
        raise FtrError(f"converted pack is invalid: {exc}") from None
    _write_atomic(target, data)
    return target


def import_ftr(source: Path, out_dir: Path) -> Iterator[ImportOutcome]:
    """Convert a file, or every ``*.txt`` file of a folder, into packs in ``out_dir``.

    A file that cannot be converted yields an outcome with its error; the
    others are still converted.  Inputs are never modified.
    """
    files = sorted(p for p in source.glob("*.txt") if p.is_file()) if source.is_dir() else [source]
    for path in files:
        try:
            yield ImportOutcome(path, convert_file(path, out_dir))
        except FtrError as exc:
            yield ImportOutcome(path, None, str(exc))


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        plain_mode(fd)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
