"""Validation of mapped books: every constraint broken once and satisfied once, and the reports."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.extras.shacl import parse_shacl_path
from rdflib.namespace import DCTERMS, OWL, RDF, SH, XSD
from rdflib.term import Node
from rich.text import Text

from bookrdf.cli import cli
from bookrdf.errors import ShapesError
from bookrdf.mapping import BookGraph, Triple, map_book, to_triples
from bookrdf.records import parse_record, read_records
from bookrdf.validation import (
    BookReport,
    ValidationResult,
    Validator,
    load_shapes,
    render_text,
    report_graph,
    report_json,
    reports_by_book,
    validate_graph,
)
from bookrdf.validation.locate import Locator
from bookrdf.validation.shapes import SHAPES_NS
from bookrdf.vocab import BIBO, BOOKRDF, DOCO, SCHEMA, Minter

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
MINTER = Minter()
WORK = str(MINTER.work("full"))
OTHER_WORK = str(MINTER.work("other"))
PRINT = str(MINTER.edition("9780824828097"))
EBOOK = str(MINTER.edition("9780824862039"))
ADA = str(MINTER.person("full", "orcid:0000-0002-1825-0097"))
BO = str(MINTER.person("full", "isni:0000000121032683"))
DI = str(MINTER.person("full", "wikidata:Q42"))
ORG = str(MINTER.organization("Example Press", "Honolulu"))
# A contributor that is an organisation, identified by its Wikidata item.
BODY = str(MINTER.contributor_organization("full", "wikidata:Q7817"))
CELL = f"{WORK}/authors/1"
UNTYPED = "https://example.org/elsewhere/thing"


def chapter(position: int) -> str:
    return f"{WORK}/chapter/{position}"


PDF = f"{chapter(2)}/pdf"

# A record that fills every field the mapping knows, so every shape has something to check.
FULL: dict[str, Any] = {
    "id": "full",
    "title": "A Full Book",
    "subtitle": "With Every Field",
    "contributors": [
        {"name": "Ada Author", "identifiers": {"orcid": "0000-0002-1825-0097"}},
        {
            "name": "Bo Writer",
            "given_name": "Bo",
            "family_name": "Writer",
            "identifiers": {"isni": "0000000121032683"},
        },
        {"name": "Cy Editor", "role": "editor", "identifiers": {"viaf": "102333412"}},
        {"name": "Di Translator", "role": "translator", "identifiers": {"wikidata": "Q42"}},
        {
            "name": "Ed Helper",
            "role": "contributor",
            "identifiers": {"orcid": "0000-0002-1694-233X"},
        },
        {
            "name": "World Health Organization",
            "kind": "organization",
            "role": "contributor",
            "identifiers": {"wikidata": "Q7817"},
        },
    ],
    "publisher": {"name": "Example Press", "place": "Honolulu"},
    "published": "2005-03",
    "language": "en",
    "description": "What the book is about.",
    "isbn": [
        {"value": "9780824828097", "format": "print"},
        {"value": "9780824862039", "format": "electronic"},
    ],
    "doi": "10.1515/9780824862039",
    "url": "https://example.org/full",
    "subjects": ["History", "http://id.loc.gov/authorities/subjects/sh85061212"],
    "license": "https://creativecommons.org/licenses/by/4.0/",
    "chapters": [
        {"title": "Preface", "kind": "preface", "pages": "vii-xii", "excerpt": "It began."},
        {
            "label": "1",
            "title": "One",
            "pages": "1-20",
            "contributors": [{"name": "Bo Writer", "identifiers": {"isni": "0000000121032683"}}],
            "pdf": {"size": "99.7 KB", "url": "https://example.org/full/1.pdf"},
            "doi": "10.1515/9780824862039-002",
            "excerpt": "First words.",
        },
        {"label": "2", "title": "Two", "pages": "21-40"},
        {"title": "Afterthoughts", "pages": "41-50"},
    ],
}


def Mapped(book_id: str, triples: Sequence[Triple]) -> BookGraph:  # noqa: N802
    """A mapped book made of given triples (which may break the mapping's own rules)."""
    return BookGraph(book_id, MINTER.work(book_id), MINTER.graph(book_id), triples)


GraphEdit = Callable[[Graph], None]
RecordEdit = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class Change:
    """A change to the full record before mapping, then to its graph."""

    record: RecordEdit | None = None
    graph: tuple[GraphEdit, ...] = ()


def on_record(edit: RecordEdit) -> Change:
    return Change(record=edit)


def on_graph(*edits: GraphEdit) -> Change:
    return Change(graph=edits)


def add(subject: str, predicate: URIRef, obj: Node) -> GraphEdit:
    def edit(graph: Graph) -> None:
        graph.add((URIRef(subject), predicate, obj))

    return edit


def drop(subject: str, predicate: URIRef, obj: Node | None = None) -> GraphEdit:
    def edit(graph: Graph) -> None:
        graph.remove((URIRef(subject), predicate, obj))

    return edit


def put(subject: str, predicate: URIRef, obj: Node) -> GraphEdit:
    def edit(graph: Graph) -> None:
        graph.remove((URIRef(subject), predicate, None))
        graph.add((URIRef(subject), predicate, obj))

    return edit


def set_field(path: str, value: Any) -> RecordEdit:
    """Set (or, with None, delete) a record field given as 'chapters.1.pages'."""

    def edit(record: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = record
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if value is None:
            del node[last]
        else:
            node[last] = value

    return edit


def U(iri: str) -> URIRef:  # noqa: N802 - reads like a term constructor
    return URIRef(iri)


@dataclass(frozen=True)
class Case:
    """One constraint of one shape, a change that breaks it, and optionally one that does not."""

    shape: str
    constraint: str
    focus: str
    bad: Change
    good: Change | None = None
    severity: str = "violation"
    message: str | None = None
    value: str | None = None

    @property
    def component(self) -> str:
        return f"{self.constraint}ConstraintComponent"


def case_id(case: Case) -> str:
    return f"{case.shape}-{case.constraint}"


TITLE_MISSING = (
    "The book has no title (dcterms:title); give the title as printed on the title page."
)
UNTITLED = (
    "This entry has no title; add it if the printed contents give one "
    "(untitled entries are kept, never invented)."
)
NO_PAGES = "This entry has no pages; add them if the printed contents give them."
NO_ID = (
    "This person has no ORCID, ISNI, VIAF or Wikidata identifier; "
    "add one so namesakes can be told apart."
)


def order(position: int, pages: str) -> str:
    return f"Entry {position} (pages {pages}) starts after it ends; write its pages as first-last."


def overlap(position: int, pages: str, other: int, other_pages: str) -> str:
    return (
        f"Entry {position} (pages {pages}) overlaps entry {other} (pages {other_pages}); "
        "check both page ranges."
    )


def check_digit(isbn: str, expected: str) -> str:
    return (
        f"ISBN {isbn} has a wrong check digit (expected {expected}); "
        "check the ISBN against the book's copyright page."
    )


def bad_date(text: str, datatype: URIRef | None) -> Change:
    return on_graph(put(WORK, DCTERMS.issued, Literal(text, datatype=datatype)))


PERSON_WITHOUT_ID = str(MINTER.person("full", "ada-author"))
CH1, CH2, CH3, CH4 = (chapter(n) for n in (1, 2, 3, 4))
# The full record's two ISBNs (print, electronic) and two subjects (text, IRI) in their order.
EDITION_ITEM, EBOOK_ITEM = f"{WORK}/editions/1", f"{WORK}/editions/2"
SUBJECT_ITEM, HEADING_ITEM = f"{WORK}/subjects/1", f"{WORK}/subjects/2"


def kind_then(kind: str, *edits: GraphEdit) -> Change:
    """The fourth entry given a kind in the record, then its graph changed."""
    return Change(record=set_field("chapters.3.kind", kind), graph=edits)


CASES: list[Case] = [
    # --- the work -------------------------------------------------------------------------
    Case("WorkTitleShape", "MinCount", WORK, on_graph(drop(WORK, DCTERMS.title)), message=TITLE_MISSING),
    Case("BookTitleShape", "MaxCount", WORK, on_graph(add(WORK, DCTERMS.title, Literal("Again", lang="en")))),
    Case("BookTitleShape", "Or", WORK, on_graph(put(WORK, DCTERMS.title, Literal(5))),
         good=on_graph(put(WORK, DCTERMS.title, Literal("A plain title")))),
    Case("BookNameShape", "MinCount", WORK, on_graph(drop(WORK, SCHEMA.name))),
    Case("BookNameShape", "MinCount", PRINT, on_graph(drop(PRINT, SCHEMA.name))),
    Case("BookNameShape", "MaxCount", WORK, on_graph(add(WORK, SCHEMA.name, Literal("Again", lang="en")))),
    Case("BookNameShape", "Or", WORK, on_graph(put(WORK, SCHEMA.name, Literal(5)))),
    Case("WorkSubtitleShape", "MaxCount", WORK, on_graph(add(WORK, SCHEMA.alternativeHeadline, Literal("Again")))),
    Case("WorkSubtitleShape", "Or", WORK, on_graph(put(WORK, SCHEMA.alternativeHeadline, Literal(5)))),
    Case("WorkFullTitleShape", "MaxCount", WORK, on_graph(add(WORK, DCTERMS.alternative, Literal("Again")))),
    Case("WorkFullTitleShape", "Or", WORK, on_graph(put(WORK, DCTERMS.alternative, Literal(5)))),
    Case("WorkPublisherShape", "MaxCount", WORK, on_graph(add(WORK, DCTERMS.publisher, U(UNTYPED)))),
    Case("WorkPublisherShape", "NodeKind", WORK, on_graph(put(WORK, DCTERMS.publisher, Literal("Example Press")))),
    Case("WorkPublisherShape", "Class", WORK, on_graph(put(WORK, DCTERMS.publisher, U(UNTYPED)))),
    Case("WorkSchemaPublisherShape", "Equals", WORK, on_graph(put(WORK, SCHEMA.publisher, U(UNTYPED)))),
    Case("WorkIssuedShape", "MaxCount", WORK, on_graph(add(WORK, DCTERMS.issued, Literal("2006", datatype=XSD.gYear)))),
    Case("WorkIssuedShape", "Or", WORK, bad_date("2005-13", XSD.gYearMonth),
         good=on_record(set_field("published", "2005-03-14"))),
    Case("WorkIssuedShape", "Or", WORK, bad_date("2005-02-30", XSD.date),
         good=on_record(set_field("published", "2005"))),
    Case("WorkIssuedShape", "Or", WORK, bad_date("05", XSD.gYear), good=bad_date("2005", XSD.gYear)),
    Case("WorkIssuedShape", "Or", WORK, bad_date("2005", None), good=bad_date("2005-12", XSD.gYearMonth)),
    Case("WorkIssuedShape", "Or", WORK, bad_date("2005-03-14T10:00:00", XSD.dateTime),
         good=bad_date("2004-02-29", XSD.date)),
    Case("WorkDatePublishedShape", "Equals", WORK,
         on_graph(put(WORK, SCHEMA.datePublished, Literal("2006", datatype=XSD.gYear)))),
    Case("WorkLanguageShape", "MaxCount", WORK,
         on_graph(add(WORK, DCTERMS.language, Literal("fr", datatype=DCTERMS.RFC5646)))),
    Case("WorkLanguageShape", "Datatype", WORK, on_graph(put(WORK, DCTERMS.language, Literal("en")))),
    Case("WorkLanguageShape", "Pattern", WORK,
         on_graph(put(WORK, DCTERMS.language, Literal("English", datatype=DCTERMS.RFC5646))),
         good=on_record(set_field("language", "pt-BR"))),
    Case("WorkInLanguageShape", "MaxCount", WORK, on_graph(add(WORK, SCHEMA.inLanguage, Literal("fr")))),
    Case("WorkInLanguageShape", "Datatype", WORK, on_graph(put(WORK, SCHEMA.inLanguage, Literal("en", lang="en")))),
    Case("WorkInLanguageShape", "Pattern", WORK, on_graph(put(WORK, SCHEMA.inLanguage, Literal("en_GB!")))),
    Case("WorkDescriptionShape", "MaxCount", WORK, on_graph(add(WORK, DCTERMS.description, Literal("More")))),
    Case("WorkDescriptionShape", "NodeKind", WORK, on_graph(put(WORK, DCTERMS.description, U(UNTYPED)))),
    Case("WorkSchemaDescriptionShape", "Equals", WORK, on_graph(put(WORK, SCHEMA.description, Literal("Other")))),
    Case("WorkUrlShape", "MaxCount", WORK, on_graph(add(WORK, SCHEMA.url, U("https://example.org/full2")))),
    Case("WorkUrlShape", "NodeKind", WORK, on_graph(put(WORK, SCHEMA.url, Literal("https://example.org/full")))),
    Case("WorkSubjectShape", "Or", WORK, on_graph(add(WORK, DCTERMS.subject, Literal(5)))),
    Case("WorkKeywordsShape", "NodeKind", WORK, on_graph(add(WORK, SCHEMA.keywords, U(UNTYPED)))),
    Case("WorkAboutShape", "NodeKind", WORK, on_graph(add(WORK, SCHEMA.about, Literal("History")))),
    Case("WorkLicenseShape", "MaxCount", WORK, on_graph(add(WORK, DCTERMS.license, U(UNTYPED)))),
    Case("WorkLicenseShape", "NodeKind", WORK, on_graph(put(WORK, DCTERMS.license, Literal("CC-BY-4.0")))),
    Case("WorkSchemaLicenseShape", "Equals", WORK, on_graph(put(WORK, SCHEMA.license, U(UNTYPED)))),
    Case("WorkPartsShape", "NodeKind", WORK, on_graph(add(WORK, DCTERMS.hasPart, Literal("Preface")))),
    Case("WorkPartsShape", "Class", WORK, on_graph(add(WORK, DCTERMS.hasPart, U(UNTYPED)))),
    Case("WorkSchemaPartsShape", "Equals", WORK, on_graph(drop(WORK, SCHEMA.hasPart, U(CH2)))),
    Case("WorkEditionsShape", "NodeKind", WORK, on_graph(add(WORK, SCHEMA.workExample, Literal("9780824828097")))),
    Case("WorkEditionsShape", "Class", WORK, on_graph(add(WORK, SCHEMA.workExample, U(UNTYPED)))),
    Case("WorkFormatsShape", "Equals", WORK, on_graph(drop(WORK, DCTERMS.hasFormat, U(EBOOK)))),
    Case("WorkEditionItemShape", "NodeKind", WORK, on_graph(add(WORK, BOOKRDF.editionListItem, BNode()))),
    Case("WorkEditionItemShape", "Class", WORK, on_graph(add(WORK, BOOKRDF.editionListItem, U(UNTYPED)))),
    Case("EditionItemsShape", "Equals", WORK,
         on_graph(put(EBOOK_ITEM, SCHEMA.item, U(str(MINTER.edition("9781925550016"))))),
         good=on_record(set_field("isbn", [{"value": "9780824828097"}]))),
    Case("WorkSubjectItemShape", "NodeKind", WORK, on_graph(add(WORK, BOOKRDF.subjectListItem, BNode()))),
    Case("WorkSubjectItemShape", "Class", WORK, on_graph(add(WORK, BOOKRDF.subjectListItem, U(UNTYPED)))),
    Case("SubjectItemsShape", "Equals", WORK, on_graph(drop(WORK, SCHEMA.about))),
    Case("SubjectKeywordItemsShape", "Equals", WORK,
         on_graph(put(SUBJECT_ITEM, SCHEMA.name, Literal("Histoire", lang="fr"))),
         good=on_record(set_field("subjects", ["http://id.loc.gov/authorities/subjects/sh85061212", "History"]))),
    Case("IdentifierShape", "NodeKind", WORK, on_graph(put(WORK, DCTERMS.identifier, U(UNTYPED)))),
    Case("IdentifierShape", "Datatype", WORK, on_graph(put(WORK, DCTERMS.identifier, Literal("x", lang="en")))),
    Case("SchemaIdentifierShape", "NodeKind", WORK, on_graph(put(WORK, SCHEMA.identifier, U(UNTYPED)))),
    Case("SchemaIdentifierShape", "Datatype", WORK,
         on_graph(put(WORK, SCHEMA.identifier, Literal("1", datatype=XSD.integer)))),
    Case("WorkHasLanguageShape", "MinCount", WORK, on_record(set_field("language", None)), severity="warning",
         message='The book has no language; add one (a BCP 47 tag such as "en").'),
    Case("WorkHasDescriptionShape", "MinCount", WORK, on_record(set_field("description", None)),
         severity="warning",
         message="The book has no description; add the publisher's blurb or an abstract."),
    Case("WorkHasIsbnShape", "MinCount", WORK, on_record(set_field("isbn", None)), severity="warning",
         message="The book has no ISBN; add the print and e-book ISBN-13s."),
    Case("WorkHasContributorShape", "MinCount", WORK, on_record(set_field("contributors", None)),
         severity="warning",
         message="The book has no author, editor or other contributor; add them as printed on the title page."),
    # --- contributors and their ordered lists (works and chapters) ------------------------
    Case("CreatorShape", "NodeKind", WORK, on_graph(add(WORK, DCTERMS.creator, Literal("Ada")))),
    Case("CreatorShape", "Or", WORK, on_graph(add(WORK, DCTERMS.creator, U(UNTYPED)))),
    Case("AuthorShape", "NodeKind", WORK, on_graph(add(WORK, SCHEMA.author, Literal("Ada")))),
    Case("AuthorShape", "Or", CH2, on_graph(add(CH2, SCHEMA.author, U(UNTYPED)))),
    Case("ContributorShape", "NodeKind", WORK, on_graph(add(WORK, DCTERMS.contributor, Literal("Cy")))),
    Case("ContributorShape", "Or", WORK, on_graph(add(WORK, DCTERMS.contributor, U(UNTYPED)))),
    Case("RoleShape", "NodeKind", WORK, on_graph(add(WORK, SCHEMA.editor, Literal("Cy")))),
    Case("RoleShape", "Or", WORK, on_graph(add(WORK, SCHEMA.translator, U(UNTYPED)))),
    Case("AuthorListShape", "MaxCount", WORK, on_graph(add(WORK, BIBO.authorList, U(f"{WORK}/authors/9")))),
    Case("AuthorListShape", "NodeKind", WORK, on_graph(put(WORK, BIBO.authorList, BNode()))),
    Case("EditorListShape", "MaxCount", WORK, on_graph(add(WORK, BIBO.editorList, U(f"{WORK}/authors/1")))),
    Case("EditorListShape", "NodeKind", WORK, on_graph(put(WORK, BIBO.editorList, BNode()))),
    Case("OtherContributorListShape", "MaxCount", WORK,
         on_graph(add(WORK, BIBO.contributorList, U(f"{WORK}/authors/1")))),
    Case("OtherContributorListShape", "NodeKind", WORK, on_graph(put(WORK, BIBO.contributorList, BNode()))),
    Case("AuthorListCreatorsShape", "Equals", WORK, on_graph(drop(WORK, DCTERMS.creator, U(ADA))), value=ADA,
         good=on_graph(drop(CELL, RDF.first), add(CELL, RDF.first, U(ADA)))),
    Case("AuthorListCreatorsShape", "Equals", CH2, on_graph(drop(CH2, DCTERMS.creator, U(BO))), value=BO),
    Case("AuthorListCreatorsShape", "Equals", WORK, on_graph(put(CELL, RDF.first, U(DI))), value=DI),
    Case("AuthorListAuthorsShape", "Equals", WORK, on_graph(drop(WORK, SCHEMA.author, U(ADA))), value=ADA),
    Case("EditorListEditorsShape", "Equals", WORK, on_graph(add(WORK, SCHEMA.editor, U(ADA))), value=ADA),
    Case("ContributorListContributorsShape", "Equals", WORK, on_graph(drop(WORK, DCTERMS.contributor, U(DI))),
         value=DI),
    Case("ContributorsInOrderShape", "MaxCount", WORK,
         on_graph(add(WORK, BOOKRDF.contributorsInOrder, U(f"{WORK}/authors/1")))),
    Case("ContributorsInOrderShape", "NodeKind", WORK, on_graph(put(WORK, BOOKRDF.contributorsInOrder, BNode()))),
    Case("DoiShape", "MaxCount", WORK, on_graph(add(WORK, BIBO.doi, Literal("10.1515/other")))),
    Case("DoiShape", "Datatype", WORK,
         on_graph(put(WORK, BIBO.doi, Literal("10.1515/9780824862039", datatype=XSD.anyURI)))),
    Case("DoiShape", "Pattern", CH2, on_graph(put(CH2, BIBO.doi, Literal("https://doi.org/10.1515/x")))),
    Case("SameAsShape", "NodeKind", WORK, on_graph(add(WORK, SCHEMA.sameAs, Literal("https://doi.org/x")))),
    # --- the contents, checked once per book with SPARQL ----------------------------------
    Case("ChapterPositionsShape", "SPARQL", WORK, on_graph(put(CH3, SCHEMA.position, Literal(2))), value=CH3,
         message="Position 2 is given to more than one entry of the contents; each entry needs its own position."),
    Case("ChapterPageOrderShape", "SPARQL", WORK, on_record(set_field("chapters.0.pages", "xii-vii")), value=CH1,
         message=order(1, "xii-vii"), good=on_record(set_field("chapters.0.pages", "ix-xc"))),
    Case("ChapterPageOrderShape", "SPARQL", WORK, on_record(set_field("chapters.0.pages", "xc-ix")), value=CH1,
         message=order(1, "xc-ix"), good=on_record(set_field("chapters.0.pages", "XIV-XIX"))),
    Case("ChapterPageOrderShape", "SPARQL", WORK, on_record(set_field("chapters.1.pages", "20-1")), value=CH2,
         message=order(2, "20-1"), good=on_record(set_field("chapters.1.pages", "A3-A1"))),
    Case("ChapterPageOrderShape", "SPARQL", WORK, on_record(set_field("chapters.0.pages", "XII-IX")), value=CH1,
         message=order(1, "XII-IX"), good=on_record(set_field("chapters.0.pages", "xii-3"))),
    Case("ChapterPageOverlapShape", "SPARQL", WORK, on_record(set_field("chapters.2.pages", "15-40")), value=CH3,
         message=overlap(3, "15-40", 2, "1-20"), good=on_record(set_field("chapters.2.pages", "21-40"))),
    Case("ChapterPageOverlapShape", "SPARQL", WORK, on_record(set_field("chapters.2.pages", "20-40")), value=CH3,
         message=overlap(3, "20-40", 2, "1-20"), good=on_record(set_field("chapters.3.pages", "xiii-xx"))),
    Case("ChapterPageOverlapShape", "SPARQL", WORK, on_record(set_field("chapters.3.pages", "x-xiv")), value=CH4,
         message=overlap(4, "x-xiv", 1, "vii-xii"), good=on_record(set_field("chapters.3.pages", "xiii"))),
    Case("ChapterPageOverlapShape", "SPARQL", WORK, on_record(set_field("chapters.3.pages", "xi")), value=CH4,
         message=overlap(4, "xi", 1, "vii-xii"), good=on_record(set_field("chapters.3.pages", "A1-A9"))),
    # an entry that skips pages, with the next entry in the pages it skips: first to last page overlap, no page does
    Case("ChapterPageOverlapShape", "SPARQL", WORK, on_record(set_field("chapters.3.pages", "35-50")), value=CH4,
         message=overlap(4, "35-50", 3, "21-40"), good=on_record(set_field("chapters.2.pages", "21-40, 51-60"))),
    # --- editions -------------------------------------------------------------------------
    Case("IsbnCheckDigitShape", "SPARQL", str(MINTER.edition("9780824828096")),
         on_record(set_field("isbn.0.value", "9780824828096")), value="9780824828096",
         message=check_digit("9780824828096", "7"), good=on_record(set_field("isbn.0.value", "9791234567896"))),
    Case("IsbnCheckDigitShape", "SPARQL", str(MINTER.edition("9791234567890")),
         on_record(set_field("isbn.1.value", "9791234567890")), value="9791234567890",
         message=check_digit("9791234567890", "6")),
    Case("EditionShape", "Class", PRINT, on_graph(drop(PRINT, RDF.type, SCHEMA.Book))),
    Case("EditionWorkShape", "MaxCount", PRINT, on_graph(add(PRINT, SCHEMA.exampleOfWork, U(OTHER_WORK)))),
    Case("EditionWorkShape", "NodeKind", PRINT, on_graph(put(PRINT, SCHEMA.exampleOfWork, Literal("full")))),
    Case("EditionWorkShape", "Class", PRINT, on_graph(put(PRINT, SCHEMA.exampleOfWork, U(UNTYPED)))),
    Case("EditionFormatOfShape", "Equals", PRINT, on_graph(put(PRINT, DCTERMS.isFormatOf, U(OTHER_WORK)))),
    Case("EditionListedShape", "Equals", PRINT, on_graph(drop(WORK, SCHEMA.workExample, U(PRINT)))),
    Case("EditionIsbnShape", "MinCount", PRINT, on_graph(drop(PRINT, SCHEMA.isbn))),
    Case("EditionIsbnShape", "MaxCount", PRINT, on_graph(add(PRINT, SCHEMA.isbn, Literal("9780824862039")))),
    Case("EditionIsbnShape", "Datatype", PRINT, on_graph(put(PRINT, SCHEMA.isbn, Literal(9780824828097)))),
    Case("EditionIsbnShape", "Pattern", PRINT, on_graph(put(PRINT, SCHEMA.isbn, Literal("978-0-8248-2809-7"))),
         value="978-0-8248-2809-7"),
    Case("EditionIsbnShape", "Pattern", PRINT, on_graph(put(PRINT, SCHEMA.isbn, Literal("0824828097"))),
         value="0824828097"),
    Case("EditionIsbn13Shape", "Equals", PRINT, on_graph(put(PRINT, BIBO.isbn13, Literal("9780824862039")))),
    Case("EditionUrnShape", "MinCount", PRINT, on_graph(drop(PRINT, DCTERMS.identifier))),
    Case("EditionUrnShape", "MaxCount", PRINT,
         on_graph(add(PRINT, DCTERMS.identifier, Literal("urn:isbn:9780824862039")))),
    Case("EditionUrnShape", "Pattern", PRINT, on_graph(put(PRINT, DCTERMS.identifier, Literal("isbn:9780824828097")))),
    Case("EditionFormatShape", "MaxCount", EBOOK, on_graph(add(EBOOK, SCHEMA.bookFormat, SCHEMA.Hardcover))),
    Case("EditionFormatShape", "In", EBOOK, on_graph(put(EBOOK, SCHEMA.bookFormat, SCHEMA.MusicRecording)),
         good=on_record(set_field("isbn.0.format", "paperback"))),
    # --- chapters -------------------------------------------------------------------------
    Case("ChapterBookShape", "MinCount", CH2, on_graph(drop(CH2, DCTERMS.isPartOf))),
    Case("ChapterBookShape", "MaxCount", CH2, on_graph(add(CH2, DCTERMS.isPartOf, U(OTHER_WORK)))),
    Case("ChapterBookShape", "NodeKind", CH2, on_graph(put(CH2, DCTERMS.isPartOf, BNode()))),
    Case("ChapterBookShape", "Class", CH2, on_graph(put(CH2, DCTERMS.isPartOf, U(UNTYPED)))),
    Case("ChapterBookIsWorkShape", "MaxCount", CH2, on_graph(put(CH2, DCTERMS.isPartOf, U(PRINT)))),
    Case("ChapterSchemaBookShape", "Equals", CH2, on_graph(put(CH2, SCHEMA.isPartOf, U(OTHER_WORK)))),
    Case("ChapterListedShape", "MinCount", CH2, on_graph(drop(WORK, DCTERMS.hasPart, U(CH2)))),
    Case("ChapterListedShape", "MaxCount", CH2, on_graph(add(OTHER_WORK, DCTERMS.hasPart, U(CH2)))),
    Case("ChapterListedShape", "Equals", CH2,
         on_graph(drop(WORK, DCTERMS.hasPart, U(CH2)), add(OTHER_WORK, DCTERMS.hasPart, U(CH2)))),
    Case("ChapterPositionShape", "MinCount", CH2, on_graph(drop(CH2, SCHEMA.position))),
    Case("ChapterPositionShape", "MaxCount", CH2, on_graph(add(CH2, SCHEMA.position, Literal(7)))),
    Case("ChapterPositionShape", "Datatype", CH2, on_graph(put(CH2, SCHEMA.position, Literal("2")))),
    Case("ChapterPositionShape", "MinInclusive", CH2, on_graph(put(CH2, SCHEMA.position, Literal(0)))),
    Case("ChapterTitleShape", "MaxCount", CH2, on_graph(add(CH2, DCTERMS.title, Literal("Uno", lang="en")))),
    Case("ChapterTitleShape", "Or", CH2, on_graph(put(CH2, DCTERMS.title, Literal(1))),
         good=on_record(set_field("language", None))),
    Case("ChapterNameShape", "Equals", CH2, on_graph(put(CH2, SCHEMA.name, Literal("Uno", lang="en")))),
    Case("ChapterHasTitleShape", "MinCount", CH2, on_record(set_field("chapters.1.title", None)),
         severity="warning", message=UNTITLED),
    Case("ChapterLabelShape", "MaxCount", CH2, on_graph(add(CH2, BOOKRDF.printedLabel, Literal("I")))),
    Case("ChapterLabelShape", "Datatype", CH2, on_graph(put(CH2, BOOKRDF.printedLabel, Literal(1)))),
    Case("ChapterPageStartShape", "MaxCount", CH2, on_graph(add(CH2, SCHEMA.pageStart, Literal("2")))),
    Case("ChapterPageStartShape", "Datatype", CH2, on_graph(put(CH2, SCHEMA.pageStart, Literal(1)))),
    Case("ChapterPageStartShape", "Pattern", CH2, on_graph(put(CH2, SCHEMA.pageStart, Literal("p. 1")))),
    Case("ChapterBiboPageStartShape", "Equals", CH2, on_graph(put(CH2, BIBO.pageStart, Literal("2")))),
    Case("ChapterPageEndShape", "MaxCount", CH2, on_graph(add(CH2, SCHEMA.pageEnd, Literal("21")))),
    Case("ChapterPageEndShape", "Datatype", CH2, on_graph(put(CH2, SCHEMA.pageEnd, Literal(20)))),
    Case("ChapterPageEndShape", "Pattern", CH2, on_graph(put(CH2, SCHEMA.pageEnd, Literal("20ff")))),
    Case("ChapterBiboPageEndShape", "Equals", CH2, on_graph(put(CH2, BIBO.pageEnd, Literal("21")))),
    Case("ChapterPaginationShape", "MaxCount", CH2, on_graph(add(CH2, SCHEMA.pagination, Literal("1-21")))),
    Case("ChapterPaginationShape", "Datatype", CH2, on_graph(put(CH2, SCHEMA.pagination, Literal(1)))),
    Case("ChapterPaginationShape", "Pattern", CH2, on_graph(put(CH2, SCHEMA.pagination, Literal("pp. 1-20")))),
    Case("ChapterPaginationShape", "Pattern", CH2, on_graph(put(CH2, SCHEMA.pagination, Literal("1-20,25-30"))),
         good=on_record(set_field("chapters.1.pages", "1-10, 12-20"))),
    Case("ChapterHasPagesShape", "MinCount", CH2, on_record(set_field("chapters.1.pages", None)),
         severity="info", message=NO_PAGES),
    Case("ChapterKindShape", "MaxCount", CH1, on_graph(add(CH1, DCTERMS.type, DOCO.Index))),
    Case("ChapterKindShape", "In", CH1, on_graph(put(CH1, DCTERMS.type, DOCO.Section)),
         good=on_record(set_field("chapters.0.kind", "dedication"))),
    Case("ChapterSchemaKindShape", "Equals", CH1, on_graph(put(CH1, SCHEMA.additionalType, DOCO.Index))),
    Case("TitlePageKindShape", "MinCount", CH4, kind_then("title-page", drop(CH4, DCTERMS.type)),
         good=on_record(set_field("chapters.3.kind", "title-page"))),
    Case("TitlePageKindShape", "In", CH4, kind_then("title-page", put(CH4, DCTERMS.type, DOCO.BackMatter))),
    Case("NotesKindShape", "MinCount", CH4, kind_then("notes", drop(CH4, DCTERMS.type)),
         good=on_record(set_field("chapters.3.kind", "notes"))),
    Case("NotesKindShape", "In", CH4, kind_then("notes", put(CH4, DCTERMS.type, DOCO.FrontMatter))),
    Case("ChapterMatterShape", "MaxCount", CH4, on_graph(add(CH4, BOOKRDF.inferredMatter, DOCO.FrontMatter))),
    Case("ChapterMatterShape", "In", CH4, on_graph(put(CH4, BOOKRDF.inferredMatter, DOCO.Chapter))),
    Case("ChapterHasKindShape", "MinCount", CH2, on_record(set_field("chapters.1.label", None)), severity="info",
         message="The kind of this entry is unknown; add a kind (such as introduction or notes) if it is not a chapter."),
    Case("ChapterExcerptShape", "MaxCount", CH2, on_graph(add(CH2, DCTERMS.description, Literal("More")))),
    Case("ChapterExcerptShape", "NodeKind", CH2, on_graph(put(CH2, DCTERMS.description, U(UNTYPED)))),
    Case("ChapterSchemaExcerptShape", "Equals", CH2, on_graph(put(CH2, SCHEMA.description, Literal("Other")))),
    Case("ChapterPdfShape", "MaxCount", CH2, on_graph(add(CH2, SCHEMA.encoding, U(f"{CH3}/pdf")))),
    Case("ChapterPdfShape", "NodeKind", CH2, on_graph(put(CH2, SCHEMA.encoding, Literal("1.pdf")))),
    Case("ChapterPdfShape", "Class", CH2, on_graph(put(CH2, SCHEMA.encoding, U(UNTYPED)))),
    # --- people and their ordered lists ---------------------------------------------------
    Case("PersonNameShape", "MinCount", ADA, on_graph(drop(ADA, SCHEMA.name))),
    Case("PersonNameShape", "MaxCount", ADA, on_graph(add(ADA, SCHEMA.name, Literal("A. Author")))),
    Case("PersonNameShape", "NodeKind", ADA, on_graph(put(ADA, SCHEMA.name, U(UNTYPED)))),
    Case("PersonGivenNameShape", "MaxCount", BO, on_graph(add(BO, SCHEMA.givenName, Literal("Robert")))),
    Case("PersonGivenNameShape", "NodeKind", BO, on_graph(put(BO, SCHEMA.givenName, U(UNTYPED)))),
    Case("PersonFamilyNameShape", "MaxCount", BO, on_graph(add(BO, SCHEMA.familyName, Literal("Writes")))),
    Case("PersonFamilyNameShape", "NodeKind", BO, on_graph(put(BO, SCHEMA.familyName, U(UNTYPED)))),
    Case("PersonAlternateNameShape", "NodeKind", ADA, on_graph(add(ADA, SCHEMA.alternateName, U(UNTYPED))),
         good=on_graph(add(ADA, SCHEMA.alternateName, Literal("A. Author")))),
    Case("PersonSameAsShape", "NodeKind", ADA, on_graph(add(ADA, OWL.sameAs, Literal("0000-0002-1825-0097")))),
    Case("PersonSameAsShape", "Pattern", ADA, on_graph(add(ADA, OWL.sameAs, U("https://example.org/ada")))),
    Case("PersonSchemaSameAsShape", "Equals", ADA, on_graph(drop(ADA, SCHEMA.sameAs))),
    Case("PersonHasIdentifierShape", "MinCount", PERSON_WITHOUT_ID,
         on_record(set_field("contributors.0.identifiers", None)), severity="info", message=NO_ID),
    Case("ListCellFirstShape", "MaxCount", CELL, on_graph(add(CELL, RDF.first, U(BO)))),
    Case("ListCellFirstShape", "NodeKind", CELL, on_graph(put(CELL, RDF.first, Literal("Ada")))),
    Case("ListCellFirstShape", "Or", CELL, on_graph(put(CELL, RDF.first, U(UNTYPED)))),
    Case("ListCellRestShape", "MinCount", CELL, on_graph(drop(CELL, RDF.rest))),
    Case("ListCellRestShape", "MaxCount", CELL, on_graph(add(CELL, RDF.rest, RDF.nil))),
    Case("ListCellRestShape", "NodeKind", CELL, on_graph(put(CELL, RDF.rest, BNode()))),
    # --- list items: the order of ISBNs and subjects -------------------------------------
    Case("ListItemListedShape", "MinCount", EDITION_ITEM, on_graph(drop(WORK, BOOKRDF.editionListItem, U(EDITION_ITEM)))),
    Case("ListItemListedShape", "MaxCount", EDITION_ITEM,
         on_graph(add(OTHER_WORK, BOOKRDF.editionListItem, U(EDITION_ITEM)))),
    Case("ListItemPositionShape", "MinCount", EDITION_ITEM, on_graph(drop(EDITION_ITEM, SCHEMA.position))),
    Case("ListItemPositionShape", "MaxCount", EDITION_ITEM, on_graph(add(EDITION_ITEM, SCHEMA.position, Literal(3)))),
    Case("ListItemPositionShape", "Datatype", EDITION_ITEM, on_graph(put(EDITION_ITEM, SCHEMA.position, Literal("1")))),
    Case("ListItemPositionShape", "MinInclusive", EDITION_ITEM,
         on_graph(put(EDITION_ITEM, SCHEMA.position, Literal(0)))),
    Case("ListItemMemberShape", "MinCount", EDITION_ITEM, on_graph(drop(EDITION_ITEM, SCHEMA.item))),
    Case("ListItemMemberShape", "MaxCount", SUBJECT_ITEM, on_graph(add(SUBJECT_ITEM, SCHEMA.item, U(UNTYPED)))),
    Case("ListItemItemShape", "NodeKind", EDITION_ITEM,
         on_graph(put(EDITION_ITEM, SCHEMA.item, Literal("9780824828097")))),
    Case("ListItemNameShape", "Or", SUBJECT_ITEM, on_graph(put(SUBJECT_ITEM, SCHEMA.name, Literal(5))),
         good=on_record(set_field("language", None))),
    # --- the publisher --------------------------------------------------------------------
    Case("OrganizationNameShape", "MinCount", ORG, on_graph(drop(ORG, SCHEMA.name))),
    Case("OrganizationNameShape", "MaxCount", ORG, on_graph(add(ORG, SCHEMA.name, Literal("EP")))),
    Case("OrganizationNameShape", "NodeKind", ORG, on_graph(put(ORG, SCHEMA.name, U(UNTYPED)))),
    Case("OrganizationPlaceShape", "MaxCount", ORG, on_graph(add(ORG, SCHEMA.location, Literal("Paris")))),
    Case("OrganizationPlaceShape", "NodeKind", ORG, on_graph(put(ORG, SCHEMA.location, U(UNTYPED)))),
    # --- a contributor that is an organisation ---------------------------------------------
    Case("OrganizationNameShape", "MaxCount", BODY, on_graph(add(BODY, SCHEMA.name, Literal("WHO")))),
    Case("OrganizationGivenNameShape", "MaxCount", BODY, on_graph(add(BODY, SCHEMA.givenName, Literal("World")))),
    Case("OrganizationFamilyNameShape", "MaxCount", BODY,
         on_graph(add(BODY, SCHEMA.familyName, Literal("Organization")))),
    Case("OrganizationAlternateNameShape", "NodeKind", BODY, on_graph(add(BODY, SCHEMA.alternateName, U(UNTYPED))),
         good=on_graph(add(BODY, SCHEMA.alternateName, Literal("WHO")))),
    Case("OrganizationSameAsShape", "NodeKind", BODY, on_graph(add(BODY, OWL.sameAs, Literal("Q7817")))),
    Case("OrganizationSameAsShape", "Pattern", BODY,
         on_graph(add(BODY, OWL.sameAs, U("https://orcid.org/0000-0002-1825-0097")))),
    Case("OrganizationSchemaSameAsShape", "Equals", BODY, on_graph(drop(BODY, SCHEMA.sameAs))),
    Case("OrganizationNotPersonShape", "Not", BODY, on_graph(add(BODY, RDF.type, SCHEMA.Person))),
    # an organisation is an author as a person is; not when it is neither
    Case("CreatorShape", "Or", WORK,
         Change(set_field("contributors.5.role", "author"), (put(BODY, RDF.type, U(UNTYPED)),)),
         good=on_record(set_field("contributors.5.role", "author"))),
    # --- PDFs -----------------------------------------------------------------------------
    Case("PdfChapterShape", "MinCount", PDF, on_graph(drop(PDF, SCHEMA.encodesCreativeWork))),
    Case("PdfChapterShape", "MaxCount", PDF, on_graph(add(PDF, SCHEMA.encodesCreativeWork, U(CH3)))),
    Case("PdfChapterShape", "NodeKind", PDF, on_graph(put(PDF, SCHEMA.encodesCreativeWork, Literal("One")))),
    Case("PdfChapterShape", "Class", PDF, on_graph(put(PDF, SCHEMA.encodesCreativeWork, U(UNTYPED)))),
    Case("PdfListedShape", "Equals", PDF, on_graph(drop(CH2, SCHEMA.encoding, U(PDF)))),
    Case("PdfFormatShape", "MinCount", PDF, on_graph(drop(PDF, DCTERMS["format"]))),
    Case("PdfFormatShape", "MaxCount", PDF,
         on_graph(add(PDF, DCTERMS["format"], Literal("application/epub+zip", datatype=DCTERMS.IMT)))),
    Case("PdfFormatShape", "In", PDF, on_graph(put(PDF, DCTERMS["format"], Literal("application/pdf")))),
    Case("PdfEncodingFormatShape", "MinCount", PDF, on_graph(drop(PDF, SCHEMA.encodingFormat))),
    Case("PdfEncodingFormatShape", "MaxCount", PDF, on_graph(add(PDF, SCHEMA.encodingFormat, Literal("pdf")))),
    Case("PdfEncodingFormatShape", "Datatype", PDF,
         on_graph(put(PDF, SCHEMA.encodingFormat, Literal("application/pdf", datatype=DCTERMS.IMT)))),
    Case("PdfEncodingFormatShape", "Pattern", PDF, on_graph(put(PDF, SCHEMA.encodingFormat, Literal("text/html")))),
    Case("PdfSizeShape", "MaxCount", PDF, on_graph(add(PDF, SCHEMA.contentSize, Literal("1 MB")))),
    Case("PdfSizeShape", "Datatype", PDF, on_graph(put(PDF, SCHEMA.contentSize, Literal(99)))),
    Case("PdfSizeShape", "Pattern", PDF, on_graph(put(PDF, SCHEMA.contentSize, Literal("about 100k"))),
         good=on_record(set_field("chapters.1.pdf.size", "9.7 MB"))),
    Case("PdfExtentShape", "Equals", PDF, on_graph(put(PDF, DCTERMS.extent, Literal("1 MB")))),
    Case("PdfUrlShape", "MaxCount", PDF, on_graph(add(PDF, SCHEMA.contentUrl, U("https://example.org/2.pdf")))),
    Case("PdfUrlShape", "NodeKind", PDF, on_graph(put(PDF, SCHEMA.contentUrl, Literal("https://example.org/1.pdf")))),
]  # fmt: skip

# The constraint parameters the shapes use, and the component each one reports.
COMPONENTS = {
    SH.minCount: "MinCount",
    SH.maxCount: "MaxCount",
    SH.datatype: "Datatype",
    SH.nodeKind: "NodeKind",
    SH["class"]: "Class",
    SH.pattern: "Pattern",
    SH["in"]: "In",
    SH["or"]: "Or",
    SH["not"]: "Not",
    SH.equals: "Equals",
    SH.minInclusive: "MinInclusive",
    SH.sparql: "SPARQL",
}


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


@pytest.fixture(scope="module")
def validator(shapes: Graph) -> Validator:
    return Validator(shapes, MINTER)


def validate(validator: Validator, change: Change | None = None) -> BookReport:
    """Map the full record with a change applied and validate it."""
    change = change or Change()
    record = copy.deepcopy(FULL)
    if change.record:
        change.record(record)
    book = parse_record(record, "full.yaml")
    graph = Graph()
    for triple in to_triples(book, MINTER):
        graph.add(triple)
    for edit in change.graph:
        edit(graph)
    return validator.validate_book(Mapped(book.id, list(graph)), book)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def full_report(validator: Validator) -> BookReport:
    return validate(validator)


def found(report: BookReport, case: Case) -> list[ValidationResult]:
    return [
        r
        for r in report.results
        if r.shape == SHAPES_NS + case.shape and r.constraint == case.component
    ]


def test_full_record_conforms_without_any_result(full_report: BookReport) -> None:
    assert full_report.results == ()
    assert full_report.conforms
    assert full_report.counts == {"violation": 0, "warning": 0, "info": 0}


def test_every_constraint_of_every_shape_has_a_case(shapes: Graph) -> None:
    declared = {
        (str(shape).removeprefix(SHAPES_NS), component)
        for parameter, component in COMPONENTS.items()
        for shape in shapes.subjects(parameter, None)
        if isinstance(shape, URIRef)
    }
    assert declared == {(case.shape, case.constraint) for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_breaking_a_constraint_is_reported(case: Case, validator: Validator, shapes: Graph) -> None:
    results = [
        r
        for r in found(validate(validator, case.bad), case)
        if r.focus == case.focus and case.value in (None, r.value)
    ]
    assert results, f"no {case.component} result of {case.shape} on {case.focus}"
    result = results[0]
    assert result.severity == case.severity
    expected = case.message or str(shapes.value(URIRef(SHAPES_NS + case.shape), SH.message))
    assert result.message == expected
    assert result.book_id == "full"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_satisfying_a_constraint_is_not_reported(
    case: Case, validator: Validator, full_report: BookReport
) -> None:
    report = validate(validator, case.good) if case.good else full_report
    assert found(report, case) == []


# --- the seed book ---------------------------------------------------------------------------

SEED_TITLES = [
    ("7-25", "North Korea and Its Leadership in the Mid-1950s"),
    ("26-59", "The Soviet Faction under Attack"),
    ("60-72", "The Third KWP Congress"),
    ("73-92", "The Conspiracy"),
    ("93-120", 'The "August Group" before August'),
    ("121-135", "The August Plenum"),
    ("136-142", "The Soviet-Chinese Delegation and the September Plenum"),
    ("143-174", "The Purges"),
    ("175-201", "North Korea Changes Course"),
    ("202-210", 'The Inception of the "Guerrilla State"'),
]
SEED: dict[str, Any] = {
    "id": "crisis-in-north-korea",
    "title": "Crisis in North Korea",
    "contributors": [
        {"name": "Andrei N. Lankov", "given_name": "Andrei N.", "family_name": "Lankov"}
    ],
    "publisher": {"name": "University of Hawai'i Press"},
    "published": "2005",
    "language": "en",
    "description": "North Korea remains the most mysterious of all Communist countries.",
    "isbn": [
        {"value": "9780824862039", "format": "electronic"},
        {"value": "9780824828097", "format": "print"},
    ],
    "chapters": [
        {"title": "Title Page, Copyright", "pdf": {"size": "99.7 KB"}},
        {"pages": "v", "pdf": {"size": "24.1 KB"}},
        {"pages": "vii-xii", "pdf": {"size": "49.6 KB"}, "excerpt": "The 1956 crisis ..."},
        {"pages": "xiii-xiv", "pdf": {"size": "28.7 KB"}},
        {"title": "Note on Romanization", "pages": "xv", "pdf": {"size": "27.0 KB"}},
        {"pages": "1-6", "pdf": {"size": "48.1 KB"}},
        *(
            {"label": str(n), "title": title, "pages": pages, "pdf": {"size": "9.7 MB"}}
            for n, (pages, title) in enumerate(SEED_TITLES, 1)
        ),
        {"title": 'Conclusion: Why the "August Group" Failed', "pages": "211-224"},
        {"pages": "225-256"},
        {"pages": "257-266"},
        {"pages": "267-274"},
    ],
}


@pytest.fixture(scope="module")
def seed_report(validator: Validator) -> BookReport:
    book = parse_record(copy.deepcopy(SEED), "crisis.yaml")
    return validator.validate_book(map_book(book, MINTER), book)


def test_seed_book_conforms_with_warnings_for_untitled_entries(seed_report: BookReport) -> None:
    seed_work = str(MINTER.work("crisis-in-north-korea"))
    assert seed_report.conforms
    warnings = [r for r in seed_report.results if r.severity == "warning"]
    assert {r.shape.removeprefix(SHAPES_NS) for r in warnings} == {"ChapterHasTitleShape"}
    assert [r.focus for r in warnings] == [
        f"{seed_work}/chapter/{n}" for n in (2, 3, 4, 6, 18, 19, 20)
    ]
    assert [r.field for r in warnings] == [
        f"chapters[{n - 1}].title" for n in (2, 3, 4, 6, 18, 19, 20)
    ]


def test_seed_book_infos_are_hints(seed_report: BookReport) -> None:
    infos = {
        (r.shape.removeprefix(SHAPES_NS), r.field)
        for r in seed_report.results
        if r.severity == "info"
    }
    assert infos == {
        ("ChapterHasPagesShape", "chapters[0].pages"),
        ("ChapterHasKindShape", "chapters[5].kind"),
        ("PersonHasIdentifierShape", "contributors[0].identifiers"),
    }


# --- where results are -------------------------------------------------------------------------


def test_results_name_record_file_line_and_field(validator: Validator) -> None:
    book = next(read_records(FIXTURES / "backwards-pages.yaml"))
    report = validator.validate_book(map_book(book, MINTER), book)
    by_shape = {r.shape.removeprefix(SHAPES_NS): r for r in report.results}
    order_result = by_shape["ChapterPageOrderShape"]
    assert (order_result.source, order_result.line, order_result.field) == (
        str(FIXTURES / "backwards-pages.yaml"),
        10,
        "chapters[1]",
    )
    isbn = by_shape["IsbnCheckDigitShape"]
    assert (isbn.line, isbn.field, isbn.path) == (6, "isbn[0].value", "schema:isbn")
    untitled = by_shape["ChapterHasTitleShape"]
    assert (untitled.line, untitled.field) == (13, "chapters[2].title")
    assert not report.conforms


@pytest.mark.parametrize(
    ("change", "shape", "field"),
    [
        (
            on_graph(put(PDF, SCHEMA.contentSize, Literal("lots"))),
            "PdfSizeShape",
            "chapters[1].pdf.size",
        ),
        (
            on_graph(put(BO, SCHEMA.givenName, U(UNTYPED))),
            "PersonGivenNameShape",
            "contributors[1].given_name",
        ),
        (
            on_graph(put(ORG, SCHEMA.location, U(UNTYPED))),
            "OrganizationPlaceShape",
            "publisher.place",
        ),
        (
            on_graph(put(EBOOK, SCHEMA.bookFormat, SCHEMA.Podcast)),
            "EditionFormatShape",
            "isbn[1].format",
        ),
        (
            on_graph(drop(WORK, DCTERMS.creator, U(ADA))),
            "AuthorListCreatorsShape",
            "contributors[0]",
        ),
        (on_graph(put(CELL, RDF.rest, BNode())), "ListCellRestShape", "contributors"),
        (on_graph(put(WORK, DCTERMS.issued, Literal("2005-13"))), "WorkIssuedShape", "published"),
        (on_graph(put(CH3, SCHEMA.position, Literal(2))), "ChapterPositionsShape", "chapters[2]"),
    ],
)
def test_field_is_derived_from_focus_path_and_value(
    validator: Validator, change: Change, shape: str, field: str
) -> None:
    report = validate(validator, change)
    assert field in {r.field for r in report.results if r.shape == SHAPES_NS + shape}


def test_alternative_paths_are_written_in_sparql_syntax(validator: Validator) -> None:
    report = validate(validator, on_record(set_field("language", None)))
    (result,) = report.results
    assert (result.path, result.field) == ("dcterms:language|schema:exampleOfWork", "language")


# --- whole graphs -------------------------------------------------------------------------------


def test_validate_graph_attributes_results_to_books(shapes: Graph) -> None:
    other = copy.deepcopy(FULL)
    other.update(id="other", isbn=[{"value": "9791234567890"}], contributors=[{"name": "Zed Solo"}])
    other["chapters"][1]["pages"] = "20-1"
    data = Graph()
    for record in (FULL, other):
        for triple in to_triples(parse_record(copy.deepcopy(record), "x.yaml"), MINTER):
            data.add(triple)
    zed = URIRef(MINTER.person("other", "zed-solo"))
    data.remove((zed, SCHEMA.name, None))
    data.set((URIRef(f"{OTHER_WORK}/authors/1"), RDF.rest, BNode()))
    results = validate_graph(data, shapes, MINTER)
    assert {(r.book_id, r.shape.removeprefix(SHAPES_NS), r.field) for r in results} == {
        ("other", "ChapterPageOrderShape", "chapters[1]"),
        ("other", "IsbnCheckDigitShape", "isbn.value"),
        ("other", "PersonNameShape", "contributors.name"),
        ("other", "PersonHasIdentifierShape", "contributors.identifiers"),
        ("other", "ListCellRestShape", "contributors"),
    }
    (report,) = reports_by_book(results)
    assert (report.book_id, report.conforms, report.counts["info"]) == ("other", False, 1)


def test_validate_graph_names_foreign_works_by_iri(shapes: Graph) -> None:
    data = Graph()
    work = URIRef("https://books.example.com/work/1")
    data.add((work, RDF.type, SCHEMA.Book))
    data.add((work, SCHEMA.name, Literal("Untitled in Dublin Core")))
    results = validate_graph(data, shapes)
    assert {(r.book_id, r.field) for r in results if r.severity == "violation"} == {
        (str(work), None)
    }


def test_literal_where_a_path_continues_is_still_validated(validator: Validator) -> None:
    """pyshacl's Oxigraph graph fails on such data; the validator falls back to rdflib."""
    report = validate(validator, on_graph(put(WORK, BIBO.authorList, Literal("Ada, Bo"))))
    kinds = {(r.shape.removeprefix(SHAPES_NS), r.constraint) for r in report.results}
    assert ("AuthorListShape", "NodeKindConstraintComponent") in kinds
    assert ("AuthorListCreatorsShape", "EqualsConstraintComponent") in kinds
    assert {r.value for r in report.results if r.shape.endswith("#AuthorListShape")} == {"Ada, Bo"}


def test_a_publish_book_graph_is_accepted(validator: Validator) -> None:
    book = parse_record(copy.deepcopy(FULL), "full.yaml")
    report = validator.validate_book(map_book(book, MINTER), book)
    assert (report.book_id, report.source, report.results) == ("full", "full.yaml", ())


def test_unusable_shapes_are_a_shapes_error(shapes: Graph) -> None:
    broken = load_shapes(FIXTURES / "values-in-sparql.ttl")
    with pytest.raises(ShapesError, match="cannot be used"):
        Validator(broken, MINTER).validate_book(
            Mapped("full", list(to_triples(parse_record(FULL, "x"), MINTER)))
        )


# --- reports -----------------------------------------------------------------------------------


def test_report_json_follows_its_schema(validator: Validator, seed_report: BookReport) -> None:
    broken = validate(validator, on_record(set_field("isbn.0.value", "9780824828096")))
    document = report_json([seed_report, broken])
    assert json.loads(json.dumps(document)) == document
    assert {
        key: document[key] for key in ("conforms", "books", "violations", "warnings", "infos")
    } == {
        "conforms": False,
        "books": 2,
        "violations": 1,
        "warnings": 7,
        "infos": 3,
    }
    keys = {
        "severity",
        "book",
        "focus",
        "path",
        "value",
        "message",
        "shape",
        "constraint",
        "source",
        "line",
        "field",
    }
    assert all(set(result) == keys for result in document["results"])
    violation = next(r for r in document["results"] if r["severity"] == "violation")
    assert (violation["book"], violation["source"], violation["value"]) == (
        "full",
        "full.yaml",
        "9780824828096",
    )


def test_report_graph_is_one_shacl_validation_report(
    validator: Validator, seed_report: BookReport
) -> None:
    broken = validate(validator, on_record(set_field("language", None)))
    graph = report_graph([seed_report, broken])
    (report,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(report, SH.conforms) == Literal(True)
    results = list(graph.objects(report, SH.result))
    assert len(results) == len(seed_report.results) + len(broken.results)
    language = next(r for r in results if graph.value(r, SH.focusNode) == URIRef(WORK))
    path = parse_shacl_path(graph, graph.value(language, SH.resultPath))  # type: ignore[arg-type]
    assert path.n3(graph.namespace_manager) == "dcterms:language|schema:exampleOfWork"
    assert graph.value(language, SH.resultSeverity) == SH.Warning
    assert graph.value(language, SH.sourceShape) == URIRef(SHAPES_NS + "WorkHasLanguageShape")


def test_render_text_layout() -> None:
    result = ValidationResult(
        severity="violation",
        focus=f"{WORK}/chapter/2",
        path="dcterms:hasPart",
        value="[not markup]",
        message="Entry 2 (pages 20-1) starts after it ends; write its pages as first-last.",
        shape=SHAPES_NS + "ChapterPageOrderShape",
        constraint="SPARQLConstraintComponent",
        book_id="full",
        source="full.yaml",
        line=12,
        field="chapters[1]",
    )
    hint = ValidationResult(
        "info", ADA, "owl:sameAs", None, "No identifier.", "s", "MinCount", "full"
    )
    reports = [
        BookReport("full", "full.yaml", (result, hint)),
        BookReport("empty", None, ()),
    ]
    plain = render_text(reports, color=False)
    assert plain == (
        "full (full.yaml)\n"
        "  violation full.yaml:12 chapters[1]\n"
        f"      focus  {WORK}/chapter/2\n"
        "      path   dcterms:hasPart\n"
        '      value  "[not markup]"\n'
        "      Entry 2 (pages 20-1) starts after it ends; write its pages as first-last.\n"
        "  info      full.yaml\n"
        f"      focus  {ADA}\n"
        "      path   owl:sameAs\n"
        "      No identifier.\n"
        "\n"
        "2 books checked: 1 violation, 0 warnings, 1 info"
    )
    assert Text.from_markup(render_text(reports, color=True)).plain == plain


def test_list_nodes_are_located_in_their_record_field() -> None:
    record = {
        "id": "lists",
        "title": "Lists",
        "isbn": [{"value": "9780262033848"}, {"value": "9780131103627"}],
        "subjects": ["History", "Korea"],
        "contributors": [
            {"name": "Ed Itor", "role": "editor"},
            {"name": "Au Thor", "role": "author"},
        ],
        "chapters": [
            {
                "title": "One",
                "contributors": [
                    {"name": "Tra Nslator", "role": "translator"},
                    {"name": "Co Author", "role": "author"},
                ],
            }
        ],
    }
    book = parse_record(record, "test")
    graph = Graph()
    for triple in to_triples(book, MINTER):
        graph.add(triple)
    locator = Locator(MINTER, book.id, book)
    items = graph.query(
        "SELECT ?item ?position WHERE { ?item a schema:ListItem ; schema:position ?position }",
        initNs={"schema": SCHEMA},
    )
    fields = set()
    for item, _position in items:  # type: ignore[misc]
        [place] = locator.places(item)
        fields.add(place.field)
    assert fields == {"isbn[0]", "isbn[1]", "subjects[0]", "subjects[1]"}
    cells = {str(s) for s in graph.subjects(RDF.first, None)}
    located = {locator.places(URIRef(cell))[0].field for cell in cells}
    assert located == {"contributors", "chapters[0].contributors"}
    assert any("/contributors/" in cell for cell in cells)


def test_an_organisation_with_a_persons_names_is_reported_and_fails(tmp_path: Path) -> None:
    """A graph whose organisation contributor has name parts and two names, beside a node typed
    both person and organisation: each is a violation a publisher can find in the report."""
    fixture = FIXTURES / "organization-contributor.ttl"
    result = CliRunner().invoke(cli, ["validate", str(fixture), "--report", "json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    who = "https://example.org/bookrdf/book/report/organization/who"
    jane = "https://example.org/bookrdf/book/report/person/jane-doe"
    violations = {
        (r["focus"], r["shape"].removeprefix(SHAPES_NS), r["field"])
        for r in report["results"]
        if r["severity"] == "violation"
    }
    assert violations == {
        (who, "OrganizationNameShape", "contributors.name"),
        (who, "OrganizationGivenNameShape", "contributors.given_name"),
        (who, "OrganizationFamilyNameShape", "contributors.family_name"),
        (jane, "OrganizationNotPersonShape", "contributors"),
    }
    # the person shapes judge only the person: never the organisation
    assert not [r for r in report["results"] if r["focus"] == who and "Person" in r["shape"]]
