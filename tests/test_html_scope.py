"""HTML scope options (headline, comments) and one-line metadata from the page's own sources."""

from __future__ import annotations

import pytest

from cleaner import Cleaner
from cleaner import html as _html
from cleaner.config import CleanerConfig

BODY = "".join(
    f"<p>Paragraph {i} tells how the council voted to rebuild the old library on the "
    f"river bank, and what the new reading rooms will hold when they open.</p>"
    for i in range(6)
)

PAGE = (
    "<html><head><title>Council votes to rebuild the library</title></head><body>"
    "<article><h1>Council votes to rebuild the library</h1>" + BODY + "</article>"
    "<div id='comments' class='comments'><h3>3 Comments</h3>"
    "<div class='comment'><p>Reader one writes that the old building deserved better care "
    "from everyone in the town for many long years.</p></div>"
    "<div class='comment'><p>Reader two answers that the new reading rooms will bring back "
    "families who stopped coming to the old one.</p></div></div></body></html>"
)


def _clean(**options: object) -> str:
    config = CleanerConfig(html_choice=False, **options)  # type: ignore[arg-type]
    return Cleaner(config=config).clean_html(PAGE).text


def test_the_headline_is_kept_when_asked() -> None:
    dropped = Cleaner(config=CleanerConfig(html_choice=False)).clean_html(PAGE)
    assert not dropped.text.startswith("Council votes")
    assert dropped.metadata["title"] == "Council votes to rebuild the library"
    assert "generic/html_headline" in {r["rule"] for r in dropped.provenance["html_removals"]}
    kept = Cleaner(config=CleanerConfig(html_choice=False, keep_headline=True)).clean_html(PAGE)
    assert kept.text.startswith("Council votes to rebuild the library\n")
    assert "generic/html_headline" not in {r["rule"] for r in kept.provenance["html_removals"]}
    assert "Paragraph 5" in kept.text


def test_comments_are_kept_when_asked() -> None:
    assert "Reader one writes" not in _clean()
    kept = _clean(keep_comments=True)
    assert "Reader one writes" in kept
    assert "Reader two answers" in kept
    assert "Paragraph 0" in kept


@pytest.mark.parametrize(
    ("head", "title"),
    [
        # An unclosed <title> swallows the scripts and the body: what came before them.
        (
            "<title>Library plans approved<script>var cfg = {a: 1}; function go(){}</script>",
            "Library plans approved",
        ),
        # Longer than a title can be: the page's other title sources decide.
        (
            "<title>" + "word " * 80 + "</title><meta property='og:title' content='OG headline'>",
            "OG headline",
        ),
        ("<title>" + "word " * 80 + "</title>", "Council votes to rebuild the library"),
    ],
)
def test_titles_are_one_line_from_the_page(head: str, title: str) -> None:
    page = f"<html><head>{head}</head><body><h1>Council votes to rebuild the library</h1>{BODY}"
    tree = _html.parse(page)
    assert tree is not None
    found = _html.page_metadata(tree)
    assert found["title"] == title
    assert "\n" not in found["title"]
    assert len(found["title"]) <= 300
    result = Cleaner(config=CleanerConfig(html_choice=False)).clean_html(page)
    assert len(result.metadata["title"]) <= 300
    assert "function" not in result.metadata["title"]


def test_an_author_is_one_line_or_nothing() -> None:
    good = "<meta name='author' content='Jane  Doe\n'>"
    for head, author in ((good, "Jane Doe"), ("", None)):
        tree = _html.parse(f"<html><head><title>T</title>{head}</head><body>{BODY}</body></html>")
        assert tree is not None
        assert _html.page_metadata(tree).get("author") == author
    long_title = _html.parse("<html><head><title>" + "x" * 400 + "</title></head><body></body>")
    assert long_title is not None
    assert "title" not in _html.page_metadata(long_title)
    short = _html.parse("<html><head><title>" + "x" * 400 + "</title></head><body></body>")
    assert short is not None
    assert _html.page_metadata(short, max_chars=500)["title"] == "x" * 400


@pytest.mark.parametrize(
    "config",
    [
        CleanerConfig(keep_headline=True),
        CleanerConfig(keep_comments=True),
        CleanerConfig(keep_headline=True, html_choice=False),
    ],
)
def test_with_config_is_a_new_cleaner_of_that_config(config: CleanerConfig) -> None:
    engine = Cleaner()
    other = engine.with_config(config)
    assert other.config == config and engine.config == CleanerConfig()
    assert other._plain_config.keep_headline == config.keep_headline
    assert other.clean_html(PAGE) == Cleaner(config=config).clean_html(PAGE)
    assert engine.with_config(engine.config) is engine


def test_with_config_refuses_an_unknown_detector() -> None:
    with pytest.raises(ValueError, match="no_such"):
        Cleaner().with_config(CleanerConfig(text_heuristics=("no_such",)))
