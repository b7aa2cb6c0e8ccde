"""The registry of generic detectors: each declared once, with its id, stage and why.

A detector is a function decorated with :func:`detector`.  The decorator
records it under its function name; its rule id in provenance is
``generic/<name>`` and its one-line why is the first line of its docstring.
Stages, and what their functions look like:

* ``text``: ``(paragraphs, context) -> list[Mark]`` (:mod:`cleaner.heuristics`),
  run by :mod:`cleaner.pipeline` in the order of ``CleanerConfig.text_heuristics``;
* ``html``: ``(page, context) -> [(selector, element)]`` (:mod:`cleaner.htmlrules`),
  run before extraction in the order of ``CleanerConfig.html_heuristics``;
* ``block``: ``(blocks, context) -> [(selector, index)]`` (:mod:`cleaner.extraction`),
  run on the extracted blocks in the order of ``CleanerConfig.html_block_filters``;
* ``step``: a fixed step of the HTML pipeline (inert elements, the span merge):
  always run, listed here so that its removals are explained like the rest.

A detector says what to remove; the runner of its stage turns that into
cuts or removals under the detector's id, so no detector types its own id.
Adding one is a decorated function, a fixture pair, and its name in the
config tuple of its stage.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from cleaner.document import Kind

Stage = Literal["text", "html", "block", "step"]

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class Detector:
    """One generic detector.

    Attributes:
        name: The function's name and the registry key.
        stage: Where it runs (see the module docstring).
        why: One line saying what it removes, shown in provenance and docs.
        run: The function.
    """

    name: str
    stage: Stage
    why: str
    run: Callable[..., Any]

    @property
    def id(self) -> str:
        """The rule id of its removals: ``generic/<name>``."""
        return f"generic/{self.name}"


@dataclass(frozen=True, slots=True)
class Mark:
    """What a text detector proposes for one paragraph; the pipeline adds the rule id.

    Attributes:
        kind: How the paragraph or span is removed (see :class:`cleaner.document.Cut`).
        line: Index of the paragraph.
        span: For ``trim``, the span inside the paragraph.
        fields: Metadata the removal moves out of the text (``extract``).
    """

    kind: Kind
    line: int
    span: tuple[int, int] | None = None
    fields: dict[str, Any] = field(default_factory=dict)


REGISTRY: dict[str, Detector] = {}
"""Every detector by name, in declaration order (config sets the order they run in)."""


def detector(stage: Stage, why: str | None = None) -> Callable[[F], F]:
    """Register the decorated function as a detector of ``stage``.

    ``why`` defaults to the first line of the function's docstring.
    """

    def register(fn: F) -> F:
        name = fn.__name__
        if name in REGISTRY:
            raise ValueError(f"detector {name!r} is declared twice")
        line = (fn.__doc__ or "").strip().split("\n", 1)[0]
        REGISTRY[name] = Detector(name, stage, why or line, fn)
        return fn

    return register


def rule_id(fn: Callable[..., Any]) -> str:
    """The rule id of a registered detector function (for fixed steps that record themselves).

    Raises:
        KeyError: ``fn`` is not registered.
    """
    return REGISTRY[fn.__name__].id


def all_detectors() -> dict[str, Detector]:
    """Return the registry with every detector module imported."""
    # The modules register their detectors when imported; they import this one.
    from cleaner import extraction, furniture, heuristics, htmlrules  # noqa: F401, PLC0415

    return REGISTRY


@functools.lru_cache(maxsize=64)
def of_stage(stage: Stage, names: tuple[str, ...] | None = None) -> tuple[Detector, ...]:
    """The detectors of a stage: those ``names`` give, in their order, or all.

    Looked up once for each config (a cache): every document asks.

    Raises:
        ValueError: A name is not a detector of that stage.
    """
    found = all_detectors()
    if names is None:
        return tuple(d for d in found.values() if d.stage == stage)
    unknown = [n for n in names if n not in found or found[n].stage != stage]
    if unknown:
        known = ", ".join(d.name for d in found.values() if d.stage == stage)
        raise ValueError(f"no {stage} detector named {', '.join(unknown)} (known: {known})")
    return tuple(found[n] for n in names)


def whys() -> dict[str, str]:
    """Return the why of every detector, by rule id."""
    return {d.id: d.why for d in all_detectors().values()}
