"""Which graph(s) each line of a dump goes to, on terms as text: `files._Router` for `lines`.

`Links` notes, in the first pass, which books link to which of our shared IRIs (editions,
publishers, identified people) and gives each subject its graphs; `Writer` writes, in the
second pass, each line followed by its graph(s) as N-Quads text. What must be remembered
across the file is on disk (`owners.Owners`); memory holds the recent part of it.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from bookrdf.store.owners import Owners, iri_value

_RECENT = 1 << 14  # lines of shared IRIs known to be written, held in memory
_RECENT_IRIS = 1 << 10  # shared IRIs whose line ends are held in memory
_HELD = 1 << 16  # pieces of routed text held before they are given out (about 5 MB)

# (subject, predicate, object, graph): the graph is b"" for the default graph
Row = tuple[bytes, bytes, bytes, bytes]


class Unusual(Exception):
    """A file the text route cannot read as Oxigraph does (`read_quads` reads it)."""


@dataclass(frozen=True)
class Routed:
    """A block of routed N-Quads: the text, its number of quads, the graphs it names first
    (none when routed with `name_graphs=False`)."""

    nquads: bytes
    quads: int
    graphs: list[str]


class Links:
    """`files._Router` for terms as text (IRIs as `<value>`): the graph(s) of each subject."""

    def __init__(self, base: str, fallback: ox.NamedNode, owners: Owners) -> None:
        self.base = f"<{base}".encode()
        self.books = f"<{base}book/".encode()
        self.fallback = str(fallback).encode()
        # our IRIs outside any book (editions, publishers, identified people) -> book graphs
        self.owners = owners
        ours = re.escape(self.base)
        book = ours + rb"book/[^/#> \n][^ \n>]*>"  # an IRI inside a book
        shared = ours + rb"(?!book/[^/#> \n])[^ \n>]*>"  # one of ours outside any book
        self._shared_object = re.compile(rb" (%b) +\.\n" % shared)
        self._book_object = re.compile(rb"\n(%b) +[^ \n]+ +(%b) +\.(?=\n)" % (shared, book))

    def book_graph(self, term: bytes) -> bytes | None:
        """'<{base}book/ID/…>' -> '<{base}book/ID/graph>'."""
        return _book_graph(self.books, term) if term.startswith(self.books) else None

    def observe_plain(self, text: bytes) -> None:
        """First pass, plain block: the lines linking a book and a shared IRI."""
        for match in self._shared_object.finditer(text):
            start = text.rfind(b"\n", 0, match.start()) + 1
            book = self.book_graph(text[start : text.index(b" ", start)])
            if book:
                self.owners.add(match[1], book)
        for shared, book in self._book_object.findall(b"\n" + text):
            graph = self.book_graph(book)
            assert graph, "the expression matches book IRIs only"
            self.owners.add(shared, graph)

    def observe(self, rows: list[Row]) -> None:
        """First pass, other block: the links between books and shared IRIs, either way."""
        base = self.base
        for s, _, o, g in rows:
            if b"\\" in s or b"\\" in g or g.startswith(b"_:") or (o[0] == 60 and b"\\" in o):
                raise Unusual  # escaped IRIs are not routed as text; read_quads needs IRI graphs
            if g or not (o.startswith(base) and s.startswith(base)):
                continue
            subject_book, object_book = self.book_graph(s), self.book_graph(o)
            if subject_book and not object_book:
                self.owners.add(o, subject_book)
            elif object_book and not subject_book:
                self.owners.add(s, object_book)

    def graphs(self, subject: bytes) -> tuple[list[bytes], bool]:
        """Second pass: the graphs a default-graph triple goes to, and whether through owners."""
        graph = self.book_graph(subject)
        if graph:
            return [graph], False
        owners = self.owners.of(subject)  # sorted as read_quads sorts them
        return (owners, True) if owners else ([self.fallback], False)


@lru_cache(maxsize=1 << 10)
def _book_graph(books: bytes, term: bytes) -> bytes | None:
    """The book graph of an IRI under '<{base}book/' (cached: a book's IRIs come together)."""
    book_id = term[len(books) : -1].split(b"/", 1)[0].split(b"#", 1)[0]
    return b"%b%b/graph>" % (books, book_id) if book_id else None


class Writer:
    """Second pass: N-Quads lines with their graphs, blank node labels made unique to a file."""

    def __init__(self, links: Links, label: str, *, name_graphs: bool = True) -> None:
        self.links = links
        self.name_graphs = name_graphs  # list each graph where it is first named (`Routed`)
        self.blank_prefix = f"_:{label}_".encode()
        self.seen: set[bytes] = set()  # graphs named so far
        # the line ends of the shared IRIs met last (a publisher's come with each of its books)
        self._owned_ends: OrderedDict[bytes, list[bytes]] = OrderedDict()
        # the lines met last of shared IRIs that several books own (see `_first_time`)
        self._written: OrderedDict[bytes, None] = OrderedDict()
        self._subject, self._starts = b"", b"\n"  # the last subject, and b"{subject} "
        self._ends: list[bytes] = []  # b" <graph> .\n" for each graph of the last subject
        self._distinct = False  # the last subject's lines are written once (`_first_time`)
        self.quads = 0  # held in `_out`
        # the text held: a block's, or less when a publisher's lines go to many books' graphs
        self._out: list[bytes] = []
        self._new: list[str] = []  # the graphs first named in `_out`
        books = re.escape(links.books)
        self._other_subject = re.compile(rb"\n(?!%b)" % books)  # ends a run of book lines

    def plain_block(self, text: bytes) -> Iterator[Routed]:
        """A plain block as N-Quads text: runs of lines about books, and the lines between;
        in pieces when it holds more than `_HELD` (see `_done`)."""
        start, books = 0, self.links.books
        while start < len(text):
            if text.startswith(books, start):
                found = self._other_subject.search(text, start)
                end = found.start() + 1 if found else len(text)
                yield from self._add_book_lines(text[start:end])
            else:
                end = text.find(b"\n" + books, start) + 1 or len(text)
                yield from self._add_lines(text[start:end])
            start = end
        yield self._done()

    def _add_book_lines(self, lines: bytes) -> Iterator[Routed]:
        """Lines about books: when all are about the book of the first, one replace."""
        subject = lines[: lines.index(b" ")]
        graph = self.links.book_graph(subject)
        if graph and _all_about(lines, graph[: -len(b"/graph>")]):
            self._note(graph)
            self._out.append(lines.replace(b" .\n", b" %b .\n" % graph))
            self.quads += lines.count(b"\n")
            return
        yield from self._add_lines(lines)

    def _add_lines(self, lines: bytes) -> Iterator[Routed]:
        """Plain lines, one at a time."""
        for line in lines[:-1].split(b"\n"):
            if not line.startswith(self._starts):
                self._route(line[: line.index(b" ")])
            self._add(line[:-2])
            if len(self._out) > _HELD:
                yield self._done()

    def block(self, rows: list[Row]) -> Iterator[Routed]:
        """Rows of a block that is not plain, as N-Quads text (in pieces, as `plain_block`)."""
        for s, p, o, g in rows:
            head = b"%b %b %b" % (self._renamed(s), p, self._renamed(o))
            if g:
                self._note(g)
                self._out.append(b"%b %b .\n" % (head, g))
                self.quads += 1
                continue
            if s != self._subject:
                self._route(s)
            self._add(head)
            if len(self._out) > _HELD:
                yield self._done()
        yield self._done()

    def _done(self) -> Routed:
        """The text held, its quads (counted as written) and the graphs it names first."""
        done = Routed(b"".join(self._out), self.quads, self._new)
        self._out, self._new, self.quads = [], [], 0
        return done

    def _add(self, head: bytes) -> None:
        """`S P O` followed by each graph of its subject."""
        if self._distinct and not self._first_time(head):
            return
        out = self._out
        for end in self._ends:
            out += (head, end)
        self.quads += len(self._ends)

    def _first_time(self, head: bytes) -> bool:
        """Whether a line of a shared IRI that several books own comes for the first time.

        Such an IRI is described again in each book that owns it, and each line goes to every
        owner's graph: written every time, k owners would give k * k quads. Lines met lately
        are known here; the others are asked of the table on disk, which holds them all.
        """
        if head in self._written:
            self._written.move_to_end(head)
            return False
        self._written[head] = None
        if len(self._written) > _RECENT:
            self._written.popitem(last=False)
        return self.links.owners.first_time(head)

    def _route(self, subject: bytes) -> None:
        """Make `subject` the current one: its graphs, as line ends."""
        self._subject, self._starts = subject, subject + b" "
        ends = self._owned_ends.get(subject)
        if ends is not None:
            self._owned_ends.move_to_end(subject)  # a big publisher's stay
        else:
            graphs, owned = self.links.graphs(subject)
            for graph in graphs:
                self._note(graph)
            ends = [b" %b .\n" % graph for graph in graphs]
            if owned:
                self._owned_ends[subject] = ends
                if len(self._owned_ends) > _RECENT_IRIS:
                    self._owned_ends.popitem(last=False)
        # one owner: the line goes to one graph whatever, as a book's own lines do
        self._ends, self._distinct = ends, len(ends) > 1

    def _note(self, graph: bytes) -> None:
        if self.name_graphs and graph not in self.seen:
            self.seen.add(graph)
            self._new.append(iri_value(graph).decode())

    def _renamed(self, term: bytes) -> bytes:
        """A blank node's label made unique to this file (the label stays, behind a prefix)."""
        return self.blank_prefix + term[2:] if term.startswith(b"_:") else term


def _all_about(lines: bytes, book: bytes) -> bool:
    """Whether each line (after the first, which is) is about `book` ('<{base}book/ID')."""
    expected = lines.count(b"\n") - 1
    found = 0
    for end in (b"/", b">", b"#"):  # most lines are about '<…book/ID/…>'
        found += lines.count(b"\n%b%b" % (book, end))
        if found == expected:
            return True
    return False
