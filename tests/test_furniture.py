"""Shape detectors of page furniture: the furniture goes, the article around it survives."""

from __future__ import annotations

import cleaner

BODY = [
    "The harbour trust has agreed to reopen the old ferry landing next summer, after two years"
    " of repairs to the pier and the waiting room.",
    "The landing will take two boats an hour in the morning and evening, the trust said, and"
    " one an hour in the middle of the day.",
    "Traders on the quay said they were relieved, because the ferry brings most of their"
    " visitors in the summer months.",
]
MENU = (
    "| Home Buyers Guide Market Trends Harbour Homes New Listings Condos Townhouses Waterfront"
    " Homes Golf Homes Luxury Homes Home Loans Seller Tips Pricing Your Home Sell for More"
    " Contact Us Site Map Tell a Friend Advertising |"
)


def _clean(paragraphs: list[str]) -> cleaner.Result:
    return cleaner.clean("\n\n".join(paragraphs) + "\n")


def _rules(result: cleaner.Result) -> set[str]:
    return {removal.rule for removal in result.removals}


def test_a_run_on_menu_goes_and_the_article_survives() -> None:
    result = _clean([BODY[0], MENU, *BODY[1:]])
    assert "generic/run_on_menu" in _rules(result)
    assert result.text.split("\n\n") == [*BODY[:2], BODY[2] + "\n"]


def test_long_lines_of_names_credits_and_title_case_prose_stay() -> None:
    credits = " // ".join(
        f"{role}: {name}"
        for role, name in [
            ("Photography", "Ann Lee Studio"),
            ("Venue", "The Old Pier House"),
            ("Design and Planning", "Bo Yu Events"),
            ("Catering", "Harbour Kitchen"),
            ("Flowers", "Daisy Rose"),
            ("Music", "The Quay Band"),
            ("Cake", "Sweet Harbour"),
            ("Hair", "Stella Styles"),
            ("Rentals", "Coast Party Hire"),
        ]
    )
    names = "Thanks to " + ", ".join(f"Ann Lee {n}" for n in range(1, 20)) + "."
    headline = (
        "Where Does a Former Harbour Master and Current Trust Chair Keep His Boats? Yep, You"
        " Guessed It: In the Old Ferry Shed by the Pier, Where They Have Been Since the War Began"
    )
    result = _clean([BODY[0], credits, names, headline, *BODY[1:]])
    assert "generic/run_on_menu" not in _rules(result)
    for paragraph in (credits, names, headline, *BODY):
        assert paragraph in result.text


def test_a_lone_row_of_labels_goes_and_a_small_data_table_stays() -> None:
    table = ["| Grade | Hours |", "| Primary | Two |", "| Secondary | Three |"]
    result = _clean([r"| Login \| Create an Account | |", BODY[0], *table, *BODY[1:]])
    assert "generic/menu_row" in _rules(result)
    assert "Login" not in result.text
    for paragraph in (*table, *BODY):
        assert paragraph in result.text


def test_a_footer_row_with_a_rights_notice_goes_and_the_article_survives() -> None:
    footer = r"| User Agreement \| Privacy Policy | ©2006 Example Inc. All rights reserved. |"
    terms = (
        "| Copyright © 2006 Example Inc. All rights reserved. Privacy Policy - Terms of Service."
        " All information on this site is provided as is, without warranties of any kind, and"
        " the use of the site is at your own risk; it is not a substitute for your own research."
        " Use of the site means you accept its terms and conditions in full. |"
    )
    law = (
        "Copyright law has changed little since 1976, scholars say, although the courts have"
        " read it more widely in the age of the internet than its authors ever expected."
    )
    result = _clean([*BODY, law, footer, terms])
    assert "generic/copyright_line" in _rules(result)
    assert "©" not in result.text
    for paragraph in (*BODY, law):
        assert paragraph in result.text


def test_a_menu_row_among_layout_rows_goes_and_their_text_stays() -> None:
    # Rows of two cells with one filled are the layout of the page, not a table of records.
    layout = [f"| {paragraph} | |" for paragraph in BODY]
    menu = r"| Advertising \| News & Events \| Site Map \| Help | Our Story \| Contact |"
    result = _clean([*layout, menu])
    assert "generic/menu_row" in _rules(result)
    assert "Site Map" not in result.text
    for paragraph in BODY:
        assert paragraph in result.text


def test_a_counted_list_beside_the_article_goes_and_the_article_s_own_lists_stay() -> None:
    sidebar = ["Music (12)", "Film (4)", "Games (53)"]
    entries = ["Vegetables (41)", "Fruit (17)", "Preserves (9)"]
    works = ["Tetris (1984)", "Doom (1993)", "Myst (1993)"]
    result = _clean([BODY[0], *entries, BODY[1], *works, BODY[2], *sidebar])
    assert "generic/counted_list" in _rules(result)
    assert "Games (53)" not in result.text
    for paragraph in (*BODY, *entries, *works):
        assert paragraph in result.text


def test_a_sidebar_block_goes_and_a_poem_after_the_article_stays() -> None:
    sidebar = ["RSS Feed", "About Me:", "Location: Harbour Town", "Blogroll:"]
    sidebar += ["Quay Notes", "Harbour Watch", "The Daily Tide", "Ferry Times", "Coast Digest"]
    sidebar += ["Username", "Password", "Items on clipboard: 0", "Archives", "May 2012"]
    sidebar += ["April 2012", "Contact"]
    result = _clean([*BODY, *sidebar])
    assert "generic/sidebar_block" in _rules(result)
    assert result.text.split("\n\n") == [*BODY[:2], BODY[2] + "\n"]
    poem = ["Down by the quay", "the old boats wait", "for tide and wind", "and the harbour gate."]
    poem += ["We row at dawn,", "we row at dusk,", "we mend the nets", "and trust the rust."]
    poem += ["Come home, come home,", "the lanterns say,", "the landing's back"]
    poem += ["for one more day.", "Sing it loud", "across the bay,", "the ferry's home", "to stay."]
    result = _clean([*BODY, "The Ferry Song", *poem])
    assert "generic/sidebar_block" not in _rules(result)
    for line in poem:
        assert line in result.text
