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

The first two are answered for all rules at once by a multi-literal scan
(:class:`~cleaner.rules.keyscan.KeyScan`: hyperscan, or pyahocorasick) of the
case-folded paragraphs over every literal and prefix of the pack: each literal
found sets the bits of the rules it lets through, each prefix found at the
start those of the rules it starts; a document's new paragraphs are scanned
together.  The rules left
are the set bits of ``length & literals & prefixes``, in pack order; the few
distinct sets that occur are turned into rule lists once and kept.  Only
rules that cannot match are passed over, which ``tests/test_fast_paths.py``
checks against searching every rule.  A single alternation of the pack's
patterns was measured slower than these tests: an alternation of
case-insensitive patterns loses each pattern's own literal-prefix
optimisation.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from cleaner.rules.keyscan import KeyScan
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
        starts: A scan of the case-folded prefixes of the branches, each
            with the rules it starts a branch of; ``None`` if there are none.
        anchored: Rules with a branch that has prefixes.
        head_size: Length of the longest prefix.
        limits: The distinct ``max_chars`` of the rules, ascending.
        fits: ``fits[bisect_left(limits, n)]`` is the rules whose ``max_chars``
            allows a paragraph of ``n`` characters.
        needs: A scan of the case-folded necessary literals of the branches
            (with no prefix), each with the rules it lets through; ``None``
            if none.
        screened: For each entry of ``fits``, whether a literal lets one of
            those rules through that was not through already: only the lines
            of those lengths are scanned for literals.
        free: Rules with a branch that has neither prefix nor literal.
        orders: Rule sets already seen, as lists in pack order.
    """

    rules: tuple[Rule, ...] = ()
    starts: KeyScan | None = None
    anchored: int = 0
    head_size: int = 0
    limits: tuple[int, ...] = ()
    fits: tuple[int, ...] = (0,)
    needs: KeyScan | None = None
    screened: tuple[bool, ...] = (False,)
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
        prefixes and one of the lines for the literals
        (:class:`~cleaner.rules.keyscan.KeyScan`), instead of two scans a line.
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
            for k, bits in self.starts.found(heads, at_start=True):
                rules[headed[k]] |= bits
        ks = [k for k, bucket in enumerate(buckets) if self.screened[bucket]]
        if ks and self.needs is not None:
            # One scan of every line of a length some literal matters for: a literal
            # found sets its rules, and those that do not fit the line are dropped below.
            for k, bits in self.needs.found([fold(lines[j]) for j in ks]):
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


def _keyscan(keys: dict[str, int], use_hyperscan: bool) -> KeyScan | None:
    """A :class:`KeyScan` of ``keys``; ``None`` if there are none."""
    return KeyScan(keys, use_hyperscan=use_hyperscan) if keys else None


def build_screen(rules: tuple[Rule, ...], *, use_hyperscan: bool = True) -> Screen:
    """Work out a screen for ``rules`` (see :class:`Screen`).

    ``use_hyperscan``: scan with hyperscan if installed (else Aho-Corasick).
    """
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
    useful = {lit: bits for lit, bits in literals.items() if bits & ~free}
    return Screen(
        rules=rules,
        starts=_keyscan(starts, use_hyperscan),
        anchored=anchored,
        head_size=max(map(len, starts), default=0),
        limits=limits,
        fits=fits,
        needs=_keyscan(useful, use_hyperscan),
        screened=tuple(any(bits & fit & ~free for bits in useful.values()) for fit in fits),
        free=free,
    )


_SCREENS: dict[tuple[str, str], Screen] = {}


def pack_screen(pack: Pack) -> Screen:
    """Return the pack's screen (built once per pack file)."""
    key = (pack.name, pack.sha256)
    if key not in _SCREENS:
        _SCREENS[key] = build_screen(pack.rules)
    return _SCREENS[key]
