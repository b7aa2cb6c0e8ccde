"""cleaner rules import-ftr: ftr-site-config files become html: rule packs."""

from __future__ import annotations

from pathlib import Path

import pytest

import cleaner
from cleaner.cli import main
from cleaner.rules.ftr import FtrError, convert_file, parse_ftr
from cleaner.rules.loader import load_pack


def test_directory_import_converts_good_files_and_reports_bad_ones(
    datadir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = datadir / "site_config"
    before = {p.name: p.read_bytes() for p in source.iterdir()}
    out = tmp_path / "packs"
    assert main(["rules", "import-ftr", str(source), "-o", str(out)]) == 1
    assert {p.name: p.read_bytes() for p in source.iterdir()} == before  # inputs untouched
    assert sorted(p.name for p in out.iterdir()) == ["news.example.org.yaml"]
    err = capsys.readouterr().err
    assert "broken.example.net.txt: line 2: not a 'directive: value' line" in err
    assert "badxpath.example.net.txt: converted pack is invalid" in err
    assert "does not compile" in err
    assert "titles-only.example.com.txt: no body, strip or strip_id_or_class" in err

    pack = load_pack(out / "news.example.org.yaml")
    assert pack.domains == ("news.example.org",)
    assert [x.source for x in pack.html.body] == ["//div[@id='no-such-body']", "//article"]
    assert [x.source for x in pack.html.strip] == ["//figure", "//div[@class='newsletter']"]
    assert pack.html.strip_id_or_class == ("more-stories", "share")
    assert "Not converted: title, author, tidy, prune, replace_string." in pack.description
    assert "https://news.example.org/local/harbour-bridge-reopens" in pack.description


def test_imported_pack_cleans_html(datadir: Path, shared_datadir: Path, tmp_path: Path) -> None:
    convert_file(datadir / "site_config" / ".news.example.org.txt", tmp_path)
    page = (shared_datadir / "article.html").read_bytes()
    result = cleaner.Cleaner([tmp_path]).clean_html(page, url="https://news.example.org/a")
    rules = [r["rule"] for r in result.provenance["html_removals"]]
    assert rules[:3] == [
        "news.example.org/html_body",
        "news.example.org/html_strip",
        "news.example.org/html_strip_id_or_class",
    ]
    assert "Ferry timetable" not in result.text
    assert "The harbour bridge reopened" in result.text


def test_parse_ftr_rejects_garbage() -> None:
    with pytest.raises(FtrError, match="line 1"):
        parse_ftr("<html>", "x.org")


def test_single_file_import(
    datadir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = datadir / "site_config" / ".news.example.org.txt"
    assert main(["rules", "import-ftr", str(source), "-o", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip().endswith("news.example.org.yaml")
    assert main(["rules", "import-ftr", str(tmp_path / "nope"), "-o", str(tmp_path)]) == 2
