"""Write books as Turtle, JSON-LD, N-Triples, N-Quads and RDF/XML — book by book, atomically."""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox
from pyld import jsonld
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from bookrdf.errors import OutputError
from bookrdf.mapping import BookGraph, Triple
from bookrdf.resources import jsonld_context, resource_path
from bookrdf.vocab import PREFIXES

FORMATS: dict[str, str] = {
    "ttl": "books.ttl",
    "jsonld": "books.jsonld",
    "nt": "books.nt",
    "nq": "books.nq",
    "xml": "books.rdf",
}
DEFAULT_FORMATS = ("ttl", "jsonld", "nt")
MEDIA_TYPES = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "nq": "application/n-quads",
    "xml": "application/rdf+xml",
}


# --- terms -------------------------------------------------------------------------------


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


def _natural_key(text: str) -> list[Any]:
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
            _natural_key(subject),
            predicate != str(RDF.type),
            predicate,
            _natural_key(obj),
        )

    return [
        ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]
        for s, p, o in sorted(set(book.triples), key=key)
    ]


def _serialize(items: Sequence[ox.Triple] | Sequence[ox.Quad], fmt: ox.RdfFormat) -> bytes:
    """pyoxigraph's serializer, writing to memory (it returns bytes when given no output)."""
    data = ox.serialize(items, format=fmt, prefixes=PREFIXES)
    assert data is not None
    return data


# --- one book in each format -------------------------------------------------------------


def _turtle_parts(book: BookGraph) -> tuple[bytes, bytes]:
    """(prefix header, body): oxigraph writes every prefix before the first triple."""
    text = _serialize(sorted_triples(book), ox.RdfFormat.TURTLE)
    lines = text.splitlines(keepends=True)
    split = next((i for i, line in enumerate(lines) if not line.startswith(b"@prefix ")), 0)
    return b"".join(lines[:split]), b"".join(lines[split:])


def book_ntriples(book: BookGraph) -> bytes:
    """Sorted canonical N-Triples: the same book always gives the same bytes."""
    text = _serialize(sorted_triples(book), ox.RdfFormat.N_TRIPLES)
    return b"".join(sorted(text.splitlines(keepends=True)))


def book_nquads(book: BookGraph) -> bytes:
    graph = ox.NamedNode(str(book.graph))
    quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in sorted_triples(book)]
    text = _serialize(quads, ox.RdfFormat.N_QUADS)
    return b"".join(sorted(text.splitlines(keepends=True)))


def _rdfxml_frame() -> tuple[bytes, bytes]:
    empty = _serialize([], ox.RdfFormat.RDF_XML)
    tail = b"</rdf:RDF>"
    return empty[: -len(tail)], tail


def book_rdfxml(book: BookGraph) -> bytes:
    head, tail = _rdfxml_frame()
    text = _serialize(sorted_triples(book), ox.RdfFormat.RDF_XML)
    return text[len(head) : -len(tail)]


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
            parts.sort(key=lambda node: _natural_key(str(node.get("id", ""))))
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
    if fmt == "ttl":
        head, body = _turtle_parts(book)
        return head + body
    if fmt == "nt":
        return book_ntriples(book)
    if fmt == "nq":
        return book_nquads(book)
    if fmt == "xml":
        head, tail = _rdfxml_frame()
        return head + book_rdfxml(book) + tail + b"\n"
    if fmt == "jsonld":
        document = {"@context": jsonld_context(), **book_jsonld(book)}
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    raise ValueError(f"unknown format {fmt}")


# --- whole files, book by book -----------------------------------------------------------


class _Writer:
    """Writes one format to an open file, one book at a time."""

    def __init__(self, fmt: str, out: IO[bytes]) -> None:
        self.fmt = fmt
        self.out = out
        self.count = 0
        self.head_written = False

    def write(self, book: BookGraph) -> None:
        if self.fmt == "ttl":
            head, body = _turtle_parts(book)
            if not self.head_written:
                self.out.write(head)
                self.head_written = True
            self.out.write(b"\n" + body)
        elif self.fmt == "nt":
            self.out.write(book_ntriples(book))
        elif self.fmt == "nq":
            self.out.write(book_nquads(book))
        elif self.fmt == "xml":
            if not self.head_written:
                self.out.write(_rdfxml_frame()[0])
                self.head_written = True
            self.out.write(book_rdfxml(book))
        elif self.fmt == "jsonld":
            if not self.head_written:
                context = json.dumps(jsonld_context(), ensure_ascii=False, indent=2)
                self.out.write(f'{{\n"@context": {context},\n"@graph": [\n'.encode())
                self.head_written = True
            prefix = b",\n" if self.count else b""
            node = json.dumps(book_jsonld(book), ensure_ascii=False, indent=1)
            self.out.write(prefix + node.encode("utf-8"))
        self.count += 1

    def close(self) -> None:
        if self.fmt == "xml":
            head, tail = _rdfxml_frame()
            self.out.write((b"" if self.head_written else head) + tail + b"\n")
        elif self.fmt == "jsonld":
            if not self.head_written:
                context = json.dumps(jsonld_context(), ensure_ascii=False, indent=2)
                self.out.write(f'{{\n"@context": {context},\n"@graph": [\n'.encode())
            self.out.write(b"\n]\n}\n")


@dataclass
class ReleaseSummary:
    """What a release wrote."""

    out: Path
    books: int = 0
    triples: int = 0
    files: list[Path] = field(default_factory=list)


def _default_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_FILE_MODE = _default_file_mode()


@contextmanager
def atomic_files(folder: Path, names: Sequence[str]) -> Iterator[dict[str, IO[bytes]]]:
    """Open temporary files beside their targets; rename them all into place only on success."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"{folder}: cannot create the output folder: {err.strerror}") from None
    temps: dict[str, Path] = {}
    with ExitStack() as stack:
        handles: dict[str, IO[bytes]] = {}
        try:
            for name in names:
                fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
                temps[name] = Path(tmp_name)
                os.fchmod(fd, _FILE_MODE)
                handles[name] = stack.enter_context(os.fdopen(fd, "wb"))
            yield handles
            for handle in handles.values():
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            stack.close()
            for tmp in temps.values():
                tmp.unlink(missing_ok=True)
            raise
    try:
        for name, tmp in temps.items():
            os.replace(tmp, folder / name)
    except OSError as err:
        raise OutputError(f"{folder}: cannot write the release: {err.strerror}") from None


def write_release(
    books: Iterable[BookGraph],
    out: Path,
    formats: Sequence[str] = DEFAULT_FORMATS,
    on_book: Callable[[BookGraph], None] | None = None,
) -> ReleaseSummary:
    """Write every book in each format under `out`; the previous files stay until all succeed."""
    summary = ReleaseSummary(out=out)
    names = [FORMATS[fmt] for fmt in formats]
    extra = ["context.jsonld"] if "jsonld" in formats else []
    try:
        with atomic_files(out, names + extra) as handles:
            for name in extra:
                handles[name].write(resource_path("ontology/context.jsonld").read_bytes())
            writers = [_Writer(fmt, handles[FORMATS[fmt]]) for fmt in formats]
            for book in books:
                for writer in writers:
                    writer.write(book)
                summary.books += 1
                summary.triples += len(set(book.triples))
                if on_book:
                    on_book(book)
            for writer in writers:
                writer.close()
    except OSError as err:
        raise OutputError(f"{out}: cannot write the release: {err.strerror or err}") from None
    summary.files = [out / name for name in names]
    return summary
