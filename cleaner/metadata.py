"""Metadata helpers: normalising extracted fields and guessing a title."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Sequence
from typing import Any

import regex
from dateutil import parser as date_parser

_SENTENCE_END = regex.compile(r"[.!?:;,]['\"’”)]*$")
_HAS_DIGIT_AND_LETTER = regex.compile(r"(?=.*\d)(?=.*\p{L})")
# A fixed default fills in what a date string leaves out, so parsing is deterministic.
_DEFAULT_DATE = dt.datetime(2000, 1, 1)  # dates here carry no time zone


def parse_date(text: str) -> str | None:
    """Return the ISO date (YYYY-MM-DD) a date string names, or ``None``.

    >>> parse_date("28 June 2021")
    '2021-06-28'
    >>> parse_date("June 28, 2021 10:32 AM ET")
    '2021-06-28'
    >>> parse_date("Opinion") is None
    True
    """
    cleaned = regex.sub(r"\([^)]*\)|\b(?:at|on)\b", " ", text).strip(" ,|-–—")
    if not _HAS_DIGIT_AND_LETTER.search(cleaned) and not regex.fullmatch(
        r"\d{4}-\d{2}-\d{2}.*", cleaned
    ):
        return None
    if not regex.search(r"\d{4}", cleaned):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parsed = date_parser.parse(cleaned, default=_DEFAULT_DATE, fuzzy=False)
        except (ValueError, OverflowError, TypeError):
            return None
    if not 1900 <= parsed.year <= 2100:
        return None
    return parsed.date().isoformat()


def normalize_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Normalise extracted fields: a parseable ``date`` becomes ISO, the raw text kept.

    >>> normalize_fields({"date": "28 June 2021"})
    {'date': '2021-06-28', 'date_text': '28 June 2021'}
    """
    out = dict(fields)
    raw = out.get("date")
    if isinstance(raw, str):
        iso = parse_date(raw)
        if iso is not None and iso != raw:
            out["date"] = iso
            out["date_text"] = raw
    return out


def guess_title(paragraphs: Sequence[str], max_words: int) -> str | None:
    """Return the first paragraph if it reads like a headline.

    >>> guess_title(["US strikes militias in Iraq and Syria", "The US said..."], 30)
    'US strikes militias in Iraq and Syria'
    >>> guess_title(["The US said on Sunday that it struck.", "More."], 30) is None
    True
    """
    if not paragraphs:
        return None
    first = paragraphs[0]
    words = first.split()
    if not 2 <= len(words) <= max_words or _SENTENCE_END.search(first):
        return None
    return first
