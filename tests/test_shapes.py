"""The shapes graph itself: valid SHACL, documented, and in step with the vocabulary."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, RDFS, SH
from rdflib.query import ResultRow
from rdflib.term import Node

from bookrdf.errors import RecordErrors, ShapesError
from bookrdf.mapping import map_book, to_triples
from bookrdf.publish.formats import book_document
from bookrdf.records import parse_record
from bookrdf.resources import resource_path
from bookrdf.validation import load_shapes
from bookrdf.validation.shapes import SHAPES_NS
from bookrdf.validation.validator import Validator
from bookrdf.vocab import BOOK_FORMATS, KINDS, MATTER_TERMS, SCHEMA, Minter

BSH = SHAPES_NS
PREFIXES = f"""
    PREFIX sh: <{SH}>
    PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    PREFIX rdfs: <{RDFS}>
    PREFIX dcterms: <{DCTERMS}>
    PREFIX schema: <{SCHEMA}>
"""
# Shapes are the values of sh:property and the subjects of targets, paths and shape types; the
# blank members of sh:or lists are parts of one constraint, reported on the enclosing shape.
SHAPES_QUERY = (
    PREFIXES
    + """
    SELECT DISTINCT ?shape WHERE {
        { ?shape a sh:NodeShape } UNION { ?shape a sh:PropertyShape } UNION { ?x sh:property ?shape }
        UNION { ?shape sh:path ?p } UNION { ?shape sh:targetClass ?c }
        UNION { ?shape sh:targetSubjectsOf ?s }
        FILTER NOT EXISTS { ?list rdf:rest*/rdf:first ?shape . ?owner sh:or ?list }
    }
"""
)
CONSTRAINT_PARAMETERS = (
    "sh:minCount sh:maxCount sh:datatype sh:nodeKind sh:class sh:pattern sh:in sh:or "
    "sh:equals sh:minInclusive sh:maxInclusive sh:lessThan sh:hasValue sh:node sh:not"
)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


def shape_nodes(shapes: Graph) -> list[Node]:
    return [cast(ResultRow, row)[0] for row in shapes.query(SHAPES_QUERY)]


def test_shapes_graph_is_valid_shacl(shapes: Graph) -> None:
    shacl_shacl = Graph().parse(
        Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl", format="turtle"
    )
    conforms, _report, text = pyshacl.validate(shapes, shacl_graph=shacl_shacl, inference="none")
    assert conforms, text


def test_shapes_are_named_and_commented(shapes: Graph) -> None:
    nodes = shape_nodes(shapes)
    assert len(nodes) > 90
    assert [n for n in nodes if not isinstance(n, URIRef)] == []
    assert [n for n in nodes if shapes.value(n, RDFS.comment) is None] == []


def test_every_constraint_has_a_message(shapes: Graph) -> None:
    query = (
        PREFIXES
        + f"""
        SELECT DISTINCT ?shape WHERE {{
            VALUES ?parameter {{ {CONSTRAINT_PARAMETERS} }}
            ?shape ?parameter ?any .
            FILTER NOT EXISTS {{ ?list rdf:rest*/rdf:first ?shape . ?owner sh:or ?list }}
            FILTER NOT EXISTS {{ ?shape sh:message ?message }}
        }}
    """
    )
    assert list(shapes.query(query)) == []


def test_every_sparql_constraint_has_a_message_and_a_comment(shapes: Graph) -> None:
    constraints = set(shapes.objects(None, SH.sparql))
    assert constraints
    for constraint in constraints:
        assert shapes.value(constraint, SH.message) is not None, constraint
        assert shapes.value(constraint, RDFS.comment) is not None, constraint


def test_sparql_only_on_shapes_with_few_focus_nodes(shapes: Graph) -> None:
    """At most five SPARQL constraints, on works (subjects of dcterms:hasPart) or editions."""
    owners = set(shapes.subjects(SH.sparql, None))
    assert len(list(shapes.objects(None, SH.sparql))) <= 5
    for owner in owners:
        targets = set(shapes.objects(owner, SH.targetSubjectsOf))
        assert targets in ({DCTERMS.hasPart}, {SCHEMA.isbn}), owner
        assert shapes.value(owner, SH.targetClass) is None


def test_sparql_queries_bind_this_first(shapes: Graph) -> None:
    for select in shapes.objects(None, SH.select):
        where = str(select).split("WHERE {", 1)[1].lstrip()
        assert where.startswith(("$this ", "{ SELECT $this")), where[:40]


def sh_in(shapes: Graph, shape: str) -> set[URIRef]:
    listed = shapes.value(URIRef(BSH + shape), SH["in"])
    assert listed is not None
    return set(Collection(shapes, listed))  # type: ignore[arg-type]


def test_kinds_list_is_the_vocabulary_of_kinds(shapes: Graph) -> None:
    assert sh_in(shapes, "ChapterKindShape") == {kind.term for kind in KINDS.values()}


def test_inferred_matter_list_is_doco_principal_parts(shapes: Graph) -> None:
    assert sh_in(shapes, "ChapterMatterShape") == set(MATTER_TERMS.values())


def test_book_formats_list_includes_every_mapped_format(shapes: Graph) -> None:
    mapped = {term for term in BOOK_FORMATS.values() if term is not None}
    assert mapped <= sh_in(shapes, "EditionFormatShape")


def test_one_file_per_class() -> None:
    names = {path.name for path in resource_path("shapes").glob("*.ttl")}
    assert names == {
        "work.ttl",
        "edition.ttl",
        "chapter.ttl",
        "person.ttl",
        "organization.ttl",
        "media.ttl",
    }


def test_a_single_file_loads(shapes: Graph) -> None:
    one = load_shapes(resource_path("shapes") / "media.ttl")
    assert (URIRef(BSH + "PdfShape"), SH.targetClass, SCHEMA.MediaObject) in one
    assert len(one) < len(shapes)


def test_bad_turtle_is_a_shapes_error_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n\n<urn:s> sh:path <urn:p> ;\n"
        "  sh:minCount 1\n<urn:t> sh:path <urn:p> .\n",
        encoding="utf-8",
    )
    with pytest.raises(ShapesError) as caught:
        load_shapes(bad)
    assert str(caught.value).startswith(f"{bad}:5: not valid Turtle")


def test_missing_shapes_is_a_shapes_error(tmp_path: Path) -> None:
    with pytest.raises(ShapesError, match="no such shapes file or folder"):
        load_shapes(tmp_path / "nope.ttl")


def test_folder_without_shapes_is_a_shapes_error(tmp_path: Path) -> None:
    with pytest.raises(ShapesError, match="has no shapes files"):
        load_shapes(tmp_path)


def test_docs_table_lists_every_constraint_shape(shapes: Graph) -> None:
    docs = (Path(__file__).parent.parent / "docs" / "validation.md").read_text("utf-8")
    named = {
        str(shape).removeprefix(BSH)
        for shape in set(shapes.subjects(SH.message, None)) | set(shapes.subjects(SH.sparql, None))
        if str(shape).startswith(BSH) and shapes.value(shape, SH.select) is None
    }
    assert sorted(name for name in named if f"| `{name}` |" not in docs) == []


@pytest.mark.parametrize("size", ["1,024 KB", "12,345,678 bytes", "1.2 MB", "999 bytes"])
def test_a_size_as_catalogues_print_it_is_kept_and_conforms(shapes: Graph, size: str) -> None:
    """The record and the size shape take the same sizes: one with thousands separators too."""
    book = parse_record({"id": "b", "title": "T", "chapters": [{"pdf": {"size": size}}]}, "t")
    mapped = map_book(book)
    graph = Graph()
    for triple in to_triples(book):
        graph.add(triple)
    sizes = graph.query(f"SELECT ?s WHERE {{ ?pdf <{SCHEMA.contentSize}> ?s }}")
    assert [str(cast(ResultRow, row)[0]) for row in sizes] == [size]
    report = Validator(shapes, Minter()).validate_book(mapped, book)
    assert not [r for r in report.results if r.shape == BSH + "PdfSizeShape"]


@pytest.mark.parametrize(
    "tag", ["en", "EN", "en-GB", "zh-Hant-TW", "de-CH-1901", "zh-yue", "en-US-x-twain", "i-klingon"]
)
def test_a_well_formed_language_tag_is_kept_and_conforms(shapes: Graph, tag: str) -> None:
    """BCP 47 tags with variants, extlangs and private use are taken by the record, the language
    shapes and every RDF parser alike."""
    book = parse_record({"id": "b", "title": "T", "language": tag}, "t")
    mapped = map_book(book)
    graph = Graph()
    for triple in to_triples(book):
        graph.add(triple)
    found = graph.query(
        f"SELECT ?tag ?text ?title WHERE {{ ?w <{DCTERMS.language}> ?tag ; "
        f"<{SCHEMA.inLanguage}> ?text ; <{DCTERMS.title}> ?title }}"
    )
    ((language, text, title),) = [tuple(cast(ResultRow, row)) for row in found]
    assert (str(language), str(text), cast(Literal, title).language) == (tag, tag, tag.lower())
    ox.parse(book_document(mapped, "nt"), ox.RdfFormat.N_TRIPLES)  # oxigraph takes it too
    report = Validator(shapes, Minter()).validate_book(mapped, book)
    assert not [r for r in report.results if "Language" in r.shape]


@pytest.mark.parametrize("tag", ["English", "en_GB", "en-", "e"])
def test_what_is_no_language_tag_is_refused(tag: str) -> None:
    with pytest.raises(RecordErrors, match="is not a BCP 47 language tag"):
        parse_record({"id": "b", "title": "T", "language": tag}, "t")
