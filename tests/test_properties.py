"""Properties over generated records: every format is the same graph, mapping is deterministic."""

from __future__ import annotations

import json
import re
from typing import Any

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld
from rdflib import Graph
from rdflib.compare import isomorphic

from bookrdf.mapping import map_book
from bookrdf.model import int_to_roman
from bookrdf.publish import book_document, refuse_remote_context
from bookrdf.publish.formats import RenderedBook
from bookrdf.records import parse_record
from bookrdf.vocab import DOCUMENT_SUFFIXES, Minter
from tests.conftest import graph_of

# What records trim from the edges of a text (whitespace, zero-width space, word joiner, BOM).
_BLANK = re.compile(r"[\s\u200b\u2060\ufeff]")
# Any Unicode text but the characters records refuse (controls, surrogates, noncharacters).
TEXT = st.text(
    st.characters(
        blacklist_categories=["Cs", "Cc"],
        blacklist_characters=["\ufffe", "\uffff", *map(chr, range(0xFDD0, 0xFDF0))],
    ),
    min_size=1,
    max_size=40,
).filter(lambda s: _BLANK.sub("", s) != "")
PAGES = st.one_of(
    st.integers(1, 999).map(str),
    st.integers(1, 60).map(int_to_roman),
    st.tuples(st.integers(1, 500), st.integers(0, 50)).map(lambda t: f"{t[0]}-{t[0] + t[1]}"),
    # an entry that skips pages: "1-20, 25-30"
    st.tuples(st.integers(1, 400), st.integers(0, 40), st.integers(1, 30), st.integers(0, 40)).map(
        lambda t: f"{t[0]}-{t[0] + t[1]}, {t[0] + t[1] + t[2]}-{t[0] + t[1] + t[2] + t[3]}"
    ),
)
PERSON = st.fixed_dictionaries(
    {"name": TEXT},
    optional={"role": st.sampled_from(["author", "editor", "translator", "contributor"])},
)
CHAPTER = st.fixed_dictionaries(
    {},
    optional={
        "label": st.one_of(st.integers(1, 30).map(str), TEXT),
        "title": TEXT,
        "pages": PAGES,
        "excerpt": TEXT,
        "contributors": st.lists(PERSON, max_size=2),
        "pdf": st.fixed_dictionaries({"size": st.sampled_from(["99.7 KB", "9.7 MB", "12 KB"])}),
    },
)
# ids ending in a document's suffix (".nt") are refused: the Linked Data site serves those names
BOOK_ID = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,20}", fullmatch=True).filter(
    lambda i: "." not in i or i.rpartition(".")[2] not in DOCUMENT_SUFFIXES
)
REQUIRED: dict[str, st.SearchStrategy[Any]] = {
    "id": BOOK_ID,
    "title": TEXT,
}
OPTIONAL: dict[str, st.SearchStrategy[Any]] = {
    "subtitle": TEXT,
    "contributors": st.lists(PERSON, max_size=4),
    "publisher": st.fixed_dictionaries({"name": TEXT}),
    "published": st.sampled_from(["1999", "2005-03", "2020-02-29"]),
    "language": st.sampled_from(["en", "ko", "pt-BR", "zh-Hant"]),
    "description": TEXT,
    "isbn": st.lists(
        st.fixed_dictionaries(
            {"value": st.sampled_from(["9780824862039", "9780824828097", "0824828097"])},
            optional={"format": st.sampled_from(["print", "electronic", "paperback"])},
        ),
        max_size=2,
        unique_by=lambda i: str(i["value"])[-4:],
    ),
    "chapters": st.lists(CHAPTER, max_size=12),
}
RECORD = st.fixed_dictionaries(REQUIRED, optional=OPTIONAL)
PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _pyld_graph(data: bytes) -> Graph:
    document = json.loads(data)
    nquads = jsonld.to_rdf(
        document, {"format": "application/n-quads", "documentLoader": refuse_remote_context}
    )
    return Graph().parse(data=nquads, format="nt")


def _oxigraph_graph(data: bytes, fmt: ox.RdfFormat) -> Graph:
    nt = ox.serialize(list(ox.parse(data, format=fmt)), format=ox.RdfFormat.N_TRIPLES)
    assert nt is not None
    return Graph().parse(data=nt, format="nt")


@PROPERTY_SETTINGS
@given(RECORD)
def test_every_format_parses_to_the_mapped_graph(record: dict[str, Any]) -> None:
    book = parse_record(record, "generated")
    expected = graph_of(book)
    mapped = map_book(book, Minter())
    turtle = book_document(mapped, "ttl")
    ntriples = book_document(mapped, "nt")
    document = book_document(mapped, "jsonld")
    assert isomorphic(Graph().parse(data=turtle, format="turtle"), expected)
    assert isomorphic(_oxigraph_graph(turtle, ox.RdfFormat.TURTLE), expected)
    assert isomorphic(Graph().parse(data=ntriples, format="nt"), expected)
    assert isomorphic(Graph().parse(data=document, format="json-ld"), expected)
    assert isomorphic(_oxigraph_graph(document, ox.RdfFormat.JSON_LD), expected)
    assert isomorphic(_pyld_graph(document), expected)


@PROPERTY_SETTINGS
@given(RECORD)
def test_mapping_is_byte_deterministic(record: dict[str, Any]) -> None:
    first = book_document(map_book(parse_record(record, "a"), Minter()), "nt")
    second = book_document(map_book(parse_record(dict(record), "b"), Minter()), "nt")
    assert first == second


@PROPERTY_SETTINGS
@given(RECORD)
def test_turtle_written_after_n_triples_is_the_turtle_written_alone(record: dict[str, Any]) -> None:
    """A release writes N-Triples first and Turtle reuses its text of literals without a
    datatype: the Turtle must not change for it, and must still be the book's graph."""
    book = parse_record(record, "generated")
    mapped = map_book(book, Minter())
    after = RenderedBook(mapped)
    assert after.subject_lines  # N-Triples first, as render_chunk does
    header, body = after.turtle_parts
    assert (header, body) == RenderedBook(mapped).turtle_parts
    # datatypes keep their prefixed names (xsd:integer): N-Triples' text has full IRIs
    assert re.search(rb'(?<!\\)"\^\^<', body) is None
    turtle = header + body
    assert isomorphic(Graph().parse(data=turtle, format="turtle"), graph_of(book))
    assert isomorphic(_oxigraph_graph(turtle, ox.RdfFormat.TURTLE), graph_of(book))
