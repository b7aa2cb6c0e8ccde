"""Canonical text: repaired encoding, NFC, plain spaces, one paragraph per line.

The canonical form (the README has the full specification):

* encoding damage repaired with ftfy (mojibake, HTML entities, control
  characters, terminal escapes), typographic quotes and full-width characters
  kept as they are;
* Unicode NFC;
* no-break and other Unicode spaces become a plain space, tabs too; invisible
  format characters that carry no text (zero-width space, word joiner, BOM, soft
  hyphen) are dropped;
* every line is a paragraph: no leading or trailing spaces, runs of spaces
  collapsed, paragraphs separated by exactly one blank line;
* exactly one final newline, and the empty string for a text with no content.

Each fix is a pure ``str -> str`` function.  The paragraph is the unit of work:
fixes never look across paragraph boundaries, so dropping a paragraph can never
change how another one is canonicalized, which is what keeps cleaning
idempotent.
"""

from __future__ import annotations

import functools

import ftfy
import regex

FTFY_CONFIG = ftfy.TextFixerConfig(
    # Always decode entities: the "auto" mode decides per document, so dropping a
    # paragraph that holds a "<" would change how the others are read.
    unescape_html=True,
    # Typographic quotes and full-width (CJK) punctuation are text, not damage.
    uncurl_quotes=False,
    fix_character_width=False,
    explain=False,
)
"""The reference ftfy configuration of the canonical form."""

_LINE_BREAKS = regex.compile(r"\r\n|[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_INVISIBLE = regex.compile(r"[\u00ad\u180e\u200b\u2060\u2061\u2062\u2063\u2064\ufeff]")
_SPACES = regex.compile(r"[\s\p{Zs}]+")
# Paragraphs made only of ASCII letters, digits, punctuation and spaces need no ftfy:
# none of its fixes applies to them (entities need "&", escapes need control bytes).
_PLAIN_ASCII = regex.compile(r"[\x20-\x25\x27-\x7e]*")
_MAX_ROUNDS = 4


def split_paragraphs(text: str) -> list[str]:
    r"""Split text at every kind of line break.

    >>> split_paragraphs("a\r\nb\u2029c")
    ['a', 'b', 'c']
    """
    return _LINE_BREAKS.split(text)


def remove_invisible_chars(text: str) -> str:
    """Drop format characters that carry no text.

    Zero-width joiners are kept: emoji sequences and Persian script need them.

    >>> remove_invisible_chars("co\\u00adop\\u200beration")
    'cooperation'
    """
    return _INVISIBLE.sub("", text)


def fix_encoding(text: str) -> str:
    """Repair mojibake, entities and control characters with ftfy.

    >>> fix_encoding("The Mona Lisa doesnÃ¢â‚¬â„¢t have eyebrows &amp; more.")
    'The Mona Lisa doesn’t have eyebrows & more.'
    """
    if _PLAIN_ASCII.fullmatch(text):
        return text
    return str(ftfy.fix_text(text, FTFY_CONFIG))


def normalize_spaces(text: str) -> str:
    """Turn every run of spaces (no-break, thin, tabs...) into one plain space, trimmed.

    >>> normalize_spaces("  a\\u00a0\\u00a0b\\tc  ")
    'a b c'
    """
    return _SPACES.sub(" ", text).strip(" ")


def canonical_paragraphs(line: str) -> list[str]:
    """Return the canonical paragraphs one input line turns into.

    Fixes run until the line stops changing, because one fix can expose work for
    another (a repaired mojibake sequence may decode to a line break or a no-break
    space).  A line that repairs into several lines is split and each part is
    treated the same way.

    >>> canonical_paragraphs("  Hello\\u00a0 world  ")
    ['Hello world']
    >>> canonical_paragraphs("   ")
    []
    """
    parts = [line]
    for _ in range(_MAX_ROUNDS):
        changed = False
        out: list[str] = []
        for part in parts:
            fixed = normalize_spaces(fix_encoding(remove_invisible_chars(part)))
            pieces = [p for p in split_paragraphs(fixed)] if fixed else []
            if len(pieces) > 1:
                pieces = [normalize_spaces(p) for p in pieces]
            pieces = [p for p in pieces if p]
            if pieces != [part]:
                changed = True
            out.extend(pieces)
        parts = out
        if not changed:
            break
    return parts


def join_paragraphs(paragraphs: list[str]) -> str:
    """Join paragraphs with one blank line and end with one newline.

    >>> join_paragraphs(["a", "b"])
    'a\\n\\nb\\n'
    >>> join_paragraphs([])
    ''
    """
    return "\n\n".join(paragraphs) + "\n" if paragraphs else ""


@functools.lru_cache(maxsize=4096)
def _canonical_line(line: str) -> tuple[str, ...]:
    # Navigation, share and footer lines repeat across a site's pages: cache them.
    return tuple(canonical_paragraphs(line))


def canonicalize(text: str) -> str:
    """Return the canonical form of ``text`` (see the module docstring).

    >>> canonicalize("Title\\r\\n\\r\\n\\r\\n  First  paragraph.\\nSecond.")
    'Title\\n\\nFirst paragraph.\\n\\nSecond.\\n'
    >>> canonicalize(canonicalize("caf\\u0065\\u0301 &amp; cr\\u00e8me")) == "café & crème\\n"
    True
    """
    paragraphs: list[str] = []
    for line in split_paragraphs(text):
        if len(line) <= 512:
            paragraphs.extend(_canonical_line(line))
        else:
            paragraphs.extend(canonical_paragraphs(line))
    return join_paragraphs(paragraphs)


def is_canonical(text: str) -> bool:
    """Tell whether ``text`` is already in canonical form.

    >>> is_canonical("a\\n\\nb\\n"), is_canonical("a\\nb\\n")
    (True, False)
    """
    return canonicalize(text) == text


def paragraph_starts(text: str) -> list[int]:
    """Return the offset of each paragraph of canonical ``text``.

    >>> paragraph_starts("ab\\n\\ncd\\n")
    [0, 4]
    """
    if not text:
        return []
    starts = [0]
    pos = text.find("\n\n")
    while pos != -1:
        starts.append(pos + 2)
        pos = text.find("\n\n", pos + 2)
    return starts
