"""Clean a folder of JSON Lines or Parquet documents with Ray Data; write Parquet.

Locally (starts a Ray instance on this machine)::

    python examples/ray_clean.py --input pages/ --output clean/ --url-column url

On a running cluster, from a node of it (``--address auto``) or with
``ray job submit`` (see the README, "Cleaning at scale with Ray")::

    python examples/ray_clean.py --address auto --input s3://bucket/pages/ \\
        --output s3://bucket/clean/ --concurrency 32

Each output row keeps the input columns and gains the clean text, ``metadata``,
``provenance`` and ``error`` (null unless the row could not be cleaned); see
:mod:`cleaner.ray`.  An output folder that holds files already is refused
(``--overwrite`` replaces them).  Prints the row and error counts and the
throughput.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import ray
import ray.data
from pyarrow import fs

import cleaner
from cleaner.cli import add_comments_options
from cleaner.ray import clean_dataset


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--address",
        default=None,
        help="Ray cluster address ('auto': the cluster this node belongs to); "
        "default: a Ray instance started on this machine",
    )
    parser.add_argument("--input", required=True, help="folder or file(s) of JSON Lines or Parquet")
    parser.add_argument("--output", required=True, help="folder for the Parquet output")
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace the files of a non-empty output folder (default: refuse it)",
    )
    parser.add_argument(
        "--input-format",
        choices=["json", "parquet"],
        help="default: parquet if the input path ends in .parquet or holds .parquet files",
    )
    parser.add_argument("--text-column", default="text", help="column of plain text")
    parser.add_argument("--html-column", help="column of HTML pages (instead of text)")
    parser.add_argument("--url-column", help="column of page URLs (chooses site packs)")
    parser.add_argument("--output-column", default="text", help="column for the clean text")
    parser.add_argument("--rules", action="append", default=[], help="extra rule-pack folder")
    parser.add_argument("--site", help="force the rule pack of this name")
    parser.add_argument("--max-chars", type=int, help="refuse documents longer than this")
    parser.add_argument("--concurrency", type=int, help="cleaning actors (default: autoscale)")
    parser.add_argument("--num-cpus", type=float, default=1, help="CPUs per actor")
    parser.add_argument("--batch-size", type=int, default=64, help="rows per batch")
    parser.add_argument(
        "--provenance",
        choices=["full", "summary", "none"],
        default="full",
        help="provenance per row: full, summary (rule counts, hashes, packs) or none",
    )
    parser.add_argument(
        "--keep-headline",
        action=argparse.BooleanOptionalAction,
        help="keep the headline in the text (default: it moves to metadata.title)",
    )
    add_comments_options(parser)
    return parser


def _absolute(path: str) -> str:
    """Return a local path made absolute (Ray's workers do not share our folder); a URI as is."""
    return path if "://" in path else str(Path(path).resolve())


def _filesystem(path: str) -> tuple[fs.FileSystem, str]:
    """Return the file system and path of a local path (relative or not) or URI."""
    if "://" not in path:
        return fs.LocalFileSystem(), str(Path(path).resolve())
    return fs.FileSystem.from_uri(path)


def input_format(path: str) -> str:
    """Guess the input format of a local path or URI from its name or its files."""
    if path.rstrip("/").endswith(".parquet"):
        return "parquet"
    try:
        filesystem, root = _filesystem(path)
    except (ValueError, TypeError):
        return "json"
    infos = filesystem.get_file_info(fs.FileSelector(root, recursive=True, allow_not_found=True))
    return "parquet" if any(i.path.endswith(".parquet") for i in infos) else "json"


def prepare_output(path: str, *, overwrite: bool) -> str | None:
    """Make sure the output folder is empty; return why not, or ``None``.

    Ray adds files to a folder that holds some already, so a second run into
    the same folder would double the rows: refuse it, or empty the folder
    first with ``overwrite``.
    """
    filesystem, root = _filesystem(path)
    info = filesystem.get_file_info(root)
    if info.type == fs.FileType.NotFound:
        return None
    if info.type != fs.FileType.Directory:
        return f"{path} is not a folder"
    if not filesystem.get_file_info(fs.FileSelector(root)):
        return None
    if not overwrite:
        return f"{path} is not empty: pass --overwrite to replace its files"
    filesystem.delete_dir_contents(root)
    return None


def _count_errors(batch: pa.Table) -> pa.Table:
    """Return a one-row table: the rows of a batch and how many have an error."""
    errors = batch.num_rows - batch.column("error").null_count
    return pa.table({"rows": [batch.num_rows], "errors": [errors]})


def main(argv: Sequence[str] | None = None) -> int:
    """Run the job; return the exit code (0, or 2 for a configuration error)."""
    args = build_parser().parse_args(argv)
    args.input, args.output = _absolute(args.input), _absolute(args.output)
    if not ray.is_initialized():
        ray.init(address=args.address)
    ray.data.DataContext.get_current().enable_progress_bars = False
    config = cleaner.CleanerConfig()
    if args.max_chars is not None:
        config = cleaner.CleanerConfig(max_document_chars=args.max_chars)

    problem = prepare_output(args.output, overwrite=args.overwrite)
    if problem is not None:
        print(f"ray_clean: error: {problem}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    fmt = args.input_format or input_format(args.input)
    ds = ray.data.read_parquet(args.input) if fmt == "parquet" else ray.data.read_json(args.input)
    try:
        cleaned = clean_dataset(
            ds,
            rules_dirs=args.rules,
            site=args.site,
            text_column=args.text_column,
            html_column=args.html_column,
            url_column=args.url_column,
            output_column=args.output_column,
            config=config,
            concurrency=args.concurrency,
            num_cpus=args.num_cpus,
            batch_size=args.batch_size,
            provenance=args.provenance,
            keep_headline=args.keep_headline,
            keep_comments=args.keep_comments,
        )
    except (cleaner.RulePackError, cleaner.UnknownSiteError) as exc:
        print(f"ray_clean: error: {exc}", file=sys.stderr)
        return 2
    cleaned.write_parquet(args.output)
    seconds = time.perf_counter() - start

    totals = (
        ray.data.read_parquet(args.output)
        .select_columns(["error"])
        .map_batches(_count_errors, batch_format="pyarrow")
        .sum(["rows", "errors"])
    )
    rows, failed = int(totals["sum(rows)"]), int(totals["sum(errors)"])
    print(
        f"{rows} rows, {failed} errors, {seconds:.1f} s, {rows / seconds:.1f} docs/s "
        f"-> {args.output}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
