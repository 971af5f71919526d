"""Crossref REST API JSON -> Books: the seed, every field, joins, order, markup, errors, CLI."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from bookrdf.cli import cli
from bookrdf.errors import InputError, RecordError
from bookrdf.importers.crossref import looks_like_crossref, parse_crossref, read_crossref
from bookrdf.importers.crossref.markup import plain_text
from bookrdf.importers.crossref.work import label_title
from bookrdf.importers.muse import read_muse_page
from bookrdf.model import book_to_dict
from bookrdf.vocab import SCHEMA
from tests.conftest import FIXTURES, SEED_PAGE, graph_of

HERE = FIXTURES / "crossref"
PRESS = HERE / "press.json"
MONOGRAPH = [HERE / "monograph.json", HERE / "monograph-chapters.json"]


def books(*paths: Path) -> dict[str, dict[str, Any]]:
    return {book.id: book_to_dict(book) for book in read_crossref(list(paths)).books}


def work(**fields: Any) -> str:
    return json.dumps({"message": {"DOI": "10.1000/b", "type": "book", "title": ["T"], **fields}})


def errors(*texts: str) -> list[str]:
    with pytest.raises(RecordError) as caught:
        parse_crossref([(f"{i}.json", text) for i, text in enumerate(texts)])
    return [str(problem) for problem in caught.value.problems]


def test_seed_as_crossref_is_the_muse_record_where_crossref_carries_the_field() -> None:
    result = read_crossref([HERE / "seed.json"])
    assert result.warnings == ()
    (mine,) = [book_to_dict(book) for book in result.books]
    muse = book_to_dict(read_muse_page(SEED_PAGE).book)
    # Crossref has no PDF sizes or excerpts; MUSE pages have no DOIs or landing pages.
    for chapter in muse["chapters"]:
        chapter.pop("pdf", None)
        chapter.pop("excerpt", None)
    assert mine.pop("doi") == "10.1515/9780824862039"
    assert mine.pop("url") == "https://www.degruyter.com/document/doi/10.1515/9780824862039/html"
    assert [ch.pop("doi") for ch in mine["chapters"]] == [
        f"10.1515/9780824862039-{n:03d}" for n in range(1, 21)
    ]
    assert mine == muse


def test_every_book_field() -> None:
    voices = books(PRESS)["9781925550016"]  # the print ISBN is the id, as for MUSE pages
    assert {k: v for k, v in voices.items() if k != "chapters"} == {
        "id": "9781925550016",
        "title": "Voices from the Peninsula",  # <i> markup removed
        "subtitle": "Essays on Memory",
        "contributors": [
            {"name": "Jiyoung Kim", "role": "editor", "given_name": "Jiyoung",
             "family_name": "Kim", "identifiers": {"orcid": "0000-0002-1825-0097"}},
            {"name": "Min-soo Park", "role": "editor", "given_name": "Min-soo",
             "family_name": "Park"},
            {"name": "Jane Smith", "role": "translator", "given_name": "Jane",
             "family_name": "Smith"},
        ],
        "publisher": {"name": "Example Press", "place": "Honolulu"},
        "published": "2019-03",  # `published` comes before published-print and issued
        "language": "en",
        "description": "Twelve essays on how the war is remembered & retold.\n\n"
        "The second paragraph says why it matters.",
        "isbn": [
            {"value": "9781925550030", "format": "electronic"},
            {"value": "9781925550016", "format": "print"},
            {"value": "9781925550054"},  # listed only under ISBN, as an ISBN-10
        ],
        "doi": "10.1234/voices",
        "url": "https://press.example/voices",
        "subjects": ["History", "Asian Studies"],
        "license": "https://creativecommons.org/licenses/by/4.0/",  # the version of record's
    }  # fmt: skip


def test_chapters_join_by_isbn_and_go_by_first_page_roman_first() -> None:
    chapters = books(PRESS)["9781925550016"]["chapters"]
    assert chapters == [
        {"title": "Foreword", "pages": "ix-xi", "doi": "10.1234/voices.fm",
         "contributors": [{"name": "Peter Ackroyd", "role": "author", "given_name": "Peter",
                           "family_name": "Ackroyd"}]},
        {"title": "Beginnings: A Letter", "pages": "1-20", "doi": "10.1234/voices.1",
         "excerpt": "It began, as these things do, with a letter.",
         "contributors": [
             {"name": "Jiyoung Kim", "role": "author", "given_name": "Jiyoung",
              "family_name": "Kim", "identifiers": {"orcid": "0000-0002-1825-0097"}},
             {"name": "Anna Lee", "role": "author", "given_name": "Anna", "family_name": "Lee"},
         ]},
        {"label": "2", "title": "Middles", "pages": "21-40", "doi": "10.1234/voices.2",
         "contributors": [{"name": "Anna Lee", "role": "author", "given_name": "Anna",
                           "family_name": "Lee"}]},
    ]  # fmt: skip


def test_chapters_join_by_container_title_across_files_and_go_by_doi() -> None:
    tea = books(*MONOGRAPH)["9781925550047"]
    assert tea["contributors"] == [
        {"name": "Martin Luther King Jr.", "role": "author", "given_name": "Martin Luther",
         "family_name": "King"},
    ]  # fmt: skip
    assert tea["published"] == "2001-09-11"  # from `issued`
    assert tea["isbn"] == [{"value": "9781925550047"}]
    # by page; .10 has none and stays after .2, as in DOI order; the untitled one stays untitled
    assert tea["chapters"] == [
        {"label": "Chapter I", "title": "Steeping", "pages": "1-10", "doi": "10.5678/tea.1"},
        {"pages": "11", "doi": "10.5678/tea.2"},
        {"title": "Coda", "doi": "10.5678/tea.10"},
    ]


@pytest.mark.parametrize("kind", ["book-chapter", "book-section", "book-part", "reference-entry"])
def test_every_crossref_type_of_contents_entry_joins_its_book(kind: str) -> None:
    # a reference book's entries, and sections and parts, are deposited as a book's contents
    entry = {"DOI": "10.1000/b.1", "type": kind, "title": ["E"], "container-title": ["T"]}
    result = parse_crossref([("x.json", json.dumps([json.loads(work())["message"], entry]))])
    assert [chapter.doi for book in result.books for chapter in book.chapters] == ["10.1000/b.1"]
    assert result.warnings == ()


def test_a_chapter_repeating_its_books_editors_has_them_on_the_book_only() -> None:
    # Springer's chapter works list the volume's editors; a chapter's own editor stays
    ann, bob = {"given": "Ann", "family": "Editor"}, {"given": "Bob", "family": "Other"}
    book = json.loads(work(editor=[ann]))["message"]
    chapter = {"DOI": "10.1000/b.1", "type": "book-chapter", "title": ["C"],
               "container-title": ["T"], "author": [{"given": "Cy", "family": "Writer"}],
               "editor": [{"given": "ann", "family": " Editor"}, bob]}  # fmt: skip
    (found,) = parse_crossref([("x.json", json.dumps([book, chapter]))]).books
    query = """SELECT ?title ?role ?name WHERE {
        ?work schema:name ?title ; ?role [ schema:name ?name ] .
        FILTER (?role IN (schema:author, schema:editor)) }"""
    rows = [tuple(row) for row in graph_of(found).query(query, initNs={"schema": SCHEMA})]  # type: ignore[arg-type]
    assert sorted((str(t), str(r).rsplit("/", 1)[1], str(n)) for t, r, n in rows) == [
        ("C", "author", "Cy Writer"),
        ("C", "editor", "Bob Other"),
        ("T", "editor", "Ann Editor"),
    ]


def test_a_chapter_naming_two_books_by_title_alone_joins_neither() -> None:
    # two editions of one title: the chapter's container title cannot tell which is its book
    first = json.loads(work(ISBN=["9780824828097"]))["message"]
    second = first | {"DOI": "10.1000/c", "ISBN": ["9780306406157"]}
    chapter = {"DOI": "10.1000/b.1", "type": "book-chapter", "container-title": ["T"]}
    result = parse_crossref([("x.json", json.dumps([first, second, chapter]))])
    assert [book.chapters for book in result.books] == [(), ()]
    assert [str(w) for w in result.warnings] == [
        "x.json:1: container-title: 10.1000/b.1 shares no ISBN with a book and its title with "
        "10.1000/b, 10.1000/c; left out"
    ]


def test_a_page_neither_roman_nor_arabic_goes_last_and_the_rest_keep_page_order() -> None:
    pages = {"b.0": None, "b.1": "1-10", "b.2": "11-20", "b.3": "A1-A5", "b.4": "ix-x",
             "b.5": "100-120", "b.5a": None, "b.6": "9"}  # fmt: skip
    chapters = [
        {"DOI": f"10.1000/{doi}", "type": "book-chapter", "container-title": ["T"], "page": page}
        for doi, page in pages.items()
    ]
    result = parse_crossref([("x.json", json.dumps([json.loads(work())["message"], *chapters]))])
    (book,) = result.books
    # without a page, b.0 stays first and b.5a stays after b.5, as in DOI order
    assert [chapter.doi for chapter in book.chapters] == [
        f"10.1000/{doi}" for doi in ("b.0", "b.4", "b.1", "b.6", "b.2", "b.5", "b.5a", "b.3")
    ]
    assert [(w.field, w.message) for w in result.warnings] == [
        ("page", '"A1-A5" of 10.1000/b.3 begins with no roman or arabic page number; the chapter '
         "is put last"),
    ]  # fmt: skip


def test_what_cannot_be_mapped_is_a_warning_with_file_line_and_key() -> None:
    result = read_crossref([PRESS, *MONOGRAPH])
    assert [str(w) for w in result.warnings] == [
        f'{PRESS}:27: edition-number: "2" of 10.1234/voices has no field in a bookrdf record; '
        "left out",
        f'{PRESS}:27: editor.affiliation: [{{"name": "Example University"}}] of 10.1234/voices '
        "has no field in a bookrdf record; left out",
        f"{PRESS}:27: license: https://press.example/tdm-licence of 10.1234/voices is a second "
        "licence; one is kept",
        f'{PRESS}:86: type: 10.9999/journal.1 is a "journal-article", not a book or a chapter; '
        "left out",
        f"{PRESS}:91: container-title: 10.5555/orphan.3 shares no ISBN or title with a book in "
        "the input; left out",
    ]


@pytest.mark.parametrize(
    "text",
    [
        work(),
        json.dumps({"message": {"items": [{"DOI": "10.1000/b", "type": "book", "title": ["T"]}]}}),
        json.dumps({"DOI": "10.1000/b", "type": "book", "title": ["T"]}),
        json.dumps([{"DOI": "10.1000/b", "type": "book", "title": ["T"]}]),
        "\ufeff" + work(),
    ],
    ids=["message", "items", "bare", "array", "bom"],
)
def test_every_json_shape(text: str) -> None:
    (book,) = parse_crossref([("x.json", text)]).books
    assert (book.id, book.title, book.doi) == ("10.1000-b", "T", "10.1000/b")


def test_json_lines_of_works_or_responses_are_read_as_one_input() -> None:
    # Crossref dumps hold a work (or a whole response) a line; a chapter may be on any line
    chapter = {
        "DOI": "10.1000/b.1",
        "type": "book-chapter",
        "title": ["C"],
        "container-title": ["T"],
    }
    text = f"{json.dumps({'message': {'items': [chapter]}})}\n\n{work()}\n"
    (book,) = parse_crossref([("dump.jsonl", text)]).books
    assert [chapter.doi for chapter in book.chapters] == ["10.1000/b.1"]
    assert errors(f"{work()}\n{{\n[1]\n") == [
        "0.json:2: is not valid JSON: Expecting property name enclosed in double quotes (column 2)"
    ]
    assert errors(f"{work()}\n[1]\n") == [
        '0.json:2: [0]: 1 is not a Crossref work (one has "DOI" and "type"); take it out'
    ]


def test_a_list_response_without_items_is_crossref_with_no_books() -> None:
    text = '{"status": "ok", "message-type": "work-list", "message": {"items": []}}'
    assert looks_like_crossref(text)
    assert parse_crossref([("x.json", text)]).books == ()


def test_duplicate_works_are_kept_once() -> None:
    result = parse_crossref([("a.json", work()), ("b.json", work())])
    assert len(result.books) == 1
    assert [str(w) for w in result.warnings] == [
        "b.json:1: DOI: 10.1000/b appears again; the first is kept"
    ]


def test_works_without_a_doi_are_not_each_others_duplicates() -> None:
    chapters = [
        {"DOI": None, "type": "book-chapter", "title": [title], "container-title": ["T"]}
        for title in ("C", "D")
    ]
    text = json.dumps([json.loads(work())["message"], *chapters])
    result = parse_crossref([("x.json", text)])
    assert [chapter.title for book in result.books for chapter in book.chapters] == ["C", "D"]
    assert result.warnings == ()


def test_two_books_with_one_isbn_are_an_error_naming_both(tmp_path: Path) -> None:
    tea = {"type": "monograph", "ISBN": ["9780824828097"]}
    path = tmp_path / "two.json"
    works = [{"DOI": "10.5678/tea", "title": ["Tea"]} | tea,
             {"DOI": "10.5678/tea2", "title": ["Other"]} | tea]  # fmt: skip
    path.write_text(json.dumps(works, indent=1))
    result = CliRunner().invoke(cli, ["import", "crossref", str(path), "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f'Error: {path}:13: ISBN: 10.5678/tea2: "9780824828097" is already the id of '
        f"10.5678/tea in {path}:3; give each book its own ISBN"
    ]
    assert "Traceback" not in result.output
    assert not (tmp_path / "9780824828097.yaml").exists()


def test_dates_that_are_not_date_parts_are_warnings_not_dropped_unseen() -> None:
    dates = {"published": "2005", "published-print": {"date-parts": [[2004.0]]},
             "issued": {"date-parts": [[None]]}}  # fmt: skip
    result = parse_crossref([("x.json", work(**dates))])
    assert [book.published for book in result.books] == [None]
    assert [str(w) for w in result.warnings] == [
        'x.json:1: published: "2005" of 10.1000/b is not a date like {"date-parts": [[2019, 3]]}; '
        "left out",
        'x.json:1: published-print: {"date-parts": [[2004.0]]} of 10.1000/b is not a date like '
        '{"date-parts": [[2019, 3]]}; left out',
    ]


def test_an_isbn_given_as_a_json_number_is_read_as_its_digits() -> None:
    result = parse_crossref([("x.json", work(ISBN=[9780824828097]))])
    (book,) = [book_to_dict(book) for book in result.books]
    assert (book["id"], book["isbn"]) == ("9780824828097", [{"value": "9780824828097"}])
    assert result.warnings == ()


def test_an_isbn_given_as_a_json_number_is_still_checked() -> None:
    assert errors(work(ISBN=[978082482809])) == [
        '0.json:1: ISBN: "978082482809" is not an ISBN; give 13 digits (978… or 979…)'
    ]


def test_isbns_neither_strings_nor_whole_numbers_are_warnings_naming_the_key() -> None:
    typed = [{"value": [1], "type": "print"}, 3]
    result = parse_crossref(
        [("x.json", work(ISBN=[9.5, True, -9780824828097], **{"isbn-type": typed}))]
    )
    assert [(w.field, w.message.split(" of ")[0]) for w in result.warnings] == [
        ("isbn-type", "3"),
        ("isbn-type", "[1]"),
        ("ISBN", "9.5"),
        ("ISBN", "true"),
        ("ISBN", "-9780824828097"),
    ]
    assert result.warnings[0].message == (
        "3 of 10.1000/b is not an ISBN (a string or digits); left out"
    )
    assert [book.isbns for book in result.books] == [()]


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        (
            "<jats:p>One &amp; <jats:bold>two</jats:bold></jats:p><jats:p>Three</jats:p>",
            "One & two\n\nThree",
        ),
        (
            "<jats:sec><jats:title>Abstract</jats:title><jats:p>Only\n this.</jats:p></jats:sec>",
            "Only this.",
        ),
        ("<p>x &lt; y, R&D, 5 < 6</p>", "x < y, R&D, 5 < 6"),
        ("No markup at all", "No markup at all"),
        ("<jats:p>When <![CDATA[x < y & z]]> holds</jats:p>", "When x < y & z holds"),
        ("<jats:p></jats:p>", None),
    ],
)
def test_jats_abstracts_become_text_with_paragraphs(markup: str, expected: str | None) -> None:
    assert plain_text(markup, paragraphs=True) == expected


def test_bad_values_are_errors_naming_the_crossref_key() -> None:
    chapter = {"DOI": "10.1000/b.1", "type": "book-chapter", "container-title": ["T"]}
    text = json.dumps(
        [
            {"DOI": "10.1000/b", "type": "book", "title": ["T"], "language": "English!"},
            chapter
            | {"page": "12-", "author": [{"family": "Lee", "ORCID": "0000-0002-1825-0098"}]},
        ],
        indent=1,
    )
    assert errors(text) == [
        '0.json:3: language: "English!" is not a BCP 47 language tag; write it like "en" or '
        '"pt-BR"',
        '0.json:11: author: "0000-0002-1825-0098" is not a valid ORCID iD (0000-0002-1825-0097)',
        '0.json:11: page: "12-" is not a page range; write it like "vii-xii", "v" or "7-25"',
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '{"message": {\n "DOI": "10.1000/b",\n "type" "book"}}',
            "0.json:3: is not valid JSON: Expecting ':' delimiter (column 9)",
        ),
        (
            '{"status": "ok"}',
            '0.json:1: is not Crossref JSON: give a work, {"message": …} or a list of works',
        ),
        (
            '{"message": ' + "[" * 5000 + "]" * 5000 + "}",
            "0.json:1: is nested too deeply to be a record; a record needs only a few levels of "
            "fields",
        ),
        (
            "[1, 2]",
            '0.json:1: [0]: 1 is not a Crossref work (one has "DOI" and "type"); take it out',
        ),
        (
            '{"message": {"items": [{"DOI": "10.1000/b", "type": "book"}, {"DOI": "10.1/c"}]}}',
            '0.json:1: message.items[1]: {"DOI": "10.1/c"} is not a Crossref work (one has "DOI" '
            'and "type"); take it out',
        ),
        (work(title=[]), "0.json:1: title: 10.1000/b has no title"),
        (
            '{"message": {"DOI": "10.1000/b", "type": "book",\n "title": ["T"],\n'
            ' "ISBN": [' + "9" * 5000 + "]}}",
            "0.json:3: has a number of 5,000 digits; no field takes one",
        ),
        (
            '{"message": {"DOI": "10.1000/b", "type": "book", "title": ["T"],\n'
            ' "issued": {"date-parts": [[NaN]]}}}',
            "0.json:2: is not valid JSON: NaN is not a JSON value; write a number or text",
        ),
        (
            '{"message": {"DOI": "10.1000/b", "type": "book",\n "title": ["First"],'
            ' "title": ["Second"]}}',
            "0.json:2: title: appears twice; keep one",
        ),
    ],
    ids=[
        "malformed",
        "no-work",
        "too-deep",
        "not-works",
        "one-not-a-work",
        "no-title",
        "huge-number",
        "nan",
        "dup",
    ],
)
def test_unusable_input_is_one_line(text: str, expected: str) -> None:
    assert errors(text) == [expected]


def test_values_of_the_wrong_json_type_are_warnings_not_dropped_unseen() -> None:
    works = [
        {"DOI": "10.1000/b", "type": "book", "title": ["T", 7], "ISBN": ["9780824828097"],
         "publisher": ["Acme"], "abstract": {"p": "x"}, "subject": [1, "History"],
         "author": [{"given": ["A"], "family": "B"}], "license": [{"URL": 5}]},
        {"DOI": "10.1000/b.1", "type": "book-chapter", "title": ["C"],
         "ISBN": ["9780824828097"], "page": 12},
    ]  # fmt: skip
    result = parse_crossref([("x.json", json.dumps(works))])
    assert sorted(str(w) for w in result.warnings) == [
        'x.json:1: abstract: {"p": "x"} of 10.1000/b is not text; left out',
        'x.json:1: author.given: ["A"] of 10.1000/b is not text; left out',
        "x.json:1: license: 5 of 10.1000/b is not text; left out",
        'x.json:1: publisher: ["Acme"] of 10.1000/b is not text; left out',
        "x.json:1: subject: 1 of 10.1000/b is not text; left out",
        "x.json:1: title: 7 of 10.1000/b is not text; left out",
    ]
    (book,) = result.books
    assert book.subjects == ("History",)
    assert book.license is None
    assert book.chapters[0].pages is not None
    assert book.chapters[0].pages.start == "12"


def _chapters_seconds(count: int) -> float:
    items = [{"DOI": "10.1000/b", "type": "book", "title": ["T"], "ISBN": ["9780824828097"]}]
    items += [
        {"DOI": f"10.1000/b.{i}", "type": "book-chapter", "title": [f"C{i}"],
         "ISBN": ["9780824828097"], "page": f"{i}"}
        for i in range(1, count + 1)
    ]  # fmt: skip
    text = json.dumps({"message": {"items": items}}, indent=1)
    start = time.perf_counter()
    (book,) = parse_crossref([("big.json", text)]).books
    seconds = time.perf_counter() - start
    assert len(book.chapters) == count
    assert book.chapters[-1].doi == f"10.1000/b.{count}"
    return seconds


def test_a_list_of_thousands_of_chapters_reads_in_linear_time() -> None:
    # one regex search per work over the whole text made 16,000 chapters take about a minute.
    # Eight times the chapters take about eight times as long (7.3 here), 64 times if the time
    # grew with their square: judged as a ratio, so a slow or busy machine slows both sides,
    # and each side the quicker of two runs, so that one hiccup does not decide
    small = min(_chapters_seconds(2000) for _ in range(2))
    large = min(_chapters_seconds(16000) for _ in range(2))
    assert large < 24 * small, (small, large)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_crossref([tmp_path / "none.json"])
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"message":\n"caf\xe9"}')
    with pytest.raises(RecordError, match=r"latin\.json:2: is not UTF-8 JSON"):
        read_crossref([latin])


def test_sniffing() -> None:
    assert looks_like_crossref(PRESS.read_text("utf-8"))
    assert looks_like_crossref((HERE / "monograph-chapters.json").read_text("utf-8"))
    assert not looks_like_crossref('{"id": "b", "title": "T"}')
    assert not looks_like_crossref("DOI: 10.1/x, issued")


def test_cli_imports_and_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["import", "crossref", *map(str, MONOGRAPH), "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert (
        (tmp_path / "9781925550047.yaml")
        .read_text("utf-8")
        .startswith("id: '9781925550047'\ntitle: War, Peace, and Tea\n")
    )
    warned = CliRunner().invoke(cli, ["import", "crossref", str(PRESS)])
    assert warned.exit_code == 0
    assert warned.stderr.splitlines()[0] == (
        f'Warning: {PRESS}:27: edition-number: "2" of 10.1234/voices has no field in a bookrdf '
        "record; left out"
    )
    strict = CliRunner().invoke(cli, ["import", "crossref", str(PRESS), "--strict"])
    assert strict.exit_code == 2
    assert strict.stderr.splitlines()[0].startswith(f"Error: {PRESS}:27: edition-number:")
    assert strict.stdout == ""
    assert "Traceback" not in strict.output


def test_cli_malformed_json_is_one_error_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"message": [\n', "utf-8")
    result = CliRunner().invoke(cli, ["import", "crossref", str(bad)])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {bad}:2: is not valid JSON: Expecting value (column 1)\n"


_KEYS = ["DOI", "type", "title", "subtitle", "author", "editor", "given", "family", "name", "ORCID",
         "publisher", "publisher-location", "published", "issued", "date-parts", "language",
         "abstract", "ISBN", "isbn-type", "value", "license", "URL", "content-version", "subject",
         "resource", "primary", "page", "container-title", "items", "message", "affiliation"]  # fmt: skip
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3000) | st.text(max_size=12)
    | st.sampled_from(["book", "book-chapter", "10.1000/b", "print", "7-25", "xii"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(_KEYS), inner, max_size=5),
    max_leaves=20,
)  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(_KEYS), JSONISH, max_size=8), max_size=4))
def test_odd_shapes_are_warnings_or_errors_never_tracebacks(works: list[dict[str, Any]]) -> None:
    text = json.dumps([{"DOI": f"10.1000/w{i}", "type": "book"} | w for i, w in enumerate(works)])
    assert all(problem.startswith("x.json:") for problem in _problems(text))


def _problems(text: str) -> list[str]:
    try:
        parse_crossref([("x.json", text)])
    except RecordError as err:
        return [str(problem) for problem in err.problems]
    return []


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("V. S. Naipaul remembered", (None, "V. S. Naipaul remembered")),
        ("IV. The Return", ("IV", "The Return")),
        ("12. A. B. Smith's War", ("12", "A. B. Smith's War")),
        ("Chapter V: E. M. Forster", ("Chapter V", "E. M. Forster")),
    ],
)
def test_an_initial_after_a_roman_number_is_no_label(
    title: str, expected: tuple[str | None, str]
) -> None:
    assert label_title(title) == expected


def test_a_contributor_named_by_name_alone_is_an_organisation() -> None:
    # Crossref writes a person as given + family and an organisation as "name" alone; it was
    # published as a schema:Person
    text = work(
        author=[
            {"name": "ATLAS Collaboration", "sequence": "first", "affiliation": []},
            {"given": "Jane", "family": "Doe", "sequence": "additional"},
            {"name": "Working Group on Light", "ORCID": "https://orcid.org/0000-0002-1825-0097"},
        ],
        editor=[{"name": "Light Consortium", "sequence": "first"}],
    )
    result = parse_crossref([("x.json", text)])
    (book,) = result.books
    assert [(c.name, c.kind, c.role) for c in book.contributors] == [
        ("ATLAS Collaboration", "organization", "author"),
        ("Jane Doe", "person", "author"),
        ("Working Group on Light", "organization", "author"),
        ("Light Consortium", "organization", "editor"),
    ]
    assert book.contributors[2].identifiers.orcid is None
    assert [w.field for w in result.warnings] == ["author.ORCID"]
    graph = graph_of(book)
    found = graph.query(
        f"SELECT ?name WHERE {{ ?b <{SCHEMA.author}> ?c . ?c a <{SCHEMA.Organization}> ; "
        f"<{SCHEMA.name}> ?name FILTER NOT EXISTS {{ ?c <{SCHEMA.givenName}> ?g }} }}"
    )
    assert sorted(str(row[0]) for row in found) == [  # type: ignore[index]
        "ATLAS Collaboration",
        "Working Group on Light",
    ]
