"""The load's table of shared IRIs lives on disk: routing a dump holds no Python object per book
it owns, and gives the same quads whatever part of the table memory holds."""

from __future__ import annotations

import gc
import gzip
import tracemalloc
from pathlib import Path

import pyoxigraph as ox
import pytest

from bookrdf.errors import StoreError
from bookrdf.store import lines, load_files, open_store, owners, routes
from bookrdf.store.files import read_quads
from bookrdf.store.lines import route_lines
from bookrdf.store.owners import Owners
from tests.conftest import BASE
from tests.test_load_fast import as_quads, as_text

SCHEMA = "http://schema.org/"


def dump(books: int, *, described_twice: bool = False, books_a_press: int = 50) -> bytes:
    """A dump as publish writes it: each book with its edition (one owner), its author (two
    books own each) and its publisher (fifty books own each), described again in each book."""
    out = []
    for i in range(books):
        book, edition = f"<{BASE}book/b{i:06d}>", f"<{BASE}isbn/{9780000000000 + i}>"
        person, press = f"<{BASE}person/p{i // 2}>", f"<{BASE}org/press{i // books_a_press}>"
        out += [
            f'{book} <{SCHEMA}name> "Book number {i}, a title of some length" .',
            f"{book} <{SCHEMA}workExample> {edition} .",
            f"{book} <{SCHEMA}author> {person} .",
            f"{book} <{SCHEMA}publisher> {press} .",
            f'{edition} <{SCHEMA}isbn> "{9780000000000 + i}" .',
            f"{edition} <{SCHEMA}exampleOfWork> {book} .",
            f'{person} <{SCHEMA}name> "Person {i // 2}" .',
            f'{press} <{SCHEMA}name> "The Press" .',
            f'{press} <{SCHEMA}location> "Somewhere" .',
        ]
        if described_twice:
            out.append(f'{edition} <{SCHEMA}isbn> "{9780000000000 + i}" .')
    return ("\n".join(out) + "\n").encode()


def test_owners_come_back_sorted_and_lines_once(tmp_path: Path) -> None:
    table = Owners(tmp_path)
    for graph in (b"<http://x/g2>", b"<http://x/g1>", b"<http://x/g2>", b"<http://x/g10>"):
        table.add(b"<http://x/shared>", graph)
    graphs = table.of(b"<http://x/shared>")
    assert graphs == [b"<http://x/g1>", b"<http://x/g10>", b"<http://x/g2>"]  # by their values
    assert table.of(b"<http://x/other>") == []
    assert table.first_time(b"line")
    assert not table.first_time(b"line")
    assert table.first_time(b"another line")
    assert table.path is not None
    assert table.path.parent == tmp_path
    assert table.path.exists()
    table.close()
    assert list(tmp_path.iterdir()) == []


def test_the_table_is_removed_when_a_routing_is_dropped_half_read(tmp_path: Path) -> None:
    path = tmp_path / "books.nt"
    path.write_bytes(dump(50))
    folder = tmp_path / "tables"
    folder.mkdir()
    routed = route_lines(path, BASE, folder)
    assert routed is not None
    next(routed)
    assert len(list(folder.iterdir())) == 1
    del routed
    gc.collect()
    assert list(folder.iterdir()) == []
    assert route_lines(path, BASE, folder) is not None  # never started
    gc.collect()
    assert list(folder.iterdir()) == []


def test_without_a_folder_the_table_is_in_memory(tmp_path: Path) -> None:
    table = Owners()
    table.add(b"<http://x/shared>", b"<http://x/g>")
    assert table.of(b"<http://x/shared>") == [b"<http://x/g>"]
    assert table.path is None
    table.close()


def test_a_small_table_never_reaches_the_disk(tmp_path: Path) -> None:
    """Its pages stay in SQLite's cache: a load under a tiny file size limit, or on a full
    disk, fails where bookrdf writes its output, not here."""
    table = Owners(tmp_path)
    for number in range(1000):
        table.add(b"<http://x/shared/%d>" % number, b"<http://x/g>")
        table.first_time(b"<http://x/s> <http://x/p> %d" % number)
    assert table.of(b"<http://x/shared/7>") == [b"<http://x/g>"]
    assert table.path is not None
    assert table.path.stat().st_size == 0
    table.close()


def test_a_folder_that_cannot_hold_the_table_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"missing: cannot keep the load's table of shared IRIs"):
        Owners(tmp_path / "missing")


def test_a_full_disk_under_the_table_is_one_clear_error(tmp_path: Path) -> None:
    """SQLite's 'database or disk is full' in the words of every other full disk."""
    table = Owners(tmp_path)
    table._db.execute("PRAGMA max_page_count = 8")  # what SQLite says when the disk is full

    def fill() -> None:
        for number in range(100_000):
            table.first_time(b"<http://x/s> <http://x/p> %d" % number)

    with pytest.raises(StoreError) as caught:
        fill()
    assert str(caught.value) == (
        f"{tmp_path}: cannot keep the load's table of shared IRIs: "
        "no space left on device; free some space and run again"
    )
    table.close()


@pytest.mark.parametrize("described_twice", [False, True])
def test_routing_through_the_table_alone_gives_the_quads_of_read_quads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, described_twice: bool
) -> None:
    """Nothing held in memory: every owner and every line asked of the table on disk."""
    monkeypatch.setattr(routes, "_RECENT", 0)
    monkeypatch.setattr(routes, "_RECENT_IRIS", 0)
    monkeypatch.setattr(lines, "BLOCK", 2000)
    path = tmp_path / "books.nt.gz"
    path.write_bytes(gzip.compress(dump(120, described_twice=described_twice)))
    quads = as_quads(path)
    assert as_text(path) == quads
    routed = route_lines(path, BASE)
    assert routed is not None
    # a publisher is described in fifty books, each author in two: their lines go to each
    # owner once, not once per description
    assert len({line for block in routed for line in block.nquads.splitlines()}) == len(quads)


def test_routing_for_a_bulk_load_names_no_graphs(tmp_path: Path) -> None:
    path = tmp_path / "books.nt"
    path.write_bytes(dump(120))
    named, unnamed = route_lines(path, BASE), route_lines(path, BASE, name_graphs=False)
    assert named is not None
    assert unnamed is not None
    blocks, bare = list(named), list(unnamed)
    assert len({graph for block in blocks for graph in block.graphs}) == 120
    assert all(block.graphs == [] for block in bare)
    assert [block.nquads for block in bare] == [block.nquads for block in blocks]


def test_a_publisher_of_many_books_is_given_out_in_pieces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Met first, its lines go to all its books' graphs at once: 600 quads a line here, given
    out after each line rather than held to the end of the block (all 6,600 quads)."""
    monkeypatch.setattr(routes, "_HELD", 100)
    path = tmp_path / "books.nt"
    path.write_bytes(dump(600, books_a_press=600))
    routed = route_lines(path, BASE)
    assert routed is not None
    pieces = [len(piece.nquads.splitlines()) for piece in routed]
    assert sum(pieces) == 600 * 7 + 2 * 600  # seven lines a book; the press's two in each graph
    assert max(pieces) <= 600 + 50
    assert as_text(path) == as_quads(path)


def test_read_quads_routes_turtle_through_the_table(tmp_path: Path) -> None:
    path = tmp_path / "books.nt"
    path.write_bytes(dump(20))
    turtle = tmp_path / "books.ttl"
    turtle.write_bytes(path.read_bytes())  # N-Triples is Turtle
    assert as_quads(turtle) == as_quads(path)
    graphs = {quad.graph_name.value for quad in read_quads(turtle, BASE)}  # type: ignore[union-attr]
    assert graphs == {f"{BASE}book/b{i:06d}/graph" for i in range(20)}
    with open_store(tmp_path / "store") as store:
        load_files([turtle], store)
        press = f'<{BASE}org/press0> <{SCHEMA}name> "The Press"'
        found = store.oxigraph.query(f"SELECT ?g {{ GRAPH ?g {{ {press} }} }}")
        assert isinstance(found, ox.QuerySolutions)
        # the publisher's name is in each of its books' graphs
        assert len(list(found)) == 20


def peak_of_routing(path: Path) -> int:
    """The Python heap's peak while a dump is routed, both passes, the table on disk."""
    gc.collect()
    tracemalloc.start()
    try:
        routed = route_lines(path, BASE, path.parent)
        assert routed is not None
        for _ in routed:
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_routing_holds_no_table_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Four times the books, about the same heap: the owners and the lines written for them
    are on disk (in memory they took about 6 kB a book of this dump). What memory holds of them
    is bounded: small bounds here, which both dumps fill."""
    monkeypatch.setattr(lines, "BLOCK", 1 << 16)
    monkeypatch.setattr(owners, "_PENDING", 256)
    monkeypatch.setattr(routes, "_RECENT", 256)
    monkeypatch.setattr(routes, "_RECENT_IRIS", 64)
    small, large = tmp_path / "small.nt", tmp_path / "large.nt"
    small.write_bytes(dump(2000))
    large.write_bytes(dump(8000))
    growth = peak_of_routing(large) - peak_of_routing(small)
    assert growth / 6000 < 400, f"{growth / 6000:.0f} bytes a book"
