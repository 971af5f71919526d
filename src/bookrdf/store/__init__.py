"""Load books into a triple store: an embedded Oxigraph store on disk, or a remote SPARQL server.

Each book lives in its own named graph (`BookGraph.graph`), and loading a book replaces exactly
that graph. A run is staged on disk first (`staging`), so a run whose input fails — a bad
record, a failed validation — leaves every target exactly as it was. Then:

    EmbeddedStore   each changed graph replaced in one transaction; identical graphs skipped
    RemoteStore     each graph PUT (Graph Store Protocol) or sent as SPARQL Update

Errors (all `bookrdf.errors.StoreError`):

    StoreError                the store cannot be opened ("store is in use"), read or written
    ├── LoadError             writing failed midway; `.loaded` names the books already written
    └── HttpStatusError       a server answered with an error; `.status`, `.body`
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from bookrdf.errors import StoreError
from bookrdf.mapping import BookGraph
from bookrdf.store.credentials import credentials_for
from bookrdf.store.embedded import EmbeddedStore, open_store
from bookrdf.store.files import RDF_FORMATS, read_quads
from bookrdf.store.http import Client, HttpStatusError
from bookrdf.store.lines import load_nquads, refused, route_lines
from bookrdf.store.remote import LOAD_METHODS, RemoteStore
from bookrdf.store.staging import LoadError, StagedBook, Staging, Written, staging_area
from bookrdf.vocab import DEFAULT_BASE

Target = EmbeddedStore | RemoteStore

__all__ = [
    "LOAD_METHODS",
    "RDF_FORMATS",
    "Client",
    "EmbeddedStore",
    "HttpStatusError",
    "LoadError",
    "LoadSummary",
    "RemoteStore",
    "StagedBook",
    "Staging",
    "Target",
    "Written",
    "credentials_for",
    "load_books",
    "load_files",
    "load_staged",
    "memory_store",
    "open_store",
    "read_quads",
    "staging_area",
]


@dataclass(frozen=True)
class LoadSummary:
    """What a load did: books (named graphs) and triples sent, of which `unchanged` were
    already identical in the store and left alone."""

    books: int
    triples: int
    seconds: float
    unchanged: int = 0


def load_books(
    books: Iterable[BookGraph],
    target: Target,
    *,
    on_book: Callable[[BookGraph], None] | None = None,
) -> LoadSummary:
    """Load every book into its named graph; nothing changes unless the whole stream is read.

    `on_book` is called as each book has been read and staged.
    """
    started = time.perf_counter()
    with staging_area(target.staging_folder, grouped=_grouped(target)) as staging:
        staging.add_books(books, on_book)
        written = target.write(staging)
    return _summary(written, started)


def load_staged(
    books: Iterable[StagedBook],
    target: Target,
    *,
    on_book: Callable[[StagedBook], None] | None = None,
) -> LoadSummary:
    """Load books already written as N-Triples (by worker processes), all or nothing."""
    started = time.perf_counter()
    with staging_area(target.staging_folder, grouped=_grouped(target)) as staging:
        for book in books:
            staging.add_ntriples(book.book_id, book.graph, book.ntriples)
            if on_book:
                on_book(book)
        staging.flush()
        written = target.write(staging)
    return _summary(written, started)


def load_files(
    paths: Sequence[Path],
    target: Target,
    *,
    base: str = DEFAULT_BASE,
    on_file: Callable[[Path], None] | None = None,
    check: Callable[[Staging], None] | None = None,
) -> LoadSummary:
    """Load RDF files (see `read_quads` for the graphs their triples go to), all or nothing.

    N-Triples and N-Quads dumps are routed as text (`lines.route_lines`), other files as quads.
    `check` sees what is staged for a store that holds data (or a server) before it is written,
    and raises to stop the load.
    """
    started = time.perf_counter()
    with staging_area(target.staging_folder, grouped=_grouped(target)) as staging:
        for path in paths:
            # a dump as text, never as one object per triple
            routed = route_lines(path, base, staging.folder, name_graphs=staging.grouped)
            if routed is None:
                staging.add_quads(read_quads(path, base, staging.folder))
            else:
                staging.add_nquads(path, routed)
            if on_file:
                on_file(path)
        if check and staging.grouped:
            check(staging)
        written = target.write(staging)
    return _summary(written, started)


def _grouped(target: Target) -> bool:
    """Whether the target asks for the staged graphs one by one (see `Staging`): all but an
    empty embedded store, which takes one N-Quads file for Oxigraph's bulk loader."""
    return not (isinstance(target, EmbeddedStore) and target.takes_bulk_load())


def _summary(written: Written, started: float) -> LoadSummary:
    """The summary of a finished load."""
    return LoadSummary(
        books=written.graphs,
        triples=written.triples,
        seconds=time.perf_counter() - started,
        unchanged=written.unchanged,
    )


def memory_store(paths: Sequence[Path], base: str = DEFAULT_BASE) -> EmbeddedStore:
    """An in-memory store holding RDF files (for `bookrdf query --data`)."""
    store = EmbeddedStore(None)
    for path in paths:
        try:
            _fill(store.oxigraph, path, base)
        except OSError as err:
            raise StoreError(f"{path}: cannot load the file into memory: {err}") from None
    return store


def _fill(store: ox.Store, path: Path, base: str) -> None:
    """Add one RDF file's quads to a store (a dump as text, see `lines.route_lines`)."""
    routed = route_lines(path, base)
    if routed is None:
        store.bulk_extend(read_quads(path, base))
        return
    # one load for the file: a load scopes blank node labels, and a file's labels span blocks
    if not load_nquads(store, b"".join(block.nquads for block in routed)):
        raise refused([path])
