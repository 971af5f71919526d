"""A description as a document: Turtle, JSON-LD, N-Triples or an HTML page."""

from __future__ import annotations

from collections.abc import Callable

from bookrdf.serve.describe import Description, labels
from bookrdf.site import (
    book_page,
    chapter_page,
    document,
    last_segment,
    read_book,
    resource_page,
)


def render(found: Description, fmt: str, link: Callable[[str], str], root: str) -> bytes:
    """The description in `fmt` ("ttl", "jsonld", "nt" or "html"); `root` is the site's path."""
    # Works and chapters nest in JSON-LD under their own node; other resources list their
    # links flat, since the things that link to them are not reachable from them.
    nested = found.kind != "resource"
    if fmt != "html":
        return document(found.triples, found.iri, fmt, nested=nested)
    data = document(found.triples, found.iri, "jsonld", nested=nested)
    if found.kind == "work" and found.book is not None:
        view = read_book(found.book, found.iri)
        return book_page(view, data, last_segment(found.iri)).encode("utf-8")
    if found.kind == "chapter" and found.book is not None and found.work is not None:
        view = read_book(found.book, found.work)
        for part in view.parts:
            if part.iri == found.iri:
                return chapter_page(view, part, data, last_segment(found.work)).encode("utf-8")
    page = resource_page(
        found.iri,
        found.triples,
        data,
        link=link,
        labels=labels(found.triples),
        name=last_segment(found.iri),
        root=root,
    )
    return page.encode("utf-8")
