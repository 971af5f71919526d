"""importers/identifiers.py: the id every importer gives a book."""

from __future__ import annotations

import pytest

from bookrdf.importers.identifiers import book_id, isbn_key


@pytest.mark.parametrize(
    "value", ["9780824828097", "978-0-8248-2809-7", "978 0 8248 2809 7", "0-8248-2809-7"]
)
def test_a_book_id_is_the_isbn_as_13_digits_however_it_is_written(value: str) -> None:
    assert isbn_key(value) == "9780824828097"
    assert book_id([{"value": value}], "Crisis in North Korea") == "9780824828097"


def test_a_print_isbn_comes_before_an_electronic_one() -> None:
    isbns = [
        {"value": "978-0-8248-6203-9", "format": "electronic"},
        {"value": "978-0-8248-2809-7", "format": "hardcover"},
    ]
    assert book_id(isbns, "T") == "9780824828097"


def test_without_a_valid_isbn_the_id_is_the_title_slug() -> None:
    assert book_id([{"value": "9780824828098"}], "Crisis in North Korea") == (
        "crisis-in-north-korea"
    )
    assert book_id([], "王伟的书").startswith("book-")
