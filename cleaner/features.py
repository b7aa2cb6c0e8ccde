"""Features of candidate extractions, for the learned choice of :mod:`cleaner.choice`.

The strongest evidence about a candidate is whether the other extractors
found the same text: a block that several independent extractors keep is
likely the article, a block only one keeps is likely its own mistake.  So
most features measure agreement, on the multisets of 4-token shingles the
evaluation metric uses (:mod:`cleaner.metric`):

* ``support``: the share of a candidate's shingles that at least half of the
  ranked candidates from other extractions also contain;
* precision, recall and F1 of the candidate against each other candidate, and
  its mean F1 against the candidates from other extractions;
* its length in tokens and lines, its ratio to the longest and to each other
  candidate, the share of short lines, of lines ending like a sentence and of
  lines opening like page furniture (:data:`cleaner.extraction.BOILERPLATE`);
  whether it opens with the page's title;
* the page's markup figures (:func:`cleaner.candidates.page_figures`) and the
  scope asked for (headline kept, comments kept).

Every feature is a number computed from the texts and the markup alone: no
domain, URL or string of any page is a feature, so a model learned on some
sites can be applied to any other.  Each text is tokenised once and its
shingles hashed once per page.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import chain

from cleaner.candidates import NAMES, PAGE_FIGURES, extractor_of, ranked
from cleaner.extraction import BOILERPLATE, same_title
from cleaner.tokens import tokens

_TOKEN = re.compile(r"\w+")

CANDIDATE_FEATURES: tuple[str, ...] = (
    *(f"is_{name}" for name in NAMES),
    "plain",
    "empty",
    "log_tokens",
    "log_lines",
    "tokens_per_line",
    "short_line_share",
    "sentence_line_share",
    "furniture_line_share",
    "title_first",
    "title_near_top",
    "ratio_to_longest",
    *(f"ratio_to_{name}" for name in NAMES),
    "support",
    "mean_f1",
    *(f"{m}_vs_{name}" for name in NAMES for m in ("p", "r", "f1")),
)
"""Features of one candidate; a comparison with itself is missing (NaN)."""

PAGE_FEATURES: tuple[str, ...] = (
    *(f"page_{name}" for name in PAGE_FIGURES),
    "scope_headline",
    "scope_comments",
    "max_pair_f1",
    "min_pair_f1",
)
"""Features of the page, the same for every candidate."""

PAIR_FEATURES: tuple[str, ...] = (
    *(f"a_{n}" for n in CANDIDATE_FEATURES),
    *(f"b_{n}" for n in CANDIDATE_FEATURES),
    *(f"d_{n}" for n in CANDIDATE_FEATURES if not n.startswith(("is_", "ratio_to_", "p_", "r_"))),
    *PAGE_FEATURES,
)
"""Features of an ordered pair of candidates (is A better than B?)."""

GUARD_FEATURES: tuple[str, ...] = (*CANDIDATE_FEATURES, *PAGE_FEATURES)
"""Features of one candidate for the lost-article guard."""

_SENTENCE_END = re.compile(r"[.!?…:;。！？»”\"')\]]\s*$")

_DIFFS = [i for i, n in enumerate(CANDIDATE_FEATURES) if f"d_{n}" in PAIR_FEATURES]
_SUPPORT = CANDIDATE_FEATURES.index("support")
_NAN = float("nan")


@dataclass(frozen=True, slots=True)
class Table:
    """Features of one page's candidates.

    Attributes:
        names: Candidate names, in row order.
        candidates: One row of :data:`CANDIDATE_FEATURES` per candidate.
        page: The row of :data:`PAGE_FEATURES`.
        tokens: Token count of each candidate.
    """

    names: tuple[str, ...]
    candidates: list[list[float]]
    page: list[float]
    tokens: list[int]

    def pair(self, a: int, b: int) -> list[float]:
        """The :data:`PAIR_FEATURES` row of candidates ``a`` and ``b``."""
        fa, fb = self.candidates[a], self.candidates[b]
        return [*fa, *fb, *(fa[i] - fb[i] for i in _DIFFS), *self.page]

    def support(self, a: int) -> float:
        """The ``support`` feature of candidate ``a`` (see the module's list)."""
        return self.candidates[a][_SUPPORT]

    def held_in(self, a: int, b: int) -> float:
        """The share of candidate ``a``'s shingles that candidate ``b`` contains."""
        return self.candidates[a][CANDIDATE_FEATURES.index(f"p_vs_{self.names[b]}")]

    def guard(self, a: int) -> list[float]:
        """The :data:`GUARD_FEATURES` row of candidate ``a``."""
        return [*self.candidates[a], *self.page]


def _shingles(tokens: Sequence[str]) -> frozenset[int]:
    """Hashed 4-token shingles, as a set (a shorter text: one shingle of all its tokens).

    A set, not the metric's multiset: repeated shingles are rare in an
    extraction, and set operations run in C (the features take a few ms).
    """
    if len(tokens) < 4:
        return frozenset([hash(tuple(tokens))] if tokens else [])
    return frozenset(map(hash, zip(tokens, tokens[1:], tokens[2:], tokens[3:], strict=False)))


def _prf(a: frozenset[int], b: frozenset[int]) -> tuple[float, float, float]:
    """Precision, recall and F1 of ``a`` scored against ``b`` (on shingle sets)."""
    if not a or not b:
        return 0.0, 0.0, 0.0
    if a is b:
        return 1.0, 1.0, 1.0
    tp = len(a & b)
    p, r = tp / len(a), tp / len(b)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


_Line = tuple[list[str], bool, bool]


def _read(
    text: str, seen: dict[str, _Line] | None = None
) -> tuple[list[str], tuple[int, float, float, float]]:
    """A text's tokens; its non-empty lines and the shares of short, sentence and furniture lines.

    Each line is tokenised once, and the text's tokens are those of its lines.
    ``seen``: lines already read (the candidates of a page share most of theirs),
    with their tokens and whether they end a sentence and look like furniture.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if seen is None:
        seen = {}
    read = []
    for line in lines:
        found = seen.get(line)
        if found is None:
            found = seen[line] = (
                _TOKEN.findall(line),
                _SENTENCE_END.search(line) is not None,
                len(line) < 200 and BOILERPLATE.search(line) is not None,
            )
        read.append(found)
    n = max(1, len(lines))
    short = sum(1 for words, _, _ in read if len(words) < 6)
    sentences = sum(1 for _, sentence, _ in read if sentence)
    furniture = sum(1 for _, _, boilerplate in read if boilerplate)
    tokens = list(chain.from_iterable(words for words, _, _ in read))
    return tokens, (len(lines), short / n, sentences / n, furniture / n)


def _title_lines(text: str, title: list[str]) -> tuple[float, float]:
    """Whether the first line, and whether one of the first three, repeats the title."""
    if not title:
        return 0.0, 0.0
    lines = [line for line in text[:2000].splitlines() if line.strip()]
    found = [same_title(tokens(line), title) for line in lines[:3]]
    return (1.0 if found and found[0] else 0.0), (1.0 if any(found) else 0.0)


def table(
    texts: Mapping[str, str],
    page: Mapping[str, float],
    *,
    title: str | None = None,
    headline: bool,
    comments: bool,
) -> Table:
    """Compute the features of every candidate of one page.

    Args:
        texts: Candidate texts by name (the names of :data:`cleaner.candidates.NAMES`).
        page: The page's markup figures (:func:`cleaner.candidates.page_figures`).
        title: The page's title (metadata), when known.
        headline: The headline is wanted in the text (``CleanerConfig.keep_headline``).
        comments: Comments are wanted (``CleanerConfig.keep_comments``).

    >>> t = table({"cleaner": "a b c d e", "readability": "a b c d e", "resiliparse": ""},
    ...           {}, headline=False, comments=False)
    >>> row = dict(zip(CANDIDATE_FEATURES, t.candidates[0]))
    >>> row["support"], row["f1_vs_readability"], row["empty"]
    (1.0, 1.0, 0.0)
    """
    names = tuple(n for n in NAMES if n in texts)
    unique = _read_all(texts, names)
    toks = [unique[texts[n]][0] for n in names]
    sh = [unique[texts[n]][1] for n in names]
    prf = _pairwise(sh)
    # The fallbacks (cleaner.candidates.FALLBACKS) are described, but do not vote:
    # agreement, the longest text and the page's pair figures are the ranked
    # candidates', so that adding a fallback leaves the ranked ones' features as they were.
    voters = ranked(names)
    votes = _Votes(names, voters, sh)
    longest = max((len(toks[j]) for j in voters), default=0)
    title_tokens = tokens(title or "")
    by_name = {names[j]: j for j in range(len(names))}
    rows: list[list[float]] = []
    for i, name in enumerate(names):
        text = texts[name]
        n_lines, short, sentences, furniture = unique[text][2]
        # Agreement counts only other extractions: a candidate's own variant agrees
        # with it by construction.
        others = [j for j in voters if extractor_of(names[j]) != extractor_of(name)]
        ratios, vs = _versus(i, toks, prf, by_name)
        f1s = [prf[i, j][2] for j in others]
        rows.append(
            [
                *(1.0 if name == n else 0.0 for n in NAMES),
                1.0 if name != extractor_of(name) else 0.0,
                0.0 if toks[i] else 1.0,
                math.log1p(len(toks[i])),
                math.log1p(n_lines),
                len(toks[i]) / max(1, n_lines),
                short,
                sentences,
                furniture,
                *_title_lines(text, title_tokens),
                (len(toks[i]) + 1) / (longest + 1),
                *ratios,
                votes.support(i, others),
                sum(f1s) / len(f1s) if f1s else 0.0,
                *vs,
            ]
        )
    page_row = _page_row(page, names, voters, prf, headline=headline, comments=comments)
    return Table(names, rows, page_row, [len(t) for t in toks])


_Shape = tuple[int, float, float, float]


def _read_all(
    texts: Mapping[str, str], names: tuple[str, ...]
) -> dict[str, tuple[list[str], frozenset[int], _Shape]]:
    """Each distinct text of the candidates ``names``: tokens, shingles and shape (:func:`_read`).

    Variants of one extraction are often the same text: each text is read once,
    and each distinct line of the page's candidates too.
    """
    unique: dict[str, tuple[list[str], frozenset[int], _Shape]] = {}
    lines: dict[str, _Line] = {}
    for n in names:
        if texts[n] not in unique:
            words, shape = _read(texts[n], lines)
            unique[texts[n]] = (words, _shingles(words), shape)
    return unique


def _pairwise(sh: list[frozenset[int]]) -> dict[tuple[int, int], tuple[float, float, float]]:
    """Precision, recall and F1 of every candidate against every other, by index pair."""
    k = len(sh)
    prf: dict[tuple[int, int], tuple[float, float, float]] = {}
    for i in range(k):
        for j in range(i + 1, k):
            p, r, f = _prf(sh[i], sh[j])
            prf[i, j] = (p, r, f)
            prf[j, i] = (r, p, f)
    return prf


class _Votes:
    """How many ranked candidates hold each shingle, in all and per extraction.

    Counted once, read by every candidate's support.
    """

    def __init__(self, names: tuple[str, ...], voters: list[int], sh: list[frozenset[int]]) -> None:
        self.names = names
        self.sh = sh
        self.held_by: Counter[int] = Counter()
        self.held_in: dict[str, Counter[int]] = {}
        for j in voters:
            self.held_by.update(sh[j])
            self.held_in.setdefault(extractor_of(names[j]), Counter()).update(sh[j])
        self.nobody: Counter[int] = Counter()

    def support(self, i: int, others: list[int]) -> float:
        """The share of candidate ``i``'s shingles that half of the other extractions hold."""
        need = math.ceil(len(others) / 2)
        own = self.held_in.get(extractor_of(self.names[i]), self.nobody)
        held_by = self.held_by
        if self.sh[i] and others:
            return sum(1 for g in self.sh[i] if held_by[g] - own[g] >= need) / len(self.sh[i])
        return 0.0


def _versus(
    i: int,
    toks: list[list[str]],
    prf: dict[tuple[int, int], tuple[float, float, float]],
    by_name: dict[str, int],
) -> tuple[list[float], list[float]]:
    """Candidate ``i``'s length ratio, precision, recall and F1 against each of :data:`NAMES`."""
    ratios = []
    vs: list[float] = []
    for other in NAMES:
        o = by_name.get(other)
        if o is None or o == i:
            ratios.append(_NAN)
            vs += [_NAN, _NAN, _NAN]
        else:
            ratios.append((len(toks[i]) + 1) / (len(toks[o]) + 1))
            vs += list(prf[i, o])
    return ratios, vs


def _page_row(
    page: Mapping[str, float],
    names: tuple[str, ...],
    voters: list[int],
    prf: dict[tuple[int, int], tuple[float, float, float]],
    *,
    headline: bool,
    comments: bool,
) -> list[float]:
    """The page's features: its markup figures, the scope, and how far the extractions agree."""
    pair_f1 = [
        prf[i, j][2]
        for i in voters
        for j in voters
        if i < j and extractor_of(names[i]) != extractor_of(names[j])
    ]
    page_row = [
        math.log1p(page.get(n, 0.0)) if n not in ("link_share",) else page.get(n, 0.0)
        for n in PAGE_FIGURES
    ]
    page_row += [
        1.0 if headline else 0.0,
        1.0 if comments else 0.0,
        max(pair_f1, default=0.0),
        min(pair_f1, default=0.0),
    ]
    return page_row
