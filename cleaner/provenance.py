"""Provenance: hashes, removal records, replay and verification.

The provenance of a result is a JSON-serialisable dict::

    {
      "tool": {"name": "cleaner", "version": "..."},
      "input": {"sha256": ..., "chars": ...},        # the text handed in
      "canonical": {"sha256": ..., "chars": ...},    # the text removals point into
      "output": {"sha256": ..., "chars": ...},
      "packs": [{"name", "version", "sha256", "matched_by"}],
      "removals": [{"rule", "kind", "start", "end", "text"}],
      "rules": {"<rule id>": "<why>"},               # every rule that fired
      "steps": [{"name", "removals", ...}],
      "passes": 2,                                   # rule passes until a fixed point
      "skipped_rules": [{"rule", "reason", "paragraph"}],
      "source": {...}                                # decoding and extraction facts
    }

Hashes are SHA-256 of the UTF-8 bytes.  Replaying the removals on the canonical
text gives the output; inserting them back into the output gives the canonical
text (:func:`restore`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from cleaner._version import __version__
from cleaner.document import Document, Removal, Result


def sha256(text: str) -> str:
    """Return the SHA-256 hex digest of ``text`` encoded as UTF-8 (surrogates escaped).

    >>> sha256("")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _text_facts(text: str) -> dict[str, Any]:
    return {"sha256": sha256(text), "chars": len(text)}


def replay(canonical: str, removals: Iterable[Removal | Mapping[str, Any]]) -> str:
    """Apply removals to the canonical text; the result is the clean text.

    Raises:
        ValueError: A removal's text does not match the canonical text at its span.

    >>> replay("ab\\n\\ncd\\n", [Removal("x/y", "drop-line", 0, 4, "ab\\n\\n")])
    'cd\\n'
    """
    out: list[str] = []
    pos = 0
    for r in sorted((_as_removal(r) for r in removals), key=lambda r: r.start):
        if r.start < pos or canonical[r.start : r.end] != r.text:
            raise ValueError(f"removal {r.rule} [{r.start}:{r.end}] does not match the text")
        out.append(canonical[pos : r.start])
        pos = r.end
    out.append(canonical[pos:])
    return "".join(out)


def restore_text(text: str, removals: Iterable[Removal | Mapping[str, Any]]) -> str:
    """Insert removed spans back into clean ``text``; the result is the canonical input.

    >>> restore_text("cd\\n", [Removal("x/y", "drop-line", 0, 4, "ab\\n\\n")])
    'ab\\n\\ncd\\n'
    """
    out: list[str] = []
    canon_pos = 0
    text_pos = 0
    for r in sorted((_as_removal(r) for r in removals), key=lambda r: r.start):
        gap = r.start - canon_pos
        out.append(text[text_pos : text_pos + gap])
        text_pos += gap
        out.append(r.text)
        canon_pos = r.end
    out.append(text[text_pos:])
    return "".join(out)


def restore(result: Result) -> str:
    """Return the canonical input a result was cleaned from."""
    return restore_text(result.text, result.removals)


def verify(provenance: Mapping[str, Any], output: str) -> list[str]:
    """Check a provenance record against an output text; return the problems found.

    Checks the output hash, and that restoring the removals gives text with the
    recorded canonical hash.  An empty list means the record accounts for every
    removed character.
    """
    problems = []
    if sha256(output) != provenance["output"]["sha256"]:
        problems.append("output hash does not match the output text")
    restored = restore_text(output, provenance["removals"])
    if sha256(restored) != provenance["canonical"]["sha256"]:
        problems.append("restoring the removals does not give the canonical input")
    return problems


def _as_removal(r: Removal | Mapping[str, Any]) -> Removal:
    if isinstance(r, Removal):
        return r
    return Removal(r["rule"], r["kind"], int(r["start"]), int(r["end"]), r["text"])


def build(doc: Document, whys: Mapping[str, str]) -> Result:
    """Freeze a finished document into a :class:`~cleaner.document.Result`.

    Args:
        doc: The document after the last step.
        whys: The ``why`` of every rule id, for the rules that fired.
    """
    removals = sorted(doc.removals, key=lambda r: r.start)
    fired = {r.rule for r in removals}
    provenance: dict[str, Any] = {
        "tool": {"name": "cleaner", "version": __version__},
        "input": _text_facts(doc.raw),
        "canonical": _text_facts(doc.canonical),
        "output": _text_facts(doc.text),
        "packs": [p.to_dict() for p in doc.packs],
        "removals": [r.to_dict() for r in removals],
        "rules": {rule: whys.get(rule, "") for rule in sorted(fired)},
        "steps": [s.to_dict() for s in doc.steps],
        "passes": doc.passes,
        "skipped_rules": list(doc.skipped_rules),
        "source": dict(doc.source),
    }
    if doc.url is not None:
        provenance["url"] = doc.url
    return Result(
        text=doc.text, metadata=dict(doc.metadata), removals=removals, provenance=provenance
    )
