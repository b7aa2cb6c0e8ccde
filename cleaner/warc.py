"""Web archives in: WARC, ARC and WET files, cleaned one record at a time.

Files are read with warcio, which undoes the HTTP transfer and content
encodings (chunked, gzip, deflate, brotli where installed) and reads both
WARC (``.warc``, ``.warc.gz``, Common Crawl's ``.warc.wet.gz``) and the older
ARC format (``.arc``, ``.arc.gz``).  Records give documents this way:

* ``response`` (WARC and ARC): the HTTP body, when the status is 2xx and the
  body is HTML, is decoded with the charset of the HTTP ``Content-Type`` first
  (:func:`cleaner.html.decode_bytes`) and cleaned with
  :meth:`cleaner.Cleaner.clean_html`; other responses are passed over and
  counted by reason (``status``, ``not-html``);
* ``resource``: an HTML resource is cleaned like a response; others are
  passed over (``not-html``);
* ``conversion`` (WET files: text already extracted from a page): the text
  goes through the text path, :meth:`cleaner.Cleaner.clean`; a conversion
  that is not text is passed over (``not-text``);
* every other record type (``warcinfo``, ``request``, ``revisit``,
  ``metadata``...) gives no document.  Every record read is counted by type
  (:attr:`cleaner.records.Tally.record_types`).

The target URI picks the site pack.  ``provenance["source"]["warc"]`` holds the
record's id, type, target URI, file and byte offset, and where known its
``WARC-Date``, payload digest, HTTP status and content type.

A record that cannot be cleaned gives an error record that names its file and
offset; so does a record of any type cut short or misframed (a truncated file
or gzip member, a ``Content-Length`` that does not end where the record does)::

    {"id": <record id>, "url": <target URI>, "file": "crawl.warc.gz", "offset": 784,
     "error": {"type": "TruncatedRecord", "message": "..."}}

A file that is not a web archive, or whose structure breaks off, raises
:class:`WarcError` (with the offset) after the records before the damage.

Needs the ``warc`` extra (``pip install 'cleaner[warc]'``).
"""

from __future__ import annotations

import contextlib
import functools
import io
from collections import Counter
from collections.abc import Callable, Iterator
from email.message import Message
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from cleaner import Cleaner, default_cleaner
from cleaner.html import decode_bytes
from cleaner.records import (
    Fields,
    ProvenanceLevel,
    Record,
    Tally,
    error_record,
    output_record,
)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
"""Media types cleaned as HTML."""

TEXT_TYPES = frozenset({"text/plain"})
"""Media types of conversion records cleaned as text."""

MAX_BODY_BYTES = 20_000_000
"""Bodies larger than this are refused with an error record rather than read."""


class WarcError(Exception):
    """A file that cannot be opened or is not a valid web archive; the message names it.

    Attributes:
        offset: The byte offset where the damage was found, if known.
    """

    def __init__(self, message: str, offset: int | None = None) -> None:
        super().__init__(message)
        self.offset = offset


class TruncatedRecord(ValueError):
    """A record ends before its ``Content-Length`` or its gzip member does."""


@functools.lru_cache(maxsize=256)
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
    stats: Tally | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
    fields: Fields | None = None,
    provenance: ProvenanceLevel = "full",
    on_read: Callable[[int], None] | None = None,
) -> Iterator[Record]:
    """Clean every document of a web archive; yield one output or error record for each.

    Args:
        path: A WARC, ARC or WET file (gzip is detected from the content), or
            an fsspec URL of one (needs the ``fsspec`` extra).
        cleaner: The engine to use; defaults to the bundled packs.
        site: Force the rule pack of this name for every page.
        stats: Counts to update as records are read.
        max_body_bytes: Larger bodies give an error record.
        fields: The record field names (id, url, text) of the output records.
        provenance: How much provenance the output records carry.
        on_read: Called after each record with the bytes of the file read so far.

    Raises:
        WarcError: The file cannot be opened or is not a valid web archive
            (records before the damage have been yielded).
        UnknownSiteError: ``site`` names no loaded pack.
    """
    engine = cleaner or default_cleaner()
    engine.registry.require(site)
    reader = _Reader(
        path if isinstance(path, str) and "://" in path else Path(path),
        engine,
        site=site,
        tally=stats if stats is not None else Tally(),
        max_body_bytes=max_body_bytes,
        fields=fields or Fields(),
        provenance=provenance,
        on_read=on_read or _nothing,
    )
    yield from reader.records()


class _Reader:
    """The state of reading one archive file."""

    def __init__(
        self,
        path: Path | str,
        engine: Cleaner,
        *,
        site: str | None,
        tally: Tally,
        max_body_bytes: int,
        fields: Fields,
        provenance: ProvenanceLevel,
        on_read: Callable[[int], None],
    ) -> None:
        self.path = path
        self.name = path.name if isinstance(path, Path) else path.rsplit("/", 1)[-1]
        self.engine = engine
        self.site = site
        self.tally = tally
        self.max_body_bytes = max_body_bytes
        self.fields = fields
        self.provenance = provenance
        self.on_read = on_read

    def records(self) -> Iterator[Record]:
        try:
            handle = _open(self.path)
        except OSError as exc:
            raise WarcError(f"{self.path}: cannot open: {exc}") from None
        with handle:
            archive = ArchiveIterator(handle)
            records = iter(archive)
            first = True
            last = 0
            while True:
                offset = archive.offset
                try:
                    # The previous record was read to its end (below): warcio has
                    # nothing left to warn about here.
                    record = next(records)
                except StopIteration:
                    return
                except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
                    # warcio's messages span lines; its offset is past the damage, or
                    # negative when a whole file is one gzip member: use the last good one.
                    offset = max(offset, last)
                    reason = " ".join(str(exc).split())
                    raise WarcError(
                        f"{self.path}: not a valid web archive at byte {offset}: {reason}", offset
                    ) from None
                last = offset
                self._check_structure(record, offset, first=first)
                first = False
                self.tally.record_types[str(record.rec_type)] += 1
                out, counts = self._document(record, offset)
                # Read the record to its end now, to tell whether it was complete.
                with _quiet():
                    errors = archive.err_count
                    archive.read_to_end()
                problem = _damage(archive, record, errors)
                if problem is not None:
                    out, counts = self._error(record, offset, TruncatedRecord(problem))
                self.tally.merge(counts)
                self.on_read(handle.tell())
                if out is not None:
                    yield out

    def _check_structure(self, record: Any, offset: int, *, first: bool) -> None:
        kind = str(record.format)
        if kind.startswith("warc"):
            return
        # warcio takes almost any text for ARC: an ARC file must open with its
        # file header and give each record a numeric length.
        if first and record.rec_type != "arc_header":
            raise WarcError(f"{self.path}: not a WARC or ARC file", offset)
        length = record.rec_headers.get_header("length") or ""
        if not length.isdigit():
            raise WarcError(
                f"{self.path}: bad ARC record at byte {offset}: length {length!r}", offset
            )

    def _document(self, record: Any, offset: int) -> tuple[Record | None, Tally]:
        """Clean one record; return its output or error record and what counts it.

        The counts are applied once the record is known to be whole.  The
        record is ``None`` when it holds no document.
        """
        rec_type = record.rec_type
        if rec_type not in ("response", "resource", "conversion"):
            return None, Tally()
        http = record.http_headers
        status = http.get_statuscode() if http is not None else None
        if status is not None and not str(status).startswith("2"):
            return None, self._pass_over("status")
        header = http.get_header("Content-Type") if http is not None else None
        if header is None and rec_type != "response":
            header = record.rec_headers.get_header("Content-Type")
        kind, charset = media_type(header)
        text = rec_type == "conversion"
        if text and kind is not None and kind not in TEXT_TYPES:
            return None, self._pass_over("not-text")
        if not text and kind is not None and kind not in HTML_TYPES:
            return None, self._pass_over("not-html")
        try:
            body = record.content_stream().read(self.max_body_bytes + 1)
            if len(body) > self.max_body_bytes:
                raise ValueError(f"body larger than {self.max_body_bytes} bytes")
            if not text and kind is None and not looks_like_html(body):
                return None, self._pass_over("not-html")
            source: dict[str, Any] = {"warc": self._source(record, offset, status, header)}
            uri = self._uri(record)
            if text:
                decoded = decode_bytes(body, declared=charset)
                source.update(format="wet", decoding=decoded.to_dict())
                result = self.engine.clean(decoded.text, url=uri, site=self.site, source=source)
            else:
                result = self.engine.clean_html(
                    body, url=uri, site=self.site, charset=charset, source=source
                )
        except Exception as exc:  # one bad record never stops the file
            return self._error(record, offset, exc)
        extra = {self.fields.url: uri}
        out = output_record(self.fields, self._id(record, offset), extra, result, self.provenance)
        return out, Tally.cleaned(result, len(body))

    @staticmethod
    def _pass_over(reason: str) -> Tally:
        return Tally(passed_over=Counter({reason: 1}))

    def _error(self, record: Any, offset: int, exc: BaseException) -> tuple[Record, Tally]:
        # The path as given, as in the error record of a file that breaks off.
        where = {self.fields.url: self._uri(record), "file": str(self.path), "offset": offset}
        out = error_record(self.fields.id, self._id(record, offset), exc, where=where)
        return out, Tally.failure(exc)

    def _id(self, record: Any, offset: int) -> str:
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        # ARC records have no id: the file and offset name one (as CDX indexes do).
        return str(record_id) if record_id else f"{self.name}#{offset}"

    @staticmethod
    def _uri(record: Any) -> str | None:
        headers = record.rec_headers
        uri = headers.get_header("WARC-Target-URI") or headers.get_header("uri")
        return str(uri) if uri else None

    def _source(
        self, record: Any, offset: int, status: Any, content_type: str | None
    ) -> dict[str, Any]:
        headers = record.rec_headers
        date = headers.get_header("WARC-Date") or headers.get_header("archive-date")
        source: dict[str, Any] = {
            "record_id": self._id(record, offset),
            "record_type": str(record.rec_type),
            "target_uri": self._uri(record),
            "file": self.name,
            "offset": offset,
            "date": date,
            "payload_digest": headers.get_header("WARC-Payload-Digest"),
            "http_status": int(status) if status is not None and str(status).isdigit() else None,
            "content_type": content_type,
        }
        return source


def _damage(archive: Any, record: Any, errors_before: int) -> str | None:
    """Say how a record read to its end was damaged, or ``None`` if it was whole.

    Any record type is checked: a request whose length is wrong can swallow the
    response after it.
    """
    kind = f"{record.rec_type} record"
    remaining = getattr(record.raw_stream, "limit", 0)
    if remaining:
        return f"truncated: the {kind} ends {remaining} byte(s) before its Content-Length"
    decompressor = archive.reader.decompressor if archive.reader is not None else None
    if decompressor is not None and not decompressor.eof:
        return f"truncated: the file ends inside the {kind}'s gzip member"
    if archive.err_count > errors_before:
        # warcio found no blank line after the record: its Content-Length is too large
        # (it ran into the next record) or too small (the record goes on).
        return f"the {kind} does not end where its Content-Length says"
    return None


def _open(path: Path | str) -> IO[bytes]:
    """Open a local archive, or one named by an fsspec URL, for reading bytes."""
    if isinstance(path, Path):
        return path.open("rb")
    import fsspec  # noqa: PLC0415 - the fsspec extra

    handle: IO[bytes] = fsspec.open(path, "rb").open()
    return handle


def _nothing(_: int) -> None:
    """Hear nothing (no ``on_read``)."""


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence warcio's warnings on standard error: damage is reported as error records."""
    with contextlib.redirect_stderr(io.StringIO()):
        yield
