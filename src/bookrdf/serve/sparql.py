"""`/sparql`: the SPARQL 1.1 Protocol's query operation, read-only, with bounded requests.

GET `?query=`, POST `application/x-www-form-urlencoded` (`query=`) or `application/sparql-query`.
Answers by Accept: SPARQL results as JSON, XML, CSV or TSV; graphs as Turtle, N-Triples,
JSON-LD or RDF/XML. Updates are refused (400), bodies over the limit too (413), queries that
overrun the time limit or give too large an answer are stopped (503).

SERVICE is refused (400): pyoxigraph would fetch any URL a client names, from the server's
network (`bookrdf query` on one's own machine still runs it).
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from bookrdf.errors import QueryError, StoreError
from bookrdf.query.sparql import read_shape
from bookrdf.serve.negotiate import choose
from bookrdf.serve.workers import QueryPool, QueryTimeout, ResultTooLarge
from bookrdf.site import layout

# media type -> bookrdf.query.render format; the first of each is the default answer
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "xml",
}
_UPDATE = re.compile(
    r"^\s*(?:(?:PREFIX|BASE)\b[^{]*?)?\b(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b",
    re.IGNORECASE,
)
READ_ONLY = "this endpoint is read-only: SPARQL Update is not accepted\n"
NO_SERVICE = (
    "this endpoint does not call other servers: SERVICE is not accepted; "
    "query the other endpoint yourself\n"
)


class BadRequest(Exception):
    """A request the protocol does not allow: its status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, or BadRequest(413) as soon as it is longer than `limit` bytes."""
    length = request.headers.get("content-length", "")
    if length and (not length.isdigit() or int(length) > limit):
        raise BadRequest(413, f"the request body is larger than {limit} bytes\n")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BadRequest(413, f"the request body is larger than {limit} bytes\n")
        chunks.append(chunk)
    return b"".join(chunks)


def _one(params: dict[str, list[str]]) -> str | None:
    """The query of a protocol request's parameters (None when there is none)."""
    if "update" in params:
        raise BadRequest(400, READ_ONLY)
    if "default-graph-uri" in params or "named-graph-uri" in params:
        raise BadRequest(
            400,
            "default-graph-uri and named-graph-uri are not supported here; "
            "use FROM or GRAPH in the query\n",
        )
    queries = params.get("query", [])
    if len(queries) > 1:
        raise BadRequest(400, "give exactly one query parameter\n")
    return queries[0] if queries else None


async def query_of(request: Request, limit: int) -> str | None:
    """The query text a GET (or HEAD) or POST carries."""
    if request.method in {"GET", "HEAD"}:
        if len(request.url.query) > limit:
            raise BadRequest(414, f"the query is longer than {limit} bytes\n")
        return _one(parse_qs(request.url.query, keep_blank_values=True))
    body = await read_body(request, limit)
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(400, "the request body is not UTF-8\n") from None
    if media == "application/x-www-form-urlencoded":
        return _one(parse_qs(text, keep_blank_values=True))
    if media == "application/sparql-query":
        return text
    if media == "application/sparql-update":
        raise BadRequest(400, READ_ONLY)
    raise BadRequest(415, "send application/sparql-query or application/x-www-form-urlencoded\n")


async def sparql_endpoint(request: Request, pool: QueryPool, limit: int) -> Response:
    """Answer one SPARQL Protocol request."""
    try:
        text = await query_of(request, limit)
        if text is None:
            if choose(request.headers.get("accept"), ["text/html", "text/plain"]) == "text/html":
                return HTMLResponse(_form_page())
            raise BadRequest(400, "give a query: ?query=SELECT … (SPARQL 1.1 Protocol)\n")
        try:
            shape = read_shape(text, "query")
        except QueryError as err:
            raise BadRequest(400, READ_ONLY if _UPDATE.match(text) else f"{err}\n") from None
        if shape.service:
            raise BadRequest(400, NO_SERVICE)
        offers = GRAPH_TYPES if shape.form in {"CONSTRUCT", "DESCRIBE"} else RESULT_TYPES
        media = choose(request.headers.get("accept"), list(offers))
        if media is None:
            raise BadRequest(406, f"this answer is available as {', '.join(offers)}\n")
        answer = await pool.run(text, offers[media])
    except BadRequest as err:
        return PlainTextResponse(str(err), status_code=err.status)
    except QueryError as err:
        return PlainTextResponse(f"{err}\n", status_code=400)
    except (QueryTimeout, ResultTooLarge, StoreError) as err:
        return PlainTextResponse(f"{err}\n", status_code=503)
    if media == "application/json":
        media = "application/sparql-results+json"
    return Response(answer.data, media_type=media, headers={"Vary": "Accept"})


def _form_page() -> str:
    example = (
        "SELECT ?book ?title WHERE {\n  ?book a schema:Book ; dcterms:title ?title .\n} LIMIT 10"
    )
    body = (
        '<header><p class="kicker">SPARQL</p><h1>Query the books</h1></header>\n'
        "<p>Prefixes rdf, rdfs, xsd, owl, schema, dcterms, bibo, doco, deo and bookrdf are "
        "declared. The default graph is the union of every book's graph.</p>\n"
        '<form method="get"><textarea name="query" rows="8" style="width:100%" '
        f'aria-label="query">{escape(example)}</textarea><br>'
        "<button>Run</button></form>\n"
    )
    return layout(title="SPARQL", body=body)
