"""MARC 21 -> Books: UTF-8 and MARC-8 binary, MARCXML, 505 contents, broken records, safety."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest
import rdflib
from click.testing import CliRunner
from pymarc import Field, Indicators, Record, Subfield
from rdflib import Graph

from bookrdf.cli import cli
from bookrdf.errors import RecordError
from bookrdf.importers.marc import MarcImport, looks_like_marc, read_marc
from bookrdf.importers.muse import read_muse_page
from bookrdf.mapping import to_triples
from bookrdf.model import book_to_dict

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures" / "marc"
SEED_PAGE = HERE.parent / "data" / "raw" / "000_b131de8bda212195.txt"


def marc(name: str) -> Path:
    return FIXTURES / name


@pytest.fixture(scope="module")
def utf8() -> Any:
    return read_marc([marc("utf8.mrc")])


def _person(name: str, role: str, given: str, family: str) -> dict[str, str]:
    return {"name": name, "role": role, "given_name": given, "family_name": family}


# UTF-8 binary ---------------------------------------------------------------------------------


def test_full_record(utf8: Any) -> None:
    data = book_to_dict(utf8.books[0])
    assert data["id"] == "9780000000019"
    assert (data["title"], data["subtitle"]) == ("The lantern bearers", "essays on light")
    assert data["isbn"] == [
        {"value": "9780000000019", "format": "hardcover"},  # "(hardcover : alk. paper)"
        {"value": "9780000000033", "format": "paperback"},  # ISBN-10 with $q (pbk.); then 13
        {"value": "9791000000022", "format": "electronic"},  # $q (ebook)
    ]
    assert data["contributors"] == [
        _person("Chidi Okafor", "author", "Chidi", "Okafor")
        | {"identifiers": {"orcid": "0000-0002-1825-0097"}},
        _person("Marie Curieux", "translator", "Marie", "Curieux"),
        _person("Ana Lima", "editor", "Ana", "Lima"),  # $4 edt
        _person("Ana Lima", "translator", "Ana", "Lima"),  # $4 trl
        _person("John Smith", "contributor", "John", "Smith"),  # a 700 without relator
        # 710, illustrator: a corporate name, so an organisation
        {"name": "Studio Nord", "kind": "organization", "role": "contributor"},
    ]
    assert data["publisher"] == {"name": "Northfield University Press", "place": "Northfield"}
    assert (data["published"], data["language"]) == ("2021", "en")
    assert data["description"] == "First paragraph, on lamps."
    assert (data["doi"], data["url"]) == ("10.5555/lantern", "https://example.org/lantern")
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["subjects"] == [
        "Light -- Philosophy",
        "Korea (North) -- Politics and government -- 1945-",
        "lamps",
    ]


def test_enhanced_contents_note(utf8: Any) -> None:
    chapters = book_to_dict(utf8.books[0])["chapters"]
    okafor = _person("Chidi Okafor", "author", "Chidi", "Okafor")
    assert chapters == [
        {"label": "1", "title": "Of lamps", "pages": "1-20", "contributors": [okafor]},
        {
            "title": "Glass",
            "pages": "21-40",
            "contributors": [okafor, _person("Ana Lima", "author", "Ana", "Lima")],
        },
        {"pages": "241-250"},  # "$g p. 241-250.": an untitled entry
    ]


def test_what_is_not_mapped_is_reported(utf8: Any) -> None:
    assert [(w.line, w.field, w.message) for w in utf8.warnings] == [
        (None, "record 1 020$z", '"9780000000099" is a cancelled or invalid ISBN; not imported'),
        (None, "record 1 041$h", '"fre" has no place in a bookrdf record; left out'),
        (None, "record 1 082", '"535 23" has no place in a bookrdf record; left out'),
        (None, "record 1 250", '"First edition." has no place in a bookrdf record; left out'),
        (
            None,
            "record 1 300",
            '"xii, 250 pages ; 24 cm" has no place in a bookrdf record; left out',
        ),
        (None, "record 1 500", '"A note on the text." has no place in a bookrdf record; left out'),
        (None, "record 1 700$d", '"1950-" has no place in a bookrdf record; left out'),
        (
            None,
            "record 1 856",
            '"Table of contents https://example.org/lantern/toc" has no place in a bookrdf record; left out',
        ),
    ]


def test_basic_contents_note_and_placeholders(utf8: Any) -> None:
    data = book_to_dict(utf8.books[1])
    assert data["title"] == "Tides. Part 2. Moons"  # $a $n $p
    assert data["contributors"] == [{"name": "Homer", "role": "author"}]  # forename only
    assert "publisher" not in data  # [S.l.] : [s.n.]
    assert (data["published"], data["language"]) == ("1999", "es")  # c1999.; 041 (008 blank)
    assert data["isbn"] == [{"value": "9780000000040", "format": "paperback"}]
    assert data["chapters"] == [
        {
            "label": "1",
            "title": "Tides",
            "pages": "1-20",
            "contributors": [_person("Ana Lima", "author", "Ana", "Lima")],
        },
        {"label": "2", "title": "Moons", "pages": "21-40"},
        {"title": "Glass / a note"},  # "a note" is no name: the text stays in the title
        {"title": "Index"},
    ]


def test_basic_contents_initial_is_no_roman_label(tmp_path: Path) -> None:
    path = tmp_path / "initials.xml"
    path.write_text(
        '<record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nam a2200000 i 4500</leader>'
        '<datafield tag="245" ind1="0" ind2="0"><subfield code="a">Title.</subfield></datafield>'
        '<datafield tag="505" ind1="0" ind2=" "><subfield code="a">I. Beginnings (p. 1-20) -- '
        "V. S. Naipaul remembered (p. 41-50) -- I. A. Richards -- X. The end</subfield>"
        "</datafield></record>"
    )
    (book,) = read_marc([path]).books
    assert [(c.get("label"), c.get("title")) for c in book_to_dict(book)["chapters"]] == [
        ("I", "Beginnings"),
        (None, "V. S. Naipaul remembered"),  # "V." is an initial, not chapter five
        (None, "I. A. Richards"),
        ("X", "The end"),
    ]


def test_statement_of_responsibility_when_no_name_field(utf8: Any) -> None:
    data = book_to_dict(utf8.books[2])
    assert data["id"] == "collected-notes"  # no ISBN: a slug of the title
    assert data["contributors"] == [
        _person("Jane Doe", "editor", "Jane", "Doe"),
        _person("John Roe", "editor", "John", "Roe"),
    ]
    assert (data["published"], data["language"]) == ("2010", "de")  # 008/07-10 and 35-37


# MARC-8 and broken binary records ---------------------------------------------------------------


def test_marc8_records_are_decoded() -> None:
    result = read_marc([marc("marc8.mrc")])
    korea = book_to_dict(result.books[0])
    assert (korea["title"], korea["subtitle"]) == ("Hawaiʻi and Pyŏngyang", "a café ©1995")
    assert korea["contributors"] == [_person("Il-sŏng Kim", "author", "Il-sŏng", "Kim")]
    assert korea["publisher"] == {"name": "Müller & García Márquez", "place": "Seoul"}
    assert korea["language"] == "ko"
    assert [(w.field, w.message) for w in result.warnings] == [
        ("record 2", "MARC-8 byte 0xfc stands for no character; pymarc read it as a space")
    ]


def test_utf8_under_a_marc8_leader_is_read_as_utf8_with_a_warning(tmp_path: Path) -> None:
    record = Record(leader="00000nam a2200000 a 4500")
    record.add_field(Field(tag="245", indicators=Indicators("1", "0"),
                           subfields=[Subfield("a", "Café Müller /")]))  # fmt: skip
    utf8 = bytearray(record.as_marc())
    utf8[9:10] = b" "  # leader/09 blank: MARC-8, as many exports leave it
    path = tmp_path / "mislabelled.mrc"
    path.write_bytes(bytes(utf8) + marc("marc8.mrc").read_bytes())
    result = read_marc([path])
    assert [book.title for book in result.books] == [
        "Café Müller",
        "Hawaiʻi and Pyŏngyang",  # real MARC-8 in the same file is still MARC-8
        "Odd byte",
    ]
    assert (result.warnings[0].field, result.warnings[0].message) == (
        "record 1",
        "leader position 09 says MARC-8 (blank), but the record is UTF-8 with no MARC-8 escape; "
        "read as UTF-8: set leader/09 to 'a' in the catalogue",
    )
    assert [w.field for w in result.warnings] == ["record 1", "record 3"]


def test_truncated_record_gives_its_number_and_offset() -> None:
    first = len(_fixture_script().utf8_records()[2].as_marc())
    with pytest.raises(RecordError) as caught:
        read_marc([marc("truncated.mrc")])
    assert str(caught.value) == (
        f"{marc('truncated.mrc')}: record 2: at byte offset {first} ends before the length its "
        "leader gives (a cut-off file?); export the records again from their catalogue"
    )


def test_invalid_utf8_is_refused_not_replaced() -> None:
    with pytest.raises(RecordError, match=r"record 2: at byte offset 168 is not valid UTF-8"):
        read_marc([marc("bad_utf8.mrc")])


def test_committed_fixtures_are_what_the_script_writes() -> None:
    script = _fixture_script()
    assert marc("utf8.mrc").read_bytes() == b"".join(r.as_marc() for r in script.utf8_records())
    assert marc("marc8.mrc").read_bytes() == b"".join(r.as_marc() for r in script.marc8_records())


def _fixture_script() -> Any:
    spec = importlib.util.spec_from_file_location("make_fixtures", marc("make_fixtures.py"))
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# MARCXML ---------------------------------------------------------------------------------------


def test_marcxml_with_prefix_lines_and_nfc() -> None:
    result = read_marc([marc("records.xml")])
    first, second = (book_to_dict(book) for book in result.books)
    assert first["contributors"] == [
        {
            "name": "Jeanne Dupont, Jr.",
            "role": "author",
            "given_name": "Jeanne",
            "family_name": "Dupont",
            "identifiers": {"isni": "0000000121032683", "viaf": "12345"},
        }
    ]
    assert first["publisher"] == {"name": "Éditions du Port", "place": "Paris"}  # [Paris]
    assert first["isbn"] == [{"value": "9780000000088", "format": "hardcover"}]  # (cloth)
    assert first["subjects"] == ["Coffeehouses -- France -- History"]
    assert [(c.get("label"), c.get("title"), c.get("pages")) for c in first["chapters"]] == [
        (None, "Préface", None),
        ("1", "Le grain", None),
        ("2", "La tasse", "31-60"),
        ("3", "Le sucre", "61-90"),  # the second 505 continues the first
        (None, "Index", None),
    ]
    assert second["title"] == "Café society"  # e + U+0301 read as é
    assert "language" not in second  # und
    assert [(w.line, w.field) for w in result.warnings] == [
        (16, "record 1 100$0"),  # (DLC)…: not an identifier a record holds
        (16, "record 1 100$q"),
        (35, "record 1 264"),  # ©2022, not the publication year
        (51, "record 1 655"),
    ]


def test_a_single_record_file() -> None:
    (book,) = read_marc([marc("single_record.xml")]).books
    assert (book.id, book.title, book.language) == ("9780000000071", "One record", "en")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])  # with a BOM, and without
def test_utf16_marcxml_reads_as_the_utf8_file(tmp_path: Path, encoding: str) -> None:
    text = marc("single_record.xml").read_text("utf-8").replace("UTF-8", encoding.upper())
    path = tmp_path / "wide.xml"
    path.write_bytes(text.encode(encoding))
    assert looks_like_marc(path.read_bytes()[:4096])
    wide, utf8 = read_marc([path]), read_marc([marc("single_record.xml")])
    assert [book_to_dict(book) for book in wide.books] == [book_to_dict(b) for b in utf8.books]
    assert [(w.line, w.field) for w in wide.warnings] == [(w.line, w.field) for w in utf8.warnings]


def test_seed_as_marcxml_is_the_seed_as_muse() -> None:
    result = read_marc([marc("seed.xml")])
    assert result.warnings == ()
    (book,) = result.books
    mine = book_to_dict(book)
    theirs = book_to_dict(read_muse_page(SEED_PAGE).book)
    for chapter in theirs["chapters"]:  # MARC has no file sizes nor chapter excerpts
        chapter.pop("pdf")
        chapter.pop("excerpt", None)
    assert mine.pop("language") == "en"  # 008/35-37: the page does not say
    assert mine == theirs


def test_marcxml_entities_are_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    path = tmp_path / "xxe.xml"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE collection [<!ENTITY x SYSTEM "file://{secret}">]>\n'
        '<collection xmlns="http://www.loc.gov/MARC21/slim"><record><leader>00000nam a2200000 i 4500'
        '</leader><datafield tag="245" ind1="0" ind2="0"><subfield code="a">&x;</subfield>'
        "</datafield></record></collection>\n"
    )
    with pytest.raises(RecordError, match="declares XML entities") as caught:
        read_marc([path])
    assert "TOP-SECRET" not in str(caught.value)


def test_bad_values_are_errors_with_record_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.xml"
    text = marc("single_record.xml").read_text("utf-8").replace("9780000000071", "0000000036")
    path.write_text(text)
    with pytest.raises(RecordError) as caught:
        read_marc([path])
    assert str(caught.value) == (
        f'{path}:6: record 1 020: ISBN-10 "0000000036" has a wrong check digit; check it'
    )


def test_problems_name_marc_tags_not_record_fields(tmp_path: Path) -> None:
    path = tmp_path / "bad.xml"
    text = marc("single_record.xml").read_text("utf-8")
    no_title = re.sub(r'<datafield tag="245".*?</datafield>', "", text, flags=re.S)
    path.write_text(no_title)
    with pytest.raises(RecordError) as caught:
        read_marc([path])
    assert (
        str(caught.value)
        == f"{path}:3: record 1 245: has no title; give the record a 245 with its $a"
    )
    contents = (
        '<datafield tag="505" ind1="0" ind2=" "><subfield code="a">1. Intro (p. 1-10) -- '
        "2. Middle (pp. xii-xv) -- Chapter 3. End&#x92;s (p. 11-20) -- Index.</subfield></datafield>"
        "</record>"
    )
    path.write_text(text.replace("</record>", contents))
    with pytest.raises(RecordError) as caught:
        read_marc([path])
    assert [p.field for p in caught.value.problems] == ["record 1 505"]


def test_the_same_book_twice_is_an_error() -> None:
    with pytest.raises(RecordError, match=r'record 1 id: "9780000000071" is already the id of'):
        read_marc([marc("single_record.xml"), marc("single_record.xml")])


def test_not_marcxml_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text("<html><body/></html>")
    with pytest.raises(RecordError, match="is not MARCXML: its root is <html>"):
        read_marc([path])


# Sniffing and the command -------------------------------------------------------------------------


def test_looks_like_marc() -> None:
    for name in ("utf8.mrc", "marc8.mrc", "records.xml", "seed.xml", "single_record.xml"):
        assert looks_like_marc(marc(name).read_bytes()[:4096])
    assert not looks_like_marc((HERE / "fixtures" / "onix" / "seed.xml").read_bytes()[:4096])
    assert not looks_like_marc(SEED_PAGE.read_bytes()[:4096])


def test_strict_and_cli(tmp_path: Path) -> None:
    with pytest.raises(RecordError):
        read_marc([marc("utf8.mrc")], strict=True)
    runner = CliRunner()
    done = runner.invoke(
        cli, ["import", "marc", str(marc("seed.xml")), "-o", str(tmp_path / "seed.yaml")]
    )
    assert done.exit_code == 0, done.output
    assert (tmp_path / "seed.yaml").read_text("utf-8").startswith("id: '9780824828097'\n")
    failed = runner.invoke(cli, ["import", "marc", "--strict", str(marc("utf8.mrc"))])
    assert failed.exit_code == 2
    assert failed.stdout == ""
    assert failed.stderr.splitlines()[0] == (
        f'Error: {marc("utf8.mrc")}: record 1 020$z: "9780000000099" is a cancelled or invalid '
        "ISBN; not imported"
    )
    broken = runner.invoke(cli, ["import", "marc", str(marc("truncated.mrc"))])
    assert broken.exit_code == 2
    assert "Traceback" not in broken.output


def test_an_empty_file_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "empty.mrc"
    path.write_bytes(b"")
    result = read_marc([path])
    assert result.books == ()
    assert [w.message for w in result.warnings] == ["holds no MARC record; nothing imported"]


# Records as catalogues export them, and broken ones ----------------------------------------------


def _book_record(title: str, leader: str = "00000nam a2200000 i 4500") -> Record:
    record = Record(leader=leader, force_utf8=True)
    record.add_field(Field(tag="008", data="050623s2005    hiua     b    001 0 eng  "))
    record.add_field(Field(tag="245", indicators=Indicators("1", "0"),
                           subfields=[Subfield("a", f"{title} /"), Subfield("c", "Jane Doe.")]))  # fmt: skip
    record.add_field(Field(tag="264", indicators=Indicators(" ", "1"),
                           subfields=[Subfield("a", "Honolulu :"), Subfield("b", "Press,"),
                                      Subfield("c", "2005.")]))  # fmt: skip
    return record


def _read_back(tmp_path: Path, record: Record) -> MarcImport:
    """The record written as ISO 2709 and read by the importer."""
    path = tmp_path / "record.mrc"
    path.write_bytes(record.as_marc())
    return read_marc([path])


def _with_entry(raw: bytes, tag: bytes, length: bytes | None, start: bytes | None) -> bytes:
    """The record with the directory entry of one tag given another length or start."""
    base = int(raw[12:17])
    data = bytearray(raw)
    for at in range(24, base - 1, 12):
        if raw[at : at + 3] == tag:
            if length is not None:
                data[at + 3 : at + 7] = length
            if start is not None:
                data[at + 7 : at + 12] = start
    return bytes(data)


@pytest.mark.parametrize(
    ("length", "start", "what"),
    [
        (None, b"99999", "its entry for field 264 points past the record's end"),
        (b"0009", None, "its entry for field 264 does not end at a field terminator (1E)"),
        (None, b"00000", "its entry for field 264 does not end at a field terminator (1E)"),
        (b"12ab", None, "entry 3 (264) is no length and start"),
    ],
)
def test_a_broken_directory_entry_stops_the_file(
    tmp_path: Path, length: bytes | None, start: bytes | None, what: str
) -> None:
    # pymarc slices a field where its directory entry says: past the end it read nothing
    # (the publisher was lost without a word), too short or misplaced it read other bytes
    first = _book_record("First").as_marc()
    path = tmp_path / "broken.mrc"
    path.write_bytes(first + _with_entry(_book_record("Second").as_marc(), b"264", length, start))
    with pytest.raises(RecordError) as caught:
        read_marc([path])
    assert str(caught.value) == (
        f"{path}: record 2: at byte offset {len(first)} has a broken directory: {what}; "
        "export the records again from their catalogue"
    )
    result = CliRunner().invoke(cli, ["import", "marc", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_directory_entry_without_a_tag_stops_the_file(tmp_path: Path) -> None:
    raw = bytearray(_book_record("First").as_marc())
    raw[24:27] = b"0\x00A"
    path = tmp_path / "tagless.mrc"
    path.write_bytes(bytes(raw))
    with pytest.raises(RecordError, match=r"record 1: .* entry 1 has no tag \(b'0\\x00A'\)"):
        read_marc([path])


def test_line_breaks_between_and_after_records_are_not_records(tmp_path: Path) -> None:
    # Exports and transfers add "\r\n" after records, or a DOS end-of-file byte: a file of
    # good records was refused as "cut off" at the first of them
    first, second = (_book_record(t).as_marc() for t in ("First", "Second"))
    path = tmp_path / "lines.mrc"
    path.write_bytes(first + b"\r\n" + second + b"\n\x1a")
    result = read_marc([path])
    assert [book.title for book in result.books] == ["First", "Second"]
    assert result.warnings == ()


def test_records_that_are_not_books_are_left_out_with_a_warning(tmp_path: Path) -> None:
    book = _book_record("Atlas of words")
    atlas = _book_record("Road atlas", leader="00000cem a2200000 a 4500")
    score = _book_record("Sonatas", leader="00000ccm a2200000 a 4500")
    chapter = _book_record("A chapter", leader="00000naa a2200000 a 4500")
    path = tmp_path / "mixed.mrc"
    path.write_bytes(b"".join(r.as_marc() for r in (book, atlas, score, chapter)))
    result = read_marc([path])
    assert [b.title for b in result.books] == ["Atlas of words"]
    assert [(w.field, w.message) for w in result.warnings] == [
        ("record 2", "leader/06 'e' says it is cartographic material, not a book; not imported"),
        ("record 3", "leader/06 'c' says it is notated music, not a book; not imported"),
        (
            "record 4",
            "leader/07 'a' says it is a part of a monograph (a chapter), not a book; not imported",
        ),
    ]


def test_a_computer_file_record_is_read_as_a_book_with_a_warning(tmp_path: Path) -> None:
    # e-books were catalogued with leader/06 'm' before 1997; leaving them out lost books
    ebook = _book_record("An early e-book", leader="00000cmm a2200000 a 4500")
    path = tmp_path / "ebook.mrc"
    path.write_bytes(ebook.as_marc())
    result = read_marc([path])
    assert [b.title for b in result.books] == ["An early e-book"]
    assert any(
        w.field == "record 1" and "leader/06 'm' says it is a computer file" in w.message
        for w in result.warnings
    )


def test_marcxml_fields_without_tag_or_code_are_reported_not_merged(tmp_path: Path) -> None:
    # A subfield without a code joined the title ("" is in any string of codes), and a
    # datafield without a tag was taken for a control number and dropped without a word
    path = tmp_path / "codes.xml"
    path.write_text(
        '<collection xmlns="http://www.loc.gov/MARC21/slim"><record>\n'
        "<leader>00000nam a2200000 i 4500</leader>\n"
        '<datafield tag="245" ind1="1" ind2="0"><subfield code="a">Title :</subfield>\n'
        '<subfield code="">stray</subfield><subfield code="ab">two</subfield>'
        '<subfield code="b">subtitle</subfield></datafield>\n'
        '<datafield ind1=" " ind2=" "><subfield code="a">untagged</subfield></datafield>\n'
        "<note>stray element</note></record></collection>"
    )
    result = read_marc([path])
    data = book_to_dict(result.books[0])
    assert (data["title"], data["subtitle"]) == ("Title", "subtitle")
    assert [(w.line, w.field, w.message) for w in result.warnings] == [
        (5, "record 1", '<datafield> has no tag of three letters or digits (""): "untagged"; left out'),
        (6, "record 1", '<note> is no MARCXML element (leader, controlfield, datafield): "stray element"; left out'),
        (4, "record 1 245", 'a subfield without a one-character code (""): "stray"; left out'),
        (4, "record 1 245", 'a subfield without a one-character code ("ab"): "two"; left out'),
    ]  # fmt: skip


def test_the_url_is_the_resource_not_a_part_of_it(tmp_path: Path) -> None:
    # LC records link the table of contents as 856 41 $3 "Table of contents only": it was
    # taken as the book's url, and the book's own 856 40 reported as left out
    record = _book_record("Linked")
    toc = [Subfield("3", "Table of contents only"), Subfield("u", "http://www.loc.gov/toc/1.html")]
    record.add_field(Field(tag="856", indicators=Indicators("4", "1"), subfields=toc))
    record.add_field(Field(tag="856", indicators=Indicators("4", "0"),
                           subfields=[Subfield("u", "https://muse.jhu.edu/book/8048"),
                                      Subfield("u", "https://mirror.example/8048")]))  # fmt: skip
    result = _read_back(tmp_path, record)
    assert book_to_dict(result.books[0])["url"] == "https://muse.jhu.edu/book/8048"
    assert [(w.field, w.message) for w in result.warnings] == [
        (
            "record 1 856",
            '"Table of contents only http://www.loc.gov/toc/1.html" has no place in a bookrdf '
            "record; left out",
        ),
        ("record 1 856$u", '"https://mirror.example/8048" has no place in a bookrdf record; left out'),
    ]  # fmt: skip


def test_an_isbn_written_with_its_name_is_read(tmp_path: Path) -> None:
    record = _book_record("Prefixed")
    record.add_field(Field(tag="020", indicators=Indicators(" ", " "),
                           subfields=[Subfield("a", "ISBN 0-8248-2809-7 (pbk.)")]))  # fmt: skip
    result = _read_back(tmp_path, record)
    assert book_to_dict(result.books[0])["isbn"] == [
        {"value": "9780824828097", "format": "paperback"}
    ]
    assert result.warnings == ()


def test_marcxml_declared_latin1_in_windows_1252_keeps_its_quotes(tmp_path: Path) -> None:
    path = tmp_path / "cp1252.xml"
    text = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n<collection><record>'
        "<leader>00000nam a2200000 i 4500</leader>"
        '<datafield tag="245" ind1="0" ind2="0"><subfield code="a">Don’t stop — go</subfield>'
        "</datafield></record></collection>"
    )
    path.write_bytes(text.encode("cp1252"))
    assert [b.title for b in read_marc([path]).books] == ["Don’t stop — go"]


def test_a_meeting_names_its_unit_in_e_and_its_role_in_j(tmp_path: Path) -> None:
    # X11 $e is a subordinate unit, not a relator: "Steering Committee" became a second
    # entry of the meeting with role contributor, and the unit was lost without a word
    record = _book_record("Proceedings")
    record.add_field(Field(tag="711", indicators=Indicators("2", " "),
                           subfields=[Subfield("a", "Conference on Light."),
                                      Subfield("e", "Steering Committee,"),
                                      Subfield("j", "editor.")]))  # fmt: skip
    result = _read_back(tmp_path, record)
    assert book_to_dict(result.books[0])["contributors"] == [
        {
            "name": "Conference on Light. Steering Committee",
            "kind": "organization",
            "role": "editor",
        }
    ]
    assert result.warnings == ()


@pytest.mark.parametrize(
    ("indicators", "subfields"),
    [
        (("0", "0"), [("a", "Intro / Jane Doe -- 1. Beginnings (p. 1-20)")]),
        (("0", " "), [("t", "Intro /"), ("r", "Jane Doe --"), ("g", "1."), ("t", "Beginnings"),
                      ("g", "(p. 1-20)")]),
    ],
)  # fmt: skip
def test_a_contents_note_is_read_by_its_subfields_not_its_indicator(
    tmp_path: Path, indicators: tuple[str, str], subfields: list[tuple[str, str]]
) -> None:
    # A 505 00 of $a parts, or a 505 0_ of $t titles, lost every chapter (as subfields "that
    # have no place in a record")
    record = _book_record("Contents")
    record.add_field(Field(tag="505", indicators=Indicators(*indicators),
                           subfields=[Subfield(code, value) for code, value in subfields]))  # fmt: skip
    result = _read_back(tmp_path, record)
    assert book_to_dict(result.books[0])["chapters"] == [
        {"title": "Intro", "contributors": [_person("Jane Doe", "author", "Jane", "Doe")]},
        {"label": "1", "title": "Beginnings", "pages": "1-20"},
    ]
    assert result.warnings == ()


def test_aacr2_joint_relators_keep_their_role(tmp_path: Path) -> None:
    # "joint author", as records catalogued under AACR2 write it, made a co-author a contributor
    record = _book_record("Together")
    for name, term in (("Doe, Jane,", "joint author."), ("Roe, John,", "jt. ed.")):
        record.add_field(Field(tag="700", indicators=Indicators("1", " "),
                               subfields=[Subfield("a", name), Subfield("e", term)]))  # fmt: skip
    result = _read_back(tmp_path, record)
    assert book_to_dict(result.books[0])["contributors"] == [
        _person("Jane Doe", "author", "Jane", "Doe"),
        _person("John Roe", "editor", "John", "Roe"),
    ]


def test_an_enhanced_label_before_a_title_begins_an_entry_without_dashes(tmp_path: Path) -> None:
    # Without the "--" after each entry, "$g 2." was read as a second label of the entry
    # before and left out: chapter 2 lost its label
    record = _book_record("Numbered")
    subfields = [("g", "1."), ("t", "Intro /"), ("r", "Jane Doe."), ("g", "2."),
                 ("t", "Beginnings"), ("g", "(p. 1-20)")]  # fmt: skip
    record.add_field(Field(tag="505", indicators=Indicators("0", "0"),
                           subfields=[Subfield(code, value) for code, value in subfields]))  # fmt: skip
    result = _read_back(tmp_path, record)
    assert book_to_dict(result.books[0])["chapters"] == [
        {"label": "1", "title": "Intro", "contributors": [_person("Jane Doe", "author", "Jane", "Doe")]},
        {"label": "2", "title": "Beginnings", "pages": "1-20"},
    ]  # fmt: skip
    assert result.warnings == ()


@pytest.mark.parametrize(
    "subfields",
    [
        [("a", "1. Beginnings (p. 1-20, 25-30) -- 2. Plates (p. 21-24)")],
        [("g", "1."), ("t", "Beginnings"), ("g", "(p. 1-20, 25-30) --"), ("g", "2."),
         ("t", "Plates"), ("g", "(p. 21-24)")],
    ],
)  # fmt: skip
def test_an_entry_that_skips_pages_keeps_them(
    tmp_path: Path, subfields: list[tuple[str, str]]
) -> None:
    record = _book_record("Skipping")
    record.add_field(Field(tag="505", indicators=Indicators("0", "0"),
                           subfields=[Subfield(code, value) for code, value in subfields]))  # fmt: skip
    result = _read_back(tmp_path, record)
    assert book_to_dict(result.books[0])["chapters"] == [
        {"label": "1", "title": "Beginnings", "pages": "1-20, 25-30"},
        {"label": "2", "title": "Plates", "pages": "21-24"},
    ]
    assert result.warnings == ()


def _volume(title: str, own: str, extent: str) -> Record:
    """A volume of a two-volume set whose 020s give its own ISBN and the set's, as catalogues
    write them."""
    record = _book_record(title)
    record.add_field(Field(tag="020", indicators=Indicators(" ", " "),
                           subfields=[Subfield("a", own), Subfield("q", "(v. 1 ;"),
                                      Subfield("q", "hardcover)")]))  # fmt: skip
    record.add_field(Field(tag="020", indicators=Indicators(" ", " "),
                           subfields=[Subfield("a", "9780000000071 (set)")]))  # fmt: skip
    record.add_field(Field(tag="300", indicators=Indicators(" ", " "),
                           subfields=[Subfield("a", extent)]))  # fmt: skip
    return record


def test_the_isbn_of_a_set_is_not_a_volume_s(tmp_path: Path) -> None:
    # every volume's record carries the set's ISBN: read as each volume's own, two volumes
    # claimed one ISBN and a library's export could not be published at all
    path = tmp_path / "volumes.mrc"
    volumes = [_volume("Volume One", "9780000000057", "xii, 300 p. ;"),
               _volume("Volume Two", "9780000000064", "viii, 280 p. ;")]  # fmt: skip
    path.write_bytes(b"".join(volume.as_marc() for volume in volumes))
    result = read_marc([path])
    assert [[isbn.value for isbn in book.isbns] for book in result.books] == [
        ["9780000000057"],
        ["9780000000064"],
    ]
    assert [(w.field, w.message) for w in result.warnings if "set" in w.message] == [
        (
            f"record {n} 020$a",
            '"9780000000071 (set)" is the ISBN of the set this book belongs to, not of this '
            "book (its 300 gives no volumes); left out",
        )
        for n in (1, 2)
    ]
    out = tmp_path / "release"
    published = CliRunner().invoke(cli, ["publish", str(path), "--out", str(out), "-f", "nt"])
    assert published.exit_code == 0, published.output
    graph = rdflib.Graph().parse(out / "books.nt")
    answer = graph.query("SELECT ?i WHERE { ?e <http://schema.org/isbn> ?i }")
    isbns = {str(row[0]) for row in answer}  # type: ignore[index]
    assert isbns == {"9780000000057", "9780000000064"}


@pytest.mark.parametrize(("extent", "kept"), [("2 v. ;", True), ("three volumes", True),
                                              ("1 v. (xii, 300 p.) ;", False)])  # fmt: skip
def test_a_record_of_the_whole_set_keeps_the_set_s_isbn(
    tmp_path: Path, extent: str, kept: bool
) -> None:
    result = _read_back(tmp_path, _volume("The Set", "9780000000057", extent))
    isbns = [isbn.value for isbn in result.books[0].isbns]
    assert isbns == ["9780000000057", "9780000000071"] if kept else ["9780000000057"]
    assert bool([w for w in result.warnings if "set" in w.message]) is not kept


def test_corporate_names_and_meetings_are_organisations(tmp_path: Path) -> None:
    # 110/710 (corporate names) and 111/711 (meetings) were published as schema:Person
    record = _book_record("Annual report")
    record.add_field(Field(tag="110", indicators=Indicators("2", " "),
                           subfields=[Subfield("a", "World Health Organization."),
                                      Subfield("b", "Regional Office for Europe,"),
                                      Subfield("e", "author."),
                                      Subfield("0", "(isni) 0000000121032683"),
                                      Subfield("0", "https://orcid.org/0000-0002-1825-0097")]))  # fmt: skip
    record.add_field(Field(tag="700", indicators=Indicators("1", " "),
                           subfields=[Subfield("a", "Doe, Jane,"), Subfield("e", "editor.")]))  # fmt: skip
    record.add_field(Field(tag="710", indicators=Indicators("2", " "),
                           subfields=[Subfield("a", "Light Consortium,"), Subfield("4", "trl")]))  # fmt: skip
    record.add_field(Field(tag="711", indicators=Indicators("2", " "),
                           subfields=[Subfield("a", "Conference on Light")]))  # fmt: skip
    result = _read_back(tmp_path, record)
    (book,) = result.books
    assert [(c.name, c.kind, c.role) for c in book.contributors] == [
        ("World Health Organization. Regional Office for Europe", "organization", "author"),
        ("Jane Doe", "person", "editor"),
        ("Light Consortium", "organization", "translator"),
        ("Conference on Light", "organization", "contributor"),
    ]
    who = book.contributors[0]
    assert (who.given_name, who.family_name, who.identifiers.isni, who.identifiers.orcid) == (
        None, None, "0000000121032683", None
    )  # fmt: skip
    assert any("ORCID iD, which names a person" in w.message for w in result.warnings)
    graph = Graph()
    for triple in to_triples(book):
        graph.add(triple)
    found = graph.query(
        "SELECT ?name WHERE { ?book <http://purl.org/dc/terms/contributor> ?c . "
        "?c a <http://schema.org/Organization> ; <http://schema.org/name> ?name . "
        "FILTER NOT EXISTS { ?c a <http://schema.org/Person> } }"
    )
    assert sorted(str(row[0]) for row in found) == [  # type: ignore[index]
        "Conference on Light",
        "Light Consortium",
    ]
