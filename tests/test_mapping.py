"""Facts of the mapping, asked of the output graph with SPARQL."""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SDO, XSD

from bookrdf.crosswalk import CROSSWALK
from bookrdf.errors import ConfigError, RecordErrors
from bookrdf.mapping import map_book, to_triples
from bookrdf.model import Book, Chapter, book_to_dict, told_kind
from bookrdf.model.kinds import _KIND_WORDS
from bookrdf.publish.formats import book_document
from bookrdf.resources import resource_path
from bookrdf.validation import load_shapes, new_validator
from bookrdf.vocab import BIBO, BOOK_FORMATS, BOOKRDF, DEO, DOCO, KINDS, PREFIXES, SCHEMA, Minter
from tests.conftest import WORK, book_from, graph_of

PREFIX_LINES = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items())


def ask(graph: Graph, query: str, **bindings: Any) -> bool:
    return bool(
        graph.query(PREFIX_LINES + "\nASK {" + query + "}", initBindings=bindings).askAnswer
    )


def rows(graph: Graph, query: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in graph.query(PREFIX_LINES + "\n" + query)]  # type: ignore[arg-type]


def test_work_carries_title_in_both_vocabularies(crisis_graph: Graph) -> None:
    assert ask(
        crisis_graph,
        f"""<{WORK}> a schema:Book ; dcterms:title "Crisis in North Korea"@en ;
                     schema:name "Crisis in North Korea"@en .""",
    )


def test_author_is_creator_and_schema_author_in_an_ordered_list(crisis_graph: Graph) -> None:
    found = rows(
        crisis_graph,
        f"""SELECT ?name WHERE {{ <{WORK}> dcterms:creator ?p ; schema:author ?p ;
              bibo:authorList/rdf:first ?p . ?p a schema:Person ; schema:name ?name ;
              schema:givenName "Andrei N." ; schema:familyName "Lankov" }}""",
    )
    assert found == [(Literal("Andrei N. Lankov"),)]


def test_publisher_date_language_description(crisis_graph: Graph) -> None:
    assert ask(
        crisis_graph,
        f"""<{WORK}> dcterms:publisher ?org ; schema:publisher ?org ;
              dcterms:issued "2005"^^xsd:gYear ; schema:datePublished "2005"^^xsd:gYear ;
              dcterms:language "en"^^dcterms:RFC5646 ; schema:inLanguage "en" ;
              dcterms:description ?d ; schema:description ?d .
            ?org a schema:Organization ; schema:name "University of Hawai'i Press" .""",
    )


def test_one_edition_per_isbn_with_format(crisis_graph: Graph) -> None:
    found = rows(
        crisis_graph,
        f"""SELECT ?isbn ?format WHERE {{
              <{WORK}> schema:workExample ?e . ?e schema:exampleOfWork <{WORK}> ;
                a schema:Book ; schema:isbn ?isbn ; bibo:isbn13 ?isbn ; dcterms:identifier ?urn .
              FILTER(?urn = CONCAT("urn:isbn:", ?isbn))
              OPTIONAL {{ ?e schema:bookFormat ?format }} }} ORDER BY ?isbn""",
    )
    assert found == [
        (Literal("9780824828097"), BOOKRDF.Print),
        (Literal("9780824862039"), SCHEMA.EBook),
    ]


def test_isbns_keep_their_order_in_list_items_of_the_work(crisis_graph: Graph) -> None:
    found = rows(
        crisis_graph,
        f"""SELECT ?item ?isbn WHERE {{ <{WORK}> bookrdf:editionListItem ?item .
              ?item a schema:ListItem ; schema:position ?pos ; schema:item ?e .
              ?e schema:isbn ?isbn }} ORDER BY ?pos""",
    )
    assert found == [
        (URIRef(f"{WORK}/editions/1"), Literal("9780824862039")),
        (URIRef(f"{WORK}/editions/2"), Literal("9780824828097")),
    ]
    # an edition may be described by other books too: its place is not said on it
    assert not ask(crisis_graph, "?e schema:isbn ?i ; schema:position ?p")


def test_subjects_keep_their_order_in_list_items_as_iri_or_text() -> None:
    heading = "http://id.loc.gov/authorities/subjects/sh85073175"
    graph = graph_of(book_from(language="en", subjects=["Zoology", heading, "Art"]))
    found = rows(
        graph,
        """SELECT ?pos ?member WHERE { ?w bookrdf:subjectListItem ?item .
             ?item a schema:ListItem ; schema:position ?pos ; schema:item|schema:name ?member }
           ORDER BY ?pos""",
    )
    assert found == [
        (Literal(1), Literal("Zoology", lang="en")),
        (Literal(2), URIRef(heading)),
        (Literal(3), Literal("Art", lang="en")),
    ]


def test_one_isbn_or_subject_has_no_order_to_keep() -> None:
    graph = graph_of(book_from(isbn=[{"value": "9780824828097"}], subjects=["Art"]))
    assert not ask(graph, "?w bookrdf:editionListItem|bookrdf:subjectListItem ?item")
    assert not ask(graph, "?item a schema:ListItem")


def test_all_twenty_entries_are_chapters_in_order(crisis_graph: Graph) -> None:
    found = rows(
        crisis_graph,
        f"""SELECT ?pos WHERE {{ <{WORK}> dcterms:hasPart ?c ; schema:hasPart ?c .
              ?c a schema:Chapter ; dcterms:isPartOf <{WORK}> ; schema:isPartOf <{WORK}> ;
                 schema:position ?pos }} ORDER BY ?pos""",
    )
    assert [row[0] for row in found] == [Literal(n) for n in range(1, 21)]
    assert all(row[0].datatype == XSD.integer for row in found)


def test_untitled_entries_have_no_title(crisis_graph: Graph) -> None:
    found = rows(
        crisis_graph,
        """SELECT ?pos WHERE { ?c a schema:Chapter ; schema:position ?pos .
             FILTER NOT EXISTS { ?c dcterms:title ?t } FILTER NOT EXISTS { ?c schema:name ?n } }
           ORDER BY ?pos""",
    )
    assert [int(row[0]) for row in found] == [2, 3, 4, 6, 18, 19, 20]


def test_labels_and_titles(crisis_graph: Graph) -> None:
    found = rows(
        crisis_graph,
        """SELECT ?label ?title WHERE { ?c schema:position 7 ; bookrdf:printedLabel ?label ;
             dcterms:title ?title ; schema:name ?title }""",
    )
    assert found == [
        (Literal("1"), Literal("North Korea and Its Leadership in the Mid-1950s", lang="en"))
    ]
    assert len(rows(crisis_graph, "SELECT ?c WHERE { ?c bookrdf:printedLabel ?l }")) == 10


@pytest.mark.parametrize(
    ("position", "start", "end", "pagination"),
    [(2, "v", "v", "v"), (3, "vii", "xii", "vii-xii"), (7, "7", "25", "7-25")],
)
def test_pages_are_text_as_printed(
    crisis_graph: Graph, position: int, start: str, end: str, pagination: str
) -> None:
    assert ask(
        crisis_graph,
        """?c schema:position ?pos ; schema:pageStart ?s ; schema:pageEnd ?e ;
              bibo:pageStart ?s ; bibo:pageEnd ?e ; schema:pagination ?p .""",
        pos=Literal(position),
        s=Literal(start),
        e=Literal(end),
        p=Literal(pagination),
    )


@pytest.mark.parametrize(
    ("pages", "start", "end", "pagination"),
    [
        ("A-1", "A-1", "A-1", "A-1"),  # an appendix's page, not pages A to 1
        ("C-1", "C-1", "C-1", "C-1"),  # nor pages C (roman 100) to 1
        ("A-1–A-12", "A-1", "A-12", "A-1-A-12"),
        ("A-1 - A-12", "A-1", "A-12", "A-1-A-12"),
        ("C-1-C-12", "C-1", "C-12", "C-1-C-12"),
        ("iv-12", "iv", "12", "iv-12"),  # front matter running into the text
        ("xi–xx", "xi", "xx", "xi-xx"),
        ("pp. 1—20", "1", "20", "1-20"),
        ("e1-e20", "e1", "e20", "e1-e20"),
        ("pp 1-20", "1", "20", "1-20"),  # no full stop after "pp"
        ("7–25.", "7", "25", "7-25"),  # a catalogue's closing full stop
        # an entry that skips pages (Crossref's form): first page to last, the parts kept
        ("1-20, 25-30", "1", "30", "1-20, 25-30"),
        ("1–20;25–30", "1", "30", "1-20, 25-30"),
        ("pp. 5, 9, 55", "5", "55", "5, 9, 55"),
        ("vii-xii, 1-4", "vii", "4", "vii-xii, 1-4"),
        ("A-1-A-3, A-7", "A-1", "A-7", "A-1-A-3, A-7"),
    ],
)
def test_printed_pages_give_their_first_and_last_page_and_pagination(
    pages: str, start: str, end: str, pagination: str
) -> None:
    graph = graph_of(book_from(chapters=[{"title": "A", "pages": pages}]))
    found = rows(
        graph,
        "SELECT ?s ?e ?p { ?c schema:pageStart ?s ; schema:pageEnd ?e ; "
        "bibo:pageStart ?s ; bibo:pageEnd ?e ; schema:pagination ?p }",
    )
    assert found == [(Literal(start), Literal(end), Literal(pagination))]


def test_title_page_has_no_pages(crisis_graph: Graph) -> None:
    assert not ask(crisis_graph, "?c schema:position 1 ; schema:pageStart ?s .")


def test_pdf_is_a_media_object_with_size(crisis_graph: Graph) -> None:
    assert ask(
        crisis_graph,
        """?c schema:position 11 ; schema:encoding ?m . ?m a schema:MediaObject ;
              schema:encodesCreativeWork ?c ; schema:encodingFormat "application/pdf" ;
              dcterms:format "application/pdf"^^dcterms:IMT ;
              schema:contentSize "9.7 MB" ; dcterms:extent "9.7 MB" .""",
    )


def test_excerpt_is_a_description_not_an_abstract(crisis_graph: Graph) -> None:
    found = rows(
        crisis_graph,
        "SELECT ?d WHERE { ?c schema:position 3 ; dcterms:description ?d ; schema:description ?d }",
    )
    assert str(found[0][0]).startswith("The 1956 crisis")
    assert not ask(crisis_graph, "?c schema:abstract ?a")


@pytest.mark.parametrize(
    ("position", "kind"),
    [(1, DOCO.FrontMatter), (7, DOCO.Chapter), (17, DEO.Conclusion)],
)
def test_kind_told_by_label_or_title(crisis_graph: Graph, position: int, kind: URIRef) -> None:
    assert ask(
        crisis_graph,
        "?c schema:position ?pos ; dcterms:type ?k ; schema:additionalType ?k .",
        pos=Literal(position),
        k=kind,
    )


@pytest.mark.parametrize(
    ("chapter", "kind", "subclass"),
    [
        ({"title": "Title Page, Copyright"}, DOCO.FrontMatter, BOOKRDF.TitlePage),
        ({"title": "Maps", "kind": "title-page"}, DOCO.FrontMatter, BOOKRDF.TitlePage),
        ({"title": "Notes"}, DOCO.BackMatter, BOOKRDF.Notes),
        ({"title": "Maps", "kind": "front-matter"}, DOCO.FrontMatter, None),
        ({"title": "Notes", "kind": "back-matter"}, DOCO.BackMatter, None),
    ],
)
def test_kinds_doco_lacks_add_a_bookrdf_subclass_to_the_doco_class(
    chapter: dict[str, Any], kind: URIRef, subclass: URIRef | None
) -> None:
    graph = graph_of(book_from(chapters=[chapter]))
    assert ask(graph, "?c a schema:Chapter ; dcterms:type ?k ; schema:additionalType ?k .", k=kind)
    types = set(graph.objects(None, RDF.type)) - {SCHEMA.Book, SCHEMA.Chapter}
    assert types == ({subclass} if subclass else set())


@pytest.mark.parametrize(
    ("position", "matter"),
    [(2, DOCO.FrontMatter), (3, DOCO.FrontMatter), (18, DOCO.BackMatter), (20, DOCO.BackMatter)],
)
def test_guessed_kind_is_marked_inferred(
    crisis_graph: Graph, position: int, matter: URIRef
) -> None:
    assert ask(
        crisis_graph,
        "?c schema:position ?pos ; bookrdf:inferredMatter ?m . FILTER NOT EXISTS { ?c dcterms:type ?t }",
        pos=Literal(position),
        m=matter,
    )


def test_untitled_arabic_entry_before_chapters_gets_no_kind(crisis_graph: Graph) -> None:
    assert not ask(crisis_graph, "?c schema:position 6 ; dcterms:type|bookrdf:inferredMatter ?k .")


def test_no_blank_nodes_and_every_iri_is_valid(crisis_graph: Graph) -> None:
    for triple in crisis_graph:
        assert not any(isinstance(term, BNode) for term in triple)
        for term in triple:
            if isinstance(term, URIRef):
                ox.NamedNode(str(term))  # raises on an invalid IRI


def test_every_schema_and_dcterms_term_exists(crisis_graph: Graph) -> None:
    everything = graph_of(
        book_from(
            subtitle="S",
            contributors=[
                {"name": "A", "identifiers": {"orcid": "0000-0002-1825-0097"}},
                {"name": "E", "role": "editor"},
                {"name": "T", "role": "translator"},
                {"name": "C", "role": "contributor"},
            ],
            publisher={"name": "P", "place": "Honolulu"},
            doi="10.1515/9780824862039",
            url="https://example.com/b",
            subjects=["History", "http://id.loc.gov/authorities/subjects/sh85072956"],
            license="CC-BY-4.0",
            isbn=[{"value": "9780824828097", "format": "paperback"}],
            chapters=[
                {"title": "Index", "pdf": {"size": "1 MB", "url": "https://example.com/c.pdf"}}
            ],
        )
    )
    used = {
        term for triple in everything | crisis_graph for term in triple if isinstance(term, URIRef)
    }
    schema_terms = {t for t in used if str(t).startswith(str(SCHEMA))}
    dcterms_terms = {t for t in used if str(t).startswith(str(DCTERMS))}
    assert len(schema_terms) > 30
    assert len(dcterms_terms) > 15
    missing = [t for t in schema_terms if URIRef(str(t).replace(str(SCHEMA), str(SDO))) not in SDO]
    missing += [t for t in dcterms_terms if t not in DCTERMS]
    assert missing == []


def test_roles_map_to_their_terms_and_lists() -> None:
    graph = graph_of(
        book_from(
            contributors=[
                {"name": "Ed One", "role": "editor"},
                {"name": "Ed Two", "role": "editor"},
                {"name": "Tra", "role": "translator"},
            ]
        )
    )
    editors = rows(
        graph,
        """SELECT ?name WHERE { ?w bibo:editorList/rdf:rest*/rdf:first ?p .
             ?w schema:editor ?p ; dcterms:contributor ?p . ?p schema:name ?name }""",
    )
    assert [str(r[0]) for r in editors] == ["Ed One", "Ed Two"]
    assert ask(
        graph, '?w schema:translator ?p ; bibo:contributorList/rdf:first ?p . ?p schema:name "Tra"'
    )
    assert not ask(graph, "?w dcterms:creator ?p")


def test_order_across_roles_is_one_more_list_of_everyone() -> None:
    people = [
        {"name": "Tra", "role": "translator"},
        {"name": "Ed", "role": "editor"},
        {"name": "Amy"},
        {"name": "Bob"},
    ]
    graph = graph_of(book_from(contributors=people, chapters=[{"contributors": people[2:]}]))
    ordered = rows(
        graph,
        f"""SELECT ?name (COUNT(?mid) AS ?n) WHERE {{
             <{Minter().work("b")}> bookrdf:contributorsInOrder ?list .
             ?list rdf:rest* ?mid . ?mid rdf:rest* ?cell .
             ?cell rdf:first/schema:name ?name }} GROUP BY ?name ORDER BY ?n""",
    )
    assert [str(r[0]) for r in ordered] == ["Tra", "Ed", "Amy", "Bob"]
    # the role lists stay as they were; a chapter of authors only needs no more
    assert ask(graph, "?w bibo:authorList ?a ; bibo:editorList ?e ; bibo:contributorList ?o")
    assert len(list(graph.subjects(BOOKRDF.contributorsInOrder, None))) == 1


def test_author_order_survives() -> None:
    names = ["Zed", "Amy", "Mia", "Bob"]
    graph = graph_of(book_from(contributors=[{"name": n} for n in names]))
    ordered = rows(
        graph,
        """SELECT ?name (COUNT(?mid) AS ?n) WHERE {
             ?w bibo:authorList ?list . ?list rdf:rest* ?mid . ?mid rdf:rest* ?cell .
             ?cell rdf:first/schema:name ?name } GROUP BY ?name ORDER BY ?n""",
    )
    assert [str(r[0]) for r in ordered] == names


def test_identified_person_is_global_and_same_as() -> None:
    graph = graph_of(
        book_from(
            contributors=[
                {
                    "name": "Josiah Carberry",
                    "identifiers": {"orcid": "https://orcid.org/0000-0002-1825-0097"},
                }
            ]
        )
    )
    person = URIRef("https://example.org/bookrdf/person/orcid/0000-0002-1825-0097")
    orcid = URIRef("https://orcid.org/0000-0002-1825-0097")
    assert ask(graph, "?p owl:sameAs ?o ; schema:sameAs ?o .", p=person, o=orcid)


def test_subtitle_and_full_title() -> None:
    graph = graph_of(book_from(title="Crisis", subtitle="The Failure", language="en"))
    assert ask(
        graph,
        """?w dcterms:title "Crisis"@en ; schema:alternativeHeadline "The Failure"@en ;
              dcterms:alternative "Crisis: The Failure"@en .""",
    )


@pytest.mark.parametrize(
    ("published", "datatype"),
    [("2005", XSD.gYear), ("2005-03", XSD.gYearMonth), ("2005-03-09", XSD.date)],
)
def test_dates_are_typed(published: str, datatype: URIRef) -> None:
    graph = graph_of(book_from(published=published))
    assert ask(
        graph,
        "?w dcterms:issued ?d ; schema:datePublished ?d .",
        d=Literal(published, datatype=datatype),
    )


def test_unsafe_characters_are_percent_encoded() -> None:
    book = book_from(
        url="https://example.com/a b/ü?q=<x>",
        chapters=[{"pdf": {"url": "https://example.com/pdfs/Kapitel ü.pdf"}}],
    )
    for s, p, o in to_triples(book):
        for term in (s, p, o):
            if isinstance(term, URIRef):
                assert " " not in term
                assert "<" not in term
                ox.NamedNode(str(term))
    graph = graph_of(book)
    assert ask(graph, "?w schema:url <https://example.com/a%20b/%C3%BC?q=%3Cx%3E>")


def test_brackets_and_a_second_hash_are_escaped_so_every_parser_takes_the_iris() -> None:
    book = book_from(
        url="https://example.org/search?q=[1]",
        license="https://example.org/licence#a#b",
        subjects=["https://example.org/topics/[x]"],
        chapters=[{"pdf": {"url": "https://[::1]/pdfs/[1].pdf"}}],
    )
    text = book_document(map_book(book), "nt")
    parsed = {str(q.object.value) for q in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)}
    assert {
        "https://example.org/search?q=%5B1%5D",
        "https://example.org/licence#a%23b",
        "https://example.org/topics/%5Bx%5D",
        "https://[::1]/pdfs/%5B1%5D.pdf",
    } <= parsed


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("url", "https://example.org:abc/"),
        ("license", "https://[bad/x"),
        ("subjects", ["https://example.org:9x/topic"]),
        ("chapters", [{"pdf": {"url": "https://e.org:z/a.pdf"}}]),
    ],
)
def test_an_iri_with_a_bad_host_or_port_is_refused_with_its_field(field: str, value: Any) -> None:
    with pytest.raises(RecordErrors) as caught:
        book_from(**{field: value})
    [problem] = caught.value.problems
    assert problem.field.startswith(field)
    assert "not a usable IRI" in problem.message


def test_a_doi_s_hash_and_question_mark_are_escaped_in_its_iri() -> None:
    graph = graph_of(book_from(doi="10.1000/a#b?c%d"))
    assert ask(
        graph,
        "?w bibo:doi '10.1000/a#b?c%d' ; schema:sameAs <https://doi.org/10.1000/a%23b%3Fc%25d>",
    )


@pytest.mark.parametrize("base", ["https://x.org/?q=1/", "https://x.org/a#/", "https://x.org/#/"])
def test_a_base_with_a_query_or_fragment_is_refused(base: str) -> None:
    """Every IRI minted under it would name a part of one document, none its own page."""
    with pytest.raises(ConfigError, match=r"has a query or fragment \('\?', '#'\)"):
        Minter(base)


@pytest.mark.parametrize("base", ["https://x.org/[b]/", "https://x.org:abc/"])
def test_a_base_that_mints_invalid_iris_is_refused(base: str) -> None:
    with pytest.raises(ConfigError, match="not a valid IRI"):
        Minter(base)


def test_names_that_slug_alike_stay_two_people_and_one_name_stays_one() -> None:
    book = book_from(
        contributors=[{"name": "Mary-Jane Smith"}, {"name": "Mary Jane Smith", "role": "editor"}],
        chapters=[{"title": "A", "contributors": [{"name": "Mary Jane Smith"}]}],
    )
    found = rows(
        graph_of(book),
        "SELECT ?p (COUNT(DISTINCT ?name) AS ?names) WHERE { ?p a schema:Person ; schema:name ?name }"
        " GROUP BY ?p",
    )
    assert sorted((str(p).rsplit("/", 1)[1], int(n)) for p, n in found) == [
        ("mary-jane-smith", 1),
        ("mary-jane-smith-2", 1),
    ]
    assert ask(
        graph_of(book),
        "?c a schema:Chapter ; schema:author ?p . ?w schema:editor ?p . "
        "?p schema:name 'Mary Jane Smith'",
    )


def test_book_ids_and_base_shape_iris() -> None:
    minter = Minter("https://data.press.example/")
    graph = graph_of(book_from(id="lankov-2005", chapters=[{"title": "A"}]), minter)
    assert ask(graph, "<https://data.press.example/book/lankov-2005/chapter/1> a schema:Chapter")


def test_the_ontology_declares_every_term_of_ours() -> None:
    ontology = Graph().parse(resource_path("ontology/bookrdf.ttl"))
    ours = {p for route in CROSSWALK.values() for p in route.predicates if p in BOOKRDF}
    ours |= {term for term in BOOK_FORMATS.values() if term in BOOKRDF}
    assert BOOKRDF.Print in ours
    for term in ours:
        assert (term, RDFS.isDefinedBy, URIRef("https://w3id.org/bookrdf/ns")) in ontology, term
    assert (BOOKRDF.Print, RDF.type, SCHEMA.BookFormatType) in ontology
    subclasses = {kind.subclass: kind.term for kind in KINDS.values() if kind.subclass}
    assert set(subclasses) == {BOOKRDF.TitlePage, BOOKRDF.Notes}
    for subclass, doco_class in subclasses.items():
        assert (subclass, RDFS.subClassOf, doco_class) in ontology


def test_mapping_is_deterministic(crisis: Book) -> None:
    assert to_triples(crisis) == to_triples(crisis)


def test_no_triple_twice(crisis: Book) -> None:
    triples = to_triples(crisis)
    assert len(triples) == len(set(triples))


def test_empty_optional_fields_emit_nothing() -> None:
    graph = graph_of(book_from())
    predicates = {p for _, p, _ in graph}
    assert predicates == {
        URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        DCTERMS.title,
        SCHEMA.name,
    }
    assert BIBO.authorList not in predicates
    assert BOOKRDF.printedLabel not in predicates


_TEXTS = st.sampled_from(
    [
        *(word for words, _ in _KIND_WORDS for word in re.split(r"[|()?]", words) if word),
        "Appendix B",
        "Prefaces to the Second Edition",
        "List of Maps",
        "Chapter 12",
        "Table of contents",
    ]
)


@given(
    _TEXTS,
    st.sampled_from(["", ":", ".", ": Why it matters", " — a note", "- x", "\nx", " x", "  :"]),
    st.booleans(),
)
def test_one_kind_pattern_finds_what_each_kind_pattern_finds(
    text: str, tail: str, upper: bool
) -> None:
    """told_kind tries every kind's words in one regex; tried one by one, in order, they
    must give the same kind."""
    text = (text.upper() if upper else text) + tail
    expected = next(
        (
            kind
            for words, kind in _KIND_WORDS
            if re.fullmatch(rf"(?:{words})(?:\s*[:.—–-]\s.*|\s*[:.])?", text, re.IGNORECASE)
        ),
        None,
    )
    assert told_kind(Chapter(title=text)) == expected


@pytest.mark.parametrize(
    ("label", "kind"),
    [("Part II", "part"), ("Part One", "part"), ("PART 3.", "part"), ("Partie", None)],
)
def test_a_part_label_tells_a_part(label: str, kind: str | None) -> None:
    assert told_kind(Chapter(label=label, title="Land")) == kind
    book = Book(id="b", title="B", chapters=(Chapter(label=label, title="Land"),))
    graph = Graph()
    for triple in map_book(book).triples:
        graph.add(triple)
    typed = graph.query(
        "ASK { ?c <http://purl.org/dc/terms/type> <http://purl.org/spar/doco/Part> }"
    ).askAnswer
    assert typed == (kind == "part")


def test_invisible_characters_at_the_ends_of_texts_are_trimmed_like_spaces() -> None:
    """A byte order mark or zero-width space pasted in with a title is not part of it (a search
    for the title would miss it); inside a text, and direction marks, stay."""
    graph = graph_of(
        book_from(
            title="\ufeffCrisis\u200b",
            description="\u200b Line one\n\nline\u200btwo \u2060",
            chapters=[{"title": "\u200b"}, {"title": "\u200fעברית!\u200f"}],
        )
    )
    assert rows(graph, "SELECT ?t { ?w a schema:Book ; dcterms:title ?t }") == [
        (Literal("Crisis"),)
    ]
    assert rows(graph, "SELECT ?d { ?w a schema:Book ; dcterms:description ?d }") == [
        (Literal("Line one\n\nline\u200btwo"),)
    ]
    assert rows(
        graph, "SELECT ?p ?t { ?c schema:position ?p OPTIONAL { ?c dcterms:title ?t } }"
    ) == [
        (Literal(1), None),
        (Literal(2), Literal("\u200fעברית!\u200f")),
    ]


@pytest.mark.parametrize(
    ("scheme", "written", "iri"),
    [
        ("orcid", "0000-0002-1694-233x", "https://orcid.org/0000-0002-1694-233X"),
        ("isni", "0000-0001-2103-2683", "https://isni.org/isni/0000000121032683"),
        ("isni", "0000 0001 2103 2683", "https://isni.org/isni/0000000121032683"),
        ("wikidata", "q42", "http://www.wikidata.org/entity/Q42"),
    ],
)
def test_identifiers_as_written_in_the_wild_become_their_one_iri(
    scheme: str, written: str, iri: str
) -> None:
    """A lower-case check digit or item letter, an ISNI in hyphenated groups: valid, and read so
    (they were refused as "not a valid ORCID iD")."""
    person = {"name": "Ann", "identifiers": {scheme: written}}
    graph = graph_of(book_from(contributors=[person]))
    assert rows(
        graph, "SELECT ?same { ?p a schema:Person ; owl:sameAs ?same ; schema:sameAs ?same }"
    ) == [(URIRef(iri),)]


def test_a_publisher_in_two_places_is_two_nodes_each_with_its_one_place() -> None:
    # one node by name gave the union of two books' triples two places: `bookrdf validate
    # books.ttl` found bookrdf's own release breaking OrganizationPlaceShape
    graph = Graph()
    for book_id, place in (("a", "Oxford"), ("b", "New York"), ("c", None)):
        publisher = {"name": "Oxford University Press"} | ({"place": place} if place else {})
        graph += graph_of(book_from(id=book_id, publisher=publisher))
    found = rows(
        graph,
        "SELECT ?book ?place WHERE { ?book schema:publisher ?org . "
        "OPTIONAL { ?org schema:location ?place } }",
    )
    minter = Minter()
    assert sorted(found, key=str) == sorted(
        [
            (URIRef(minter.work_iri("a")), Literal("Oxford")),
            (URIRef(minter.work_iri("b")), Literal("New York")),
            (URIRef(minter.work_iri("c")), None),
        ],
        key=str,
    )
    results = new_validator(load_shapes(None), minter).validate_graph(graph)
    assert [r for r in results if r.shape.endswith("OrganizationPlaceShape")] == []


def test_one_identified_person_printed_two_ways_has_one_name_and_the_other_as_another() -> None:
    # an editor with an ORCID who signs a chapter with initials: one node, which had two
    # names and broke PersonNameShape (a violation the publisher could not mend)
    orcid = {"orcid": "0000-0002-1825-0097"}
    book = book_from(
        contributors=[{"name": "Jane A. Doe", "role": "editor", "identifiers": orcid}],
        chapters=[{"title": "One", "contributors": [{"name": "J. Doe", "identifiers": orcid}]}],
    )
    graph = graph_of(book)
    found = rows(
        graph,
        "SELECT ?name ?other WHERE { ?p a schema:Person ; schema:name ?name ; "
        "schema:alternateName ?other }",
    )
    assert found == [(Literal("Jane A. Doe"), Literal("J. Doe"))]
    results = new_validator(load_shapes(None), Minter()).validate_graph(graph)
    assert [r for r in results if r.shape.endswith("PersonNameShape")] == []


# --- contributors that are organisations -----------------------------------------------------

ORG_BOOK = {
    "id": "report",
    "title": "Annual Report",
    "contributors": [
        {"name": "World Health Organization", "kind": "organization",
         "identifiers": {"wikidata": "Q7817"}},
        {"name": "Jane Doe", "role": "editor", "given_name": "Jane", "family_name": "Doe"},
        {"name": "Consortium on Light", "kind": "organization", "role": "translator"},
    ],
    "publisher": {"name": "World Health Organization"},
    "chapters": [{"title": "One", "contributors": [
        {"name": "Working Group 3", "kind": "organization", "role": "contributor"}]}],
}  # fmt: skip
REPORT = "https://example.org/bookrdf/book/report"


def test_an_organisation_contributor_is_an_organization_in_a_persons_roles() -> None:
    graph = graph_of(book_from(**ORG_BOOK))
    found = rows(
        graph,
        f"""SELECT ?org ?name WHERE {{
              <{REPORT}> dcterms:creator ?org ; schema:author ?org ; bibo:authorList/rdf:first ?org .
              ?org a schema:Organization ; schema:name ?name ;
                   owl:sameAs <http://www.wikidata.org/entity/Q7817> .
              FILTER NOT EXISTS {{ ?org a schema:Person }}
              FILTER NOT EXISTS {{ ?org schema:givenName|schema:familyName ?part }} }}""",
    )
    assert found == [
        (URIRef("https://example.org/bookrdf/organization/wikidata/Q7817"),
         Literal("World Health Organization"))
    ]  # fmt: skip
    assert ask(
        graph,
        f"""<{REPORT}> dcterms:contributor ?body ; schema:translator ?body ;
              bibo:contributorList/rdf:first ?body .
            ?body a schema:Organization ; schema:name "Consortium on Light" .
            <{REPORT}/chapter/1> dcterms:contributor ?group ; schema:contributor ?group .
            ?group a schema:Organization ; schema:name "Working Group 3" .""",
    )
    # the order across roles keeps organisations and people in record order
    names = rows(
        graph,
        f"""SELECT ?name WHERE {{ <{REPORT}> bookrdf:contributorsInOrder ?list .
              ?list rdf:rest* ?cell . ?cell rdf:first/schema:name ?name .
              {{ SELECT ?cell (COUNT(?mid) AS ?n) WHERE {{
                   <{REPORT}> bookrdf:contributorsInOrder ?l . ?l rdf:rest* ?mid .
                   ?mid rdf:rest* ?cell }} GROUP BY ?cell }} }} ORDER BY ?n""",
    )
    assert [str(n) for (n,) in names] == [
        "World Health Organization", "Jane Doe", "Consortium on Light"
    ]  # fmt: skip


def test_a_person_of_a_record_is_still_a_person_beside_an_organisation(crisis: Book) -> None:
    body = {"name": "Korea Institute for National Unification", "kind": "organization"}
    record = book_to_dict(crisis)
    record["contributors"].append(body)
    graph = graph_of(book_from(**record))
    found = rows(graph, "SELECT ?p ?t WHERE { ?w dcterms:creator ?p . ?p a ?t } ORDER BY ?p")
    assert found == [
        (URIRef(f"{WORK}/organization/korea-institute-for-national-unification"),
         SCHEMA.Organization),
        (URIRef(f"{WORK}/person/andrei-n-lankov"), SCHEMA.Person),
    ]  # fmt: skip
    assert ask(
        graph,
        f"""<{WORK}/person/andrei-n-lankov> schema:givenName "Andrei N." ;
                          schema:familyName "Lankov" .""",
    )


def test_an_organisation_never_shares_an_iri_with_a_person_or_the_publisher() -> None:
    # one body that wrote and published the book, and a person and a body of one name
    record = {
        **ORG_BOOK,
        "contributors": [
            {"name": "World Health Organization", "kind": "organization"},
            {"name": "Ada Lovelace"},
            {"name": "Ada Lovelace", "kind": "organization", "role": "contributor"},
        ],
    }
    graph = graph_of(book_from(**record))
    typed = rows(
        graph,
        f"""SELECT ?node (GROUP_CONCAT(STR(?type); separator=" ") AS ?types) WHERE {{
              {{ <{REPORT}> dcterms:creator|dcterms:contributor|dcterms:publisher ?node }}
              ?node a ?type }} GROUP BY ?node ORDER BY ?node""",
    )
    assert [(str(node), str(types)) for node, types in typed] == [
        ("https://example.org/bookrdf/book/report/organization/ada-lovelace", str(SCHEMA.Organization)),
        ("https://example.org/bookrdf/book/report/organization/world-health-organization",
         str(SCHEMA.Organization)),
        ("https://example.org/bookrdf/book/report/person/ada-lovelace", str(SCHEMA.Person)),
        ("https://example.org/bookrdf/org/world-health-organization", str(SCHEMA.Organization)),
    ]  # fmt: skip


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_every_format_writes_the_organisations_as_the_mapping_makes_them(fmt: str) -> None:
    mapped = map_book(book_from(**ORG_BOOK))
    written = Graph().parse(data=book_document(mapped, fmt), format=_RDFLIB_FORMATS[fmt])
    organizations = set(written.subjects(RDF.type, SCHEMA.Organization))
    assert len(organizations) == 4  # three contributors and the publisher
    expected = graph_of(book_from(**ORG_BOOK))
    assert set(written) == set(expected)


_RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}


class _Counted(str):
    """A text that counts how often it is compared for equality."""

    compared = 0

    def __eq__(self, other: object) -> bool:
        _Counted.compared += 1
        return str.__eq__(self, other)

    __hash__ = str.__hash__


@pytest.mark.parametrize("adder", ["mapping", "rows"])
def test_one_subject_with_many_objects_is_collected_in_linear_comparisons(adder: str) -> None:
    """A book of 100,000 entries has as many dcterms:hasPart: each was compared with every
    earlier one (minutes); repeats are still dropped and the order kept."""
    from bookrdf.mapping import _Triples
    from bookrdf.rows import Subject

    parts = [_Counted(f"{WORK}/chapter/{n}") for n in range(3000)]
    triples = _Triples()
    node = Subject(str(WORK))
    _Counted.compared = 0
    for part in [*parts, *parts[::7]]:
        if adder == "mapping":
            triples.add(str(WORK), "book.chapters", part)
        else:
            node.put(str(DCTERMS.hasPart), part)
    if adder == "mapping":
        node = triples.subjects[str(WORK)]
    assert node.values[str(DCTERMS.hasPart)] == parts
    assert _Counted.compared < 100 * len(parts)  # a scan of every earlier one: 4.5 million
