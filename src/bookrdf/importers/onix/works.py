"""Products that are formats of one work -> one book, its ISBNs those of its formats.

The rule, applied in input order so the result never depends on anything else:

1. Two products are one work when one names the other's ISBN in a RelatedProduct whose
   relation (code list 51) is 06 "Alternative format", 13 "Epublication based on (print
   product)" or 27 "Electronic version available as". One direction is enough.
2. Or when both have the same title, subtitle, publisher and contributors (names and roles,
   in order; at least one), compared without regard to case and spacing, and the same
   edition, volume and annual numbers (a 2nd edition or a volume 2 is another book).

Groups close transitively. The book takes its fields from its primary product (the first
print product, whose ISBN becomes the book id, else the first product), fills a field the
primary lacks from the next product that has it, keeps the earliest publication date and
every subject, and reports other differences. A product repeating an ISBN already read is
reported and left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bookrdf.errors import Problem
from bookrdf.importers.identifiers import book_id, isbn_key
from bookrdf.importers.onix.product import Edition

# Record fields, their lines, their ONIX names (record path -> 'Product/…'), the source
Record = tuple[dict[str, Any], dict[str, int], dict[str, str], str]


def merge_editions(editions: list[Edition], warnings: list[Problem]) -> Iterator[Record]:
    """One record per work, in the order of each work's first product."""
    editions = _first_of_each_isbn(editions, warnings)
    parent = list(range(len(editions)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        first, second = sorted((find(i), find(j)))
        parent[second] = first

    by_isbn = {isbn_key(e.isbn): i for i, e in enumerate(editions) if e.isbn}
    by_title: dict[tuple[str, ...], int] = {}
    for i, edition in enumerate(editions):
        for isbn, line in edition.related:
            if isbn_key(isbn) in by_isbn:
                join(i, by_isbn[isbn_key(isbn)])
            else:
                warnings.append(Problem(edition.source, line, "RelatedProduct", _ABSENT % isbn))
        key = _title_key(edition)
        if key is not None:
            join(i, by_title.setdefault(key, i))
    groups: dict[int, list[Edition]] = {}
    for i, edition in enumerate(editions):
        groups.setdefault(find(i), []).append(edition)
    for group in groups.values():
        yield _merged(group, warnings)


_ABSENT = "%s, another format of this work, is not among the products read; link left out"


def _first_of_each_isbn(editions: list[Edition], warnings: list[Problem]) -> list[Edition]:
    seen: dict[str, Edition] = {}
    kept = []
    for edition in editions:
        key = isbn_key(edition.isbn) if edition.isbn else None
        if key is not None and key in seen:
            first = seen[key]
            where = f"{first.source}:{first.line}"
            message = f"repeats ISBN {edition.isbn} of the product at {where}; left out"
            warnings.append(Problem(edition.source, edition.line, "Product", message))
            continue
        if key is not None:
            seen[key] = edition
        kept.append(edition)
    return kept


def _title_key(edition: Edition) -> tuple[str, ...] | None:
    data = edition.data
    if not data.get("title") or not data.get("contributors"):
        return None
    people = [f"{p['name']}|{p['role']}" for p in data["contributors"]]
    publisher = (data.get("publisher") or {}).get("name", "")
    parts = [data["title"], data.get("subtitle") or "", publisher, *people, *edition.numbers]
    return tuple(" ".join(str(part).casefold().split()) for part in parts)


def _merged(group: list[Edition], warnings: list[Problem]) -> Record:
    primary = next((e for e in group if e.format not in (None, "electronic")), group[0])
    data = dict(primary.data)
    lines = {"": primary.line, **primary.lines}
    names = {"": "Product", **primary.names}
    for other in (e for e in group if e is not primary):
        for key, value in other.data.items():
            here = data.get(key)
            if key == "subjects":
                data[key] = list(dict.fromkeys([*(here or []), *value]))
            elif key == "published" and here and value < here and not here.startswith(value):
                data[key] = value  # the work's date is its earliest format's
                _take_lines(lines, names, other, key, primary.source)
            elif here in (None, "", [], {}):
                data[key] = value
                _take_lines(lines, names, other, key, primary.source)
            elif key != "published" and not _covers(here, value):
                where = f"{primary.source}:{primary.line}"
                message = f"differs from the product at {where}, another format; kept that one"
                line = other.lines.get(key) or other.lines.get(f"{key}[0]") or other.line
                name = other.names.get(key) or other.names.get(f"{key}[0]") or "Product"
                warnings.append(Problem(other.source, line, name, message))
    isbns = [e for e in group if e.isbn]
    data["isbn"] = [{"value": e.isbn} | ({"format": e.format} if e.format else {}) for e in isbns]
    for index, edition in enumerate(isbns):
        if edition.source == primary.source:
            lines[f"isbn[{index}]"] = edition.lines["isbn"]
            names[f"isbn[{index}]"] = edition.names["isbn"]
    data["id"] = book_id(data["isbn"], str(data.get("title", "")))
    record = {key: value for key, value in data.items() if value not in (None, "", [], {})}
    return record, lines, names, primary.source


def _covers(here: Any, value: Any) -> bool:
    """Whether a value says nothing the primary's does not (case, spacing and omissions aside)."""
    if isinstance(here, str) and isinstance(value, str):
        return " ".join(here.casefold().split()) == " ".join(value.casefold().split())
    if isinstance(here, dict) and isinstance(value, dict):
        return all(key in here and _covers(here[key], item) for key, item in value.items())
    if isinstance(here, list) and isinstance(value, list):
        return len(value) <= len(here) and all(map(_covers, here, value))
    return bool(here == value)


def _take_lines(
    lines: dict[str, int], names: dict[str, str], other: Edition, key: str, source: str
) -> None:
    """Lines and names of a field taken from another product, when that product is in the
    same file (a line of another file would point into the wrong one)."""
    if other.source != source:
        return
    for path, line in other.lines.items():
        if path == key or path.startswith((f"{key}[", f"{key}.")):
            lines[path] = line
            names[path] = other.names.get(path, "Product")
