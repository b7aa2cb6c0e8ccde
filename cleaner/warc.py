"""WARC in: clean the HTML responses of ``.warc`` and ``.warc.gz`` files, one record at a time.

Records are read with warcio, which undoes the HTTP transfer and content
encodings (chunked, gzip, deflate, brotli where installed).  For each
``response`` record:

* a non-2xx HTTP status or a body that is not HTML is skipped and counted in
  :class:`WarcStats`;
* the body is decoded with the charset of the HTTP ``Content-Type`` header
  first (:func:`cleaner.html.decode_bytes`), then cleaned with
  :meth:`cleaner.Cleaner.clean_html`, the record's ``WARC-Target-URI``
  choosing the site pack;
* ``provenance["source"]["warc"]`` holds ``{"record_id", "target_uri", "file"}``.

Each cleaned or failed response yields one output record, the same dict the
JSON Lines mode writes::

    {"id": <WARC-Record-ID>, "url": <target URI>, "text": ..., "metadata": {...},
     "provenance": {...}}
    {"id": ..., "url": ..., "error": "DecodeError: cannot decode: ..."}

:func:`write_jsonl` writes them as JSON Lines under the record field names of a
run, for the command line's folder and stream modes.

Needs the ``warc`` extra (``pip install 'cleaner[warc]'``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from cleaner import Cleaner, UnknownSiteError, default_cleaner
from cleaner.jsonl import RecordCleaner, Sink, Tally

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
"""Media types cleaned as HTML."""

MAX_BODY_BYTES = 20_000_000
"""Bodies larger than this are refused with an error record rather than read."""

Record = dict[str, Any]
"""An output record: id, url, then text, metadata and provenance, or error."""


class WarcError(Exception):
    """A WARC file that cannot be opened or parsed; the message names the file."""


@dataclass(slots=True)
class WarcStats:
    """Counts for one or more WARC files, updated as records are read.

    Attributes:
        records: WARC records of any type.
        responses: ``response`` records.
        cleaned: Responses cleaned.
        failed: Responses that gave an error record.
        skipped: Responses passed over, by reason (``not-html``, ``status``).
    """

    records: int = 0
    responses: int = 0
    cleaned: int = 0
    failed: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        """Count one skipped response."""
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def media_type(content_type: str | None) -> tuple[str | None, str | None]:
    """Return the media type (lower case) and charset of a ``Content-Type`` header.

    >>> media_type('text/html; charset="ISO-8859-1"')
    ('text/html', 'ISO-8859-1')
    >>> media_type(None)
    (None, None)
    """
    if not content_type:
        return None, None
    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    return message.get_content_type(), charset if isinstance(charset, str) else None


def looks_like_html(body: bytes) -> bool:
    """Tell whether a body with no ``Content-Type`` starts like an HTML document.

    >>> looks_like_html(b"  <!DOCTYPE html><html>"), looks_like_html(b"%PDF-1.4")
    (True, False)
    """
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--"))


def clean_warc(
    path: str | Path,
    cleaner: Cleaner | None = None,
    *,
    site: str | None = None,
    stats: WarcStats | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> Iterator[Record]:
    """Clean every HTML response of a WARC file; yield one output record per response.

    Args:
        path: A ``.warc`` or ``.warc.gz`` file (gzip is detected from the content).
        cleaner: The engine to use; defaults to the bundled packs.
        site: Force the rule pack of this name for every page.
        stats: Counts to update as records are read.
        max_body_bytes: Larger bodies give an error record.

    Raises:
        WarcError: The file cannot be opened or is not a valid WARC file (records
            before the damage have been yielded).
        UnknownSiteError: ``site`` names no loaded pack.
    """
    engine = cleaner or default_cleaner()
    if site is not None and site not in engine.registry.packs:
        raise UnknownSiteError(f"no rule pack named {site!r}")
    counts = stats if stats is not None else WarcStats()
    path = Path(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise WarcError(f"{path}: cannot open: {exc}") from None
    with handle:
        records = ArchiveIterator(handle)
        while True:
            try:
                record = next(records)
            except StopIteration:
                return
            except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
                raise WarcError(f"{path}: not a valid WARC file: {exc}") from None
            if not str(record.format).startswith("warc"):
                # warcio also reads the older ARC format, and takes almost any
                # text for it: refuse what is not WARC rather than skip it all.
                raise WarcError(f"{path}: not a WARC file (found {record.format} records)")
            counts.records += 1
            if record.rec_type != "response":
                continue
            counts.responses += 1
            out = _clean_response(
                record,
                engine=engine,
                path=path,
                site=site,
                counts=counts,
                max_body_bytes=max_body_bytes,
            )
            if out is not None:
                yield out


def _clean_response(
    record: Any,
    *,
    engine: Cleaner,
    path: Path,
    site: str | None,
    counts: WarcStats,
    max_body_bytes: int,
) -> Record | None:
    """Clean one response record; ``None`` when it is skipped."""
    record_id = record.rec_headers.get_header("WARC-Record-ID")
    uri = record.rec_headers.get_header("WARC-Target-URI")
    out: Record = {"id": record_id, "url": uri}
    http = record.http_headers
    status = http.get_statuscode() if http is not None else None
    if status is not None and not str(status).startswith("2"):
        counts.skip("status")
        return None
    kind, charset = media_type(http.get_header("Content-Type") if http is not None else None)
    if kind is not None and kind not in HTML_TYPES:
        counts.skip("not-html")
        return None
    try:
        body = record.content_stream().read(max_body_bytes + 1)
        if len(body) > max_body_bytes:
            raise ValueError(f"body larger than {max_body_bytes} bytes")
        if kind is None and not looks_like_html(body):
            counts.skip("not-html")
            return None
        warc = {"record_id": record_id, "target_uri": uri, "file": path.name}
        result = engine.clean_html(body, url=uri, site=site, charset=charset, source={"warc": warc})
    except Exception as exc:  # one bad record never stops the file
        counts.failed += 1
        out["error"] = f"{type(exc).__name__}: {exc}"
        return out
    counts.cleaned += 1
    out.update(text=result.text, metadata=result.metadata, provenance=result.provenance)
    return out


def write_jsonl(
    path: Path,
    sink: Sink,
    records: RecordCleaner,
    *,
    on_done: Callable[[int], None] | None = None,
) -> Tally:
    """Clean a WARC file into ``sink`` as JSON Lines, one output record per line.

    The records are those of :func:`clean_warc`, with ``id``, ``url`` and
    ``text`` renamed to the run's field names so that they read like the
    records of a JSON Lines input.

    Args:
        path: A ``.warc`` or ``.warc.gz`` file.
        sink: Binary output.
        records: The cleaner, field names and forced site of the run.
        on_done: Called with 1 after each record is written.

    Returns:
        The counts: output records, failed ones, the file's size in bytes, the
        clean text's bytes, removals per rule and responses passed over.

    Raises:
        WarcError: The file cannot be opened or is not a valid WARC file.
    """
    names = records.fields
    rename = {"id": names.id, "url": names.url, "text": names.text}
    stats = WarcStats()
    tally = Tally()
    try:
        tally.bytes_in = path.stat().st_size
    except OSError as exc:
        raise WarcError(f"{path}: cannot open: {exc}") from None
    for record in clean_warc(path, records.cleaner, site=records.site, stats=stats):
        out = {rename.get(key, key): value for key, value in record.items()}
        sink.write(json.dumps(out, ensure_ascii=False).encode("utf-8") + b"\n")
        tally.records += 1
        if "error" in record:
            tally.failed += 1
        else:
            tally.bytes_out += len(record["text"].encode("utf-8"))
            tally.removals.update(r["rule"] for r in record["provenance"]["removals"])
        sink.flush()
        if on_done is not None:
            on_done(1)
    tally.passed_over.update(stats.skipped)
    return tally
