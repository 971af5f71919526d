"""Which triples describe a resource, and that description as a Turtle, JSON-LD or N-Triples
document.

A work is described by its whole book; a chapter by its own triples, those of the nodes minted
under it (its PDF, its contributor list cells) and the names and types of what it links to;
any other resource by its own triples and the triples that link to it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from pyld import jsonld
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import DCTERMS, RDF
from rdflib.term import Node

from bookrdf.mapping import BookGraph
from bookrdf.publish import book_document, refuse_remote_context
from bookrdf.resources import jsonld_context
from bookrdf.vocab import PREFIXES, SCHEMA

MEDIA_TYPES: dict[str, str] = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "html": "text/html",
}
RDF_FORMATS = ("ttl", "jsonld", "nt")
FORMAT_NAMES = {"ttl": "Turtle", "jsonld": "JSON-LD", "nt": "N-Triples", "html": "HTML"}
# What a description says about the things it links to, so that they can be shown by name.
_LABELS = frozenset({RDF.type, SCHEMA.name, DCTERMS.title})

AnyTriple = tuple[Node, Node, Node]


def chapter_triples(triples: Iterable[AnyTriple], chapter: str) -> list[AnyTriple]:
    """A chapter's description: its triples, its PDF and list cells, names of what it links to."""
    every = list(triples)
    prefix = f"{chapter}/"
    own = [t for t in every if str(t[0]) == chapter or str(t[0]).startswith(prefix)]
    subjects = {t[0] for t in own}
    linked = {t[2] for t in own if isinstance(t[2], URIRef)} - subjects
    return own + [t for t in every if t[0] in linked and t[1] in _LABELS]


def document(triples: Sequence[AnyTriple], root: str, fmt: str, *, nested: bool = True) -> bytes:
    """The triples as one document, `root` first; JSON-LD nests everything under the root
    when `nested` (every node must then be reachable from it), else lists nodes flat."""
    if fmt == "jsonld" and not nested:
        return _dumps(flat_jsonld(triples))
    if fmt != "jsonld" and any(isinstance(term, BNode) for t in triples for term in t):
        # the release writers refuse blank nodes; data loaded from RDF files may have them
        graph = _graph(triples)
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        return graph.serialize(format="turtle" if fmt == "ttl" else "nt", encoding="utf-8")
    # Typed as the mapping's triples: book_document frames and sorts any rdflib terms.
    book = BookGraph("", URIRef(root), URIRef(root), triples)  # type: ignore[arg-type]
    return book_document(book, fmt)


def flat_jsonld(triples: Sequence[AnyTriple]) -> dict[str, Any]:
    """JSON-LD with our context and one node object per subject in "@graph"."""
    expanded = json.loads(
        _graph(triples).serialize(format="json-ld", auto_compact=False, use_native_types=True)
    )
    compacted: dict[str, Any] = jsonld.compact(
        expanded, {"@context": jsonld_context()}, {"documentLoader": refuse_remote_context}
    )
    compacted["@context"] = jsonld_context()
    return compacted


def script_json(data: bytes) -> str:
    """JSON for a <script> element: '<', '>' and '&' escaped, so no text can close it."""
    text = json.dumps(json.loads(data), ensure_ascii=False, indent=1)
    # These characters only ever occur inside JSON strings, where \\uXXXX means the same.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _graph(triples: Iterable[AnyTriple]) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph


def _dumps(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
