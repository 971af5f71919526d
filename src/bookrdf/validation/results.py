"""Validation results, read from pyshacl's report graph and told in the record's terms."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Literal as TypingLiteral

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.extras.shacl import parse_shacl_path
from rdflib.namespace import SH, XSD, NamespaceManager
from rdflib.paths import Path
from rdflib.term import Node

from bookrdf.validation.found import Found

Severity = TypingLiteral["violation", "warning", "info"]
SEVERITY_TERMS: dict[Severity, URIRef] = {
    "violation": SH.Violation,
    "warning": SH.Warning,
    "info": SH.Info,
}
SEVERITIES: dict[Node, Severity] = {term: name for name, term in SEVERITY_TERMS.items()}
SEVERITY_ORDER: dict[Severity, int] = {"violation": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class ResultTerms:
    """The RDF terms of a result, kept to write the sh:ValidationReport graph."""

    focus: Node
    path: URIRef | Path | None
    value: Node | None
    shape: Node
    constraint: URIRef


@dataclass(frozen=True)
class ValidationResult:
    """One thing a shape found wrong, with where it is in the record when that is known."""

    severity: Severity
    focus: str
    path: str | None
    value: str | None
    message: str
    shape: str
    constraint: str
    book_id: str | None = None
    source: str | None = None
    line: int | None = None
    field: str | None = None
    terms: ResultTerms | None = dataclass_field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class BookReport:
    """The results of one book (a closed unit), most severe first."""

    book_id: str | None
    source: str | None
    results: tuple[ValidationResult, ...]

    @property
    def conforms(self) -> bool:
        """True when no result is a violation (warnings and infos do not fail a book)."""
        return all(result.severity != "violation" for result in self.results)

    @property
    def counts(self) -> dict[Severity, int]:
        """How many results of each severity."""
        return {
            severity: sum(result.severity == severity for result in self.results)
            for severity in SEVERITY_ORDER
        }


@dataclass(frozen=True)
class Where:
    """Where a result is: its book, and the record file, line and field when known."""

    book_id: str | None = None
    source: str | None = None
    line: int | None = None
    field: str | None = None


# Locates a result from its focus node, path and value.
Locate = Callable[[Node, URIRef | Path | None, Node | None], Where]


def read_results(report: Graph, names: NamespaceManager, locate: Locate) -> list[ValidationResult]:
    """Every sh:result of a pyshacl report graph, sorted for reading."""
    results = [_read(report, node, names, locate) for node in report.objects(None, SH.result)]
    return sort_results(results)


def sort_results(results: Iterable[ValidationResult]) -> list[ValidationResult]:
    """Most severe first, then in record order (chapter 2 before chapter 10)."""
    return sorted(
        results,
        key=lambda r: (
            SEVERITY_ORDER[r.severity],
            natural_key(r.field or ""),
            natural_key(r.focus),
            r.path or "",
            r.message,
            r.value or "",
            # and so the same order whatever the order found (batch size, pyshacl's set order)
            r.shape,
            r.constraint,
        ),
    )


def natural_key(text: str) -> list[tuple[int, int | str]]:
    """A sort key that orders the numbers inside a text numerically."""
    return [(1, int(part)) if part.isdigit() else (0, part) for part in re.split(r"([0-9]+)", text)]


def _read(report: Graph, node: Node, names: NamespaceManager, locate: Locate) -> ValidationResult:
    focus = _one(report, node, SH.focusNode)
    path_node = report.value(node, SH.resultPath)
    path = parse_shacl_path(report, path_node) if path_node is not None else None
    value = _plain(report.value(node, SH.value))
    shape = _one(report, node, SH.sourceShape)
    constraint = URIRef(str(_one(report, node, SH.sourceConstraintComponent)))
    where = locate(focus, path, value)
    return ValidationResult(
        # SHACL allows custom severities; bookrdf treats them as violations.
        severity=SEVERITIES.get(report.value(node, SH.resultSeverity), "violation"),  # type: ignore[arg-type]
        focus=str(focus),
        path=path.n3(names) if path is not None else None,
        value=str(value) if value is not None else None,
        message=_message(report, node, constraint),
        shape=_shape_name(report, shape, names),
        constraint=constraint.split("#")[-1],
        book_id=where.book_id,
        source=where.source,
        line=where.line,
        field=where.field,
        terms=ResultTerms(focus, path, value, shape, constraint),
    )


def engine_result(
    found: Found, shapes: Graph, data: Graph, names: NamespaceManager, locate: Locate
) -> ValidationResult:
    """A result the engine found, told exactly as pyshacl's report graph would tell it."""
    shape = found.shape
    path_node = found.path
    if path_node is None and shape.is_property_shape:
        path_node = shape.path()
    path = parse_shacl_path(shapes, path_node) if path_node is not None else None
    value = _plain(found.value)
    component = found.component
    constraint = URIRef(str(found.constraint_component or component.shacl_constraint_component))
    where = locate(found.focus, path, value)
    messages = [str(m) for m in _engine_messages(found, data)]
    return ValidationResult(
        severity=SEVERITIES.get(shape.severity, "violation"),
        focus=str(found.focus),
        path=path.n3(names) if path is not None else None,
        value=str(value) if value is not None else None,
        message=sorted(messages)[0] if messages else constraint.split("#")[-1],
        shape=_shape_name(shapes, shape.node, names),
        constraint=constraint.split("#")[-1],
        book_id=where.book_id,
        source=where.source,
        line=where.line,
        field=where.field,
        terms=ResultTerms(found.focus, path, value, shape.node, constraint),
    )


def _engine_messages(found: Found, data: Graph) -> list[Node]:
    """The sh:resultMessage values pyshacl's make_v_result (0.40) writes for a result."""
    component = found.component
    messages: list[Node] = list(found.shape.message)
    written: list[Node] = []

    def filled(message: Node) -> Node:
        if isinstance(message, Literal) and found.bound_vars is not None:
            text = component._format_sparql_based_result_message(
                str(message.value), found.bound_vars
            )
            return Literal(text)
        return message

    if found.extra_messages:
        written += [filled(m) for m in found.extra_messages if m not in messages]
    elif not messages:
        messages = component.make_generic_messages(data, found.focus, found.value) or messages
    written += [filled(m) for m in messages]
    return written


def _plain(value: Node | None) -> Node | None:
    """A value as the data has it: Oxigraph types plain strings xsd:string, rdflib does not."""
    if isinstance(value, Literal) and value.datatype == XSD.string:
        return Literal(str(value))
    return value


def _one(report: Graph, node: Node, predicate: URIRef) -> Node:
    found = report.value(node, predicate)
    if found is None:
        raise ValueError(f"pyshacl wrote a result without {predicate}")
    return found


def _message(report: Graph, node: Node, constraint: URIRef) -> str:
    messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
    return messages[0] if messages else constraint.split("#")[-1]


def _shape_name(graph: Graph, shape: Node, names: NamespaceManager) -> str:
    """The shape's IRI, or for a blank-node shape a description that names no blank node.

    `graph` holds the shape: the shapes graph, or a report graph pyshacl copied it into.
    """
    if not isinstance(shape, BNode):
        return str(shape)
    path_node = graph.value(shape, SH.path)
    if path_node is None:
        return "an unnamed node shape"
    path = parse_shacl_path(graph, path_node)
    return f"an unnamed property shape on {path.n3(names)}"


def iter_terms(
    results: Iterable[ValidationResult],
) -> Iterator[tuple[ValidationResult, ResultTerms]]:
    """The results that carry their RDF terms, with them."""
    for result in results:
        if result.terms is not None:
            yield result, result.terms
