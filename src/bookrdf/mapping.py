"""Book -> triples. Pure: no I/O. The terms come from the crosswalk; the IRIs from the minter."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from rdflib.namespace import DCTERMS, RDF, XSD

from bookrdf.crosswalk import CROSSWALK
from bookrdf.identity import contributor_iri_text, name_keys, person_iri, person_key
from bookrdf.model import Book, Chapter, Contributor, entry_kinds
from bookrdf.rows import (
    SHORT,
    BookGraph,
    Lit,
    Row,
    Subject,
    Term,
    Triple,
    lit,
    rdflib_term,
    rdflib_triple,
)
from bookrdf.vocab import (
    BOOK_FORMATS,
    KINDS,
    MATTER_TERMS,
    SCHEMA,
    Minter,
    doi_iri,
    safe_iri,
)

# The rows' types are part of the mapping's API: most callers import them from here.
__all__ = [
    "PDF_MEDIA_TYPE",
    "BookGraph",
    "Lit",
    "Row",
    "Subject",
    "Term",
    "Triple",
    "lit",
    "map_book",
    "name_keys",
    "person_iri",
    "person_key",
    "rdflib_term",
    "rdflib_triple",
    "to_rows",
    "to_triples",
]


def map_book(book: Book, minter: Minter | None = None) -> BookGraph:
    """One book's triples, ready to validate, write or load."""
    minter = minter or Minter()
    made = _collect(book, minter)
    return BookGraph(
        book_id=book.id,
        work=minter.work(book.id),
        graph=minter.graph(book.id),
        rows=made.items,
        subjects=made.subjects,
    )


_DATE_TYPES = {"year": str(XSD.gYear), "month": str(XSD.gYearMonth), "day": str(XSD.date)}
_INTEGER = str(XSD.integer)
_RFC5646 = str(DCTERMS.RFC5646)
_IMT = str(DCTERMS.IMT)
_ROLE_LISTS = {
    "author": "authors",
    "editor": "editors",
    "translator": "others",
    "contributor": "others",
}
_LIST_FIELDS = {
    "authors": "book.contributors.order[author]",
    "editors": "book.contributors.order[editor]",
    "others": "book.contributors.order[other]",
    "contributors": "book.contributors.order[all]",
}
_ITEM_FIELDS = {"editions": "book.isbn.order", "subjects": "book.subjects.order"}
PDF_MEDIA_TYPE = "application/pdf"


class _Triples:
    """Collects one book's distinct triples in the order they are made, and by subject."""

    __slots__ = ("items", "subjects")

    def __init__(self) -> None:
        self.items: list[Row] = []
        self.subjects: dict[str, Subject] = {}

    def add(self, subject: str, crosswalk_field: str, obj: str | Lit | None) -> None:
        """The statements one record field makes: one per predicate the crosswalk gives it."""
        # Subject.put inlined: this runs for every triple. Subjects and IRI objects are plain
        # str here (a URIRef hashes and compares in Python, slowly).
        if obj is None:
            return
        node = self.subjects.get(subject)
        if node is None:
            node = self.subjects[subject] = Subject(subject)
        values = node.values
        for predicate in _PREDICATES[crosswalk_field]:
            if predicate == _RDF_TYPE:
                if obj in node.types:
                    continue
                node.types.append(obj)  # type: ignore[arg-type]
            else:
                found = values.get(predicate)
                if found is None:
                    values[predicate] = [obj]
                elif len(found) >= SHORT:
                    if not node.put_long(predicate, obj):
                        continue
                elif obj in found:
                    continue
                else:
                    found.append(obj)
            self.items.append((subject, predicate, obj))

    def add_type(self, subject: str, *classes: str) -> None:
        for cls in classes:
            self.put(subject, _RDF_TYPE, cls)

    def put(self, subject: str, predicate: str, obj: str | Lit) -> None:
        node = self.subjects.get(subject)
        if node is None:
            node = self.subjects[subject] = Subject(subject)
        if node.put(predicate, obj):
            self.items.append((subject, predicate, obj))


_RDF_TYPE = str(RDF.type)
# The crosswalk as plain strings, looked up for every statement the mapping makes.
_PREDICATES: dict[str, tuple[str, ...]] = {
    name: tuple(str(p) for p in route.predicates) for name, route in CROSSWALK.items()
}


def to_triples(book: Book, minter: Minter | None = None) -> list[Triple]:
    """All triples of one book in rdflib terms: the work, its editions, contributors, publisher
    and chapters."""
    return [rdflib_triple(row) for row in to_rows(book, minter)]


def to_rows(book: Book, minter: Minter | None = None) -> list[Row]:
    """All rows of one book, distinct, in the order they are made (deterministic)."""
    return _collect(book, minter or Minter()).items


# The vocabulary's terms as plain str, for the same reason as the minter's `*_iri` methods.
_BOOK, _ORGANIZATION, _PERSON = str(SCHEMA.Book), str(SCHEMA.Organization), str(SCHEMA.Person)
_CHAPTER, _MEDIA_OBJECT = str(SCHEMA.Chapter), str(SCHEMA.MediaObject)
_LIST_ITEM = str(SCHEMA.ListItem)
_FORMATS = {name: str(term) for name, term in BOOK_FORMATS.items()}
_KIND_TERMS = {
    name: (str(kind.term), str(kind.subclass) if kind.subclass else None)
    for name, kind in KINDS.items()
}
_MATTERS = {name: str(term) for name, term in MATTER_TERMS.items()}
_RDF_NIL = str(RDF.nil)


def _collect(book: Book, minter: Minter) -> _Triples:
    out = _Triples()
    work = minter.work_iri(book.id)
    lang = book.language
    out.add_type(work, _BOOK)
    out.add(work, "book.title", _text(book.title, lang))
    if book.subtitle:
        out.add(work, "book.subtitle", _text(book.subtitle, lang))
        out.add(work, "book.full_title", _text(f"{book.title}: {book.subtitle}", lang))
    names = name_keys(book)
    named: dict[str, str] = {}  # person IRI -> the name it was first given in this book
    _add_contributors(out, minter, book.id, work, book.contributors, names, named)
    if book.publisher:
        org = minter.organization_iri(book.publisher.name, book.publisher.place)
        out.add(work, "book.publisher", org)
        out.add_type(org, _ORGANIZATION)
        out.add(org, "publisher.name", Lit(book.publisher.name))
        out.add(org, "publisher.place", _text(book.publisher.place, None))
    if book.published:
        date_type = _DATE_TYPES[book.published.precision]
        out.add(work, "book.published", Lit(book.published.text, None, date_type))
    if lang:
        out.add(work, "book.language", Lit(lang, None, _RFC5646))
        out.add(work, "book.language.text", Lit(lang))
    out.add(work, "book.description", _text(book.description, lang))
    _add_doi(out, work, book.doi)
    out.add(work, "book.url", _safe(book.url))
    subjects: list[str | Lit] = []
    for subject in book.subjects:
        if subject.startswith(("http://", "https://")):
            subjects.append(str(safe_iri(subject)))
            out.add(work, "book.subjects.iri", subjects[-1])
        else:
            subjects.append(Lit(subject, lang.lower() if lang else None))
            out.add(work, "book.subjects", subjects[-1])
    _add_items(out, minter, work, "subjects", subjects)
    out.add(work, "book.license", _safe(book.license))
    editions = [minter.edition_iri(isbn.value) for isbn in book.isbns]
    for isbn, edition in zip(book.isbns, editions, strict=True):
        out.add(work, "book.isbn", edition)
        out.add(edition, "edition", work)
        out.add_type(edition, _BOOK)
        out.add(edition, "edition.name", _text(book.title, lang))
        out.add(edition, "edition.isbn", Lit(isbn.value))
        out.add(edition, "edition.urn", Lit(f"urn:isbn:{isbn.value}"))
        out.add(edition, "edition.format", _FORMATS[isbn.format] if isbn.format else None)
    _add_items(out, minter, work, "editions", editions)
    kinds = entry_kinds(book)
    for position, (chapter, (kind, matter)) in enumerate(zip(book.chapters, kinds, strict=True), 1):
        _add_chapter(out, minter, book, work, position, chapter, kind, matter, names, named)
    return out


def _safe(iri: str | None) -> str | None:
    return str(safe_iri(iri)) if iri else None


def _add_chapter(
    out: _Triples,
    minter: Minter,
    book: Book,
    work: str,
    position: int,
    chapter: Chapter,
    kind: str | None,
    matter: str | None,
    names: Mapping[str, str],
    named: dict[str, str],
) -> None:
    node = minter.chapter_iri(book.id, position)
    lang = book.language
    out.add_type(node, _CHAPTER)
    out.add(work, "book.chapters", node)
    out.add(node, "chapter.book", work)
    out.add(node, "chapter.position", _position(position))
    out.add(node, "chapter.title", _text(chapter.title, lang))
    out.add(node, "chapter.label", _text(chapter.label, None))
    if chapter.pages:
        out.add(node, "chapter.pages.start", Lit(chapter.pages.start))
        out.add(node, "chapter.pages.end", Lit(chapter.pages.end))
        out.add(node, "chapter.pages", Lit(chapter.pages.pagination))
    if kind:
        term, subclass = _KIND_TERMS[kind]
        out.add(node, "chapter.kind", term)
        out.add(node, "chapter.kind.class", subclass)
    elif matter:
        out.add(node, "chapter.inferred_matter", _MATTERS[matter])
    out.add(node, "chapter.excerpt", _text(chapter.excerpt, lang))
    _add_contributors(out, minter, book.id, node, chapter.contributors, names, named)
    _add_doi(out, node, chapter.doi)
    if chapter.pdf:
        pdf = minter.pdf_iri(book.id, position)
        out.add(node, "chapter.pdf", pdf)
        out.add_type(pdf, _MEDIA_OBJECT)
        out.add(pdf, "pdf.chapter", node)
        out.add(pdf, "pdf.format", _PDF_FORMAT)
        out.add(pdf, "pdf.format.text", _PDF_TEXT)
        out.add(pdf, "pdf.size", _text(chapter.pdf.size, None))
        out.add(pdf, "pdf.url", _safe(chapter.pdf.url))


def _add_contributors(
    out: _Triples,
    minter: Minter,
    book_id: str,
    owner: str,
    people: Sequence[Contributor],
    names: Mapping[str, str],
    named: dict[str, str],
) -> None:
    lists: dict[str, list[str]] = {}
    everyone: list[str] = []
    for person in people:
        node = contributor_iri_text(minter, book_id, person, names)
        out.add(owner, f"book.contributors[{person.role}]", node)
        # An organisation (a corporate body, a meeting) takes the same roles as a person, but
        # is a schema:Organization and has no given or family name.
        entity = "organization" if person.is_organization else "person"
        out.add(node, "contributor.kind", _ORGANIZATION if person.is_organization else _PERSON)
        # One identified person printed two ways ("Andrei N. Lankov", in a chapter "A. Lankov"):
        # the first is the name, the others are other names, so the node never has two names.
        if named.setdefault(node, person.name) == person.name:
            out.add(node, f"{entity}.name", Lit(person.name))
            if not person.is_organization:
                out.add(node, "person.given_name", _text(person.given_name, None))
                out.add(node, "person.family_name", _text(person.family_name, None))
        else:
            out.add(node, f"{entity}.alternate_name", Lit(person.name))
        for uri in person.identifiers.uris():
            out.add(node, f"{entity}.identifiers", str(uri))
        lists.setdefault(_ROLE_LISTS[person.role], []).append(node)
        everyone.append(node)
    for name, members in lists.items():
        _add_list(out, minter, owner, name, members)
    # The role lists keep order within a role only; across roles it is data when there are two
    # role lists or more (an editor named before the authors), so one more list keeps it.
    if len(lists) > 1:
        _add_list(out, minter, owner, "contributors", everyone)


def _add_list(out: _Triples, minter: Minter, owner: str, name: str, members: Sequence[str]) -> None:
    """An rdf:List whose cells are IRIs, so reloading never duplicates blank nodes."""
    cells = [minter.list_cell_iri(owner, name, i) for i, _ in enumerate(members, 1)]
    if not cells:
        return
    out.add(owner, _LIST_FIELDS[name], cells[0])
    for cell, member, rest in zip(cells, members, [*cells[1:], _RDF_NIL], strict=True):
        out.put(cell, _RDF_FIRST, member)
        out.put(cell, _RDF_REST, rest)


_RDF_FIRST = str(RDF.first)
_RDF_REST = str(RDF.rest)


def _add_items(
    out: _Triples, minter: Minter, owner: str, name: str, members: Sequence[str | Lit]
) -> None:
    """A schema:ListItem per member, with its schema:position, where order is data (two members
    or more). Not an rdf:List: the contract keeps rdf:first for people; and not a position on
    the member: an edition (`{base}isbn/…`) may be described by other books too."""
    if len(members) < 2:
        return
    for position, member in enumerate(members, 1):
        item = minter.list_item_iri(owner, name, position)
        out.add(owner, _ITEM_FIELDS[name], item)
        out.add_type(item, _LIST_ITEM)
        out.add(item, "list_item.position", _position(position))
        out.add(item, "list_item.name" if type(member) is Lit else "list_item.item", member)


def _add_doi(out: _Triples, node: str, doi: str | None) -> None:
    if doi is None:
        return
    iri = doi_iri(doi)
    out.add(node, "book.doi", Lit(doi))
    out.add(node, "book.doi.iri", iri)
    out.add(node, "book.identifier", Lit(iri))


def _text(value: str | None, lang: str | None) -> Lit | None:
    if value is None:
        return None
    # Language tags are case-insensitive; lower case is the form RDF tools normalise to.
    return Lit(value, lang.lower() if lang else None)


@lru_cache(maxsize=1 << 10)
def _position(position: int) -> Lit:
    return Lit(str(position), None, _INTEGER)


_PDF_FORMAT = Lit(PDF_MEDIA_TYPE, None, _IMT)
_PDF_TEXT = Lit(PDF_MEDIA_TYPE)
