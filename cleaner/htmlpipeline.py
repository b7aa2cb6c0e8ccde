"""The HTML steps and their order: from a page to the text the text pipeline cleans.

Order, and why:

1. **decode** bytes (BOM, declared charset, ``<meta charset>``, UTF-8, detection),
   **parse and read metadata** from the untouched page (title, author, date):
   later steps remove elements that hold them;
2. **prune**: the site pack's ``html:`` rules (:func:`prune_site`), then the
   generic ``html`` detectors of ``CleanerConfig.html_heuristics`` and inert
   elements (``generic/html_inert``) (:func:`prune`); every removal is recorded;
3. **extract candidates**: each producer of :func:`producers` turns the page
   into a :class:`Candidate` (its text, its removals, facts for provenance).
   The default mode has one, trafilatura's recall pass bounded by resiliparse
   (:func:`default_candidate`); the fast mode tries resiliparse alone, or
   trafilatura's fast pass where a guard finds resiliparse missed the page's
   prose (:func:`fast_candidate`), and then the default one;
4. **choose** (:func:`choose_first`): the first candidate with at least
   ``html_fast_min_words`` words, else the last; the choice is recorded in
   ``provenance["source"]["extractor"]``.

In the default mode a learned choice follows (:mod:`cleaner.choice`, run by
:meth:`cleaner.Cleaner.clean_html` when a model is loaded): readability-lxml
reads :attr:`Candidate.html`, resiliparse's text comes with the default
extraction, and each extraction goes through the text pipeline whole and
without its generic rules, because whether those rules help is part of the
choice; the model picks among the finished texts, a guard refuses a pick that
would lose the article, and ``source.extractor`` records the pick, its
runner-up, the scores and the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cleaner import html as _html
from cleaner.candidates import page_figures
from cleaner.config import CleanerConfig
from cleaner.detectors import rule_id
from cleaner.extraction import (
    Extraction,
    extract_guarded,
    extract_main,
    page_titles,
    title_tokens,
)
from cleaner.htmlrules import HtmlRemoval, apply_heuristics, apply_pack_rules, html_inert
from cleaner.limits import check_html_shape
from cleaner.resili import parse_page
from cleaner.rules.model import Pack
from cleaner.rules.registry import PackRegistry
from cleaner.tokens import has_words


@dataclass(slots=True)
class Candidate:
    """One extraction of a page.

    Attributes:
        name: The extractor that produced it (``source.extractor.name`` names
            the mode's first extractor, and ``fallback`` a later pick).
        metadata: What the page's markup says (title, author, date...).
        extraction: The text, the extraction-stage removals and their facts.
        removals: The HTML-level removals made before extracting.
        skip_heuristics: Text heuristics that need not run on this text.
        html: The decoded page after the site pack's ``html:`` rules (the other
            extractors of the choice read it).
        site_removals: The removals of those rules (also in ``removals``): they
            hold whichever extraction the choice takes.
    """

    name: str
    metadata: dict[str, Any]
    extraction: Extraction
    removals: list[HtmlRemoval] = field(default_factory=list)
    skip_heuristics: tuple[str, ...] = ()
    html: str = ""
    site_removals: list[HtmlRemoval] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Page:
    """A page to extract: its HTML and how to choose its packs."""

    html: str
    url: str | None
    site: str | None
    registry: PackRegistry
    config: CleanerConfig


Producer = Callable[[Page], Candidate]
Chooser = Callable[[Page, Sequence[Producer]], Candidate]


def site_packs(page: Page, url: str | None) -> list[Pack]:
    """The packs of the page's site that have ``html:`` rules."""
    return [p for p, _ in page.registry.select(url=url, site=page.site, text="") if p.html]


def prune_site(tree: Any, packs: Sequence[Pack]) -> list[HtmlRemoval]:
    """The ``html:`` rules of the site's ``packs``, in place."""
    removals: list[HtmlRemoval] = []
    for pack in packs:
        removals += apply_pack_rules(tree, pack.name, pack.html)
    return removals


def prune(page: Page, tree: Any, found: dict[str, Any]) -> list[HtmlRemoval]:
    """The generic HTML heuristics, then inert elements, in place."""
    removals = apply_heuristics(tree, page.config, found)
    if (inert := html_inert(tree)) is not None:
        removals.append(inert)
    return removals


def default_candidate(page: Page) -> Candidate:
    """The default extraction: lxml tree, pruned; trafilatura bounded by resiliparse."""
    name = "trafilatura+resiliparse"
    tree = _html.parse(page.html)
    if tree is None:
        return Candidate(name, {}, Extraction("", detail={"merge": "no document"}))
    found = _html.page_metadata(
        tree,
        page.url,
        extensive_date=page.config.html_extensive_date,
        max_chars=page.config.metadata_max_chars,
    )
    # Figures of the untouched page, for the learned choice (cleaner.choice).
    figures = page_figures(tree) if page.config.html_choice else {}
    site = prune_site(tree, site_packs(page, page.url or found.get("url")))
    # The other extractors of the choice read the page as it came, but for the site's rules.
    html = _html.serialize(tree) if site else page.html
    removals = site + prune(page, tree, found)
    # Only inert elements removed: resiliparse may read the page as it came.
    inert = rule_id(html_inert)
    same = all(r.rule == inert for r in removals)
    extraction = extract_main(tree, config=page.config, html=page.html if same else None)
    extraction.figures = figures
    return Candidate(name, found, extraction, removals, html=html, site_removals=site)


def fast_candidate(page: Page) -> Candidate:
    """The fast extraction: resiliparse parses and extracts; lxml parses only ``<head>``.

    The generic HTML heuristics do not run (resiliparse's main-content rules
    stand in for them); a site pack's ``html:`` rules do, on an lxml tree of
    the whole page, when the page has such a pack.  A guard checks that the
    extraction holds the page's prose, else trafilatura's fast pass extracts it
    (:func:`cleaner.extraction.extract_guarded`).
    """
    name, config = "resiliparse", page.config
    head = _html.parse_head(page.html)
    if head is None:
        return Candidate(name, {}, Extraction("", detail={"merge": "no document"}))
    found = _html.page_metadata(head, page.url, max_chars=config.metadata_max_chars)
    page_url = page.url or found.get("url")
    packs = site_packs(page, page_url)
    html = page.html
    removals: list[HtmlRemoval] = []
    if packs:
        tree = _html.parse(html)
        if tree is None:
            return Candidate(name, found, Extraction("", detail={"merge": "no document"}))
        removals = prune_site(tree, packs)
        html = _html.serialize(tree)
    titles = page_titles(head) + title_tokens([found.get("title") or ""])
    extraction = extract_guarded(parse_page(html), html, titles, config=config)
    return Candidate(
        name,
        found,
        extraction,
        removals,
        skip_heuristics=config.html_fast_skip_heuristics,
        html=html,
        site_removals=removals[:],
    )


def producers(config: CleanerConfig) -> list[Producer]:
    """The candidate extractions of a page, in the order the chooser tries them."""
    if config.html_fast:
        return [fast_candidate, default_candidate]
    return [default_candidate]


def choose_first(page: Page, candidates: Sequence[Producer]) -> Candidate:
    """Return the first candidate with ``html_fast_min_words`` words, else the last.

    Producers run only until one is accepted: in the fast mode, the default
    extraction runs, at its own cost, only for pages where resiliparse found
    no article (a consent wall, a page of short blocks).  Taking a later
    candidate is recorded as ``fallback`` in its detail.
    """
    if not candidates:
        raise ValueError("no candidate extraction to choose from")
    for n, produce in enumerate(candidates):
        chosen = produce(page)
        if n == len(candidates) - 1:
            break
        if has_words(chosen.extraction.text, page.config.html_fast_min_words):
            return chosen
    if n:
        chosen.extraction.detail["fallback"] = "default mode"
    return chosen


def extract(
    html: str | bytes,
    *,
    registry: PackRegistry,
    config: CleanerConfig,
    url: str | None,
    site: str | None,
    charset: str | None,
    source: dict[str, Any],
    choose: Chooser = choose_first,
) -> Candidate:
    """Run the HTML steps on a page; record its decoding and the chosen extraction in ``source``.

    Raises:
        cleaner.html.DecodeError: Bytes that no encoding fits.
        ValueError: The page exceeds ``config.max_document_chars``.
        cleaner.limits.DocumentTooComplex: Too many elements, or attributes on one
            (checked before parsing).
    """
    if len(html) > config.max_document_chars:
        # Refused before parsing: a page this large is not an article.
        raise ValueError(
            f"page has {len(html)} characters, over the limit of {config.max_document_chars}"
        )
    if isinstance(html, bytes):
        decoded = _html.decode_bytes(html, declared=charset, html=True)
        source["decoding"] = decoded.to_dict()
        html = decoded.text
    check_html_shape(
        html, max_elements=config.max_html_elements, max_attributes=config.max_html_attributes
    )
    page = Page(html, url, site, registry, config)
    chosen = choose(page, producers(config))
    # The name is the mode's extractor; "fallback" says when another was taken.
    source["extractor"] = {
        "name": "resiliparse" if config.html_fast else "trafilatura+resiliparse",
        "mode": "fast" if config.html_fast else "default",
        "chars": len(chosen.extraction.text),
        **chosen.extraction.detail,
    }
    chosen.removals += chosen.extraction.removals
    chosen.html = chosen.html or html
    return chosen
