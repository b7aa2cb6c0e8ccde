"""Compiled rule packs: what the loader produces and the engine consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import regex
from lxml import etree

from cleaner.document import Kind

Where = Literal["any", "head", "tail"]


@dataclass(frozen=True, slots=True)
class Rule:
    """One compiled rule of a pack.

    Attributes:
        id: Permanent id inside the pack.
        qualified_id: ``<pack>/<id>``, the name used in provenance.
        action: What the rule does when its pattern matches.
        pattern: The compiled pattern, searched in each paragraph.
        why: One line explaining the noise.
        where: Where in the document the rule may fire.
        max_chars: Only paragraphs at most this long are considered.
        lines: ``drop-block``: paragraphs removed after the marker.
        block_max_chars: ``drop-block``: a longer following paragraph ends the block.
        aliases: Former ids of the rule.
        examples_remove: Paragraphs the rule must remove.
        examples_keep: Paragraphs the rule must keep.
        line: Line of the rule in its pack file.
    """

    id: str
    qualified_id: str
    action: Kind
    pattern: regex.Pattern[str]
    why: str
    where: Where = "any"
    max_chars: int | None = None
    lines: int = 1
    block_max_chars: int = 200
    aliases: tuple[str, ...] = ()
    examples_remove: tuple[str, ...] = ()
    examples_keep: tuple[str, ...] = ()
    line: int = 0


@dataclass(frozen=True, slots=True)
class HtmlXPath:
    """One compiled XPath of a pack's ``html:`` section.

    Attributes:
        source: The expression as written in the pack.
        xpath: The compiled expression.
        line: Line of the expression in its pack file.
    """

    source: str
    xpath: etree.XPath
    line: int = 0


@dataclass(frozen=True, slots=True)
class HtmlRules:
    """A pack's HTML-level rules, applied to the parsed page before extraction.

    Modelled on the ftr-site-config directives of Full-Text RSS and wallabag.

    Attributes:
        strip: Elements matching any of these XPaths are removed (``strip:``).
        strip_id_or_class: Elements whose ``id`` or ``class`` attribute contains
            one of these strings are removed (``strip_id_or_class:``).
        body: XPaths of the article body, tried in order; the first that
            matches limits extraction to the matched elements (``body:``).
    """

    strip: tuple[HtmlXPath, ...] = ()
    strip_id_or_class: tuple[str, ...] = ()
    body: tuple[HtmlXPath, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.strip or self.strip_id_or_class or self.body)


@dataclass(frozen=True, slots=True)
class Pack:
    """A loaded, validated rule pack.

    Attributes:
        name: The pack's name (a site's domain, or ``generic``).
        version: Declared version.
        description: What the site's noise looks like.
        path: The file it was loaded from.
        sha256: SHA-256 of the file's bytes.
        domains: URL hosts the pack is chosen for.
        fingerprints: Patterns that identify the site's text without a URL.
        min_fingerprints: How many fingerprints must match.
        always: Applied to every document (generic packs).
        rules: The rules, in the order they are tried.
        html: HTML-level rules applied before extraction (HTML input only).
    """

    name: str
    version: str
    description: str
    path: Path
    sha256: str
    domains: tuple[str, ...] = ()
    fingerprints: tuple[regex.Pattern[str], ...] = ()
    min_fingerprints: int = 1
    always: bool = False
    rules: tuple[Rule, ...] = field(default_factory=tuple)
    html: HtmlRules = field(default_factory=HtmlRules)
