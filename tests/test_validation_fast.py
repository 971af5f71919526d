"""The fast validation road (validation/engine.py, batch.py, sparql.py) against plain pyshacl.

The reference is `pyshacl.validate` over an rdflib Graph of one book, its report read the way
bookrdf reads every report. The fast road must give every book exactly the same results
(focus node, path, value, severity, source shape, constraint component, message, and so the
same record field and line) on the seed record, a catalogue of a few hundred varied books,
every shape's failing fixtures, whatever the batch size and however good and bad books mix.
"""

from __future__ import annotations

import copy
import random
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyshacl
import pytest
import yaml
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, XSD
from rdflib.paths import Path as RdflibPath
from rdflib.plugins.sparql import processor
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.term import Node

from bookrdf.errors import ShapesError
from bookrdf.mapping import BookGraph, Triple, map_book, to_triples
from bookrdf.model import Book
from bookrdf.records import parse_record, read_records
from bookrdf.validation import BookReport, ValidationResult, Validator, load_shapes
from bookrdf.validation import engine as engine_module
from bookrdf.validation.batch import BATCH_SIZE
from bookrdf.validation.fragment import analyse
from bookrdf.validation.index import IndexedGraph
from bookrdf.validation.locate import Locator
from bookrdf.validation.results import Where, read_results
from bookrdf.validation.shapes import SHAPES_NS, bound_graph
from bookrdf.vocab import BIBO, SCHEMA, Minter
from tests.test_validation import CASES, FULL, Case, case_id

FIXTURES = Path(__file__).parent / "fixtures"
MINTER = Minter()
NAMES = bound_graph().namespace_manager
Item = tuple[BookGraph, Book | None]


# --- the reference: plain pyshacl, one book at a time -------------------------------------------


@contextmanager
def sparql_parsed_once() -> Iterator[None]:
    """rdflib parses a query text on every call; pyshacl calls once per focus node (~80 ms).
    Parsing is a pure function of the text, so the reference caches it (shown harmless below)."""
    original = processor.SPARQLProcessor.query
    parsed: dict[Any, Any] = {}

    def query(
        self: Any, query: Any, bindings: Any = None, names: Any = None, *rest: Any, **more: Any
    ) -> Any:
        if isinstance(query, str):
            base = more.get("base", rest[0] if rest else None)
            key = (query, base, tuple(sorted((names or {}).items())))
            if key not in parsed:
                parsed[key] = translateQuery(parseQuery(query), base, names)
            query = parsed[key]
        return original(self, query, bindings, names, *rest, **more)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(processor.SPARQLProcessor, "query", query)
        yield


def plain_pyshacl(shapes: Graph, graph: BookGraph, book: Book | None) -> BookReport:
    """One book validated by plain pyshacl over an rdflib graph, read as bookrdf reads reports."""
    data = Graph()
    for triple in graph.triples:
        data.add(triple)
    _conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    assert isinstance(report, Graph)
    locator = Locator(MINTER, graph.book_id, book)
    source = book.source if book else None

    def locate(focus: Node, path: URIRef | RdflibPath | None, value: Node | None) -> Where:
        field = locator.field(focus, path, value)
        line = book.line_of(field or "") if book is not None else None
        return Where(graph.book_id, source, line, field)

    return BookReport(graph.book_id, source, tuple(read_results(report, NAMES, locate)))


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


@pytest.fixture(scope="module")
def fast(shapes: Graph) -> Validator:
    validator = Validator(shapes, MINTER)
    assert validator.engine() is not None, "bookrdf's shapes run on the engine"
    return validator


@pytest.fixture(scope="module")
def reference(shapes: Graph) -> Iterator[Callable[[Item], BookReport]]:
    copied = Graph()
    for triple in shapes:
        copied.add(triple)
    with sparql_parsed_once():
        yield lambda item: plain_pyshacl(copied, *item)


def book_graph(book_id: str, triples: Sequence[tuple[Node, Node, Node]]) -> BookGraph:
    """A mapped book made of given rdflib triples (BookGraph takes rdflib terms as rows)."""
    rows: Any = list(triples)
    return BookGraph(book_id, MINTER.work(book_id), MINTER.graph(book_id), rows)


def assert_same(fast_reports: Sequence[BookReport], expected: Sequence[BookReport]) -> None:
    """The same books in the same order, each with the same results (as a multiset)."""
    assert [r.book_id for r in fast_reports] == [r.book_id for r in expected]
    for got, want in zip(fast_reports, expected, strict=True):
        assert got.source == want.source
        missing = Counter(want.results) - Counter(got.results)
        extra = Counter(got.results) - Counter(want.results)
        assert (got.book_id, missing, extra) == (got.book_id, Counter(), Counter())


# --- (a) the seed ---------------------------------------------------------------------------


def test_the_reference_cache_changes_nothing(shapes: Graph) -> None:
    book = next(read_records(FIXTURES / "shapes" / "backwards-pages.yaml"))
    item = (map_book(book, MINTER), book)
    copied = Graph()
    for triple in shapes:
        copied.add(triple)
    uncached = plain_pyshacl(copied, *item)
    with sparql_parsed_once():
        cached = plain_pyshacl(copied, *item)
    assert_same([cached], [uncached])
    assert {r.constraint for r in cached.results} >= {"SPARQLConstraintComponent"}


def test_seed_record(fast: Validator, reference: Callable[[Item], BookReport]) -> None:
    book = next(read_records(FIXTURES / "records" / "crisis.yaml"))
    item = (map_book(book, MINTER), book)
    expected = reference(item)
    assert expected.results, "the seed has warnings and infos"
    assert_same([fast.validate_book(*item)], [expected])
    assert_same(list(fast.validate_books([item])), [expected])


# --- (b) a varied catalogue -------------------------------------------------------------------

SEED = yaml.safe_load((FIXTURES / "records" / "crisis.yaml").read_text("utf-8"))
BACKWARDS = yaml.safe_load((FIXTURES / "shapes" / "backwards-pages.yaml").read_text("utf-8"))
PEOPLE = [
    {"name": "Ada Author", "identifiers": {"orcid": "0000-0002-1825-0097"}},
    {"name": "Ada Autor", "identifiers": {"orcid": "0000-0002-1825-0097"}},  # same IRI, other name
    {"name": "Bo Writer", "given_name": "Bo", "family_name": "Writer"},
    {"name": "Cy Editor", "role": "editor", "identifiers": {"viaf": "102333412"}},
    {"name": "Dé Traductrice", "role": "translator"},
]
PUBLISHERS = [
    {"name": "Example Press", "place": "Honolulu"},
    {"name": "Example Press", "place": "Paris"},  # the same organisation, another place
    {"name": "Other House"},
]
ODD_VALUES: list[Node] = [
    Literal(5),
    Literal("x", lang="en"),
    BNode(),
    URIRef("https://example.org/elsewhere/thing"),
    Literal("12\n"),
    Literal("99999999999999999999"),
    Literal("abc", datatype=XSD.integer),
    Literal("2005-02-30", datatype=XSD.date),
    Literal("1.50", datatype=XSD.decimal),
    Literal("application/pdf", datatype=DCTERMS.IMT),
]


def isbn13(number: int, *, valid: bool = True) -> str:
    digits = f"979{number:09d}"
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    return digits + str(check if valid else (check + 1) % 10)


def pages(rng: random.Random, first: int) -> tuple[str, int]:
    """A page range as printed: mostly forward, sometimes backwards, roman, prefixed or single."""
    length = rng.randint(0, 30)
    roll = rng.random()
    if roll < 0.08:
        return f"{first + length}-{first}", first + length + 1
    if roll < 0.16:
        return rng.choice(["vii-xii", "xii-vii", "xc-ix", "ix-xc", "XIV-XIX", "XII-IX", "v"]), first
    if roll < 0.2:
        return rng.choice(["A3-A9", "A9-A3", "S12"]), first
    if roll < 0.26:
        return f"{max(first - 5, 1)}-{first + length}", first + length + 1  # overlaps
    if length == 0:
        return str(first), first + 1
    return f"{first}-{first + length}", first + length + 1


def varied_record(rng: random.Random, number: int) -> dict[str, Any]:
    record: dict[str, Any] = copy.deepcopy(
        rng.choices([FULL, SEED, BACKWARDS], weights=[6, 1, 2])[0]
    )
    record["id"] = f"cat-{number:03d}"
    isbns = [isbn13(2 * number), isbn13(2 * number + 1)]
    if rng.random() < 0.12:
        isbns[0] = isbn13(2 * number, valid=False)
    if rng.random() < 0.05 and number > 1:
        isbns[1] = isbn13(2 * rng.randrange(number))  # an edition two books share
    record["isbn"] = [{"value": v} for v in isbns[: rng.choice([0, 1, 2, 2, 2])]]
    chapters = record.get("chapters", [])[: rng.randint(0, 8)]
    page = 1
    for chapter in chapters:
        if rng.random() < 0.8:
            chapter["pages"], page = pages(rng, page)
        else:
            chapter.pop("pages", None)
        if rng.random() < 0.15:
            chapter.pop("title", None)
    record["chapters"] = chapters
    if rng.random() < 0.5:
        record["contributors"] = copy.deepcopy(rng.sample(PEOPLE, rng.randint(0, 3)))
    if rng.random() < 0.5:
        record["publisher"] = copy.deepcopy(rng.choice(PUBLISHERS))
    for field in ("language", "description", "subtitle"):
        if rng.random() < 0.15:
            record.pop(field, None)
    record["published"] = rng.choice(["2005", "2005-03", "2005-03-14", "1999"])
    return record


def odd_triples(rng: random.Random, triples: list[Triple], others: list[Item]) -> list[Triple]:
    """Triples the mapping never writes: dropped, replaced, doubled or pointing at another book."""
    triples = list(triples)
    for _ in range(rng.randint(1, 3)):
        s, p, o = triples[rng.randrange(len(triples))]
        roll = rng.random()
        if roll < 0.3:
            triples.remove((s, p, o))
        elif roll < 0.65:
            triples[triples.index((s, p, o))] = (s, p, rng.choice(ODD_VALUES))
        elif roll < 0.85:
            triples.append((s, p, rng.choice(ODD_VALUES)))
        elif others:
            other = rng.choice(others)[0]
            parts = [t[2] for t in other.triples if t[1] == DCTERMS.hasPart]
            if parts:
                triples.append((s, DCTERMS.hasPart, parts[0]))  # another book's chapter
    return triples


def catalogue(count: int, seed: int = 6) -> list[Item]:
    rng = random.Random(seed)
    items: list[Item] = []
    for number in range(count):
        book = parse_record(varied_record(rng, number), f"cat-{number:03d}.yaml")
        triples = list(to_triples(book, MINTER))
        if rng.random() < 0.3:
            triples = odd_triples(rng, triples, items)
        items.append((book_graph(book.id, triples), book))
    return items


@pytest.fixture(scope="module")
def books() -> list[Item]:
    return catalogue(200)


@pytest.fixture(scope="module")
def expected(books: list[Item], reference: Callable[[Item], BookReport]) -> list[BookReport]:
    return [reference(item) for item in books]


def test_catalogue_is_varied(expected: list[BookReport]) -> None:
    constraints = {
        (r.shape.removeprefix(SHAPES_NS), r.constraint) for b in expected for r in b.results
    }
    assert len(constraints) > 40
    assert {
        "SPARQLConstraintComponent",
        "MaxCountConstraintComponent",
        "OrConstraintComponent",
    } <= {c for _s, c in constraints}
    assert 0 < sum(b.conforms for b in expected) < len(expected)


def test_catalogue_in_one_batch(
    fast: Validator, books: list[Item], expected: list[BookReport]
) -> None:
    assert_same(list(fast.validate_books(books, batch_size=len(books))), expected)


@pytest.mark.parametrize("batch_size", [1, 7, 64, None])
def test_batch_size_does_not_change_the_reports(
    fast: Validator, books: list[Item], expected: list[BookReport], batch_size: int | None
) -> None:
    assert_same(list(fast.validate_books(books[:120], batch_size=batch_size)), expected[:120])


def test_reports_are_the_same_bytes_whatever_the_batch_size(
    fast: Validator, books: list[Item]
) -> None:
    """Results of a book come sorted the same way, whatever its neighbours."""
    alone = list(fast.validate_books(books[:60], batch_size=1))
    together = list(fast.validate_books(books[:60], batch_size=60))
    assert alone == together


def test_validate_graph_matches_plain_pyshacl_on_the_whole_graph(
    shapes: Graph, fast: Validator, books: list[Item]
) -> None:
    data = Graph()
    for graph, _book in books[:12]:
        for triple in graph.triples:
            data.add(triple)
    plain = Validator(shapes, MINTER, fast=False).validate_graph(data)
    assert Counter(fast.validate_graph(data)) == Counter(plain)


# --- (c) every shape's failing fixtures ------------------------------------------------------


def case_graph(case: Case, number: int) -> Item:
    """The full record broken as the case breaks it, under its own book id."""
    record = copy.deepcopy(FULL)
    if case.bad.record:
        case.bad.record(record)
    book = parse_record(record, "full.yaml")
    graph = Graph()
    for triple in to_triples(book, MINTER):
        graph.add(triple)
    for edit in case.bad.graph:
        edit(graph)
    work = str(MINTER.work("full"))
    renamed = str(MINTER.work(f"case-{number}"))

    def rename(term: Node) -> Node:
        if isinstance(term, URIRef) and (term == URIRef(work) or term.startswith(work + "/")):
            return URIRef(renamed + term[len(work) :])
        return term

    return book_graph(
        f"case-{number}", [(rename(s), rename(p), rename(o)) for s, p, o in graph]
    ), None


@pytest.fixture(scope="module")
def cases(reference: Callable[[Item], BookReport]) -> list[tuple[Item, BookReport]]:
    items = [case_graph(case, n) for n, case in enumerate(CASES)]
    return [(item, reference(item)) for item in items]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_each_failing_fixture_alone(
    case: Case, fast: Validator, cases: list[tuple[Item, BookReport]]
) -> None:
    item, expected = cases[CASES.index(case)]
    assert any(
        r.shape == SHAPES_NS + case.shape and r.constraint == case.component
        for r in expected.results
    ), "the reference reports the broken constraint"
    assert_same([fast.validate_book(*item)], [expected])


def test_failing_fixtures_mixed_with_good_books(
    fast: Validator,
    cases: list[tuple[Item, BookReport]],
    books: list[Item],
    expected: list[BookReport],
) -> None:
    """Broken and sound books in one batch: every result lands on its own book."""
    mixed: list[tuple[Item, BookReport]] = []
    for n, case in enumerate(cases):
        mixed += [case, (books[n % len(books)], expected[n % len(books)])]
    reports = list(fast.validate_books([item for item, _ in mixed], batch_size=len(mixed)))
    assert_same(reports, [want for _, want in mixed])


# --- books that share nodes -------------------------------------------------------------------


def record(book_id: str, **changes: Any) -> dict[str, Any]:
    found = copy.deepcopy(FULL)
    found.update(id=book_id, **changes)
    return found


SHARING = {
    "a publisher with two places": [
        record("p1", publisher={"name": "Example Press", "place": "Honolulu"}),
        record("p2", publisher={"name": "Example Press", "place": "Paris"}),
    ],
    "an ISBN in two books": [
        record("i1", isbn=[{"value": "9780824828097"}]),
        record("i2", isbn=[{"value": "9780824828097"}]),
    ],
    "a person named two ways": [
        record("n1", contributors=[PEOPLE[0]]),
        record("n2", contributors=[PEOPLE[1]]),
    ],
    "the same book twice": [record("twice"), record("twice")],
    "books that agree on what they share": [
        record("s1", isbn=[]),
        record("s2", isbn=[]),
        record("s3", isbn=[]),
    ],
}


@pytest.mark.parametrize("name", list(SHARING))
def test_books_sharing_nodes_get_their_own_results(
    name: str, fast: Validator, reference: Callable[[Item], BookReport]
) -> None:
    parsed = [parse_record(r, f"{r['id']}.yaml") for r in SHARING[name]]
    items: list[Item] = [(map_book(book, MINTER), book) for book in parsed]
    assert_same(list(fast.validate_books(items)), [reference(item) for item in items])


def test_a_chapter_listed_by_another_book(
    fast: Validator, reference: Callable[[Item], BookReport]
) -> None:
    first, second = (parse_record(record(i), f"{i}.yaml") for i in ("x1", "x2"))
    chapter = MINTER.work("x1") + "/chapter/1"
    graph = map_book(second, MINTER)
    triples = [*graph.triples, (graph.work, DCTERMS.hasPart, URIRef(chapter))]
    items: list[Item] = [
        (map_book(first, MINTER), first),
        (book_graph(graph.book_id, triples), second),
    ]
    assert_same(list(fast.validate_books(items)), [reference(item) for item in items])


# --- literals rdflib and Oxigraph read differently ------------------------------------------


@pytest.mark.parametrize(
    "value",
    [Literal("12\n"), Literal("99999999999999999999"), Literal("1.50", datatype=XSD.decimal)],
    ids=["newline", "beyond-64-bits", "decimal"],
)
def test_literals_that_take_rdflibs_road(
    value: Literal, fast: Validator, reference: Callable[[Item], BookReport]
) -> None:
    book = parse_record(record("odd", chapters=[{"pages": "3-7"}, {"pages": "1-2"}]), "odd.yaml")
    graph = map_book(book, MINTER)
    chapter = URIRef(MINTER.work("odd") + "/chapter/2")
    triples = [t for t in graph.triples if t[:2] != (chapter, SCHEMA.pageStart)]
    triples.append((chapter, SCHEMA.pageStart, value))
    good = parse_record(record("good"), "good.yaml")
    items: list[Item] = [
        (book_graph(graph.book_id, triples), book),
        (map_book(good, MINTER), good),
    ]
    assert_same(list(fast.validate_books(items)), [reference(item) for item in items])


# --- streaming ----------------------------------------------------------------------------------


def test_books_are_read_one_batch_at_a_time(fast: Validator, books: list[Item]) -> None:
    pulled = 0

    def source() -> Iterator[Item]:
        nonlocal pulled
        for item in books[:25]:
            pulled += 1
            yield item

    reports = fast.validate_books(source(), batch_size=10)
    first = next(reports)
    assert (first.book_id, pulled) == (books[0][0].book_id, 10)
    assert len([first, *reports]) == 25


def test_default_batch_size_is_measured() -> None:
    assert 10 <= BATCH_SIZE <= 1000


# --- shapes the engine leaves to plain pyshacl ---------------------------------------------------

EXTRA = "https://w3id.org/bookrdf/shapes#"


def with_extra(shapes: Graph, *triples: tuple[Node, Node, Node]) -> Graph:
    extended = Graph()
    for triple in [*shapes, *triples]:
        extended.add(triple)
    return extended


def test_unsupported_shapes_fall_back_to_plain_pyshacl(shapes: Graph) -> None:
    qualified = BNode()
    extended = with_extra(
        shapes,
        (URIRef(EXTRA + "Qualified"), RDF.type, SH.PropertyShape),
        (URIRef(EXTRA + "Qualified"), SH.targetClass, SCHEMA.Book),
        (URIRef(EXTRA + "Qualified"), SH.path, SCHEMA.name),
        (URIRef(EXTRA + "Qualified"), SH.qualifiedValueShape, qualified),
        (URIRef(EXTRA + "Qualified"), SH.qualifiedMinCount, Literal(2)),
        (qualified, SH.datatype, XSD.string),
    )
    validator = Validator(extended, MINTER)
    assert validator.engine() is None
    book = parse_record(copy.deepcopy(FULL), "full.yaml")
    report = validator.validate_book(map_book(book, MINTER), book)
    assert "QualifiedMinCountConstraintComponent" in {r.constraint for r in report.results}


def test_another_pyshacl_version_falls_back(shapes: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pyshacl, "__version__", "0.41.0")
    assert Validator(shapes, MINTER).engine() is None


def test_extra_shapes_on_the_engine_match_plain_pyshacl(shapes: Graph, books: list[Item]) -> None:
    """Components bookrdf's shapes do not use (sh:node, sh:not, sh:and, sh:xone, inverse and
    repeated paths, sh:closed, a shape without a message) give the same results as pyshacl."""
    person, listed, named = URIRef(EXTRA + "XPerson"), BNode(), BNode()
    names, kinds = BNode(), BNode()
    extended = with_extra(
        shapes,
        (URIRef(EXTRA + "XWork"), SH.targetClass, SCHEMA.Book),
        (URIRef(EXTRA + "XWork"), SH.property, listed),
        (listed, SH.path, (BNode("xlist"))),
        (BNode("xlist"), RDF.first, BIBO.authorList),
        (BNode("xlist"), RDF.rest, BNode("xlist2")),
        (BNode("xlist2"), RDF.first, BNode("xrest")),
        (BNode("xlist2"), RDF.rest, BNode("xlist3")),
        (BNode("xrest"), SH.oneOrMorePath, RDF.rest),
        (BNode("xlist3"), RDF.first, RDF.first),
        (BNode("xlist3"), RDF.rest, RDF.nil),
        (listed, SH.node, person),
        (person, SH.property, named),
        (named, SH.path, SCHEMA.familyName),
        (named, SH.minCount, Literal(1)),
        (person, SH["not"], kinds),
        (kinds, SH.property, names),
        (names, SH.path, OWL.sameAs),
        (names, SH.minCount, Literal(1)),
        (URIRef(EXTRA + "XChapter"), SH.targetSubjectsOf, DCTERMS.isPartOf),
        (URIRef(EXTRA + "XChapter"), SH.xone, BNode("xone")),
        (BNode("xone"), RDF.first, BNode("xa")),
        (BNode("xone"), RDF.rest, BNode("xone2")),
        (BNode("xone2"), RDF.first, BNode("xb")),
        (BNode("xone2"), RDF.rest, RDF.nil),
        (BNode("xa"), SH.property, BNode("xap")),
        (BNode("xap"), SH.path, DCTERMS.title),
        (BNode("xap"), SH.minCount, Literal(1)),
        (BNode("xb"), SH.property, BNode("xbp")),
        (BNode("xbp"), SH.path, SCHEMA.pagination),
        (BNode("xbp"), SH.minCount, Literal(1)),
        (URIRef(EXTRA + "XParts"), SH.targetSubjectsOf, DCTERMS.isPartOf),
        (URIRef(EXTRA + "XParts"), SH.property, BNode("xinv")),
        (BNode("xinv"), SH.path, BNode("xinvpath")),
        (BNode("xinvpath"), SH.inversePath, DCTERMS.hasPart),
        (BNode("xinv"), SH.maxLength, Literal(30)),
        (BNode("xinv"), SH["and"], BNode("xand")),
        (BNode("xand"), RDF.first, BNode("xand1")),
        (BNode("xand"), RDF.rest, RDF.nil),
        (BNode("xand1"), SH.nodeKind, SH.IRI),
        (BNode("xand1"), SH.closed, Literal(False)),
        (URIRef(EXTRA + "XSub"), SH.targetClass, RDFS.Resource),
    )
    validator = Validator(extended, MINTER)
    assert validator.engine() is not None
    copied = with_extra(extended)
    items = books[:30]
    with sparql_parsed_once():
        want = [plain_pyshacl(copied, *item) for item in items]
    got = list(validator.validate_books(items))
    assert_same(got, want)
    assert {
        "NodeConstraintComponent",
        "XoneConstraintComponent",
        "MaxLengthConstraintComponent",
    } <= {r.constraint for report in want for r in report.results}


def test_unusable_shapes_are_still_a_shapes_error() -> None:
    broken = load_shapes(FIXTURES / "shapes" / "values-in-sparql.ttl")
    book = parse_record(copy.deepcopy(FULL), "full.yaml")
    with pytest.raises(ShapesError, match="cannot be used"):
        list(Validator(broken, MINTER).validate_books([(map_book(book, MINTER), book)]))


# --- the parts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "batchable"),
    [
        ("SELECT $this ?value WHERE { $this <urn:p> ?value . ?value <urn:q> ?x }", True),
        ("SELECT $this WHERE { { SELECT $this ?v WHERE { $this <urn:p> ?v } } }", True),
        ("SELECT $this WHERE { $this <urn:p>/^<urn:q> ?v }", True),
        ("SELECT ?value WHERE { $this <urn:p> ?value }", False),  # $this not selected
        ("SELECT $this WHERE { $this <urn:p> ?v OPTIONAL { ?v <urn:q> ?w } }", False),
        ("SELECT $this WHERE { $this <urn:p> ?v . <urn:x> <urn:q> ?w }", False),  # a fixed node
        ("SELECT $this WHERE { $this <urn:p> ?v . ?a <urn:q> ?b }", False),  # not connected
        ("SELECT $this WHERE { $this <urn:p> ?v FILTER NOT EXISTS { ?v <urn:q> ?w } }", False),
        ('SELECT $this WHERE { $this <urn:p> ?v FILTER REGEX(?v, "(?=a)") }', False),
        ('SELECT $this WHERE { $this <urn:p> ?v FILTER REGEX(?v, "a", "i") }', False),
        ("SELECT $this WHERE { { SELECT $this ?v WHERE { $this <urn:p> ?v } LIMIT 1 } }", False),
        ("SELECT $this WHERE { BIND (1 AS ?x) $this <urn:p> ?v }", False),
    ],
)
def test_which_sparql_runs_over_a_batch(query: str, batchable: bool) -> None:
    from rdflib.plugins.sparql import prepareQuery

    assert analyse(prepareQuery(query).algebra).batchable is batchable


def test_inverse_steps_of_a_query_are_known() -> None:
    from rdflib.plugins.sparql import prepareQuery

    query = prepareQuery("SELECT $this WHERE { $this <urn:p>/^<urn:q> ?v . ?w <urn:r> ?v }")
    found = analyse(query.algebra)
    assert found.batchable
    assert found.inverse == frozenset({URIRef("urn:q"), URIRef("urn:r")})


TERMS: list[Node] = [URIRef(f"urn:n{i}") for i in range(4)] + [Literal("a"), Literal(1), BNode("b")]


def test_indexed_graph_answers_like_rdflib() -> None:
    rng = random.Random(3)
    triples = {(rng.choice(TERMS[:4]), rng.choice(TERMS[:3]), rng.choice(TERMS)) for _ in range(40)}
    indexed, plain = IndexedGraph(triples), Graph()
    for triple in triples:
        plain.add(triple)
    assert len(indexed) == len(plain)
    for s in [None, *TERMS[:4]]:
        for p in [None, *TERMS[:3]]:
            for o in [None, *TERMS]:
                assert set(indexed.triples((s, p, o))) == set(plain.triples((s, p, o)))
        for p in TERMS[:3]:
            assert Counter(indexed.objects(s, p)) == Counter(plain.objects(s, p))
            assert Counter(indexed.subjects(p, s)) == Counter(plain.subjects(p, s))


def test_paths_follow_pyshacl(shapes: Graph, books: list[Item]) -> None:
    """Every path of the shapes, compiled, finds what pyshacl's value_nodes_from_path finds."""
    from pyshacl.helper.expression_helper import value_nodes_from_path

    engine = engine_module.Engine(shapes)
    graph = IndexedGraph(t for item in books[:20] for t in item[0].triples)
    nodes = {s for s, _p, _o in graph}
    for plan in engine.plans.values():
        if plan.path is None:
            continue
        for node in nodes:
            want = value_nodes_from_path(engine.sg, node, plan.shape.path(), graph)
            assert plan.path(graph.index, node, False) == want, plan.shape.node


def test_every_result_has_terms_for_the_report_graph(fast: Validator, books: list[Item]) -> None:
    results: list[ValidationResult] = [
        r for report in fast.validate_books(books[:20]) for r in report.results
    ]
    assert results
    assert all(r.terms is not None for r in results)
