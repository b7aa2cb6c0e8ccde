"""Every tunable option of the cleaner, in one typed, documented object."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CleanerConfig:
    """Options for :class:`cleaner.Cleaner`; thresholds live here, not in code.

    Attributes:
        regex_timeout: Seconds one pattern may spend on one paragraph before the
            rule is skipped for that document (and the skip recorded).
        max_passes: Upper bound on rule-and-heuristic passes.  Passes repeat until
            one removes nothing, which is what makes cleaning idempotent; the
            bound only guards against a pathological pack.
        heuristics: Run the code heuristics of :mod:`cleaner.heuristics`.
        generic_rules: Apply packs marked ``always`` (``rules/generic.yaml``).
        head_lines: How many paragraphs from the top count as the document head,
            where navigation, labels and duplicated titles sit.
        short_line_words: A paragraph of at most this many words is "short"
            (labels, bylines, menu items).
        keep_headline: Keep the headline as the first paragraph of the text (its
            copy still goes to ``metadata.title``).  By default the text is the
            article body, as in the HTML path and in article-body gold data, and
            the headline moves to ``metadata.title`` as a recorded removal.
        title_max_words: A first paragraph longer than this is not a title.
        headline_body_min_words: Without a known title, the first line is moved
            to ``metadata.title`` only when the line after it is a sentence of
            at least this many words.
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
        tail_fraction: Comment-section and footer markers only truncate when they
            sit in the last part of the document, past this fraction of it.
        max_document_chars: Documents longer than this are refused with an
            error rather than silently truncated.
    """

    regex_timeout: float = 0.5
    max_passes: int = 4
    heuristics: bool = True
    generic_rules: bool = True
    head_lines: int = 12
    short_line_words: int = 6
    keep_headline: bool = False
    title_max_words: int = 30
    headline_body_min_words: int = 8
    pull_quote_min_words: int = 6
    pull_quote_overlap: float = 0.7
    duplicate_min_chars: int = 20
    duplicate_max_copies: int = 2
    duplicate_window: int = 20
    comment_body_min_words: int = 10
    crosslink_min_words: int = 7
    edge_lines: int = 3
    timestamp_max_other_words: int = 2
    tail_fraction: float = 0.5
    max_document_chars: int = 20_000_000
