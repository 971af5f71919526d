"""What a load must remember across a whole file, kept on disk so that its memory stays flat.

Routing a dump (`routes`, `files.read_quads`) needs two tables that grow with the books:

    owner     each of our shared IRIs (editions, publishers, identified people) -> the graphs of
              the books linking to it, noted in the first pass, asked in the second
    written   the lines already written for shared IRIs that several books own, so that each
              goes to every owner once (a publisher described in 10,000 books would otherwise
              give 10,000 x 10,000 quads)

Both live in one SQLite file in a folder the caller chooses (the load's staging folder, on the
disk the user chose for the store), with a page cache of a few megabytes, and the file is
removed when the routing ends; with no folder, in memory. IRIs are kept as N-Triples text
(`<iri>`); owners come back sorted by their values, as `read_quads` sorts them.
"""

from __future__ import annotations

import errno
import sqlite3
import uuid
import weakref
from pathlib import Path

from bookrdf.errors import StoreError, write_failure

CACHE_KIB = 8 << 10  # SQLite's page cache, per routing
_PENDING = 1 << 14  # owner pairs held before they are written

_SCHEMA = """
CREATE TABLE owner (shared BLOB NOT NULL, graph BLOB NOT NULL, PRIMARY KEY (shared, graph))
    WITHOUT ROWID;
CREATE TABLE written (line BLOB PRIMARY KEY) WITHOUT ROWID;
"""


class Owners:
    """Shared IRI -> the graphs of the books owning it, and the lines written for them."""

    def __init__(self, folder: Path | None = None) -> None:
        """The table in a file in `folder`, or in memory when None (for work held in memory
        anyway, such as `bookrdf query --data`)."""
        self.folder = folder
        self.path = folder / f".bookrdf-owners-{uuid.uuid4().hex}.sqlite" if folder else None
        self._pending: set[tuple[bytes, bytes]] = set()
        try:
            self._db = sqlite3.connect(self.path or ":memory:", isolation_level=None)
        except sqlite3.Error as err:
            raise self._failed(err) from None
        # removed however the routing ends, a generator left half read included
        self._cleanup = weakref.finalize(self, _remove, self._db, self.path)
        try:
            self._db.executescript(
                "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
                f"PRAGMA cache_size = -{CACHE_KIB}; PRAGMA temp_store = FILE; "
                # one transaction for the whole routing, the tables included: nothing is
                # committed a row at a time, and nothing reaches the disk until the pages
                # outgrow the cache (without a journal, SQLite then spills them to the file)
                f"BEGIN; {_SCHEMA}"
            )
        except sqlite3.Error as err:
            self.close()
            raise self._failed(err) from None

    def add(self, shared: bytes, graph: bytes) -> None:
        """Note that the book of `graph` links to `shared` (first pass)."""
        self._pending.add((shared, graph))
        if len(self._pending) >= _PENDING:
            self._write_pending()

    def of(self, shared: bytes) -> list[bytes]:
        """The graphs owning `shared`, sorted; empty when no book links to it (second pass)."""
        self._write_pending()
        try:
            rows = self._db.execute("SELECT graph FROM owner WHERE shared = ?", (shared,))
            return sorted((graph for (graph,) in rows), key=iri_value)
        except sqlite3.Error as err:
            raise self._failed(err) from None

    def first_time(self, line: bytes) -> bool:
        """Whether a shared IRI's line is written now for the first time (second pass)."""
        try:
            return (
                self._db.execute("INSERT OR IGNORE INTO written VALUES (?)", (line,)).rowcount == 1
            )
        except sqlite3.Error as err:
            raise self._failed(err) from None

    def close(self) -> None:
        """Remove the table's file."""
        self._cleanup()

    def _write_pending(self) -> None:
        if not self._pending:
            return
        try:
            self._db.executemany("INSERT OR IGNORE INTO owner VALUES (?, ?)", self._pending)
        except sqlite3.Error as err:
            raise self._failed(err) from None
        self._pending.clear()

    def _failed(self, err: sqlite3.Error) -> StoreError:
        """A table that cannot be written (a full disk, most likely), named by its folder."""
        full = getattr(err, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
        reason = write_failure(OSError(errno.ENOSPC, str(err))) if full else str(err)
        where = self.folder or "memory"
        return StoreError(f"{where}: cannot keep the load's table of shared IRIs: {reason}")


def iri_value(iri: bytes) -> bytes:
    """`<iri>` -> `iri`, whose UTF-8 sorts as its text does (as `<iri>`, `<a/b>` sorts before
    `<a>`)."""
    return iri[1:-1]


def _remove(db: sqlite3.Connection, path: Path | None) -> None:
    db.close()
    if path is not None:
        path.unlink(missing_ok=True)
