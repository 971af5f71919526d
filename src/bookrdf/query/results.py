"""A query's answer, and how it is shown: pyoxigraph's own serialisers, plus a text table."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox
from rich.cells import cell_len

from bookrdf.errors import QueryError
from bookrdf.query.sparql import Term
from bookrdf.vocab import PREFIXES

RESULTS_FORMATS: dict[str, ox.QueryResultsFormat | None] = {
    "table": None,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat | None] = {
    "table": None,
    "turtle": ox.RdfFormat.TURTLE,
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}

# Characters XML 1.0 cannot carry, not even as character references (C0 controls but tab, line
# feed and carriage return; U+FFFE, U+FFFF), which pyoxigraph's XML writers put in as they are.
_NOT_XML = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")
# RDF/XML writes a predicate as an element name: a namespace plus a local name (an XML NCName)
# that ends the IRI. pyoxigraph writes a broken element for one with none (`…/p/1`, `…#`).
_LOCAL_NAME = re.compile(r"[^\W\d][\w.\-\u00b7\u0300-\u036f\u203f\u2040]*\Z")


@dataclass(frozen=True)
class QueryResult:
    """A query's answer: `kind` is "solutions", "boolean" or "graph"; `data` holds it as
    SPARQL Query Results JSON (solutions, boolean) or N-Triples (graph)."""

    kind: str
    data: bytes

    def solutions(self) -> ox.QuerySolutions | ox.QueryBoolean:
        """The answer as pyoxigraph results (a fresh iterator each time)."""
        return ox.parse_query_results(self.data, format=ox.QueryResultsFormat.JSON)

    def triples(self) -> list[ox.Triple]:
        """A graph answer's triples."""
        return [quad.triple for quad in ox.parse(self.data, format=ox.RdfFormat.N_TRIPLES)]

    def variables(self) -> list[str]:
        """The SELECT's variables, in order (none for other answers)."""
        answer = self.solutions() if self.kind == "solutions" else None
        if isinstance(answer, ox.QuerySolutions):
            return [variable.value for variable in answer.variables]
        return []

    def boolean(self) -> bool | None:
        """An ASK's answer (None for other answers)."""
        answer = self.solutions() if self.kind == "boolean" else None
        return bool(answer) if isinstance(answer, ox.QueryBoolean) else None

    def rows(self) -> list[dict[str, str]]:
        """Each solution as {variable: term in N-Triples syntax} (unbound ones left out)."""
        answer = self.solutions() if self.kind == "solutions" else None
        if not isinstance(answer, ox.QuerySolutions):
            return []
        names = [variable.value for variable in answer.variables]
        return [{name: str(row[name]) for name in names if row[name] is not None} for row in answer]


def render(result: QueryResult, fmt: str) -> bytes:
    """The answer in one format: table, csv, tsv, json, xml for solutions and booleans;
    table, turtle (ttl), nt, jsonld, xml for graphs."""
    formats: Mapping[str, object] = GRAPH_FORMATS if result.kind == "graph" else RESULTS_FORMATS
    if fmt not in formats:
        raise QueryError(
            f"format {fmt!r} does not fit a {result.kind} answer; use one of {', '.join(formats)}"
        )
    if fmt == "table":
        header, rows = table(result)
        return _aligned(header, rows).encode("utf-8")
    others = ", ".join(name for name in formats if name != "xml")
    if result.kind == "graph":
        triples = result.triples()
        for triple in triples if fmt == "xml" else ():
            if not _LOCAL_NAME.search(triple.predicate.value):
                raise QueryError(
                    f"the answer has the predicate {triple.predicate}, which RDF/XML cannot "
                    f"write (it ends in no XML name); choose another format: {others}"
                )
        data = ox.serialize(triples, format=GRAPH_FORMATS[fmt], prefixes=PREFIXES)
    else:
        data = result.solutions().serialize(format=RESULTS_FORMATS[fmt])
    assert data is not None
    found = _NOT_XML.search(data) if fmt == "xml" else None
    if found:
        character = ord(found.group().decode("utf-8"))
        raise QueryError(
            f"the answer holds the character U+{character:04X}, which XML cannot carry; "
            f"choose another format: {others}"
        )
    return data


def table(result: QueryResult) -> tuple[list[str], list[list[str]]]:
    """(column names, rows of cells): IRIs as prefixed names where ours, literals as text."""
    if result.kind == "graph":
        rows = [[_cell(t.subject), _cell(t.predicate), _cell(t.object)] for t in result.triples()]
        return ["subject", "predicate", "object"], rows
    answer = result.solutions()
    if isinstance(answer, ox.QueryBoolean):
        return ["answer"], [["true" if bool(answer) else "false"]]
    names = [variable.value for variable in answer.variables]
    return names, [[_cell(row[name]) for name in names] for row in answer]


def _cell(term: Term | None) -> str:
    """A term as a person reads it: schema:name, not <http://schema.org/name>; text unquoted."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in PREFIXES.items():
            local = term.value[len(namespace) :]
            if term.value.startswith(namespace) and re.fullmatch(r"[\w-]*", local):
                return f"{prefix}:{local}"
        return term.value
    if isinstance(term, ox.Literal):
        return " ".join(term.value.split())
    return str(term)


def _aligned(header: list[str], rows: list[list[str]]) -> str:
    """Columns padded to their widest cell (counting wide characters twice), a rule below."""
    widths = [cell_len(name) for name in header]
    for row in rows:
        widths = [max(width, cell_len(cell)) for width, cell in zip(widths, row, strict=True)]
    lines = [header, ["-" * width for width in widths], *rows]
    return "".join(
        "  ".join(
            cell + " " * (width - cell_len(cell)) for cell, width in zip(line, widths, strict=True)
        ).rstrip()
        + "\n"
        for line in lines
    )
