"""What the server answers for an IRI: the triples that describe it, read from the store.

work      its book's whole named graph
chapter   its own triples, its PDF and list cells, the names of what it links to
other     (people, organisations, editions…) its triples from every graph, the triples that
          link to it (at most `max_links`), and the names and types of the nodes in them
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

import pyoxigraph as ox
from rdflib import Literal
from rdflib.namespace import DCTERMS, RDF
from rdflib.term import Node

from bookrdf.site import AnyTriple, chapter_triples
from bookrdf.validation.shapes import to_rdflib
from bookrdf.vocab import SCHEMA

_CHAPTER = re.compile(r"^(?P<work>.+/book/[^/]+)/chapter/[^/]+$")
_LABELS = [ox.NamedNode(str(p)) for p in (RDF.type, SCHEMA.name, DCTERMS.title)]


@dataclass(frozen=True)
class Description:
    """The triples that describe `iri`; `book` holds the whole book for works and chapters."""

    kind: str  # "work", "chapter" or "resource"
    iri: str
    triples: list[AnyTriple]
    work: str | None = None
    book: list[AnyTriple] | None = None


def _triples(quads: Iterator[ox.Quad]) -> list[AnyTriple]:
    """Quads as rdflib triples, each once, in a stable order."""
    seen = {(q.subject, q.predicate, q.object) for q in quads}
    converted = [(to_rdflib(s), to_rdflib(p), to_rdflib(o)) for s, p, o in seen]
    return sorted(converted, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))


def book_triples(store: ox.Store, work: str) -> list[AnyTriple] | None:
    """The triples of a book's named graph (`{work}/graph`), or None when it is not there."""
    graph = ox.NamedNode(f"{work}/graph")
    if not store.contains_named_graph(graph):
        return None
    found = _triples(store.quads_for_pattern(None, None, None, graph))
    return found if any(str(t[0]) == work for t in found) else None


def describe(store: ox.Store, iri: str, max_links: int = 1000) -> Description | None:
    """The description of `iri`, or None when the store says nothing about it."""
    book = book_triples(store, iri)
    if book is not None:
        return Description("work", iri, book, work=iri, book=book)
    chapter = _CHAPTER.match(iri)
    if chapter:
        book = book_triples(store, chapter.group("work"))
        if book is not None and any(str(t[0]) == iri for t in book):
            own = chapter_triples(book, iri)
            return Description("chapter", iri, own, work=chapter.group("work"), book=book)
    node = ox.NamedNode(iri)
    own_quads = list(store.quads_for_pattern(node, None, None, None))
    if not own_quads:
        return None
    inbound = list(islice(store.quads_for_pattern(None, None, node, None), max_links))
    linked = {q.object for q in own_quads} | {q.subject for q in inbound}
    labels = [
        quad
        for other in linked
        if isinstance(other, ox.NamedNode) and other != node
        for predicate in _LABELS
        for quad in islice(store.quads_for_pattern(other, predicate, None, None), 10)
    ]
    return Description("resource", iri, _triples(iter(own_quads + inbound + labels)))


def labels(triples: list[AnyTriple]) -> dict[Node, str]:
    """The name or title of each node that has one, for showing links by name."""
    found: dict[Node, str] = {}
    for subject, predicate, obj in triples:
        if predicate in (SCHEMA.name, DCTERMS.title) and isinstance(obj, Literal):
            found.setdefault(subject, str(obj))
    return found
