"""Every tunable option of the cleaner, in one typed, documented object."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CleanerConfig:
    """Options for :class:`cleaner.Cleaner`; thresholds live here, not in code.

    Attributes:
        regex_timeout: Seconds one pattern may spend on one paragraph before the
            rule is skipped for that document (and the skip recorded); CPU
            seconds, the ``regex`` module's clock.
        max_passes: Upper bound on rule-and-heuristic passes.  Passes repeat until
            one removes nothing, which is what makes cleaning idempotent; the
            bound only guards against a pathological pack.
        heuristics: Run the text heuristics (``text_heuristics``).
        text_heuristics: The text detectors to run after the rule packs, in
            this order (names of ``text`` detectors in :mod:`cleaner.detectors`).
            Position-based detectors see the text without what earlier ones
            removed, so the order matters: ``duplicate_paragraph`` and
            ``pull_quote`` run after the comment cuts, so that a reader quoting
            the article is gone before repeats are looked for.
        generic_rules: Apply packs marked ``always`` (``rules/generic.yaml``).
        head_lines: How many paragraphs from the top count as the document head,
            where navigation, labels and duplicated titles sit.
        body_min_words: A paragraph of at least this many words that ends a
            sentence is the first of the article body; navigation, labels and
            date lines are looked for only above it.
        keep_headline: Keep the headline as the first paragraph of the text (its
            copy still goes to ``metadata.title``).  By default the text is the
            article body, as in the HTML path and in article-body gold data, and
            the headline moves to ``metadata.title`` as a recorded removal.
            Kept, the whole article header stays as the page shows it: the
            byline, dateline and date stamp above the body are not moved to
            metadata either (gold data that counts the headline counts them).
        title_max_words: A first paragraph longer than this is not a title.
        pull_quote_min_words: Shortest quoted paragraph tested as a pull quote.
        pull_quote_overlap: Share of a quote's word pairs that must appear in
            another paragraph for it to count as a repeated pull quote.
        duplicate_min_chars: Shortest paragraph dropped as a repeat of an
            earlier one.
        duplicate_max_copies: A paragraph that occurs more often than this is
            a template the article repeats (interview questions), not a
            duplicate, and every copy stays.
        duplicate_window: A repeat is dropped only within this many paragraphs
            of its first copy; farther repeats are the article's structure.
        comment_body_min_words: A comment-section heading cuts the rest of the
            document only after a paragraph of at least this many words.
        crosslink_min_words: Fewest words of an all-capital line, after a body
            sentence, that is dropped as a link to another story.
        edge_lines: Date and time stamps are dropped only among this many
            paragraphs at the start and at the end of the document.
        timestamp_max_other_words: Words other than date words, numbers and
            connectives that a line may have and still count as a stamp.
        share_max_chars: ``share_widget`` tests lines of at most this many
            characters ...
        share_max_words: ... and words: a share bar is a short run of names.
        menu_item_max_words: ``nav_menu``: most words of a menu item ...
        menu_item_max_chars: ... and characters.
        breadcrumb_max_chars: ``breadcrumbs``: longest line tested as a trail.
        caption_max_chars: ``photo_credit``: longest caption tested for a credit.
        link_line_max_chars: ``prev_next_links`` and ``comment_thread`` test
            lines of at most this many characters as links or comment headings
            (a longer line is a sentence).
        dateline_max_chars: ``dateline_metadata``: longest date line.
        byline_max_chars: ``byline``: longest "By ..." line.
        pull_quote_max_chars: ``pull_quote``: longest quoted paragraph tested.
        timestamp_max_chars: ``edge_timestamp``: longest line tested as a stamp.
        tail_fraction: Comment-section and footer markers only truncate when they
            sit in the last part of the document, past this fraction of it.
        max_document_chars: Documents (text, or HTML before extraction) longer
            than this are refused with an error rather than silently truncated.
        max_input_bytes: The most bytes read for one input file (after gzip
            inflation) or one JSON Lines record; a larger one is refused with an
            error for that input, so a gzip bomb or a runaway line cannot
            exhaust memory.
        max_document_lines: Documents (text, or text extracted from HTML) of
            more lines than this are refused with an error: each line is a
            paragraph every rule and heuristic reads (10 million one-character
            lines took a minute and 1 GB).
        max_html_elements: Pages with more start tags than this are refused
            before parsing.
        max_html_attributes: Pages with an element of more attributes than
            this are refused before parsing (the parsers and date readers take
            time that grows faster than the count: 100,000 took minutes).
        regex_document_budget: Seconds (wall clock) all pattern searches of
            one document may take together; past it, the rules not yet tried
            are skipped for that document and recorded in
            ``provenance["skipped_rules"]``.
        html_heuristics: The generic HTML heuristics to run before extraction
            (names of ``html`` detectors in :mod:`cleaner.detectors`), in that order.
            Besides what they remove, they make extraction cheaper: without
            them the development set scores F1 0.9784 instead of 0.9785, and
            the HTML path is about a tenth slower (trafilatura walks a larger
            tree).
        html_widget_max_share: ``html_widgets`` and ``html_chrome`` keep an
            element holding more than this share of the page's paragraph text.
        html_extensive_date: When the markup declares no date, scan the page
            text for one (htmldate's extensive search; slower).
        html_fast: The fast HTML mode: resiliparse's main content, then the
            block filters, is the extraction, without trafilatura or the
            generic HTML heuristics; the page is parsed once, by
            resiliparse, and only ``<head>`` by lxml (for the metadata, whose
            date then comes from ``<meta>``, JSON-LD or the URL).  A page whose
            site pack has ``html:`` rules is parsed by lxml as well, to apply
            them.  See the README for measured speed and scores.
        html_fast_min_words: In the fast mode, an extraction shorter than this
            many words (resiliparse found no article: a consent wall, a page of
            short blocks) is redone by the default mode.
        html_fast_guard_line_words: The fast mode's guard: a line of the
            page's whole text (resiliparse without main-content selection)
            with at least this many words is a paragraph of prose.
        html_fast_guard_min_words: The guard looks only at pages whose prose
            paragraphs hold at least this many words.
        html_fast_guard_share: When resiliparse's extraction holds less than
            this share of those paragraphs' words, it missed the article (a
            layout its main-content rules misread): trafilatura's fast pass
            (no fallback extractors) extracts the page instead.  0 turns the
            guard off.
        html_fast_skip_heuristics: Text heuristics the fast mode also skips
            (besides ``html_skip_heuristics``): the three whose work costs most
            for what they find in extracted text.  ``pull_quote`` tokenises
            every paragraph of a page with quotes, ``share_widget`` and
            ``capital_crosslink`` test every short line, for lines the block
            filters mostly drop already (share bars are links).  Measured on
            the development set: 8% faster, F1 0.0001 lower.
        html_recall_fast: Skip trafilatura's fallback extractors in its
            recall pass (faster; measured no loss once the span bounds it).
        html_merge_min_ratio: A span source (resiliparse's main content)
            shorter than this share of the recall pass is ignored (it missed
            the article).
        html_merge_min_coverage: A span source less covered than this by the
            recall pass replaces it (they found different things).
        html_merge_keep_words: Outside the precision span, blocks of at least
            this many words ...
        html_merge_keep_link_density: ... and at most this link density stay.
        html_headline_blocks: ``html_headline`` looks at this many leading blocks.
        html_link_block_max_words: ``html_link_blocks``: longest block tested.
        html_link_block_density: ``html_link_blocks``: least link-text share.
        html_boilerplate_max_words: ``html_boilerplate_blocks``: longest block tested.
        html_block_filters: The block filters to run on the extracted tree
            (names of ``block`` detectors in :mod:`cleaner.detectors`); each
            looks at every block, and a block several claim is recorded under
            the first in this order.
        html_skip_heuristics: Text heuristics not run on text extracted from
            HTML.  ``duplicate_paragraph`` targets repeats made by scrapers that
            concatenate page parts; an extractor emits each element once, so a
            repeated paragraph in its output is repeated in the article itself.
            ``nav_menu`` and ``breadcrumbs`` guess page structure from short
            lines; on HTML the structure is known (link density, widget
            classes), and what they would still catch are the article's own
            short lists.
        html_choice: In the default mode, choose per page among candidate
            extractions (the cleaner's own, readability-lxml's, resiliparse's;
            trafilatura's recall pass and resiliparse on the page as it came
            as fallbacks) with the learned model of :mod:`cleaner.choice`.  Off, or without
            a model file, the cleaner's own extraction is the text.
        html_choice_model: The model file (JSON); ``None`` for the bundled
            ``models/choice.json``.
        html_guard_max_lost: The guard refuses a chosen candidate whose
            predicted chance of losing the article (recall under one half)
            exceeds this, when another candidate's is below it.
        html_guard_min_ratio: A chosen candidate with fewer tokens than this
            share of another candidate's, which the guard thinks less likely
            to lose the article, gives way to it (an article half lost); 0
            turns this rule off.
        html_guard_min_support: ... provided that at least this share of the
            longer candidate's 4-token shingles is found by the other
            extractions too (the ``support`` feature): a long text no other
            extractor agrees with is more often the page around the article
            than the article.
        html_guard_fragment_tokens: A chosen candidate of fewer tokens than
            this, which a fallback candidate over ten times longer holds
            (at least 80% of its 4-token shingles), gives way to that fallback:
            a caption or teaser picked instead of the article around it; 0
            turns this rule off.
        html_guard_replacement_held: The guard gives a pick up (predicted to
            lose the article, or far shorter than another candidate) only for a
            candidate holding at least this share of the pick's 4-token
            shingles: a pick that loses the article is a fragment of it, and
            the article is the longer text containing the fragment; a candidate
            that does not hold the pick is another block of the page, and what
            the pick found would be lost with it.  Measured on the four
            development sets: four short posts of ``dragnet-train/`` no longer
            lost, F1 +.0025 there, the other sets and every leave-one-set-out
            figure unchanged; at 0.5 two of the four are kept, at 0.8 one
            article of ``cleaneval-dev/`` is lost.  0 turns this condition off.
        keep_comments: Keep readers' comments as part of the text.  By default
            a comment section is page furniture: ``comment_thread`` cuts it
            from the text and the HTML path extracts without comments.  On,
            ``comment_thread`` does not run and trafilatura's recall pass
            extracts comments too (``include_comments``), for corpora whose
            content includes the discussion (forums, guestbooks).  The cuts of
            the rules in ``comment_rules`` are not applied either.
        comment_rules: Rules (qualified ids) that cut a comment section; with
            ``keep_comments`` their cuts are ignored.
        duplicate_passage_words: ``duplicate_paragraph`` keeps a repeated
            passage of several sentences and at least this many words unless it
            directly follows its first copy.
        loss_guard: Run the loss guard (:mod:`cleaner.guard`): a rule whose
            cuts in one step would take most of the document's prose on weak
            evidence is deferred, and the deferral recorded in provenance.
        guard_prose_min_words: Fewest words of a paragraph the guard counts
            as prose (it must also end like a sentence).
        guard_max_prose_share: Largest share of the prose one rule may remove
            in one step without further evidence.
        guard_body_min_prose: A truncation that takes more than that share
            still goes ahead when at least this many prose paragraphs come
            before its cut point (the comment thread follows the article).
        guard_min_lines: Any other rule is deferred only when it would take at
            least this many prose paragraphs.
        furniture_label_words: ``table_furniture`` drops a one-cell table row
            of at most this many words (a label such as "| Blog Menu |").
        furniture_rights_max_words: Longest line ``copyright_line`` drops.
        furniture_tool_max_words: Longest row of page tools ``tool_row`` drops.
        furniture_list_min_lines: Shortest run of counted links ("Xbox (53)")
            ``counted_list`` drops.
        comment_meta_min_lines: Fewest comment metadata lines (reply controls,
            author lines) ``comment_tail`` needs to recognise a thread.
        comment_meta_max_gap: Most paragraphs between two of those lines, and
            between the last and the end of the text.
        headline_body_min_words: Without a known title, the first line is moved
            to ``metadata.title`` only when the line after it is a sentence of
            at least this many words (a body, not a menu item).
        caption_max_words: ``photo_credit`` leaves a paragraph of this many
            words or more: a caption is short, a long paragraph with a credit
            is body text citing its source.
        duplicate_min_letter_share: ``duplicate_paragraph`` keeps a repeated
            line whose characters (spaces aside) are less than this share
            letters: table rows, code and command output repeat by nature.
        furniture_menu_min_items: Fewest short labels between bars that
            ``menu_row`` reads as a row of navigation links.
        furniture_sidebar_run: Shortest block of short lines, one a line,
            that ``sidebar_block`` drops (a sidebar of links, fields and
            dates) ...
        furniture_sidebar_max_chars: ... each of at most this many
            characters ...
        furniture_sidebar_max_words: ... and words ...
        furniture_sidebar_label_share: ... with at least this share of them
            link labels.
        furniture_short_menu_items: Fewest labels of a table row standing
            alone (no row of as many cells beside it) that ``menu_row`` reads
            as a menu ("| Login \\| Register | |"); a row of fewer than
            ``furniture_menu_min_items`` labels must stand so.
        furniture_number_run: Shortest run of bare counting numbers, one a
            line, that ``number_run`` drops (page links, calendar days).
        furniture_link_run: Shortest run of link labels, one a line, that
            ``link_list`` drops (a blogroll, a sidebar of categories).
        furniture_run_on_min_words: Fewest words of a line ``run_on_menu``
            reads as link labels run together (a menu in one cell).
        furniture_run_on_caps_share: Least share of that line's words opening
            with a capital.
        furniture_run_on_words_per_stop: That line has fewer than one
            sentence stop, and fewer than one comma, semicolon or colon, per
            this many words.
        duplicate_reply_min_words: With ``keep_comments``,
            ``duplicate_paragraph`` keeps a repeated sentence of at least this
            many words: a reply quoting the post it answers.
    """

    regex_timeout: float = 0.5
    max_passes: int = 4
    heuristics: bool = True
    text_heuristics: tuple[str, ...] = (
        *("share_widget", "table_furniture", "menu_row", "run_on_menu", "copyright_line"),
        "tool_row",
        *("counted_list", "number_run", "labelled_link", "link_list", "sidebar_block"),
        *("nav_menu", "breadcrumbs", "section_label", "photo_credit", "prev_next_links"),
        *("dateline_metadata", "byline", "editor_note", "comment_thread", "comment_tail"),
        *("duplicate_paragraph", "pull_quote", "edge_timestamp", "stamp_line", "headline"),
        "capital_crosslink",
    )
    generic_rules: bool = True
    head_lines: int = 12
    body_min_words: int = 15
    keep_headline: bool = False
    title_max_words: int = 30
    pull_quote_min_words: int = 6
    pull_quote_overlap: float = 0.7
    duplicate_min_chars: int = 20
    duplicate_max_copies: int = 2
    duplicate_window: int = 20
    comment_body_min_words: int = 10
    crosslink_min_words: int = 7
    edge_lines: int = 3
    timestamp_max_other_words: int = 2
    share_max_chars: int = 120
    share_max_words: int = 12
    menu_item_max_words: int = 4
    menu_item_max_chars: int = 40
    breadcrumb_max_chars: int = 100
    caption_max_chars: int = 400
    link_line_max_chars: int = 250
    dateline_max_chars: int = 100
    byline_max_chars: int = 160
    pull_quote_max_chars: int = 600
    timestamp_max_chars: int = 120
    tail_fraction: float = 0.5
    max_document_chars: int = 20_000_000
    max_input_bytes: int = 64 * 1024 * 1024
    max_document_lines: int = 1_000_000
    max_html_elements: int = 1_000_000
    max_html_attributes: int = 1_000
    regex_document_budget: float = 5.0
    html_heuristics: tuple[str, ...] = ("html_chrome", "html_widgets")
    html_widget_max_share: float = 0.2
    html_extensive_date: bool = False
    metadata_max_chars: int = 300
    html_fast: bool = False
    html_fast_min_words: int = 30
    html_fast_guard_line_words: int = 15
    html_fast_guard_min_words: int = 50
    html_fast_guard_share: float = 0.5
    html_fast_skip_heuristics: tuple[str, ...] = ("pull_quote", "share_widget", "capital_crosslink")
    html_recall_fast: bool = True
    html_merge_min_ratio: float = 0.2
    html_merge_min_coverage: float = 0.5
    html_merge_keep_words: int = 60
    html_merge_keep_link_density: float = 0.3
    html_headline_blocks: int = 4
    html_link_block_max_words: int = 15
    html_link_block_density: float = 0.7
    html_boilerplate_max_words: int = 25
    html_block_filters: tuple[str, ...] = (
        "html_headline",
        "html_link_blocks",
        "html_boilerplate_blocks",
    )
    html_skip_heuristics: tuple[str, ...] = ("duplicate_paragraph", "nav_menu", "breadcrumbs")
    html_choice: bool = True
    html_choice_model: str | None = None
    html_guard_max_lost: float = 0.5
    html_guard_min_ratio: float = 0.5
    html_guard_min_support: float = 0.5
    html_guard_fragment_tokens: int = 30
    html_guard_replacement_held: float = 0.7
    keep_comments: bool = False
    comment_rules: tuple[str, ...] = ("generic/comment_section",)
    duplicate_passage_words: int = 20
    loss_guard: bool = True
    guard_prose_min_words: int = 8
    guard_max_prose_share: float = 0.5
    guard_body_min_prose: int = 1
    furniture_label_words: int = 4
    furniture_rights_max_words: int = 25
    furniture_tool_max_words: int = 15
    furniture_list_min_lines: int = 3
    comment_meta_min_lines: int = 3
    comment_meta_max_gap: int = 8
    headline_body_min_words: int = 8
    caption_max_words: int = 25
    guard_min_lines: int = 2
    duplicate_min_letter_share: float = 0.7
    duplicate_reply_min_words: int = 3
    furniture_menu_min_items: int = 4
    furniture_number_run: int = 5
    furniture_link_run: int = 8
    furniture_sidebar_run: int = 16
    furniture_sidebar_max_chars: int = 50
    furniture_sidebar_max_words: int = 6
    furniture_sidebar_label_share: float = 0.5
    furniture_short_menu_items: int = 2
    furniture_run_on_min_words: int = 30
    furniture_run_on_caps_share: float = 0.75
    furniture_run_on_words_per_stop: int = 15

    @classmethod
    def favoring(cls, favor: str, **changes: object) -> CleanerConfig:
        """Return the configuration of a preset (see :data:`FAVOR_PRESETS`), then ``changes``.

        Raises:
            ValueError: ``favor`` names no preset.

        >>> CleanerConfig.favoring("recall").html_merge_min_coverage
        0.7
        >>> CleanerConfig.favoring("balanced") == CleanerConfig()
        True
        """
        if favor not in FAVOR_PRESETS:
            raise ValueError(f"no preset {favor!r} (presets: {', '.join(FAVOR_PRESETS)})")
        return cls(**{**FAVOR_PRESETS[favor], **changes})  # type: ignore[arg-type]

    def scoped(
        self, *, keep_headline: bool | None = None, keep_comments: bool | None = None
    ) -> CleanerConfig:
        """Return this configuration with the scope options given (``None``: as it is).

        The scope options of the adapters (Ray, datatrove) and the command line
        (``--keep-headline``, ``--keep-comments``) land here.

        >>> CleanerConfig().scoped(keep_headline=True).scope()
        {'headline': True, 'comments': False}
        """
        changes = {"keep_headline": keep_headline, "keep_comments": keep_comments}
        given = {name: value for name, value in changes.items() if value is not None}
        return dataclasses.replace(self, **given) if given else self  # type: ignore[arg-type]

    def scope(self) -> dict[str, bool]:
        """Return what the output holds besides the article: ``provenance["scope"]``."""
        return {"headline": self.keep_headline, "comments": self.keep_comments}


FAVOR_PRESETS: dict[str, dict[str, object]] = {
    # The defaults are the precision end of what the thresholds reach without deleting
    # articles: measured before the scoped HTML path, lowering html_merge_min_coverage
    # to 0.3 raised precision on cleaneval-dev and dragnet-train (+0.007, +0.006) but
    # lost two articles on dev, two on readability and three on dragnet-train; cutting
    # markers from earlier in a text (tail_fraction 0.3) lost two on
    # dragnet-train-text.  So "precision" is the defaults.
    "precision": {},
    "balanced": {},
    "recall": {
        # The precision span replaces the recall pass as soon as they differ much;
        # blocks outside it stay from fewer words; markers cut only near the very
        # end of a text.
        "html_merge_min_coverage": 0.7,
        "html_merge_keep_words": 30,
        "html_merge_keep_link_density": 0.4,
        "tail_fraction": 0.7,
        "comment_body_min_words": 20,
    },
}
"""Threshold presets of ``--favor``: what each changes from the defaults.

``balanced`` and ``precision`` are :class:`CleanerConfig` as is (see the comment
above for why); ``recall`` keeps more.  Measured figures are in the README.
"""
