"""Where a result sits in its record: the field path ('chapters[3].pages') of a focus node and
path, found through the minter's IRI scheme and the crosswalk's predicates."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.paths import AlternativePath, MulPath, Path, SequencePath
from rdflib.term import Node

from bookrdf.crosswalk import CROSSWALK
from bookrdf.identity import name_keys, person_iri
from bookrdf.model import Book, Contributor
from bookrdf.vocab import Minter

# The crosswalk routes an entity's predicates may come from, most specific first: chapters
# reuse the book's routes for their contributors and DOIs.
_ENTITY_ROUTES = {
    "book": ("book",),
    "chapter": ("chapter", "book"),
    "pdf": ("pdf",),
    "edition": ("edition",),
    "person": ("person", "contributor"),
    # an organisation's given or family name is a field of its record entry all the same
    "organization": ("organization", "contributor", "person"),
    "publisher": ("publisher",),
}
# Crosswalk fields whose record field is not the first segment after the entity.
_SUBFIELD_EXCEPTIONS = {
    "book.full_title": "title",
    "book.identifier": "doi",
    "edition.isbn": "value",
    "edition.urn": "value",
    "edition.name": "",
    "chapter.book": "",
    "chapter.position": "",
    "chapter.inferred_matter": "kind",
    "pdf.chapter": "",
    "pdf.format": "",
    "pdf.format.text": "",
}
# Nodes minted outside the work's IRI: editions, publishers, identified people and
# organisations.
_OUTSIDE_WORK = (
    ("isbn/", "isbn", "edition"),
    ("org/", "publisher", "publisher"),
    ("person/", "contributors", "person"),
    ("organization/", "contributors", "organization"),
)
_IN_WORK = (
    (re.compile(r"/chapter/([0-9]+)"), "chapters[{}]", "chapter"),
    (re.compile(r"/chapter/([0-9]+)/pdf"), "chapters[{}].pdf", "pdf"),
    (
        re.compile(r"/chapter/([0-9]+)/(authors|editors|others|contributors)/[0-9]+"),
        "chapters[{}].contributors",
        "",
    ),
    (re.compile(r"/(authors|editors|others|contributors)/[0-9]+"), "contributors", ""),
    (re.compile(r"/person/.+"), "contributors", "person"),
    (re.compile(r"/organization/.+"), "contributors", "organization"),
    # schema:ListItem nodes keeping the order of ISBNs and subjects (mapping._add_items)
    (re.compile(r"/editions/([0-9]+)"), "isbn[{}]", ""),
    (re.compile(r"/subjects/([0-9]+)"), "subjects[{}]", ""),
)


@dataclass(frozen=True)
class Place:
    """A node's place in a record: its field path and the kind of entity it is."""

    field: str
    entity: str


def subfield(route_field: str) -> str:
    """The record field, relative to its entity, of a crosswalk field ('chapter.pages.start')."""
    if route_field in _SUBFIELD_EXCEPTIONS:
        return _SUBFIELD_EXCEPTIONS[route_field]
    first = route_field.partition(".")[2].split(".")[0]
    return re.sub(r"\[[^\]]*\]$", "", first)


def _predicate_fields() -> dict[tuple[str, URIRef], str]:
    out: dict[tuple[str, URIRef], str] = {}
    for entity, prefixes in _ENTITY_ROUTES.items():
        for prefix in prefixes:
            for name, route in CROSSWALK.items():
                if name.split(".")[0] == prefix:
                    for predicate in route.predicates:
                        out.setdefault((entity, predicate), subfield(name))
    return out


_PREDICATE_FIELDS = _predicate_fields()


def first_predicate(path: URIRef | Path | None) -> URIRef | None:
    """The predicate a path starts with; None for inverse and other paths that leave the node."""
    if isinstance(path, URIRef):
        return path
    if isinstance(path, (SequencePath, AlternativePath)):
        return first_predicate(path.args[0])
    if isinstance(path, MulPath):
        return first_predicate(path.path)
    return None


def join(field: str, sub: str) -> str:
    """'chapters[2]' + 'pages' -> 'chapters[2].pages'."""
    return f"{field}.{sub}" if field and sub else field or sub


class Locator:
    """Finds the record field of a node, from the minter's IRI scheme and, if given, the book."""

    def __init__(self, minter: Minter, book_id: str, book: Book | None = None) -> None:
        self.minter = minter
        self.work = str(minter.work(book_id))
        self.known: dict[str, list[Place]] = {}
        if book is not None:
            self._learn(book_id, book)

    def _learn(self, book_id: str, book: Book) -> None:
        for index, isbn in enumerate(book.isbns):
            self._add(self.minter.edition(isbn.value), Place(f"isbn[{index}]", "edition"))
        names = name_keys(book)
        self._add_people(book_id, book.contributors, "contributors", names)
        for number, chapter in enumerate(book.chapters):
            field = f"chapters[{number}].contributors"
            self._add_people(book_id, chapter.contributors, field, names)

    def _add_people(
        self, book_id: str, people: tuple[Contributor, ...], field: str, names: dict[str, str]
    ) -> None:
        for index, person in enumerate(people):
            node = person_iri(self.minter, book_id, person, names)
            entity = "organization" if person.is_organization else "person"
            self._add(node, Place(f"{field}[{index}]", entity))

    def _add(self, node: URIRef, place: Place) -> None:
        self.known.setdefault(str(node), []).append(place)

    def places(self, node: Node | None) -> list[Place]:
        """Every place a node has in the record (a person may appear more than once)."""
        if not isinstance(node, URIRef):
            return []
        iri = str(node)
        if iri in self.known:
            return self.known[iri]
        if iri == self.work:
            return [Place("", "book")]
        base = self.minter.base
        for prefix, field, entity in _OUTSIDE_WORK:
            if iri.startswith(base + prefix):
                return [Place(field, entity)]
        return self._in_work(iri)

    def _in_work(self, iri: str) -> list[Place]:
        if not iri.startswith(self.work + "/"):
            return []
        rest = iri[len(self.work) :]
        for pattern, field, entity in _IN_WORK:
            match = pattern.fullmatch(rest)
            if match:
                groups = match.groups()
                number = int(groups[0]) - 1 if groups and groups[0].isdigit() else 0
                return [Place(field.format(number), entity)]
        return []

    def field(self, focus: Node, path: URIRef | Path | None, value: Node | None) -> str | None:
        """The record field a result is about: the focus node's place plus the path's field."""
        places = self.places(focus)
        if not places:
            return None
        place = places[0]
        predicate = first_predicate(path)
        sub = _PREDICATE_FIELDS.get((place.entity, predicate), "") if predicate else ""
        field = join(place.field, sub)
        for deeper in self.places(value):
            if field and deeper.field.startswith((f"{field}.", f"{field}[")):
                return deeper.field
        return field or None
