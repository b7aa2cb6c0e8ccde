"""HTML input: decoding, metadata, pack html rules, HTML heuristics, provenance."""

from __future__ import annotations

import codecs
import gzip
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from trafilatura.xpaths import AUTHOR_XPATHS

import cleaner
from cleaner.canonical import is_canonical
from cleaner.cli import main
from cleaner.config import CleanerConfig
from cleaner.detectors import of_stage
from cleaner.extraction import Extraction, block_filters, html_span_merge
from cleaner.html import AUTHOR_XPATH, DecodeError, parse
from cleaner.htmlrules import apply_heuristics
from cleaner.provenance import verify
from cleaner.rules.loader import RulePackError, load_pack

BODY_PARAGRAPHS = (
    "The harbour bridge reopened to traffic on Monday morning",
    "Engineers replaced the corroded steel cables",
    "Commuters who had faced long detours",
    "The mayor thanked residents for their patience",
)


def test_article_text_metadata_and_provenance(article: bytes) -> None:
    result = cleaner.clean_html(article)
    for start in BODY_PARAGRAPHS:
        assert start in result.text
    for noise in ("Harbour bridge reopens", "Share this story", "Advertisement", "Ferry timetable"):
        assert noise not in result.text
    assert result.metadata == {
        "title": "Harbour bridge reopens after repairs",
        "author": "Maria Lopez",
        "date": "2021-06-28",
        "site_name": "Coastal Courier",
        "language": "en",
        "url": "https://news.example.org/local/harbour-bridge-reopens",
    }
    prov = result.provenance
    assert prov["source"]["decoding"] == {"encoding": "utf-8", "method": "meta"}
    assert prov["source"]["extractor"]["name"] == "trafilatura+resiliparse"
    rules = {r["rule"] for r in prov["html_removals"]}
    assert {"generic/html_widgets", "generic/html_headline"} <= rules
    for removal in prov["html_removals"]:
        # Inert elements (scripts, styles) render no text: recorded with 0 characters.
        visible = removal["rule"] != "generic/html_inert"
        assert removal["elements"] >= 1 and (removal["chars"] >= 1 or not visible)
        assert prov["rules"][removal["rule"]]
    assert verify(prov, result.text) == []


def test_str_and_bytes_give_the_same_text(article: bytes) -> None:
    assert cleaner.clean_html(article.decode("utf-8")).text == cleaner.clean_html(article).text
    assert "decoding" not in cleaner.clean_html(article.decode("utf-8")).provenance["source"]


@pytest.mark.parametrize(
    ("encode", "encoding", "method"),
    [
        (lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"), "utf-16", "bom"),
        (lambda t: t.replace("utf-8", "windows-1252").encode("cp1252"), "cp1252", "meta"),
        (lambda t: t.replace('<meta charset="utf-8">', "").encode("utf-8"), "utf-8", "utf-8"),
    ],
)
def test_decoding_is_recorded(article: bytes, encode: object, encoding: str, method: str) -> None:
    page = article.decode("utf-8").replace("Monday", "Monday café")
    result = cleaner.clean_html(encode(page))  # type: ignore[operator]
    assert result.provenance["source"]["decoding"] == {"encoding": encoding, "method": method}
    assert "Monday café morning" in result.text


def test_undeclared_legacy_bytes_are_detected(article: bytes) -> None:
    page = article.decode("utf-8").replace('<meta charset="utf-8">', "")
    page = page.replace("Monday", "Montag für Brücke, Straße, Größe, Übergänge")
    result = cleaner.clean_html(page.encode("cp1252"))
    assert result.provenance["source"]["decoding"]["method"] in {"detected", "fallback"}
    assert "Straße" in result.text


def test_no_document_gives_empty_text() -> None:
    for page in ("", "   ", b"", "<html></html>"):
        result = cleaner.clean_html(page)
        assert result.text == ""


PACK = """\
name: news.example.org
version: 1
match:
  domains: [news.example.org]
html:
  body:
    - //div[@id='no-such-body']
    - //article
  strip:
    - //figure
  strip_id_or_class:
    - more-stories
rules: []
"""


def test_pack_html_rules_are_applied_and_recorded(article: bytes, tmp_path: Path) -> None:
    (tmp_path / "news.example.org.yaml").write_text(PACK, "utf-8")
    # The cleaner's own extraction; test_pack_html_rules_hold_for_every_candidate has the choice.
    config = CleanerConfig(html_heuristics=(), html_choice=False)
    engine = cleaner.Cleaner([tmp_path], config=config)
    result = engine.clean_html(article, url="https://news.example.org/local/x")
    removals = {r["rule"]: r for r in result.provenance["html_removals"]}
    body = removals["news.example.org/html_body"]
    assert body["selector"] == "//article" and body["elements"] == 1
    assert body["chars"] >= len("Coastal Courier, 1 Quay Street.")
    assert removals["news.example.org/html_strip"] == {
        "rule": "news.example.org/html_strip",
        "selector": "//figure",
        "elements": 1,
        "chars": len("Workers on the bridge deck in April. Photo by Ana Silva"),
    }
    assert removals["news.example.org/html_strip_id_or_class"]["selector"] == "more-stories"
    assert "Ferry timetable" not in result.text
    for start in BODY_PARAGRAPHS:
        assert start in result.text
    # Another host: the pack does not apply.
    other = engine.clean_html(article, url="https://elsewhere.example.com/x")
    assert not any(r["rule"].startswith("news.") for r in other.provenance["html_removals"])


def test_pack_html_rules_hold_for_every_candidate(article: bytes, tmp_path: Path) -> None:
    """Whichever extraction the choice takes, the site's ``html:`` rules applied to it."""
    (tmp_path / "news.example.org.yaml").write_text(PACK, "utf-8")
    engine = cleaner.Cleaner([tmp_path])
    url = "https://news.example.org/local/x"
    source: dict[str, object] = {}
    chosen = engine.extract_page(article, url=url, source=source)
    site = {r.rule for r in chosen.site_removals}
    assert site == {f"news.example.org/html_{a}" for a in ("body", "strip", "strip_id_or_class")}
    docs = engine.html_candidates(chosen, url=url, site=None, source=source)
    for name, doc in docs.items():
        assert "Photo by Ana Silva" not in doc.text, name
        assert "Ferry timetable" not in doc.text, name
    result = engine.clean_html(article, url=url)
    rules = {r["rule"] for r in result.provenance["html_removals"]}
    assert site <= rules, result.provenance["source"]["extractor"]["name"]


@pytest.mark.parametrize(
    ("html_section", "line", "message"),
    [
        ("html:\n  strip:\n    - '//div[@class='\n", 5, "does not compile"),
        ("html:\n  strip_id_or_class:\n    - 'two words'\n", 5, "does not match"),
        ("html:\n  body: '//article'\n", 5, "is not of type 'array'"),
        ("html: {}\n", 4, "should be non-empty"),
    ],
)
def test_bad_html_section_names_file_and_line(
    tmp_path: Path, html_section: str, line: int, message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(f"name: bad\nversion: 1\nrules: []\n{html_section}", "utf-8")
    with pytest.raises(RulePackError) as info:
        load_pack(path)
    assert str(info.value).startswith(f"{path}:{line}:"), str(info.value)
    assert message in str(info.value)


def test_every_html_heuristic_fires_on_the_article(article: bytes) -> None:
    tree = parse(article.decode("utf-8"))
    assert tree is not None
    every = of_stage("html")
    fired = {r.rule for r in apply_heuristics(tree, CleanerConfig(), names=[d.name for d in every])}
    assert fired == {d.id for d in every}


def test_widget_guard_keeps_an_article_wrapper_named_comments() -> None:
    paragraph = "<p>" + "Long article sentence with many words in it. " * 10 + "</p>"
    tree = parse(f"<html><body><div class='comments-enabled'>{paragraph * 3}</div></body></html>")
    assert tree is not None
    assert apply_heuristics(tree, CleanerConfig(), names=["html_widgets"]) == []


def test_chrome_goes_but_an_article_wrapped_in_aside_stays() -> None:
    paragraph = "<p>" + "Long article sentence with many words in it. " * 10 + "</p>"
    page = (
        "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<aside class='story'>{paragraph * 3}<button>Share</button></aside>"
        "<footer><p>About us</p><nav>Sitemap</nav></footer></body></html>"
    )
    tree = parse(page)
    assert tree is not None
    removals = apply_heuristics(tree, CleanerConfig(), names=["html_chrome"])
    # One record per element name; the footer's own nav is counted with the navs.
    assert [(r.selector, r.elements, r.chars) for r in removals] == [
        ("nav", 2, len("Home News") + len("Sitemap")),
        ("footer", 1, len("About us")),
        ("button", 1, len("Share")),
    ]
    assert [e.tag for e in tree.find("body")] == ["aside"]
    assert len(tree.findall(".//aside/p")) == 3


def _body(xml: str) -> etree._Element:
    return etree.fromstring(f"<body>{xml}</body>")


LONG = "This paragraph of the article carries enough words to count as real prose for the test. "


def test_block_filters_drop_headline_link_blocks_and_furniture() -> None:
    body = _body(
        "<head>Harbour bridge reopens</head>"
        f"<p>{LONG}</p>"
        "<p><ref>Ferry timetable</ref> <ref>Cycle lanes</ref></p>"
        "<p>Read more: the council budget</p>"
        f"<p>{LONG}</p>"
    )
    extraction = Extraction("")
    block_filters(body, [["harbour", "bridge", "reopens"]], CleanerConfig(), extraction)
    assert {r.rule: r.elements for r in extraction.removals} == {
        "generic/html_headline": 1,
        "generic/html_link_blocks": 1,
        "generic/html_boilerplate_blocks": 1,
    }
    assert [p.text for p in body] == [LONG, LONG]


def test_each_block_filter_drops_what_it_finds_without_the_others() -> None:
    # A short link-dense block that also opens like furniture: with the link
    # filter off, the boilerplate filter still drops it (once they were fused,
    # and turning one off silenced the other).
    html = f"<p>{LONG}</p><p><ref>Read more: the council budget</ref></p><p>{LONG}</p>"
    for filters, rule in (
        (("html_link_blocks", "html_boilerplate_blocks"), "generic/html_link_blocks"),
        (("html_boilerplate_blocks",), "generic/html_boilerplate_blocks"),
        (("html_boilerplate_blocks", "html_link_blocks"), "generic/html_boilerplate_blocks"),
    ):
        body, extraction = _body(html), Extraction("")
        block_filters(body, [], CleanerConfig(html_block_filters=filters), extraction)
        assert [(r.rule, r.elements) for r in extraction.removals] == [(rule, 1)]
        assert [p.text for p in body] == [LONG, LONG]


def test_unknown_detector_names_fail_when_the_cleaner_is_made() -> None:
    with pytest.raises(ValueError, match="no block detector named html_nope"):
        cleaner.Cleaner(config=CleanerConfig(html_block_filters=("html_nope",)))


def test_span_merge_trims_recall_blocks_outside_the_precision_span() -> None:
    recall = _body(
        f"<p>Menu item one two three</p><p>{LONG}</p><p>{LONG}again</p><p>Footer a b</p>"
    )
    precision = _body(f"<p>{LONG}</p><p>{LONG}again</p>")
    extraction = Extraction("")
    merged = html_span_merge(recall, precision, CleanerConfig(), extraction)
    assert [p.text for p in merged] == [LONG, f"{LONG}again"]
    assert extraction.detail["merge"] == "span"
    assert extraction.removals[0].rule == "generic/html_span_merge"
    assert extraction.removals[0].elements == 2


def test_cli_cleans_gzipped_html_and_explains_html_removals(
    article: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "page.html.gz").write_bytes(gzip.compress(article))
    out = tmp_path / "out"
    assert main(["clean", str(src), "-o", str(out), "-q"]) == 0
    assert "The harbour bridge reopened" in (out / "page.txt").read_text("utf-8")
    assert main(["explain", str(out / "page.json")]) == 0
    text = capsys.readouterr().out
    assert "generic/html_widgets  [html]" in text
    assert "matched: share" in text


fragments = st.lists(
    st.one_of(
        st.sampled_from(
            ["<p>", "</p>", "<div class='share'>", "</div>", "<h1>", "</h1>", "<a href=x>"]
        ),
        st.text(max_size=60),
        st.just(LONG),
    ),
    max_size=25,
).map(lambda parts: "<html><body>" + "".join(parts) + "</body></html>")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(fragments, st.binary(max_size=200)))
def test_any_page_gives_canonical_verified_text_or_a_decode_error(page: str | bytes) -> None:
    try:
        result = cleaner.clean_html(page)
    except DecodeError:
        assert isinstance(page, bytes)
        return
    assert verify(result.provenance, result.text) == []
    assert is_canonical(result.text)


_AUTHOR_TAGS = ["a", "address", "div", "link", "p", "span", "strong", "section", "author", "rel"]
_AUTHOR_ATTRS = ["rel", "id", "class", "itemprop", "data-testid", "title"]
_AUTHOR_VALUES = [
    *("author", "Author", "author name", "authorName", "author-name", "the-authorname"),
    *("AuthorName", "AuthorCard", "AuthorURL", "coauthor", "byline", "me", "x"),
]


def _element(tag: str, attrs: dict[str, str], children: list[str]) -> str:
    attributes = "".join(f' {name}="{value}"' for name, value in attrs.items())
    return f"<{tag}{attributes}>{''.join(children)}</{tag}>"


author_pages = st.recursive(
    st.sampled_from(["", "me", "Jane Roe"]),
    lambda inner: st.builds(
        _element,
        st.sampled_from(_AUTHOR_TAGS),
        st.dictionaries(
            st.sampled_from(_AUTHOR_ATTRS), st.sampled_from(_AUTHOR_VALUES), max_size=3
        ),
        st.lists(inner, max_size=3),
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(author_pages, min_size=1, max_size=4))
def test_author_expression_finds_what_trafilaturas_finds(parts: list[str]) -> None:
    tree = parse("<html><head></head><body>" + "".join(parts) + "</body></html>")
    assert tree is not None
    assert AUTHOR_XPATH(tree) == AUTHOR_XPATHS[0](tree)


def test_author_expression_on_the_article(article: bytes) -> None:
    tree = parse(article.decode("utf-8"))
    assert AUTHOR_XPATH(tree) == AUTHOR_XPATHS[0](tree)


def test_keep_comments_keeps_a_comment_section() -> None:
    body = (
        "The council voted on Monday to close the old library for good, after a long debate "
        "about its future and its cost to the town. "
    ) * 3
    first = "I spent every Saturday of my childhood in that library and I am sad to see it go."
    page = (
        f"<html><head><title>Library to close</title></head><body><article>"
        f"<h1>Library to close</h1><p>{body}</p><p>{body}</p></article>"
        f'<div id="comments" class="comments"><h3>2 Comments</h3><ul class="comment-list">'
        f'<li class="comment"><p>{first}</p></li><li class="comment"><p>The building was '
        "falling apart anyway, and the new one will be better for everybody.</p></li></ul>"
        "</div></body></html>"
    )
    # The cleaner's own extraction: the learned choice may prefer a candidate without the
    # thread (readability-lxml's), a choice tests/test_choice.py covers.
    dropped = cleaner.Cleaner(config=CleanerConfig(html_choice=False)).clean_html(page).text
    kept = (
        cleaner.Cleaner(config=CleanerConfig(keep_comments=True, html_choice=False))
        .clean_html(page)
        .text
    )
    assert first not in dropped
    assert first in kept and kept.index(first) > kept.index("The council voted")
