"""The learned choice among candidate extractions, its guard, and what it records.

Steps, each visible in ``provenance["source"]["extractor"]``:

1. **candidates** (:mod:`cleaner.candidates`): the cleaner's own extraction,
   readability-lxml's, resiliparse's;
2. **features** (:mod:`cleaner.features`): agreement between candidates,
   lengths, markup figures, the scope asked for;
3. **pick**: a gradient-boosted model scores every ordered pair of candidates
   ("is A better than B?"); a candidate's score is its mean win probability and
   the highest score wins;
4. **guard**: a second model predicts, for each candidate, the chance that it
   loses the article (recall under one half).  A pick whose chance is over
   ``CleanerConfig.html_guard_max_lost`` gives way to the best-scored candidate
   under it; a pick that is empty, or far shorter than another candidate that
   the guard trusts more (``html_guard_min_ratio``) and the other extractions
   agree with (``html_guard_min_support``), gives way to that one, unless the
   text path's own cuts made the pick short (its ``_plain`` twin is the long
   one: a comment thread cut under its own loss guard) and left more than a
   few words.  Either
   replacement must hold most of a non-empty pick's text (``html_guard_replacement_held``): the
   article a fragment belongs to, not another block of the page.  A pick of a
   few words (``html_guard_fragment_tokens``) that a fallback's far longer text
   holds gives way to that fallback.  The
   fallback candidates (:data:`cleaner.candidates.FALLBACKS`) are not ranked:
   the guard alone takes one, when no ranked candidate is trusted or all are
   empty.
   Either is recorded as the reason.

The models are LightGBM text models inside one JSON file beside the rule packs
(``models/choice.json``, with its card ``models/choice.card.md``), loaded
without pickle; ``cleaner train-choice`` rebuilds it from gold sets
(:mod:`cleaner.train`).  Without the file the cleaner keeps its own extraction
and says so once per :class:`cleaner.Cleaner`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from cleaner.candidates import extractor_of, ranked
from cleaner.config import CleanerConfig
from cleaner.features import GUARD_FEATURES, PAIR_FEATURES, Table

log = logging.getLogger(__name__)

FORMAT = "cleaner-choice"
FORMAT_VERSION = 1


FRAGMENT_RATIO = 0.1
"""A pick under ``html_guard_fragment_tokens`` gives way to a fallback over ten times longer ..."""

FRAGMENT_HELD = 0.8
"""... that holds at least this share of the pick's shingles.  Measured on the four
development sets: one page of 1,227 changes (an article lost, now found), F1 the same
to four decimals on each set; at 50 tokens or a ratio of 0.2, F1 falls by .001 on
``dragnet-train/``."""


class ModelError(ValueError):
    """A choice model file that cannot be used; the message names the file."""


def bundled_model_path() -> Path:
    """Return the path of the model shipped with cleaner (it may be absent).

    Installed wheels carry it inside the package; a source checkout keeps it in
    the top-level ``models/`` folder.
    """
    inside = Path(str(resources.files("cleaner"))) / "_bundled_models" / "choice.json"
    if inside.is_file():
        return inside
    return Path(__file__).resolve().parents[1] / "models" / "choice.json"


@dataclass(frozen=True, slots=True)
class Choice:
    """The candidate chosen for one page and why.

    Attributes:
        name: The chosen candidate.
        scores: Each candidate's mean pair-win probability.
        lost: Each candidate's predicted chance of losing the article.
        picked: The model's pick, before the guard.
        runner_up: The best-scored candidate other than ``name``.
        reason: ``model``, or why the guard overrode the pick.
    """

    name: str
    scores: dict[str, float]
    lost: dict[str, float]
    picked: str
    runner_up: str | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form recorded in provenance."""
        return {
            "chosen": self.name,
            "runner_up": self.runner_up,
            "picked": self.picked,
            "reason": self.reason,
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
            "lost": {k: round(v, 4) for k, v in self.lost.items()},
        }


@dataclass(slots=True)
class ChoiceModel:
    """The pair model and the guard model, with the facts of their training.

    Attributes:
        pair: LightGBM booster: P(candidate A is better than candidate B).
        guard: LightGBM booster: P(candidate loses the article).
        info: The file's other fields (sets trained on, parameters, figures).
    """

    pair: Any
    guard: Any
    info: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any], origin: str = "<model>") -> ChoiceModel:
        """Build the model from its JSON form (see :meth:`to_dict`).

        Raises:
            ModelError: Wrong format or version, or features other than this
                version of cleaner computes.
        """
        # Imported here: importing lightgbm takes half a second the text path never needs.
        import lightgbm  # noqa: PLC0415

        if data.get("format") != FORMAT or data.get("version") != FORMAT_VERSION:
            raise ModelError(f"{origin}: not a {FORMAT} model of version {FORMAT_VERSION}")
        if tuple(data.get("pair_features", ())) != PAIR_FEATURES or tuple(
            data.get("guard_features", ())
        ) != (GUARD_FEATURES):
            raise ModelError(f"{origin}: features differ from this version's; retrain it")
        try:
            pair = lightgbm.Booster(model_str=data["pair_model"])
            guard = lightgbm.Booster(model_str=data["guard_model"])
        except (KeyError, lightgbm.basic.LightGBMError) as exc:
            raise ModelError(f"{origin}: unreadable model: {exc}") from None
        info = {k: v for k, v in data.items() if k not in ("pair_model", "guard_model")}
        return cls(pair, guard, info)

    @classmethod
    def load(cls, path: str | Path) -> ChoiceModel:
        """Read a model file.

        Raises:
            ModelError: The file cannot be read or is not a model of this version.
        """
        try:
            data = json.loads(Path(path).read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelError(f"{path}: cannot read choice model: {exc}") from None
        if not isinstance(data, dict):
            raise ModelError(f"{path}: not a {FORMAT} model")
        return cls.from_dict(data, str(path))

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form: the facts of ``info`` and both models as text."""
        return {
            **self.info,
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "pair_features": list(PAIR_FEATURES),
            "guard_features": list(GUARD_FEATURES),
            "pair_model": self.pair.model_to_string(),
            "guard_model": self.guard.model_to_string(),
        }

    def scores(self, features: Table) -> tuple[list[float], list[float]]:
        """Each candidate's mean pair-win probability and its chance of losing the article."""
        import numpy as np  # noqa: PLC0415 (loaded with lightgbm, see from_dict)

        k = len(features.names)
        rank = ranked(features.names)
        pairs = [(a, b) for a in rank for b in rank if a != b]
        # A fallback (not ranked) scores 0: it comes after every ranked candidate.
        wins = [0.0] * k
        if pairs:
            rows = np.array([features.pair(a, b) for a, b in pairs], dtype=np.float64)
            probs = self.pair.predict(rows, num_threads=1)
            share = 2 * (len(rank) - 1)
            for (a, b), p in zip(pairs, probs, strict=True):
                # Both orders of a pair count, so the score does not depend on the order.
                wins[a] += float(p) / share
                wins[b] += (1.0 - float(p)) / share
        guard_rows = np.array([features.guard(a) for a in range(k)], dtype=np.float64)
        lost = [float(p) for p in self.guard.predict(guard_rows, num_threads=1)]
        return wins, lost


def decide(features: Table, wins: list[float], lost: list[float], config: CleanerConfig) -> Choice:
    """Pick the best-scored candidate, then apply the guard (see the module's steps).

    >>> from cleaner.features import table
    >>> t = table({"cleaner": "", "readability": "a b c d e f", "resiliparse": "a b c d e"},
    ...           {}, headline=False, comments=False)
    >>> decide(t, [0.9, 0.5, 0.4], [0.9, 0.1, 0.2], CleanerConfig()).reason
    'guard: pick predicted to lose the article'
    """
    names = features.names
    order = sorted(range(len(names)), key=lambda i: (-wins[i], i))
    pick = order[0]
    chosen, reason = _guard(features, order, lost, config)
    rest = [i for i in order if i != chosen]
    return Choice(
        name=names[chosen],
        scores={names[i]: wins[i] for i in range(len(names))},
        lost={names[i]: lost[i] for i in range(len(names))},
        picked=names[pick],
        runner_up=names[rest[0]] if rest else None,
        reason=reason,
    )


def _guard(
    features: Table, order: list[int], lost: list[float], config: CleanerConfig
) -> tuple[int, str]:
    """The candidate the guard keeps of those in ``order`` (best first), and why.

    The reason is ``model`` when the guard keeps the model's pick.
    """
    chosen, reason = order[0], "model"
    tokens = features.tokens
    held = config.html_guard_replacement_held
    safe = [
        i
        for i in order
        if lost[i] <= config.html_guard_max_lost
        and (not tokens[chosen] or features.held_in(chosen, i) >= held)
    ]
    if lost[chosen] > config.html_guard_max_lost and safe:
        chosen = safe[0]
        reason = "guard: pick predicted to lose the article"
    if not tokens[chosen]:
        longer = [i for i in order if tokens[i]]
        if longer:
            return longer[0], "guard: pick empty"
        return chosen, reason
    # Among the ranked candidates only: a fallback much longer than the pick is
    # mostly the page around the article (measured: -.01 to -.07 F1 on
    # dragnet-train left out, whatever the ratio and however much of the pick
    # it holds); a fallback is taken when no ranked candidate is trusted.
    rank = set(ranked(features.names))
    longer = _far_longer(features, order, rank, chosen, lost, config=config)
    if longer and not _cut_by_text_path(features, chosen, config):
        return longer[0], "guard: pick far shorter than another candidate"
    if tokens[chosen] < config.html_guard_fragment_tokens:
        # A few words that a fallback's far longer text holds: a caption or a
        # teaser of the article the page's own text has.
        whole = _holding_fallbacks(features, order, rank, chosen)
        if whole:
            return whole[0], "guard: pick a fragment of a fallback's text"
    return chosen, reason


def _far_longer(
    features: Table,
    order: list[int],
    rank: set[int],
    chosen: int,
    lost: list[float],
    *,
    config: CleanerConfig,
) -> list[int]:
    """The ranked candidates far longer than ``chosen``, supported, safer to keep and holding it."""
    tokens = features.tokens
    return [
        i
        for i in order
        if i in rank
        and tokens[chosen] < config.html_guard_min_ratio * tokens[i]
        and lost[i] < lost[chosen]
        and features.support(i) >= config.html_guard_min_support
        and features.held_in(chosen, i) >= config.html_guard_replacement_held
    ]


def _cut_by_text_path(features: Table, chosen: int, config: CleanerConfig) -> bool:
    """Whether the text path's own cuts made ``chosen`` far shorter than its extraction.

    A candidate's ``_plain`` twin is the same extraction without the generic
    rules and heuristics.  When the pick is far shorter than its twin, what it
    lacks was cut by those rules (a comment thread, a sidebar), each under its
    own loss guard (:mod:`cleaner.guard`), not missed by the extractor: a
    longer candidate is then no sign that the pick lost the article, and the
    twin stays a candidate the model may pick.  A pick of fewer than
    ``html_guard_fragment_tokens`` tokens is left to the length rule: a few
    words hold no body that guard could weigh.  Measured with
    ``cleaner train-choice`` on the four development sets: in-sample F1 +.0025
    on ``dragnet-train/`` (six pages) and +.005 on ``cleaneval-dev/`` (one),
    comment threads the guard gave back; leave-one-set-out picks unchanged on
    every set; no article lost.

    >>> from cleaner.features import table
    >>> body = " ".join(f"w{i}" for i in range(40))
    >>> t = table({"cleaner": body, "cleaner_plain": body + " reply" * 200}, {},
    ...           headline=False, comments=False)
    >>> _cut_by_text_path(t, 0, CleanerConfig()), _cut_by_text_path(t, 1, CleanerConfig())
    (True, False)
    >>> few = table({"cleaner": "w1 w2 w3", "cleaner_plain": body}, {}, headline=False,
    ...             comments=False)
    >>> _cut_by_text_path(few, 0, CleanerConfig())
    False
    """
    names, tokens = features.names, features.tokens
    twins = [j for j, n in enumerate(names) if j != chosen and extractor_of(n) == names[chosen]]
    if not twins or tokens[chosen] < config.html_guard_fragment_tokens:
        return False  # a few words left: no body the text path's guard could weigh
    return tokens[chosen] < config.html_guard_min_ratio * tokens[twins[0]]


def _holding_fallbacks(features: Table, order: list[int], rank: set[int], chosen: int) -> list[int]:
    """The fallbacks whose far longer text holds the text of ``chosen``."""
    tokens = features.tokens
    return [
        i
        for i in order
        if i not in rank
        and tokens[chosen] < FRAGMENT_RATIO * tokens[i]
        and features.held_in(chosen, i) >= FRAGMENT_HELD
    ]


def choose(model: ChoiceModel, features: Table, config: CleanerConfig) -> Choice:
    """Score the candidates of one page with the model and decide (pick, then guard)."""
    wins, lost = model.scores(features)
    return decide(features, wins, lost, config)


def load_for(config: CleanerConfig) -> ChoiceModel | None:
    """The model the configuration asks for, or ``None`` (with one warning) when unusable.

    Raises:
        ModelError: A model file named by ``config.html_choice_model`` is unusable
            (a bundled model that is absent or unusable only gives a warning).
    """
    if not config.html_choice or config.html_fast:
        return None
    if config.html_choice_model is not None:
        return ChoiceModel.load(config.html_choice_model)
    path = bundled_model_path()
    try:
        return ChoiceModel.load(path)
    except ModelError as exc:
        log.warning("no choice among extractions, the cleaner's own is used: %s", exc)
        return None
