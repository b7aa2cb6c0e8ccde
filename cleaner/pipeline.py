"""The step protocol and the order of steps; the one place that edits a Document.

Order, and why:

1. **canonicalize**: every later step sees repaired, normalised paragraphs,
   and every removal offset points into this canonical text.
2. **the site pack** (chosen by forced site, URL host or fingerprints): site
   knowledge is the most precise, so it claims its noise first and its rule ids
   appear in provenance.
3. **generic packs** (``rules/generic.yaml``): phrase-level noise any site has.
4. **heuristics** (text detectors of :mod:`cleaner.detectors`), in the order of
   ``CleanerConfig.text_heuristics``: they
   see the text without the noise above, which makes position-based detectors
   (head, tail, neighbours) more accurate.

Steps 2-4 repeat until a whole pass removes nothing (at most
``CleanerConfig.max_passes``), so the result is a fixed point and cleaning is
idempotent.  Each step only proposes cuts; :func:`apply_cuts` applies them,
records the removals in canonical coordinates and counts them.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from cleaner.canonical import canonicalize
from cleaner.config import CleanerConfig
from cleaner.detectors import Detector, of_stage
from cleaner.document import Cut, Document, Removal, StepRecord
from cleaner.guard import guard
from cleaner.heuristics import Context, looks_like_headline
from cleaner.limits import check_lines
from cleaner.metadata import guess_title, normalize_fields
from cleaner.rules.engine import LineMatches, SearchBudget, apply_pack
from cleaner.rules.model import Pack
from cleaner.rules.registry import PackRegistry
from cleaner.spans import OffsetMap, resolve


@dataclass(frozen=True, slots=True)
class StepOutput:
    """What a step proposes for the current text."""

    cuts: list[Cut]
    skipped: list[dict[str, str]]


_NOTHING = StepOutput([], [])
"""The output of a step that proposes nothing (shared: callers only read it)."""


@dataclass(slots=True)
class DocumentState:
    """What the steps share while cleaning one document, over every pass.

    Steps are built once for a set of packs and a config (:func:`build_steps`)
    and serve every document; what belongs to one document is here.

    Attributes:
        ctx: The detectors' context: each line is case-folded and split into
            words once, for the packs and the detectors alike.
        budget: The document's pattern-search time, shared by its packs.
        memos: Each pack step's :func:`~cleaner.rules.engine.line_matches` by
            line (later passes see mostly the same lines).
    """

    ctx: Context
    budget: SearchBudget
    memos: dict[object, dict[str, LineMatches]] = field(default_factory=dict)


StepFn = Callable[[Sequence[str], Document, DocumentState], StepOutput]


@dataclass(frozen=True, slots=True)
class Step:
    """A named step: shown the current paragraphs, it proposes cuts."""

    name: str
    run: StepFn


def pack_step(pack: Pack, config: CleanerConfig) -> Step:
    """Wrap a rule pack as a step; its memo and search budget are the document's."""
    slot = object()  # this step's memo in each document's state

    def run(paragraphs: Sequence[str], doc: Document, state: DocumentState) -> StepOutput:
        memo = state.memos.get(slot)
        if memo is None:
            memo = state.memos[slot] = {}
        fold = state.ctx.folded
        outcome = apply_pack(pack, paragraphs, config, memo, state.budget, fold=fold)
        cuts = outcome.cuts
        if config.keep_comments:
            # Comments are content here: a comment-section cut would remove them.
            cuts = [cut for cut in cuts if cut.rule not in config.comment_rules]
        return StepOutput(cuts, outcome.skipped)

    return Step(f"pack:{pack.name}", run)


def heuristic_step(found: Detector) -> Step:
    """Wrap a text detector as a step; its cuts carry the detector's id.

    The detector is shown the document's context, shared by every detector and pass.
    """
    rule = found.id

    def run(paragraphs: Sequence[str], doc: Document, state: DocumentState) -> StepOutput:
        marks = found.run(paragraphs, state.ctx)
        if not marks:
            return _NOTHING  # most calls: no need to build an output
        return StepOutput([Cut(rule, m.kind, m.line, m.span, m.fields) for m in marks], [])

    return Step(rule, run)


def paragraphs_of(text: str) -> tuple[list[str], list[int]]:
    """Return the paragraphs of canonical text and their offsets.

    The pieces between the blank lines (``"\\n\\n"``, found left to right, as
    :func:`cleaner.canonical.paragraph_starts` finds them), the last without
    the newline that ends the text; each starts two characters after the end
    of the one before.

    >>> paragraphs_of("ab\\n\\ncd\\n")
    (['ab', 'cd'], [0, 4])
    """
    if not text:
        return [], []
    paragraphs = text.split("\n\n")
    paragraphs[-1] = paragraphs[-1][:-1]
    starts = list(itertools.accumulate([len(p) + 2 for p in paragraphs[:-1]], initial=0))
    return paragraphs, starts


def apply_cuts(doc: Document, offsets: OffsetMap, cuts: Sequence[Cut], starts: list[int]) -> int:
    """Apply cuts to the document, record removals in canonical coordinates.

    Returns:
        How many removal records were added.
    """
    spans = resolve(doc.text, starts, cuts)
    if not spans:
        return 0
    added = 0
    for span in spans:
        for start, end in offsets.to_canonical(span.start, span.end):
            doc.removals.append(Removal(span.rule, span.kind, start, end, doc.canonical[start:end]))
            added += 1
    pieces = []
    pos = 0
    for span in spans:
        pieces.append(doc.text[pos : span.start])
        pos = span.end
    pieces.append(doc.text[pos:])
    doc.text = "".join(pieces)
    offsets.delete([(s.start, s.end) for s in spans])
    for cut in cuts:
        for key, value in normalize_fields(cut.fields).items():
            doc.metadata.setdefault(key, value)
    return added


def build_steps(
    packs: Sequence[Pack], config: CleanerConfig, skip_heuristics: Collection[str] = ()
) -> tuple[Step, ...]:
    """Return the steps that run after canonicalization, in order.

    Built once for each set of packs, config and skipped heuristics, and kept
    (the last :data:`_KEPT_STEPS` sets): steps hold nothing of a document.
    """
    key = (tuple(map(id, packs)), id(config), tuple(skip_heuristics))
    kept = _STEPS.get(key)
    if kept is not None:
        return kept[2]
    steps = [pack_step(p, config) for p in packs if not p.always]
    if config.generic_rules:
        steps += [pack_step(p, config) for p in packs if p.always]
    if config.heuristics:
        steps += [
            heuristic_step(found)
            for found in of_stage("text", config.text_heuristics)
            if found.name not in skip_heuristics
        ]
    with _STEPS_LOCK:
        if len(_STEPS) >= _KEPT_STEPS:
            del _STEPS[next(iter(_STEPS))]
        # The packs and the config are kept with their steps, so their ids stay theirs.
        _STEPS[key] = (tuple(packs), config, tuple(steps))
    return tuple(steps)


_KEPT_STEPS = 64
_STEPS: dict[tuple[Any, ...], tuple[tuple[Pack, ...], CleanerConfig, tuple[Step, ...]]] = {}
_STEPS_LOCK = threading.Lock()


def run_steps(
    doc: Document, steps: Sequence[Step], config: CleanerConfig, state: DocumentState
) -> list[str]:
    """Run ``steps`` on the canonical document in passes until one removes nothing.

    ``state`` is what the steps share for this document.

    Returns:
        The paragraphs of the finished text.
    """
    records = {step.name: StepRecord(step.name) for step in steps}
    doc.steps.extend(records.values())
    offsets = OffsetMap(len(doc.canonical))
    # The paragraphs are split again only after a step changed the text.
    paragraphs, starts = paragraphs_of(doc.text)
    # Steps are pure functions of the paragraphs and the metadata, and both
    # change only when cuts are applied: a step that changed nothing when the
    # text was at this version would change nothing again, so it is not rerun.
    version = 0
    unchanged_at: dict[str, int] = {}
    for pass_no in range(config.max_passes):
        removed_this_pass = 0
        for step in steps:
            if not paragraphs:
                break
            if unchanged_at.get(step.name) == version:
                continue
            output = step.run(paragraphs, doc, state)
            if not output.cuts and not output.skipped:
                unchanged_at[step.name] = version  # most runs: nothing found, nothing to guard
                continue
            doc.skipped_rules.extend(output.skipped)
            cuts, deferred = guard(paragraphs, output.cuts, config)
            if deferred:
                records[step.name].detail["deferred"] = deferred
            added = apply_cuts(doc, offsets, cuts, starts) if cuts else 0
            if added:
                records[step.name].removals += added
                removed_this_pass += added
                paragraphs, starts = paragraphs_of(doc.text)
                version += 1
            elif not output.skipped:
                # A step that skipped a rule (a timeout) is rerun, as before.
                unchanged_at[step.name] = version
        doc.passes = pass_no + 1
        if removed_this_pass == 0:
            break
    return paragraphs


def run(
    raw: str,
    *,
    registry: PackRegistry,
    config: CleanerConfig,
    url: str | None = None,
    site: str | None = None,
    metadata: dict[str, Any] | None = None,
    source: dict[str, Any] | None = None,
    skip_heuristics: Collection[str] = (),
) -> Document:
    """Run the whole pipeline on one text and return the finished document.

    ``skip_heuristics`` names heuristics not to run (see
    ``CleanerConfig.html_skip_heuristics``).

    Raises:
        ValueError: The text is longer than ``config.max_document_chars`` or
            has more lines than ``config.max_document_lines``.
        cleaner.rules.registry.UnknownSiteError: ``site`` names no loaded pack.
    """
    if len(raw) > config.max_document_chars:
        raise ValueError(
            f"document has {len(raw)} characters, over the limit of {config.max_document_chars}"
        )
    check_lines(raw, config.max_document_lines)
    canonical = canonicalize(raw)
    doc = Document(
        raw=raw,
        canonical=canonical,
        text=canonical,
        url=url,
        metadata=dict(metadata or {}),
        source=dict(source or {}),
    )
    doc.steps.append(StepRecord("canonicalize", detail={"changed": canonical != raw}))
    selected = registry.select(url=url, site=site, text=canonical, timeout=config.regex_timeout)
    doc.packs = [match for _, match in selected]
    site_matches = [m for _, m in selected if m.matched_by != "always"]
    if site_matches:
        doc.metadata.setdefault("site", site_matches[0].name)

    # One context for the document: detectors share its memo over every pass.
    ctx = Context(config, doc.metadata, frozenset(metadata or {}))
    state = DocumentState(ctx, SearchBudget(config.regex_document_budget))
    steps = build_steps([pack for pack, _ in selected], config, skip_heuristics)
    paragraphs = run_steps(doc, steps, config, state)

    # Without keep_headline the headline step has moved a headline to metadata
    # as a recorded removal, or left the first line alone: a title is not
    # copied from text that stays.  With keep_headline the headline stays by
    # request and its copy goes to metadata, if the first line reads like one.
    if config.keep_headline and "title" not in doc.metadata:
        title = guess_title(paragraphs, config.title_max_words)
        if title is not None and looks_like_headline(title, config.title_max_words):
            doc.metadata["title"] = title
    return doc
