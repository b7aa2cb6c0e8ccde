"""Which of several character screens a text trips, found in one pass when hyperscan is there.

The canonical form (:mod:`cleaner.canonical`) decides whether a text needs any
fix by looking for a handful of things: characters some fix rewrites, two
spaces in a row, an ampersand, characters ftfy's mojibake detector starts
from.  With the standard library each is a scan of its own (120-250 MB/s).
hyperscan (Vectorscan), a multi-pattern matcher made for this, finds all of
them in one pass at more than 1 GB/s.

A screen is a list of alternatives, each a sequence of character sets (a
literal is a sequence of one-character sets); a text trips the screen when one
of the alternatives occurs in it.  Both engines are built from the same sets
and give the same answers (``tests/test_screens.py`` holds them to that):

* **hyperscan**, when installed (wheels for Linux, macOS and Windows), reads
  the text's UTF-8 bytes;
* **re**, otherwise, and for a text hyperscan cannot read (a lone surrogate
  has no UTF-8 form), runs one search per screen, only for the screens asked
  about.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Container, Iterable, Mapping, Sequence
from typing import Any

hyperscan: Any
try:  # a platform without a hyperscan wheel gets the same answers from re, slower
    import hyperscan
except ImportError:  # pragma: no cover - every platform CI runs has a wheel
    hyperscan = None

Alternative = Sequence[frozenset[str]]
"""A run of characters, each from its set."""


def literal(text: str) -> Alternative:
    """The alternative matching ``text`` exactly.

    >>> [sorted(s) for s in literal("a ")]
    [['a'], [' ']]
    """
    return tuple(frozenset(ch) for ch in text)


def _ranges(chars: Iterable[str]) -> list[tuple[int, int]]:
    points = sorted({ord(ch) for ch in chars})
    out: list[tuple[int, int]] = []
    for point in points:
        if out and point == out[-1][1] + 1:
            out[-1] = (out[-1][0], point)
        else:
            out.append((point, point))
    return out


def _re_class(chars: frozenset[str]) -> str:
    return (
        "["
        + "".join(
            re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "")
            for a, b in _ranges(chars)
        )
        + "]"
    )


def _hs_class(chars: frozenset[str]) -> str:
    # Surrogates have no UTF-8 form: a text holding one never reaches hyperscan.
    usable = (ch for ch in chars if not "\ud800" <= ch <= "\udfff")
    return (
        "["
        + "".join(f"\\x{{{a:x}}}" + (f"-\\x{{{b:x}}}" if b > a else "") for a, b in _ranges(usable))
        + "]"
    )


class Found:
    """The screens a text trips; ``name in found`` asks (the re engine searches then)."""

    __slots__ = ("_known", "_patterns", "_text")

    def __init__(
        self, text: str, patterns: Mapping[str, re.Pattern[str]], known: set[str] | None
    ) -> None:
        self._text = text
        self._patterns = patterns
        self._known: dict[str, bool] | set[str] = {} if known is None else known

    def names(self) -> Container[str]:
        """The screens tripped, as a set if all are known (a lookup in C), else this."""
        return self._known if isinstance(self._known, set) else self

    def __contains__(self, name: object) -> bool:
        known = self._known
        if isinstance(known, set):
            return name in known
        if name not in known:
            known[str(name)] = self._patterns[str(name)].search(self._text) is not None
        return known[str(name)]


class Screens:
    """Named screens, compiled once for both engines.

    >>> screens = Screens({"double": [literal("  ")], "amp": [literal("&")]})
    >>> found = screens.scan("a  b")
    >>> "double" in found, "amp" in found
    (True, False)
    """

    def __init__(
        self, screens: Mapping[str, Sequence[Alternative]], *, use_hyperscan: bool = True
    ) -> None:
        self.names = list(screens)
        self._patterns = {
            name: re.compile("|".join("".join(map(_re_class, alt)) for alt in alts))
            for name, alts in screens.items()
        }
        usable = use_hyperscan and hyperscan is not None
        self._database = _database(screens) if usable else None
        # A hyperscan scratch serves one scan at a time: each thread gets its own, so
        # one Screens (and the Cleaner holding it) can be shared between threads.
        self._local = threading.local()

    @property
    def engine(self) -> str:
        """``"hyperscan"`` or ``"re"``."""
        return "re" if self._database is None else "hyperscan"

    def scan(self, text: str) -> Found:
        """The screens ``text`` trips."""
        known: set[str] | None = None
        if self._database is not None:
            try:
                data = text.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate: left to re
                data = None
            if data is not None:
                hits: set[int] = set()
                scratch = getattr(self._local, "scratch", None)
                if scratch is None:
                    scratch = self._local.scratch = hyperscan.Scratch(self._database)
                self._database.scan(
                    data, match_event_handler=_collect, context=hits, scratch=scratch
                )
                known = {self.names[i] for i in hits}
        return Found(text, self._patterns, known)


def _collect(ident: int, start: int, end: int, flags: int, hits: set[int]) -> None:
    hits.add(ident)


def _database(screens: Mapping[str, Sequence[Alternative]]) -> Any:
    """One hyperscan database of every screen, each reported once (by its index)."""
    expressions = [
        "|".join("".join(map(_hs_class, alt)) for alt in alts).encode("ascii")
        for alts in screens.values()
    ]
    flags = hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_SINGLEMATCH
    database = hyperscan.Database()
    database.compile(
        expressions=expressions,
        ids=list(range(len(expressions))),
        elements=len(expressions),
        flags=[flags] * len(expressions),
    )
    return database
