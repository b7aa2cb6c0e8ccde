"""Cheaper computations of the HTML path give exactly what the plain ones give.

readability-lxml's article is read with a cheaper parse and cleaning
(:func:`cleaner.candidates.readability_text`); these tests hold it to
readability-lxml's own ``Document`` on the bundled page, on pages made to
exercise what its cleaning removes, on generated markup and on the shared
development pages.  The page's own parse (:func:`cleaner.html.parse`) is held
to trafilatura's ``load_html`` the same way.
"""

from __future__ import annotations

import gzip

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml.html import tostring
from readability import Document
from trafilatura.utils import load_html

from cleaner import html
from cleaner.candidates import fragment_text, readability_text
from tests.conftest import ROOT

DEV = ROOT.parent / "shared" / "eval" / "dev"


def reference(html: str) -> str:
    """readability-lxml's article by its own ``Document``, as text."""
    if not html.strip():
        return ""
    try:
        return fragment_text(Document(html).summary(html_partial=True))
    except Exception:  # readability raises on pages it cannot read
        return ""


PARAGRAPH = (
    "<p>The council voted on Tuesday to reopen the harbour bridge, closed since the "
    "spring storms, after engineers found the repairs sound and the budget met.</p>"
)

PAGES = [
    "",
    "<html><body></body></html>",
    # Scripts, styles, links, comments and processing instructions, with tails kept.
    "<html><head><link rel=stylesheet href=a.css><style>p{}</style></head><body>"
    "<div class=article>" + PARAGRAPH * 3 + "<script>var x = 1;</script>tail one"
    "<!-- a comment -->tail two<?pi x?>tail three<style>.x{}</style>" + PARAGRAPH + "</div>"
    "</body></html>",
    # Hidden elements, display:none, event attributes, <image>.
    "<html><body><div id=content onclick='go()'>"
    + PARAGRAPH * 2
    + "<div hidden>"
    + PARAGRAPH
    + "</div><div style='display: none'>"
    + PARAGRAPH
    + "</div><image src=x.png>"
    + PARAGRAPH
    + "</div></body></html>",
    # Videos: an iframe's address decides whether it stays (as "VIDEO").
    "<html><body><div class=post>"
    + PARAGRAPH * 2
    + "<iframe src=' https://www.youtube.com/embed/x '></iframe>"
    + "<iframe src='javascript:alert(1)'></iframe>"
    + "<iframe src='https://www.youtube.com/embed/y?x=javascript:1'></iframe>"
    + "<iframe src='https://vimeo.com/1'></iframe>"
    + PARAGRAPH
    + "</div></body></html>",
    # <base href> resolves links, a javascript: one is blanked first.
    "<html><head><base href='https://www.youtube.com/'></head><body><div class=entry>"
    + PARAGRAPH * 2
    + "<iframe src='/embed/z'></iframe>"
    + PARAGRAPH
    + "</div></body></html>",
    "<html><head><base href='javascript:x'></head><body><div class=entry>"
    + PARAGRAPH * 2
    + "<iframe src='//www.youtube.com/embed/z'></iframe>"
    + PARAGRAPH
    + "</div></body></html>",
    # Forms and their controls, unlikely candidates, a short page that is retried.
    "<html><body><div class=sidebar>menu</div><form><label>Name<input value=x></label>"
    "<textarea>t</textarea><select><option>o</option></select></form><div class=comment>"
    + PARAGRAPH
    + "</div><article>"
    + PARAGRAPH * 2
    + "</article></body></html>",
    "<html><body><p>Too short.</p></body></html>",
]


@pytest.mark.parametrize("page", PAGES)
def test_readability_text_is_readability_lxmls_article(page: str) -> None:
    assert readability_text(page) == reference(page)


def test_readability_text_of_the_bundled_page(article: bytes) -> None:
    page = article.decode("utf-8")
    assert readability_text(page) == reference(page)
    assert readability_text(page)


_TAGS = [
    "div",
    "p",
    "span",
    "a",
    "section",
    "article",
    "ul",
    "li",
    "h2",
    "table",
    "td",
    "form",
    "iframe",
    "script",
    "style",
    "image",
    "pre",
    "blockquote",
]
_ATTRS = [
    "",
    " class=content",
    " class='comment sidebar'",
    " id=main",
    " id=footer",
    " hidden",
    " style='display:none'",
    " style='color: red'",
    " onclick=go()",
    " src='https://www.youtube.com/embed/v'",
    " src='javascript:void(0)'",
    " href='javascript:void(0)'",
    " href=' https://example.org/a '",
    " style='background: url(javascript:x)'",
    " href='java%73cript:x'",
    " src=' ja+vascript:x'",
    " codebase='https://example.org/' data='javascript:x'",
    " valuetype=ref value='javascript:x'",
    " http-equiv=refresh content='0; url=javascript:x'",
]
_WORDS = st.sampled_from(["the", "council", "voted.", "bridge", "Reopens", "storm,", "sign up"])


@st.composite
def markup(draw: st.DrawFn, depth: int = 0) -> str:
    """A random HTML fragment of the tags and attributes readability's cleaning handles."""
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.integers(0, 5))
        if kind == 0 or depth >= 4:
            parts.append(" ".join(draw(st.lists(_WORDS, min_size=1, max_size=40))))
        elif kind == 1:
            parts.append("<!-- note -->")
        else:
            tag = draw(st.sampled_from(_TAGS))
            attrs = draw(st.sampled_from(_ATTRS))
            parts.append(f"<{tag}{attrs}>{draw(markup(depth + 1))}</{tag}>")
    return "".join(parts)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markup())
def test_readability_text_on_generated_markup(body: str) -> None:
    page = f"<html><head><title>t</title></head><body>{body}</body></html>"
    assert readability_text(page) == reference(page)


@pytest.mark.skipif(not DEV.is_dir(), reason=f"shared dev corpus not found at {DEV}")
def test_readability_text_on_the_dev_pages() -> None:
    for path in sorted(DEV.glob("*.html.gz"))[:20]:
        page = gzip.decompress(path.read_bytes()).decode("utf-8")
        assert readability_text(page) == reference(page), path.name


LOADED = [
    *PAGES[1:],
    "<p>Not a page, one block</p>",
    "<div>two</div><p>blocks</p>",
    '<?xml version="1.0" encoding="utf-8"?><html><body><p>declared</p></body></html>',
    "<!DOCTYPE html>\n<html/>\n<body><p>self-closed root</p></body>",
    "<html><body><form><input value=x><select><option>o</select></form>\x0btext</body></html>",
]


@pytest.mark.parametrize("page", LOADED)
def test_parse_is_trafilaturas_load_html(page: str) -> None:
    ours, theirs = html.parse(page), load_html(page)
    assert (ours is None) == (theirs is None)
    if ours is not None:
        assert tostring(ours) == tostring(theirs)


@pytest.mark.skipif(not DEV.is_dir(), reason=f"shared dev corpus not found at {DEV}")
def test_parse_on_the_dev_pages() -> None:
    for path in sorted(DEV.glob("*.html.gz"))[:20]:
        page = gzip.decompress(path.read_bytes()).decode("utf-8")
        assert tostring(html.parse(page)) == tostring(load_html(page)), path.name
