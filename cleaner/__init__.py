"""cleaner: canonical clean article text from scraped pages, with an audit trail.

The library API::

    import cleaner

    result = cleaner.clean(text, url="https://example.com/a")
    result.text          # canonical clean text
    result.metadata      # title, site, date, author...
    result.removals      # every removed span, with the rule that removed it
    result.provenance    # JSON-serialisable audit record

    cleaner.restore(result) == cleaner.canonicalize(text)   # always true

:class:`Cleaner` loads, validates and compiles rule packs once and is meant to
be reused; the module functions use a cached default instance with the bundled
packs.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cleaner import html as _html
from cleaner import pipeline, provenance
from cleaner._version import __version__
from cleaner.candidates import (
    EXTRACTOR_NAMES,
    NAMES,
    candidate_texts,
    extractor_of,
    page_figures,
)
from cleaner.canonical import canonicalize
from cleaner.choice import Choice, ChoiceModel, choose, load_for
from cleaner.config import CleanerConfig
from cleaner.document import Removal, Result
from cleaner.extraction import (
    BLOCK_FILTER_WHYS,
    Extraction,
    extract_fast,
    extract_main,
    has_words,
    page_titles,
    title_tokens,
)
from cleaner.features import table as features_table
from cleaner.heuristics import HEURISTICS
from cleaner.htmlrules import (
    HTML_HEURISTICS,
    HtmlRemoval,
    apply_heuristics,
    apply_pack_rules,
    strip_inert,
)
from cleaner.provenance import restore
from cleaner.resili import parse_page
from cleaner.rules.loader import RulePackError, bundled_rules_dir, load_packs
from cleaner.rules.model import Pack
from cleaner.rules.registry import PackRegistry, UnknownSiteError

__all__ = [
    "Cleaner",
    "CleanerConfig",
    "Removal",
    "Result",
    "RulePackError",
    "UnknownSiteError",
    "__version__",
    "canonicalize",
    "clean",
    "clean_html",
    "restore",
]


class Cleaner:
    """Rule packs loaded, validated and compiled once; clean any number of documents.

    Args:
        rules_dirs: Folders of extra packs, applied on top of the bundled ones
            (a pack with the same name replaces the bundled one).
        config: Options; defaults to :class:`CleanerConfig()`.
        bundled: Load the packs shipped with cleaner.

    Raises:
        RulePackError: A pack is invalid; the message names file, line and rule.
    """

    def __init__(
        self,
        rules_dirs: Iterable[str | Path] = (),
        *,
        config: CleanerConfig | None = None,
        bundled: bool = True,
    ) -> None:
        self.config = config or CleanerConfig()
        dirs = [bundled_rules_dir()] if bundled else []
        dirs += [Path(d) for d in rules_dirs]
        self.packs: list[Pack] = load_packs(dirs)
        self.registry = PackRegistry(self.packs)
        self._whys = {rule.qualified_id: rule.why for pack in self.packs for rule in pack.rules}
        self._whys.update(
            {f"generic/{name}": _first_line(h.__doc__) for name, h in HEURISTICS.items()}
        )
        self._whys.update(
            {f"generic/{name}": _first_line(h.__doc__) for name, h in HTML_HEURISTICS.items()}
        )
        for pack in self.packs:
            for action in ("strip", "strip_id_or_class", "body"):
                self._whys[f"{pack.name}/html_{action}"] = f"HTML rule of {pack.name}: {action}"
        self._whys.update(BLOCK_FILTER_WHYS)
        self._whys["generic/html_inert"] = _first_line(strip_inert.__doc__)
        self._choice = load_for(self.config)
        self._plain_config = dataclasses.replace(self.config, heuristics=False, generic_rules=False)

    def clean(
        self,
        text: str,
        *,
        url: str | None = None,
        site: str | None = None,
        metadata: dict[str, Any] | None = None,
        source: dict[str, Any] | None = None,
    ) -> Result:
        """Clean one text document.

        Args:
            text: The scraped text.
            url: The page's URL; picks the site pack by host.
            site: Force the pack of this name (skips URL and fingerprint matching).
            metadata: Known fields (e.g. from HTML) that rules must not override.
            source: Facts about how the text was obtained, kept in provenance.

        Raises:
            UnknownSiteError: ``site`` names no loaded pack.
            ValueError: The document exceeds ``config.max_document_chars``.
        """
        doc = pipeline.run(
            text,
            registry=self.registry,
            config=self.config,
            url=url,
            site=site,
            metadata=metadata,
            source=source,
        )
        return provenance.build(doc, self._whys)

    def clean_html(
        self,
        html: str | bytes,
        *,
        url: str | None = None,
        site: str | None = None,
        charset: str | None = None,
        source: dict[str, Any] | None = None,
    ) -> Result:
        """Extract the main text of an HTML page, then clean it like :meth:`clean`.

        Bytes are decoded from their BOM, the ``charset`` given, ``<meta charset>``,
        UTF-8 or, failing those, detection; how is recorded in ``provenance["source"]``.
        Metadata (title, author, date, site name, language, URL) comes from the
        untouched page; then the packs' ``html:`` rules and the generic HTML
        heuristics remove elements, each recorded in ``provenance["html_removals"]``;
        then trafilatura extracts the main text, which is cleaned like any text.

        Args:
            html: The page, as text or bytes.
            url: The page's URL; picks the site pack by host.
            site: Force the pack of this name.
            charset: The charset declared outside the page (an HTTP header).
            source: Facts about where the page came from, added to ``provenance["source"]``.

        Raises:
            cleaner.html.DecodeError: Bytes that no encoding fits.
            UnknownSiteError: ``site`` names no loaded pack.
        """
        source = {**(source or {}), "format": "html"}
        if len(html) > self.config.max_document_chars:
            # Refused before parsing: a page this large is not an article.
            raise ValueError(
                f"page has {len(html)} characters, over the limit of "
                f"{self.config.max_document_chars}"
            )
        if isinstance(html, bytes):
            decoded = _html.decode_bytes(html, declared=charset, html=True)
            source["decoding"] = decoded.to_dict()
            html = decoded.text
        removals: list[HtmlRemoval] = []
        if self.config.html_fast:
            found, extracted = self._extract_fast(html, url, site, removals)
        else:
            found, extracted = self._extract(html, url, site, removals)
        if self._choice is not None and not self.config.html_fast and extracted.read:
            doc, choice = self._choose(
                self._choice, html, extracted, found=found, url=url, site=site, source=source
            )
            if choice.name == "cleaner":
                removals += extracted.removals
            elif extractor_of(choice.name) == "readability":
                removals = []  # readability-lxml read the page as it came
            # resiliparse read the pruned page: the removals made before extraction
            # stand; those of the cleaner's own extraction do not.
            doc.source["extractor"] = {
                "name": EXTRACTOR_NAMES[extractor_of(choice.name)],
                "mode": "default",
                "chars": len(doc.raw),
                **extracted.detail,
                "choice": choice.to_dict(),
            }
        else:
            removals += extracted.removals
            source["extractor"] = {
                "name": "resiliparse" if self.config.html_fast else "trafilatura+resiliparse",
                "mode": "fast" if self.config.html_fast else "default",
                "chars": len(extracted.text),
                **extracted.detail,
            }
            doc = self._finish_html(
                extracted.text, found=found, url=url, site=site, source=source, extracted=extracted
            )
        result = provenance.build(doc, self._whys)
        result.provenance["html_removals"] = [r.to_dict() for r in removals]
        for rule in {r.rule for r in removals}:
            result.provenance["rules"].setdefault(rule, self._whys.get(rule, ""))
        return result

    def html_candidates(
        self,
        html: str,
        extracted: Extraction,
        *,
        found: dict[str, Any],
        url: str | None,
        site: str | None,
        source: dict[str, Any],
    ) -> dict[str, Any]:
        """Every candidate of a page (:data:`cleaner.candidates.NAMES`) as a finished document.

        Each extraction (the cleaner's own, readability-lxml's, resiliparse's)
        goes through the text pipeline, whole and plain (without generic rules
        and heuristics).
        """
        texts = candidate_texts(extracted, html)
        return {
            name: self._finish_html(
                texts[extractor_of(name)],
                found=found,
                url=url,
                site=site,
                source=source,
                extracted=extracted,
                plain=name != extractor_of(name),
            )
            for name in NAMES
        }

    def _choose(
        self,
        model: ChoiceModel,
        html: str,
        extracted: Extraction,
        *,
        found: dict[str, Any],
        url: str | None,
        site: str | None,
        source: dict[str, Any],
    ) -> tuple[Any, Choice]:
        """The learned choice among the page's candidates: the chosen document and why."""
        docs = self.html_candidates(html, extracted, found=found, url=url, site=site, source=source)
        table = features_table(
            {name: doc.text for name, doc in docs.items()},
            extracted.figures,
            title=found.get("title"),
            headline=self.config.keep_headline,
            comments=self.config.keep_comments,
        )
        choice = choose(model, table, self.config)
        return docs[choice.name], choice

    def _finish_html(
        self,
        text: str,
        *,
        found: dict[str, Any],
        url: str | None,
        site: str | None,
        source: dict[str, Any],
        extracted: Extraction,
        plain: bool = False,
    ) -> Any:
        """Run the text pipeline on an extracted text, with the page's metadata.

        ``plain``: without the generic rules and heuristics (a candidate of the choice).
        """
        skip = self.config.html_skip_heuristics
        if self.config.html_fast and "fallback" not in extracted.detail:
            skip += self.config.html_fast_skip_heuristics
        if self.config.keep_comments:
            skip += ("comment_thread",)
        return pipeline.run(
            text,
            registry=self.registry,
            config=self._plain_config if plain else self.config,
            url=url or found.get("url"),
            site=site,
            metadata=found,
            source=source,
            skip_heuristics=skip,
        )

    def _prune(
        self, tree: Any, url: str | None, site: str | None, removals: list[HtmlRemoval], found: Any
    ) -> None:
        """Pack ``html:`` rules, the generic HTML heuristics, then inert elements, in place."""
        for pack, _ in self.registry.select(url=url, site=site, text=""):
            if pack.html:
                removals += apply_pack_rules(tree, pack.name, pack.html)
        removals += apply_heuristics(tree, self.config, found)
        if (inert := strip_inert(tree)) is not None:
            removals.append(inert)

    def _extract(
        self, html: str, url: str | None, site: str | None, removals: list[HtmlRemoval]
    ) -> tuple[dict[str, Any], Extraction]:
        """The default mode: lxml tree, trafilatura's recall pass bounded by resiliparse."""
        tree = _html.parse(html)
        if tree is None:
            return {}, Extraction("", detail={"merge": "no document"})
        found = _html.page_metadata(
            tree,
            url,
            extensive_date=self.config.html_extensive_date,
            max_chars=self.config.metadata_max_chars,
        )
        figures = page_figures(tree) if self._choice is not None else {}
        self._prune(tree, url or found.get("url"), site, removals, found)
        # Only inert elements removed: resiliparse may read the page as it came.
        same = all(r.rule == "generic/html_inert" for r in removals)
        extracted = extract_main(tree, config=self.config, html=html if same else None)
        extracted.figures = figures
        return found, extracted

    def _extract_fast(
        self, html: str, url: str | None, site: str | None, removals: list[HtmlRemoval]
    ) -> tuple[dict[str, Any], Extraction]:
        """The fast mode: resiliparse parses and extracts; lxml parses only ``<head>``.

        The generic HTML heuristics do not run (resiliparse's main-content
        rules stand in for them); a site pack's ``html:`` rules do, on an lxml
        tree of the whole page, when the page has such a pack.
        """
        head = _html.parse_head(html)
        if head is None:
            return {}, Extraction("", detail={"merge": "no document"})
        found = _html.page_metadata(head, url, max_chars=self.config.metadata_max_chars)
        page_url = url or found.get("url")
        packs = [p for p, _ in self.registry.select(url=page_url, site=site, text="") if p.html]
        if packs:
            tree = _html.parse(html)
            if tree is None:
                return found, Extraction("", detail={"merge": "no document"})
            for pack in packs:
                removals += apply_pack_rules(tree, pack.name, pack.html)
            html = _html.serialize(tree)
        titles = page_titles(head) + title_tokens([found.get("title") or ""])
        extracted = extract_fast(parse_page(html), titles, config=self.config)
        if not has_words(extracted.text, self.config.html_fast_min_words):
            # resiliparse found no article (a consent wall, a page of short blocks): the
            # default extraction decides, at its own cost, for these pages only.
            removals.clear()
            found, extracted = self._extract(html, url, site, removals)
            extracted.detail["fallback"] = "default mode"
        return found, extracted

    def whys(self) -> dict[str, str]:
        """Return the ``why`` of every rule and heuristic, by qualified id."""
        return dict(self._whys)


def _first_line(doc: str | None) -> str:
    return (doc or "").strip().splitlines()[0] if doc else ""


@functools.cache
def default_cleaner() -> Cleaner:
    """Return the shared instance with the bundled packs and default options."""
    return Cleaner()


def clean(text: str, *, url: str | None = None, site: str | None = None) -> Result:
    """Clean one text document with the bundled packs (see :meth:`Cleaner.clean`)."""
    return default_cleaner().clean(text, url=url, site=site)


def clean_html(
    html: str | bytes,
    *,
    url: str | None = None,
    site: str | None = None,
    charset: str | None = None,
) -> Result:
    """Extract and clean one HTML page with the bundled packs (see :meth:`Cleaner.clean_html`)."""
    return default_cleaner().clean_html(html, url=url, site=site, charset=charset)
