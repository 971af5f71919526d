"""One book as Turtle, JSON-LD, N-Triples (plain or gzipped), N-Quads or RDF/XML."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Sequence
from functools import cached_property
from typing import Any

import pyoxigraph as ox
from pyld import jsonld
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from bookrdf.mapping import BookGraph, Triple
from bookrdf.resources import jsonld_context
from bookrdf.vocab import PREFIXES

FORMATS: dict[str, str] = {
    "nt.gz": "books.nt.gz",
    "ttl": "books.ttl",
    "jsonld": "books.jsonld",
    "nt": "books.nt",
    "nq": "books.nq",
    "xml": "books.rdf",
}
# books.nt.gz is the bulk loaders' format; plain N-Triples, N-Quads and RDF/XML on request
DEFAULT_FORMATS = ("nt.gz", "ttl", "jsonld")
MEDIA_TYPES = {
    "nt.gz": "application/n-triples",  # gzip is the compression, not the media type
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "nq": "application/n-quads",
    "xml": "application/rdf+xml",
}
GZIP_LEVEL = 6


def to_oxigraph(term: Node) -> ox.NamedNode | ox.Literal:
    """An rdflib term as a pyoxigraph term (which also checks IRI syntax)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        raise ValueError("bookrdf writes no blank nodes; mint an IRI in vocab.Minter")
    raise TypeError(f"cannot write {term!r}")


def natural_key(text: str) -> list[Any]:
    """'chapter/2' before 'chapter/10'."""
    # split() alternates text and ASCII digit runs, so the n-th items always compare alike
    parts = re.split(r"([0-9]+)", text)
    return [int(part) if i % 2 else part for i, part in enumerate(parts)]


def sorted_triples(book: BookGraph) -> list[ox.Triple]:
    """The work first, then every other subject in natural order ('chapter/2' before '/10'),
    each with its rdf:type first, so Turtle groups and reads well and output is deterministic."""
    work = str(book.work)

    def key(triple: Triple) -> tuple[Any, ...]:
        subject, predicate, obj = (str(term) for term in triple)
        return (
            subject != work,
            natural_key(subject),
            predicate != str(RDF.type),
            predicate,
            natural_key(obj),
        )

    return [
        ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]
        for s, p, o in sorted(set(book.triples), key=key)
    ]


def serialize(items: Sequence[ox.Triple] | Sequence[ox.Quad], fmt: ox.RdfFormat) -> bytes:
    """pyoxigraph's serializer, writing to memory (it returns bytes when given no output)."""
    data = ox.serialize(items, format=fmt, prefixes=PREFIXES)
    assert data is not None
    return data


def gzipped(data: bytes) -> bytes:
    """Deterministic gzip: no file name, mtime 0."""
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


class RenderedBook:
    """One book, each format rendered at most once (a release writes several)."""

    def __init__(self, book: BookGraph) -> None:
        self.book = book

    @cached_property
    def triples(self) -> list[ox.Triple]:
        """Its distinct triples, sorted."""
        return sorted_triples(self.book)

    @cached_property
    def ntriples(self) -> bytes:
        """Sorted N-Triples, one line per distinct triple: the same book, the same bytes."""
        text = serialize(self.triples, ox.RdfFormat.N_TRIPLES)
        return b"".join(sorted(set(text.splitlines(keepends=True))))

    @cached_property
    def nquads(self) -> bytes:
        graph = ox.NamedNode(str(self.book.graph))
        quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in self.triples]
        text = serialize(quads, ox.RdfFormat.N_QUADS)
        return b"".join(sorted(set(text.splitlines(keepends=True))))

    @cached_property
    def turtle_parts(self) -> tuple[bytes, bytes]:
        """(prefix header, body): oxigraph writes every prefix before the first triple."""
        text = serialize(self.triples, ox.RdfFormat.TURTLE)
        lines = text.splitlines(keepends=True)
        split = next((i for i, line in enumerate(lines) if not line.startswith(b"@prefix ")), 0)
        return b"".join(lines[:split]), b"".join(lines[split:])

    @cached_property
    def rdfxml(self) -> bytes:
        """The rdf:Description elements, without the rdf:RDF frame."""
        head, tail = rdfxml_frame()
        return serialize(self.triples, ox.RdfFormat.RDF_XML)[len(head) : -len(tail)]

    @cached_property
    def jsonld(self) -> dict[str, Any]:
        return book_jsonld(self.book)


def book_ntriples(book: BookGraph) -> bytes:
    """Sorted canonical N-Triples: the same book always gives the same bytes."""
    return RenderedBook(book).ntriples


def book_nquads(book: BookGraph) -> bytes:
    return RenderedBook(book).nquads


def rdfxml_frame() -> tuple[bytes, bytes]:
    """The opening and closing of an RDF/XML document."""
    empty = serialize([], ox.RdfFormat.RDF_XML)
    tail = b"</rdf:RDF>"
    return empty[: -len(tail)], tail


def book_rdfxml(book: BookGraph) -> bytes:
    return RenderedBook(book).rdfxml


def book_jsonld(book: BookGraph) -> dict[str, Any]:
    """One book as a node object with its editions, people and chapters nested, in order."""
    graph = Graph()
    for triple in book.triples:
        graph.add(triple)
    expanded = json.loads(
        graph.serialize(format="json-ld", auto_compact=False, use_native_types=True)
    )
    framed: dict[str, Any] = jsonld.frame(
        expanded,
        {"@context": jsonld_context(), "@id": str(book.work), "@embed": "@once"},
        {"documentLoader": refuse_remote_context, "omitGraph": True},
    )
    framed.pop("@context", None)
    for key in ("dcterms:hasPart", "hasPart"):
        parts = framed.get(key)
        if isinstance(parts, list):
            parts.sort(key=lambda node: natural_key(str(node.get("id", ""))))
    return framed


def refuse_remote_context(url: str, options: Any = None) -> dict[str, Any]:
    """The JSON-LD document loader: bookrdf never fetches anything from the web."""
    raise jsonld.JsonLdError(
        f"remote JSON-LD context {url} is not fetched; use the local context",
        "jsonld.LoadDocumentError",
        code="loading document failed",
    )


def book_document(book: BookGraph, fmt: str) -> bytes:
    """One book as a complete document in one format (what `bookrdf map` prints)."""
    rendered = RenderedBook(book)
    if fmt == "ttl":
        head, body = rendered.turtle_parts
        return head + body
    if fmt == "nt":
        return rendered.ntriples
    if fmt == "nt.gz":
        return gzipped(rendered.ntriples)
    if fmt == "nq":
        return rendered.nquads
    if fmt == "xml":
        head, tail = rdfxml_frame()
        return head + rendered.rdfxml + tail + b"\n"
    if fmt == "jsonld":
        document = {"@context": jsonld_context(), **rendered.jsonld}
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    raise ValueError(f"unknown format {fmt}")
