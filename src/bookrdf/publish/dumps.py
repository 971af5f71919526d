"""Whole dump files written book by book, each counted and hashed as it is written."""

from __future__ import annotations

import gzip
import json
from typing import IO

from bookrdf.publish.files import Digest
from bookrdf.publish.formats import GZIP_LEVEL, RenderedBook, rdfxml_frame
from bookrdf.resources import jsonld_context


class DumpWriter:
    """Writes one format to an open file, one book at a time; `digest` sees the bytes on disk."""

    def __init__(self, fmt: str, out: IO[bytes]) -> None:
        self.fmt = fmt
        self.digest = Digest(out)
        self.count = 0
        self.head_written = False
        self._gzip: gzip.GzipFile | None = None
        if fmt == "nt.gz":
            # no file name and mtime 0: the same books give the same bytes
            self._gzip = gzip.GzipFile(
                filename="", mode="wb", fileobj=self.digest, mtime=0, compresslevel=GZIP_LEVEL
            )

    def write(self, book: RenderedBook) -> None:
        """Append one book."""
        if self._gzip is not None:
            self._gzip.write(book.ntriples)
        elif self.fmt == "ttl":
            head, body = book.turtle_parts
            self._head(head)
            self.digest.write(b"\n" + body)
        elif self.fmt == "nt":
            self.digest.write(book.ntriples)
        elif self.fmt == "nq":
            self.digest.write(book.nquads)
        elif self.fmt == "xml":
            self._head(rdfxml_frame()[0])
            self.digest.write(book.rdfxml)
        elif self.fmt == "jsonld":
            self._head(_jsonld_head())
            prefix = b",\n" if self.count else b""
            node = json.dumps(book.jsonld, ensure_ascii=False, indent=1)
            self.digest.write(prefix + node.encode("utf-8"))
        self.count += 1

    def _head(self, head: bytes) -> None:
        if not self.head_written:
            self.digest.write(head)
            self.head_written = True

    def close(self) -> None:
        """Finish the file (closing brackets, the gzip trailer)."""
        if self._gzip is not None:
            self._gzip.close()  # writes the trailer; leaves the file itself open
        elif self.fmt == "xml":
            head, tail = rdfxml_frame()
            self._head(head)
            self.digest.write(tail + b"\n")
        elif self.fmt == "jsonld":
            self._head(_jsonld_head())
            self.digest.write(b"\n]\n}\n")


def _jsonld_head() -> bytes:
    context = json.dumps(jsonld_context(), ensure_ascii=False, indent=2)
    return f'{{\n"@context": {context},\n"@graph": [\n'.encode()
