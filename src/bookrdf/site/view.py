"""What a book page shows, read back from the book's triples (so RDF-file inputs work too)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF
from rdflib.term import Node

from bookrdf.vocab import BIBO, BOOKRDF, SCHEMA

# The role each predicate gives a contributor; the first one found wins.
_ROLES = (
    (SCHEMA.author, "author"),
    (SCHEMA.editor, "editor"),
    (SCHEMA.translator, "translator"),
    (SCHEMA.contributor, "contributor"),
    (DCTERMS.creator, "author"),
    (DCTERMS.contributor, "contributor"),
)
_LISTS = (BIBO.authorList, BIBO.editorList, BIBO.contributorList)
_FORMATS: dict[Node, str] = {
    SCHEMA.EBook: "electronic",
    SCHEMA.Hardcover: "hardcover",
    SCHEMA.Paperback: "paperback",
}


@dataclass(frozen=True)
class Person:
    """A contributor as shown: name and role."""

    iri: str
    name: str
    role: str


@dataclass(frozen=True)
class Edition:
    """One ISBN of the work and its format ("print" when none is said)."""

    iri: str
    isbn: str
    format: str


@dataclass(frozen=True)
class Part:
    """One entry of the contents."""

    iri: str
    position: int
    label: str | None
    title: str | None
    first_page: str | None
    last_page: str | None
    pages: str | None
    pdf_size: str | None
    pdf_url: str | None
    excerpt: str | None
    contributors: tuple[Person, ...]
    doi: str | None

    @property
    def heading(self) -> str:
        """The title, else the printed label, else the pages: what a reader calls the entry."""
        if self.title:
            return f"{self.label}. {self.title}" if self.label else self.title
        if self.label:
            return self.label
        return f"Pages {self.pages}" if self.pages else f"Part {self.position}"


@dataclass(frozen=True)
class BookView:
    """A book as its page shows it."""

    iri: str
    title: str
    subtitle: str | None
    contributors: tuple[Person, ...]
    publisher: str | None
    place: str | None
    published: str | None
    language: str | None
    description: str | None
    doi: str | None
    url: str | None
    editions: tuple[Edition, ...]
    parts: tuple[Part, ...]

    @property
    def authors(self) -> tuple[Person, ...]:
        """Authors in order; editors when a book has no author (an edited volume)."""
        found = tuple(p for p in self.contributors if p.role == "author")
        return found or tuple(p for p in self.contributors if p.role == "editor")


def read_book(triples: Iterable[tuple[Node, Node, Node]], work: str) -> BookView:
    """The book `work` as its page shows it, from its triples."""
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    node = URIRef(work)
    return BookView(
        iri=work,
        title=_text(graph, node, DCTERMS.title, SCHEMA.name) or work,
        subtitle=_text(graph, node, SCHEMA.alternativeHeadline),
        contributors=_contributors(graph, node),
        publisher=_text(graph, _first(graph, node, SCHEMA.publisher), SCHEMA.name),
        place=_text(graph, _first(graph, node, SCHEMA.publisher), SCHEMA.location),
        published=_text(graph, node, SCHEMA.datePublished, DCTERMS.issued),
        language=_text(graph, node, SCHEMA.inLanguage),
        description=_text(graph, node, SCHEMA.description, DCTERMS.description),
        doi=_text(graph, node, BIBO.doi),
        url=_text(graph, node, SCHEMA.url),
        editions=_editions(graph, node),
        parts=_parts(graph, node),
    )


def _first(graph: Graph, node: Node | None, predicate: URIRef) -> Node | None:
    """One object of a predicate (the smallest, so pages are deterministic)."""
    if node is None:
        return None
    found = sorted(graph.objects(node, predicate), key=str)
    return found[0] if found else None


def _text(graph: Graph, node: Node | None, *predicates: URIRef) -> str | None:
    """The text of the first predicate that has a value."""
    for predicate in predicates:
        value = _first(graph, node, predicate)
        if value is not None:
            return str(value)
    return None


def _contributors(graph: Graph, owner: URIRef) -> tuple[Person, ...]:
    """People in list order (authors, editors, others), then any not in a list, by name."""
    ordered: list[Node] = []
    for list_predicate in _LISTS:
        cell = _first(graph, owner, list_predicate)
        seen: set[Node] = set()
        while cell is not None and cell != RDF.nil and cell not in seen:
            seen.add(cell)
            member = _first(graph, cell, RDF.first)
            if member is not None and member not in ordered:
                ordered.append(member)
            cell = _first(graph, cell, RDF.rest)
    roles: dict[Node, str] = {}
    for predicate, role in _ROLES:
        for person in graph.objects(owner, predicate):
            roles.setdefault(person, role)
    rest = sorted((p for p in roles if p not in ordered), key=lambda p: _name(graph, p))
    return tuple(
        Person(str(p), _name(graph, p), roles.get(p, "contributor")) for p in [*ordered, *rest]
    )


def _name(graph: Graph, person: Node) -> str:
    return _text(graph, person, SCHEMA.name) or str(person)


def _editions(graph: Graph, work: URIRef) -> tuple[Edition, ...]:
    editions = []
    for edition in set(graph.objects(work, SCHEMA.workExample)):
        isbn = _text(graph, edition, SCHEMA.isbn, BIBO.isbn13)
        if isbn:
            kind = _first(graph, edition, SCHEMA.bookFormat)
            shown = _FORMATS.get(kind, "print") if kind is not None else "print"
            editions.append(Edition(str(edition), isbn, shown))
    return tuple(sorted(editions, key=lambda e: (e.format != "electronic", e.isbn)))


def _parts(graph: Graph, work: URIRef) -> tuple[Part, ...]:
    nodes = set(graph.objects(work, SCHEMA.hasPart)) | set(graph.objects(work, DCTERMS.hasPart))
    parts = [read_part(graph, node) for node in nodes if isinstance(node, URIRef)]
    return tuple(sorted(parts, key=lambda p: (p.position, p.iri)))


def read_part(graph: Graph, node: URIRef) -> Part:
    """One contents entry, with its PDF."""
    position = _first(graph, node, SCHEMA.position)
    pdf = _first(graph, node, SCHEMA.encoding)
    number = position.value if isinstance(position, Literal) else None
    return Part(
        iri=str(node),
        position=number if isinstance(number, int) else 0,
        label=_text(graph, node, BOOKRDF.printedLabel),
        title=_text(graph, node, DCTERMS.title, SCHEMA.name),
        first_page=_text(graph, node, SCHEMA.pageStart, BIBO.pageStart),
        last_page=_text(graph, node, SCHEMA.pageEnd, BIBO.pageEnd),
        pages=_text(graph, node, SCHEMA.pagination),
        pdf_size=_text(graph, pdf, SCHEMA.contentSize, DCTERMS.extent),
        pdf_url=_text(graph, pdf, SCHEMA.contentUrl),
        excerpt=_text(graph, node, SCHEMA.description, DCTERMS.description),
        contributors=_contributors(graph, node),
        doi=_text(graph, node, BIBO.doi),
    )
