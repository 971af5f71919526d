"""Books validated many at a time, each still getting exactly the results it gets alone.

Validating one graph of many books is cheap per book, but a node two books share can make
them interact: two records naming the same publisher with different places give it two
places, and a shared ISBN gives its edition two works. So books are put together only when,
for every node (IRI or blank node) they both mention,

- both books say the same about it (the same triples with it as subject, or none), and
- neither book reaches it backwards, as the object of a predicate some shape follows from
  object to subject (sh:inversePath, rdfs:subClassOf for class targets, a SPARQL pattern).

Then every shape, whose targets are subjects of triples and whose paths lead forward from its
focus node, sees the same triples from each book's nodes as it would in that book alone: a
result about a node belongs to every book that mentions the node, and to no other. A book
that conflicts with the group so far starts (or joins) another group of the same window.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from rdflib import Literal
from rdflib.term import Node

from bookrdf.mapping import BookGraph
from bookrdf.model import Book
from bookrdf.validation.engine import Engine
from bookrdf.validation.found import Found
from bookrdf.validation.index import IndexedGraph, IndexStore, Spo, book_index
from bookrdf.validation.sparql import OxigraphData, SparqlRun

# The default number of books validated together (benchmarks/bench_validate.py measures it).
BATCH_SIZE = 50


@dataclass
class Entry:
    """One book in a window: its index, the nodes it mentions, those it reaches backwards."""

    graph: BookGraph
    book: Book | None
    spo: Spo
    size: int
    mentions: set[Node]
    reached_back: set[Node]
    sparql: OxigraphData | None
    _said: dict[Node, frozenset[tuple[Node, Node]]] = field(default_factory=dict)

    def said(self, node: Node) -> frozenset[tuple[Node, Node]]:
        """The (predicate, object) pairs the book gives a node."""
        if node not in self._said:
            pairs = self.spo.get(node, {})
            self._said[node] = frozenset((p, o) for p, objects in pairs.items() for o in objects)
        return self._said[node]


def entry(engine: Engine, graph: BookGraph, book: Book | None, iris: dict[str, Node]) -> Entry:
    """A book, indexed for grouping (and its SPARQL triples converted for Oxigraph); `iris`
    holds one instance of each IRI of the window (see book_index)."""
    spo, size = book_index(graph.triples, iris)
    mentions = set(spo)
    mentions.update(
        o
        for by_predicate in spo.values()
        for objects in by_predicate.values()
        for o in objects
        if not isinstance(o, Literal)
    )
    reached_back = {
        o
        for by_predicate in spo.values()
        for p in engine.inverse_predicates
        for o in by_predicate.get(p, ())
        if not isinstance(o, Literal)
    }
    sparql = OxigraphData()
    portable = sparql.add_book(_chosen(spo, engine.sparql_predicates))
    return Entry(graph, book, spo, size, mentions, reached_back, sparql if portable else None)


def _chosen(spo: Spo, predicates: Iterable[Node] | None) -> Iterator[tuple[Node, Node, Node]]:
    """The triples with the given predicates (all, for None)."""
    for s, by_predicate in spo.items():
        for p in by_predicate if predicates is None else predicates:
            for o in by_predicate.get(p, ()):
                yield s, p, o


@dataclass
class Group:
    """Books validated as one graph."""

    entries: list[Entry] = field(default_factory=list)
    first: dict[Node, Entry] = field(default_factory=dict)  # node -> first book mentioning it
    shared: dict[Node, list[Entry]] = field(default_factory=dict)  # node -> every such book
    reached_back: set[Node] = field(default_factory=set)

    def fits(self, new: Entry) -> bool:
        """Whether a book can join without any book's results changing."""
        for node in new.mentions:
            other = self.first.get(node)
            if other is None:
                continue
            if node in self.reached_back or node in new.reached_back:
                return False
            if other.said(node) != new.said(node):
                return False
        return True

    def add(self, new: Entry) -> None:
        self.entries.append(new)
        for node in new.mentions:
            other = self.first.setdefault(node, new)
            if other is not new:
                self.shared.setdefault(node, [other]).append(new)
        self.reached_back |= new.reached_back

    def owners(self, node: Node) -> list[Entry]:
        """The books that mention a node."""
        if node in self.shared:
            return self.shared[node]
        return [self.first[node]] if node in self.first else []


def groups(entries: Iterable[Entry], together: bool) -> list[Group]:
    """Entries grouped (each in the first group it fits); apart when `together` is False.

    A book whose SPARQL triples must be read by rdflib is validated on its own, so that only
    its SPARQL constraints take that slower road.
    """
    found: list[Group] = []
    for new in entries:
        if together and new.sparql is not None:
            home = next((g for g in found if g.entries[0].sparql and g.fits(new)), None)
            if home is not None:
                home.add(new)
                continue
        group = Group()
        group.add(new)
        found.append(group)
    return found


def run_group(engine: Engine, group: Group) -> tuple[IndexedGraph, list[tuple[Entry, Found]]]:
    """Validates a group's books as one graph; each result with the book(s) it belongs to."""
    graph = IndexedGraph(index=_group_index(group))
    data: OxigraphData | None = None
    if all(e.sparql is not None for e in group.entries):
        data = OxigraphData()
        for e in group.entries:
            assert e.sparql is not None
            data.lines += e.sparql.lines
    found = engine.run(graph, SparqlRun(data))
    if len(group.entries) == 1:
        (only,) = group.entries
        return graph, [(only, f) for f in found]
    owned: list[tuple[Entry, Found]] = []
    for result in found:
        owners = group.owners(result.focus)
        # targets are subjects of the data (Engine.batchable), so some book mentions the focus
        assert owners, f"a result on {result.focus!r}, which no book of the batch mentions"
        owned.extend((owner, result) for owner in owners)
    return graph, owned


def _group_index(group: Group) -> IndexStore:
    if len(group.entries) == 1:
        only = group.entries[0]
        return IndexStore(dict(only.spo), only.size)
    spo: Spo = {}
    for e in group.entries:
        for node, by_predicate in e.spo.items():
            # a node several books describe: they all say the same of it (Group.fits)
            spo.setdefault(node, by_predicate)
    return IndexStore(spo, None)


Item = tuple[BookGraph, Book | None]


def windows(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    """The items, `size` at a time."""
    window: list[Item] = []
    for item in items:
        window.append(item)
        if len(window) >= size:
            yield window
            window = []
    if window:
        yield window
