"""SPARQL-based constraints, each run as one query over a whole batch on Oxigraph.

pyshacl runs a constraint's query once per focus node with `$this` pre-bound, and rdflib parses
the query text every time (~80 ms). For a query in which `$this` is bound first by triple
patterns that only lead forward from it (`$this dcterms:hasPart ?value . ?value …`, or
subqueries of that form that select `$this`), pre-binding `$this` to a node gives exactly the
rows of the unbound query whose `$this` is that node (the RDFUnit / SHACL-to-SPARQL technique).
So the unbound query runs once per batch on Oxigraph and its rows are grouped by `$this`;
pyshacl's own post-processing then turns them into results, as it would have.

fragment.py decides which queries are of that form (and use only what rdflib and Oxigraph
evaluate alike). Books whose SPARQL triples the two engines may read differently are kept off
Oxigraph too: literals other than plain strings and integers (Oxigraph rewrites decimals,
doubles, dates… canonically; rdflib keeps them as given), a newline (Python's `$` matches
before it, Rust's does not), integers beyond 64 bits, and values of one predicate of different
kinds (rdflib orders "x"@en before 1; for Oxigraph comparing them is an error).

Those queries and books take pyshacl's own road instead: rdflib, one query per focus node,
`$this` pre-bound (the query parsed once, not once per node).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Any, cast

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.query import ResultRow
from rdflib.term import Node

from bookrdf.validation.analyses import query_analysis
from bookrdf.validation.found import Found
from bookrdf.validation.fragment import Analysis
from bookrdf.validation.index import IndexedGraph
from bookrdf.validation.shapes import to_rdflib

_XSD = "http://www.w3.org/2001/XMLSchema#"
# Datatypes whose literals both engines keep as rdflib writes them (rdflib normalises integers).
_VERBATIM = {URIRef(_XSD + "integer")}
_STRING = URIRef(_XSD + "string")
_LONG_NUMBER = re.compile(r"[0-9]{19}")
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


class SparqlQuery:
    """One sh:sparql constraint of one shape: pyshacl's query helper, its text, its analysis."""

    def __init__(self, helper: Any, shape: Any, namespaces: dict[str, str]) -> None:
        self.helper = helper
        # pyshacl rewrites and checks the text for each focus node; it does not depend on it
        bindings, text = helper.pre_bind_variables(shape.node)
        self.text = helper.apply_prefixes(text)
        self.namespaces = namespaces
        self.batch_candidate = set(bindings) == {"this"}
        self.analysis = (
            query_analysis(self.text, namespaces) if self.batch_candidate else Analysis(False)
        )

    @cached_property
    def prepared(self) -> Any:
        """The query parsed by rdflib, for rdflib's road (parsed on first use: it is slow)."""
        return prepareQuery(self.text, initNs=self.namespaces)


class SparqlConstraint:
    """pyshacl's SPARQLBasedConstraint of one shape, its queries run over a batch at a time."""

    def __init__(self, component: Any, namespaces: dict[str, str]) -> None:
        self.component = component
        self.shape = component.shape
        helpers = component.sparql_constraints
        self.queries = [SparqlQuery(h, self.shape, namespaces) for h in helpers]

    @property
    def batchable(self) -> bool:
        return all(q.analysis.batchable for q in self.queries if not q.helper.deactivated)

    @property
    def predicates(self) -> frozenset[Node] | None:
        """Every predicate the queries may match (None: any)."""
        found: set[Node] = set()
        for query in self.queries:
            if query.analysis.predicates is None:
                return None
            found |= query.analysis.predicates
        return frozenset(found)

    @property
    def inverse_predicates(self) -> frozenset[Node]:
        return frozenset(p for q in self.queries for p in q.analysis.inverse)

    def evaluate(
        self, run: SparqlRun, graph: IndexedGraph, values: dict[Node, set[Node]]
    ) -> dict[Node, list[Any]]:
        """pyshacl's SPARQLBasedConstraint.evaluate, from the rows of the batch query."""
        out: dict[Node, list[Any]] = {}
        property_shape = self.shape.is_property_shape
        for query in self.queries:
            helper = query.helper
            if helper.deactivated:
                continue
            rows = run.rows(query, graph, list(values))
            extra = helper.messages or None
            for focus in values:
                result_value = None if property_shape else focus
                for violation in _violations(rows.get(focus, [])):
                    if len(violation) == 2:  # a ?failure row
                        found = Found(self.shape, self.component, focus, result_value,
                                      source_constraint=helper.node, extra_messages=extra,
                                      bound_vars=violation[1])  # fmt: skip
                    else:
                        this, path, value, bound = violation
                        value = result_value if value is None else value
                        found = Found(self.shape, self.component, this or focus, value, path,
                                      source_constraint=helper.node, extra_messages=extra,
                                      bound_vars=(this, path, value, bound))  # fmt: skip
                    out.setdefault(focus, []).append(found)
        return out


def _violations(rows: Iterable[dict[str, Node]]) -> list[tuple[Any, ...]]:
    """pyshacl's SPARQLBasedConstraint._validate_sparql_query, after the query has run."""
    violations: list[tuple[Any, ...]] = []
    failed = False
    for row in rows:
        bindings = dict(row)
        failure = bindings.pop("failure", None)
        if failure is not None:
            if not failed:
                violations.append((True, bindings))
                failed = True
            continue
        path = bindings.pop("path", None)
        value = bindings.pop("value", None)
        this = bindings.pop("this", None)
        if (path is not None or value is not None or this is not None) and (
            this,
            path,
            value,
            bindings,
        ) not in violations:
            violations.append((this, path, value, bindings))
    return violations


class SparqlRun:
    """The SPARQL side of one batch: its triples on Oxigraph, each query's rows by focus node.

    `data` is None when the batch must take rdflib's road (see the module docstring).
    """

    def __init__(self, data: OxigraphData | None) -> None:
        self.data = data
        self._store: ox.Store | None = None
        self._rows: dict[int, dict[Node, list[dict[str, Node]]]] = {}

    def rows(
        self, query: SparqlQuery, graph: Graph, focus: Sequence[Node]
    ) -> dict[Node, list[dict[str, Node]]]:
        """The query's rows for each focus node, as pyshacl would get them (row.asdict())."""
        if self.data is not None and query.analysis.batchable and self._loaded(self.data):
            if id(query) not in self._rows:
                self._rows[id(query)] = self._batch_rows(query)
            return self._rows[id(query)]
        found: dict[Node, list[dict[str, Node]]] = {}
        for node in focus:
            bindings, _text = query.helper.pre_bind_variables(node)
            result = graph.query(query.prepared, initBindings=bindings)
            if result.bindings:
                found[node] = [dict(cast(ResultRow, row).asdict()) for row in result]
        return found

    def _loaded(self, data: OxigraphData) -> bool:
        """Whether the batch's triples are on Oxigraph (loaded on first use)."""
        if self._store is None:
            store = ox.Store()
            try:
                store.load("".join(data.lines), ox.RdfFormat.N_TRIPLES)
            except SyntaxError:  # an IRI or blank node Oxigraph does not accept
                self.data = None
                return False
            self._store = store
        return True

    def _batch_rows(self, query: SparqlQuery) -> dict[Node, list[dict[str, Node]]]:
        assert self._store is not None
        solutions = self._store.query(query.text, prefixes=query.namespaces)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        grouped: dict[Node, list[dict[str, Node]]] = {}
        for solution in solutions:
            row = {n: to_rdflib(t) for n, t in zip(names, solution, strict=True) if t is not None}
            grouped.setdefault(row["this"], []).append(row)
        return grouped


class OxigraphData:
    """Triples of a batch as N-Triples lines, for Oxigraph."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add_book(self, triples: Iterable[tuple[Node, Node, Node]]) -> bool:
        """Adds a book's triples; False (nothing added) if rdflib and Oxigraph may differ on it.

        They differ on literals rdflib keeps as given and Oxigraph rewrites, and on ordering
        values of different kinds (rdflib orders "x"@en before 1, Oxigraph calls it an error):
        so every literal must be a plain string or an integer, and each predicate's values of
        one kind (IRI, blank node, string or integer) within the book.
        """
        lines: list[str] = []
        kinds: dict[Node, type | URIRef | None] = {}
        try:
            for s, p, o in triples:
                kind = _kind(o)
                if kinds.setdefault(p, kind) != kind:
                    return False
                lines.append(f"{_nt(s)} {_nt(p)} {_nt(o)} .\n")
        except ValueError:
            return False
        self.lines += lines
        return True


def _kind(term: Node) -> type | URIRef | None:
    """A value's kind: its class, or for a literal its datatype (None: a plain string).

    Raises ValueError for a literal the two engines may read differently: a datatype Oxigraph
    writes canonically (decimals, doubles, booleans, dates…) or a language tag, a newline
    (Python's `$` matches before it, Rust's does not) or digits beyond 64 bits.
    """
    if not isinstance(term, Literal):
        return type(term)
    text = str(term)
    if "\n" in text or _LONG_NUMBER.search(text) or term.language is not None:
        raise ValueError("not portable")
    datatype = term.datatype
    if datatype == _STRING:
        return None
    if datatype is not None and (datatype not in _VERBATIM or term.ill_typed):
        raise ValueError("not portable")
    return datatype


def _nt(term: Node) -> str:
    """A term in N-Triples (only the literals _kind lets through: strings and integers)."""
    if isinstance(term, URIRef):
        if _NOT_IN_IRI.search(term):
            raise ValueError(f"{term!r} cannot be written in N-Triples")
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r")
        if term.datatype is None or term.datatype == _STRING:
            return f'"{text}"'
        return f'"{text}"^^<{term.datatype}>'
    raise ValueError(f"{term!r} is not an RDF term")
