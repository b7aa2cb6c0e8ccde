"""The fast paths of the text pipeline give exactly what the plain computations give."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner import canonical, heuristics, pipeline, tokens
from cleaner.config import CleanerConfig
from cleaner.document import Cut
from cleaner.heuristics import (
    _CREDIT,
    _CREDIT_WORDS,
    _EDITOR_NOTE,
    _TIME_ZONES,
    Context,
    _ends_with_abbreviation,
    _has_credit,
    _letter_hint,
    _source_keys,
    ends_sentence,
)
from cleaner.plain import PLAIN_PUNCTUATION
from cleaner.rules.compiled import Screen, build_screen, pack_screen
from cleaner.rules.engine import SearchBudget, apply_pack, line_matches
from cleaner.rules.keyscan import KeyScan
from cleaner.rules.literals import any_of, folded_head, prefixes, satisfied
from cleaner.rules.model import Pack, Rule
from cleaner.screens import hyperscan
from cleaner.tokens import runs, words
from tests.conftest import FIXTURES, SEEDS, real_lines

ENGINE = cleaner.default_cleaner()
DOCS = [
    p.read_text("utf-8")
    for p in [*sorted(SEEDS.glob("*.txt")), *sorted(FIXTURES.glob("*/*.in.txt"))]
]
PARAGRAPHS = [pipeline.paragraphs_of(cleaner.canonicalize(d))[0] for d in DOCS]
LINES = sorted({line for doc in PARAGRAPHS for line in doc})
CONFIG = CleanerConfig()


def _reference_words(text: str) -> list[str]:
    return [w.casefold().rstrip(".") or w for w in tokens._WORD.findall(text)]


def _reference_pull_quote(paragraphs: Sequence[str], cfg: CleanerConfig) -> list[int]:
    """pull_quote by its definition: every quote compared with every paragraph.

    A later fully quoted copy, and a paragraph after a comment-section heading
    when the quote is before it, are not compared (the first copy stays).
    """

    def is_quote(p: str) -> bool:
        return (
            p[:1] in heuristics._QUOTE_OPEN
            and p.rstrip(" .")[-1:] in heuristics._QUOTE_CLOSE
            and len(p) <= 600
            and len(_reference_words(p)) >= cfg.pull_quote_min_words
        )

    quoted = {i for i, p in enumerate(paragraphs) if is_quote(p)}
    comments_at = next(
        (
            j
            for j, p in enumerate(paragraphs)
            if len(p) <= 250 and heuristics._COMMENT_HEADER.match(heuristics.strip_bullet(p))
        ),
        len(paragraphs),
    )
    out = []
    for i, p in enumerate(paragraphs):
        if i not in quoted:
            continue
        tokens = _reference_words(p)
        pairs = set(itertools.pairwise(tokens))
        best = max(
            (
                len(pairs & set(itertools.pairwise(_reference_words(q))))
                for j, q in enumerate(paragraphs)
                if j != i and not (j > i and j in quoted) and not (i < comments_at <= j)
            ),
            default=0,
        )
        if best >= cfg.pull_quote_overlap * len(pairs):
            out.append(i)
            if i + 1 < len(paragraphs) and heuristics._ATTRIBUTION.match(paragraphs[i + 1]):
                out.append(i + 1)
    return out


LINE_OR_TEXT = st.one_of(st.sampled_from(LINES), st.text(max_size=80))


@settings(max_examples=300, deadline=None)
@given(LINE_OR_TEXT, st.sampled_from(["", "• ", "- ", "ẞ ", "İ "]))
def test_words_and_keys_match_the_plain_computation(line: str, prefix: str) -> None:
    text = prefix + line
    assert words(text) == _reference_words(text)
    ctx = Context(CONFIG)
    assert list(ctx.words(text)) == _reference_words(text)
    assert ctx.key(text) == " ".join(_reference_words(heuristics.strip_bullet(text)))


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            [*"aZ09 .'+&-_", *PLAIN_PUNCTUATION, "é", "ſ", "\u0301", "٣", "ǅ", "‿"]
        ),
        max_size=60,
    )
)
def test_plain_punctuation_words_match_the_unicode_classes(text: str) -> None:
    assert words(text) == _reference_words(text)
    assert runs(text) == regex.findall(r"\w+", text)


def test_plain_punctuation_holds_no_letter_digit_or_word_character() -> None:
    assert not regex.search(r"[\p{L}\p{N}\w]", PLAIN_PUNCTUATION)


def test_credit_words_are_what_the_pattern_requires() -> None:
    assert any_of(_CREDIT.pattern) == _CREDIT_WORDS


@settings(max_examples=300, deadline=None)
@given(LINE_OR_TEXT, st.sampled_from(["", " (Getty Images)", " | Photo: AP", " SHUTTERSTOCK", ":"]))
def test_credit_prefilter_matches_the_pattern(line: str, suffix: str) -> None:
    text = line + suffix
    assert _has_credit(text) == (_CREDIT.search(text) is not None)


@settings(max_examples=300, deadline=None)
@given(LINE_OR_TEXT, st.sampled_from(["", ".", "!”", "?’)", "…", ". ”", ".\n", "…\n", "\n\n"]))
def test_ends_sentence_matches_the_patterns(line: str, suffix: str) -> None:
    text = line + suffix
    assert ends_sentence(text) == (regex.search(r"[.!?]['\"’”)]*$", text) is not None)
    assert ends_sentence(text, ".!?…") == (regex.search(r"[.!?…]['\"’”)]*$", text) is not None)
    assert ends_sentence(text, heuristics._HEADLINE_STOPS) == (
        heuristics._HEADLINE_END.search(text) is not None
    )


def test_prev_next_links_hint_keeps_every_match() -> None:
    # prev_next_links tries its pattern only on lines opening with one of these
    # letters: no other character matches them, or folds to them, case-insensitively.
    everything = "".join(map(chr, range(0x110000)))
    found = regex.findall(r"[pno]", everything, flags=regex.IGNORECASE | regex.V1)
    assert set(found) == set("pPnNoO")
    assert {c for c in everything if c.casefold()[:1] in {"p", "n", "o"}} == set("pPnNoO")


@settings(max_examples=300, deadline=None)
@given(LINE_OR_TEXT, st.sampled_from(["", "ẞ", "ﬅ", "İ", "K", "Ⓐ", "e.", "— T’a"]))
def test_letter_hint_is_the_same_for_the_same_words(line: str, suffix: str) -> None:
    # Lines with the same joined words get the same hint: the hint of the case-folded
    # line is the hint of its joined words.
    text = line + suffix
    assert _letter_hint(text.casefold()) == _letter_hint(tokens.joined_words(text))


@settings(max_examples=300, deadline=None)
@given(LINE_OR_TEXT, st.sampled_from(["", " JEFF OK’D", " NOTE", "\n", " X\n", "'"]))
def test_editor_note_prefilter_keeps_every_match(line: str, suffix: str) -> None:
    text = line + suffix
    cuts = heuristics.editor_note([text], Context(CONFIG))
    m = _EDITOR_NOTE.search(text)
    if m is None or len([c for c in m.group("cut") if c.isalpha()]) < 2:
        assert cuts == []
    elif any(c.islower() for c in text[: m.start()]):
        # A time zone or capitals after an abbreviation belong to the sentence.
        spared = m.group("cut").upper() in _TIME_ZONES or _ends_with_abbreviation(text[: m.start()])
        assert [c.span for c in cuts] == ([] if spared else [m.span("cut")])


def _reference_share_widget(line: str) -> bool:
    """share_widget's test of one line as first written: every short line tokenised."""
    tokens = _reference_words(heuristics.strip_bullet(line))
    return (
        len(line) <= 120
        and 0 < len(tokens) <= 12
        and all(
            t in heuristics._SOCIAL or t in heuristics._SOCIAL_FILLER or t.isdigit() for t in tokens
        )
        and any(t in heuristics._SOCIAL_CORE for t in tokens)
    )


SOCIAL_WORDS = st.sampled_from(sorted(heuristics._SOCIAL | heuristics._SOCIAL_FILLER))


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        LINE_OR_TEXT,
        st.lists(
            st.one_of(SOCIAL_WORDS, SOCIAL_WORDS.map(str.upper), st.just("ſhare")), max_size=6
        ).map(" ".join),
    ),
    st.sampled_from(["", "• ", "- "]),
)
def test_share_widget_prefilter_keeps_every_match(line: str, prefix: str) -> None:
    text = prefix + line
    cuts = heuristics.share_widget([text], Context(CONFIG))
    assert bool(cuts) == _reference_share_widget(text)


@pytest.mark.parametrize("paragraphs", PARAGRAPHS, ids=range(len(PARAGRAPHS)))
def test_pull_quote_index_matches_all_pairs_comparison(paragraphs: list[str]) -> None:
    quote = "“" + " ".join(paragraphs[len(paragraphs) // 2].split()[:12]) + "”"
    for paras in (paragraphs, [*paragraphs, quote, "– A spokesman"]):
        got = [c.line for c in heuristics.pull_quote(paras, Context(CONFIG))]
        assert got == _reference_pull_quote(paras, CONFIG)


@pytest.mark.parametrize("paragraphs", PARAGRAPHS, ids=range(len(PARAGRAPHS)))
def test_memoised_pack_matches_fresh_pack(paragraphs: list[str]) -> None:
    memo: dict[str, object] = {}
    for pack in ENGINE.packs:
        # The same lines seen again, and fewer of them, as in a later pass.
        for paras in (paragraphs, paragraphs, paragraphs[1::2]):
            fresh = apply_pack(pack, paras, CONFIG)
            remembered = apply_pack(pack, paras, CONFIG, memo)  # type: ignore[arg-type]
            assert remembered.cuts == fresh.cuts
            assert remembered.skipped == fresh.skipped
        memo.clear()


@pytest.mark.parametrize("doc", range(len(DOCS)))
def test_steps_are_pure_so_unchanged_text_need_not_be_rerun(doc: int) -> None:
    """The pipeline skips a step whose text has not changed since it cut nothing."""
    text = cleaner.canonicalize(DOCS[doc])
    selected = ENGINE.registry.select(url=None, site=None, text=text)
    document = pipeline.run(DOCS[doc], registry=ENGINE.registry, config=CONFIG)
    ctx = Context(CONFIG, document.metadata)
    state = pipeline.DocumentState(ctx, SearchBudget(CONFIG.regex_document_budget))
    steps = pipeline.build_steps([p for p, _ in selected], CONFIG)
    paragraphs = pipeline.paragraphs_of(document.text)[0]
    for step in steps:
        first: list[Cut] = step.run(paragraphs, document, state).cuts
        assert step.run(paragraphs, document, state).cuts == first
        assert first == [], step.name  # the result is a fixed point


PACKS = ENGINE.packs
RULE_LINES = real_lines(PACKS)
ODD_TEXT = st.text(alphabet="ſßẞﬁﬀǰŉİıKΣςsSiIkK•([ReadSharetop:-/@07 😀", max_size=12)


def _plain_line_matches(pack: Pack, line: str) -> list[int]:
    """Every rule that matches the line, each searched on its own."""
    return [
        number
        for number, rule in enumerate(pack.rules)
        if (rule.max_chars is None or len(line) <= rule.max_chars)
        and rule.pattern.search(line) is not None
    ]


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_prefix_dispatch_matches_every_rule_searched(pack: Pack) -> None:
    for line in RULE_LINES:
        got = [number for number, _ in line_matches(pack, line, CONFIG)]
        assert got == _plain_line_matches(pack, line), (pack.name, line)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PACKS), st.one_of(st.sampled_from(RULE_LINES), ODD_TEXT), ODD_TEXT)
def test_prefix_dispatch_on_odd_case_folding(pack: Pack, line: str, prefix: str) -> None:
    for text in (line, prefix + line, prefix.upper() + line, line + prefix, line.upper()):
        got = [number for number, _ in line_matches(pack, text, CONFIG)]
        assert got == _plain_line_matches(pack, text)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([r.pattern for p in PACKS for r in p.rules]), ODD_TEXT, ODD_TEXT)
def test_a_match_starts_with_a_prefix(pattern: regex.Pattern[str], head: str, tail: str) -> None:
    starts = prefixes(pattern.pattern)
    text = head + tail
    if starts is None or pattern.search(text) is None:
        return
    folded = folded_head(text, max(len(p) for p in starts))
    assert folded is None or folded.startswith(starts)


def _reference_folded_head(line: str, size: int) -> str | None:
    """folded_head as first written: each character's folding inspected on its own."""
    head = line[:size]
    for char in head:
        if not char.isascii() and (char == "ı" or any(c.isascii() for c in char.casefold())):
            return None
    return head.casefold()


@settings(max_examples=500, deadline=None)
@given(st.one_of(ODD_TEXT, st.text(max_size=30)), st.integers(0, 20))
def test_folded_head_matches_the_per_character_check(line: str, size: int) -> None:
    assert folded_head(line, size) == _reference_folded_head(line, size)


def _pack(patterns: Sequence[tuple[str, int | None]]) -> Pack:
    rules = tuple(
        Rule(f"r{n}", f"odd/r{n}", "drop-line", regex.compile(source), "odd", max_chars=limit)
        for n, (source, limit) in enumerate(patterns)
    )
    return Pack("odd", "1", "odd", Path("odd.yaml"), f"odd-{len(rules)}", rules=rules)


# Patterns whose screening takes each path: prefixes of spelled-out groups, literals of
# the other branches, short and long max_chars, flags that switch screening off.
ODD_PACK = _pack(
    [
        (r"(?i)^(?:share|\d+\s*of\s*\d+|ſtop)$", 40),
        (r"(?i)^[\[(]?\s*(?:read|see)\s+(?:also|more)\s*:", 80),
        (r"(?i)^(?:fi|ss)x|kelvin$|^ǰ", None),
        (r"(?m)^top", None),
        (r"(?x)^ s h a r e", 12),
        (r"^(?:(?:a|b)|c+|(?P<n>İ|ı)d)\b", 6),
        (r"(?i)😀|@\w", 20),
        (r"(?i)^(?>re|read)ad|(?i:STRASSE)", None),
        (r"^\d+$", 3),
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.sampled_from(RULE_LINES), ODD_TEXT), ODD_TEXT, st.sampled_from(["", "\n"]))
def test_branch_screen_on_odd_patterns(line: str, prefix: str, joint: str) -> None:
    for text in (line, prefix + line, prefix.upper() + joint + line, line + joint + prefix):
        got = [number for number, _ in line_matches(ODD_PACK, text, CONFIG)]
        assert got == _plain_line_matches(ODD_PACK, text), text


LENGTH_PACK = _pack([(r"(?i)share", 8), (r"(?i)^share", 12), (r"^x|share", None), (r"x", 10)])


@pytest.mark.parametrize("size", range(20))
def test_screen_lets_every_length_through_that_fits(size: int) -> None:
    """Lines just under, at and over each max_chars: the length screen is exact."""
    for text in ("Share" + "x" * size, "x" * size + "SHARE", "x" * size):
        got = [number for number, _ in line_matches(LENGTH_PACK, text, CONFIG)]
        assert got == _plain_line_matches(LENGTH_PACK, text), text


_PLAIN_SCREENS: dict[str, Screen] = {}


@pytest.mark.skipif(hyperscan is None, reason="hyperscan is not installed")
def test_the_rule_screens_run_on_hyperscan() -> None:
    assert KeyScan({"abc": 1}).engine == "hyperscan"
    assert KeyScan({"abc": 1}, use_hyperscan=False).engine == "ahocorasick"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["ab", "b", "é", "ſt", "\ud800", "\x00", " ", "aba", "é ſt", "b\x00a"]),
        max_size=5,
    ),
    st.lists(st.text(alphabet="abé ſt\x00\ud800", max_size=8), max_size=6),
    st.booleans(),
)
def test_key_scans_agree(keys: list[str], texts: list[str], at_start: bool) -> None:
    """hyperscan and Aho-Corasick find the same keys, each text as when scanned alone."""
    table = {key: 1 << n for n, key in enumerate(dict.fromkeys(k for k in keys if k))}
    if not table:
        return
    fast, plain = KeyScan(table), KeyScan(table, use_hyperscan=False)
    expected = {
        (k, bits)
        for k, text in enumerate(texts)
        for key, bits in table.items()
        for at in range(len(text))
        if text.startswith(key, at) and (at == 0 or not at_start)
    }
    assert set(fast.found(texts, at_start=at_start)) == expected
    assert set(plain.found(texts, at_start=at_start)) == expected


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(PACKS),
    st.lists(st.one_of(st.sampled_from(RULE_LINES), ODD_TEXT, st.just("")), max_size=8),
)
def test_lines_screened_together_as_each_alone(pack: Pack, lines: list[str]) -> None:
    """The joined scans of screen_lines drop what crosses a joint: as one line at a time.

    Both engines of the scans give the same screen.
    """
    screen = pack_screen(pack)
    plain = _PLAIN_SCREENS.setdefault(pack.name, build_screen(pack.rules, use_hyperscan=False))
    lines = [*lines, "\x00".join(lines), *(a + b for a, b in itertools.pairwise(lines))]
    alone = [screen.screen_lines([line])[0] for line in lines]
    assert screen.screen_lines(lines) == alone
    assert plain.screen_lines(lines) == alone
    assert [plain.screen_lines([line])[0] for line in lines] == alone
    for line in lines:
        got = [number for number, _ in screen.candidates(line)]
        plain = _plain_line_matches(pack, line)
        assert set(plain) <= set(got), line


QUOTE_WORDS = st.sampled_from("we will act to protect our people now the a".split())


@settings(max_examples=500, deadline=None)
@given(st.lists(QUOTE_WORDS, min_size=2, max_size=14), st.lists(QUOTE_WORDS, max_size=20))
def test_a_pull_quote_source_holds_a_key(quote: list[str], line: list[str]) -> None:
    """A line holding the overlap of a quote's pairs holds one of the quote's keys."""
    pairs = set(itertools.pairwise(quote))
    held = pairs & set(itertools.pairwise(line))
    if len(held) >= CONFIG.pull_quote_overlap * len(pairs):
        assert _source_keys(pairs, CONFIG.pull_quote_overlap) & set(line)


def _reference_site_by_fingerprints(text: str) -> tuple[str, int] | None:
    """The pack with the most fingerprints found, each searched with no literal screen."""
    best: tuple[int, Pack] | None = None
    for pack in ENGINE.registry.fingerprinted:
        hits = sum(1 for fp in pack.fingerprints if fp.search(text))
        if hits >= pack.min_fingerprints and (best is None or hits > best[0]):
            best = (hits, pack)
    return None if best is None else (best[1].name, best[0])


@pytest.mark.parametrize("doc", range(len(DOCS)))
def test_fingerprint_literal_scan_picks_the_same_pack(doc: int) -> None:
    registry = ENGINE.registry
    text = cleaner.canonicalize(DOCS[doc])
    # Each pack's fingerprint lines, alone and joined: the packs' own documents.
    for sample in (text, *("\n".join(fp.pattern for fp in p.fingerprints) for p in PACKS)):
        found = registry._by_fingerprints(sample, 1.0)
        got = None if found is None else (found[0].name, int(found[1].split(":")[1].split("/")[0]))
        assert got == _reference_site_by_fingerprints(sample)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab \n", max_size=30))
def test_paragraphs_split_as_their_starts_say(text: str) -> None:
    """paragraphs_of splits at the blank lines cleaner.canonical.paragraph_starts finds."""
    starts = canonical.paragraph_starts(text)
    ends = [s - 2 for s in starts[1:]] + [len(text) - 1]
    expected = [text[s:e] for s, e in zip(starts, ends, strict=True)] if starts else []
    assert pipeline.paragraphs_of(text) == (expected, starts)


LITERAL = st.sampled_from(["a", "b", "ab", "c"])


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.lists(st.lists(LITERAL, min_size=1, max_size=3), max_size=3), max_size=3),
    st.text(alphabet="abc ", max_size=8),
)
def test_satisfied_is_its_formula(req: list[list[list[str]]], text: str) -> None:
    """Some branch whose every clause has a literal in the text."""
    formula = any(all(any(lit in text for lit in clause) for clause in b) for b in req)
    requirement = tuple(tuple(tuple(clause) for clause in branch) for branch in req)
    assert satisfied(requirement, text) == formula
    assert satisfied(requirement, {w for w in ("a", "b", "ab", "c") if w in text}) == formula
