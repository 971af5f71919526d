"""MUSE pages as users save them beyond the seed's layout: found by the fifth sweep."""

from __future__ import annotations

from pathlib import Path

from bookrdf.importers.muse import parse_muse_page

SEED = Path(__file__).parent.parent / "data" / "raw" / "000_b131de8bda212195.txt"
CLOSING_ISBNS = "E-ISBN-13: 9780824862039\nPrint-ISBN-13: 9780824828097\n"


def seed_text() -> str:
    return SEED.read_text("utf-8")


def test_an_isbn_printed_as_isbn_10_and_isbn_13_is_one_isbn() -> None:
    # older MUSE pages print each ISBN twice: "E-ISBN-10" beside "E-ISBN-13", and so on
    isbns = (
        "E-ISBN-13: 9780824862039\nE-ISBN-10: 0824862031\n"
        "Print-ISBN-13: 9780824828097\nPrint-ISBN-10: 0-8248-2809-7\n"
    )
    result = parse_muse_page(seed_text().replace(CLOSING_ISBNS, isbns), "page.txt")
    assert [(i.value, i.format) for i in result.book.isbns] == [
        ("9780824862039", "electronic"),
        ("9780824828097", "print"),
    ]
    assert result.warnings == ()


def test_one_isbn_given_two_formats_keeps_the_first_and_warns() -> None:
    isbns = "E-ISBN-13: 9780824862039\nPrint-ISBN-10: 0824862031\n"
    result = parse_muse_page(seed_text().replace(CLOSING_ISBNS, isbns), "page.txt")
    assert [(i.value, i.format) for i in result.book.isbns] == [("9780824862039", "electronic")]
    assert [(w.line, w.field) for w in result.warnings] == [(167, "isbn")]


def test_an_open_access_badge_between_a_title_and_its_pdf_is_no_author() -> None:
    text = seed_text().replace(
        "3. The Third KWP Congress\n", "3. The Third KWP Congress\nOpen Access\n"
    )
    result = parse_muse_page(text, "page.txt")
    (chapter,) = [ch for ch in result.book.chapters if ch.label == "3"]
    assert (chapter.title, chapter.contributors) == ("The Third KWP Congress", ())
    assert result.warnings == ()
