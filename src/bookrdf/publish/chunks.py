"""Books rendered in chunks of a fixed size: the unit a worker process renders and a release
appends to its dumps. The size is fixed, so the bytes never depend on how many workers ran."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, TypeVar

import orjson

from bookrdf.mapping import BookGraph
from bookrdf.publish.formats import GZIP_LEVEL, RenderedBook
from bookrdf.release.manifest import BookEntry
from bookrdf.release.stats import BookCounts

CHUNK_BOOKS = 50
T = TypeVar("T")


@dataclass
class RenderedChunk:
    """Some books, each format's bytes ready to append, with what the release counts."""

    entries: list[BookEntry]  # one per book, for the manifest
    data: dict[str, bytes]  # format -> bytes; "nt.gz": a raw deflate segment (see GzipStream)
    ntriples: bytes  # the N-Triples the deflate segment holds, for the gzip trailer's CRC
    counts: BookCounts
    first_work: str | None


def batched(items: Iterable[T], size: int | None = None) -> Iterator[list[T]]:
    """Consecutive lists of `size` items (default CHUNK_BOOKS), the last one shorter."""
    size = size or CHUNK_BOOKS
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def render_chunk(books: Sequence[BookGraph], formats: Sequence[str]) -> RenderedChunk:
    """Render some books in every format, hash and count them."""
    rendered = [RenderedBook(book) for book in books]
    counts = BookCounts()
    entries = []
    for book, view in zip(books, rendered, strict=True):
        counts.add_subjects(str(book.work), view.groups.values(), view.subject_lines)
        sha256 = hashlib.sha256(view.ntriples).hexdigest()
        entries.append(BookEntry(book.book_id, str(book.graph), sha256, len(view.lines)))
    ntriples = b"".join(view.ntriples for view in rendered) if "nt.gz" in formats else b""
    data = {fmt: _format_bytes(fmt, rendered, ntriples) for fmt in formats}
    first = str(books[0].work) if books else None
    return RenderedChunk(entries, data, ntriples, counts, first)


def _format_bytes(fmt: str, rendered: Sequence[RenderedBook], ntriples: bytes) -> bytes:
    if fmt == "nt.gz":
        return deflate_segment(ntriples)
    if fmt == "nt":
        return b"".join(view.ntriples for view in rendered)
    if fmt == "nq":
        return b"".join(view.nquads for view in rendered)
    if fmt == "ttl":
        return b"".join(b"\n" + view.turtle_parts[1] for view in rendered)
    if fmt == "xml":
        return b"".join(view.rdfxml for view in rendered)
    if fmt == "jsonld":
        # one book per line, compact: the same bytes as json.dumps gives (a test compares them)
        return b",\n".join(compact_json(view.jsonld) for view in rendered)
    raise ValueError(f"unknown format {fmt}")


def compact_json(tree: Any) -> bytes:
    """A JSON tree as compact UTF-8, what json.dumps(ensure_ascii=False) writes: orjson, six
    times faster, and json where orjson refuses (a lone surrogate, an integer over 64 bits)."""
    try:
        return orjson.dumps(tree)
    except TypeError:  # orjson.JSONEncodeError
        return json.dumps(tree, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def deflate_segment(data: bytes) -> bytes:
    """Raw deflate blocks ending on a byte boundary (a sync flush), so segments compressed
    apart, in any process, concatenate into one deflate stream (the way pigz works)."""
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


class GzipStream:
    """One gzip member written from deflate segments: header, segments, final block, trailer.

    Deterministic (no name, mtime 0), so the same books give the same bytes."""

    HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no flags, mtime 0, OS unknown
    FINAL_BLOCK = b"\x03\x00"  # an empty last block with fixed codes

    def __init__(self) -> None:
        self.crc = 0
        self.size = 0

    def segment(self, deflated: bytes, data: bytes) -> bytes:
        """The bytes to append for one segment (`data` is what it decompresses to)."""
        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)
        return deflated

    def trailer(self) -> bytes:
        return (
            self.FINAL_BLOCK
            + self.crc.to_bytes(4, "little")
            + (self.size & 0xFFFFFFFF).to_bytes(4, "little")
        )
