"""The learned choice among candidate extractions: features, model file, guard, provenance."""

from __future__ import annotations

import gzip
import json
import logging
import math
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from cleaner import Cleaner, resili
from cleaner import choice as choice_module
from cleaner.candidates import (
    EXTRACTORS,
    NAMES,
    candidate_texts,
    extractor_of,
    fragment_text,
    ranked,
    readability_text,
)
from cleaner.choice import ChoiceModel, ModelError, bundled_model_path, decide
from cleaner.cli import main
from cleaner.config import CleanerConfig
from cleaner.features import (
    CANDIDATE_FEATURES,
    GUARD_FEATURES,
    PAIR_FEATURES,
    Table,
    table,
)
from cleaner.metric import PageCounts, match
from cleaner.train import Scored, TrainError, fit, read_set, score_choice

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"

ARTICLE = (
    "<html><head><title>Harbour bridge reopens after repairs | Courier</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav>"
    "<article><h1>Harbour bridge reopens after repairs</h1>"
    + "".join(
        f"<p>Paragraph {i} of the story says the harbour bridge reopened on Monday after "
        f"eight months of repairs, and that traffic flowed freely through the morning.</p>"
        for i in range(8)
    )
    + "</article><footer><p>Copyright 2024 Courier</p></footer></body></html>"
)

_WORDS = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi"


def _text(n: int, offset: int = 0) -> str:
    words = _WORDS.split()
    return " ".join(f"{words[(i + offset) % len(words)]}{i}" for i in range(n))


def _texts(**lengths: int) -> dict[str, str]:
    """Candidate texts of the given lengths in words, by name."""
    return {name: _text(n) for name, n in lengths.items()}


def _table(texts: dict[str, str]) -> Table:
    return table(texts, {}, headline=False, comments=False)


def test_features_are_numbers_named_generically() -> None:
    for names in (CANDIDATE_FEATURES, PAIR_FEATURES, GUARD_FEATURES):
        assert len(set(names)) == len(names)
        for name in names:
            assert re.fullmatch(r"[a-z0-9_]+", name), name
    t = table(
        {"cleaner": _text(50), "readability": _text(60), "resiliparse": ""},
        {"p": 10.0, "a": 3.0},
        headline=True,
        comments=False,
    )
    assert t.names == ("cleaner", "readability", "resiliparse")
    for row in t.candidates:
        assert len(row) == len(CANDIDATE_FEATURES)
    assert len(t.pair(0, 1)) == len(PAIR_FEATURES)
    assert len(t.guard(2)) == len(GUARD_FEATURES)
    row = dict(zip(CANDIDATE_FEATURES, t.candidates[0], strict=True))
    assert math.isnan(row["f1_vs_cleaner"])  # no comparison with itself
    assert row["r_vs_readability"] == pytest.approx(47 / 57)  # its shingles over theirs
    assert dict(zip(CANDIDATE_FEATURES, t.candidates[2], strict=True))["empty"] == 1.0


def test_features_agree_with_the_metric() -> None:
    a, b = _text(40), _text(30) + " " + _text(10, 3)
    t = _table({"cleaner": a, "readability": b})
    row = dict(zip(CANDIDATE_FEATURES, t.candidates[0], strict=True))
    counts = match(b, a)  # a scored against b as if b were gold
    assert row["p_vs_readability"] == pytest.approx(counts.precision)
    assert row["r_vs_readability"] == pytest.approx(counts.recall)


def _dev_domains() -> set[str]:
    hosts: set[str] = set()
    for gold in EVAL.glob("*/gold.jsonl"):
        with gold.open(encoding="utf-8", newline="\n") as handle:
            for line in handle:
                url = json.loads(line).get("url") or ""
                host = urlsplit(url).hostname or ""
                host = host.removeprefix("www.")
                if "." in host and host != "fakehost":
                    hosts.add(host)
    return hosts


def test_model_and_features_name_no_dev_domain() -> None:
    path = bundled_model_path()
    if not path.is_file():
        pytest.skip("no bundled model")
    if not EVAL.is_dir():
        pytest.skip(f"evaluation sets {EVAL} are absent (expected beside the repository)")
    hosts = _dev_domains()
    assert len(hosts) > 100
    model_text = path.read_text("utf-8").casefold()
    card = path.with_name("choice.card.md").read_text("utf-8").casefold()
    names = " ".join((*PAIR_FEATURES, *GUARD_FEATURES)).casefold()
    for host in hosts:
        assert host not in names
        assert host not in model_text, host
        assert host not in card, host


def test_bundled_model_loads_with_this_versions_features() -> None:
    path = bundled_model_path()
    if not path.is_file():
        pytest.skip("no bundled model")
    model = ChoiceModel.load(path)
    assert [s["set"] for s in model.info["trained_on"]]
    assert model.pair.num_trees() <= 300
    assert model.guard.num_trees() <= 200


def _page(name: str, texts: dict[str, str], gold: str) -> Scored:
    t = _table(texts)
    counts = {n: match(gold, texts[n]) for n in t.names}
    s = Scored(name, str(len(gold)), t, counts, {"peer": match(gold, texts["readability"])})
    s.f1 = [2 * c.precision * c.recall / (c.precision + c.recall or 1) for c in counts.values()]
    return s


def _synthetic(count: int, set_name: str) -> list[Scored]:
    """Pages where the right candidates are those the other extractions agree with."""
    pages = []
    for i in range(count):
        gold = _text(80 + i, i)
        wrong = _text(30, i + 7) + " menu menu menu " + _text(20, i + 3)
        right = gold + " share this"
        texts = [right, right.replace("share this", "print"), wrong]
        shuffled = [texts[(i + k) % 3] for k in range(len(EXTRACTORS))]
        by_extractor = dict(zip(EXTRACTORS, shuffled, strict=True))
        candidates = {name: by_extractor[extractor_of(name)] for name in NAMES}
        pages.append(_page(set_name, candidates, gold))
    return pages


def test_training_is_reproducible_and_the_file_round_trips(tmp_path: Path) -> None:
    pages = _synthetic(90, "a") + _synthetic(60, "b")
    first, second = fit(pages, seed=3), fit(pages, seed=3)
    assert first.pair.model_to_string() == second.pair.model_to_string()
    assert first.guard.model_to_string() == second.guard.model_to_string()
    first.info = {"trained_on": [{"set": "a"}, {"set": "b"}]}
    path = tmp_path / "m.json"
    path.write_text(json.dumps(first.to_dict()), "utf-8")
    loaded = ChoiceModel.load(path)
    assert loaded.info["trained_on"] == [{"set": "a"}, {"set": "b"}]
    page = pages[0]
    for got, want in zip(loaded.scores(page.table), first.scores(page.table), strict=True):
        assert got == pytest.approx(want)
    result = score_choice(loaded, _synthetic(30, "c"))
    # The agreeing candidates win: better than any one candidate on every page.
    assert result.f1["choice"] > max(result.f1["cand:" + name] for name in NAMES)
    assert result.f1["choice"] == pytest.approx(result.f1["oracle"], abs=0.02)


def test_a_model_file_of_other_features_is_refused(tmp_path: Path) -> None:
    model = fit(_synthetic(90, "a") + _synthetic(60, "b"), seed=0)
    data = model.to_dict()
    data["pair_features"] = data["pair_features"][:-1]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), "utf-8")
    with pytest.raises(ModelError, match="features differ"):
        ChoiceModel.load(bad)
    (tmp_path / "junk.json").write_text("{", "utf-8")
    with pytest.raises(ModelError, match=r"junk\.json"):
        ChoiceModel.load(tmp_path / "junk.json")
    with pytest.raises(ModelError):
        Cleaner(config=CleanerConfig(html_choice_model=str(tmp_path / "missing.json")))


def test_without_the_model_the_cleaner_works_and_says_so_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(choice_module, "bundled_model_path", lambda: tmp_path / "none.json")
    with caplog.at_level(logging.WARNING, logger="cleaner.choice"):
        engine = Cleaner()
        first = engine.clean_html(ARTICLE)
        engine.clean_html(ARTICLE)
    warnings = [r for r in caplog.records if "no choice among extractions" in r.message]
    assert len(warnings) == 1
    assert "Paragraph 3 of the story" in first.text
    extractor = first.provenance["source"]["extractor"]
    assert "choice" not in extractor
    assert extractor["name"] == "trafilatura+resiliparse"
    off = Cleaner(config=CleanerConfig(html_choice=False)).clean_html(ARTICLE)
    assert off.text == first.text


def test_the_choice_is_recorded_in_provenance() -> None:
    if not bundled_model_path().is_file():
        pytest.skip("no bundled model")
    result = Cleaner().clean_html(ARTICLE)
    extractor = result.provenance["source"]["extractor"]
    record = extractor["choice"]
    assert record["chosen"] in NAMES
    assert record["runner_up"] in NAMES
    assert record["runner_up"] != record["chosen"]
    assert set(record["scores"]) == set(NAMES) == set(record["lost"])
    assert record["reason"].startswith(("model", "guard"))
    assert "Paragraph 7 of the story" in result.text
    assert "Home News Sport" not in result.text
    # The fast mode makes no choice.
    fast = Cleaner(config=CleanerConfig(html_fast=True)).clean_html(ARTICLE)
    assert "choice" not in fast.provenance["source"]["extractor"]


def _decide(
    texts: dict[str, str], wins: list[float], lost: list[float], **config: float
) -> choice_module.Choice:
    t = _table(texts)
    return decide(t, wins, lost, CleanerConfig(**config))  # type: ignore[arg-type]


def test_the_guard_takes_another_candidate_when_the_pick_loses_the_article() -> None:
    texts = {"cleaner": _text(200), "readability": _text(190), "resiliparse": _text(210)}
    kept = _decide(texts, [0.9, 0.5, 0.3], [0.2, 0.1, 0.1])
    assert (kept.name, kept.reason, kept.runner_up) == ("cleaner", "model", "readability")
    lost = _decide(texts, [0.9, 0.5, 0.3], [0.8, 0.1, 0.1])
    assert (lost.name, lost.picked) == ("readability", "cleaner")
    assert lost.reason == "guard: pick predicted to lose the article"


def test_the_guard_refuses_an_empty_or_far_shorter_pick() -> None:
    empty = _decide(
        {"cleaner": "", "readability": _text(100), "resiliparse": _text(120)},
        [0.9, 0.5, 0.6],
        [0.4, 0.3, 0.3],
    )
    assert (empty.name, empty.reason) == ("resiliparse", "guard: pick empty")
    texts = {"cleaner": _text(20), "readability": _text(300), "resiliparse": _text(310)}
    short = _decide(texts, [0.9, 0.5, 0.4], [0.45, 0.1, 0.2])
    assert (short.name, short.reason) == (
        "readability",
        "guard: pick far shorter than another candidate",
    )
    # The guard trusting the short pick more, it stays.
    trusted = _decide(texts, [0.9, 0.5, 0.4], [0.05, 0.1, 0.2])
    assert trusted.name == "cleaner"
    # A ratio of 0 turns the length rule off.
    assert _decide(texts, [0.9, 0.5, 0.4], [0.45, 0.1, 0.2], html_guard_min_ratio=0).name == (
        "cleaner"
    )


def test_a_pick_the_text_path_cut_is_not_given_back_for_its_length() -> None:
    # Every extraction kept a long comment thread; the text path cut it from the
    # pick, whose plain twin and the other plain candidates keep it.
    thread = _text(400)
    texts = {
        "cleaner": _text(60),
        "cleaner_plain": thread,
        "readability": _text(62),
        "readability_plain": thread,
        "resiliparse": _text(61),
        "resiliparse_plain": thread,
    }
    wins = [0.9, 0.3, 0.5, 0.3, 0.4, 0.3]
    kept = _decide(texts, wins, [0.45, 0.1, 0.45, 0.1, 0.45, 0.1])
    assert (kept.name, kept.reason) == ("cleaner", "model")
    # A few words left by the cuts are no body: the length rule still applies.
    few = {**texts, "cleaner": _text(8)}
    assert _decide(few, wins, [0.45, 0.1, 0.45, 0.1, 0.45, 0.1]).reason == (
        "guard: pick far shorter than another candidate"
    )
    # The extraction itself short (its twin as short) and another extraction long
    # after the text path too: the longer candidates take over.
    texts["cleaner_plain"] = _text(62)
    texts["resiliparse"] = thread
    short = _decide(texts, wins, [0.45, 0.45, 0.45, 0.1, 0.45, 0.1])
    assert (short.name, short.reason) == (
        "readability_plain",
        "guard: pick far shorter than another candidate",
    )


def test_the_guard_gives_a_pick_up_only_for_a_candidate_holding_it() -> None:
    # A short post the pick found whole; the others are other blocks of the page.
    other = {"cleaner": _text(10), "readability": _text(300, 5), "resiliparse": _text(290, 5)}
    refused = _decide(other, [0.9, 0.5, 0.4], [0.8, 0.1, 0.2])
    assert (refused.name, refused.reason) == ("cleaner", "model")
    longer = _decide(other, [0.9, 0.5, 0.4], [0.45, 0.1, 0.2])
    assert (longer.name, longer.reason) == ("cleaner", "model")
    # The same lengths, the longer texts holding the pick: it is a fragment, they take over.
    holding = {"cleaner": _text(10), "readability": _text(300), "resiliparse": _text(290)}
    assert _decide(holding, [0.9, 0.5, 0.4], [0.8, 0.1, 0.2]).name == "readability"
    assert _decide(holding, [0.9, 0.5, 0.4], [0.45, 0.1, 0.2]).reason == (
        "guard: pick far shorter than another candidate"
    )
    # 0 turns the condition off: the other blocks take over.
    off = _decide(other, [0.9, 0.5, 0.4], [0.8, 0.1, 0.2], html_guard_replacement_held=0)
    assert off.name == "readability"


def test_a_longer_candidate_no_other_extraction_agrees_with_does_not_replace_the_pick() -> None:
    # The long text is the pick and its neighbourhood: no other extraction found the rest.
    texts = {
        "cleaner": _text(300),
        "readability": _text(20),
        "resiliparse": _text(22),
    }
    kept = _decide(texts, [0.5, 0.9, 0.4], [0.1, 0.45, 0.4])
    assert (kept.name, kept.reason) == ("readability", "model")
    assert (
        _decide(texts, [0.5, 0.9, 0.4], [0.1, 0.45, 0.4], html_guard_min_support=0).name
        == "cleaner"
    )


def test_a_fallback_is_not_ranked_and_taken_only_when_no_ranked_candidate_is_trusted() -> None:
    texts = _texts(cleaner=40, readability=42, resiliparse=41, recall_plain=400)
    t = _table(texts)
    assert [t.names[i] for i in ranked(t.names)] == ["cleaner", "readability", "resiliparse"]
    # Far longer, trusted more, but a fallback: the length rule does not take it.
    kept = decide(t, [0.6, 0.5, 0.4, 0.0], [0.3, 0.3, 0.3, 0.1], CleanerConfig())
    assert (kept.name, kept.reason) == ("cleaner", "model")
    # Every ranked candidate predicted to lose the article: the fallback is taken.
    taken = decide(t, [0.6, 0.5, 0.4, 0.0], [0.8, 0.9, 0.7, 0.1], CleanerConfig())
    assert (taken.name, taken.reason) == (
        "recall_plain",
        "guard: pick predicted to lose the article",
    )
    model = fit(_synthetic(90, "a") + _synthetic(60, "b"), seed=0)
    wins, lost = model.scores(t)
    assert wins[3] == 0.0 and 0.0 <= lost[3] <= 1.0
    assert sum(wins[:3]) == pytest.approx(1.5)


def test_a_pick_of_a_few_words_gives_way_to_the_fallback_holding_them() -> None:
    texts = _texts(cleaner=20, readability=20, resiliparse=21, resiliparse_page_plain=300)
    t = _table(texts)
    wins, lost = [0.6, 0.5, 0.4, 0.0], [0.2, 0.2, 0.2, 0.3]
    taken = decide(t, wins, lost, CleanerConfig())
    assert (taken.name, taken.picked) == ("resiliparse_page_plain", "cleaner")
    assert taken.reason == "guard: pick a fragment of a fallback's text"
    # Off, or a pick long enough to be an article, or a fallback not holding it: kept.
    assert decide(t, wins, lost, CleanerConfig(html_guard_fragment_tokens=0)).name == "cleaner"
    assert decide(t, wins, lost, CleanerConfig(html_guard_fragment_tokens=20)).name == "cleaner"
    other = _table({**texts, "resiliparse_page_plain": _text(300, 5)})
    assert decide(other, wins, lost, CleanerConfig()).name == "cleaner"


def test_candidates_come_from_one_extraction_of_the_pruned_page() -> None:
    engine = Cleaner()
    chosen = engine.extract_page(ARTICLE, url=None, source={})
    extracted = chosen.extraction
    assert chosen.html == ARTICLE
    texts = candidate_texts(extracted, ARTICLE)
    assert list(texts) == list(EXTRACTORS)
    assert texts["cleaner"] == extracted.text
    assert texts["recall"] == extracted.recall_text
    # Read from the page as it came: the span's parse when no removal changed the page
    # (here the navigation was removed, so it is parsed apart).
    assert extracted.page_text is None
    assert texts["resiliparse_page"] == resili.main_text(resili.parse_page(ARTICLE))
    for text in texts.values():
        assert "Paragraph 5 of the story" in text
    assert readability_text("") == ""
    assert readability_text("<html><body></body></html>") == ""
    assert fragment_text("<ul><li>a</li><li>b</li></ul>") == "a\nb"


def test_training_scores_the_synthetic_pages_like_the_metric() -> None:
    pages = _synthetic(10, "x")
    for page in pages:
        for name, counts in page.counts.items():
            assert isinstance(counts, PageCounts)
            assert page.f1[NAMES.index(name)] <= 1.0


def _gold_set(folder: Path, pages: int, scope: dict[str, bool], licence: str) -> Path:
    folder.mkdir()
    rows = []
    for i in range(pages):
        body = "".join(
            f"<p>Story {i} paragraph {k}: the harbour bridge reopened on Monday after months "
            f"of repairs, officials said, and traffic flowed freely.</p>"
            for k in range(4 + i)
        )
        page = f"<html><head><title>Story {i}</title></head><body><nav>Home News</nav>{body}"
        with gzip.open(folder / f"p{i}.html.gz", "wt", encoding="utf-8") as handle:
            handle.write(page + "</body></html>")
        text = "\n".join(fragment_text(body).splitlines())
        rows.append(json.dumps({"id": f"p{i}", "url": None, "text": text, "scope": scope}))
    (folder / "gold.jsonl").write_text("\n".join(rows) + "\n", "utf-8")
    (folder / "README.md").write_text(f"# set\n\n* Licence: {licence}\n", "utf-8")
    return folder


def test_train_choice_command_writes_a_model_and_its_card(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _gold_set(tmp_path / "alpha", 4, {"headline": False, "comments": False}, "MIT")
    second = _gold_set(tmp_path / "beta", 3, {"headline": True, "comments": False}, "CC-BY")
    out = tmp_path / "models" / "choice.json"
    cache = tmp_path / "cache"
    assert (
        main(["train-choice", str(first), str(second), "-o", str(out), "--cache", str(cache)]) == 0
    )
    printed = capsys.readouterr().out
    assert "Leave one set out" in printed
    assert "| alpha | 4 |" in printed
    assert "| beta | 3 |" in printed
    model = ChoiceModel.load(out)
    assert [s["set"] for s in model.info["trained_on"]] == ["alpha", "beta"]
    assert [s["licence"] for s in model.info["trained_on"]] == ["MIT", "CC-BY"]
    card = (tmp_path / "models" / "choice.card.md").read_text("utf-8")
    assert "| `beta` | 3 | headline yes, comments no | CC-BY |" in card
    assert len(list(cache.rglob("*.json"))) == 7  # one cached record per page
    # Same sets, same seed: the same file, read from the cache.
    again = tmp_path / "again.json"
    assert (
        main(["train-choice", str(first), str(second), "-o", str(again), "--cache", str(cache)])
        == 0
    )
    assert again.read_text("utf-8") == out.read_text("utf-8")


def test_train_choice_prints_the_spread_over_seeds_and_writes_the_same_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _gold_set(tmp_path / "alpha", 4, {"headline": False, "comments": False}, "MIT")
    second = _gold_set(tmp_path / "beta", 3, {"headline": True, "comments": False}, "CC-BY")
    sets, cache = [str(first), str(second)], ["--cache", str(tmp_path / "cache")]
    one, three = tmp_path / "one.json", tmp_path / "three.json"
    assert main(["train-choice", *sets, "-o", str(one), *cache]) == 0
    assert "seeds" not in capsys.readouterr().out
    seeds = ["--seed", "2", "--seeds", "3"]
    assert main(["train-choice", *sets, "-o", str(three), *cache, *seeds]) == 0
    printed = capsys.readouterr().out
    assert "Leave one set out, seeds 2 to 4" in printed
    spread = printed.split("seeds 2 to 4")[1].split("Trained on every set")[0]
    rows = [line.split(" | ") for line in spread.splitlines() if line.startswith("| alpha |")]
    assert len(rows) == 1
    low, mean, high = (float(v) for v in rows[0][1:4])
    assert low <= mean <= high
    assert "| beta |" in spread
    # The spread is a report: the model of seed 2 is the one a single run writes.
    alone = tmp_path / "alone.json"
    assert main(["train-choice", *sets, "-o", str(alone), *cache, "--seed", "2"]) == 0
    assert three.read_text("utf-8") == alone.read_text("utf-8")
    assert main(["train-choice", *sets, "-o", str(one), *cache, "--seeds", "0"]) == 2
    assert "seeds must be at least 1, not 0" in capsys.readouterr().err


def test_train_choice_refuses_bad_sets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one = _gold_set(tmp_path / "one", 2, {"headline": False, "comments": False}, "MIT")
    assert main(["train-choice", str(one), "-o", str(tmp_path / "m.json")]) == 2
    assert "at least two sets" in capsys.readouterr().err
    bad = _gold_set(tmp_path / "bad", 2, {"headline": False, "comments": False}, "MIT")
    with (bad / "gold.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    assert main(["train-choice", str(one), str(bad), "-o", str(tmp_path / "m.json")]) == 2
    assert "gold.jsonl:3" in capsys.readouterr().err
    mixed = _gold_set(tmp_path / "mixed", 2, {"headline": True, "comments": False}, "MIT")
    with (mixed / "gold.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "x", "text": "t", "scope": {"headline": False}}) + "\n")
    with pytest.raises(TrainError, match="disagree on scope"):
        read_set(mixed)
