"""`bookrdf serve`: real HTTP requests against a real server started by the command."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from rdflib import RDF, Graph, URIRef
from rdflib.compare import isomorphic
from SPARQLWrapper import JSON, POST, POSTDIRECTLY, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from bookrdf.cli import cli
from bookrdf.mapping import map_book
from bookrdf.pipeline import load, read_books
from bookrdf.publish import write_release
from bookrdf.serve import choose, parse_accept
from bookrdf.store import open_store
from bookrdf.vocab import SCHEMA, Minter
from tests.conftest import SEED_RECORD, WORK, own_isbns
from tests.servers import LOOPBACK, free_port
from tests.test_site import EDGE_RECORD, rdf_of_jsonld

DATA_BOOK = Path(__file__).parent.parent / "data" / "books" / "9780824828097.yaml"
PREFIX = "/bookrdf/"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@dataclass(frozen=True)
class Server:
    """A running `bookrdf serve`: its URL and its store."""

    url: str
    store: Path

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, follow_redirects=False, timeout=20)


def bookrdf_command() -> str:
    found = shutil.which("bookrdf", path=str(Path(sys.executable).parent))
    if not found:
        pytest.fail("the bookrdf command is missing: pip install -e '.[test]'")
    return found


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("serve")
    with open_store(root / "store") as store:
        # the page's book is the seed again: with the seed's ISBNs it would share its editions
        page_book = root / DATA_BOOK.name
        text = DATA_BOOK.read_text("utf-8")
        for isbn, own in zip(("9780824862039", "9780824828097"), own_isbns(1), strict=True):
            text = text.replace(f"- value: '{isbn}'", f"- value: '{own}'")  # not the id
        page_book.write_text(text, "utf-8")
        load([SEED_RECORD, page_book], store)
    write_release((map_book(b) for b in read_books([SEED_RECORD])), root / "release")
    (root / "release" / ".git").mkdir()
    (root / "release" / ".git" / "config").write_text("[remote]\n", "utf-8")
    options = ["--dumps", str(root / "release"), "--query-timeout", "1.5"]
    with _serving(root / "store", PREFIX, *options) as url:
        yield Server(url, root / "store")


@contextmanager
def _serving(store: Path, prefix: str, *options: str) -> Iterator[str]:
    """`bookrdf serve` on the store, answering at `prefix`: its URL; stopped at the end."""
    port = free_port()
    command = [bookrdf_command(), "serve", "--store", str(store), "--port", str(port), *options]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://{LOOPBACK}:{port}"
    try:
        _wait_until_answering(f"{url}{prefix}", process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


def _wait_until_answering(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode() if process.stderr else ""
            pytest.fail(f"bookrdf serve stopped at start: {error}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail(f"bookrdf serve did not answer at {url}")


def test_serve_without_a_store_says_so_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--store", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"Error: {tmp_path / 'none'}: there is no store here yet; load books into it first"
    )
    assert "Traceback" not in result.output


def test_serve_on_a_damaged_store_says_so_in_one_line(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with open_store(store) as opened:
        load([SEED_RECORD], opened)
    (store / "CURRENT").write_text("garbage\n", "utf-8")
    result = CliRunner().invoke(cli, ["serve", "--store", str(store)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {store}: the store is damaged (Corruption: CURRENT file corrupted); "
        "load the books again into a new folder\n"
    )


def test_serve_on_a_port_in_use_says_so_in_one_line(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with open_store(store) as opened:
        load([SEED_RECORD], opened)
    with socket.create_server((LOOPBACK, 0)) as taken:
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--store", str(store), "--port", str(port)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {LOOPBACK}:{port}: cannot listen there: Address already in use; "
        "choose another --port or --host, or stop what listens there\n"
    )


@pytest.mark.parametrize(
    "base", ["https://example.org/bücher/", "https://example.org/b%C3%BCcher/"]
)
def test_a_base_with_an_escaped_or_non_ascii_path_is_served_at_it(
    tmp_path: Path, base: str
) -> None:
    store = tmp_path / "store"
    with open_store(store) as opened:
        load([SEED_RECORD], opened, minter=Minter(base))
    prefix = "/b%C3%BCcher/"
    with _serving(store, prefix, "--base", base) as url, httpx.Client(base_url=url) as client:
        redirect = client.get(f"{prefix}book/crisis-in-north-korea", headers={"Accept": "*/*"})
        turtle = client.get(f"{prefix}book/crisis-in-north-korea.ttl")
    assert redirect.status_code == 303
    assert redirect.headers["location"] == f"{prefix}book/crisis-in-north-korea.ttl"
    graph = Graph().parse(data=turtle.content, format="turtle")
    assert (URIRef(f"{base}book/crisis-in-north-korea"), RDF.type, SCHEMA.Book) in graph


# --- negotiation, in memory -------------------------------------------------------------

OFFERS = ["text/turtle", "application/ld+json", "application/n-triples", "text/html"]


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, "text/turtle"),
        ("*/*", "text/turtle"),
        (BROWSER, "text/html"),
        ("application/ld+json", "application/ld+json"),
        ("text/turtle;q=0.5, application/n-triples", "application/n-triples"),
        ("text/*;q=0.5, text/html;q=0", "text/turtle"),
        ("TEXT/HTML;Q=0.9, text/turtle;q=0.1", "text/html"),
        ("text/turtle;q=0, */*;q=0.1", "application/ld+json"),
        ("image/png", None),
        ("text/turtle;q=0", None),
        ("garbage", "text/turtle"),
        ("application/ld+json;q=abc", "text/turtle"),
        ("application/ld+json;q=abc, application/n-triples", "application/n-triples"),
    ],
)
def test_choose_weighs_q_values_and_specificity(accept: str | None, chosen: str | None) -> None:
    assert choose(accept, OFFERS) == chosen


def test_parse_accept_skips_malformed_ranges() -> None:
    ranges = parse_accept(
        "text/html;q=2, */html, application/json;q=x, ,text/turtle, text/plain;q=nan"
    )
    assert [(r.type, r.subtype, r.q) for r in ranges] == [
        ("text", "html", 1.0),
        ("text", "turtle", 1.0),
    ]


# --- resources over HTTP ----------------------------------------------------------------

BOOK = f"{PREFIX}book/crisis-in-north-korea"


@pytest.mark.parametrize(
    ("accept", "suffix"),
    [
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/n-triples", "nt"),
        ("text/html", "html"),
        (BROWSER, "html"),
        ("*/*", "ttl"),
        ("application/json", "jsonld"),
        ("text/turtle;q=0.4, application/ld+json;q=0.8", "jsonld"),
        ("text/html;q=0.9, application/n-triples;q=0.95", "nt"),
    ],
)
def test_an_iri_answers_303_to_the_negotiated_document(
    server: Server, accept: str, suffix: str
) -> None:
    with server.client() as client:
        answer = client.get(BOOK, headers={"Accept": accept})
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{BOOK}.{suffix}"
    assert answer.headers["vary"] == "Accept"
    assert answer.headers["access-control-allow-origin"] == "*"


def test_an_iri_without_accept_header_gets_turtle(server: Server) -> None:
    answer = httpx.get(f"{server.url}{BOOK}", headers={"Accept": ""}, follow_redirects=False)
    assert answer.headers["location"] == f"{BOOK}.ttl"


@pytest.mark.parametrize(
    ("suffix", "media", "parse"),
    [
        ("ttl", "text/turtle", "turtle"),
        ("nt", "application/n-triples", "nt"),
        ("jsonld", "application/ld+json", "json-ld"),
    ],
)
def test_documents_are_the_book_graph(
    server: Server, crisis_graph: Graph, suffix: str, media: str, parse: str
) -> None:
    with server.client() as client:
        answer = client.get(BOOK, headers={"Accept": media}, follow_redirects=True)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == f"{media}; charset=utf-8"
    assert answer.headers["access-control-allow-origin"] == "*"
    if suffix == "jsonld":
        graph = rdf_of_jsonld(answer.json())
    else:
        graph = Graph().parse(data=answer.content, format=parse)
    assert isomorphic(graph, crisis_graph)


def test_the_html_document_is_the_book_page(server: Server) -> None:
    with server.client() as client:
        answer = client.get(BOOK, headers={"Accept": BROWSER}, follow_redirects=True)
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert '<meta name="citation_title" content="Crisis in North Korea">' in answer.text
    assert '<script type="application/ld+json">' in answer.text


def test_406_for_types_it_cannot_give(server: Server) -> None:
    with server.client() as client:
        answer = client.get(BOOK, headers={"Accept": "image/png, text/turtle;q=0"})
    assert answer.status_code == 406
    assert answer.headers["vary"] == "Accept"
    assert "text/turtle" in answer.text


@pytest.mark.parametrize(
    "path",
    [
        "book/no-such-book",
        "book/no-such-book.ttl",
        "book/crisis-in-north-korea/chapter/99",
        "book/crisis-in-north-korea/chapter/99.html",
        "isbn/9780000000000",
        "nothing",
    ],
)
def test_404_for_unknown_iris(server: Server, path: str) -> None:
    with server.client() as client:
        answer = client.get(f"{PREFIX}{path}", headers={"Accept": "text/turtle"})
    assert answer.status_code == 404


@pytest.mark.parametrize(
    ("path", "shows"),
    [
        ("book/crisis-in-north-korea/chapter/7", "chapter/7/pdf"),
        ("isbn/9780824862039", "urn:isbn:9780824862039"),
        ("book/crisis-in-north-korea/person/andrei-n-lankov", "Andrei N. Lankov"),
        ("org/university-of-hawai-i-press", "University of Hawai'i Press"),
    ],
)
def test_chapters_editions_people_and_organisations_negotiate_too(
    server: Server, path: str, shows: str
) -> None:
    iri = f"https://example.org/bookrdf/{path}"
    with server.client() as client:
        redirect = client.get(f"{PREFIX}{path}", headers={"Accept": "text/turtle"})
        assert redirect.headers["location"] == f"{PREFIX}{path}.ttl"
        turtle = client.get(redirect.headers["location"])
        jsonld = client.get(f"{PREFIX}{path}.jsonld")
        page = client.get(f"{PREFIX}{path}.html")
    graph = Graph().parse(data=turtle.content, format="turtle")
    assert shows in turtle.text
    assert isomorphic(rdf_of_jsonld(jsonld.json()), graph)
    # rdflib too, which tells "x"^^xsd:string from "x": the JSON-LD writes plain strings plain
    assert isomorphic(Graph().parse(data=jsonld.content, format="json-ld"), graph)
    assert page.status_code == 200
    assert iri in page.text
    if "/chapter/" not in path:  # people, organisations and editions: the links to them too
        assert any(str(o) == iri for o in graph.objects())


def test_cors_preflight(server: Server) -> None:
    with server.client() as client:
        answer = client.options(
            f"{PREFIX}sparql",
            headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"},
        )
    assert answer.status_code == 204
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "POST" in answer.headers["access-control-allow-methods"]
    assert "Content-Type" in answer.headers["access-control-allow-headers"]


# --- SPARQL -----------------------------------------------------------------------------


def _count(server: Server) -> int:
    endpoint = SPARQLWrapper(f"{server.url}{PREFIX}sparql")
    endpoint.setQuery("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    endpoint.setReturnFormat(JSON)
    result = endpoint.queryAndConvert()
    assert isinstance(result, dict)
    return int(result["results"]["bindings"][0]["n"]["value"])


def test_sparqlwrapper_select_by_get_post_and_post_directly(server: Server) -> None:
    for method, request in ((None, None), (POST, None), (POST, POSTDIRECTLY)):
        endpoint = SPARQLWrapper(f"{server.url}{PREFIX}sparql")
        endpoint.setQuery(f"SELECT ?title WHERE {{ <{WORK}> dcterms:title ?title }}")
        endpoint.setReturnFormat(JSON)
        if method:
            endpoint.setMethod(method)
        if request:
            endpoint.setRequestMethod(request)
        result = endpoint.queryAndConvert()
        assert isinstance(result, dict)
        assert [row["title"]["value"] for row in result["results"]["bindings"]] == [
            "Crisis in North Korea"
        ]


def test_sparqlwrapper_construct_as_turtle(server: Server) -> None:
    endpoint = SPARQLWrapper(f"{server.url}{PREFIX}sparql")
    endpoint.setQuery(f"CONSTRUCT {{ <{WORK}> ?p ?o }} WHERE {{ <{WORK}> ?p ?o }}")
    endpoint.setReturnFormat(TURTLE)
    data = endpoint.queryAndConvert()
    assert isinstance(data, bytes)
    assert len(Graph().parse(data=data, format="turtle")) > 20


@pytest.mark.parametrize(
    ("accept", "media", "starts"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml", b"<?xml"),
        ("text/csv", "text/csv", b"n\r\n"),
        ("text/tab-separated-values", "text/tab-separated-values", b"?n\n"),
        ("*/*", "application/sparql-results+json", b"{"),
    ],
)
def test_results_by_accept(server: Server, accept: str, media: str, starts: bytes) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a schema:Chapter }"
    with server.client() as client:
        answer = client.get(f"{PREFIX}sparql", params={"query": query}, headers={"Accept": accept})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(media)
    assert answer.content.startswith(starts)


def test_a_select_cannot_be_turtle(server: Server) -> None:
    with server.client() as client:
        answer = client.get(
            f"{PREFIX}sparql",
            params={"query": "SELECT * WHERE { ?s ?p ?o }"},
            headers={"Accept": "text/turtle"},
        )
    assert answer.status_code == 406


def test_updates_are_refused(server: Server) -> None:
    before = _count(server)
    update = "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }"
    endpoint = SPARQLWrapper(f"{server.url}{PREFIX}sparql")
    endpoint.setMethod(POST)
    endpoint.setQuery(update)
    with pytest.raises(QueryBadFormed):
        endpoint.query()
    with server.client() as client:
        answers = [
            client.post(f"{PREFIX}sparql", data={"update": update}),
            client.post(f"{PREFIX}sparql", data={"query": update}),
            client.post(
                f"{PREFIX}sparql",
                content=update,
                headers={"Content-Type": "application/sparql-update"},
            ),
            client.get(f"{PREFIX}sparql", params={"query": "DROP ALL"}),
        ]
        assert client.put(f"{PREFIX}sparql", content=update).status_code == 405
    assert [a.status_code for a in answers] == [400, 400, 400, 400]
    assert all("read-only" in a.text for a in answers)
    assert _count(server) == before


def test_a_malformed_query_says_where(server: Server) -> None:
    with server.client() as client:
        answer = client.get(f"{PREFIX}sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert answer.status_code == 400
    assert answer.text.startswith("query:1:")


def test_an_oversize_body_is_refused(server: Server) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 200_000
    with server.client() as client:
        answer = client.post(
            f"{PREFIX}sparql",
            content=query,
            headers={"Content-Type": "application/sparql-query"},
        )
    assert answer.status_code == 413


def test_a_query_that_overruns_is_stopped_and_the_server_goes_on(server: Server) -> None:
    started = time.monotonic()
    with server.client() as client:
        answer = client.get(f"{PREFIX}sparql", params={"query": ENDLESS})
        assert answer.status_code == 503
        assert "longer than 1.5 s" in answer.text
        assert time.monotonic() - started < 10
        again = client.get(
            f"{PREFIX}sparql",
            params={"query": "ASK { ?s a schema:Book }"},
            headers={"Accept": "application/sparql-results+json"},
        )
    assert again.json()["boolean"] is True


# --- landing page, search, dumps ----------------------------------------------------------


def test_the_root_leads_to_the_landing_page(server: Server) -> None:
    with server.client() as client:
        root = client.get("/")
        landing = client.get(PREFIX)
    assert root.status_code == 303
    assert root.headers["location"] == PREFIX
    assert landing.status_code == 200
    for shown in (
        '<form action="/bookrdf/search"',
        "2 books with 40 chapters",
        '<a href="/bookrdf/dumps/books.ttl">books.ttl</a>',
        '<a href="/bookrdf/sparql">',
    ):
        assert shown in landing.text


def test_dumps_are_served_from_their_folder_only(server: Server) -> None:
    with server.client() as client:
        dump = client.get(f"{PREFIX}dumps/books.ttl")
        escape = client.get(f"{PREFIX}dumps/%2e%2e/store/CURRENT")
        escape_raw = client.get(f"{PREFIX}dumps/..%2fstore%2fCURRENT")
        hidden = client.get(f"{PREFIX}dumps/.git/config")
    assert dump.status_code == 200
    assert dump.text.startswith("@prefix")
    assert escape.status_code == 404
    assert escape_raw.status_code == 404
    assert hidden.status_code == 404


def test_search_finds_titles_and_contributors_as_html_and_json(server: Server) -> None:
    with server.client() as client:
        by_name = client.get(
            f"{PREFIX}search", params={"q": "LANKOV"}, headers={"Accept": "application/json"}
        )
        by_title = client.get(
            f"{PREFIX}search", params={"q": "north korea"}, headers={"Accept": BROWSER}
        )
        hostile = client.get(
            f"{PREFIX}search",
            params={"q": '") } } DROP ALL #'},
            headers={"Accept": "application/json"},
        )
    assert by_name.headers["vary"] == "Accept"
    iris = {row["iri"] for row in by_name.json()["results"]}
    assert iris == {WORK, "https://example.org/bookrdf/book/9780824828097"}
    assert by_title.headers["content-type"].startswith("text/html")
    assert (
        '<a href="/bookrdf/book/crisis-in-north-korea">Crisis in North Korea</a>' in by_title.text
    )
    assert hostile.status_code == 200
    assert hostile.json()["results"] == []


def test_index_lists_the_books(server: Server) -> None:
    with server.client() as client:
        page = client.get(f"{PREFIX}index.html")
    assert page.text.count('<li><a href="/bookrdf/book/') == 2


# Last: it changes the store.
def test_load_can_write_while_serving_and_the_server_follows(
    server: Server, tmp_path: Path
) -> None:
    record = tmp_path / "edge.yaml"
    record.write_text(EDGE_RECORD, "utf-8")
    with open_store(server.store) as store:
        load([record], store)
    # the server and its query workers each notice the change within about a second
    deadline = time.monotonic() + 10
    status, iris = 0, list[str]()
    with server.client() as client:
        while time.monotonic() < deadline and (status != 200 or not iris):
            status = client.get(f"{PREFIX}book/edge-book.ttl").status_code
            found = client.get(
                f"{PREFIX}search", params={"q": "zoë"}, headers={"Accept": "application/json"}
            )
            iris = [row["iri"] for row in json.loads(found.content)["results"]]
            time.sleep(0.2)
    assert status == 200
    assert iris == ["https://example.org/bookrdf/book/edge-book"]


def test_service_calls_are_refused_and_a_string_saying_service_is_not_one(
    server: Server,
) -> None:
    port = free_port()
    calling = f"SELECT * WHERE {{ SERVICE <http://{LOOPBACK}:{port}/> {{ ?s ?p ?o }} }}"
    hidden = f"SELECT * WHERE {{ VALUES ?a {{ 1 }} .SERVICE<http://{LOOPBACK}:{port}/>{{ }} }}"
    saying = 'ASK { ?s ?p "SERVICE <http://example.org/> { }" }'
    with server.client() as client:
        refused = [client.get(f"{PREFIX}sparql", params={"query": q}) for q in (calling, hidden)]
        answered = client.get(
            f"{PREFIX}sparql", params={"query": saying}, headers={"Accept": "application/json"}
        )
    assert [answer.status_code for answer in refused] == [400, 400]
    assert refused[0].text == (
        "this endpoint does not call other servers: SERVICE is not accepted; "
        "query the other endpoint yourself\n"
    )
    assert answered.status_code == 200
    assert answered.json()["boolean"] is False


def test_from_names_the_dataset_at_the_endpoint(server: Server) -> None:
    query = "SELECT (COUNT(*) AS ?n) FROM <urn:no-such-graph> WHERE { ?s ?p ?o }"
    with server.client() as client:
        answer = client.get(
            f"{PREFIX}sparql", params={"query": query}, headers={"Accept": "application/json"}
        )
    assert answer.status_code == 200
    assert answer.json()["results"]["bindings"][0]["n"]["value"] == "0"
    assert _count(server) > 0  # without FROM: the union of every book's graph


def test_head_answers_as_get_without_a_body(server: Server) -> None:
    with server.client() as client:
        for params in ({"query": "ASK {}"}, {}):
            got = client.get(f"{PREFIX}sparql", params=params, headers={"Accept": BROWSER})
            head = client.head(f"{PREFIX}sparql", params=params, headers={"Accept": BROWSER})
            assert (head.status_code, head.headers["content-type"]) == (
                got.status_code,
                got.headers["content-type"],
            )
            assert head.status_code == 200
            assert head.content == b""
