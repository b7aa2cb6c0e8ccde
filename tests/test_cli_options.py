"""Command-line options: configuration files, packs, scope toggles, the README reference."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner.cli import build_parser, main
from cleaner.clidoc import END, START, options, reference, replace_section
from tests.conftest import ROOT, SEEDS

SEED = SEEDS / "002_7c084e74566a1192.txt"
ARTICLE = (
    "Council approves the new bridge budget\n\n"
    "The city council voted on Tuesday to approve the budget for the new bridge across the "
    "river, ending a long debate.\n\n"
    "The mayor said construction would begin next spring and should take about two years to "
    "complete, weather permitting.\n\n"
    "Opponents had argued that the money would be better spent on repairing the roads that "
    "residents use every day.\n\n"
)
THREAD = "12 Comments\n\nFinally, this bridge has been needed for twenty years.\n"


@pytest.fixture(autouse=True)
def _no_project_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from a folder without a pyproject.toml above it that could set options."""
    home = tmp_path / "cwd"
    home.mkdir()
    monkeypatch.chdir(home)


def test_rules_takes_a_pack_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack = tmp_path / "mine.yaml"
    pack.write_text(
        "name: mine\nversion: 1\nrules:\n  - id: wave\n    action: drop-line\n"
        "    pattern: '^WASHINGTON'\n    why: test pack\n",
        "utf-8",
    )
    assert main(["rules", "list", "--rules", str(pack)]) == 0
    assert "mine" in capsys.readouterr().out
    assert main(["clean", str(SEED), "--rules", str(pack), "--site", "mine"]) == 0
    assert not capsys.readouterr().out.startswith("WASHINGTON")


def test_bad_pack_reports_every_error_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = tmp_path / "bad.yaml"
    pack.write_text(
        "name: bad\nversion: 1\nrules:\n"
        "  - id: a\n    action: drop-line\n    pattern: '(x'\n    why: w\n"
        "  - id: a\n    action: drop-line\n    pattern: 'y?'\n    why: w\n",
        "utf-8",
    )
    assert main(["clean", str(SEED), "--rules", str(pack)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml:6: rule 'a'" in err and "does not compile" in err
    assert "duplicate id" in err and "matches the empty string" in err


def test_unknown_site_lists_the_packs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", str(SEED), "--site", "telegraph"]) == 2
    err = capsys.readouterr().err
    assert "no rule pack named 'telegraph'" in err
    assert "telesurenglish.net" in err and "wsj-syndication" in err


def test_explain_prints_no_markup(capsys: pytest.CaptureFixture[str]) -> None:
    for seed in sorted(SEEDS.glob("*.txt")):
        assert main(["explain", str(seed)]) == 0
    out = capsys.readouterr().out
    assert "generic/headline" in out and "metadata.title" in out
    assert "``" not in out and ":func:" not in out and ":data:" not in out


def test_keep_comments_keeps_a_thread(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "story.txt"
    doc.write_text(ARTICLE + THREAD, "utf-8")
    assert main(["clean", str(doc)]) == 0
    assert "twenty years" not in capsys.readouterr().out
    assert main(["clean", str(doc), "--keep-comments"]) == 0
    assert "12 Comments\n\nFinally, this bridge" in capsys.readouterr().out
    assert main(["clean", str(doc), "--no-comments"]) == 0
    assert "twenty years" not in capsys.readouterr().out


def test_config_file_sets_options_and_flags_win(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "cleaner.toml"
    config.write_text("keep_headline = true\nkeep_comments = true\n", "utf-8")
    doc = tmp_path / "story.txt"
    doc.write_text(ARTICLE + THREAD, "utf-8")
    assert main(["clean", str(doc), "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Council approves") and "twenty years" in out
    assert main(["clean", str(doc), "--config", str(config), "--no-comments"]) == 0
    assert "twenty years" not in capsys.readouterr().out
    assert main(["clean", str(doc), "--config", str(config), "--no-keep-headline"]) == 0
    assert not capsys.readouterr().out.startswith("Council approves")


def test_pyproject_upward_and_config_show(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    (project / "a" / "b").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.cleaner]\nfavor = "recall"\nkeep_headline = true\n',
        "utf-8",
    )
    monkeypatch.chdir(project / "a" / "b")
    assert main(["config", "show"]) == 0
    shown = dict(
        (line.split(" = ")[0], line.split("# ")[-1])
        for line in capsys.readouterr().out.splitlines()
    )
    pyproject = project / "pyproject.toml"
    assert shown["favor"] == f"{pyproject}:5"
    assert shown["keep_headline"] == f"{pyproject}:6"
    assert shown["tail_fraction"] == "preset recall"
    assert shown["regex_timeout"] == "default"
    assert main(["config", "show", "--favor", "precision"]) == 0
    out = capsys.readouterr().out
    assert 'favor = "precision"' in out and "# --favor" in out
    assert main(["clean", str(SEED)]) == 0  # keep_headline from the pyproject
    assert capsys.readouterr().out.startswith("U.S. military airstrikes")
    # A nearer project without [tool.cleaner] has the defaults, not its parent's options.
    (project / "a" / "pyproject.toml").write_text('[project]\nname = "inner"\n', "utf-8")
    assert main(["config", "show"]) == 0
    assert all(line.endswith("# default") for line in capsys.readouterr().out.splitlines())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("keep_headline = true\nkeep_headlin = true\n", "c.toml:2: unknown option 'keep_headlin'"),
        ("\n\nregex_timeout = 'fast'\n", "c.toml:3: regex_timeout must be a number"),
        ("keep_headline = 1\n", "c.toml:1: keep_headline must be true or false"),
        ("html_heuristics = 'html_chrome'\n", "html_heuristics must be an array of strings"),
        ("favor = 'speed'\n", "c.toml:1: favor must be one of precision, balanced, recall"),
        ("keep_headline = \n", "c.toml: not valid TOML"),
    ],
)
def test_config_errors_name_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    config = tmp_path / "c.toml"
    config.write_text(text, "utf-8")
    assert main(["clean", str(SEED), "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_favor_presets_change_only_their_thresholds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "show"]) == 0
    balanced = capsys.readouterr().out.splitlines()
    assert all(line.endswith("# default") for line in balanced)
    assert main(["config", "show", "--favor", "recall"]) == 0
    recall = capsys.readouterr().out.splitlines()
    changed = {line.split(" = ")[0] for line in recall if line.endswith("# preset recall")}
    assert changed == {
        "html_merge_min_coverage",
        "tail_fraction",
        "comment_body_min_words",
        "html_merge_keep_words",
        "html_merge_keep_link_density",
    }
    for favor in ("precision", "balanced", "recall"):
        assert main(["config", "show", "--favor", favor]) == 0  # every preset builds


def test_readme_command_reference_matches_the_parser() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert START in readme and END in readme
    expected = replace_section(readme, reference(build_parser()))
    assert readme == expected, "README is stale: run python -m cleaner.clidoc README.md"


def test_every_help_option_is_in_the_readme() -> None:
    section = (ROOT / "README.md").read_text("utf-8").split(START)[1].split(END)[0]
    parser = build_parser()
    for action in parser._subparsers._group_actions[0].choices["clean"]._actions:  # type: ignore[union-attr]
        for option in action.option_strings:
            if option not in ("-h", "--help"):
                assert f"`{option}" in section, option
    help_text = subprocess.run(
        [sys.executable, "-m", "cleaner", "clean", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "200"},
    ).stdout
    for spelling, _ in options(parser._subparsers._group_actions[0].choices["clean"]):  # type: ignore[union-attr]
        for option in spelling.replace("`", "").split(", "):
            assert option.split(" ")[0] in help_text, option


def test_one_document_to_a_file_honours_dry_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "one.txt"
    assert main(["clean", str(SEED), "-o", str(target), "--dry-run"]) == 0
    assert capsys.readouterr().out == f"would write {target}\n"
    assert not target.exists()
