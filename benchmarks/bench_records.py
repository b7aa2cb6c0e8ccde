"""Record streams: peak memory per record size, and web archive text against JSON Lines.

Rows:

* memory: JSON Lines streams of large records (4 MB and 32 MB of news text each)
  through :func:`cleaner.jsonl.clean_records` with ``--jobs`` workers and
  ``max_input_bytes`` twice the record size, each run in a fresh interpreter.
  ``reader MB`` is the peak resident memory of the reading process, ``worker MB``
  that of the largest worker, each with its excess over ``base MB`` (a process
  that only built the cleaner) in record sizes.  The window of records in
  flight is bounded in bytes (chunks of at most ``CHUNK_BYTES`` or one record,
  at most :func:`cleaner.jsonl.window_bytes` in flight); the ``count-bounded``
  rows run the same stream with the window bounded by count alone (32 records
  a chunk, four chunks a worker), as before, for comparison.
* WET: the same texts as Common Crawl WET ``conversion`` records and as JSON
  Lines, cleaned in one process, taking turns file by file; the ratio is WET
  docs/s over JSON Lines docs/s (target at least 0.9).

Usage: ``python benchmarks/bench_records.py [--records 12] [--big-records 3] [--wet-docs 400]``.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from common import SEEDS, in_fresh_process, peak_rss_mb, table

import cleaner
from cleaner import jsonl
from cleaner.records import JsonlWriter, Tally

MB = 1_000_000
TARGET_WET_VS_JSONL = 0.9


def _text(size: int) -> str:
    seeds = "".join(p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt")))
    return (seeds * (size // len(seeds) + 1))[:size]


def _config(size: int) -> cleaner.CleanerConfig:
    return cleaner.CleanerConfig(max_document_chars=2 * size, max_input_bytes=2 * size)


def base_run(size: int) -> float:
    """Peak memory of a process that built the cleaner and one record's line."""
    cleaner.Cleaner(config=_config(size)).clean("Warm up.\n")
    return peak_rss_mb()


class _Lines:
    """A binary stream of ``count`` JSON Lines records of ``size`` bytes, made as read."""

    def __init__(self, count: int, size: int) -> None:
        self.left = count
        self.line = json.dumps({"id": 0, "text": _text(size)}).encode() + b"\n"

    def readline(self, limit: int = -1) -> bytes:
        if not self.left:
            return b""
        self.left -= 1
        return self.line

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line


class _Discard(io.RawIOBase):
    def write(self, data: bytes, /) -> int:  # type: ignore[override]
        return len(data)


def stream_run(count: int, size: int, jobs: int, by_bytes: bool) -> tuple[float, float, float, int]:
    """Stream the records; return peak memory (MB) of this process and of its largest
    worker, seconds and failed records."""
    config = _config(size)
    setup = jsonl.Setup(config=config)
    if not by_bytes:  # the window as it was: chunks of 32 records, whatever their size
        jsonl.CHUNK_BYTES = 1 << 62
    writer = JsonlWriter(_Discard())
    tally = Tally()
    start = time.perf_counter()
    lines = _Lines(count, size)
    limit = config.max_input_bytes if by_bytes else None
    for record, counts in jsonl.clean_records(lines, setup=setup, jobs=jobs, max_line_bytes=limit):
        writer.write(record)
        tally.merge(counts)
    seconds = time.perf_counter() - start
    scale = 1 if sys.platform == "darwin" else 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale / 1e6
    return peak_rss_mb(), workers, seconds, tally.failed


def memory_rows(records: int, big_records: int, jobs: int) -> list[list[object]]:
    """Peak memory of the reading process and of a worker, over the record size."""
    rows: list[list[object]] = []
    for size, count in ((4 * MB, records), (32 * MB, big_records)):
        if not count:
            continue
        base = in_fresh_process(base_run, size)
        for by_bytes in (True, False):
            peak, worker, seconds, failed = in_fresh_process(
                stream_run, count, size, jobs, by_bytes
            )
            assert failed == 0, f"{failed} records failed"
            rows.append(
                [
                    f"{size // MB} MB x {count}",
                    jobs,
                    "bytes" if by_bytes else "count-bounded",
                    f"{base:.0f}",
                    f"{peak:.0f} ({(peak - base) * MB / size:.1f}x)",
                    f"{worker:.0f} ({(worker - base) * MB / size:.1f}x)" if jobs > 1 else "-",
                    f"{seconds:.1f}",
                ]
            )
    return rows


def _write_wet(path: Path, texts: list[str]) -> None:
    from warcio.warcwriter import WARCWriter  # noqa: PLC0415 - the warc extra

    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for n, text in enumerate(texts):
            record = writer.create_warc_record(
                f"https://news.example.org/{n}",
                "conversion",
                payload=io.BytesIO(text.encode("utf-8")),
                warc_content_type="text/plain",
            )
            writer.write_record(record)


def wet_row(docs: int) -> list[object]:
    from cleaner.streams import StreamOptions, clean_stream_to  # noqa: PLC0415

    seeds = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    texts = [f"Report {n}.\n\n{seeds[n % len(seeds)]}" for n in range(docs)]
    engine = cleaner.Cleaner()
    engine.clean(texts[0])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        wet = folder / "texts.warc.wet.gz"
        _write_wet(wet, texts)
        lines = folder / "texts.jsonl"
        lines.write_text(
            "".join(
                json.dumps({"id": n, "text": t, "url": f"https://news.example.org/{n}"}) + "\n"
                for n, t in enumerate(texts)
            ),
            "utf-8",
        )
        totals = {"wet": 0.0, "jsonl": 0.0}
        for turn in range(6):
            order = ["wet", "jsonl"] if turn % 2 == 0 else ["jsonl", "wet"]
            for name in order:
                source = wet if name == "wet" else lines
                tally, seconds = clean_stream_to(
                    [source], folder / f"{name}.out.jsonl", cleaner=engine, options=StreamOptions()
                )
                assert (tally.records, tally.failed) == (docs, 0)
                totals[name] += seconds
    rates = {name: 6 * docs / seconds for name, seconds in totals.items()}
    ratio = rates["wet"] / rates["jsonl"]
    return [docs, f"{rates['wet']:.0f}", f"{rates['jsonl']:.0f}", f"{ratio:.2f}"]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=12, help="4 MB records per run")
    parser.add_argument("--big-records", type=int, default=3, help="32 MB records per run")
    parser.add_argument("--wet-docs", type=int, default=400)
    parser.add_argument("--jobs", type=int, default=2, help="workers of the memory rows")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-wet", action="store_true")
    args = parser.parse_args(argv)
    status = 0
    if not args.skip_wet:
        row = wet_row(args.wet_docs)
        print(table(["docs", "WET docs/s", "JSONL docs/s", "WET vs JSONL"], [row]))
        if float(str(row[3])) < TARGET_WET_VS_JSONL:
            print(f"below target: WET vs JSON Lines {row[3]} < {TARGET_WET_VS_JSONL}")
            status = 1
    if not args.skip_memory:
        headers = ["records", "jobs", "window", "base MB", "reader MB", "worker MB", "s"]
        print(table(headers, memory_rows(args.records, args.big_records, args.jobs)))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
