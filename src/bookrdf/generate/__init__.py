"""A realistic synthetic catalogue: N canonical records, the same bytes for the same seed.

Each book is drawn from its own `random.Random`, seeded with the catalogue's seed and the
book's number, so a book does not depend on the ones before it: any slice of a catalogue can
be drawn alone (a worker, a partition) and comes out the same. Identifiers that must be unique
across the catalogue (ISBNs, ids) or consistent across books (a person's ORCID iD and name, a
publisher's place) are computed from numbers, not drawn, so a million books never collide.
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from bookrdf.errors import ConfigError
from bookrdf.generate.draw import PEOPLE, Record, _Draw, person
from bookrdf.generate.words import FAMILY, GIVEN
from bookrdf.publish.files import atomic_files

FORMATS = ("jsonl", "csv")
BOOKS_COLUMNS = (
    "book_id", "title", "subtitle", "authors", "editors", "translators", "contributors",
    "publisher", "publisher_place", "published", "language", "description", "isbn_print",
    "isbn_electronic", "doi", "url", "license", "subjects",
)  # fmt: skip
CHAPTERS_COLUMNS = (
    "book_id", "position", "label", "title", "kind", "pages", "authors", "pdf_size", "pdf_url",
    "excerpt", "doi",
)  # fmt: skip
# The CSV importer keeps people in column order: records list them by role in the same order.
_ROLE_COLUMNS = {"author": "authors", "editor": "editors", "translator": "translators",
                 "contributor": "contributors"}  # fmt: skip
__all__ = [
    "FAMILY",
    "FORMATS",
    "GIVEN",
    "PEOPLE",
    "Catalogue",
    "Record",
    "generate_record",
    "generate_records",
    "json_line",
    "person",
    "write_catalogue",
]


@dataclass(frozen=True)
class Catalogue:
    """What `write_catalogue` wrote: its files, books and contents entries."""

    files: tuple[Path, ...]
    books: int
    entries: int


def generate_records(count: int, seed: int = 0, start: int = 0) -> Iterator[Record]:
    """`count` book records (canonical record dicts), drawn lazily one by one."""
    if count < 0:
        raise ConfigError(f"{count} books: the number of books must be 0 or more")
    return (generate_record(seed, number) for number in range(start, start + count))


def generate_record(seed: int, number: int) -> Record:
    """Book `number` of the catalogue drawn with `seed`."""
    return _Draw(random.Random(f"bookrdf:{seed}:{number}"), seed, number).book()


def write_catalogue(
    out: Path,
    count: int,
    seed: int = 0,
    fmt: str = "jsonl",
    on_book: Callable[[Record], None] | None = None,
) -> Catalogue:
    """Write `count` books to `out`: books.jsonl, or books.csv and chapters.csv (the layout
    `bookrdf import csv` reads). Streamed book by book; files renamed into place at the end."""
    if fmt not in FORMATS:
        raise ConfigError(f"{fmt!r} is not a catalogue format; use one of {', '.join(FORMATS)}")
    records = generate_records(count, seed)
    names = ["books.jsonl"] if fmt == "jsonl" else ["books.csv", "chapters.csv"]
    books = entries = 0
    with atomic_files(out, names) as handles:
        if fmt == "csv":
            handles["books.csv"].write(_csv_text([BOOKS_COLUMNS]))
            handles["chapters.csv"].write(_csv_text([CHAPTERS_COLUMNS]))
        for record in records:
            if fmt == "jsonl":
                handles["books.jsonl"].write(json_line(record))
            else:
                book_row, chapter_rows = csv_rows(record)
                handles["books.csv"].write(_csv_text([book_row]))
                handles["chapters.csv"].write(_csv_text(chapter_rows))
            books += 1
            entries += len(record["chapters"])
            if on_book:
                on_book(record)
    return Catalogue(tuple(out / name for name in names), books, entries)


def json_line(record: Record) -> bytes:
    """One record as a line of JSON Lines."""
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def csv_rows(record: Record) -> tuple[list[str], list[list[str]]]:
    """One record as a books.csv row and its chapters.csv rows (columns as in docs/importers.md)."""
    people = _people_cells(record.get("contributors", []))
    isbns = {isbn["format"]: isbn["value"] for isbn in record.get("isbn", [])}
    publisher = record.get("publisher", {})
    cells = (
        _text_fields(record)
        | people
        | {
            "book_id": record["id"],
            "publisher": publisher.get("name"),
            "publisher_place": publisher.get("place"),
            "isbn_print": isbns.get("print"),
            "isbn_electronic": isbns.get("electronic"),
            "subjects": "; ".join(record.get("subjects", [])) or None,
        }
    )
    chapters = []
    for position, chapter in enumerate(record.get("chapters", []), start=1):
        pdf = chapter.get("pdf", {})
        chapter_cells = (
            _text_fields(chapter)
            | _people_cells(chapter.get("contributors", []))
            | {
                "book_id": record["id"],
                "position": str(position),
                "pdf_size": pdf.get("size"),
                "pdf_url": pdf.get("url"),
            }
        )
        chapters.append([chapter_cells.get(column) or "" for column in CHAPTERS_COLUMNS])
    return [cells.get(column) or "" for column in BOOKS_COLUMNS], chapters


def _text_fields(record: Record) -> dict[str, str]:
    return {key: value for key, value in record.items() if isinstance(value, str)}


def _people_cells(people: Sequence[Record]) -> dict[str, str]:
    """People as CSV cells, one column per role: "Family, Given <ORCID>", separated by "; "."""
    cells: dict[str, list[str]] = {}
    for someone in people:
        text = (
            f"{someone['family_name']}, {someone['given_name']}"
            if "family_name" in someone
            else someone["name"]
        )
        if orcid := someone.get("identifiers", {}).get("orcid"):
            text += f" <{orcid}>"
        cells.setdefault(_ROLE_COLUMNS[someone["role"]], []).append(text)
    return {column: "; ".join(texts) for column, texts in cells.items()}


def _csv_text(rows: Sequence[Sequence[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")
