"""`bookrdf serve`: the books' IRIs, a SPARQL endpoint and a landing page over HTTP.

create_app(Settings(store, minter)) -> Starlette    the ASGI app (run it with uvicorn)
listen(host, port) -> socket                        the socket to run it on
choose(accept, offers)                              content negotiation with q-values
QueryPool                                           SPARQL in worker processes, time-limited
StoreReader                                         the store read-only, following writers
"""

from __future__ import annotations

from bookrdf.serve.app import OFFERS, Settings, create_app, listen
from bookrdf.serve.describe import Description, describe
from bookrdf.serve.negotiate import choose, parse_accept
from bookrdf.serve.reader import StoreReader, open_read_only
from bookrdf.serve.workers import Answer, QueryPool, QueryTimeout, ResultTooLarge

__all__ = [
    "OFFERS",
    "Answer",
    "Description",
    "QueryPool",
    "QueryTimeout",
    "ResultTooLarge",
    "Settings",
    "StoreReader",
    "choose",
    "create_app",
    "describe",
    "listen",
    "open_read_only",
    "parse_accept",
]
