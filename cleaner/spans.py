"""Turn proposed cuts into exact character spans that keep the text canonical.

Cleaning only ever deletes characters from the canonical input.  A dropped
paragraph takes one neighbouring separator with it; a trim inside a paragraph
takes the spaces it would otherwise leave doubled or dangling.  That way the
text after every step is still canonical, and replaying the removals on the
canonical input reproduces the output exactly.
"""

from __future__ import annotations

import bisect
import itertools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from cleaner.document import Cut, Kind

SEPARATOR = "\n\n"


@dataclass(frozen=True, slots=True)
class Span:
    """A removal in the coordinates of the current text."""

    rule: str
    kind: Kind
    start: int
    end: int


class OffsetMap:
    """Map offsets of the current text back to the canonical text.

    The current text is the canonical text less some deleted spans; it is kept as
    the list of surviving canonical segments.

    >>> m = OffsetMap(10)
    >>> m.delete([(2, 4)])
    >>> m.to_canonical(1, 4)
    [(1, 2), (4, 6)]
    """

    def __init__(self, length: int) -> None:
        # Parallel lists: where each surviving segment starts in the current text,
        # where it starts in the canonical text, and its length.
        self._cur: list[int] = [0] if length else []
        self._canon: list[int] = [0] if length else []
        self._len: list[int] = [length] if length else []

    def to_canonical(self, start: int, end: int) -> list[tuple[int, int]]:
        """Return the canonical spans that ``[start, end)`` of the current text covers."""
        out: list[tuple[int, int]] = []
        i = max(bisect.bisect_right(self._cur, start) - 1, 0)
        while i < len(self._cur) and self._cur[i] < end:
            seg_start, seg_end = self._cur[i], self._cur[i] + self._len[i]
            lo, hi = max(start, seg_start), min(end, seg_end)
            if lo < hi:
                offset = self._canon[i] - seg_start
                if out and out[-1][1] == lo + offset:
                    out[-1] = (out[-1][0], hi + offset)
                else:
                    out.append((lo + offset, hi + offset))
            i += 1
        return out

    def delete(self, spans: Sequence[tuple[int, int]]) -> None:
        """Remove sorted, disjoint ``spans`` (current coordinates) from the map."""
        cur: list[int] = []
        canon: list[int] = []
        lengths: list[int] = []
        removed = 0
        j = 0
        for seg_cur, seg_canon, seg_len in zip(self._cur, self._canon, self._len, strict=True):
            pos, seg_end = seg_cur, seg_cur + seg_len
            while pos < seg_end:
                while j < len(spans) and spans[j][1] <= pos:
                    j += 1
                cut_start = spans[j][0] if j < len(spans) else seg_end
                keep_end = min(max(cut_start, pos), seg_end)
                if keep_end > pos:
                    cur.append(pos - removed)
                    canon.append(seg_canon + pos - seg_cur)
                    lengths.append(keep_end - pos)
                if keep_end >= seg_end:
                    break
                cut_end = min(spans[j][1], seg_end)
                removed += cut_end - keep_end
                pos = cut_end
        self._cur, self._canon, self._len = cur, canon, lengths


def _trim_mask(line: str, trims: list[Cut]) -> list[int] | None:
    """Return, per character, the index of the trim that removes it (-1: kept).

    Returns ``None`` when the trims leave nothing, i.e. the paragraph goes.
    """
    owner = [-1] * len(line)
    for k, cut in enumerate(trims):
        assert cut.span is not None
        start, end = max(cut.span[0], 0), min(cut.span[1], len(line))
        # Never split a base character from its combining marks: that would
        # leave text that NFC would recompose differently.
        while 0 < start < len(line) and unicodedata.combining(line[start]):
            start -= 1
        while end < len(line) and unicodedata.combining(line[end]):
            end += 1
        for i in range(start, end):
            if owner[i] == -1:
                owner[i] = k
    # Spaces the trims would leave leading, trailing or doubled go with the
    # nearest trim before them.
    last_kept = -1
    last_owner = next((o for o in owner if o != -1), 0)
    for i, ch in enumerate(line):
        if owner[i] != -1:
            last_owner = owner[i]
            continue
        if ch == " " and (last_kept == -1 or line[last_kept] == " "):
            owner[i] = last_owner
            continue
        last_kept = i
    if last_kept == -1:
        return None
    if line[last_kept] == " ":
        owner[last_kept] = last_owner
    return owner


def resolve(text: str, starts: Sequence[int], cuts: Sequence[Cut]) -> list[Span]:
    """Turn cuts on the paragraphs of canonical ``text`` into sorted, disjoint spans.

    The first whole-paragraph cut of a paragraph wins; trims on a paragraph that
    is dropped are ignored; overlapping trims keep the earlier one.

    Args:
        text: The current, canonical text.
        starts: Offset of each paragraph (:func:`cleaner.canonical.paragraph_starts`).
        cuts: The proposals, in the order the steps made them.

    >>> text = "Title\\n\\nREAD ALSO: x\\n\\nBody. NOTE\\n"
    >>> cuts = [Cut("r/a", "drop-line", 1), Cut("r/b", "trim", 2, (6, 10))]
    >>> [(s.start, s.end) for s in resolve(text, [0, 7, 21], cuts)]
    [(7, 21), (26, 31)]
    """
    count = len(starts)
    ends = [
        (starts[i + 1] - len(SEPARATOR)) if i + 1 < count else len(text) - 1 for i in range(count)
    ]
    dropped: dict[int, Cut] = {}
    trims: dict[int, list[Cut]] = {}
    for cut in cuts:
        if cut.span is None:
            dropped.setdefault(cut.line, cut)
        else:
            trims.setdefault(cut.line, []).append(cut)

    spans: list[Span] = []
    for line_no, line_trims in trims.items():
        if line_no in dropped:
            continue
        line_trims.sort(key=lambda c: c.span or (0, 0))
        trimmed = _trim_spans(text[starts[line_no] : ends[line_no]], starts[line_no], line_trims)
        if trimmed is None:
            first = line_trims[0]
            dropped[line_no] = Cut(first.rule, first.kind, line_no)
        else:
            spans += trimmed
    spans += _drop_spans(len(text), starts, ends, dropped)
    spans.sort(key=lambda s: s.start)
    return spans


def _trim_spans(line: str, offset: int, trims: list[Cut]) -> list[Span] | None:
    """Spans of sorted ``trims`` on a paragraph at ``offset``; ``None`` if they leave nothing."""
    owner = _trim_mask(line, trims)
    if owner is None:
        return None
    spans: list[Span] = []
    i = offset
    for k, run in itertools.groupby(owner):
        length = sum(1 for _ in run)
        if k != -1:
            spans.append(Span(trims[k].rule, trims[k].kind, i, i + length))
        i += length
    return spans


def _drop_spans(
    size: int, starts: Sequence[int], ends: Sequence[int], dropped: dict[int, Cut]
) -> list[Span]:
    """Spans of the ``dropped`` paragraphs, each with one separator, of a text of ``size``."""
    count = len(starts)
    kept_after = [False] * (count + 1)
    for i in range(count - 1, -1, -1):
        kept_after[i] = kept_after[i + 1] or (i + 1 < count and (i + 1) not in dropped)
    spans: list[Span] = []
    for line_no, cut in dropped.items():
        if kept_after[line_no]:
            # A kept paragraph follows: take this paragraph and the separator after it.
            start, end = starts[line_no], starts[line_no + 1]
        elif line_no > 0:
            # Only dropped paragraphs follow: take the separator before it instead.
            start, end = ends[line_no - 1], ends[line_no]
        else:
            start, end = 0, ends[0]
        if line_no == count - 1 and len(dropped) == count:
            end = size  # nothing is left: the final newline goes too
        spans.append(Span(cut.rule, cut.kind, start, end))
    return spans
