"""SHACL validation of published books: shapes + pyshacl -> reports.

load_shapes(path)            the shapes graph (bookrdf's own by default)
Validator(shapes, minter)    validate_books(items) -> BookReports, batch by batch, each book's
                             results those plain pyshacl gives it alone; validate_book(graph, book)
validate_graph(data, shapes) every result of a whole RDF graph, attributed to books
new_validator(shapes, minter)  a Validator, pyshacl imported then (not with this package)
report_graph / report_json / render_text   the report as SHACL, JSON or text
ReportTally                  a run's reports counted, a few kept: memory that does not grow
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from bookrdf.validation.report import render_text, report_graph, report_json, summary
from bookrdf.validation.results import BookReport, Severity, ValidationResult
from bookrdf.validation.shapes import load_shapes
from bookrdf.validation.tally import ReportSink, ReportTally

if TYPE_CHECKING:
    from rdflib import Graph

    from bookrdf.validation.validator import Validator, reports_by_book, validate_graph
    from bookrdf.vocab import Minter

# pyshacl and rdflib's SPARQL engine take 0.2 s to import: only commands that validate pay it.
_LAZY = {"Validator", "reports_by_book", "validate_graph"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module("bookrdf.validation.validator"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def new_validator(shapes: Graph, minter: Minter) -> Validator:
    """A Validator, pyshacl imported now: for commands that validate only when asked."""
    from bookrdf.validation.validator import Validator

    return Validator(shapes, minter)


__all__ = [
    "BookReport",
    "ReportSink",
    "ReportTally",
    "Severity",
    "ValidationResult",
    "Validator",
    "load_shapes",
    "new_validator",
    "render_text",
    "report_graph",
    "report_json",
    "reports_by_book",
    "summary",
    "validate_graph",
]
