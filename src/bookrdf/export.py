"""RDF that bookrdf published -> Books again, read by SPARQL through the inverted crosswalk.

A field's values are the objects present under *every* predicate the crosswalk gives it
(`book.subjects`: dcterms:subject and schema:keywords), so fields that share a predicate come
apart again. Order comes from what the mapping writes where order is data: contributors from
bookrdf:contributorsInOrder (else from the role lists: authors, editors, then the others),
ISBNs and subjects from their schema:ListItem positions (else sorted: fewer than two, or RDF
written before those were). A record's kind comes from the chapter's bookrdf subclass
(title-page, notes) or its DoCO/DEO class; one the label or title tells already is not repeated.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import RDF

from bookrdf.crosswalk import predicates
from bookrdf.errors import InputError
from bookrdf.model import Book, Chapter, Identifiers, told_kind
from bookrdf.records import parse_record
from bookrdf.store import memory_store
from bookrdf.vocab import BOOK_FORMATS, KINDS, SCHEMA, Minter

Node = dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]]
Term = ox.NamedNode | ox.BlankNode | ox.Literal

_FORMATS = {str(term): name for name, term in BOOK_FORMATS.items()}
# DoCO has one class for several record kinds: without a bookrdf subclass, the generic kind.
_KIND_NAMES = {str(kind.term): name for name, kind in KINDS.items()} | {
    str(KINDS[name].term): name for name in ("front-matter", "back-matter")
}
_SUBCLASS_KINDS = {str(kind.subclass): name for name, kind in KINDS.items() if kind.subclass}
# The IRIs the model writes for identifiers ('https://orcid.org/…'), read back.
_SCHEMES = ("orcid", "isni", "viaf", "wikidata")
_ID_PREFIXES = {s: Identifiers(**{s: "@"}).uris()[0].removesuffix("@") for s in _SCHEMES}
_LISTS = (
    ("book.contributors.order[author]", ("author",)),
    ("book.contributors.order[editor]", ("editor",)),
    ("book.contributors.order[other]", ("translator", "contributor")),
)
_ROLES = ("author", "editor", "translator", "contributor")
_ORGANIZATION = ox.NamedNode(str(SCHEMA.Organization))


def books_from_rdf(paths: Sequence[Path], minter: Minter | None = None) -> Iterator[Book]:
    """Every bookrdf book in RDF files (ttl, nt, nq, jsonld…), rebuilt as a Book."""
    minter = minter or Minter()
    store = memory_store(paths, minter.base)
    yield from books_from_store(store.oxigraph, minter, ", ".join(str(p) for p in paths))


def books_from_store(
    store: ox.Store, minter: Minter | None = None, source: str = "store"
) -> Iterator[Book]:
    """Every bookrdf book in a pyoxigraph store (all graphs), rebuilt as a Book."""
    minter = minter or Minter()
    ids = book_ids(store, minter)
    if not ids:
        raise InputError(
            f"{source}: holds no book under {minter.base}book/; give the --base IRI the books "
            "were published with"
        )
    for book_id in ids:
        reader = _Reader(store, _own_graph(store, minter.graph(book_id)))
        yield parse_record(reader.book(str(minter.work(book_id)), book_id), source)


def _own_graph(store: ox.Store, graph: URIRef) -> ox.NamedNode | None:
    """The book's named graph, when the store has it: nodes books share (a publisher, an
    edition) hold each book's own facts there, where the union holds every book's."""
    node = ox.NamedNode(str(graph))
    return node if store.contains_named_graph(node) else None


def book_ids(store: ox.Store, minter: Minter) -> list[str]:
    """The ids of the works in a store: '{base}book/{id}' IRIs typed schema:Book."""
    prefix = f"{minter.base}book/"
    query = (
        f"SELECT DISTINCT ?work WHERE {{ ?work a <{SCHEMA.Book}> "
        f"FILTER(STRSTARTS(STR(?work), {ox.Literal(prefix)})) }}"
    )
    found = (row["work"].value[len(prefix) :] for row in _select(store, query, {}))
    return sorted(unquote(rest) for rest in found if rest and "/" not in rest)


def _select(
    store: ox.Store, query: str, bindings: dict[str, Term], graph: ox.NamedNode | None = None
) -> Iterator[ox.QuerySolution]:
    solutions = store.query(
        query,
        use_default_graph_as_union=graph is None,
        default_graph=graph,
        substitutions={ox.Variable(name): term for name, term in bindings.items()},
    )
    assert isinstance(solutions, ox.QuerySolutions)
    yield from solutions


class _Reader:
    """Reads nodes' triples from a store and turns them into record fields."""

    def __init__(self, store: ox.Store, graph: ox.NamedNode | None = None) -> None:
        self.store = store
        self.graph = graph  # the book's own graph; None: every graph

    def node(self, subject: Term | None) -> Node:
        """The objects of a subject's triples, by predicate IRI, without repeats."""
        out: Node = {}
        if not isinstance(subject, ox.NamedNode | ox.BlankNode):
            return out
        for row in _select(
            self.store, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", {"s": subject}, self.graph
        ):
            objects = out.setdefault(row["p"].value, [])
            if row["o"] not in objects:
                objects.append(row["o"])
        return out

    def book(self, work: str, book_id: str) -> dict[str, Any]:
        node = self.node(ox.NamedNode(work))
        publisher = self.node(_first(node, "book.publisher"))
        editions = _values(node, "book.isbn")
        listed = [_first(item, "list_item.item") for item in self.items(node, "book.isbn.order")]
        isbns = [_isbn(self.node(e)) for e in listed if e in editions]
        unlisted = (_isbn(self.node(e)) for e in editions if e not in listed)
        isbns += sorted(unlisted, key=lambda isbn: isbn["value"])
        chapters = [self.node(c) for c in _values(node, "book.chapters")]
        chapters.sort(key=lambda ch: int(_text(ch, "chapter.position") or 0))
        return _compact(
            {
                "id": book_id,
                "title": _text(node, "book.title"),
                "subtitle": _text(node, "book.subtitle"),
                "contributors": self.people(node),
                "publisher": _compact(
                    {
                        "name": _text(publisher, "publisher.name"),
                        "place": _text(publisher, "publisher.place"),
                    }
                ),
                "published": _text(node, "book.published"),
                "language": _text(node, "book.language"),
                "description": _text(node, "book.description"),
                "isbn": isbns,
                "doi": _text(node, "book.doi"),
                "url": _text(node, "book.url"),
                "subjects": self.subjects(node),
                "license": _text(node, "book.license"),
                "chapters": [self.chapter(ch) for ch in chapters],
            }
        )

    def chapter(self, node: Node) -> dict[str, Any]:
        pdf = self.node(_first(node, "chapter.pdf"))
        label, title = _text(node, "chapter.label"), _text(node, "chapter.title")
        out = {
            "label": label,
            "title": title,
            "pages": _text(node, "chapter.pages"),
            "contributors": self.people(node),
            "pdf": _compact({"size": _text(pdf, "pdf.size"), "url": _text(pdf, "pdf.url")})
            if pdf
            else None,
            "excerpt": _text(node, "chapter.excerpt"),
            "doi": _text(node, "book.doi"),
        }
        kind = _kind(node)
        # The mapping writes the kind a label or title tells too; only another one is the record's.
        if kind != told_kind(Chapter(label=label, title=title)):
            out["kind"] = kind
        return _compact(out)

    def subjects(self, work: Node) -> list[str]:
        """The work's subjects in the record's order: by their list items' positions."""
        items = self.items(work, "book.subjects.order")
        if items:
            return [_text(i, "list_item.item") or _text(i, "list_item.name") or "" for i in items]
        fields = ("book.subjects", "book.subjects.iri")
        return sorted(t.value for f in fields for t in _values(work, f))

    def items(self, owner: Node, field: str) -> list[Node]:
        """The schema:ListItems of one of the owner's lists, by position."""
        items = [self.node(item) for item in _values(owner, field)]
        return sorted(items, key=lambda item: int(_text(item, "list_item.position") or 0))

    def people(self, owner: Node) -> list[dict[str, Any]]:
        """The owner's contributors in order, each with the role of the list it is next in."""
        lists = [(roles, self.members(_first(owner, route))) for route, roles in _LISTS]
        everyone = self.members(_first(owner, "book.contributors.order[all]"))
        taken = [0] * len(lists)
        out = []
        for member in everyone or [m for _, members in lists for m in members]:
            # The list whose next member this is gives the role (one person may have two).
            found = next(
                (i for i, (_, ms) in enumerate(lists) if ms[taken[i] :][:1] == [member]), None
            )
            roles = _ROLES if found is None else lists[found][0]
            if found is not None:
                taken[found] += 1
            role = next(
                (r for r in roles if member in _values(owner, f"book.contributors[{r}]")), roles[0]
            )
            out.append(self.person(self.node(member), role))
        return out

    def members(self, cell: Term | None) -> list[Term]:
        """The members of an rdf:List, in order."""
        out: list[Term] = []
        seen: set[str] = set()
        while isinstance(cell, ox.NamedNode | ox.BlankNode) and str(cell) not in seen:
            seen.add(str(cell))
            node = self.node(cell)
            out.extend(node.get(str(RDF.first), [])[:1])
            rest = node.get(str(RDF.rest))
            cell = rest[0] if rest else None
        return out

    def person(self, node: Node, role: str) -> dict[str, Any]:
        """A contributor's record fields: a person's, or an organisation's (its type says)."""
        organization = _ORGANIZATION in node.get(str(RDF.type), [])
        entity = "organization" if organization else "person"
        ids = {}
        for iri in _values(node, f"{entity}.identifiers"):
            for scheme, prefix in _ID_PREFIXES.items():
                if iri.value.startswith(prefix):
                    ids[scheme] = iri.value[len(prefix) :]
        return _compact(
            {
                "name": _text(node, f"{entity}.name"),
                "kind": "organization" if organization else None,
                "role": role,
                "given_name": None if organization else _text(node, "person.given_name"),
                "family_name": None if organization else _text(node, "person.family_name"),
                "identifiers": ids,
            }
        )


def _values(node: Node, field: str) -> list[Term]:
    """The objects under every predicate the crosswalk writes a field with."""
    first, *others = (node.get(str(p), []) for p in predicates(field))
    return [term for term in first if all(term in other for other in others)]


def _first(node: Node, field: str) -> Term | None:
    """A single-valued field's value (the least, should the RDF hold several)."""
    values = sorted(_values(node, field), key=str)
    return values[0] if values else None


def _text(node: Node, field: str) -> str | None:
    value = _first(node, field)
    return value.value if value is not None else None


def _kind(chapter: Node) -> str | None:
    """The kind a chapter's bookrdf subclass or DoCO/DEO class names."""
    for term in _values(chapter, "chapter.kind.class"):
        if term.value in _SUBCLASS_KINDS:
            return _SUBCLASS_KINDS[term.value]
    kind = _first(chapter, "chapter.kind")
    return _KIND_NAMES.get(kind.value) if kind is not None else None


def _isbn(edition: Node) -> dict[str, str]:
    """An edition's ISBN and format."""
    term = _first(edition, "edition.format")
    name = _FORMATS.get(term.value) if term is not None else None
    return {"value": _text(edition, "edition.isbn") or ""} | ({"format": name} if name else {})


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}
