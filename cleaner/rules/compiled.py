"""Per-pack dispatch of rules: most paragraphs cost one scan, not a test per rule.

A pack's rules are tried in order on every paragraph and every rule that
matches is reported (the engine then applies the first, in pack order, which
keeps the first-match semantics and tells exactly which rule fired for
provenance).  Almost no paragraph matches any rule, so before searching, the
engine rules most of them out from the text alone:

* **prefixes**: a rule whose every match starts with one of a few literal
  strings (:func:`cleaner.rules.literals.prefixes`, compared case-folded)
  cannot match a paragraph that starts with none of them;
* **necessary literals**: a rule that cannot match without one of some
  literals (:func:`cleaner.rules.literals.any_of`) is not searched in a
  paragraph that holds none of them;
* ``max_chars``: a rule is not searched in a longer paragraph.

The first two are answered for all rules at once by one Aho-Corasick scan of
the case-folded paragraph (pyahocorasick, in C) over every literal and prefix
of the pack: each literal found sets the bits of the rules it lets through,
each prefix found at position 0 those of the rules it starts.  The rules left
are the set bits of ``length & literals & prefixes``, in pack order; the few
distinct sets that occur are turned into rule lists once and kept.  Only
rules that cannot match are passed over, which ``tests/test_fast_paths.py``
checks against searching every rule.  A single alternation of the pack's
patterns was measured slower than these tests: an alternation of
case-insensitive patterns loses each pattern's own literal-prefix
optimisation.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import ahocorasick

from cleaner.rules.literals import any_of, branches, folded_head, prefixes
from cleaner.rules.model import Pack, Rule

Candidates = tuple[tuple[int, Rule], ...]
"""Rules (with their index in the pack) that a line may match, in pack order."""

_MAX_ORDERS = 4096
"""Rule sets kept as lists per pack; beyond it (not seen in practice) they are rebuilt."""


@dataclass(frozen=True, slots=True)
class Screen:
    """What rules out a pack's rules for a paragraph, built once per pack.

    A set of rules is an ``int`` whose bit ``i`` stands for the pack's rule ``i``.
    Each rule is screened branch by branch (:func:`cleaner.rules.literals.branches`):
    it may match a line if one of its branches may, that is, if the line starts
    with one of the branch's prefixes, or else holds one of its necessary
    literals, or if the branch has neither.

    Attributes:
        rules: The pack's rules, in order.
        starts: Aho-Corasick automaton over the case-folded prefixes of the
            branches, each mapped to ``(length, rules it starts a branch of)``;
            ``None`` if there are none.
        anchored: Rules with a branch that has prefixes.
        head_size: Length of the longest prefix.
        limits: The distinct ``max_chars`` of the rules, ascending.
        fits: ``fits[bisect_left(limits, n)]`` is the rules whose ``max_chars``
            allows a paragraph of ``n`` characters.
        needs: For each entry of ``fits``, an automaton over the case-folded
            necessary literals of the branches (with no prefix) of those
            rules, each mapped to ``(length, rules it lets through)``; ``None`` if none.
        free: Rules with a branch that has neither prefix nor literal.
        orders: Rule sets already seen, as lists in pack order.
    """

    rules: tuple[Rule, ...] = ()
    starts: Any = None
    anchored: int = 0
    head_size: int = 0
    limits: tuple[int, ...] = ()
    fits: tuple[int, ...] = (0,)
    needs: tuple[Any, ...] = (None,)
    free: int = 0
    orders: dict[int, Candidates] = field(default_factory=dict)

    def candidates(self, line: str, fold: Callable[[str], str] = str.casefold) -> Candidates:
        """Return the rules that may match ``line``, in pack order (:meth:`screen_lines`)."""
        return self.screen_lines([line], fold)[0]

    def screen_lines(
        self, lines: Sequence[str], fold: Callable[[str], str] = str.casefold
    ) -> list[Candidates]:
        """Return, for each of ``lines``, the rules that may match it, in pack order.

        A rule left out cannot match: its ``max_chars`` is exceeded, or no
        branch of it may match (a branch with prefixes is passed over when the
        head of the line folds safely, :func:`folded_head`, and starts with
        none of them; one with literals, when the case-folded line holds none).
        ``fold`` case-folds a line (a memo shared with the text detectors).
        The lines are screened together: one scan of their heads for the
        prefixes and one of the lines of each length bucket for the literals
        (:func:`_found`), instead of two scans a line.
        """
        buckets = [bisect_left(self.limits, len(line)) for line in lines]
        fits = [self.fits[bucket] for bucket in buckets]
        rules = [fit & self.free for fit in fits]
        anchored = self.anchored
        heads: list[str] = []
        headed: list[int] = []
        for k, line in enumerate(lines):
            if fits[k] & ~rules[k] & anchored:
                head = folded_head(line, self.head_size)
                if head is None:
                    rules[k] |= anchored
                elif head:
                    heads.append(head)
                    headed.append(k)
        if heads and self.starts is not None:
            for k, bits in _found(self.starts, heads, at_start=True):
                rules[headed[k]] |= bits
        by_bucket: dict[int, list[int]] = {}
        for k, bucket in enumerate(buckets):
            if self.needs[bucket] is not None:
                by_bucket.setdefault(bucket, []).append(k)
        for bucket, ks in by_bucket.items():
            for k, bits in _found(self.needs[bucket], [fold(lines[j]) for j in ks]):
                rules[ks[k]] |= bits
        return [self._order(bits & fit) for bits, fit in zip(rules, fits, strict=True)]

    def _order(self, rules: int) -> Candidates:
        """The rules of the set ``rules``, with their index, in pack order."""
        found = self.orders.get(rules)
        if found is None:
            found = tuple((n, r) for n, r in enumerate(self.rules) if rules >> n & 1)
            if len(self.orders) < _MAX_ORDERS:
                self.orders[rules] = found
        return found


def _found(machine: Any, texts: list[str], *, at_start: bool = False) -> list[tuple[int, int]]:
    """``(index of a text, rule bits)`` for each key of ``machine`` found inside one of ``texts``.

    ``machine`` maps each key to ``(its length, bits)``.  The texts are joined
    and scanned once; a match that is not wholly inside one text (across a
    joint) is dropped, and with ``at_start`` so is one that does not start its
    text, so the result is what scanning each text alone finds.
    """
    if len(texts) == 1:
        text = texts[0]
        return [(0, bits) for end, (size, bits) in machine.iter(text) if not at_start or end < size]
    starts = []
    at = 0
    for text in texts:
        starts.append(at)
        at += len(text) + 1
    found = []
    for end, (size, bits) in machine.iter("\x00".join(texts)):
        begin = end - size + 1
        k = bisect_right(starts, begin) - 1
        if end < starts[k] + len(texts[k]) and not (at_start and begin != starts[k]):
            found.append((k, bits))
    return found


def automaton(keys: dict[str, Any]) -> Any:
    """An Aho-Corasick automaton mapping each key to its value; ``None`` if no keys."""
    if not keys:
        return None
    machine = ahocorasick.Automaton()
    for key, value in keys.items():
        machine.add_word(key, value)
    machine.make_automaton()
    return machine


def build_screen(rules: tuple[Rule, ...]) -> Screen:
    """Work out a screen for ``rules`` (see :class:`Screen`)."""
    literals: dict[str, int] = {}
    starts: dict[str, int] = {}
    anchored = free = 0
    for number, rule in enumerate(rules):
        bit = 1 << number
        for branch in branches(rule.pattern.pattern):
            heads = prefixes(branch)
            needs = any_of(branch) if heads is None else None
            if heads is not None:
                anchored |= bit
                for head in heads:
                    starts[head] = starts.get(head, 0) | bit
            elif needs is not None:
                for literal in needs:
                    literals[literal] = literals.get(literal, 0) | bit
            else:
                free |= bit
    limits = tuple(sorted({r.max_chars for r in rules if r.max_chars is not None}))
    fits = tuple(
        sum(1 << n for n, r in enumerate(rules) if r.max_chars is None or r.max_chars >= limit)
        for limit in limits
    )
    fits = (*fits, sum(1 << n for n, r in enumerate(rules) if r.max_chars is None))
    needs_by_fit = tuple(
        automaton(
            {lit: (len(lit), bits & fit) for lit, bits in literals.items() if bits & fit & ~free}
        )
        for fit in fits
    )
    return Screen(
        rules=rules,
        starts=automaton({key: (len(key), bits) for key, bits in starts.items()}),
        anchored=anchored,
        head_size=max(map(len, starts), default=0),
        limits=limits,
        fits=fits,
        needs=needs_by_fit,
        free=free,
    )


_SCREENS: dict[tuple[str, str], Screen] = {}


def pack_screen(pack: Pack) -> Screen:
    """Return the pack's screen (built once per pack file)."""
    key = (pack.name, pack.sha256)
    if key not in _SCREENS:
        _SCREENS[key] = build_screen(pack.rules)
    return _SCREENS[key]
