"""RDF files as input to `validate` and `load`: read in time linear in their size, the same
graph as Oxigraph parses, and hostile files refused with one line."""

from __future__ import annotations

import gzip
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS

from bookrdf.cli import cli
from bookrdf.pipeline import read_rdf
from bookrdf.store.files import parse_quads
from tests.conftest import BASE, FIXTURES, SEED_RECORD

BOOK = f"{BASE}book/big"
RDF_XML_HEAD = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:dc="http://purl.org/dc/terms/">\n'
)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def refusal(command: str, path: Path, tmp_path: Path) -> str:
    """What `validate` or `load` (into a new store) says on stderr, refusing a file: exit 2."""
    store = ["--store", str(tmp_path / "store")] if command == "load" else []
    result = run(command, *store, str(path))
    assert result.exit_code == 2, result.output
    return result.stderr


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed and hostile fixtures published in every RDF format."""
    out = tmp_path_factory.mktemp("release")
    records = [SEED_RECORD, *sorted((FIXTURES / "hostile").iterdir())]
    formats = ["-f", "nt", "-f", "ttl", "-f", "jsonld", "-f", "xml"]
    result = run("publish", *map(str, records), "--out", str(out), "--no-validate", *formats)
    assert result.exit_code == 0, result.output
    return out


def _through_ntriples(path: Path) -> Graph:
    """The graph as bookrdf read it before: Oxigraph's N-Triples text parsed by rdflib."""
    nt = ox.serialize([q.triple for q in parse_quads(path)], format=ox.RdfFormat.N_TRIPLES)
    return Graph().parse(data=nt or b"", format="nt")


@pytest.mark.parametrize("name", ["books.nt", "books.ttl", "books.jsonld", "books.rdf"])
def test_read_rdf_gives_the_graph_read_through_ntriples(release: Path, name: str) -> None:
    graph = read_rdf(release / name)
    assert len(graph) > 50
    assert isomorphic(graph, _through_ntriples(release / name))


def test_a_long_literal_is_read_in_linear_time(tmp_path: Path) -> None:
    # rdflib's N-Triples parser took about 100 s for this literal (its time grows as the square)
    path = tmp_path / "big.nt"
    path.write_text(f'<{BOOK}> <{DCTERMS.title}> "{"A" * 4_000_000}"@en .\n', "utf-8")
    started = time.monotonic()
    graph = read_rdf(path)
    assert time.monotonic() - started < 5
    assert len(str(graph.value(URIRef(BOOK), DCTERMS.title))) == 4_000_000


def _entity_document(path: Path, levels: int) -> Path:
    """RDF/XML whose title is an entity of 10 ** (levels + 1) characters, each level ten
    references to the one before."""
    entities = ['<!ENTITY e0 "aaaaaaaaaa">']
    entities += [f'<!ENTITY e{n} "{f"&e{n - 1};" * 10}">' for n in range(1, levels + 1)]
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [{"".join(entities)}]>\n{RDF_XML_HEAD}'
        f'<rdf:Description rdf:about="{BOOK}"><dc:title>&e{levels};</dc:title>'
        "</rdf:Description>\n</rdf:RDF>\n",
        "utf-8",
    )
    return path


@pytest.mark.parametrize("command", ["validate", "load"])
def test_an_entity_bomb_is_refused(tmp_path: Path, command: str) -> None:
    path = _entity_document(tmp_path / "bomb.rdf", 7)  # a 100 MB title from 600 bytes
    assert refusal(command, path, tmp_path) == (
        f"Error: {path}: its XML entities expand to far more text than the file holds; "
        "write the text out instead of building it from entities\n"
    )


def test_entities_of_ordinary_size_are_expanded(tmp_path: Path) -> None:
    path = tmp_path / "owl.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE rdf:RDF [<!ENTITY xsd "http://www.w3.org/2001/XMLSchema#">]>\n'
        f'{RDF_XML_HEAD}<rdf:Description rdf:about="{BOOK}">'
        '<dc:title rdf:datatype="&xsd;string">Big &amp; small</dc:title>'
        "</rdf:Description>\n</rdf:RDF>\n",
        "utf-8",
    )
    title = read_rdf(path).value(URIRef(BOOK), DCTERMS.title)
    assert title == Literal("Big & small")  # xsd:string, as rdflib writes it


@pytest.mark.parametrize("command", ["validate", "load"])
@pytest.mark.parametrize("name", ["huge.ttl", "huge.nt", "huge.nt.gz"])
def test_a_term_over_the_parser_limit_is_refused(tmp_path: Path, command: str, name: str) -> None:
    text = f'<{BASE}book/a> <{DCTERMS.title}> "A" .\n' * 2
    text += f'<{BOOK}> <{DCTERMS.title}> "{"A" * 20_000_000}"@en .\n'
    path = tmp_path / name
    data = text.encode()
    path.write_bytes(gzip.compress(data, compresslevel=1) if name.endswith(".gz") else data)
    assert refusal(command, path, tmp_path) == (
        f"Error: {path}:3: a term longer than 16 MiB (a literal, mostly), more than the RDF "
        "parser takes; shorten it or leave it out\n"
    )


@pytest.mark.parametrize("command", ["validate", "load"])
@pytest.mark.parametrize("kept", [0, 10, 0.5])
def test_a_gzip_file_cut_short_is_refused(
    release: Path, tmp_path: Path, command: str, kept: float
) -> None:
    """A part cut off by a copy that stopped, even at its first byte: an empty file is no
    gzip stream (gzip -t refuses it), so it is not read as no triples."""
    whole = gzip.compress((release / "books.nt").read_bytes())
    cut = tmp_path / "part-00001.nt.gz"
    cut.write_bytes(whole[: int(kept * len(whole)) if isinstance(kept, float) else kept])
    other = tmp_path / "part-00000.nt.gz"
    other.write_bytes(whole)
    store = ["--store", str(tmp_path / "store")] if command == "load" else []
    result = run(command, *store, str(other), str(cut))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: {cut}: ")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "store").exists()


@pytest.mark.parametrize("command", ["validate", "load", "publish"])
def test_a_release_folder_is_refused_naming_its_books_file(release: Path, command: str) -> None:
    out = ["--store", str(release.parent / "store")] if command == "load" else []
    out += ["--out", str(release.parent / "out")] if command == "publish" else []
    result = run(command, *out, str(release))
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"Error: {release}: is a bookrdf release, not a folder of records; "
        "validate or load its books.nt\n"
    )


RELATIVE = {
    "rel.ttl": (
        f'<{BOOK}> <{DCTERMS.title}> "T" .\n<{BOOK}> <{DCTERMS.isPartOf}> <book/rel> .\n',
        ":2:76: a relative IRI <book/rel>; give absolute IRIs or an @base",
    ),
    "rel.nt": (
        f'<{BOOK}> <{DCTERMS.title}> "T" .\n<book/rel> <{DCTERMS.title}> "T" .\n',
        ":2:1: a relative IRI <book/rel>; give absolute IRIs",
    ),
    "rel.rdf": (
        f'{RDF_XML_HEAD}<rdf:Description rdf:about="book/rel"><dc:title>T</dc:title>'
        "</rdf:Description>\n</rdf:RDF>\n",
        ": a relative IRI <book/rel>; give absolute IRIs or an xml:base",
    ),
}


@pytest.mark.parametrize("command", ["validate", "load"])
@pytest.mark.parametrize("name", sorted(RELATIVE))
def test_a_relative_iri_is_refused(tmp_path: Path, command: str, name: str) -> None:
    # resolved against the file's path, it put file:///… IRIs in the store
    text, error = RELATIVE[name]
    path = tmp_path / name
    path.write_text(text, "utf-8")
    assert refusal(command, path, tmp_path) == f"Error: {path}{error}\n"


def test_relative_iris_resolve_against_the_file_base(tmp_path: Path) -> None:
    path = tmp_path / "based.ttl"
    path.write_text(f'@base <{BASE}> .\n<book/big> <{DCTERMS.title}> "T" .\n', "utf-8")
    assert {str(s) for s in read_rdf(path).subjects()} == {BOOK}
