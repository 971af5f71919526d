"""The typed model of a book: values, parsing from record fields, and entry kinds."""

from bookrdf.model.dump import book_to_dict
from bookrdf.model.kinds import entry_kinds, told_kind
from bookrdf.model.pages import PAGE, page_range
from bookrdf.model.parse import book_from_dict
from bookrdf.model.values import (
    ROMAN_PAGE,
    Book,
    Chapter,
    Contributor,
    ContributorKind,
    DatePrecision,
    Identifiers,
    Isbn,
    IsbnFormat,
    PageRange,
    Pdf,
    PublicationDate,
    Publisher,
    Role,
    int_to_roman,
    nearest_line,
    roman_to_int,
)

__all__ = [
    "PAGE",
    "ROMAN_PAGE",
    "Book",
    "Chapter",
    "Contributor",
    "ContributorKind",
    "DatePrecision",
    "Identifiers",
    "Isbn",
    "IsbnFormat",
    "PageRange",
    "Pdf",
    "PublicationDate",
    "Publisher",
    "Role",
    "book_from_dict",
    "book_to_dict",
    "entry_kinds",
    "int_to_roman",
    "nearest_line",
    "page_range",
    "roman_to_int",
    "told_kind",
]
