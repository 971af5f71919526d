"""What the mapping makes: a book's statements as light rows (IRIs as str, literals as Lit),
grouped by subject for the writers, and their rdflib form for pyshacl and the site."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import NamedTuple

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

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


class Subject:
    """One subject's distinct statements: its classes, and its objects by predicate, each in
    the order they were made (what Turtle and JSON-LD are written from)."""

    __slots__ = ("iri", "long", "types", "values")

    def __init__(self, iri: str) -> None:
        self.iri = iri
        self.types: list[str] = []
        self.values: dict[str, list[Term]] = {}
        self.long: dict[str, set[Term]] | None = None  # the objects of predicates with many

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
        elif len(found) >= SHORT:
            return self.put_long(predicate, obj)
        elif obj in found:
            return False
        else:
            found.append(obj)
        return True

    def put_long(self, predicate: str, obj: Term) -> bool:
        """`put` for a predicate with SHORT objects or more, looked up in a set: a book of
        100,000 entries has as many `dcterms:hasPart`, and a scan of the list for each made
        mapping it take minutes. Every object added after the list grew long comes here."""
        if self.long is None:
            self.long = {}
        seen = self.long.get(predicate)
        if seen is None:
            seen = self.long[predicate] = set(self.values[predicate])
        if obj in seen:
            return False
        seen.add(obj)
        self.values[predicate].append(obj)
        return True


_RDF_TYPE = str(RDF.type)
SHORT = 32  # objects of one predicate a list scan finds faster than a set is built
