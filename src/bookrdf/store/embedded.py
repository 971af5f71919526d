"""The embedded Oxigraph store: one folder on disk, one named graph per book."""

from __future__ import annotations

import shutil
from contextlib import suppress
from pathlib import Path
from types import TracebackType

import pyoxigraph as ox

from bookrdf.errors import StoreError, write_failure
from bookrdf.store.lines import load_nquads
from bookrdf.store.staging import LoadError, Staging, Written


class EmbeddedStore:
    """An Oxigraph store in a folder (or in memory), opened by this process alone."""

    def __init__(self, path: Path | None = None, *, create: bool = True) -> None:
        self.path = path
        # a store this run creates is removed again when the run fails before writing to it
        self._new = path is not None and not path.exists()
        self._store: ox.Store | None = ox.Store() if path is None else _open(path, create)
        if self.staging_folder:
            # what a killed load staged: this process holds the store's lock, so it is stale
            shutil.rmtree(self.staging_folder, ignore_errors=True)
        if self.loading_marker is not None and self.loading_marker.exists():
            self._interrupted_bulk_load(create)

    def _interrupted_bulk_load(self, writing: bool) -> None:
        """A bulk load into the empty store was killed: empty it again when loading, or refuse
        to read a store that holds part of a load."""
        assert self.loading_marker is not None
        if not writing:
            raise StoreError(
                f"{self.where}: a load into this store was interrupted and it holds part of "
                "that load; run `bookrdf load` again"
            )
        try:
            self.oxigraph.clear()
            self.oxigraph.flush()
            self.loading_marker.unlink()
        except OSError as err:
            failure = write_failure(err)
            raise StoreError(f"{self.where}: cannot empty the store: {failure}") from None

    @property
    def oxigraph(self) -> ox.Store:
        """The pyoxigraph store (for queries)."""
        if self._store is None:
            raise StoreError(f"{self.where}: the store is closed")
        return self._store

    @property
    def where(self) -> str:
        """How messages name this store."""
        return str(self.path) if self.path else "in-memory store"

    @property
    def staging_folder(self) -> Path | None:
        """Stage beside the store (same disk, and the user chose it for its room), in a folder
        of its own that only the process holding the store's lock uses."""
        return self.path.parent / f".{self.path.name}.staging" if self.path else None

    def write(self, staging: Staging) -> Written:
        """Make each staged graph hold exactly its staged triples, all in one transaction.

        One SPARQL update is one transaction: a run killed or failing at any point leaves the
        store as it was (readers see the old graphs or the new ones, never a mix). The price
        is that a run's changes are held in memory while they are written, as Oxigraph holds
        any transaction; identical graphs are skipped, and a small edit to a big book only
        writes the difference.
        """
        if self.takes_bulk_load():
            return self._bulk_write(staging)
        change = _Change()
        unchanged = triples = 0
        total = len(staging.labels)
        for graph, body in staging.graphs():
            new = set(body.splitlines())
            triples += len(new)
            try:
                current = self._triples(graph)
            except OSError as err:
                raise StoreError(f"{self.where}: cannot read the store: {err}") from None
            if current == new:
                unchanged += 1
            else:
                change.replace(graph, current, new)
        if change:
            try:
                self.oxigraph.update(change.update())
            except OSError as err:
                raise LoadError(f"{self.where}: {write_failure(err)}", [], total) from None
        return Written(graphs=total, triples=triples, unchanged=unchanged)

    def takes_bulk_load(self) -> bool:
        """Whether a load goes through the bulk loader: an empty store on disk."""
        return self.path is not None and self.is_empty()

    def is_empty(self) -> bool:
        """Whether the store holds no quad."""
        return next(iter(self.oxigraph.quads_for_pattern(None, None, None, None)), None) is None

    @property
    def loading_marker(self) -> Path | None:
        """A file that exists while a bulk load fills an empty store (a killed one leaves it)."""
        return self.path.parent / f".{self.path.name}.loading" if self.path else None

    def _bulk_write(self, staging: Staging) -> Written:
        """Fill an empty store through Oxigraph's bulk loader, ten times faster than a
        transaction and in bounded memory. The loader is not one transaction, so a marker
        file says the store is being filled: a killed load leaves it, and the store is then
        emptied by the next load and refused by readers until then (see `open_store`). The
        loader also checks files staged as text: when it refuses one, the store is emptied
        again and the file's syntax error reported."""
        assert self.loading_marker is not None
        dump: Path | None = None
        try:
            dump = staging.nquads_file()
            self.loading_marker.touch()
            loaded = load_nquads(self.oxigraph, dump)
            if not loaded:
                self.oxigraph.clear()  # it was empty
            self.oxigraph.flush()
            self.loading_marker.unlink()
            triples = len(self.oxigraph)  # distinct: a shared node's triples may repeat
            # the store was empty; a dump's graphs are not listed in `staging.labels`
            graphs = sum(1 for _ in self.oxigraph.named_graphs())
        except OSError as err:
            # readers refuse the store and the next load empties it (see `_interrupted_bulk_load`)
            raise LoadError(f"{self.where}: {write_failure(err)}", [], None) from None
        finally:
            if dump is not None:
                dump.unlink(missing_ok=True)
        if not loaded:
            raise staging.refusal()
        return Written(graphs=graphs, triples=triples, unchanged=0)

    def _triples(self, graph: ox.NamedNode) -> set[bytes]:
        """A graph's triples as N-Triples lines (empty when the graph is absent)."""
        if not self.oxigraph.contains_named_graph(graph):
            return set()
        body = self.oxigraph.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        assert body is not None
        return set(body.splitlines())

    def graph_sizes(self) -> dict[str, int]:
        """The number of triples in each named graph."""
        query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        sizes: dict[str, int] = {}
        try:
            result = self.oxigraph.query(query)
            assert isinstance(result, ox.QuerySolutions)
            for row in result:
                graph, count = row["g"], row["n"]
                assert isinstance(graph, ox.NamedNode | ox.BlankNode)
                assert isinstance(count, ox.Literal)
                sizes[graph.value] = int(count.value)
        except OSError as err:
            raise StoreError(f"{self.where}: cannot read the store: {err}") from None
        return sizes

    def close(self) -> None:
        """Release the store (and its lock); pyoxigraph closes it when the last reference goes."""
        if self._store is not None:
            try:
                self._store.flush()
            except OSError as err:
                failure = write_failure(err)
                raise StoreError(f"{self.where}: cannot flush the store: {failure}") from None
            finally:
                self._store = None

    def __enter__(self) -> EmbeddedStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if error is None:
            self.close()
            return
        unused = self._new and self._store is not None and self.is_empty()
        with suppress(StoreError):  # a failed write fails the flush too: report the first
            self.close()
        if unused and self.path is not None:
            shutil.rmtree(self.path, ignore_errors=True)


class _Change:
    """The operations of one update: graphs dropped, triples deleted, triples inserted."""

    def __init__(self) -> None:
        self.dropped: list[ox.NamedNode] = []
        self.deleted: list[str] = []
        self.inserted: list[str] = []

    def __bool__(self) -> bool:
        return bool(self.dropped or self.deleted or self.inserted)

    def replace(self, graph: ox.NamedNode, current: set[bytes], new: set[bytes]) -> None:
        """Make `graph` hold exactly `new` instead of `current`."""
        if any(b"_:" in line for line in current | new):
            # blank nodes cannot be matched by DELETE DATA: replace the graph whole
            if current:
                self.dropped.append(graph)
            self.inserted.append(_quads(graph, new))
            return
        # only the difference is written, so a small edit to a big book stays cheap
        if current - new:
            self.deleted.append(_quads(graph, current - new))
        if new - current:
            self.inserted.append(_quads(graph, new - current))

    def update(self) -> str:
        """The SPARQL update: drops and deletions first, then one INSERT DATA.

        One INSERT DATA for every graph, because SPARQL scopes blank node labels to the
        request and may refuse one label in two INSERT DATA operations.
        """
        parts = [f"DROP SILENT GRAPH {graph}" for graph in self.dropped]
        if self.deleted:
            parts.append("DELETE DATA {\n" + "\n".join(self.deleted) + "\n}")
        if self.inserted:
            parts.append("INSERT DATA {\n" + "\n".join(self.inserted) + "\n}")
        return " ;\n".join(parts)


def _quads(graph: ox.NamedNode, lines: set[bytes]) -> str:
    """N-Triples lines as a GRAPH block of INSERT DATA / DELETE DATA (they are valid SPARQL)."""
    body = b"\n".join(sorted(lines)).decode("utf-8")
    return f"GRAPH {graph} {{\n{body}\n}}"


def open_store(path: Path, *, create: bool = True) -> EmbeddedStore:
    """The store in `path` (created when missing unless create=False), for this process alone."""
    return EmbeddedStore(path, create=create)


def _open(path: Path, create: bool) -> ox.Store:
    """The pyoxigraph store in a folder, after checking the folder is one."""
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path}: is a file, not a store folder; give a folder")
    if path.is_dir() and not (path / "CURRENT").exists() and any(path.iterdir()):
        raise StoreError(
            f"{path}: the folder holds other files, not an Oxigraph store; "
            "give an empty or new folder"
        )
    if not create and not (path / "CURRENT").exists():
        # RocksDB would create a store in an empty folder: reading must not
        raise StoreError(f"{path}: there is no store here yet; load books into it first")
    created = not path.exists()
    if created:
        try:
            path.mkdir(parents=True)
        except OSError as err:
            raise StoreError(f"{path}: cannot create the store folder: {err.strerror}") from None
    try:
        return ox.Store(str(path))
    except (OSError, RuntimeError) as err:
        if created:  # the files RocksDB began (a full disk…) are not a store
            shutil.rmtree(path, ignore_errors=True)
        if isinstance(err, RuntimeError):  # how pyoxigraph reports RocksDB's "Corruption: …"
            raise damaged_store(path, err) from None
        raise _open_error(path, err) from None


def damaged_store(path: Path, err: RuntimeError) -> StoreError:
    """A store RocksDB cannot read (a damaged CURRENT or MANIFEST file, say)."""
    if not str(err).startswith("Corruption"):
        return StoreError(f"{path}: cannot open the store: {err}")
    return StoreError(
        f"{path}: the store is damaged ({err}); load the books again into a new folder"
    )


def _open_error(path: Path, err: OSError) -> StoreError:
    """Why RocksDB would not open the store: in use, a full disk, or else in its own words."""
    text = str(err)
    failure = write_failure(err)
    if not failure.startswith("cannot write"):  # no room (even for the LOCK file): say so
        return StoreError(f"{path}: cannot open the store: {failure}")
    if "LOCK" in text or "lock hold" in text:
        return StoreError(
            f"{path}: store is in use by another process (a server, or another bookrdf "
            "command); wait for it to finish or stop it, then try again"
        )
    return StoreError(f"{path}: cannot open the store: {text}")
