"""Score cleaner on an evaluation set, beside a baseline measured in the same run.

Two layouts are understood:

* **HTML**: a folder of ``<id>.html.gz`` pages (UTF-8) with ``gold.jsonl``
  (``{"id", "url", "text"}`` per line).  Every page is cleaned with
  :meth:`cleaner.Cleaner.clean_html` and given to the extractors a user could
  pick instead (:data:`HTML_BASELINES`): ``trafilatura.extract``,
  readability-lxml and jusText.  Each peer runs at its default settings and,
  where it has the options, configured to the set's scope; the table shows
  whichever of the two scores higher.
* **text**: a folder of ``<id>.txt`` files (already extracted text) scored
  against a ``gold.jsonl`` elsewhere (for ``<set>-text/``, the sibling
  ``<set>/gold.jsonl``).  Every file is cleaned with
  :meth:`cleaner.Cleaner.clean` and also scored as it is, the baseline the
  text path has to beat, and as the oracle line filter keeps it
  (:func:`oracle_lines`), the ceiling of a cleaner that keeps or drops whole
  lines.  The share of the gap closed says how far the cleaner got from the
  text as is towards that ceiling.

Gold rows may carry ``scope: {"headline": bool, "comments": bool}``: what the
gold counts as content.  A set without it counts the article body alone (no
headline, no comments).  The cleaner is configured to the scope
(``keep_headline``, ``keep_comments``), and so are the peers.

A page is **lost** when the cleaner's recall is below :data:`LOST_RECALL` while
a peer (HTML) or the text as is (text sets) reaches :data:`FOUND_RECALL`:
deleting an article is the worst failure, and the count is reported by id.

Both systems see the same decoded input and the page's URL from the gold file;
reading and decompressing happen before the clocks start, so docs/s measures
extraction and cleaning alone.  The systems take turns page by page, so their
docs/s compare as ratios on a machine whose load changes.  Scores use
:mod:`cleaner.metric`.
"""

from __future__ import annotations

import gzip
import json
import statistics
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import justext
import trafilatura
from readability import Document as ReadabilityDocument

from cleaner import Cleaner, default_cleaner
from cleaner.candidates import fragment_text
from cleaner.metric import NGRAM, Report, score, shingles

Layout = Literal["html", "text"]

HTML_SUFFIX = ".html.gz"
TEXT_SUFFIX = ".txt"
TEXT_SET_SUFFIX = "-text"
"""A text set ``<set>-text/`` takes its gold from the sibling ``<set>/gold.jsonl``."""

LOST_RECALL = 0.5
"""A page is lost when the cleaner's recall is below this ..."""
FOUND_RECALL = 0.8
"""... while a peer (or the text as is) reaches this recall."""
ORACLE_SHARE = 0.5
"""The oracle line filter keeps a line when at least this share of its shingles is in the gold."""


class EvalError(ValueError):
    """An evaluation set that cannot be read; the message names the file."""


@dataclass(frozen=True, slots=True)
class Scope:
    """What a set's gold counts as content besides the article body.

    Attributes:
        headline: The headline opens the gold text.
        comments: Readers' comments count as content.
    """

    headline: bool = False
    comments: bool = False

    def __str__(self) -> str:
        """``headline yes, comments no``."""
        yes = {True: "yes", False: "no"}
        return f"headline {yes[self.headline]}, comments {yes[self.comments]}"


@dataclass(frozen=True, slots=True)
class GoldPage:
    """One page of the gold file.

    Attributes:
        id: The page id (the input file is ``<id>.html.gz`` or ``<id>.txt``).
        url: The page's URL, if known.
        text: The gold text.
        scope: The row's ``scope``, or ``None`` when the row has none.
    """

    id: str
    url: str | None
    text: str
    scope: Scope | None = None


@dataclass(frozen=True, slots=True)
class SystemRun:
    """The scores and speed of one system on the whole set.

    Attributes:
        name: ``cleaner``, a baseline of :data:`HTML_BASELINES` or ``as-is``.
        report: Scores (see :class:`cleaner.metric.Report`).
        seconds: Wall-clock time spent producing the predictions.
        errors: Pages whose prediction failed (scored as empty), with the error.
    """

    name: str
    report: Report
    seconds: float
    errors: dict[str, str] = field(default_factory=dict)
    variant: str = ""
    """For a peer: ``default`` or ``scope`` (configured to the set's scope)."""

    @property
    def empty(self) -> int:
        """Pages whose output has no token."""
        return sum(1 for c in self.report.pages.values() if not c.has_pred)

    @property
    def docs_per_second(self) -> float:
        """Pages per second (0 when nothing was timed)."""
        pages = len(self.report.pages)
        return pages / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The outcome of one evaluation run: the set and each system's scores.

    Attributes:
        layout: ``html`` or ``text``.
        directory: The set's folder.
        gold_path: The gold file.
        systems: Every run: the cleaner first, then the baselines (both
            variants of a peer that has scope options), then, on a text set,
            the oracle line filter.
        scope: The scope the cleaner and the peers were configured to.
    """

    layout: Layout
    directory: Path
    gold_path: Path
    systems: list[SystemRun]
    scope: Scope = Scope()

    def shown(self) -> list[SystemRun]:
        """The runs the table shows: each peer at whichever variant scores higher."""
        best: dict[str, SystemRun] = {}
        for run in self.systems:
            held = best.get(run.name)
            if held is None or run.report.means.f1 > held.report.means.f1:
                best[run.name] = run
        return list(best.values())

    def baselines(self) -> list[SystemRun]:
        """The runs a lost article is judged against: every peer variant, or the text as is."""
        return [run for run in self.systems if run.name not in ("cleaner", "oracle")]

    def lost(self) -> list[str]:
        """Ids of the pages the cleaner lost (see :data:`LOST_RECALL`), sorted."""
        ours = self.system("cleaner").report.pages
        others = self.baselines()
        return sorted(
            pid
            for pid, counts in ours.items()
            if counts.has_gold
            and counts.recall < LOST_RECALL
            and any(run.report.pages[pid].recall >= FOUND_RECALL for run in others)
        )

    def gap_closed(self) -> float | None:
        """On a text set, ``(cleaner - as is) / (ceiling - as is)`` in F1; else ``None``.

        The ceiling is the better of the oracle line filter and the text as
        is; ``None`` as well when there is no gap to close.
        """
        names = {run.name for run in self.systems}
        if not {"cleaner", "as-is", "oracle"} <= names:
            return None
        as_is = self.system("as-is").report.means.f1
        ceiling = max(self.system("oracle").report.means.f1, as_is)
        if ceiling - as_is <= 0:
            return None
        return (self.system("cleaner").report.means.f1 - as_is) / (ceiling - as_is)

    def system(self, name: str) -> SystemRun:
        """Return the run of the system called ``name``.

        Raises:
            KeyError: No such system in this evaluation.
        """
        for run in self.systems:
            if run.name == name:
                return run
        raise KeyError(name)


def load_gold(path: Path) -> dict[str, GoldPage]:
    """Read a ``gold.jsonl`` file: one ``{"id", "url", "text"}`` object per line.

    Lines end at ``\\n`` alone: JSON strings may hold U+2028 and other
    characters that :meth:`str.splitlines` would break a record at.  A row's
    optional ``scope`` must be ``{"headline": bool, "comments": bool}``.

    Raises:
        EvalError: The file is missing or a line is not a valid record; the
            message names the file and the line.
    """
    try:
        lines = path.read_text("utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalError(f"{path}: cannot read gold file: {exc}") from None
    gold: dict[str, GoldPage] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            page = GoldPage(
                str(record["id"]),
                record.get("url"),
                str(record.get("text") or ""),
                _scope(record.get("scope")),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise EvalError(f"{path}:{number}: not a gold record ({exc})") from None
        if page.id in gold:
            raise EvalError(f"{path}:{number}: duplicate id {page.id!r}")
        gold[page.id] = page
    if not gold:
        raise EvalError(f"{path}: no gold records")
    return gold


def _scope(value: object) -> Scope | None:
    """The ``scope`` field of a gold row (``ValueError`` when malformed)."""
    if value is None:
        return None
    if not isinstance(value, dict) or not all(
        isinstance(value.get(key, False), bool) for key in ("headline", "comments")
    ):
        raise ValueError(f"scope must be {{'headline': bool, 'comments': bool}}, not {value!r}")
    return Scope(bool(value.get("headline", False)), bool(value.get("comments", False)))


def set_scope(gold: Mapping[str, GoldPage], gold_path: Path) -> Scope:
    """The one scope of a set's gold rows; rows without one count the body alone.

    Raises:
        EvalError: The rows disagree (a set is configured once).
    """
    scopes = {page.scope or Scope() for page in gold.values()}
    if len(scopes) > 1:
        raise EvalError(f"{gold_path}: gold rows disagree on scope ({', '.join(map(str, scopes))})")
    return scopes.pop() if scopes else Scope()


def detect_layout(directory: Path) -> Layout:
    """Tell an HTML set (``*.html.gz``) from a text set (``*.txt``).

    Raises:
        EvalError: The folder holds neither.
    """
    if not directory.is_dir():
        raise EvalError(f"{directory}: not a folder")
    if any(directory.glob(f"*{HTML_SUFFIX}")):
        return "html"
    if any(directory.glob(f"*{TEXT_SUFFIX}")):
        return "text"
    raise EvalError(f"{directory}: no *{HTML_SUFFIX} or *{TEXT_SUFFIX} files")


def default_gold_path(directory: Path, layout: Layout) -> Path:
    """The gold file of a set.

    ``<dir>/gold.jsonl`` for an HTML set; for a text set ``<set>-text/``, the
    sibling ``<set>/gold.jsonl`` when it exists, else ``<dir>/../dev/gold.jsonl``.
    """
    if layout == "html":
        return directory / "gold.jsonl"
    base = directory if directory.name else directory.resolve()
    name = base.name
    if name.endswith(TEXT_SET_SUFFIX) and len(name) > len(TEXT_SET_SUFFIX):
        sibling = base.parent / name[: -len(TEXT_SET_SUFFIX)] / "gold.jsonl"
        if sibling.is_file():
            return sibling
    return directory.parent / "dev" / "gold.jsonl"


def read_pages(directory: Path, ids: Iterable[str], layout: Layout) -> dict[str, str]:
    """Read the input of every page id, decoded as UTF-8.

    Raises:
        EvalError: A page is missing or unreadable; the message names the file.
    """
    pages: dict[str, str] = {}
    for pid in ids:
        path = directory / f"{pid}{HTML_SUFFIX if layout == 'html' else TEXT_SUFFIX}"
        try:
            data = path.read_bytes()
            if layout == "html":
                data = gzip.decompress(data)
            pages[pid] = data.decode("utf-8")
        except FileNotFoundError:
            raise EvalError(f"{path}: page listed in the gold file is missing") from None
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise EvalError(f"{path}: cannot read page: {exc}") from None
    return pages


Predictor = Callable[[str, str | None], str]
"""``(input, url) -> text``: one system's output for one page."""

VARIANT_SEP = "@"
"""Joins a peer's name and its variant in the keys given to :func:`run_systems`."""


def run_systems(
    predictors: Mapping[str, Predictor],
    inputs: Mapping[str, str],
    gold: Mapping[str, GoldPage],
    *,
    resamples: int = 1000,
) -> list[SystemRun]:
    """Time every predictor over every page and score each one's output.

    The systems take turns page by page, in an order that rotates from one
    page to the next, so a change of load on the machine during the run weighs
    on all of them alike and their docs/s compare as ratios.  A page whose
    prediction raises counts as an empty prediction and is listed in
    :attr:`SystemRun.errors`; the run goes on.  A key ``name@variant`` gives
    the run that name and variant.
    """
    names = list(predictors)
    predictions: dict[str, dict[str, str]] = {name: {} for name in names}
    errors: dict[str, dict[str, str]] = {name: {} for name in names}
    seconds = dict.fromkeys(names, 0.0)
    for turn, (pid, page) in enumerate(inputs.items()):
        first = turn % len(names)
        for name in names[first:] + names[:first]:
            start = time.perf_counter()
            try:
                predicted = predictors[name](page, gold[pid].url)
            except Exception as exc:
                predicted = ""
                errors[name][pid] = f"{type(exc).__name__}: {exc}"
            seconds[name] += time.perf_counter() - start
            predictions[name][pid] = predicted
    truth = {pid: gold[pid].text for pid in inputs}
    runs = []
    for key in names:
        name, _, variant = key.partition(VARIANT_SEP)
        report = score(truth, predictions[key], resamples=resamples)
        runs.append(SystemRun(name, report, seconds[key], errors[key], variant))
    return runs


def oracle_lines(text: str, gold: str) -> str:
    """The oracle line filter: keep a line iff at least half of its shingles are in the gold.

    Shingles are those of the metric (4 tokens; a shorter line is one shingle
    of all its tokens); a line without tokens is kept.  No cleaner that keeps
    or drops whole lines can do much better, so, with the text as is, it
    gives the ceiling a text cleaner is measured against.

    >>> gold = "The council voted on Monday to close the old library."
    >>> oracle_lines("Menu\\nThe council voted on Monday to close the old library.\\nShare", gold)
    'The council voted on Monday to close the old library.'
    """
    wanted = set(shingles(gold, NGRAM))
    kept = []
    for line in text.split("\n"):
        counts = shingles(line, NGRAM)
        total = sum(counts.values())
        if total == 0 or sum(n for s, n in counts.items() if s in wanted) >= ORACLE_SHARE * total:
            kept.append(line)
    return "\n".join(kept)


def trafilatura_default(html: str, url: str | None) -> str:
    """``trafilatura.extract`` at its default settings: the HTML baseline."""
    return str(trafilatura.extract(html, url=url) or "")


def trafilatura_scoped(scope: Scope) -> Predictor:
    """``trafilatura.extract`` configured to a scope: comments as the scope says.

    With a headline in scope, the page title trafilatura finds opens the text.
    """

    def predict(html: str, url: str | None) -> str:
        text = str(trafilatura.extract(html, url=url, include_comments=scope.comments) or "")
        if scope.headline and text:
            found = trafilatura.extract_metadata(html, default_url=url)
            title = (getattr(found, "title", None) or "").strip()
            if title and not text.startswith(title):
                text = f"{title}\n{text}"
        return text

    return predict


# Elements after which text starts a new line when a baseline's HTML is flattened to text.
# More than the choice's readability candidate breaks at (cleaner.candidates): the peer
# figures were measured with these, the choice model trained on that one; each stays.
_BLOCK_TAGS = (
    "p", "div", "section", "article", "main", "header", "footer", "aside", "blockquote",
    "pre", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th", "br", "hr",
    "h1", "h2", "h3", "h4", "h5", "h6", "figure", "figcaption",
)  # fmt: skip


def html_to_text(fragment: str) -> str:
    """The text of a baseline's HTML fragment, one line per block element, blank lines dropped."""
    return fragment_text(fragment, _BLOCK_TAGS)


def readability_default(html: str, url: str | None) -> str:
    """readability-lxml's article at its default settings, flattened to text."""
    return html_to_text(ReadabilityDocument(html, url=url).summary(html_partial=True))


def readability_scoped(scope: Scope) -> Predictor:
    """readability-lxml configured to a scope: with a headline in scope, its title opens the text.

    readability-lxml has no comment option (it keeps one article block).
    """

    def predict(html: str, url: str | None) -> str:
        document = ReadabilityDocument(html, url=url)
        text = html_to_text(document.summary(html_partial=True))
        title = " ".join(document.short_title().split()) if scope.headline else ""
        if title and text and not text.startswith(title):
            text = f"{title}\n{text}"
        return text

    return predict


def justext_default(html: str, url: str | None) -> str:
    """The paragraphs jusText does not call boilerplate, with its English stoplist.

    The English stoplist for every page, as in the published results on the
    article-extraction benchmark.  jusText has no headline or comment option.
    """
    paragraphs = justext.justext(html.encode("utf-8"), justext.get_stoplist("English"))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


#: The extractors a user could pick instead of cleaner, run beside it on an HTML set.
HTML_BASELINES: dict[str, Predictor] = {
    "trafilatura": trafilatura_default,
    "readability": readability_default,
    "justext": justext_default,
}

#: How each peer that has the options is configured to a scope.
SCOPED_BASELINES: dict[str, Callable[[Scope], Predictor]] = {
    "trafilatura": trafilatura_scoped,
    "readability": readability_scoped,
}


def _scope_changes(name: str, scope: Scope) -> bool:
    """Whether configuring peer ``name`` to ``scope`` changes it from its default.

    trafilatura keeps comments and drops the title by default; readability-lxml
    drops the title.
    """
    if name == "trafilatura":
        return scope.headline or not scope.comments
    if name == "readability":
        return scope.headline
    return False


def scoped_cleaner(engine: Cleaner, scope: Scope) -> Cleaner:
    """A copy of ``engine`` (same packs) whose config keeps what ``scope`` counts as content."""
    return engine.with_config(
        engine.config.scoped(keep_headline=scope.headline, keep_comments=scope.comments)
    )


def _chosen_baselines(baselines: Sequence[str] | None) -> list[str]:
    """The names of the HTML baselines to run (default: all); an unknown one is an error."""
    chosen = list(HTML_BASELINES) if baselines is None else list(baselines)
    unknown = [name for name in chosen if name not in HTML_BASELINES]
    if unknown:
        raise EvalError(f"unknown baseline {unknown[0]!r} (known: {', '.join(HTML_BASELINES)})")
    return chosen


def _selected_gold(
    gold: dict[str, GoldPage], ids: Iterable[str] | None, gold_path: Path
) -> dict[str, GoldPage]:
    """The gold records of the wanted page ids (all when ``ids`` is ``None``)."""
    if ids is None:
        return gold
    wanted = list(ids)
    unknown = [pid for pid in wanted if pid not in gold]
    if unknown:
        raise EvalError(f"{gold_path}: no gold record for {', '.join(unknown[:3])}")
    return {pid: gold[pid] for pid in wanted}


def _html_predictors(
    engine: Cleaner, chosen: Sequence[str], *, scope: Scope, scoped: bool
) -> dict[str, Predictor]:
    """The cleaner and the chosen HTML baselines, a peer the scope changes at both variants."""
    predictors: dict[str, Predictor] = {
        "cleaner": lambda html, url: engine.clean_html(html, url=url).text
    }
    for name in chosen:
        if scoped and _scope_changes(name, scope):
            predictors[f"{name}{VARIANT_SEP}default"] = HTML_BASELINES[name]
            predictors[f"{name}{VARIANT_SEP}scope"] = SCOPED_BASELINES[name](scope)
        else:
            predictors[name] = HTML_BASELINES[name]
    return predictors


def _text_predictors(engine: Cleaner, *, baseline: bool) -> dict[str, Predictor]:
    """The cleaner and, with ``baseline``, the text as is."""
    predictors: dict[str, Predictor] = {
        "cleaner": lambda text, url: engine.clean(text, url=url).text
    }
    if baseline:
        predictors["as-is"] = lambda text, url: text
    return predictors


def _oracle_run(inputs: dict[str, str], gold: dict[str, GoldPage], *, resamples: int) -> SystemRun:
    """The oracle line filter: each page's lines kept as its gold text has them."""
    start = time.perf_counter()
    kept = {pid: oracle_lines(inputs[pid], gold[pid].text) for pid in inputs}
    seconds = time.perf_counter() - start
    truth = {pid: gold[pid].text for pid in inputs}
    return SystemRun("oracle", score(truth, kept, resamples=resamples), seconds)


def evaluate(
    directory: Path,
    *,
    gold_path: Path | None = None,
    cleaner: Cleaner | None = None,
    ids: Iterable[str] | None = None,
    resamples: int = 1000,
    baseline: bool = True,
    baselines: Sequence[str] | None = None,
    scoped: bool = True,
) -> Evaluation:
    """Evaluate cleaner (and the baselines) on an HTML or a text evaluation set.

    Args:
        directory: The set's folder (layout detected from its files).
        gold_path: The gold file; default :func:`default_gold_path`.
        cleaner: The engine to evaluate; default the bundled packs.
        ids: Evaluate only these page ids (default: every gold page).
        resamples: Bootstrap resamples for the intervals (0: none).
        baseline: Also run the baselines (the HTML extractors, or the text as
            is and the oracle line filter).
        baselines: For an HTML set, the names of :data:`HTML_BASELINES` to run
            (default: all of them).
        scoped: Configure the cleaner (``keep_headline``, ``keep_comments``)
            and the peers to the scope of the gold rows (see :class:`Scope`);
            off, the cleaner runs as given and the peers at their defaults.

    Raises:
        EvalError: The set or the gold file cannot be read, or a baseline is unknown.
    """
    chosen = _chosen_baselines(baselines)
    layout = detect_layout(directory)
    gold_path = gold_path or default_gold_path(directory, layout)
    gold = _selected_gold(load_gold(gold_path), ids, gold_path)
    scope = set_scope(gold, gold_path)
    inputs = read_pages(directory, gold, layout)
    engine = cleaner or default_cleaner()
    if scoped:
        engine = scoped_cleaner(engine, scope)
    if layout == "html":
        predictors = _html_predictors(
            engine, chosen if baseline else [], scope=scope, scoped=scoped
        )
    else:
        predictors = _text_predictors(engine, baseline=baseline)
    systems = run_systems(predictors, inputs, gold, resamples=resamples)
    if layout == "text" and baseline:
        systems.append(_oracle_run(inputs, gold, resamples=resamples))
    return Evaluation(layout, directory, gold_path, systems, scope)


_HEADER = (
    f"{'system':<20} {'P':>6} {'R':>6} {'F1':>6}  {'F1 95% CI':<15} {'exact':>6} "
    f"{'docs/s':>8} {'empty':>5} {'errors':>6}"
)


def render(evaluation: Evaluation) -> str:
    """Return the side-by-side table of an evaluation, as printed by ``cleaner eval``.

    A peer run at both variants shows the one that scores higher, named
    ``name (default)`` or ``name (scope)``.  Under the table: lost pages by
    id and, on a text set, the share of the gap closed.
    """
    first = evaluation.systems[0].report
    lines = [
        f"{evaluation.layout} set {evaluation.directory} ({len(first.pages)} pages, "
        f"gold {evaluation.gold_path}; scope: {evaluation.scope})",
        _HEADER,
    ]
    for run in evaluation.shown():
        m = run.report.means
        ci = run.report.ci.get("f1")
        interval = f"[{ci.low:.3f}, {ci.high:.3f}]" if ci else "-"
        label = f"{run.name} ({run.variant})" if run.variant else run.name
        speed = f"{run.docs_per_second:8.1f}" if run.name != "oracle" else f"{'-':>8}"
        lines.append(
            f"{label:<20} {m.precision:6.3f} {m.recall:6.3f} {m.f1:6.3f}  {interval:<15} "
            f"{run.report.accuracy:6.3f} {speed} {run.empty:5d} {len(run.errors):6d}"
        )
    if evaluation.baselines():
        lost = evaluation.lost()
        shown = ", ".join(lost[:20]) + (f", ... ({len(lost) - 20} more)" if len(lost) > 20 else "")
        lines.append(f"lost articles: {len(lost)}" + (f" ({shown})" if lost else ""))
    gap = evaluation.gap_closed()
    if gap is not None:
        as_is = evaluation.system("as-is").report.means.f1
        ceiling = max(evaluation.system("oracle").report.means.f1, as_is)
        lines.append(f"gap closed: {gap:.0%} (as is {as_is:.3f}, ceiling {ceiling:.3f})")
    return "\n".join(lines)


def render_macro(evaluations: Sequence[Evaluation]) -> str:
    """The macro-average over sets of every system the tables show on every set.

    P, R and F1 are the means of the per-set figures; ``lost`` adds up the
    lost pages.  A peer counts at the variant its table shows.
    """
    names: list[str] = []
    for evaluation in evaluations:
        for run in evaluation.shown():
            if run.name not in names:
                names.append(run.name)
    lines = [
        f"macro-average over {len(evaluations)} sets",
        f"{'system':<20} {'P':>6} {'R':>6} {'F1':>6} {'sets':>5} {'lost':>5}",
    ]
    for name in names:
        runs = [run for ev in evaluations for run in ev.shown() if run.name == name]
        p = statistics.fmean(run.report.means.precision for run in runs)
        r = statistics.fmean(run.report.means.recall for run in runs)
        f1 = statistics.fmean(run.report.means.f1 for run in runs)
        lost = (
            f"{sum(len(ev.lost()) for ev in evaluations if ev.baselines()):5d}"
            if name == "cleaner"
            else f"{'-':>5}"
        )
        lines.append(f"{name:<20} {p:6.3f} {r:6.3f} {f1:6.3f} {len(runs):5d} {lost}")
    return "\n".join(lines)
