"""Read RDF files (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML; gzipped or not) as quads,
each triple in the named graph of the book it describes."""

from __future__ import annotations

import gzip
import io
import itertools
import re
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox
from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type hints

from bookrdf.errors import InputError
from bookrdf.store.owners import Owners, iri_value
from bookrdf.vocab import DEFAULT_BASE

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}


def rdf_format(path: Path) -> ox.RdfFormat:
    """The format of an RDF file, from its name ('books.nt.gz' is N-Triples)."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes[-1:] == [".gz"]:
        suffixes.pop()
    fmt = RDF_FORMATS.get(suffixes[-1] if suffixes else "")
    if fmt is None:
        known = ", ".join(RDF_FORMATS)
        raise InputError(f"{path}: not an RDF file bookrdf reads ({known}, each also as .gz)")
    return fmt


def parse_quads(path: Path) -> Iterator[ox.Quad]:
    """Every quad in one RDF file as parsed; remote JSON-LD contexts are never fetched."""
    fmt = rdf_format(path)
    try:
        if fmt == ox.RdfFormat.RDF_XML:
            _refuse_entity_bombs(path)
        with open_rdf(path) as stream:
            try:
                # No base IRI: resolving relative IRIs against the file's own path would put a
                # local path into the data, so they are refused (an @base in the file is used).
                yield from ox.parse(stream, format=fmt)
            except MemoryError as err:
                if TERM_LIMIT_MESSAGE not in str(err):
                    raise
                raise InputError(_term_too_long(path, stream.tell())) from None
    except SyntaxError as err:
        raise InputError(_syntax_message(path, err)) from None
    except READ_ERRORS as err:
        raise read_failure(path, err) from None


READ_ERRORS = (OSError, EOFError, zlib.error)
# Oxigraph's parsers hold one term at a time in a buffer of at most 16 MiB; a longer term
# (a literal, mostly) fails with a MemoryError saying so.
TERM_LIMIT = 1 << 24
TERM_LIMIT_MESSAGE = f"buffer maximal size of {TERM_LIMIT}"


def _term_too_long(path: Path, position: int) -> str:
    """The error for a term over the parser's limit, `position` bytes into the file."""
    # The parser has read past the start of the term by at least the limit.
    line = _line_at(path, max(position - TERM_LIMIT, 0))
    return (
        f"{path}:{line}: a term longer than 16 MiB (a literal, mostly), more than the RDF "
        "parser takes; shorten it or leave it out"
    )


def _line_at(path: Path, position: int) -> int:
    """The number of the line holding the byte at `position`."""
    newlines = 0
    with open_rdf(path) as stream:
        while position > 0:
            block = stream.read(min(position, 1 << 20))
            if not block:
                break
            newlines += block.count(b"\n")
            position -= len(block)
    return newlines + 1


def _refuse_entity_bombs(path: Path) -> None:
    """Refuse RDF/XML whose entities expand out of all proportion to the file ("billion laughs").

    Oxigraph expands internal entities without limit (a 600-byte file can become a gigabyte
    literal), so libxml2, which caps the expansion at a few times the file's size, reads the
    file first, expanding internal entities only. Its other complaints are left to Oxigraph,
    whose errors are the ones bookrdf reports for RDF files.
    """
    with open_rdf(path) as stream:
        try:
            for _, element in etree.iterparse(
                stream,
                events=("end",),
                resolve_entities="internal",
                no_network=True,
                load_dtd=False,
                huge_tree=True,  # long literals are fine; the amplification cap stays on
            ):
                element.clear()
        except etree.XMLSyntaxError as err:
            if "amplification" in str(err):
                raise InputError(
                    f"{path}: its XML entities expand to far more text than the "
                    "file holds; write the text out instead of building it from entities"
                ) from None


@contextmanager
def open_rdf(path: Path) -> Iterator[IO[bytes]]:
    """An RDF file opened for reading, gunzipped when its name ends in .gz."""
    with ExitStack() as stack:
        stream: IO[bytes] = stack.enter_context(path.open("rb"))
        if path.suffix.lower() == ".gz":
            # Python reads an empty file as an empty gzip stream; gzip -t refuses it, and a
            # part cut off at its first byte must not load as no triples
            if not stream.read(1):
                raise EOFError("it is empty, and an empty file is no gzip stream")
            stream.seek(0)
            # typeshed does not count GzipFile as an IO[bytes]; it is one
            stream = cast(IO[bytes], stack.enter_context(gzip.GzipFile(fileobj=stream)))
        _skip_byte_order_mark(stream)
        yield stream


UTF8_BOM = b"\xef\xbb\xbf"


def _skip_byte_order_mark(stream: IO[bytes]) -> None:
    """Past a UTF-8 byte order mark, which Windows editors write and Oxigraph refuses as a term
    (rdflib, Jena and rapper read it as nothing)."""
    if stream.read(len(UTF8_BOM)) != UTF8_BOM:
        stream.seek(0)


def read_failure(path: Path, err: OSError | EOFError | zlib.error) -> InputError:
    """A file that cannot be read (missing, unreadable, a broken gzip stream)."""
    reason = getattr(err, "strerror", None) or err
    return InputError(f"{path}: cannot read the file: {reason}")


def _syntax_message(path: Path, err: SyntaxError) -> str:
    """A parser's error with file, line and column."""
    if "LoadDocumentCallback" in str(err):
        return (
            f"{path}: the JSON-LD names a remote @context, which bookrdf never fetches; "
            "put the context itself in the file (bookrdf's is ontology/context.jsonld)"
        )
    where = f"{path}:{err.lineno}:{err.offset}" if err.lineno else str(path)
    if _NO_SCHEME in err.msg:
        fmt = rdf_format(path)
        base = _BASES.get(fmt)
        what = f"give absolute IRIs or an {base}" if base else "give absolute IRIs"
        return f"{where}: a relative IRI {_relative_iri(path, err)}; {what}"
    return f"{where}: not valid {rdf_format(path).name}: {err.msg}"


_NO_SCHEME = "No scheme found in an absolute IRI"  # Oxigraph's words for a relative IRI
_BASES = {
    ox.RdfFormat.TURTLE: "@base",
    ox.RdfFormat.TRIG: "@base",
    ox.RdfFormat.RDF_XML: "xml:base",
    ox.RdfFormat.JSON_LD: "@base",
}
_QUOTED_IRI = re.compile(r"IRI '([^']*)'")


def _relative_iri(path: Path, err: SyntaxError) -> str:
    """The relative IRI a syntax error is about, as written: from the message (RDF/XML names
    it) or from the columns it gives; '' when neither tells."""
    quoted = _QUOTED_IRI.search(err.msg)
    if quoted:
        return f"<{quoted[1]}>"
    if not (err.lineno and err.offset and err.end_offset):
        return ""
    with open_rdf(path) as stream:
        lines = io.TextIOWrapper(stream, encoding="utf-8", errors="replace")
        line = next(itertools.islice(lines, err.lineno - 1, None), "")
    return line[err.offset - 1 : err.end_offset - 1]


class _Router:
    """Finds the book graph(s) a triple belongs to, the way `bookrdf publish` groups them."""

    def __init__(self, base: str, fallback: ox.NamedNode, owners: Owners) -> None:
        self.base = base
        self.books = f"{base}book/"
        self.fallback = fallback
        # our IRIs outside any book (editions, publishers, identified people) -> book graphs
        self.owners = owners
        self._last: tuple[str, list[ox.NamedNode]] = ("", [])  # a subject and its graphs

    def book_graph(self, term: object) -> str | None:
        """'{base}book/ID/…' -> '{base}book/ID/graph'."""
        if not isinstance(term, ox.NamedNode) or not term.value.startswith(self.books):
            return None
        book_id = term.value[len(self.books) :].split("/", 1)[0].split("#", 1)[0]
        return f"{self.books}{book_id}/graph" if book_id else None

    def _shared(self, term: object) -> str | None:
        """One of our IRIs that is not inside a book."""
        if isinstance(term, ox.NamedNode) and term.value.startswith(self.base):
            return term.value if self.book_graph(term) is None else None
        return None

    def observe(self, quad: ox.Quad) -> None:
        """First pass: a link between a book and one of our shared IRIs, either way round."""
        for inside, outside in ((quad.subject, quad.object), (quad.object, quad.subject)):
            graph, shared = self.book_graph(inside), self._shared(outside)
            if graph and shared:
                self.owners.add(_text(shared), _text(graph))

    def graphs(self, quad: ox.Quad) -> list[ox.NamedNode]:
        """Second pass: the graphs a default-graph triple goes to."""
        graph = self.book_graph(quad.subject)
        if graph:
            return [ox.NamedNode(graph)]
        subject = quad.subject
        if not isinstance(subject, ox.NamedNode):
            return [self.fallback]
        if self._last[0] != subject.value:  # a subject's triples mostly come together
            owners = self.owners.of(_text(subject.value))
            graphs = [ox.NamedNode(iri_value(iri).decode()) for iri in owners]
            self._last = (subject.value, graphs or [self.fallback])
        return self._last[1]


def _text(iri: str) -> bytes:
    """An IRI as N-Triples text, as `Owners` keeps them (sorted as their values are)."""
    return f"<{iri}>".encode()


def read_quads(
    path: Path, base: str = DEFAULT_BASE, folder: Path | None = None
) -> Iterator[ox.Quad]:
    """The quads of an RDF file, each triple in its book's named graph (nq/TriG graphs are kept).

    Triples about a bookrdf book (subjects under '{base}book/ID') go to '{base}book/ID/graph';
    editions, publishers and identified people go to the graph of every book linking to them;
    anything else goes to one graph named after the file. Blank nodes are renamed per file.
    The table of shared IRIs is kept on disk in `folder` (in memory when None) while the file
    is read.
    """
    with closing(Owners(folder)) as owners:
        router = _Router(base, ox.NamedNode(path.resolve().as_uri()), owners)
        for quad in parse_quads(path):
            if isinstance(quad.graph_name, ox.DefaultGraph):
                router.observe(quad)
        blanks: dict[str, ox.BlankNode] = {}
        for parsed in parse_quads(path):
            quad = _renamed(parsed, blanks)
            if not isinstance(quad.graph_name, ox.DefaultGraph):
                yield quad
                continue
            for graph in router.graphs(quad):
                yield ox.Quad(quad.subject, quad.predicate, quad.object, graph)


def _renamed(quad: ox.Quad, blanks: dict[str, ox.BlankNode]) -> ox.Quad:
    """Blank nodes made unique to this file (parsers keep labels such as _:b0 as they are)."""
    subject, obj, graph = quad.subject, quad.object, quad.graph_name
    if not any(isinstance(term, ox.BlankNode) for term in (subject, obj, graph)):
        return quad
    if isinstance(subject, ox.BlankNode):
        subject = blanks.setdefault(subject.value, ox.BlankNode())
    if isinstance(obj, ox.BlankNode):
        obj = blanks.setdefault(obj.value, ox.BlankNode())
    if isinstance(graph, ox.BlankNode):
        graph = blanks.setdefault(graph.value, ox.BlankNode())
    return ox.Quad(subject, quad.predicate, obj, graph)
