"""The records that travel through the pipeline: plain dataclasses, no logic.

A :class:`Document` enters the pipeline as canonical text and leaves it as clean
text.  Steps never edit it: they return :class:`Cut` proposals in the coordinates
of the text they were shown, and :mod:`cleaner.pipeline` applies them, turning
each into :class:`Removal` records whose offsets point into the canonical input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["drop-line", "drop-block", "trim", "truncate", "extract"]
"""How a removal came about.

``drop-line`` removes one paragraph; ``drop-block`` a marker paragraph and the
paragraphs it introduces; ``trim`` a span inside a paragraph; ``truncate`` a
marker paragraph and everything after it; ``extract`` a paragraph whose content
moved into the metadata.
"""


@dataclass(frozen=True, slots=True)
class Removal:
    """One removed span of the canonical input.

    Attributes:
        rule: Qualified rule id, ``<pack>/<rule-id>`` (``generic/<name>`` for
            site-independent rules and heuristics).
        kind: How the span was removed.
        start: Offset of the first removed character in the canonical input.
        end: Offset just past the last removed character.
        text: The removed characters, ``canonical[start:end]``.
    """

    rule: str
    kind: Kind
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form used in provenance."""
        return {
            "rule": self.rule,
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class Cut:
    """A removal proposed by a step, in the coordinates of the text it was shown.

    Attributes:
        rule: Qualified rule id.
        kind: How the paragraph or span is removed.
        line: Index of the paragraph the cut applies to.
        span: For ``trim``, the ``(start, end)`` span inside the paragraph;
            ``None`` removes the whole paragraph.
        fields: Metadata the cut moves out of the text (``extract``).
    """

    rule: str
    kind: Kind
    line: int
    span: tuple[int, int] | None = None
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PackMatch:
    """A rule pack chosen for a document and the reason it was chosen.

    Attributes:
        name: The pack's name.
        version: The pack's declared version.
        sha256: SHA-256 of the pack file's bytes.
        matched_by: ``domain:<host>``, ``fingerprint:<n>/<total>``, ``site``
            (forced by the caller) or ``always`` (generic packs).
    """

    name: str
    version: str
    sha256: str
    matched_by: str

    def to_dict(self) -> dict[str, str]:
        """Return the JSON form used in provenance."""
        return {
            "name": self.name,
            "version": self.version,
            "sha256": self.sha256,
            "matched_by": self.matched_by,
        }


@dataclass(slots=True)
class StepRecord:
    """What one step did to one document.

    Attributes:
        name: The step's name, as listed in :mod:`cleaner.pipeline`.
        removals: How many removal records the step produced.
        detail: Step-specific facts (fixes applied, rules skipped on timeout).
    """

    name: str
    removals: int = 0
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form used in provenance."""
        out: dict[str, Any] = {"name": self.name, "removals": self.removals}
        out.update(self.detail)
        return out


@dataclass(slots=True)
class Document:
    """One document on its way through the pipeline.

    Attributes:
        raw: The text as it was handed in (after decoding and extraction).
        canonical: The canonical form of ``raw``; removal offsets point here.
        text: The current text, ``canonical`` less every removal so far.
        url: The document's URL, if known.
        metadata: Fields found so far (title, date, site...).
        packs: The rule packs chosen for this document.
        removals: Every removal so far, in canonical coordinates.
        steps: One record per step run.
        skipped_rules: Rules skipped for this document (pattern timeouts).
        source: Facts about how the text was obtained (decoding, extraction).
        passes: Rule-and-heuristic passes run until nothing more was removed.
    """

    raw: str
    canonical: str
    text: str
    url: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    packs: list[PackMatch] = field(default_factory=list)
    removals: list[Removal] = field(default_factory=list)
    steps: list[StepRecord] = field(default_factory=list)
    skipped_rules: list[dict[str, str]] = field(default_factory=list)
    source: dict[str, Any] = field(default_factory=dict)
    passes: int = 0


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of cleaning one document.

    Attributes:
        text: Canonical clean text.
        metadata: Title, site, date and whatever the rules extracted.
        removals: Every removal, sorted by ``start``, in canonical coordinates.
        provenance: JSON-serialisable audit record (see :mod:`cleaner.provenance`).
    """

    text: str
    metadata: dict[str, Any]
    removals: list[Removal]
    provenance: dict[str, Any]
