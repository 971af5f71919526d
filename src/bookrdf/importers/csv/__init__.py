"""Spreadsheets saved as CSV -> Books: books.csv and chapters.csv, joined on book_id.

A row of books.csv is a book; a row of chapters.csv is a contents entry of the book its
book_id names, in file order or by `position`. People go one column per role, written
"Family, Given" and separated by ";", identifiers in angle brackets after the name; an
organisation is written "org: Name", its name kept whole, commas and all.
"""

from __future__ import annotations

import csv as _csv
import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from bookrdf.errors import Problem, RecordError, RecordErrors
from bookrdf.importers.csv.table import (
    Row,
    Table,
    column_name,
    dialect,
    parse_table,
    read_text,
    unnamed,
)
from bookrdf.importers.names import name_parts
from bookrdf.importers.origins import Origin, lines_of, relocate
from bookrdf.model import Book
from bookrdf.records import parse_record

_PEOPLE = {"authors": "author", "editors": "editor", "translators": "translator",
           "contributors": "contributor"}  # fmt: skip
_ISBNS = {"isbn": None, "isbn_print": "print", "isbn_electronic": "electronic",
          "isbn_hardcover": "hardcover", "isbn_paperback": "paperback"}  # fmt: skip
_BOOK_TEXT = {"book_id": "id", "title": "title", "subtitle": "subtitle", "published": "published",
              "language": "language", "description": "description", "doi": "doi", "url": "url",
              "license": "license"}  # fmt: skip
_CHAPTER_TEXT = {"label": "label", "title": "title", "kind": "kind", "pages": "pages",
                 "excerpt": "excerpt", "doi": "doi"}  # fmt: skip
BOOK_COLUMNS = (*_BOOK_TEXT, *_PEOPLE, "publisher", "publisher_place", *_ISBNS, "subjects")
CHAPTER_COLUMNS = ("book_id", "position", *_CHAPTER_TEXT, *_PEOPLE, "pdf_size", "pdf_url")
_CHAPTER_ONLY = set(CHAPTER_COLUMNS) - set(BOOK_COLUMNS)
_BOOK_ONLY = set(BOOK_COLUMNS) - set(CHAPTER_COLUMNS)
_PERSON = re.compile(r"(?P<name>[^<>]*?)\s*(?:<(?P<ids>[^<>]*)>)?")
# "org: University of California, Berkeley": no person's name starts so (a person is
# "Family, Given"), and the name after it is one body's, commas and all.
_ORGANIZATION = re.compile(r"org:\s*", re.I)
# An identifier after a name: a bare ORCID, ISNI or Wikidata item, a scheme prefix or its IRI.
_IDENTIFIERS = (
    ("orcid", r"(?:orcid:|https?://orcid\.org/)?([0-9]{4}(?:-[0-9]{4}){2}-[0-9]{3}[0-9X])"),
    ("isni", r"(?:isni:|https?://isni\.org/isni/)?([0-9]{4}(?: ?[0-9]{4}){2} ?[0-9]{3}[0-9X])"),
    ("viaf", r"(?:viaf:|https?://viaf\.org/viaf/)([0-9]+)/?"),
    ("wikidata", r"(?:wikidata:|https?://www\.wikidata\.org/(?:wiki|entity)/)?(Q[0-9]+)"),
)
_WHOLE = re.compile(r"[0-9]+")
_NAME_SUFFIX = re.compile(r"(?:Jr|Sr)\.?|[IVX]{2,4}|Ph\.? ?D\.?|M\.? ?D\.?", re.I)
_SPREADSHEET_NUMBER = re.compile(r"[0-9](\.[0-9]+)?E\+[0-9]+", re.I)


@dataclass(frozen=True)
class CsvImport:
    books: tuple[Book, ...]
    warnings: tuple[Problem, ...]


def read_csv(books_path: Path, chapters_path: Path | None = None) -> CsvImport:
    """Read a books CSV file and, when given, its chapters CSV file into Books."""
    books = read_text(books_path)
    if chapters_path is None:
        return parse_csv(books, None, str(books_path))
    return parse_csv(books, read_text(chapters_path), str(books_path), str(chapters_path))


def parse_csv(
    books_text: str,
    chapters_text: str | None = None,
    books_source: str = "books.csv",
    chapters_source: str = "chapters.csv",
) -> CsvImport:
    """The books of a books CSV text (and a chapters CSV text); every problem raised at once."""
    books = parse_table(books_text, books_source)
    chapters = None if chapters_text is None else parse_table(chapters_text, chapters_source)
    reader = _Reader()
    reader.check_columns(books, BOOK_COLUMNS, required=("book_id", "title"))
    if chapters:
        reader.check_columns(chapters, CHAPTER_COLUMNS, required=("book_id",))
    if reader.problems:
        raise RecordErrors(reader.problems)
    records = reader.books(books)
    if chapters:
        reader.chapters(chapters, records, books.source)
    found: list[Book] = []
    for data, origins in records.values():
        if "title" not in data:
            continue  # reported already
        lines = {path: origin.line or 0 for path, origin in origins.items()}
        try:
            book = parse_record(data, books.source, lines)
        except RecordError as err:
            reader.problems.extend(relocate(err.problems, origins))
            continue
        found.append(dataclasses.replace(book, lines=lines_of(origins, books.source)))
    if reader.problems:
        raise RecordErrors(sorted(reader.problems, key=lambda p: (p.source, p.line or 0)))
    return CsvImport(tuple(found), tuple(reader.warnings))


def sniff_csv(text: str) -> Literal["books", "chapters"] | None:
    """Whether a text is a books or a chapters CSV file, by its header row."""
    lines = text.removeprefix("\ufeff").splitlines()
    if not lines:
        return None
    columns = {column_name(c) for c in next(_csv.reader([lines[0]], dialect(lines[0])))}
    if "book_id" not in columns:
        return None
    if columns & _CHAPTER_ONLY and not columns & _BOOK_ONLY:
        return "chapters"
    return "books" if "title" in columns else None


def chapters_csv_for(books_path: Path) -> Path | None:
    """The chapters file beside a books file: 'books' in the name becomes 'chapters'
    (books.csv -> chapters.csv), else NAME-chapters.csv; None when there is none."""
    name = books_path.name
    at = name.lower().rfind("books")
    if at >= 0:
        name = f"{name[:at]}chapters{name[at + 5 :]}"
    else:
        name = f"{books_path.stem}-chapters{books_path.suffix}"
    path = books_path.with_name(name)
    return path if path.is_file() else None


Record = tuple[dict[str, Any], dict[str, Origin]]


@dataclass
class _Reader:
    """Turns rows into record fields with their origins; collects problems and warnings."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def check_columns(
        self, table: Table, known: tuple[str, ...], required: tuple[str, ...]
    ) -> None:
        seen: set[str] = set()
        for number, column in enumerate(table.columns, 1):
            name = column or unnamed(number)
            if not column:
                # empty header cells (trailing separators a spreadsheet writes) are no columns;
                # only cells under them are worth a word
                if any(name in row.cells for row in table.rows):
                    message = "has no name in the header row; its cells were left out"
                    self.warnings.append(Problem(table.source, 1, name, message))
            elif column in seen:
                self.problems.append(Problem(table.source, 1, name, "appears twice; keep one"))
            elif column not in known:
                message = (
                    f"is not a column bookrdf reads; its cells were left out ({', '.join(known)})"
                )
                self.warnings.append(Problem(table.source, 1, name, message))
            seen.add(column)
        for column in required:
            if column not in seen:
                message = f"has no {column} column; the first row must name it"
                self.problems.append(Problem(table.source, 1, "", message))

    def books(self, table: Table) -> dict[str, Record]:
        records: dict[str, Record] = {}
        first_row: dict[str, int] = {}
        for row in table.rows:
            book_id = row.cells.get("book_id")
            if book_id in first_row:
                message = (
                    f'"{book_id}" is also the book_id on line {first_row[book_id]}; '
                    "give each book its own"
                )
                self.problems.append(Problem(table.source, row.line, "book_id", message))
            elif book_id:
                first_row[book_id] = row.line
                records[book_id] = self.book(row, table)
                if "title" not in row.cells:
                    message = "is empty; give the book's title"
                    self.problems.append(Problem(table.source, row.line, "title", message))
            else:
                message = "is empty; give every book an id (letters, digits, '.', '_', '-')"
                self.problems.append(Problem(table.source, row.line, "book_id", message))
        return records

    def book(self, row: Row, table: Table) -> Record:
        data: dict[str, Any] = {}
        origins = {"": Origin(table.source, row.line, "")}
        put = _Putter(data, origins, table.source, row.line)
        for column, path in _BOOK_TEXT.items():
            put(path, column, row.cells.get(column))
        if "publisher" in row.cells or "publisher_place" in row.cells:
            put("publisher", "publisher", {})
            put("publisher.name", "publisher", row.cells.get("publisher"))
            put("publisher.place", "publisher_place", row.cells.get("publisher_place"))
        self.people(row, table.columns, put)
        # ISBNs and people keep the order of their columns in the spreadsheet.
        isbns: list[dict[str, str]] = []
        for column in (c for c in table.columns if c in _ISBNS):
            for value in self.isbn_values(row, column, table.source):
                put(f"isbn[{len(isbns)}]", column, None)
                isbns.append({"value": value} | ({"format": f} if (f := _ISBNS[column]) else {}))
        put("isbn", "isbn", isbns or None)
        put("subjects", "subjects", _split(row.cells.get("subjects")) or None)
        return data, origins

    def isbn_values(self, row: Row, column: str, source: str) -> list[str]:
        values = []
        for value in _split(row.cells.get(column)):
            if _SPREADSHEET_NUMBER.fullmatch(value):
                message = (
                    f'"{value}" is an ISBN a spreadsheet turned into a number; '
                    "format the column as text"
                )
                self.problems.append(Problem(source, row.line, column, message))
            else:
                values.append(value)
        return values

    def people(self, row: Row, columns: tuple[str, ...], put: _Putter) -> None:
        people: list[dict[str, Any]] = []
        for column in (c for c in columns if c in _PEOPLE):
            for text in _split(row.cells.get(column)):
                put(f"contributors[{len(people)}]", column, None)
                people.append(self.person(text, _PEOPLE[column], put.source, row.line, column))
        first = next((c for c in columns if c in _PEOPLE and c in row.cells), "authors")
        put("contributors", first, people or None)

    def person(self, text: str, role: str, source: str, line: int, column: str) -> dict[str, Any]:
        match = _PERSON.fullmatch(text)
        name = match["name"] if match else text
        marked = _ORGANIZATION.match(name)
        out: dict[str, Any]
        if marked:
            out = {"name": name[marked.end() :], "role": role, "kind": "organization"}
        else:
            out = self.person_name(text, name, match is None, role, (source, line, column))
        ids: dict[str, str] = {}
        for token in _split((match["ids"] if match else None) or "", ","):
            scheme = next((s for s, rx in _IDENTIFIERS if (m := re.fullmatch(rx, token))), None)
            if scheme and m:
                ids[scheme] = m[1]
            else:
                message = f'"{token}" is not an ORCID, ISNI, VIAF or Wikidata identifier; left out'
                self.warnings.append(Problem(source, line, column, message))
        if marked and ids.pop("orcid", None):
            message = (
                f'"{text}": an ORCID iD names a person, not an organisation; give its ISNI, '
                'VIAF or Wikidata id, or write a person without "org:"'
            )
            self.problems.append(Problem(source, line, column, message))
        return out | ({"identifiers": ids} if ids else {})

    def person_name(
        self, text: str, name: str, unreadable: bool, role: str, at: tuple[str, int, str]
    ) -> dict[str, Any]:
        """A person's name, given and family names from "Family, Given[, Suffix]"."""
        source, line, column = at
        family, comma, rest = (part.strip() for part in name.partition(","))
        given, second, suffix = (part.strip() for part in rest.partition(","))
        if unreadable or (second and not _NAME_SUFFIX.fullmatch(suffix)):
            # "Lankov, Andrei, Kim, Jiyoung" would be one person "Andrei Lankov, Kim, Jiyoung"
            message = (
                f'"{text}" reads like more than one person; separate people with ";" and write '
                'each "Family, Given"'
            )
            self.problems.append(Problem(source, line, column, message))
        out: dict[str, Any] = {"name": name, "role": role}
        if comma and _NAME_SUFFIX.fullmatch(rest):  # "Martin Luther King, Jr.": not inverted
            out |= name_parts(family)
        elif comma and (family or given):
            full = " ".join(part for part in (given, family) if part)
            out["name"] = f"{full}, {suffix}" if suffix else full
            out |= {"given_name": given} if given else {}
            out |= {"family_name": family} if family else {}
        return out

    def chapters(self, table: Table, records: dict[str, Record], books_source: str) -> None:
        by_book: dict[str, list[Row]] = {}
        for row in table.rows:
            book_id = row.cells.get("book_id")
            if book_id in records:
                by_book.setdefault(book_id, []).append(row)
                continue
            message = (
                f'"{book_id}" is not a book_id in {books_source}; check it'
                if book_id
                else "is empty; give the book_id of the entry's book"
            )
            self.problems.append(Problem(table.source, row.line, "book_id", message))
        for book_id, rows in by_book.items():
            data, origins = records[book_id]
            chapters = []
            for index, row in enumerate(self.in_order(rows, table.source)):
                chapters.append(self.chapter(row, table, f"chapters[{index}]", origins))
            data["chapters"] = chapters

    def chapter(
        self, row: Row, table: Table, path: str, origins: dict[str, Origin]
    ) -> dict[str, Any]:
        data: dict[str, Any] = {}
        origins[path] = Origin(table.source, row.line, "")
        put = _Putter(data, origins, table.source, row.line, prefix=f"{path}.")
        for column, name in _CHAPTER_TEXT.items():
            put(name, column, row.cells.get(column))
        if "pdf_size" in row.cells or "pdf_url" in row.cells:
            put("pdf", "pdf_size", {})
            put("pdf.size", "pdf_size", row.cells.get("pdf_size"))
            put("pdf.url", "pdf_url", row.cells.get("pdf_url"))
        self.people(row, table.columns, put)
        return data

    def in_order(self, rows: list[Row], source: str) -> list[Row]:
        numbered = [row for row in rows if "position" in row.cells]
        if not numbered:
            return rows
        if len(numbered) < len(rows):
            row = next(row for row in rows if "position" not in row.cells)
            message = "is empty while other entries of the book have one; number all or none"
            self.problems.append(Problem(source, row.line, "position", message))
            return rows
        seen: dict[int, int] = {}
        for row in rows:
            text = row.cells["position"]
            if not _WHOLE.fullmatch(text):  # not str.isdigit: "²" is a digit int() refuses
                message = f'"{text}" is not a whole number'
                self.problems.append(Problem(source, row.line, "position", message))
            elif int(text) in seen:
                line = seen[int(text)]
                message = f"{text} is also the position on line {line}; give each entry its own"
                self.problems.append(Problem(source, row.line, "position", message))
            else:
                seen[int(text)] = row.line
        return sorted(
            rows, key=lambda row: int(p) if _WHOLE.fullmatch(p := row.cells["position"]) else 0
        )


@dataclass
class _Putter:
    """Puts a value at a record path (within a nested dict) and notes the column it came from."""

    data: dict[str, Any]
    origins: dict[str, Origin]
    source: str
    line: int
    prefix: str = ""

    def __call__(self, path: str, column: str, value: Any) -> None:
        self.origins[self.prefix + path] = Origin(self.source, self.line, column)
        if value is None:
            return
        *parents, last = path.split(".")
        target = self.data
        for parent in parents:
            target = target[parent]
        target[last] = value


def _split(cell: str | None, separator: str = ";") -> list[str]:
    return [part.strip() for part in (cell or "").split(separator) if part.strip()]
