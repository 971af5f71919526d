"""The formats are one graph: parsed by two independent implementations, compared as graphs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyld import jsonld
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from bookrdf.errors import RecordErrors, ValidationFailed
from bookrdf.mapping import map_book, to_triples
from bookrdf.model import Book
from bookrdf.pipeline import publish
from bookrdf.publish import book_document, refuse_remote_context
from bookrdf.publish.chunks import compact_json
from bookrdf.vocab import Minter
from tests.conftest import SEED_RECORD, WORK, graph_of, with_own_isbns

OX_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}
RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml"}


def rdflib_graph(data: bytes, fmt: str) -> Graph:
    return Graph().parse(data=data, format=RDFLIB_FORMATS[fmt])


def oxigraph_graph(data: bytes, fmt: str) -> Graph:
    """Parse with pyoxigraph, then carry the triples into rdflib (via N-Triples) to compare."""
    triples = list(ox.parse(data, format=OX_FORMATS[fmt]))
    nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert nt is not None
    return Graph().parse(data=nt, format="nt")


def pyld_graph(data: bytes) -> Graph:
    document = json.loads(data)
    nquads = jsonld.to_rdf(
        document, {"format": "application/n-quads", "documentLoader": refuse_remote_context}
    )
    return Graph().parse(data=nquads, format="nt")


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release")
    publish([SEED_RECORD], out, formats=["ttl", "jsonld", "nt", "nq", "xml"])
    return out


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "xml"])
def test_every_format_is_the_mapped_graph_in_rdflib_and_oxigraph(
    release: Path, crisis_graph: Graph, fmt: str
) -> None:
    name = {"ttl": "books.ttl", "nt": "books.nt", "jsonld": "books.jsonld", "xml": "books.rdf"}[fmt]
    data = (release / name).read_bytes()
    assert isomorphic(rdflib_graph(data, fmt), crisis_graph)
    assert isomorphic(oxigraph_graph(data, fmt), crisis_graph)


def test_jsonld_is_the_same_graph_in_pyld(release: Path, crisis_graph: Graph) -> None:
    assert isomorphic(pyld_graph((release / "books.jsonld").read_bytes()), crisis_graph)


def test_nquads_put_each_book_in_its_named_graph(release: Path, crisis_graph: Graph) -> None:
    quads = list(ox.parse((release / "books.nq").read_bytes(), format=ox.RdfFormat.N_QUADS))
    assert {quad.graph_name for quad in quads} == {ox.NamedNode(f"{WORK}/graph")}
    nt = ox.serialize([quad.triple for quad in quads], format=ox.RdfFormat.N_TRIPLES)
    assert nt is not None
    assert isomorphic(Graph().parse(data=nt, format="nt"), crisis_graph)


def test_jsonld_nests_one_node_per_book_with_chapters_in_order(release: Path) -> None:
    document = json.loads((release / "books.jsonld").read_text("utf-8"))
    assert isinstance(document["@context"], dict)  # inline: nothing to fetch
    (book,) = document["@graph"]
    assert book["id"] == WORK
    positions = [chapter["position"] for chapter in book["hasPart"] if "position" in chapter] or [
        chapter["position"] for chapter in book["dcterms:hasPart"]
    ]
    assert positions == list(range(1, 21))
    editions = book.get("workExample") or book["dcterms:hasFormat"]
    assert {e["id"] for e in editions} == {
        "https://example.org/bookrdf/isbn/9780824862039",
        "https://example.org/bookrdf/isbn/9780824828097",
    }


def test_context_is_copied_beside_the_dump(release: Path) -> None:
    context = json.loads((release / "context.jsonld").read_text("utf-8"))
    document = json.loads((release / "books.jsonld").read_text("utf-8"))
    assert context["@context"] == document["@context"]


def test_ntriples_are_sorted_and_byte_identical(tmp_path: Path, release: Path) -> None:
    publish([SEED_RECORD], tmp_path, formats=["nt"])
    again = (tmp_path / "books.nt").read_bytes()
    assert again == (release / "books.nt").read_bytes()
    lines = again.splitlines()
    assert lines == sorted(lines)


def test_remote_context_is_never_fetched() -> None:
    document = {"@context": "https://schema.org/", "@id": "http://x/a", "name": "A"}
    with pytest.raises(jsonld.JsonLdError):
        jsonld.to_rdf(document, {"documentLoader": refuse_remote_context})


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "xml", "nq"])
def test_one_book_document_parses_in_oxigraph(crisis: Book, fmt: str) -> None:
    data = book_document(map_book(crisis, Minter()), fmt)
    ox_format = OX_FORMATS.get(fmt, ox.RdfFormat.N_QUADS)
    assert len(list(ox.parse(data, format=ox_format))) == len(set(to_triples(crisis)))


def test_several_books_share_one_prefix_header(tmp_path: Path) -> None:
    records = tmp_path / "in"
    records.mkdir()
    base = SEED_RECORD.read_text("utf-8")
    for n in range(3):
        text = with_own_isbns(base.replace("id: crisis-in-north-korea", f"id: b{n}"), n)
        (records / f"b{n}.yaml").write_text(text)
    publish([records], tmp_path / "out")
    turtle = (tmp_path / "out" / "books.ttl").read_bytes()
    assert turtle.count(b"@prefix schema:") == 1
    graph = Graph().parse(data=turtle, format="turtle")
    works = set(graph.subjects(URIRef("http://purl.org/dc/terms/hasPart"), None))
    assert len(works) == 3
    expected = Graph()
    for n in range(3):
        book = next(iter(_books(records / f"b{n}.yaml")))
        expected += graph_of(book)
    assert isomorphic(graph, expected)
    assert isomorphic(pyld_graph((tmp_path / "out" / "books.jsonld").read_bytes()), expected)


def _books(path: Path) -> list[Book]:
    from bookrdf.records import read_records

    return list(read_records(path))


def test_failed_publish_leaves_the_previous_release(tmp_path: Path, release: Path) -> None:
    out = tmp_path / "out"
    publish([SEED_RECORD], out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: B\nchapters:\n  - pages: '12-'\n", "utf-8")
    with pytest.raises(RecordErrors):
        publish([SEED_RECORD, bad], out)
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert after == before


def test_empty_input_writes_valid_empty_files(tmp_path: Path) -> None:
    publish([], tmp_path, formats=["ttl", "jsonld", "nt", "xml"])
    for name, fmt in [
        ("books.ttl", "ttl"),
        ("books.jsonld", "jsonld"),
        ("books.nt", "nt"),
        ("books.rdf", "xml"),
    ]:
        data: Any = (tmp_path / name).read_bytes()
        assert len(rdflib_graph(data, fmt)) == 0


_JSON_TEXT = st.text(st.characters(codec="utf-8"), max_size=8)  # no lone surrogates
_JSON_TREES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | _JSON_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_JSON_TEXT, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_JSON_TREES)
def test_compact_json_writes_what_json_dumps_writes(tree: Any) -> None:
    """JSON-LD trees hold no floats; for everything else orjson (or json, where orjson
    refuses: integers over 64 bits) gives json.dumps' bytes."""
    expected = json.dumps(tree, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert compact_json(tree) == expected


@pytest.mark.parametrize(
    "line", ['{"id": "b"}', '{"id": "b", "title": "B", "isbn": [{"value": "9780824828096"}]}']
)
def test_a_refused_run_leaves_no_output_folder_it_made(tmp_path: Path, line: str) -> None:
    records = tmp_path / "books.jsonl"
    records.write_text('{"id": "a", "title": "A"}\n' + line + "\n", "utf-8")
    out = tmp_path / "new" / "release"
    with pytest.raises((RecordErrors, ValidationFailed)):
        publish([records], out, warn=lambda _p: None)
    assert not (tmp_path / "new").exists()
    kept = tmp_path / "kept"
    kept.mkdir()
    with pytest.raises((RecordErrors, ValidationFailed)):
        publish([records], kept, warn=lambda _p: None)
    assert kept.is_dir()
    assert not any(kept.iterdir())
