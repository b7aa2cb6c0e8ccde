"""Per-pack dispatch of rules: most paragraphs cost a few string tests, not a search per rule.

A pack's rules are tried in order on every paragraph and every rule that
matches is reported (the engine then applies the first, in pack order, which
keeps the first-match semantics and tells exactly which rule fired for
provenance).  Almost no paragraph matches any rule, so before searching, the
engine rules most of them out from the text alone:

* **prefixes**: a rule whose every match starts with one of a few literal
  strings (:func:`cleaner.rules.literals.prefixes`, compared case-folded)
  cannot match a paragraph that starts with none of them.  Rules are grouped
  by the first character of their prefixes (:attr:`Screen.by_first`), so a
  paragraph is shown only the rules it could start a match for, plus the
  rules with no known prefix (:attr:`Screen.anywhere`);
* **necessary literals**: a rule that cannot match without one of some
  literals (:func:`cleaner.rules.literals.any_of`) is not searched in a
  paragraph that holds none of them;
* ``max_chars``, checked by the engine.

Each test is exact: it only passes over rules that cannot match, which
``tests/test_fast_paths.py`` checks against searching every rule.  A single
alternation of the pack's patterns was measured slower than these tests: an
alternation of case-insensitive patterns loses each pattern's own
literal-prefix optimisation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cleaner.rules.literals import Clause, any_of, prefixes
from cleaner.rules.model import Pack, Rule

#: A rule with its index in the pack and its necessary literals (None: none known).
Entry = tuple[int, Rule, Clause | None]


@dataclass(frozen=True, slots=True)
class Screen:
    """What rules out a pack's rules for a paragraph, built once per pack.

    Attributes:
        entries: Each rule of the pack with its index and the literals of which
            it cannot match without one (:func:`cleaner.rules.literals.any_of`)
            or ``None``, in pack order.
        by_first: For each folded first character that some rule's
            :func:`~cleaner.rules.literals.prefixes` start with, the entries
            that may match a line starting with it: those rules and the
            ``anywhere`` ones, in pack order.
        anywhere: The entries of the rules with no known prefix: all that may
            match a line whose first character no prefix starts with.
        prefixes: For each rule of the pack, in order, its prefixes or ``None``.
        head_size: Length of the longest prefix.
    """

    entries: tuple[Entry, ...] = ()
    by_first: dict[str, tuple[Entry, ...]] = field(default_factory=dict)
    anywhere: tuple[Entry, ...] = ()
    prefixes: tuple[tuple[str, ...] | None, ...] = ()
    head_size: int = 0


_SCREENS: dict[tuple[str, str], Screen] = {}


def pack_screen(pack: Pack) -> Screen:
    """Return the pack's screen (built once per pack file)."""
    key = (pack.name, pack.sha256)
    if key not in _SCREENS:
        entries = tuple(
            (number, rule, any_of(rule.pattern.pattern)) for number, rule in enumerate(pack.rules)
        )
        starts = tuple(prefixes(rule.pattern.pattern) for rule in pack.rules)
        firsts = [None if f is None else {p[0] for p in f} for f in starts]
        by_first = {
            char: tuple(e for e, f in zip(entries, firsts, strict=True) if f is None or char in f)
            for char in sorted(set().union(*(f for f in firsts if f is not None)))
        }
        anywhere = tuple(e for e, f in zip(entries, firsts, strict=True) if f is None)
        head_size = max((len(p) for f in starts if f is not None for p in f), default=0)
        _SCREENS[key] = Screen(entries, by_first, anywhere, starts, head_size)
    return _SCREENS[key]
