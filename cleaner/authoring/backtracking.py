"""Find patterns prone to catastrophic backtracking by walking their parse tree.

A backtracking engine takes exponential time when a repeated sub-pattern can
match the same text in many ways and the overall match then fails.  Two shapes
cause nearly all such cases, and both can be seen in the parse tree:

* a **nested quantifier**: an unbounded repeat whose body is, up to parts that
  may match nothing, itself an unbounded repeat: ``(a+)+``, ``(\\w+\\s?)*``,
  ``(\\s*\\w+)*``.  ``(, \\w+)*`` is safe: each iteration must start with ``,``.
* an **ambiguous alternation** under an unbounded repeat: two alternatives
  that can start with the same character or both match nothing: ``(a|a)*``,
  ``(\\w|\\d+)*``.

The tree comes from the standard library's regular-expression parser.  Pack
patterns use the ``regex`` module, whose extra syntax is first mapped onto the
nearest standard construct (``\\p{L}`` becomes ``\\w``); a pattern the standard
parser still cannot read is not analysed.  Atomic groups and possessive
quantifiers never backtrack and are passed over.
"""

from __future__ import annotations

import importlib
import re
import string
import warnings
from collections.abc import Callable, Sequence
from typing import Any

try:  # Python 3.11 moved the parser into the re package.
    _parser: Any = importlib.import_module("re._parser")
    _c: Any = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover - Python 3.10
    _parser = importlib.import_module("sre_parse")
    _c = importlib.import_module("sre_constants")

BIG_REPEAT = 10
"""A repeat allowing more iterations than this counts as unbounded."""

# Characters tried when asking whether two character sets overlap.
_PROBES = string.printable + "\u00a0\u00e9\u00df\u0416\u0663\u2014\u2019\u4e2d"

_CATEGORIES: dict[str, Callable[[str], bool]] = {
    "CATEGORY_DIGIT": str.isdigit,
    "CATEGORY_NOT_DIGIT": lambda ch: not ch.isdigit(),
    "CATEGORY_SPACE": str.isspace,
    "CATEGORY_NOT_SPACE": lambda ch: not ch.isspace(),
    "CATEGORY_WORD": lambda ch: ch.isalnum() or ch == "_",
    "CATEGORY_NOT_WORD": lambda ch: not (ch.isalnum() or ch == "_"),
}

# regex-module escapes mapped onto their nearest standard-library construct;
# escaped backslashes are consumed first so ``\\p`` stays a literal.
_ESCAPES = re.compile(r"\\(?:[pP](?:\{[^}]*\}|\w)|.)", re.DOTALL)


def _to_stdlib(source: str) -> str:
    """Rewrite ``regex``-only escapes so the standard parser can read a pattern.

    >>> _to_stdlib(r"^\\p{Lu}\\P{L}\\\\p\\d$")
    '^\\\\w\\\\W\\\\\\\\p\\\\d$'
    """

    def swap(match: re.Match[str]) -> str:
        text = match.group()
        if text[1] == "p":
            return r"\w"
        if text[1] == "P":
            return r"\W"
        if text[1] in "mM":
            return r"\b"
        return text

    return _ESCAPES.sub(swap, source)


def _name(op: Any) -> str:
    return str(op)


def _is_big(maximum: int) -> bool:
    return bool(maximum == _c.MAXREPEAT or maximum > BIG_REPEAT)


def _nullable(seq: Sequence[Any]) -> bool:
    """Tell whether a sequence of parse items can match the empty string."""
    return all(_item_nullable(op, av) for op, av in seq)


def _item_nullable(op: Any, av: Any) -> bool:
    name = _name(op)
    if name in {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}:
        return bool(av[0] == 0 or _nullable(av[2]))
    if name == "SUBPATTERN":
        return _nullable(av[-1])
    if name == "ATOMIC_GROUP":
        return _nullable(av)
    if name == "BRANCH":
        return any(_nullable(alt) for alt in av[1])
    return name in {"AT", "ASSERT", "ASSERT_NOT"}


def _in_range(low: int, high: int) -> Callable[[str], bool]:
    return lambda ch: low <= ord(ch) <= high


def _set_predicate(items: Sequence[Any]) -> Callable[[str], bool]:
    negate = False
    tests: list[Callable[[str], bool]] = []
    for op, av in items:
        name = _name(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            tests.append(chr(av).__eq__)
        elif name == "RANGE":
            tests.append(_in_range(av[0], av[1]))
        elif name == "CATEGORY":
            tests.append(_CATEGORIES.get(_name(av), lambda ch: True))
        else:
            tests.append(lambda ch: True)
    return lambda ch: negate != any(test(ch) for test in tests)


def _first(seq: Sequence[Any]) -> set[str]:
    """Return the probe characters a sequence's match can start with."""
    found: set[str] = set()
    for op, av in seq:
        found |= _item_first(op, av)
        if not _item_nullable(op, av):
            break
    return found


def _item_first(op: Any, av: Any) -> set[str]:
    name = _name(op)
    if name == "LITERAL":
        return {chr(av)} if chr(av) in _PROBES else set()
    if name == "NOT_LITERAL":
        return {ch for ch in _PROBES if ch != chr(av)}
    if name == "ANY":
        return set(_PROBES) - {"\n"}
    if name == "IN":
        test = _set_predicate(av)
        return {ch for ch in _PROBES if test(ch)}
    if name == "CATEGORY":
        test = _CATEGORIES.get(_name(av), lambda ch: True)
        return {ch for ch in _PROBES if test(ch)}
    if name in {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}:
        return _first(av[2])
    if name == "SUBPATTERN":
        return _first(av[-1])
    if name == "ATOMIC_GROUP":
        return _first(av)
    if name == "BRANCH":
        return set().union(*(_first(alt) for alt in av[1]))
    return set()


def _ambiguous_branch(alternatives: Sequence[Sequence[Any]]) -> bool:
    """Tell whether two alternatives can match the same start (or both nothing)."""
    if sum(_nullable(alt) for alt in alternatives) > 1:
        return True
    firsts = [_first(alt) for alt in alternatives]
    return any(firsts[i] & firsts[j] for i in range(len(firsts)) for j in range(i))


def _duplicate_alternatives(seq: Sequence[Any]) -> bool:
    """Tell whether an alternation in ``seq`` has two alternatives matching nothing.

    The parser factors a common prefix out of alternatives, so ``(a|a)``
    parses as ``a`` followed by an alternation of two empty alternatives: the
    same text then matches both ways, in any context.
    """
    for op, av in seq:
        name = _name(op)
        if name == "SUBPATTERN" and _duplicate_alternatives(av[-1]):
            return True
        if name == "BRANCH" and (
            sum(_nullable(alt) for alt in av[1]) > 1
            or any(_duplicate_alternatives(alt) for alt in av[1])
        ):
            return True
    return False


def _repeat_inside(seq: Sequence[Any]) -> str | None:
    """Say why one iteration of a repeated ``seq`` can be split into several.

    Returns ``"nested quantifier"`` when an unbounded repeat sits in ``seq``
    with only nullable parts around it, ``"ambiguous alternation"`` when an
    alternation there has overlapping alternatives, else ``None``.
    """
    if _duplicate_alternatives(seq):
        return "ambiguous alternation"
    for i, (op, av) in enumerate(seq):
        if not (_nullable(seq[:i]) and _nullable(seq[i + 1 :])):
            continue
        name = _name(op)
        if name in {"MAX_REPEAT", "MIN_REPEAT"} and _is_big(av[1]):
            return "nested quantifier"
        if name == "SUBPATTERN":
            found = _repeat_inside(av[-1])
        elif name == "BRANCH":
            if _ambiguous_branch(av[1]):
                return "ambiguous alternation"
            found = next((f for alt in av[1] if (f := _repeat_inside(alt))), None)
        else:
            found = None
        if found:
            return found
    return None


def _walk(seq: Sequence[Any], found: list[str]) -> None:
    for op, av in seq:
        name = _name(op)
        if name in {"MAX_REPEAT", "MIN_REPEAT"}:
            if _is_big(av[1]):
                reason = _repeat_inside(av[2])
                if reason and reason not in found:
                    found.append(reason)
            _walk(av[2], found)
        elif name == "SUBPATTERN":
            _walk(av[-1], found)
        elif name == "BRANCH":
            for alt in av[1]:
                _walk(alt, found)
        elif name in {"ASSERT", "ASSERT_NOT"}:
            _walk(av[1], found)
        # ATOMIC_GROUP and POSSESSIVE_REPEAT never backtrack into their body.


def backtracking_risks(source: str) -> list[str]:
    """Return why a pattern may backtrack catastrophically (empty: no risk seen).

    Args:
        source: A pack pattern (``regex`` module syntax).

    >>> backtracking_risks(r"^(a+)+$"), backtracking_risks(r"(\\w+\\s?)*x")
    (['nested quantifier'], ['nested quantifier'])
    >>> backtracking_risks(r"^(a|a)*$")
    ['ambiguous alternation']
    >>> backtracking_risks(r"^(?:, \\w+)*$"), backtracking_risks(r"^\\p{Lu}\\w+(?: \\w+)*$")
    ([], [])
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = _parser.parse(_to_stdlib(source))
    except (re.error, ValueError, TypeError, OverflowError, RecursionError):
        return []
    found: list[str] = []
    _walk(list(tree), found)
    return found
