"""Boilerplate mining: what recurs across a site's documents becomes a pack."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
import regex

import cleaner
from cleaner.authoring.mine import MineOptions, key_pattern, mine_folder, mine_texts, normalise
from cleaner.cli import main
from cleaner.config import CleanerConfig
from cleaner.rules.loader import load_pack
from tests.synthetic import Article, site

ARTICLES = site(36)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dailyexample.com")
    for i, art in enumerate(ARTICLES):
        (folder / f"{i:03d}.txt").write_text(art.text, encoding="utf-8")
    return folder


def _apply(pack_dir: Path, articles: list[Article], name: str) -> tuple[Counter[str], int]:
    """Clean without URL or site; count removed paragraphs by kind."""
    engine = cleaner.Cleaner([pack_dir], bundled=False, config=CleanerConfig(heuristics=False))
    counts: Counter[str] = Counter()
    total_boilerplate = 0
    for art in articles:
        result = engine.clean(art.text)
        removed = {r.text.strip() for r in result.removals if r.rule.startswith(f"{name}/")}
        total_boilerplate += len(art.boilerplate)
        counts["boilerplate"] += sum(line in removed for line in art.boilerplate)
        counts["body"] += sum(line in removed for line in art.body)
        assert result.provenance["packs"][0]["matched_by"].startswith("fingerprint:")
    return counts, total_boilerplate


def test_mined_pack_removes_boilerplate_and_no_article_line(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "rules" / "pack.yaml"
    assert (
        main(
            [
                "mine",
                str(corpus),
                "--site",
                "dailyexample.com",
                "-o",
                str(out),
                "--min-share",
                "0.3",
            ]
        )
        == 0
    )
    pack = load_pack(out)
    assert pack.name == "dailyexample.com" and pack.domains == ("dailyexample.com",)
    assert pack.fingerprints
    counts, total = _apply(out.parent, ARTICLES, pack.name)
    assert counts["boilerplate"] >= 0.9 * total
    assert counts["body"] == 0
    # Fresh articles of the same site, never seen by the miner, are cleaned too.
    fresh = site(10, seed=99)
    counts, total = _apply(out.parent, fresh, pack.name)
    assert counts["boilerplate"] >= 0.9 * total and counts["body"] == 0


def test_mining_is_deterministic_whatever_the_order_or_workers(corpus: Path) -> None:
    texts = [a.text for a in ARTICLES]
    shuffled = texts[:]
    random.Random(3).shuffle(shuffled)
    first = mine_texts(texts, "dailyexample.com").pack
    assert mine_texts(shuffled, "dailyexample.com").pack == first
    assert mine_texts(shuffled, "dailyexample.com", workers=2).pack == first
    assert mine_folder(corpus, "dailyexample.com")[0].pack == first


def test_a_line_in_one_document_is_never_proposed() -> None:
    texts = [a.text for a in ARTICLES[:5]]
    mined = mine_texts(texts, "x", MineOptions(min_share=0.01))
    assert mined.lines and all(stats.documents >= 2 for _, stats in mined.lines)
    rules = [r["pattern"] for r in mined.pack["rules"]]
    assert not any("story" in p for p in rules)


def test_min_share_sets_the_threshold() -> None:
    texts = [a.text for a in ARTICLES]
    share = {key: stats.documents / len(texts) for key, stats in mine_texts(texts, "x").lines}
    strict = mine_texts(texts, "x", MineOptions(min_share=0.95))
    assert all(stats.documents >= 0.95 * len(texts) for _, stats in strict.lines)
    assert len(strict.lines) < len(share)
    assert any(0.3 <= s < 0.95 for s in share.values())


def test_rules_say_where_lines_sit_and_how_often() -> None:
    mined = mine_texts([a.text for a in ARTICLES], "dailyexample.com")
    by_example = {r["examples"]["remove"][0]: r for r in mined.pack["rules"]}
    menu = by_example["Home | World | Politics | Sports | Weather"]
    assert menu["where"] == "head" and "Recurs in 36 of 36 documents (100%)" in menu["why"]
    copyright_rule = next(r for r in mined.pack["rules"] if "rights" in r["pattern"])
    assert copyright_rule["where"] == "tail"
    assert by_example["ADVERTISEMENT"]["where"] == "any"


def test_mining_needs_two_documents(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text("Only one document.\n")
    assert main(["mine", str(tmp_path), "-o", str(tmp_path / "p.yaml")]) == 2
    assert not (tmp_path / "p.yaml").exists()


def test_month_names_used_as_words_are_not_date_slots() -> None:
    assert normalise("You may also like") == "you may also like"
    assert normalise("Sept. 4, 2019 - March on!") == "<month> <num>, <num> - march on!"
    pattern = regex.compile(key_pattern(normalise("Posted 28 May 2021")))
    assert pattern.match("Posted 3 June 2020") and not pattern.match("Posted 3 may 2020 or so")
