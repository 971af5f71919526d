"""Run a query against the embedded store, in-memory data files or a remote SPARQL server."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from bookrdf.errors import QueryError
from bookrdf.query.results import QueryResult
from bookrdf.query.sparql import Shape, Term, read_shape, with_values
from bookrdf.store import HttpStatusError, RemoteStore, Target
from bookrdf.vocab import PREFIXES

_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
_ERROR_AT = re.compile(r"^error at (\d+):(\d+): ?")
_MESSAGE_LIMIT = 300


@dataclass(frozen=True)
class _Insertion:
    """Where bound parameters were written into a query (1-based), and how many characters."""

    line: int
    column: int
    length: int


def run_query(
    text: str,
    target: Target,
    params: Mapping[str, Term] | None = None,
    *,
    source: str = "query",
) -> QueryResult:
    """Run a SELECT, ASK, CONSTRUCT or DESCRIBE query; `source` names it in error messages."""
    shape = read_shape(text, source)
    bound = with_values(text, shape, params or {}, source)
    if isinstance(target, RemoteStore):
        return _run_remote(bound, shape, target, source)
    insertion = _insertion(text, shape, len(bound) - len(text)) if params else None
    return _run_local(bound, target.oxigraph, source, insertion, union=not shape.dataset)


def _insertion(text: str, shape: Shape, length: int) -> _Insertion:
    """Where the VALUES block went."""
    where = shape.where or 0
    line = text.count("\n", 0, where) + 1
    return _Insertion(line, where - (text.rfind("\n", 0, where) + 1) + 1, length)


def _run_local(
    text: str, store: ox.Store, source: str, insertion: _Insertion | None, *, union: bool
) -> QueryResult:
    """Ask pyoxigraph; the default graph is the union of all graphs (each book has one) unless
    the query names its own (`union=False`: pyoxigraph's union would override its FROM)."""
    try:
        answer = store.query(text, prefixes=PREFIXES, use_default_graph_as_union=union)
        if isinstance(answer, ox.QueryTriples):
            graph = answer.serialize(format=ox.RdfFormat.N_TRIPLES)
            assert graph is not None
            return QueryResult("graph", graph)
        data = answer.serialize(format=ox.QueryResultsFormat.JSON)
        assert data is not None
    except SyntaxError as err:
        raise QueryError(_syntax_message(str(err), source, insertion)) from None
    except (OSError, RuntimeError) as err:  # RuntimeError: an evaluation error (SERVICE ?unbound)
        raise QueryError(f"{source}: the query failed: {err}") from None
    kind = "boolean" if isinstance(answer, ox.QueryBoolean) else "solutions"
    return QueryResult(kind, data)


def _syntax_message(message: str, source: str, insertion: _Insertion | None) -> str:
    """'error at 2:9: …' -> 'source:2:9: …', positions as in the user's own text."""
    found = _ERROR_AT.match(message)
    if not found:
        return f"{source}: {_shortened(message)}"
    line, column = int(found.group(1)), int(found.group(2))
    if insertion and line == insertion.line and column > insertion.column:
        column = max(insertion.column, column - insertion.length)
    return f"{source}:{line}:{column}: {_shortened(message[found.end() :])}"


def _shortened(message: str) -> str:
    """One line, cut at a readable length (parsers list every character they expected)."""
    message = " ".join(message.split())
    return message if len(message) <= _MESSAGE_LIMIT else message[:_MESSAGE_LIMIT] + "…"


def _run_remote(text: str, shape: Shape, target: RemoteStore, source: str) -> QueryResult:
    """POST the query, with the prefixes it uses but does not declare; normalise the answer."""
    missing = sorted((shape.used - shape.declared) & PREFIXES.keys())
    # On the first line, so the server's line numbers are the user's.
    header = "".join(f"PREFIX {prefix}: <{PREFIXES[prefix]}> " for prefix in missing)
    graph = shape.form in {"CONSTRUCT", "DESCRIBE"}
    accept = _GRAPH_ACCEPT if graph else ox.QueryResultsFormat.JSON.media_type
    try:
        answer = target.query(header + text, accept)
    except HttpStatusError as err:
        if err.status != 400:
            raise
        raise QueryError(
            f"{source}: the server refused the query: {_shortened(err.body)}"
        ) from None
    media_type = answer.content_type.split(";")[0].strip().lower()
    if not graph and not answer.body.strip():  # (an empty graph may well be empty text)
        raise QueryError(f"{source}: the server's answer is empty; check the endpoint's URL")
    if media_type in _WEB_PAGES or answer.body.lstrip()[:15].lower().startswith(_PAGE_STARTS):
        raise QueryError(
            f"{source}: the server answered with a web page, not SPARQL results; check that "
            "the URL is the SPARQL endpoint itself (often …/sparql or …/query)"
        )
    try:
        if graph:
            return QueryResult("graph", _as_ntriples(answer.body, media_type))
        result = _as_results(answer.body, media_type)
        return _ask_answer(result) if shape.form == "ASK" else result
    except SyntaxError as err:
        what = media_type or "(no Content-Type)"
        raise QueryError(
            f"{source}: the server's answer is not valid {what}: {_shortened(str(err))}"
        ) from None


_WEB_PAGES = {"text/html", "application/xhtml+xml"}
_PAGE_STARTS = (b"<!doctype html", b"<html")


def _as_ntriples(body: bytes, media_type: str) -> bytes:
    """A graph answer in whatever RDF format the server chose, as N-Triples."""
    fmt = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.N_TRIPLES
    if fmt == ox.RdfFormat.N_TRIPLES:
        return body
    data = ox.serialize(ox.parse(body, format=fmt), format=ox.RdfFormat.N_TRIPLES)
    assert data is not None
    return data


def _ask_answer(result: QueryResult) -> QueryResult:
    """Virtuoso answers ASK as a table of `__ASK_RETVAL`: one row of 1 for true, no row for
    false; make it the boolean it is."""
    if result.kind != "solutions" or result.variables() != ["__ASK_RETVAL"]:
        return result
    rows = result.rows()
    truth = len(rows) == 1 and rows[0].get("__ASK_RETVAL", "").startswith('"1"')
    return QueryResult("boolean", json.dumps({"head": {}, "boolean": truth}).encode())


def _as_results(body: bytes, media_type: str) -> QueryResult:
    """Solutions or a boolean in whatever results format the server chose, as JSON."""
    fmt = ox.QueryResultsFormat.from_media_type(media_type) or ox.QueryResultsFormat.JSON
    answer = ox.parse_query_results(body, format=fmt)
    data = answer.serialize(format=ox.QueryResultsFormat.JSON)
    assert data is not None
    return QueryResult("boolean" if isinstance(answer, ox.QueryBoolean) else "solutions", data)
