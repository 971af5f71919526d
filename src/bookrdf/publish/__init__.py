"""Write books as N-Triples (plain or gzipped), Turtle, JSON-LD, N-Quads and RDF/XML, book by
book, into a release folder described in VoID/DCAT — atomically.

    formats   one book in each format (`book_document`), the terms' order
    dumps     whole files written book by book, counted and hashed as written
    files     atomic writes: temporary files renamed into place on success
    folder    the release folder (`write_release`): dumps, description, manifest, checksums
"""

from __future__ import annotations

from bookrdf.publish.files import atomic_files
from bookrdf.publish.folder import ReleaseSummary, write_release
from bookrdf.publish.formats import (
    DEFAULT_FORMATS,
    FORMATS,
    MEDIA_TYPES,
    RenderedBook,
    book_document,
    book_jsonld,
    book_nquads,
    book_ntriples,
    book_rdfxml,
    refuse_remote_context,
    to_oxigraph,
)

__all__ = [
    "DEFAULT_FORMATS",
    "FORMATS",
    "MEDIA_TYPES",
    "ReleaseSummary",
    "RenderedBook",
    "atomic_files",
    "book_document",
    "book_jsonld",
    "book_nquads",
    "book_ntriples",
    "book_rdfxml",
    "refuse_remote_context",
    "to_oxigraph",
    "write_release",
]
