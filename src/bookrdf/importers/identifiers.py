"""Identifiers every importer needs: an ISBN's comparison key and a book's id."""

from __future__ import annotations

import hashlib
import re

from stdnum import isbn as stdnum_isbn

from bookrdf.vocab import slug


def isbn_key(value: str) -> str:
    """An ISBN as 13 digits when it can be read as one, else as given: equal ISBNs, equal keys."""
    compact = re.sub(r"[\s-]", "", value).upper()
    if re.fullmatch(r"[0-9]{9}[0-9X]", compact):  # stdnum fails on anything else
        return str(stdnum_isbn.to_isbn13(compact))
    return compact


def book_id(isbns: list[dict[str, str]], title: str) -> str:
    """The print (else first) ISBN as 13 digits, else a slug of the title."""
    for isbn in sorted(isbns, key=lambda i: i.get("format") in (None, "electronic")):
        if stdnum_isbn.is_valid(isbn["value"]):
            # compact: to_isbn13 keeps a 13-digit ISBN's hyphens, which would mint another IRI
            return stdnum_isbn.compact(stdnum_isbn.to_isbn13(isbn["value"]))
    name = slug(title)  # titles without Latin letters slug to %-escapes, which ids cannot hold
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}", name):
        return name
    return "book-" + hashlib.sha256(title.encode("utf-8")).hexdigest()[:12]
