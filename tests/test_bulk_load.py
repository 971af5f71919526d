"""An empty embedded store is filled by Oxigraph's bulk loader: the same graphs as a
transactional load, and a killed bulk load is detected, refused by readers and redone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from bookrdf.errors import StoreError
from bookrdf.generate import write_catalogue
from bookrdf.mapping import map_book
from bookrdf.pipeline import load, publish, read_books
from bookrdf.publish import book_ntriples
from bookrdf.store import open_store, staging_area
from bookrdf.vocab import Minter

BOOKRDF = [str(Path(sys.executable).parent / "bookrdf")]
MINTER = Minter()


def graphs(path: Path) -> dict[str, set[str]]:
    """Every named graph of a store with its triples as N-Triples lines."""
    store = ox.Store.read_only(str(path))
    found: dict[str, set[str]] = {}
    for quad in store:
        assert isinstance(quad.graph_name, ox.NamedNode)
        found.setdefault(quad.graph_name.value, set()).add(str(quad.triple))
    return found


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("catalogue")
    write_catalogue(folder, 40, seed=3)
    return folder / "books.jsonl"


def test_bulk_and_transactional_loads_make_the_same_graphs(tmp_path: Path, catalogue: Path) -> None:
    with open_store(tmp_path / "bulk") as store:
        assert store.takes_bulk_load()
        summary = load([catalogue], store, validate=False)
    assert summary.books == 40
    # a store that already holds a graph takes the transactional road
    with open_store(tmp_path / "tx") as store:
        store.oxigraph.add(
            ox.Quad(
                ox.NamedNode("http://x/s"),
                ox.NamedNode("http://x/p"),
                ox.Literal("o"),
                ox.NamedNode("http://x/g"),
            )
        )
        assert not store.takes_bulk_load()
        load([catalogue], store, validate=False)
    bulk, transactional = graphs(tmp_path / "bulk"), graphs(tmp_path / "tx")
    transactional.pop("http://x/g")
    assert bulk == transactional
    assert summary.triples == sum(len(lines) for lines in bulk.values())
    assert not (tmp_path / ".bulk.loading").exists()


@pytest.mark.parametrize("name", ["books.nt.gz", "books.ttl", "books.jsonld"])
def test_a_dump_is_bulk_loaded_into_its_book_graphs(
    tmp_path: Path, catalogue: Path, name: str
) -> None:
    """Routed as text (N-Triples) or read as quads (the others); the books counted in the
    store, since a bulk load lists no graphs while it stages them."""
    publish([catalogue], tmp_path / "release", validate=False, jobs=1)
    with open_store(tmp_path / "store") as store:
        summary = load([tmp_path / "release" / name], store)
    loaded = graphs(tmp_path / "store")
    assert summary.books == len(loaded) == 40
    assert all(iri.endswith("/graph") for iri in loaded)


def test_an_interrupted_bulk_load_is_refused_then_redone(tmp_path: Path, catalogue: Path) -> None:
    path = tmp_path / "store"
    with open_store(path) as store:  # what a killed bulk load leaves: a marker and part of the data
        store.oxigraph.add(
            ox.Quad(
                ox.NamedNode("http://x/s"),
                ox.NamedNode("http://x/p"),
                ox.Literal("o"),
                ox.NamedNode("http://x/g"),
            )
        )
    (tmp_path / ".store.loading").touch()
    with pytest.raises(StoreError, match="was interrupted"):
        open_store(path, create=False)
    with open_store(path) as store:
        assert store.takes_bulk_load()  # emptied
        load([catalogue], store, validate=False)
    assert not (tmp_path / ".store.loading").exists()
    assert len(graphs(path)) == 40


def test_books_staged_for_a_bulk_load_are_written_out_as_they_come(
    tmp_path: Path, catalogue: Path
) -> None:
    """Not grouped, nothing is kept for each book (no label, no span): the N-Quads file holds
    the quads of the graphs a grouped staging gives its target, a book staged twice included."""
    books = [map_book(book, MINTER) for book in read_books([catalogue])]
    staged = [(book.book_id, str(book.graph), book_ntriples(book)) for book in books]
    staged.append(staged[0])  # a book given twice: its graph is the union, as when grouped
    grouped, bulk = ox.Store(), ox.Store()
    with staging_area(tmp_path / "grouped") as staging:
        for book_id, graph, body in staged:
            staging.add_ntriples(book_id, graph, body)
        assert (len(staging.labels), len(staging._spans)) == (40, 40)
        for name, body in staging.graphs():
            grouped.load(body, format=ox.RdfFormat.N_TRIPLES, to_graph=name)
    with staging_area(tmp_path / "bulk", grouped=False) as staging:
        for book_id, graph, body in staged:
            staging.add_ntriples(book_id, graph, body)
        assert (len(staging.labels), len(staging._spans)) == (0, 0)
        bulk.load(path=staging.nquads_file(), format=ox.RdfFormat.N_QUADS)
    assert set(bulk) == set(grouped)
    assert len(list(bulk.named_graphs())) == 40


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_kill_9_during_a_bulk_load(tmp_path: Path) -> None:
    write_catalogue(tmp_path, 1500, seed=5)
    path = tmp_path / "store"
    marker = tmp_path / ".store.loading"
    process = subprocess.Popen(
        [
            *BOOKRDF,
            "load",
            str(tmp_path / "books.jsonl"),
            "--store",
            str(path),
            "--no-validate",
            "-j",
            "1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    if process.poll() is not None:
        pytest.fail("the load ended before its bulk load could be killed; give it more books")
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert marker.exists()
    query = subprocess.run(
        [*BOOKRDF, "query", "toc", "--store", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert query.returncode == 2
    assert "interrupted" in query.stderr
    assert "Traceback" not in query.stderr
    again = subprocess.run(
        [*BOOKRDF, "load", str(tmp_path / "books.jsonl"), "--store", str(path), "--no-validate"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert again.returncode == 0, again.stderr
    assert len(graphs(path)) == 1500
