"""The crosswalk: which RDF terms each record field becomes. Written once; the mapping reads it
and the docs render it (`bookrdf crosswalk`)."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef
from rdflib.namespace import DCTERMS, OWL, RDF

from bookrdf.vocab import BIBO, BOOKRDF, SCHEMA


@dataclass(frozen=True)
class Route:
    """Where one record field goes: the predicates it is written with, and why."""

    field: str
    predicates: tuple[URIRef, ...]
    note: str = ""


def _route(field: str, *predicates: URIRef, note: str = "") -> tuple[str, Route]:
    return field, Route(field, predicates, note)


CROSSWALK: dict[str, Route] = dict(
    [
        _route("book", RDF.type, note="schema:Book — the work; editions are Books too"),
        _route("book.title", DCTERMS.title, SCHEMA.name),
        _route("book.subtitle", SCHEMA.alternativeHeadline),
        _route("book.full_title", DCTERMS.alternative, note="title and subtitle as printed"),
        _route("book.contributors[author]", DCTERMS.creator, SCHEMA.author),
        _route("book.contributors[editor]", DCTERMS.contributor, SCHEMA.editor),
        _route("book.contributors[translator]", DCTERMS.contributor, SCHEMA.translator),
        _route("book.contributors[contributor]", DCTERMS.contributor, SCHEMA.contributor),
        _route("book.contributors.order[author]", BIBO.authorList, note="rdf:List, IRI cells"),
        _route("book.contributors.order[editor]", BIBO.editorList, note="rdf:List, IRI cells"),
        _route(
            "book.contributors.order[other]",
            BIBO.contributorList,
            note="translators and other contributors, in order; rdf:List, IRI cells",
        ),
        _route(
            "book.contributors.order[all]",
            BOOKRDF.contributorsInOrder,
            note="every contributor in record order, when they fill more than one of the lists "
            "above; rdf:List, IRI cells",
        ),
        _route("book.publisher", DCTERMS.publisher, SCHEMA.publisher),
        _route(
            "book.published", DCTERMS.issued, SCHEMA.datePublished, note="xsd:gYear/gYearMonth/date"
        ),
        _route("book.language", DCTERMS.language, note="BCP 47 tag typed dcterms:RFC5646"),
        _route("book.language.text", SCHEMA.inLanguage, note="BCP 47 tag as text"),
        _route("book.description", DCTERMS.description, SCHEMA.description),
        _route("book.doi", BIBO.doi, note="plus dcterms:identifier and schema:sameAs the DOI IRI"),
        _route("book.doi.iri", SCHEMA.sameAs),
        _route("book.identifier", DCTERMS.identifier, SCHEMA.identifier),
        _route("book.url", SCHEMA.url),
        _route("book.subjects", DCTERMS.subject, SCHEMA.keywords, note="IRIs: schema:about"),
        _route("book.subjects.iri", DCTERMS.subject, SCHEMA.about),
        _route(
            "book.subjects.order",
            BOOKRDF.subjectListItem,
            note="work -> schema:ListItem per subject, when there are two or more",
        ),
        _route("book.license", DCTERMS.license, SCHEMA.license),
        _route("book.chapters", DCTERMS.hasPart, SCHEMA.hasPart),
        _route("book.isbn", SCHEMA.workExample, DCTERMS.hasFormat, note="work -> edition"),
        _route(
            "book.isbn.order",
            BOOKRDF.editionListItem,
            note="work -> schema:ListItem per ISBN, when there are two or more",
        ),
        _route("list_item.position", SCHEMA.position, note="1-based place in the record's list"),
        _route("list_item.item", SCHEMA.item, note="the edition, or a subject given as an IRI"),
        _route("list_item.name", SCHEMA.name, note="a subject given as text"),
        _route("edition", SCHEMA.exampleOfWork, DCTERMS.isFormatOf, note="edition -> work"),
        _route("edition.isbn", SCHEMA.isbn, BIBO.isbn13, note="13 digits, no hyphens"),
        _route("edition.urn", DCTERMS.identifier, note='"urn:isbn:…"'),
        _route(
            "edition.format",
            SCHEMA.bookFormat,
            note="EBook, Hardcover, Paperback; bookrdf:Print (a schema:BookFormatType)",
        ),
        _route("edition.name", SCHEMA.name),
        _route(
            "contributor.kind",
            RDF.type,
            note="schema:Person; schema:Organization for kind: organization (a corporate body "
            "or a meeting), in the same roles and lists",
        ),
        _route("person.name", SCHEMA.name),
        _route("person.given_name", SCHEMA.givenName),
        _route("person.family_name", SCHEMA.familyName),
        _route(
            "person.alternate_name",
            SCHEMA.alternateName,
            note="another name one identified person is printed with in the same book",
        ),
        _route(
            "person.identifiers", OWL.sameAs, SCHEMA.sameAs, note="ORCID, ISNI, VIAF, Wikidata IRIs"
        ),
        _route("organization.name", SCHEMA.name, note="a contributor; never given or family names"),
        _route(
            "organization.alternate_name",
            SCHEMA.alternateName,
            note="another name one identified organisation is printed with in the same book",
        ),
        _route(
            "organization.identifiers",
            OWL.sameAs,
            SCHEMA.sameAs,
            note="ISNI, VIAF, Wikidata IRIs",
        ),
        _route("publisher.name", SCHEMA.name),
        _route("publisher.place", SCHEMA.location),
        _route("chapter.book", DCTERMS.isPartOf, SCHEMA.isPartOf),
        _route("chapter.position", SCHEMA.position, note="1-based order in the contents"),
        _route("chapter.title", DCTERMS.title, SCHEMA.name, note="only when printed"),
        _route("chapter.label", BOOKRDF.printedLabel, note="'1', 'IV', 'Conclusion'"),
        _route(
            "chapter.pages.start", SCHEMA.pageStart, BIBO.pageStart, note="text: 'vii' stays 'vii'"
        ),
        _route("chapter.pages.end", SCHEMA.pageEnd, BIBO.pageEnd),
        _route("chapter.pages", SCHEMA.pagination),
        _route(
            "chapter.kind", SCHEMA.additionalType, DCTERMS.type, note="DoCO/DEO class, when told"
        ),
        _route(
            "chapter.kind.class",
            RDF.type,
            note="bookrdf:TitlePage, bookrdf:Notes: subclasses of doco:FrontMatter, BackMatter",
        ),
        _route(
            "chapter.inferred_matter", BOOKRDF.inferredMatter, note="a guess, never dcterms:type"
        ),
        _route("chapter.excerpt", DCTERMS.description, SCHEMA.description, note="not an abstract"),
        _route("chapter.contributors[author]", DCTERMS.creator, SCHEMA.author),
        _route("chapter.pdf", SCHEMA.encoding),
        _route("pdf.chapter", SCHEMA.encodesCreativeWork),
        _route("pdf.format", DCTERMS["format"], note='"application/pdf" typed dcterms:IMT'),
        _route("pdf.format.text", SCHEMA.encodingFormat, note='"application/pdf"'),
        _route("pdf.size", SCHEMA.contentSize, DCTERMS.extent, note='"99.7 KB" as printed'),
        _route("pdf.url", SCHEMA.contentUrl),
    ]
)


def predicates(field: str) -> tuple[URIRef, ...]:
    """The predicates a record field is written with."""
    return CROSSWALK[field].predicates
