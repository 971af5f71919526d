"""What the books of one run must not share: an id, or an ISBN (each ISBN names one edition,
whose IRI is minted from it, so two books claiming one would share an edition node and each get
the other's format).

Every book's id and ISBNs wait in a private temporary SQLite database on disk, not in a dict: a
million books would take a hundred MB or more in memory. The repeats are found at the end of
the run, which fails then, before anything is renamed into place or loaded.
"""

from __future__ import annotations

import errno
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from bookrdf.errors import OutputError, Problem, write_failure
from bookrdf.model import Book

_SCHEMA = """
CREATE TABLE book (seq INTEGER PRIMARY KEY, id TEXT, source INTEGER, line INTEGER);
CREATE TABLE claim (isbn INTEGER, seq INTEGER, line INTEGER);
"""
# Each book whose id an earlier book has, with that first book's place.
_REPEATED_IDS = """
CREATE TEMP TABLE repeat AS
SELECT later.seq, later.id, later.source, later.line, first.source AS first_source,
    first.line AS first_line
FROM (SELECT id, min(seq) AS seq FROM book GROUP BY id HAVING count(*) > 1) AS firsts
JOIN book AS first ON first.seq = firsts.seq
JOIN book AS later ON later.id = firsts.id AND later.seq > firsts.seq
"""
# Each claim of an ISBN after its first, among the books whose id is their own (a book given
# twice is told by its id alone).
_REPEATED_ISBNS = """
WITH own AS (SELECT rowid AS n, * FROM claim WHERE seq NOT IN (SELECT seq FROM repeat)),
firsts AS (SELECT isbn, min(seq) AS seq FROM own GROUP BY isbn HAVING count(*) > 1)
SELECT later.seq, later.isbn, book.source, later.line, first_book.id, first_book.source,
    earlier.line
FROM firsts
JOIN own AS earlier ON earlier.isbn = firsts.isbn AND earlier.seq = firsts.seq
JOIN own AS later ON later.isbn = firsts.isbn AND later.seq > firsts.seq
JOIN book ON book.seq = later.seq
JOIN book AS first_book ON first_book.seq = earlier.seq
ORDER BY later.n
"""


class RunClaims:
    """The ids and ISBNs of a run's books, in the order they came; `repeated()` names, after
    the run, each book repeating an earlier book's id, and each ISBN claimed again."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("")  # "": a temporary file, removed when closed
        with self._told():
            self._db.executescript(_SCHEMA)
        self._sources: dict[str, int] = {}  # file -> number
        self._names: list[str] = []  # number -> file
        self._seq = 0

    def add(self, book: Book) -> None:
        """Note a book read in this process."""
        self.add_book(book.id, str(book.source), book.line_of("id") or 0, book.isbn_lines())

    def add_book(
        self, book_id: str, source: str, line: int, isbns: list[tuple[str, int | None]]
    ) -> None:
        """Note a book: its id's record line (0 when unknown) and its ISBNs with theirs."""
        self._seq += 1
        number = self._sources.get(source)
        if number is None:
            number = self._sources[source] = len(self._names)
            self._names.append(source)
        claims = [(int(isbn), self._seq, at) for isbn, at in isbns if isbn.isdigit()]
        with self._told():
            self._db.execute(
                "INSERT INTO book VALUES (?, ?, ?, ?)", (self._seq, book_id, number, line)
            )
            if claims:
                self._db.executemany("INSERT INTO claim VALUES (?, ?, ?)", claims)

    def repeated(self) -> list[Problem]:
        """A problem for each repeated id and each ISBN claimed again, in the order the books
        came."""
        with self._told():
            self._db.execute("CREATE INDEX book_by_id ON book (id, seq)")
            self._db.execute(_REPEATED_IDS)
            self._db.execute("CREATE INDEX claim_by_isbn ON claim (isbn, seq)")
            ids = self._db.execute("SELECT * FROM repeat").fetchall()
            isbns = self._db.execute(_REPEATED_ISBNS).fetchall()
        problems = [(seq, self._repeated_id(*row)) for seq, *row in ids]
        problems += [(seq, self._repeated_isbn(*row)) for seq, *row in isbns]
        return [problem for _, problem in sorted(problems, key=lambda found: found[0])]

    def claims(self, size: int) -> Iterator[list[tuple[str, str, str, int | None]]]:
        """Every ISBN claimed, as (ISBN-13, book id, file, line), in batches of `size`."""
        with self._told():
            rows = self._db.execute(
                "SELECT claim.isbn, book.id, book.source, claim.line FROM claim "
                "JOIN book ON book.seq = claim.seq ORDER BY claim.rowid"
            )
            while batch := rows.fetchmany(size):
                yield [(str(isbn), id_, self._names[src], at) for isbn, id_, src, at in batch]

    def book_ids(self) -> Iterator[str]:
        """The id of every book noted."""
        with self._told():
            yield from (book_id for (book_id,) in self._db.execute("SELECT id FROM book"))

    def _place(self, source: int, line: int | None) -> str:
        return self._names[source] + (f":{line}" if line else "")

    def _repeated_id(
        self, book_id: str, source: int, line: int, first_source: int, first_line: int
    ) -> Problem:
        message = (
            f'"{book_id}" is already the id of the book in {self._place(first_source, first_line)}'
            "; give each book its own id"
        )
        return Problem(self._names[source], line or None, "id", message)

    def _repeated_isbn(
        self, isbn: int, source: int, line: int | None, first_id: str, first_source: int,
        first_line: int | None,
    ) -> Problem:  # fmt: skip
        message = (
            f'ISBN {isbn} is already the ISBN of the book "{first_id}" in '
            f"{self._place(first_source, first_line)}; an ISBN names one edition of one book: "
            "correct the ISBN or remove it from one of them"
        )
        return Problem(self._names[source], line, "isbn", message)

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _told(self) -> Iterator[None]:
        """SQLite's errors (a full disk, mostly) as one line saying what to do."""
        try:
            yield
        except sqlite3.Error as err:
            full = getattr(err, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
            reason = write_failure(OSError(errno.ENOSPC, str(err))) if full else str(err)
            raise OutputError(
                f"{tempfile.gettempdir()}: the check for ids and ISBNs of two books keeps them "
                f"in a temporary file there (TMPDIR chooses the folder): {reason}"
            ) from None
