"""Whole dump files written chunk by chunk, each counted and hashed as it is written."""

from __future__ import annotations

import json
from typing import IO

from bookrdf.publish.chunks import GzipStream, RenderedChunk
from bookrdf.publish.files import Digest
from bookrdf.publish.formats import rdfxml_frame, turtle_header
from bookrdf.resources import jsonld_context


class DumpWriter:
    """Writes one format to an open file, a chunk at a time; `digest` sees the bytes on disk."""

    def __init__(self, fmt: str, out: IO[bytes]) -> None:
        self.fmt = fmt
        self.digest = Digest(out)
        self.count = 0
        self._gzip: GzipStream | None = None
        if fmt == "nt.gz":
            self._gzip = GzipStream()
            self.digest.write(GzipStream.HEADER)
        elif fmt == "ttl":
            self.digest.write(turtle_header())
        elif fmt == "xml":
            self.digest.write(rdfxml_frame()[0])
        elif fmt == "jsonld":
            self.digest.write(_jsonld_head())

    def write(self, chunk: RenderedChunk) -> None:
        """Append a chunk of books."""
        if not chunk.entries:
            return
        data = chunk.data[self.fmt]
        if self._gzip is not None:
            data = self._gzip.segment(data, chunk.ntriples)
        elif self.fmt == "jsonld" and self.count:
            data = b",\n" + data
        self.digest.write(data)
        self.count += len(chunk.entries)

    def close(self) -> None:
        """Finish the file (closing brackets, the gzip trailer)."""
        if self._gzip is not None:
            self.digest.write(self._gzip.trailer())
        elif self.fmt == "xml":
            self.digest.write(rdfxml_frame()[1] + b"\n")
        elif self.fmt == "jsonld":
            self.digest.write(b"\n]\n}\n")


def _jsonld_head() -> bytes:
    context = json.dumps(jsonld_context(), ensure_ascii=False, indent=2)
    return f'{{\n"@context": {context},\n"@graph": [\n'.encode()
