"""The loss guard: no single detector removes most of a document's prose on weak evidence.

Deleting an article is the worst thing a cleaner can do, and the detectors
that can do it are few: a truncation that fires at a comment or "related"
heading sitting above the article (a menu item "Post comment", a per-post
"5 comments" link), or a line detector that takes an article's paragraphs for
captions or duplicates.  Their evidence is one line's shape.  The guard weighs
what a step's cuts would remove against the document's **prose**: paragraphs
of at least ``guard_prose_min_words`` words that end like a sentence.

* A **truncation** (cut to the end of the document) must follow the article
  body: when it would take more than ``guard_max_prose_share`` of the prose,
  at least ``guard_body_min_prose`` prose paragraphs must come before its cut
  point.  Comment threads are often longer than the post, so a long cut after
  a body is allowed; a cut above the body is not.
* **Any other** rule whose cuts in one step would take more than that share of
  the prose, and at least ``guard_min_lines`` prose paragraphs, is deferred
  outright (a page of lists or tables with one sentence has no article to lose).

A deferred rule's cuts are not applied, and the step's record in provenance
lists the deferral (rule, lines, share of the prose).  Thresholds live in
:class:`cleaner.config.CleanerConfig`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import regex

from cleaner.config import CleanerConfig
from cleaner.document import Cut

_SENTENCE_END = regex.compile(r"[.!?…。！？]['\"’”)»]*\s*$")

# Kinds that remove a whole paragraph; a trim or an extraction to metadata
# takes no prose the guard weighs.
_WHOLE = frozenset({"drop-line", "drop-block", "truncate"})


def prose_chars(paragraph: str, min_words: int) -> int:
    """The length of a paragraph if it is prose (long, ends like a sentence), else 0.

    >>> prose_chars("The council voted on Monday to close the old library.", 8)
    53
    >>> headline = "Rail strike called off after long talks in the city"
    >>> prose_chars("Article tools", 8), prose_chars(headline, 8)
    (0, 0)
    """
    if len(paragraph.split()) < min_words or not _SENTENCE_END.search(paragraph):
        return 0
    return len(paragraph)


def guard(
    paragraphs: Sequence[str], cuts: Sequence[Cut], config: CleanerConfig
) -> tuple[list[Cut], list[dict[str, Any]]]:
    """Split a step's cuts into those applied and the deferrals of rules on weak evidence.

    Args:
        paragraphs: The text the step was shown.
        cuts: The step's cuts.
        config: Thresholds (``guard_*``).

    Returns:
        The cuts to apply and, for each deferred rule, a record for provenance.

    >>> body = "The council voted on Monday to close the old library for good."
    >>> paras = ["Article tools", "Post comment", body, body.replace("Monday", "Friday")]
    >>> cut = [Cut("generic/comment_thread", "truncate", i) for i in (1, 2, 3)]
    >>> kept, deferred = guard(paras, cut, CleanerConfig())
    >>> kept, deferred[0]["rule"], deferred[0]["reason"]
    ([], 'generic/comment_thread', 'truncation before the article body')
    >>> kept, deferred = guard([body, "3 Comments", body, body], cut, CleanerConfig())
    >>> len(kept), deferred
    (3, [])
    >>> lines = [Cut("generic/photo_credit", "drop-line", i) for i in (0, 1, 2)]
    >>> guard([body] * 3 + ["Tags"], lines, CleanerConfig())[1][0]["reason"]
    'would remove most of the prose'
    >>> len(guard([body, "Tags", "- one", "- two"], lines, CleanerConfig())[0])
    3
    """
    if not config.loss_guard or not cuts:
        return list(cuts), []
    min_words = config.guard_prose_min_words
    whole = {c.line for c in cuts if c.kind in _WHOLE and c.span is None}
    if not any(prose_chars(paragraphs[i], min_words) for i in whole if 0 <= i < len(paragraphs)):
        return list(cuts), []  # most steps: no prose among what they remove
    prose = [prose_chars(p, min_words) for p in paragraphs]
    total = sum(prose)
    by_rule: dict[str, list[Cut]] = defaultdict(list)
    for cut in cuts:
        by_rule[cut.rule].append(cut)
    kept: list[Cut] = []
    deferred: list[dict[str, Any]] = []
    for rule, rule_cuts in by_rule.items():
        lines = {c.line for c in rule_cuts if c.kind in _WHOLE and c.span is None}
        taken = sum(prose[i] for i in lines if 0 <= i < len(prose))
        if taken <= config.guard_max_prose_share * total:
            kept.extend(rule_cuts)
            continue
        reason = _weak_evidence(rule_cuts, lines, prose, config)
        if reason is None:
            kept.extend(rule_cuts)
            continue
        deferred.append(
            {
                "rule": rule,
                "reason": reason,
                "lines": len(lines),
                "prose_share": round(taken / total, 3),
            }
        )
    return kept, deferred


def _weak_evidence(
    cuts: Sequence[Cut], lines: set[int], prose: Sequence[int], config: CleanerConfig
) -> str | None:
    """Why one rule's cuts, which would take most of the prose, are on weak evidence, if so."""
    if any(c.kind == "truncate" for c in cuts):
        start = min(c.line for c in cuts if c.kind == "truncate")
        before = sum(1 for chars in prose[:start] if chars)
        if before >= config.guard_body_min_prose:
            return None
        return "truncation before the article body"
    if sum(1 for i in lines if 0 <= i < len(prose) and prose[i]) < config.guard_min_lines:
        # One sentence-like line among lists or tables is no article to lose.
        return None
    return "would remove most of the prose"
