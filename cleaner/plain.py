"""Text that is ASCII but for typographic punctuation, where ASCII word patterns are exact.

Most lines of news text are ASCII except for curly quotes, dashes, ellipses and
no-break spaces, none of which is a letter, a digit or a word character.  On
such a line a word pattern written with ASCII classes finds exactly what its
Unicode form finds, and the standard library finds it two to three times faster
than the regex module's Unicode property classes.  ``tests/test_fast_paths.py``
checks each use against the Unicode pattern.
"""

from __future__ import annotations

import re

PLAIN_PUNCTUATION = "“”‘’«»‹›„‚—–‒―…·•′″€£¥©®™°§¶\u00a0"
"""Characters beyond ASCII that a plain text may hold: none is a letter, digit or ``\\w``."""

_NOT_PLAIN = re.compile(f"[^\\x00-\\x7f{re.escape(PLAIN_PUNCTUATION)}]")


def is_plain(text: str) -> bool:
    """Tell whether ``text`` is ASCII but for :data:`PLAIN_PUNCTUATION`.

    >>> is_plain("It’s “fine” — 5 €"), is_plain("café")
    (True, False)
    """
    return _NOT_PLAIN.search(text) is None
