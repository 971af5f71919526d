"""Book -> triples. Pure: no I/O. The terms come from the crosswalk; the IRIs from the minter."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from typing import NamedTuple

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD
from rdflib.term import Node

from bookrdf.crosswalk import predicates
from bookrdf.model import Book, Chapter, Contributor, inferred_matter, told_kind
from bookrdf.vocab import BOOK_FORMATS, KINDS, MATTER_TERMS, SCHEMA, Minter, safe_iri, slug

Triple = tuple[URIRef, URIRef, Node]


class Lit(NamedTuple):
    """A literal as the mapping makes it: ten times cheaper than rdflib's Literal, which
    parses its value; writers turn it into text directly, `rdflib_term` into a Literal."""

    value: str
    lang: str | None = None  # lower case
    datatype: str | None = None  # None: xsd:string


# The mapping writes IRIs as plain str (rdflib's URIRef compares and hashes in Python, slowly)
# and literals as Lit. Rows built from parsed RDF may hold rdflib terms: URIRef, Literal, and
# BNodes (which the writers refuse).
Term = str | Lit | Node  # Node: rdflib terms (URIRef, Literal, BNode)
Row = tuple[str, str, Term]


@dataclass(frozen=True)
class BookGraph:
    """One book's rows with the IRIs needed to write it: its work and its named graph.

    `rows` is what the writers read; `triples` is the same graph in rdflib terms (for pyshacl,
    the site and tests), made on first use.
    """

    book_id: str
    work: URIRef
    graph: URIRef
    rows: Sequence[Row]
    # the rows grouped by subject, as the mapping made them (None: group them when needed)
    subjects: Mapping[str, Subject] | None = field(default=None, compare=False, repr=False)

    @cached_property
    def triples(self) -> list[Triple]:
        return [rdflib_triple(row) for row in self.rows]


def rdflib_triple(row: Row) -> Triple:
    s, p, o = row
    return (  # type: ignore[return-value]
        _uriref(s) if type(s) is str else s,
        _uriref(p) if type(p) is str else p,
        rdflib_term(o),
    )


def rdflib_term(term: Term) -> Node:
    """A row's term in rdflib."""
    if type(term) is Lit:
        return _literal(term)
    if type(term) is str:
        return _uriref(term)
    return term  # type: ignore[return-value]


# Books repeat predicates, classes, datatypes and many values (positions, page numbers, formats):
# rdflib's constructors check and parse each time, so their results are kept.
@lru_cache(maxsize=1 << 16)
def _uriref(iri: str) -> URIRef:
    return URIRef(iri)


@lru_cache(maxsize=1 << 16)
def _literal(term: Lit) -> Literal:
    datatype = _uriref(term.datatype) if term.datatype else None
    return Literal(term.value, lang=term.lang, datatype=datatype)


def lit(term: Term) -> Lit | None:
    """A literal term as a Lit (rdflib Literals converted); None for IRIs and blank nodes."""
    kind = type(term)
    if kind is Lit:
        return term  # type: ignore[return-value]
    if kind is str:
        return None
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype else None
        if datatype == _XSD_STRING:
            datatype = None
        return Lit(str(term), term.language.lower() if term.language else None, datatype)
    return None


_XSD_STRING = str(XSD.string)


def map_book(book: Book, minter: Minter | None = None) -> BookGraph:
    """One book's triples, ready to validate, write or load."""
    minter = minter or Minter()
    made = _collect(book, minter)
    return BookGraph(
        book_id=book.id,
        work=minter.work(book.id),
        graph=minter.graph(book.id),
        rows=made.items,
        subjects=made.subjects,
    )


_DATE_TYPES = {"year": str(XSD.gYear), "month": str(XSD.gYearMonth), "day": str(XSD.date)}
_INTEGER = str(XSD.integer)
_RFC5646 = str(DCTERMS.RFC5646)
_IMT = str(DCTERMS.IMT)
_ROLE_LISTS = {
    "author": "authors",
    "editor": "editors",
    "translator": "others",
    "contributor": "others",
}
_LIST_FIELDS = {
    "authors": "book.contributors.order[author]",
    "editors": "book.contributors.order[editor]",
    "others": "book.contributors.order[other]",
    "contributors": "book.contributors.order[all]",
}
_ITEM_FIELDS = {"editions": "book.isbn.order", "subjects": "book.subjects.order"}
PDF_MEDIA_TYPE = "application/pdf"


class Subject:
    """One subject's distinct statements: its classes, and its objects by predicate, each in
    the order they were made (what Turtle and JSON-LD are written from)."""

    __slots__ = ("iri", "types", "values")

    def __init__(self, iri: str) -> None:
        self.iri = iri
        self.types: list[str] = []
        self.values: dict[str, list[Term]] = {}

    def put(self, predicate: str, obj: Term) -> bool:
        """Add a statement; False when it was there already."""
        if predicate == _RDF_TYPE and type(obj) is str:
            if obj in self.types:
                return False
            self.types.append(obj)
            return True
        found = self.values.get(predicate)
        if found is None:
            self.values[predicate] = [obj]
        elif obj in found:
            return False
        else:
            found.append(obj)
        return True


@dataclass
class _Triples:
    """Collects one book's distinct triples in the order they are made, and by subject."""

    items: list[Row] = field(default_factory=list)
    subjects: dict[str, Subject] = field(default_factory=dict)

    def add(self, subject: str, crosswalk_field: str, obj: str | Lit | None) -> None:
        if obj is None:
            return
        if type(obj) is not Lit:
            obj = str(obj)
        subject = str(subject)
        for predicate in _predicates(crosswalk_field):
            self.put(subject, predicate, obj)

    def add_type(self, subject: str, *classes: str) -> None:
        subject = str(subject)
        for cls in classes:
            self.put(subject, _RDF_TYPE, str(cls))

    def put(self, subject: str, predicate: str, obj: str | Lit) -> None:
        # Subject.put inlined: this runs for every triple
        node = self.subjects.get(subject)
        if node is None:
            node = self.subjects[subject] = Subject(subject)
        if predicate == _RDF_TYPE and type(obj) is str:
            if obj in node.types:
                return
            node.types.append(obj)
        else:
            found = node.values.get(predicate)
            if found is None:
                node.values[predicate] = [obj]
            elif obj in found:
                return
            else:
                found.append(obj)
        self.items.append((subject, predicate, obj))


@cache
def _predicates(crosswalk_field: str) -> tuple[str, ...]:
    return tuple(str(p) for p in predicates(crosswalk_field))


_RDF_TYPE = str(RDF.type)


def to_triples(book: Book, minter: Minter | None = None) -> list[Triple]:
    """All triples of one book in rdflib terms: the work, its editions, contributors, publisher
    and chapters."""
    return [rdflib_triple(row) for row in to_rows(book, minter)]


def to_rows(book: Book, minter: Minter | None = None) -> list[Row]:
    """All rows of one book, distinct, in the order they are made (deterministic)."""
    return _collect(book, minter or Minter()).items


def _collect(book: Book, minter: Minter) -> _Triples:
    out = _Triples()
    work = minter.work(book.id)
    lang = book.language
    out.add_type(work, SCHEMA.Book)
    out.add(work, "book.title", _text(book.title, lang))
    if book.subtitle:
        out.add(work, "book.subtitle", _text(book.subtitle, lang))
        out.add(work, "book.full_title", _text(f"{book.title}: {book.subtitle}", lang))
    _add_contributors(out, minter, book.id, work, book.contributors)
    if book.publisher:
        org = minter.organization(book.publisher.name)
        out.add(work, "book.publisher", org)
        out.add_type(org, SCHEMA.Organization)
        out.add(org, "publisher.name", Lit(book.publisher.name))
        out.add(org, "publisher.place", _text(book.publisher.place, None))
    if book.published:
        date_type = _DATE_TYPES[book.published.precision]
        out.add(work, "book.published", Lit(book.published.text, None, date_type))
    if lang:
        out.add(work, "book.language", Lit(lang, None, _RFC5646))
        out.add(work, "book.language.text", Lit(lang))
    out.add(work, "book.description", _text(book.description, lang))
    _add_doi(out, work, book.doi)
    out.add(work, "book.url", safe_iri(book.url) if book.url else None)
    subjects: list[str | Lit] = []
    for subject in book.subjects:
        if subject.startswith(("http://", "https://")):
            subjects.append(safe_iri(subject))
            out.add(work, "book.subjects.iri", subjects[-1])
        else:
            subjects.append(Lit(subject, lang.lower() if lang else None))
            out.add(work, "book.subjects", subjects[-1])
    _add_items(out, minter, work, "subjects", subjects)
    out.add(work, "book.license", safe_iri(book.license) if book.license else None)
    for isbn in book.isbns:
        edition = minter.edition(isbn.value)
        out.add(work, "book.isbn", edition)
        out.add(edition, "edition", work)
        out.add_type(edition, SCHEMA.Book)
        out.add(edition, "edition.name", _text(book.title, lang))
        out.add(edition, "edition.isbn", Lit(isbn.value))
        out.add(edition, "edition.urn", Lit(f"urn:isbn:{isbn.value}"))
        out.add(edition, "edition.format", BOOK_FORMATS[isbn.format] if isbn.format else None)
    _add_items(out, minter, work, "editions", [minter.edition(isbn.value) for isbn in book.isbns])
    matters = inferred_matter(book)
    for position, (chapter, matter) in enumerate(zip(book.chapters, matters, strict=True), 1):
        _add_chapter(out, minter, book, work, position, chapter, matter)
    return out


def _add_chapter(
    out: _Triples,
    minter: Minter,
    book: Book,
    work: URIRef,
    position: int,
    chapter: Chapter,
    matter: str | None,
) -> None:
    node = minter.chapter(book.id, position)
    lang = book.language
    out.add_type(node, SCHEMA.Chapter)
    out.add(work, "book.chapters", node)
    out.add(node, "chapter.book", work)
    out.add(node, "chapter.position", Lit(str(position), None, _INTEGER))
    out.add(node, "chapter.title", _text(chapter.title, lang))
    out.add(node, "chapter.label", _text(chapter.label, None))
    if chapter.pages:
        out.add(node, "chapter.pages.start", Lit(chapter.pages.start))
        out.add(node, "chapter.pages.end", Lit(chapter.pages.end))
        out.add(node, "chapter.pages", Lit(chapter.pages.pagination))
    kind = told_kind(chapter)
    if kind:
        out.add(node, "chapter.kind", KINDS[kind].term)
        out.add(node, "chapter.kind.class", KINDS[kind].subclass)
    elif matter:
        out.add(node, "chapter.inferred_matter", MATTER_TERMS[matter])
    out.add(node, "chapter.excerpt", _text(chapter.excerpt, lang))
    _add_contributors(out, minter, book.id, node, chapter.contributors)
    _add_doi(out, node, chapter.doi)
    if chapter.pdf:
        pdf = minter.pdf(book.id, position)
        out.add(node, "chapter.pdf", pdf)
        out.add_type(pdf, SCHEMA.MediaObject)
        out.add(pdf, "pdf.chapter", node)
        out.add(pdf, "pdf.format", Lit(PDF_MEDIA_TYPE, None, _IMT))
        out.add(pdf, "pdf.format.text", Lit(PDF_MEDIA_TYPE))
        out.add(pdf, "pdf.size", _text(chapter.pdf.size, None))
        out.add(pdf, "pdf.url", safe_iri(chapter.pdf.url) if chapter.pdf.url else None)


def _add_contributors(
    out: _Triples,
    minter: Minter,
    book_id: str,
    owner: URIRef,
    people: Sequence[Contributor],
) -> None:
    lists: dict[str, list[URIRef]] = {}
    everyone: list[URIRef] = []
    for person in people:
        node = person_iri(minter, book_id, person)
        out.add(owner, f"book.contributors[{person.role}]", node)
        out.add_type(node, SCHEMA.Person)
        out.add(node, "person.name", Lit(person.name))
        out.add(node, "person.given_name", _text(person.given_name, None))
        out.add(node, "person.family_name", _text(person.family_name, None))
        for uri in person.identifiers.uris():
            out.add(node, "person.identifiers", URIRef(uri))
        lists.setdefault(_ROLE_LISTS[person.role], []).append(node)
        everyone.append(node)
    for name, members in lists.items():
        _add_list(out, minter, owner, name, members)
    # The role lists keep order within a role only; across roles it is data when there are two
    # role lists or more (an editor named before the authors), so one more list keeps it.
    if len(lists) > 1:
        _add_list(out, minter, owner, "contributors", everyone)


def person_iri(minter: Minter, book_id: str, person: Contributor) -> URIRef:
    """A contributor's IRI: from the strongest identifier, else from the name within the book."""
    found = person.identifiers.primary()
    return minter.person(book_id, f"{found[0]}:{found[1]}" if found else slug(person.name))


def _add_list(
    out: _Triples, minter: Minter, owner: URIRef, name: str, members: Sequence[URIRef]
) -> None:
    """An rdf:List whose cells are IRIs, so reloading never duplicates blank nodes."""
    cells = [minter.list_cell(owner, name, i) for i, _ in enumerate(members, 1)]
    if not cells:
        return
    out.add(owner, _LIST_FIELDS[name], cells[0])
    for cell, member, rest in zip(cells, members, [*cells[1:], RDF.nil], strict=True):
        out.put(str(cell), _RDF_FIRST, str(member))
        out.put(str(cell), _RDF_REST, str(rest))


_RDF_FIRST = str(RDF.first)
_RDF_REST = str(RDF.rest)


def _add_items(
    out: _Triples, minter: Minter, owner: URIRef, name: str, members: Sequence[str | Lit]
) -> None:
    """A schema:ListItem per member, with its schema:position, where order is data (two members
    or more). Not an rdf:List: the contract keeps rdf:first for people; and not a position on
    the member: an edition (`{base}isbn/…`) may be described by other books too."""
    if len(members) < 2:
        return
    for position, member in enumerate(members, 1):
        item = minter.list_item(owner, name, position)
        out.add(owner, _ITEM_FIELDS[name], item)
        out.add_type(item, SCHEMA.ListItem)
        out.add(item, "list_item.position", Lit(str(position), None, _INTEGER))
        out.add(item, "list_item.name" if type(member) is Lit else "list_item.item", member)


def _add_doi(out: _Triples, node: URIRef, doi: str | None) -> None:
    if doi is None:
        return
    iri = safe_iri(f"https://doi.org/{doi}")
    out.add(node, "book.doi", Lit(doi))
    out.add(node, "book.doi.iri", iri)
    out.add(node, "book.identifier", Lit(str(iri)))


def _text(value: str | None, lang: str | None) -> Lit | None:
    if value is None:
        return None
    # Language tags are case-insensitive; lower case is the form RDF tools normalise to.
    return Lit(value, lang.lower() if lang else None)
