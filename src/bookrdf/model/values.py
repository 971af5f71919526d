"""Book, Chapter, Contributor…: typed, frozen values."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Role = Literal["author", "editor", "translator", "contributor"]
# What a contributor is: schema:Person, or schema:Organization (a corporate body, a meeting).
ContributorKind = Literal["person", "organization"]
IsbnFormat = Literal["print", "electronic", "hardcover", "paperback"]
DatePrecision = Literal["year", "month", "day"]

ROMAN_PAGE = re.compile(r"[ivxlcdm]+|[IVXLCDM]+")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def roman_to_int(text: str) -> int | None:
    """The value of a well-formed roman numeral ('xiv' -> 14), None if it is not one."""
    lower = text.lower()
    if not lower or any(ch not in _ROMAN_VALUES for ch in lower):
        return None
    total = 0
    for here, after in zip(lower, [*lower[1:], ""], strict=True):
        value = _ROMAN_VALUES[here]
        total += -value if after and _ROMAN_VALUES[after] > value else value
    return total if int_to_roman(total) == lower else None


def int_to_roman(number: int) -> str:
    """Lower-case roman numeral for a positive integer."""
    out = []
    for value, letters in (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    ):  # fmt: skip
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


@dataclass(frozen=True)
class PageRange:
    """Printed pages, kept as printed: 'vii'–'xii', or a single page. A range that skips pages
    ('1-20, 25-30') keeps its parts, in order; its start and end are the first and last page."""

    start: str
    end: str
    parts: tuple[PageRange, ...] = ()

    @property
    def pagination(self) -> str:
        if self.parts:
            return ", ".join(part.pagination for part in self.parts)
        return self.start if self.start == self.end else f"{self.start}-{self.end}"

    @property
    def is_roman(self) -> bool:
        return bool(ROMAN_PAGE.fullmatch(self.start)) and roman_to_int(self.start) is not None


@dataclass(frozen=True)
class PublicationDate:
    """A year, a year and month, or a full date, as given."""

    text: str
    precision: DatePrecision


@dataclass(frozen=True)
class Identifiers:
    orcid: str | None = None
    isni: str | None = None
    viaf: str | None = None
    wikidata: str | None = None

    def primary(self) -> tuple[str, str] | None:
        """The most authoritative identifier, as (scheme, value), used to mint the contributor's
        IRI."""
        for scheme in ("orcid", "isni", "viaf", "wikidata"):
            value = getattr(self, scheme)
            if value:
                return scheme, value
        return None

    def uris(self) -> list[str]:
        out = []
        if self.orcid:
            out.append(f"https://orcid.org/{self.orcid}")
        if self.isni:
            out.append(f"https://isni.org/isni/{self.isni}")
        if self.viaf:
            out.append(f"http://viaf.org/viaf/{self.viaf}")
        if self.wikidata:
            out.append(f"http://www.wikidata.org/entity/{self.wikidata}")
        return out


@dataclass(frozen=True)
class Contributor:
    """A person or an organisation, in one role; an organisation has no given or family name."""

    name: str
    role: Role = "author"
    given_name: str | None = None
    family_name: str | None = None
    identifiers: Identifiers = field(default_factory=Identifiers)
    kind: ContributorKind = "person"

    @property
    def is_organization(self) -> bool:
        return self.kind == "organization"


@dataclass(frozen=True)
class Publisher:
    name: str
    place: str | None = None


@dataclass(frozen=True)
class Isbn:
    """An ISBN as 13 digits; the check digit is left to SHACL to judge."""

    value: str
    format: IsbnFormat | None = None


@dataclass(frozen=True)
class Pdf:
    size: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Chapter:
    """One contents entry, untitled entries included."""

    label: str | None = None
    title: str | None = None
    kind: str | None = None
    pages: PageRange | None = None
    contributors: tuple[Contributor, ...] = ()
    pdf: Pdf | None = None
    excerpt: str | None = None
    doi: str | None = None


@dataclass(frozen=True)
class Book:
    id: str
    title: str
    subtitle: str | None = None
    contributors: tuple[Contributor, ...] = ()
    publisher: Publisher | None = None
    published: PublicationDate | None = None
    language: str | None = None
    description: str | None = None
    isbns: tuple[Isbn, ...] = ()
    doi: str | None = None
    url: str | None = None
    subjects: tuple[str, ...] = ()
    license: str | None = None
    chapters: tuple[Chapter, ...] = ()
    # Where the record came from: file and field path -> line. Not part of the book's value.
    source: str | None = field(default=None, compare=False, repr=False)
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, field_path: str) -> int | None:
        """The record line of a field, or of its nearest enclosing field."""
        return nearest_line(self.lines, field_path)

    def isbn_lines(self) -> list[tuple[str, int | None]]:
        """The ISBNs, each with the record line it is on (None when unknown)."""
        return [(isbn.value, self.line_of(f"isbn[{n}]")) for n, isbn in enumerate(self.isbns)]


def nearest_line(lines: Mapping[str, int], field_path: str) -> int | None:
    """The line of a field path such as 'chapters[3].pages', or of its nearest enclosing field."""
    path = field_path
    while path:
        if path in lines:
            return lines[path]
        parent = re.sub(r"(\.[^.\[]+|\[[0-9]+\])$", "", path)
        path = "" if parent == path else parent
    return lines.get("")
