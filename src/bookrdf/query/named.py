"""The queries that ship with bookrdf (queries/NAME.rq) and their typed parameters."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from bookrdf.errors import QueryError
from bookrdf.query.sparql import Term
from bookrdf.resources import resource_path
from bookrdf.vocab import PREFIXES, Minter

PARAM_KINDS = ("text", "iri", "book", "integer")


@dataclass(frozen=True)
class QueryParam:
    """A parameter a named query takes: `?name` in its text, of one kind (see PARAM_KINDS)."""

    name: str
    kind: str
    description: str


@dataclass(frozen=True)
class NamedQuery:
    """A query shipped in queries/NAME.rq; its first line says what it answers."""

    name: str
    description: str
    params: tuple[QueryParam, ...]
    text: str
    path: Path


_PARAM_LINE = re.compile(r"#\s*@param\s+(\w+)\s+(\w+)\s*(.*)")


def list_named_queries() -> list[NamedQuery]:
    """Every query in queries/, by name."""
    folder = resource_path("queries")
    return [_named_query(path) for path in sorted(folder.glob("*.rq"))]


def named_query(name: str) -> NamedQuery:
    """The named query `name`, or a QueryError listing the names there are."""
    for query in list_named_queries():
        if query.name == name:
            return query
    names = ", ".join(query.name for query in list_named_queries())
    raise QueryError(f"no named query {name!r}; the named queries are: {names}")


def _named_query(path: Path) -> NamedQuery:
    """Read one .rq file: its first line is the description, @param lines the parameters."""
    text = path.read_text("utf-8")
    lines = text.splitlines()
    if not lines or not lines[0].startswith("#"):
        raise QueryError(f"{path}:1: a named query starts with a '#' line saying what it answers")
    params = []
    for number, line in enumerate(lines, 1):
        found = _PARAM_LINE.match(line)
        if found:
            name, kind, description = found.groups()
            if kind not in PARAM_KINDS:
                raise QueryError(
                    f"{path}:{number}: parameter kind {kind!r} is not one of "
                    f"{', '.join(PARAM_KINDS)}"
                )
            params.append(QueryParam(name, kind, description))
    return NamedQuery(path.stem, lines[0].lstrip("#").strip(), tuple(params), text, path)


def bind_params(
    query: NamedQuery, values: Mapping[str, str], minter: Minter | None = None
) -> dict[str, Term]:
    """Turn `name=value` strings into RDF terms of each parameter's declared kind."""
    kinds = {param.name: param.kind for param in query.params}
    terms: dict[str, Term] = {}
    for name, value in values.items():
        if name not in kinds:
            known = ", ".join(kinds) or "none"
            raise QueryError(f"{query.name}: no parameter {name!r}; its parameters: {known}")
        terms[name] = term_of(value, kinds[name], minter or Minter())
    return terms


def term_of(value: str, kind: str, minter: Minter) -> Term:
    """One parameter value as an RDF term: text, an IRI, a book (id or IRI) or an integer."""
    if kind == "book" and not re.match(r"[A-Za-z][\w+.-]*:", value):
        return ox.NamedNode(str(minter.work(value)))
    if kind in {"iri", "book"}:
        try:
            return ox.NamedNode(value)
        except ValueError as err:
            raise QueryError(f"{value!r} is not an IRI: {err}") from None
    if kind == "integer":
        if not re.fullmatch(r"[+-]?[0-9]+", value.strip()):
            raise QueryError(f"{value!r} is not an integer")
        return ox.Literal(value.strip(), datatype=ox.NamedNode(PREFIXES["xsd"] + "integer"))
    return ox.Literal(value)


def parse_param(value: str) -> Term:
    """A value for an ad-hoc query's parameter: '<IRI>' is an IRI, anything else is text."""
    if value.startswith("<") and value.endswith(">"):
        return term_of(value[1:-1], "iri", Minter())
    return ox.Literal(value)
