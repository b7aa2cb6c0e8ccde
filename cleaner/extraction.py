"""Main-content extraction: a trafilatura pass bounded by resiliparse, then block filters.

trafilatura's recall focus keeps every paragraph of an article but lets
navigation and teasers in at the edges; resiliparse's main-content extractor
(:mod:`cleaner.resili`) finds where the article lies at a tenth of the cost.
Combining them, then filtering blocks on structure the text alone cannot show
(link density, the headline), gives better text than either.  Steps, and why
each runs where it does:

1. **recall pass** of trafilatura (comments apart, and only with
   ``keep_comments``, appended after the article; links kept so that link
   density can be measured, without its fallback extractors: the span bounds
   it anyway, and it is faster);
2. **span merge** (``generic/html_span_merge``): keep the pass's blocks from
   the first to the last block resiliparse also found; outside that span, keep
   only long, link-poor prose.  Guards: a span source much shorter than the
   pass keeps the pass; one mostly absent from the pass is used instead;
3. **block filters** on the merged tree: the ``block`` detectors named by
   ``CleanerConfig.html_block_filters``: ``generic/html_headline`` (a block
   among the first few repeating the page title: the headline is metadata),
   ``generic/html_link_blocks`` (short blocks that are mostly link text),
   ``generic/html_boilerplate_blocks`` (short blocks opening like a share,
   related, newsletter, copyright or credit line).  Each filter looks at
   every block on its own; a block several claim is recorded under the first
   in config order;
4. **serialise** with trafilatura's own text output.

The fast mode (:func:`extract_fast`) skips 1 and 2: resiliparse's blocks,
filtered by 3, are the text.  Nothing here is keyed to a site; thresholds live
in :class:`cleaner.config.CleanerConfig`.
"""

from __future__ import annotations

import difflib
from collections import Counter
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any

import regex
import trafilatura
from lxml import etree
from lxml.html import HtmlElement, tostring
from resiliparse.parse.html import HTMLTree
from trafilatura.core import bare_extraction
from trafilatura.xml import xmltotxt

from cleaner import resili
from cleaner.config import CleanerConfig
from cleaner.detectors import detector, of_stage, rule_id
from cleaner.htmlrules import HtmlRemoval
from cleaner.tokens import runs, tokens, word_length

_SPACE = regex.compile(r"\s+")

BOILERPLATE = regex.compile(
    r"""^\W*(
    related(\s+(posts?|articles?|stories|coverage|content|reading))?\b | read\s+(more|also|next)\b
    | see\s+(more|also)\b | also\s+(read|see|on)\b | more\s*(:|from|on|stories|news)\b | more\W*$
    | don'?t\s+miss\b | click\s+here\b | sign\s*(up|in)\b | subscribe\b
    | follow\s+(us|@|the|our|him|her)\b | share\s+(this|on|via)\b | like\s+this\s+(story|article)
    | comments?\W*$ | \d+\s+comments?\b | copyright\b | © | all\s+rights\s+reserved | tags?\s*:
    | tags\W*$ | filed\s+under\b | advertisement\W*$ | newsletter\b | get\s+the\s+.*\s+app\b
    | download\s+the\s+.*\s+app\b | explore\s+further\b | recommended\b | trending\b
    | most\s+(read|popular|viewed)\b | popular\s+on\b | you\s+(may|might)\s+also\s+like
    | (additional\s+)?reporting\s+by\b | editing\s+by\b | written\s+by\b | write\s+to\b
    | contact\s+(the\s+)?(writer|author|reporter)\b | email\s+\S+\s+at\b
    | photo(graph)?s?\s*(:|by|credit)\b | image\s*(:|by|credit)\b | credit\s*: | source\s*:
    | print\s+article\b | order\s+reprints\b | thanks?\s+(you\s+)?for\s+(signing|subscribing)
    )""",
    regex.IGNORECASE | regex.VERBOSE,
)
"""Openings of short blocks that are page furniture, not article text."""


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of ``n``-token shingles; a text of fewer tokens is one shingle of them all.

    >>> sorted(_shingles("a b c d e", 4).items()), dict(_shingles("a b", 4)), _shingles("")
    ([(('a', 'b', 'c', 'd'), 1), (('b', 'c', 'd', 'e'), 1)], {('a', 'b'): 1}, Counter())
    """
    return _word_shingles(runs(text), n)


def _word_shingles(t: list[str], n: int = 4) -> Counter[tuple[str, ...]]:
    """:func:`_shingles` of a text already split into tokens."""
    if len(t) < n:
        return Counter([tuple(t)] if t else [])
    return Counter(zip(*(t[k:] for k in range(n)), strict=False))  # shifted copies


def _text(element: Any) -> str:
    return "".join(element.itertext())


def link_density(element: Any) -> float:
    """Share of an extracted block's visible characters inside links (``<ref>``)."""
    n = len(_SPACE.sub("", _text(element)))
    if not n:
        return 0.0
    linked = sum(len(_SPACE.sub("", _text(r))) for r in element.iter("ref"))
    return linked / n


def units(body: Any) -> list[Any]:
    """Leaf blocks of an extracted body: top-level blocks, list items, inside divs."""
    out: list[Any] = []
    for child in body:
        if child.tag == "list":
            items = [it for it in child if it.tag == "item"]
            out.extend(items or [child])
        elif child.tag == "div":
            out.extend(units(child))
        else:
            out.append(child)
    return out


def _remove(unit: Any) -> int:
    """Remove a block (and a list or div it leaves empty); return its text length."""
    parent = unit.getparent()
    if parent is None:
        return 0
    chars = len(" ".join(_text(unit).split()))
    parent.remove(unit)
    empty = not len(parent) and not (parent.text or "").strip()
    if parent.tag in ("list", "div") and empty and parent.getparent() is not None:
        parent.getparent().remove(parent)
    return chars


def body_to_text(body: Any) -> str:
    """Serialise an extracted body as trafilatura's plain text, links unwrapped."""
    if body is None:
        return ""
    copy = deepcopy(body)
    etree.strip_tags(copy, "ref")
    return str(xmltotxt(copy, False))


@dataclass(slots=True)
class Extraction:
    """The main text of a page and how it was obtained.

    Attributes:
        text: The extracted text (empty when nothing was found).
        removals: Blocks the combination and the block filters removed.
        detail: Facts for provenance (how the passes were combined).
        span_text: resiliparse's main content as plain text, before the block
            filters (a candidate of the learned choice, :mod:`cleaner.choice`).
        recall_text: trafilatura's recall pass as plain text, before the span
            merge and the block filters (a candidate too).
        page_text: resiliparse's main content of the page as it came, at its
            defaults (a candidate too; set when ``extract_main`` was given the
            page as it came, else computed by :mod:`cleaner.candidates`).
        figures: Markup figures of the untouched page
            (:func:`cleaner.candidates.page_figures`), when a choice follows.
    """

    text: str
    removals: list[HtmlRemoval] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)
    span_text: str = ""
    recall_text: str = ""
    page_text: str | None = None
    figures: dict[str, float] = field(default_factory=dict)


def recall_document(tree: HtmlElement, config: CleanerConfig) -> tuple[Any, Any]:
    """Trafilatura's recall-focus body, links kept as ``<ref>``, and its comments body.

    Each is ``None`` if empty.  Comments are extracted apart from the body only
    when ``config.keep_comments`` asks for them.  No URL is passed: trafilatura
    would only use it to resolve each link's target, which the text never shows.
    """
    document = bare_extraction(
        tree,
        include_comments=config.keep_comments,
        include_tables=True,
        include_links=True,
        fast=config.html_recall_fast,
        favor_recall=True,
    )
    body = getattr(document, "body", None)
    comments = getattr(document, "commentsbody", None)
    return (
        body if body is not None and len(body) else None,
        comments if comments is not None and len(comments) else None,
    )


def _covered(text: str, pshingles: Counter[tuple[str, ...]], ptokens: set[str]) -> bool | None:
    words = runs(text)
    if not words:
        return None
    if len(words) >= 4:
        # The block's 4-token shingles, each counted as often as it occurs.
        grams = list(zip(words, words[1:], words[2:], words[3:], strict=False))
        return sum(g in pshingles for g in grams) / len(grams) >= 0.5
    return all(w in ptokens for w in words)


@detector("step", why="Outside the article span found by resiliparse's main-content extractor.")
def html_span_merge(rbody: Any, pbody: Any, config: CleanerConfig, extraction: Extraction) -> Any:
    """Keep the recall body's blocks within the span the span source (``pbody``) covers."""
    if rbody is None or pbody is None:
        extraction.detail["merge"] = "single source"
        return pbody if rbody is None else rbody
    # Plain text of each body: only its tokens count here, so no serialisation.
    rtext, ptext = " ".join(rbody.itertext()), " ".join(pbody.itertext())
    if len(ptext) < config.html_merge_min_ratio * len(rtext):
        extraction.detail["merge"] = "span source too short: recall pass kept"
        return rbody
    pwords = runs(ptext)
    rsh, psh = _shingles(rtext), _word_shingles(pwords)
    # The multiset intersection's size, counted over the (shorter) span source.
    shared = sum(min(k, rsh[g]) for g, k in psh.items() if g in rsh)
    if shared / max(1, sum(psh.values())) < config.html_merge_min_coverage:
        extraction.detail["merge"] = "sources disagree: span source kept"
        return pbody
    ptokens = set(pwords)
    blocks = units(rbody)
    flags = [_covered(_text(u), psh, ptokens) for u in blocks]
    inside = [i for i, f in enumerate(flags) if f]
    extraction.detail["merge"] = "span"
    if not inside:
        return rbody
    first, last = inside[0], inside[-1]
    count = chars = 0
    for i, unit in enumerate(blocks):
        if first <= i <= last:
            continue
        block = unit.getparent() if unit.tag == "item" else unit
        prose = word_length(_text(block)) >= config.html_merge_keep_words
        if prose and link_density(block) <= config.html_merge_keep_link_density:
            continue
        chars += _remove(unit)
        count += 1
    if count:
        extraction.removals.append(
            HtmlRemoval(rule_id(html_span_merge), "outside article span", count, chars)
        )
    return rbody


def same_title(block: list[str], title: list[str]) -> bool:
    """Tell whether a block's tokens repeat a title's (``Headline | Site`` too).

    >>> same_title(["bridge", "reopens"], ["bridge", "reopens", "courier"])
    True
    >>> same_title(["more", "news"], ["bridge", "reopens"])
    False
    """
    if not block or not title:
        return False
    a, b = " ".join(block), " ".join(title)
    if a == b:
        return True
    if len(block) >= 2 and a in b and len(block) >= 0.5 * len(title):
        return True
    if len(title) >= 3 and b in a and len(title) >= 0.7 * len(block):
        return True
    if 2 * min(len(block), len(title)) < 0.8 * (len(block) + len(title)):
        return False  # the ratio below is at most this bound: no need to compute it
    return difflib.SequenceMatcher(None, block, title, autojunk=False).ratio() >= 0.8


def title_tokens(texts: list[str]) -> list[list[str]]:
    """Token lists of headline candidates, empty ones dropped.

    >>> title_tokens(["Bridge reopens | Courier", ""])
    [['bridge', 'reopens', 'courier']]
    """
    return [t for t in (tokens(x) for x in texts) if t]


def page_titles(tree: HtmlElement) -> list[list[str]]:
    """Headline candidates of a page: ``<title>``, og/twitter titles, ``<h1>``."""
    found = [e.text_content() for e in tree.iter("title", "h1")]
    found += [
        str(v)
        for v in tree.xpath(
            "//meta[@property='og:title' or @name='og:title' or @name='twitter:title' "
            "or @property='twitter:title']/@content"
        )
    ]
    return title_tokens(found)


def _few_tokens(text: str, limit: int) -> list[str] | None:
    """:func:`tokens` of a text that has at most ``limit`` of them, else ``None``.

    A prefix never holds more tokens than the whole text, so a long text with
    too many tokens in a prefix is settled without reading the rest.

    >>> _few_tokens("Read more: the budget", 5), _few_tokens("word " * 500, 5)
    (['read', 'more', 'the', 'budget'], None)
    """
    head = text[: (limit + 1) * 20]
    if len(head) < len(text) and len(tokens(head)) > limit:
        return None
    words = tokens(text)
    return words if len(words) <= limit else None


@dataclass(frozen=True, slots=True)
class BlockContext:
    """What a block filter may consult besides the blocks.

    Attributes:
        config: Thresholds.
        titles: Token lists of the page's headline candidates.
        texts: The text of each block.
    """

    config: CleanerConfig
    titles: list[list[str]]
    texts: list[str]


@detector("block")
def html_headline(blocks: list[Any], ctx: BlockContext) -> list[tuple[str, int]]:
    """A leading block repeating the page title: the headline is metadata.

    Unless the headline is wanted in the text (``CleanerConfig.keep_headline``).
    """
    if ctx.config.keep_headline:
        return []
    return [
        ("page title", i)
        for i, text in enumerate(ctx.texts[: ctx.config.html_headline_blocks])
        if any(same_title(tokens(text), t) for t in ctx.titles)
    ]


@detector("block")
def html_link_blocks(blocks: list[Any], ctx: BlockContext) -> list[tuple[str, int]]:
    """A short block that is mostly link text (menus, teasers, tags)."""
    cfg = ctx.config
    return [
        ("link density", i)
        for i, unit in enumerate(blocks)
        if unit.tag in ("p", "item", "head")
        and _few_tokens(ctx.texts[i], cfg.html_link_block_max_words)
        and link_density(unit) > cfg.html_link_block_density
    ]


@detector("block")
def html_boilerplate_blocks(blocks: list[Any], ctx: BlockContext) -> list[tuple[str, int]]:
    """A short block opening like a share, related, newsletter, copyright or credit line."""
    limit = ctx.config.html_boilerplate_max_words
    return [
        ("furniture opening", i)
        for i, text in enumerate(ctx.texts)
        if _few_tokens(text, limit) and BOILERPLATE.search(text.strip())
    ]


def block_filters(
    body: Any, titles: list[list[str]], config: CleanerConfig, extraction: Extraction
) -> None:
    """Run the block filters of ``config.html_block_filters`` on an extracted body, in place.

    Each filter sees every block; a block more than one claims is recorded
    under the first in config order.  Removals are recorded per filter, in the
    order of the first block each removed.
    """
    blocks = units(body)
    ctx = BlockContext(config, titles, [_text(u) for u in blocks])
    dropped: dict[int, tuple[str, str]] = {}
    for found in of_stage("block", config.html_block_filters):
        for selector, i in found.run(blocks, ctx):
            dropped.setdefault(i, (found.id, selector))
    totals: dict[str, HtmlRemoval] = {}
    for i, (rule, selector) in sorted(dropped.items()):
        chars = _remove(blocks[i])
        seen = totals.get(rule)
        count, total = (seen.elements, seen.chars) if seen else (0, 0)
        totals[rule] = HtmlRemoval(rule, selector, count + 1, total + chars)
    extraction.removals += totals.values()


def extract_main(
    tree: HtmlElement, *, config: CleanerConfig, html: str | None = None
) -> Extraction:
    """Extract the main text of a parsed page (the tree is not modified).

    Args:
        tree: The page, after HTML-level removals.
        config: Thresholds.
        html: The page's HTML when no removal changed its text (resiliparse
            then parses it as is; otherwise the tree is serialised for it).
    """
    extraction = Extraction("")
    rbody, comments = recall_document(tree, config)
    page: HTMLTree | str = html if html is not None else str(tostring(tree, encoding=str))
    deep = None
    if html is not None and config.html_choice:
        # The page as it came: one parse (and one depth check) serves the span and
        # the choice's own candidate.
        page = resili.parse_page(html)
        deep = resili.too_deep(page)
        extraction.page_text = resili.main_text(page, deep=deep)
    span = resili.main_body(page, comments=config.keep_comments, deep=deep)
    # Read before the merge and the block filters, which may edit both bodies.
    extraction.span_text = body_to_text(span)
    if config.html_choice:
        extraction.recall_text = "\n".join(
            filter(None, (body_to_text(rbody), body_to_text(comments)))
        )
    body = html_span_merge(rbody, span, config, extraction)
    if body is None:
        return extraction
    block_filters(body, page_titles(tree), config, extraction)
    extraction.text = body_to_text(body)
    if comments is not None:
        # keep_comments: the discussion follows the article, as on the page.
        extraction.text = "\n".join(filter(None, (extraction.text, body_to_text(comments))))
    return extraction


def extract_fast(page: HTMLTree, titles: list[list[str]], *, config: CleanerConfig) -> Extraction:
    """Extract the main text with resiliparse alone, then the block filters (the fast mode)."""
    extraction = Extraction("")
    body = resili.main_body(page)
    extraction.detail["merge"] = "span source only"
    if body is None:
        return extraction
    block_filters(body, titles, config, extraction)
    extraction.text = body_to_text(body)
    return extraction


def extract_guarded(
    page: HTMLTree, html: str, titles: list[list[str]], *, config: CleanerConfig
) -> Extraction:
    """The fast mode's extraction: resiliparse's (:func:`extract_fast`), checked by a guard.

    When the page is rich in prose (``html_fast_guard_min_words`` words in lines
    of ``html_fast_guard_line_words`` words or more) and resiliparse's
    extraction holds less than ``html_fast_guard_share`` of it
    (:func:`cleaner.resili.prose_coverage`), its main-content rules missed the
    article: trafilatura's fast pass (no fallback extractors) extracts the page,
    as plain text, unless it finds nothing.  ``detail["guard"]`` records the
    figures when the guard fired.
    """
    extraction = extract_fast(page, titles, config=config)
    if config.html_fast_guard_share <= 0:
        return extraction
    covered, total = resili.prose_coverage(page, extraction.text, config.html_fast_guard_line_words)
    if total < config.html_fast_guard_min_words or covered >= config.html_fast_guard_share * total:
        return extraction
    text = trafilatura.extract(html, fast=True, include_comments=config.keep_comments) or ""
    guard = {"prose_words": total, "held": covered}
    if not text.strip():
        extraction.detail["guard"] = {**guard, "taken": "resiliparse"}
        return extraction
    return Extraction(
        str(text),
        detail={"merge": "guard", "guard": {**guard, "taken": "trafilatura (fast)"}},
    )
