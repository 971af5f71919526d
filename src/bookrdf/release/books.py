"""A manifest's books, read line by line into a temporary SQLite database.

A release of a million books has a manifest of ~200 MB; as Python objects its entries would take
~500 MB. Re-publishing compares every book with the previous release, so the entries are kept on
disk, by id, where memory stays flat however many books there are.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

from bookrdf.vocab import iri_refusal


@dataclass(frozen=True)
class BookEntry:
    """One book in a release: id, named graph, SHA-256 and count of its sorted N-Triples lines."""

    id: str
    graph: str
    sha256: str
    triples: int


class BookIndex(Mapping[str, BookEntry]):
    """Books by id, in manifest order (a later entry with the same id replaces an earlier one).

    `take` marks a book as met; `untaken` lists, in order, the books never taken.
    """

    def __init__(self, entries: Iterable[BookEntry] = ()) -> None:
        # "": a private database SQLite keeps in a temporary file once it outgrows its cache
        self._db = sqlite3.connect("", check_same_thread=False)
        self._db.execute(
            "CREATE TABLE books (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, graph TEXT, "
            "sha256 TEXT, triples INTEGER, taken INTEGER NOT NULL DEFAULT 0)"
        )
        self._db.executemany(
            "INSERT OR REPLACE INTO books (id, graph, sha256, triples) VALUES (?, ?, ?, ?)",
            ((e.id, e.graph, e.sha256, e.triples) for e in entries),
        )

    def __getitem__(self, book_id: str) -> BookEntry:
        row = self._db.execute(
            "SELECT id, graph, sha256, triples FROM books WHERE id = ?", (book_id,)
        ).fetchone()
        if row is None:
            raise KeyError(book_id)
        return BookEntry(*row)

    def __contains__(self, book_id: object) -> bool:
        query = "SELECT 1 FROM books WHERE id = ?"
        return self._db.execute(query, (book_id,)).fetchone() is not None

    def __iter__(self) -> Iterator[str]:
        for (book_id,) in self._db.execute("SELECT id FROM books ORDER BY n"):
            yield book_id

    def __len__(self) -> int:
        count: int = self._db.execute("SELECT count(*) FROM books").fetchone()[0]
        return count

    def take(self, book_id: str) -> BookEntry | None:
        """The book with this id, now marked as met; None when there is none."""
        row = self._db.execute(
            "UPDATE books SET taken = 1 WHERE id = ? RETURNING id, graph, sha256, triples",
            (book_id,),
        ).fetchone()
        return None if row is None else BookEntry(*row)

    def untaken(self) -> Iterator[str]:
        """The ids of the books never taken, in manifest order."""
        for (book_id,) in self._db.execute("SELECT id FROM books WHERE taken = 0 ORDER BY n"):
            yield book_id

    def __getstate__(self) -> list[BookEntry]:
        # pickled (to a Dask scheduler, say) as its entries
        return [self[book_id] for book_id in self]

    def __setstate__(self, entries: list[BookEntry]) -> None:
        self.__init__(entries)  # type: ignore[misc]


def read_manifest_stream(stream: IO[bytes]) -> tuple[dict[str, Any], BookIndex]:
    """A manifest as bookrdf writes it (one book per line): its other fields, and its books.

    Raises ValueError when the text is not laid out that way (the caller then reads it whole).
    """
    if stream.readline().strip() != b"{" or stream.readline().strip() != b'"books": [':
        raise ValueError("not a manifest written one book per line")
    books = BookIndex(_entries(stream))
    rest = json.loads(b"{" + stream.read())
    if not isinstance(rest, dict):
        raise ValueError("the manifest is not a JSON object")
    return rest, books


def _entries(stream: IO[bytes]) -> Iterator[BookEntry]:
    for line in stream:
        text = line.strip()
        if text in (b"],", b"]"):
            return
        if not text:  # the blank line of an empty list
            continue
        yield book_entry(json.loads(text.removesuffix(b",")))
    raise ValueError("the list of books never ends")


def book_entry(data: Any) -> BookEntry:
    """One book of a manifest from its JSON (TypeError or KeyError when it is not one)."""
    if not isinstance(data, dict):
        raise TypeError("a book entry is not an object")
    graph = str(data["graph"])
    if iri_refusal(graph) is not None:  # it is written into SPARQL Update and RDF Patch as <graph>
        raise TypeError(f"graph {graph!r} of book {data['id']!r}, an IRI")
    return BookEntry(
        id=str(data["id"]),
        graph=graph,
        sha256=str(data["sha256"]),
        triples=int(data["triples"]),
    )
