"""One combined pattern per pack, so that most paragraphs cost one match, not one per rule.

A pack's rules are tried in order on every paragraph and the first that matches
decides.  Almost no paragraph matches any rule, so the engine first asks one
alternation of the pack's start-anchored patterns whether any of them matches;
only when it does are those rules tried one by one, in pack order, which keeps
the first-match semantics and tells exactly which rule fired for provenance.

Only patterns anchored at the start (every top-level branch begins with ``^``)
are combined, and the screen is tried at position 0 alone: an alternation of
unanchored, case-insensitive patterns would be tried at every position and
lose each pattern's own literal-prefix optimisation, which makes it slower than
the rules it screens.  Unanchored rules are searched on their own.

Of the anchored patterns, only those whose every branch starts with a literal
character join the screen (:func:`starts_literal`).  A branch that starts with
a class or a wildcard (``^.{0,200}?\bnewsletter``) fails late, after a scan
along the line; inside the alternation such a scan is paid for every paragraph,
whatever its length, whereas the rule searched on its own is skipped for lines
longer than its ``max_chars`` and outside its region.

The engine now goes one step further per paragraph: each rule's literal
prefixes (:func:`cleaner.rules.literals.prefixes`), grouped by first
character in :attr:`Screen.by_first`, pass over most rules with one
``str.startswith`` and no search at all.

A pattern is combined as a non-capturing group: its leading inline flags become
scoped flags and its named groups become plain groups (the combined pattern is
only a yes/no screen; the rule's own pattern extracts the fields).  A pattern
that cannot be combined safely (back-references, flags that cannot be scoped)
leaves the pack without a screen, and every paragraph goes through the rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import regex

from cleaner.rules.literals import (
    Clause,
    UnreadablePattern,
    any_of,
    closing_paren,
    prefixes,
    split_branches,
)
from cleaner.rules.loader import compile_pattern
from cleaner.rules.model import Pack, Rule

_LEADING_FLAGS = regex.compile(r"^\(\?([imsx]+)\)")
_NAMED_GROUP = regex.compile(r"(?<!\\)\(\?P?<(?![=!])\w+>")
_UNCOMBINABLE = regex.compile(r"\\[1-9]|\\g<|\(\?P=|\(\?&|\(\?R|\(\?[0-9]|\(\?[-aimsuxLV01]*\)")


@dataclass(frozen=True, slots=True)
class Screen:
    """A combined match for a pack's start-anchored rules.

    Attributes:
        pattern: Matches at position 0 exactly when one of ``rules`` matches.
        rules: Qualified ids of the rules the screen stands for.
        needs: For each rule of the pack, in order, literals of which it
            cannot match without one (:func:`cleaner.rules.literals.any_of`), or
            ``None``; given only for rules the screen does not stand for.
        entries: Each rule of the pack with its index and ``needs``, in order.
        unscreened: The entries of the rules the screen does not stand for:
            all that may match a line the screen rules out.
        by_first: For each folded first character that some rule's
            :func:`~cleaner.rules.literals.prefixes` start with, the entries
            that may match a line starting with it: those rules and the
            ``anywhere`` ones, in pack order.
        anywhere: The entries of the rules with no known prefix: all that may
            match a line whose first character no prefix starts with.
        prefixes: For each rule of the pack, in order, its prefixes or ``None``.
        head_size: Length of the longest prefix.
    """

    pattern: regex.Pattern[str] | None
    rules: frozenset[str]
    needs: tuple[Clause | None, ...] = ()
    entries: tuple[tuple[int, Rule, Clause | None], ...] = ()
    unscreened: tuple[tuple[int, Rule, Clause | None], ...] = ()
    by_first: dict[str, tuple[tuple[int, Rule, Clause | None], ...]] = field(default_factory=dict)
    anywhere: tuple[tuple[int, Rule, Clause | None], ...] = ()
    prefixes: tuple[tuple[str, ...] | None, ...] = ()
    head_size: int = 0


_SCREENS: dict[tuple[str, str], Screen] = {}


def combinable(source: str) -> str | None:
    """Return ``source`` rewritten as one alternative of a combined pattern, or None.

    >>> combinable("(?i)^Read (?P<what>also|more):")
    '(?i:^Read (?:also|more):)'
    >>> combinable(r"^(\\w+) \\1$") is None
    True
    """
    flags = _LEADING_FLAGS.match(source)
    body = source[flags.end() :] if flags else source
    if _UNCOMBINABLE.search(body):
        return None
    body = _NAMED_GROUP.sub("(?:", body)
    return f"(?{flags.group(1)}:{body})" if flags else f"(?:{body})"


def anchored(source: str) -> str | None:
    """Return ``source`` as a screen alternative without its ``^``, or None if not anchored.

    >>> anchored("(?i)^share$|^tweet$")
    '(?i:(?:share$|tweet$))'
    >>> anchored("(?i)share$") is None
    True
    """
    flags = _LEADING_FLAGS.match(source)
    body = source[flags.end() :] if flags else source
    if _UNCOMBINABLE.search(body) or regex.search(r"\(\?[imsx]*-?[imsx]*\)", body):
        return None
    branches = top_level_branches(_NAMED_GROUP.sub("(?:", body))
    if branches is None or not all(b.startswith("^") for b in branches):
        return None
    inner = "(?:" + "|".join(b[1:] for b in branches) + ")"
    return f"(?{flags.group(1)}:{inner})" if flags else inner


def _closing(body: str, start: int) -> int:
    """Index of the ``)`` closing the group opened at ``body[start]``, or -1."""
    try:
        return closing_paren(body, start)
    except UnreadablePattern:
        return -1


def top_level_branches(body: str) -> list[str] | None:
    """Split at top-level ``|`` (see :func:`split_branches`), or None if unreadable."""
    try:
        return split_branches(body)
    except UnreadablePattern:
        return None


_GROUP_OPEN = regex.compile(r"\(\?(?:[:>]|[imsx]*-?[imsx]*:|P?<\w+>)|\((?!\?)")
_LOOKAROUND = regex.compile(r"\(\?<?[=!]")
_OPTIONAL = regex.compile(r"\?|\*|\{0?,")
_QUANTIFIER = regex.compile(r"(?:[?*+]|\{\d*,?\d*\})[?+]?")


def starts_literal(body: str) -> bool:
    r"""Tell whether every match of ``body`` starts with a literal character.

    Anchors, ``\b`` and lookarounds are passed over; a group counts when each
    of its branches starts with a literal; an optional atom counts when both it
    and what follows do.  Classes, wildcards and anything unrecognised do not.

    >>> starts_literal(r"^(?:read|see)\s+more"), starts_literal(r"^\(?(?:a|b)")
    (True, True)
    >>> starts_literal(r"^.{0,200}?newsletter"), starts_literal(r"^\d+ comments")
    (False, False)
    >>> starts_literal(r"^(?:x|)y"), starts_literal(r"^a|^[b]")
    (False, False)
    """
    branches = top_level_branches(body)
    return branches is not None and all(_branch_starts_literal(b) for b in branches)


def _branch_starts_literal(branch: str) -> bool:
    i = 0
    while i < len(branch):
        if branch[i] == "^" or branch.startswith("\\b", i):
            i += 1 if branch[i] == "^" else 2
            continue
        if _LOOKAROUND.match(branch, i):
            end = _closing(branch, i)
            if end < 0:
                return False
            i = end + 1
            continue
        if (group := _GROUP_OPEN.match(branch, i)) is not None:
            end = _closing(branch, i)
            if end < 0 or not starts_literal(branch[group.end() : end]):
                return False
            atom_end = end + 1
        elif branch[i] == "\\":
            if i + 1 >= len(branch) or branch[i + 1].isalnum():
                return False
            atom_end = i + 2
        elif branch[i] in ".[()|?*+{}$":
            return False
        else:
            atom_end = i + 1
        if _OPTIONAL.match(branch, atom_end):
            quantifier = _QUANTIFIER.match(branch, atom_end)
            return quantifier is not None and _branch_starts_literal(branch[quantifier.end() :])
        return True
    return False


def combine(sources: Iterable[str]) -> regex.Pattern[str] | None:
    """Compile the alternation of ``sources``, or None if one cannot be combined.

    >>> screen = combine(["(?i)^share$", "^READ ALSO: (?P<t>.+)"])
    >>> bool(screen.search("Share")), bool(screen.search("READ ALSO: x")), screen.search("x")
    (True, True, None)
    """
    parts = [combinable(source) for source in sources]
    if not parts or any(part is None for part in parts):
        return None
    try:
        return compile_pattern("|".join(part for part in parts if part is not None))
    except regex.error:
        return None


def pack_screen(pack: Pack) -> Screen:
    """Return the pack's screen (built once per pack file).

    ``screen.pattern.match(line)`` is None exactly when no rule of
    ``screen.rules`` matches ``line``.
    """
    key = (pack.name, pack.sha256)
    if key not in _SCREENS:
        parts = {
            rule.qualified_id: anchored(rule.pattern.pattern)
            for rule in pack.rules
            if starts_literal(_LEADING_FLAGS.sub("", rule.pattern.pattern, count=1))
        }
        usable = {rid: part for rid, part in parts.items() if part is not None}
        pattern = None
        if usable:
            try:
                pattern = compile_pattern("^(?:" + "|".join(usable.values()) + ")")
            except regex.error:
                usable = {}
        screened = frozenset(usable) if pattern is not None else frozenset()
        needs = tuple(
            None if rule.qualified_id in screened else any_of(rule.pattern.pattern)
            for rule in pack.rules
        )
        entries = tuple(
            (number, rule, need)
            for number, (rule, need) in enumerate(zip(pack.rules, needs, strict=True))
        )
        unscreened = tuple(e for e in entries if e[1].qualified_id not in screened)
        starts = tuple(prefixes(rule.pattern.pattern) for rule in pack.rules)
        firsts = [None if f is None else {p[0] for p in f} for f in starts]
        by_first = {
            char: tuple(e for e, f in zip(entries, firsts, strict=True) if f is None or char in f)
            for char in sorted(set().union(*(f for f in firsts if f is not None)))
        }
        anywhere = tuple(e for e, f in zip(entries, firsts, strict=True) if f is None)
        head_size = max((len(p) for f in starts if f is not None for p in f), default=0)
        _SCREENS[key] = Screen(
            pattern, screened, needs, entries, unscreened, by_first, anywhere, starts, head_size
        )
    return _SCREENS[key]
