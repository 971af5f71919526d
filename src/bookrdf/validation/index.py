"""A batch of books' triples as an rdflib graph over plain dict indexes.

pyshacl's constraint components and bookrdf's SHACL engine look the same few patterns up
thousands of times per book; rdflib's memory store, built for contexts and quoted graphs,
spends most of each lookup on bookkeeping this single-graph store does not need.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from typing import Any

from rdflib import Graph, URIRef
from rdflib.store import Store
from rdflib.term import Node

Triple = tuple[Node, Node, Node]
# subject -> predicate -> objects (a dict used as an ordered set)
Spo = dict[Node, dict[Node, dict[Node, None]]]
_NO_CONTEXTS: tuple[Graph, ...] = ()
# One instance per predicate IRI (and per IRI of the shapes), so that the many dict lookups
# of a validation find their key by identity instead of calling rdflib's Python-level __eq__.
_CANONICAL: dict[Node, Node] = {}
_CANONICAL_MAX = 100_000


def canonical(term: Node) -> Node:
    """The one instance of an IRI kept for lookups (the term itself once the table is full)."""
    found = _CANONICAL.get(term)
    if found is not None:
        return found
    if len(_CANONICAL) < _CANONICAL_MAX:
        _CANONICAL[term] = term
    return term


def book_index(triples: Iterable[Triple], iris: dict[str, Node]) -> tuple[Spo, int]:
    """One book's subject -> predicate -> objects index, and its number of triples.

    Predicates are made canonical, and each IRI one instance through `iris` (kept for a batch,
    keyed by plain text: rdflib compares terms in Python, str in C): the mapping makes a new
    term for every triple, and the many lookups of a validation then find keys by identity.
    """
    spo: Spo = {}
    size = 0
    for s, p, o in triples:
        if type(s) is URIRef:
            s = iris.setdefault(str(s), s)
        if type(o) is URIRef:
            o = iris.setdefault(str(o), o)
        by_predicate = spo.get(s)
        if by_predicate is None:
            by_predicate = spo[s] = {}
        p = canonical(p)
        objects = by_predicate.get(p)
        if objects is None:
            objects = by_predicate[p] = {}
        if o not in objects:
            objects[o] = None
            size += 1
    return spo, size


class IndexStore(Store):
    """A triple store of dicts: subject -> predicate -> objects, predicate -> object -> subjects."""

    context_aware = False
    formula_aware = False
    graph_aware = False
    transaction_aware = False

    def __init__(self, spo: Spo | None = None, size: int | None = 0) -> None:
        super().__init__()
        self.spo: Spo = spo if spo is not None else {}
        self._size = size  # None: count when asked
        # predicate -> object -> subjects, built per predicate when first asked for
        self._pos: dict[Node, dict[Node, dict[Node, None]]] = {}
        self._namespaces: dict[str, URIRef] = {}
        self._prefixes: dict[URIRef, str] = {}

    def by_object(self, predicate: Node) -> dict[Node, dict[Node, None]]:
        """object -> subjects, for one predicate."""
        found = self._pos.get(predicate)
        if found is None:
            found = self._pos[predicate] = {}
            for s, by_predicate in self.spo.items():
                for o in by_predicate.get(predicate, ()):
                    found.setdefault(o, {})[s] = None
        return found

    def add(self, triple: Any, context: Any = None, quoted: bool = False) -> None:
        """Add one triple (a second copy is ignored, as in any RDF graph)."""
        s, p, o = triple
        p = canonical(p)
        by_predicate = self.spo.get(s)
        if by_predicate is None:
            by_predicate = self.spo[s] = {}
        objects = by_predicate.get(p)
        if objects is None:
            objects = by_predicate[p] = {}
        if o in objects:
            return
        objects[o] = None
        if p in self._pos:
            self._pos[p].setdefault(o, {})[s] = None
        if self._size is not None:
            self._size += 1

    def addN(self, quads: Iterable[Any]) -> None:  # noqa: N802 - rdflib's name
        for s, p, o, _context in quads:
            self.add((s, p, o))

    def remove(self, triple: Any, context: Any = None) -> None:
        for s, p, o in [t for t, _ in self.triples(triple)]:
            del self.spo[s][p][o]
            if p in self._pos:
                del self._pos[p][o][s]
            if self._size is not None:
                self._size -= 1

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[Any]:
        """Every triple matching the pattern (None matches anything), with no contexts."""
        for triple in self.match(*triple_pattern):
            yield triple, iter(_NO_CONTEXTS)

    def match(self, s: Node | None, p: Node | None, o: Node | None) -> Iterator[Triple]:
        """The triples matching a pattern, from the index that answers it directly."""
        if s is not None:
            by_predicate = self.spo.get(s, {})
            predicates = [p] if p is not None else list(by_predicate)
            for predicate in predicates:
                objects = by_predicate.get(predicate, {})
                if o is not None:
                    if o in objects:
                        yield s, predicate, o
                else:
                    for obj in list(objects):
                        yield s, predicate, obj
            return
        if p is not None:
            by_object = self.by_object(p)
            found = [o] if o is not None else list(by_object)
            for obj in found:
                for subject in list(by_object.get(obj, ())):
                    yield subject, p, obj
            return
        for subject, by_predicate in list(self.spo.items()):
            for predicate, objects in list(by_predicate.items()):
                if o is not None:
                    if o in objects:
                        yield subject, predicate, o
                else:
                    for obj in list(objects):
                        yield subject, predicate, obj

    def __len__(self, context: Any = None) -> int:
        if self._size is None:
            self._size = sum(len(o) for by_p in self.spo.values() for o in by_p.values())
        return self._size

    def contexts(self, triple: Any = None) -> Generator[Graph, None, None]:
        yield from _NO_CONTEXTS

    def bind(self, prefix: str, namespace: Any, override: bool = True) -> None:
        bound = self._namespaces.get(prefix)
        old_prefix = self._prefixes.get(namespace)
        if override or old_prefix is None:
            if bound is not None:
                self._prefixes.pop(bound, None)
            if old_prefix is not None:
                self._namespaces.pop(old_prefix, None)
            self._namespaces[prefix] = namespace
            self._prefixes[namespace] = prefix
        elif bound is None:
            self._namespaces[prefix] = namespace

    def namespace(self, prefix: str) -> URIRef | None:
        return self._namespaces.get(prefix)

    def prefix(self, namespace: Any) -> str | None:
        return self._prefixes.get(namespace)

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        yield from list(self._namespaces.items())


class IndexedGraph(Graph):
    """An rdflib Graph on an IndexStore; `objects(s, p)`, the lookup SHACL makes most, is direct."""

    def __init__(self, triples: Iterable[Triple] = (), *, index: IndexStore | None = None) -> None:
        self.index = index if index is not None else IndexStore()
        super().__init__(store=self.index)
        add = self.index.add
        for triple in triples:
            add(triple)

    def objects(  # type: ignore[override]
        self, subject: Any = None, predicate: Any = None, unique: bool = False
    ) -> Iterator[Node]:
        if subject is None or predicate is None or type(subject) is list:
            return super().objects(subject, predicate, unique)
        if not isinstance(predicate, URIRef):  # a Path: rdflib evaluates it
            return super().objects(subject, predicate, unique)
        return iter(list(self.index.spo.get(subject, {}).get(predicate, ())))
