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

import copy
import dataclasses
import functools
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cleaner import detectors, htmlpipeline, pipeline, provenance
from cleaner._version import __version__
from cleaner.candidates import EXTRACTOR_NAMES, NAMES, candidate_texts, extractor_of
from cleaner.canonical import canonicalize
from cleaner.choice import ChoiceModel, choose, load_for
from cleaner.config import CleanerConfig
from cleaner.document import Document, Removal, Result
from cleaner.features import table as features_table
from cleaner.htmlrules import HtmlRemoval
from cleaner.provenance import restore
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
        ValueError: The config names a detector that does not exist.
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
        self._whys.update(detectors.whys())
        for pack in self.packs:
            for action in ("strip", "strip_id_or_class", "body"):
                self._whys[f"{pack.name}/html_{action}"] = f"HTML rule of {pack.name}: {action}"
        self._configure(self.config, model_changed=True)

    def _configure(self, config: CleanerConfig, *, model_changed: bool) -> None:
        """Set what follows from ``config``; the choice model is read anew if ``model_changed``."""
        # An unknown detector name fails here, not in the middle of a batch.
        detectors.of_stage("text", config.text_heuristics)
        detectors.of_stage("html", config.html_heuristics)
        detectors.of_stage("block", config.html_block_filters)
        self.config = config
        if model_changed:
            # The bundled choice model is read when the first page needs it (importing
            # lightgbm and reading the model take 0.6 s a text-only worker need not spend);
            # a model file the config names is read now, so a bad one fails here.
            self._choice_lock = threading.Lock()
            self._choice_loaded = config.html_choice_model is not None
            self._choice = load_for(config) if self._choice_loaded else None
        # The text pipeline of the ``_plain`` candidates: canonical form and site packs.
        self._plain_config = dataclasses.replace(config, heuristics=False, generic_rules=False)

    def with_config(self, config: CleanerConfig) -> Cleaner:
        """Return a cleaner with the same packs and ``config``, without reading the packs again.

        It is what ``Cleaner(..., config=config)`` would be; the choice model is shared
        when ``config`` names the same one.
        """
        if config == self.config:
            return self
        other = copy.copy(self)
        other._configure(
            config, model_changed=config.html_choice_model != self.config.html_choice_model
        )
        return other

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
            TypeError: ``text`` is not a ``str`` (bytes go to :meth:`clean_html` or a decode step).
        """
        if not isinstance(text, str):
            raise TypeError(
                f"clean() takes text as str, not {type(text).__name__}; "
                "decode bytes first, or pass an HTML page (str or bytes) to clean_html()"
            )
        doc = pipeline.run(
            text,
            registry=self.registry,
            config=self.config,
            url=url,
            site=site,
            metadata=metadata,
            source=source,
        )
        result = provenance.build(doc, self._whys)
        result.provenance["scope"] = self.config.scope()
        return result

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
        then the main text is extracted (:meth:`extract_page`) and, with a choice
        model, chosen among the page's candidates (:meth:`html_candidates`); the
        text is cleaned like any text.

        Args:
            html: The page, as text or bytes.
            url: The page's URL; picks the site pack by host.
            site: Force the pack of this name.
            charset: The charset declared outside the page (an HTTP header).
            source: Facts about where the page came from, added to ``provenance["source"]``.

        Raises:
            cleaner.html.DecodeError: Bytes that no encoding fits.
            UnknownSiteError: ``site`` names no loaded pack.
            ValueError: The page exceeds ``config.max_document_chars``.
            cleaner.limits.DocumentTooComplex: Too many elements, or attributes on one.
            TypeError: ``html`` is neither ``str`` nor ``bytes``.
        """
        if not isinstance(html, (str, bytes)):
            raise TypeError(
                f"clean_html() takes the page as str or bytes, not {type(html).__name__}"
            )
        source = {**(source or {}), "format": "html"}
        chosen = self.extract_page(html, url=url, site=site, charset=charset, source=source)
        removals = chosen.removals
        model = self._choice_model()
        if model is not None and chosen.html:
            docs = self.html_candidates(chosen, url=url, site=site, source=source)
            doc, removals = self._choose(model, chosen, docs)
        else:
            doc = self._finish_html(
                chosen.extraction.text, chosen, url=url, site=site, source=source
            )
        result = provenance.build(doc, self._whys)
        result.provenance["html_removals"] = [r.to_dict() for r in removals]
        for rule in dict.fromkeys(r.rule for r in removals):  # first-seen order, not a set's
            result.provenance["rules"].setdefault(rule, self._whys.get(rule, ""))
        result.provenance["scope"] = self.config.scope()
        return result

    def _choice_model(self) -> ChoiceModel | None:
        """The choice model, read once (``None``: no choice; see :func:`cleaner.choice.load_for`).

        The bundled model is read when the first page needs it; a warning says if it is missing.
        """
        if not self._choice_loaded:
            with self._choice_lock:
                if not self._choice_loaded:
                    self._choice = load_for(self.config)
                    self._choice_loaded = True
        return self._choice

    def extract_page(
        self,
        html: str | bytes,
        *,
        url: str | None = None,
        site: str | None = None,
        charset: str | None = None,
        source: dict[str, Any] | None = None,
    ) -> htmlpipeline.Candidate:
        """The page's default extraction by this engine's packs and config (no choice yet).

        The steps of :func:`cleaner.htmlpipeline.extract`, with the arguments of
        :meth:`clean_html` (the first part of it); :meth:`html_candidates` takes its
        result. ``source`` gathers the decoding facts.
        """
        return htmlpipeline.extract(
            html,
            registry=self.registry,
            config=self.config,
            url=url,
            site=site,
            charset=charset,
            source=source if source is not None else {},
        )

    def html_candidates(
        self,
        chosen: htmlpipeline.Candidate,
        *,
        url: str | None,
        site: str | None,
        source: dict[str, Any],
    ) -> dict[str, Document]:
        """Every candidate of a page (:data:`cleaner.candidates.NAMES`) as a finished document.

        ``chosen`` is the default extraction of the page.  Each extraction (the
        cleaner's own, readability-lxml's, resiliparse's) goes through the text
        pipeline, whole and plain (without generic rules and heuristics).
        """
        texts = candidate_texts(chosen.extraction, chosen.html)
        return {
            name: self._finish_html(
                texts[extractor_of(name)],
                chosen,
                url=url,
                site=site,
                source=source,
                plain=name != extractor_of(name),
            )
            for name in NAMES
        }

    def _choose(
        self, model: ChoiceModel, chosen: htmlpipeline.Candidate, docs: dict[str, Document]
    ) -> tuple[Document, list[HtmlRemoval]]:
        """The learned choice among a page's candidates: the chosen document, its HTML removals.

        The choice, its runner-up, the scores and the reason go to
        ``provenance["source"]["extractor"]``, whose ``name`` becomes the chosen
        candidate's extractor.
        """
        table = features_table(
            {name: doc.text for name, doc in docs.items()},
            chosen.extraction.figures,
            title=chosen.metadata.get("title"),
            headline=self.config.keep_headline,
            comments=self.config.keep_comments,
        )
        choice = choose(model, table, self.config)
        doc = docs[choice.name]
        extractor = extractor_of(choice.name)
        # The other extractors read the page as it came but for the site pack's rules.
        removals = chosen.removals if extractor == "cleaner" else chosen.site_removals
        doc.source["extractor"] = {
            **doc.source.get("extractor", {}),
            "name": EXTRACTOR_NAMES[extractor],
            "chars": len(doc.raw),
            "choice": choice.to_dict(),
        }
        return doc, removals

    def _finish_html(
        self,
        text: str,
        chosen: htmlpipeline.Candidate,
        *,
        url: str | None,
        site: str | None,
        source: dict[str, Any],
        plain: bool = False,
    ) -> Document:
        """Run the text pipeline on an extracted text, with the page's metadata.

        ``plain``: without the generic rules and heuristics (a candidate of the choice).
        """
        skip = self.config.html_skip_heuristics + chosen.skip_heuristics
        if self.config.keep_comments:
            skip += ("comment_thread",)
        return pipeline.run(
            text,
            registry=self.registry,
            config=self._plain_config if plain else self.config,
            url=url or chosen.metadata.get("url"),
            site=site,
            metadata=chosen.metadata,
            source=source,
            skip_heuristics=skip,
        )

    def whys(self) -> dict[str, str]:
        """Return the ``why`` of every rule and heuristic, by qualified id."""
        return dict(self._whys)


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
