"""MUSE pages as users save them beyond the seed's layout: found by the fifth sweep."""

from __future__ import annotations

import gzip
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bookrdf.errors import RecordError
from bookrdf.importers.muse import parse_muse_page, read_muse_page

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


def test_doi_lines_are_the_dois_of_their_entry_and_book() -> None:
    text = seed_text().replace(
        "Published by: University of Hawai'i Press\n",
        "Published by: University of Hawai'i Press\nDOI: 10.1515/9780824862039\n",
    )
    text = text.replace("pp. 7-25\n", "pp. 7-25\nDOI: 10.1515/9780824862039-004\n")
    # below the excerpt, and between the title and the PDF line, as a link
    text = text.replace(
        "the sole legitimate authority on ...\n\nread more\n",
        "the sole legitimate authority on ...\n\nread more\n\n"
        "https://doi.org/10.1515/9780824862039-004\n",
    )
    text = text.replace(
        "2. The Soviet Faction under Attack\n",
        "2. The Soviet Faction under Attack\nhttps://doi.org/10.1515/9780824862039-005\n",
    )
    result = parse_muse_page(text, "page.txt")
    book = result.book
    assert book.doi == "10.1515/9780824862039"
    dois = {ch.label: ch.doi for ch in book.chapters if ch.doi}
    assert dois == {"1": "10.1515/9780824862039-004", "2": "10.1515/9780824862039-005"}
    first, second = [ch for ch in book.chapters if ch.label in ("1", "2")]
    assert first.excerpt is not None
    assert "doi" not in first.excerpt
    assert first.excerpt.startswith("The democratic people's republic of Korea")
    assert second.contributors == ()
    assert book.line_of("chapters[6].doi") == 62
    assert result.warnings == ()


def test_an_entry_with_two_dois_keeps_the_first_and_warns() -> None:
    text = seed_text().replace("pp. 7-25\n", "pp. 7-25\nDOI: 10.1515/a\ndoi:10.1515/b\n")
    result = parse_muse_page(text, "page.txt")
    (chapter,) = [ch for ch in result.book.chapters if ch.label == "1"]
    assert chapter.doi == "10.1515/a"
    assert [(w.line, w.field) for w in result.warnings] == [(62, "chapters[6].doi")]


@pytest.mark.parametrize(
    ("line", "pages"),
    [
        ("PP. 7-25", ("7", "25")),  # a page styled in capitals, copied as shown
        ("Pp. 7-25", ("7", "25")),
        ("pp 7-25", ("7", "25")),  # without the dot
        ("pp.7–25", ("7", "25")),
        ("P. XV", ("XV", "XV")),
        ("PP. VII-XII", ("VII", "XII")),
    ],
)
def test_pages_lines_in_other_cases_and_without_the_dot_are_pages(
    line: str, pages: tuple[str, str]
) -> None:
    result = parse_muse_page(seed_text().replace("pp. 7-25\n", f"{line}\n"), "page.txt")
    (chapter,) = [ch for ch in result.book.chapters if ch.label == "1"]
    assert chapter.pages is not None
    assert (chapter.pages.start, chapter.pages.end) == pages
    assert chapter.excerpt is not None
    assert chapter.excerpt.startswith("The democratic people's republic of Korea")
    assert result.warnings == ()


@pytest.mark.parametrize("line", ["P. T. Barnum opened his museum in 1841 ...", "Pages of it ..."])
def test_an_excerpt_opening_like_a_pages_line_stays_an_excerpt(line: str) -> None:
    result = parse_muse_page(seed_text().replace("pp. 7-25\n", f"{line}\n"), "page.txt")
    (chapter,) = [ch for ch in result.book.chapters if ch.label == "1"]
    assert chapter.pages is None
    assert chapter.excerpt is not None
    assert chapter.excerpt.startswith(line)


@pytest.mark.parametrize("heading", ["Related Content", "Cite", "Recommended", "Share"])
def test_a_section_below_the_contents_is_no_excerpt_of_the_last_entry(heading: str) -> None:
    block = f"{heading}\n\nOther Books in This Series\nThe Cleanest Race\nB. R. Myers\n"
    text = seed_text().replace(CLOSING_ISBNS, "") + "\n\n" + block
    result = parse_muse_page(text, "page.txt")
    last = result.book.chapters[-1]
    assert (last.pages and last.pages.pagination, last.excerpt) == ("267-274", None)
    reported = [w.message.split('"')[1] for w in result.warnings]
    assert reported == ["Other Books in This Series", "The Cleanest Race", "B. R. Myers"]
    assert all(heading in w.message for w in result.warnings)


FOOTER = (
    "Project MUSE Mission\n"
    "Project MUSE promotes the creation and dissemination of essential humanities and social "
    "science resources through collaboration with libraries, publishers, and scholars.\n"
    "2715 North Charles Street\n"
    "©2026 Project MUSE. Produced by Johns Hopkins University Press.\n"
)


def test_muse_footer_below_the_contents_is_no_excerpt_of_the_last_entry() -> None:
    text = seed_text().replace(CLOSING_ISBNS, "") + "\n\n" + FOOTER
    result = parse_muse_page(text, "page.txt")
    assert result.book.chapters[-1].excerpt is None
    assert [w.line for w in result.warnings] == [170, 171, 172]


HEADER = (
    "Skip to main content\nProject MUSE\nSearch\nBrowse\nAbout\nLog In\n"
    "We use cookies to improve your experience. By continuing to browse this site, you agree "
    "to our use of cookies.\nAccept All Cookies\nCookie Settings\n"
)


def test_the_site_header_and_cookie_banner_above_the_book_are_not_its_title() -> None:
    result = parse_muse_page(HEADER + seed_text(), "page.txt")
    assert (result.book.title, result.book.line_of("title")) == ("Crisis in North Korea", 13)
    assert [c.name for c in result.book.contributors] == ["Andrei N. Lankov"]
    assert result.warnings == ()


def test_soft_hyphens_and_ligatures_a_copy_carries_are_not_kept() -> None:
    text = seed_text().replace("Crisis in North Korea", "Cri\u00adsis in North Ko\u00adrea", 1)
    text = text.replace("4. The Conspiracy", "4. The Con\u00adspir\u00adacy")
    text = text.replace(
        "Publication Year: 2005\n\nNorth", "Publication Year: 2005\n\n\ufb01rst North"
    )
    book = parse_muse_page(text, "page.txt").book
    assert book.title == "Crisis in North Korea"
    assert [ch.title for ch in book.chapters if ch.label == "4"] == ["The Conspiracy"]
    assert book.description is not None
    assert book.description.startswith("first North Korea")


def lynx_dump(text: str) -> str:
    """The seed as `lynx -dump` writes a page: links numbered ("[7]Download PDF"), lines
    indented and wrapped, and the list of the links' URLs at the end."""
    links = 0
    out: list[str] = []
    for line in text.splitlines():
        linked = ("Andrei", "read more", "Published by: ", "Title Page", "Note on", "Conclusion")
        if line.startswith(linked) or line.split(".")[0] in {str(n) for n in range(1, 11)}:
            links += 1
            at = len("Published by: ") if line.startswith("Published by: ") else 0
            line = f"{line[:at]}[{links}]{line[at:]}"
        elif line.startswith("pdf icon"):
            line = f"[{links + 1}]pdf icon[{links + 2}]{line[8:]}"
            links += 2
        out += textwrap.wrap(
            line, 76, initial_indent="   ", subsequent_indent="   ", break_on_hyphens=False
        ) or [""]
    out += ["", "References", ""]
    out += [f"  {n}. https://muse.jhu.edu/pub/1/monograph/chapter/{n}" for n in range(1, links + 1)]
    return "\n".join(out) + "\n"


@pytest.mark.parametrize(
    "variant",
    [
        lynx_dump,
        # w3m and links show an image's alt text in brackets
        lambda text: text.replace("pdf iconDownload PDF", "[pdf icon]Download PDF"),
        # html2text writes Markdown: links, images and headings
        lambda text: (
            text.replace(
                "pdf iconDownload PDF (99.7 KB)",
                "![pdf icon](/images/pdf.png)[Download PDF (99.7 KB)](https://muse.jhu.edu/c/1/pdf)",
            )
            .replace("\nread more\n", "\n[read more](https://muse.jhu.edu/pub/1/chapter/2)\n")
            .replace("Crisis in North Korea\n", "# Crisis in North Korea\n", 1)
            .replace("\n1. North Korea", "\n1\\. North Korea")
        ),
        # a list's bullets
        lambda text: text.replace("pdf iconDownload", "* pdf iconDownload").replace(
            "\nread more", "\n\u2022 read more"
        ),
    ],
    ids=["lynx", "w3m", "html2text", "bullets"],
)
def test_a_page_dumped_by_a_text_browser_reads_as_the_page(variant: Callable[[str], str]) -> None:
    expected = parse_muse_page(seed_text(), "page.txt")
    result = parse_muse_page(variant(seed_text()), "page.txt")
    assert result.book == expected.book
    assert result.warnings == ()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_page_saved_as_utf_16_with_its_byte_order_mark_is_read(
    tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "page.txt"
    text = seed_text().replace("\n", "\r\n")
    path.write_bytes(("\ufeff" + text if encoding.endswith("be") else text).encode(encoding))
    assert read_muse_page(path).book == parse_muse_page(seed_text()).book


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Crisis\n".encode("utf-16-le"), "is UTF-16 text without a byte order mark"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "is a PDF file, not a page saved as text"),
        (gzip.compress(b"Crisis in North Korea\n"), "is compressed (gzip); decompress it first"),
        (b"PK\x03\x04\x14\x00\x00\x00mimetypeapplication/epub+zip", "is a ZIP file"),
    ],
)
def test_a_file_of_another_kind_says_what_it_is(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "page.txt"
    path.write_bytes(content)
    with pytest.raises(RecordError) as caught:
        read_muse_page(path)
    assert str(caught.value).startswith(f"{path}:1: {message}")
    assert "\n" not in str(caught.value)


def test_a_row_whose_value_is_on_the_next_line_is_read_as_one_row() -> None:
    # a browser's copy may put a row's label and its value (a link) on lines of their own
    text = seed_text().replace("Published by: ", "Published by:\n")
    text = text.replace("Publication Year: ", "Publication Year:\n")
    text = text.replace("E-ISBN-13: ", "E-ISBN-13:\n")
    result = parse_muse_page(text, "page.txt")
    assert result.book == parse_muse_page(seed_text()).book
    assert (result.book.line_of("publisher"), result.book.line_of("published")) == (13, 8)
    assert result.warnings == ()


def test_rows_without_a_colon_are_rows_when_their_value_fits() -> None:
    # the "Additional Information" table's form ("Label<TAB>value"), without its heading
    text = seed_text().replace("Publication Year: 2005", "Publication Year\t2005")
    text = text.replace(CLOSING_ISBNS, "OCLC\t57349520\nPages\t288\n\n" + CLOSING_ISBNS)
    result = parse_muse_page(text, "page.txt")
    assert result.book.published is not None
    assert result.book.published.text == "2005"
    assert result.book.description is not None
    assert result.book.description.startswith("North Korea remains")
    assert result.book.chapters[-1].excerpt is None
    assert [w.message.split('"')[1] for w in result.warnings] == ["OCLC 57349520", "Pages 288"]


def test_a_file_of_invisible_characters_and_spaces_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text("\n\u200b\n\ufeff \u00a0\n\u2060\t\n", "utf-8")
    with pytest.raises(RecordError, match=r"page\.txt:1: is empty; "):
        read_muse_page(path)


@pytest.mark.parametrize(
    "line",
    [
        "x" + " " * 100_000 + "x",  # a dump's padding between columns, drawn out
        "x" + "\u200b " * 50_000 + "x",
        "[" * 50_000 + "](",  # what reads like the start of Markdown links, never closed
    ],
)
def test_a_long_line_is_read_in_linear_time(line: str) -> None:
    text = seed_text().replace("Publication Year: 2005\n", f"Publication Year: 2005\n{line}\n", 1)
    start = time.perf_counter()
    parse_muse_page(text, "page.txt")
    # about 0.1 to 0.5 s here; the backtracking it guards against took minutes (0068474)
    assert time.perf_counter() - start < 10


def test_a_chapter_s_people_below_its_pdf_or_pages_line_are_its_people() -> None:
    text = seed_text().replace("pp. 7-25\n", "pp. 7-25\nAna Souza and Peter Holm\n")
    text = text.replace("pp. 26-59\n", "pp. 26-59\n\nMary Jones\n")
    text = text.replace("(83.8 KB)\npp. 60-72\n", "(83.8 KB)\nby Jin-woo Park\npp. 60-72\n")
    text = text.replace("pp. 267-274\n", "pp. 267-274\nJohn Smith\n")
    result = parse_muse_page(text, "page.txt")
    chapters = result.book.chapters
    names = {ch.label: [c.name for c in ch.contributors] for ch in chapters if ch.contributors}
    assert names == {
        "1": ["Ana Souza", "Peter Holm"],
        "2": ["Mary Jones"],
        "3": ["Jin-woo Park"],
        None: ["John Smith"],
    }
    expected = parse_muse_page(seed_text()).book.chapters
    assert [(ch.pages, ch.excerpt) for ch in chapters] == [
        (ch.pages, ch.excerpt) for ch in expected
    ]
    assert result.book.line_of("chapters[7].contributors[0]") == 72
    assert result.warnings == ()


def test_a_name_like_title_after_an_entry_without_excerpt_stays_the_next_title() -> None:
    text = seed_text().replace("Note on Romanization\n", "Kim Il Sung\n")
    result = parse_muse_page(text, "page.txt")
    assert [ch.title for ch in result.book.chapters][4] == "Kim Il Sung"
    assert all(ch.contributors == () for ch in result.book.chapters)


def test_two_pages_joined_in_one_file_are_refused_at_the_second(tmp_path: Path) -> None:
    path = tmp_path / "pages.txt"
    path.write_text(seed_text() + "\n" + seed_text().replace("Lankov", "Lankova"), "utf-8")
    with pytest.raises(RecordError) as caught:
        read_muse_page(path)
    second = len(seed_text().splitlines()) + 12
    assert str(caught.value).startswith(f"{path}:{second}: is a second book page's")
    assert "\n" not in str(caught.value)


def test_a_part_heading_with_its_title_on_the_next_line_is_one_part() -> None:
    text = seed_text().replace(
        "1. North Korea and Its", "Part I\nThe Crisis Unfolds\n\n1. North Korea and Its"
    )
    result = parse_muse_page(text, "page.txt")
    parts = [(ch.label, ch.title) for ch in result.book.chapters if ch.kind == "part"]
    assert parts == [("Part I", "The Crisis Unfolds")]
    assert result.book.line_of("chapters[6].title") == 58
    assert result.warnings == ()
