"""Page furniture recognised by its shape: table rows, rights lines, tool rows, counted lists.

Extractors that favour recall let through what surrounds an article on the
page: the cells of a layout table, the copyright line, the row of "E-mail |
Print | Share" tools, a list of categories with their post counts, the
metadata of each reader comment.  Phrase rules catch the wording of one site;
these detectors look at the shape instead, so they hold on pages of other
sites and eras.  Each is a text detector like those of :mod:`cleaner.heuristics`,
``(paragraphs, context) -> marks``, declared with :func:`cleaner.detectors.detector`
(rule id ``generic/<name>``); ``CleanerConfig.text_heuristics`` places them in
the run.  Thresholds live in :class:`cleaner.config.CleanerConfig`.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Sequence

import regex

from cleaner.config import CleanerConfig  # noqa: F401  (the doctests use it)
from cleaner.detectors import Mark, detector
from cleaner.guard import prose_chars
from cleaner.heuristics import _MONTHS, Context, _is_timestamp, ends_sentence, strip_bullet

_CELL_SPLIT = regex.compile(r"(?<!\\)\|")
_STOPS = ".!?…"
"""The stops that end a sentence here; :func:`cleaner.heuristics.ends_sentence` tests them."""
_UNSPACED = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}]", regex.V1)
_CODE_MARK = regex.compile(r"[(){};=<>\"]|//")
_FILLER_CELL = regex.compile(r"^[\s•·▪►\-–—*:>»«<|/\\.]*$")


def _cells(text: str) -> list[str] | None:
    """The cells of a table row ``| a | b |`` (``None`` for any other line).

    >>> _cells("| Blog Menu |"), _cells("| | |"), _cells("Not a row")
    (['Blog Menu'], ['', ''], None)
    """
    line = text.strip()
    if len(line) < 2 or line[0] != "|" or line[-1] != "|" or line.endswith("\\|"):
        return None
    return [cell.strip() for cell in _CELL_SPLIT.split(line[1:-1])]


@detector("text")
def table_furniture(paragraphs: Sequence[str], ctx: Context) -> list[Mark]:
    """Drop layout-table rows without content: empty cells, or one short label cell.

    Pages laid out with tables come out of extraction as rows of cells, many
    of them empty (``| | |``) or holding one label ("| Most Viewed Articles |",
    "| Blog Menu |").  A row whose cells are all empty (or only bullets and
    separators) is dropped, and so is a row of a single cell of at most
    ``furniture_label_words`` words that does not end like a sentence (in
    scripts written without spaces, where words cannot be counted so, a
    one-cell row stays, and so does a cell of code, "| x.get(key); |").  Rows
    of several filled cells are data and stay.

    >>> paras = ["| | | |", "| Most Viewed Articles |", "| Team | Points |",
    ...          "| The council met on Monday and voted to close the library. |",
    ...          '| config.get("port"); // 80 |']
    >>> [c.line for c in table_furniture(paras, Context(CleanerConfig()))]
    [0, 1]
    """
    cuts = []
    for i, p in enumerate(paragraphs):
        if len(p) > 300 or "|" not in p[:3]:
            continue  # most lines: not a table row
        cells = _cells(p)
        if cells is None:
            continue
        filled = [c for c in cells if not _FILLER_CELL.match(c)]
        if not filled or (
            len(cells) == 1
            and len(filled[0].split()) <= ctx.config.furniture_label_words
            and not ends_sentence(filled[0], _STOPS)
            # Words are not spaced in these scripts, so a count says nothing.
            and _UNSPACED.search(filled[0]) is None
            # Brackets, semicolons and operators are code in a cell, not a label.
            and _CODE_MARK.search(filled[0]) is None
        ):
            cuts.append(Mark("drop-line", i))
    return cuts


_MENU_SPLIT = regex.compile(r"\\?\|+")


def _menu_items(text: str) -> list[str]:
    """The filled items of a line split at its bars (cell pipes, escaped ``\\|``, ``||``).

    >>> _menu_items(r"| Home \\| Topics \\| Help | |")
    ['Home', 'Topics', 'Help']
    """
    return [
        item
        for item in (i.strip() for i in _MENU_SPLIT.split(text))
        if item and not _FILLER_CELL.match(item)
    ]


def _is_menu_item(item: str, ctx: Context) -> bool:
    """A short link label: a few words, no digits (data), no sentence end."""
    return (
        len(item) <= ctx.config.menu_item_max_chars
        and len(item.split()) <= ctx.config.menu_item_max_words
        and not any(c.isdigit() for c in item)
        and not ends_sentence(item, _STOPS)
    )


@detector("text")
def menu_row(paragraphs: Sequence[str], ctx: Context) -> list[Mark]:
    """Drop a row of navigation links: many short labels between bars, inside or outside a table.

    Layout tables put a site's menu in one row ("| Home | | Reviews | | Podcasts |")
    or in one cell ("| Help \\| Site map \\| Search |"), and text menus join
    their links with bars ("Lesson Plans || Music Exchange || Resources").  A
    line of at least ``furniture_menu_min_items`` items, each a short label
    (``menu_item_max_words`` words, ``menu_item_max_chars`` characters, no
    digits, no sentence end), is a menu.  A data table keeps its rows: a row
    among two or more neighbours with as many cells is a table of records,
    not a menu (a row of two cells, one of them empty, is the layout of a
    page, one block a row), and figures or sentences in a cell are data.  A table row of
    fewer labels (at least ``furniture_short_menu_items``: "| Login \\| Create
    an Account | |", "| You are here: | Home>Health |") is a menu only alone,
    with no row of as many cells next to it: a header row has its table below.

    >>> paras = ["| | Home | | Reviews | | Podcasts | | Authors |",
    ...          "Lesson Plans || Music Exchange || Online Resources || Site Help",
    ...          r"| Login \\| Create an Account | |",
    ...          "News | Sport | Weather | The council met on Monday and voted.",
    ...          "Ann Lee | Bo Yu | Cy Ng | Di Ma",
    ...          "| Name | Club | Town | Role |", "| Ann Lee | Rovers | Leeds | Keeper |",
    ...          "| Bo Yu | Rovers | Derby | Coach |", "| Team | Points |", "| Rovers | 12 |"]
    >>> [c.line for c in menu_row(paras, Context(CleanerConfig()))]
    [0, 1, 2]
    """
    cfg = ctx.config
    least = min(cfg.furniture_menu_min_items, cfg.furniture_short_menu_items)
    found: list[tuple[int, tuple[str, ...]]] = []
    for i, p in enumerate(paragraphs):
        if "|" not in p or len(p) > 400 or p.count("|") < least - 1:
            continue  # most lines: too few bars for a menu
        if _cells(p) is None and "||" not in p:
            continue  # "A | B | C | D" in running text is a list of names, not a menu
        items = _menu_items(p)
        if len(items) >= least and all(_is_menu_item(x, ctx) for x in items):
            found.append((i, tuple(items[1:])))
    if not found:
        return []
    return _menu_cuts(paragraphs, found, ctx)


def _row_shape(text: str) -> tuple[int, int]:
    """A table row's cells and filled cells (``(0, 0)`` for a line that is not a table row).

    >>> _row_shape("| Ann Lee | | Leeds |"), _row_shape("| | |"), _row_shape("Not a row")
    ((3, 2), (2, 0), (0, 0))
    """
    cells = _cells(text) if "|" in text else None
    if cells is None:
        return (0, 0)
    return (len(cells), sum(1 for c in cells if not _FILLER_CELL.match(c)))


def _menu_cuts(
    paragraphs: Sequence[str], found: Sequence[tuple[int, tuple[str, ...]]], ctx: Context
) -> list[Mark]:
    """The rows of labels ``menu_row`` found that are menus, not rows of a table of records."""
    shapes = [_row_shape(p) for p in paragraphs]
    # Records repeat their fixed columns row after row ("| Club A | Details | Map |");
    # a site menu comes once, or twice (above and below the page).
    repeats = Counter(tail for _, tail in found)
    cuts = []
    for i, tail in found:
        cells = shapes[i][0]
        # A record beside it has as many cells; a row of two cells with one
        # filled is no record but the layout of a page, one block a row.
        records = sum(
            1
            for j in (i - 2, i - 1, i + 1, i + 2)
            if 0 <= j < len(shapes) and shapes[j][0] == cells and (cells > 2 or shapes[j][1] == 2)
        )
        if repeats[tail] > 2 or (cells and records >= 2):
            continue  # a row of a table of records
        if len(tail) + 1 < ctx.config.furniture_menu_min_items and (
            not cells
            or any(0 <= j < len(shapes) and shapes[j][0] == cells for j in (i - 1, i + 1))
            or _UNSPACED.search(paragraphs[i]) is not None
        ):
            continue  # a few labels: a menu only as a lone table row
        cuts.append(Mark("drop-line", i))
    return cuts


_WORD = re.compile(r"[^\W\d_][\w'’&-]*")
_SENTENCE_STOP = re.compile(r"[.!?…][\"'’”)\]]*(?:\s|$)")
_LOWER_RUN = re.compile(r" [a-z]\S* [a-z]\S* [a-z]")
_CAPITAL = re.compile(r"[A-Z]")


@detector("text")
def run_on_menu(paragraphs: Sequence[str], ctx: Context) -> list[Mark]:
    """Drop a long table cell of link labels run together: capitalised words, few stops or commas.

    A site menu or footer laid out in one cell of a layout table comes out of
    extraction as one long row of labels with nothing between them ("| Our Team Ask a
    Professional Market Trends Resale Homes Condos Seller Tips Pricing Your
    Home Contact Us SiteMap ...").  Prose of that length has sentence stops
    and commas, and most of its words are in lower case; a line of at least
    ``furniture_run_on_min_words`` words, of which at least
    ``furniture_run_on_caps_share`` open with a capital, with at most one
    sentence stop and at most one comma, semicolon or colon per
    ``furniture_run_on_words_per_stop`` words, is a menu.  Headlines are far
    shorter, and lists of names or credits are held together by commas or
    colons ("Venue: ... // Flowers: ... // Cake: ...").  Only table rows (lines
    opening with ``|``) are read: a paragraph of running text is no menu.

    >>> menu = "| " + " ".join(["Home Buyers Guide Seller Tips Market Trends Contact Us"] * 5)
    >>> names = ", ".join(["Ann Lee", "Bo Yu", "Cy Ng", "Di Ma", "Ed Fox"] * 5)
    >>> prose = "The council met on Monday, and it voted to close the old library. " * 4
    >>> [c.line for c in run_on_menu([menu, names, prose], Context(CleanerConfig()))]
    [0]
    """
    shortest = 4 * ctx.config.furniture_run_on_min_words  # characters: most lines are shorter
    return [
        Mark("drop-line", i)
        for i, p in enumerate(paragraphs)
        if p[:1] == "|" and len(p) >= shortest and _run_on_labels(p, ctx)
    ]


def _run_on_labels(text: str, ctx: Context) -> bool:
    """Whether one line is link labels run together (see :func:`run_on_menu`).

    The cheap tests come first: most long lines are prose with three words in
    lower case in a row near their start, or with commas and stops enough
    counted on their spaces; the words are read only on the rest.
    """
    cfg = ctx.config
    least = cfg.furniture_run_on_min_words
    if _LOWER_RUN.search(text, 0, 60) is not None:
        return False
    if len(_CAPITAL.findall(text, 0, 60)) < 4:
        return False  # no capitals to speak of: a script without case, or lower-case text
    per_stop = cfg.furniture_run_on_words_per_stop
    spaces = text.count(" ") + 1
    marks = text.count(",") + text.count(";") + text.count(":")
    stops = text.count(". ") + text.count("? ") + text.count("! ")
    if marks * per_stop > spaces or stops * per_stop > spaces:
        return False  # a list held together by commas or colons, or sentences
    opening = [w for w in text[:240].split() if w[0].isalpha()]
    if sum(1 for w in opening if w[0].isupper()) < 0.6 * len(opening):
        return False  # its first words are not capitalised as labels are
    words = _WORD.findall(text)
    if len(words) < least or marks * per_stop >= len(words):
        return False
    if len(_SENTENCE_STOP.findall(text)) * per_stop >= len(words):
        return False  # sentences
    capitals = sum(1 for w in words if w[0].isupper())
    return capitals >= cfg.furniture_run_on_caps_share * len(words)


_LABEL_END = regex.compile(r"[.!?:;,…]['\"’”)]*$")
_LABEL_CODE = regex.compile(r"[{}\[\]<>()=;/\\_|@#\d]")


def _is_link_label(text: str, ctx: Context) -> bool:
    """A short line that reads as the label of a link: a few words, no figures, no code."""
    line = strip_bullet(text.strip())
    return (
        0 < len(line) <= ctx.config.menu_item_max_chars
        and ctx.count(line) <= ctx.config.menu_item_max_words
        and _LABEL_END.search(line) is None
        and _LABEL_CODE.search(line) is None
        and _UNSPACED.search(line) is None
        # Names are capitalised ("Common Dreams"); the items of a list in
        # running text are not ("a warm coat").
        and all(w[:1].isupper() for w in line.split() if len(w) >= 4)
        and line[:1].isupper()
    )


@detector("text")
def link_list(paragraphs: Sequence[str], ctx: Context) -> list[Mark]:
    """Drop a long run of link labels, one a line: a blogroll, a sidebar of sites or categories.

    A sidebar comes out of extraction as a column of short names ("Salon",
    "Common Dreams", "The Daily Note", ...).  A run of at least
    ``furniture_link_run`` consecutive lines, each a label of at most
    ``menu_item_max_words`` words and ``menu_item_max_chars`` characters
    without sentence or clause punctuation, figures, code characters or
    bars, capitalised as names are, goes, when it stands before the first
    or after the last paragraph of prose (:func:`cleaner.guard.prose_chars`),
    beside the article.  A list with prose on both sides, or announced by
    a line ending in a colon, is the article's own (the cities of a tour),
    and so are shorter runs (headings, a short
    list), lists of items in lower case ("a warm coat") or with figures
    (ingredients, results), lines of code and text in scripts written
    without spaces.

    >>> names = ["Salon", "Slate", "The Daily Note", "Common Dreams", "Media Watch",
    ...          "Red Rock Digest", "Open Letters", "The Prospect"]
    >>> body = "The council voted on Monday to close the old library for good."
    >>> [c.line for c in link_list([body, body, *names], Context(CleanerConfig()))]
    [2, 3, 4, 5, 6, 7, 8, 9]
    >>> link_list([body, *names[:5]], Context(CleanerConfig()))
    []
    >>> link_list([body, *names, body], Context(CleanerConfig()))
    []
    """
    cfg = ctx.config
    least = cfg.furniture_link_run
    if len(paragraphs) < least:
        return []
    # A label is short: the length first, then the label test.
    limit = cfg.menu_item_max_chars + 4
    runs = _runs_of(paragraphs, least, lambda p: len(p) <= limit and _is_link_label(p, ctx))
    if not runs:
        return []
    # A sidebar stands beside the article, before or after its prose; a list
    # with prose on both sides is the article's own (the places of a tour).
    prose = [j for j, p in enumerate(paragraphs) if prose_chars(p, cfg.guard_prose_min_words)]
    return [
        Mark("drop-line", j)
        for run in runs
        if (not prose or not (prose[0] < run[0] and run[-1] < prose[-1]))
        and not _introduced(paragraphs, run[0])
        for j in run
    ]


def _runs_of(paragraphs: Sequence[str], least: int, test: Callable[[str], bool]) -> list[range]:
    """Runs of at least ``least`` consecutive paragraphs that pass ``test``.

    Any ``least`` consecutive paragraphs hold one whose index is ``least - 1``
    more than a multiple of ``least``: only those are tested first, and a run
    is followed out from each that passes.

    >>> _runs_of(["a", "b", "c", "long line", "d", "e"], 2, lambda p: len(p) == 1)
    [range(0, 3), range(4, 6)]
    """
    runs: list[range] = []
    end = -1
    for k in range(least - 1, len(paragraphs), least):
        if k <= end or not test(paragraphs[k]):
            continue
        start = k
        while start > end + 1 and test(paragraphs[start - 1]):
            start -= 1
        end = k
        while end + 1 < len(paragraphs) and test(paragraphs[end + 1]):
            end += 1
        if end - start + 1 >= least:
            runs.append(range(start, end + 1))
    return runs


@detector("text")
def sidebar_block(paragraphs: Sequence[str], ctx: Context) -> list[Mark]:
    """Drop a long block of short lines, half of them link labels, beside the article: a sidebar.

    A sidebar or a search form comes out of extraction as a column of short
    lines: link labels mixed with field names, counts and dates ("Blogroll:",
    "Media Matters", "Pandagon", "Username", "Password", "Items on
    clipboard: 0").  The mixture breaks the runs ``link_list`` needs, but the
    block as a whole has the shape: at least ``furniture_sidebar_run``
    consecutive lines of at most ``furniture_sidebar_max_chars`` characters
    and ``furniture_sidebar_max_words`` words, of which at least
    ``furniture_sidebar_label_share`` are link labels (capitalised, no
    sentence punctuation, figures or code), standing before the first or
    after the last paragraph of prose (:func:`cleaner.guard.prose_chars`).  A
    block with prose on both sides, or announced by a line ending in a colon,
    is the article's own list; a poem or a list of ingredients is not half
    made of capitalised labels.

    >>> body = "The council voted on Monday to close the old library for good."
    >>> side = ["Blogroll:", "Media Matters", "Pandagon", "Daily Notes", "Username",
    ...         "Password", "Items: 0", "Open Letters", "Red Rock Digest", "Archives",
    ...         "May 2012", "April 2012", "Search", "About Us", "Contact", "RSS Feed"]
    >>> [c.line for c in sidebar_block([body, body, *side], Context(CleanerConfig()))][:3]
    [2, 3, 4]
    >>> sidebar_block([body, *side, body], Context(CleanerConfig()))
    []
    """
    cfg = ctx.config
    max_chars, max_words = cfg.furniture_sidebar_max_chars, cfg.furniture_sidebar_max_words
    runs = _runs_of(
        paragraphs,
        cfg.furniture_sidebar_run,
        lambda p: len(p) <= max_chars and p.count(" ") < max_words,
    )
    if not runs:
        return []
    prose = [j for j, p in enumerate(paragraphs) if prose_chars(p, cfg.guard_prose_min_words)]
    cuts: list[Mark] = []
    for run in runs:
        if prose and prose[0] < run[0] and run[-1] < prose[-1]:
            continue  # prose on both sides: the article's own list
        labels = sum(1 for j in run if _is_link_label(paragraphs[j], ctx))
        if labels >= cfg.furniture_sidebar_label_share * len(run) and not _introduced(
            paragraphs, run[0]
        ):
            cuts.extend(Mark("drop-line", j) for j in run)
    return cuts


def _introduced(paragraphs: Sequence[str], start: int) -> bool:
    """Whether a list starting at ``start`` follows a line that announces it ("... visit:").

    The announcing line may stand a few items back, when the first items
    carry more than a label ("Brazil (Rio, Sao Paolo)").

    >>> _introduced(["We will visit these places:", "Brazil (Rio)", "India"], 2)
    True
    >>> _introduced(["Blogroll", "Salon", "Slate"], 1)
    False
    """
    for k in range(start - 1, max(start - 5, -1), -1):
        line = paragraphs[k].rstrip()
        if line.endswith(":"):
            return True
        if len(line) > 60:
            break  # a paragraph that does not announce a list
    return False


_BARE_NUMBER = re.compile(r"[\[(]?(\d{1,4})[\])]?")
_NUMBER_OPEN = frozenset("0123456789[( ")


@detector("text")
def number_run(paragraphs: Sequence[str], ctx: Context) -> list[Mark]:
    """Drop a run of bare counting numbers, one a line: page links or the days of a calendar.

    A pager ("[1]", "2", "3", ...) or a calendar widget comes out of extraction
    as one number a line, each one more than the last.  A run of at least
    ``furniture_number_run`` such lines goes; a number alone (a list's
    counter, a score) and numbers out of sequence stay.

    >>> paras = ["Pages:", "[1]", "2", "3", "4", "5", "Body text.", "1", "2", "Done."]
    >>> [c.line for c in number_run(paras, Context(CleanerConfig()))]
    [1, 2, 3, 4, 5]
    """
    least = ctx.config.furniture_number_run
    cuts: list[Mark] = []
    for lines in _runs_of(paragraphs, least, lambda p: _bare_number(p) is not None):
        # Within a run of bare numbers, the counting stretches: each one more than the last.
        run: list[int] = []
        last = -1
        for i in [*lines, -1]:
            value = _bare_number(paragraphs[i]) if i >= 0 else None
            if value is not None and run and value == last + 1:
                run.append(i)
            else:
                if len(run) >= least:
                    cuts.extend(Mark("drop-line", j) for j in run)
                run = [i]
            last = -1 if value is None else value
    return cuts


def _bare_number(text: str) -> int | None:
    """The number of a line that is only a number, bare or in brackets ("[1]", "2"), else ``None``.

    >>> _bare_number("[12]"), _bare_number("12 May")
    (12, None)
    """
    # A short line opening with a digit or a bracket: the cheap test first.
    if len(text) > 8 or text[:1] not in _NUMBER_OPEN:
        return None
    found = _BARE_NUMBER.fullmatch(text.strip())
    return None if found is None else int(found.group(1))


_LABELLED_LINK = regex.compile(r"[\p{L}][\p{L} ]{0,19}:\s*(?:https?://|www\.)\S+", regex.V1)


@detector("text")
def labelled_link(paragraphs: Sequence[str], ctx: Context) -> list[Mark]:
    """Drop labelled links under an article ("Listen: http://…", "iTunes: http://…").

    A line that is a short label, a colon and a bare link, in the second half
    of the text (``tail_fraction``) and after its last paragraph of prose
    (:func:`cleaner.guard.prose_chars`): the links a page puts under its
    article.  A label used three times or more ("More: http://…" for each of
    a list of studios, "Origin: https://…" in each request of a protocol
    trace) is the article's own list, and a link with prose after it is
    inside the article: those stay.

    >>> body = "The album was recorded over two weeks in a farmhouse near the coast."
    >>> paras = [body, body, "Listen: http://example.com/a", "iTunes: http://example.com/b"]
    >>> [c.line for c in labelled_link(paras, Context(CleanerConfig()))]
    [2, 3]
    >>> trace = ["Origin: https://a.example", body] * 3 + ["Origin: https://b.example"]
    >>> labelled_link(trace, Context(CleanerConfig()))
    []
    """
    cfg = ctx.config
    found = [
        i
        for i, p in enumerate(paragraphs)
        if len(p) <= 300 and ("://" in p or "www." in p) and _LABELLED_LINK.fullmatch(p.strip())
    ]
    if not found:
        return []
    labels = Counter(paragraphs[i].split(":", 1)[0].strip().casefold() for i in found)
    last_prose = max(
        (j for j, p in enumerate(paragraphs) if prose_chars(p, cfg.guard_prose_min_words)),
        default=-1,
    )
    start = len(paragraphs) * cfg.tail_fraction
    return [
        Mark("drop-line", i)
        for i in found
        if i >= start
        and i > last_prose
        and labels[paragraphs[i].split(":", 1)[0].strip().casefold()] < 3
    ]


_RIGHTS_MARK = regex.compile(
    r"(?:©|ⓒ|\(c\)|\bcopyright\b)\s*(?:\p{L}[\p{L}.&'’-]*\s+){0,6}(?:\d{4}|[©ⓒ])"
    r"|(?:\d{4}\s*(?:-|–)?\s*(?:\d{4})?\s*)(?:©|ⓒ|\(c\))"
    r"|\ball\s+rights\s+reserved\b"
    r"|(?:©|ⓒ)\s*\p{Lu}",
    regex.IGNORECASE | regex.V1,
)


def _has_rights_word(folded: str) -> bool:
    """A rights word anywhere in the case-folded line: the cheap test before the pattern."""
    return (
        "©" in folded
        or "ⓒ" in folded
        or "(c)" in folded
        or "copyright" in folded
        or "rights reserved" in folded
    )


def _has_symbol(line: str) -> bool:
    """A copyright symbol in the line ("©", "ⓒ", "(c)")."""
    return "©" in line or "ⓒ" in line or "(c)" in line or "(C)" in line


_RIGHTS_SYMBOL = regex.compile(r"[©ⓒ]|\(c\)|\ball\s+rights\s+reserved\b", regex.IGNORECASE)


_RIGHTS_LEAD = regex.compile(
    r"(?:©|ⓒ|\(c\)\s*\d|copyright\s*(?:©|ⓒ|\(c\)))", regex.IGNORECASE | regex.V1
)
"""A notice that opens with the symbol: "©2006 ...", "Copyright © 2001 ...", "(c) 2008 ..."."""


def _rights_part(part: str, limit: int) -> bool:
    """Whether one line, or one part of a line between bars, is a rights notice."""
    if _RIGHTS_LEAD.match(part):
        return True  # a notice opening with the mark: the legal text after it is the site's
    if len(part.split()) > limit or _RIGHTS_MARK.search(part) is None:
        return False
    if part[:1].islower() and not _has_symbol(part):
        return False  # the end of a hard-wrapped sentence begun on the line before
    # "Copyright law has changed little since 1976, scholars say."
    return _RIGHTS_SYMBOL.search(part) is not None or not ends_sentence(part, _STOPS)


@detector("text")
def copyright_line(paragraphs: Sequence[str], ctx: Context) -> list[Mark]:
    """Drop copyright and rights lines in their many forms, anywhere in the text.

    A short line (at most ``furniture_rights_max_words`` words, table pipes and
    bullets aside) holding a rights mark: "©" or "(c)" before a name or a
    year, "Copyright" within a few words of a year, or "All Rights Reserved".
    A line ending like a sentence needs the symbol or "All Rights Reserved":
    "Copyright law has changed little since 1976, scholars say." stays, and
    so does a line opening in lower case without a rights symbol, the end of
    a hard-wrapped sentence ("and its authors. All rights reserved.").  A
    line (or a table cell) that opens with the symbol, "Copyright © 2001
    ...", is a notice whatever its length: the terms of use after it
    are the site's.  A footer row of links beside the notice goes with it
    ("| Privacy Policy \\| Terms | © 2006 Example Inc. |"): every other part
    between bars is a link label (:func:`_is_menu_item`).

    >>> paras = ["Copyright PA Sport 2008, All Rights Reserved",
    ...          "| Copyright by Daily Example Online, All Rights Reserved |",
    ...          "vBulletin v3.6.0, Copyright ©2000-2006, Example Ltd.",
    ...          "Copyright law has changed little since 1976, scholars say.",
    ...          r"| User Agreement \\| Privacy Policy | ©2006 Example Inc. All rights reserved. |",
    ...          "| Copyright © 2001 Example Inc. " + "Terms apply. " * 30 + "|"]
    >>> [c.line for c in copyright_line(paras, Context(CleanerConfig()))]
    [0, 1, 2, 4, 5]
    """
    cuts = []
    limit = ctx.config.furniture_rights_max_words
    for i, p in enumerate(paragraphs):
        if len(p) > 400:
            # A long line goes only with a rights symbol opening it or one of its cells.
            first = p[:1]
            opens = (first in "©ⓒ(cC" and _RIGHTS_LEAD.match(p) is not None) or (
                first == "|" and _has_symbol(p)
            )
            if opens and len(p) <= 1000 and _rights_row(p, ctx):
                cuts.append(Mark("drop-line", i))
            continue
        if not _has_rights_word(ctx.folded(p)):
            continue  # most lines hold no rights word at all
        line = strip_bullet(p.strip().strip("|").strip())
        if _rights_part(line, limit) or _rights_row(p, ctx):
            cuts.append(Mark("drop-line", i))
    return cuts


def _rights_row(text: str, ctx: Context) -> bool:
    """A line split by bars into a rights notice and link labels (or a notice opening a cell)."""
    if "|" not in text:
        return _RIGHTS_LEAD.match(strip_bullet(text.strip())) is not None
    parts = _menu_items(text)
    limit = ctx.config.furniture_rights_max_words
    notices = [k for k, part in enumerate(parts) if _rights_part(part, limit)]
    if not notices:
        return False
    if any(_RIGHTS_LEAD.match(parts[k]) for k in notices):
        return True
    return all(_is_menu_item(part, ctx) for k, part in enumerate(parts) if k not in notices)


_TOOL_VERBS = frozenset(
    """email e-mail mail print printer share save bookmark send reprint reprints
    subscribe digg newsvine reddit delicious del.icio.us stumbleupon facebook twitter
    permalink rss""".split()
)
_TOOL_WORDS = _TOOL_VERBS | frozenset(
    """this article story page post link to a friend view version friendly text size font
    larger smaller s m l xl tools tool single format formats atom feed javascript
    options comment comments and or on via hits it my web delivery"""
    """ the""".split()
)
_TOOL_HINT = re.compile(
    r"\b(?:" + "|".join(sorted({v.replace(".", r"\.") for v in _TOOL_VERBS})) + r")\b"
)
_TOOL_TOKEN = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}.'’+-]*", regex.V1)


@detector("text")
def tool_row(paragraphs: Sequence[str], ctx: Context) -> list[Mark]:
    """Drop rows of page tools: e-mail, print, share, save, text size, feeds.

    A short line (at most ``furniture_tool_max_words`` words) made only of
    tool words, counts and separators, with at least two tool verbs: "E-mail
    article Print view Share: Digg Newsvine", "Story Tools: E-MAIL | PRINT |
    Text Size: S M L XL", "Delivery formats: RSS, Atom, Javascript & Email".

    >>> paras = ["E-mail article Print view Share: Digg Newsvine",
    ...          "Print this page | Email this page", "Print the form and mail it to us."]
    >>> [c.line for c in tool_row(paras, Context(CleanerConfig()))]
    [0, 1]
    """
    cuts = []
    limit = ctx.config.furniture_tool_max_words
    for i, p in enumerate(paragraphs):
        if len(p) > 200 or ctx.count(p) > limit or _TOOL_HINT.search(ctx.folded(p)) is None:
            continue  # long, or no tool verb inside: most lines
        if ends_sentence(p.strip().strip("|").strip(), _STOPS):
            continue
        tokens = [t.casefold().rstrip(".") for t in _TOOL_TOKEN.findall(p)]
        if not tokens or len(tokens) > limit:
            continue
        verbs = sum(1 for t in tokens if t in _TOOL_VERBS)
        if verbs >= 2 and all(t in _TOOL_WORDS or t.isdigit() for t in tokens):
            cuts.append(Mark("drop-line", i))
    return cuts


_COUNTED = regex.compile(r"^(?:\d+[.)]\s+)?[^()]{1,60}?\s*\((\d+)\)$", regex.V1)


def _counted(text: str) -> str | None:
    """The count of a line "label (count)" (optionally numbered or bulleted), else ``None``.

    >>> _counted("1. Music (12)"), _counted("The squad (2 players) left.")
    ('12', None)
    """
    if ")" not in text[-3:]:
        return None  # most lines
    line = strip_bullet(text.strip())
    found = _COUNTED.match(line) if len(line.split()) <= 8 else None
    return None if found is None else found.group(1)


def _is_year(count: str) -> bool:
    """A figure in brackets that reads as a year ("(2012)"), not a count."""
    return len(count) == 4 and count[:2] in ("18", "19", "20")


@detector("text")
def counted_list(paragraphs: Sequence[str], ctx: Context) -> list[Mark]:
    """Drop runs of category or archive links with their post counts ("Xbox (53)"), beside the body.

    A run of at least ``furniture_list_min_lines`` consecutive short lines,
    each a label followed by a count in brackets (optionally numbered), is a
    category, tag or archive list of the page, not article text, when three
    things hold: the counts differ (a list of links counts what each holds;
    the same figure on every line is part of the items, "(2 players)"), no
    count reads as a year (a list of works with their dates, "Puzzle Craft
    (2012)"), and the run stands before the first or after the last
    paragraph of prose (:func:`cleaner.guard.prose_chars`), beside the
    article as a sidebar does; a list with prose on both sides is the
    article's own (the entries of a show with their prizes).

    >>> body = "The allotment society held its harvest show on Saturday, in the old hall."
    >>> paras = [body, "1. Music (12)", "2. Film (4)", "3. Games (53)", "The squad (2) left."]
    >>> [c.line for c in counted_list(paras, Context(CleanerConfig()))]
    [1, 2, 3]
    >>> ctx = Context(CleanerConfig())
    >>> counted_list([body, "Music (12)", "Film (4)", "Games (53)", body], ctx)
    []
    >>> counted_list([body, "Tetris (1984)", "Doom (1993)", "Myst (1993)"], ctx)
    []
    """
    cfg = ctx.config
    runs = _runs_of(paragraphs, cfg.furniture_list_min_lines, lambda p: _counted(p) is not None)
    if not runs:
        return []
    prose = [j for j, p in enumerate(paragraphs) if prose_chars(p, cfg.guard_prose_min_words)]
    cuts: list[Mark] = []
    for run in runs:
        counts = [_counted(paragraphs[j]) or "" for j in run]
        if (
            len(set(counts)) > 1
            and not any(_is_year(c) for c in counts)
            and (not prose or not (prose[0] < run[0] and run[-1] < prose[-1]))
        ):
            cuts.extend(Mark("drop-line", j) for j in run)
    return cuts


_REPLY_CONTROL = regex.compile(
    r"^[\[(]?(?:reply|reply\s*delete|delete|report(?:\s+(?:abuse|comment|this(?:\s+comment)?))?"
    r"|permalink|flag(?:\s+as\s+inappropriate)?|reply\s+to\s+this(?:\s+comment)?)[\])]?$",
    regex.IGNORECASE | regex.V1,
)
_AUTHOR_LINE = regex.compile(
    r"^.{1,80}?\b(?:says|said|wrote|writes)\s*(?::|\.\.\.|…)\s*$"
    r"|\(score:\s*-?\d+(?:,\s*\p{L}+)?\)\s*$"
    r"|^posted\s+by:?\s+.{1,60}\|\s*.{4,60}$",
    regex.IGNORECASE | regex.V1,
)


_META_HINT = re.compile(r"repl|delete|report|permalink|flag|says|said|wrote|writes|score|posted")
"""A word of comment metadata in the case-folded line: the cheap test first."""


def comment_meta(text: str) -> bool:
    """Whether a line is the metadata of a reader comment (reply control, author line, score).

    >>> [comment_meta(t) for t in ["[Reply]", "ReplyDelete", "Ann Lee says:",
    ...  "Re: Exit interviews (Score:5, Insightful)", "Posted by: Ann Lee | May 1, 2012 at 3:12 PM",
    ...  "The minister said:"]]
    [True, True, True, True, True, False]
    """
    line = text.strip()
    if len(line) > 160 or _META_HINT.search(line.casefold()) is None:
        return False
    if _REPLY_CONTROL.match(line):
        return True
    if _AUTHOR_LINE.search(line) is None:
        return False
    # "The minister said:" introduces a quote in an article; an author line
    # names a person without an article before the name.
    return not regex.match(r"(?i)^(?:the|a|an|he|she|they|it|we|i|this|that)\b", line)


@detector("text")
def comment_tail(paragraphs: Sequence[str], ctx: Context) -> list[Mark]:
    """Cut a comment thread recognised by the metadata each comment carries.

    Threads often come without a heading, but every comment brings the same
    furniture: a reply control ("Reply", "ReplyDelete"), an author line ("Ann
    says:", "Posted by: Ann | date"), a score.  From the first such line after
    a body sentence, when at least ``comment_meta_min_lines`` of them follow,
    on average at most ``comment_meta_max_gap`` paragraphs apart (and never
    three times that), the last close to the end, the rest is cut.  Time
    stamps alone are not enough: a live blog has them too.  With ``keep_comments`` nothing is cut.

    >>> body = "The council voted on Monday to close the old library for good."
    >>> paras = [body, "Ann says:", "Sad news.", "Reply", "Bo says:", "Good riddance.", "Reply"]
    >>> [c.line for c in comment_tail(paras, Context(CleanerConfig()))]
    [1, 2, 3, 4, 5, 6]
    """
    cfg = ctx.config
    if cfg.keep_comments:
        return []
    n = len(paragraphs)
    metas = [
        i
        for i, p in enumerate(paragraphs)
        if len(p) <= 160 and _META_HINT.search(ctx.folded(p)) is not None and comment_meta(p)
    ]
    if len(metas) < cfg.comment_meta_min_lines:
        return []
    body = next(
        (
            i
            for i, p in enumerate(paragraphs)
            if len(p.split()) >= cfg.comment_body_min_words and ends_sentence(p, _STOPS)
        ),
        n,
    )
    for k, start in enumerate(metas):
        if start <= body:
            continue
        chain = metas[k:]
        if len(chain) < cfg.comment_meta_min_lines:
            break
        # Comments vary in length: the metadata recurs every few paragraphs on
        # average, with no stretch of text three times as long between two.
        gap = cfg.comment_meta_max_gap
        mean_ok = chain[-1] - chain[0] <= gap * (len(chain) - 1)
        gaps_ok = all(b - a <= 3 * gap for a, b in itertools.pairwise(chain))
        if mean_ok and gaps_ok and n - 1 - chain[-1] <= gap:
            return [Mark("truncate", j) for j in range(start, n)]
    return []


_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")
_CALENDAR_DATE = regex.compile(
    rf"\b\d{{1,4}}[-/.]\d{{1,2}}[-/.]\d{{2,4}}\b|\b(?:{_MONTHS})\b", regex.IGNORECASE | regex.V1
)


@detector("text")
def stamp_line(paragraphs: Sequence[str], ctx: Context) -> list[Mark]:
    """Drop a line that is only a date and time, standing alone inside the text.

    Every comment and every post of a listing carries one ("05-17-2005,
    10:50 AM", "November 9th, 2012 at 12:05 am"); comments count as content
    in some corpora, their stamps never do.  Only a line with a date, a clock
    time and no other words is taken (a bare "4:14 p.m." opens an update of a
    live blog, part of the story), after the first body sentence, and only when
    neither neighbour is such a line: a table of times or a schedule is a run
    of them, and the stamp above an article belongs to its header
    (``edge_timestamp`` handles that).

    >>> body = "The council voted to close the old town library for good, after years of debate."
    >>> paras = [body, "05-17-2005, 10:50 AM", "Sad to see it go.", "4:14 p.m.", "Update."]
    >>> [c.line for c in stamp_line(paras, Context(CleanerConfig()))]
    [1]
    """
    cfg = ctx.config
    start = ctx.body_start(paragraphs)
    stamps = [
        i > start
        and len(p) <= cfg.timestamp_max_chars
        and ":" in p
        and _CLOCK.search(p) is not None
        and _CALENDAR_DATE.search(p) is not None
        and _is_timestamp(p, 0)
        for i, p in enumerate(paragraphs)
    ]
    n = len(paragraphs)
    return [
        Mark("drop-line", i)
        for i in range(n)
        if stamps[i] and not (i > 0 and stamps[i - 1]) and not (i + 1 < n and stamps[i + 1])
    ]
