"""Mine a site's boilerplate from a folder of its documents and propose a rule pack.

Boilerplate is what recurs across documents: menus, share prompts, bylines
with a varying date, newsletter and copyright lines.  Each paragraph of each
document is normalised (lower case, whitespace collapsed, dates, times,
weekdays, month names and numbers masked), and a normalised line found in at
least ``min_share`` of the documents, and never in fewer than two, becomes a
``drop-line`` rule whose pattern matches every variant of it.  Where the line
sits (the document head, its tail, or the body) becomes the rule's ``where``.
The most widespread lines also become the pack's fingerprints, so the pack
applies to the site's documents without a URL.

Mining is deterministic: documents are read in sorted order, per-document
results are merged with order-independent operations (counts, unions, the
smallest examples), and rules are sorted, so the same folder gives the same
pack whatever the worker count.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from cleaner.authoring.yamlout import render_pack
from cleaner.canonical import canonicalize
from cleaner.config import CleanerConfig
from cleaner.files import InputError, read_bytes
from cleaner.html import DecodeError, decode_bytes
from cleaner.rules.loader import parse_pack

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
)
_DAYS = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|fri|sat|sun"
)

# (placeholder, pattern), applied in order to lower-cased text.  The same
# pattern is used in the proposed rule, so a rule matches every line it was
# mined from.
MASKS: tuple[tuple[str, str], ...] = (
    ("<date>", r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:t\d{1,2}:\d{2}(?::\d{2})?z?)?"),
    ("<time>", r"\d{1,2}:\d{2}(?::\d{2})?(?: ?[ap]\.?m\.?)?"),
    # A month name is a date slot only beside a number ("June 28", "28 May"):
    # "may", "march" and "sept" are words too ("You may also like").
    (
        "<month>",
        rf"(?<![^\W\d_])(?:{_MONTHS})\.?(?![^\W\d_])(?=,?\s*\d)"
        rf"|(?<=\d(?:st|nd|rd|th)?\.?,?\s+(?:of\s+)?)(?:{_MONTHS})\.?(?![^\W\d_])",
    ),
    ("<day>", rf"(?<![^\W\d_])(?:{_DAYS})\.?(?![^\W\d_])"),
    ("<num>", r"\d+(?:[.,]\d+)*(?:st|nd|rd|th)?"),
)
_MASKS = [(name, regex.compile(source)) for name, source in MASKS]
_PLACEHOLDER = regex.compile("(" + "|".join(regex.escape(n) for n, _ in MASKS) + ")")
_LETTER = regex.compile(r"\p{L}")


class MineError(ValueError):
    """Mining cannot start: too few documents, or an unusable folder."""


def normalise(line: str) -> str:
    """Return the key under which recurring variants of a line are counted.

    >>> normalise("Posted on Monday,  June 28, 2021 at 10:45 am")
    'posted on <day>, <month> <num>, <num> at <time>'
    >>> normalise("You may also like: 28 May 2021, May 3")
    'you may also like: <num> <month> <num>, <month> <num>'
    >>> normalise("© 2023 Example Media. All rights reserved.")
    '© <num> example media. all rights reserved.'
    """
    key = " ".join(line.lower().split())
    for name, pattern in _MASKS:
        key = pattern.sub(name, key)
    return key


def key_pattern(key: str) -> str:
    """Return an anchored, case-insensitive pattern matching every line with ``key``.

    >>> print(key_pattern("<num> views | share"))
    (?i)^(?:\\d+(?:[.,]\\d+)*(?:st|nd|rd|th)?) views \\| share$
    """
    masks = dict(MASKS)
    parts = []
    for piece in _PLACEHOLDER.split(key):
        if piece in masks:
            parts.append(f"(?:{masks[piece]})")
        elif piece:
            parts.append(regex.escape(piece, literal_spaces=True))
    return "(?i)^" + "".join(parts) + "$"


@dataclass(slots=True)
class LineStats:
    """What is known about one normalised line across documents.

    Attributes:
        documents: How many documents contain it.
        all_head: Every occurrence is in a document's head.
        all_tail: Every occurrence is in a document's tail.
        examples: The smallest distinct original lines (at most ``keep``).
        max_chars: The longest original line.
    """

    documents: int = 0
    all_head: bool = True
    all_tail: bool = True
    examples: list[str] = field(default_factory=list)
    max_chars: int = 0

    @property
    def where(self) -> str:
        """The rule's ``where``: ``head``, ``tail``, or ``any`` for the body."""
        return "head" if self.all_head else "tail" if self.all_tail else "any"

    def merge(self, other: LineStats, keep: int = 2) -> None:
        """Add another document's (or batch's) observations; order does not matter."""
        self.documents += other.documents
        self.all_head &= other.all_head
        self.all_tail &= other.all_tail
        self.examples = sorted(set(self.examples) | set(other.examples))[:keep]
        self.max_chars = max(self.max_chars, other.max_chars)


@dataclass(frozen=True, slots=True)
class MineOptions:
    """Options of :func:`mine_texts`.

    Attributes:
        min_share: Minimum share of documents a line must occur in (and never
            fewer than two documents).
        max_line_chars: Longer paragraphs are article text, not boilerplate.
        min_letters: A line needs this many letters outside masked parts, so
            a bare number or date is never proposed.
        max_rules: At most this many rules, the most widespread first.
        fingerprints: How many of the most widespread lines become fingerprints.
        fingerprint_coverage: ``min_fingerprints`` is the largest count (at most
            2) that at least this share of the documents reaches.
        regions: Where head and tail begin (``head_lines``, ``tail_fraction``).
    """

    min_share: float = 0.3
    max_line_chars: int = 300
    min_letters: int = 3
    max_rules: int = 200
    fingerprints: int = 4
    fingerprint_coverage: float = 0.9
    regions: CleanerConfig = field(default_factory=CleanerConfig)


def region(index: int, count: int, config: CleanerConfig) -> tuple[bool, bool]:
    """Tell whether paragraph ``index`` of ``count`` is in the head and in the tail.

    The same definitions as the rule engine's ``where``; in a short document
    a paragraph can be in both.
    """
    return index < config.head_lines, index >= count * config.tail_fraction


def scan(text: str, options: MineOptions) -> dict[str, LineStats]:
    """Return the candidate lines of one document, keyed by normalised line."""
    paragraphs = canonicalize(text).split("\n\n")
    paragraphs = [p.strip() for p in paragraphs if p.strip()]
    found: dict[str, LineStats] = {}
    for index, paragraph in enumerate(paragraphs):
        if len(paragraph) > options.max_line_chars:
            continue
        key = normalise(paragraph)
        if len(_LETTER.findall(_PLACEHOLDER.sub("", key))) < options.min_letters:
            continue
        stats = found.setdefault(key, LineStats(documents=1))
        in_head, in_tail = region(index, len(paragraphs), options.regions)
        stats.all_head &= in_head
        stats.all_tail &= in_tail
        stats.examples = sorted({*stats.examples, paragraph})[:2]
        stats.max_chars = max(stats.max_chars, len(paragraph))
    return found


def _scan_one(args: tuple[str, MineOptions]) -> dict[str, LineStats]:
    return scan(*args)


@dataclass(frozen=True, slots=True)
class Mined:
    """A proposed pack and the facts behind it.

    Attributes:
        pack: The pack as a plain mapping (see :func:`render_pack`).
        documents: How many documents were mined.
        lines: The selected normalised lines with their statistics, in rule order.
    """

    pack: dict[str, Any]
    documents: int
    lines: list[tuple[str, LineStats]]


def site_name(site: str) -> str:
    """Return a valid pack name for a site.

    >>> site_name("WWW.Example.com/news")
    'example.com-news'
    """
    name = re.sub(r"[^a-z0-9._-]+", "-", site.lower().removeprefix("www.")).strip("-._")
    return name or "site"


def _rule_id(key: str, taken: set[str]) -> str:
    words = re.findall(r"[a-z]+", _PLACEHOLDER.sub(" ", key))
    base = "_".join(words[:5])[:40].strip("_") or "line"
    rule_id, n = base, 2
    while rule_id in taken:
        rule_id, n = f"{base}_{n}", n + 1
    taken.add(rule_id)
    return rule_id


def mine_texts(
    texts: Iterable[str], site: str, options: MineOptions | None = None, *, workers: int = 1
) -> Mined:
    """Mine documents of one site; return the proposed pack.

    Args:
        texts: The documents, in a stable order.
        site: The site's name or domain; names the pack (and its domain).
        options: Thresholds; see :class:`MineOptions`.
        workers: Processes used to scan documents (the result does not depend on it).

    Raises:
        MineError: Fewer than two documents.
    """
    options = options or MineOptions()
    docs = list(texts)
    if len(docs) < 2:
        raise MineError(f"need at least two documents to find what recurs, got {len(docs)}")
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            per_doc = list(pool.map(_scan_one, [(t, options) for t in docs], chunksize=8))
    else:
        per_doc = [scan(t, options) for t in docs]
    totals: dict[str, LineStats] = {}
    for found in per_doc:
        for key, stats in found.items():
            totals.setdefault(key, LineStats()).merge(stats)
    needed = max(2, math.ceil(options.min_share * len(docs) - 1e-9))
    selected = sorted(
        ((k, s) for k, s in totals.items() if s.documents >= needed),
        key=lambda item: (-item[1].documents, item[0]),
    )[: options.max_rules]
    order = {"head": 0, "any": 1, "tail": 2}
    selected.sort(key=lambda item: (order[item[1].where], -item[1].documents, item[0]))
    name = site_name(site)
    taken: set[str] = set()
    rules = []
    for key, stats in selected:
        where = stats.where
        place = {"head": "the head", "tail": "the tail"}.get(where, "the body")
        rules.append(
            {
                "id": _rule_id(key, taken),
                "action": "drop-line",
                "where": where,
                "max_chars": stats.max_chars + 40,
                "pattern": key_pattern(key),
                "why": f"Recurs in {stats.documents} of {len(docs)} documents "
                f"({stats.documents / len(docs):.0%}), in {place}; mined boilerplate.",
                "examples": {"remove": list(stats.examples)},
            }
        )
    match: dict[str, Any] = {}
    if "." in name and regex.fullmatch(r"[a-z0-9.-]+", name):
        match["domains"] = [name]
    fingerprints = _fingerprints(selected, per_doc, options)
    if fingerprints:
        keys, minimum = fingerprints
        match["fingerprints"] = [key_pattern(k) for k in keys]
        match["min_fingerprints"] = minimum
    pack: dict[str, Any] = {
        "name": name,
        "version": "0.1.0",
        "description": f"Boilerplate mined from {len(docs)} documents: lines recurring "
        f"in at least {needed} of them ({options.min_share:.0%}). Review before use.",
    }
    if match:
        pack["match"] = match
    pack["rules"] = rules
    return Mined(pack=pack, documents=len(docs), lines=selected)


def _fingerprints(
    selected: Sequence[tuple[str, LineStats]],
    per_doc: Sequence[dict[str, LineStats]],
    options: MineOptions,
) -> tuple[list[str], int] | None:
    """Choose the most widespread lines as fingerprints and how many must match."""
    ranked = sorted(selected, key=lambda item: (-item[1].documents, item[0]))
    keys = [key for key, _ in ranked[: options.fingerprints]]
    if not keys:
        return None
    minimum = min(2, len(keys))
    while minimum > 1:
        hits = sum(sum(k in found for k in keys) >= minimum for found in per_doc)
        if hits >= options.fingerprint_coverage * len(per_doc):
            break
        minimum -= 1
    return keys, minimum


def read_folder(folder: Path) -> tuple[list[Path], list[str], list[str]]:
    """Read every ``.txt`` document under ``folder`` in sorted order.

    Returns:
        The paths read, their texts, and one error message per unreadable file
        (which is left out; one bad document never stops mining).

    Raises:
        MineError: ``folder`` is not a folder.
    """
    if not folder.is_dir():
        raise MineError(f"{folder}: not a folder")
    paths, texts, errors = [], [], []
    for path in sorted(folder.rglob("*.txt")):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        try:
            data = read_bytes(path, CleanerConfig().max_input_bytes)
            texts.append(decode_bytes(data).text)
            paths.append(path)
        except (InputError, DecodeError) as exc:
            errors.append(f"{path}: {exc}")
    return paths, texts, errors


def mine_folder(
    folder: Path, site: str | None = None, options: MineOptions | None = None, *, workers: int = 1
) -> tuple[Mined, str, list[str]]:
    """Mine a folder of one site's text documents.

    Args:
        folder: The documents (``.txt``, searched recursively).
        site: The pack's name; defaults to the folder's name.
        options: Thresholds; see :class:`MineOptions`.
        workers: Processes used to scan documents.

    Returns:
        The mined pack, its YAML text (validated by the loader), and the
        unreadable files.

    Raises:
        MineError: Too few readable documents, or not a folder.
    """
    _, texts, errors = read_folder(folder)
    mined = mine_texts(texts, site or folder.resolve().name, options, workers=workers)
    text = render_pack(mined.pack)
    parse_pack(text.encode("utf-8"), f"<mined {mined.pack['name']}>")
    return mined, text, errors
