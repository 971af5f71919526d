"""Stage a run's graphs on disk before any target is touched, so that a failed run changes nothing.

The input stream (records being read, mapped and validated) can fail at any book, so the whole
run is written to a temporary folder first, in bounded memory however large it is: books as
N-Triples in one spool file (already grouped by book), RDF files' quads (or dumps routed as
N-Quads text, `lines.route_lines`) bulk-loaded into a private Oxigraph store, which groups them
by graph. A target then reads each graph back. A bulk loader filling an empty store takes RDF
files as one N-Quads file instead, and is the one to check the routed text.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib import URIRef

from bookrdf.errors import InputError, StoreError, write_failure
from bookrdf.publish import to_oxigraph
from bookrdf.rows import BookGraph, Term
from bookrdf.store.lines import load_nquads, refused
from bookrdf.store.routes import Routed
from bookrdf.vocab import SCHEMA


@dataclass(frozen=True)
class StagedBook:
    """One book ready to load: its id, named graph and N-Triples."""

    book_id: str
    graph: str
    ntriples: bytes


@dataclass(frozen=True)
class Written:
    """What a target did with a staged run."""

    graphs: int
    triples: int
    unchanged: int = 0


class LoadError(StoreError):
    """A load that failed after some graphs were written; `loaded` names them."""

    def __init__(self, message: str, loaded: list[str], total: int | None) -> None:
        """`total` is None for a load that writes all its books or none (a bulk load)."""
        if total is None:
            super().__init__(f"{message}; none of the books were loaded; run the load again")
        else:
            done = f"{len(loaded)} of {total} books were loaded"
            if loaded:
                shown = ", ".join(loaded[:5]) + (", …" if len(loaded) > 5 else "")
                done += f" ({shown})"
            super().__init__(f"{message}; {done}, the others were not; run the load again")
        self.loaded = tuple(loaded)


class Staging:
    """One run's named graphs, in the order they came, held on disk until a target writes them.

    `grouped=False` for a target that takes one N-Quads file for a bulk loader and never asks
    for a graph (`graphs`): what is staged then goes to that file as it comes, as N-Quads, and
    its graphs are not listed in `labels` (the store counts them once loaded), so that memory
    holds nothing for each book.
    """

    def __init__(self, folder: Path, spool: IO[bytes], *, grouped: bool = True) -> None:
        self.folder = folder
        self.grouped = grouped
        self._spool = spool  # books' N-Triples (grouped) or N-Quads (not grouped)
        self._quads_in_spool = 0  # not grouped
        self._spans: dict[str, list[tuple[int, int]]] = {}  # graph IRI -> (offset, size)
        self._store: ox.Store | None = None
        self._quads_in_file = 0  # quads staged in quads.nq, for a bulk load
        self.routed: list[Path] = []  # files staged as routed text (`add_nquads`)
        # graph IRI -> how messages name it (a book id); insertion order is the run's order
        self.labels: dict[str, str] = {}

    def add_books(
        self, books: Iterable[BookGraph], on_book: Callable[[BookGraph], None] | None = None
    ) -> None:
        """Stage every book's triples as N-Triples (reading the stream to its end)."""
        for book in books:
            self.add_ntriples(book.book_id, str(book.graph), _ntriples(book))
            if on_book:
                on_book(book)
        self.flush()

    def add_ntriples(self, book_id: str, graph: str, body: bytes) -> None:
        """Stage one book already written as N-Triples (by a worker process)."""
        try:
            if not self.grouped:
                self._spool.write(_in_graph(body, graph))
                self._quads_in_spool += body.count(b"\n")
                return
            self.labels.setdefault(graph, book_id)
            self._spans.setdefault(graph, []).append((self._spool.tell(), len(body)))
            self._spool.write(body)
        except OSError as err:
            raise self._failed(err) from None

    def flush(self) -> None:
        """Push the spool to disk: a full disk shows here, not while the graphs are read back."""
        try:
            self._spool.flush()
        except OSError as err:
            raise self._failed(err) from None

    def _failed(self, err: OSError) -> StoreError:
        """A staging write that failed, named by the folder the user chose (a full disk…)."""
        return StoreError(f"{self.folder.parent}: cannot stage the load: {write_failure(err)}")

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Stage quads that already name their graphs (read from RDF files): gathered in a
        store by graph, or only written out when not grouped."""
        if not self.grouped:
            self._quads_in_file += self._write_quads(quads)
            return
        try:
            self._staging_store().bulk_extend(self._tracked(quads))
        except OSError as err:
            raise self._failed(err) from None

    def add_nquads(self, path: Path, blocks: Iterable[Routed]) -> None:
        """Stage a file read as N-Quads text that already names its graphs (`route_lines`),
        as `add_quads` stages quads. Oxigraph's loader checks the text: here when grouped,
        else when the target bulk-loads it (see `refusal`)."""
        self.routed.append(path)
        try:
            if self.grouped:
                self._load_routed(path, blocks)
            else:
                self._quads_in_file += self._write_routed(self.folder / "quads.nq", blocks)
        except OSError as err:
            raise self._failed(err) from None

    def _load_routed(self, path: Path, blocks: Iterable[Routed]) -> None:
        """One file's routed text into the staging store, in one load: a load scopes blank
        node labels, and a file's labels span its blocks."""
        text = self.folder / "routed.nq"
        try:
            self._write_routed(text, blocks)
            if not load_nquads(self._staging_store(), text):
                raise refused([path])
        finally:
            text.unlink(missing_ok=True)

    def _write_routed(self, text: Path, blocks: Iterable[Routed]) -> int:
        """Append routed blocks to a file, noting their graphs; returns the number of quads."""
        count = 0
        with text.open("ab") as out:
            for block in blocks:
                for graph in block.graphs:
                    self.labels.setdefault(graph, graph)
                out.write(block.nquads)
                count += block.quads
        return count

    def edition_links(self) -> list[tuple[str, str, str]]:
        """(edition IRI, work IRI, ISBN) for each edition with an ISBN that a work staged from
        RDF files links (`schema:workExample`), for the check of ISBNs already in a store."""
        if self._store is None:
            return []
        query = (
            f"SELECT DISTINCT ?edition ?work ?isbn WHERE {{ GRAPH ?graph {{ "
            f"?work <{SCHEMA.workExample}> ?edition . ?edition <{SCHEMA.isbn}> ?isbn "
            "FILTER (isIRI(?work) && isIRI(?edition)) } }"
        )
        solutions = self._store.query(query)
        assert isinstance(solutions, ox.QuerySolutions), "a SELECT answers solutions"
        return [
            (edition.value, work.value, isbn.value)
            for edition, work, isbn in (
                (row["edition"], row["work"], row["isbn"]) for row in solutions
            )
            if edition is not None and work is not None and isbn is not None
        ]

    def refusal(self) -> InputError:
        """The syntax error of a file whose text a bulk loader refused (`read_quads`'s)."""
        return refused(self.routed)

    def _staging_store(self) -> ox.Store:
        """The store that groups staged quads by graph, created on first use."""
        if self._store is None:
            self._store = ox.Store(str(self.folder / "quads"))
        return self._store

    def _write_quads(self, quads: Iterable[ox.Quad]) -> int:
        counted = [0]

        def tracked() -> Iterator[ox.Quad]:
            for quad in quads:
                counted[0] += 1
                yield quad

        try:
            with (self.folder / "quads.nq").open("ab") as out:
                ox.serialize(tracked(), out, format=ox.RdfFormat.N_QUADS)
        except OSError as err:
            raise self._failed(err) from None
        return counted[0]

    def _tracked(self, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        """The quads, noting each graph as it first appears."""
        for quad in quads:
            graph = quad.graph_name
            assert isinstance(graph, ox.NamedNode), "staged quads are in named graphs"
            self.labels.setdefault(graph.value, graph.value)
            yield quad

    def graphs(self) -> Iterator[tuple[ox.NamedNode, bytes]]:
        """Each staged graph with its triples as N-Triples, in the order the run gave them."""
        for iri in self.labels:
            graph = ox.NamedNode(iri)
            try:
                yield graph, self._spooled(iri) + self._dumped(graph)
            except OSError as err:
                raise StoreError(f"{self.folder}: cannot read the staged load: {err}") from None

    def _spooled(self, iri: str) -> bytes:
        """A graph's N-Triples from the spool file."""
        parts = []
        for offset, size in self._spans.get(iri, ()):
            self._spool.seek(offset)
            parts.append(self._spool.read(size))
        self._spool.seek(0, 2)
        return b"".join(parts)

    def _dumped(self, graph: ox.NamedNode) -> bytes:
        """A graph's N-Triples from the staging store."""
        if self._store is None:
            return b""
        body = self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        assert body is not None
        return body

    def nquads_file(self) -> Path:
        """One N-Quads file of everything staged, for a bulk loader (a staging not grouped,
        which writes N-Quads as they come): the spool or quads.nq itself when only one holds
        quads (a dump can be gigabytes: no copy)."""
        assert not self.grouped, "a bulk loader takes a staging that is not grouped"
        self.flush()
        staged = self.folder / "quads.nq"
        if self._quads_in_file and not self._quads_in_spool:
            return staged
        if self._quads_in_spool and not self._quads_in_file:
            return Path(self._spool.name)  # books staged as N-Quads
        dump = self.folder / "bulk.nq"
        with dump.open("wb") as out:
            self._spool.seek(0)
            shutil.copyfileobj(self._spool, out)
            self._spool.seek(0, 2)
            if self._quads_in_file:
                with staged.open("rb") as quads:
                    shutil.copyfileobj(quads, out)
        return dump

    def close(self) -> None:
        """Drop the staging store, so that its folder can be removed."""
        self._store = None


@contextmanager
def staging_area(near: Path | None = None, *, grouped: bool = True) -> Iterator[Staging]:
    """A staging area in a temporary folder (inside `near` when given), removed afterwards;
    see `Staging` for `grouped`."""
    created = near is not None and not near.exists()
    try:
        if near is not None:
            near.mkdir(parents=True, exist_ok=True)
        folder = tempfile.TemporaryDirectory(prefix=".bookrdf-staging-", dir=near)
    except OSError as err:
        where = near or "temporary folder"
        raise StoreError(f"{where}: cannot stage the load: {write_failure(err)}") from None
    try:
        with folder as name, (Path(name) / "books.nt").open("w+b") as spool:
            staging = Staging(Path(name), spool, grouped=grouped)
            try:
                yield staging
            finally:
                staging.close()
    finally:
        if created and near is not None:
            with suppress(OSError):
                near.rmdir()


def _in_graph(ntriples: bytes, graph: str) -> bytes:
    """N-Triples as N-Quads in `graph`: each line ends in " .\n", and only there (N-Triples
    escapes line breaks)."""
    return ntriples.replace(b" .\n", f" <{graph}> .\n".encode())


def _ntriples(book: BookGraph) -> bytes:
    """One book's triples as N-Triples, written by pyoxigraph (which also checks every IRI)."""
    try:
        triples = [ox.Triple(_named(str(s)), _named(str(p)), _term(o)) for s, p, o in book.rows]
    except ValueError as err:
        raise StoreError(f"book {book.book_id}: cannot store a triple: {err}") from None
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert body is not None
    return body


def _term(term: Term) -> ox.NamedNode | ox.Literal:
    """A row's term as a pyoxigraph one; IRIs repeat a lot, so they are cached."""
    if isinstance(term, URIRef):
        return _named(str(term))
    return to_oxigraph(term)


@lru_cache(maxsize=1 << 16)
def _named(iri: str) -> ox.NamedNode:
    """A pyoxigraph IRI (cached: a run repeats the same predicates and classes)."""
    return ox.NamedNode(iri)
