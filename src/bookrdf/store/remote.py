"""A remote SPARQL 1.1 server: books go in through the Graph Store HTTP Protocol (one PUT per
named graph) or SPARQL Update; queries go through the SPARQL protocol."""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from bookrdf.errors import ConfigError, StoreError
from bookrdf.store.credentials import check_url
from bookrdf.store.http import Client, Response
from bookrdf.store.staging import LoadError, Staging, Written

LOAD_METHODS = ("gsp", "update")


@dataclass(frozen=True)
class RemoteStore:
    """A SPARQL server. `endpoint` answers queries; graphs are PUT to `gsp_endpoint` (default:
    `endpoint`) or, with method="update", sent as SPARQL Update to `update_endpoint`.

    Oxigraph's server: endpoint=.../query, gsp_endpoint=.../store, update_endpoint=.../update.
    Fuseki: the dataset URL serves all three. Credentials come from the environment or ~/.netrc.
    """

    endpoint: str
    gsp_endpoint: str | None = None
    update_endpoint: str | None = None
    method: str = "gsp"
    client: Client = field(default_factory=Client)
    staging_folder: Path | None = None

    def __post_init__(self) -> None:
        for url in (self.endpoint, self.gsp_endpoint, self.update_endpoint):
            if url is not None:
                check_url(url)
        if self.method not in LOAD_METHODS:
            raise ConfigError(f"load method {self.method!r}: use one of {', '.join(LOAD_METHODS)}")

    @property
    def where(self) -> str:
        """How messages name this store."""
        return self.endpoint

    def write(self, staging: Staging) -> Written:
        """Send each staged graph, replacing the server's copy; a failure names what was sent."""
        loaded: list[str] = []
        triples = 0
        total = len(staging.labels)
        for graph, body in staging.graphs():
            try:
                self._replace(graph, body)
            except StoreError as err:
                raise LoadError(str(err), loaded, total) from None
            loaded.append(staging.labels[graph.value])
            triples += body.count(b"\n")
        return Written(graphs=total, triples=triples)

    def _replace(self, graph: ox.NamedNode, ntriples: bytes) -> None:
        """Replace one graph on the server: a GSP PUT, or DROP + INSERT DATA as one update."""
        if self.method == "gsp":
            base = self.gsp_endpoint or self.endpoint
            joiner = "&" if "?" in base else "?"
            url = f"{base}{joiner}graph={quote(graph.value, safe='')}"
            self.client.send("PUT", url, ntriples, {"Content-Type": "application/n-triples"})
            return
        update = (
            f"DROP SILENT GRAPH {graph} ;\nINSERT DATA {{ GRAPH {graph} {{\n"
            f"{ntriples.decode('utf-8')}}} }}"
        ).encode()
        url = self.update_endpoint or self.endpoint
        self.client.send("POST", url, update, {"Content-Type": "application/sparql-update"})

    def query(self, text: str, accept: str) -> Response:
        """POST a query, URL-encoded, and return the server's answer.

        URL-encoded POST is the form every SPARQL 1.1 server takes: Virtuoso 7.2 never answers
        a direct `application/sparql-query` POST.
        """
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
        body = urllib.parse.urlencode({"query": text}).encode("ascii")
        return self.client.send("POST", self.endpoint, body, headers)
