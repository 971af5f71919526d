"""The vocabularies of a release description, and its Turtle and JSON-LD forms."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from itertools import groupby
from typing import Any

import pyoxigraph as ox

from bookrdf.release.manifest import Sink
from bookrdf.vocab import PREFIXES


class Vocabulary:
    """IRIs in one namespace as attributes: `VOID.triples`."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace

    def __getattr__(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(self.namespace + name)


VOID = Vocabulary("http://rdfs.org/ns/void#")
DCAT = Vocabulary("http://www.w3.org/ns/dcat#")
PROV = Vocabulary("http://www.w3.org/ns/prov#")
SPDX = Vocabulary("http://spdx.org/rdf/terms#")
FOAF = Vocabulary("http://xmlns.com/foaf/0.1/")
DCTERMS = Vocabulary(PREFIXES["dcterms"])
SCHEMA = Vocabulary(PREFIXES["schema"])
RDF = Vocabulary(PREFIXES["rdf"])
RDFS = Vocabulary(PREFIXES["rdfs"])
XSD = Vocabulary(PREFIXES["xsd"])
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

DESCRIPTION_PREFIXES: dict[str, str] = {
    "void": VOID.namespace,
    "dcat": DCAT.namespace,
    "dcterms": DCTERMS.namespace,
    "prov": PROV.namespace,
    "spdx": SPDX.namespace,
    "foaf": FOAF.namespace,
    "schema": SCHEMA.namespace,
    "rdf": RDF.namespace,
    "rdfs": RDFS.namespace,
    "xsd": XSD.namespace,
}
# every namespace bookrdf knows a prefix for, longest first so that the best match wins
KNOWN_NAMESPACES = sorted(
    {**PREFIXES, **DESCRIPTION_PREFIXES}.items(), key=lambda item: -len(item[1])
)


def prefixed(iri: str) -> tuple[str, str] | None:
    """('schema', 'Book') for http://schema.org/Book; None outside the known namespaces."""
    for prefix, namespace in KNOWN_NAMESPACES:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return prefix, iri[len(namespace) :]
    return None


def namespace_of(iri: str) -> str:
    """The vocabulary an IRI belongs to: a known namespace, else up to its last '#' or '/'."""
    known = prefixed(iri)
    if known:
        return dict(KNOWN_NAMESPACES)[known[0]]
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1] if cut > 0 else iri


def sort_description(triples: Sequence[ox.Triple], first: str) -> list[ox.Triple]:
    """`first` (the dataset) first, then by subject; rdf:type first in each: stable output."""
    rdf_type = RDF.type.value

    def key(triple: ox.Triple) -> tuple[bool, str, bool, str, str]:
        subject = str(triple.subject)[1:-1]
        predicate = triple.predicate.value
        return (subject != first, subject, predicate != rdf_type, predicate, str(triple.object))

    return sorted(set(triples), key=key)


def write_turtle(
    core: Sequence[ox.Triple], parts: Iterable[Sequence[ox.Triple]], out: Sink
) -> None:
    """The description as Turtle: the prefixes and `core`, then each part (streamed)."""
    out.write(_serialize(core))
    for part in parts:
        text = _serialize(part)
        out.write(text[text.index(b"\n<") :])  # without the prefixes, written once above


def _serialize(triples: Sequence[ox.Triple]) -> bytes:
    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=DESCRIPTION_PREFIXES)
    assert data is not None
    return data


def write_jsonld(
    core: Sequence[ox.Triple], parts: Iterable[Sequence[ox.Triple]], out: Sink
) -> None:
    """The description as flat JSON-LD 1.1, one node object per subject and part (streamed),
    with its context inline."""
    context = json.dumps(DESCRIPTION_PREFIXES, indent=2)
    out.write(f'{{\n"@context": {context},\n"@graph": [\n'.encode())
    first = True
    for triples in _chain(core, parts):
        for _, group in groupby(triples, key=lambda triple: triple.subject):
            node = json.dumps(_node(list(group)), ensure_ascii=False, indent=2)
            out.write(("" if first else ",\n").encode() + node.encode("utf-8"))
            first = False
    out.write(b"\n]\n}\n")


def _chain(
    core: Sequence[ox.Triple], parts: Iterable[Sequence[ox.Triple]]
) -> Iterator[Sequence[ox.Triple]]:
    yield core
    yield from parts


def _compact(iri: str) -> str:
    for prefix, namespace in DESCRIPTION_PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _node(triples: Sequence[ox.Triple]) -> dict[str, Any]:
    """One subject's triples as a JSON-LD node object."""
    subject = triples[0].subject
    if not isinstance(subject, ox.NamedNode):
        raise ValueError(f"a release description has no blank nodes: {triples[0]}")
    node: dict[str, Any] = {"@id": subject.value}
    for triple in triples:
        obj = triple.object
        if triple.predicate == RDF.type and isinstance(obj, ox.NamedNode):
            node.setdefault("@type", []).append(_compact(obj.value))
        elif isinstance(obj, ox.NamedNode):
            node.setdefault(_compact(triple.predicate.value), []).append({"@id": obj.value})
        elif isinstance(obj, ox.Literal):
            value: dict[str, str] = {"@value": obj.value}
            if obj.language:
                value["@language"] = obj.language
            elif obj.datatype.value != XSD.string.value:
                value["@type"] = _compact(obj.datatype.value)
            node.setdefault(_compact(triple.predicate.value), []).append(value)
        else:
            raise ValueError(f"a release description has no blank nodes: {triple}")
    return node
