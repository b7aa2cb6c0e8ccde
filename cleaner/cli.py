"""Command line: parses arguments, calls the API, prints.

Exit codes: 0 all inputs cleaned; 1 some inputs failed (each reported);
2 usage or configuration error (e.g. an invalid rule pack) before any work.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from cleaner import Cleaner, RulePackError, UnknownSiteError, __version__, batch, jsonl
from cleaner.batch import InputError, Summary, clean_file, discover, find_collisions
from cleaner.jsonl import Fields
from cleaner.parallel import ordered_map
from cleaner.progress import Progress

EXIT_OK, EXIT_FAILURES, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Wrong arguments or configuration; reported before any work."""


def _rules_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rules",
        metavar="DIR",
        action="append",
        default=[],
        type=Path,
        help="a folder of extra rule packs (repeatable); a pack with a bundled name replaces it",
    )


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
        default=_cpu_count(),
        metavar="N",
        help="worker processes (default: all cores, here %(default)s)",
    )
    parser.add_argument(
        "--force", action="store_true", help="redo inputs whose outputs are up to date"
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="list what would be written and the removals per rule; write nothing",
    )


def _jsonl_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("files", "jsonl"),
        default="files",
        help="files: documents and folders (default); jsonl: a stream of JSON Lines records",
    )
    defaults = Fields()
    for name in ("id", "text", "html", "url"):
        parser.add_argument(
            f"--{name}-field",
            default=getattr(defaults, name),
            metavar="NAME",
            help=f"JSON Lines field holding the {name} (default: %(default)s)",
        )


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``cleaner`` command."""
    parser = argparse.ArgumentParser(
        prog="cleaner",
        description="Turn scraped articles into canonical clean text with provenance.",
    )
    parser.add_argument("--version", action="version", version=f"cleaner {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    clean = sub.add_parser(
        "clean",
        help="clean files, folders and JSON Lines streams",
        description="Clean text (.txt), HTML (.html, .htm, .html.gz) and JSON Lines "
        "(.jsonl, .jsonl.gz) files; folders are walked recursively. With --format jsonl, "
        "clean JSON Lines records from SRC files or '-' (standard input).",
    )
    clean.add_argument("sources", nargs="+", type=Path, metavar="SRC")
    clean.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="OUT",
        help="output folder: OUT/<path>.txt (text) and OUT/<path>.json "
        "(provenance); without it a single file is printed to stdout. "
        "With --format jsonl: the output file (default: stdout)",
    )
    _rules_args(clean)
    clean.add_argument("--site", metavar="NAME", help="force the rule pack of this name")
    clean.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    _batch_args(clean)
    _jsonl_args(clean)

    explain = sub.add_parser("explain", help="show each removal with its rule and why")
    explain.add_argument(
        "file",
        type=Path,
        metavar="FILE",
        help="an input document, or a .json provenance file written by clean",
    )
    _rules_args(explain)
    explain.add_argument("--site", metavar="NAME", help="force the rule pack of this name")

    rules = sub.add_parser("rules", help="rule-pack tools")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True, metavar="ACTION")
    listing = rules_sub.add_parser("list", help="packs, versions, rule counts, match conditions")
    _rules_args(listing)
    return parser


def _cleaner(rules: Sequence[Path]) -> Cleaner:
    try:
        return Cleaner(rules)
    except RulePackError as exc:
        raise UsageError(f"invalid rule pack: {exc}") from None


def cmd_clean(args: argparse.Namespace) -> int:
    """Clean every input; report failures and a summary."""
    if args.format == "jsonl":
        return _clean_jsonl(args)
    if Path("-") in args.sources:
        raise UsageError("'-' (standard input) needs --format jsonl")
    missing = [str(s) for s in args.sources if not s.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    if args.output is None and (len(args.sources) > 1 or args.sources[0].is_dir()):
        raise UsageError("several inputs need an output folder: add -o OUT")
    if args.output is not None and args.output.exists() and not args.output.is_dir():
        raise UsageError(f"{args.output}: output must be a folder")
    cleaner = _cleaner(args.rules)
    if args.site is not None and args.site not in cleaner.registry.packs:
        raise UsageError(str(UnknownSiteError(f"no rule pack named {args.site!r}")))
    if args.output is None:
        return _clean_to_stdout(cleaner, args)
    return _clean_folder(cleaner, args)


def _clean_to_stdout(cleaner: Cleaner, args: argparse.Namespace) -> int:
    """Clean one document file and print its clean text."""
    path: Path = args.sources[0]
    try:
        result, _ = clean_file(cleaner, path, site=args.site)
    except (InputError, ValueError) as exc:
        print(f"cleaner: {path}: {exc}", file=sys.stderr)
        return EXIT_FAILURES
    sys.stdout.write(result.text)
    return EXIT_OK


def _clean_folder(cleaner: Cleaner, args: argparse.Namespace) -> int:
    """Clean files and folders into the output folder, in parallel and incrementally."""
    out: Path = args.output
    tasks = list(discover(args.sources, out))
    collisions = find_collisions(tasks, out)
    if collisions:
        raise UsageError("output collisions:\n  " + "\n  ".join(collisions))
    fields = _fields(args)
    setup = batch.BatchSetup(
        rules_dirs=tuple(args.rules),
        fingerprint=batch.config_fingerprint(cleaner, site=args.site, fields=fields),
        site=args.site,
        fields=fields,
        config=cleaner.config,
        force=args.force,
        dry_run=args.dry_run,
    )
    if not args.dry_run and out.is_dir():
        batch.remove_stale_temp(out)
    summary = Summary()
    progress = Progress(len(tasks), enabled=not args.quiet)
    jobs = min(args.jobs, max(len(tasks), 1))
    try:
        for outcome in ordered_map(batch.process, tasks, setup=setup, jobs=jobs, chunksize=4):
            summary.record(outcome)
            progress.update()
            if outcome.error is not None:
                progress.write(f"cleaner: {outcome.error['path']}: {outcome.error['message']}")
            if args.dry_run:
                for path in outcome.outputs:
                    print(f"would write {path}")
    finally:
        progress.close()
    if not args.dry_run:
        batch.write_errors(out, summary.errors)
    if not args.quiet:
        _print_summary(summary, out, dry_run=args.dry_run)
    return EXIT_FAILURES if summary.failed else EXIT_OK


def _fields(args: argparse.Namespace) -> Fields:
    return Fields(id=args.id_field, text=args.text_field, html=args.html_field, url=args.url_field)


def _clean_jsonl(args: argparse.Namespace) -> int:
    """Clean JSON Lines records from files or stdin into one output file or stdout."""
    stdin = Path("-")
    missing = [str(s) for s in args.sources if s != stdin and not s.is_file()]
    if missing:
        raise UsageError(f"no such file: {', '.join(missing)}")
    if args.sources.count(stdin) > 1:
        raise UsageError("'-' (standard input) can be read only once")
    if args.dry_run:
        raise UsageError("--dry-run applies to folder mode (-o OUT without --format jsonl)")
    if args.output is not None and args.output.is_dir():
        raise UsageError(f"{args.output}: with --format jsonl, -o names a file, not a folder")
    cleaner = _cleaner(args.rules)
    if args.site is not None and args.site not in cleaner.registry.packs:
        raise UsageError(str(UnknownSiteError(f"no rule pack named {args.site!r}")))
    setup = jsonl.Setup(tuple(args.rules), _fields(args), args.site, cleaner.config)
    progress = Progress(None, unit="record", enabled=not args.quiet)
    tally = jsonl.Tally()
    try:
        with contextlib.ExitStack() as stack:
            if args.output is None:
                sink = sys.stdout.buffer
            else:
                sink = stack.enter_context(batch.atomic_open(args.output))
            for source in args.sources:
                lines = (
                    sys.stdin.buffer
                    if source == stdin
                    else stack.enter_context(jsonl.open_input(source))
                )
                try:
                    counts = jsonl.clean_stream(
                        lines, sink, setup=setup, jobs=args.jobs, on_done=progress.update
                    )
                except BrokenPipeError:
                    raise  # the reader went away: not a failure of this input
                except (OSError, EOFError) as exc:  # unreadable, truncated gzip, disk full
                    raise InputError(f"{source}: {exc}") from None
                tally.merge(counts)
    except InputError as exc:
        progress.close()
        print(f"cleaner: {exc}", file=sys.stderr)
        return EXIT_FAILURES
    progress.close()
    if not args.quiet:
        print(
            f"cleaned {tally.records - tally.failed} of {tally.records} record(s), "
            f"{tally.failed} failed (error records in the output)",
            file=sys.stderr,
        )
    return EXIT_FAILURES if tally.failed else EXIT_OK


def _print_summary(summary: Summary, out: Path, *, dry_run: bool = False, top: int = 10) -> None:
    verb = "would clean" if dry_run else "cleaned"
    print(
        f"{verb} {summary.documents} document(s) into {out}: "
        f"{summary.bytes_in:,} bytes in, {summary.bytes_out:,} bytes out, "
        f"{sum(summary.removals.values())} removal(s), {summary.failed} failed, "
        f"{summary.skipped} up to date",
        file=sys.stderr,
    )
    for rule, count in summary.removals.most_common(top):
        print(f"  {count:6d}  {rule}", file=sys.stderr)
    if summary.errors and not dry_run:
        print(f"  failures listed in {out / batch.ERRORS_FILE}", file=sys.stderr)


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
        try:
            result, _ = clean_file(_cleaner(args.rules), path, site=args.site)
        except InputError as exc:
            print(f"cleaner: {path}: {exc}", file=sys.stderr)
            return EXIT_FAILURES
        record = result.provenance
    packs = ", ".join(f"{p['name']} {p['version']} ({p['matched_by']})" for p in record["packs"])
    print(f"{path}: {len(record['removals'])} removal(s); packs: {packs or 'none'}")
    for r in record["removals"]:
        snippet = r["text"].strip().replace("\n", " ⏎ ")
        if len(snippet) > 100:
            snippet = snippet[:97] + "..."
        print(f"\n  {r['rule']}  [{r['kind']}]  chars {r['start']}-{r['end']}")
        print(f"    why:     {record['rules'].get(r['rule'], '')}")
        print(f"    removed: {snippet}")
    for skip in record.get("skipped_rules", []):
        print(f"\n  SKIPPED {skip['rule']}: {skip['reason']} (paragraph {skip['paragraph']})")
    return EXIT_OK


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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    commands = {"clean": cmd_clean, "explain": cmd_explain}
    try:
        if args.command == "rules":
            return cmd_rules_list(args)
        return commands[args.command](args)
    except UsageError as exc:
        print(f"cleaner: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except BrokenProcessPool as exc:
        # A worker was killed (e.g. out of memory): finished outputs are complete, so a
        # re-run resumes from there.
        print(f"cleaner: error: a worker process died ({exc}); re-run to resume", file=sys.stderr)
        return EXIT_FAILURES


if __name__ == "__main__":
    sys.exit(main())
