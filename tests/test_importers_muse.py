"""Project MUSE pages saved as text -> Book: the seed page, one fixture per variant, bad input."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph

from bookrdf.errors import InputError, RecordError
from bookrdf.importers.muse import _Reader, looks_like_muse_page, parse_muse_page, read_muse_page
from bookrdf.importers.names import people_in
from bookrdf.mapping import to_triples
from bookrdf.model import Chapter, Contributor, PageRange, Pdf, int_to_roman

HERE = Path(__file__).parent
PAGES = HERE / "fixtures" / "muse"
SEED = HERE.parent / "data" / "raw" / "000_b131de8bda212195.txt"

# (label, title, first page, last page, PDF size) for the seed's 20 entries, in order.
SEED_ENTRIES: list[tuple[str | None, str | None, str | None, str | None, str]] = [
    (None, "Title Page, Copyright", None, None, "99.7 KB"),
    (None, None, "v", "v", "24.1 KB"),
    (None, None, "vii", "xii", "49.6 KB"),
    (None, None, "xiii", "xiv", "28.7 KB"),
    (None, "Note on Romanization", "xv", "xv", "27.0 KB"),
    (None, None, "1", "6", "48.1 KB"),
    ("1", "North Korea and Its Leadership in the Mid-1950s", "7", "25", "110.8 KB"),
    ("2", "The Soviet Faction under Attack", "26", "59", "187.6 KB"),
    ("3", "The Third KWP Congress", "60", "72", "83.8 KB"),
    ("4", "The Conspiracy", "73", "92", "119.7 KB"),
    ("5", 'The "August Group" before August', "93", "120", "9.7 MB"),
    ("6", "The August Plenum", "121", "135", "94.7 KB"),
    ("7", "The Soviet-Chinese Delegation and the September Plenum", "136", "142", "58.2 KB"),
    ("8", "The Purges", "143", "174", "173.8 KB"),
    ("9", "North Korea Changes Course", "175", "201", "150.9 KB"),
    ("10", 'The Inception of the "Guerrilla State"', "202", "210", "67.3 KB"),
    (None, 'Conclusion: Why the "August Group" Failed', "211", "224", "84.5 KB"),
    (None, None, "225", "256", "182.3 KB"),
    (None, None, "257", "266", "61.4 KB"),
    (None, None, "267", "274", "103.2 KB"),
]


def muse(name: str) -> Path:
    return PAGES / f"{name}.txt"


def entry_rows(chapters: tuple[Chapter, ...]) -> list[tuple[object, ...]]:
    return [
        (
            ch.label,
            ch.title,
            ch.pages.start if ch.pages else None,
            ch.pages.end if ch.pages else None,
            ch.pdf.size if ch.pdf else None,
        )
        for ch in chapters
    ]


def people(contributors: tuple[Contributor, ...]) -> list[tuple[str, str, str | None, str | None]]:
    return [(c.name, c.role, c.given_name, c.family_name) for c in contributors]


# The seed page -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> Path:
    return SEED


def test_seed_book_fields(seed: Path) -> None:
    result = read_muse_page(seed)
    book = result.book
    assert result.warnings == ()
    assert book.id == "9780824828097"  # the print ISBN-13
    assert book.title == "Crisis in North Korea"
    assert book.subtitle is None
    assert people(book.contributors) == [("Andrei N. Lankov", "author", "Andrei N.", "Lankov")]
    assert book.publisher is not None
    assert book.publisher.name == "University of Hawai'i Press"
    assert book.published is not None
    assert (book.published.text, book.published.precision) == ("2005", "year")
    assert [(i.value, i.format) for i in book.isbns] == [
        ("9780824862039", "electronic"),
        ("9780824828097", "print"),
    ]
    assert book.description is not None
    assert book.description.startswith("North Korea remains the most mysterious")
    assert book.description.endswith(
        "estimate the scale and character of North Korea’s Great Purge."
    )
    assert "\n" not in book.description


def test_seed_entries(seed: Path) -> None:
    chapters = read_muse_page(seed).book.chapters
    assert entry_rows(chapters) == SEED_ENTRIES
    assert sum(ch.title is None for ch in chapters) == 7
    assert all(ch.kind is None and ch.contributors == () for ch in chapters)


def test_seed_excerpts(seed: Path) -> None:
    chapters = read_muse_page(seed).book.chapters
    excerpts = [ch.excerpt for ch in chapters]
    # "read more" with nothing before it, and the three last entries, have no excerpt.
    assert [i for i, text in enumerate(excerpts) if text is None] == [0, 1, 17, 18, 19]
    second = excerpts[2] or ""
    assert second.startswith("The 1956 crisis in North Korea and the subsequent changes")
    assert second.endswith("Rumors about these important events were ...")
    plenum = excerpts[11] or ""
    assert plenum.startswith("After almost a month of delays, the plenum opened on August 30")
    assert plenum.endswith("These two ...")
    # The last excerpt has no "read more" and is followed by an untitled entry.
    conclusion = excerpts[16] or ""
    assert conclusion.startswith("The attempt to dismiss Kim Il Song ultimately failed.")
    assert conclusion.endswith('Unlike those "little Stalins"—the now forgotten Communist ...')


def test_seed_lines_point_into_the_page(seed: Path) -> None:
    book = read_muse_page(seed).book
    assert book.source == str(seed)
    assert book.line_of("title") == 4
    assert book.line_of("contributors[0]") == 6
    assert book.line_of("publisher") == 12
    assert book.line_of("chapters[0]") == 14
    assert book.line_of("chapters[1]") == 19  # an untitled entry starts at its PDF line
    assert book.line_of("chapters[6].title") == 57
    assert book.line_of("chapters[6].pages") == 60
    assert book.line_of("chapters[6].excerpt") == 62
    assert book.line_of("isbn[1].value") == 167


def test_seed_as_text_and_with_book_id(seed: Path) -> None:
    text = seed.read_text("utf-8")
    result = parse_muse_page(text, book_id="crisis-in-north-korea")
    assert result.book.id == "crisis-in-north-korea"
    assert result.book.source == "<page>"
    assert result.book.chapters == read_muse_page(seed).book.chapters


# Variant pages -------------------------------------------------------------------------------


def test_several_authors_labels_and_sizes() -> None:
    result = read_muse_page(muse("several_authors"))
    book = result.book
    assert result.warnings == ()
    # MUSE joins title and subtitle with ": " too; that cannot be told apart, so one title.
    assert book.title == "Rice, Rivers, and Ritual: Village Life in the Mekong Delta, 1860–1945"
    assert book.subtitle is None
    assert people(book.contributors) == [
        ("Claire Dubois", "author", "Claire", "Dubois"),
        ("Minh Anh Tran", "author", "Minh Anh", "Tran"),
        ("Thomas J. Whitfield", "author", "Thomas J.", "Whitfield"),
    ]
    assert book.description is not None
    assert book.description.count("\n\n") == 1
    assert book.id == "9780824890001"
    assert entry_rows(book.chapters) == [
        (None, "Cover", None, None, "1.2 MB"),
        (None, "Contents", "v", "vi", "35.2 KB"),
        ("Part I", "The River", "1", "1", "21.0 KB"),
        ("Chapter 1", "Floods and Fields", "3", "28", "2.3 MB"),
        ("Chapter 2", "Landlords and Tenants", "29", "61", "1.8 MB"),
        ("Part II", "The Village", "63", "63", "20.4 KB"),
        ("IV", "Temples and Markets", "65", "98", "1.1 GB"),
        (None, "Bibliography", "201", "230", "310.9 KB"),
        (None, "Index", "231", "240", "98.0 KB"),
    ]


def test_two_authors_subtitle_and_page_chrome() -> None:
    result = read_muse_page(muse("two_authors_subtitle"))
    book = result.book
    assert (book.title, book.subtitle) == (
        "Paper Tigers",
        "Censorship and the Korean Press, 1945–1960",
    )
    assert people(book.contributors) == [
        ("Helen Park Morrow", "author", "Helen Park", "Morrow"),
        ("David L. Fischer", "author", "David L.", "Fischer"),
    ]
    assert book.language == "en"  # from "Additional Information"
    # The ISBNs under "Additional Information" repeat the ones above: kept once.
    assert [(i.value, i.format) for i in book.isbns] == [
        ("9780824839994", "electronic"),
        ("9780824835675", "print"),
    ]
    titles = [ch.title for ch in book.chapters]
    assert titles == [
        "Cover",
        "Frontmatter",
        "Introduction",
        "Newsrooms under Occupation",
        "The Censor's Pencil",
        "Index",
    ]
    assert book.chapters[1].pages == PageRange("i", "viii")
    # Series, OCLC, page count, MUSE launch date and open access have no record field.
    assert [(w.line, w.message.split('"')[1]) for w in result.warnings] == [
        (17, "Series: Hawai'i Studies on Korea"),
        (74, "OCLC 890123456"),
        (75, "Pages 264"),
        (76, "Launched on MUSE 2015-03-01"),
        (78, "Open Access No"),
    ]


def test_edited_volume_with_chapter_authors() -> None:
    result = read_muse_page(muse("edited_volume"))
    book = result.book
    assert result.warnings == ()
    assert people(book.contributors) == [
        ("Hyung-jin Cho", "editor", "Hyung-jin", "Cho"),
        ("Sarah E. Whitman", "editor", "Sarah E.", "Whitman"),
    ]
    assert book.publisher is not None
    assert book.publisher.name == "Boydell & Brewer"
    assert [(i.value, i.format) for i in book.isbns] == [("9781580461238", "print")]
    assert book.id == "9781580461238"
    by_title = {ch.title: ch for ch in book.chapters}
    intro = by_title["Introduction: Drawing Lines on the Peninsula"]
    assert intro.label is None
    assert [c.name for c in intro.contributors] == ["Hyung-jin Cho", "Sarah E. Whitman"]
    # chapter people on a paragraph of their own, below the title
    fishermen = by_title["Fishermen at the Northern Limit Line"]
    assert people(fishermen.contributors) == [("Jae-won Lee", "author", "Jae-won", "Lee")]
    enemy = by_title['"Enemy Property" in Busan, 1945–1950']
    assert people(enemy.contributors) == [
        ("Margaret Ostrowski", "author", "Margaret", "Ostrowski"),
        ("Yuna Shin", "translator", "Yuna", "Shin"),
    ]
    smugglers = by_title["Smugglers and Sentries"]
    assert [c.name for c in smugglers.contributors] == [
        "Daniel K. Ferreira",
        "Eun-ji Ha",
        "Tomás Rivera",
    ]
    assert smugglers.excerpt is None
    assert by_title["Contributors"].contributors == ()
    assert book.line_of("chapters[2].contributors[0]") == 30


def test_lowercase_edited_by_translator_and_isbn10() -> None:
    result = read_muse_page(muse("isbn10_edited_translated"))
    book = result.book
    assert result.warnings == ()
    assert (book.title, book.subtitle) == ("The Diamond Mountains", "A Travel Anthology, 1600–1900")
    assert people(book.contributors) == [
        ("Margaret R. Hale", "editor", "Margaret R.", "Hale"),
        ("Jonathan Ashby", "translator", "Jonathan", "Ashby"),
    ]
    assert [(i.value, i.format) for i in book.isbns] == [
        ("9780824835675", "electronic"),
        ("9780824831011", "print"),
    ]
    assert book.id == "9780824831011"


def test_no_isbn_gives_a_title_slug() -> None:
    result = read_muse_page(muse("no_isbn"))
    assert result.book.isbns == ()
    assert result.book.id == "the-lantern-festival-ritual-and-memory-in-late-choson"
    assert result.warnings == ()


def test_non_ascii_titles_and_names() -> None:
    result = read_muse_page(muse("non_ascii"))
    book = result.book
    assert result.warnings == ()
    assert book.title == "“Chosŏn” Modern: Hangul, Print, and the Nation—한글과 근대"
    # A hangul name is not split into given and family names.
    assert people(book.contributors) == [
        ("Émilie Brückner", "author", "Émilie", "Brückner"),
        ("김지영", "author", None, None),
    ]
    assert book.publisher is not None
    assert book.publisher.name == "Cornell University Press"
    assert book.id == "9788997123452"
    assert entry_rows(book.chapters) == [
        (None, "Préface : « Écrire en hangul »", "ix", "xiv", "33.0 KB"),
        ("1", "한글의 탄생 — The Birth of Hangul", "1", "30", "180.2 KB"),
        ("2", "Über Drucker und Verleger: Seoul’s “Book Street”", "31", "66", "201.7 KB"),
        (None, "Conclusion—Beyond 1945", "67", "75", "45.8 KB"),
    ]
    excerpt = book.chapters[1].excerpt or ""
    assert excerpt.startswith("In 1446 King Sejong promulgated the Hunmin chŏngŭm")


def test_crlf_bom_and_non_breaking_spaces() -> None:
    path = muse("crlf_bom_nbsp")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw
    assert b"\xc2\xa0" in raw
    result = read_muse_page(path)
    book = result.book
    assert result.warnings == ()
    assert book.title == "Crisis in North Korea"
    assert book.contributors[0].name == "Andrei N. Lankov"
    assert book.publisher is not None
    assert book.publisher.name == "University of Hawai'i Press"
    assert book.description == (
        "North Korea remains the most mysterious of all Communist countries. The acute shortage"
        " of available sources has made it a difficult subject of scholarship."
    )
    assert entry_rows(book.chapters) == [
        (None, "Title Page, Copyright", None, None, "99.7 KB"),
        ("1", "North Korea and Its Leadership in the Mid-1950s", "7", "25", "110.8 KB"),
    ]
    assert book.line_of("chapters[1].pages") == 21


def test_invisible_characters_at_line_ends_change_no_line(seed: Path) -> None:
    text = seed.read_text("utf-8")
    for line in ("read more", "pp. 7-25", "Crisis in North Korea", "Published by:"):
        text = text.replace(line, f"\u200b{line}\u2060\ufeff")
    result = parse_muse_page(text, "page.txt")
    assert result.warnings == parse_muse_page(seed.read_text("utf-8"), "page.txt").warnings
    assert entry_rows(result.book.chapters) == SEED_ENTRIES
    assert result.book.title == "Crisis in North Korea"


def test_a_page_without_blank_lines_or_read_more_keeps_its_titles(seed: Path) -> None:
    text = seed.read_text("utf-8")
    dense = "\n".join(line for line in text.splitlines() if line not in ("", "read more"))
    book = parse_muse_page(dense, "page.txt").book
    assert entry_rows(book.chapters) == SEED_ENTRIES
    expected = parse_muse_page(text, "page.txt").book
    assert [ch.excerpt for ch in book.chapters] == [ch.excerpt for ch in expected.chapters]


def test_unplaced_lines_are_warnings() -> None:
    result = read_muse_page(muse("unplaced"))
    book = result.book
    assert book.title == "Harbor Cities"
    assert book.subtitle is None  # a paragraph of its own above the author: not guessed
    assert book.published is not None
    assert book.published.text == "2008"
    first = book.chapters[0]
    assert (first.label, first.title, first.pages, first.pdf) == ("1", "Incheon, 1883", None, Pdf())
    assert book.chapters[1].excerpt == (
        "The Japanese settlement at Busan was older than the treaty that recognised it ..."
    )
    assert [(w.line, w.field) for w in result.warnings] == [
        (6, ""),
        (16, ""),
        (20, "chapters[0].pdf.size"),
        (21, "chapters[0].pages"),
        (27, "chapters[0]"),
        (38, ""),
        (40, ""),  # below the ISBNs that close the contents: no entry's
    ]
    messages = [str(w) for w in result.warnings]
    assert messages[0].endswith(
        ':6: "Notes from the Treaty Ports" was not placed in the record; add it by hand if needed'
    )
    assert '"Publication Year: 2009" was not placed' in messages[5]
    assert "©2024 Project MUSE" in messages[6]
    assert "comes after the ISBNs that close the contents" in messages[6]


def test_text_below_the_closing_isbns_is_no_excerpt_and_is_reported(seed: Path) -> None:
    text = seed.read_text("utf-8") + "\n\nCopyright © 2005 University of Hawaii Press.\n"
    result = parse_muse_page(text, "page.txt")
    assert result.book.chapters[-1].excerpt is None
    assert [w.line for w in result.warnings] == [len(text.splitlines())]


@pytest.mark.parametrize(
    ("line", "isbns"),
    [
        ("ISBN: 9780824828097 (print)", [("9780824828097", "print")]),
        ("ISBN 978-0-8248-2809-7 (hardcover)", [("9780824828097", "hardcover")]),
        ("Print-ISBN-13: 9780824828097 (pbk.)", [("9780824828097", "paperback")]),
        ("ISBN: 0-8248-2809-7 (alk. paper)", [("9780824828097", None)]),
        ("E-ISBN: 9780824828097 (PDF)", [("9780824828097", "electronic")]),
    ],
)
def test_an_isbn_line_with_its_format_after_it_is_an_isbn(
    seed: Path, line: str, isbns: list[tuple[str, str | None]]
) -> None:
    text = seed.read_text("utf-8").replace("E-ISBN-13: 9780824862039\n", "")
    result = parse_muse_page(text.replace("Print-ISBN-13: 9780824828097", line), "page.txt")
    assert [(i.value, i.format) for i in result.book.isbns] == isbns
    assert result.book.chapters[-1].excerpt is None


def test_an_isbn_line_it_cannot_read_is_reported_not_an_excerpt(seed: Path) -> None:
    line = "Print ISBN: 9780824828097; E-ISBN: 9780824862039"
    text = seed.read_text("utf-8").replace("E-ISBN-13: 9780824862039\n", "")
    result = parse_muse_page(text.replace("Print-ISBN-13: 9780824828097", line), "page.txt")
    assert result.book.chapters[-1].excerpt is None
    assert [w.message for w in result.warnings if w.field == "isbn"] == [
        f'"{line}" reads like an ISBN line but has more on it than an ISBN and its '
        "format; give the ISBNs in the record by hand"
    ]


def test_additional_information_rows_without_their_heading_are_no_excerpt(seed: Path) -> None:
    rows = "OCLC: 57349520\nPages: 288\nLaunched on MUSE: 2012-01-01\nOpen Access: No\n"
    text = seed.read_text("utf-8").replace("E-ISBN-13:", rows + "\nE-ISBN-13:")
    result = parse_muse_page(text, "page.txt")
    assert result.book.chapters[-1].excerpt is None
    assert [w.message.split('"')[1] for w in result.warnings[-4:]] == rows.splitlines()


def test_a_language_line_above_the_description_is_the_language(seed: Path) -> None:
    lines = seed.read_text("utf-8").splitlines()
    at = lines.index("Publication Year: 2005") + 1
    text = "\n".join([*lines[:at], "Language: English", *lines[at:]])
    book = parse_muse_page(text, "page.txt").book
    assert book.language == "en"
    assert book.description is not None
    assert book.description.startswith("North Korea remains")


def test_a_name_taken_as_the_title_is_warned_about(seed: Path) -> None:
    text = seed.read_text("utf-8").replace("Crisis in North Korea\n", "", 1)
    result = parse_muse_page(text, "page.txt")
    assert result.book.title == "Andrei N. Lankov"
    assert result.book.contributors == ()
    assert [(w.field, "reads like a person's name" in w.message) for w in result.warnings] == [
        ("title", True)
    ]


def test_a_book_titled_open_access_keeps_its_title_and_author(seed: Path) -> None:
    text = seed.read_text("utf-8").replace("Crisis in North Korea\n", "Open Access\n", 1)
    result = parse_muse_page(text.replace("Andrei N. Lankov\n", "Peter Suber\n", 1), "page.txt")
    assert (result.book.title, result.book.line_of("title")) == ("Open Access", 4)
    assert people(result.book.contributors) == [("Peter Suber", "author", "Peter", "Suber")]
    assert [w for w in result.warnings if w.field == "title"] == []


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("Andrei N. Lankov", [("Andrei N. Lankov", "author", "Andrei N.", "Lankov")]),
        ("Kim Il Sung", [("Kim Il Sung", "author", None, None)]),  # family name first
        ("Ludwig van Beethoven", [("Ludwig van Beethoven", "author", None, None)]),
        ("Martin Luther King, Jr.", [("Martin Luther King, Jr.", "author", None, None)]),
        ("김소월", [("김소월", "author", None, None)]),
        ("edited by Ann Lee", [("Ann Lee", "editor", "Ann", "Lee")]),
        (
            "Edited and translated by Ann Roe",
            [("Ann Roe", "editor", "Ann", "Roe"), ("Ann Roe", "translator", "Ann", "Roe")],
        ),
        (
            "with a foreword by Bruce Cumings",
            [("Bruce Cumings", "contributor", "Bruce", "Cumings")],
        ),
        (
            "Edited by Jane Doe, with an introduction by John Roe",
            [("Jane Doe", "editor", "Jane", "Doe"), ("John Roe", "contributor", "John", "Roe")],
        ),
        (
            "edited by Jane Doe ; translated by John Roe",
            [("Jane Doe", "editor", "Jane", "Doe"), ("John Roe", "translator", "John", "Roe")],
        ),
        (
            "by Ann Lee, with Bo Smith",
            [("Ann Lee", "author", "Ann", "Lee"), ("Bo Smith", "author", "Bo", "Smith")],
        ),
        ("By Andrei N. Lankov", [("Andrei N. Lankov", "author", "Andrei N.", "Lankov")]),
        ("BY ANN LEE", [("ANN LEE", "author", None, None)]),
    ],
)
def test_bylines(byline: str, expected: list[tuple[str, str, str | None, str | None]]) -> None:
    page = (
        f"A Title\n\n{byline}\n\nPublication Year: 2001\n\nPublished by: A Press\n\n"
        "pdf iconDownload PDF (1.0 KB)\n"
    )
    result = parse_muse_page(page)
    assert people(result.book.contributors) == expected
    assert result.warnings == ()


@pytest.mark.parametrize(
    "line", ["Jane Austen with Friends", "Dancing with Wolves", "By the Waters of Babylon"]
)
def test_with_and_by_join_people_only_when_names_follow(line: str) -> None:
    assert people_in(line) is None


def test_bad_field_values_point_at_page_lines() -> None:
    text = SEED.read_text("utf-8").replace(
        "Print-ISBN-13: 9780824828097", "Print-ISBN-10: 0824828098"
    )
    with pytest.raises(RecordError) as caught:
        parse_muse_page(text, "crisis.txt")
    assert str(caught.value) == (
        'crisis.txt:167: isbn[1].value: ISBN-10 "0824828098" has a wrong check digit; check it'
    )


# Bad input ------------------------------------------------------------------------------------

HTML = "<!DOCTYPE html>\n<html><head><title>Crisis in North Korea</title></head></html>\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b" \r\n\n\t\n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\xff", "is not UTF-8 text"),
        (b"\x00\x01\x02\x03binary\x00\x00data\x00", "is a binary file"),
        (b"Lorem ipsum dolor sit amet.\nConsectetur adipiscing elit.\n", "has no 'Published by:'"),
        (HTML.encode(), "is HTML, not a page saved as text"),
        (b"Published by: University of Hawai'i Press\n\npdf iconDownload PDF (1 KB)\n", "no book"),
        (
            b"A Title\n\nA. Author\n\nPublished by: Some Press\n\nE-ISBN-13: 9780824862039\n",
            "has no",
        ),
    ],
)
def test_bad_pages_raise_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "page.txt"
    path.write_bytes(content)
    with pytest.raises(RecordError) as caught:
        read_muse_page(path)
    text = str(caught.value)
    assert message in text
    assert "\n" not in text
    assert text.startswith(f"{path}:")
    assert "save the book's page on muse.jhu.edu as UTF-8 text" in text
    assert caught.value.problems[0].line is not None


def test_pages_that_skip_pages_are_read_with_their_parts(seed: Path) -> None:
    text = seed.read_text("utf-8").replace("pp. 7-25", "pp. 7-20, 23-25", 1)
    result = parse_muse_page(text)
    (chapter,) = [c for c in result.book.chapters if c.label == "1"]
    assert chapter.pages == PageRange("7", "25", (PageRange("7", "20"), PageRange("23", "25")))
    assert chapter.pages.pagination == "7-20, 23-25"
    assert result.warnings == ()


def test_no_contents_names_the_published_by_line(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text("A Title\n\nA. Author\n\nPublished by: Some Press\n\nSeries: X\n", "utf-8")
    with pytest.raises(RecordError, match=r"page\.txt:5: has no contents entries"):
        read_muse_page(path)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="No such file"):
        read_muse_page(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="cannot be read"):
        read_muse_page(tmp_path)


def test_looks_like_muse_page() -> None:
    assert looks_like_muse_page(SEED.read_text("utf-8"))
    assert all(looks_like_muse_page(p.read_text("utf-8-sig")) for p in PAGES.glob("*.txt"))
    assert not looks_like_muse_page("id: crisis\ntitle: Crisis in North Korea\n")
    assert not looks_like_muse_page(HTML)
    assert not looks_like_muse_page("")


# Properties -----------------------------------------------------------------------------------

WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéüŏ한글", min_size=1, max_size=9)
OPENERS = st.sampled_from(["The", "Rivers", "Über", "한글", "Notes", "Émile's"])
PHRASES = st.builds(
    lambda first, rest: " ".join([first, *rest]), OPENERS, st.lists(WORDS, max_size=8)
)
LABELS = st.one_of(
    st.none(),
    st.integers(1, 40).map(str),
    st.integers(1, 39).map(lambda n: int_to_roman(n).upper()),
    st.integers(1, 40).map(lambda n: f"Chapter {n}"),
    st.integers(1, 12).map(lambda n: f"Part {int_to_roman(n).upper()}"),
)
ARABIC = st.tuples(st.integers(1, 500), st.integers(0, 60)).map(lambda p: (p[0], p[0] + p[1]))
ROMAN = st.tuples(st.integers(1, 30), st.integers(0, 9)).map(
    lambda p: (int_to_roman(p[0]), int_to_roman(p[0] + p[1]))
)
SIZES = st.builds(
    lambda whole, tenth, unit: f"{whole}.{tenth} {unit}",
    st.integers(1, 999),
    st.integers(0, 9),
    st.sampled_from(["KB", "MB", "GB"]),
)


@st.composite
def entries(draw: st.DrawFn) -> Chapter:
    title = draw(st.none() | PHRASES)
    label = draw(LABELS) if title else None
    pages = draw(st.none() | ARABIC | ROMAN)
    excerpt = draw(st.none() | PHRASES.map(lambda text: f"{text} ..."))
    return Chapter(
        label=label,
        title=title,
        pages=None if pages is None else PageRange(str(pages[0]), str(pages[1])),
        pdf=Pdf(draw(SIZES)),
        excerpt=excerpt,
    )


def render(chapters: list[Chapter], read_more: list[bool]) -> str:
    """Chapters laid out as MUSE shows them, between the seed page's head and foot."""
    head, _, _ = SEED.read_text("utf-8").partition("Title Page, Copyright")
    lines = [head.rstrip("\n"), ""]
    for chapter, more in zip(chapters, read_more, strict=True):
        if chapter.title:
            number = f"{chapter.label}. " if chapter.label else ""
            lines += [f"{number}{chapter.title}", ""]
        assert chapter.pdf is not None
        lines.append(f"pdf iconDownload PDF ({chapter.pdf.size})")
        if chapter.pages:
            lines.append(f"pp. {chapter.pages.start}–{chapter.pages.end}")
        lines.append("")
        if chapter.excerpt:
            lines += [chapter.excerpt, ""]
        if more:
            lines += ["read more", ""]
        lines.append("")
    lines += ["E-ISBN-13: 9780824862039", "", "Publication Year: 2005", ""]
    return "\n".join(lines)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(entries(), min_size=1, max_size=8).flatmap(
        lambda chs: st.tuples(
            st.just(chs), st.lists(st.booleans(), min_size=len(chs), max_size=len(chs))
        )
    )
)
def test_rendered_entries_parse_back(case: tuple[list[Chapter], list[bool]]) -> None:
    chapters, read_more = case
    result = parse_muse_page(render(chapters, read_more))
    assert result.book.chapters == tuple(chapters)
    assert result.warnings == ()


MUSE_LINES = st.sampled_from(
    [
        "",
        "Title",
        "A. Author and B. Author",
        "Edited by",
        "Published by: Press",
        "Published by:",
        "Publication Year: 20x5",
        "Publication Year: 0000",
        "pdf iconDownload PDF (1 KB)",
        "pdf iconDownload PDF ()",
        "pp. 1-",
        "p. x",
        "read more",
        "Additional Information",
        "Language\tKlingon",
        "ISBN 0000000000",
        "Print-ISBN-13: 9780824828097",
        "1. ",
        "IV. V. W.",
        "\ufeff\r",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(MUSE_LINES | st.text(max_size=30), max_size=25))
def test_any_text_gives_a_book_or_a_record_error(lines: list[str]) -> None:
    try:
        book = parse_muse_page("\n".join(lines)).book
    except RecordError:
        return  # the one exception bad input may raise
    assert book.chapters


# Pages as MUSE serves them today: chrome, open access, parts, views; and pages to refuse ------


def test_open_access_page_with_chrome_parts_and_view_lines() -> None:
    result = read_muse_page(muse("open_access_parts"))
    book = result.book
    # "Skip to main content", "Project MUSE logo" and "Open Access" are chrome, not the title
    assert (book.title, book.subtitle) == (
        "Seeds of Empire",
        "The Agrarian Roots of Colonial Korea, 1876–1945",
    )
    # the editors line right under the title, without a blank line, is the book's people
    assert people(book.contributors) == [
        ("Miriam K. Osei", "editor", "Miriam K.", "Osei"),
        ("Thomas Lindqvist", "editor", "Thomas", "Lindqvist"),
    ]
    rows = [(ch.label, ch.title, ch.kind, ch.excerpt) for ch in book.chapters]
    assert rows[:4] == [
        (None, "Cover", None, None),  # "View | Download EPUB" is no excerpt
        (None, "Title Page, Copyright", None, None),
        (None, "Contents", None, None),  # "Part I. Land" is no excerpt either
        ("Part I", "Land", "part", None),  # a part heading without a PDF keeps its place
    ]
    assert [(ch.label, ch.kind) for ch in book.chapters[4:]] == [
        ("1", None),
        ("2", None),
        ("Part II", "part"),
        ("3", None),
        (None, None),
    ]
    assert not any("Seeds of Empire" in w.message for w in result.warnings)


def test_an_open_access_licence_statement_is_the_licence_not_description() -> None:
    result = read_muse_page(muse("open_access_parts"))
    assert result.book.license == "https://creativecommons.org/licenses/by-nc-nd/4.0/"
    assert result.book.description is not None
    assert "licensed" not in result.book.description
    # the "Creative Commons  CC-BY-NC-ND" row agrees with the statement: nothing to say
    assert not any(w.field == "license" for w in result.warnings)


@pytest.mark.parametrize(
    ("lines", "licence", "warned"),
    [
        (["Creative Commons\tCC BY 4.0"], "https://creativecommons.org/licenses/by/4.0/", None),
        (["Creative Commons: CC0 1.0"], "https://creativecommons.org/publicdomain/zero/1.0/", None),
        (["Creative Commons\tCC-BY-SA"], None, "without its version"),
        (["Creative Commons\tCC-BY-XY 4.0"], None, "not a Creative Commons licence"),
        (
            [
                "This book is licensed under a Creative Commons Attribution 3.0 Unported License.",
                "Creative Commons\tCC-BY-NC",
            ],
            "https://creativecommons.org/licenses/by/3.0/",
            "another licence",
        ),
    ],
)
def test_creative_commons_rows_and_statements(
    lines: list[str], licence: str | None, warned: str | None
) -> None:
    page = SEED.read_text("utf-8") + "\n\nAdditional Information\n\n" + "\n".join(lines) + "\n"
    result = parse_muse_page(page, "page.txt")
    assert result.book.license == licence
    said = [w.message for w in result.warnings if w.field == "license"]
    assert (warned is None and not said) or (warned is not None and warned in said[0])


@pytest.mark.parametrize(
    "excerpt",
    [
        "Part Two: the argument continues with the purges of 1957 and 1958 in the party",
        "Part 2 of this chapter shows how the purges went.\nIt goes on for a while.",
    ],
)
def test_an_excerpt_that_begins_like_a_part_heading_stays_an_excerpt(excerpt: str) -> None:
    text = SEED.read_text("utf-8")
    at = text.rfind("\n\n", 0, text.index("read more"))
    book = parse_muse_page(text[:at] + "\n\n" + excerpt + text[at:], "page.txt").book
    assert not any(chapter.kind == "part" for chapter in book.chapters)
    assert any(excerpt.split("\n")[0] in (chapter.excerpt or "") for chapter in book.chapters)


def test_a_part_heading_with_its_own_pdf_is_that_entry() -> None:
    page = SEED.read_text("utf-8").replace(
        "1. North Korea and Its Leadership",
        "Part I. Beginnings\n\n1. North Korea and Its Leadership",
    )
    chapters = parse_muse_page(page).book.chapters
    assert [(ch.label, ch.title, ch.pages) for ch in chapters[6:8]] == [
        ("Part I", "Beginnings", None),
        ("1", "North Korea and Its Leadership in the Mid-1950s", PageRange("7", "25")),
    ]
    page = page.replace(
        "Part I. Beginnings\n\n1. North",
        "Part I. Beginnings\n\npdf iconDownload PDF (1.0 KB)\n\n1. North",
    )
    chapters = parse_muse_page(page).book.chapters
    assert (chapters[6].label, chapters[6].title, chapters[6].kind) == (
        "Part I",
        "Beginnings",
        None,
    )
    assert chapters[6].pdf == Pdf("1.0 KB")


@pytest.mark.parametrize(
    ("heading", "label", "title"),
    [("PART TWO", "PART TWO", None), ("PART ONE: LAND", "PART ONE", "LAND"),
     ("Part one: Land", "Part one", "Land"), ("Part Eleven", "Part Eleven", None)],
)  # fmt: skip
def test_part_headings_with_their_number_in_words_in_any_case(
    heading: str, label: str, title: str | None
) -> None:
    page = SEED.read_text("utf-8").replace(
        "1. North Korea and Its Leadership", f"{heading}\n\n1. North Korea and Its Leadership"
    )
    result = parse_muse_page(page, "page.txt")
    part = result.book.chapters[6]
    assert (part.label, part.title, part.kind) == (label, title, "part")
    assert not [w for w in result.warnings if heading in w.message]


def test_a_title_opening_with_a_year_has_no_label() -> None:
    page = SEED.read_text("utf-8").replace("4. The Conspiracy", "1956. The Conspiracy")
    chapter = parse_muse_page(page, "page.txt").book.chapters[9]
    assert (chapter.label, chapter.title) == (None, "1956. The Conspiracy")


def test_the_excerpt_above_a_part_heading_stays_with_its_entry() -> None:
    page = SEED.read_text("utf-8").replace(
        "1. North Korea and Its Leadership",
        "Part I. Beginnings\n\n[Figure 1]\n\n1. North Korea and Its Leadership",
    )
    result = parse_muse_page(page, "page.txt")
    chapters = result.book.chapters
    assert chapters[5].excerpt is not None
    assert chapters[5].excerpt.startswith("For the communist camp")
    assert (chapters[6].label, chapters[6].excerpt) == ("Part I", None)
    figure = next(w for w in result.warnings if "[Figure 1]" in w.message)
    assert (figure.line, figure.field) == (page.splitlines().index("[Figure 1]") + 1, "chapters[5]")


def test_muse_boilerplate_above_an_excerpt_is_not_the_excerpt() -> None:
    page = SEED.read_text("utf-8").replace(
        "For the communist camp,",
        "In lieu of an abstract, here is a brief excerpt of the content:\nFor the communist camp,",
    )
    excerpt = parse_muse_page(page).book.chapters[5].excerpt
    assert excerpt is not None
    assert excerpt.startswith("For the communist camp, the mid-1950s")


def test_a_journal_issue_page_is_refused() -> None:
    with pytest.raises(RecordError) as caught:
        read_muse_page(muse("journal_issue"))
    assert [str(p) for p in caught.value.problems] == [
        f'{muse("journal_issue")}:5: is a journal issue page ("Volume 26, Number 2, October 2021"), '
        "not a book page; bookrdf imports books; save the book's page on muse.jhu.edu as UTF-8 "
        "text and import that file"
    ]


def test_a_page_cut_off_mid_excerpt_is_a_warning() -> None:
    text = SEED.read_text("utf-8")
    cut = text[: text.index("Dr. Kenneth Wells") + 9]
    result = parse_muse_page(cut)
    assert [(w.line, w.message) for w in result.warnings] == [
        (
            cut.count("\n") + 1,
            "the page ends mid-text, without the ISBNs or 'Publication Year' that close a MUSE "
            "book page; it may have been cut off when saved: save the whole page again",
        )
    ]
    assert parse_muse_page(text).warnings == ()


def test_a_page_of_many_lines_is_read_in_linear_time() -> None:
    # keyed_lines looked ahead with a slice per line: 200,000 PDF lines never finished
    lines = [(n, "pdf iconDownload PDF (1.0 KB)" if n % 2 else "") for n in range(1, 120_001)]
    start = time.perf_counter()
    out = _Reader("<page>").keyed_lines(lines)
    assert time.perf_counter() - start < 5
    assert out == lines


def test_people_of_a_muse_page_are_people_and_stay_schema_person() -> None:
    # MUSE pages name people only: none becomes an organisation, and each is a schema:Person
    book = read_muse_page(muse("edited_volume")).book
    everyone = [*book.contributors, *(p for ch in book.chapters for p in ch.contributors)]
    assert len(everyone) > 5
    assert {p.kind for p in everyone} == {"person"}
    graph = Graph()
    for triple in to_triples(book):
        graph.add(triple)
    found = graph.query(
        "SELECT DISTINCT ?type WHERE { ?owner <http://purl.org/dc/terms/creator>"
        "|<http://purl.org/dc/terms/contributor> ?who . ?who a ?type }"
    )
    assert [str(row[0]) for row in found] == ["http://schema.org/Person"]  # type: ignore[index]
