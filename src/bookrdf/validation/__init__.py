"""SHACL validation of published books: shapes + pyshacl -> reports.

load_shapes(path)            the shapes graph (bookrdf's own by default)
Validator(shapes, minter)    validate_books(items) -> BookReports, batch by batch, each book's
                             results those plain pyshacl gives it alone; validate_book(graph, book)
validate_graph(data, shapes) every result of a whole RDF graph, attributed to books
report_graph / report_json / render_text   the report as SHACL, JSON or text
"""

from bookrdf.validation.report import render_text, report_graph, report_json, summary
from bookrdf.validation.results import BookReport, Severity, ValidationResult
from bookrdf.validation.shapes import load_shapes
from bookrdf.validation.validator import Validator, reports_by_book, validate_graph

__all__ = [
    "BookReport",
    "Severity",
    "ValidationResult",
    "Validator",
    "load_shapes",
    "render_text",
    "report_graph",
    "report_json",
    "reports_by_book",
    "summary",
    "validate_graph",
]
