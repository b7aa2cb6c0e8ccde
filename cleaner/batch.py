"""Batch cleaning of files and folders: discovery, output paths, atomic writes.

Inputs are only ever opened for reading.  Each output is written to a
temporary file in its destination folder and renamed into place, so a run
stopped at any moment leaves either the complete file or none.  One bad input
is recorded and the batch goes on.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleaner import Cleaner
from cleaner.document import Result
from cleaner.html import DecodeError, decode_bytes

TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")


class InputError(Exception):
    """An input that cannot be read or decoded; the message says why."""


@dataclass(frozen=True, slots=True)
class Task:
    """One input file and where its outputs go.

    Attributes:
        source: The input file.
        text_out: Where the clean text goes (``None``: standard output).
        meta_out: Where the provenance JSON goes.
        display: The input path as shown to the user.
    """

    source: Path
    text_out: Path | None
    meta_out: Path | None
    display: str


@dataclass(slots=True)
class Summary:
    """Counts for a batch, reported at the end."""

    documents: int = 0
    failed: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    removals: Counter[str] = field(default_factory=Counter)
    errors: list[dict[str, str]] = field(default_factory=list)

    def add(self, result: Result, bytes_in: int) -> None:
        """Count one cleaned document."""
        self.documents += 1
        self.bytes_in += bytes_in
        self.bytes_out += len(result.text.encode("utf-8", "surrogatepass"))
        self.removals.update(r.rule for r in result.removals)

    def fail(self, path: str, exc: BaseException) -> None:
        """Count one failed document."""
        self.failed += 1
        self.errors.append({"path": path, "type": type(exc).__name__, "message": str(exc)})


def input_kind(path: Path) -> str | None:
    """Return ``"text"``, ``"html"`` or ``None`` for a file name.

    >>> input_kind(Path("a/b.html.gz")), input_kind(Path("x.txt")), input_kind(Path("y.png"))
    ('html', 'text', None)
    """
    name = path.name.lower()
    if name.endswith(HTML_SUFFIXES):
        return "html"
    if name.endswith(TEXT_SUFFIXES):
        return "text"
    return None


def output_stem(relative: Path) -> Path:
    """Return the output path of an input without its input suffixes.

    >>> output_stem(Path("a/b.html.gz")).as_posix()
    'a/b'
    """
    name = relative.name
    for suffix in sorted(HTML_SUFFIXES + TEXT_SUFFIXES, key=len, reverse=True):
        if name.lower().endswith(suffix):
            return relative.with_name(name[: -len(suffix)])
    return relative


def discover(sources: Iterable[Path], out: Path | None) -> Iterator[Task]:
    """Yield a task for every input file under ``sources``, in sorted order.

    Folders are walked recursively; hidden files and folders and files of
    unknown kinds are passed over; an output folder inside a source folder is
    never read as input.
    """
    out_resolved = out.resolve() if out is not None else None
    for source in sources:
        if source.is_dir():
            for path in sorted(_walk(source, out_resolved)):
                rel = path.relative_to(source)
                yield _task(path, rel, out, str(path))
        else:
            yield _task(source, Path(source.name), out, str(source))


def _walk(root: Path, skip: Path | None) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = [
            d for d in dirnames if not d.startswith(".") and (here / d).resolve() != skip
        ]
        for name in filenames:
            path = here / name
            if not name.startswith(".") and input_kind(path) is not None:
                yield path


def _task(path: Path, rel: Path, out: Path | None, display: str) -> Task:
    if out is None:
        return Task(path, None, None, display)
    stem = out / output_stem(rel)
    return Task(
        path, stem.with_name(stem.name + ".txt"), stem.with_name(stem.name + ".json"), display
    )


def read_input(path: Path) -> tuple[str, bytes]:
    """Read an input file; return its kind and bytes (gzip inflated).

    Raises:
        InputError: The file cannot be read.
    """
    kind = input_kind(path) or "text"
    try:
        data = path.read_bytes()
        if path.name.lower().endswith(".gz"):
            data = gzip.decompress(data)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputError(f"cannot read: {exc}") from None
    return kind, data


def clean_file(cleaner: Cleaner, path: Path, *, site: str | None = None) -> tuple[Result, int]:
    """Clean one input file; return the result and the input size in bytes.

    Raises:
        InputError: The file cannot be read or decoded.
    """
    kind, data = read_input(path)
    if kind == "html":
        try:
            return cleaner.clean_html(data, site=site), len(data)
        except DecodeError as exc:
            raise InputError(str(exc)) from None
    try:
        decoded = decode_bytes(data)
    except DecodeError as exc:
        raise InputError(str(exc)) from None
    source = {"format": "text", "decoding": decoded.to_dict()}
    return cleaner.clean(decoded.text, site=site, source=source), len(data)


def write_atomic(path: Path, data: str) -> None:
    """Write text to ``path`` through a temporary file in the same folder, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(data)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sidecar(task: Task, result: Result) -> dict[str, Any]:
    """Return the JSON written next to the clean text."""
    return {"source": task.display, "metadata": result.metadata, "provenance": result.provenance}


def write_outputs(task: Task, result: Result) -> None:
    """Write the clean text and the provenance JSON of one task (text last)."""
    assert task.text_out is not None and task.meta_out is not None
    write_atomic(task.meta_out, json.dumps(sidecar(task, result), ensure_ascii=False, indent=1))
    write_atomic(task.text_out, result.text)
