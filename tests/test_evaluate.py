"""cleaner eval: layouts, gold loading, scoring beside the baseline, CLI output and errors."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from cleaner import Cleaner, cli
from cleaner.cli import main
from cleaner.config import CleanerConfig
from cleaner.evaluate import (
    EvalError,
    Scope,
    evaluate,
    html_to_text,
    load_gold,
    oracle_lines,
    render,
    scoped_cleaner,
    set_scope,
)

FIRST = (
    "Heavy rain is expected across the north of the country on Thursday, forecasters said, "
    "and they warned that it will be the wettest day of what has been a very wet year so far, "
    "and that people who live near the rivers should be ready to leave their homes if they are "
    "told to do so."
)
SECOND = (
    "Rivers are already high after a wet month, and several towns have put out flood barriers "
    "in case the water rises over the banks again, as it did in the spring."
)
PAGE = f"""<html><head><title>Rain expected</title></head><body><article>
<h1>Rain expected</h1>
<p>{FIRST}</p>
<p>{SECOND}</p>
<div class="share-tools"><a href="/s1">Share on Facebook</a> <a href="/s2">Share on X</a></div>
</article></body></html>"""
GOLD_TEXT = f"{FIRST}\n{SECOND}"


@pytest.fixture
def sets(tmp_path: Path) -> Path:
    dev = tmp_path / "dev"
    text = tmp_path / "dev-text"
    dev.mkdir()
    text.mkdir()
    records = []
    for pid in ("p1", "p2"):
        (dev / f"{pid}.html.gz").write_bytes(gzip.compress(PAGE.encode("utf-8")))
        (text / f"{pid}.txt").write_text(f"Share this:\n\n{GOLD_TEXT}\n", "utf-8")
        records.append({"id": pid, "url": f"https://example.com/{pid}", "text": GOLD_TEXT})
    (dev / "gold.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    return tmp_path


def test_html_set_scores_cleaner_beside_the_baselines(sets: Path) -> None:
    # The cleaner's own extraction, whose output is known exactly (the learned choice
    # among extractions is tested in tests/test_choice.py).
    engine = Cleaner(config=CleanerConfig(html_choice=False))
    evaluation = evaluate(sets / "dev", resamples=50, cleaner=engine)
    assert evaluation.layout == "html"
    # The gold has no scope (body only): trafilatura runs at its default (comments
    # kept) and configured without comments; the others have nothing to configure.
    assert [(s.name, s.variant) for s in evaluation.systems] == [
        ("cleaner", ""),
        ("trafilatura", "default"),
        ("trafilatura", "scope"),
        ("readability", ""),
        ("justext", ""),
    ]
    assert [s.name for s in evaluation.shown()] == [
        "cleaner",
        "trafilatura",
        "readability",
        "justext",
    ]
    for run in evaluation.systems:
        assert run.errors == {}
        # Every extractor finds the two article paragraphs.
        assert run.report.means.recall == 1.0, run.name
    ours = evaluation.system("cleaner")
    assert ours.report.means.f1 == 1.0
    assert len(ours.report.pages) == 2 and ours.errors == {}
    assert ours.docs_per_second > 0
    # The headline is metadata, not text: trafilatura alone keeps it.
    assert all(
        run.report.means.precision < 1.0 for run in evaluation.systems if run.name == "trafilatura"
    )


def test_baselines_can_be_chosen(sets: Path) -> None:
    evaluation = evaluate(sets / "dev", resamples=0, baselines=["justext"])
    assert [s.name for s in evaluation.systems] == ["cleaner", "justext"]
    with pytest.raises(EvalError, match="unknown baseline 'boilerpipe'"):
        evaluate(sets / "dev", resamples=0, baselines=["boilerpipe"])


def test_html_to_text_puts_blocks_on_lines() -> None:
    fragment = "<div><h2>Title</h2><p>One  <b>bold</b> line.</p><ul><li>a</li><li>b</li></ul></div>"
    assert html_to_text(fragment) == "Title\nOne bold line.\na\nb"
    assert html_to_text("  ") == ""


def test_text_set_uses_sibling_gold_and_as_is_baseline(sets: Path) -> None:
    evaluation = evaluate(sets / "dev-text", resamples=0)
    assert evaluation.layout == "text"
    assert evaluation.gold_path == sets / "dev" / "gold.jsonl"
    assert evaluation.system("cleaner").report.means.f1 == 1.0
    assert evaluation.system("as-is").report.means.precision < 1.0
    table = render(evaluation)
    assert "cleaner" in table and "as-is" in table and "docs/s" in table


def test_subset_and_missing_pages(sets: Path) -> None:
    assert len(evaluate(sets / "dev", ids=["p2"], resamples=0).systems[0].report.pages) == 1
    with pytest.raises(EvalError, match="no gold record for nope"):
        evaluate(sets / "dev", ids=["nope"], resamples=0)
    (sets / "dev" / "p1.html.gz").unlink()
    with pytest.raises(EvalError, match=r"p1\.html\.gz: page listed in the gold file is missing"):
        evaluate(sets / "dev", resamples=0)


def test_bad_gold_line_is_named(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "a", "text": "x"}\n{"text": "no id"}\n', "utf-8")
    with pytest.raises(EvalError, match=r"gold\.jsonl:2: not a gold record"):
        load_gold(gold)
    gold.write_text('{"id": "a"}\n{"id": "a"}\n', "utf-8")
    with pytest.raises(EvalError, match="duplicate id 'a'"):
        load_gold(gold)


def test_cli_prints_table(sets: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(sets / "dev-text"), "--resamples", "20"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("text set")
    assert any(line.startswith("cleaner ") and " 1.000 " in line for line in out.splitlines())
    gold = str(sets / "dev" / "gold.jsonl")
    assert main(["eval", str(sets / "dev"), "--gold", gold, "--no-baseline"]) == 0
    assert "trafilatura" not in capsys.readouterr().out
    assert main(["eval", str(sets / "dev"), "--baselines", "readability", "--resamples", "0"]) == 0
    names = [line.split()[0] for line in capsys.readouterr().out.splitlines()[2:]]
    assert names == ["cleaner", "readability", "lost"]


def test_cli_scores_the_fast_mode(sets: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    modes: list[bool] = []
    real = cli.evaluate

    def spy(directory: Path, **options: Any) -> Any:
        modes.append(options["cleaner"].config.html_fast)
        return real(directory, **options)

    monkeypatch.setattr(cli, "evaluate", spy)
    for flags in (["--fast"], []):
        assert main(["eval", str(sets / "dev"), "--no-baseline", "--resamples", "0", *flags]) == 0
    assert modes == [True, False]


def test_cli_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(tmp_path)]) == 2
    assert "no *.html.gz or *.txt files" in capsys.readouterr().err
    assert main(["eval", str(tmp_path / "missing")]) == 2
    assert "not a folder" in capsys.readouterr().err
    (tmp_path / "p.txt").write_text("x", "utf-8")
    assert main(["eval", str(tmp_path), "--baselines", "nope"]) == 2
    assert "unknown baseline 'nope'" in capsys.readouterr().err


def test_gold_lines_end_at_newline_only(tmp_path: Path) -> None:
    # U+2028, U+0085 and form feed inside a JSON string are not line ends.
    gold = tmp_path / "gold.jsonl"
    text = "One line\u2028still the same line\x85and\x0cthis."
    gold.write_text(json.dumps({"id": "a", "text": text}, ensure_ascii=False) + "\n", "utf-8")
    assert load_gold(gold)["a"].text == text


def test_scope_is_read_checked_and_configures_the_cleaner(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    rows = [{"id": "a", "text": "x", "scope": {"headline": True, "comments": False}}]
    gold.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    assert load_gold(gold)["a"].scope == Scope(headline=True, comments=False)
    gold.write_text(json.dumps({"id": "a", "text": "x", "scope": {"headline": 1}}) + "\n")
    with pytest.raises(EvalError, match=r"gold\.jsonl:1: not a gold record \(scope must be"):
        load_gold(gold)
    rows.append({"id": "b", "text": "y", "scope": {"headline": False, "comments": True}})
    gold.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    with pytest.raises(EvalError, match="gold rows disagree on scope"):
        set_scope(load_gold(gold), gold)
    engine = Cleaner()
    scoped = scoped_cleaner(engine, Scope(headline=True, comments=True))
    assert scoped.config.keep_headline and scoped.config.keep_comments
    assert not engine.config.keep_headline and not engine.config.keep_comments
    assert scoped_cleaner(engine, Scope()) is engine


def test_text_set_scope_keeps_the_headline_and_the_comments(tmp_path: Path) -> None:
    html_set, text_set = tmp_path / "forum", tmp_path / "forum-text"
    html_set.mkdir()
    text_set.mkdir()
    page = f"Rain expected in the north\n{FIRST}\nComments\nGreat post, thanks for writing it up!"
    (text_set / "p1.txt").write_text(page, "utf-8")
    row = {"id": "p1", "text": page, "scope": {"headline": True, "comments": True}}
    (html_set / "gold.jsonl").write_text(json.dumps(row) + "\n", "utf-8")
    evaluation = evaluate(text_set, resamples=0)
    assert evaluation.gold_path == html_set / "gold.jsonl"
    assert evaluation.scope == Scope(headline=True, comments=True)
    assert evaluation.system("cleaner").report.means.f1 == 1.0
    # Unscoped, the cleaner moves the headline to metadata and cuts the comments.
    unscoped = evaluate(text_set, resamples=0, scoped=False)
    assert unscoped.system("cleaner").report.means.recall < 0.9


def test_oracle_lines_keeps_lines_mostly_in_the_gold() -> None:
    gold = "The council voted on Monday to close the old library for good."
    text = f"Home | News | Sport\n{gold}\nThe council voted on Monday, then went home to sleep."
    assert oracle_lines(text, gold) == gold
    # A line without tokens is kept: it changes no score.
    assert oracle_lines(f"{gold}\n---", gold) == f"{gold}\n---"


def test_text_set_reports_oracle_gap_and_lost(tmp_path: Path) -> None:
    html_set, text_set = tmp_path / "news", tmp_path / "news-text"
    html_set.mkdir()
    text_set.mkdir()
    rows = []
    for pid, extra in (("a", "Home | World | Sport | Weather"), ("b", "")):
        (text_set / f"{pid}.txt").write_text(f"{extra}\n{FIRST}\n{SECOND}\n", "utf-8")
        rows.append({"id": pid, "text": f"{FIRST}\n{SECOND}"})
    (html_set / "gold.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    evaluation = evaluate(text_set, resamples=0)
    assert evaluation.system("oracle").report.means.f1 == 1.0
    assert evaluation.lost() == []
    as_is = evaluation.system("as-is").report.means.f1
    cleaner_f1 = evaluation.system("cleaner").report.means.f1
    assert evaluation.gap_closed() == pytest.approx((cleaner_f1 - as_is) / (1.0 - as_is))
    table = render(evaluation)
    assert "oracle" in table and "gap closed:" in table and "lost articles: 0" in table


def test_lost_pages_are_named(tmp_path: Path) -> None:
    text_set = tmp_path / "x-text"
    text_set.mkdir()
    (tmp_path / "x").mkdir()
    (text_set / "a.txt").write_text(f"{FIRST}\n{SECOND}", "utf-8")
    row = {"id": "a", "text": f"{FIRST}\n{SECOND}"}
    (tmp_path / "x" / "gold.jsonl").write_text(json.dumps(row) + "\n", "utf-8")

    class Eraser(Cleaner):
        def clean(self, text: str, **options: Any) -> Any:
            return super().clean("", **options)

    evaluation = evaluate(text_set, cleaner=Eraser(), resamples=0)
    assert evaluation.lost() == ["a"]
    assert "lost articles: 1 (a)" in render(evaluation)
    assert evaluation.system("cleaner").empty == 1


def test_cli_scores_several_sets_with_a_macro_average(
    sets: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["eval", str(sets / "dev-text"), str(sets / "dev"), "--baselines", "readability"]
    assert main([*args, "--resamples", "0"]) == 0
    out = capsys.readouterr().out
    assert out.count("lost articles: 0") == 2
    assert "macro-average over 2 sets" in out
    macro = out.split("macro-average")[1].splitlines()
    assert [line.split()[0] for line in macro[2:]] == ["cleaner", "as-is", "oracle", "readability"]
    assert main(["eval", str(sets / "dev"), str(sets / "dev"), "--gold", "g.jsonl"]) == 2
    assert "--gold goes with one DIR only" in capsys.readouterr().err
