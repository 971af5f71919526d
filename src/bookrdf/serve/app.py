"""The ASGI app: books' IRIs with content negotiation, `/sparql`, a landing page and search.

Every route lives under the path of the base IRI (`https://example.org/bookrdf/` -> `/bookrdf/`),
so the server can stand behind a proxy for the IRIs' own host. An IRI without a suffix answers
303 See Other to the document in the negotiated format (`.ttl`, `.jsonld`, `.nt`, `.html`);
those documents answer 200.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bookrdf.errors import ConfigError, QueryError, StoreError
from bookrdf.serve.cors import CorsHeaders
from bookrdf.serve.describe import Description, describe
from bookrdf.serve.negotiate import choose
from bookrdf.serve.reader import StoreReader
from bookrdf.serve.render import render
from bookrdf.serve.sparql import sparql_endpoint
from bookrdf.serve.workers import QueryPool, QueryTimeout, ResultTooLarge
from bookrdf.site import (
    DUMP_NAMES,
    MEDIA_TYPES,
    DatasetInfo,
    Entry,
    dataset_page,
    index_page,
    search_page,
)
from bookrdf.site.write import DEFAULT_TITLE
from bookrdf.vocab import Minter

# Offered in this order: `*/*` or no Accept header gets Turtle (browsers ask for text/html).
OFFERS = {
    "text/turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/n-triples": "nt",
    "text/html": "html",
    "application/json": "jsonld",
}
SEARCH = """SELECT ?book ?title ?published (GROUP_CONCAT(DISTINCT ?name; separator=", ") AS ?people)
WHERE {
  ?book a schema:Book ; dcterms:title ?title .
  OPTIONAL { ?book dcterms:issued ?published }
  OPTIONAL { ?book dcterms:creator|dcterms:contributor ?person . ?person schema:name ?name }
  FILTER(CONTAINS(LCASE(STR(?title)), LCASE(?q)) || EXISTS {
    ?book dcterms:creator|dcterms:contributor ?someone . ?someone schema:name ?match .
    FILTER(CONTAINS(LCASE(STR(?match)), LCASE(?q))) })
} GROUP BY ?book ?title ?published ORDER BY LCASE(STR(?title)) LIMIT 50"""
INDEX = """SELECT ?book ?title ?published (GROUP_CONCAT(DISTINCT ?name; separator=", ") AS ?people)
WHERE {
  ?book a schema:Book ; dcterms:title ?title .
  OPTIONAL { ?book dcterms:issued ?published }
  OPTIONAL { ?book dcterms:creator|dcterms:contributor ?person . ?person schema:name ?name }
} GROUP BY ?book ?title ?published ORDER BY LCASE(STR(?title)) LIMIT 1000"""
COUNTS = """SELECT ?books ?chapters ?triples WHERE {
  { SELECT (COUNT(DISTINCT ?b) AS ?books) WHERE {
      ?b a schema:Book FILTER NOT EXISTS { ?b schema:exampleOfWork ?w } } }
  { SELECT (COUNT(DISTINCT ?c) AS ?chapters) WHERE { ?c a schema:Chapter } }
  { SELECT (COUNT(*) AS ?triples) WHERE { GRAPH ?g { ?s ?p ?o } } }
}"""


@dataclass(frozen=True)
class Settings:
    """How the server runs; the limits bound what one request can cost."""

    store: Path
    minter: Minter
    title: str = DEFAULT_TITLE
    dumps: Path | None = None
    query_timeout: float = 10.0
    max_result_bytes: int = 20_000_000
    max_body_bytes: int = 100_000
    workers: int = 2
    max_links: int = 1000
    cache_size: int = 512


class _Server:
    """The handlers and what they share: the read-only store, the query workers, a cache."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.base = settings.minter.base
        self.prefix = urlsplit(self.base).path  # as in the IRIs, for links
        self.reader = StoreReader(settings.store)
        self.pool = QueryPool(
            settings.store,
            size=settings.workers,
            timeout=settings.query_timeout,
            max_bytes=settings.max_result_bytes,
        )
        self.cache: OrderedDict[tuple[int, str, str], bytes] = OrderedDict()
        self.counts: tuple[float, tuple[int, int, int]] | None = None

    def link(self, iri: str) -> str:
        """Where a page links for an IRI: its path here when minted under the base."""
        return self.prefix + iri[len(self.base) :] if iri.startswith(self.base) else iri

    async def resource(self, request: Request) -> Response:
        """A book, chapter, edition, person or organisation: negotiate, or give a document."""
        raw = request.scope.get("raw_path") or quote(request.url.path).encode()
        path = raw.decode("latin-1")
        # the IRI's rest as the client spelled it (a name's %-escapes kept), after the base's
        # path, which the client may have escaped otherwise ('bücher' comes as 'b%C3%BCcher')
        rest = path.split("/", self.prefix.count("/"))[-1]
        stem, dot, suffix = rest.rpartition(".")
        if dot and suffix in MEDIA_TYPES:
            found = await asyncio.to_thread(self.rendered, self.base + stem, suffix)
            if found is not None:
                return Response(found, media_type=f"{MEDIA_TYPES[suffix]}; charset=utf-8")
        if not await asyncio.to_thread(self.exists, self.base + rest):
            return PlainTextResponse("Not Found: nothing is known about this IRI\n", 404)
        chosen = choose(request.headers.get("accept"), list(OFFERS))
        vary = {"Vary": "Accept"}
        if chosen is None:
            types = ", ".join(MEDIA_TYPES.values())
            return PlainTextResponse(f"Not Acceptable: this is available as {types}\n", 406, vary)
        return RedirectResponse(f"{path}.{OFFERS[chosen]}", 303, vary)

    def exists(self, iri: str) -> bool:
        """Whether the store has triples about `iri`."""
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            return False
        quads = self.reader.current().quads_for_pattern(node, None, None, None)
        return next(iter(quads), None) is not None

    def rendered(self, iri: str, fmt: str) -> bytes | None:
        """The description of `iri` in one format (None when unknown), cached per snapshot."""
        try:
            ox.NamedNode(iri)
        except ValueError:
            return None  # not an IRI: nothing can be known about it
        store = self.reader.current()
        key = (self.reader.generation, iri, fmt)
        if key in self.cache:
            self.cache.move_to_end(key)
            return self.cache[key]
        try:
            found: Description | None = describe(store, iri, self.settings.max_links)
        except OSError:
            found = describe(self.reader.refresh(), iri, self.settings.max_links)
        if found is None:
            return None
        data = render(found, fmt, self.link, root=self.prefix)
        self.cache[key] = data
        while len(self.cache) > self.settings.cache_size:
            self.cache.popitem(last=False)
        return data

    async def landing(self, request: Request) -> Response:
        """The dataset, a search box, the dumps and the SPARQL endpoint."""
        books, chapters, triples = await self._counts()
        info = DatasetInfo(self.settings.title, self.base, books, chapters, triples)
        info.sparql = f"{self.prefix}sparql"
        info.search = f"{self.prefix}search"
        info.index = f"{self.prefix}index.html"
        folder = self.settings.dumps
        if folder is not None:
            info.dumps = [
                (name, f"{self.prefix}dumps/{name}")
                for name in DUMP_NAMES
                if (folder / name).is_file()
            ]
        return HTMLResponse(dataset_page(info))

    async def _counts(self) -> tuple[int, int, int]:
        """Books, chapters and triples in the store, counted at most once a minute."""
        if self.counts and time.monotonic() - self.counts[0] < 60:
            return self.counts[1]
        try:
            answer = await self.pool.run(COUNTS, "json")
        except (QueryError, QueryTimeout, ResultTooLarge, StoreError):
            return (0, 0, 0)
        row = json.loads(answer.data)["results"]["bindings"][0]
        counts = (
            int(row["books"]["value"]),
            int(row["chapters"]["value"]),
            int(row["triples"]["value"]),
        )
        self.counts = (time.monotonic(), counts)
        return counts

    async def _entries(self, query: str, params: dict[str, str]) -> list[tuple[str, Entry]]:
        """Books found by the index or search query: (IRI, entry linking to it)."""
        answer = await self.pool.run(query, "json", params)
        entries = []
        for row in json.loads(answer.data)["results"]["bindings"]:
            value = {name: cell["value"] for name, cell in row.items()}
            iri = value["book"]
            entry = Entry(
                self.link(iri), value["title"], value.get("people", ""), value.get("published")
            )
            entries.append((iri, entry))
        return entries

    async def index(self, request: Request) -> Response:
        """The books, by title (the first thousand; search finds the others)."""
        try:
            entries = await self._entries(INDEX, {})
        except (QueryTimeout, ResultTooLarge, StoreError) as err:
            return PlainTextResponse(f"{err}\n", 503)
        return HTMLResponse(index_page(self.settings.title, [e for _, e in entries]))

    async def search(self, request: Request) -> Response:
        """Books whose title or contributors contain the words asked for."""
        q = request.query_params.get("q", "").strip()[:200]
        chosen = choose(request.headers.get("accept"), ["text/html", "application/json"])
        entries: list[tuple[str, Entry]] = []
        if q:
            try:
                entries = await self._entries(SEARCH, {"q": q})
            except (QueryTimeout, ResultTooLarge, StoreError) as err:
                return PlainTextResponse(f"{err}\n", 503)
        if chosen == "application/json":
            results = [
                {
                    "iri": iri,
                    "title": e.title,
                    "contributors": e.contributors,
                    "published": e.published,
                }
                for iri, e in entries
            ]
            return JSONResponse({"query": q, "results": results}, headers={"Vary": "Accept"})
        page = search_page(q, [e for _, e in entries], self.prefix)
        return HTMLResponse(page, headers={"Vary": "Accept"})

    async def sparql(self, request: Request) -> Response:
        return await sparql_endpoint(request, self.pool, self.settings.max_body_bytes)

    def routes(self) -> list[BaseRoute]:
        p = unquote(self.prefix)  # routes match the decoded path
        routes: list[BaseRoute] = [
            Route(p, self.landing),
            Route(f"{p}index.html", self.index),
            Route(f"{p}dataset.html", self.landing),
            Route(f"{p}search", self.search),
            Route(f"{p}sparql", self.sparql, methods=["GET", "POST"]),
        ]
        if self.settings.dumps is not None:
            routes.append(Mount(f"{p}dumps", _DumpFiles(directory=self.settings.dumps)))
        routes.append(Route(p + "{rest:path}", self.resource))
        if p != "/":
            routes.append(Route("/", RedirectResponse(p, 303)))
        return routes


class _DumpFiles(StaticFiles):
    """The files inside the dumps folder (StaticFiles: no path traversal, no link out of it),
    but none hidden: a `.git` or `.env` beside the dumps, or a release being written
    (`.books.ttl.*.tmp`, `.site.*.tmp`), is not for the web."""

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        if any(part.startswith(".") for part in Path(path).parts):
            return "", None
        return super().lookup_path(path)


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on host:port (port 0: a free one), for the server to answer on."""
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except socket.gaierror as err:
        raise ConfigError(f"{where}: cannot listen there: {err.strerror}; check --host") from None
    try:
        return socket.create_server((host, port), family=family)
    except OSError as err:  # the port is taken, the address is not this machine's…
        reason = os.strerror(err.errno) if err.errno else str(err)
        raise ConfigError(
            f"{where}: cannot listen there: {reason}; "
            "choose another --port or --host, or stop what listens there"
        ) from None


def create_app(settings: Settings) -> Starlette:
    """The app; the query workers start with it and stop with it."""
    server = _Server(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await server.pool.start()
        try:
            yield
        finally:
            await server.pool.stop()

    app = Starlette(routes=server.routes(), lifespan=lifespan)
    app.add_middleware(CorsHeaders)
    return app
