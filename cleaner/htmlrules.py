"""HTML-level removals before extraction: pack ``html:`` rules and generic heuristics.

Some noise is plain in the markup and invisible in the extracted text: a share
bar is a ``<div class="share-buttons">``, a newsletter box a
``<section id="newsletter-signup">``.  Removing such elements before trafilatura runs gives it a
cleaner page.  Every removal is recorded as an :class:`HtmlRemoval` (rule,
selector, element count, characters of text removed); they go into the
provenance as ``html_removals``.

Pack rules (``html:`` in a rule pack, see :class:`cleaner.rules.model.HtmlRules`)
run first, in the order site pack then ``always`` packs; then the generic
``html`` detectors of :mod:`cleaner.detectors` named by
``CleanerConfig.html_heuristics``, in that order, each recorded under its id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import regex
from lxml import etree
from lxml.html import HtmlElement

from cleaner.config import CleanerConfig
from cleaner.detectors import detector, of_stage, rule_id
from cleaner.rules.model import HtmlRules

_PROTECTED = frozenset({"html", "head", "body"})


@dataclass(frozen=True, slots=True)
class HtmlRemoval:
    """Elements removed from a page by one rule and selector.

    Attributes:
        rule: ``<pack>/html_strip``, ``<pack>/html_strip_id_or_class``,
            ``<pack>/html_body`` or ``generic/html_<name>``.
        selector: The XPath, the id/class string, or what the heuristic matched.
        elements: How many elements were removed.
        chars: Characters of text (whitespace collapsed) they held.
    """

    rule: str
    selector: str
    elements: int
    chars: int

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form used in provenance."""
        return {
            "rule": self.rule,
            "selector": self.selector,
            "elements": self.elements,
            "chars": self.chars,
        }


def text_length(element: HtmlElement) -> int:
    """Characters of text inside an element (not its tail), whitespace collapsed.

    >>> from lxml.html import fragment_fromstring
    >>> text_length(fragment_fromstring("<div> a  <b>bc</b>\\n</div>"))
    4
    """
    return len(" ".join("".join(element.itertext()).split()))


def _attached(element: HtmlElement, root: HtmlElement) -> bool:
    return element.getroottree().getroot() is root


def remove_elements(root: HtmlElement, elements: Iterable[Any]) -> tuple[int, int]:
    """Remove elements (keeping their tail text); return (elements, characters) removed.

    Elements already detached by an earlier removal, the root, ``<head>`` and
    ``<body>`` are passed over, so nested matches are counted once.
    """
    count = chars = 0
    for element in elements:
        if not isinstance(element, HtmlElement) or not isinstance(element.tag, str):
            continue
        if element.tag in _PROTECTED or not _attached(element, root):
            continue
        chars += text_length(element)
        element.drop_tree()
        count += 1
    return count, chars


def _outermost(elements: Sequence[HtmlElement]) -> list[HtmlElement]:
    chosen = set(elements)
    return [e for e in elements if not any(a in chosen for a in e.iterancestors())]


def _class_contains(element: HtmlElement, needle: str) -> bool:
    return needle in (element.get("class") or "") or needle in (element.get("id") or "")


def apply_pack_rules(root: HtmlElement, pack: str, rules: HtmlRules) -> list[HtmlRemoval]:
    """Apply one pack's ``html:`` section to a parsed page, in place.

    ``body`` first (the first XPath that matches keeps only its elements in
    ``<body>``), then ``strip`` XPaths, then ``strip_id_or_class`` strings.
    """
    removals: list[HtmlRemoval] = []
    body = root.find("body")
    for path in rules.body:
        if body is None:
            break
        found = [e for e in path.xpath(root) if isinstance(e, HtmlElement)]
        kept = _outermost([e for e in found if e.tag not in _PROTECTED])
        if not kept:
            continue
        before = text_length(body)
        for child in list(body):
            body.remove(child)
        body.text = None
        for element in kept:
            element.tail = None
            body.append(element)
        removals.append(
            HtmlRemoval(f"{pack}/html_body", path.source, len(kept), before - text_length(body))
        )
        break
    for path in rules.strip:
        count, chars = remove_elements(root, path.xpath(root))
        if count:
            removals.append(HtmlRemoval(f"{pack}/html_strip", path.source, count, chars))
    for needle in rules.strip_id_or_class:
        matches = [e for e in root.iter() if isinstance(e.tag, str) and _class_contains(e, needle)]
        count, chars = remove_elements(root, matches)
        if count:
            removals.append(HtmlRemoval(f"{pack}/html_strip_id_or_class", needle, count, chars))
    return removals


@dataclass(frozen=True, slots=True)
class HtmlContext:
    """What an HTML heuristic may consult besides the page.

    Attributes:
        config: Thresholds.
        metadata: The page's metadata, read before any removal (title...).
    """

    config: CleanerConfig
    metadata: Mapping[str, Any]


_SPLIT = regex.compile(r"[-_\s:]+|(?<=\p{Ll})(?=\p{Lu})")

WIDGET_TOKENS = frozenset(
    """share sharing sharebar social socials related newsletter newsletters subscribe
    subscription signup comment comments disqus outbrain taboola recommended promo""".split()
)
"""Class/id tokens of widgets that never hold article text."""

COMMENT_TOKENS = frozenset({"comment", "comments", "disqus"})
"""The widget tokens of comment sections, kept when ``keep_comments`` is on."""

# A token equal to a widget token is a substring of the lower-cased class and
# id: one search of this alternation rules out most elements before splitting.
_WIDGET_HINT = re.compile("|".join(sorted(WIDGET_TOKENS)))


def widget_token(raw: str) -> str | None:
    """The widget token of a class and id string, if it has one (the first in order).

    >>> widget_token("post-shareBar x"), widget_token("article-body"), widget_token("shared")
    ('share', None, None)
    """
    if _WIDGET_HINT.search(raw.lower()) is None:
        return None  # most elements: no token can match, no need to split
    hits = {t.lower() for t in _SPLIT.split(raw) if t} & WIDGET_TOKENS
    return min(hits) if hits else None


def _paragraph_chars(element: HtmlElement) -> int:
    return sum(text_length(p) for p in element.iter("p"))


@detector("html")
def html_widgets(root: HtmlElement, ctx: HtmlContext) -> list[tuple[str, HtmlElement]]:
    """Share, social, related, newsletter and comment widgets named by their class or id.

    An element holding more than ``html_widget_max_share`` of the page's
    paragraph text is kept: a theme may put ``comments`` on the article wrapper.
    With ``keep_comments``, comment sections stay (they are content then).
    """
    total = _paragraph_chars(root) or 1
    found: list[tuple[str, HtmlElement]] = []
    accepted: set[HtmlElement] = set()
    for element in root.xpath("//*[@class or @id]"):
        if not isinstance(element.tag, str) or element.tag in _PROTECTED:
            continue
        token = widget_token(f"{element.get('class') or ''} {element.get('id') or ''}")
        if token is None or (ctx.config.keep_comments and token in COMMENT_TOKENS):
            continue
        if any(a in accepted for a in element.iterancestors()):
            continue  # inside a widget already removed: nothing more to measure
        if _paragraph_chars(element) <= ctx.config.html_widget_max_share * total:
            found.append((token, element))
            accepted.add(element)
    return found


CHROME_TAGS = ("nav", "footer", "aside", "menu")
"""Sections of page chrome by their HTML5 element."""

CONTROL_TAGS = (
    *("button", "input", "select", "option", "textarea"),
    *("iframe", "embed", "object", "param", "canvas", "svg", "noscript"),
    *("video", "audio", "picture", "source", "track", "map", "area"),
)
"""Form controls, embedded media and fallbacks: no article text in them."""


@detector("html")
def html_chrome(root: HtmlElement, ctx: HtmlContext) -> list[tuple[str, HtmlElement]]:
    """Navigation, footers, asides and menus, form controls and embedded media, by element.

    trafilatura deletes every one of these elements before it extracts, but
    only after walking them with its pruning expressions (several passes over
    the page, and three copies of it); removed first, they cost one walk.
    Navigation and footers are the largest subtrees of most news pages, so this
    takes a sixth of the HTML path's time off at no change of text on the
    development set.  A section holding more than ``html_widget_max_share`` of
    the page's paragraph text is kept, as in :func:`html_widgets` (a theme may
    wrap the article in ``<aside>``); trafilatura then decides, as it would.
    """
    found: list[tuple[str, HtmlElement]] = []
    total: int | None = None
    for element in root.iter(*CHROME_TAGS):
        if element.find(".//p") is not None:
            total = total if total is not None else (_paragraph_chars(root) or 1)
            if _paragraph_chars(element) > ctx.config.html_widget_max_share * total:
                continue
        found.append((str(element.tag), element))
    found += [(str(e.tag), e) for e in root.iter(*CONTROL_TAGS)]
    return found


INERT_TAGS = ("script", "style", "template", "link")
"""Elements that render no text; both extractors drop them, so they go first."""


@detector("step")
def html_inert(root: HtmlElement) -> HtmlRemoval | None:
    """Remove scripts, styles, templates and ``<link>`` elements (keeping tails), in place.

    trafilatura and resiliparse discard these anyway; removing them once,
    before either runs, spares both the walk through them.  Recorded as
    ``generic/html_inert`` with 0 characters: they render no text.

    >>> from lxml.html import fromstring
    >>> page = fromstring("<html><body><p>Hi</p><script>x()</script>!</body></html>")
    >>> html_inert(page).to_dict(), [e.tag for e in page.iter()], page.find("body/p").tail
    ({'rule': 'generic/html_inert', 'selector': 'script style template link', \
'elements': 1, 'chars': 0}, ['html', 'body', 'p'], '!')
    """
    count = sum(1 for _ in root.iter(*INERT_TAGS))
    if not count:
        return None
    etree.strip_elements(root, *INERT_TAGS, with_tail=False)
    return HtmlRemoval(rule_id(html_inert), " ".join(INERT_TAGS), count, 0)


def apply_heuristics(
    root: HtmlElement,
    config: CleanerConfig,
    metadata: Mapping[str, Any] | None = None,
    names: Iterable[str] | None = None,
) -> list[HtmlRemoval]:
    """Run the generic HTML heuristics on a parsed page, in place.

    Args:
        root: The page.
        config: Thresholds.
        metadata: The page's metadata, read before any removal.
        names: Heuristics to run (default: ``config.html_heuristics``).
    """
    ctx = HtmlContext(config, metadata or {})
    removals: list[HtmlRemoval] = []
    for found in of_stage("html", config.html_heuristics if names is None else tuple(names)):
        by_selector: dict[str, list[HtmlElement]] = {}
        for selector, element in found.run(root, ctx):
            by_selector.setdefault(selector, []).append(element)
        for selector, elements in by_selector.items():
            count, chars = remove_elements(root, elements)
            if count:
                removals.append(HtmlRemoval(found.id, selector, count, chars))
    return removals
