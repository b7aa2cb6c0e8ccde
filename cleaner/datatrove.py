"""The datatrove adapter: a pipeline step that cleans documents between readers and writers.

A thin shell over :class:`cleaner.Cleaner`, like :mod:`cleaner.ray`::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from cleaner.datatrove import CleanStep

    LocalPipelineExecutor(
        [JsonlReader("pages/"), CleanStep(url_key="url"), JsonlWriter("clean/")], tasks=4
    ).run()

Each document keeps its ``id`` and its metadata; its text becomes the clean
text; the cleaner's metadata (title, author, date...) fills the keys the
document does not have; and ``metadata["provenance"]`` holds the provenance
at the level asked for (:func:`cleaner.records.shape_provenance`).  Removals
are counted per rule in the step's stats (``removed/<rule>``), as datatrove's
filters count what they drop.

A document that cannot be cleaned, or whose clean text is empty, is dropped
and counted (``dropped_error``, ``dropped_empty``); with an
``exclusion_writer`` (datatrove's convention for filters) it is written there,
the error in ``metadata["cleaner_error"]`` as ``{"type", "message"}``.

Needs the ``datatrove`` extra (``pip install 'cleaner[datatrove]'``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from cleaner import Cleaner, CleanerConfig
from cleaner.records import PROVENANCE_LEVELS, ProvenanceLevel, error_info, shape_provenance


class CleanStep(PipelineStep):  # type: ignore[misc]
    """Clean each document's text (or HTML) with the rule packs; keep id and metadata.

    Args:
        rules_dirs: Folders of extra rule packs (readable on every worker).
        site: Force the rule pack of this name for every document.
        html: The documents' text is HTML: extract it first
            (:meth:`cleaner.Cleaner.clean_html`).
        url_key: The metadata key holding the page URL (picks the site pack).
        config: Cleaner options.
        provenance: ``full``, ``summary`` or ``none``.
        exclusion_writer: A datatrove writer for the documents dropped.
        keep_headline: Keep the headline in the text (``None``: as ``config``
            says; see :meth:`cleaner.CleanerConfig.scoped`).
        keep_comments: Keep readers' comments (``None``: as ``config`` says).

    Raises:
        cleaner.RulePackError: A rule pack is invalid.
        cleaner.UnknownSiteError: ``site`` names no loaded pack.
        ValueError: ``provenance`` is not a known level.
    """

    name = "🧹 cleaner"
    type = "✂️ - CLEANER"

    def __init__(
        self,
        rules_dirs: Iterable[str | Path] = (),
        site: str | None = None,
        *,
        html: bool = False,
        url_key: str = "url",
        config: CleanerConfig | None = None,
        provenance: ProvenanceLevel = "full",
        exclusion_writer: Any = None,
        keep_headline: bool | None = None,
        keep_comments: bool | None = None,
    ) -> None:
        super().__init__()
        if provenance not in PROVENANCE_LEVELS:
            raise ValueError(f"provenance must be one of {', '.join(PROVENANCE_LEVELS)}")
        self.rules_dirs = [str(d) for d in rules_dirs]
        self.site = site
        self.html = html
        self.url_key = url_key
        scope = {"keep_headline": keep_headline, "keep_comments": keep_comments}
        self.config = (config or CleanerConfig()).scoped(**scope)
        self.provenance: ProvenanceLevel = provenance
        self.exclusion_writer = exclusion_writer
        # Fail here, on the driver, rather than in every task; tasks build their own.
        Cleaner(self.rules_dirs, config=self.config).registry.require(site)
        self._cleaner: Cleaner | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_cleaner"] = None  # compiled packs are rebuilt in each task
        return state

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        """Clean every document of ``data``; yield those with clean text."""
        if data is None:
            return
        if self._cleaner is None:
            self._cleaner = Cleaner(self.rules_dirs, config=self.config)
        engine = self._cleaner
        writer_context = self.exclusion_writer or contextlib.nullcontext()
        with writer_context as excluded:
            for doc in data:
                self.stat_update("total")
                url = doc.metadata.get(self.url_key)
                url = url if isinstance(url, str) and url else None
                try:
                    with self.track_time():
                        if self.html:
                            result = engine.clean_html(doc.text, url=url, site=self.site)
                        else:
                            result = engine.clean(doc.text, url=url, site=self.site)
                except Exception as exc:  # one bad document never stops a task
                    self.stat_update("dropped", "dropped_error", f"failed/{type(exc).__name__}")
                    if excluded is not None:
                        doc.metadata["cleaner_error"] = error_info(exc)
                        excluded.write(doc, rank)
                    continue
                for removal in result.removals:
                    self.stat_update(f"removed/{removal.rule}")
                doc.text = result.text
                for key, value in result.metadata.items():
                    doc.metadata.setdefault(key, value)
                if self.provenance != "none":
                    doc.metadata["provenance"] = shape_provenance(
                        result.provenance, self.provenance
                    )
                if not doc.text.strip():
                    self.stat_update("dropped", "dropped_empty")
                    if excluded is not None:
                        excluded.write(doc, rank)
                    continue
                self.stat_update("forwarded")
                self.update_doc_stats(doc)
                yield doc
