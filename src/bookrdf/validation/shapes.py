"""Load SHACL shapes: every *.ttl file in a folder, or one file, into one rdflib graph."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from bookrdf.errors import ShapesError
from bookrdf.resources import resource_path
from bookrdf.vocab import PREFIXES

SHAPES_NS = "https://w3id.org/bookrdf/shapes#"
_OX_POSITION = re.compile(r"^Parser error at line \d+ (between columns \d+ and \d+|column \d+): ")


def load_shapes(path: Path | None = None) -> Graph:
    """The shapes graph: bookrdf's own shapes, or those in a given folder or Turtle file."""
    if path is None:
        try:
            path = resource_path("shapes")
        except FileNotFoundError as err:
            raise ShapesError(str(err)) from None
    graph = bound_graph()
    for file in _shape_files(path):
        for triple in _parse(file):
            graph.add(triple)
    return graph


def bound_graph() -> Graph:
    """An empty graph that writes bookrdf's prefixes (and sh:, bsh:) and no others."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in {**PREFIXES, "sh": str(SH), "bsh": SHAPES_NS}.items():
        graph.bind(prefix, namespace)
    return graph


def _shape_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(path.glob("*.ttl"))
        if not files:
            raise ShapesError(f"{path}: the folder has no shapes files (*.ttl)")
        return files
    if not path.exists():
        raise ShapesError(f"{path}: no such shapes file or folder; check the path")
    return [path]


def _parse(file: Path) -> list[tuple[Node, URIRef, Node]]:
    """The triples of one Turtle file; pyoxigraph's parser reports the line and column."""
    try:
        quads = list(
            ox.parse(path=file, format=ox.RdfFormat.TURTLE, base_iri=file.resolve().as_uri())
        )
    except SyntaxError as err:
        where = f"{file}:{err.lineno}" if err.lineno else str(file)
        raise ShapesError(f"{where}: not valid Turtle: {_OX_POSITION.sub('', err.msg)}") from None
    except OSError as err:
        raise ShapesError(f"{file}: cannot be read: {err.strerror or err}") from None
    return [(to_rdflib(q.subject), URIRef(q.predicate.value), to_rdflib(q.object)) for q in quads]


def to_rdflib(term: object) -> Node:
    """A pyoxigraph term as an rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported RDF term {term!r}")
