"""Web archives: ARC, WET, resource records, record types, damaged and truncated files.

The files in ``tests/data/archives/`` are copied unchanged from warcio's test suite
(https://github.com/webrecorder/warcio, ``test/data/``, Apache License 2.0);
WET files are written here with warcio's own writer.
"""

from __future__ import annotations

import io
import json
import shutil
import zlib
from pathlib import Path
from typing import Any

import pytest
from warcio.warcwriter import WARCWriter

import cleaner
from cleaner.cli import main
from cleaner.inputs import STATS_FILE, input_kind
from cleaner.records import Tally
from cleaner.warc import WarcError, clean_warc
from tests.conftest import SEEDS
from tests.test_warc import RESPONSES, write_warc

ARCHIVES = Path(__file__).parent / "data" / "archives"
SEED_TEXTS = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def write_wet(path: Path, texts: list[tuple[str, str]]) -> None:
    """Write a WET file as Common Crawl does: a warcinfo, then one conversion per page."""
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=path.name.endswith(".gz"))
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for uri, text in texts:
            record = writer.create_warc_record(
                uri,
                "conversion",
                payload=io.BytesIO(text.encode("utf-8")),
                warc_content_type="text/plain",
            )
            writer.write_record(record)


@pytest.mark.parametrize("name", ["example.arc", "example.arc.gz"])
def test_arc_files_are_read_as_archives(name: str) -> None:
    stats = Tally()
    (record,) = clean_warc(ARCHIVES / name, stats=stats)
    offset = record["provenance"]["source"]["warc"]["offset"]
    assert record["id"] == f"{name}#{offset}" and record["url"] == "http://example.com/"
    assert "Example Domain" in record["text"] or "illustrative examples" in record["text"]
    assert "<html" not in record["text"] and "HTTP/1.1" not in record["text"]
    warc = record["provenance"]["source"]["warc"]
    assert (warc["http_status"], warc["content_type"], warc["date"]) == (
        200,
        "text/html",
        "20140216050221",
    )
    assert stats.record_types == {"arc_header": 1, "response": 1}
    assert input_kind(Path(name)) == "warc"


def test_arc_on_the_command_line_and_in_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in ("example.arc", "example.arc.gz"):
        shutil.copy(ARCHIVES / name, src / name.replace("example", name.split(".", 1)[1]))
    out = tmp_path / "all.jsonl"
    assert main(["clean", str(src / "arc.arc"), "--format", "jsonl", "-o", str(out)]) == 0
    (record,) = _jsonl(out)
    assert record["url"] == "http://example.com/" and "error" not in record
    assert main(["clean", str(src), "-o", str(tmp_path / "out"), "-j", "1"]) == 0
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == [STATS_FILE, "arc.gz.json", "arc.gz.jsonl", "arc.json", "arc.jsonl"]
    assert "arc_header 2, response 2" in capsys.readouterr().err


def test_a_resource_record_of_html_is_cleaned() -> None:
    stats = Tally()
    (record,) = clean_warc(ARCHIVES / "example-resource.warc.gz", stats=stats)
    assert record["provenance"]["source"]["warc"]["record_type"] == "resource"
    assert record["text"].strip() and "<" not in record["text"]
    assert stats.record_types == {"warcinfo": 2, "resource": 1}


def test_every_record_type_is_counted_in_summary_and_stats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stats = tmp_path / "stats.json"
    out = tmp_path / "out.jsonl"
    source = ARCHIVES / "example.warc.gz"
    assert (
        main(["clean", str(source), "--format", "jsonl", "-o", str(out), "--stats", str(stats)])
        == 0
    )
    err = capsys.readouterr().err
    assert "6 web archive record(s) read (request 2, response 1, revisit 1, warcinfo 2)" in err
    counts = json.loads(stats.read_text("utf-8"))
    assert counts["record_types"] == {"request": 2, "response": 1, "revisit": 1, "warcinfo": 2}
    assert (counts["documents"], counts["failed"], counts["bytes_out"]) == (
        1,
        0,
        len(_jsonl(out)[0]["text"].encode("utf-8")),
    )


def test_payload_digest_date_and_offset_in_provenance() -> None:
    (record,) = clean_warc(ARCHIVES / "example.warc.gz")
    warc = record["provenance"]["source"]["warc"]
    assert warc == {
        "record_id": "<urn:uuid:a9c51e3e-0221-11e7-bf66-0242ac120005>",
        "record_type": "response",
        "target_uri": "http://example.com/",
        "file": "example.warc.gz",
        "offset": 784,
        "date": "2017-03-06T04:02:06Z",
        "payload_digest": "sha1:G7HRM7BGOKSKMSXZAHMUQTTV53QOFSMK",
        "http_status": 200,
        "content_type": "text/html",
    }
    # The offset is where the record's gzip member starts: it reads alone.
    data = (ARCHIVES / "example.warc.gz").read_bytes()[784:]
    head = zlib.decompressobj(wbits=31).decompress(data)
    assert head.startswith(b"WARC/1.0\r\n") and b"WARC-Type: response\r\n" in head[:200]


@pytest.mark.parametrize("name", ["crawl.warc.wet.gz", "crawl.warc.wet", "crawl.warc.gz"])
def test_wet_conversions_go_through_the_text_path(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = [(f"https://news.example.org/{n}", text) for n, text in enumerate(SEED_TEXTS)]
    wet = tmp_path / name
    write_wet(wet, pages)
    assert input_kind(wet) == "warc"
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(wet), "--format", "jsonl", "-o", str(out), "-j", "1"]) == 0
    records = _jsonl(out)
    assert len(records) == len(pages)
    for record, (uri, text) in zip(records, pages, strict=True):
        expected = cleaner.clean(text, url=uri)
        assert record["url"] == uri and record["text"] == expected.text
        assert record["provenance"]["removals"] == expected.provenance["removals"]
        assert record["provenance"]["source"]["format"] == "wet"
        assert record["provenance"]["source"]["warc"]["record_type"] == "conversion"
    assert f"conversion {len(pages)}, warcinfo 1" in capsys.readouterr().err

    folder = tmp_path / "out"
    assert main(["clean", str(wet), "-o", str(folder), "-q"]) == 0
    assert _jsonl(folder / "crawl.jsonl") == records


def test_gzip_cut_inside_the_last_member_is_an_error_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = (ARCHIVES / "example-resource.warc.gz").read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) - 40])  # inside the resource record's member
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(cut), "--format", "jsonl", "-o", str(out)]) == 1
    (record,) = _jsonl(out)
    assert record["error"]["type"] == "TruncatedRecord"
    assert record["error"]["message"].startswith("truncated")
    assert (record["file"], record["offset"]) == (str(cut), 802)
    assert "1 failed" in capsys.readouterr().err


def test_a_record_cut_before_its_content_length_is_an_error_record(tmp_path: Path) -> None:
    write_warc(tmp_path / "whole.warc", RESPONSES[:1])
    data = (tmp_path / "whole.warc").read_bytes()
    cut = tmp_path / "cut.warc"
    cut.write_bytes(data[: len(data) - 300])  # inside the last page's body
    stats = Tally()
    (record,) = clean_warc(cut, stats=stats)
    assert record["error"]["type"] == "TruncatedRecord"
    assert "before its Content-Length" in record["error"]["message"]
    assert (stats.failed, stats.bytes_out) == (1, 0)


def test_a_content_length_too_large_is_an_error_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_warc(tmp_path / "whole.warc", RESPONSES[:2])
    data = (tmp_path / "whole.warc").read_bytes()
    # The first response claims 40 more bytes than it has: it swallows the next record's start.
    start = data.index(b"WARC-Type: response")
    at = data.index(b"Content-Length: ", start) + len(b"Content-Length: ")
    end = data.index(b"\r\n", at)
    bad = data[:at] + str(int(data[at:end]) + 40).encode() + data[end:]
    path = tmp_path / "long.warc"
    path.write_bytes(bad)
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(path), "--format", "jsonl", "-o", str(out)]) == 1
    records = _jsonl(out)
    assert records[0]["error"]["type"] == "TruncatedRecord"
    assert "does not end where its Content-Length says" in records[0]["error"]["message"]
    assert records[0]["url"] == RESPONSES[0][0]
    assert "WARNING" not in capsys.readouterr().err  # warcio's warning is the error record


def test_warcio_truncated_sample_is_an_error_record() -> None:
    stats = Tally()
    records = list(clean_warc(ARCHIVES / "example-trunc.warc", stats=stats))
    assert [r["error"]["type"] for r in records] == ["TruncatedRecord"]
    assert stats.failures == {"TruncatedRecord": 1}


def test_bad_arc_names_file_and_offset() -> None:
    with pytest.raises(WarcError, match=r"bad\.arc: bad ARC record at byte 0") as caught:
        list(clean_warc(ARCHIVES / "bad.arc"))
    assert caught.value.offset == 0


def test_one_bad_archive_among_several_gives_error_records_and_the_rest_lands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    write_warc(src / "a.warc.gz", RESPONSES[:1])
    good = (src / "a.warc.gz").read_bytes()
    # b: a whole first record, then garbage where the next record should start.
    (src / "b.warc.gz").write_bytes(good + b"garbage, not a record\r\n" * 5)
    (src / "c.warc").write_text("not an archive at all\n" * 5, "utf-8")
    write_warc(src / "d.warc", RESPONSES[2:3])
    out = tmp_path / "all.jsonl"
    assert main(["clean", str(src), "--format", "jsonl", "-o", str(out), "-j", "1"]) == 1
    err = capsys.readouterr().err
    assert "c.warc: not a WARC or ARC file" in err
    records = _jsonl(out)
    failed = [r for r in records if "error" in r]
    assert {Path(r["file"]).name for r in failed} == {"b.warc.gz", "c.warc"}
    assert all(isinstance(r["offset"], int) and r["id"] is None for r in failed)
    cleaned = [r["url"] for r in records if "error" not in r]
    assert cleaned == [RESPONSES[0][0], RESPONSES[0][0], RESPONSES[2][0]]
