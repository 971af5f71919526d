"""The same load and named queries against a real Virtuoso (Debian virtuoso-opensource-7-bin).

CI installs Virtuoso (.ci/run); on a machine without it these tests are skipped with the reason,
except under CI=true, where a missing Virtuoso fails them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bookrdf.mapping import map_book
from bookrdf.query import bind_params, named_query, run_query
from bookrdf.records import read_records
from bookrdf.store import EmbeddedStore, RemoteStore, load_books
from bookrdf.vocab import Minter
from tests.conftest import SEED_RECORD
from tests.servers import LOOPBACK, free_port

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")
MINTER = Minter()

if not (VIRTUOSO and ISQL):
    if os.environ.get("CI"):
        pytest.fail(
            "Virtuoso is missing; .ci/run installs virtuoso-opensource-7-bin", pytrace=False
        )
    pytest.skip(
        "Virtuoso is not installed (apt-get install virtuoso-opensource-7-bin)",
        allow_module_level=True,
    )

INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
Striping = 0

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = {sql_port}
ServerThreads = 10
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., {dir}

[HTTPServer]
ServerPort = {http_port}
ServerRoot = {dir}
ServerThreads = 10
MaxClientConnections = 5

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


@dataclass(frozen=True)
class Virtuoso:
    base: str

    @property
    def sparql(self) -> str:
        return f"{self.base}/sparql"

    @property
    def graph_crud(self) -> str:
        return f"{self.base}/sparql-graph-crud"


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    folder = tmp_path_factory.mktemp("virtuoso")
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(dir=folder, sql_port=sql_port, http_port=http_port), "utf-8")
    assert VIRTUOSO
    assert ISQL
    process = subprocess.Popen(
        [VIRTUOSO, "-f", "-c", str(ini)],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        server = Virtuoso(f"http://{LOOPBACK}:{http_port}")
        _wait_for(server.sparql + "?query=ASK%7B%7D", process, folder)
        # Virtuoso's anonymous SPARQL user may read only; let it write, as a server admin would.
        subprocess.run(
            [ISQL, str(sql_port), "dba", "dba", 'exec=GRANT SPARQL_UPDATE TO "SPARQL";'],
            check=True,
            capture_output=True,
            timeout=30,
        )
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for(
    url: str, process: subprocess.Popen[bytes], folder: Path, seconds: float = 60
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (folder / "virtuoso.log").read_text("utf-8", errors="replace")[-2000:]
            pytest.fail(f"virtuoso-t stopped at start:\n{log}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    pytest.fail(f"Virtuoso did not answer at {url} within {seconds} s")


@pytest.fixture(scope="module")
def loaded(virtuoso: Virtuoso) -> tuple[RemoteStore, EmbeddedStore]:
    books = [map_book(book, MINTER) for book in read_records(SEED_RECORD)]
    remote = RemoteStore(virtuoso.sparql, gsp_endpoint=virtuoso.graph_crud)
    load_books(books, remote)
    embedded = EmbeddedStore()
    load_books(books, embedded)
    return remote, embedded


COUNT = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), 'https://example.org/bookrdf/')) } GROUP BY ?g"


def test_reloading_leaves_virtuoso_unchanged(
    loaded: tuple[RemoteStore, EmbeddedStore], virtuoso: Virtuoso
) -> None:
    remote, embedded = loaded
    before = run_query(COUNT, remote).rows()
    books = [map_book(book, MINTER) for book in read_records(SEED_RECORD)]
    load_books(books, remote)
    load_books(books, remote)
    assert run_query(COUNT, remote).rows() == before
    assert before == run_query(COUNT, embedded).rows()
    assert (
        before[0]["n"] == f'"{len(books[0].triples)}"^^<http://www.w3.org/2001/XMLSchema#integer>'
    )


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("toc", {"book": "crisis-in-north-korea"}),
        ("books-by-contributor", {"name": "lankov"}),
        ("contributor-chapters", {"name": "lankov"}),
        ("books-without-isbn", {}),
        ("largest-pdfs", {}),
    ],
)
def test_named_queries_answer_as_on_the_embedded_store(
    loaded: tuple[RemoteStore, EmbeddedStore], name: str, values: dict[str, str]
) -> None:
    remote, embedded = loaded
    query = named_query(name)
    params = bind_params(query, values, MINTER)
    assert (
        run_query(query.text, remote, params).rows()
        == run_query(query.text, embedded, params).rows()
    )


@pytest.mark.parametrize(
    ("query", "truth"),
    [("ASK { ?c a schema:Chapter }", True), ("ASK { ?c a schema:Nothing }", False)],
)
def test_ask_is_a_boolean_on_virtuoso_too(
    loaded: tuple[RemoteStore, EmbeddedStore], query: str, truth: bool
) -> None:
    remote, _ = loaded
    assert run_query(query, remote).boolean() is truth
