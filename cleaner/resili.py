"""Main content by resiliparse: the article span of the default mode, the whole fast mode.

resiliparse (ChatNoir/Webis, a C++ HTML5 parser with a main-content
extractor) finds an article's text at about a tenth of the cost of a
trafilatura pass, with high recall and middling precision: it keeps the
standfirst, captions and some sidebars.  Two uses follow from that:

* **default mode**: its text bounds the article span in trafilatura's recall
  pass (:func:`cleaner.extraction.span_merge`), the job a second, precision
  trafilatura pass did at ten times the cost;
* **fast mode** (``CleanerConfig.html_fast``): its blocks, followed by the block
  filters of :mod:`cleaner.extraction`, are the extraction; the page is parsed
  once, by resiliparse.

Its minimal-HTML output (paragraphs, headings, lists, links) is turned into
the XML body trafilatura produces (``p``, ``head``, ``list``/``item``, ``ref``),
so both modes share the block filters, link density and text serialisation.

resiliparse's main-content pass takes time quadratic in the depth of the
tree (seconds at 20,000 nested elements, minutes at 100,000), so a page
nested deeper than :data:`MAX_DEPTH` is not given to it: :func:`main_body`
returns ``None``, as for a page with no main content.  Real pages nest a few
dozen levels.
"""

from __future__ import annotations

from typing import Any

import regex
from lxml import etree
from lxml.html import fragment_fromstring
from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLTree

OPTIONS: dict[str, Any] = {
    "preserve_formatting": "minimal_html",
    "main_content": True,
    "links": True,
    "list_bullets": False,
    "alt_texts": False,
    "form_fields": False,
    "noscript": False,
    "comments": False,
}
"""resiliparse settings: main content with structure and links, no comment
sections, bullets, alt texts or form fields (none of them article text)."""

_NOT_XML = regex.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TAGS = {
    "a": "ref",
    "ul": "list",
    "ol": "list",
    "li": "item",
    "br": "lb",
    **{f"h{level}": "head" for level in range(1, 7)},
}


def to_body(markup: str) -> Any:
    """Turn resiliparse's minimal HTML into a trafilatura-style XML body (``None`` if empty).

    >>> body = to_body('<h2>Title</h2><p>See <a href="/x">this</a>.</p><ul><li>one</li></ul>')
    >>> [e.tag for e in body.iter()]
    ['body', 'head', 'p', 'ref', 'list', 'item']
    """
    if not markup.strip():
        return None
    # XML bodies refuse control characters; the HTML parser let them through.
    fragment = fragment_fromstring(_NOT_XML.sub("", markup), create_parent="div")
    body = etree.Element("body")
    body.text = fragment.text
    body.extend(fragment)
    for element in body.iter():
        if element is not body:
            element.tag = _TAGS.get(str(element.tag), "p")
            element.attrib.clear()
    return body


MAX_DEPTH = 400
"""Deepest nesting of elements given to resiliparse's main-content pass."""

# Matches an element with MAX_DEPTH ancestors; lexbor matches selectors right to
# left, so on a page of ordinary depth each element costs a walk up its ancestors.
_TOO_DEEP = "*" + " > *" * MAX_DEPTH


def parse_page(html: str) -> HTMLTree:
    """Parse a page with resiliparse (lexbor's HTML5 parser; never fails on bad markup)."""
    return HTMLTree.parse(html)


def too_deep(page: HTMLTree) -> bool:
    """Tell whether some element of the page is nested deeper than :data:`MAX_DEPTH`.

    >>> too_deep(parse_page("<div>" * 450 + "text")), too_deep(parse_page("<div>text</div>"))
    (True, False)
    """
    return page.document is not None and page.document.query_selector(_TOO_DEEP) is not None


def main_text(page: HTMLTree, *, deep: bool | None = None) -> str:
    """The main content of a parsed page by resiliparse at its defaults, as plain text.

    Empty for a page nested deeper than :data:`MAX_DEPTH`.  Unlike :func:`main_body`,
    comment sections are not set apart: this is the text a user of resiliparse
    would get (a candidate of the learned choice, :mod:`cleaner.candidates`).
    ``deep``: :func:`too_deep` of the page, when already known.
    """
    if too_deep(page) if deep is None else deep:
        return ""
    return str(extract_plain_text(page, main_content=True))


_PAGE_TEXT: dict[str, Any] = {
    "main_content": False,
    "links": False,
    "list_bullets": False,
    "alt_texts": False,
    "form_fields": False,
    "noscript": False,
}


def prose_coverage(page: HTMLTree, text: str, min_line_words: int) -> tuple[int, int]:
    """How much of the page's prose an extraction holds: ``(words held, words of prose)``.

    The page's prose is every line of its whole text (resiliparse without
    main-content selection) with at least ``min_line_words`` words; a line is
    held when its first 60 characters occur in ``text`` (whitespace runs read
    as one space).  An extraction that holds little of a page rich in prose
    missed its article.

    >>> page = parse_page("<nav>Home</nav><p>" + "word " * 20 + "</p><p>" + "other " * 20 + "</p>")
    >>> prose_coverage(page, "word " * 20, 15)
    (20, 40)
    """
    held = " ".join(text.split())
    covered = total = 0
    for line in str(extract_plain_text(page, **_PAGE_TEXT)).split("\n"):
        words = line.split()
        if len(words) >= min_line_words:
            total += len(words)
            if " ".join(words)[:60] in held:
                covered += len(words)
    return covered, total


def main_body(page: HTMLTree | str, *, comments: bool = False, deep: bool | None = None) -> Any:
    """The main content of a page (a parsed tree or its HTML) as an XML body, or ``None``.

    ``None`` too for a page nested deeper than :data:`MAX_DEPTH`.  ``comments``
    keeps the page's comment sections (``CleanerConfig.keep_comments``); ``deep``:
    :func:`too_deep` of the page, when already known.
    """
    tree = parse_page(page) if isinstance(page, str) else page
    if too_deep(tree) if deep is None else deep:
        return None
    options = {**OPTIONS, "comments": True} if comments else OPTIONS
    return to_body(extract_plain_text(tree, **options))
