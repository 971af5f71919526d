"""SPARQL -> rows or graphs, from the embedded store, in-memory data files or a remote server.

    run_query(text, target, params) -> QueryResult     SELECT, ASK, CONSTRUCT, DESCRIBE
    render(result, fmt) -> bytes                       table, csv, tsv, json, xml | turtle, nt,
    table(result) -> (header, rows)                    jsonld, xml for graphs
    list_named_queries(), named_query(name)            the queries in queries/*.rq
    bind_params(query, {"name": "value"}, minter)      typed parameters -> RDF terms
    decode_query(data, source) -> str                  a query file's bytes, which must be UTF-8

Our prefixes (`bookrdf.vocab.PREFIXES`) are predeclared; a query's own PREFIX lines win. On the
embedded store and data files the default graph is the union of all graphs, unless the query
names its own dataset with FROM or FROM NAMED. Errors are
`bookrdf.errors.QueryError` (a malformed query: `source:line:column: message`, positions in
the caller's own text); a store that cannot be reached raises `StoreError`.
"""

from __future__ import annotations

from bookrdf.query.named import (
    PARAM_KINDS,
    NamedQuery,
    QueryParam,
    bind_params,
    list_named_queries,
    named_query,
    parse_param,
    term_of,
)
from bookrdf.query.results import GRAPH_FORMATS, RESULTS_FORMATS, QueryResult, render, table
from bookrdf.query.run import run_query
from bookrdf.query.sparql import Term, decode_query
from bookrdf.store import Target

__all__ = [
    "GRAPH_FORMATS",
    "PARAM_KINDS",
    "RESULTS_FORMATS",
    "NamedQuery",
    "QueryParam",
    "QueryResult",
    "Target",
    "Term",
    "bind_params",
    "decode_query",
    "list_named_queries",
    "named_query",
    "parse_param",
    "render",
    "run_query",
    "table",
    "term_of",
]
