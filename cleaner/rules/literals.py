"""Literal prefilters: text a pattern cannot match without, tested with ``in``.

A pattern such as ``(?i)^.{0,200}?\\bnewsletters?\\b`` fails only after
scanning the line, yet it can only match a line that holds ``newsletter``.
:func:`requirement` reads the pattern source and returns such necessary
literals as a small and-or formula; :func:`satisfied` tests it on the
case-folded text with ``str.__contains__``, which is far cheaper than the
search it saves.  The test is necessary, never sufficient: when it passes the
pattern is still searched, so results are exactly those of the pattern alone.

The literals are compared case-folded, which holds for case-sensitive and
case-insensitive patterns alike: a literal that matches, exactly or up to
case, appears case-folded in the case-folded text.  Anything the reader does
not understand (verbose mode, nested sets, inline flags) yields no
requirement, and the pattern is simply always searched.
"""

from __future__ import annotations

import functools
from collections.abc import Container, Iterator

import regex

Clause = tuple[str, ...]
"""Literals of which at least one must occur."""
Branch = tuple[Clause, ...]
"""Clauses that must all hold."""
Requirement = tuple[Branch, ...]
"""Branches of which at least one must hold."""

_GROUP_OPEN = regex.compile(r"\((?:\?(?:[:>]|[imsx]*-[imsx]+:|[imsx]+:|P?<\w+>))?")
_LOOKAROUND = regex.compile(r"\(\?<?[=!]")
_QUANTIFIER = regex.compile(r"(?:[?*+]|\{\d*,?\d*\})[?+]?")
_OPTIONAL = regex.compile(r"[?*]|\{0*,|\{0+\}|\{,")
_LEADING_FLAGS = regex.compile(r"^\(\?[imsu]+\)")
_SPECIAL = ".^$|?*+{}[]()"


class UnreadablePattern(Exception):
    """The source uses syntax this reader does not follow (e.g. nested sets)."""


def skip_set(src: str, i: int) -> int:
    """Index just past the set opening at ``src[i]`` (no nested sets)."""
    j = i + 1
    if src[j : j + 1] == "^":
        j += 1
    if src[j : j + 1] == "]":
        j += 1
    while j < len(src):
        if src[j] == "\\":
            j += 2
            continue
        if src[j] == "[":
            raise UnreadablePattern  # a nested set (V1 set operations)
        if src[j] == "]":
            return j + 1
        j += 1
    raise UnreadablePattern


def _structure(src: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """Yield each ``(``, ``)`` and ``|`` outside escapes and sets from ``start``.

    Each comes with its index and the group depth after it, counted from 0 at
    ``start`` (an opening parenthesis is inside the group it opens).
    """
    depth = 0
    j = start
    while j < len(src):
        ch = src[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "[":
            j = skip_set(src, j)
            continue
        if ch in "()|":
            depth += {"(": 1, ")": -1, "|": 0}[ch]
            yield j, ch, depth
        j += 1


def closing_paren(src: str, i: int) -> int:
    """Index of the ``)`` closing the group opening at ``src[i]``."""
    for j, ch, depth in _structure(src, i):
        if ch == ")" and depth == 0:
            return j
    raise UnreadablePattern


def split_branches(src: str) -> list[str]:
    r"""Split a pattern at its top-level ``|`` (outside groups and sets).

    >>> split_branches(r"^a(?:b|c)|^[|]d|\|e")
    ['^a(?:b|c)', '^[|]d', '\\|e']

    Raises:
        UnreadablePattern: Nested sets or unbalanced brackets.
    """
    out: list[str] = []
    start = 0
    for j, ch, depth in _structure(src):
        if ch == "|" and depth == 0:
            out.append(src[start:j])
            start = j + 1
    out.append(src[start:])
    return out


_Atom = tuple[int, str | None, Requirement | None, bool]
"""An atom as :func:`_sequence` reads it: the index just past it (its quantifier
not included), the character it matches if it is one literal character, what a
group requires, and whether it is zero-width (an anchor or a lookaround, which
requires nothing and ends a run of literals)."""


def _escape(src: str, i: int) -> _Atom:
    """Read the escape at ``src[i]``."""
    if i + 1 >= len(src):
        raise UnreadablePattern
    nxt = src[i + 1]
    end = i + 2
    if not nxt.isalnum():
        return end, nxt, None, False
    if nxt in "pPN" and src[end : end + 1] == "{":
        return src.index("}", end) + 1, None, None, False
    if nxt in "xuU0" or nxt.isdigit():
        raise UnreadablePattern  # escapes of code points, back-references
    return end, None, None, False


def _atom(src: str, i: int) -> _Atom:
    """Read the atom at ``src[i]``."""
    ch = src[i]
    if ch == "\\":
        return _escape(src, i)
    if ch == "[":
        return skip_set(src, i), None, None, False
    if ch == ".":
        return i + 1, None, None, False
    if _LOOKAROUND.match(src, i):
        return closing_paren(src, i) + 1, None, None, True
    if ch == "(":
        opened = _GROUP_OPEN.match(src, i)
        if opened is None or opened.end() == i:
            raise UnreadablePattern  # inline flags, conditionals, recursion...
        close = closing_paren(src, i)
        return close + 1, None, _alternatives(src[opened.end() : close]), False
    if ch in "^$":
        return i + 1, None, None, True
    if ch in _SPECIAL:
        raise UnreadablePattern
    return i + 1, ch, None, False


def _sequence(src: str) -> Branch:
    """Clauses every match of the branch ``src`` must satisfy."""
    clauses: list[Clause] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            clauses.append(("".join(run).casefold(),))
            run.clear()

    i = 0
    while i < len(src):
        # Most atoms are plain characters: no call to read them.
        plain = src[i] not in _SPECIAL and src[i] != "\\"
        atom: _Atom = (i + 1, src[i], None, False) if plain else _atom(src, i)
        end, literal, inner, zero_width = atom
        if zero_width:
            flush()
            i = end
            continue
        quantifier = _QUANTIFIER.match(src, end)
        optional = quantifier is not None and _OPTIONAL.match(src, end) is not None
        if literal is not None and quantifier is None:
            run.append(literal)
        else:
            if literal is not None and not optional:
                run.append(literal)  # "a+": one "a" at least, then the run ends
            flush()
            if inner is not None and not optional:
                clause = _as_clause(inner)
                if clause is not None:
                    clauses.append(clause)
        i = quantifier.end() if quantifier is not None else end
    flush()
    return tuple(clauses)


def _as_clause(req: Requirement) -> Clause | None:
    r"""One clause per branch, pooled: a match of the group holds one of the literals.

    Each branch gives the clause whose shortest literal is longest (a single
    literal when it has one as long), so a group such as
    ``(?:(?:read|see)\s+(?:also|more)|related)`` still requires something;
    ``None`` if a branch requires nothing.

    >>> _as_clause(((("read", "see"), ("also", "more")), (("related",),)))
    ('also', 'more', 'related')
    """
    picks: list[str] = []
    for branch in req:
        if not branch:
            return None
        best = max(branch, key=lambda clause: (min(len(lit) for lit in clause), -len(clause)))
        picks.extend(lit for lit in best if lit not in picks)
    return tuple(picks)


def _alternatives(src: str) -> Requirement:
    return tuple(_sequence(branch) for branch in split_branches(src))


@functools.lru_cache(maxsize=4096)
def requirement(source: str) -> Requirement | None:
    r"""Return the literals a pattern needs, or ``None`` when it needs none it can tell.

    >>> requirement(r"(?i)^.{0,200}?\bnewsletters?\b")
    ((('newsletter',),),)
    >>> requirement(r"^Copyright © \d{4} Dow Jones|^(?:Write|Email) to")
    ((('copyright © ',), (' dow jones',)), (('write', 'email'), (' to',)))
    >>> requirement(r"^\d+$") is None
    True
    """
    flags = _LEADING_FLAGS.match(source)
    body = source[flags.end() :] if flags else source
    if flags and "x" in flags.group():
        return None
    try:
        req = _alternatives(body)
    except (UnreadablePattern, ValueError):
        return None
    if any(not branch for branch in req):
        return None  # a branch with no literal at all: nothing to test
    return req


def satisfied(req: Requirement, folded: Container[str]) -> bool:
    r"""Tell whether case-folded text holds what ``req`` needs.

    ``folded`` is the case-folded text, or the literals it holds (a set, or
    the :class:`~cleaner.screens.Found` of one scan, as pack selection does):
    a literal is then looked up, not searched for.

    >>> req = requirement(r"(?i)newsletter|\bin your inbox")
    >>> satisfied(req, "get it in your inbox"), satisfied(req, "a plain line")
    (True, False)
    >>> satisfied(req, {"in your inbox"})
    True
    """
    # Plain loops: this runs for every fingerprint of every document.
    for branch in req:
        for clause in branch:
            for lit in clause:
                if lit in folded:
                    break
            else:
                break  # no literal of this clause: the branch fails
        else:
            return True  # every clause of this branch holds a literal
    return False


@functools.lru_cache(maxsize=4096)
def any_of(source: str) -> Clause | None:
    r"""Return literals of which a match of ``source`` holds one, or ``None``.

    A weaker, quicker form of :func:`requirement`: for each branch, the clause
    whose shortest literal is longest (the rarest text), all branches' pooled.

    >>> any_of(r"(?i)^(?:follow|like)\s+.{1,80}?\s+on\s+(?:twitter|facebook)\b|^have a tip\?")
    ('twitter', 'facebook', 'have a tip?')
    >>> any_of(r"^\d+$") is None
    True
    """
    req = requirement(source)
    if req is None:
        return None
    pooled: list[str] = []
    for branch in req:
        best = max(branch, key=lambda clause: min(len(lit) for lit in clause))
        pooled.extend(lit for lit in best if lit not in pooled)
    return tuple(pooled)


def folded_head(line: str, size: int) -> str | None:
    """The first ``size`` characters of ``line``, case-folded, for :func:`prefixes` to test.

    ``None`` when the head holds a character whose case-insensitive matches
    folding cannot vouch for: a non-ASCII character folding to ASCII (``ſ``,
    ``ﬁ``, ``İ``) and the dotless ``ı``, which some engines equate with ``i``.

    >>> folded_head("Share this", 4), folded_head("ﬁrst", 4) is None, folded_head("", 4)
    ('shar', True, '')
    """
    head = line[:size]
    if head.isascii():
        return head.lower()
    folded = head.casefold()
    # An ASCII character folds to one ASCII character, so the folded head holds
    # more ASCII than the head exactly when a non-ASCII character folds to some.
    if "ı" in head or len(folded.encode("ascii", "ignore")) != len(head.encode("ascii", "ignore")):
        return None
    return folded


@functools.lru_cache(maxsize=4096)
def prefixes(source: str) -> tuple[str, ...] | None:
    r"""Return folded literal prefixes, one of which starts every match of anchored ``source``.

    Every top-level branch must begin with ``^``; what follows is read atom by
    atom (``\b`` and lookarounds are passed over; a group gives the prefixes
    of its branches; an optional atom adds the prefixes of what follows it).
    A line that the pattern matches at position 0 then has a
    :func:`folded_head` starting with one of them, whatever the case flags.
    ``None`` when the reader cannot tell (classes, wildcards, unanchored
    branches, a match that may be empty).

    >>> prefixes(r"(?i)^(?:read|see)\s+more|^\(?Watch it")
    ('(', 'read', 'see', 'watch it')
    >>> prefixes(r"^\d+ comments") is None, prefixes("share$") is None
    (True, True)
    """
    flags = _LEADING_FLAGS.match(source)
    body = source[flags.end() :] if flags else source
    if flags and ("x" in flags.group() or "m" in flags.group()):
        return None  # spaces that are not literal, or "^" after every newline
    found: set[str] = set()
    try:
        for branch in split_branches(body):
            if not branch.startswith("^"):
                return None
            starts = _starts(branch[1:])
            if starts is None:
                return None
            found |= starts
    except (UnreadablePattern, ValueError):
        return None
    return tuple(sorted(found))


def _fold_literal(char: str) -> str | None:
    if char == "ı":
        return None  # matches "I" and "i" case-insensitively in some engines
    return char.casefold()


def _starts(src: str) -> set[str] | None:
    """Folded prefixes of every match of ``src``, or None when there is no known first one."""
    run: list[str] = []
    i = 0
    while i < len(src):
        ch = src[i]
        if ch == "^" or src.startswith("\\b", i):
            i += 1 if ch == "^" else 2
            continue
        if _LOOKAROUND.match(src, i):
            i = closing_paren(src, i) + 1
            continue
        literal, chars, end = _first_atom(src, i)
        quantifier = _QUANTIFIER.match(src, end)
        if literal is not None and quantifier is None:
            run.append(literal)
            i = end
            continue
        if run:
            return {"".join(run)}  # the run is a prefix of every match, whatever comes next
        if literal is not None:
            chars = {literal}
        if chars is None:
            return None
        if quantifier is not None and _OPTIONAL.match(src, end) is not None:
            rest = _starts(src[quantifier.end() :])
            return None if rest is None else chars | rest
        return chars
    return {"".join(run)} if run else None


def _first_atom(src: str, i: int) -> tuple[str | None, set[str] | None, int]:
    """Read the atom at ``src[i]`` for :func:`_starts`.

    Returns:
        The folded character it matches if it is a literal, the prefixes of a
        group (``None`` when a branch has none, or the group is not a plain
        one), and the index just past the atom.
    """
    ch = src[i]
    if ch == "(":
        opened = _GROUP_OPEN.match(src, i)
        if opened is None or opened.end() == i:
            return None, None, i + 1  # inline flags, conditionals: no known first one
        close = closing_paren(src, i)
        chars: set[str] = set()
        for branch in split_branches(src[opened.end() : close]):
            inner = _starts(branch)
            if inner is None:
                return None, None, close + 1
            chars |= inner
        return None, chars, close + 1
    if ch == "\\":
        escaped = src[i + 1 : i + 2]
        literal = _fold_literal(escaped) if escaped and not escaped.isalnum() else None
        return literal, None, i + 2
    if ch not in _SPECIAL:
        return _fold_literal(ch), None, i + 1
    return None, None, i + 1


_PLAIN_GROUP = regex.compile(r"\((?!\?)|\(\?(?::|>|P?<\w+>)")
"""A group that matches one of its alternatives: no flags, lookaround or condition."""

_MAX_BRANCHES = 64
"""Most branches :func:`branches` spells out for one pattern."""


def branches(source: str) -> tuple[str, ...]:
    r"""Split ``source`` into patterns, one of which matches wherever it does.

    Top-level alternatives are split apart, and an anchored one that opens with
    a group is spelled out, one pattern per alternative of the group, so that
    each can be screened on its own (:func:`prefixes`, :func:`any_of`): a
    pattern some of whose alternatives start with a literal and others do
    not then still has prefixes for most.  Leading flags are kept on each.
    What the reader cannot follow is returned whole.

    >>> branches(r"(?i)^(?:print|\d+ of \d+)$|see")
    ('(?i)^print$', '(?i)^\\d+ of \\d+$', '(?i)see')
    """
    flags = _LEADING_FLAGS.match(source)
    lead = flags.group() if flags else ""
    if "x" in lead:
        return (source,)
    try:
        found = _spell_out(source[len(lead) :])
    except (UnreadablePattern, ValueError):
        return (source,)
    if len(found) > _MAX_BRANCHES:
        return (source,)
    return tuple(lead + branch for branch in found)


def _spell_out(body: str) -> list[str]:
    out: list[str] = []
    for branch in split_branches(body):
        opened = _PLAIN_GROUP.match(branch, 1) if branch.startswith("^(") else None
        if opened is None or len(out) > _MAX_BRANCHES:
            out.append(branch)
            continue
        close = closing_paren(branch, 1)
        rest = branch[close + 1 :]
        if _QUANTIFIER.match(rest):
            out.append(branch)  # a match may repeat the group or skip it
            continue
        alternatives = split_branches(branch[opened.end() : close])
        out.extend(_spell_out("|".join("^" + alt + rest for alt in alternatives)))
    return out
