"""books.csv + chapters.csv -> Books: the seed, every column, order, dialects, errors, CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from bookrdf.cli import cli
from bookrdf.errors import InputError, RecordError
from bookrdf.importers.csv import chapters_csv_for, parse_csv, read_csv, sniff_csv
from bookrdf.importers.muse import read_muse_page
from bookrdf.model import book_to_dict
from bookrdf.records import dump_record
from bookrdf.vocab import SCHEMA
from tests.conftest import FIXTURES, SEED_PAGE, graph_of

SEED = FIXTURES / "csv" / "seed"
PRESS = FIXTURES / "csv" / "press"


def press() -> dict[str, dict[str, Any]]:
    result = read_csv(PRESS / "books.csv", PRESS / "chapters.csv")
    assert result.warnings == ()
    return {book.id: book_to_dict(book) for book in result.books}


def errors(books: str, chapters: str | None = None) -> list[str]:
    with pytest.raises(RecordError) as caught:
        parse_csv(books, chapters)
    return [str(problem) for problem in caught.value.problems]


def test_seed_as_csv_is_the_muse_record_field_for_field() -> None:
    result = read_csv(SEED / "books.csv", SEED / "chapters.csv")
    assert result.warnings == ()
    assert [book_to_dict(b) for b in result.books] == [book_to_dict(read_muse_page(SEED_PAGE).book)]


def test_every_book_column() -> None:
    voices = press()["voices"]
    assert {k: v for k, v in voices.items() if k not in ("contributors", "chapters")} == {
        "id": "voices",
        "title": "Voices from the Peninsula",
        "subtitle": "Essays on Memory",
        "publisher": {"name": "Example Press", "place": "Honolulu"},
        "published": "2019-03",
        "language": "en",
        "description": "Twelve essays on how the war is remembered.\n\n"
        'The second paragraph says "why" it matters.',
        "isbn": [  # in the order of the ISBN columns; hyphens dropped
            {"value": "9781925550016", "format": "hardcover"},
            {"value": "9781925550023", "format": "paperback"},
            {"value": "9781925550030", "format": "electronic"},
        ],
        "doi": "10.1234/voices",
        "url": "https://press.example/voices",
        "subjects": ["Korea -- History", "http://id.loc.gov/authorities/subjects/sh85073175"],
        "license": "https://spdx.org/licenses/CC-BY-4.0",
    }


def test_people_columns_give_roles_name_parts_and_identifiers() -> None:
    books = press()
    assert books["voices"]["contributors"] == [
        {"name": "Jiyoung Kim", "role": "editor", "given_name": "Jiyoung",
         "family_name": "Kim", "identifiers": {"orcid": "0000-0002-1825-0097"}},
        {"name": "Min-soo Park", "role": "editor", "given_name": "Min-soo", "family_name": "Park"},
        {"name": "Jane Smith", "role": "translator", "given_name": "Jane", "family_name": "Smith",
         "identifiers": {"isni": "0000000121032683"}},
        {"name": "Peter Ackroyd", "role": "contributor", "given_name": "Peter",
         "family_name": "Ackroyd"},
    ]  # fmt: skip
    assert books["plain"]["contributors"] == [{"name": "Plato", "role": "author"}]
    assert books["tea"]["contributors"] == [
        {"name": "Martin Luther King, Jr.", "role": "author", "given_name": "Martin Luther",
         "family_name": "King", "identifiers": {"viaf": "12345", "wikidata": "Q8027"}},
    ]  # fmt: skip


def test_a_name_with_a_suffix_after_its_comma_is_not_inverted() -> None:
    books = (
        'book_id,title,authors\nb,T,"Martin Luther King, Jr.; Sammy Davis, Jr; '
        'Henry Ford, II; Lankov, Andrei N."\n'
    )
    (book,) = parse_csv(books).books
    assert [(p.name, p.given_name, p.family_name) for p in book.contributors] == [
        ("Martin Luther King, Jr.", "Martin Luther", "King"),
        ("Sammy Davis, Jr", "Sammy", "Davis"),
        ("Henry Ford, II", "Henry", "Ford"),
        ("Andrei N. Lankov", "Andrei N.", "Lankov"),
    ]


@pytest.mark.parametrize(
    "cell",
    [
        "Lankov, Andrei N., Kim, Jiyoung",
        "Smith, John and Doe, Jane",
        "Lankov, Andrei N. <0000-0002-1825-0097>, Kim, Jiyoung",
    ],
)
def test_people_separated_by_commas_are_refused_not_made_one_person(cell: str) -> None:
    assert errors(f'book_id,title,authors\nb,T,"King, Martin Luther, Jr.; {cell}"\n') == [
        f'books.csv:2: authors: "{cell}" reads like more than one person; separate people '
        'with ";" and write each "Family, Given"'
    ]


def test_isbn10_without_format_and_quoted_comma() -> None:
    tea = press()["tea"]
    assert tea["title"] == "War, Peace, and Tea"
    assert tea["isbn"] == [{"value": "9781925550047"}]
    assert tea["language"] == "pt-BR"
    assert tea["published"] == "2001-09-11"


def test_every_chapter_column_in_position_order() -> None:
    chapters = press()["voices"]["chapters"]
    assert [ch.get("title") for ch in chapters] == [
        "Foreword", "Beginnings", "Middles", "Sources", None,
    ]  # fmt: skip
    assert chapters[1] == {
        "label": "1",
        "title": "Beginnings",
        "pages": "1-20",
        "contributors": [
            {"name": "Jiyoung Kim", "role": "author", "given_name": "Jiyoung",
             "family_name": "Kim", "identifiers": {"orcid": "0000-0002-1825-0097"}},
            {"name": "Anna Lee", "role": "author", "given_name": "Anna", "family_name": "Lee"},
        ],
        "pdf": {"size": "1.2 MB", "url": "https://press.example/voices/1.pdf"},
        "excerpt": "It began, as these things do, with a letter.",
        "doi": "10.1234/voices.1",
    }  # fmt: skip
    assert chapters[2]["contributors"][0]["role"] == "translator"
    assert chapters[3]["kind"] == "bibliography"
    assert chapters[4] == {"pages": "51", "pdf": {"size": "12 KB"}}  # untitled stays untitled


def test_chapters_without_position_keep_file_order_and_books_without_rows_have_none() -> None:
    books = press()
    assert books["tea"]["chapters"] == [
        {"title": "Steeping", "pages": "1-10"},
        {"label": "Coda", "pages": "11"},
    ]
    assert "chapters" not in books["plain"]


def test_book_lines_are_books_csv_rows() -> None:
    books = read_csv(PRESS / "books.csv", PRESS / "chapters.csv").books
    assert [(b.source, b.line_of("title")) for b in books] == [
        (str(PRESS / "books.csv"), 2),
        (str(PRESS / "books.csv"), 5),  # the description above spans lines 2-4
        (str(PRESS / "books.csv"), 6),
    ]


@pytest.mark.parametrize(
    "books",
    [
        "book_id;title;authors\nb;Tea, and More;Lankov, Andrei N.\n",
        "\ufeffbook_id\ttitle\tauthors\r\nb\tTea, and More\tLankov, Andrei N.\r\n",
        'book_id,title,authors\nb,"Tea, and More","Lankov, Andrei N."\n',
    ],
    ids=["semicolon", "tab-bom-crlf", "comma"],
)
def test_delimiters_are_sniffed(books: str) -> None:
    (book,) = parse_csv(books).books
    assert (book.title, book.contributors[0].family_name) == ("Tea, and More", "Lankov")


def test_column_names_are_forgiving_and_empty_cells_absent() -> None:
    (book,) = parse_csv("Book ID,Title,ISBN Print, Subtitle \nb,T,9780824828097,  \n").books
    assert book_to_dict(book) == {
        "id": "b",
        "title": "T",
        "isbn": [{"value": "9780824828097", "format": "print"}],
    }


def test_excel_export_with_empty_header_cells_crlf_cells_and_a_blank_row() -> None:
    # Excel writes trailing separators for cells that were only formatted, CRLF row ends, and
    # keeps the cell's line break inside the quotes; a row of separators only is no row.
    text = '\ufeffbook_id,title,description,,,\r\nb,T,"Line one\r\nLine two",,,\r\n,,,,,\r\n'
    result = parse_csv(text)
    assert result.warnings == ()
    assert book_to_dict(result.books[0]) == {
        "id": "b",
        "title": "T",
        "description": "Line one\nLine two",
    }


def test_cells_under_an_empty_header_cell_are_a_warning() -> None:
    result = parse_csv("book_id,title,,\nb,T,,Asia Now\n")
    assert [str(w) for w in result.warnings] == [
        "books.csv:1: column 4: has no name in the header row; its cells were left out"
    ]
    assert book_to_dict(result.books[0]) == {"id": "b", "title": "T"}


def test_a_position_of_unicode_digits_is_an_error_not_a_crash() -> None:
    books = "book_id,title\nb,T\n"
    chapters = "book_id,position,title\nb,\u00b2,A\nb,1,B\n"
    assert errors(books, chapters) == ['chapters.csv:2: position: "\u00b2" is not a whole number']


def test_unknown_columns_and_identifiers_are_warnings() -> None:
    result = parse_csv('book_id,title,series,authors\nb,T,Asia Now,"Lee, Anna <nope>"\n')
    assert [str(w) for w in result.warnings] == [
        "books.csv:1: series: is not a column bookrdf reads; its cells were left out "
        "(book_id, title, subtitle, published, language, description, doi, url, license, authors, "
        "editors, translators, contributors, publisher, publisher_place, isbn, isbn_print, "
        "isbn_electronic, isbn_hardcover, isbn_paperback, subjects)",
        'books.csv:2: authors: "nope" is not an ORCID, ISNI, VIAF or Wikidata identifier; left out',
    ]


@pytest.mark.parametrize(
    ("books", "chapters", "expected"),
    [
        (
            "book_id,title,isbn_print\nb,T,12-3\n",
            None,
            ['books.csv:2: isbn_print: "12-3" is not an ISBN; give 13 digits (978… or 979…)'],
        ),
        (
            "book_id,title,isbn_print\nb,T,9.78082E+12\n",
            None,
            [
                'books.csv:2: isbn_print: "9.78082E+12" is an ISBN a spreadsheet turned into a '
                "number; format the column as text"
            ],
        ),
        (
            'book_id,title,authors\nb,T,"Lankov, Andrei <0000-0002-1825-0098>"\n',
            None,
            [
                'books.csv:2: authors: "0000-0002-1825-0098" is not a valid ORCID iD '
                "(0000-0002-1825-0097)"
            ],
        ),
        (
            "book_id,title,published\nb,,2005\nb,T,05/2005\n",
            None,
            [
                "books.csv:2: title: is empty; give the book's title",
                'books.csv:3: book_id: "b" is also the book_id on line 2; give each book its own',
            ],
        ),
        (
            "book_id,title,published\nb b,T,2005\nc,T,05/2005\n",
            None,
            [
                "books.csv:2: book_id: 'b b' is not a slug; use letters, digits, '.', '_' and '-'",
                'books.csv:3: published: "05/2005" is not a date; write YYYY, YYYY-MM or '
                "YYYY-MM-DD",
            ],
        ),
        (
            "book_id,title\nb,T\n",
            "book_id,title,pages,pdf_size\nb,One,12-,\nc,Two,,\nb,Three,,a lot\n",
            [
                'chapters.csv:2: pages: "12-" is not a page range; write it like "vii-xii", "v" '
                'or "7-25"',
                'chapters.csv:3: book_id: "c" is not a book_id in books.csv; check it',
                "chapters.csv:4: pdf_size: 'a lot' is not a file size; write it like '99.7 KB'",
            ],
        ),
        (
            "book_id,title\nb,T\n",
            "book_id,position,title\nb,1,One\nb,,Two\n",
            [
                "chapters.csv:3: position: is empty while other entries of the book have one; "
                "number all or none"
            ],
        ),
        (
            "book_id,title\nb,T\n",
            "book_id,position,title\nb,1,One\nb,one,Two\nb,1,Three\n",
            [
                'chapters.csv:3: position: "one" is not a whole number',
                "chapters.csv:4: position: 1 is also the position on line 2; give each entry its own",
            ],
        ),
        (
            "book_id,title\nb,T\n",
            "book_id,title,kind\nb,One,prologue-ish\n",
            [
                "chapters.csv:2: kind: 'prologue-ish' is not a kind of entry; use one of "
                "front-matter, title-page, dedication, contents, list-of-figures, list-of-tables, "
                "foreword, preface, acknowledgements, abstract, prologue, introduction, chapter, "
                "part, conclusion, epilogue, afterword, appendix, notes, glossary, bibliography, "
                "index, colophon, back-matter"
            ],
        ),
        (
            "book_id,title,publisher_place\nb,T,Honolulu\n",
            None,
            ["books.csv:2: publisher: 'name' is required and missing"],
        ),
    ],
    ids=[
        "isbn",
        "spreadsheet-number",
        "orcid",
        "title-and-duplicate",
        "slug-and-date",
        "chapters",
        "some-positions",
        "bad-positions",
        "kind",
        "place-without-publisher",
    ],
)
def test_problems_name_file_row_and_column(
    books: str, chapters: str | None, expected: list[str]
) -> None:
    assert errors(books, chapters) == expected


def test_the_header_row_repeated_below_is_no_book() -> None:
    books = "book_id,title,,\nb1,One\nBook ID, Title\nb2,Two\n"
    assert errors(books) == [
        "books.csv:3: repeats the header row; remove it (two files joined into one keep both)"
    ]


def test_a_row_after_a_multiline_cell_is_named_by_its_own_line() -> None:
    books = 'book_id,title,description,published\na,A,"one\n\ntwo",2005\nb,B,,20055\n'
    assert errors(books) == [
        'books.csv:5: published: "20055" is not a date; write YYYY, YYYY-MM or YYYY-MM-DD'
    ]


@pytest.mark.parametrize(
    ("books", "expected"),
    [
        (
            'book_id,title\nb,"T\n',
            "books.csv:2: is not valid CSV: unexpected end of data; check the quotes in this row",
        ),
        (
            'book_id,title\nb,"T\n' + "x" * 140_000 + "\n",
            "books.csv:2: has a cell of more than 131,072 characters, more than any field "
            "needs: a quote left open above makes one cell of the rows after it; check the "
            "quotes from this row up",
        ),
        (
            "book_id,title\nb,T,x\n",
            "books.csv:2: has 3 cells but the header names 2 columns; quote cells that hold the delimiter",
        ),
        ("book_id,title,title\nb,T,U\n", "books.csv:1: title: appears twice; keep one"),
        ("id,title\nb,T\n", "books.csv:1: has no book_id column; the first row must name it"),
        ("\n\nbook_id,title\n", "books.csv:1: has no header row naming the columns"),
        ("", "books.csv:1: has no header row naming the columns"),
    ],
    ids=[
        "open-quote",
        "huge-cell",
        "extra-cell",
        "duplicate-column",
        "no-book-id",
        "blank-first-line",
        "empty",
    ],
)
def test_unusable_files_are_one_line(books: str, expected: str) -> None:
    assert errors(books) == [expected]


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "books.csv"
    path.write_bytes(b"book_id,title\nb,Caf\xe9\n")
    with pytest.raises(RecordError, match=r"books.csv:2: is not UTF-8 text; save the spreadsheet"):
        read_csv(path)
    with pytest.raises(InputError, match="no such file"):
        read_csv(tmp_path / "none.csv")


def test_sniffing_and_finding_the_chapters_file(tmp_path: Path) -> None:
    assert sniff_csv((PRESS / "books.csv").read_text("utf-8")) == "books"
    assert sniff_csv((SEED / "books.csv").read_text("utf-8")) == "books"
    assert sniff_csv((PRESS / "chapters.csv").read_text("utf-8")) == "chapters"
    assert sniff_csv((SEED / "chapters.csv").read_text("utf-8")) == "chapters"
    assert sniff_csv("name,age\nx,1\n") is None
    assert sniff_csv("") is None
    assert chapters_csv_for(PRESS / "books.csv") == PRESS / "chapters.csv"
    (tmp_path / "spring.csv").write_text("book_id,title\n", "utf-8")
    assert chapters_csv_for(tmp_path / "spring.csv") is None
    (tmp_path / "spring-chapters.csv").write_text("book_id\n", "utf-8")
    assert chapters_csv_for(tmp_path / "spring.csv") == tmp_path / "spring-chapters.csv"
    (tmp_path / "Press-Books.csv").write_text("book_id,title\n", "utf-8")
    (tmp_path / "Press-chapters.csv").write_text("book_id\n", "utf-8")
    assert chapters_csv_for(tmp_path / "Press-Books.csv") == tmp_path / "Press-chapters.csv"


@pytest.mark.parametrize("output", [[], ["-o", "-"]], ids=["default", "dash"])
def test_cli_imports_books_with_the_chapters_file_beside_them(
    output: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["import", "csv", str(SEED / "books.csv"), *output])
    assert result.exit_code == 0, result.output
    assert result.stdout == dump_record(read_muse_page(SEED_PAGE).book)
    assert not (tmp_path / "-").exists()  # "-o -" is stdout, not a folder named "-"
    assert result.stderr == f"chapters from {SEED / 'chapters.csv'}\n"


def test_cli_warns_and_strict_makes_warnings_errors(tmp_path: Path) -> None:
    books = tmp_path / "books.csv"
    books.write_text("book_id,title,series\nb,T,Asia Now\n", "utf-8")
    result = CliRunner().invoke(cli, ["import", "csv", str(books), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0
    assert result.stderr.startswith(f"Warning: {books}:1: series: is not a column bookrdf reads")
    assert (tmp_path / "out" / "b.yaml").read_text("utf-8") == "id: b\ntitle: T\n"
    strict = CliRunner().invoke(cli, ["import", "csv", str(books), "--strict"])
    assert strict.exit_code == 2
    assert strict.stderr.startswith(f"Error: {books}:1: series: is not a column bookrdf reads")
    assert strict.stdout == ""


def test_cli_bad_csv_is_one_error_line_without_traceback(tmp_path: Path) -> None:
    books = tmp_path / "books.csv"
    books.write_text('book_id,title\nb,"T\n', "utf-8")
    result = CliRunner().invoke(cli, ["import", "csv", str(books)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {books}:2: is not valid CSV: unexpected end of data; check the quotes in this row\n"
    )
    assert "Traceback" not in result.output


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from([*',;\t"\n\r <>bx1-é', "book_id", "title", "authors"])).map("".join),
    st.none() | st.lists(st.sampled_from([*',;"\nb1', "book_id", "position"])).map("".join),
)
def test_any_text_is_books_or_one_clear_error(books: str, chapters: str | None) -> None:
    where = ("books.csv:", "chapters.csv:")
    assert all(p.startswith(where) for p in _problems("book_id,title,authors\n" + books, chapters))


def _problems(books: str, chapters: str | None) -> list[str]:
    try:
        parse_csv(books, chapters)
    except RecordError as err:
        return [str(problem) for problem in err.problems]
    return []


def test_an_organisation_is_written_org_colon_and_keeps_its_commas() -> None:
    books = (
        "book_id,title,authors,editors\n"
        'b,T,"org: University of California, Berkeley <Q168756>; Lankov, Andrei N.",'
        '"ORG:Light Consortium; Kim, Jiyoung"\n'
    )
    chapters = 'book_id,title,authors\nb,One,"org: Working Group 3"\n'
    (book,) = parse_csv(books, chapters).books
    assert [(c.name, c.kind, c.role, c.given_name) for c in book.contributors] == [
        ("University of California, Berkeley", "organization", "author", None),
        ("Andrei N. Lankov", "person", "author", "Andrei N."),
        ("Light Consortium", "organization", "editor", None),
        ("Jiyoung Kim", "person", "editor", "Jiyoung"),
    ]
    assert book.contributors[0].identifiers.wikidata == "Q168756"
    assert [(c.name, c.kind) for c in book.chapters[0].contributors] == [
        ("Working Group 3", "organization")
    ]
    graph = graph_of(book)
    found = graph.query(
        f"SELECT ?name WHERE {{ ?w <{SCHEMA.author}> ?c . ?c a <{SCHEMA.Organization}> ; "
        f"<{SCHEMA.name}> ?name }}"
    )
    assert sorted(str(row[0]) for row in found) == [  # type: ignore[index]
        "University of California, Berkeley",
        "Working Group 3",
    ]


def test_an_organisation_without_a_name_or_with_an_orcid_is_an_error() -> None:
    assert errors('book_id,title,authors\nb,T,"org: "\n') == [
        "books.csv:2: authors: is empty; give a value or leave the field out"
    ]
    assert errors("book_id,title,editors\nb,T,org: WHO <0000-0002-1825-0097>\n") == [
        'books.csv:2: editors: "org: WHO <0000-0002-1825-0097>": an ORCID iD names a person, '
        'not an organisation; give its ISNI, VIAF or Wikidata id, or write a person without "org:"'
    ]
