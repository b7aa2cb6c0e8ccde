"""Command line: parses arguments, calls the API, prints.

Exit codes: 0 all inputs cleaned; 1 some inputs failed (each reported);
2 usage or configuration error (e.g. an invalid rule pack) before any work, or
nothing could be written; 130 interrupted (Ctrl-C); 141 standard output closed
by its reader (the process ends by SIGPIPE, as a C tool's would).

Results go to standard output or files; messages, progress and the summary
go to standard error.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import multiprocessing
import os
import re
import signal
import sys
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from cleaner import (
    Cleaner,
    CleanerConfig,
    RulePackError,
    UnknownSiteError,
    __version__,
    batch,
    detectors,
    files,
)
from cleaner.batch import Summary, clean_data, clean_file, read_document
from cleaner.config import FAVOR_PRESETS
from cleaner.configfile import ConfigError, Effective, describe, discover_settings, effective
from cleaner.evaluate import (
    HTML_BASELINES,
    EvalError,
    Evaluation,
    evaluate,
    render,
    render_macro,
)
from cleaner.files import (
    InputError,
    OutputBusy,
    OutputLock,
    file_size,
    remove_stale_temp,
    remove_stale_temp_of,
)
from cleaner.inputs import (
    ERRORS_FILE,
    STDIN,
    STREAM_KINDS,
    Task,
    discover,
    find_collisions,
    input_kind,
    shown,
)
from cleaner.progress import Progress
from cleaner.records import PROVENANCE_LEVELS, Fields, Tally, document_output
from cleaner.rules.ftr import import_ftr
from cleaner.rules.loader import bundled_rules_dir
from cleaner.stamps import config_fingerprint
from cleaner.streams import (
    Input,
    Listener,
    StreamOptions,
    clean_stream_to,
    exists,
    is_url,
    stream_inputs,
)

EXIT_OK, EXIT_FAILURES, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 128 + signal.SIGINT
EXIT_PIPE = 141  # 128 + SIGPIPE, as a shell reports a process SIGPIPE ended
DEFAULT_DOC_TIMEOUT = 30.0
"""Seconds one document may take in a worker (``--doc-timeout``)."""


class UsageError(Exception):
    """Wrong arguments or configuration; reported before any work."""


class Interrupted(Exception):
    """Ctrl-C during a run; carries how far it got."""

    def __init__(
        self,
        done: int,
        total: int | None,
        unit: str = "input",
        then: str = "run again to continue",
    ) -> None:
        super().__init__(done, total, unit, then)
        self.done, self.total, self.unit, self.then = done, total, unit, then


class OutputUnwritable(Exception):
    """The output folder cannot take more files (read-only, full, no permission)."""


class _Parser(argparse.ArgumentParser):
    """An argument parser that never takes an abbreviation for an option.

    ``--url`` must not silently mean ``--url-field``; subcommand parsers are made
    of this class too (argparse uses the parent's class for them).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)


def _engine_args(
    parser: argparse.ArgumentParser, *, rules: bool = True, config: bool = True, site: bool = False
) -> None:
    """The options that build the engine: ``--rules``, ``--config``, ``--site``."""
    if rules:
        parser.add_argument(
            "--rules",
            metavar="PATH",
            action="append",
            default=[],
            type=Path,
            help="a rule pack (.yaml) or a folder of packs, added to the bundled ones "
            "(repeatable); a pack with a bundled name replaces it",
        )
    if config:
        parser.add_argument(
            "--config",
            type=Path,
            metavar="FILE",
            help="options from this TOML file (cleaner.toml: options at the top; pyproject.toml: "
            "[tool.cleaner]); default: [tool.cleaner] of the nearest pyproject.toml upward",
        )
    if site:
        parser.add_argument("--site", metavar="NAME", help="force the rule pack of this name")


def add_comments_options(parser: argparse.ArgumentParser) -> None:
    """``--keep-comments`` and ``--no-comments``: ``keep_comments`` is True, False or None."""
    comments = parser.add_mutually_exclusive_group()
    comments.add_argument(
        "--keep-comments",
        dest="keep_comments",
        action="store_const",
        const=True,
        default=None,
        help="keep readers' comments in the text: a text's comment thread stays, and HTML "
        "is extracted with its comments (CleanerConfig.keep_comments)",
    )
    comments.add_argument(
        "--no-comments",
        dest="keep_comments",
        action="store_const",
        const=False,
        help="cut readers' comments (the default)",
    )


def _output_arg(parser: argparse.ArgumentParser, metavar: str, help: str | None = None) -> None:
    """The required ``-o/--output`` of a command that writes one file or folder."""
    parser.add_argument("-o", "--output", type=Path, required=True, metavar=metavar, help=help)


def _jobs(value: str) -> int:
    jobs = int(value)
    if jobs < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return jobs


def _batch_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        metavar="N",
        help="worker processes (default: all cores)",
    )
    parser.add_argument(
        "--force", action="store_true", help="redo inputs whose outputs are up to date"
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="list what would be written and the removals per rule; write nothing",
    )
    parser.add_argument(
        "--doc-timeout",
        type=float,
        default=DEFAULT_DOC_TIMEOUT,
        metavar="SECONDS",
        help="kill a document's worker after this many seconds and report the document "
        "as failed; the batch goes on with a new worker (default %(default)s; 0: no limit)",
    )
    parser.add_argument(
        "--wait",
        action="store_true",
        help="if another run is writing the same output, wait for it to end "
        "(default: refuse at once)",
    )


def _jsonl_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("files", "json", "jsonl", "parquet"),
        default="files",
        help="files: clean text, and folders of text and provenance (default); json: one "
        "document as a JSON object (text, metadata, provenance); jsonl: a stream of JSON "
        "Lines records; parquet: the same records in a Parquet file (-o FILE.parquet)",
    )
    defaults = Fields()
    for name in ("id", "text", "html", "url"):
        parser.add_argument(
            f"--{name}-field",
            default=getattr(defaults, name),
            metavar="NAME",
            help=f"JSON Lines field holding the {name} (default: %(default)s)",
        )
    parser.add_argument(
        "--provenance",
        choices=PROVENANCE_LEVELS,
        default="full",
        help="provenance in each output: full (every removal, default); summary (removal "
        "counts per rule, hashes, pack versions); none",
    )
    parser.add_argument(
        "--stats",
        type=Path,
        metavar="FILE",
        help="with --format jsonl or parquet: write the run's counts as JSON to FILE "
        "(folder mode writes OUT/_stats.json)",
    )


def _location(value: str) -> Path | str:
    """A local path, or an fsspec URL (``s3://...``) kept as given."""
    return value if is_url(value) else Path(value)


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``cleaner`` command."""
    parser = _Parser(
        prog="cleaner",
        description="Turn scraped articles into canonical clean text with provenance.",
    )
    parser.add_argument("--version", action="version", version=f"cleaner {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    clean = sub.add_parser(
        "clean",
        help="clean files, folders, standard input and JSON Lines streams",
        description="Clean text (.txt), HTML (.html, .htm, .html.gz), JSON Lines "
        "(.jsonl, .jsonl.gz) and web archive (.warc, .warc.gz, .warc.wet.gz, .arc, .arc.gz) "
        "files; folders are walked recursively. One document ('-': standard input, text or "
        "HTML) is printed to standard output, or written to -o FILE. With --format jsonl or "
        "parquet, write one stream of records from SRC files, folders or '-' (JSON Lines on "
        "standard input).",
    )
    clean.add_argument(
        "sources",
        nargs="+",
        type=_location,
        metavar="SRC",
        help="input files and folders; '-' is standard input",
    )
    clean.add_argument(
        "-o",
        "--output",
        type=_location,
        metavar="OUT",
        help="output folder: OUT/<path>.txt (text) and OUT/<path>.json (provenance); "
        "with one input document, a name with a suffix (or an existing file) is the "
        "output file; without -o one document is printed to stdout. With --format jsonl: "
        "the output file (default: stdout); with --format parquet: the output file",
    )
    _engine_args(clean, site=True)
    clean.add_argument(
        "--url",
        metavar="URL",
        help="the page's address, for one input document: picks the site pack by host "
        "(recorded in provenance)",
    )
    clean.add_argument(
        "--input-format",
        choices=("auto", "text", "html"),
        default="auto",
        help="what one input document is: auto (default) goes by the file name, and on "
        "standard input tells HTML from text by its start",
    )
    clean.add_argument(
        "--with-metadata",
        action="store_true",
        help="one document printed or written as text starts with its metadata (title, "
        "author, date, url...) between '---' lines",
    )
    noise = clean.add_mutually_exclusive_group()
    noise.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    noise.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="print each document's removals per rule (on standard error)",
    )
    clean.add_argument(
        "--keep-headline",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="keep the headline as the first paragraph (default: it moves to metadata.title; "
        "--no-keep-headline overrides a configuration file)",
    )
    add_comments_options(clean)
    clean.add_argument(
        "--favor",
        choices=tuple(FAVOR_PRESETS),
        help="a preset of thresholds: recall keeps more; balanced (the default) and "
        "precision are the defaults (see README)",
    )
    clean.add_argument(
        "--fast",
        action="store_true",
        default=None,
        help="fast HTML mode: resiliparse's main content without trafilatura "
        "(CleanerConfig.html_fast; see README)",
    )
    clean.add_argument(
        "--max-bytes",
        type=int,
        metavar="N",
        help="refuse an input file (after gzip inflation) or JSON Lines record over N bytes "
        f"(default {CleanerConfig().max_input_bytes})",
    )
    _batch_args(clean)
    _jsonl_args(clean)
    clean.set_defaults(handler=cmd_clean)

    explain = sub.add_parser("explain", help="show each removal with its rule and why")
    explain.add_argument(
        "file",
        type=Path,
        metavar="FILE",
        help="an input document, or a .json provenance file written by clean",
    )
    _engine_args(explain, site=True)
    explain.set_defaults(handler=cmd_explain)

    config = sub.add_parser("config", help="the options in force and where they come from")
    config_sub = config.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    show = config_sub.add_parser(
        "show", help="print the effective options and where each value comes from"
    )
    _engine_args(show, rules=False)
    show.add_argument(
        "--favor", choices=tuple(FAVOR_PRESETS), help="show the options of this preset"
    )
    show.set_defaults(handler=cmd_config_show)

    rules = sub.add_parser("rules", help="rule-pack tools")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True, metavar="ACTION")
    listing = rules_sub.add_parser("list", help="packs, versions, rule counts, match conditions")
    _engine_args(listing, config=False)
    listing.set_defaults(handler=cmd_rules_list)
    add_authoring_commands(sub, rules_sub)

    importer = rules_sub.add_parser(
        "import-ftr",
        help="convert ftr-site-config .txt files into rule packs",
        description="Convert ftr-site-config (Full-Text RSS / wallabag) site configs into "
        "YAML rule packs with an html: section (strip, strip_id_or_class, body).",
    )
    importer.add_argument(
        "source", type=Path, metavar="FILE_OR_DIR", help="a site config .txt or a folder of them"
    )
    _output_arg(importer, "DIR", "where the packs go")
    importer.set_defaults(handler=cmd_rules_import_ftr)

    evaluation = sub.add_parser(
        "eval",
        help="score cleaner on evaluation sets beside the baselines",
        description="Score cleaner on folders of <id>.html.gz pages with gold.jsonl "
        "(beside trafilatura.extract, readability-lxml and jusText, at their defaults and "
        "configured to the set's scope, whichever scores higher), or of <id>.txt files "
        "(beside the text as is and the oracle line filter), with the shingle metric of the "
        "article-extraction benchmark.  The cleaner is configured to the scope of the gold "
        "rows (headline, comments).  One table per set, lost articles by id, and a "
        "macro-average over several sets.",
    )
    evaluation.add_argument(
        "directories",
        type=Path,
        nargs="+",
        metavar="DIR",
        help="evaluation sets (folders of pages or texts)",
    )
    evaluation.add_argument(
        "--gold",
        type=Path,
        metavar="FILE",
        help="gold JSON Lines, with one DIR only (default: DIR/gold.jsonl for HTML; "
        "for a text set SET-text, SET/gold.jsonl beside it, else DIR/../dev/gold.jsonl)",
    )
    evaluation.add_argument(
        "--resamples", type=int, default=1000, metavar="N", help="bootstrap resamples (0: none)"
    )
    evaluation.add_argument(
        "--no-baseline", action="store_true", help="score cleaner alone, without baselines"
    )
    evaluation.add_argument(
        "--baselines",
        metavar="NAMES",
        help=f"comma-separated HTML baselines to run (default: {','.join(HTML_BASELINES)})",
    )
    evaluation.add_argument(
        "--fast",
        action="store_true",
        default=None,
        help="score the fast HTML mode (resiliparse, no trafilatura)",
    )
    evaluation.add_argument(
        "--favor", choices=tuple(FAVOR_PRESETS), help="score a preset of thresholds"
    )
    _engine_args(evaluation)
    evaluation.set_defaults(handler=cmd_eval)
    return parser


def _cleaner(
    rules: Sequence[Path], config: CleanerConfig | None = None, *, site: str | None = None
) -> Cleaner:
    """Load the packs; an invalid pack or an unknown ``site`` is a usage error."""
    try:
        cleaner = Cleaner(rules, config=config)
    except RulePackError as exc:
        raise UsageError(f"invalid rule pack: {exc}") from None
    try:
        cleaner.registry.require(site)
    except UnknownSiteError as exc:
        raise UsageError(str(exc)) from None
    return cleaner


# Command-line options that set a CleanerConfig option (or the preset), by attribute.
_CONFIG_OPTIONS = {
    "favor": ("favor", "--favor"),
    "keep_headline": ("keep_headline", "--keep-headline/--no-keep-headline"),
    "keep_comments": ("keep_comments", "--keep-comments/--no-comments"),
    "fast": ("html_fast", "--fast"),
    "max_bytes": ("max_input_bytes", "--max-bytes"),
}


def _effective(args: argparse.Namespace) -> Effective:
    """The configuration: defaults, preset, config file, then command-line options."""
    if getattr(args, "max_bytes", None) is not None and args.max_bytes < 1:
        raise UsageError("--max-bytes must be a positive number of bytes")
    if getattr(args, "doc_timeout", None) is not None:
        _doc_timeout(args)  # checked before any work
    overrides = {}
    for attr, (option, flag) in _CONFIG_OPTIONS.items():
        value = getattr(args, attr, None)
        if value is not None:
            overrides[option] = (value, flag)
    try:
        settings = discover_settings(args.config, Path.cwd())
        return effective(settings, overrides)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def _clean_config(args: argparse.Namespace) -> CleanerConfig:
    return _effective(args).config


def cmd_config_show(args: argparse.Namespace) -> int:
    """Print every option's effective value, as TOML, with where it comes from."""
    rows = describe(_effective(args))
    width = min(max(len(f"{name} = {value}") for name, value, _ in rows), 40)
    for name, value, origin in rows:
        print(f"{name} = {value}".ljust(width) + f"  # {origin}")
    return EXIT_OK


def _single_output(args: argparse.Namespace) -> bool:
    """Whether the run cleans one document (to stdout or to one output file)."""
    if len(args.sources) != 1:
        return False
    source: Path = args.sources[0]
    if source == STDIN:
        return True
    if source.is_dir() or input_kind(source) in STREAM_KINDS:
        return False
    out: Path | None = args.output
    return out is None or out.is_file() or (not out.exists() and out.suffix != "")


def _one_document_option(args: argparse.Namespace) -> str | None:
    """The first option given that applies to one input document only, if any."""
    given = {
        "--url": args.url is not None,
        "--with-metadata": args.with_metadata,
        "--format json": args.format == "json",
        "--input-format": args.input_format != "auto",
    }
    return next((option for option, on in given.items() if on), None)


def cmd_clean(args: argparse.Namespace) -> int:
    """Clean every input; report failures and a summary."""
    if args.jobs is None:
        args.jobs = _cpu_count()
    option = _one_document_option(args)
    if args.format in ("jsonl", "parquet"):
        if option is not None:
            raise UsageError(f"{option} applies to one input document, not --format {args.format}")
        return _clean_jsonl(args)
    _check_local_sources(args)
    if _single_output(args):
        cleaner = _cleaner(args.rules, _clean_config(args), site=args.site)
        return _clean_one(cleaner, args)
    _check_folder_mode(args, option)
    cleaner = _cleaner(args.rules, _clean_config(args), site=args.site)
    return _clean_folder(cleaner, args)


def _check_local_sources(args: argparse.Namespace) -> None:
    """Files and folder mode: the inputs exist locally, and standard input goes to a file."""
    if any(is_url(s) for s in [*args.sources, args.output]):
        raise UsageError("URLs (fsspec) are read and written with --format jsonl or parquet")
    _require_sources(args.sources)
    if STDIN in args.sources and args.output is not None and args.output.is_dir():
        raise UsageError(
            f"standard input is one document: -o names a file, not a folder ({args.output})"
        )


def _require_sources(sources: Sequence[Path | str]) -> None:
    """Every source but standard input exists (a local path or an fsspec URL)."""
    missing = [str(s) for s in sources if s != STDIN and not exists(s)]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")


def _check_folder_mode(args: argparse.Namespace, option: str | None) -> None:
    """Folder mode: no standard input, no one-document option, and -o an output folder."""
    if STDIN in args.sources:
        raise UsageError(
            "'-' (standard input) is one document: name no other input, and -o a file "
            "(or --format jsonl for JSON Lines records)"
        )
    if option is not None:
        raise UsageError(f"{option} applies to one input document (a file or '-')")
    if args.output is None:
        raise _no_output_folder(args.sources[0])
    if args.output.exists() and not args.output.is_dir():
        raise UsageError(f"{args.output}: output must be a folder")


def _no_output_folder(first: Path) -> UsageError:
    """The usage error of folder mode without -o, worded for the kind of the first input."""
    if input_kind(first) == "warc":
        return UsageError("a WARC file holds many pages: add -o OUT or --format jsonl")
    if input_kind(first) == "jsonl":
        return UsageError("a JSON Lines file holds many records: add -o OUT or --format jsonl")
    return UsageError("several inputs need an output folder: add -o OUT")


def _require_extra(module: str, extra: str, purpose: str) -> None:
    """Import an optional module; a usage error names the extra that provides it."""
    try:
        importlib.import_module(module)
    except ImportError as exc:
        raise UsageError(
            f"{purpose} needs the {extra!r} extra: pip install 'cleaner[{extra}]' ({exc})"
        ) from None


def _clean_one(cleaner: Cleaner, args: argparse.Namespace) -> int:
    """Clean one document (a file or standard input); print it or write -o FILE."""
    path: Path = args.sources[0]
    shown = "standard input" if path == STDIN else str(path)
    try:
        kind, data = read_document(path, cleaner.config.max_input_bytes, args.input_format)
        result = clean_data(cleaner, kind, data, site=args.site, url=args.url)
    except (InputError, ValueError) as exc:
        print(f"cleaner: {shown}: {exc}", file=sys.stderr)
        return EXIT_FAILURES
    output = document_output(
        result, str(path), as_json=args.format == "json", with_metadata=args.with_metadata
    )
    if args.verbose:
        print(_hit_line(shown, Counter(r.rule for r in result.removals)), file=sys.stderr)
    if args.output is None:
        sys.stdout.write(output)
        sys.stdout.flush()
        return EXIT_OK
    if args.dry_run:
        print(f"would write {args.output}")
        return EXIT_OK
    try:
        files.write_atomic(args.output, output)
    except OSError as exc:
        raise OutputUnwritable(f"cannot write {args.output}: {exc.strerror or exc}") from None
    if not args.quiet:
        print(f"cleaned {shown} into {args.output}", file=sys.stderr)
    return EXIT_OK


def _hit_line(shown: str, counts: Counter[str]) -> str:
    """One line: a document's removals per rule, most first."""
    rules = ", ".join(f"{rule} {n}" for rule, n in counts.most_common())
    return f"{shown}: {sum(counts.values())} removal(s)" + (f": {rules}" if rules else "")


def _clean_folder(cleaner: Cleaner, args: argparse.Namespace) -> int:
    """Clean files and folders into the output folder, in parallel and incrementally."""
    out: Path = args.output
    same = [s for s in args.sources if s.is_dir() and s.resolve() == out.resolve()]
    tasks = list(discover(args.sources, out))
    if same:
        inputs = sum(1 for t in tasks if t.source.is_relative_to(same[0]))
        raise UsageError(
            f"{out} is the source folder {same[0]}: its {inputs} input(s) would be "
            f"overwritten or read back as inputs; choose another output folder"
        )
    collisions = find_collisions(tasks, out)
    if collisions:
        listed, more = collisions[:10], len(collisions) - 10
        tail = [f"... and {more} more"] if more > 0 else []
        raise UsageError(f"output collisions ({len(collisions)}):\n  " + "\n  ".join(listed + tail))
    if any(input_kind(task.source) == "warc" for task in tasks):
        _require_extra("cleaner.warc", "warc", "web archive input")
    fields = _fields(args)
    setup = batch.BatchSetup(
        rules_dirs=tuple(args.rules),
        fingerprint=config_fingerprint(
            cleaner, site=args.site, fields=fields, provenance=args.provenance
        ),
        site=args.site,
        fields=fields,
        config=cleaner.config,
        force=args.force,
        dry_run=args.dry_run,
        provenance=args.provenance,
        counter=multiprocessing.Value("q", 0),
        bytes_read=multiprocessing.Value("q", 0),
    )
    with contextlib.ExitStack() as held:
        if not args.dry_run:
            # One run at a time writes OUT: the sweep must not take another run's live files.
            try:
                out.mkdir(parents=True, exist_ok=True)
                held.push(_lock(out, folder=True, wait=args.wait))
                remove_stale_temp(out)
            except OSError as exc:
                raise OutputUnwritable(f"cannot write to {out}: {exc.strerror or exc}") from None
        return _run_folder(tasks, setup, out, args)


def _lock(out: Path, *, folder: bool, wait: bool) -> OutputLock:
    """Take the lock of an output (the caller releases it); a busy one is a usage error."""
    lock = OutputLock(out, folder=folder, wait=wait)
    try:
        lock.__enter__()
    except OutputBusy as exc:
        raise UsageError(str(exc)) from None
    return lock


def _run_folder(
    tasks: Sequence[Task], setup: batch.BatchSetup, out: Path, args: argparse.Namespace
) -> int:
    summary = Summary()
    start = time.perf_counter()
    done, unwritable = _run_tasks(tasks, setup, out, args, summary)
    if not args.dry_run and unwritable is None:
        try:
            batch.write_summary(
                out, summary, inputs=len(tasks), seconds=time.perf_counter() - start
            )
        except OSError as exc:
            unwritable = f"cannot write to {out}: {exc.strerror or exc}"
    if unwritable is not None:
        print(f"cleaner: error: {unwritable} ({done} of {len(tasks)} done)", file=sys.stderr)
        if summary.documents == 0:
            return EXIT_USAGE  # nothing could be written at all
    if not args.quiet:
        _print_summary(summary, out, dry_run=args.dry_run, errors_written=unwritable is None)
    return EXIT_FAILURES if summary.failed or unwritable else EXIT_OK


def _folder_progress(tasks: Sequence[Task], *, enabled: bool) -> Progress:
    """Progress of a folder run, counting documents and records as workers write them.

    The total is known without reading anything only when no input holds many
    records: else it is in bytes read of the inputs' bytes.
    """
    streams = any(input_kind(task.source) in STREAM_KINDS for task in tasks)
    return Progress(
        None if streams else len(tasks),
        unit="record" if streams else "doc",
        enabled=enabled,
        total_bytes=sum(file_size(task.source) for task in tasks) if streams else None,
    )


def _run_tasks(
    tasks: Sequence[Task],
    setup: batch.BatchSetup,
    out: Path,
    args: argparse.Namespace,
    summary: Summary,
) -> tuple[int, str | None]:
    """Run the tasks in workers into ``summary``; return the count done and why OUT failed."""
    progress = _folder_progress(tasks, enabled=not args.quiet)
    unwritable: str | None = None
    done = 0
    try:
        with progress.follow(setup.counter, read=setup.bytes_read):
            outcomes = batch.run(tasks, setup, jobs=args.jobs, seconds=_doc_timeout(args))
            for outcome in outcomes:
                unwritable = batch.write_failure(outcome, out)
                if unwritable is not None:
                    break  # every later output would fail alike: stop, say it once
                summary.record(outcome)
                done += 1
                _report_outcome(outcome, progress, args)
    except KeyboardInterrupt:
        raise Interrupted(done, len(tasks)) from None
    finally:
        progress.close()
    return done, unwritable


def _report_outcome(outcome: batch.Outcome, progress: Progress, args: argparse.Namespace) -> None:
    """Show a task's failure, with -v its hits, and with --dry-run the files it would write."""
    if outcome.error is not None:
        progress.write(f"cleaner: {outcome.error['path']}: {outcome.error['message']}")
    elif args.verbose and outcome.status == "cleaned":
        progress.write(_hit_line(outcome.display, outcome.tally.removals))
    if args.dry_run:
        for path in outcome.outputs:
            print(f"would write {shown(path)[0]}")


def _doc_timeout(args: argparse.Namespace) -> float | None:
    """The per-document deadline in seconds, or ``None`` for none."""
    if args.doc_timeout < 0:
        raise UsageError("--doc-timeout must be a number of seconds (0: no limit)")
    return args.doc_timeout or None


def _fields(args: argparse.Namespace) -> Fields:
    return Fields(id=args.id_field, text=args.text_field, html=args.html_field, url=args.url_field)


def _stream_options(args: argparse.Namespace, config: CleanerConfig) -> StreamOptions:
    return StreamOptions(
        rules_dirs=tuple(args.rules),
        fields=_fields(args),
        site=args.site,
        config=config,
        jobs=args.jobs,
        provenance=args.provenance,
        timeout=_doc_timeout(args),
    )


def _clean_jsonl(args: argparse.Namespace) -> int:
    """Clean records from files, folders or stdin into one JSON Lines or Parquet output."""
    _check_stream_args(args)
    inputs = stream_inputs(args.sources, args.output)
    if any(item.kind == "warc" for item in inputs):
        _require_extra("cleaner.warc", "warc", "web archive input")
    cleaner = _cleaner(args.rules, _clean_config(args), site=args.site)
    tally, seconds = _run_stream(args, cleaner, inputs)
    if args.stats is not None:
        batch.write_stats(args.stats, tally, seconds)
    if not args.quiet:
        _print_stream_summary(tally)
    return EXIT_FAILURES if tally.failed else EXIT_OK


def _check_stream_args(args: argparse.Namespace) -> None:
    """JSON Lines and Parquet mode: the inputs exist, and -o names one output file."""
    if any(is_url(s) for s in [*args.sources, args.output]):
        _require_extra("fsspec", "fsspec", "a URL")
    _require_sources(args.sources)
    if args.sources.count(STDIN) > 1:
        raise UsageError("'-' (standard input) can be read only once")
    if args.dry_run:
        raise UsageError("--dry-run applies to folder mode (-o OUT with --format files)")
    if isinstance(args.output, Path) and args.output.is_dir():
        raise UsageError(
            f"{args.output}: with --format {args.format}, -o names a file, not a folder"
        )
    if args.format == "parquet":
        if args.output is None:
            raise UsageError("--format parquet needs an output file: -o FILE.parquet")
        _require_extra("cleaner.parquet", "parquet", "Parquet output")


def _run_stream(
    args: argparse.Namespace, cleaner: Cleaner, inputs: Sequence[Input]
) -> tuple[Tally, float]:
    """Clean the inputs into the one output, under its lock; Ctrl-C is :class:`Interrupted`."""
    progress = _stream_progress(inputs, enabled=not args.quiet)
    listener = _StreamListener(progress, verbose=args.verbose)
    try:
        with contextlib.ExitStack() as stack:
            if isinstance(args.output, Path):
                # One run at a time writes a file: a second would sweep the first's live one.
                stack.push(_lock(args.output, folder=False, wait=args.wait))
                remove_stale_temp_of(args.output)
            return clean_stream_to(
                args.sources,
                args.output,
                cleaner=cleaner,
                options=_stream_options(args, cleaner.config),
                output_format=args.format,
                listener=listener,
                inputs=inputs,
            )
    except KeyboardInterrupt:
        # A stream does not resume: a file output is written whole or not at all.
        then = (
            "run again from the start (records went to standard output)"
            if args.output is None
            else f"{args.output} not written; run again"
        )
        raise Interrupted(progress.done, progress.total, "record", then) from None
    finally:
        progress.close()


class _StreamListener(Listener):
    """The progress of a stream, its inputs that broke off, and with -v each document's hits."""

    def __init__(self, progress: Progress, *, verbose: bool) -> None:
        self.progress = progress
        self.verbose = verbose

    def records(self, n: int) -> None:
        self.progress.update(n)

    def document(self, name: str, tally: Tally) -> None:
        if self.verbose and not tally.failed:
            self.progress.write(_hit_line(name, tally.removals))

    def broke_off(self, message: str) -> None:
        self.progress.write(f"cleaner: {message}")

    def read(self, position: int) -> None:
        self.progress.read(position)


def _stream_progress(inputs: Sequence[Input], *, enabled: bool) -> Progress:
    """Records out of a total when known (documents only), else bytes read of the inputs."""
    if all(item.kind in ("text", "html") for item in inputs):
        return Progress(len(inputs), unit="record", enabled=enabled)
    sizes = [item.size for item in inputs]
    known = None if None in sizes else sum(size or 0 for size in sizes)
    return Progress(None, unit="record", enabled=enabled, total_bytes=known)


def _archive(counts: Counter[str], what: str) -> str:
    listed = ", ".join(f"{name} {n}" for name, n in sorted(counts.items()))
    return f"{sum(counts.values())} web archive {what} ({listed})"


def _print_stream_summary(tally: Tally) -> None:
    line = (
        f"cleaned {tally.records - tally.failed} of {tally.records} record(s), "
        f"{tally.failed} failed (error records in the output)"
    )
    if tally.passed_over:
        line += "; " + _archive(tally.passed_over, "document(s) passed over")
    print(line, file=sys.stderr)
    if tally.record_types:
        print(f"  {_archive(tally.record_types, 'record(s) read')}", file=sys.stderr)


def _print_summary(
    summary: Summary,
    out: Path,
    *,
    dry_run: bool = False,
    top: int = 10,
    errors_written: bool = True,
) -> None:
    verb = "would clean" if dry_run else "cleaned"
    print(
        f"{verb} {summary.documents} document(s) into {out}: "
        f"{summary.tally.bytes_in:,} bytes in, {summary.tally.bytes_out:,} bytes out, "
        f"{sum(summary.tally.removals.values())} removal(s), {summary.failed} failed, "
        f"{summary.skipped} up to date",
        file=sys.stderr,
    )
    for rule, count in summary.tally.removals.most_common(top):
        print(f"  {count:6d}  {rule}", file=sys.stderr)
    if summary.tally.passed_over:
        print(
            f"  {_archive(summary.tally.passed_over, 'document(s) passed over')}", file=sys.stderr
        )
    if summary.tally.record_types:
        print(f"  {_archive(summary.tally.record_types, 'record(s) read')}", file=sys.stderr)
    if summary.errors and not dry_run and errors_written:
        print(f"  failures listed in {out / ERRORS_FILE}", file=sys.stderr)


def cmd_explain(args: argparse.Namespace) -> int:
    """Print each removal of one document with its rule id and why."""
    path: Path = args.file
    if not path.is_file():
        raise UsageError(f"no such file: {path}")
    record: dict[str, Any]
    if path.suffix == ".json":
        try:
            record = json.loads(path.read_text("utf-8"))["provenance"]
        except (ValueError, KeyError) as exc:
            raise UsageError(f"{path}: not a provenance file written by cleaner ({exc})") from None
    else:
        cleaner = _cleaner(args.rules, _clean_config(args), site=args.site)
        try:
            result, _ = clean_file(cleaner, path, site=args.site)
        except InputError as exc:
            print(f"cleaner: {path}: {exc}", file=sys.stderr)
            return EXIT_FAILURES
        record = result.provenance
    # The registry explains generic detectors a provenance file does not name.
    whys = {**detectors.whys(), **record["rules"]}
    packs = ", ".join(f"{p['name']} {p['version']} ({p['matched_by']})" for p in record["packs"])
    print(f"{path}: {len(record['removals'])} removal(s); packs: {packs or 'none'}")
    for r in record["removals"]:
        snippet = r["text"].strip().replace("\n", " ⏎ ")
        if len(snippet) > 100:
            snippet = snippet[:97] + "..."
        print(f"\n  {r['rule']}  [{r['kind']}]  chars {r['start']}-{r['end']}")
        print(f"    why:     {plain_text(whys.get(r['rule'], ''))}")
        print(f"    removed: {snippet}")
    for html in record.get("html_removals", []):
        print(f"\n  {html['rule']}  [html]  {html['elements']} element(s), {html['chars']} chars")
        print(f"    why:     {plain_text(whys.get(html['rule'], ''))}")
        print(f"    matched: {html['selector']}")
    for skip in record.get("skipped_rules", []):
        print(f"\n  SKIPPED {skip['rule']}: {skip['reason']} (paragraph {skip['paragraph']})")
    return EXIT_OK


_RST_ROLE = re.compile(r":[a-z]+(?::[a-z]+)?:`~?([^`<]*?)(?:\s*<[^`]*>)?`")
_RST_LITERAL = re.compile(r"``([^`]+)``|`([^`]+)`")


def plain_text(text: str) -> str:
    """Remove reStructuredText markup from a docstring line, for the terminal.

    >>> plain_text("Moves ``metadata.title`` (see :func:`~cleaner.heuristics.headline`).")
    'Moves metadata.title (see cleaner.heuristics.headline).'
    """
    text = _RST_ROLE.sub(lambda m: m.group(1), text)
    return _RST_LITERAL.sub(lambda m: m.group(1) or m.group(2), text)


def cmd_rules_list(args: argparse.Namespace) -> int:
    """Print a table of the loaded packs."""
    cleaner = _cleaner(args.rules)
    rows = [("PACK", "VERSION", "RULES", "MATCH")]
    for pack in sorted(cleaner.packs, key=lambda p: (not p.always, p.name)):
        match = []
        if pack.always:
            match.append("always")
        if pack.domains:
            match.append("domains: " + ", ".join(pack.domains))
        if pack.fingerprints:
            match.append(f"fingerprints: {pack.min_fingerprints} of {len(pack.fingerprints)}")
        rows.append((pack.name, pack.version, str(len(pack.rules)), "; ".join(match)))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths, strict=True)), row[3])
    return EXIT_OK


# --- Rule-pack authoring and audit: rules lint/test/new/docs, mine, report. -----------


def add_authoring_commands(sub: Any, rules_sub: Any) -> None:
    """Add the authoring subcommands; each sets ``handler`` to its function."""
    paths: dict[str, Any] = {"nargs": "*", "type": Path, "metavar": "PATH"}
    lint = rules_sub.add_parser("lint", help="check packs; report every problem")
    lint.add_argument("paths", **paths, help="packs or folders of packs (default: bundled)")
    lint.set_defaults(handler=cmd_rules_lint)
    test = rules_sub.add_parser("test", help="run packs' inline examples and fixtures")
    test.add_argument("paths", **paths, help="packs or folders of packs (default: bundled)")
    test.add_argument("--fixtures", type=Path, metavar="DIR", help="folder of fixture cases")
    test.set_defaults(handler=cmd_rules_test)
    new = rules_sub.add_parser("new", help="scaffold a pack and a failing fixture pair")
    new.add_argument("site", metavar="SITE", help="the site's domain, e.g. example.com")
    new.add_argument(
        "--from",
        dest="samples",
        nargs="+",
        type=Path,
        required=True,
        metavar="FILE",
        help="sample documents of the site (text)",
    )
    new.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("rules"),
        metavar="RULES_DIR",
        help="where the pack goes (default: %(default)s)",
    )
    new.add_argument(
        "--fixtures",
        type=Path,
        default=Path("fixtures"),
        metavar="DIR",
        help="where the fixture pair goes (default: %(default)s)",
    )
    new.set_defaults(handler=cmd_rules_new)
    docs = rules_sub.add_parser("docs", help="print a Markdown table of every rule")
    _engine_args(docs, config=False)
    docs.set_defaults(handler=cmd_rules_docs)
    mine = sub.add_parser("mine", help="propose a pack from a folder of one site's documents")
    mine.add_argument("folder", type=Path, metavar="FOLDER", help="text documents of one site")
    mine.add_argument("--site", metavar="NAME", help="pack name (default: the folder's name)")
    mine.add_argument(
        "--min-share",
        type=float,
        default=0.3,
        metavar="SHARE",
        help="minimum share of documents a line recurs in (default 0.3)",
    )
    mine.add_argument(
        "--workers", type=int, default=1, metavar="N", help="worker processes (default 1)"
    )
    _output_arg(mine, "PACK.yaml", "the pack written")
    mine.set_defaults(handler=cmd_mine)
    report = sub.add_parser("report", help="static HTML report over cleaned output")
    report.add_argument("source", type=Path, metavar="OUT", help="output folder or .jsonl file")
    _output_arg(report, "report.html", "the page written")
    report.set_defaults(handler=cmd_report)
    choice = sub.add_parser(
        "train-choice",
        help="retrain the model choosing among extractions; print leave-one-set-out figures",
    )
    choice.add_argument("sets", nargs="+", type=Path, metavar="SET", help="gold set folders")
    _output_arg(choice, "MODEL.json", "the model written (its card, MODEL.card.md, beside it)")
    choice.add_argument(
        "--cache", type=Path, metavar="DIR", help="per-page cache (default: a temporary folder)"
    )
    choice.add_argument(
        "--seed", type=int, default=0, metavar="N", help="the seed of the training (default 0)"
    )
    choice.add_argument(
        "--seeds",
        type=int,
        default=1,
        metavar="K",
        help="also run leave-one-set-out with the K seeds from --seed and print each set's "
        "spread (the model is the same)",
    )
    choice.set_defaults(handler=cmd_train_choice)


def cmd_train_choice(args: argparse.Namespace) -> int:
    """Retrain the choice model; print the leave-one-set-out table."""
    from cleaner.train import TrainError, train  # noqa: PLC0415 - only this command needs it

    try:
        train(args.sets, args.output, cache=args.cache, seed=args.seed, seeds=args.seeds)
    except TrainError as exc:
        raise UsageError(str(exc)) from None
    print(f"wrote {args.output}", file=sys.stderr)
    return EXIT_OK


def cmd_rules_lint(args: argparse.Namespace) -> int:
    """Print every finding in the packs; exit 1 if there is any."""
    from cleaner.authoring.lint import lint_paths  # noqa: PLC0415 - only this command needs it

    try:
        findings = lint_paths(args.paths or [bundled_rules_dir()])
    except RulePackError as exc:
        raise UsageError(str(exc)) from None
    for finding in findings:
        print(f"{finding}  [{finding.code}]")
    print(f"{len(findings)} finding(s)", file=sys.stderr)
    return EXIT_FAILURES if findings else EXIT_OK


def cmd_rules_test(args: argparse.Namespace) -> int:
    """Run inline examples and fixture cases; print PASS/FAIL per case."""
    from cleaner.authoring.ruletest import run_tests  # noqa: PLC0415

    passed = failed = 0
    try:
        for outcome in run_tests(args.paths, args.fixtures):
            print(f"{'PASS' if outcome.ok else 'FAIL'}  {outcome.name}")
            for failure in outcome.failures:
                print("      " + failure.replace("\n", "\n      "))
            passed, failed = passed + outcome.ok, failed + (not outcome.ok)
    except RulePackError as exc:
        raise UsageError(f"invalid rule pack: {exc}") from None
    print(f"{passed} passed, {failed} failed", file=sys.stderr)
    return EXIT_FAILURES if failed else EXIT_OK


def cmd_rules_new(args: argparse.Namespace) -> int:
    """Scaffold a pack and a failing fixture pair."""
    from cleaner.authoring.scaffold import ScaffoldError, scaffold  # noqa: PLC0415

    try:
        made = scaffold(args.site, args.samples, args.output, args.fixtures)
    except ScaffoldError as exc:
        raise UsageError(str(exc)) from None
    print(f"wrote {made.pack} ({made.rules} mined rule(s), {made.fingerprints} fingerprint(s))")
    print(f"wrote {made.fixture_in} and {made.fixture_out} (fails until you edit it)")
    return EXIT_OK


def cmd_rules_docs(args: argparse.Namespace) -> int:
    """Print the rule reference as Markdown."""
    from cleaner.authoring.docs import rule_table  # noqa: PLC0415

    sys.stdout.write(rule_table(_cleaner(args.rules).packs))
    return EXIT_OK


def cmd_mine(args: argparse.Namespace) -> int:
    """Mine a folder of one site's documents into a proposed pack."""
    from cleaner.authoring.mine import MineError, MineOptions, mine_folder  # noqa: PLC0415
    from cleaner.files import write_atomic  # noqa: PLC0415

    if not 0 < args.min_share <= 1:
        raise UsageError("--min-share must be in (0, 1]")
    try:
        mined, text, errors = mine_folder(
            args.folder, args.site, MineOptions(min_share=args.min_share), workers=args.workers
        )
    except MineError as exc:
        raise UsageError(str(exc)) from None
    for error in errors:
        print(f"cleaner: {error}", file=sys.stderr)
    write_atomic(args.output, text)
    print(
        f"mined {mined.documents} document(s): {len(mined.pack['rules'])} rule(s) "
        f"written to {args.output}",
        file=sys.stderr,
    )
    return EXIT_FAILURES if errors else EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """Write the HTML report over a cleaned output folder or a JSONL file."""
    from cleaner.files import write_atomic  # noqa: PLC0415
    from cleaner.report import collect, render  # noqa: PLC0415

    try:
        data = collect(args.source)
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from None
    write_atomic(args.output, render(data, title=f"cleaner report: {args.source.name}"))
    print(
        f"{len(data.documents)} document(s), {len(data.errors)} unreadable: {args.output}",
        file=sys.stderr,
    )
    return EXIT_FAILURES if data.errors else EXIT_OK


def cmd_rules_import_ftr(args: argparse.Namespace) -> int:
    """Convert ftr-site-config files into rule packs; report each pack written."""
    source: Path = args.source
    if not source.exists():
        raise UsageError(f"no such file or folder: {source}")
    if args.output.exists() and not args.output.is_dir():
        raise UsageError(f"{args.output}: output must be a folder")
    failed = 0
    for outcome in import_ftr(source, args.output):
        if outcome.error is not None:
            failed += 1
            print(f"cleaner: {outcome.source}: {outcome.error}", file=sys.stderr)
        else:
            print(f"{outcome.source} -> {outcome.target}")
    return EXIT_FAILURES if failed else EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    """Score cleaner (and the baselines) on evaluation sets; print a table per set."""
    if args.resamples < 0:
        raise UsageError("--resamples must be 0 or more")
    if args.gold is not None and len(args.directories) > 1:
        raise UsageError("--gold goes with one DIR only")
    engine = _cleaner(args.rules, _clean_config(args))
    evaluations: list[Evaluation] = []
    failed = False
    for directory in args.directories:
        try:
            evaluation = evaluate(
                directory,
                gold_path=args.gold,
                cleaner=engine,
                resamples=args.resamples,
                baseline=not args.no_baseline,
                baselines=args.baselines.split(",") if args.baselines else None,
            )
        except EvalError as exc:
            raise UsageError(str(exc)) from None
        if evaluations:
            print()
        print(render(evaluation), flush=True)
        evaluations.append(evaluation)
        for run in evaluation.systems:
            for pid, error in run.errors.items():
                failed = True
                print(f"cleaner: {run.name}: page {pid}: {error}", file=sys.stderr)
    if len(evaluations) > 1:
        print()
        print(render_macro(evaluations))
    return EXIT_FAILURES if failed else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Called with no ``argv`` (the ``cleaner`` program itself), a standard
    output closed by its reader ends the process by SIGPIPE, quietly, so a
    shell sees status 141 and ``pipefail`` notices the cut; called with
    ``argv`` (from Python), the same case returns 141.
    """
    try:
        code = _run(argv)
    except KeyboardInterrupt:  # before or after the work proper
        code = _interrupted(None)
    if code == EXIT_PIPE and argv is None:
        _die_of_sigpipe()
    return code


def _interrupted(exc: Interrupted | None) -> int:
    if exc is None:
        print("\ncleaner: interrupted", file=sys.stderr)
    else:
        total = f" of {exc.total}" if exc.total is not None else ""
        print(
            f"\ncleaner: interrupted: {exc.done}{total} {exc.unit}(s) done; {exc.then}",
            file=sys.stderr,
        )
    return EXIT_INTERRUPTED


def _die_of_sigpipe() -> None:
    """End the process by SIGPIPE (Python ignores it by default), writing nothing more."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGPIPE)


def _run(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except (UsageError, OutputUnwritable) as exc:
        print(f"cleaner: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Interrupted as exc:
        return _interrupted(exc)
    except BrokenPipeError:
        # The reader of standard output went away (``| head``): stop quietly.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PIPE
    except OSError as exc:
        if exc.errno not in batch.WRITE_ERRNOS:
            raise
        # An output file (written through a temporary file beside it) could not be written.
        where = Path(str(exc.filename)) if exc.filename else Path("the output")
        if where.name.startswith(".") and where.name.endswith(".tmp"):
            where = where.parent
        print(f"cleaner: error: cannot write to {where}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenProcessPool as exc:
        # A worker was killed (e.g. out of memory): finished outputs are complete, so a
        # re-run resumes from there.
        print(f"cleaner: error: a worker process died ({exc}); re-run to resume", file=sys.stderr)
        return EXIT_FAILURES


if __name__ == "__main__":
    sys.exit(main())
