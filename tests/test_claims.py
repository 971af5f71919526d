"""Two books of one run with one id, or claiming one ISBN (their edition IRI would be one
node): refused, after the run, with nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from bookrdf.cli import cli
from bookrdf.pipeline.claims import RunClaims
from bookrdf.store import RemoteStore
from bookrdf.vocab import Minter
from tests.conftest import SEED_RECORD
from tests.servers import oxigraph_server

A, B = "9780824862039", "9780824828097"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def catalogue(tmp_path: Path) -> list[str]:
    """b and c share B (c gives it hyphenated, as ISBN-10 would differ); d in another file
    repeats B once more; e repeats c's id, so its ISBNs go unsaid."""
    books = [
        {"id": "a", "title": "A", "isbn": [{"value": A}]},
        {"id": "b", "title": "B", "isbn": [{"value": B}]},
        {"id": "c", "title": "C", "isbn": [{"value": "978-0-8248-2809-7"}]},
    ]
    first = tmp_path / "books.jsonl"
    first.write_text("".join(json.dumps(book) + "\n" for book in books), "utf-8")
    second = tmp_path / "more.yaml"
    second.write_text("id: d\ntitle: D\nisbn:\n  - value: '0824828097'\n", "utf-8")
    return [str(first), str(second)]


def expected(tmp_path: Path) -> list[str]:
    advice = "an ISBN names one edition of one book: correct the ISBN or remove it from one of them"
    first = f'ISBN {B} is already the ISBN of the book "b" in {tmp_path / "books.jsonl"}:2'
    return [
        f"Error: {tmp_path / 'books.jsonl'}:3: isbn: {first}; {advice}",
        f"Error: {tmp_path / 'more.yaml'}:4: isbn: {first}; {advice}",
    ]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_publish_refuses_an_isbn_of_two_books_and_writes_nothing(tmp_path: Path, jobs: str) -> None:
    result = run("publish", *catalogue(tmp_path), "--out", str(tmp_path / "out"), "-j", jobs)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == expected(tmp_path)
    assert not (tmp_path / "out").exists()


def test_validate_and_a_site_say_the_same(tmp_path: Path) -> None:
    inputs = catalogue(tmp_path)
    checked = run("validate", *inputs)
    site = run("publish", *inputs, "--out", str(tmp_path / "out"), "--site")
    for result in (checked, site):
        assert result.exit_code == 2
        assert result.stderr.splitlines() == expected(tmp_path)


def test_load_leaves_the_store_empty(tmp_path: Path) -> None:
    store = tmp_path / "store"
    result = run("load", *catalogue(tmp_path), "--store", str(store))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == expected(tmp_path)
    assert not store.exists() or len(ox.Store(str(store))) == 0


def test_a_repeated_book_is_told_by_its_id_alone(tmp_path: Path) -> None:
    inputs = catalogue(tmp_path)
    again = tmp_path / "again.yaml"
    again.write_text(f"id: a\ntitle: A\nisbn:\n  - value: '{A}'\n", "utf-8")
    result = run("publish", inputs[0], str(again), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == expected(tmp_path)[0]
    assert lines[1].startswith(f'Error: {again}:1: id: "a" is already the id of the book in')
    assert len(lines) == 2


def test_claims_name_the_first_book_of_each_id_and_isbn_in_the_order_books_came() -> None:
    claims = RunClaims()
    claims.add_book("x", "f", 1, [(A, 3), (B, 4)])
    claims.add_book("y", "f", 8, [(B, 9)])
    claims.add_book("x", "g", 0, [(A, None)])  # x again: told by its id alone
    claims.add_book("z", "g", 0, [(A, None), (B, None), ("97808248abcde", 1)])
    found = [(p.source, p.line, p.field, p.message.split(";")[0]) for p in claims.repeated()]
    claims.close()
    assert found == [
        ("f", 9, "isbn", f'ISBN {B} is already the ISBN of the book "x" in f:4'),
        ("g", None, "id", '"x" is already the id of the book in f:1'),
        ("g", None, "isbn", f'ISBN {A} is already the ISBN of the book "x" in f:3'),
        ("g", None, "isbn", f'ISBN {B} is already the ISBN of the book "x" in f:4'),
    ]


def test_a_million_ids_take_no_memory_to_speak_of() -> None:
    """The ids and ISBNs wait on disk: noting many books grows this process by little."""
    claims = RunClaims()
    before = _rss_kb()
    for n in range(200_000):
        claims.add_book(f"book-{n:07d}", "books.jsonl", n + 1, [(f"979{n:010d}", n + 1)])
    grown = _rss_kb() - before
    assert claims.repeated() == []
    claims.close()
    assert grown < 20_000  # KB; dicts of these ids and ISBNs take about 50 MB


def _rss_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


# --- across runs: a book in the store already claims the ISBN ------------------------------


def stored_clash(tmp_path: Path, target: list[str]) -> tuple[Result, Path]:
    """Load book a (ISBN A), then book x claiming A under its own id."""
    first = tmp_path / "a.yaml"
    first.write_text(f"id: a\ntitle: A\nisbn:\n  - value: '{A}'\n", "utf-8")
    assert run("load", str(first), *target).exit_code == 0
    later = tmp_path / "x.yaml"
    later.write_text(f"id: x\ntitle: X\nisbn:\n  - value: '{B}'\n  - value: '{A}'\n", "utf-8")
    return run("load", str(later), *target), later


def clash_line(later: Path, where: str) -> str:
    return (
        f"Error: {later}:5: isbn: ISBN {A} is already the ISBN of the book "
        f"<{Minter().work_iri('a')}> in {where}; an ISBN names one edition of one book: "
        "correct the ISBN, or load that book again in this run with its ISBN corrected"
    )


def stored_works(data: ox.Store) -> set[str]:
    query = "SELECT DISTINCT ?w WHERE { GRAPH ?g { ?w a <http://schema.org/Book> ; <http://schema.org/workExample> ?e } }"
    return {row["w"].value for row in data.query(query)}  # type: ignore[union-attr]


def test_load_refuses_an_isbn_a_book_in_the_store_has(tmp_path: Path) -> None:
    store = tmp_path / "store"
    result, later = stored_clash(tmp_path, ["--store", str(store)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [clash_line(later, str(store))]
    assert stored_works(ox.Store(str(store))) == {Minter().work_iri("a")}


def test_an_isbn_moves_to_another_book_when_its_book_is_reloaded_without_it(
    tmp_path: Path,
) -> None:
    store = tmp_path / "store"
    result, later = stored_clash(tmp_path, ["--store", str(store)])
    assert result.exit_code == 2
    fixed = tmp_path / "a-fixed.yaml"
    fixed.write_text("id: a\ntitle: A\n", "utf-8")
    moved = run("load", str(fixed), str(later), "--store", str(store))
    assert moved.exit_code == 0, moved.output
    data = ox.Store(str(store))
    owners = data.query(
        "SELECT ?w WHERE { GRAPH ?g { ?w <http://schema.org/workExample> ?e . "
        f'?e <http://schema.org/isbn> "{A}" }} }}'
    )
    assert [row["w"].value for row in owners] == [Minter().work_iri("x")]  # type: ignore[union-attr]


def test_a_sparql_server_is_asked_too(tmp_path: Path) -> None:
    with oxigraph_server() as server:
        target = ["--endpoint", server.query_url, "--gsp-endpoint", server.store_url]
        result, later = stored_clash(tmp_path, target)
        assert result.exit_code == 2
        assert result.stderr.splitlines() == [clash_line(later, server.query_url)]
        asked = RemoteStore(server.query_url).query(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "application/sparql-results+json"
        )
        answer = json.loads(asked.body)
        graphs = {row["g"]["value"] for row in answer["results"]["bindings"]}
        assert graphs == {str(Minter().graph("a"))}


def test_a_server_whose_endpoint_takes_no_queries_is_warned_and_loaded(tmp_path: Path) -> None:
    # the Graph Store URL given as --endpoint: it answers a query 415, and loading went on
    # before this check, so it goes on with a warning
    with oxigraph_server() as server:
        first = run("load", str(SEED_RECORD), "--endpoint", server.store_url)
        again = run("load", str(SEED_RECORD), "--endpoint", server.store_url)
        graphs = json.loads(
            RemoteStore(server.query_url)
            .query(
                "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                "application/sparql-results+json",
            )
            .body
        )
    for result in (first, again):
        assert result.exit_code == 0, result.output
        [warning] = [line for line in result.stderr.splitlines() if line.startswith("Warning")]
        assert warning.startswith(
            f"Warning: {server.store_url}: the check for ISBNs that books in the store already "
            "have was skipped (the server answered 415"
        )
        assert warning.endswith("give --endpoint the server's SPARQL query URL to have it")
    loaded = {row["g"]["value"] for row in graphs["results"]["bindings"]}
    assert loaded == {str(Minter().graph("crisis-in-north-korea"))}


# --- the same check for a load of RDF files (a release's dumps) -----------------------------


def released(tmp_path: Path, record: str, fmt: str) -> Path:
    """A one-book release of `record` (YAML text) in format `fmt`; its dump's path."""
    source = tmp_path / f"{fmt}-{len(list(tmp_path.iterdir()))}.yaml"
    source.write_text(record, "utf-8")
    out = tmp_path / f"release-{source.stem}"
    assert run("publish", str(source), "--out", str(out), "-f", fmt).exit_code == 0
    [dump] = [path for path in out.iterdir() if path.name.startswith("books.")]
    return dump


def file_clash_line(dump: Path, where: str) -> str:
    return (
        f"Error: {dump}: isbn: ISBN {A} is already the ISBN of the book "
        f"<{Minter().work_iri('a')}> in {where}; an ISBN names one edition of one book: "
        "correct the ISBN, or load that book again in this run with its ISBN corrected"
    )


@pytest.mark.parametrize("fmt", ["nt.gz", "ttl", "jsonld"])
def test_a_release_whose_book_has_an_isbn_of_a_stored_book_is_refused(
    tmp_path: Path, fmt: str
) -> None:
    store = tmp_path / "store"
    a = released(tmp_path, f"id: a\ntitle: A\nisbn:\n  - value: '{A}'\n", fmt)
    assert run("load", str(a), "--store", str(store)).exit_code == 0
    x = released(tmp_path, f"id: x\ntitle: X\nisbn:\n  - value: '{B}'\n  - value: '{A}'\n", fmt)
    result = run("load", str(x), "--store", str(store))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [file_clash_line(x, str(store))]
    assert stored_works(ox.Store(str(store))) == {Minter().work_iri("a")}
    again = run("load", str(a), "--store", str(store))  # a book reloaded keeps its ISBN
    assert again.exit_code == 0, again.output
    fixed = released(tmp_path, "id: a\ntitle: A\n", fmt)  # …or gives it up in the same run
    moved = run("load", str(fixed), str(x), "--store", str(store))
    assert moved.exit_code == 0, moved.output
    assert stored_works(ox.Store(str(store))) == {Minter().work_iri("x")}


def test_a_server_is_asked_about_a_release_too(tmp_path: Path) -> None:
    a = released(tmp_path, f"id: a\ntitle: A\nisbn:\n  - value: '{A}'\n", "nt.gz")
    x = released(tmp_path, f"id: x\ntitle: X\nisbn:\n  - value: '{A}'\n", "nt.gz")
    with oxigraph_server() as server:
        target = ["--endpoint", server.query_url, "--gsp-endpoint", server.store_url]
        assert run("load", str(a), *target).exit_code == 0
        result = run("load", str(x), *target)
        asked = RemoteStore(server.query_url).query(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "application/sparql-results+json"
        )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [file_clash_line(x, server.query_url)]
    graphs = {row["g"]["value"] for row in json.loads(asked.body)["results"]["bindings"]}
    assert graphs == {str(Minter().graph("a"))}
