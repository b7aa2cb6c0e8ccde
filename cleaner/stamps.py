"""Stamps: what makes a batch incremental.

The sidecar JSON of every output records a *stamp*, the SHA-256 of the input
file and a fingerprint of the configuration (tool version, rule packs' hashes,
options).  An input whose outputs exist with the same stamp is skipped, so a
re-run after an interruption only does the rest, and the folder it leaves is
byte-identical to an uninterrupted run's.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

from cleaner import Cleaner
from cleaner._version import __version__
from cleaner.records import Fields, ProvenanceLevel

Stamp = dict[str, str]
"""``{"input_sha256": ..., "config": ...}``."""


def config_fingerprint(
    cleaner: Cleaner,
    *,
    site: str | None,
    fields: Fields,
    provenance: ProvenanceLevel = "full",
) -> str:
    """Return a hash of everything besides the input that shapes the outputs.

    The tool version, every loaded pack (name, version, SHA-256 of its file),
    the cleaner options, the forced site, the JSON Lines field names and the
    provenance level.
    """
    packs = sorted(cleaner.registry.packs.values(), key=lambda p: p.name)
    data = {
        "tool": __version__,
        "packs": [[p.name, p.version, p.sha256] for p in packs],
        "config": dataclasses.asdict(cleaner.config),
        "site": site,
        "fields": dataclasses.asdict(fields),
    }
    if provenance != "full":  # full keeps the fingerprints of earlier versions
        data["provenance"] = provenance
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode("utf-8")).hexdigest()


def stamp(input_sha256: str, fingerprint: str) -> Stamp:
    """Return the stamp of an input's outputs."""
    return {"input_sha256": input_sha256, "config": fingerprint}


def up_to_date(text_out: Path, meta_out: Path, expected: Stamp) -> dict[str, Any] | None:
    """Return the sidecar if an input's outputs exist and carry the ``expected`` stamp."""
    try:
        record = json.loads(meta_out.read_bytes())
    except (OSError, ValueError):
        return None
    if isinstance(record, dict) and record.get("stamp") == expected and text_out.is_file():
        return record
    return None
