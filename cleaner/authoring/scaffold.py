"""Start a new site: a stub pack and a failing fixture pair to fill in.

With several sample documents, the pack's fingerprints and first rules are
mined from what the samples share (:mod:`cleaner.authoring.mine`); the fixture
pair is made from the first sample, and its expected output starts with a note
to delete, so the case fails until someone writes down what the clean text is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cleaner.authoring.mine import MineOptions, mine_texts, site_name
from cleaner.authoring.yamlout import render_pack
from cleaner.canonical import canonicalize
from cleaner.config import CleanerConfig
from cleaner.files import InputError, read_bytes, write_atomic
from cleaner.html import DecodeError, decode_bytes
from cleaner.rules.loader import parse_pack

FILL_IN = (
    "EDIT THIS FIXTURE: delete every noise paragraph below and this one, "
    "leaving the clean article text."
)

_HEADER = """\
Rule pack for {site}: scaffolded from {n} sample(s); review every rule.
Each rule: id (permanent), action, pattern, why, and examples (remove/keep).
Then fill in fixtures/{site}/ and run: cleaner rules lint; cleaner rules test
Schema: cleaner/rules/schema.json (see docs/rules.md to point an editor at it)."""


class ScaffoldError(ValueError):
    """The scaffold cannot be written (a file exists, a sample is unreadable)."""


@dataclass(frozen=True, slots=True)
class Scaffold:
    """The files written for a new site."""

    pack: Path
    fixture_in: Path
    fixture_out: Path
    rules: int
    fingerprints: int


def _read(path: Path) -> str:
    try:
        return decode_bytes(read_bytes(path, CleanerConfig().max_input_bytes)).text
    except (InputError, DecodeError) as exc:
        raise ScaffoldError(f"{path}: {exc}") from None


def scaffold(
    site: str,
    samples: Sequence[Path],
    rules_dir: Path,
    fixtures_dir: Path,
    options: MineOptions | None = None,
) -> Scaffold:
    """Write ``rules_dir/<site>.yaml`` and ``fixtures_dir/<site>/<sample>.{in,out}.txt``.

    Args:
        site: The site's domain (or a name); the pack is named after it.
        samples: Sample documents of the site (text); the first becomes the fixture.
        rules_dir: Folder for the pack.
        fixtures_dir: Folder of fixture folders.
        options: Mining thresholds; by default a line must be in half the samples.

    Raises:
        ScaffoldError: No samples, an unreadable sample, or a file already exists.
    """
    if not samples:
        raise ScaffoldError("give at least one sample document with --from")
    texts = [_read(p) for p in samples]
    name = site_name(site)
    pack_path = rules_dir / f"{name}.yaml"
    stem = samples[0].name.split(".")[0] or "sample"
    fixture_in = fixtures_dir / name / f"{stem}.in.txt"
    fixture_out = fixtures_dir / name / f"{stem}.out.txt"
    for path in (pack_path, fixture_in, fixture_out):
        if path.exists():
            raise ScaffoldError(f"{path}: already exists; not overwriting")
    if len(texts) >= 2:
        mined = mine_texts(texts, name, options or MineOptions(min_share=0.5)).pack
    else:
        mined = {"name": name, "version": "0.1.0", "rules": []}
        if "." in name:
            mined["match"] = {"domains": [name]}
    mined["description"] = f"{name}: describe what the site's noise looks like."
    text = render_pack(mined, header=_HEADER.format(site=name, n=len(texts)))
    parse_pack(text.encode("utf-8"), str(pack_path))  # never write an invalid pack
    write_atomic(pack_path, text)
    write_atomic(fixture_in, texts[0])
    write_atomic(fixture_out, f"{FILL_IN}\n\n{canonicalize(texts[0])}")
    return Scaffold(
        pack_path,
        fixture_in,
        fixture_out,
        len(mined["rules"]),
        len(mined.get("match", {}).get("fingerprints", [])),
    )
