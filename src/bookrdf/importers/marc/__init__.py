"""MARC 21 bibliographic records (binary .mrc, MARC-8 or UTF-8, and MARCXML) -> Books.

One record is one book. Whatever a record holds that a bookrdf record has no field for is
reported as a warning (file, record number, tag and subfield, and the MARCXML line), never
dropped silently; `strict=True` makes those warnings errors. A broken binary record stops
the file with its record number and byte offset.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bookrdf.errors import Problem, RecordError, RecordErrors
from bookrdf.importers.marc.fields import map_record
from bookrdf.importers.marc.reader import read_marc_file
from bookrdf.model import Book, nearest_line
from bookrdf.records import parse_record

__all__ = ["MarcImport", "looks_like_marc", "read_marc"]

_LEADER = re.compile(rb"[0-9]{5}[a-z ]{3}[a ][a ]22[0-9]{5}.{3}4500", re.S)
_MARCXML = re.compile(
    rb"http://www\.loc\.gov/MARC21/slim|<(?:\w+:)?record[\s>][\s\S]*<(?:\w+:)?leader"
)


@dataclass(frozen=True)
class MarcImport:
    books: tuple[Book, ...]
    warnings: tuple[Problem, ...]


def looks_like_marc(head: bytes) -> bool:
    """Whether the first bytes of a file look like MARC 21: a binary leader, or MARCXML."""
    # UTF-16 and UTF-32 MARCXML put NUL bytes between ASCII characters, as for ONIX
    return bool(_LEADER.match(head[:24]) or _MARCXML.search(head[:65536].replace(b"\x00", b"")))


def read_marc(paths: Sequence[Path], strict: bool = False) -> MarcImport:
    """Every book in the MARC files, one per record; every bad record is reported together."""
    books: list[Book] = []
    warnings: list[Problem] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in paths:
        count = 0
        try:
            for found in read_marc_file(path):
                count = found.number
                other = _not_a_book(found.record.leader)
                if other:
                    where = f"record {found.number}"
                    message = f"{other}, not a book; not imported"
                    warnings.append(Problem(found.source, found.line, where, message))
                    continue
                data, read = map_record(found)
                warnings.extend(read.warnings)
                where = f"record {found.number}"
                if str(found.record.leader)[6:7] == "m":
                    message = (
                        "leader/06 'm' says it is a computer file; read as a book (e-books were "
                        "catalogued so before 1997); check that it is one"
                    )
                    warnings.append(Problem(found.source, found.line, where, message))
                try:
                    book = parse_record(data, found.source, read.lines)
                except RecordError as err:
                    problems.extend(_in_record(p, where, read.tags) for p in err.problems)
                    continue
                if book.id in seen:
                    message = f'"{book.id}" is already the id of {seen[book.id]}; give each its own'
                    problems.append(Problem(found.source, found.line, f"{where} id", message))
                    continue
                seen[book.id] = f"{found.source} {where}"
                books.append(book)
        except RecordError as err:
            problems.extend(err.problems)
            continue
        if not count:
            warnings.append(Problem(str(path), None, "", "holds no MARC record; nothing imported"))
    if problems:
        raise RecordErrors(problems)
    if strict and warnings:
        raise RecordErrors(warnings)
    return MarcImport(tuple(books), tuple(warnings))


def _not_a_book(leader: object) -> str | None:
    """What a record describes when its leader says it is not a book, else None.

    Leader/06 (type of record) a or t is text, printed or manuscript; leader/07
    (bibliographic level) a or b is a part of another resource (a chapter, an article), s
    and i are serials and updating resources. Blank positions (a MARCXML record without a
    leader) say nothing and are read as a book.
    """
    text = str(leader).ljust(8)
    if text[6] in _TYPES:
        return f"leader/06 '{text[6]}' says it is {_TYPES[text[6]]}"
    if text[7] in _LEVELS:
        return f"leader/07 '{text[7]}' says it is {_LEVELS[text[7]]}"
    return None


# MARC 21 leader/06 and /07 values that are not books (a and t are; m, a computer file, is
# read as a book with a warning: e-books were catalogued as computer files until 1997).
_TYPES = {
    "c": "notated music", "d": "manuscript notated music", "e": "cartographic material",
    "f": "manuscript cartographic material", "g": "a projected medium",
    "i": "a nonmusical sound recording", "j": "a musical sound recording",
    "k": "a two-dimensional nonprojectable graphic", "o": "a kit",
    "p": "mixed materials", "r": "a three-dimensional artifact or naturally occurring object",
}  # fmt: skip
_LEVELS = {
    "a": "a part of a monograph (a chapter)", "b": "a part of a serial (an article)",
    "i": "an integrating resource", "s": "a serial",
}  # fmt: skip


def _in_record(problem: Problem, where: str, tags: Mapping[str, str]) -> Problem:
    """A record-field problem told in MARC terms: the record, and the tag the field was read
    from ('record 2 020'), never a record field the catalogue does not have."""
    index = {path: i for i, path in enumerate(tags)}
    at = nearest_line(index, problem.field) if problem.field else None
    tag = list(tags.values())[at] if at is not None else None
    message = problem.message
    missing = _REQUIRED.fullmatch(message)
    if missing and missing[1] in _REQUIRED_TAGS:
        tag, message = _REQUIRED_TAGS[missing[1]]
    return Problem(problem.source, problem.line, f"{where} {tag}" if tag else where, message)


_REQUIRED = re.compile(r"'(\w+)' is required and missing")
# What a record needs and MARC 21 can lack (the id is made from 020 or 245, so the title)
_REQUIRED_TAGS = {"title": ("245", "has no title; give the record a 245 with its $a")}
