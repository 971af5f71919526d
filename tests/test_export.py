"""RDF -> records: record -> RDF -> record keeps every field; files, stores, bases, the CLI."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import assume, given
from hypothesis import strategies as st
from rdflib import URIRef

from bookrdf.cli import cli
from bookrdf.errors import InputError
from bookrdf.export import books_from_rdf, books_from_store
from bookrdf.mapping import map_book, person_iri
from bookrdf.model import Book, Chapter, book_to_dict, told_kind
from bookrdf.publish import book_document
from bookrdf.records import parse_record, read_records
from bookrdf.vocab import BOOKRDF, KINDS, Minter
from tests.conftest import SEED_RECORD
from tests.test_properties import BOOK_ID, PAGES, PROPERTY_SETTINGS, TEXT

BASE = "https://data.press.example/"
# Text as a record holds it after parsing: words separated by single spaces.
WORDS = TEXT.map(lambda s: " ".join(s.split())).filter(bool)
IDENTIFIERS = st.fixed_dictionaries(
    {},
    optional={
        "orcid": st.sampled_from(["0000-0002-1825-0097", "0000-0002-1694-233X"]),
        "isni": st.just("0000000121032683"),
        "viaf": st.just("12345"),
        "wikidata": st.just("Q42"),
    },
)
ROLE = st.sampled_from(["author", "editor", "translator", "contributor"])
# An organisation has no name parts and no ORCID iD (a person's).
ORGANIZATION = st.fixed_dictionaries(
    {"name": TEXT, "role": ROLE, "kind": st.just("organization")},
    optional={
        "identifiers": st.fixed_dictionaries(
            {}, optional={"isni": st.just("0000000121032683"), "wikidata": st.just("Q7817")}
        )
    },
)
PERSON = st.one_of(
    st.fixed_dictionaries(
        {"name": TEXT, "role": ROLE},
        optional={"given_name": TEXT, "family_name": TEXT, "identifiers": IDENTIFIERS},
    ),
    ORGANIZATION,
)
KIND = st.sampled_from(list(KINDS))
CHAPTER = st.fixed_dictionaries(
    {},
    optional={
        "label": st.one_of(st.integers(1, 30).map(str), TEXT),
        "title": TEXT,
        "kind": KIND,
        "pages": PAGES,
        "contributors": st.lists(PERSON, max_size=3),
        "pdf": st.fixed_dictionaries(
            {},
            optional={
                "size": st.sampled_from(["99.7 KB", "9.7 MB"]),
                "url": st.just("https://press.example/c.pdf"),
            },
        ),
        "excerpt": TEXT,
        "doi": st.sampled_from(["10.1515/9780824862039-004", "10.1000/a(b)c"]),
    },
)
RECORD: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {"id": BOOK_ID, "title": TEXT},
    optional={
        "subtitle": TEXT,
        "contributors": st.lists(PERSON, max_size=5),
        "publisher": st.fixed_dictionaries({"name": TEXT}, optional={"place": TEXT}),
        "published": st.sampled_from(["1999", "2005-03", "2020-02-29"]),
        "language": st.sampled_from(["en", "ko", "pt-BR", "zh-Hant"]),
        "description": TEXT,
        # unique: a record listing an ISBN twice is refused
        "isbn": st.lists(
            st.fixed_dictionaries(
                {"value": st.sampled_from(["9780824828097", "9780824862039", "9781925550016"])},
                optional={
                    "format": st.sampled_from(["print", "electronic", "hardcover", "paperback"])
                },
            ),
            max_size=3,
            unique_by=lambda isbn: isbn["value"],
        ),
        "doi": st.just("10.1515/9780824862039"),
        "url": st.just("https://press.example/books/b?x=1"),
        "subjects": st.lists(
            st.one_of(WORDS, st.just("http://id.loc.gov/authorities/subjects/sh85073175")),
            max_size=4,
        ),
        "license": st.sampled_from(["CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/"]),
        "chapters": st.lists(CHAPTER, max_size=8),
    },
)


def exported(book: Book, minter: Minter | None = None) -> Book:
    """A book mapped to RDF, loaded into a store and read back."""
    minter = minter or Minter(BASE)
    store = ox.Store()
    store.load(book_document(map_book(book, minter), "nt"), format=ox.RdfFormat.N_TRIPLES)
    (back,) = books_from_store(store, minter)
    return back


def _one_person_one_description(book: Book) -> bool:
    """People who get one IRI (the same identifier, or the same name within the book) are one
    node: their names and identifiers merge, and one person listed twice by one book or chapter
    in two roles cannot be told apart. Records that do either are not round-trip material."""
    seen: dict[URIRef, Any] = {}
    owners: list[Book | Chapter] = [book, *book.chapters]
    for owner in owners:
        iris = [person_iri(Minter(BASE), book.id, person) for person in owner.contributors]
        if len(set(iris)) < len(iris):
            return False
        for iri, person in zip(iris, owner.contributors, strict=True):
            description = replace(person, role="author")
            if seen.setdefault(iri, description) != description:
                return False
    return True


def _kind_not_told_twice(book: Book) -> bool:
    """A kind the record states that its label or title names already ("kind: notes" on an entry
    titled "Notes") is one fact said twice: the RDF says it once, and it comes back as named."""
    return not any(
        chapter.kind
        and chapter.kind == told_kind(Chapter(label=chapter.label, title=chapter.title))
        for chapter in book.chapters
    )


@PROPERTY_SETTINGS
@given(RECORD)
def test_record_to_rdf_to_record_keeps_every_field(record: dict[str, Any]) -> None:
    book = parse_record(record, "generated")
    assume(_one_person_one_description(book) and _kind_not_told_twice(book))
    assert book_to_dict(exported(book)) == book_to_dict(book)


def test_the_seed_comes_back_field_for_field() -> None:
    book = next(read_records(SEED_RECORD))
    # electronic before print, and print as a format: both come back
    assert book_to_dict(book)["isbn"] == [
        {"value": "9780824862039", "format": "electronic"},
        {"value": "9780824828097", "format": "print"},
    ]
    assert book_to_dict(exported(book)) == book_to_dict(book)


def test_roles_across_lists_and_isbns_and_subjects_keep_the_record_order() -> None:
    record = {
        "id": "b",
        "title": "T",
        "contributors": [
            {"name": "Tess Translator", "role": "translator"},
            {"name": "Ed Editor", "role": "editor"},
            {"name": "Ann Author"},
            {"name": "Cy Contributor", "role": "contributor"},
            {"name": "Bo Author"},
        ],
        "isbn": [{"value": "9781925550016"}, {"value": "9780824828097", "format": "print"}],
        "subjects": ["Zoology", "http://id.loc.gov/authorities/subjects/sh85073175", "Art"],
        "chapters": [{"contributors": [{"name": "Ed Editor", "role": "editor"}, {"name": "A"}]}],
    }
    book = parse_record(record, "test")
    assert book_to_dict(exported(book)) == book_to_dict(book)


def test_rdf_without_the_orders_comes_back_in_the_canonical_order() -> None:
    """RDF written before bookrdf kept these orders: by role list, ISBNs and subjects sorted."""
    book = parse_record(
        {
            "id": "b",
            "title": "T",
            "contributors": [{"name": "Ed", "role": "editor"}, {"name": "Ann"}],
            "isbn": [{"value": "9781925550016"}, {"value": "9780824828097"}],
            "subjects": ["Zoology", "Art"],
        },
        "test",
    )
    minter = Minter(BASE)
    store = ox.Store()
    store.load(book_document(map_book(book, minter), "nt"), format=ox.RdfFormat.N_TRIPLES)
    for predicate in ("contributorsInOrder", "editionListItem", "subjectListItem"):
        for quad in list(store.quads_for_pattern(None, ox.NamedNode(BOOKRDF[predicate]), None)):
            store.remove(quad)
    (back,) = books_from_store(store, minter)
    assert [(p.name, p.role) for p in back.contributors] == [("Ann", "author"), ("Ed", "editor")]
    assert [isbn.value for isbn in back.isbns] == ["9780824828097", "9781925550016"]
    assert back.subjects == ("Art", "Zoology")


@pytest.mark.parametrize(
    ("chapter", "kind"),
    [
        ({"label": "1", "title": "Beginnings"}, None),  # doco:Chapter, told by the label
        ({"title": "Introduction"}, None),  # told by the title
        ({"title": "Title Page, Copyright"}, None),  # bookrdf:TitlePage, told by the title
        ({"title": "Notes"}, None),  # bookrdf:Notes, told by the title
        ({"title": "Sources", "kind": "bibliography"}, "bibliography"),
        ({"label": "1", "title": "Why", "kind": "introduction"}, "introduction"),
        ({"title": "Maps", "kind": "front-matter"}, "front-matter"),
        ({"title": "Maps", "kind": "title-page"}, "title-page"),  # a subclass of FrontMatter
        ({"title": "Title Page", "kind": "front-matter"}, "front-matter"),  # not the subclass
        ({"title": "Endnotes and more", "kind": "notes"}, "notes"),  # a subclass of BackMatter
        ({"title": "Notes", "kind": "back-matter"}, "back-matter"),
        ({"pages": "vii-xii"}, None),  # inferred front matter is no kind
    ],
)
def test_kinds_come_back_only_when_the_record_told_them(
    chapter: dict[str, Any], kind: str | None
) -> None:
    book = parse_record({"id": "b", "title": "T", "chapters": [chapter]}, "test")
    assert exported(book).chapters[0].kind == kind


def _publish(tmp_path: Path, *records: Path, fmt: str, out_name: str = "out") -> Path:
    out = tmp_path / out_name
    args = ["publish", *map(str, records), "--out", str(out), "-f", fmt, "--no-validate"]
    result = CliRunner().invoke(cli, [*args, "--base", BASE])
    assert result.exit_code == 0, result.output
    return next(out.glob(f"books.{fmt}"))


@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "jsonld"])
def test_published_files_come_back_as_the_records(tmp_path: Path, fmt: str) -> None:
    press = tmp_path / "press.yaml"
    press.write_text(
        "id: voices\ntitle: Voices\ncontributors:\n- {name: Jiyoung Kim, role: editor}\n"
        "- {name: Anna Lee}\nchapters:\n- {title: Beginnings, contributors: [{name: Anna Lee}]}\n",
        "utf-8",
    )
    published = _publish(tmp_path, SEED_RECORD, press, fmt=fmt)
    books = list(books_from_rdf([published], Minter(BASE)))
    assert [b.id for b in books] == ["crisis-in-north-korea", "voices"]
    assert book_to_dict(books[0]) == book_to_dict(next(read_records(SEED_RECORD)))
    # the editor named before the author comes back first
    assert book_to_dict(books[1]) == book_to_dict(next(read_records(press)))


def test_a_store_comes_back_and_the_cli_writes_records(tmp_path: Path) -> None:
    store = tmp_path / "store"
    loaded = CliRunner().invoke(
        cli, ["load", str(SEED_RECORD), "--store", str(store), "--no-validate", "--base", BASE]
    )
    assert loaded.exit_code == 0, loaded.output
    out = tmp_path / "records"
    result = CliRunner().invoke(
        cli, ["export", "records", "--store", str(store), "-o", str(out), "--base", BASE]
    )
    assert result.exit_code == 0, result.output
    written = yaml.safe_load((out / "crisis-in-north-korea.yaml").read_text("utf-8"))
    assert written["title"] == "Crisis in North Korea"
    assert len(written["chapters"]) == 20


def test_the_cli_prints_records_from_rdf_files(tmp_path: Path) -> None:
    published = _publish(tmp_path, SEED_RECORD, fmt="ttl")
    result = CliRunner().invoke(cli, ["export", "records", str(published), "--base", BASE])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.stdout)["id"] == "crisis-in-north-korea"


def test_another_base_finds_no_book(tmp_path: Path) -> None:
    published = _publish(tmp_path, SEED_RECORD, fmt="nt")
    with pytest.raises(InputError, match=r"holds no book under https://example\.org/bookrdf/book/"):
        list(books_from_rdf([published], Minter()))
    result = CliRunner().invoke(cli, ["export", "records", str(published)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {published}: holds no book under https://example.org/bookrdf/book/; give the "
        "--base IRI the books were published with\n"
    )


@pytest.mark.parametrize(
    "args",
    [["export", "records"], ["export", "records", "x.ttl", "--store", "s"]],
)
def test_the_cli_wants_files_or_a_store(args: list[str]) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "give RDF files or --store DIR (one of the two)" in result.stderr


def test_each_book_comes_back_from_its_own_graph(tmp_path: Path) -> None:
    """Books that share a node (a publisher by name, an edition by ISBN) keep their own facts in
    their own graphs of N-Quads dumps or a store; the union holds both books' values. (One run
    refuses two books of one ISBN: here each is published alone, as two releases would be.)"""
    for book_id, place, fmt in (("a", "Oxford", "print"), ("b", "New York", "electronic")):
        (tmp_path / f"{book_id}.yaml").write_text(
            f"id: {book_id}\ntitle: Book {book_id}\npublisher: {{name: Oxford UP, place: {place}}}\n"
            f"isbn: [{{value: '9780306406157', format: {fmt}}}]\n",
            "utf-8",
        )
    published = [_publish(tmp_path, tmp_path / f"{n}.yaml", fmt="nq", out_name=n) for n in "ab"]
    union = ox.Store()
    for dump in published:
        union.load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    places = "SELECT DISTINCT ?place WHERE { ?org <http://schema.org/location> ?place }"
    # the union: both books' places on one organisation
    found = union.query(places, use_default_graph_as_union=True)
    assert isinstance(found, ox.QuerySolutions)
    assert len(list(found)) == 2
    books = {b.id: b for b in books_from_rdf(published, Minter(BASE))}
    places_back = {k: b.publisher.place if b.publisher else None for k, b in books.items()}
    assert places_back == {"a": "Oxford", "b": "New York"}
    assert [i.format for i in books["a"].isbns] == ["print"]
    assert [i.format for i in books["b"].isbns] == ["electronic"]


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_organisations_come_back_as_organisations(tmp_path: Path, fmt: str) -> None:
    report = tmp_path / "report.yaml"
    report.write_text(
        "id: report\ntitle: Annual Report\ncontributors:\n"
        "- {name: World Health Organization, kind: organization, identifiers: {isni: '0000000121032683'}}\n"
        "- {name: Jane Doe, role: editor}\n"
        "chapters:\n- {title: One, contributors: [{name: Working Group 3, kind: organization}]}\n",
        "utf-8",
    )
    published = _publish(tmp_path, report, fmt=fmt)
    (book,) = books_from_rdf([published], Minter(BASE))
    assert book_to_dict(book) == book_to_dict(next(read_records(report)))
    assert [c.kind for c in book.contributors] == ["organization", "person"]
    assert [c.kind for c in book.chapters[0].contributors] == ["organization"]
