"""The embedded Oxigraph store: one folder on disk, one named graph per book."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

import pyoxigraph as ox

from bookrdf.errors import StoreError
from bookrdf.store.staging import LoadError, Staging, Written


class EmbeddedStore:
    """An Oxigraph store in a folder (or in memory), opened by this process alone."""

    def __init__(self, path: Path | None = None, *, create: bool = True) -> None:
        self.path = path
        self._store: ox.Store | None = ox.Store() if path is None else _open(path, create)

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
        """Stage beside the store: same disk, and the user chose it for its room."""
        return self.path.parent if self.path else None

    def write(self, staging: Staging) -> Written:
        """Replace each staged graph (one transaction per graph); identical graphs are skipped."""
        written: list[str] = []
        unchanged = triples = 0
        total = len(staging.labels)
        for graph, body in staging.graphs():
            new = set(body.splitlines())
            triples += len(new)
            try:
                current = self._triples(graph)
                if current == new:
                    unchanged += 1
                    continue
                self._replace(graph, body, current, new)
            except OSError as err:
                raise LoadError(f"{self.where}: writing failed: {err}", written, total) from None
            written.append(staging.labels[graph.value])
        return Written(graphs=total, triples=triples, unchanged=unchanged)

    def _triples(self, graph: ox.NamedNode) -> set[bytes]:
        """A graph's triples as N-Triples lines (empty when the graph is absent)."""
        if not self.oxigraph.contains_named_graph(graph):
            return set()
        body = self.oxigraph.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        assert body is not None
        return set(body.splitlines())

    def _replace(
        self, graph: ox.NamedNode, body: bytes, current: set[bytes], new: set[bytes]
    ) -> None:
        """Make the graph hold exactly `new`, in one transaction."""
        store = self.oxigraph
        if not current:
            # transactional; lenient: pyoxigraph itself wrote (and so checked) every term
            store.load(body, format=ox.RdfFormat.N_TRIPLES, to_graph=graph, lenient=True)
            return
        # One SPARQL update is one transaction: readers see the old graph or the new one.
        if any(b"_:" in line for line in current | new):
            # blank nodes cannot be matched by DELETE DATA: replace the graph whole
            update = f"DROP SILENT GRAPH {graph} ;\n" + _insert_data(graph, new)
        else:
            # only the difference is written, so a small edit to a big book stays cheap
            parts = [_delete_data(graph, current - new), _insert_data(graph, new - current)]
            update = " ;\n".join(part for part in parts if part)
        store.update(update)

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
                raise StoreError(f"{self.where}: cannot flush the store: {err}") from None
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
        self.close()


def _insert_data(graph: ox.NamedNode, lines: set[bytes]) -> str:
    """INSERT DATA of N-Triples lines into a graph ("" when there are none)."""
    return _data("INSERT", graph, lines)


def _delete_data(graph: ox.NamedNode, lines: set[bytes]) -> str:
    """DELETE DATA of N-Triples lines from a graph ("" when there are none)."""
    return _data("DELETE", graph, lines)


def _data(verb: str, graph: ox.NamedNode, lines: set[bytes]) -> str:
    """An INSERT DATA / DELETE DATA operation; N-Triples lines are valid SPARQL triples."""
    if not lines:
        return ""
    body = b"\n".join(sorted(lines)).decode("utf-8")
    return f"{verb} DATA {{ GRAPH {graph} {{\n{body}\n}} }}"


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
    if not path.exists():
        if not create:
            raise StoreError(f"{path}: there is no store here yet; load books into it first")
        try:
            path.mkdir(parents=True)
        except OSError as err:
            raise StoreError(f"{path}: cannot create the store folder: {err.strerror}") from None
    try:
        return ox.Store(str(path))
    except OSError as err:
        raise _open_error(path, err) from None


def _open_error(path: Path, err: OSError) -> StoreError:
    """RocksDB's lock failure becomes 'store is in use'; anything else says what failed."""
    text = str(err)
    if "LOCK" in text or "lock hold" in text:
        return StoreError(
            f"{path}: store is in use by another process (a server, or another bookrdf "
            "command); wait for it to finish or stop it, then try again"
        )
    return StoreError(f"{path}: cannot open the store: {text}")
