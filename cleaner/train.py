"""Train the choice model of :mod:`cleaner.choice` from gold sets, and measure it fairly.

``cleaner train-choice SET... -o models/choice.json`` runs this module.  Each
set is a folder of ``<id>.html.gz`` pages with a ``gold.jsonl`` (the layout of
``cleaner eval``); a gold row's ``scope`` (``{"headline": bool, "comments":
bool}``, absent meaning neither) configures the cleaner for that set, as a user
would for such pages.  For every page:

1. the cleaner extracts its candidates (:mod:`cleaner.candidates`) under that
   scope, and each candidate's text goes through the text pipeline as it would
   if chosen; each is scored against the gold text with :mod:`cleaner.metric`;
2. the peers a user could run instead are scored too: trafilatura at its
   defaults and configured to the scope, readability-lxml, resiliparse;
3. the features (:mod:`cleaner.features`) are computed.

Steps 1-2 are slow and cached per page in a folder outside the repository
(``--cache``).  Then, with fixed seeds:

* **leave one set out**: for each set, both models are trained on the others
  and the choice is scored on it (per set: the choice, each candidate, the
  best peer, lost articles); with ``--seeds K``, also with the next seeds,
  and each set's spread over the seeds is printed;
* the shipped models are trained on every set and written with their figures;
  a model card is written beside them.

Labels: the pair model learns "A is better than B" from pairs whose gold F1
differ by more than :data:`MIN_GAP`, weighted by the difference; the guard
learns "recall under one half" on pages where some candidate reaches 0.8.  Sets
are weighted by the inverse square root of their size, so a large set does not
drown the others and a small one does not dominate.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import math
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from cleaner import Cleaner
from cleaner._version import __version__
from cleaner.candidates import NAMES, extractor_of, ranked, readability_text
from cleaner.choice import ChoiceModel, decide
from cleaner.config import CleanerConfig
from cleaner.features import GUARD_FEATURES, PAIR_FEATURES, Table, table
from cleaner.metric import PageCounts, aggregate, match

MIN_GAP = 0.01
"""Pairs of candidates whose gold F1 differ by less than this teach nothing."""

LOST_RECALL = 0.5
"""A page is lost when its recall is under this ..."""

FOUND_RECALL = 0.8
"""... while some other extraction reaches this."""

PAIR_PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 63,
    "min_data_in_leaf": 20,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "num_boost_round": 200,
}
"""LightGBM parameters of the pair model (small: the file is data in the repository).

Measured against 15 leaves of at least 40 rows (``cleaner train-choice`` on the four
development sets): leave-one-set-out F1 +.004 on ``dev/``, +.001 on ``dragnet-train/``,
+.004 on ``cleaneval-dev/``, +.001 on ``readability/``, and up on every set in-sample;
31 leaves gained less, 400 rounds of 15 leaves lost .004 on ``readability/``, a floor
of 100 rows lost on ``dev/`` and ``cleaneval-dev/``."""

GUARD_PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 7,
    "min_data_in_leaf": 40,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "num_boost_round": 100,
}
"""LightGBM parameters of the guard model."""

CACHE_VERSION = 6
"""Bumped when what a cached page holds changes."""


class TrainError(ValueError):
    """A set that cannot be used for training; the message names the file."""


@dataclass(frozen=True, slots=True)
class GoldSet:
    """One gold set: its pages, their gold texts and the scope its gold counts.

    Attributes:
        name: The folder's name.
        directory: The folder.
        pages: ``(id, url, gold text)`` per page.
        headline: The gold counts the headline.
        comments: The gold counts readers' comments.
        licence: The ``Licence:`` line of the set's README (empty if none).
    """

    name: str
    directory: Path
    pages: list[tuple[str, str | None, str]]
    headline: bool
    comments: bool
    licence: str


@dataclass(slots=True)
class PageRecord:
    """What training needs of one page (the cached part of the work).

    Attributes:
        texts: Each candidate's output text (after the text pipeline), by name.
        figures: The page's markup figures.
        counts: Each candidate's score after the text pipeline, ``(tp, fp, fn)``.
        peers: Each peer's score, ``(tp, fp, fn)``, by peer name.
        title: The page's title (metadata).
    """

    texts: dict[str, str]
    figures: dict[str, float]
    counts: dict[str, tuple[float, float, float]]
    peers: dict[str, tuple[float, float, float]]
    title: str = ""


@dataclass(slots=True)
class Scored:
    """One page ready for training: its features and the gold scores."""

    set: str
    id: str
    table: Table
    counts: dict[str, PageCounts]
    peers: dict[str, PageCounts]
    f1: list[float] = field(default_factory=list)

    @property
    def findable(self) -> bool:
        """Some candidate or peer reaches :data:`FOUND_RECALL`."""
        everything = [*self.counts.values(), *self.peers.values()]
        return any(c.recall >= FOUND_RECALL for c in everything)


def _f1(c: PageCounts) -> float:
    p, r = c.precision, c.recall
    return 2 * p * r / (p + r) if p + r else 0.0


def read_set(directory: Path) -> GoldSet:
    """Read a gold set's pages, scope and licence.

    Raises:
        TrainError: No ``gold.jsonl``, a bad line in it, or mixed scopes.
    """
    gold = directory / "gold.jsonl"
    pages: list[tuple[str, str | None, str]] = []
    scopes: set[tuple[bool, bool]] = set()
    try:
        handle = gold.open(encoding="utf-8", newline="\n")
    except OSError as exc:
        raise TrainError(f"{gold}: cannot read gold file: {exc}") from None
    with handle:
        # Lines end with "\n" only: a gold text may hold U+2028 and other breaks.
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                pid = str(row["id"])
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise TrainError(f"{gold}:{number}: not a gold record ({exc})") from None
            scope = row.get("scope") or {}
            scopes.add((bool(scope.get("headline")), bool(scope.get("comments"))))
            pages.append((pid, row.get("url") or None, str(row.get("text") or "")))
    if len(scopes) > 1:
        raise TrainError(f"{gold}: rows disagree on scope; split the set")
    headline, comments = scopes.pop() if scopes else (False, False)
    licence = ""
    readme = directory / "README.md"
    if readme.is_file():
        for line in readme.read_text("utf-8").splitlines():
            if line.lstrip("* ").startswith("Licence:"):
                licence = line.lstrip("* ").removeprefix("Licence:").strip()
                break
    return GoldSet(directory.name, directory, pages, headline, comments, licence)


def _peers(html: str, url: str | None, comments: bool) -> dict[str, str]:
    """The peers' texts: what a user could run instead of cleaner."""
    import trafilatura  # noqa: PLC0415 - training only
    from resiliparse.extract.html2text import extract_plain_text  # noqa: PLC0415

    out = {
        "trafilatura": trafilatura.extract(html, url=url) or "",
        "readability-lxml": readability_text(html),
        "resiliparse": extract_plain_text(html, main_content=True),
    }
    if not comments:  # trafilatura keeps comments by default; the scoped run drops them
        out["trafilatura (scope)"] = (
            trafilatura.extract(html, url=url, include_comments=False) or ""
        )
    return out


def page_record(engine: Cleaner, html: str, url: str | None, gold: str) -> PageRecord:
    """Extract one page's candidates and peers and score them against its gold text."""
    source: dict[str, Any] = {"format": "html"}
    chosen = engine.extract_page(html, url=url, source=source)
    figures = chosen.extraction.figures
    texts = dict.fromkeys(NAMES, "")
    if chosen.html:
        docs = engine.html_candidates(chosen, url=url, site=None, source=source)
        texts = {name: doc.text for name, doc in docs.items()}
    counts: dict[str, tuple[float, float, float]] = {}
    for name, text in texts.items():
        c = match(gold, text)
        counts[name] = (c.tp, c.fp, c.fn)
    peers = {}
    for name, text in _peers(html, url, engine.config.keep_comments).items():
        c = match(gold, text)
        peers[name] = (c.tp, c.fp, c.fn)
    return PageRecord(texts, figures, counts, peers, str(chosen.metadata.get("title") or ""))


def _cache_dir(root: Path, gold: GoldSet) -> Path:
    key = (
        f"{CACHE_VERSION}|{__version__}|{gold.directory.resolve()}|{gold.headline}|{gold.comments}"
    )
    return root / f"{gold.name}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"


def load_records(gold: GoldSet, cache: Path, log: TextIO = sys.stderr) -> dict[str, PageRecord]:
    """Every page's record, from the cache or computed (and cached, atomically)."""
    folder = _cache_dir(cache, gold)
    folder.mkdir(parents=True, exist_ok=True)
    # The choice's options on (the extraction then keeps every candidate's text);
    # the model itself is never loaded here.
    config = CleanerConfig(keep_headline=gold.headline, keep_comments=gold.comments)
    engine = Cleaner(config=config)
    records: dict[str, PageRecord] = {}
    started = time.perf_counter()
    for n, (pid, url, text) in enumerate(gold.pages, 1):
        path = folder / f"{hashlib.sha256(pid.encode()).hexdigest()[:16]}.json"
        if path.is_file():
            records[pid] = PageRecord(**json.loads(path.read_text("utf-8")))
            continue
        page = gold.directory / f"{pid}.html.gz"
        try:
            with gzip.open(page, "rt", encoding="utf-8") as handle:
                html = handle.read()
        except (OSError, UnicodeDecodeError, EOFError) as exc:
            print(f"{page}: skipped, unreadable: {exc}", file=log)
            continue
        record = page_record(engine, html, url, text)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(dataclasses.asdict(record)), "utf-8")
        tmp.replace(path)
        records[pid] = record
        if n % 100 == 0:
            print(
                f"{gold.name}: {n}/{len(gold.pages)} pages, {time.perf_counter() - started:.0f} s",
                file=log,
            )
    return records


def scored_pages(gold: GoldSet, records: dict[str, PageRecord]) -> list[Scored]:
    """Features and gold scores of every page of a set."""
    out = []
    for pid, _, _ in gold.pages:
        record = records.get(pid)
        if record is None:
            continue
        t = table(
            record.texts,
            record.figures,
            title=record.title,
            headline=gold.headline,
            comments=gold.comments,
        )
        counts = {n: PageCounts(*record.counts[n]) for n in t.names}
        peers = {n: PageCounts(*c) for n, c in record.peers.items()}
        s = Scored(gold.name, pid, t, counts, peers)
        s.f1 = [_f1(counts[n]) for n in t.names]
        out.append(s)
    return out


def _weights(pages: Sequence[Scored]) -> dict[str, float]:
    sizes: dict[str, int] = {}
    for p in pages:
        sizes[p.set] = sizes.get(p.set, 0) + 1
    return {name: 1 / math.sqrt(n) for name, n in sizes.items()}


def _booster(
    rows: list[list[float]],
    *,
    labels: list[int],
    weights: list[float],
    names: Sequence[str],
    params: dict[str, Any],
    seed: int,
) -> Any:
    import lightgbm  # noqa: PLC0415 - training only
    import numpy as np  # noqa: PLC0415

    settings = {k: v for k, v in params.items() if k != "num_boost_round"} | {
        "seed": seed,
        "deterministic": True,
        "force_row_wise": True,
        "num_threads": 1,
        "verbose": -1,
    }
    data = lightgbm.Dataset(
        np.array(rows, dtype=np.float64),
        label=np.array(labels),
        weight=np.array(weights),
        feature_name=list(names),
        free_raw_data=True,
    )
    return lightgbm.train(settings, data, num_boost_round=params["num_boost_round"])


def fit(pages: Sequence[Scored], seed: int = 0) -> ChoiceModel:
    """Train the pair model and the guard model on pages (fixed seed: reproducible)."""
    set_weight = _weights(pages)
    rows: list[list[float]] = []
    labels: list[int] = []
    weights: list[float] = []
    grows: list[list[float]] = []
    glabels: list[int] = []
    gweights: list[float] = []
    for page in pages:
        w = set_weight[page.set]
        rank = ranked(page.table.names)
        for a in rank:
            for b in rank:
                gap = page.f1[a] - page.f1[b]
                if a != b and abs(gap) >= MIN_GAP:
                    rows.append(page.table.pair(a, b))
                    labels.append(1 if gap > 0 else 0)
                    weights.append(w * abs(gap))
        if page.findable:
            for a, name in enumerate(page.table.names):
                grows.append(page.table.guard(a))
                glabels.append(1 if page.counts[name].recall < LOST_RECALL else 0)
                gweights.append(w)
    pair = _booster(
        rows, labels=labels, weights=weights, names=PAIR_FEATURES, params=PAIR_PARAMS, seed=seed
    )
    guard = _booster(
        grows,
        labels=glabels,
        weights=gweights,
        names=GUARD_FEATURES,
        params=GUARD_PARAMS,
        seed=seed,
    )
    return ChoiceModel(pair, guard)


@dataclass(frozen=True, slots=True)
class SetResult:
    """Scores of the choice on one set, beside the candidates and the peers.

    Attributes:
        name: The set.
        pages: Pages scored.
        f1: F1 of each system (``choice``, each candidate, each peer, ``oracle``).
        lost: Lost articles of each system.
        reasons: How often each choice reason occurred.
        chosen: How often each candidate was chosen.
    """

    name: str
    pages: int
    f1: dict[str, float]
    lost: dict[str, int]
    reasons: dict[str, int]
    chosen: dict[str, int]

    @property
    def best_peer(self) -> tuple[str, float]:
        """The best peer and its F1."""
        peers = {k: v for k, v in self.f1.items() if k.startswith("peer:")}
        name = max(peers, key=lambda k: peers[k])
        return name.removeprefix("peer:"), peers[name]


def score_choice(
    model: ChoiceModel, pages: Sequence[Scored], config: CleanerConfig | None = None
) -> SetResult:
    """Choose on every page of one set and score the result beside each candidate and peer."""
    config = config or CleanerConfig()
    systems: dict[str, list[PageCounts]] = {"choice": [], "oracle": []}
    reasons: dict[str, int] = {}
    chosen: dict[str, int] = {}
    lost: dict[str, int] = {}
    for page in pages:
        wins, probs = model.scores(page.table)
        pick = decide(page.table, wins, probs, config)
        systems["choice"].append(page.counts[pick.name])
        best = max(range(len(page.f1)), key=lambda i: page.f1[i])
        systems["oracle"].append(page.counts[page.table.names[best]])
        for name, c in page.counts.items():
            systems.setdefault(f"cand:{name}", []).append(c)
        for name, c in page.peers.items():
            systems.setdefault(f"peer:{name}", []).append(c)
        reasons[pick.reason] = reasons.get(pick.reason, 0) + 1
        chosen[pick.name] = chosen.get(pick.name, 0) + 1
        found = any(c.recall >= FOUND_RECALL for c in page.peers.values())
        if found:
            lost["choice"] = lost.get("choice", 0) + (page.counts[pick.name].recall < LOST_RECALL)
            for name, c in page.counts.items():
                key = f"cand:{name}"
                lost[key] = lost.get(key, 0) + (c.recall < LOST_RECALL)
    f1 = {name: aggregate(counts).f1 for name, counts in systems.items()}
    name = pages[0].set if pages else ""
    return SetResult(name, len(pages), f1, lost, reasons, chosen)


def leave_one_out(
    by_set: dict[str, list[Scored]], seed: int = 0, config: CleanerConfig | None = None
) -> list[SetResult]:
    """For each set: train on the others, score on it."""
    results = []
    for held, pages in by_set.items():
        train = [p for name, other in by_set.items() if name != held for p in other]
        model = fit(train, seed)
        results.append(score_choice(model, pages, config))
    return results


def render_spread(runs: Sequence[Sequence[SetResult]], seeds: Sequence[int]) -> str:
    """A Markdown table of each set's leave-one-set-out figures over several seeds.

    ``runs`` holds one :func:`leave_one_out` result per seed, the sets in the same order.
    """
    first, last = seeds[0], seeds[-1]
    lines = [
        f"Leave one set out, seeds {first} to {last} (the spread a retrain with another seed"
        " gives):",
        "",
        "| set | choice: min | mean | max | best peer | lost (choice): min | max |",
        "|---|---|---|---|---|---|---|",
    ]
    for results in zip(*runs, strict=True):
        f1 = [r.f1["choice"] for r in results]
        lost = [r.lost.get("choice", 0) for r in results]
        peer, pf1 = results[0].best_peer
        lines.append(
            f"| {results[0].name} | {min(f1):.4f} | {sum(f1) / len(f1):.4f} | {max(f1):.4f} | "
            f"{pf1:.4f} ({peer}) | {min(lost)} | {max(lost)} |"
        )
    return "\n".join(lines)


def render(results: Iterable[SetResult], title: str) -> str:
    """A Markdown table of set results (candidates by the first letters of their names)."""
    initials = {
        "cleaner": "cl",
        "readability": "rd",
        "resiliparse": "re",
        "recall": "tr",
        "resiliparse_page": "rp",
    }
    short = {n: initials[extractor_of(n)] + ("_p" if n != extractor_of(n) else "") for n in NAMES}
    lines = [
        f"{title}",
        "",
        "| set | pages | choice | best peer | vs best peer | lost (choice / cleaner alone) | "
        + " | ".join(short[n] for n in NAMES)
        + " | oracle | chosen ("
        + "/".join(short[n] for n in NAMES)
        + ") |",
        "|---|---|---|---|---|---|" + "---|" * len(NAMES) + "---|---|",
    ]
    for r in results:
        peer, pf1 = r.best_peer
        chosen = "/".join(str(r.chosen.get(n, 0)) for n in NAMES)
        cands = " | ".join(f"{r.f1['cand:' + n]:.3f}" for n in NAMES)
        lines.append(
            f"| {r.name} | {r.pages} | {r.f1['choice']:.3f} | {pf1:.3f} ({peer}) | "
            f"{r.f1['choice'] - pf1:+.3f} | "
            f"{r.lost.get('choice', 0)} / {r.lost.get('cand:cleaner', 0)} | {cands} | "
            f"{r.f1['oracle']:.3f} | {chosen} |"
        )
    legend = ", ".join(f"{short[n]} = {n}" for n in NAMES)
    lines += ["", f"Candidates: {legend} (`cleaner` alone is the path without a model)."]
    return "\n".join(lines)


def card(
    sets: Sequence[GoldSet], loso: Sequence[SetResult], full: Sequence[SetResult], seed: int
) -> str:
    """The model card: what the model is, what it was trained on, how it scores, how to rebuild."""
    rows = "\n".join(
        f"| `{g.name}` | {len(g.pages)} | headline {'yes' if g.headline else 'no'}, "
        f"comments {'yes' if g.comments else 'no'} | {g.licence or 'not stated'} |"
        for g in sets
    )
    names = " ".join(f"{g.name}/" for g in sets)
    pair_size = (
        f"{PAIR_PARAMS['num_boost_round']} trees of at most {PAIR_PARAMS['num_leaves']} leaves"
    )
    guard_size = (
        f"{GUARD_PARAMS['num_boost_round']} trees of at most {GUARD_PARAMS['num_leaves']} leaves"
    )
    return f"""# Choice model card

`models/choice.json` holds two LightGBM models (text format, inside JSON; loaded without
pickle) that choose, per page, among the candidates of the default HTML mode: three
extractions (the cleaner's own, trafilatura bounded by resiliparse then block filters;
readability-lxml's; resiliparse's main content), each after the text pipeline whole and
without its generic rules and heuristics (`_plain`), and two fallbacks after the plain
pipeline (trafilatura's recall pass before the merge, `recall_plain`; resiliparse on the
page as it came, `resiliparse_page_plain`), which the pair model does not rank and only
the guard takes. See `cleaner/choice.py` for the steps
and `cleaner/features.py` for the features (agreement between candidates, lengths, line
shapes, markup figures, the scope asked for; no domain, URL or text of any page).

* **Pair model**: P(candidate A's text scores a higher F1 than B's), {pair_size}.
  A candidate's score is its mean win probability; the best-scored wins.
* **Guard model**: P(a candidate's recall is under {LOST_RECALL}), learned on pages where some
  extraction reaches {FOUND_RECALL}; {guard_size}.
  A pick over `html_guard_max_lost`, an empty pick, or a pick far shorter than a ranked
  candidate the guard trusts more and the other extractions agree with
  (`html_guard_min_support`) gives way (the reason is recorded), to a candidate holding
  most of its text (`html_guard_replacement_held`), unless the text path's own cuts made
  the pick short (its `_plain` twin is the long one); a fallback is taken
  only when no ranked candidate is under `html_guard_max_lost`, or all are empty, or the
  pick is a few words (`html_guard_fragment_tokens`) that the fallback's far longer text holds.
* Trained with cleaner {__version__}, seed {seed}; sets weighted by the inverse square root of
  their size; labels from the gold F1 of each candidate after the text pipeline
  (`cleaner.metric`).

## Training sets

| set | pages | scope (what the gold counts) | licence |
|---|---|---|---|
{rows}

## Figures

F1 of the text the cleaner outputs under each set's scope, by candidate (`_plain`: the
text pipeline without its generic rules and heuristics; `cleaner` alone is the path without
a model). Peers at their defaults and configured to the set's scope, the best one shown.
Lost: recall < {LOST_RECALL} where a peer reaches {FOUND_RECALL}. Oracle: the best candidate
of each page in hindsight.

{render(loso, "Leave one set out (trained on the other sets, scored on this one):")}

{render(full, "Trained on every set (in-sample; the shipped model):")}

## Retrain

    cleaner train-choice {names} -o models/choice.json

(the sets' folders, each with `<id>.html.gz` pages and `gold.jsonl`). The command caches
each page's candidates in a temporary folder (`--cache`), prints the tables above and writes
this card beside the model. Same sets, same seed and same library versions give the same file.
`--seeds 5` also prints each set's leave-one-set-out spread over the seeds {seed} to {seed + 4}
(the model and this card stay those of seed {seed}).
"""


def train(
    directories: Sequence[Path],
    output: Path,
    *,
    cache: Path | None = None,
    seed: int = 0,
    seeds: int = 1,
    log: TextIO = sys.stderr,
    report: Callable[[str], None] = print,
) -> ChoiceModel:
    """Retrain the choice model from gold sets; print and record the figures.

    Args:
        directories: Gold sets (folders of ``<id>.html.gz`` and ``gold.jsonl``).
        output: Where to write the model (JSON); the card goes beside it
            (``<stem>.card.md``).
        cache: Folder for the per-page cache (default: in the system's
            temporary folder).
        seed: The seed of every random choice.
        seeds: With more than one, the leave-one-set-out figures are also
            computed with the seeds ``seed`` to ``seed + seeds - 1`` and their
            spread printed (:func:`render_spread`); the model and its card do not
            change.
        log: Where progress goes.
        report: Where the tables go.

    Raises:
        TrainError: A set cannot be read, fewer than two sets are given, or
            ``seeds`` is under one.
    """
    if len(directories) < 2:
        raise TrainError("give at least two sets (leave-one-set-out needs them)")
    if seeds < 1:
        raise TrainError(f"seeds must be at least 1, not {seeds}")
    random.seed(seed)
    cache = cache or Path(tempfile.gettempdir()) / "cleaner-choice-cache"
    sets = [read_set(d) for d in directories]
    by_set: dict[str, list[Scored]] = {}
    for gold in sets:
        records = load_records(gold, cache, log)
        by_set[gold.name] = scored_pages(gold, records)
    loso = leave_one_out(by_set, seed)
    report(render(loso, "Leave one set out (trained on the other sets, scored on this one):"))
    if seeds > 1:
        others = [leave_one_out(by_set, s) for s in range(seed + 1, seed + seeds)]
        report("")
        report(render_spread([loso, *others], range(seed, seed + seeds)))
    everything = [p for pages in by_set.values() for p in pages]
    model = fit(everything, seed)
    full = [score_choice(model, pages) for pages in by_set.values()]
    report("")
    report(render(full, "Trained on every set (in-sample; the shipped model):"))
    model.info = {
        "cleaner_version": __version__,
        "seed": seed,
        "trained_on": [
            {
                "set": g.name,
                "pages": len(by_set[g.name]),
                "headline": g.headline,
                "comments": g.comments,
                "licence": g.licence,
            }
            for g in sets
        ],
        "pair_params": PAIR_PARAMS,
        "guard_params": GUARD_PARAMS,
        "leave_one_set_out": [dataclasses.asdict(r) for r in loso],
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_suffix(".tmp")
    tmp.write_text(json.dumps(model.to_dict(), indent=1, sort_keys=True) + "\n", "utf-8")
    tmp.replace(output)
    card_path = output.with_name(f"{output.stem}.card.md")
    tmp = card_path.with_suffix(".tmp")
    tmp.write_text(card(sets, loso, full, seed), "utf-8")
    tmp.replace(card_path)
    return model
