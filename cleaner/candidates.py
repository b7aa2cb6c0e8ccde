"""Candidate extractions of one page, for the learned choice of :mod:`cleaner.choice`.

No extractor is best on every page: the cleaner's own extraction (a
trafilatura pass bounded by resiliparse, then block filters) is precise on
modern news markup, readability-lxml holds better on old table layouts and
pages where the span merge picks the wrong block, and resiliparse's main
content keeps articles the others cut short.  The default HTML mode therefore
produces all three and lets a model choose per page.  The extractions:

* ``cleaner``: :func:`cleaner.extraction.extract_main`'s text;
* ``readability``: readability-lxml's article (``Document(html).summary()``),
  flattened to one line per block;
* ``resiliparse``: resiliparse's main content (the span source of
  ``extract_main``, before the block filters), at no extra parse;
* ``recall``: trafilatura's recall pass alone, before the span merge and the
  block filters (already computed: it holds the article when the merge keeps
  the wrong source);
* ``resiliparse_page``: resiliparse's main content of the page as it came, at
  its defaults (HTML-level removals and the span's settings, comment sections
  set apart, sometimes take the article with them; a parse shared with the
  span source when no removal changed the page).

The first three go through the text pipeline twice, whole and without its
generic rules and heuristics (``_plain``): those were tuned on modern news
extractions and sometimes cut what another extractor's output or another set's
convention keeps, so whether to apply them is part of the choice.  The two
fallbacks go through it plain only.  The results are the candidates
(:data:`NAMES`).

Besides the texts, a few figures of the page's markup (counts of paragraphs,
links, tables; the share of text inside links) go to the features: they tell a
list page or an old table layout from an article.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from lxml import html as lxml_html
from lxml.html import HtmlElement
from readability import Document as ReadabilityDocument

from cleaner import resili

log = logging.getLogger(__name__)

EXTRACTORS = ("cleaner", "readability", "resiliparse", "recall", "resiliparse_page")
"""The extractions of a page, in the order the features and models read them."""

NAMES = (
    "cleaner",
    "cleaner_plain",
    "readability",
    "readability_plain",
    "resiliparse",
    "resiliparse_plain",
    "recall_plain",
    "resiliparse_page_plain",
)
"""The candidates: each extraction after the whole text pipeline, and after the
pipeline without its generic rules and heuristics (``_plain``: canonical form
and site packs only).  The two fallback extractions (``recall``,
``resiliparse_page``) come plain only: they are there for the pages the others
lose, and the whole pipeline is the dearer half of a candidate's cost."""

FALLBACKS = ("recall_plain", "resiliparse_page_plain")
"""Candidates the pair model does not rank: only the guard takes one, when the
ranked candidates would lose the article (:func:`cleaner.choice.decide`).
Ranked beside the others they cost .07 F1 on ``dragnet-train/`` left out
(chosen on a third of its pages, where they are rarely the best)."""


def ranked(names: tuple[str, ...]) -> list[int]:
    """Indices of the candidates the pair model ranks (not :data:`FALLBACKS`).

    >>> ranked(("cleaner", "recall_plain", "readability"))
    [0, 2]
    """
    return [i for i, name in enumerate(names) if name not in FALLBACKS]


def extractor_of(name: str) -> str:
    """The extraction a candidate comes from.

    >>> extractor_of("readability_plain"), extractor_of("cleaner")
    ('readability', 'cleaner')
    """
    return name.removesuffix("_plain")


_BLOCK_TAGS = (
    "p",
    "div",
    "section",
    "article",
    "li",
    "br",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "table",
    "ul",
    "ol",
    "dd",
    "dt",
    "figcaption",
)

PAGE_FIGURES = (
    "elements",
    "p",
    "a",
    "table",
    "li",
    "div",
    "h",
    "form",
    "comment_marks",
    "text_chars",
    "link_share",
)
"""Markup figures of a page, in feature order (see :func:`page_figures`)."""


@dataclass(slots=True)
class Candidates:
    """The candidate texts of one page and figures of its markup.

    Attributes:
        texts: Text of each candidate, by name (see :data:`NAMES`).
        page: Markup figures of the page, by name (see :data:`PAGE_FIGURES`).
    """

    texts: dict[str, str] = field(default_factory=dict)
    page: dict[str, float] = field(default_factory=dict)


def fragment_text(fragment: str, blocks: tuple[str, ...] = _BLOCK_TAGS) -> str:
    """The text of an HTML fragment, one line per element of ``blocks``, blank lines dropped.

    >>> fragment_text("<div><p>One  two</p><p>three</p></div>")
    'One two\\nthree'
    """
    if not fragment.strip():
        return ""
    root = lxml_html.fromstring(fragment)
    for element in root.iter(*blocks):
        element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def readability_text(html: str) -> str:
    """readability-lxml's article of a page as text (empty when it finds none)."""
    if not html.strip():
        return ""
    try:
        return fragment_text(ReadabilityDocument(html).summary(html_partial=True))
    except Exception as exc:  # readability raises on pages it cannot read; one page only
        log.debug("readability-lxml found no article: %s", exc)
        return ""


def page_figures(tree: HtmlElement) -> dict[str, float]:
    """Counts of a page's elements by kind, its text size and the share of text in links.

    Read from the untouched tree: these describe the page, not what pruning left.

    >>> page = "<html><body><p>Hi <a href=x>there</a></p></body></html>"
    >>> f = page_figures(lxml_html.fromstring(page))
    >>> f["p"], f["a"], round(f["link_share"], 2)
    (1.0, 1.0, 0.71)
    """
    counts = dict.fromkeys(PAGE_FIGURES, 0.0)
    kinds = {"p": "p", "a": "a", "table": "table", "li": "li", "div": "div", "form": "form"}
    kinds.update({f"h{n}": "h" for n in range(1, 7)})
    link_chars = 0
    for element in tree.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue
        counts["elements"] += 1
        kind = kinds.get(tag)
        if kind is not None:
            counts[kind] += 1
        if tag == "a":
            link_chars += len("".join(element.itertext()).strip())
        marks = (element.get("class") or "") + " " + (element.get("id") or "")
        if "comment" in marks.lower():
            counts["comment_marks"] += 1
    body: Any = tree.find("body")
    text = "".join((body if body is not None else tree).itertext())
    chars = len("".join(text.split()))
    counts["text_chars"] = float(chars)
    counts["link_share"] = min(1.0, link_chars / chars) if chars else 0.0
    return counts


EXTRACTOR_NAMES = {
    "cleaner": "trafilatura+resiliparse",
    "readability": "readability-lxml",
    "resiliparse": "resiliparse",
    "recall": "trafilatura",
    "resiliparse_page": "resiliparse",
}
"""The extractor behind each candidate, as recorded in ``source.extractor.name``."""


def candidate_texts(extraction: Any, html: str) -> dict[str, str]:
    """The extractions of a page, given the cleaner's own (``extraction``).

    resiliparse's text is the span source of that extraction (the pruned page,
    before the block filters).
    readability-lxml reads the page as it came (``html``): the HTML-level
    removals cost it .008 F1 on Readability.js's test pages, whose scoring
    weighs the very elements they remove.  resiliparse on the page as it came
    scores .02 F1 lower than on the pruned page on ``dev/`` and
    ``dragnet-train/``, but holds the article on some pages the pruning empties:
    it is a candidate beside the span source, not instead of it.
    """
    page_text = extraction.page_text
    if page_text is None:
        page_text = resili.main_text(resili.parse_page(html)) if html.strip() else ""
    return {
        "cleaner": extraction.text,
        "readability": readability_text(html),
        "resiliparse": extraction.span_text,
        "recall": extraction.recall_text,
        "resiliparse_page": page_text,
    }
