"""ISBNs claimed by two books of one run: each ISBN names one edition, whose IRI is minted from
it, so two books claiming one would share an edition node and each get the other's format."""

from __future__ import annotations

import errno
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from bookrdf.errors import OutputError, Problem, write_failure
from bookrdf.model import Book


class IsbnClaims:
    """Every ISBN of a run's books, in a private temporary SQLite database on disk: a million
    books' ISBNs would take a few hundred MB as a dict. `repeated()` names, after the run, each
    book claiming an ISBN an earlier book claimed."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("")  # "": a temporary file, removed when closed
        with self._told():
            self._db.execute(
                "CREATE TABLE claim "
                "(isbn INTEGER, seq INTEGER, id TEXT, source INTEGER, line INTEGER)"
            )
        self._sources: dict[str, int] = {}
        self._seq = 0

    @contextmanager
    def _told(self) -> Iterator[None]:
        """SQLite's errors (a full disk, mostly) as one line saying what to do."""
        try:
            yield
        except sqlite3.Error as err:
            full = getattr(err, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
            reason = write_failure(OSError(errno.ENOSPC, str(err))) if full else str(err)
            raise OutputError(
                f"{tempfile.gettempdir()}: the check for ISBNs of two books keeps them in a "
                f"temporary file there (TMPDIR chooses the folder): {reason}"
            ) from None

    def add(self, book: Book) -> None:
        """Note the book's ISBNs (a book listing one ISBN twice is refused when it is read)."""
        self.add_isbns(book.id, str(book.source), book.isbn_lines())

    def add_isbns(self, book_id: str, source: str, isbns: list[tuple[str, int | None]]) -> None:
        """Note a book's ISBNs, each with its record line (None when unknown)."""
        self._seq += 1
        number = self._sources.setdefault(source, len(self._sources))
        rows = [
            (int(isbn), self._seq, book_id, number, line) for isbn, line in isbns if isbn.isdigit()
        ]
        with self._told():
            self._db.executemany("INSERT INTO claim VALUES (?, ?, ?, ?, ?)", rows)

    def repeated(self) -> Iterator[Problem]:
        """A problem for each claim of an ISBN after its first, in the order the books came."""
        sources = list(self._sources)
        with self._told():
            self._db.execute("CREATE INDEX by_isbn ON claim (isbn, seq)")
            found = self._db.execute(
                """
                WITH first AS (
                    SELECT isbn, min(seq) AS seq FROM claim GROUP BY isbn HAVING count(*) > 1
                )
                SELECT later.isbn, later.source, later.line,
                    earlier.id, earlier.source, earlier.line
                FROM first
                JOIN claim AS earlier ON earlier.isbn = first.isbn AND earlier.seq = first.seq
                JOIN claim AS later ON later.isbn = first.isbn AND later.seq > first.seq
                ORDER BY later.rowid
                """
            ).fetchall()
        for isbn, source, line, first_id, first_source, first_line in found:
            place = sources[first_source] + (f":{first_line}" if first_line else "")
            message = (
                f'ISBN {isbn} is already the ISBN of the book "{first_id}" in {place}; an ISBN '
                "names one edition of one book: correct the ISBN or remove it from one of them"
            )
            yield Problem(sources[source], line, "isbn", message)

    def close(self) -> None:
        self._db.close()
