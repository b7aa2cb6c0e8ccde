"""Generic, site-independent noise detectors that need more than one pattern.

Each detector is a pure function ``(paragraphs, context) -> marks``, declared
once with :func:`cleaner.detectors.detector`: its name is its registry key, its
rule id in provenance is ``generic/<name>`` and the first line of its docstring
is its why.  ``CleanerConfig.text_heuristics`` sets which run and in what order.
Phrase-level noise that one pattern catches lives in
``rules/generic.yaml`` instead; what is here needs context: position in the
document, neighbouring paragraphs, or comparison with the rest of the text.

Every detector is written to be stable: on its own output it proposes nothing
new, so cleaning twice gives the same text as cleaning once.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import regex

from cleaner.config import CleanerConfig
from cleaner.detectors import Mark, detector
from cleaner.metadata import normalize_fields, parse_date
from cleaner.tokens import joined_words


@dataclass(slots=True)
class Context:
    """What a detector may know besides the paragraphs: one per document.

    The pipeline makes one context for a document and passes it to every
    detector on every pass, so the words of a paragraph are split once however
    many detectors and passes read them; the memo dies with the document.

    Attributes:
        config: Thresholds.
        metadata: Fields known so far (e.g. the title from HTML metadata).
        given: The fields of ``metadata`` that came with the document (from the
            caller or the page), not from cleaning it.
    """

    config: CleanerConfig
    metadata: dict[str, Any] = field(default_factory=dict)
    given: frozenset[str] = frozenset()
    _joined: dict[str, str] = field(default_factory=dict, repr=False)
    _words: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _body: tuple[Sequence[str], int] | None = field(default=None, repr=False)
    _counts: dict[str, int] = field(default_factory=dict, repr=False)
    _folded: dict[str, str] = field(default_factory=dict, repr=False)

    def joined(self, text: str) -> str:
        """:func:`cleaner.tokens.joined_words`, memoised for this document."""
        found = self._joined.get(text)
        if found is None:
            found = self._joined[text] = joined_words(text)
        return found

    def words(self, text: str) -> tuple[str, ...]:
        """:func:`cleaner.tokens.words` as a tuple, memoised for this document."""
        found = self._words.get(text)
        if found is None:
            joined = self.joined(text)
            found = self._words[text] = tuple(joined.split(" ")) if joined else ()
        return found

    def folded(self, text: str) -> str:
        """``text.casefold()``, memoised for this document."""
        found = self._folded.get(text)
        if found is None:
            found = self._folded[text] = text.casefold()
        return found

    def count(self, text: str) -> int:
        """The number of whitespace-separated words of a line, memoised for this document."""
        found = self._counts.get(text)
        if found is None:
            found = self._counts[text] = len(text.split())
        return found

    def body_start(self, paragraphs: Sequence[str]) -> int:
        """:func:`_body_start` of the paragraphs, computed once for each version of the text."""
        if self._body is None or self._body[0] is not paragraphs:
            self._body = (paragraphs, _body_start(paragraphs, self.config.body_min_words, self))
        return self._body[1]

    def key(self, text: str) -> str:
        """The words of a line without its bullet, joined: what repeats compare."""
        return self.joined(strip_bullet(text))


_BULLETS = "•·▪▫►▸‣∙◦■□●○-–*"
_BULLET = regex.compile(rf"^[{regex.escape(_BULLETS)}]\s*")
_SENTENCE_END = regex.compile(r"[.!?]['\"’”)]*$")
_CLOSERS = "'\"’”)"
"""What may follow the closing punctuation of a sentence: quotes and a bracket."""


def ends_sentence(text: str, stops: str = ".!?") -> bool:
    """Whether ``text`` ends like a sentence: a stop, then only quotes or brackets.

    ``_SENTENCE_END.search(text) is not None`` (for the default ``stops``),
    without a pattern search: the stop is the last character once the
    quotes and brackets closing the line are stripped.  A line ending in a
    newline, where ``$`` also matches before it, is left to the pattern;
    ``tests/test_fast_paths.py`` checks both agree.

    >>> ends_sentence("He left. ”"), ends_sentence("“He left.”"), ends_sentence("He left")
    (False, True, False)
    """
    if text[-1:] == "\n":
        return regex.search(rf"[{regex.escape(stops)}][{_CLOSERS}]*$", text) is not None
    last = text.rstrip(_CLOSERS)[-1:]
    return bool(last) and last in stops


_SOCIAL = frozenset(
    """facebook twitter x linkedin pinterest whatsapp telegram reddit tumblr vk vkontakte
    instagram youtube tiktok snapchat flipboard pocket wechat weibo viber messenger skype
    digg stumbleupon mix threads bluesky mastodon line sms email e-mail mail print google
    google+ gplus plus share shares shared tweet tweets pin it copy link url whatsapp""".split()
)
_SOCIAL_CORE = frozenset(
    """facebook twitter linkedin pinterest whatsapp telegram reddit tumblr vk instagram
    youtube tiktok flipboard pocket wechat weibo viber messenger skype digg stumbleupon
    google google+ gplus share shares tweet email e-mail print""".split()
)
_SOCIAL_CORE_IN = re.compile("|".join(map(re.escape, sorted(_SOCIAL_CORE))))
"""Finds a core word anywhere in a line, inside other words too."""
_SOCIAL_FILLER = frozenset("on via this the article story to by with and or | 0".split())

_SECTION_LABELS = frozenset(
    label.casefold()
    for label in """news|opinion|opinions|world|world news|politics|business|economy|markets|
    sports|sport|u.s.|us|u.s. news|us news|tech|technology|science|health|entertainment|
    culture|arts|lifestyle|travel|food|style|local|national|international|live|audio only|
    video|videos|watch|listen|analysis|breaking|breaking news|exclusive|feature|features|
    editorial|editorials|commentary|columns|column|blogs|blog|photos|gallery|podcast|
    podcasts|home|menu|search|latest|latest news|trending|top stories|more|europe|asia|
    africa|americas|latin america|middle east|uk|india|china|australia|canada|climate|
    environment|education|crime|law|security|defense|defence|military|media|sponsored|
    advertisement|advertising|partner content|press release|op-ed|letters|review|reviews|
    interview|explainer|fact check|obituaries|weather|science & tech|business & economy|
    categories|categorias|categorías|categorie|kategorien""".split("|")
)
_AGENCY_AT_END = r"(?:Getty Images|Shutterstock|iStock(?:photo)?|AFP via Getty Images)\s*\)?\s*$"
_CREDIT = regex.compile(
    r"(?:[|/]\s*|\(|\b)(?:photo|photograph|image|picture|foto|credit|source|illustration)s?"
    r"(?:\s+(?:credit|courtesy|by|source))?\s*:\s*\S"
    r"|\((?:AP|AFP|Reuters|EPA|Getty|Bloomberg|Xinhua)\b[^)]*(?:photo|images?)[^)]*\)\s*$"
    rf"|{_AGENCY_AT_END}",
    regex.IGNORECASE | regex.V1,
)
# The last branch of _CREDIT on its own, searched backwards: it ends the line.
_CREDIT_AT_END = regex.compile(_AGENCY_AT_END, regex.IGNORECASE | regex.V1 | regex.REVERSE)
_PREV_NEXT = regex.compile(
    r"^(?P<which>previous|prev|next|older|newer)(?:\s+(?:article|post|story|item|entry))?"
    r"\s*(?P<sep>[:»«›‹>|-]\s*)?(?P<rest>.*)$",
    regex.IGNORECASE | regex.V1,
)
_BREADCRUMB_SEP = regex.compile(r"\s+[>»›/]\s+")
_DATE_LINE = regex.compile(
    r"^(?:(?:first\s+)?published|updated|last\s+updated|posted|modified|date)"
    r"(?:\s+(?:on|at))?\s*:?\s+(?P<date>.{6,80})$",
    regex.IGNORECASE | regex.V1,
)
_NAME = r"\p{Lu}[\p{L}.'’-]*(?:\s+(?:de|da|van|von|del|la|le|bin|al|\p{Lu}[\p{L}.'’-]*)){0,4}"
_BYLINE = regex.compile(
    rf"^By\s+(?P<author>{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*)"
    r"(?:\s*(?:,|\||–|—|-|/)\s*.{0,80})?$",
    regex.V1,
)
_EDITOR_NOTE = regex.compile(
    r"(?<=[.!?]['\"’”)]?)\s+(?P<cut>\p{Lu}[\p{Lu}'’]*(?:\s+\p{Lu}[\p{Lu}'’]*){0,3})$",
    regex.V1,
)
_QUOTE_OPEN = '“"‘«„'
_QUOTE_CLOSE = '”"’»“'
_ATTRIBUTION = regex.compile(r"^[–—―-]\s*\p{L}.{0,100}$", regex.V1)
_HEADLINE_END = regex.compile(r"[.!?:;,…]['\"’”)]*$")
_HEADLINE_STOPS = ".!?:;,…"
"""What ends a line that is no headline (:func:`ends_sentence` with these is ``_HEADLINE_END``)."""
_INNER_SENTENCE = regex.compile(r"\p{Ll}{2}[.!?]\s+\p{Lu}", regex.V1)
_POST_ATTRIBUTION = regex.compile(r"^[–—―]\s*[\p{L}\p{N}]", regex.V1)
# A line that is only the heading of a comment section, in the languages of the
# pages we clean.  Bare "Reactions"/"Responses" are left out: articles use them
# as subheadings; with a count ("12 Responses") they are comment counters.
_COMMENT_HEADER = regex.compile(
    r"^(?:"
    r"(?:\d+\s+|all\s+|user\s+|reader\s+|readers['’]?\s+|top\s+(?:rated\s+)?|latest\s+|newest\s+)?"
    r"comments?(?:\s*\(\d+\))?"
    r"|\d+\s+(?:responses?|replies|reactions?)(?:\s+to\s+.{1,200})?"
    r"|\d+\s+thoughts?\s+on\s+.{1,200}"
    r"|(?:\d+\s+)?(?:comentários?|comentarios?|commenti|kommentare?|commentaires?|"
    r"комментари[йия]|коментар[ія]|komentar|reacties|kommentarer|komentarze|yorumlar|댓글|コメント)"
    r"(?:\s*\(\d+\))?"
    r"|leave\s+a\s+(?:reply|comment|response)|post\s+(?:a\s+)?comment(?:\s*\(\+\))?"
    r"|add\s+(?:a|your)\s+comment|write\s+a\s+comment|(?:show|view|load|see|read)\s+(?:all\s+)?"
    r"(?:\d+\s+)?comments?|loading\s+comments|join\s+(?:the\s+)?(?:discussion|conversation)"
    r"|want\s+to\s+join\s+the\s+discussion\??|comment\s+on\s+this\s+(?:story|article|post)"
    r"|comments\s+(?:are\s+closed|powered\s+by\s+\w+)|you\s+must\s+(?:be\s+)?log(?:ged)?\s*in"
    r"\s+to\s+post\s+a\s+comment|tinggalkan\s+balasan|deixe\s+(?:um|seu)\s+comentário"
    r"|lascia\s+un\s+commento|deja\s+(?:un|tu)\s+comentario|laisser\s+un\s+commentaire"
    r"|schreibe(?:n\s+sie)?\s+einen\s+kommentar|оставить\s+комментарий"
    r")\s*[:.!…]*$",
    regex.IGNORECASE | regex.V1,
)


_COUNTER_INVITATION = regex.compile(
    r"^(?P<counter>\d+\s+(?:comments?|responses?|replies))\s*(?:[…:.,;-]+\s*"
    r"(?:(?:read|add|leave|join|see|view|post)\b.{0,60})?)?$",
    regex.IGNORECASE | regex.V1,
)
_COMMENT_COUNT = regex.compile(
    r"^(?:(?P<n>\d+)\s+(?:comments?|responses?|replies|reactions?|thoughts?)\b"
    r"|comments?\s*\((?P<m>\d+)\))",
    regex.IGNORECASE | regex.V1,
)


def strip_bullet(text: str) -> str:
    """Remove a leading list bullet.

    >>> strip_bullet("• google plus")
    'google plus'
    """
    if text[:1] not in _BULLETS:
        return text  # most lines: no regex call
    return _BULLET.sub("", text, count=1)


def _body_start(paragraphs: Sequence[str], min_words: int, ctx: Context) -> int:
    """Index of the first paragraph that reads like body text (a long sentence)."""
    for i, p in enumerate(paragraphs):
        if ctx.count(p) >= min_words and ends_sentence(p):
            return i
    return len(paragraphs)


@detector("text")
def share_widget(paragraphs: Sequence[str], ctx: Context) -> list[Mark]:
    """Drop paragraphs made only of social-network names and share words.

    >>> [c.line for c in share_widget(["• facebook", "Body text here.", "Share on Twitter"],
    ...                               Context(CleanerConfig()))]
    [0, 2]
    """
    cuts = []
    for i, p in enumerate(paragraphs):
        if len(p) > ctx.config.share_max_chars:
            continue
        # A core word is a token, so a substring of the case-folded line: most
        # lines hold none and need no tokenising.
        if _SOCIAL_CORE_IN.search(ctx.folded(p)) is None:
            continue
        tokens = ctx.words(strip_bullet(p))
        if not tokens or len(tokens) > ctx.config.share_max_words:
            continue
        if all(t in _SOCIAL or t in _SOCIAL_FILLER or t.isdigit() for t in tokens) and any(
            t in _SOCIAL_CORE for t in tokens
        ):
            cuts.append(Mark("drop-line", i))
    return cuts


@detector("text")
def nav_menu(paragraphs: Sequence[str], ctx: Context) -> list[Mark]:
    """Drop runs of short bulleted items above the article body (site menus).

    Menu entries are names ("Live", "Audio Only"), so every longer word of an
    item is capitalised; a short list the article opens with ("- Bugs fixed",
    "- Better Android support") is not a menu.

    >>> [c.line for c in nav_menu(["• Live", "• Audio Only", "Title", "x " * 20 + "."],
    ...                           Context(CleanerConfig()))]
    [0, 1]
    >>> nav_menu(["What is new?", "- Bugs fixed", "- Better Android support"],
    ...          Context(CleanerConfig()))
    []
    """
    limit = min(ctx.body_start(paragraphs), ctx.config.head_lines)
    cuts: list[Mark] = []
    run: list[int] = []
    for i in range(limit + 1):
        p = paragraphs[i] if i < limit else ""
        is_item = (
            bool(_BULLET.match(p))
            and len(ctx.words(p)) <= ctx.config.menu_item_max_words
            and not ends_sentence(p)
            and len(p) <= ctx.config.menu_item_max_chars
            and all(w[:1].isupper() for w in strip_bullet(p).split() if len(w) > 3)
        )
        if is_item:
            run.append(i)
            continue
        if len(run) >= 2:
            cuts.extend(Mark("drop-line", j) for j in run)
        run = []
    return cuts


@detector("text")
def breadcrumbs(paragraphs: Sequence[str], ctx: Context) -> list[Mark]:
    """Drop breadcrumb trails such as ``News > U.S.`` in the document head.

    >>> [c.line for c in breadcrumbs(["News > U.S.", "A > B is true for all x."],
    ...                              Context(CleanerConfig()))]
    [0]
    """
    cuts = []
    for i, p in enumerate(paragraphs[: ctx.config.head_lines]):
        if len(p) > ctx.config.breadcrumb_max_chars:
            continue
        parts = _BREADCRUMB_SEP.split(strip_bullet(p))
        if (
            2 <= len(parts) <= 7
            and all(
                1 <= len(part.split()) <= 4 and (part[:1].isupper() or part[:1].isdigit())
                for part in parts
            )
            and not all(part[:1].isdigit() for part in parts)
        ):
            cuts.append(Mark("drop-line", i))
    return cuts


@detector("text")
def section_label(paragraphs: Sequence[str], ctx: Context) -> list[Mark]:
    """Drop bare section labels ("Opinion", "World News") above the article body.

    >>> [c.line for c in section_label(["Title of it", "Opinion", "y " * 20 + "."],
    ...                                Context(CleanerConfig()))]
    [1]
    """
    limit = min(ctx.body_start(paragraphs), ctx.config.head_lines)
    return [
        Mark("drop-line", i)
        for i in range(limit)
        if strip_bullet(paragraphs[i]).casefold().strip(" :|") in _SECTION_LABELS
    ]


_CREDIT_WORDS = (
    *("photo", "photograph", "image", "picture", "foto", "credit", "source", "illustration"),
    *("getty images", "shutterstock", "istock", "afp via getty images"),
)
"""Words of which every match of _CREDIT holds one, case-folded: most lines hold none.

``tests/test_fast_paths.py`` checks that they are what the pattern requires."""
_CREDIT_HINTS = tuple(w for w in _CREDIT_WORDS if not any(o != w and o in w for o in _CREDIT_WORDS))
"""The credit words that hold no other ("photograph" holds "photo"): a line holds one of
these exactly when it holds one of :data:`_CREDIT_WORDS`."""


def _has_credit(text: str, folded: str | None = None) -> bool:
    """``_CREDIT.search(text)``, sooner: each branch needs one of a few words.

    The first branches also need a ``:``, the second a ``(``.

    >>> _has_credit("A view. Photo: AP"), _has_credit("A view (Getty Images)")
    (True, True)
    >>> _has_credit("A sentence about photos and sources.")
    False
    """
    folded = text.casefold() if folded is None else folded
    for word in _CREDIT_HINTS:  # a plain loop: cheaper than any() on most lines, which hold none
        if word in folded:
            break
    else:
        return False
    if ":" in text or "(" in text:
        return _CREDIT.search(text) is not None
    return _CREDIT_AT_END.search(text) is not None


_SOURCE_CITATION = regex.compile(r"\bsources?\s*:", regex.IGNORECASE)
_PICTURE_WORD = regex.compile(
    r"\b(?:photo|photograph|image|picture|foto|credit|illustration|getty|afp|reuters|ap)\b",
    regex.IGNORECASE,
)


@detector("text")
def photo_credit(paragraphs: Sequence[str], ctx: Context) -> list[Mark]:
    """Drop captions that carry a photo credit, and the bare copy of the caption above.

    A paragraph of ``caption_max_words`` words or more, or one whose only
    credit is a "Source:" citation, is body text and stays.

    >>> paras = ["• Images of it.", "Images of it. | Photo: Twitter", "Body.",
    ...          "Sales fell for a third month. (Source: Bureau of Labor Statistics.)"]
    >>> [c.line for c in photo_credit(paras, Context(CleanerConfig()))]
    [0, 1]
    """
    cuts = []
    for i, p in enumerate(paragraphs):
        if len(p) > ctx.config.caption_max_chars or not _has_credit(p, ctx.folded(p)):
            continue
        # A caption is short; a long paragraph with a credit or a "Source:" is
        # body text citing where a figure or a quote comes from.
        if ctx.count(p) >= ctx.config.caption_max_words or (
            _SOURCE_CITATION.search(p) and not _PICTURE_WORD.search(p)
        ):
            continue
        if i > 0:
            above = strip_bullet(paragraphs[i - 1]).rstrip(" .").casefold()
            if above and len(above) >= 10 and p.casefold().startswith(above):
                cuts.append(Mark("drop-line", i - 1))
        cuts.append(Mark("drop-line", i))
    return cuts


@detector("text")
def prev_next_links(paragraphs: Sequence[str], ctx: Context) -> list[Mark]:
    """Drop "Previous ..." / "Next ..." article links, not sentences that start so.

    A line is a link when it says "Previous article"/"Next post", is the bare
    word, or when a "Previous" headline and a "Next" headline sit side by side.

    >>> paras = ["Next week, the senate will vote on it.", "Previous Leaders meet",
    ...          "Next Iran expels 225 Pakistanis", "No Comment"]
    >>> [c.line for c in prev_next_links(paras, Context(CleanerConfig()))]
    [1, 2]
    """
    found: dict[int, str] = {}
    for i, p in enumerate(paragraphs):
        if len(p) > ctx.config.link_line_max_chars or ends_sentence(p):
            continue  # links are headlines; a sentence that starts "Next week" is text
        # "previous", "prev", "next", "older", "newer": nothing else folds to their first letters.
        m = _PREV_NEXT.match(p) if p[:1] in "pPnNoO" else None
        if m is None:
            continue
        explicit = (
            m.group("sep")
            or not m.group("rest")
            or p.split()[1:2]
            in (["article"], ["post"], ["story"], ["Article"], ["Post"], ["Story"])
        )
        found[i] = "explicit" if explicit else m.group("which").casefold()
    cuts = []
    for i, kind in found.items():
        pair = {found.get(i - 1), found.get(i + 1)}
        opposite = {"previous", "prev", "older"} if kind in {"next", "newer"} else {"next", "newer"}
        if kind == "explicit" or pair & opposite or pair & {"explicit"}:
            cuts.append(Mark("drop-line", i))
    return cuts


@detector("text")
def dateline_metadata(paragraphs: Sequence[str], ctx: Context) -> list[Mark]:
    """Move "Published 28 June 2021" (or a bare date line) in the head into ``metadata.date``.

    >>> cuts = dateline_metadata(["Title", "Published 28 June 2021", "Body."],
    ...                          Context(CleanerConfig()))
    >>> [(c.line, c.fields["date"]) for c in cuts]
    [(1, '2021-06-28')]
    """
    cuts = []
    if ctx.config.keep_headline:
        return []  # the header stays as the page shows it (see keep_headline)
    # A date after the first body paragraph is content (a schedule), not the stamp.
    limit = min(ctx.body_start(paragraphs), ctx.config.head_lines)
    for i, p in enumerate(paragraphs[:limit]):
        if len(p) > ctx.config.dateline_max_chars:
            continue
        m = _DATE_LINE.match(p)
        raw = m.group("date") if m else p
        if m is None and (len(p.split()) > 7 or not regex.search(r"\d{4}", p)):
            continue
        if parse_date(raw) is None:
            continue
        fields = normalize_fields({"date": raw.strip()})
        cuts.append(Mark("extract", i, fields=fields))
    return cuts


@detector("text")
def byline(paragraphs: Sequence[str], ctx: Context) -> list[Mark]:
    """Move a "By Jane Doe" line in the head into ``metadata.author``.

    >>> [c.fields for c in byline(["Title", "By Jane Doe and John Roe | Reuters"],
    ...                           Context(CleanerConfig()))]
    [{'author': 'Jane Doe and John Roe'}]
    """
    if ctx.config.keep_headline:
        return []  # the header stays as the page shows it (see keep_headline)
    cuts = []
    for i, p in enumerate(paragraphs[: ctx.config.head_lines]):
        if len(p) > ctx.config.byline_max_chars:
            continue
        m = _BYLINE.match(p)
        if m is not None:
            cuts.append(Mark("extract", i, fields={"author": m.group("author").strip()}))
    return cuts


@detector("text")
def duplicate_paragraph(paragraphs: Sequence[str], ctx: Context) -> list[Mark]:
    """Drop a paragraph that repeats one shortly before it (duplicated titles, captions).

    Extraction duplicates sit close to their first copy: a title rendered twice,
    a caption above and below its image.  Repeats are the article's own when
    they are far apart (a recipe for each day of a meal plan), when the line is
    a list item, a numbered heading ("II. Method", a table of contents above
    its sections), a line of digits and symbols more than words (table rows,
    code, command output: ``duplicate_min_letter_share``) or the attribution
    of an embedded post ("— Name (@handle)"), or
    when a line occurs more than ``duplicate_max_copies`` times (the same
    interview question put to several people): those all stay.  So do the
    lines of hard-wrapped text (:func:`_wrapped_line`), where a repeated line
    is a piece of a sentence, and, with ``keep_comments``, repeated sentences
    of ``duplicate_reply_min_words`` words or more: in a discussion a reply
    quotes the post it answers, often one short sentence of it.  A passage of several
    sentences (``duplicate_passage_words`` words or more) repeated further down,
    not right after its first copy, is the article's own as well: scrapers
    double a passage in place, and what is copied elsewhere is a title, a
    caption or a teaser line.

    >>> [c.line for c in duplicate_paragraph(["US Carried Out Air Strikes", "US Carried Out "
    ...     "Air Strikes", "Body."], Context(CleanerConfig()))]
    [1]
    >>> duplicate_paragraph(["What inspired you?", "A.", "What inspired you?", "B.",
    ...                      "What inspired you?", "C."], Context(CleanerConfig()))
    []
    """
    cfg = ctx.config
    keys = _repeat_keys(paragraphs, ctx)
    copies = Counter(k for k in keys if k)
    last_seen: dict[str, int] = {}
    cuts = []
    for i, key in enumerate(keys):
        if not key or copies[key] > cfg.duplicate_max_copies:
            continue
        first = last_seen.setdefault(key, i)
        if (
            first != i
            and i - first <= cfg.duplicate_window
            and not _own_repeat(paragraphs, i, i - first, cfg)
        ):
            cuts.append(Mark("drop-line", i))
    return cuts


def _repeat_keys(paragraphs: Sequence[str], ctx: Context) -> list[str]:
    """Each paragraph's joined words when it may be an extraction duplicate, else ``""``.

    A list item, the attribution of an embedded post, a line shorter than
    ``duplicate_min_chars`` and a line whose :func:`_letter_hint` no other
    line has get no key.
    """
    cfg = ctx.config
    hints = [
        _letter_hint(ctx.folded(p))
        if len(p) >= cfg.duplicate_min_chars
        and p[:1] not in _BULLETS
        and not (p[:1] in "–—―" and _POST_ATTRIBUTION.match(p))
        else None
        for p in paragraphs
    ]
    # Only a paragraph whose hint repeats can repeat: the others are not tokenised.
    hint_copies = Counter(h for h in hints if h is not None)
    return [
        ctx.joined(p)  # no bullet: the key is the joined words
        if h is not None and hint_copies[h] > 1
        else ""
        for p, h in zip(paragraphs, hints, strict=True)
    ]


def _own_repeat(paragraphs: Sequence[str], i: int, gap: int, cfg: CleanerConfig) -> bool:
    """Whether paragraph ``i``, repeating one ``gap`` paragraphs before, is the article's own.

    Tested on repeats only: most paragraphs never repeat.
    """
    line = paragraphs[i]
    return (
        _wrapped_line(paragraphs, i)
        or _ENUMERATED.match(line) is not None
        or _letter_share(line) < cfg.duplicate_min_letter_share
        or (cfg.keep_comments and _is_sentence(line, cfg.duplicate_reply_min_words))
        or (gap > 1 and _is_passage(line, cfg.duplicate_passage_words))
    )


def _letter_hint(folded: str) -> tuple[int, int, int, int]:
    """How often the case-folded line ``folded`` holds the commonest letters: e, t, a, o.

    Two lines with the same :meth:`Context.joined` words have the same hint:
    every letter of a line is in one of its words, and case folding never turns
    a character outside a word into an ASCII letter.  Counting is a few calls
    in C where tokenising is a pattern search, so the hint screens out the
    paragraphs that cannot repeat.

    >>> _letter_hint("“tea at eight.”") == _letter_hint("tea — at eight")
    True
    """
    return folded.count("e"), folded.count("t"), folded.count("a"), folded.count("o")


_ENUMERATED = regex.compile(r"(?:\d{1,3}|[IVXLC]{1,6}|[a-z])[.)]\s+\S", regex.V1)


def _letter_share(text: str) -> float:
    """The share of letters among the characters of ``text`` that are not spaces.

    Titles and captions are words; table rows, code and command output are
    digits and symbols, and their repeats are the content's own.

    >>> _letter_share("US Carried Out Air Strikes")
    1.0
    >>> round(_letter_share("2 | -0.7570 | t | f"), 2)
    0.15
    """
    chars = [c for c in text if not c.isspace()]
    return sum(c.isalpha() for c in chars) / len(chars) if chars else 0.0


def _is_passage(text: str, min_words: int) -> bool:
    """Several sentences of at least ``min_words`` words: a passage, not a title or caption.

    >>> _is_passage("Rain fell all day in the north of the country. Rivers rose fast and "
    ...             "several towns put out flood barriers.", 20)
    True
    """
    return (
        len(text.split()) >= min_words
        and ends_sentence(text)
        and _INNER_SENTENCE.search(text) is not None
    )


def _is_sentence(text: str, min_words: int) -> bool:
    """A paragraph of at least ``min_words`` words that ends like a sentence."""
    return len(text.split()) >= min_words and ends_sentence(text)


def _wrapped_line(paragraphs: Sequence[str], i: int) -> bool:
    """Whether paragraph ``i`` is one line of hard-wrapped text, not a paragraph of its own.

    It opens in lower case (it continues the line before), or it has no
    closing punctuation and the next line opens in lower case.  Extraction
    duplicates (a title twice, a caption above and below its image) open with
    a capital and end their line.

    >>> _wrapped_line(["Lorem ipsum dolor sit amet,", "sed do eiusmod tempor"], 1)
    True
    >>> _wrapped_line(["US Carried Out Air Strikes", "US Carried Out Air Strikes"], 1)
    False
    """
    line = paragraphs[i].lstrip()
    if line[:1].islower():
        return True
    after = paragraphs[i + 1].lstrip() if i + 1 < len(paragraphs) else ""
    return not ends_sentence(line) and after[:1].islower()


def _pairs(tokens: Sequence[str]) -> set[tuple[str, str]]:
    return set(itertools.pairwise(tokens))


@detector("text")
def pull_quote(paragraphs: Sequence[str], ctx: Context) -> list[Mark]:
    """Drop a fully quoted paragraph that repeats body text, with its "– Name" line.

    Of two fully quoted copies, the first stays; a paragraph after a
    comment-section heading (a reader quoting the article) does not make a
    body paragraph a pull quote.

    >>> paras = ["“We will act to protect our people,” he said on Sunday night.",
    ...          "“We will act to protect our people …”", "– A spokesman"]
    >>> [c.line for c in pull_quote(paras, Context(CleanerConfig()))]
    [1, 2]
    >>> quote = "“If the bridge closes, how do we get to work in the morning?”"
    >>> [c.line for c in pull_quote(["She asked the council one thing.", quote, "Comments",
    ...                              f"Exactly. She said {quote} and nobody answered."],
    ...                             Context(CleanerConfig()))]
    []
    >>> [c.line for c in pull_quote([quote, "More of the story here.", quote],
    ...                             Context(CleanerConfig()))]
    [2]
    """
    cfg = ctx.config
    candidates = _quoted_paragraphs(paragraphs, ctx)
    if not candidates:
        return []
    pairs = [_pairs(t) for _, t in candidates]
    # A line shorter than any quote's source can be is not tokenised.
    min_chars = min(_source_min_chars(q, cfg.pull_quote_overlap) for q in pairs)
    # Nor is a line that holds none of the words some pair of every quote's source holds.
    keys = set().union(*(_source_keys(q, cfg.pull_quote_overlap) for q in pairs))
    holders = _pair_holders(paragraphs, ctx, set().union(*pairs), min_chars, keys)
    # The copy that stays is the first, in the body: a later fully quoted copy
    # is the repeat, and a reader's comment quoting the body is no evidence
    # against the body's own paragraph.
    quoted = {i for i, _ in candidates}
    comments_at: int | None = None  # looked for only once a quote has a source
    cuts = []
    for (i, _), quote_pairs in zip(candidates, pairs, strict=True):
        need = cfg.pull_quote_overlap * len(quote_pairs)
        shared: Counter[int] = Counter(
            j
            for pair in quote_pairs
            for j in holders[pair]
            if j != i and not (j > i and j in quoted)
        )
        if max(shared.values(), default=0) < need:
            continue
        if comments_at is None:
            comments_at = _comments_start(paragraphs, cfg)
        at = comments_at
        best = max((n for j, n in shared.items() if not (i < at <= j)), default=0)
        if best >= need:
            cuts += _quote_cuts(paragraphs, i)
    return cuts


def _comments_start(paragraphs: Sequence[str], cfg: CleanerConfig) -> int:
    """The index of the first comment-section heading, or the paragraph count when none."""
    return next(
        (
            j
            for j, p in enumerate(paragraphs)
            if len(p) <= cfg.link_line_max_chars and _COMMENT_HEADER.match(strip_bullet(p))
        ),
        len(paragraphs),
    )


def _quote_cuts(paragraphs: Sequence[str], i: int) -> list[Mark]:
    """Drop the pull quote ``i``, and its "– Name" line after it."""
    cuts = [Mark("drop-line", i)]
    if i + 1 < len(paragraphs) and _ATTRIBUTION.match(paragraphs[i + 1]):
        cuts.append(Mark("drop-line", i + 1))
    return cuts


def _quoted_paragraphs(
    paragraphs: Sequence[str], ctx: Context
) -> list[tuple[int, tuple[str, ...]]]:
    """The fully quoted paragraphs long enough to be pull quotes, with their words."""
    cfg = ctx.config
    candidates = []
    for i, p in enumerate(paragraphs):
        if (
            p[:1] in _QUOTE_OPEN
            and p.rstrip(" .")[-1:] in _QUOTE_CLOSE
            and len(p) <= cfg.pull_quote_max_chars
        ):
            tokens = ctx.words(p)
            if len(tokens) >= cfg.pull_quote_min_words:
                candidates.append((i, tokens))
    return candidates


def _source_min_chars(pairs: set[tuple[str, str]], overlap: float) -> int:
    """The fewest characters of a case-folded line holding ``overlap`` of a quote's ``pairs``.

    Each pair a line holds starts at a word of its own, so the line holds at
    least that many words, each as long as the first word of its pair, and a
    character between two: the shortest first words give the bound.

    >>> _source_min_chars({("we", "will"), ("will", "act"), ("act", "now")}, 0.7)  # "we will act"
    11
    """
    held = math.ceil(overlap * len(pairs))
    lengths = sorted([len(first) for first, _ in pairs])[:held]
    return sum(lengths) + max(held - 1, 0)


def _source_keys(pairs: set[tuple[str, str]], overlap: float) -> set[str]:
    """Words of which a line holding ``overlap`` of a quote's ``pairs`` holds one.

    Such a line misses at most ``len(pairs) - ceil(overlap * len(pairs))``
    pairs, so it holds one of any set of pairs one larger, and both words of
    that pair: the longer word of each pair in such a set (the set of the
    longest words, the rarest in text) makes a cheap test before tokenising.

    >>> sorted(_source_keys({("we", "will"), ("will", "act"), ("act", "now")}, 0.7))
    ['will']
    """
    held = math.ceil(overlap * len(pairs))
    longer = [a if len(a) >= len(b) else b for a, b in pairs]
    longer.sort(key=len, reverse=True)
    return set(longer[: len(pairs) - held + 1])


def _pair_holders(
    paragraphs: Sequence[str],
    ctx: Context,
    wanted: set[tuple[str, str]],
    min_chars: int = 0,
    keys: set[str] | None = None,
) -> dict[tuple[str, str], list[int]]:
    """Which paragraphs hold each of the ``wanted`` word pairs.

    One pass over the text, not one comparison of every quote with every
    paragraph; a paragraph whose case-folded text is shorter than ``min_chars``
    is passed over (its words, joined by spaces, are no longer), and so is one
    that holds none of ``keys`` (a word is a piece of the case-folded text).
    """
    holders: dict[tuple[str, str], list[int]] = {pair: [] for pair in wanted}
    for j, p in enumerate(paragraphs):
        folded = ctx.folded(p)
        if len(folded) < min_chars or (keys is not None and not any(k in folded for k in keys)):
            continue
        # Only the wanted pairs are collected: most of a paragraph's are not.
        for pair in wanted.intersection(itertools.pairwise(ctx.words(p))):
            holders[pair].append(j)
    return holders


_TIME_ZONES = frozenset(
    "ET PT CT MT EST EDT CST CDT MST MDT PST PDT AKST HST GMT UTC BST CET CEST IST JST AEST".split()
)
_ABBREVIATION = regex.compile(
    r"(?:\p{L}\.){2,}|(?:inc|co|corp|ltd|llc|plc|bros|jr|sr|st|mr|mrs|ms|dr|no|vs)\.",
    regex.IGNORECASE | regex.V1,
)


def _ends_with_abbreviation(body: str) -> bool:
    """Whether the text ends with an abbreviation ("p.m.", "U.S.", "Inc."), not a sentence.

    >>> [_ends_with_abbreviation(t) for t in ("at 8 p.m.", "Games Inc.", "he said.", "in Iran.")]
    [True, True, False, False]
    """
    last = body.rstrip().rsplit(None, 1)[-1] if body.strip() else ""
    return _ABBREVIATION.fullmatch(last.strip("'\"’”()")) is not None


@detector("text")
def editor_note(paragraphs: Sequence[str], ctx: Context) -> list[Mark]:
    """Trim an all-capitals note glued after a paragraph's last sentence ("JEFF OK'D").

    A time zone after a time ("8 p.m. ET") and capitals after an abbreviation
    ("Games Inc. ALL RIGHTS") belong to the sentence and stay, and so do
    capitals ending a line of hard-wrapped text, whose sentence goes on in
    lower case on the next line ("... the BBC", "has learned.").

    >>> [c.span for c in editor_note(["It is early, the official said. JEFF OK’D"],
    ...                              Context(CleanerConfig()))]
    [(32, 41)]
    >>> editor_note(["The dress was stolen ... TMZ", "has learned."], Context(CleanerConfig()))
    []
    >>> editor_note(["The game kicks off at 8 p.m. ET", "Doors open at 7 p.m. CST",
    ...              "Copyright 2008 Games Inc. ALL"], Context(CleanerConfig()))
    []
    """
    cuts = []
    for i, p in enumerate(paragraphs):
        # The note ends the line with a capital or an apostrophe ("$" may stand
        # before a final newline): any other line cannot match.
        last = p[-2:-1] if p[-1:] == "\n" else p[-1:]
        if not (last.isupper() or last in "'’"):
            continue
        m = _EDITOR_NOTE.search(p)
        if m is None:
            continue
        note = m.group("cut")
        body = p[: m.start()]
        letters = [c for c in note if c.isalpha()]
        if len(letters) < 2 or not any(c.islower() for c in body):
            continue
        if note.upper() in _TIME_ZONES or _ends_with_abbreviation(body):
            continue  # "8 p.m. ET", "Games Inc. ALL RIGHTS RESERVED": the sentence goes on
        if i + 1 < len(paragraphs) and paragraphs[i + 1].lstrip()[:1].islower():
            continue  # a hard-wrapped line: the sentence goes on below
        cuts.append(Mark("trim", i, m.span("cut")))
    return cuts


def _comment_count(text: str) -> int | None:
    """The count of a comment counter line ("5 comments", "Comments (12)"), if it is one.

    >>> _comment_count("5 Comments"), _comment_count("Comments (0)"), _comment_count("Comments")
    (5, 0, None)
    >>> _comment_count("{ 43 comments… read them below or add one }")
    43
    """
    m = _COMMENT_COUNT.match(_unbracket(text))
    if m is None:
        return None
    return int(m.group("n") or m.group("m"))


def _per_post_counters(paragraphs: Sequence[str]) -> bool:
    """Whether the text holds comment counters with different counts (a listing of posts)."""
    counts = {
        _comment_count(strip_bullet(p)) for p in paragraphs if len(p) <= 60 and _DIGIT.search(p)
    }
    counts.discard(None)
    return len(counts) > 1


_DIGIT = re.compile(r"\d")


def _unbracket(text: str) -> str:
    """A counter line without the brackets around it and the invitation after the count.

    >>> _unbracket("{ 43 comments… read them below or add one }")
    '43 comments'
    """
    line = text.strip()
    if line[:1] in "{[(" and line[-1:] in "}])":
        line = line[1:-1].strip()
    if not line[:1].isdigit():
        return line  # most lines: no counter to find
    m = _COUNTER_INVITATION.match(line)
    return m.group("counter") if m else line


@detector("text")
def comment_thread(paragraphs: Sequence[str], ctx: Context) -> list[Mark]:
    """Cut from a comment-section heading to the end, once article text came before it.

    Comment threads are often longer than the post, so the heading may sit in
    the first half of the document; what guards the article is that a body
    paragraph (a sentence of at least ``comment_body_min_words`` words, not a
    long headline) precedes the heading.  A heading with nothing after it is
    dropped the same way.  Counters are not headings when they cannot open a
    thread: a count of zero, or counters with different counts, which are the
    per-post links of a page listing several posts (cutting at the first would
    remove every later post): such a counter is dropped alone.  With
    ``keep_comments`` nothing is cut.

    >>> paras = ["Title", "Comments", "The council voted on Monday to close the old "
    ...          "library for good.", "3 Comments", "Great post!", "Thanks for sharing."]
    >>> [c.line for c in comment_thread(paras, Context(CleanerConfig()))]
    [3, 4, 5]
    >>> comment_thread(paras, Context(CleanerConfig(keep_comments=True)))
    []
    >>> posts = [paras[2], "5 comments", "Second post: the library reopened a year later "
    ...          "in the old town hall.", "2 comments"]
    >>> [(c.line, c.kind) for c in comment_thread(posts, Context(CleanerConfig()))]
    [(1, 'drop-line'), (3, 'drop-line')]
    """
    if ctx.config.keep_comments:
        return []
    per_post: bool | None = None  # worked out at the first counter, if any
    min_words = ctx.config.comment_body_min_words
    seen_body = False
    counters: list[Mark] = []
    for i, p in enumerate(paragraphs):
        if seen_body and len(p) <= ctx.config.link_line_max_chars:
            line = _unbracket(strip_bullet(p))
            if _COMMENT_HEADER.match(line):
                count = _comment_count(line)
                if count is not None and per_post is None:
                    per_post = _per_post_counters(paragraphs)
                if count is None or (count > 0 and not per_post):
                    return counters + [Mark("truncate", j) for j in range(i, len(paragraphs))]
                # A counter that opens no thread is a link: it goes alone.
                counters.append(Mark("drop-line", i))
        seen_body = seen_body or (ctx.count(p) >= min_words and ends_sentence(p))
    return counters


def looks_like_headline(text: str, max_words: int) -> bool:
    """A short line without closing punctuation that is not a list item or a quote.

    Lines in capitals are section calls or shouted subheadings more often than
    headlines, and a line with several ``label: value`` pairs is a spec box.

    >>> looks_like_headline("Rail strike called off after talks", 30)
    True
    >>> looks_like_headline("CLICK FOR FULL STATE SWIM RESULTS", 30)
    False
    >>> looks_like_headline("Tested by: John Milbank RRP: £23.99", 30)
    False
    """
    return (
        2 <= len(text.split()) <= max_words
        and any(c.islower() and c.isalpha() for c in text)
        and text.count(": ") < 2
        and not ends_sentence(text, _HEADLINE_STOPS)
        and not _BULLET.match(text)
        and text[:1] not in _QUOTE_OPEN
        and not _INNER_SENTENCE.search(text)
    )


@detector("text")
def headline(paragraphs: Sequence[str], ctx: Context) -> list[Mark]:
    """Move the headline at the top of the text into ``metadata.title``.

    The article body does not include its headline, yet extractors often
    emit it as the first line.  When the title is known (HTML metadata, the
    caller), the lines in the head that repeat it are dropped.  Otherwise the
    first line is taken as the headline when it reads like one (short, no
    closing punctuation) and the line after it is a body sentence; that last
    condition makes the cut stable, since what becomes the first line is then
    a sentence, never a headline.

    >>> cuts = headline(["Rail strike called off", "Train drivers called off a strike on "
    ...                  "Thursday after talks."], Context(CleanerConfig()))
    >>> [(c.line, c.kind, c.fields) for c in cuts]
    [(0, 'extract', {'title': 'Rail strike called off'})]
    >>> [c.line for c in headline(["Rail strike called off", "Body.", "Rail Strike Called Off"],
    ...                            Context(CleanerConfig(), {"title": "Rail strike called off"}))]
    [0, 2]
    """
    cfg = ctx.config
    if cfg.keep_headline:
        return []
    title = ctx.metadata.get("title")
    if isinstance(title, str) and ctx.key(title):
        wanted = ctx.key(title)
        repeats = [
            Mark("drop-line", i)
            for i, p in enumerate(paragraphs[: cfg.head_lines])
            if ctx.key(p) == wanted
        ]
        # A title that came with the document is the headline: only its copies go.
        # A title this step took from the text may have been a stray line, so a
        # headline that surfaces later goes too (the title stays the first one):
        # the text then never starts with a headline, and cleaning it again
        # finds none.
        if repeats or "title" in ctx.given:
            return repeats
    if len(paragraphs) < 2:
        return []
    first, second = paragraphs[0], paragraphs[1]
    if not looks_like_headline(first, cfg.title_max_words):
        return []
    if looks_like_headline(second, cfg.title_max_words):
        return []
    # What follows a headline is the body: a sentence, not a menu item, and not
    # the rest of a hard-wrapped sentence (a line that opens in lower case).
    if (
        len(second.split()) < cfg.headline_body_min_words
        or _BULLET.match(second)
        or second.lstrip()[:1].islower()
    ):
        return []
    return [Mark("extract", 0, fields={"title": first})]


@detector("text")
def capital_crosslink(paragraphs: Sequence[str], ctx: Context) -> list[Mark]:
    """Drop headlines of other stories set in capitals between paragraphs.

    Some sites insert links to other stories as all-capital lines ("SEAN SPICER
    ELIMINATED FROM 'DANCING WITH THE STARS'") after a paragraph.  Article
    subheadings in capitals are short ("FORD MUSTANG MACH E"), so only lines of
    at least ``crosslink_min_words`` words without closing punctuation that
    follow a body sentence are dropped.

    >>> paras = ["The show lost another contestant on Monday night, the network said.",
    ...          "SEAN SPICER ELIMINATED FROM 'DANCING WITH THE STARS' AFTER LONG RUN",
    ...          "TOYOTA RAV4 PRIME"]
    >>> [c.line for c in capital_crosslink(paras, Context(CleanerConfig()))]
    [1]
    """
    cfg = ctx.config
    cuts = []
    for i in range(1, len(paragraphs)):
        p = paragraphs[i]
        count = ctx.count(p)
        if count < cfg.crosslink_min_words or count > cfg.title_max_words:
            continue
        # Letters, none of them lower-case; most lines fail at their second character.
        if (
            ends_sentence(p, _HEADLINE_STOPS)
            or any(c.islower() and c.isalpha() for c in p)
            or not any(map(str.isalpha, p))
        ):
            continue
        before = paragraphs[i - 1]
        if ctx.count(before) >= cfg.comment_body_min_words and ends_sentence(before):
            cuts.append(Mark("drop-line", i))
    return cuts


_MONTHS = (
    "jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|"
    "september|oct|october|nov|november|dec|december|janeiro|fevereiro|março|abril|maio|junho|"
    "julho|agosto|setembro|outubro|novembro|dezembro|enero|febrero|marzo|mayo|junio|julio|"
    "septiembre|octubre|noviembre|diciembre|gennaio|febbraio|aprile|maggio|giugno|luglio|"
    "settembre|ottobre|dicembre|januar|februar|märz|mai|juni|juli|oktober|dezember|janvier|"
    "février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre"
)
_DATE_TOKEN = regex.compile(
    rf"\b\d{{1,4}}[-/.]\d{{1,2}}[-/.]\d{{2,4}}\b|\b\d{{1,2}}:\d{{2}}\b"
    rf"|\b(?:{_MONTHS})\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\.?\s+(?:de\s+)?(?:{_MONTHS})\b",
    regex.IGNORECASE | regex.V1,
)
_DATE_FILLER = regex.compile(
    rf"^(?:\d+(?:st|nd|rd|th)?|{_MONTHS}|updated?|published|posted|modified|first|last|on|at|"
    r"am|pm|a\.m|p\.m|gmt|utc|[ecmp][sd]t|bst|cet|ist|hrs|ago|hours?|minutes?|de|às|em|le|"
    r"il|am|um|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|"
    r"sun|segunda|terça|quarta|quinta|sexta|sábado|domingo|feira|lunes|martes|miércoles|jueves|"
    r"viernes|publicado|atualizado|actualizado|aggiornato|pubblicato|veröffentlicht|"
    r"aktualisiert|mis|à|jour|by)$",
    regex.IGNORECASE | regex.V1,
)


def _is_timestamp(text: str, max_other_words: int) -> bool:
    """A line that is mostly a date or time ("sexta-feira, 22 de outubro de 2010 às 20:13").

    >>> _is_timestamp("Updated at 1:23 p.m. ET", 3)
    True
    >>> _is_timestamp("Concerts run from 29 November to 20 January in the old hall", 3)
    False
    """
    if _POST_ATTRIBUTION.match(text) or not _DATE_TOKEN.search(text):
        return False
    tokens = regex.findall(r"[\p{L}\p{N}]+(?:\.[\p{L}])*\.?", strip_bullet(text))
    other = [t for t in tokens if not _DATE_FILLER.match(t.rstrip("."))]
    return len(tokens) <= 16 and len(other) <= max_other_words


@detector("text")
def edge_timestamp(paragraphs: Sequence[str], ctx: Context) -> list[Mark]:
    """Drop date and time stamps in the first and last few paragraphs.

    Publication and update stamps sit at the edges of the text, in any
    language ("기사입력 :[ 2018-08-25 15:24 ]", "Updated at 1:23 p.m.").  Inside
    the article, lines of dates are content (a schedule, a list of races), so
    only ``edge_lines`` paragraphs at each end are looked at, and only those
    before the first or after the last body paragraph.

    >>> body = "The story of the day, told at length in one paragraph of more than fifteen words."
    >>> paras = ["sexta-feira, 22 de outubro de 2010 às 20:13", body, "The race calendar:",
    ...          "29 November 2018", body, "Updated at 1:23 p.m."]
    >>> [c.line for c in edge_timestamp(paras, Context(CleanerConfig()))]
    [0, 5]
    """
    n, edge = len(paragraphs), ctx.config.edge_lines
    body_words = ctx.config.comment_body_min_words
    first_body = _body_start(paragraphs, body_words, ctx)
    last_body = n - 1 - _body_start(paragraphs[::-1], body_words, ctx)
    return [
        Mark("drop-line", i)
        for i, p in enumerate(paragraphs)
        if (
            (i < edge and i < first_body and not ctx.config.keep_headline)
            or (i >= n - edge and i > last_body)
        )
        and len(p) <= ctx.config.timestamp_max_chars
        and _is_timestamp(p, ctx.config.timestamp_max_other_words)
    ]
