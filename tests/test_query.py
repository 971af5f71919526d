"""SPARQL over the embedded store, a real SPARQL server and in-memory files: same answers."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from bookrdf.cli import cli
from bookrdf.errors import QueryError
from bookrdf.generate import generate_records, write_catalogue
from bookrdf.mapping import BookGraph, map_book
from bookrdf.pipeline import read_books
from bookrdf.publish import write_release
from bookrdf.query import (
    PARAM_KINDS,
    QueryResult,
    Target,
    bind_params,
    list_named_queries,
    named_query,
    parse_param,
    render,
    run_query,
    table,
)
from bookrdf.query.sparql import read_shape
from bookrdf.store import Client, EmbeddedStore, RemoteStore, load_books, memory_store, open_store
from bookrdf.vocab import Minter
from tests.conftest import BASE, SEED_RECORD, WORK, book_from
from tests.servers import LOOPBACK, free_port, oxigraph_server

MINTER = Minter()
NO_ISBN = "https://example.org/bookrdf/book/no-isbn"


@pytest.fixture(autouse=True)
def no_ambient_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("BOOKRDF_TOKEN", "BOOKRDF_USER", "BOOKRDF_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


@pytest.fixture(scope="module")
def books() -> list[BookGraph]:
    """The seed book and an edited volume without ISBN whose chapter names its author."""
    seed = next(read_books([SEED_RECORD]))
    edited = book_from(
        id="no-isbn",
        title="No ISBN Here",
        contributors=[{"name": "Jane Roe", "role": "editor"}],
        chapters=[
            {
                "title": "One",
                "pages": "1-10",
                "contributors": [{"name": "Ann Lankova", "role": "author"}],
                "pdf": {"size": "1.5 GB"},
            },
            {"title": "Two", "pages": "xi-3"},
        ],
    )
    return [map_book(book, MINTER) for book in (seed, edited)]


@pytest.fixture(scope="module")
def embedded(
    tmp_path_factory: pytest.TempPathFactory, books: list[BookGraph]
) -> Iterator[EmbeddedStore]:
    with open_store(tmp_path_factory.mktemp("query") / "store") as store:
        load_books(books, store)
        yield store


@pytest.fixture(scope="module")
def remote(books: list[BookGraph]) -> Iterator[RemoteStore]:
    with oxigraph_server() as server:
        target = RemoteStore(
            server.query_url,
            gsp_endpoint=server.store_url,
            client=Client(timeout=10, retries=1, backoff=0.01),
        )
        load_books(books, target)
        yield target


@pytest.fixture(scope="module")
def data_files(tmp_path_factory: pytest.TempPathFactory, books: list[BookGraph]) -> EmbeddedStore:
    """`bookrdf query --data`: the release files, in memory."""
    out = tmp_path_factory.mktemp("release")
    write_release(books, out, formats=["ttl", "jsonld"])
    return memory_store([out / "books.ttl", out / "books.jsonld"])


@pytest.fixture(params=["embedded", "remote", "data_files"])
def target(request: pytest.FixtureRequest) -> Target:
    found: Target = request.getfixturevalue(request.param)
    return found


def answers(text: str, target: Target, /, **params: str) -> list[dict[str, str]]:
    terms = {name: parse_param(value) for name, value in params.items()}
    return run_query(text, target, terms).rows()


def named(query_name: str, target: Target, /, **values: str) -> QueryResult:
    query = named_query(query_name)
    return run_query(query.text, target, bind_params(query, values, MINTER), source=query_name)


def column(result: QueryResult, name: str) -> list[str]:
    header, rows = table(result)
    return [row[header.index(name)] for row in rows]


# --- named queries -----------------------------------------------------------------------

NAMED_RUNS = [
    ("toc", {}),
    ("toc", {"book": "crisis-in-north-korea"}),
    ("toc", {"book": NO_ISBN}),
    ("books-by-contributor", {}),
    ("books-by-contributor", {"name": "LANKOV"}),
    ("books-by-contributor", {"person": f"{WORK}/person/andrei-n-lankov"}),
    ("contributor-chapters", {"name": "lankov"}),
    ("books-without-isbn", {}),
    ("largest-pdfs", {}),
    ("largest-pdfs", {"book": "no-isbn"}),
]


def test_the_named_queries_ship_with_a_description_and_typed_parameters() -> None:
    queries = list_named_queries()
    assert {query.name for query in queries} == {
        "toc",
        "books-by-contributor",
        "contributor-chapters",
        "books-without-isbn",
        "largest-pdfs",
    }
    for query in queries:
        assert query.text.startswith("# ")
        assert query.description
        for param in query.params:
            assert param.kind in PARAM_KINDS
            assert f"?{param.name}" in query.text


@pytest.mark.parametrize(("name", "values"), NAMED_RUNS)
def test_every_named_query_gives_the_same_answers_everywhere(
    name: str,
    values: dict[str, str],
    embedded: EmbeddedStore,
    remote: RemoteStore,
    data_files: EmbeddedStore,
) -> None:
    local = named(name, embedded, **values).rows()
    assert local
    assert named(name, remote, **values).rows() == local
    assert named(name, data_files, **values).rows() == local


def test_toc_counts_arabic_and_roman_pages(embedded: EmbeddedStore) -> None:
    result = named("toc", embedded, book="crisis-in-north-korea")
    assert column(result, "position") == [str(n) for n in range(1, 21)]
    pages = dict(zip(column(result, "pages"), column(result, "pageCount"), strict=True))
    assert pages["v"] == "1"
    assert pages["vii-xii"] == "6"
    assert pages["xiii-xiv"] == "2"
    assert pages["7-25"] == "19"
    assert pages["267-274"] == "8"
    assert pages[""] == ""  # the title page has no pages
    mixed = named("toc", embedded, book="no-isbn")
    assert column(mixed, "pageCount") == ["10", ""]  # xi-3 mixes roman and arabic


def test_books_by_contributor_by_name_or_person(embedded: EmbeddedStore) -> None:
    by_name = named("books-by-contributor", embedded, name="lankov")
    assert column(by_name, "contributor") == ["Andrei N. Lankov", "Ann Lankova"]
    assert column(by_name, "role") == ["author", "author of a chapter"]
    by_person = named("books-by-contributor", embedded, person=f"{WORK}/person/andrei-n-lankov")
    assert column(by_person, "title") == ["Crisis in North Korea"]


def test_contributor_chapters_follow_chapter_authors_then_book_authors(
    embedded: EmbeddedStore,
) -> None:
    ann = named("contributor-chapters", embedded, name="Ann")
    assert column(ann, "chapterTitle") == ["One"]
    andrei = named("contributor-chapters", embedded, name="Andrei")
    assert len(column(andrei, "position")) == 20
    assert named("contributor-chapters", embedded, name="Jane Roe").rows() == []


def test_books_without_isbn_and_largest_pdfs(embedded: EmbeddedStore) -> None:
    assert column(named("books-without-isbn", embedded), "title") == ["No ISBN Here"]
    largest = named("largest-pdfs", embedded)
    assert column(largest, "size")[:3] == ["1.5 GB", "9.7 MB", "187.6 KB"]
    assert column(largest, "bytes")[:2] == [str(3 * 2**29), str(round(9.7 * 2**20))]
    assert len(column(largest, "size")) == 20


# --- named queries against their reference formulations --------------------------------
#
# The shipped queries are written for a large store (the people or the book first, see their
# comments). tests/fixtures/queries holds each one as first written, plainly: both must give
# the same rows on a generated catalogue, with and without each parameter.

REFERENCES = Path(__file__).parent / "fixtures" / "queries"
CATALOGUE_BOOKS, CATALOGUE_SEED = 40, 5
# Each query's ORDER BY: the rows must come in the same order of these (ties aside).
ORDER_KEYS = {
    "toc": ("book", "position"),
    "books-by-contributor": ("contributor", "title", "role"),
    "contributor-chapters": ("contributor", "title", "position"),
    "books-without-isbn": ("title", "book"),
    "largest-pdfs": ("bytes", "book", "position"),
}
# Part of a family name, other case, a letter, across given and family name, everyone, no one.
NAMES = ["lankov", "ELENI", "ø", "n. a", "", "nobody at all"]
LINKED_PEOPLE = """SELECT DISTINCT ?person WHERE {
  GRAPH ?g { ?x schema:author|schema:editor|schema:translator|schema:contributor ?person }
} ORDER BY ?person"""


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    """`bookrdf generate --books 40 --seed 5` loaded into an empty store, as `bookrdf load`."""
    folder = tmp_path_factory.mktemp("catalogue")
    write_catalogue(folder, CATALOGUE_BOOKS, CATALOGUE_SEED)
    books = read_books([folder / "books.jsonl"])
    with open_store(folder / "store") as store:
        load_books((map_book(book, MINTER) for book in books), store)
        yield store


def parameter_runs(name: str, store: EmbeddedStore) -> list[dict[str, str]]:
    """No parameter, then every book or a sample of names and people, alone and together."""
    kinds = {param.name: param.kind for param in named_query(name).params}
    runs: list[dict[str, str]] = [{}]
    if "book" in kinds:
        ids = [record["id"] for record in generate_records(CATALOGUE_BOOKS, CATALOGUE_SEED)]
        runs += [{"book": book} for book in [*ids, "no-such-book"]]
    if "name" in kinds:
        runs += [{"name": name} for name in NAMES]
    if "person" in kinds:
        people = [row["person"][1:-1] for row in run_query(LINKED_PEOPLE, store).rows()]
        runs += [{"person": person} for person in people[::10]]
        runs += [{"person": f"{BASE}book/no-such-book"}, {"name": "e", "person": people[0]}]
    return runs


def same_rows(rows: list[dict[str, str]]) -> list[tuple[tuple[str, str], ...]]:
    return sorted(tuple(sorted(row.items())) for row in rows)


def test_every_named_query_has_a_reference() -> None:
    assert {query.name for query in list_named_queries()} == set(ORDER_KEYS)
    assert {path.stem for path in REFERENCES.glob("*.rq")} == set(ORDER_KEYS)


@pytest.mark.parametrize("name", sorted(ORDER_KEYS))
def test_a_named_query_answers_as_its_reference_on_a_catalogue(
    name: str, catalogue: EmbeddedStore
) -> None:
    query = named_query(name)
    reference = (REFERENCES / f"{name}.rq").read_text("utf-8")
    keys = ORDER_KEYS[name]
    answered = []
    for values in parameter_runs(name, catalogue):
        params = bind_params(query, values, MINTER)
        rows = run_query(query.text, catalogue, params, source=name).rows()
        expected = run_query(reference, catalogue, params, source="reference").rows()
        assert same_rows(rows) == same_rows(expected), values
        order = [[row.get(key) for key in keys] for row in rows]
        assert order == [[row.get(key) for key in keys] for row in expected], values
        answered.append(bool(expected))
    assert answered[0]
    assert sum(answered) > len(answered) / 2  # the runs are not vacuous


ODD_PAGES = f"""
@prefix schema: <http://schema.org/> .
<{BASE}book/odd/graph> {{
  <{BASE}book/odd> a schema:Book ; schema:hasPart <{BASE}c1>, <{BASE}c2>, <{BASE}c3> .
  <{BASE}c1> schema:position 1 ; schema:pageStart "1", "2" .
  <{BASE}c2> schema:position 2 ; schema:pageEnd "5" .
  <{BASE}c3> schema:position 3 ; schema:pageStart "3", "4" ; schema:pageEnd "9" .
}}
"""


def test_toc_answers_as_its_reference_on_pages_bookrdf_does_not_write() -> None:
    """Two starts and no end, an end and no start: one row each, as in the reference."""
    store = EmbeddedStore()
    store.oxigraph.load(ODD_PAGES, format=ox.RdfFormat.TRIG)
    reference = (REFERENCES / "toc.rq").read_text("utf-8")
    for values in ({}, {"book": f"{BASE}book/odd"}):
        params = bind_params(named_query("toc"), values, MINTER)
        result = named("toc", store, **values)
        assert same_rows(result.rows()) == same_rows(run_query(reference, store, params).rows())
        assert sorted(column(result, "pageCount")) == ["", "", "6", "7"]


# --- parameters --------------------------------------------------------------------------

HOSTILE = ["> } ; DROP ALL", '"} ; DROP ALL ; #', "'''\\\" } DELETE WHERE { ?s ?p ?o }"]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_parameter_value_cannot_change_the_query(value: str, target: Target) -> None:
    assert named("books-by-contributor", target, name=value).rows() == []
    query = "SELECT ?title WHERE { GRAPH ?g { ?book schema:name ?title } }"
    assert answers(query, target, title=value) == []
    assert len(answers("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", target)) == 2
    with pytest.raises(QueryError, match="is not an IRI"):
        bind_params(named_query("books-by-contributor"), {"person": value}, MINTER)


def test_parameters_must_be_declared_and_used(embedded: EmbeddedStore) -> None:
    with pytest.raises(QueryError, match="no parameter 'title'; its parameters: book"):
        bind_params(named_query("toc"), {"title": "x"}, MINTER)
    with pytest.raises(QueryError, match=r"^query: the query has no variable \?nope to bind$"):
        answers("SELECT * WHERE { ?s ?p ?o }", embedded, nope="x")
    with pytest.raises(QueryError, match="parameters need a WHERE clause"):
        answers("DESCRIBE ?s", embedded, s="<https://example.org/x>")


def test_a_parameter_binds_in_a_construct_after_its_template(target: Target) -> None:
    query = "CONSTRUCT { ?book schema:name ?title } WHERE { GRAPH ?g { ?book schema:name ?title } }"
    result = run_query(query, target, {"book": parse_param(f"<{WORK}>")})
    assert {str(t.object) for t in result.triples()} == {'"Crisis in North Korea"@en'}


# --- errors ------------------------------------------------------------------------------


def test_a_malformed_query_names_line_and_column(
    embedded: EmbeddedStore, data_files: EmbeddedStore
) -> None:
    text = "SELECT ?s\nWHERE {\n  ?s ?p }"
    for target in (embedded, data_files):
        with pytest.raises(QueryError, match=r"^mine.rq:3:10: expected one of "):
            run_query(text, target, source="mine.rq")


def test_error_positions_ignore_the_bound_parameters(embedded: EmbeddedStore) -> None:
    text = "SELECT ?s WHERE { ?s ?p ?o . FILTER (?o = ) }"
    with pytest.raises(QueryError) as plain:
        run_query(text, embedded)
    with pytest.raises(QueryError) as bound:
        run_query(text, embedded, {"o": parse_param("x")})
    assert str(plain.value).startswith("query:1:")
    assert str(bound.value) == str(plain.value)


def test_a_remote_server_refusing_a_query_is_a_query_error(remote: RemoteStore) -> None:
    with pytest.raises(QueryError, match=r"^query: the server refused the query: error at 3:10: "):
        run_query("SELECT ?s\nWHERE {\n  ?s ?p }", remote)


def test_an_update_is_not_a_query(embedded: EmbeddedStore) -> None:
    with pytest.raises(QueryError, match="not a SPARQL query"):
        run_query("DROP ALL", embedded)
    assert len(embedded.graph_sizes()) == 2
    with pytest.raises(QueryError, match="no named query 'nope'; the named queries are: "):
        named_query("nope")


def test_a_query_declaring_its_own_prefix_keeps_it(target: Target) -> None:
    own = "PREFIX schema: <https://example.com/not-schema/>\nSELECT ?s WHERE { GRAPH ?g { ?s a schema:Book } }"
    assert answers(own, target) == []
    ours = "SELECT ?s WHERE { GRAPH ?g { ?s a schema:Book } }"
    assert len(answers(ours, target)) == 4  # two works, two editions


# --- rendering ---------------------------------------------------------------------------


def test_solutions_render_in_every_results_format(embedded: EmbeddedStore) -> None:
    result = named("books-without-isbn", embedded)
    assert render(result, "table").decode().splitlines() == [
        "book                                      title",
        "----------------------------------------  ------------",
        f"{NO_ISBN}  No ISBN Here",
    ]
    assert list(csv.reader(io.StringIO(render(result, "csv").decode()))) == [
        ["book", "title"],
        [NO_ISBN, "No ISBN Here"],
    ]
    assert render(result, "tsv").decode().splitlines()[1] == f'<{NO_ISBN}>\t"No ISBN Here"'
    document = json.loads(render(result, "json"))
    assert document["head"]["vars"] == ["book", "title"]
    assert document["results"]["bindings"][0]["title"]["value"] == "No ISBN Here"
    xml = ox.parse_query_results(render(result, "xml"), format=ox.QueryResultsFormat.XML)
    assert isinstance(xml, ox.QuerySolutions)
    with pytest.raises(QueryError, match="format 'turtle' does not fit a solutions answer"):
        render(result, "turtle")


def test_booleans_and_graphs_render(target: Target) -> None:
    ask = run_query("ASK { GRAPH ?g { ?s a schema:Chapter } }", target)
    assert ask.boolean() is True
    assert render(ask, "table") == b"answer\n------\ntrue\n"
    assert json.loads(render(ask, "json"))["boolean"] is True
    graph = run_query(
        "CONSTRUCT { ?s schema:name ?n } WHERE { GRAPH ?g { ?s a schema:Person ; schema:name ?n } }",
        target,
    )
    expected = set(graph.triples())
    assert len(expected) == 3
    for fmt, rdf_format in [
        ("turtle", ox.RdfFormat.TURTLE),
        ("nt", ox.RdfFormat.N_TRIPLES),
        ("jsonld", ox.RdfFormat.JSON_LD),
    ]:
        assert {q.triple for q in ox.parse(render(graph, fmt), format=rdf_format)} == expected
    assert b"schema:name" in render(graph, "turtle")
    assert table(graph)[0] == ["subject", "predicate", "object"]


# --- what a query's text says ------------------------------------------------------------

# A port no one listens on: pyoxigraph calling the service is refused the connection.
NOWHERE = f"<http://{LOOPBACK}:{free_port()}/sparql>"
# Spellings pyoxigraph reads as SERVICE: its parser matches keywords without word boundaries.
SERVICE_CALLS = [
    f"SELECT * WHERE {{ SERVICE {NOWHERE} {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ VALUES ?a {{ 1 }} OPTIONAL {{ service{NOWHERE}{{ ?s ?p ?o }} }} }}",
    f"SELECT * WHERE {{ VALUES ?a {{ 1 }} .SERVICE {NOWHERE} {{ ?s ?p ?o }} }}",
    f"PREFIX e: {NOWHERE[:-7]}> SELECT * WHERE {{ SERVICEe:sparql {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ VALUES ?a {{ 1 }} # a comment\nSERVICE {NOWHERE} {{ ?s ?p ?o }} }}",
]


@pytest.mark.parametrize("text", SERVICE_CALLS)
def test_a_service_call_is_seen_however_it_is_spelled(text: str) -> None:
    answer = ox.Store().query(text)
    assert isinstance(answer, ox.QuerySolutions)
    with pytest.raises(ConnectionRefusedError):
        list(answer)  # pyoxigraph itself calls the service
    assert read_shape(text, "query").service


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * WHERE { ?s ?p "SERVICE <http://x/> { }" }',
        "SELECT * WHERE { ?s a schema:Service ; schema:serviceType ?t }",
        "SELECT * WHERE { ?s ?p <http://x/SERVICE> } # SERVICE <http://x/> { }",
        "SELECT ?service WHERE { ?service ?p ?o }",
    ],
)
def test_service_in_strings_iris_comments_and_names_is_no_call(text: str) -> None:
    assert not read_shape(text, "query").service


COUNT_FROM = "SELECT (COUNT(*) AS ?n) {dataset} WHERE {{ ?s ?p ?o }}"


@pytest.mark.parametrize("local", ["embedded", "data_files"])
def test_a_query_naming_its_dataset_gets_that_dataset(
    local: str, request: pytest.FixtureRequest
) -> None:
    store: EmbeddedStore = request.getfixturevalue(local)
    graph, size = sorted(store.graph_sizes().items())[0]

    def count(dataset: str) -> int:
        rows = answers(COUNT_FROM.format(dataset=dataset), store)
        return _number(rows[0]["n"])

    assert count("FROM <urn:no-such-graph>") == 0
    assert count(f"FROM <{graph}>") == size
    assert count("") > size  # no FROM: the union of every book's graph
    named = f"SELECT DISTINCT ?g FROM NAMED <{graph}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert answers(named, store) == [{"g": f"<{graph}>"}]
    assert run_query("ASK FROM<urn:no-such-graph>{ ?s ?p ?o }", store).boolean() is False
    assert answers("SELECT *FROM<urn:no-such-graph>{ ?s ?p ?o }", store) == []


def _number(term: str) -> int:
    """An integer literal in N-Triples syntax: "3"^^<…#integer>."""
    return int(term.split('"')[1])


# --- bookrdf query: bad input ------------------------------------------------------------


def run_cli(*args: str, stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


def test_query_on_an_empty_folder_says_there_is_no_store_and_creates_none(
    tmp_path: Path,
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli("query", "--store", str(empty), "-e", "SELECT * { ?s ?p ?o }")
    assert result.exit_code == 2
    assert (
        result.stderr == f"Error: {empty}: there is no store here yet; load books into it first\n"
    )
    assert list(empty.iterdir()) == []


def test_a_query_that_is_not_utf8_names_its_file_and_line(tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.rq"
    latin1.write_bytes(b'ASK {\n  ?s ?p "caf\xe9" }')
    utf16 = tmp_path / "utf16.rq"
    utf16.write_bytes("ASK {}".encode("utf-16"))
    data = tmp_path / "d.ttl"
    data.write_text("<http://x/a> <http://x/b> <http://x/c> .\n", "utf-8")
    results = [
        run_cli("query", str(latin1), "--data", str(data)),
        run_cli("query", str(utf16), "--data", str(data)),
        run_cli("query", "-", "--data", str(data), stdin=b"ASK { ?s ?p '\xe9' }"),
    ]
    assert [result.exit_code for result in results] == [2, 2, 2]
    assert [result.stderr for result in results] == [
        f"Error: {latin1}:2: the query is not UTF-8 text (byte 0xe9); save it as UTF-8\n",
        f"Error: {utf16}:1: the query is not UTF-8 text (byte 0xff); save it as UTF-8\n",
        "Error: <stdin>:1: the query is not UTF-8 text (byte 0xe9); save it as UTF-8\n",
    ]


def test_xml_refuses_an_answer_holding_a_character_xml_cannot_carry(tmp_path: Path) -> None:
    data = tmp_path / "d.nt"
    data.write_text('<http://x/a> <http://x/b> "a\\u0000b\\u0001" .\n', "utf-8")
    select = run_cli("query", "-e", "SELECT ?o { ?s ?p ?o }", "--data", str(data), "-f", "xml")
    graph = run_cli("query", "-e", "CONSTRUCT WHERE { ?s ?p ?o }", "--data", str(data), "-f", "xml")
    assert [select.exit_code, graph.exit_code] == [2, 2]
    assert select.stdout == graph.stdout == ""
    assert select.stderr == (
        "Error: the answer holds the character U+0000, which XML cannot carry; "
        "choose another format: table, csv, tsv, json\n"
    )
    assert graph.stderr.startswith("Error: the answer holds the character U+0000")
    json_answer = run_cli(
        "query", "-e", "SELECT ?o { ?s ?p ?o }", "--data", str(data), "-f", "json"
    )
    assert json.loads(json_answer.stdout)["results"]["bindings"][0]["o"]["value"] == "a\x00b\x01"


@pytest.mark.parametrize("predicate", ["http://x/p/1", "http://x/p#", "urn:x:1"])
def test_rdf_xml_refuses_a_predicate_it_cannot_write_as_an_element(
    tmp_path: Path, predicate: str
) -> None:
    data = tmp_path / "d.nt"
    data.write_text(f'<http://x/a> <{predicate}> "o" .\n', "utf-8")
    construct = "CONSTRUCT WHERE { ?s ?p ?o }"
    result = run_cli("query", "-e", construct, "--data", str(data), "-f", "xml")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: the answer has the predicate <{predicate}>, which RDF/XML cannot write (it ends "
        "in no XML name); choose another format: table, turtle, ttl, nt, jsonld\n"
    )
    written = run_cli("query", "-e", construct, "--data", str(data), "-f", "nt")
    assert [
        str(t.predicate.value)
        for t in ox.parse(written.stdout_bytes, format=ox.RdfFormat.N_TRIPLES)
    ] == [predicate]


def test_a_query_that_fails_while_evaluated_is_one_error_line(tmp_path: Path) -> None:
    data = tmp_path / "d.ttl"
    data.write_text("<http://x/a> <http://x/b> <http://x/c> .\n", "utf-8")
    result = run_cli(
        "query", "-e", "SELECT * WHERE { SERVICE ?unbound { ?s ?p ?o } }", "--data", str(data)
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")
    assert "the query failed:" in result.stderr
    assert len(result.stderr.splitlines()) == 1
