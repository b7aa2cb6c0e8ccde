"""HTML in: decoding bytes, HTML-level rules, main-content extraction, metadata.

Order, and why:

1. **decode** bytes (BOM, declared charset, ``<meta charset>``, UTF-8,
   detection) and **parse** once with lxml;
2. **metadata** from the untouched page, so stripping an element never loses
   the title, author or date it carried;
3. **pack rules** (:mod:`cleaner.htmlrules`): the site pack's ``html:`` section,
   then the ``always`` packs' (site knowledge first, as for text);
4. **generic HTML heuristics** (:mod:`cleaner.htmlrules`): structure only HTML
   shows, such as share and newsletter widgets named by class or id;
5. **extraction** of the main text from the pruned tree
   (:mod:`cleaner.extraction`: two trafilatura passes combined, block filters).

This module does 1 and 2; :meth:`cleaner.Cleaner.clean_html` runs the order.

The extracted text then goes through the same pipeline as plain text
(:func:`cleaner.pipeline.run`), so HTML and text input share canonical form,
rule packs, heuristics and provenance.
"""

from __future__ import annotations

import codecs
import logging
import unicodedata
from dataclasses import dataclass
from typing import Any

import charset_normalizer
import regex
from htmldate import find_date
from lxml import etree
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlEntity,
    HTMLParser,
    HtmlProcessingInstruction,
    fromstring,
    tostring,
)
from trafilatura.json_metadata import normalize_authors
from trafilatura.metadata import (
    META_URL,
    Document,
    examine_meta,
    extract_meta_json,
    extract_metainfo,
    extract_title,
    extract_url,
)
from trafilatura.settings import set_date_params
from trafilatura.utils import is_dubious_html, repair_faulty_html

log = logging.getLogger(__name__)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = regex.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", regex.IGNORECASE
)

METADATA_FIELDS = ("title", "author", "date", "sitename", "language", "url", "description")
"""trafilatura metadata fields copied into ``Result.metadata`` (``sitename`` as ``site_name``)."""


class DecodeError(ValueError):
    """Bytes that no reliable decoding turns into text."""


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes and how it was decoded."""

    text: str
    encoding: str
    method: str

    def to_dict(self) -> dict[str, str]:
        """Return the JSON form used in provenance."""
        return {"encoding": self.encoding, "method": self.method}


def _lookup(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_bytes(data: bytes, *, declared: str | None = None, html: bool = False) -> Decoded:
    """Decode bytes: BOM, declared charset, ``<meta charset>``, UTF-8, then detection.

    Args:
        data: The raw bytes.
        declared: A charset from outside the document (an HTTP header).
        html: Look for a ``<meta charset>`` declaration in the first 4 KB.

    Raises:
        DecodeError: No decoding fits.

    >>> decode_bytes("café".encode("cp1252")).encoding
    'cp1252'
    >>> decode_bytes(codecs.BOM_UTF8 + b"hi").to_dict()
    {'encoding': 'utf-8-sig', 'method': 'bom'}
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(name), name, "bom")
            except UnicodeDecodeError:
                break
    candidates: list[tuple[str, str]] = []
    if declared and (enc := _lookup(declared)):
        candidates.append((enc, "declared"))
    if html and (m := _META_CHARSET.search(data[:4096])) and (enc := _lookup(m.group(1).decode())):
        candidates.append((enc, "meta"))
    candidates.append(("utf-8", "utf-8"))
    for enc, method in candidates:
        try:
            return Decoded(data.decode(enc), enc, method)
        except UnicodeDecodeError:
            continue
    return _detect(data)


def looks_like_text(text: str, max_junk: float = 0.02) -> bool:
    r"""Tell whether decoded text is text: few control, unassigned or private-use characters.

    >>> looks_like_text("Hello, world.\n"), looks_like_text("\x01\x02\ue000abc")
    (True, False)
    """
    if not text:
        return True
    sample = text[:65536]
    junk = sum(
        1
        for ch in sample
        if ch not in "\t\n\r\f" and unicodedata.category(ch) in {"Cc", "Cn", "Co", "Cs"}
    )
    return junk <= max_junk * len(sample)


def _detect(data: bytes) -> Decoded:
    """Guess the encoding of bytes that are not UTF-8 and carry no declaration."""
    head = data[:8192]
    best = charset_normalizer.from_bytes(data).best()
    wide = best is not None and best.encoding.startswith(("utf_16", "utf_32"))
    if b"\x00" in head:
        # NUL bytes: UTF-16/32 text without a BOM, or binary data.
        if best is not None and wide and looks_like_text(str(best)):
            return Decoded(str(best), _lookup(best.encoding) or best.encoding, "detected")
        raise DecodeError("cannot decode: binary data (NUL bytes), not text")
    if best is not None and not wide and looks_like_text(str(best)):
        return Decoded(str(best), _lookup(best.encoding) or best.encoding, "detected")
    # Too little text to detect: Windows-1252 is the web's legacy default (WHATWG).
    try:
        return Decoded(data.decode("cp1252"), "cp1252", "fallback")
    except UnicodeDecodeError:
        raise DecodeError("cannot decode: not UTF-8 and no encoding fits") from None


_PARSER = HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
)
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)
"""trafilatura's parser (``trafilatura.utils.HTML_PARSER``) with one class for every
element: lxml.html's per-tag lookup, a Python call each time a Python object is
made for an element, gave form controls their own classes, which nothing here
reads.  The steps after parsing walk the tree many times over."""


def _from_bytes(html: str) -> HtmlElement | None:
    try:
        return fromstring(html.encode("utf8", "surrogatepass"), parser=_PARSER)
    except Exception as exc:  # as trafilatura's loader: a page lxml cannot read has no tree
        log.debug("lxml cannot parse the page as bytes: %s", exc)
        return None


def _load(html: str) -> HtmlElement | None:
    """Parse a decoded page as trafilatura's ``load_html`` does, with :data:`_PARSER`.

    The same checks and repairs: a page not starting like HTML must have two
    children under its root, and a page lxml refuses as text is parsed as bytes.
    """
    beginning = html[:50].lower()
    dubious = is_dubious_html(beginning)
    html = repair_faulty_html(html, beginning)
    tree, as_bytes = None, False
    try:
        tree = fromstring(html, parser=_PARSER)
    except ValueError:  # a Unicode string with an encoding declaration
        tree, as_bytes = _from_bytes(html), True
    except Exception as exc:  # as trafilatura's loader: then try the bytes
        log.debug("lxml cannot parse the page: %s", exc)
    if (tree is None or len(tree) < 1) and not as_bytes:
        tree = _from_bytes(html)
    if tree is not None and dubious and len(tree) < 2:
        return None  # not HTML at all
    return tree


def parse(html: str) -> HtmlElement | None:
    """Parse a page into an lxml tree (``None`` when there is no document).

    >>> parse("<html><body><p>Hi</p></body></html>").tag
    'html'
    """
    if not html.strip():
        return None
    tree = _load(html)
    return tree if isinstance(tree, HtmlElement) else None


_HEAD_END = regex.compile(r"</head\s*>|<body[\s>]", regex.IGNORECASE)


def serialize(tree: HtmlElement) -> str:
    """Serialise a (pruned) tree back to HTML, for a second parser.

    >>> serialize(parse("<html><body><div></div><p>Hi</p></body></html>"))
    '<html><body><div></div><p>Hi</p></body></html>'
    """
    return str(tostring(tree, encoding=str))


def parse_head(html: str) -> HtmlElement | None:
    """Parse only the part of a page before ``<body>`` (for metadata in the fast mode).

    >>> parse_head("<html lang=de><head><title>T</title></head><body><p>x</p>").findtext(".//title")
    'T'
    """
    match = _HEAD_END.search(html)
    return parse(html[: match.start()] + "</head></html>" if match else html)


AUTHOR_XPATH = etree.XPath(
    """(//@*[contains(., 'uthor')]/.. | //rel[. = 'me']/..)
    [self::a or self::address or self::div or self::link or self::p or self::span or self::strong]
    [@rel='author' or @id='author' or @class='author' or @itemprop='author name' or rel='me'
    or @data-testid='AuthorCard' or @data-testid='AuthorURL'
    or re:test(@class, 'author-?name|AuthorName|authorName')]
    | //author""",
    namespaces={"re": "http://exslt.org/regular-expressions"},
)
"""trafilatura's specific byline expression (the first of its ``AUTHOR_XPATHS``), same results.

Every test of its predicate needs an attribute value containing ``uthor`` or
a child ``<rel>`` reading ``me``, so the candidates are gathered from those
first: one pass over the attributes instead of eight tests on every element
(5x faster on news pages).
"""


_TAG = regex.compile(r"<\s*/?\s*[A-Za-z!]")
_CODE = regex.compile(r"[{}]|\bfunction\s*\(|\bvar\s+\w+\s*=|=>|\bwindow\.\w")


def one_line(value: str | None, max_chars: int = 300) -> str | None:
    r"""A metadata value as one line of page text, or ``None`` when it is not one.

    Markup ends the value (an unclosed ``<title>`` swallows the scripts and
    the body after it: the title is what came before them); whitespace runs
    become one space; a value longer than ``max_chars`` or reading like code
    is refused.

    >>> one_line("Bridge reopens<script>var x = 1;</script></head><body>")
    'Bridge reopens'
    >>> one_line("  Two\n  lines ")
    'Two lines'
    >>> one_line("window.dataLayer = []; function(){}"), one_line("x" * 301)
    (None, None)
    """
    if not value:
        return None
    if tag := _TAG.search(value):
        value = value[: tag.start()]
    line = " ".join(value.split())
    if not line or len(line) > max_chars or _CODE.search(line):
        return None
    return line


_TITLE_SOURCES = etree.XPath(
    "//meta[@property='og:title' or @name='og:title' or @name='twitter:title' "
    "or @property='twitter:title']/@content | //h1"
)


def _page_title(tree: HtmlElement, max_chars: int) -> str | None:
    """The first of the page's other title sources (og/twitter titles, ``<h1>``) that is a line."""
    for found in _TITLE_SOURCES(tree):
        text = found.text_content() if isinstance(found, HtmlElement) else str(found)
        if line := one_line(text, max_chars):
            return line
    return None


def page_metadata(
    tree: HtmlElement,
    url: str | None = None,
    *,
    extensive_date: bool = False,
    max_chars: int = 300,
) -> dict[str, Any]:
    """Return the page's metadata fields (title, author, date, site name, language, URL).

    Read from the untouched tree with trafilatura's readers, cheapest first:
    ``<meta>`` tags, then JSON-LD, then ``<title>``/``<h1>`` for a missing
    title, the canonical link for the URL and htmldate for the date.  Of
    trafilatura's byline search only its specific expressions run (``rel``,
    ``itemprop`` or class naming the author): the generic ones scan every
    element of the page and cost more than the extraction itself.  Categories,
    tags and licence are not read.  ``sitename`` is renamed ``site_name``.
    Title and author are one line each of at most ``max_chars`` characters
    (:func:`one_line`); a title that is not falls back to the page's other
    title sources, an author that is not is left out.

    Args:
        tree: The page, or only its ``<head>`` (see :func:`parse_head`).
        url: The page's URL, when known.
        extensive_date: When the markup declares no date, scan the page text
            for one (htmldate's extensive search; slower).
        max_chars: The longest title or author kept.
    """
    document = examine_meta(tree)
    if document.author and " " not in document.author:
        document.author = None  # a handle, not a name (as trafilatura does)
    try:
        document = extract_meta_json(tree, document)
    except Exception as exc:  # JSON-LD in the wild breaks its reader in many ways
        log.debug("JSON-LD metadata unreadable: %s", exc)
    if not document.title:
        document.title = extract_title(tree)
    if not document.author:
        found = extract_metainfo(tree, [AUTHOR_XPATH], len_limit=120)
        document.author = normalize_authors(None, found) if found else None
    document.url = document.url or extract_url(tree, url)
    params = {**set_date_params(extensive_date), "url": document.url}
    document.date = find_date(tree, **params) or document.date
    if document.sitename:
        document.sitename = document.sitename.lstrip("@")
        if document.sitename and "." not in document.sitename and document.sitename[0].islower():
            document.sitename = document.sitename.title()
    elif document.url and (match := META_URL.match(document.url)):
        document.sitename = match[1]
    fields = _fields(document, tree)
    lines = {
        "title": one_line(fields.pop("title", None), max_chars) or _page_title(tree, max_chars),
        "author": one_line(fields.pop("author", None), max_chars),
    }
    return {**{k: v for k, v in lines.items() if v}, **fields}


def _fields(document: Document, tree: HtmlElement) -> dict[str, Any]:
    document.clean_and_trim()
    found: dict[str, Any] = {}
    for name in METADATA_FIELDS:
        value = getattr(document, name, None)
        if value:
            found["site_name" if name == "sitename" else name] = value
    if "language" not in found and (lang := _html_lang(tree)):
        found["language"] = lang
    return found


def _html_lang(tree: HtmlElement) -> str | None:
    """The ``lang`` attribute of ``<html>``, reduced to its primary subtag.

    >>> _html_lang(parse('<html lang="pt-BR"><body><p>Olá</p></body></html>'))
    'pt'
    """
    lang = (
        tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    ).strip()
    primary = lang.split("-")[0].split("_")[0].lower()
    return primary if regex.fullmatch(r"[a-z]{2,3}", primary) else None


_HTML_START = regex.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*|<\?xml[^>]*>\s*)*<(?:!doctype\s+html|html|head|body)\b",
    regex.IGNORECASE | regex.DOTALL,
)
_HTML_TAGS = regex.compile(
    rb"<(?:html|head|body|div|p|article|meta|title)\b[^>]*>", regex.IGNORECASE
)


def looks_like_html(data: bytes, window: int = 4096) -> bool:
    """Tell HTML from plain text by the first ``window`` bytes (for unnamed input).

    HTML starts with a doctype or an ``<html>``, ``<head>`` or ``<body>`` tag
    (after comments or an XML declaration), or has at least three common
    tags early on; anything else is text.

    >>> looks_like_html(b"<!DOCTYPE html><p>Hi"), looks_like_html(b"  <html lang=en>")
    (True, True)
    >>> looks_like_html(b"Use <b> for bold.\\nSecond line.")
    False
    >>> looks_like_html(b"<div><p>a</p></div><p>")
    True
    """
    head = data[:window]
    return bool(_HTML_START.match(head)) or len(_HTML_TAGS.findall(head)) >= 3
