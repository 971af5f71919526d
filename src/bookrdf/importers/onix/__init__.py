"""ONIX for Books messages (3.0 and 2.1; reference or short tags; any namespace) -> Books.

Each Product is an edition; products that are formats of one work become one book with
several ISBNs (see `bookrdf.importers.onix.works`). Whatever a product holds that a record
has no field for is reported as a warning with its file, line and element, never dropped
silently; `strict=True` makes those warnings errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bookrdf.errors import Problem, RecordError, RecordErrors
from bookrdf.importers.onix.product import Edition, read_product
from bookrdf.importers.onix.text import code, normalize_tags, reference_name
from bookrdf.importers.onix.works import merge_editions
from bookrdf.importers.xmlsafe import iter_records, local_name
from bookrdf.model import Book
from bookrdf.records import parse_record

__all__ = ["OnixImport", "looks_like_onix", "read_onix"]

_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?ONIX[Mm]essage[\s>/]")
_DELETE = "05"  # list 1, Notification type: 05 Delete
# List 1: 04 Update (partial) and 88 Test update (partial) are "block updates", which carry
# only the blocks that changed; the blocks left out stay as they were. Read alone, one
# without the blocks a record's fields come from would make a book without those facts and
# replace the whole record written before. Many feeds send every block under 04 all the
# same (Google's sample does): those are whole books.
_BLOCK_UPDATES = ("04", "88")
_WHOLE = ("DescriptiveDetail", "CollateralDetail", "PublishingDetail")


@dataclass(frozen=True)
class OnixImport:
    books: tuple[Book, ...]
    warnings: tuple[Problem, ...]


def looks_like_onix(head: bytes) -> bool:
    """Whether the first bytes of a file look like an ONIX for Books message (a cheap sniff)."""
    return bool(_ROOT.search(head[:65536].replace(b"\x00", b"")))


def read_onix(paths: Sequence[Path], strict: bool = False) -> OnixImport:
    """Every book in the ONIX messages; products of one work merge across all the files."""
    editions: list[Edition] = []
    warnings: list[Problem] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            for edition in _editions(path, warnings):
                editions.append(edition)
                warnings.extend(edition.warnings)
        except RecordError as err:
            problems.extend(err.problems)
    books: list[Book] = []
    ids: set[str] = set()
    for data, lines, names, source in merge_editions(editions, warnings):
        if "title" not in data:
            message = "has no distinctive title (TitleDetail, TitleType 01); a book needs one"
            problems.append(Problem(source, lines.get(""), "Product", message))
            continue
        try:
            book = parse_record(data, source, lines)
        except RecordError as err:
            problems.extend(_in_onix(problem, names) for problem in err.problems)
            continue
        if book.id in ids:
            message = f'"{book.id}" is already the id of another book; give each its own'
            problems.append(Problem(source, lines.get(""), "Product", message))
            continue
        ids.add(book.id)
        books.append(book)
    if problems:
        raise RecordErrors(problems)
    if strict and warnings:
        raise RecordErrors(warnings)
    return OnixImport(tuple(books), tuple(warnings))


def _in_onix(problem: Problem, names: dict[str, str]) -> Problem:
    """A record-field problem named by the ONIX element the field was read from
    ('Product/DescriptiveDetail/Contributor', not 'contributors[0].identifiers.orcid')."""
    path = problem.field
    while path and path not in names:
        parent = re.sub(r"(\.[^.\[]+|\[[0-9]+\])$", "", path)
        path = "" if parent == path else parent
    return Problem(problem.source, problem.line, names.get(path, "Product"), problem.message)


def _editions(path: Path, warnings: list[Problem]) -> Iterator[Edition]:
    with closing(iter_records(path, ("Product", "product"))) as elements:
        yield from _products(elements, path, warnings)


def _products(elements: Iterator[Any], path: Path, warnings: list[Problem]) -> Iterator[Edition]:
    root = next(elements)
    if reference_name(local_name(root)) != "ONIXMessage":
        message = f"is not an ONIX for Books message: its root is <{local_name(root)}>"
        raise RecordError(Problem(str(path), root.sourceline, "", message))
    count = 0
    for product in elements:
        count += 1
        normalize_tags(product)
        notification = code(product.find("NotificationType"))
        if notification == _DELETE:
            message = "is a delete notification (NotificationType 05); not imported"
            warnings.append(Problem(str(path), product.sourceline, "Product", message))
            continue
        missing = [block for block in _WHOLE if product.find(block) is None]
        if notification in _BLOCK_UPDATES and missing:
            message = (
                f"is a block update (NotificationType {notification}) without "
                f"{', '.join(missing)}, which stay as they were; not imported: import the "
                "product's full record (03)"
            )
            warnings.append(Problem(str(path), product.sourceline, "Product", message))
            continue
        yield read_product(product, str(path))
    if not count:
        warnings.append(Problem(str(path), None, "", "holds no Product; nothing imported"))
