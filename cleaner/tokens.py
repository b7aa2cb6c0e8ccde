"""Word tokenisers, in one place: detector words and ``\\w+`` runs.

Two measures are used, on purpose.  Detectors compare lines word by word, so
their :func:`words` keep inner punctuation (``google+``, ``u.s``) and are
case-folded.  Extraction counts and shingles blocks, where :func:`runs`
(``\\w+``) is the measure.  Both take the same shortcut: on a plain line (see
:mod:`cleaner.plain`) an ASCII pattern finds exactly what the Unicode one
finds, faster; ``tests/test_fast_paths.py`` checks both against the Unicode
patterns.
"""

from __future__ import annotations

import re

import regex

from cleaner.plain import is_plain

_WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}'’+.&-]*")
_ASCII_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’+.&-]*")  # _WORD on a plain line
_TRAILING_DOTS = re.compile(r"\.+(?= |$)")
_RUN = regex.compile(r"\w+")
_ASCII_RUN = re.compile(r"[A-Za-z0-9_]+")  # _RUN on a plain line
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")


def joined_words(text: str) -> str:
    """The :func:`words` of ``text`` joined by single spaces.

    Computed in a few calls on the whole line: casefolding maps each character
    on its own and never yields a space or a dot, and a word starts with a
    letter or digit, so never is only dots.

    >>> joined_words("Share on Facebook | Google+. U.S.")
    'share on facebook google+ u.s'
    """
    found = (_ASCII_WORD if is_plain(text) else _WORD).findall(text)
    joined = " ".join(found).casefold()
    if ".. " in joined:  # a run of trailing dots inside the line: rare
        return _TRAILING_DOTS.sub("", joined)
    return joined.replace(". ", " ").rstrip(".")


def words(text: str) -> list[str]:
    """Return the words of a paragraph, case-folded, trailing dots dropped.

    >>> words("Share on Facebook | Google+")
    ['share', 'on', 'facebook', 'google+']
    """
    joined = joined_words(text)
    return joined.split(" ") if joined else []


def runs(text: str) -> list[str]:
    """The ``\\w+`` runs of ``text``.

    >>> runs("Hello, World_2")
    ['Hello', 'World_2']
    """
    return (_ASCII_RUN if is_plain(text) else _RUN).findall(text)


def tokens(text: str) -> list[str]:
    """Lower-case ``\\w+`` tokens.

    >>> tokens("Hello, World 2")
    ['hello', 'world', '2']
    """
    return runs(text.casefold())


def word_length(text: str) -> float:
    """Word count; a CJK character counts half a word (those scripts have no spaces).

    >>> word_length("two words"), word_length("東京都")
    (2.0, 2.5)
    """
    cjk = len(_CJK.findall(text))
    return len(runs(text)) + cjk / 2


def has_words(text: str, n: float) -> bool:
    """``word_length(text) >= n``, reading only a prefix when that settles it.

    A prefix never holds more words than the whole text (a word it cuts is
    still one word), so enough words in a prefix answer for the text.

    >>> has_words("one two three " * 100, 3), has_words("one two", 3)
    (True, False)
    """
    head = text[: int(n * 20) + 1]
    return word_length(head) >= n or (len(head) < len(text) and word_length(text) >= n)
