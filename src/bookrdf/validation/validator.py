"""Validate books with pyshacl: one book (a closed unit) at a time, or a whole RDF graph.

Books are validated by the engine (engine.py: pyshacl's constraint components driven once per
batch, SPARQL constraints as one Oxigraph query per batch), many at a time (batch.py), each
getting exactly the results plain pyshacl gives it alone. Shapes the engine does not support
are validated by plain pyshacl, book by book.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar
from urllib.parse import unquote

import pyoxigraph as ox
from pyshacl import Validator as ShaclValidator
from pyshacl.errors import (
    ConstraintLoadError,
    ReportableRuntimeError,
    ShapeLoadError,
    ValidationFailure,
)
from pyshacl.graph_abstraction import DataGraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, NamespaceManager
from rdflib.paths import Path
from rdflib.term import Node

from bookrdf.collector import collector_paused
from bookrdf.errors import InputError, ShapesError
from bookrdf.mapping import BookGraph
from bookrdf.model import Book
from bookrdf.validation.batch import (
    BATCH_SIZE,
    Entry,
    entry,
    groups,
    run_group,
    windows,
)
from bookrdf.validation.engine import Engine
from bookrdf.validation.found import Found
from bookrdf.validation.index import IndexedGraph
from bookrdf.validation.locate import Locator
from bookrdf.validation.paths import Unsupported
from bookrdf.validation.results import (
    BookReport,
    ValidationResult,
    Where,
    engine_result,
    read_results,
    sort_results,
)
from bookrdf.validation.shapes import bound_graph
from bookrdf.validation.sparql import OxigraphData, SparqlRun
from bookrdf.vocab import BIBO, SCHEMA, Minter

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_T = TypeVar("_T")
_PYSHACL_ERRORS = (ConstraintLoadError, ShapeLoadError, ReportableRuntimeError, ValidationFailure)
# How a node leads to the work it belongs to, when its IRI does not say.
_TOWARDS_WORK = (SCHEMA.exampleOfWork, DCTERMS.isPartOf, SCHEMA.encodesCreativeWork)
_OWNERS = (
    DCTERMS.creator, DCTERMS.contributor, SCHEMA.author, SCHEMA.editor, SCHEMA.translator,
    SCHEMA.contributor, DCTERMS.publisher, BIBO.authorList, BIBO.editorList,
    BIBO.contributorList, RDF.first, RDF.rest,
)  # fmt: skip


class Validator:
    """Validates books against one shapes graph, which the caller parses once (load_shapes).

    `fast=False` validates with plain pyshacl, book by book (the reference the engine is
    tested against).
    """

    def __init__(self, shapes: Graph, minter: Minter | None = None, *, fast: bool = True) -> None:
        # A copy: pyshacl adds two triples of its own to the shapes graph it is given.
        self.shapes = Graph()
        for triple in shapes:
            self.shapes.add(triple)
        self.minter = minter or Minter()
        self.names: NamespaceManager = bound_graph().namespace_manager
        self._engine: Engine | None = None
        self._plain = not fast

    def engine(self) -> Engine | None:
        """The compiled shapes (built on first use); None when plain pyshacl must run them."""
        if self._engine is None and not self._plain:
            try:
                self._engine = Engine(self.shapes)
            except Unsupported:
                self._plain = True
        return self._engine

    def validate_book(self, graph: BookGraph, book: Book | None = None) -> BookReport:
        """Validate one book's triples; `book` (its record) lets results name fields and lines."""
        return next(self.validate_books([(graph, book)], batch_size=1))

    def validate_books(
        self, items: Iterable[tuple[BookGraph, Book | None]], batch_size: int | None = None
    ) -> Iterator[BookReport]:
        """One report per book, in input order, each as if the book were validated alone.

        Reads `batch_size` books at a time (default BATCH_SIZE) and validates them together.
        """
        engine = self.engine()
        if engine is None:
            for graph, book in items:
                yield self._plain_book(graph, book)
            return
        size = max(batch_size or BATCH_SIZE, 1)
        together = size > 1 and engine.batchable
        for window in windows(items, size):
            with collector_paused():  # never across a yield: the caller's code runs there
                reports = self._window(engine, window, together)
            yield from reports

    def _window(
        self, engine: Engine, window: list[tuple[BookGraph, Book | None]], together: bool
    ) -> list[BookReport]:
        """The reports of a window of books, validated in as few groups as they allow."""
        iris: dict[str, Node] = {}
        entries = [entry(engine, graph, book, iris) for graph, book in window]
        found: dict[int, list[ValidationResult]] = {id(e): [] for e in entries}
        locators: dict[int, Locator] = {}
        for group in groups(entries, together):
            indexed, owned = self._checked(run_group, engine, group)
            for owner, result in owned:
                locate = self._book_locate(owner, locators)
                found[id(owner)].append(self._result(engine, indexed, result, locate))
        return [
            BookReport(e.graph.book_id, e.book.source if e.book else None,
                       tuple(sort_results(found[id(e)])))
            for e in entries
        ]  # fmt: skip

    def validate_graph(self, data: Graph) -> list[ValidationResult]:
        """Validate a whole graph; each result names the book of the work its focus belongs to."""

        def locate(focus: Node, path: URIRef | Path | None, value: Node | None) -> Where:
            work = work_of(data, focus)
            if work is None:
                return Where()
            book_id = self.book_id_of(work)
            return Where(book_id, field=Locator(self.minter, book_id).field(focus, path, value))

        engine = self.engine()
        if engine is None:
            return read_results(self._run(data), self.names, locate)
        indexed = IndexedGraph(data)
        wanted = engine.sparql_predicates
        sparql = OxigraphData()
        portable = sparql.add_book(t for t in data if wanted is None or t[1] in wanted)
        found = self._checked(engine.run, indexed, SparqlRun(sparql if portable else None))
        return [self._result(engine, indexed, f, locate) for f in found]

    def _result(
        self,
        engine: Engine,
        graph: IndexedGraph,
        found: Found,
        locate: Callable[[Node, URIRef | Path | None, Node | None], Where],
    ) -> ValidationResult:
        return engine_result(found, engine.sg.graph, graph, self.names, locate)

    def _book_locate(
        self, owner: Entry, locators: dict[int, Locator]
    ) -> Callable[[Node, URIRef | Path | None, Node | None], Where]:
        """Where a result is in a book's record (the locator made once per book with results)."""
        book_id, book = owner.graph.book_id, owner.book
        if id(owner) not in locators:
            locators[id(owner)] = Locator(self.minter, book_id, book)
        locator = locators[id(owner)]
        source = book.source if book else None

        def locate(focus: Node, path: URIRef | Path | None, value: Node | None) -> Where:
            field = locator.field(focus, path, value)
            line = book.line_of(field or "") if book is not None else None
            return Where(book_id, source, line, field)

        return locate

    def _checked(self, run: Callable[..., _T], *args: Any) -> _T:
        """Runs the engine; pyshacl's errors about the shapes become a ShapesError."""
        try:
            return run(*args)
        except _PYSHACL_ERRORS as err:
            raise ShapesError(f"the SHACL shapes cannot be used: {err}") from None

    def _plain_book(self, graph: BookGraph, book: Book | None = None) -> BookReport:
        """One book validated by plain pyshacl."""
        report = self._run(graph.triples)
        locator = Locator(self.minter, graph.book_id, book)
        source = book.source if book else None

        def locate(focus: Node, path: URIRef | Path | None, value: Node | None) -> Where:
            field = locator.field(focus, path, value)
            line = book.line_of(field or "") if book is not None else None
            return Where(graph.book_id, source, line, field)

        results = read_results(report, self.names, locate)
        return BookReport(graph.book_id, source, tuple(results))

    def book_ids(self, data: Graph) -> list[str]:
        """The books of a whole graph: its works (schema:Book, not an edition of another)."""
        return sorted(
            {
                self.book_id_of(work)
                for work in data.subjects(RDF.type, SCHEMA.Book)
                if isinstance(work, URIRef) and work_of(data, work) == work
            }
        )

    def book_id_of(self, work: URIRef) -> str:
        """The record id of a work minted by this minter, else the work's IRI."""
        prefix = f"{self.minter.base}book/"
        rest = str(work)[len(prefix) :]
        if str(work).startswith(prefix) and rest and "/" not in rest:
            return unquote(rest)
        return str(work)

    def _run(self, triples: Iterable[tuple[Node, Node, Node]]) -> Graph:
        """pyshacl's report graph: on an Oxigraph store, whose SPARQL engine is fast.

        pyshacl 0.40's Oxigraph data graph raises TypeError when a path steps from a literal
        (data where an IRI belongs, never the mapping's own output); such a graph is validated
        again as an rdflib graph, slower but with the same results.
        """
        triples = list(triples)
        store = _store(triples)
        try:
            return self._report(DataGraph.from_oxigraph_store(store))
        except TypeError:
            fallback = Graph()
            for triple in triples:
                fallback.add(triple)
            return self._report(DataGraph.from_rdflib_graph(fallback))

    def _report(self, data: DataGraph) -> Graph:
        validator = ShaclValidator(
            data,
            shacl_graph=self.shapes,
            options={"inference": "none", "advanced": False, "inplace": True},
        )
        try:
            _conforms, report, _text = validator.run()  # type: ignore[no-untyped-call]
        except _PYSHACL_ERRORS as err:
            raise ShapesError(f"the SHACL shapes cannot be used: {err}") from None
        if not isinstance(report, Graph):
            raise ShapesError("pyshacl returned no report graph")
        return report


def validate_graph(
    data: Graph, shapes: Graph, minter: Minter | None = None
) -> list[ValidationResult]:
    """Validate a whole graph (an RDF file's books) against the shapes."""
    return Validator(shapes, minter).validate_graph(data)


def reports_by_book(
    results: Iterable[ValidationResult], books: Iterable[str] = ()
) -> list[BookReport]:
    """Group results of a whole graph into one report per book (None: no book found); each of
    `books` (the graph's, `Validator.book_ids`) gets a report even when it has no result."""
    groups: dict[str | None, list[ValidationResult]] = {book: [] for book in books}
    for result in results:
        groups.setdefault(result.book_id, []).append(result)
    return [
        BookReport(book_id, None, tuple(sort_results(found)))
        for book_id, found in sorted(
            groups.items(), key=lambda item: (item[0] is None, item[0] or "")
        )
    ]


def work_of(data: Graph, node: Node, seen: frozenset[Node] = frozenset()) -> URIRef | None:
    """The work a node belongs to: itself, its work, its chapter's work, or its one owner's."""
    if not isinstance(node, (URIRef, BNode)) or node in seen:
        return None
    seen = seen | {node}
    if (node, RDF.type, SCHEMA.Book) in data and (node, SCHEMA.exampleOfWork, None) not in data:
        return node if isinstance(node, URIRef) else None
    for predicate in _TOWARDS_WORK:
        for target in data.objects(node, predicate):
            work = work_of(data, target, seen)
            if work is not None:
                return work
    owners = {work_of(data, s, seen) for p in _OWNERS for s in data.subjects(p, node)}
    owners.discard(None)
    return owners.pop() if len(owners) == 1 else None


def _store(triples: Iterable[tuple[Node, Node, Node]]) -> ox.Store:
    store = ox.Store()
    store.extend(
        ox.Quad(_ox(s), _ox(p), _ox(o), ox.DefaultGraph())  # type: ignore[arg-type]
        for s, p, o in triples
    )
    return store


def _ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term; a malformed IRI is an input error."""
    try:
        return _ox_term(term)
    except ValueError as err:
        raise InputError(f"{term.n3()} cannot be validated: {err}") from None


def _ox_term(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        datatype = str(term.datatype) if term.datatype else _XSD_STRING
        return ox.Literal(str(term), datatype=ox.NamedNode(datatype))
    raise InputError(f"{term!r} is not an RDF term that can be validated")
