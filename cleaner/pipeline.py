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

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from cleaner.canonical import canonicalize, paragraph_starts
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

StepFn = Callable[[Sequence[str], Document], StepOutput]


@dataclass(frozen=True, slots=True)
class Step:
    """A named step: shown the current paragraphs, it proposes cuts."""

    name: str
    run: StepFn


def pack_step(
    pack: Pack,
    config: CleanerConfig,
    budget: SearchBudget | None = None,
    ctx: Context | None = None,
) -> Step:
    """Wrap a rule pack as a step (``budget``: the document's search time, shared by its packs).

    With ``ctx``, the document's context, a line is case-folded once for the
    packs and the text detectors.
    """
    # Steps are built for each document, so this memo serves one document's passes.
    memo: dict[str, LineMatches] = {}
    fold = str.casefold if ctx is None else ctx.folded

    def run(paragraphs: Sequence[str], doc: Document) -> StepOutput:
        outcome = apply_pack(pack, paragraphs, config, memo, budget, fold=fold)
        cuts = outcome.cuts
        if config.keep_comments:
            # Comments are content here: a comment-section cut would remove them.
            cuts = [cut for cut in cuts if cut.rule not in config.comment_rules]
        return StepOutput(cuts, outcome.skipped)

    return Step(f"pack:{pack.name}", run)


def heuristic_step(found: Detector, ctx: Context) -> Step:
    """Wrap a text detector as a step; its cuts carry the detector's id.

    ``ctx`` is the document's context, shared by every detector and pass.
    """
    rule = found.id

    def run(paragraphs: Sequence[str], doc: Document) -> StepOutput:
        marks = found.run(paragraphs, ctx)
        if not marks:
            return _NOTHING  # most calls: no need to build an output
        return StepOutput([Cut(rule, m.kind, m.line, m.span, m.fields) for m in marks], [])

    return Step(rule, run)


def paragraphs_of(text: str) -> tuple[list[str], list[int]]:
    """Return the paragraphs of canonical text and their offsets."""
    starts = paragraph_starts(text)
    if not starts:
        return [], []
    ends = [s - 2 for s in starts[1:]] + [len(text) - 1]
    return [text[s:e] for s, e in zip(starts, ends, strict=True)], starts


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
    packs: Sequence[Pack],
    config: CleanerConfig,
    ctx: Context,
    skip_heuristics: Collection[str] = (),
) -> list[Step]:
    """Return the steps that run after canonicalization, in order."""
    budget = SearchBudget(config.regex_document_budget)
    steps = [pack_step(p, config, budget, ctx) for p in packs if not p.always]
    if config.generic_rules:
        steps += [pack_step(p, config, budget, ctx) for p in packs if p.always]
    if config.heuristics:
        steps += [
            heuristic_step(found, ctx)
            for found in of_stage("text", config.text_heuristics)
            if found.name not in skip_heuristics
        ]
    return steps


def run_steps(doc: Document, steps: Sequence[Step], config: CleanerConfig) -> list[str]:
    """Run ``steps`` on the canonical document in passes until one removes nothing.

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
            output = step.run(paragraphs, doc)
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
    steps = build_steps([pack for pack, _ in selected], config, ctx, skip_heuristics)
    paragraphs = run_steps(doc, steps, config)

    # Without keep_headline the headline step has moved a headline to metadata
    # as a recorded removal, or left the first line alone: a title is not
    # copied from text that stays.  With keep_headline the headline stays by
    # request and its copy goes to metadata, if the first line reads like one.
    if config.keep_headline and "title" not in doc.metadata:
        title = guess_title(paragraphs, config.title_max_words)
        if title is not None and looks_like_headline(title, config.title_max_words):
            doc.metadata["title"] = title
    return doc
