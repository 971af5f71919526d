"""ONIX for Books -> Books: 3.0 in both tag styles, 2.1, merging formats, safety, samples."""

from __future__ import annotations

import json
import re
import socket
import time
import tracemalloc
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import etree  # type: ignore[import-untyped]
from rdflib import Graph

from bookrdf.cli import cli
from bookrdf.errors import InputError, RecordError
from bookrdf.importers.muse import read_muse_page
from bookrdf.importers.onix import codes, looks_like_onix, read_onix
from bookrdf.importers.onix.text import short_tags
from bookrdf.mapping import to_triples
from bookrdf.model import Book, book_to_dict

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures" / "onix"
SEED_PAGE = HERE.parent / "data" / "raw" / "000_b131de8bda212195.txt"
ONIXCHECK = Path(str(resources.files("onixcheck")))  # its samples stay in the package
SAMPLES = sorted((ONIXCHECK / "data").glob("*.xml"))


def onix(name: str) -> Path:
    return FIXTURES / name


def by_id(books: tuple[Book, ...]) -> dict[str, dict[str, Any]]:
    return {book.id: book_to_dict(book) for book in books}


@pytest.fixture(scope="module")
def reference() -> Any:
    return read_onix([onix("onix3_reference.xml")])


# ONIX 3.0, reference tags ---------------------------------------------------------------------


def test_formats_of_one_work_merge_into_one_book(reference: Any) -> None:
    books = by_id(reference.books)
    assert list(books) == ["9780000000019", "9780000000040"]  # the print ISBN is the id
    work = books["9780000000019"]
    assert work["isbn"] == [
        {"value": "9780000000019", "format": "hardcover"},  # ProductForm BB
        {"value": "9791000000022", "format": "electronic"},  # ED; a Bookland GTIN-13 (type 03)
        {"value": "9780000000033", "format": "paperback"},  # BC; ISBN-10, same title and people
    ]
    assert work["doi"] == "10.5555/lantern"  # from the e-book, the only one to give it
    assert work["published"] == "2021-03-15"  # the earliest; the paperback's "2021" is no earlier


def test_product_fields(reference: Any) -> None:
    work = by_id(reference.books)["9780000000019"]
    assert (work["title"], work["subtitle"]) == ("The Lantern Bearers", "Essays on Light")
    assert work["contributors"] == [  # by SequenceNumber, not document order
        {
            "name": "Chidi Okafor",
            "role": "author",
            "given_name": "Chidi",
            "family_name": "Okafor",
            "identifiers": {"orcid": "0000-0002-1825-0097", "isni": "0000000121032683"},
        },
        {
            "name": "Marie Curieux",
            "role": "translator",
            "given_name": "Marie",
            "family_name": "Curieux",
        },
        # A12 illustrated by; a CorporateName, so an organisation
        {"name": "Studio Nord", "kind": "organization", "role": "contributor"},
    ]
    assert work["publisher"] == {"name": "Northfield University Press", "place": "Northfield"}
    assert work["language"] == "en"
    assert work["description"] == "First paragraph, on lamps.\n\nSecond paragraph.\n\nSame place."
    assert work["subjects"] == ["Light -- Philosophy"]


def test_content_items_become_chapters(reference: Any) -> None:
    chapters = by_id(reference.books)["9780000000019"]["chapters"]
    assert chapters == [
        {"label": "Preface", "pages": "ix-xii"},  # front matter, but "Preface" says more
        {
            "label": "Chapter 1",
            "title": "Of Lamps: A Beginning",
            "pages": "1-20",
            "contributors": [
                {
                    "name": "Chidi Okafor",
                    "role": "author",
                    "given_name": "Chidi",
                    "family_name": "Okafor",
                }
            ],
        },
        {
            "label": "2",
            "title": "Glass",
            "pages": "21-40, 200-201",  # two page runs: a chapter that skips pages
            "excerpt": "Glass is a liquid that forgot to flow.",
            "doi": "10.5555/lantern.2",
        },
        {"kind": "back-matter", "pages": "241-250"},
    ]


def test_edited_volume_roles_language_and_html(reference: Any) -> None:
    book = by_id(reference.books)["9780000000040"]
    assert [(c["name"], c["role"]) for c in book["contributors"]] == [
        ("Ana Lima", "editor"),
        ("Jo Park", "editor"),  # B10 edited and translated by
        ("Jo Park", "translator"),
    ]
    assert book["language"] == "pt-BR"  # por + CountryCode BR
    assert book["published"] == "2022-03"  # dateformat attribute 01
    assert book["description"] == "Waves & tides.\n\nMoons."  # escaped HTML; script dropped


def test_what_is_not_mapped_is_reported(reference: Any) -> None:
    found = {(w.line, w.field, _kind(w.message)) for w in reference.warnings}
    assert found == {
        (31, "Product/DescriptiveDetail/TitleDetail", "no place"),  # TitleType 03
        (43, "Product/DescriptiveDetail/Contributor/BiographicalNote", "no place"),
        (67, "Product/DescriptiveDetail/Language", "no place"),  # original language
        (71, "Product/DescriptiveDetail/Extent", "no place"),  # pages
        (76, "Product/DescriptiveDetail/Subject", "no place"),  # a code without heading text
        (87, "Product/CollateralDetail/TextContent", "no place"),  # the short description
        (190, "Product/PublishingDetail/PublishingDate", "no place"),  # role 11
        (303, "Product/PublishingDetail/PublishingDate/Date", "kept as 2021"),  # a quarter
        (357, "Product/RelatedMaterial", "no place"),  # 22 product by same author
        (367, "Product", "delete notification"),
        (375, "Product", "repeats ISBN"),
    }
    assert not any("Price" in w.message or "Supply" in w.field for w in reference.warnings)


def _kind(message: str) -> str:
    for kind in (
        "no place",
        "kept as 2021",
        "delete notification",
        "repeats ISBN",
    ):
        if kind in message:
            return kind
    return message


def test_short_tags_in_a_namespace_read_the_same(reference: Any) -> None:
    short = read_onix([onix("onix3_short.xml")])
    assert short.books == reference.books
    assert [(w.line, w.field, w.message) for w in short.warnings] == [
        (w.line, w.field, w.message.replace("onix3_reference", "onix3_short"))
        for w in reference.warnings
    ]


def test_formats_that_disagree_are_reported(tmp_path: Path) -> None:
    text = onix("onix3_reference.xml").read_text("utf-8")
    path = tmp_path / "conflict.xml"
    path.write_text(
        text.replace(
            "<TitleText>The Lantern Bearers</TitleText>", "<TitleText>Lanterns</TitleText>"
        )
    )
    result = read_onix([path])
    assert by_id(result.books)["9780000000019"]["title"] == "The Lantern Bearers"
    differs = [w for w in result.warnings if w.field.endswith("/TitleElement")]
    assert [w.field for w in differs] == ["Product/DescriptiveDetail/TitleDetail/TitleElement"]
    assert "differs from the product at" in differs[0].message


def test_strict_turns_warnings_into_errors() -> None:
    with pytest.raises(RecordError) as caught:
        read_onix([onix("onix3_reference.xml")], strict=True)
    assert len(caught.value.problems) == 11


# ONIX 2.1 -------------------------------------------------------------------------------------


def test_onix21_reference_tags_with_dtd_and_entities(no_network: None) -> None:
    result = read_onix([onix("onix21.xml")])
    (book,) = result.books
    data = book_to_dict(book)
    assert (data["title"], data["subtitle"]) == ("Café Society", "Coffee — and Talk")
    assert [(c["name"], c["role"]) for c in data["contributors"]] == [
        ("Jeanne Dupont", "author"),
        ("Karl von Brandt", "editor"),
    ]
    assert data["contributors"][0]["identifiers"] == {"isni": "0000000121032683"}
    assert data["contributors"][1]["family_name"] == "von Brandt"
    assert data["publisher"] == {"name": "Donau Verlag", "place": "Wien"}
    assert (data["published"], data["language"]) == ("1998-03", "de")
    assert data["description"] == "Where Vienna talked.\n\nAnd & drank élan."
    assert data["subjects"] == ["Coffeehouses"]
    assert data["isbn"] == [  # the e-book "based on" the print book (code 13) merged in
        {"value": "9780000000064", "format": "hardcover"},
        {"value": "9780000000071", "format": "electronic"},
    ]
    assert data["chapters"] == [
        {
            "label": "Chapter 1",
            "title": "Beans & Cups",
            "pages": "1-30",
            "contributors": [
                {
                    "name": "Jeanne Dupont",
                    "role": "author",
                    "given_name": "Jeanne",
                    "family_name": "Dupont",
                }
            ],
        },
        {"title": "Sugar&foo;", "pages": "31", "excerpt": "Sugar came late."},
    ]
    fields = {(w.line, w.field) for w in result.warnings}
    assert (91, "Product/ContentItem/Title/TitleText") in fields  # &foo; is no character
    assert (46, "Product/NumberOfPages") in fields
    assert (51, "Product/MainSubject") in fields


def test_onix21_short_tags() -> None:
    (book,) = read_onix([onix("onix21_short.xml")]).books
    assert (book.title, book.subtitle, book.language) == ("Short Tags", "A Field Guide", "es")
    assert book.publisher is not None
    assert book.publisher.name == "Harbour Books"
    assert book.isbns[0].format == "paperback"
    assert book.description == "A long description."


# The seed book, as its MUSE page ---------------------------------------------------------------


def test_seed_as_onix_is_the_seed_as_muse() -> None:
    result = read_onix([onix("seed.xml")])
    assert result.warnings == ()
    (book,) = result.books
    mine = book_to_dict(book)
    theirs = book_to_dict(read_muse_page(SEED_PAGE).book)
    for chapter in theirs["chapters"]:
        chapter.pop("pdf")  # ONIX has no file sizes
    # ONIX says what the page does not: the language, and front or back matter (list 42).
    assert mine.pop("language") == "en"
    kinds = [chapter.pop("kind", None) for chapter in mine["chapters"]]
    assert kinds == [None] + ["front-matter"] * 4 + [None] * 12 + ["back-matter"] * 3
    assert mine == theirs


# onixcheck's sample messages -------------------------------------------------------------------


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_every_onixcheck_sample_imports_or_fails_clearly(path: Path) -> None:
    outcome = _books_or_problems(path)
    assert outcome
    assert all(isinstance(item, Book) or item.source == str(path) for item in outcome)


def _books_or_problems(path: Path) -> list[Any]:
    try:
        return list(read_onix([path]).books)
    except RecordError as err:
        return list(err.problems)


def test_onixcheck_samples_known_fields() -> None:
    data = ONIXCHECK / "data"
    (google21,) = read_onix([data / "Google Sample ONIX 2.1.xml"]).books
    assert (google21.title, google21.subtitle) == (
        "This is my distinctive title.",
        "This is my subtitle.",
    )
    assert (google21.language, google21.published and google21.published.text) == (
        "en",
        "2012-09-27",
    )
    assert google21.description == "I am the main description of the book."
    assert [(i.value, i.format) for i in google21.isbns] == [("9789999999991", "electronic")]
    (google3,) = read_onix([data / "valid_google_onix_3.xml"]).books
    assert google3.publisher is not None
    assert google3.publisher.name == "My Publisher Name"
    assert google3.description == "I am a description of the book."
    (texas,) = read_onix([data / "win_console_issue.xml"]).books
    assert texas.title == "The Book of Texas"  # TitlePrefix + TitleWithoutPrefix
    assert texas.contributors[0].identifiers.isni == "0000000083795662"  # "16\u200b" read as 16
    assert [(i.value, i.format) for i in texas.isbns] == [("9783141592641", "hardcover")]


def test_onixcheck_samples_without_title_or_root_fail_clearly() -> None:
    data = ONIXCHECK / "data"
    with pytest.raises(RecordError) as caught:
        read_onix([data / "valid_onix3_short.xml"])
    assert str(caught.value).endswith(
        "Product: has no distinctive title (TitleDetail, TitleType 01); a book needs one"
    )
    with pytest.raises(
        RecordError, match="is not an ONIX for Books message: its root is <ONIXMESAGE>"
    ):
        read_onix([data / "invalid_onix_root.xml"])


# Safety: no entities, no DTD, no network -------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


BILLION_LAUGHS = (
    """<?xml version="1.0"?>
<!DOCTYPE ONIXMessage [
 <!ENTITY lol "lol">
"""
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">\n'
        for i in range(1, 10)
    )
    + """]>
<ONIXMessage><Product><DescriptiveDetail><TitleDetail><TitleType>01</TitleType><TitleElement>
<TitleText>&lol9;</TitleText></TitleElement></TitleDetail></DescriptiveDetail></Product></ONIXMessage>
"""
)


def test_external_entity_is_refused_and_the_file_not_read(tmp_path: Path, no_network: None) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    path = tmp_path / "xxe.xml"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE ONIXMessage [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        "<ONIXMessage><Product><DescriptiveDetail><TitleDetail><TitleType>01</TitleType>"
        "<TitleElement><TitleText>&xxe;</TitleText></TitleElement></TitleDetail>"
        "</DescriptiveDetail></Product></ONIXMessage>\n"
    )
    with pytest.raises(RecordError) as caught:
        read_onix([path])
    message = str(caught.value)
    assert "TOP-SECRET" not in message
    assert message == (
        f"{path}:2: declares XML entities in its DOCTYPE; bookrdf never expands entities "
        "(they can read local files or grow without bound): remove the <!ENTITY> declarations"
    )


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE x [<!ENTITY % ext SYSTEM "file:///etc/passwd"> %ext;]>',
        '<!DOCTYPE x [<!ENTITY e "internal">]>',
    ],
)
def test_every_entity_declaration_is_refused(tmp_path: Path, doctype: str) -> None:
    path = tmp_path / "x.xml"
    path.write_text(f'<?xml version="1.0"?>\n{doctype}\n<ONIXMessage/>\n')
    with pytest.raises(RecordError, match="declares XML entities"):
        read_onix([path])


def test_entity_declarations_in_utf16_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "utf16.xml"
    text = (
        '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE x [<!ENTITY e "x">]>\n<ONIXMessage/>\n'
    )
    path.write_bytes(text.encode("utf-16"))
    with pytest.raises(RecordError, match="declares XML entities"):
        read_onix([path])


def test_billion_laughs_is_refused_fast_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "lol.xml"
    path.write_text(BILLION_LAUGHS)
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(RecordError, match="declares XML entities"):
        read_onix([path])
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 5_000_000


def test_bad_xml_and_missing_files_are_clear_errors(tmp_path: Path) -> None:
    path = tmp_path / "bad.xml"
    path.write_text("<ONIXMessage>\n<Product>\n</ONIXMessage>\n")
    with pytest.raises(RecordError) as caught:
        read_onix([path])
    assert re.fullmatch(rf"{re.escape(str(path))}:3: is not well-formed XML: .+", str(caught.value))
    with pytest.raises(InputError, match="cannot be read"):
        read_onix([tmp_path / "missing.xml"])


@pytest.mark.parametrize(
    ("name", "advice"),
    [
        ("eacute", 'write "é" or &#233; instead'),
        ("foo", "write the character or its &#number; instead"),
    ],
)
def test_an_entity_without_a_doctype_is_an_error_with_its_line(
    tmp_path: Path, name: str, advice: str
) -> None:
    path = tmp_path / "entity.xml"
    text = onix("onix3_reference.xml").read_text("utf-8")
    index = text.index("<TitleText>") + len("<TitleText>")
    path.write_text(text[:index] + f"&{name};" + text[index:])
    line = text[:index].count("\n") + 1
    result = CliRunner().invoke(cli, ["import", "onix", str(path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: {path}:{line}: is not well-formed XML: &{name}; is an entity no DOCTYPE "
        f"defines; {advice}"
    ]
    assert "Traceback" not in result.output


# Sniffing, tables -------------------------------------------------------------------------------


def test_looks_like_onix() -> None:
    for name in ("onix3_reference.xml", "onix3_short.xml", "onix21.xml", "onix21_short.xml"):
        assert looks_like_onix(onix(name).read_bytes()[:4096])
    assert looks_like_onix("<?xml version='1.0'?><ONIXMessage>".encode("utf-16"))
    assert not looks_like_onix(b"<collection xmlns='http://www.loc.gov/MARC21/slim'>")
    assert not looks_like_onix(SEED_PAGE.read_bytes()[:4096])


def test_short_tags_are_editeurs() -> None:
    """Every short tag in our table is declared with that reference name in EDItEUR's schemas."""
    declared: set[tuple[str, str]] = set()
    for schema in (ONIXCHECK / "schema").rglob("*_short.*"):
        text = schema.read_text("utf-8")
        declared |= {
            (s, r)
            for r, s in re.findall(
                r'refname"[^>]*fixed="([^"]+)"/>\s*<xs:attribute name="shortname"[^>]*fixed="([^"]+)"',
                text,
            )
        }
        declared |= {
            (s, r)
            for r, s in re.findall(
                r"<value>([^<]+)</value></attribute></optional>\s*<optional><attribute name=\"shortname\"><value>([^<]+)</value>",
                text,
            )
        }
    assert len(short_tags()) > 700
    assert set(short_tags().items()) <= declared


@pytest.mark.parametrize(
    ("table", "list_name"),
    [
        (codes.PRODUCT_FORMS, "List150"),
        (codes.CONTRIBUTOR_ROLES, "List17"),
        (codes.NAME_IDS, "List44"),
        (codes.DATE_FORMATS, "List55"),
        (dict.fromkeys(codes.SAME_WORK), "List51"),
        (dict.fromkeys((*codes.DESCRIPTIONS, codes.EXCERPT)), "List153"),
        (codes.TEXT_ITEM_KINDS, "List42"),
    ],
)
def test_code_tables_use_editeurs_codes(table: dict[str, object], list_name: str) -> None:
    schema = etree.parse(str(ONIXCHECK / "schema" / "xsd3.0" / "ONIX_BookProduct_CodeLists.xsd"))
    xs = "{http://www.w3.org/2001/XMLSchema}"
    (simple,) = [t for t in schema.iter(f"{xs}simpleType") if t.get("name") == list_name]
    listed = {e.get("value") for e in simple.iter(f"{xs}enumeration")}
    assert set(table) - {"DG", "DH"} <= listed  # DG, DH: ONIX 2.1's list 7


# The command ------------------------------------------------------------------------------------


def test_cli_writes_records_and_warns(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["import", "onix", str(onix("onix3_reference.xml")), "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "9780000000019.yaml",
        "9780000000040.yaml",
    ]
    assert "Warning: " in result.stderr
    assert "Extent" in result.stderr
    assert "Traceback" not in result.output


def test_cli_strict_fails_with_error_lines() -> None:
    result = CliRunner().invoke(
        cli, ["import", "onix", "--strict", str(onix("onix3_reference.xml"))]
    )
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 11
    assert all(line.startswith("Error: ") for line in lines)
    assert json.dumps(lines[0])  # one line each, no traceback
    assert "Traceback" not in result.output


def test_a_message_without_products_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "header.xml"
    path.write_text(
        '<ONIXMessage release="3.0"><Header><SentDateTime>20240101</SentDateTime></Header></ONIXMessage>'
    )
    result = read_onix([path])
    assert result.books == ()
    assert [w.message for w in result.warnings] == ["holds no Product; nothing imported"]


# Feeds as publishers' systems write them, and bad values in them ----------------------------------


def _message(*products: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<ONIXMessage xmlns="http://ns.editeur.org/onix/3.0/reference" release="3.0">\n'
        + "\n".join(products)
        + "\n</ONIXMessage>\n"
    )


def _product(isbn: str, title: str, form: str = "BC", more: str = "", people: str = "") -> str:
    return (
        "<Product><RecordReference>r</RecordReference><NotificationType>03</NotificationType>\n"
        f"<ProductIdentifier><ProductIDType>15</ProductIDType><IDValue>{isbn}</IDValue>"
        "</ProductIdentifier>\n"
        f"<DescriptiveDetail><ProductComposition>00</ProductComposition><ProductForm>{form}"
        "</ProductForm>\n<TitleDetail><TitleType>01</TitleType><TitleElement>"
        f"<TitleElementLevel>01</TitleElementLevel><TitleText>{title}</TitleText></TitleElement>"
        f"</TitleDetail>\n{people}</DescriptiveDetail>\n{more}</Product>"
    )


def test_isbns_written_with_hyphens_give_the_13_digit_id(tmp_path: Path) -> None:
    # The id was "978-0-8248-2809-7", another IRI than the same book from MUSE or MARC
    related = (
        "<RelatedMaterial><RelatedProduct><ProductRelationCode>06</ProductRelationCode>"
        "<ProductIdentifier><ProductIDType>15</ProductIDType><IDValue>978 0 8248 6203 9"
        "</IDValue></ProductIdentifier></RelatedProduct></RelatedMaterial>"
    )
    path = tmp_path / "hyphens.xml"
    path.write_text(
        _message(
            _product("978-0-8248-2809-7", "Crisis", more=related),
            _product("9780824862039", "Crisis in e", form="ED"),
        )
    )
    result = read_onix([path])
    (book,) = result.books
    assert book.id == "9780824828097"
    assert book_to_dict(book)["isbn"] == [
        {"value": "9780824828097", "format": "paperback"},
        {"value": "9780824862039", "format": "electronic"},
    ]


def test_problems_name_onix_elements_not_record_fields(tmp_path: Path) -> None:
    # "contributors[0].identifiers.orcid" and "isbn[0].value" are no names an ONIX feed has
    person = (
        "<Contributor><ContributorRole>A01</ContributorRole><PersonName>Jane Doe</PersonName>"
        "<NameIdentifier><NameIDType>21</NameIDType><IDValue>0000-0002-1825-0096</IDValue>"
        "</NameIdentifier></Contributor>\n"
    )
    path = tmp_path / "bad.xml"
    path.write_text(_message(_product("9780824828098", "Bad", people=person)))
    path.write_text(path.read_text().replace("<ProductIDType>15", "<ProductIDType>02", 1))
    path.write_text(path.read_text().replace("9780824828098", "082482809X"))
    result = CliRunner().invoke(cli, ["import", "onix", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f'Error: {path}:4: Product/ProductIdentifier: ISBN-10 "082482809X" has a wrong check '
        "digit; check it",
        f"Error: {path}:7: Product/DescriptiveDetail/Contributor: "
        '"0000-0002-1825-0096" is not a valid ORCID iD (0000-0002-1825-0097)',
    ]
    assert not (tmp_path / "out").exists()


def test_the_same_book_twice_is_an_error_naming_the_product(tmp_path: Path) -> None:
    # Two products without an ISBN and of one title, by no one: one id, the title's slug
    path = tmp_path / "twice.xml"
    text = _message(_product("SKU-1", "Same"), _product("SKU-2", "Same"))
    path.write_text(text.replace("<ProductIDType>15", "<ProductIDType>01"))
    with pytest.raises(RecordError) as caught:
        read_onix([path])
    assert [(p.line, p.field, p.message) for p in caught.value.problems] == [
        (9, "Product", '"same" is already the id of another book; give each its own')
    ]


def test_an_impossible_date_or_country_is_reported_not_fatal(tmp_path: Path) -> None:
    # "20241399" became "2024-13-99", refused as a record date with "write YYYY-MM-DD", and
    # CountryCode "ZZZ" made the language "en-ZZZ"; both stopped the whole feed
    more = (
        "<PublishingDetail><PublishingDate><PublishingDateRole>01</PublishingDateRole>"
        "<Date>20241399</Date></PublishingDate></PublishingDetail>"
    )
    language = (
        "<Language><LanguageRole>01</LanguageRole><LanguageCode>eng</LanguageCode>"
        "<CountryCode>ZZZ</CountryCode></Language>\n"
    )
    path = tmp_path / "dates.xml"
    path.write_text(_message(_product("9780824828097", "Dated", more=more, people=language)))
    result = read_onix([path])
    data = book_to_dict(result.books[0])
    assert (data.get("published"), data["language"]) == (None, "en")
    assert [(w.field, w.message) for w in result.warnings] == [
        (
            "Product/PublishingDetail/PublishingDate/Date",
            '"20241399" is not a date in ONIX date format 00; left out',
        ),
        (
            "Product/DescriptiveDetail/Language/CountryCode",
            '"ZZZ" is not an ISO 3166-1 country code; left out',
        ),
    ]


def test_keywords_are_one_subject_each(tmp_path: Path) -> None:
    # Scheme 20 (keywords) puts several in one heading, separated by semicolons: they were
    # one subject "Stalinism; North Korea; 1956"
    subjects = (
        "<Subject><SubjectSchemeIdentifier>20</SubjectSchemeIdentifier>"
        "<SubjectHeadingText>Stalinism; North  Korea;;1956</SubjectHeadingText></Subject>\n"
        "<Subject><SubjectSchemeIdentifier>04</SubjectSchemeIdentifier>"
        "<SubjectHeadingText>Korea (North) -- History; 1948-</SubjectHeadingText></Subject>\n"
    )
    path = tmp_path / "keywords.xml"
    path.write_text(_message(_product("9780824828097", "Keyed", people=subjects)))
    (book,) = read_onix([path]).books
    assert book_to_dict(book)["subjects"] == [
        "Stalinism",
        "North Korea",
        "1956",
        "Korea (North) -- History; 1948-",  # a heading of another scheme stays whole
    ]


def test_html_without_tags_has_its_entities_read(tmp_path: Path) -> None:
    # Escaped or CDATA HTML with references but no tag kept "&amp;" and "&mdash;" as text
    text = (
        "<CollateralDetail><TextContent><TextType>03</TextType><ContentAudience>00"
        '</ContentAudience><Text textformat="02"><![CDATA[Fish &amp; chips &mdash; a '
        "history&nbsp;of Britain\n\nSecond &#233;dition]]></Text></TextContent>"
        "</CollateralDetail>"
    )
    path = tmp_path / "cdata.xml"
    path.write_text(_message(_product("9780824828097", "Fish", more=text)))
    (book,) = read_onix([path]).books
    assert book.description == "Fish & chips — a history of Britain\n\nSecond édition"


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf\n  \n"])
def test_an_empty_file_says_so(tmp_path: Path, content: bytes) -> None:
    # It said "is not well-formed XML: no element found" or "Start tag expected"
    path = tmp_path / "empty.xml"
    path.write_bytes(content)
    result = CliRunner().invoke(cli, ["import", "onix", str(path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"Error: {path}: is empty; export the file again"]


def test_a_huge_text_is_refused_without_lxml_advice(tmp_path: Path) -> None:
    # lxml's own words ended "try XML_PARSE_HUGE", a parser option no user can set
    path = tmp_path / "huge.xml"
    path.write_text(_message(_product("9780824828097", "x" * (11 << 20))))
    with pytest.raises(RecordError) as caught:
        read_onix([path])
    assert str(caught.value) == (
        f"{path}:6: has a text over 10 MB or elements nested over 256 deep, which bookrdf does "
        "not read (they can exhaust memory); check that the file is the export you meant"
    )


def test_a_block_update_is_not_a_whole_book(tmp_path: Path) -> None:
    # NotificationType 04 carries only the blocks that changed: imported alone it made a book
    # without publisher, dates or description, written over the full record
    block = _product("9780824828097", "New title").replace(
        "<NotificationType>03", "<NotificationType>04"
    )
    blocks = "<CollateralDetail/><PublishingDetail/>"  # every block sent under 04, as many do
    whole = _product("9780824862039", "Whole", more=blocks).replace(
        "<NotificationType>03", "<NotificationType>04"
    )
    path = tmp_path / "update.xml"
    path.write_text(_message(block, whole))
    result = read_onix([path])
    assert [book.id for book in result.books] == ["9780824862039"]
    assert [(w.line, w.field, w.message) for w in result.warnings] == [
        (
            3,
            "Product",
            "is a block update (NotificationType 04) without CollateralDetail, "
            "PublishingDetail, which stay as they were; not imported: import the product's "
            "full record (03)",
        )
    ]


@pytest.mark.parametrize("declared", ["ISO-8859-1", "us-ascii", "latin1"])
def test_windows_1252_declared_as_latin1_keeps_its_quotes_and_dashes(
    tmp_path: Path, declared: str
) -> None:
    # Bytes 92 and 97 are ’ and — in Windows-1252, invisible C1 controls in ISO-8859-1: the
    # title was "Caf\x92s" with U+0092 in it, written on into the RDF without a word
    text = _message(_product("9780824828097", "Café’s — cafés")).replace("UTF-8", declared)
    path = tmp_path / "cp1252.xml"
    path.write_bytes(text.encode("cp1252"))
    (book,) = read_onix([path]).books
    assert book.title == "Café’s — cafés"


def test_latin1_stays_latin1_and_utf8_stays_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.xml"
    latin1 = _message(_product("9780824828097", "Café ÿ")).replace("UTF-8", "ISO-8859-1")
    path.write_bytes(latin1.encode("latin-1"))
    assert [b.title for b in read_onix([path]).books] == ["Café ÿ"]
    path.write_bytes(_message(_product("9780824828097", "Café ’")).encode("utf-8"))
    assert [b.title for b in read_onix([path]).books] == ["Café ’"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("<EditionNumber>1</EditionNumber>", "<EditionNumber>2</EditionNumber>"),
        ("", "<EditionNumber>2</EditionNumber>"),
        ("<Collection><CollectionType>10</CollectionType><TitleDetail><TitleType>01</TitleType>"
         "<TitleElement><TitleElementLevel>02</TitleElementLevel><PartNumber>1</PartNumber>"
         "<TitleText>Works</TitleText></TitleElement></TitleDetail></Collection>",
         "<Collection><CollectionType>10</CollectionType><TitleDetail><TitleType>01</TitleType>"
         "<TitleElement><TitleElementLevel>02</TitleElementLevel><PartNumber>2</PartNumber>"
         "<TitleText>Works</TitleText></TitleElement></TitleDetail></Collection>"),
    ],
)  # fmt: skip
def test_other_editions_and_volumes_of_one_title_are_other_books(
    tmp_path: Path, first: str, second: str
) -> None:
    # Same title, people and publisher made one book of the 1st and 2nd editions (and of
    # volumes 1 and 2): the 2nd edition's ISBN was given to the 1st edition's book
    author = (
        "<Contributor><ContributorRole>A01</ContributorRole><PersonName>Jane Doe</PersonName>"
        "</Contributor>"
    )
    path = tmp_path / "editions.xml"
    path.write_text(
        _message(
            _product("9780000000019", "Things", form="BB", people=author + first),
            _product("9780000000026", "Things", form="BB", people=author + second),
        )
    )
    result = read_onix([path])
    assert {book.id: [i["value"] for i in book_to_dict(book)["isbn"]] for book in result.books} == {
        "9780000000019": ["9780000000019"],
        "9780000000026": ["9780000000026"],
    }


@pytest.mark.parametrize(
    "elements",
    [
        "<TitleElement><TitleElementLevel>02</TitleElementLevel><TitleText>Works</TitleText>"
        "</TitleElement><TitleElement><TitleElementLevel>01</TitleElementLevel>"
        "<PartNumber>Volume 2</PartNumber></TitleElement>",
        "<TitleElement><TitleElementLevel>02</TitleElementLevel><PartNumber>Volume 2</PartNumber>"
        "<TitleText>Works</TitleText></TitleElement>",
    ],
)
def test_a_volume_titled_by_its_collection_and_number(tmp_path: Path, elements: str) -> None:
    # The first was refused as a product without a title; the second took the collection's
    # title alone, so every volume of a set had the same title
    product = _product("9780000000019", "Works").replace(
        "<TitleElement><TitleElementLevel>01</TitleElementLevel><TitleText>Works</TitleText>"
        "</TitleElement>",
        elements,
    )
    path = tmp_path / "volume.xml"
    path.write_text(_message(product))
    result = read_onix([path])
    assert [book.title for book in result.books] == ["Works. Volume 2"]
    assert result.warnings == ()


# Contributors that are organisations ------------------------------------------------------------

_ONIX21_SHORT = """<?xml version="1.0" encoding="UTF-8"?>
<ONIXmessage release="2.1"><header><m174>t</m174></header>
<product><a001>r</a001><a002>03</a002>
<productidentifier><b221>15</b221><b244>9780000000088</b244></productidentifier>
<b012>BC</b012><title><b202>01</b202><b203>Annual Report</b203></title>
<contributor><b034>1</b034><b035>A01</b035>{body}</contributor>
<contributor><b034>2</b034><b035>B01</b035><b036>Ana Lima</b036></contributor>
<contributor><b034>3</b034><b035>A01</b035><b037>Consortium, Light</b037></contributor>
</product></ONIXmessage>
"""
_ONIX21_TAGS = {"b034": "SequenceNumber", "b035": "ContributorRole", "b036": "PersonName",
                "b037": "PersonNameInverted", "b047": "CorporateName",
                "x443": "CorporateNameInverted", "a001": "RecordReference",
                "a002": "NotificationType", "b221": "ProductIDType", "b244": "IDValue",
                "b012": "ProductForm", "b202": "TitleType", "b203": "TitleText",
                "m174": "FromCompany", "productidentifier": "ProductIdentifier",
                "contributor": "Contributor", "product": "Product", "title": "Title",
                "header": "Header", "ONIXmessage": "ONIXMessage"}  # fmt: skip


def _onix21(body: str, reference: bool) -> str:
    text = _ONIX21_SHORT.format(body=body)
    return _renamed(text, _ONIX21_TAGS) if reference else text


def _renamed(text: str, names: dict[str, str]) -> str:
    """The XML text with its element names renamed (short tags to reference names, or back)."""
    return re.sub(r"(</?)(\w+)", lambda m: m[1] + names.get(m[2], m[2]), text)


def _onix3(body: str, reference: bool) -> str:
    people = (
        f"<Contributor><SequenceNumber>1</SequenceNumber><ContributorRole>A01</ContributorRole>"
        f"{body}</Contributor><Contributor><SequenceNumber>2</SequenceNumber>"
        "<ContributorRole>B01</ContributorRole><PersonName>Ana Lima</PersonName></Contributor>"
        "<Contributor><SequenceNumber>3</SequenceNumber><ContributorRole>A01</ContributorRole>"
        "<PersonNameInverted>Consortium, Light</PersonNameInverted></Contributor>"
    )
    text = _message(_product("9780000000088", "Annual Report", people=people))
    if not reference:
        shorts = {long: short for short, long in _ONIX21_TAGS.items()} | {
            "ONIXMessage": "ONIXmessage", "DescriptiveDetail": "descriptivedetail",
            "ProductComposition": "x314", "TitleDetail": "titledetail",
            "TitleElement": "titleelement", "TitleElementLevel": "x409",
            "NameIdentifier": "nameidentifier", "NameIDType": "x415",
        }  # fmt: skip
        text = _renamed(text, shorts).replace("3.0/reference", "3.0/short")
    return text


@pytest.mark.parametrize("version", ["3.0", "2.1"])
@pytest.mark.parametrize("reference", [True, False], ids=["reference", "short"])
@pytest.mark.parametrize(
    "body",
    [
        "<CorporateName>World Health Organization</CorporateName>",
        "<CorporateNameInverted>World Health Organization</CorporateNameInverted>",
        "<CorporateName>World Health Organization</CorporateName>"
        "<CorporateNameInverted>Health Organization, World</CorporateNameInverted>",
    ],
    ids=["direct", "inverted", "both"],
)
def test_a_corporate_name_is_an_organisation(
    tmp_path: Path, version: str, reference: bool, body: str
) -> None:
    path = tmp_path / "corporate.xml"
    if not reference:
        body = body.replace("CorporateNameInverted>", "x443>").replace("CorporateName>", "b047>")
    path.write_text((_onix3 if version == "3.0" else _onix21)(body, reference), "utf-8")
    result = read_onix([path])
    (book,) = result.books
    assert [(c.name, c.kind, c.role) for c in book.contributors] == [
        ("World Health Organization", "organization", "author"),
        ("Ana Lima", "person", "editor"),
        ("Light Consortium", "person", "author"),  # a PersonNameInverted stays a person
    ]
    assert (book.contributors[0].given_name, book.contributors[0].family_name) == (None, None)
    assert result.warnings == ()  # both corporate names are read: one body, two spellings
    graph = Graph()
    for triple in to_triples(book):
        graph.add(triple)
    found = graph.query(
        "SELECT ?name ?cls WHERE { ?b <http://purl.org/dc/terms/creator> ?c . "
        "?c a ?cls ; <http://schema.org/name> ?name }"
    )
    types = {str(row[0]): str(row[1]) for row in found}  # type: ignore[index]
    assert types == {
        "World Health Organization": "http://schema.org/Organization",
        "Light Consortium": "http://schema.org/Person",
    }


def test_an_orcid_on_a_corporate_name_is_left_out_with_a_warning(tmp_path: Path) -> None:
    body = (
        "<NameIdentifier><NameIDType>21</NameIDType><IDValue>0000-0002-1825-0097</IDValue>"
        "</NameIdentifier><NameIdentifier><NameIDType>16</NameIDType>"
        "<IDValue>0000000121032683</IDValue></NameIdentifier>"
        "<CorporateName>World Health Organization</CorporateName>"
    )
    path = tmp_path / "corporate.xml"
    path.write_text(_onix3(body, reference=True), "utf-8")
    result = read_onix([path])
    (book,) = result.books
    assert book.contributors[0].kind == "organization"
    assert (book.contributors[0].identifiers.isni, book.contributors[0].identifiers.orcid) == (
        "0000000121032683",
        None,
    )
    assert [w.message for w in result.warnings if "ORCID" in w.message] != []
