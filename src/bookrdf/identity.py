"""Which contributor is which: the stable keys their IRIs are minted from, within a book."""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import URIRef

from bookrdf.model import Book, Contributor
from bookrdf.vocab import Minter, slug


def person_key(person: Contributor, names: Mapping[str, str] | None = None) -> str:
    """What a contributor's IRI is minted from: the strongest identifier, else the name (then
    scoped to the book), as `name_keys` keys it for the book."""
    found = person.identifiers.primary()
    if found:
        return f"{found[0]}:{found[1]}"
    return (names or {}).get(person.name) or slug(person.name)


def name_keys(book: Book) -> dict[str, str]:
    """The key of each name of a contributor without an identifier in one book: its slug,
    numbered when names differ but slug alike ('Mary-Jane Smith', 'Mary Jane Smith'), so that
    two people never become one IRI with two names. The same name is the same person in a book
    (and the same organisation: a person and an organisation of one name differ by their IRI's
    segment, `person/` or `organization/`)."""
    keys: dict[str, str] = {}
    used: set[str] = set()
    people = [*book.contributors, *(p for chapter in book.chapters for p in chapter.contributors)]
    for person in people:
        if person.name in keys or person.identifiers.primary():
            continue
        base = key = slug(person.name)
        number = 1
        while key in used:
            number += 1
            key = f"{base}-{number}"
        used.add(key)
        keys[person.name] = key
    return keys


def contributor_iri_text(
    minter: Minter, book_id: str, person: Contributor, names: Mapping[str, str] | None = None
) -> str:
    """A contributor's IRI as text: a person's or an organisation's, from the same key."""
    key = person_key(person, names)
    if person.is_organization:
        return minter.contributor_organization_iri(book_id, key)
    return minter.person_iri(book_id, key)


def person_iri(
    minter: Minter, book_id: str, person: Contributor, names: Mapping[str, str] | None = None
) -> URIRef:
    """A contributor's IRI (a person's or an organisation's): from the strongest identifier,
    else from the name within the book (`names`: the book's `name_keys`)."""
    return URIRef(contributor_iri_text(minter, book_id, person, names))
