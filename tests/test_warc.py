"""WARC input: HTML responses cleaned with their URL and record id in provenance."""

from __future__ import annotations

import gzip
import html
import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import cleaner
from cleaner.records import Tally
from cleaner.warc import WarcError, clean_warc, media_type
from tests.conftest import SEEDS

SEED_TEXTS = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def page(text: str, title: str = "A report") -> str:
    """An HTML page whose article holds the paragraphs of ``text``."""
    paragraphs = "\n".join(
        f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip()
    )
    return (
        f"<!DOCTYPE html><html><head><title>{html.escape(title)}</title></head>"
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{html.escape(title)}</h1>"
        f"{paragraphs}</article><footer>Contact us</footer></body></html>"
    )


def write_warc(path: Path, responses: list[tuple[str, str, list[tuple[str, str]], bytes]]) -> None:
    """Write a warcinfo record, then for each response a request and a response record."""
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=path.name.endswith(".gz"))
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for uri, status, headers, body in responses:
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")], is_http_request=True)
            writer.write_record(writer.create_warc_record(uri, "request", http_headers=request))
            http_headers = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
            record = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), http_headers=http_headers
            )
            writer.write_record(record)


CAFE = "Le café du coin rouvre ses portes après deux ans de travaux, annonce la mairie.\n"
RESPONSES = [
    (
        "https://www.telesurenglish.net/news/one.html",
        "200 OK",
        [("Content-Type", "text/html; charset=utf-8")],
        page(SEED_TEXTS[0]).encode("utf-8"),
    ),
    (
        # The charset is declared only in the HTTP header, and the body is not UTF-8.
        "https://news.example.org/fr/cafe",
        "200 OK",
        [("Content-Type", "text/html; charset=ISO-8859-1")],
        page(CAFE + SEED_TEXTS[1], title="Le café").encode("latin-1", "replace"),
    ),
    (
        # Compressed on the wire: warcio undoes the content encoding.
        "https://news.example.org/world/gz",
        "200 OK",
        [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
        gzip.compress(page(SEED_TEXTS[2]).encode("utf-8")),
    ),
    (
        "https://news.example.org/logo.png",
        "200 OK",
        [("Content-Type", "image/png")],
        b"\x89PNG\r\n\x1a\n" + bytes(200),
    ),
    (
        "https://news.example.org/missing",
        "404 Not Found",
        [("Content-Type", "text/html")],
        b"<html><body>Not found</body></html>",
    ),
    (
        # Says HTML but is binary: an error record, and the file goes on.
        "https://news.example.org/broken",
        "200 OK",
        [("Content-Type", "text/html")],
        b"\x00\x01\x02\xff" * 100,
    ),
    (
        "https://news.example.org/world/last",
        "200 OK",
        [],
        page(SEED_TEXTS[3]).encode("utf-8"),
    ),
]


@pytest.fixture(params=["crawl.warc.gz", "crawl.warc"])
def warc_file(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    path = tmp_path / request.param
    write_warc(path, RESPONSES)
    return path


def test_cleans_html_responses_and_skips_the_rest(warc_file: Path) -> None:
    stats = Tally()
    records = list(clean_warc(warc_file, stats=stats))

    urls = [r["url"] for r in records]
    assert urls == [RESPONSES[i][0] for i in (0, 1, 2, 5, 6)]
    assert stats.record_types == {"warcinfo": 1, "request": 7, "response": 7}
    assert (stats.records, stats.failed) == (5, 1)
    assert stats.failures == {"DecodeError": 1}
    assert stats.passed_over == {"not-html": 1, "status": 1}


def test_provenance_names_the_record_and_uri(warc_file: Path) -> None:
    records = [r for r in clean_warc(warc_file) if "error" not in r]
    ids = set()
    for record in records:
        warc = record["provenance"]["source"]["warc"]
        assert warc["record_id"] == record["id"] and warc["record_type"] == "response"
        assert (warc["target_uri"], warc["file"]) == (record["url"], warc_file.name)
        assert warc["http_status"] == 200 and warc["date"].endswith("Z")
        assert warc["payload_digest"].startswith("sha1:")
        assert isinstance(warc["offset"], int)
        assert record["id"].startswith("<urn:uuid:")
        ids.add(record["id"])
    assert len(ids) == len(records)


def test_output_equals_clean_html_of_the_body(warc_file: Path) -> None:
    records = [r for r in clean_warc(warc_file) if "error" not in r]
    bodies = {uri: (body, dict(headers)) for uri, _, headers, body in RESPONSES}
    bodies["https://news.example.org/world/gz"] = (page(SEED_TEXTS[2]).encode("utf-8"), {})
    for record in records:
        body, headers = bodies[record["url"]]
        _, charset = media_type(headers.get("Content-Type"))
        expected = cleaner.clean_html(body, url=record["url"], charset=charset)
        assert record["text"] == expected.text
        assert record["text"].strip()
        assert record["provenance"]["removals"] == expected.provenance["removals"]
        assert cleaner.provenance.verify(record["provenance"], record["text"]) == []


def test_the_http_charset_decodes_the_body(warc_file: Path) -> None:
    (cafe,) = [r for r in clean_warc(warc_file) if r["url"].endswith("/cafe")]
    assert "Le café du coin" in cafe["text"]
    decoding = cafe["provenance"]["source"]["decoding"]
    assert decoding == {"encoding": "iso8859-1", "method": "declared"}


def test_site_pack_chosen_by_target_uri(warc_file: Path) -> None:
    (first, *_) = clean_warc(warc_file)
    packs = {p["name"]: p["matched_by"] for p in first["provenance"]["packs"]}
    assert packs["telesurenglish.net"] == "domain:telesurenglish.net"


def test_bad_body_gives_an_error_record(warc_file: Path) -> None:
    (broken,) = [r for r in clean_warc(warc_file) if r["url"].endswith("/broken")]
    assert broken["error"]["type"] == "DecodeError"
    assert broken["error"]["message"].startswith("cannot decode")
    assert broken["id"].startswith("<urn:uuid:")
    assert (broken["file"], type(broken["offset"])) == (str(warc_file), int)
    assert "text" not in broken


def test_oversized_body_gives_an_error_record(warc_file: Path) -> None:
    records = list(clean_warc(warc_file, max_body_bytes=100))
    expected = {"type": "ValueError", "message": "body larger than 100 bytes"}
    assert all(r["error"] == expected for r in records)


def test_damaged_file_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.warc"
    bad.write_bytes(b"this is not a WARC file\r\n\r\n" * 10)
    with pytest.raises(WarcError, match=r"bad\.warc"):
        list(clean_warc(bad))
    with pytest.raises(WarcError, match=r"absent\.warc\.gz: cannot open"):
        list(clean_warc(tmp_path / "absent.warc.gz"))


def test_unknown_site_is_refused(warc_file: Path) -> None:
    with pytest.raises(cleaner.UnknownSiteError):
        next(clean_warc(warc_file, site="no-such-pack"))


def test_input_is_not_modified(warc_file: Path) -> None:
    before = warc_file.read_bytes()
    list(clean_warc(warc_file))
    assert warc_file.read_bytes() == before


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("text/html", ("text/html", None)),
        ("TEXT/HTML; Charset=windows-1251", ("text/html", "windows-1251")),
        ("application/xhtml+xml;charset=utf-8", ("application/xhtml+xml", "utf-8")),
        ("", (None, None)),
    ],
)
def test_media_type(header: str, expected: tuple[str | None, str | None]) -> None:
    assert media_type(header) == expected
