"""Namespaces, the kinds of contents entries, and IRI minting — the one place IRIs are made."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, XSD

from bookrdf.errors import ConfigError

# http, not https: the IRIs schema.org's own JSON-LD context expands to, so data written by
# other schema.org tools joins ours without owl:sameAs bridges.
SCHEMA = Namespace("http://schema.org/")
BIBO = Namespace("http://purl.org/ontology/bibo/")
DOCO = Namespace("http://purl.org/spar/doco/")
DEO = Namespace("http://purl.org/spar/deo/")
BOOKRDF = Namespace("https://w3id.org/bookrdf/ns#")

DEFAULT_BASE = "https://example.org/bookrdf/"

PREFIXES: dict[str, str] = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "owl": str(OWL),
    "schema": str(SCHEMA),
    "dcterms": str(DCTERMS),
    "bibo": str(BIBO),
    "doco": str(DOCO),
    "deo": str(DEO),
    "bookrdf": str(BOOKRDF),
}


@dataclass(frozen=True)
class Kind:
    """A kind of contents entry: its record name, its DoCO/DEO class, where it sits."""

    name: str
    term: URIRef
    matter: str  # "front", "body" or "back": DoCO's three principal parts
    # bookrdf's subclass of `term`, for a kind DoCO/DEO have no class for (ontology/bookrdf.ttl)
    subclass: URIRef | None = None


# The record's closed list of entry kinds. DoCO/DEO have no class for notes or a title page, so
# those map to the principal part they belong to, and to a bookrdf subclass of it that tells
# them apart from other front or back matter.
KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("front-matter", DOCO.FrontMatter, "front"),
        Kind("title-page", DOCO.FrontMatter, "front", BOOKRDF.TitlePage),
        Kind("dedication", DEO.Dedication, "front"),
        Kind("contents", DOCO.TableOfContents, "front"),
        Kind("list-of-figures", DOCO.ListOfFigures, "front"),
        Kind("list-of-tables", DOCO.ListOfTables, "front"),
        Kind("foreword", DOCO.Foreword, "front"),
        Kind("preface", DOCO.Preface, "front"),
        Kind("acknowledgements", DEO.Acknowledgements, "front"),
        Kind("abstract", DOCO.Abstract, "front"),
        Kind("prologue", DEO.Prologue, "body"),
        Kind("introduction", DEO.Introduction, "body"),
        Kind("chapter", DOCO.Chapter, "body"),
        Kind("part", DOCO.Part, "body"),
        Kind("conclusion", DEO.Conclusion, "body"),
        Kind("epilogue", DEO.Epilogue, "body"),
        Kind("afterword", DOCO.Afterword, "back"),
        Kind("appendix", DOCO.Appendix, "back"),
        Kind("notes", DOCO.BackMatter, "back", BOOKRDF.Notes),
        Kind("glossary", DOCO.Glossary, "back"),
        Kind("bibliography", DOCO.Bibliography, "back"),
        Kind("index", DOCO.Index, "back"),
        Kind("colophon", DOCO.Colophon, "back"),
        Kind("back-matter", DOCO.BackMatter, "back"),
    )
}

MATTER_TERMS: dict[str, URIRef] = {
    "front": DOCO.FrontMatter,
    "body": DOCO.BodyMatter,
    "back": DOCO.BackMatter,
}

BOOK_FORMATS: dict[str, URIRef] = {
    "electronic": SCHEMA.EBook,
    "hardcover": SCHEMA.Hardcover,
    "paperback": SCHEMA.Paperback,
    # schema.org's BookFormatType has no plain "print" (binding unknown): a member of our own,
    # rather than guessing Hardcover or Paperback
    "print": BOOKRDF.Print,
}

# Characters RFC 3987 allows unescaped in a path segment (ASCII part); everything else,
# including non-ASCII letters, is percent-encoded so that strict N-Triples loaders accept it.
_SEGMENT_SAFE = "-._~!$&'()*+,;=:@"
_AUTHORITY_SAFE = _SEGMENT_SAFE + "[]%"  # brackets: an IPv6 host, which the IRI check judges
_PATH_SAFE = _SEGMENT_SAFE + "/?%"  # path and query ('?' in a query is data); also a fragment


# A book's documents on the Linked Data site are its IRI plus one of these suffixes, so a book
# id may not end with one: "x.ttl" would be book x's Turtle.
DOCUMENT_SUFFIXES = ("ttl", "jsonld", "nt", "html")


def slug(text: str) -> str:
    """A readable, stable path segment for a name: 'Andrei N. Lankov' -> 'andrei-n-lankov'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", folded.lower())
    if words:
        return "-".join(words)[:120]
    # Names with no Latin letters (e.g. 金日成) keep their letters, percent-encoded.
    return quote(unicodedata.normalize("NFC", text.strip()).lower(), safe="")[:240] or "unnamed"


@lru_cache(maxsize=1 << 14)  # a book's id is encoded for each of its ~60 IRIs
def segment(text: str) -> str:
    """Percent-encode one path segment."""
    return quote(text, safe=_SEGMENT_SAFE)


def safe_iri(iri: str) -> URIRef:
    """An absolute IRI with unsafe characters percent-encoded (existing escapes kept): brackets
    outside the host, and every '#' after the one that starts the fragment, included."""
    cleaned = re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", iri)
    scheme, separator, rest = cleaned.partition("://")
    if not separator:
        return URIRef(quote(cleaned, safe=_PATH_SAFE + "#"))
    end = len(rest)
    for delimiter in "/?#":
        found = rest.find(delimiter)
        if found != -1:
            end = min(end, found)
    authority, tail = rest[:end], rest[end:]
    before, hashed, fragment = tail.partition("#")
    return URIRef(
        f"{scheme}://{quote(authority, safe=_AUTHORITY_SAFE)}{quote(before, safe=_PATH_SAFE)}"
        f"{hashed}{quote(fragment, safe=_PATH_SAFE)}"
    )


def doi_iri(doi: str) -> str:
    """A DOI's resolver IRI. A DOI is a name, not a URL: its '%', '#' and '?' are data and are
    escaped, as the DOI Handbook asks (an unescaped '#' would resolve the DOI before it)."""
    return f"https://doi.org/{quote(doi, safe=_SEGMENT_SAFE + '/')}"


def iri_refusal(text: str) -> str | None:
    """Why Oxigraph's IRI parser refuses a text as written; None when it takes it."""
    try:
        ox.NamedNode(text)
    except ValueError as err:
        return str(err)
    return None


def iri_problem(iri: str) -> str | None:
    """What makes an IRI unfit to write once made safe (a bad host or port); None when fine."""
    return iri_refusal(str(safe_iri(iri)))


def _base_problem(base: str) -> str | None:
    """What makes a base mint IRIs that RDF parsers refuse (it is used as written)."""
    refusal = iri_refusal(f"{base}book/x")
    return None if refusal is None else f"base IRI {base!r} is not a valid IRI ({refusal})"


@dataclass(frozen=True)
class Minter:
    """Mints every IRI bookrdf writes, from a base and stable keys."""

    base: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+/", self.base):
            raise ConfigError(
                f"base IRI {self.base!r} is not an http(s) IRI ending in '/'; "
                "give one like https://example.org/books/"
            )
        if "?" in self.base or "#" in self.base:
            # every IRI minted would share one document (the part before '?' or '#'): the site
            # and the server could serve none of them at its own address
            raise ConfigError(
                f"base IRI {self.base!r} has a query or fragment ('?', '#'); "
                "give a path like https://example.org/books/"
            )
        problem = _base_problem(self.base)
        if problem is not None:
            raise ConfigError(f"{problem}; give one like https://example.org/books/")

    # Each IRI twice: as a URIRef for rdflib, and as a plain str (`*_iri`) for the mapping,
    # which makes ~60 a book and keeps them as str (URIRef checks each one, in Python).
    @lru_cache(maxsize=1 << 10)  # noqa: B019 (minters are few and live as long as a run)
    def work_iri(self, book_id: str) -> str:
        return f"{self.base}book/{segment(book_id)}"

    def work(self, book_id: str) -> URIRef:
        return URIRef(self.work_iri(book_id))

    def graph(self, book_id: str) -> URIRef:
        """The named graph holding one book (its work IRI plus '/graph')."""
        return URIRef(f"{self.work_iri(book_id)}/graph")

    def chapter_iri(self, book_id: str, position: int) -> str:
        return f"{self.work_iri(book_id)}/chapter/{position}"

    def chapter(self, book_id: str, position: int) -> URIRef:
        return URIRef(self.chapter_iri(book_id, position))

    def pdf_iri(self, book_id: str, position: int) -> str:
        return f"{self.chapter_iri(book_id, position)}/pdf"

    def pdf(self, book_id: str, position: int) -> URIRef:
        return URIRef(self.pdf_iri(book_id, position))

    def edition_iri(self, isbn13: str) -> str:
        return f"{self.base}isbn/{segment(isbn13)}"

    def edition(self, isbn13: str) -> URIRef:
        return URIRef(self.edition_iri(isbn13))

    def list_cell_iri(self, owner: str, list_name: str, index: int) -> str:
        return f"{owner}/{list_name}/{index}"

    def list_cell(self, owner: URIRef, list_name: str, index: int) -> URIRef:
        return URIRef(self.list_cell_iri(owner, list_name, index))

    def list_item_iri(self, owner: str, list_name: str, position: int) -> str:
        """A schema:ListItem: a member's place in one of the owner's lists, minted under the
        owner because the member itself (an edition) may be described by other books too."""
        return f"{owner}/{list_name}/{position}"

    def list_item(self, owner: URIRef, list_name: str, position: int) -> URIRef:
        return URIRef(self.list_item_iri(owner, list_name, position))

    def person_iri(self, book_id: str, key: str) -> str:
        """A contributor: global when identified (ORCID, ISNI…), else scoped to the book."""
        return self._contributor_iri("person", book_id, key)

    def _contributor_iri(self, kind: str, book_id: str, key: str) -> str:
        """'{base}{kind}/{scheme}/{id}' when `key` is 'scheme:id', else '{work}/{kind}/{key}'."""
        if ":" in key:
            scheme, value = key.split(":", 1)
            return f"{self.base}{kind}/{scheme}/{segment(value)}"
        return f"{self.work_iri(book_id)}/{kind}/{key}"

    def person(self, book_id: str, key: str) -> URIRef:
        return URIRef(self.person_iri(book_id, key))

    def contributor_organization_iri(self, book_id: str, key: str) -> str:
        """An organisation that is a contributor, minted as a person is (global when
        identified, else scoped to the book) under its own segment, 'organization': it never
        meets a person's IRI, nor a publisher's ('{base}org/…', minted from name and place
        and carrying no identifiers), even when one body is both author and publisher."""
        return self._contributor_iri("organization", book_id, key)

    def contributor_organization(self, book_id: str, key: str) -> URIRef:
        return URIRef(self.contributor_organization_iri(book_id, key))

    def organization_iri(self, name: str, place: str | None = None) -> str:
        """A publisher by its name and, when given, its place: a press printing in two places
        is two nodes, each with its one place, so books of both never give one node two."""
        iri = f"{self.base}org/{slug(name)}"
        return f"{iri}/{slug(place)}" if place else iri

    def organization(self, name: str, place: str | None = None) -> URIRef:
        return URIRef(self.organization_iri(name, place))
