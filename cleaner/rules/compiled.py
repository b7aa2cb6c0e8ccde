"""One combined pattern per pack, so that most paragraphs cost one search, not one per rule.

A pack's rules are tried in order on every paragraph and the first that matches
decides.  Almost no paragraph matches any rule, so the engine first asks one
alternation of all the pack's patterns whether any of them matches; only when
it does are the rules tried one by one, in pack order, which keeps the
first-match semantics and tells exactly which rule fired for provenance.

A pattern is combined as a non-capturing group: its leading inline flags become
scoped flags and its named groups become plain groups (the combined pattern is
only a yes/no screen; the rule's own pattern extracts the fields).  A pattern
that cannot be combined safely (back-references, flags that cannot be scoped)
leaves the pack without a screen, and every paragraph goes through the rules.
"""

from __future__ import annotations

from collections.abc import Iterable

import regex

from cleaner.rules.loader import compile_pattern
from cleaner.rules.model import Pack

_LEADING_FLAGS = regex.compile(r"^\(\?([imsx]+)\)")
_NAMED_GROUP = regex.compile(r"(?<!\\)\(\?P?<(?![=!])\w+>")
_UNCOMBINABLE = regex.compile(r"\\[1-9]|\\g<|\(\?P=|\(\?&|\(\?R|\(\?[0-9]|\(\?[-aimsuxLV01]*\)")

_SCREENS: dict[tuple[str, str], regex.Pattern[str] | None] = {}


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


def pack_screen(pack: Pack) -> regex.Pattern[str] | None:
    """Return the pack's combined screen (built once per pack file), or None if it has none.

    The screen matches a paragraph exactly when some rule of the pack does.
    """
    key = (pack.name, pack.sha256)
    if key not in _SCREENS:
        _SCREENS[key] = combine(rule.pattern.pattern for rule in pack.rules)
    return _SCREENS[key]
