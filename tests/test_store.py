"""Loading books into the embedded store and into a real SPARQL server, all or nothing."""

from __future__ import annotations

import base64
import gzip
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from bookrdf.cli import cli
from bookrdf.errors import ConfigError, InputError, Problem, RecordError, StoreError
from bookrdf.mapping import BookGraph, map_book, to_triples
from bookrdf.model import Book
from bookrdf.pipeline import read_books
from bookrdf.publish import book_ntriples, write_release
from bookrdf.store import (
    Client,
    EmbeddedStore,
    LoadError,
    RemoteStore,
    load_books,
    load_files,
    memory_store,
    open_store,
)
from bookrdf.store.credentials import Credentials, credentials_for
from bookrdf.vocab import Minter
from tests.conftest import SEED_RECORD, book_from
from tests.servers import OxigraphServer, free_port, oxigraph_server, scripted_server

MINTER = Minter()
FAST = Client(timeout=5, retries=2, backoff=0.01)


@pytest.fixture(autouse=True)
def no_ambient_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never read the developer's credentials."""
    for name in ("BOOKRDF_TOKEN", "BOOKRDF_USER", "BOOKRDF_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


@pytest.fixture(scope="module")
def seed() -> Book:
    return next(read_books([SEED_RECORD]))


@pytest.fixture(scope="module")
def other() -> Book:
    return book_from(
        id="other-book",
        title="Another Book",
        contributors=[{"name": "Jane Roe", "role": "editor"}],
        chapters=[{"title": "One", "pages": "1-10"}],
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    with open_store(tmp_path / "store") as opened:
        yield opened


@pytest.fixture(scope="module")
def server() -> Iterator[OxigraphServer]:
    with oxigraph_server() as running:
        yield running


def mapped(*books: Book) -> list[BookGraph]:
    return [map_book(book, MINTER) for book in books]


def dump(store: EmbeddedStore) -> list[bytes]:
    """Every quad in the store, sorted: two equal dumps are two equal stores."""
    data = store.oxigraph.dump(format=ox.RdfFormat.N_QUADS)
    assert data is not None
    return sorted(data.splitlines())


def graph_lines(store: EmbeddedStore, book: BookGraph) -> set[bytes]:
    data = store.oxigraph.dump(
        format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(str(book.graph))
    )
    assert data is not None
    return set(data.splitlines())


def expected_lines(book: BookGraph) -> set[bytes]:
    return set(book_ntriples(book).splitlines())


# --- the embedded store ------------------------------------------------------------------


def test_the_seed_book_goes_into_its_own_named_graph(store: EmbeddedStore, seed: Book) -> None:
    [book] = mapped(seed)
    summary = load_books([book], store)
    assert (summary.books, summary.triples, summary.unchanged) == (1, len(set(book.triples)), 0)
    assert summary.seconds > 0
    assert store.graph_sizes() == {str(book.graph): len(set(book.triples))}
    assert graph_lines(store, book) == expected_lines(book)


def test_loading_the_same_input_twice_leaves_the_store_unchanged(
    store: EmbeddedStore, seed: Book, other: Book
) -> None:
    load_books(mapped(seed, other), store)
    before = dump(store)
    summary = load_books(mapped(seed, other), store)
    assert summary.unchanged == 2
    assert dump(store) == before


def test_a_changed_record_leaves_no_stale_triple_and_other_books_alone(
    store: EmbeddedStore, seed: Book, other: Book
) -> None:
    load_books(mapped(seed, other), store)
    untouched = graph_lines(store, mapped(other)[0])
    changed = replace(seed, title="Crisis, Revised", chapters=seed.chapters[:3], isbns=())
    [book] = mapped(changed)
    summary = load_books([book], store)
    assert (summary.books, summary.unchanged) == (1, 0)
    assert graph_lines(store, book) == expected_lines(book)
    assert graph_lines(store, mapped(other)[0]) == untouched
    assert store.graph_sizes()[str(book.graph)] == len(set(book.triples))


def test_a_failing_record_mid_stream_leaves_the_store_exactly_as_it_was(
    store: EmbeddedStore, seed: Book, other: Book, tmp_path: Path
) -> None:
    load_books(mapped(seed), store)
    before = dump(store)
    changed = replace(seed, title="Never stored")

    def stream() -> Iterator[BookGraph]:
        yield from mapped(other, changed)
        raise RecordError(Problem("bad.yaml", 2, "title", "is required"))

    seen: list[str] = []
    with pytest.raises(RecordError):
        load_books(stream(), store, on_book=lambda book: seen.append(book.book_id))
    assert seen == ["other-book", "crisis-in-north-korea"]
    assert dump(store) == before
    assert not list(tmp_path.glob(".bookrdf-staging-*"))


def test_a_bad_record_file_among_good_ones_changes_nothing(
    store: EmbeddedStore, seed: Book, tmp_path: Path
) -> None:
    load_books(mapped(seed), store)
    before = dump(store)
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "a.yaml").write_text("id: fine\ntitle: A fine book\n", "utf-8")
    (folder / "b.yaml").write_text("id: broken\n", "utf-8")  # no title
    books = (map_book(book, MINTER) for book in read_books([folder]))
    with pytest.raises(RecordError):
        load_books(books, store)
    assert dump(store) == before


def test_a_failed_load_into_a_new_store_leaves_no_store_behind(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nt"
    bad.write_text("not N-Triples\n", "utf-8")
    for inputs in ([bad], [tmp_path / "missing.yaml"]):
        result = CliRunner().invoke(
            cli, ["load", *map(str, inputs), "--store", str(tmp_path / "s")]
        )
        assert result.exit_code == 2, result.output
        assert not (tmp_path / "s").exists()
        query = CliRunner().invoke(cli, ["query", "toc", "--store", str(tmp_path / "s")])
        assert query.stderr.endswith("there is no store here yet; load books into it first\n")
    assert (
        CliRunner()
        .invoke(cli, ["load", str(SEED_RECORD), "--store", str(tmp_path / "s")])
        .exit_code
        == 0
    )
    assert (
        CliRunner().invoke(cli, ["load", str(bad), "--store", str(tmp_path / "s")]).exit_code == 2
    )
    with open_store(tmp_path / "s", create=False) as kept:
        assert len(kept.oxigraph) > 0


def test_a_second_process_is_told_the_store_is_in_use(tmp_path: Path, seed: Book) -> None:
    path = tmp_path / "store"
    script = (
        "import sys\nfrom pathlib import Path\nfrom bookrdf.errors import StoreError\n"
        "from bookrdf.store import open_store\n"
        "try:\n    store = open_store(Path(sys.argv[1]))\n"
        "except StoreError as err:\n    print(err)\n    sys.exit(3)\n"
        "print(store.graph_sizes())\n"
    )
    with open_store(path) as store:
        load_books(mapped(seed), store)
        blocked = subprocess.run(
            [sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=60
        )
    assert blocked.returncode == 3, blocked.stderr
    assert blocked.stdout.strip() == (
        f"{path}: store is in use by another process (a server, or another bookrdf command); "
        "wait for it to finish or stop it, then try again"
    )
    after = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=60
    )
    assert after.returncode == 0, after.stderr
    expected = len(set(to_triples(seed)))
    assert f"crisis-in-north-korea/graph': {expected}" in after.stdout


def test_opening_a_store_twice_in_one_process_is_also_in_use(store: EmbeddedStore) -> None:
    assert store.path
    with pytest.raises(StoreError, match="store is in use"):
        open_store(store.path)


def test_a_folder_of_other_files_is_not_taken_for_a_store(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", "utf-8")
    with pytest.raises(StoreError, match="holds other files, not an Oxigraph store"):
        open_store(tmp_path)
    with pytest.raises(StoreError, match="there is no store here yet"):
        open_store(tmp_path / "missing", create=False)


def test_reading_an_empty_folder_creates_no_store_there(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(StoreError, match="there is no store here yet"):
        open_store(empty, create=False)
    assert list(empty.iterdir()) == []


def test_a_damaged_store_is_one_error_line_for_query_and_load(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with open_store(store) as opened:
        load_books([map_book(next(read_books([SEED_RECORD])))], opened)
    (store / "CURRENT").write_text("garbage\n", "utf-8")
    damaged = (
        f"Error: {store}: the store is damaged (Corruption: CURRENT file corrupted); "
        "load the books again into a new folder\n"
    )
    for command in (
        ["query", "--store", str(store), "-e", "ASK {}"],
        ["load", "--store", str(store), str(SEED_RECORD)],
    ):
        result = CliRunner().invoke(cli, command)
        assert (result.exit_code, result.stderr) == (2, damaged)


# --- RDF files ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory, seed: Book, other: Book) -> Path:
    out = tmp_path_factory.mktemp("release")
    write_release(mapped(seed, other), out, formats=["ttl", "nt", "nq", "jsonld", "xml"])
    (out / "books.nt.gz").write_bytes(gzip.compress((out / "books.nt").read_bytes()))
    return out


@pytest.mark.parametrize(
    "name", ["books.ttl", "books.nt", "books.nq", "books.jsonld", "books.rdf", "books.nt.gz"]
)
def test_a_release_file_loads_into_the_same_book_graphs(
    release: Path, name: str, tmp_path: Path, seed: Book, other: Book
) -> None:
    with open_store(tmp_path / "store") as store:
        summary = load_files([release / name], store)
        assert summary.books == 2
        for book in mapped(seed, other):
            assert graph_lines(store, book) == expected_lines(book)
        assert len(store.graph_sizes()) == 2


def test_triples_about_no_book_go_into_a_graph_named_after_the_file(tmp_path: Path) -> None:
    path = tmp_path / "extra.ttl"
    path.write_text('<https://example.com/x> <https://example.com/p> "1" .\n', "utf-8")
    with open_store(tmp_path / "store") as store:
        load_files([path], store)
        assert store.graph_sizes() == {path.resolve().as_uri(): 1}


def test_blank_nodes_with_the_same_label_in_two_files_stay_apart(tmp_path: Path) -> None:
    for name in ("a.nt", "b.nt"):
        (tmp_path / name).write_text('_:b0 <https://example.com/p> "1" .\n', "utf-8")
    store = memory_store([tmp_path / "a.nt", tmp_path / "b.nt"])
    subjects = {quad.subject for quad in store.oxigraph}
    assert len(subjects) == 2


def test_a_remote_jsonld_context_is_never_fetched(tmp_path: Path) -> None:
    path = tmp_path / "remote.jsonld"
    path.write_text('{"@context": "https://schema.org/", "name": "x"}', "utf-8")
    with pytest.raises(InputError, match="remote @context, which bookrdf never fetches"):
        memory_store([path])


def test_bad_rdf_is_reported_with_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.ttl"
    path.write_text('<https://e/a> <https://e/p> "x" .\n<https://e/b> <https://e/p> .\n', "utf-8")
    with pytest.raises(InputError, match=rf"^{path}:2:\d+: not valid Turtle: "):
        memory_store([path])
    with pytest.raises(InputError, match=r"not an RDF file bookrdf reads"):
        memory_store([tmp_path / "notes.txt"])


# --- a real SPARQL server ----------------------------------------------------------------


def server_graph(server: OxigraphServer, book: BookGraph) -> set[bytes]:
    """The server's copy of a book's graph, read back through the Graph Store Protocol."""
    url = f"{server.store_url}?graph={urllib.parse.quote(str(book.graph), safe='')}"
    request = urllib.request.Request(url, headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return set(answer.read().splitlines())


@pytest.mark.parametrize("method", ["gsp", "update"])
def test_books_load_into_a_real_sparql_server(
    server: OxigraphServer, seed: Book, other: Book, method: str
) -> None:
    remote = RemoteStore(
        server.query_url,
        gsp_endpoint=server.store_url,
        update_endpoint=server.update_url,
        method=method,
        client=FAST,
    )
    summary = load_books(mapped(seed, other), remote)
    assert (summary.books, summary.triples) == (
        2,
        sum(len(set(b.triples)) for b in mapped(seed, other)),
    )
    load_books(mapped(seed, other), remote)
    changed = replace(seed, title="Crisis, Revised", chapters=seed.chapters[:2])
    load_books(mapped(changed), remote)
    assert server_graph(server, mapped(changed)[0]) == expected_lines(mapped(changed)[0])
    assert server_graph(server, mapped(other)[0]) == expected_lines(mapped(other)[0])


def test_a_server_error_is_retried_until_the_server_recovers(seed: Book) -> None:
    [book] = mapped(seed)
    with scripted_server([(500, b"busy"), (503, b"still busy"), (201, b"")]) as fake:
        summary = load_books([book], RemoteStore(fake.url + "/store", client=FAST))
    assert summary.books == 1
    assert [request.method for request in fake.requests] == ["PUT"] * 3
    last = fake.requests[-1]
    assert last.path == "/store?graph=" + urllib.parse.quote(str(book.graph), safe="")
    assert last.headers["Content-Type"] == "application/n-triples"
    assert set(last.body.splitlines()) == expected_lines(book)


def test_unauthorised_is_a_clear_error_without_retries(seed: Book) -> None:
    with scripted_server([(401, b"who are you?\n")]) as fake, pytest.raises(StoreError) as caught:
        load_books(mapped(seed), RemoteStore(fake.url + "/store", client=FAST))
    assert len(fake.requests) == 1
    assert str(caught.value).startswith(
        f"{fake.url}/store?graph=https%3A%2F%2Fexample.org%2Fbookrdf%2Fbook%2Fcrisis-in-north-korea"
        "%2Fgraph: the server answered 401 Unauthorized: who are you?; set BOOKRDF_USER and "
        "BOOKRDF_PASSWORD (or BOOKRDF_TOKEN), or add the host to ~/.netrc; "
        "0 of 1 books were loaded"
    )


def test_a_refused_connection_is_a_clear_error_after_retries(seed: Book) -> None:
    url = f"http://127.0.0.1:{free_port()}/store"
    with pytest.raises(
        StoreError, match=r"cannot connect: .*refused.* \(tried 3 times\); check the URL"
    ):
        load_books(mapped(seed), RemoteStore(url, client=FAST))


def test_a_load_failing_midway_names_the_books_already_loaded(seed: Book, other: Book) -> None:
    third = replace(other, id="third-book")
    script = [(201, b""), (201, b""), (500, b"disk full")]
    with scripted_server(script) as fake, pytest.raises(LoadError) as caught:
        load_books(mapped(seed, other, third), RemoteStore(fake.url, client=FAST))
    assert caught.value.loaded == ("crisis-in-north-korea", "other-book")
    assert "500 Internal Server Error: disk full" in str(caught.value)
    assert "2 of 3 books were loaded (crisis-in-north-korea, other-book)" in str(caught.value)


def test_a_redirect_is_not_followed(seed: Book) -> None:
    message = "answered 301 Moved Permanently; give the URL"
    with scripted_server([(301, b"")]) as fake, pytest.raises(StoreError, match=message):
        load_books(mapped(seed), RemoteStore(fake.url, client=FAST))
    assert len(fake.requests) == 1


def test_credentials_come_from_the_environment_and_are_never_shown(
    monkeypatch: pytest.MonkeyPatch, seed: Book
) -> None:
    monkeypatch.setenv("BOOKRDF_USER", "reader")
    monkeypatch.setenv("BOOKRDF_PASSWORD", "s3cret-pw")
    with scripted_server([(403, b"no")]) as fake:
        remote = RemoteStore(fake.url, client=FAST)
        with pytest.raises(StoreError) as caught:
            load_books(mapped(seed), remote)
    sent = fake.requests[0].headers["Authorization"]
    assert sent == "Basic " + base64.b64encode(b"reader:s3cret-pw").decode()
    assert "s3cret" not in str(caught.value)
    assert "s3cret" not in repr(remote)
    assert "s3cret" not in repr(credentials_for(fake.url))


def test_a_token_or_netrc_gives_the_credentials(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login nina password n3trc\n", "utf-8")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    expected = "Basic " + base64.b64encode(b"nina:n3trc").decode()
    assert credentials_for("http://127.0.0.1:1/") == Credentials(expected, str(netrc))
    assert credentials_for("http://elsewhere.example/") is None
    monkeypatch.setenv("BOOKRDF_TOKEN", "t0ken")
    assert credentials_for("http://127.0.0.1:1/") == Credentials("Bearer t0ken", "BOOKRDF_TOKEN")


def test_credentials_in_a_url_are_refused() -> None:
    with pytest.raises(ConfigError, match="credentials in the URL are refused"):
        RemoteStore("http://user:pw@127.0.0.1:7878/query")
    with pytest.raises(ConfigError, match="not an http"):
        RemoteStore("ftp://127.0.0.1/")
