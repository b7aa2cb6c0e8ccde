"""Apply one compiled pack to a document's paragraphs and propose cuts.

The engine only reads: it returns :class:`~cleaner.document.Cut` proposals and
the rules it had to skip, and :mod:`cleaner.pipeline` applies them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import regex

from cleaner.config import CleanerConfig
from cleaner.document import Cut
from cleaner.rules.compiled import Candidates, pack_screen
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


@dataclass(slots=True)
class SearchBudget:
    """The pattern-search time of one document, shared by every pack and pass.

    Attributes:
        seconds: What all searches of the document may take together
            (``CleanerConfig.regex_document_budget``), in seconds of the wall
            clock spent searching (a cheap clock: a CPU clock costs a system
            call per search).
        spent: Seconds spent so far.
        disabled: Rules switched off for the rest of the document (a search
            timed out, or the budget ran out), so no later pass tries them again.
    """

    seconds: float
    spent: float = 0.0
    disabled: set[str] = field(default_factory=set)

    def left(self) -> float:
        """Seconds left (never below zero)."""
        return max(self.seconds - self.spent, 0.0)


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


_TIMED_OUT = None
"""Marks, in a line's matches, a rule whose search timed out."""

LineMatches = tuple[tuple[int, "regex.Match[str] | None"], ...]
"""The rules (by index in the pack) that match a line, in pack order, with their match."""


def line_matches(
    pack: Pack,
    line: str,
    config: CleanerConfig,
    disabled: Collection[str] = (),
    budget: SearchBudget | None = None,
    *,
    fold: Callable[[str], str] = str.casefold,
    candidates: Candidates | None = None,
) -> LineMatches:
    """Return every rule of ``pack`` that matches ``line``, wherever the line stands.

    Only the text decides: the prefixes, ``max_chars`` and literal
    prefilters rule most rules out (:meth:`~cleaner.rules.compiled.Screen.candidates`); regions are
    left to the caller.  A search that times out is listed with ``None`` for its
    match; rules in ``disabled`` are not tried.  With a ``budget``, each search
    is given at most the time left in it (and a rule met once the budget is
    spent is listed as timed out without a search).  ``fold`` case-folds the
    line for the screen (a memo of the document's folded lines, shared with the
    text detectors).  ``candidates`` are the line's rules if already screened
    (:meth:`~cleaner.rules.compiled.Screen.screen_lines`).
    """
    found: list[tuple[int, regex.Match[str] | None]] = []
    if candidates is None:
        candidates = pack_screen(pack).candidates(line, fold)
    for number, rule in candidates:
        if disabled and rule.qualified_id in disabled:
            continue
        timeout = config.regex_timeout
        started = 0.0
        if budget is not None:
            timeout = min(timeout, budget.left())
            if timeout <= 0:
                found.append((number, _TIMED_OUT))
                continue
            started = time.perf_counter()
        try:
            match = rule.pattern.search(line, timeout=timeout)
        except TimeoutError:
            match = _TIMED_OUT
            found.append((number, _TIMED_OUT))
        if budget is not None:
            budget.spent += time.perf_counter() - started
        if match is not None:
            found.append((number, match))
    return tuple(found)


def apply_pack(
    pack: Pack,
    paragraphs: Sequence[str],
    config: CleanerConfig,
    memo: dict[str, LineMatches] | None = None,
    budget: SearchBudget | None = None,
    *,
    fold: Callable[[str], str] = str.casefold,
) -> PackOutcome:
    """Try the pack's rules on each paragraph; the first rule that matches decides.

    Each paragraph is tried only with the rules that may match it: a rule
    whose literal prefixes (:func:`cleaner.rules.literals.prefixes`) the
    paragraph does not start with, or whose necessary literals
    (:mod:`cleaner.rules.literals`) it does not hold, is passed over without
    a search; one scan of the paragraph tells which
    (:func:`cleaner.rules.compiled.pack_screen`).

    Args:
        pack: The compiled pack.
        paragraphs: The document's current paragraphs.
        config: Thresholds (regions, pattern timeout).
        memo: :func:`line_matches` by line, kept between calls on the same
            document (later passes see mostly the same lines); only complete
            results (no timeout, no rule disabled) are kept.
        budget: The document's search time, shared by its packs and passes;
            a rule whose search times out or meets the budget spent is
            switched off for the rest of the document.
        fold: Case-folds a line (see :func:`line_matches`).

    Returns:
        The proposed cuts and the rules skipped because a match timed out
        (reason ``timeout``) or the document's budget ran out (``document budget``).
    """
    outcome = PackOutcome()
    disabled: set[str] = budget.disabled if budget is not None else set()
    count = len(paragraphs)
    # The lines not met before are screened together (a scan for all, not two a line).
    fresh = list(dict.fromkeys(p for p in paragraphs if memo is None or p not in memo))
    screened = dict(zip(fresh, pack_screen(pack).screen_lines(fresh, fold), strict=True))
    index = 0
    while index < count:
        line = paragraphs[index]
        advance = 1
        matches = memo.get(line) if memo is not None else None
        if matches is None:
            matches = line_matches(
                pack, line, config, disabled, budget, fold=fold, candidates=screened[line]
            )
            if memo is not None and not disabled and all(m is not None for _, m in matches):
                memo[line] = matches
        if matches:
            advance = _first_rule(
                pack,
                matches,
                index,
                paragraphs,
                config=config,
                disabled=disabled,
                budget=budget,
                outcome=outcome,
            )
            if not advance:
                return outcome
        index += advance
    return outcome


def _first_rule(
    pack: Pack,
    matches: LineMatches,
    index: int,
    paragraphs: Sequence[str],
    *,
    config: CleanerConfig,
    disabled: set[str],
    budget: SearchBudget | None,
    outcome: PackOutcome,
) -> int:
    """Add to ``outcome`` the cuts of the first rule of ``matches`` that applies to line ``index``.

    A rule switched off for the document, or whose region the paragraph is
    not in, does not apply; a rule whose search timed out is switched off and
    its skip recorded.  Returns how many paragraphs the cuts take from
    ``index`` on (1 when no rule applies), 0 when the rule truncates the
    document.
    """
    count = len(paragraphs)
    for number, match in matches:
        rule = pack.rules[number]
        if disabled and rule.qualified_id in disabled:
            continue
        if rule.where != "any" and not in_region(rule, index, count, config):
            continue
        if match is None:
            # A pattern that backtracks catastrophically on this document is
            # switched off for the rest of it, and the skip is recorded.
            disabled.add(rule.qualified_id)
            spent = budget is not None and budget.left() <= 0
            reason = "document budget" if spent else "timeout"
            outcome.skipped.append(
                {"rule": rule.qualified_id, "reason": reason, "paragraph": str(index)}
            )
            continue
        cuts = _rule_cuts(rule, match, index, paragraphs)
        outcome.cuts += cuts
        if rule.action == "truncate":
            return 0
        if rule.action == "drop-block":
            return len(cuts)
        return 1
    return 1


def _rule_cuts(
    rule: Rule, match: regex.Match[str], index: int, paragraphs: Sequence[str]
) -> list[Cut]:
    """Return the cuts of ``rule``, whose pattern found ``match`` in paragraph ``index``.

    A drop-block takes the paragraph and up to ``rule.lines`` short ones after
    it; a truncation takes every paragraph from ``index`` to the end; a trim
    that would remove nothing proposes nothing.
    """
    rid = rule.qualified_id
    if rule.action == "trim":
        span = match.span("cut") if "cut" in rule.pattern.groupindex else match.span()
        return [Cut(rid, "trim", index, span)] if span[1] > span[0] else []
    if rule.action == "extract":
        return [Cut(rid, "extract", index, fields=extracted_fields(match.groupdict()))]
    if rule.action == "drop-block":
        following = index + 1
        while (
            following < len(paragraphs)
            and following <= index + rule.lines
            and len(paragraphs[following]) <= rule.block_max_chars
        ):
            following += 1
        return [Cut(rid, "drop-block", i) for i in range(index, following)]
    if rule.action == "truncate":
        return [Cut(rid, "truncate", i) for i in range(index, len(paragraphs))]
    return [Cut(rid, "drop-line", index)]
