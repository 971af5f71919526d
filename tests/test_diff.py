"""`bookrdf diff`: two releases compared book by book, and the update applied to a store."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef

from bookrdf.cli import cli
from bookrdf.mapping import BookGraph
from bookrdf.release import diff_releases, read_release, render_diff
from bookrdf.store import EmbeddedStore, load_books, load_files
from tests.conftest import BASE
from tests.test_release import published, write_catalogue, write_record

EDITED = "A New Title"


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """An old release of three books; a new one with book-001 edited, book-002 removed and
    book-003 added. Books 000, 001 and 003 share an author (by ORCID) and all a publisher."""
    root = tmp_path_factory.mktemp("diff")
    records = root / "records"
    records.mkdir()
    for n in range(3):
        write_record(records, f"book-{n:03}", orcid=n != 2, isbn=n)
    published(records, root / "old", formats=["nt.gz"])
    write_record(records, "book-001", orcid=True, isbn=1, title=EDITED)
    (records / "book-002.yaml").unlink()
    write_record(records, "book-003", orcid=True, isbn=3)
    published(records, root / "new", formats=["nt.gz", "nt"])
    return root / "old", root / "new"


def load_dump(release: Path) -> EmbeddedStore:
    """`bookrdf load books.nt.gz`: each triple in the graph of its book (shared nodes in the
    graph of every book linking to them)."""
    store = EmbeddedStore(None)
    load_files([release / "books.nt.gz"], store, base=BASE)
    return store


def load_each_book(release: Path) -> EmbeddedStore:
    """`bookrdf load RECORDS`: each book's own triples in its named graph."""
    store = EmbeddedStore(None)
    books = []
    for entry, body in read_release(release):
        triples = [
            (s, p, o)
            for s, p, o in Graph().parse(data=body, format="nt")
            if isinstance(s, URIRef) and isinstance(p, URIRef)
        ]
        work = URIRef(entry.graph.removesuffix("/graph"))
        books.append(BookGraph(entry.id, work, URIRef(entry.graph), triples))
    load_books(books, store)
    return store


LOADERS = [load_dump, load_each_book]


def graphs(store: EmbeddedStore) -> dict[str, set[ox.Triple]]:
    """Each named graph's triples (no blank nodes: isomorphic means equal)."""
    found: dict[str, set[ox.Triple]] = {}
    for quad in store.oxigraph.quads_for_pattern(None, None, None, None):
        assert isinstance(quad.graph_name, ox.NamedNode)
        found.setdefault(quad.graph_name.value, set()).add(quad.triple)
    return found


def diff_text(old: Path, new: Path, fmt: str) -> str:
    result = CliRunner().invoke(cli, ["diff", str(old), str(new), "--format", fmt])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_summary_names_each_changed_book_with_triple_counts(
    releases: tuple[Path, Path],
) -> None:
    text = diff_text(*releases, "summary")
    lines = text.splitlines()
    assert re.fullmatch(r"changed  book-001  -\d+ \+\d+ triples", lines[0])
    assert re.fullmatch(r"added    book-003  \+\d+ triples", lines[1])
    assert re.fullmatch(r"removed  book-002  -\d+ triples", lines[2])
    assert lines[3:] == ["1 added, 1 changed, 1 removed, 1 unchanged"]
    # the title: the work's dcterms:title and schema:name, and its two editions' schema:name
    changed = next(book for book in diff_releases(*releases).books if book.status == "changed")
    assert len(changed.deleted) == len(changed.inserted) == 4
    assert all(EDITED in line for line in changed.inserted)
    assert lines[0] == "changed  book-001  -4 +4 triples"


@pytest.mark.parametrize("load", LOADERS)
def test_sparql_update_turns_the_old_store_into_the_new(
    releases: tuple[Path, Path], load: Callable[[Path], EmbeddedStore]
) -> None:
    old, new = releases
    update = diff_text(old, new, "sparql")
    assert update.count("DELETE DATA") == 2
    assert update.count("INSERT DATA") == 2
    store, expected = load(old), graphs(load(new))
    assert graphs(store) != expected
    store.oxigraph.update(update)
    assert graphs(store) == expected
    names = {str(graph) for graph in store.oxigraph.named_graphs()}
    assert f"<{BASE}book/book-002/graph>" not in names  # dropped, not left empty


@pytest.mark.parametrize("load", LOADERS)
def test_rdf_patch_turns_the_old_store_into_the_new(
    releases: tuple[Path, Path], load: Callable[[Path], EmbeddedStore]
) -> None:
    old, new = releases
    patch = diff_text(old, new, "patch").splitlines()
    assert (patch[0], patch[-1]) == ("TX .", "TC .")
    store = load(old)
    for row in patch[1:-1]:
        action, quad_text = row.split(" ", 1)
        (quad,) = ox.parse(quad_text.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        if action == "A":
            store.oxigraph.add(quad)
        else:
            assert action == "D"
            store.oxigraph.remove(quad)
    assert graphs(store) == graphs(load(new))


def test_identical_releases_have_no_difference(releases: tuple[Path, Path]) -> None:
    old, _ = releases
    assert diff_text(old, old, "summary") == "0 added, 0 changed, 0 removed, 3 unchanged\n"
    assert diff_text(old, old, "patch") == "TX .\nTC .\n"
    assert list(render_diff(diff_releases(old, old), "sparql")) == [
        "# bookrdf diff: 0 added, 0 changed, 0 removed, 3 unchanged\n"
    ]


def test_plain_ntriples_dump_is_read_too(releases: tuple[Path, Path], tmp_path: Path) -> None:
    _, new = releases
    copy = tmp_path / "copy"
    shutil.copytree(new, copy)
    (copy / "books.nt.gz").unlink()
    assert diff_text(new, copy, "summary") == "0 added, 0 changed, 0 removed, 3 unchanged\n"


def test_a_damaged_release_is_one_error_line(releases: tuple[Path, Path], tmp_path: Path) -> None:
    old, new = releases
    damaged = tmp_path / "damaged"
    shutil.copytree(new, damaged)
    manifest = json.loads((damaged / "manifest.json").read_text("utf-8"))
    manifest["books"][0]["sha256"] = "0" * 64
    manifest["books"][0]["id"] = "book-001"
    (damaged / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    result = CliRunner().invoke(cli, ["diff", str(old), str(damaged)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {damaged / 'books.nt.gz'}: book book-001 does not match the release's "
        "manifest; the release is damaged or was edited: publish it again\n"
    )
    assert "Traceback" not in result.output


@pytest.mark.parametrize("fmt", ["sparql", "patch"])
def test_a_graph_that_is_no_iri_never_reaches_an_update(
    releases: tuple[Path, Path], tmp_path: Path, fmt: str
) -> None:
    old, new = releases
    tampered = tmp_path / "tampered"
    shutil.copytree(new, tampered)
    manifest = json.loads((tampered / "manifest.json").read_text("utf-8"))
    manifest["books"][0]["graph"] = "https://x> { } } ; DROP ALL ; INSERT DATA { GRAPH <https://x"
    (tampered / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    result = CliRunner().invoke(cli, ["diff", str(old), str(tampered), "-f", fmt])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(
        f"Error: {tampered / 'manifest.json'}: is not a bookrdf manifest"
    )
    assert "an IRI" in result.stderr


def test_a_folder_without_a_release_is_one_error_line(
    releases: tuple[Path, Path], tmp_path: Path
) -> None:
    result = CliRunner().invoke(cli, ["diff", str(releases[0]), str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {tmp_path}: not a bookrdf release (no manifest.json); "
        "publish it with `bookrdf publish`\n"
    )


def test_books_that_disagree_about_a_shared_node_diff_book_by_book(tmp_path: Path) -> None:
    """Copies sharing ISBNs and an ORCID spelled two ways: each book's graph still follows."""
    records = write_catalogue(tmp_path / "records", 3)
    published(records, tmp_path / "old", formats=["nt.gz"])
    write_record(records, "book-000", title=EDITED)
    write_record(records, "book-003", orcid=True)
    published(records, tmp_path / "new", formats=["nt.gz"])
    store = load_each_book(tmp_path / "old")
    store.oxigraph.update(diff_text(tmp_path / "old", tmp_path / "new", "sparql"))
    assert graphs(store) == graphs(load_each_book(tmp_path / "new"))
