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
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from lxml import html as lxml_html
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlEntity,
    HTMLParser,
    HtmlProcessingInstruction,
    fragment_fromstring,
    xhtml_to_html,
)
from lxml.html.defs import link_attrs
from readability import Document as ReadabilityDocument
from readability.cleaners import html_cleaner
from readability.readability import REGEXES as READABILITY_REGEXES

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


_PARSER = HTMLParser(encoding="utf-8")
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)
"""readability-lxml's parser (``readability.htmls.utf8_parser``: lxml's HTML parser,
UTF-8) with one class for every element, so that a Python object for an element
is made without calling lxml.html's per-tag lookup (form controls get their
own classes there, whose extra properties readability never reads)."""

_KILLED = ("script", "style", "link", etree.Comment, etree.ProcessingInstruction)
"""What readability's cleaner (``readability.cleaners.html_cleaner``) removes with its tail kept."""

_LINK_ATTRIBUTES = frozenset(link_attrs)
"""The attributes lxml reads links from, on any element but ``<object>``."""

_SUSPECT = re.compile(r"[%+\s\x00-\x08\x0B\x0C\x0E-\x19]|script:|data:|about:|mocha:", re.I)
"""What a link needs for lxml_html_clean to blank it: an address without any of
these is its own decoded, space-free form, and holds none of the schemes it blanks."""


def _blank_javascript_links(doc: HtmlElement) -> None:
    """Blank ``javascript:`` (and such) links and strip spaces around links, as the cleaner does.

    lxml_html_clean's ``doc.rewrite_links(cleaner._remove_javascript_link)``,
    which walks every element's every link in Python, for the same tree:
    a link with nothing :data:`_SUSPECT` is kept, stripped of surrounding
    spaces, without decoding it; ``<meta>`` and ``<param>`` (whose links depend on
    other attributes) and pages with an ``<object>`` (links relative to its
    ``codebase``) are left to lxml.  Links in CSS are not rewritten: the style
    attributes and elements that hold them are removed right after.
    """
    blank = html_cleaner._remove_javascript_link
    if next(doc.iter("object"), None) is not None:
        doc.rewrite_links(blank, resolve_base_href=False)
        return
    for element in doc.iter(etree.Element):
        if element.tag in ("meta", "param"):
            element.rewrite_links(blank, resolve_base_href=False)
            continue
        attrib = element.attrib
        if not attrib:
            continue
        for name in _LINK_ATTRIBUTES.intersection(attrib.keys()):
            link = attrib[name]
            stripped = link.strip()
            new = blank(stripped) if _SUSPECT.search(stripped) else stripped
            if new != link:
                element.set(name, new)


def _clean(doc: HtmlElement) -> None:
    """Clean a parsed page as readability does, in place, at the cost of a few C passes.

    The same tree as ``html_cleaner(doc)`` (lxml_html_clean with scripts, styles,
    ``<link>``, comments, processing instructions and event attributes removed,
    ``javascript:`` addresses blanked: :func:`_blank_javascript_links`), with C
    passes where the cleaner walks the tree in Python.  readability's retry
    depends on the length of the cleaned article's markup, so the tree must be
    the same, attributes included.
    """
    xhtml_to_html(doc)
    for element in doc.iter("image"):
        element.tag = "img"
    for attribute in doc.xpath("//@*[starts-with(name(), 'on')]"):
        del attribute.getparent().attrib[attribute.attrname]
    _blank_javascript_links(doc)
    etree.strip_attributes(doc, "style")
    etree.strip_elements(doc, *_KILLED, with_tail=False)


_INLINE_TAGS = frozenset("a b cite code em font i small span strong sub sup u".split())
"""readability's inline tags: a run of them in a ``<div>`` becomes a paragraph."""


class _Readability(ReadabilityDocument):  # type: ignore[misc]
    """readability-lxml's ``Document`` with a cheaper parse and cleaning, same article.

    ``_parse`` is readability's own (parse, drop hidden elements, clean, resolve
    ``<base href>``) with :data:`_PARSER` and :func:`_clean`; readability calls it
    at each of its attempts, on the page as given.
    """

    def _parse(self, input: str) -> HtmlElement:
        doc = lxml_html.document_fromstring(input.encode("utf-8", "replace"), parser=_PARSER)
        for element in doc.xpath("//*[@hidden]"):
            element.drop_tree()
        for element in doc.xpath("//*[@style]"):
            if READABILITY_REGEXES["displayNoneRe"].search(element.get("style")):
                element.drop_tree()
        _clean(doc)
        doc.resolve_base_href(handle_failures=self.handle_failures)
        return doc

    def remove_unlikely_candidates(self) -> None:
        """readability's, over the elements with a class or an id (no other can match).

        Nor is a debug message formatted for each removal.
        """
        unlikely = READABILITY_REGEXES["unlikelyCandidatesRe"]
        maybe = READABILITY_REGEXES["okMaybeItsACandidateRe"]
        for element in self.html.xpath(".//*[@class or @id]"):
            marks = "{} {}".format(element.get("class", ""), element.get("id", ""))
            if (
                unlikely.search(marks)
                and not maybe.search(marks)
                and element.tag not in ("html", "body")
                and not element.xpath("ancestor-or-self::pre | ancestor-or-self::code")
                and not element.xpath(
                    "descendant-or-self::main | descendant-or-self::article | "
                    "descendant-or-self::math"
                )
            ):
                element.drop_tree()

    def transform_misused_divs_into_paragraphs(self) -> None:
        """readability's, without serialising every ``<div>``'s children to find a block in them.

        readability turns a ``<div>`` into a ``<p>`` when the markup of its children
        holds no block tag (its ``divToPElementsRe``): with no comment or
        processing instruction left, that markup opens a tag for each element
        below the ``<div>`` and nowhere else (text and attributes are escaped),
        so the test is whether an element below matches; one pass marks the
        elements with such an element below them.  The rest is readability's.
        """
        root = self.html
        if root.xpath("boolean(//comment() | //processing-instruction())"):
            super().transform_misused_divs_into_paragraphs()
            return
        block = READABILITY_REGEXES["divToPElementsRe"]
        holding: set[HtmlElement] = set()
        for element in root.iter(etree.Element):
            if block.match("<" + element.tag):
                for above in element.iterancestors():
                    if above in holding:
                        break
                    holding.add(above)
        for element in self.tags(root, "div"):
            if element not in holding:
                element.tag = "p"
        self._wrap_inline_runs()

    def _wrap_inline_runs(self) -> None:
        """The second half of readability's ``transform_misused_divs_into_paragraphs``, as is."""
        inline_tags = _INLINE_TAGS
        for elem in self.tags(self.html, "div"):
            children = list(elem)
            paragraph = None
            if elem.text and elem.text.strip():
                p = fragment_fromstring("<p/>")
                p.text = elem.text
                elem.text = None
                elem.insert(0, p)
                paragraph = p
            for child in children:
                if child.tag == "br":
                    paragraph = None
                    continue
                if child.tag not in inline_tags or READABILITY_REGEXES["divToPElementsRe"].search(
                    etree.tounicode(child, method="html")
                ):
                    paragraph = None
                    continue
                if paragraph is None:
                    paragraph = fragment_fromstring("<p/>")
                    child.addprevious(paragraph)
                paragraph.append(child)
            for pos, child in reversed(list(enumerate(elem))):
                if child.tail and child.tail.strip():
                    p = fragment_fromstring("<p/>")
                    p.text = child.tail
                    child.tail = None
                    elem.insert(pos + 1, p)
                if child.tag == "br":
                    child.drop_tree()


def readability_text(html: str) -> str:
    """readability-lxml's article of a page as text (empty when it finds none).

    Read by :class:`_Readability`: the same text as ``Document(html).summary()``
    (``tests/test_html_equivalence.py`` compares them) at about two thirds of its cost.
    """
    if not html.strip():
        return ""
    try:
        return fragment_text(_Readability(html).summary(html_partial=True))
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
    readability-lxml reads the page as it came but for the site pack's
    ``html:`` rules (``html``, :attr:`cleaner.htmlpipeline.Candidate.html`): the generic HTML-level
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
