"""Apply one compiled pack to a document's paragraphs and propose cuts.

The engine only reads: it returns :class:`~cleaner.document.Cut` proposals and
the rules it had to skip, and :mod:`cleaner.pipeline` applies them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import regex

from cleaner.config import CleanerConfig
from cleaner.document import Cut
from cleaner.rules.compiled import pack_screen
from cleaner.rules.literals import holds_any
from cleaner.rules.model import Pack, Rule


@dataclass(slots=True)
class PackOutcome:
    """What applying a pack proposed.

    Attributes:
        cuts: Proposed cuts, in paragraph order.
        skipped: Rules skipped for this document, with the reason.
    """

    cuts: list[Cut] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)


def in_region(rule: Rule, index: int, count: int, config: CleanerConfig) -> bool:
    """Tell whether paragraph ``index`` of ``count`` is where ``rule`` may fire."""
    if rule.where == "head":
        return index < config.head_lines
    if rule.where == "tail":
        return index >= count * config.tail_fraction
    return True


def extracted_fields(groups: dict[str, str | None]) -> dict[str, Any]:
    """Return the named groups that matched, stripped, as metadata fields.

    >>> extracted_fields({"date": " 28 June 2021 ", "author": None})
    {'date': '28 June 2021'}
    """
    return {k: v.strip() for k, v in groups.items() if v is not None and v.strip()}


def _screen_rules_out(screen: regex.Pattern[str], line: str, timeout: float) -> bool:
    """Tell whether the screen proves that none of its rules matches; a timeout proves nothing."""
    try:
        return screen.match(line, timeout=timeout) is None
    except TimeoutError:
        return False


def apply_pack(pack: Pack, paragraphs: Sequence[str], config: CleanerConfig) -> PackOutcome:
    """Try the pack's rules on each paragraph; the first rule that matches decides.

    The pack's start-anchored rules are screened together by one match at
    position 0 (:func:`cleaner.rules.compiled.pack_screen`): when it fails they
    are all skipped for the paragraph; the other rules are searched on their own,
    once the paragraph holds the literals they need
    (:mod:`cleaner.rules.literals`).

    Args:
        pack: The compiled pack.
        paragraphs: The document's current paragraphs.
        config: Thresholds (regions, pattern timeout).

    Returns:
        The proposed cuts and the rules skipped because a match timed out.
    """
    outcome = PackOutcome()
    screen = pack_screen(pack)
    disabled: set[str] = set()
    count = len(paragraphs)
    index = 0
    while index < count:
        line = paragraphs[index]
        folded: str | None = None
        advance = 1
        ruled_out = screen.pattern is not None and _screen_rules_out(
            screen.pattern, line, config.regex_timeout
        )
        for rule, needs in screen.unscreened if ruled_out else screen.entries:
            if disabled and rule.qualified_id in disabled:
                continue
            if rule.where != "any" and not in_region(rule, index, count, config):
                continue
            if rule.max_chars is not None and len(line) > rule.max_chars:
                continue
            if needs is not None:
                if folded is None:
                    folded = line.casefold()
                if not holds_any(needs, folded):
                    continue
            try:
                match = rule.pattern.search(line, timeout=config.regex_timeout)
            except TimeoutError:
                # A pattern that backtracks catastrophically on this document is
                # switched off for the rest of it, and the skip is recorded.
                disabled.add(rule.qualified_id)
                outcome.skipped.append(
                    {"rule": rule.qualified_id, "reason": "timeout", "paragraph": str(index)}
                )
                continue
            if match is None:
                continue
            rid = rule.qualified_id
            if rule.action == "trim":
                span = match.span("cut") if "cut" in rule.pattern.groupindex else match.span()
                if span[1] > span[0]:
                    outcome.cuts.append(Cut(rid, "trim", index, span))
            elif rule.action == "extract":
                fields = extracted_fields(match.groupdict())
                outcome.cuts.append(Cut(rid, "extract", index, fields=fields))
            elif rule.action == "drop-block":
                outcome.cuts.append(Cut(rid, "drop-block", index))
                following = index + 1
                while (
                    following < count
                    and following <= index + rule.lines
                    and len(paragraphs[following]) <= rule.block_max_chars
                ):
                    outcome.cuts.append(Cut(rid, "drop-block", following))
                    following += 1
                advance = following - index
            elif rule.action == "truncate":
                outcome.cuts.extend(Cut(rid, "truncate", i) for i in range(index, count))
                return outcome
            else:
                outcome.cuts.append(Cut(rid, "drop-line", index))
            break
        index += advance
    return outcome
