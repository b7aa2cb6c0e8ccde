"""Which of many literal keys occur in each of many short texts, found in one scan.

The rule screens (:mod:`cleaner.rules.compiled`) ask, for every new line of a
document, which of a pack's literals it holds and which of its prefixes it
starts with.  Scanning each line on its own costs a call a line; here the
texts are joined and scanned once, and a match is credited to the text it lies
wholly inside (a match across a joint is dropped), so the answer is what
scanning each text alone gives.  Two engines give the same answers
(``tests/test_fast_paths.py`` holds them to that):

* **hyperscan**, when installed, scans the UTF-8 bytes of the joined texts,
  several times faster than Aho-Corasick on a document's lines;
* **pyahocorasick** otherwise, and for a text hyperscan cannot read (a lone
  surrogate has no UTF-8 form).

A key found in UTF-8 bytes starts at a character: its first byte is a lead
byte, never a continuation byte, so byte and character matches agree.

Keys of one or two characters (``-``, ``of``) occur many times in a line:
reporting each occurrence from a scan would cost more than asking each text
with ``in`` (or, at its start, looking its first characters up), so they are
asked about that way instead.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from typing import Any

import ahocorasick

from cleaner.screens import hyperscan

_SHORT = 2
"""Keys of at most this many characters are looked for with ``in``."""

Hit = tuple[int, int]
"""``(index of a text, the bits of the key found in it)``."""


class KeyScan:
    """Literal keys, each with its bits; :meth:`found` tells which each text holds.

    >>> scan = KeyScan({"share": 1, "read more": 2})
    >>> scan.found(["share this", "x", "please read more"])
    [(0, 1), (2, 2)]
    >>> scan.found(["share this", "x", "read more"], at_start=True)
    [(0, 1), (2, 2)]
    >>> scan.found(["sha", "re"])  # not across the joint
    []
    """

    def __init__(self, keys: Mapping[str, int], *, use_hyperscan: bool = True) -> None:
        self.short = [(key, bits) for key, bits in keys.items() if len(key) <= _SHORT]
        # The short keys by length, for a text's start: one lookup a length.
        self._heads: dict[int, dict[str, int]] = {}
        for key, bits in self.short:
            self._heads.setdefault(len(key), {})[key] = bits
        self.keys = [key for key in keys if len(key) > _SHORT]
        self.bits = [keys[key] for key in self.keys]
        machine = ahocorasick.Automaton()
        for key in self.keys:
            machine.add_word(key, (len(key), keys[key]))
        if self.keys:
            machine.make_automaton()
        self._machine = machine
        self._database: Any = None
        if use_hyperscan and hyperscan is not None and self.keys:
            try:
                encoded = [key.encode("utf-8") for key in self.keys]
            except UnicodeEncodeError:  # a lone surrogate in a key: Aho-Corasick alone
                encoded = []
            if encoded and all(encoded):
                self._sizes = [len(key) for key in encoded]
                self._database = _database(encoded)
        # A hyperscan scratch serves one scan at a time: one for each thread.
        self._local = threading.local()

    @property
    def engine(self) -> str:
        """``"hyperscan"`` or ``"ahocorasick"``."""
        return "ahocorasick" if self._database is None else "hyperscan"

    def found(self, texts: Sequence[str], *, at_start: bool = False) -> list[Hit]:
        """``(index of a text, bits)`` for each key found inside one of ``texts``.

        With ``at_start``, only keys that start their text count.  A text and
        key may be listed more than once, in any order.
        """
        hits = self._found_short(texts, at_start) if self.short else []
        if not self.keys:
            return hits
        if self._database is not None:
            joined = "\x00".join(texts)
            try:
                data = joined.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate: left to Aho-Corasick
                pass
            else:
                return hits + self._found_bytes(texts, joined, data, at_start)
        return hits + self._found_chars(texts, at_start)

    def _found_short(self, texts: Sequence[str], at_start: bool) -> list[Hit]:
        if at_start:
            hits = []
            for size, table in self._heads.items():
                for k, text in enumerate(texts):
                    bits = table.get(text[:size], 0)
                    if bits:
                        hits.append((k, bits))
            return hits
        return [
            (k, bits) for k, text in enumerate(texts) for key, bits in self.short if key in text
        ]

    def _found_chars(self, texts: Sequence[str], at_start: bool) -> list[Hit]:
        if len(texts) == 1:
            return [
                (0, bits)
                for end, (size, bits) in self._machine.iter(texts[0])
                if not at_start or end < size
            ]
        starts = _starts(map(len, texts))
        hits = []
        for end, (size, bits) in self._machine.iter("\x00".join(texts)):
            begin = end - size + 1
            k = bisect_right(starts, begin) - 1
            if end < starts[k] + len(texts[k]) and not (at_start and begin != starts[k]):
                hits.append((k, bits))
        return hits

    def _found_bytes(
        self, texts: Sequence[str], joined: str, data: bytes, at_start: bool
    ) -> list[Hit]:
        """The hits of one scan of ``data``, the UTF-8 form of ``joined``, the texts joined."""
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self._database)
        ends: list[tuple[int, int]] = []
        self._database.scan(data, match_event_handler=_collect, context=ends, scratch=scratch)
        if not ends:
            return []
        # The texts' lengths in bytes, worked out only when something was found.
        if len(data) == len(joined):  # ASCII: a byte a character
            sizes = [len(text) for text in texts]
        elif joined.count("\x00") == len(texts) - 1:  # the joints alone are NULs
            sizes = [len(piece) for piece in data.split(b"\x00")]
        else:
            sizes = [len(text.encode("utf-8")) for text in texts]
        starts = _starts(sizes)
        hits = []
        for number, end in ends:  # ``end`` is the offset after the match
            begin = end - self._sizes[number]
            k = bisect_right(starts, begin) - 1
            if end <= starts[k] + sizes[k] and not (at_start and begin != starts[k]):
                hits.append((k, self.bits[number]))
        return hits


def _starts(sizes: Any) -> list[int]:
    """Where each text starts in the texts joined by one character."""
    starts = []
    at = 0
    for size in sizes:
        starts.append(at)
        at += size + 1
    return starts


def _collect(number: int, start: int, end: int, flags: int, ends: list[tuple[int, int]]) -> None:
    ends.append((number, end))


def _database(keys: list[bytes]) -> Any:
    """One hyperscan database reporting every occurrence of each key (by its index)."""
    database = hyperscan.Database()
    database.compile(
        expressions=[b"".join(b"\\x%02x" % byte for byte in key) for key in keys],
        ids=list(range(len(keys))),
        elements=len(keys),
        flags=[0] * len(keys),
    )
    return database
