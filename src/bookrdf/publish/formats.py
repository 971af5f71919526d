"""One book as Turtle, JSON-LD, N-Triples (plain or gzipped), N-Quads or RDF/XML."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Mapping, Sequence
from functools import cache, cached_property
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from bookrdf.publish.jsonld import nested_jsonld
from bookrdf.resources import jsonld_context
from bookrdf.rows import BookGraph, Lit, Subject, Term, lit
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
GZIP_LEVEL = 3  # 3x faster than 6 for 18% more bytes (N-Triples of the benchmark catalogue)


def to_oxigraph(term: Term | Node) -> ox.NamedNode | ox.Literal:
    """A row's term (or an rdflib term) as a pyoxigraph term (which also checks IRI syntax)."""
    found = lit(term)
    if found is not None:
        if found.lang:
            return ox.Literal(found.value, language=found.lang)
        if found.datatype:
            return ox.Literal(found.value, datatype=ox.NamedNode(found.datatype))
        return ox.Literal(found.value)
    if isinstance(term, BNode):
        raise ValueError("bookrdf writes no blank nodes; mint an IRI in vocab.Minter")
    if isinstance(term, str):
        return ox.NamedNode(term)
    raise TypeError(f"cannot write {term!r}")


_DIGIT_RUNS = re.compile("([0-9]+)")


def natural_key(text: str) -> list[Any]:
    """'chapter/2' before 'chapter/10'."""
    # split() alternates text and ASCII digit runs, so the n-th items always compare alike
    parts: list[Any] = _DIGIT_RUNS.split(text)
    parts[1::2] = map(int, parts[1::2])
    return parts


# N-Triples and Turtle string escapes, exactly as pyoxigraph writes them (a test compares the
# bytes): quote, backslash and the ECHAR controls escaped; other controls as \uXXXX.
_TO_ESCAPE = re.compile('[\x00-\x1f"\\\\\x7f]')
_CONTROL = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f]")
_CONTROL_ESCAPES = str.maketrans(
    {chr(c): f"\\u{c:04X}" for c in [*range(0x20), 0x7F]} | {"\b": "\\b", "\f": "\\f"}
)


def quoted(text: str) -> str:
    """A string literal's quoted, escaped form (N-Triples and Turtle alike)."""
    if _TO_ESCAPE.search(text) is None:  # most text: nothing to escape
        return '"' + text + '"'
    text = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    if _CONTROL.search(text) is not None:
        text = text.translate(_CONTROL_ESCAPES)
    return '"' + text + '"'


def nt_term(term: Term) -> str:
    """One term in N-Triples: <iri>, "text", "text"@lang or "text"^^<datatype>."""
    if type(term) is str:
        return f"<{term}>"
    found = lit(term)
    if found is None:
        if isinstance(term, BNode):
            raise ValueError("bookrdf writes no blank nodes; mint an IRI in vocab.Minter")
        return f"<{term}>"
    return nt_literal(found)


def nt_literal(found: Lit) -> str:
    """A literal in N-Triples (and in Turtle, when it has no datatype)."""
    if found.lang:
        return f"{quoted(found.value)}@{found.lang}"
    if found.datatype:
        return f"{quoted(found.value)}^^<{found.datatype}>"
    return quoted(found.value)


_RDF_TYPE = str(RDF.type)


def ntriples_by_subject(
    groups: Mapping[str, Subject], literals: dict[Term, str] | None = None
) -> dict[str, list[str]]:
    """Each subject's N-Triples lines; a literal used twice (dcterms:title and schema:name) is
    escaped once. `literals` keeps each literal's text, for `turtle_body` to reuse."""
    rendered: dict[Term, str] = {} if literals is None else literals
    out: dict[str, list[str]] = {}
    for iri, node in groups.items():
        head = f"<{iri}> "
        lines = [f"{head}<{_RDF_TYPE}> <{cls}> .\n" for cls in node.types]
        add = lines.append
        # IRIs as <iri>, literals escaped once per book: this runs for every triple written
        for predicate, objects in node.values.items():
            start = f"{head}<{predicate}> "
            for obj in objects:
                if type(obj) is str:
                    add(f"{start}<{obj}> .\n")
                    continue
                text = rendered.get(obj)
                if text is None:
                    text = rendered[obj] = nt_literal(obj) if type(obj) is Lit else nt_term(obj)
                add(f"{start}{text} .\n")
        out[iri] = lines
    return out


def grouped(book: BookGraph) -> dict[str, Subject]:
    """The book's distinct statements by subject: the work first, then the others in natural
    order ('chapter/2' before '/10'); predicates sorted, objects in the order they were made."""
    subjects: dict[str, Subject] = {}
    if book.subjects is not None:
        return _in_order(book.subjects, str(book.work))
    for s, p, o in book.rows:
        if type(s) is not str:  # rdflib terms, from a graph read elsewhere
            if isinstance(s, BNode):
                raise ValueError("bookrdf writes no blank nodes; mint an IRI in vocab.Minter")
            s, p = str(s), str(p)
            o = str(o) if type(o) is URIRef else o
        node = subjects.get(s)
        if node is None:
            node = subjects[s] = Subject(s)
        node.put(p, o)
    return _in_order(subjects, str(book.work))


def _in_order(subjects: Mapping[str, Subject], work: str) -> dict[str, Subject]:
    order = sorted(subjects, key=lambda iri: (iri != work, natural_key(iri)))
    return {iri: subjects[iri] for iri in order}


class RenderedBook:
    """One book, each format rendered at most once (a release writes several)."""

    def __init__(self, book: BookGraph) -> None:
        self.book = book

    @cached_property
    def groups(self) -> dict[str, Subject]:
        return grouped(self.book)

    @cached_property
    def literals(self) -> dict[Term, str]:
        """Each literal's N-Triples text, escaped once for N-Triples and Turtle together."""
        return {}

    @cached_property
    def subject_lines(self) -> dict[str, list[str]]:
        """Its N-Triples lines by subject, each line once."""
        return ntriples_by_subject(self.groups, self.literals)

    @cached_property
    def lines(self) -> list[str]:
        """Its distinct N-Triples lines, sorted."""
        lines = [line for found in self.subject_lines.values() for line in found]
        if self.book.subjects is None:
            # rows read from RDF may hold two terms written alike ("x" and "x"^^xsd:string)
            return sorted(set(lines))
        return sorted(lines)

    @cached_property
    def triples(self) -> list[ox.Triple]:
        """Its distinct triples as pyoxigraph terms, in the order of the Turtle."""
        triples = []
        for node in self.groups.values():
            subject = ox.NamedNode(node.iri)
            statements: list[tuple[str, Sequence[Term]]] = [(_RDF_TYPE, node.types)]
            for p, objects in [*statements, *sorted(node.values.items())]:
                predicate = ox.NamedNode(p)
                triples += [ox.Triple(subject, predicate, to_oxigraph(o)) for o in objects]
        return triples

    @cached_property
    def ntriples(self) -> bytes:
        """Sorted N-Triples, one line per distinct triple: the same book, the same bytes."""
        return "".join(self.lines).encode("utf-8")

    @cached_property
    def nquads(self) -> bytes:
        graph = f" <{self.book.graph}> .\n"
        return "".join(line[:-3] + graph for line in self.lines).encode("utf-8")

    @cached_property
    def turtle_parts(self) -> tuple[bytes, bytes]:
        """(prefix header, body): the header is the same for every book."""
        return turtle_header(), turtle_body(self.groups, self.literals)

    @cached_property
    def rdfxml(self) -> bytes:
        """The rdf:Description elements, without the rdf:RDF frame."""
        head, tail = rdfxml_frame()
        return serialize(self.triples, ox.RdfFormat.RDF_XML)[len(head) : -len(tail)]

    @cached_property
    def jsonld(self) -> dict[str, Any]:
        return nested_jsonld(str(self.book.work), self.groups)


def serialize(items: Sequence[ox.Triple] | Sequence[ox.Quad], fmt: ox.RdfFormat) -> bytes:
    """pyoxigraph's serializer, writing to memory (it returns bytes when given no output)."""
    data = ox.serialize(items, format=fmt, prefixes=PREFIXES)
    assert data is not None
    return data


def gzipped(data: bytes) -> bytes:
    """Deterministic gzip: no file name, mtime 0."""
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


# A prefixed name's local part, kept to a safe subset of Turtle's PN_LOCAL; anything else is
# written as a full IRI.
_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


@cache
def prefixed(iri: str) -> str:
    """A vocabulary IRI as a prefixed name where one is safe, else <iri>. Cached: only called
    for predicates, classes and datatypes, a small set."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and _LOCAL_NAME.fullmatch(iri[len(namespace) :]):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


@cache
def turtle_header() -> bytes:
    """Every prefix, once at the top of a Turtle file."""
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()).encode("utf-8")


def _turtle_object(term: Term) -> str:
    found = lit(term)
    if found is None:
        return nt_term(term)
    if found.lang:
        return f"{quoted(found.value)}@{found.lang}"
    if found.datatype:
        return f"{quoted(found.value)}^^{prefixed(found.datatype)}"
    return quoted(found.value)


def _turtle_text(obj: Term, shared: dict[Term, str], typed: dict[Term, str]) -> str:
    """One object in Turtle; literals written once a book (as in ntriples_by_subject)."""
    if type(obj) is str:
        return f"<{obj}>"
    if type(obj) is Lit and obj.datatype is None:
        text = shared.get(obj)
        if text is None:
            text = shared[obj] = nt_literal(obj)
        return text
    text = typed.get(obj)
    if text is None:
        text = typed[obj] = _turtle_object(obj)
    return text


def turtle_body(groups: dict[str, Subject], literals: dict[Term, str] | None = None) -> bytes:
    """Turtle statements, one block per subject: `<s> a class ; pred obj, obj ; … .`

    A literal without a datatype is written as in N-Triples: its text is taken from
    `literals`, which `ntriples_by_subject` fills (and fills it in turn)."""
    blocks = []
    shared: dict[Term, str] = {} if literals is None else literals
    typed: dict[Term, str] = {}  # literals with a datatype, written with a prefixed name
    for node in groups.values():
        statements = []
        if node.types:
            statements.append("a " + ", ".join([prefixed(cls) for cls in node.types]))
        for predicate, objects in sorted(node.values.items()):
            if len(objects) == 1:  # most statements: no list to join
                text = _turtle_text(objects[0], shared, typed)
            else:
                text = ", ".join([_turtle_text(obj, shared, typed) for obj in objects])
            statements.append(f"{prefixed(predicate)} {text}")
        blocks.append(f"<{node.iri}> " + " ;\n    ".join(statements) + " .\n")
    return "\n".join(blocks).encode("utf-8")


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
    return RenderedBook(book).jsonld


def refuse_remote_context(url: str, options: Any = None) -> dict[str, Any]:
    """The JSON-LD document loader: bookrdf never fetches anything from the web."""
    from pyld import jsonld  # imported here: publishing never needs pyld (0.04 s to import)

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
