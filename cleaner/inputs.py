"""Batch inputs: the kinds of input file, where their outputs go, and discovery.

Discovery never opens a file.  Every entry it cannot or must not read (a
symbolic link leading out of its source folder or round in a loop, a FIFO, a
socket or a device, a folder it may not list) becomes a task that fails with
the reason, so one bad entry never stops the batch and every good file is
still cleaned.

A path whose name is not valid UTF-8 keeps its bytes for the file system; what
is shown and recorded (:attr:`Task.display`) replaces each undecodable byte by
``\\xNN``, and :attr:`Task.raw` gives the exact bytes in base64, so a record
names the file losslessly.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaner.files import not_regular
from cleaner.jsonl import JSONL_SUFFIXES

TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
WARC_SUFFIXES = (".warc", ".warc.gz", ".wet", ".wet.gz", ".arc", ".arc.gz")
"""Web archives: WARC, Common Crawl's WET (``*.warc.wet.gz``) and ARC."""
_WET_SUFFIXES = (".warc.wet", ".warc.wet.gz")
"""Left out of an output name whole (``x.warc.wet.gz`` gives ``x.jsonl``)."""
STREAM_KINDS = frozenset({"jsonl", "warc"})
"""Inputs of many records, cleaned into ``OUT/<name>.jsonl`` as they are read."""
ERRORS_FILE = "_errors.jsonl"
"""Failures of the last run, one JSON object per line, in input order."""
STATS_FILE = "_stats.json"
"""The counts of the last run (see :meth:`cleaner.records.Tally.to_dict`)."""
STDIN = Path("-")
"""The source ``-``: standard input (one document, or JSON Lines in the stream modes)."""


@dataclass(frozen=True, slots=True)
class Task:
    """One input file and where its outputs go.

    Attributes:
        source: The input file.
        text_out: Where the clean text goes (``None``: standard output); for a
            JSON Lines input, the output JSON Lines file.
        meta_out: Where the sidecar JSON (provenance and stamp) goes.
        display: The input path as shown to the user and recorded (valid
            UTF-8: an undecodable byte of the name is written ``\\xNN``).
        refused: Why the input is not read at all (a symbolic link leading out
            of its source folder or in a loop, not a regular file); the task
            then fails with this reason.
        raw: The path's exact bytes in base64 when its name is not valid UTF-8.
    """

    source: Path
    text_out: Path | None
    meta_out: Path | None
    display: str
    refused: str | None = None
    raw: str | None = None

    def error(self, kind: str, message: str) -> dict[str, Any]:
        """The ``_errors.jsonl`` entry of this task failing."""
        entry: dict[str, Any] = {"path": self.display, "type": kind, "message": message}
        if self.raw is not None:
            entry["path_bytes_base64"] = self.raw
        return entry


def shown(path: Path | str) -> tuple[str, str | None]:
    """Return a path as printable UTF-8 text, and its bytes in base64 if it is not UTF-8.

    >>> shown(Path("a/b.txt"))
    ('a/b.txt', None)
    >>> shown(Path(os.fsdecode(b"caf\\xe9.txt")))
    ('caf\\\\xe9.txt', 'Y2Fm6S50eHQ=')
    """
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raw = os.fsencode(text)
        return raw.decode("utf-8", "backslashreplace"), base64.b64encode(raw).decode("ascii")
    return text, None


def input_kind(path: Path) -> str | None:
    """Return ``"text"``, ``"html"``, ``"jsonl"``, ``"warc"`` (any web archive) or ``None``.

    >>> [input_kind(Path(n)) for n in ("a/b.html.gz", "x.txt", "r.jsonl.gz", "c.warc.wet.gz")]
    ['html', 'text', 'jsonl', 'warc']
    >>> input_kind(Path("y.png")) is None
    True
    """
    name = path.name.lower()
    if name.endswith(HTML_SUFFIXES):
        return "html"
    if name.endswith(TEXT_SUFFIXES):
        return "text"
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    return None


def output_stem(relative: Path) -> Path:
    """Return the output path of an input without its input suffixes.

    >>> output_stem(Path("a/b.html.gz")).as_posix(), output_stem(Path("c.warc.wet.gz")).as_posix()
    ('a/b', 'c')
    """
    name = relative.name
    suffixes = HTML_SUFFIXES + TEXT_SUFFIXES + JSONL_SUFFIXES + WARC_SUFFIXES + _WET_SUFFIXES
    for suffix in sorted(suffixes, key=len, reverse=True):
        if name.lower().endswith(suffix):
            return relative.with_name(name[: -len(suffix)])
    return relative


def discover(sources: Iterable[Path], out: Path | None) -> Iterator[Task]:
    """Yield a task for every input file under ``sources``, in sorted order.

    Folders are walked recursively; hidden files and folders and files of
    unknown kinds are passed over; an output folder inside a source folder is
    never read as input.  Symbolic links to folders are not followed, and a
    link to a file outside its source folder is refused (its task fails with
    the reason), so a source folder cannot make cleaner read elsewhere.  A
    symbolic link in a loop, a FIFO, a socket, a device and a folder that
    cannot be listed each give a failing task too; the others are cleaned.
    """
    out_resolved = out.resolve() if out is not None else None
    for source in sources:
        if source.is_dir():
            root = source.resolve()
            found: list[tuple[Path, str | None]] = []
            for path, problem in _walk(source, out_resolved):
                found.append((path, problem))
            for path, problem in sorted(found, key=lambda item: item[0]):
                rel = path.relative_to(source)
                yield _task(path, rel, out, refused=problem or _escapes(path, root))
        else:
            yield _task(source, Path(source.name), out, refused=not_regular(source))


def _escapes(path: Path, root: Path) -> str | None:
    """Why a file found under ``root`` is refused: a link out of the folder, or not regular."""
    if path.is_symlink():
        try:
            target = path.resolve()
        except (OSError, RuntimeError):  # RuntimeError: a loop, before Python 3.13
            return "symbolic link in a loop: not read"
        if not target.is_relative_to(root):
            return "symbolic link to a file outside the source folder: not read"
    return not_regular(path)


def _walk(root: Path, skip: Path | None) -> Iterator[tuple[Path, str | None]]:
    """Yield every candidate input under ``root``, with a problem for a folder not listed."""
    failures: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=failures.append):
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and not _same(here / d, skip)]
        for name in filenames:
            path = here / name
            if not name.startswith(".") and input_kind(path) is not None:
                yield path, None
        while failures:
            failed = failures.pop()
            if failed.filename is not None:
                yield Path(failed.filename), f"cannot list the folder: {failed.strerror}"
    for failed in failures:
        if failed.filename is not None:
            yield Path(failed.filename), f"cannot list the folder: {failed.strerror}"


def _same(path: Path, other: Path | None) -> bool:
    if other is None:
        return False
    try:
        return path.resolve() == other
    except (OSError, RuntimeError):  # a link in a loop is not the output folder
        return False


def _task(path: Path, rel: Path, out: Path | None, *, refused: str | None) -> Task:
    display, raw = shown(path)
    if out is None:
        return Task(path, None, None, display, refused, raw)
    stem = out / output_stem(rel)
    suffix = ".jsonl" if input_kind(path) in STREAM_KINDS else ".txt"
    return Task(
        path,
        stem.with_name(stem.name + suffix),
        stem.with_name(stem.name + ".json"),
        display,
        refused,
        raw,
    )


def find_collisions(tasks: Sequence[Task], out: Path) -> list[str]:
    """Return a message for every pair of inputs that would write the same output.

    Paths are compared case-insensitively, as they would collide on a
    case-insensitive file system; ``OUT/_errors.jsonl`` is reserved, and no
    output may replace an input (``-o`` naming a source folder).
    """
    claimed: dict[str, Task] = {}
    pairs: dict[tuple[str, str], Path] = {}
    problems = []
    reserved = {str(out / name).casefold(): name for name in (ERRORS_FILE, STATS_FILE)}
    for task in tasks:
        out_path = task.text_out
        # Only an input already named like its output (x.txt, x.jsonl) can be overwritten.
        if (
            out_path is not None
            and task.refused is None
            and out_path.name == task.source.name
            and out_path.resolve() == task.source.resolve()
        ):
            problems.append(f"{task.display} would be overwritten by its own output")
        for path in (task.text_out, task.meta_out):
            if path is None:
                continue
            key = str(path).casefold()
            if key in reserved:
                what = "the error log" if reserved[key] == ERRORS_FILE else "the run's counts"
                problems.append(f"{task.display} would write {shown(path)[0]}, {what}")
                continue
            first = claimed.setdefault(key, task)
            if first is not task:
                pairs.setdefault((first.display, task.display), path)
    problems += [f"{a} and {b} would both write {shown(p)[0]}" for (a, b), p in pairs.items()]
    return problems
