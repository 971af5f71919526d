"""Reports of validated books: the SHACL report graph, a JSON document, and text for people."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.extras.shacl import build_shacl_path
from rdflib.namespace import RDF, SH
from rich.markup import escape

from bookrdf.validation.results import (
    SEVERITY_ORDER,
    SEVERITY_TERMS,
    BookReport,
    Severity,
    ValidationResult,
    iter_terms,
)
from bookrdf.validation.shapes import bound_graph
from bookrdf.validation.tally import ReportTally

_STYLES: dict[Severity, str] = {"violation": "bold red", "warning": "yellow", "info": "cyan"}
_PLURALS: dict[Severity, str] = {"violation": "violations", "warning": "warnings", "info": "infos"}
# Styles a text for the terminal: rich markup, or the text as it is.
Mark = Callable[[str, str], str]


def totals(reports: Sequence[BookReport]) -> dict[Severity, int]:
    """Results of each severity over all books."""
    return {s: sum(report.counts[s] for report in reports) for s in SEVERITY_ORDER}


def report_graph(reports: Iterable[BookReport]) -> Graph:
    """One sh:ValidationReport for all books, its results as blank nodes."""
    reports = list(reports)
    graph = bound_graph()
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(all(r.conforms for r in reports))))
    for result, terms in iter_terms(r for book in reports for r in book.results):
        node = BNode()
        graph.add((report, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.resultSeverity, SEVERITY_TERMS[result.severity]))
        graph.add((node, SH.focusNode, terms.focus))
        graph.add((node, SH.resultMessage, Literal(result.message)))
        graph.add((node, SH.sourceConstraintComponent, terms.constraint))
        # A blank-node shape is not copied: the report names its own blank node instead.
        graph.add(
            (node, SH.sourceShape, terms.shape if isinstance(terms.shape, URIRef) else BNode())
        )
        if terms.path is not None:
            path_node, _ = build_shacl_path(terms.path, graph)
            graph.add((node, SH.resultPath, path_node))
        if terms.value is not None:
            graph.add((node, SH.value, terms.value))
    return graph


def report_json(reports: Iterable[BookReport]) -> dict[str, Any]:
    """The JSON report: totals, then every result with its book, record line and field."""
    reports = list(reports)
    counts = totals(reports)
    return {
        "conforms": all(r.conforms for r in reports),
        "books": len(reports),
        "violations": counts["violation"],
        "warnings": counts["warning"],
        "infos": counts["info"],
        "results": [
            _result_json(report, result) for report in reports for result in report.results
        ],
    }


def _result_json(report: BookReport, result: ValidationResult) -> dict[str, Any]:
    return {
        "severity": result.severity,
        "book": result.book_id if result.book_id is not None else report.book_id,
        "focus": result.focus,
        "path": result.path,
        "value": result.value,
        "message": result.message,
        "shape": result.shape,
        "constraint": result.constraint,
        "source": result.source if result.source is not None else report.source,
        "line": result.line,
        "field": result.field,
    }


def render_text(reports: Iterable[BookReport] | ReportTally, *, color: bool) -> str:
    """Results for people, by book then severity, and a one-line summary; rich markup if color.
    Of a ReportTally: the reports it kept, and how many books' results it left out."""
    kept = list(reports)
    mark: Mark = _markup if color else _plain
    lines: list[str] = []
    for report in kept:
        if report.results:
            lines.extend(_book_lines(report, mark))
            lines.append("")
    if isinstance(reports, ReportTally) and reports.left_out:
        lines.append(
            f"… and the results of {reports.left_out} more "
            f"book{'' if reports.left_out == 1 else 's'}, not shown; "
            "run `bookrdf validate` to see every one"
        )
    lines.append(summary(reports if isinstance(reports, ReportTally) else kept))
    return "\n".join(lines)


def summary(reports: Iterable[BookReport] | ReportTally) -> str:
    """'N books checked: V violations, W warnings, I infos'."""
    tally = reports if isinstance(reports, ReportTally) else ReportTally.of(reports)
    books = f"{tally.books} book{'' if tally.books == 1 else 's'} checked"
    parts = [f"{n} {s if n == 1 else _PLURALS[s]}" for s, n in tally.counts.items()]
    return f"{books}: {', '.join(parts)}"


def _plain(text: str, _style: str) -> str:
    return text


def _markup(text: str, style: str) -> str:
    return f"[{style}]{escape(text)}[/]" if style else escape(text)


def _book_lines(report: BookReport, mark: Mark) -> list[str]:
    title = report.book_id or "results not attributed to a book"
    where = f" ({report.source})" if report.source else ""
    lines = [mark(f"{title}{where}", "bold")]
    for result in report.results:
        lines.extend(_result_lines(result, report.source, mark))
    return lines


def _result_lines(result: ValidationResult, source: str | None, mark: Mark) -> list[str]:
    source = result.source or source
    place = f"{source}:{result.line}" if source and result.line else source or ""
    head = " ".join(part for part in (place, result.field) if part)
    lines = [
        f"  {mark(f'{result.severity:<9}', _STYLES[result.severity])} {mark(head, 'bold')}".rstrip()
    ]
    lines.append(f"      focus  {mark(result.focus, '')}")
    if result.path:
        lines.append(f"      path   {mark(result.path, '')}")
    if result.value is not None:
        lines.append(f"      value  {mark(repr_value(result.value), '')}")
    lines.append(f"      {mark(result.message, '')}")
    return lines


def repr_value(value: str) -> str:
    """A value as shown to people: quoted, shortened when long."""
    short = value if len(value) <= 80 else value[:77] + "..."
    return f'"{short}"'
