"""Score cleaner on an evaluation set, beside a baseline measured in the same run.

Two layouts are understood:

* **HTML**: a folder of ``<id>.html.gz`` pages (UTF-8) with ``gold.jsonl``
  (``{"id", "url", "text"}`` per line).  Every page is cleaned with
  :meth:`cleaner.Cleaner.clean_html` and given to the extractors a user could
  pick instead, each at its default settings (:data:`HTML_BASELINES`):
  ``trafilatura.extract``, readability-lxml and jusText.
* **text**: a folder of ``<id>.txt`` files (already extracted text) scored
  against a ``gold.jsonl`` elsewhere.  Every file is cleaned with
  :meth:`cleaner.Cleaner.clean` and also scored as it is, the baseline the
  text path has to beat.

Both systems see the same decoded input and the page's URL from the gold file;
reading and decompressing happen before the clocks start, so docs/s measures
extraction and cleaning alone.  The systems take turns page by page, so their
docs/s compare as ratios on a machine whose load changes.  Scores use
:mod:`cleaner.metric`.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import justext
import trafilatura
from lxml import html as lxml_html
from readability import Document as ReadabilityDocument

from cleaner import Cleaner, default_cleaner
from cleaner.metric import Report, score

Layout = Literal["html", "text"]

HTML_SUFFIX = ".html.gz"
TEXT_SUFFIX = ".txt"


class EvalError(ValueError):
    """An evaluation set that cannot be read; the message names the file."""


@dataclass(frozen=True, slots=True)
class GoldPage:
    """One page of the gold file."""

    id: str
    url: str | None
    text: str


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

    @property
    def docs_per_second(self) -> float:
        """Pages per second (0 when nothing was timed)."""
        pages = len(self.report.pages)
        return pages / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The outcome of one evaluation run: the set and each system's scores."""

    layout: Layout
    directory: Path
    gold_path: Path
    systems: list[SystemRun]

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

    Raises:
        EvalError: The file is missing or a line is not a valid record; the
            message names the file and the line.
    """
    try:
        # Only "\n" ends a JSON Lines record: str.splitlines() would also split a text
        # holding U+2028 or U+0085, which JSON leaves unescaped.
        lines = path.read_text("utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalError(f"{path}: cannot read gold file: {exc}") from None
    gold: dict[str, GoldPage] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            page = GoldPage(str(record["id"]), record.get("url"), str(record.get("text") or ""))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise EvalError(f"{path}:{number}: not a gold record ({exc})") from None
        if page.id in gold:
            raise EvalError(f"{path}:{number}: duplicate id {page.id!r}")
        gold[page.id] = page
    if not gold:
        raise EvalError(f"{path}: no gold records")
    return gold


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
    """``<dir>/gold.jsonl`` for an HTML set, ``<dir>/../dev/gold.jsonl`` for a text set."""
    if layout == "html":
        return directory / "gold.jsonl"
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
    :attr:`SystemRun.errors`; the run goes on.
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
    return [
        SystemRun(
            name, score(truth, predictions[name], resamples=resamples), seconds[name], errors[name]
        )
        for name in names
    ]


def trafilatura_default(html: str, url: str | None) -> str:
    """``trafilatura.extract`` at its default settings: the HTML baseline."""
    return str(trafilatura.extract(html, url=url) or "")


# Elements after which text starts a new line when HTML is flattened to text.
_BLOCK_TAGS = (
    "p", "div", "section", "article", "main", "header", "footer", "aside", "blockquote",
    "pre", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th", "br", "hr",
    "h1", "h2", "h3", "h4", "h5", "h6", "figure", "figcaption",
)  # fmt: skip


def html_to_text(fragment: str) -> str:
    """The text of an HTML fragment, one line per block element, blank lines dropped."""
    if not fragment.strip():
        return ""
    root = lxml_html.fromstring(fragment)
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def readability_default(html: str, url: str | None) -> str:
    """readability-lxml's article at its default settings, flattened to text."""
    return html_to_text(ReadabilityDocument(html, url=url).summary(html_partial=True))


def justext_default(html: str, url: str | None) -> str:
    """The paragraphs jusText does not call boilerplate, with its English stoplist.

    The English stoplist for every page, as in the published results on the
    article-extraction benchmark.
    """
    paragraphs = justext.justext(html.encode("utf-8"), justext.get_stoplist("English"))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


#: The extractors a user could pick instead of cleaner, run beside it on an HTML set.
HTML_BASELINES: dict[str, Predictor] = {
    "trafilatura": trafilatura_default,
    "readability": readability_default,
    "justext": justext_default,
}


def evaluate(
    directory: Path,
    *,
    gold_path: Path | None = None,
    cleaner: Cleaner | None = None,
    ids: Iterable[str] | None = None,
    resamples: int = 1000,
    baseline: bool = True,
    baselines: Sequence[str] | None = None,
) -> Evaluation:
    """Evaluate cleaner (and the baseline) on an HTML or a text evaluation set.

    Args:
        directory: The set's folder (layout detected from its files).
        gold_path: The gold file; default :func:`default_gold_path`.
        cleaner: The engine to evaluate; default the bundled packs.
        ids: Evaluate only these page ids (default: every gold page).
        resamples: Bootstrap resamples for the intervals (0: none).
        baseline: Also run the baselines (the HTML extractors, or the text as is).
        baselines: For an HTML set, the names of :data:`HTML_BASELINES` to run
            (default: all of them).

    Raises:
        EvalError: The set or the gold file cannot be read, or a baseline is unknown.
    """
    chosen = list(HTML_BASELINES) if baselines is None else list(baselines)
    unknown_baselines = [name for name in chosen if name not in HTML_BASELINES]
    if unknown_baselines:
        raise EvalError(
            f"unknown baseline {unknown_baselines[0]!r} (known: {', '.join(HTML_BASELINES)})"
        )
    layout = detect_layout(directory)
    gold_path = gold_path or default_gold_path(directory, layout)
    gold = load_gold(gold_path)
    if ids is not None:
        wanted = list(ids)
        unknown = [pid for pid in wanted if pid not in gold]
        if unknown:
            raise EvalError(f"{gold_path}: no gold record for {', '.join(unknown[:3])}")
        gold = {pid: gold[pid] for pid in wanted}
    inputs = read_pages(directory, gold, layout)
    engine = cleaner or default_cleaner()
    predictors: dict[str, Predictor] = {}
    if layout == "html":
        predictors["cleaner"] = lambda html, url: engine.clean_html(html, url=url).text
        if baseline:
            predictors.update((name, HTML_BASELINES[name]) for name in chosen)
    else:
        predictors["cleaner"] = lambda text, url: engine.clean(text, url=url).text
        if baseline:
            predictors["as-is"] = lambda text, url: text
    return Evaluation(
        layout, directory, gold_path, run_systems(predictors, inputs, gold, resamples=resamples)
    )


def render(evaluation: Evaluation) -> str:
    """Return the side-by-side table of an evaluation, as printed by ``cleaner eval``."""
    first = evaluation.systems[0].report
    lines = [
        f"{evaluation.layout} set {evaluation.directory} ({len(first.pages)} pages, "
        f"gold {evaluation.gold_path})",
        f"{'system':<12} {'P':>6} {'R':>6} {'F1':>6}  {'F1 95% CI':<15} {'exact':>6} "
        f"{'docs/s':>8} {'errors':>6}",
    ]
    for run in evaluation.systems:
        m = run.report.means
        ci = run.report.ci.get("f1")
        interval = f"[{ci.low:.3f}, {ci.high:.3f}]" if ci else "-"
        lines.append(
            f"{run.name:<12} {m.precision:6.3f} {m.recall:6.3f} {m.f1:6.3f}  {interval:<15} "
            f"{run.report.accuracy:6.3f} {run.docs_per_second:8.1f} {len(run.errors):6d}"
        )
    return "\n".join(lines)
