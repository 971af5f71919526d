"""Book -> triples. Pure: no I/O. The terms come from the crosswalk; the IRIs from the minter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD
from rdflib.term import Node

from bookrdf.crosswalk import predicates
from bookrdf.model import Book, Chapter, Contributor, inferred_matter, told_kind
from bookrdf.vocab import BOOK_FORMATS, KINDS, MATTER_TERMS, SCHEMA, Minter, safe_iri, slug

Triple = tuple[URIRef, URIRef, Node]


@dataclass(frozen=True)
class BookGraph:
    """One book's triples with the IRIs needed to write it: its work and its named graph."""

    book_id: str
    work: URIRef
    graph: URIRef
    triples: Sequence[Triple]


def map_book(book: Book, minter: Minter | None = None) -> BookGraph:
    """One book's triples, ready to validate, write or load."""
    minter = minter or Minter()
    return BookGraph(
        book_id=book.id,
        work=minter.work(book.id),
        graph=minter.graph(book.id),
        triples=to_triples(book, minter),
    )


_DATE_TYPES = {"year": XSD.gYear, "month": XSD.gYearMonth, "day": XSD.date}
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
}
PDF_MEDIA_TYPE = "application/pdf"


@dataclass
class _Triples:
    """Collects one book's triples in the order they are made."""

    items: list[Triple] = field(default_factory=list)

    def add(self, subject: URIRef, crosswalk_field: str, obj: Node | None) -> None:
        if obj is None:
            return
        for predicate in predicates(crosswalk_field):
            self.items.append((subject, predicate, obj))

    def add_type(self, subject: URIRef, *classes: URIRef) -> None:
        self.items.extend((subject, RDF.type, cls) for cls in classes)


def to_triples(book: Book, minter: Minter | None = None) -> list[Triple]:
    """All triples of one book: the work, its editions, contributors, publisher and chapters."""
    minter = minter or Minter()
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
        out.add(org, "publisher.name", Literal(book.publisher.name))
        out.add(org, "publisher.place", _text(book.publisher.place, None))
    if book.published:
        date_type = _DATE_TYPES[book.published.precision]
        out.add(work, "book.published", Literal(book.published.text, datatype=date_type))
    if lang:
        out.add(work, "book.language", Literal(lang, datatype=DCTERMS.RFC5646))
        out.add(work, "book.language.text", Literal(lang))
    out.add(work, "book.description", _text(book.description, lang))
    _add_doi(out, work, book.doi)
    out.add(work, "book.url", safe_iri(book.url) if book.url else None)
    for subject in book.subjects:
        if subject.startswith(("http://", "https://")):
            out.add(work, "book.subjects.iri", safe_iri(subject))
        else:
            out.add(work, "book.subjects", _text(subject, lang))
    out.add(work, "book.license", safe_iri(book.license) if book.license else None)
    for isbn in book.isbns:
        edition = minter.edition(isbn.value)
        out.add(work, "book.isbn", edition)
        out.add(edition, "edition", work)
        out.add_type(edition, SCHEMA.Book)
        out.add(edition, "edition.name", _text(book.title, lang))
        out.add(edition, "edition.isbn", Literal(isbn.value))
        out.add(edition, "edition.urn", Literal(f"urn:isbn:{isbn.value}"))
        out.add(edition, "edition.format", BOOK_FORMATS[isbn.format] if isbn.format else None)
    matters = inferred_matter(book)
    for position, (chapter, matter) in enumerate(zip(book.chapters, matters, strict=True), 1):
        _add_chapter(out, minter, book, work, position, chapter, matter)
    return out.items


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
    out.add(node, "chapter.position", Literal(position))
    out.add(node, "chapter.title", _text(chapter.title, lang))
    out.add(node, "chapter.label", _text(chapter.label, None))
    if chapter.pages:
        out.add(node, "chapter.pages.start", Literal(chapter.pages.start))
        out.add(node, "chapter.pages.end", Literal(chapter.pages.end))
        out.add(node, "chapter.pages", Literal(chapter.pages.pagination))
    kind = told_kind(chapter)
    if kind:
        out.add(node, "chapter.kind", KINDS[kind].term)
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
        out.add(pdf, "pdf.format", Literal(PDF_MEDIA_TYPE, datatype=DCTERMS.IMT))
        out.add(pdf, "pdf.format.text", Literal(PDF_MEDIA_TYPE))
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
    for person in people:
        node = person_iri(minter, book_id, person)
        out.add(owner, f"book.contributors[{person.role}]", node)
        out.add_type(node, SCHEMA.Person)
        out.add(node, "person.name", Literal(person.name))
        out.add(node, "person.given_name", _text(person.given_name, None))
        out.add(node, "person.family_name", _text(person.family_name, None))
        for uri in person.identifiers.uris():
            out.add(node, "person.identifiers", URIRef(uri))
        lists.setdefault(_ROLE_LISTS[person.role], []).append(node)
    for name, members in lists.items():
        _add_list(out, minter, owner, name, members)


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
        out.items.append((cell, RDF.first, member))
        out.items.append((cell, RDF.rest, rest))


def _add_doi(out: _Triples, node: URIRef, doi: str | None) -> None:
    if doi is None:
        return
    iri = safe_iri(f"https://doi.org/{doi}")
    out.add(node, "book.doi", Literal(doi))
    out.add(node, "book.doi.iri", iri)
    out.add(node, "book.identifier", Literal(str(iri)))


def _text(value: str | None, lang: str | None) -> Literal | None:
    if value is None:
        return None
    # Language tags are case-insensitive; lower case is the form RDF tools normalise to.
    return Literal(value, lang=lang.lower()) if lang else Literal(value)
