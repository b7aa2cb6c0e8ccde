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

ftfy is by far the most expensive part (about 1 ms per 3 KB article), and almost
every line of real text is left alone by it.  :func:`canonicalize` therefore
screens first and calls ftfy only on lines that one of its fixes could change
(:func:`ftfy_leaves_unchanged`); the output is identical to
:func:`canonicalize_reference`, which always calls ftfy, and the test suite
checks that on corpora and generated mojibake.  Most texts need nothing, or
only their spaces normalised: the screens that tell so read the whole text in
one pass (:mod:`cleaner.screens`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

import ftfy
import regex
from ftfy.badness import BADNESS_RE, MOJIBAKE_CATEGORIES
from ftfy.chardata import CONTROL_CHARS, HTML_ENTITY_RE, LIGATURES

from cleaner.screens import Found, Screens, literal

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
_INVISIBLE_CHARS = "\u00ad\u180e\u200b\u2060\u2061\u2062\u2063\u2064\ufeff"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
_SPACES = regex.compile(r"[\s\p{Zs}]+")
# Paragraphs made only of ASCII letters, digits, punctuation and spaces need no ftfy:
# none of its fixes applies to them (entities need "&", escapes need control bytes).
_PLAIN_ASCII = regex.compile(r"[\x20-\x25\x27-\x7e]*")
_MAX_ROUNDS = 4

# Characters that some fix of FTFY_CONFIG rewrites or removes wherever they stand:
# control characters, C1 controls (mojibake and NEXT LINE), Latin ligatures,
# surrogates, line breaks and the escape that starts terminal codes.  HTML
# entities and mojibake need context and are checked separately.
_FTFY_CHARS = "".join(
    sorted(
        {chr(c) for c in CONTROL_CHARS}
        | {chr(c) for c in LIGATURES}
        | {chr(c) for c in range(0x80, 0xA0)}
        | {"\x1b", "\r", "\u2028", "\u2029"}
    )
)
_SURROGATES = "\ud800-\udfff"
# ftfy also works line by line, so a "\n" is left to it as well.
_FTFY_CHAR = re.compile(f"[{re.escape(_FTFY_CHARS)}{_SURROGATES}\n]")
# Every space character normalize_spaces rewrites (all are in the BMP, below U+3001).
_ODD_SPACES = "".join(ch for ch in map(chr, range(0x3001)) if _SPACES.match(ch) and ch not in " \n")
# The spaces normalize_spaces rewrites within a line that no ftfy fix touches: a
# text whose only unsettled characters are these needs its spaces normalised and
# nothing else (see _settle_spaces).
_LINE_SPACES = "".join(
    ch for ch in _ODD_SPACES if ch not in _FTFY_CHARS and _LINE_BREAKS.match(ch) is None
)
# A line needs work when it holds one of these (or a space other than U+0020).
_NEEDS_FIX_CHARS = frozenset(
    {ch for ch in _FTFY_CHARS + _ODD_SPACES if ch not in _LINE_SPACES}
    | set(_INVISIBLE_CHARS)
    | {chr(c) for c in range(0xD800, 0xE000)}
)
# ftfy's badness expression (at most _BADNESS_WIDTH characters per match) only
# matches around a character of its classes or spelled out in it.  Every
# alternative holds one that is neither "common" (curly apostrophe, dashes) nor a
# lowercase or uppercase Cyrillic letter that only counts next to rarer ones;
# "Ђ" (in "вЂ") is the one such character spelled out on its own.  Windows
# around these anchors find every match (tests/test_canonical_equivalence.py checks
# this against the expression's structure).
_COMMON_CLASSES = ("common", "lower_common", "upper_common")
_MOJIBAKE_ANCHOR = re.compile(
    "["
    + "".join(v for k, v in MOJIBAKE_CATEGORIES.items() if k not in _COMMON_CLASSES)
    + "".join(
        sorted(
            c
            for c in BADNESS_RE.pattern
            if not c.isascii()
            and not re.match(
                "[" + "".join(MOJIBAKE_CATEGORIES[k] for k in _COMMON_CLASSES) + "]", c
            )
        )
    )
    + "Ђ]"
)
# Any character the expression names, and the few that make a match on their own:
# every other alternative needs two of _MOJIBAKE_CHARS side by side.
_MOJIBAKE_CHARS = re.compile(
    "["
    + "".join(MOJIBAKE_CATEGORIES.values())
    + "".join(sorted({c for c in BADNESS_RE.pattern if not c.isascii()}))
    + "]"
)
_MOJIBAKE_LONE = re.compile("[\x80-\x9fŒœÂÃ]")
_MOJIBAKE_PAIR = re.compile(_MOJIBAKE_CHARS.pattern * 2)
_BADNESS_WIDTH = 7


@functools.cache
def _screens(use_hyperscan: bool = True) -> Screens:
    """The screens of :func:`is_settled`, built on first use (a few milliseconds).

    ``fix`` and ``space`` together are the characters a fix rewrites; ``lone``
    and ``pair`` the characters and pairs every mojibake match holds.
    """
    bmp = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x10000)))
    # Both classes are written out of BMP characters (checked by the tests).
    mojibake = frozenset(_MOJIBAKE_CHARS.findall(bmp))
    return Screens(
        {
            "fix": [(_NEEDS_FIX_CHARS,)],
            "space": [(frozenset(_LINE_SPACES),)],
            "spacing": [literal("  "), literal(" \n"), literal("\n ")],
            "amp": [literal("&")],
            "lone": [(frozenset(_MOJIBAKE_LONE.findall(bmp)),)],
            "pair": [(mojibake, mojibake)],
        },
        use_hyperscan=use_hyperscan,
    )


_MAX_SEGMENT = int(FTFY_CONFIG.max_decode_length)


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


def looks_like_mojibake(line: str) -> bool:
    """Tell whether ftfy would see mojibake in ``line``; the same as ``ftfy.badness.is_bad``.

    ``is_bad`` tries its long alternation at every position; here it only runs
    in short windows around the characters it can match, which is exact because
    every match holds one of them and is at most ``_BADNESS_WIDTH`` long.

    >>> looks_like_mojibake("It’s “fine” — really."), looks_like_mojibake("doesnâ€™t")
    (False, True)
    """
    if _MOJIBAKE_LONE.search(line) is None and _MOJIBAKE_PAIR.search(line) is None:
        return False
    windows: list[tuple[int, int]] = []
    for found in _MOJIBAKE_ANCHOR.finditer(line):
        lo = max(found.start() - _BADNESS_WIDTH + 1, 0)
        hi = min(found.start() + _BADNESS_WIDTH, len(line))
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], hi)
        else:
            windows.append((lo, hi))
    # Searching with pos/endpos keeps "^" anchored at the real start of the line.
    return any(
        (_MOJIBAKE_LONE.search(line, lo, hi) or _MOJIBAKE_PAIR.search(line, lo, hi))
        and BADNESS_RE.search(line, lo, hi)
        for lo, hi in windows
    )


def ftfy_leaves_unchanged(text: str) -> bool:
    """Tell cheaply whether ``ftfy.fix_text(text, FTFY_CONFIG)`` would return ``text``.

    True only when no fix of the configuration can apply: no character that a fix
    rewrites, no HTML entity, already NFC, and no mojibake ftfy would detect.

    >>> ftfy_leaves_unchanged("Plain “quoted” text & more"), ftfy_leaves_unchanged("&amp;")
    (True, False)
    """
    if len(text) > _MAX_SEGMENT or _FTFY_CHAR.search(text) is not None:
        return False
    if "&" in text and HTML_ENTITY_RE.search(text) is not None:
        return False
    return text.isascii() or (
        unicodedata.is_normalized("NFC", text) and not looks_like_mojibake(text)
    )


def fix_encoding_reference(text: str) -> str:
    """Repair mojibake, entities and control characters with ftfy, always calling it.

    >>> fix_encoding_reference("The Mona Lisa doesnÃ¢â‚¬â„¢t have eyebrows &amp; more.")
    'The Mona Lisa doesn’t have eyebrows & more.'
    """
    return str(ftfy.fix_text(text, FTFY_CONFIG))


def fix_encoding(text: str) -> str:
    """Repair mojibake, entities and control characters; ftfy runs only if it would act.

    >>> fix_encoding("The Mona Lisa doesnÃ¢â‚¬â„¢t have eyebrows &amp; more.")
    'The Mona Lisa doesn’t have eyebrows & more.'
    """
    if ftfy_leaves_unchanged(text):
        return text
    return fix_encoding_reference(text)


def normalize_spaces(text: str) -> str:
    """Turn every run of spaces (no-break, thin, tabs...) into one plain space, trimmed.

    >>> normalize_spaces("  a\\u00a0\\u00a0b\\tc  ")
    'a b c'
    """
    return _SPACES.sub(" ", text).strip(" ")


def canonical_paragraphs(line: str, fix: Callable[[str], str] = fix_encoding) -> list[str]:
    """Return the canonical paragraphs one input line turns into.

    Fixes run until the line stops changing, because one fix can expose work for
    another (a repaired mojibake sequence may decode to a line break or a no-break
    space).  A line that repairs into several lines is split and each part is
    treated the same way.

    Args:
        line: One line of input (no line breaks).
        fix: The encoding repair; :func:`fix_encoding_reference` gives the reference.

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
            fixed = normalize_spaces(fix(remove_invisible_chars(part)))
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


def is_settled(text: str, found: Found | None = None) -> bool:
    """Tell whether every line of ``text`` is already canonical and left alone by ftfy.

    Lines are separated by ``"\\n"`` only.  Each line of such a text is its own
    canonical form (an empty line yields nothing), which is what lets
    :func:`canonicalize` skip the per-line fixes for most real text.  ``found``
    is what the screens found in ``text``, when already known.

    >>> is_settled("It’s “fine”.\\n\\nNext line."), is_settled("two  spaces")
    (True, False)
    """
    found = _screens().scan(text) if found is None else found
    if "fix" in found or "space" in found or "spacing" in found:
        return False
    if text[:1] == " " or text[-1:] == " ":
        return False
    if "amp" in found and HTML_ENTITY_RE.search(text) is not None:
        return False
    return _ftfy_reads_as_is(text, found)


def _ftfy_reads_as_is(text: str, found: Found) -> bool:
    """Tell whether each line of ``text`` is NFC and free of mojibake ftfy would see."""
    if text.isascii():
        return True
    # NFC never composes across a line break, so the whole text can be checked at once.
    if not unicodedata.is_normalized("NFC", text):
        return False
    if "lone" not in found and "pair" not in found:
        return True
    # ftfy reads each line on its own ("^" in its badness expression means line start).
    return not any(
        len(line) > _MAX_SEGMENT or looks_like_mojibake(line) for line in text.split("\n")
    )


def _settle_spaces(text: str, found: Found) -> str | None:
    """``text`` with its spaces normalised line by line, if that is all it needs, else ``None``.

    News text often fails :func:`is_settled` only for a no-break space or a
    doubled space.  When no line holds anything else a fix acts on (checked on
    the text as it is, since ftfy sees the no-break spaces), every line's
    canonical form is the line with its runs of spaces made one plain space
    and trimmed, which this does to the whole text at once.

    ``found`` is what the screens found in ``text``.

    >>> [_settle_spaces(t, _screens().scan(t)) for t in ["a\\u00a0 b \\n\\n c", "\\u00c3\\u00a0!"]]
    ['a b\\n\\nc', None]
    """
    if "fix" in found:
        return None
    if "amp" in found and HTML_ENTITY_RE.search(text) is not None:
        return None
    if not _ftfy_reads_as_is(text, found):
        return None
    spaced = text
    for space in _LINE_SPACES:  # most often only the no-break space is there
        if space in spaced:
            spaced = spaced.replace(space, " ")
    while "  " in spaced:
        spaced = spaced.replace("  ", " ")
    # Each run is one plain space now, so one replacement trims each side of a line.
    spaced = spaced.replace(" \n", "\n").replace("\n ", "\n").strip(" ")
    # Settled now but for what ftfy reads, which can change only where the spaces did.
    if not spaced.isascii() and not unicodedata.is_normalized("NFC", spaced):
        return None
    if "lone" in found or "pair" in found:
        # Another space cannot make a lone mojibake character or a pair of them, and
        # every unchanged line was read above: read the lines whose spaces changed.
        lines = zip(text.split("\n"), spaced.split("\n"), strict=True)
        if any(looks_like_mojibake(new) for old, new in lines if new != old):
            return None
    return spaced


@functools.lru_cache(maxsize=4096)
def _canonical_line(line: str) -> tuple[str, ...]:
    # Navigation, share and footer lines repeat across a site's pages: cache them.
    return tuple(canonical_paragraphs(line))


def canonicalize(text: str) -> str:
    """Return the canonical form of ``text`` (see the module docstring).

    The same as :func:`canonicalize_reference`, faster: a text whose lines are all
    settled (:func:`is_settled`) only has its empty lines dropped, one that only
    needs its spaces normalised has them normalised at once
    (:func:`_settle_spaces`), and otherwise each settled line is kept as it is
    and only the others go through the fixes.

    >>> canonicalize("Title\\r\\n\\r\\n\\r\\n  First  paragraph.\\nSecond.")
    'Title\\n\\nFirst paragraph.\\n\\nSecond.\\n'
    >>> canonicalize(canonicalize("caf\\u0065\\u0301 &amp; cr\\u00e8me")) == "café & crème\\n"
    True
    """
    if len(text) <= _MAX_SEGMENT:
        found = _screens().scan(text)
        settled = text if is_settled(text, found) else _settle_spaces(text, found)
        if settled is not None:
            return join_paragraphs([line for line in settled.split("\n") if line])
    paragraphs: list[str] = []
    for line in split_paragraphs(text):
        if len(line) > 512:
            paragraphs.extend(canonical_paragraphs(line))
        elif is_settled(line):
            if line:
                paragraphs.append(line)
        else:
            paragraphs.extend(_canonical_line(line))
    return join_paragraphs(paragraphs)


def canonicalize_reference(text: str) -> str:
    """Return the canonical form of ``text`` the slow, obvious way: ftfy on every line.

    This is the definition :func:`canonicalize` is tested against.

    >>> canonicalize_reference("  a\\u00a0 b &amp; c\\r\\n") == "a b & c\\n"
    True
    """
    paragraphs: list[str] = []
    for line in split_paragraphs(text):
        paragraphs.extend(canonical_paragraphs(line, fix_encoding_reference))
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
