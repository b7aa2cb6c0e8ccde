"""Fixture cases and inline examples: discovery and checking, shared by tests and tools.

A case is ``fixtures/<pack>/<case>.in.txt`` with, optionally:

* ``<case>.out.txt``: the expected clean text; without it the input must come
  out unchanged (a negative case);
* ``<case>.removals.json``: the expected removals, a list of
  ``{"rule", "kind", "text"}`` objects in order;
* ``<case>.url``: a URL to clean the input with (one line); without it the
  pack named by the folder is forced, except for packs that always apply.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaner import Cleaner
from cleaner.canonical import canonicalize
from cleaner.document import Result
from cleaner.provenance import restore
from cleaner.rules.model import Rule


@dataclass(frozen=True, slots=True)
class Case:
    """One fixture case."""

    pack: str
    name: str
    input: Path

    @property
    def id(self) -> str:
        """The case id shown by pytest, ``<pack>::<case>``."""
        return f"{self.pack}::{self.name}"

    def sibling(self, suffix: str) -> Path:
        """Return the path of the case's file with ``suffix`` (e.g. ``.out.txt``)."""
        return self.input.with_name(self.name + suffix)


def discover_cases(fixtures: Path) -> list[Case]:
    """Return every case under ``fixtures``, sorted by pack and name."""
    cases = []
    for path in sorted(fixtures.glob("*/*.in.txt")):
        cases.append(Case(path.parent.name, path.name.removesuffix(".in.txt"), path))
    return cases


def run_case(cleaner: Cleaner, case: Case) -> Result:
    """Clean a case's input the way its files say."""
    text = case.input.read_text("utf-8")
    url_file = case.sibling(".url")
    if url_file.exists():
        return cleaner.clean(text, url=url_file.read_text("utf-8").strip())
    pack = cleaner.registry.packs.get(case.pack)
    site = None if pack is None or pack.always else case.pack
    return cleaner.clean(text, site=site)


def expected_text(case: Case) -> str:
    """Return the expected clean text of a case (the canonical input for a negative case)."""
    out = case.sibling(".out.txt")
    if out.exists():
        return out.read_text("utf-8")
    return canonicalize(case.input.read_text("utf-8"))


def expected_removals(case: Case) -> list[dict[str, Any]] | None:
    """Return the golden removals of a case, if it has them."""
    path = case.sibling(".removals.json")
    if not path.exists():
        return None
    data: list[dict[str, Any]] = json.loads(path.read_text("utf-8"))
    return data


def removal_summary(result: Result) -> list[dict[str, Any]]:
    """Return the removals in the form golden files use."""
    return [{"rule": r.rule, "kind": r.kind, "text": r.text} for r in result.removals]


def example_failures(rule: Rule) -> list[str]:
    """Check a rule's inline examples; return one message per failing example.

    A ``remove`` example must be matched (within ``max_chars``), and a ``trim``
    rule must leave something of it; a ``keep`` example must not be matched.
    A rule with no examples fails: every rule documents what it removes.
    """
    if not (rule.examples_remove or rule.examples_keep):
        return ["a rule needs at least one example"]
    failures = []
    for example in rule.examples_remove:
        fits = rule.max_chars is None or len(example) <= rule.max_chars
        match = rule.pattern.search(example, timeout=1.0) if fits else None
        if match is None:
            failures.append(f"should remove: {example!r}")
        elif rule.action == "trim" and match.span() == (0, len(example)):
            failures.append(f"trim removes the whole paragraph: {example!r}")
    for example in rule.examples_keep:
        fits = rule.max_chars is None or len(example) <= rule.max_chars
        if fits and rule.pattern.search(example, timeout=1.0):
            failures.append(f"should keep: {example!r}")
    return failures


def case_failures(cleaner: Cleaner, case: Case) -> list[str]:
    """Check a fixture case; return one message per failed expectation.

    Checks the expected text (shown as a diff), the golden removals if any,
    that the removals restore the canonical input, and that cleaning the
    output again changes nothing.
    """
    result = run_case(cleaner, case)
    failures = []
    expected = expected_text(case)
    if result.text != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            result.text.splitlines(keepends=True),
            fromfile=f"{case.id} expected",
            tofile=f"{case.id} got",
        )
        failures.append("text differs:\n" + "".join(diff).rstrip("\n"))
    golden = expected_removals(case)
    if golden is not None and removal_summary(result) != golden:
        failures.append("removals differ from " + case.sibling(".removals.json").name)
    if restore(result) != canonicalize(case.input.read_text("utf-8")):
        failures.append("restoring the removals does not give the canonical input")
    pack = cleaner.registry.packs.get(case.pack)
    site = None if pack is None or pack.always else case.pack
    if cleaner.clean(result.text, site=site).text != result.text:
        failures.append("cleaning the output again changes it")
    return failures


SEED_NOISE = (
    "Spread the love",
    "READ ALSO: Officials meet to discuss the budget",
    "Back to top button",
    "Leave a Reply",
    "Share this: facebook twitter whatsapp",
)
"""Noise lines that :func:`seed_variants` adds around seed articles."""

SEED_URLS = (
    None,
    "https://www.telesurenglish.net/news/story-{n}.html",
    "https://news.example.org/world/{n}/",
)
"""URL templates that :func:`seed_variants` cycles through (``None``: no URL)."""


def seed_variants(seeds: Path, count: int) -> Iterator[dict[str, Any]]:
    """Yield ``count`` input records varied from the ``*.txt`` articles in ``seeds``.

    Each record is ``{"id", "url", "text"}``: a seed article with noise lines
    added at the head or tail, a numbered closing sentence (so every text is
    distinct), and Windows line endings or doubled spaces on some.  Deterministic:
    the same arguments give the same records.  For tests and throughput runs.

    Raises:
        ValueError: ``seeds`` holds no ``.txt`` file.
    """
    texts = [(p.stem, p.read_text("utf-8")) for p in sorted(seeds.glob("*.txt"))]
    if not texts:
        raise ValueError(f"{seeds}: no .txt seed articles")
    for n in range(count):
        stem, text = texts[n % len(texts)]
        noise = SEED_NOISE[n % len(SEED_NOISE)]
        if n % 2:
            text = f"{noise}\n\n{text}"
        if n % 3 == 0:
            text = f"{text}\n\nThis is report number {n}.\n\n{noise}\n"
        else:
            text = f"{text}\nThis is report number {n}.\n"
        if n % 4 == 1:
            text = text.replace("\n", "\r\n")
        if n % 5 == 2:
            text = text.replace(". ", ".  ")
        url = SEED_URLS[n % len(SEED_URLS)]
        yield {"id": f"{stem}-{n}", "url": url and url.format(n=n), "text": text}
