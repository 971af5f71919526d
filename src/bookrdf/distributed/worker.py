"""One partition on a worker: read, map, validate and write its part files, book by book, and
count what the VoID description needs.

Every file a task writes is temporary (`.NAME.RUN.tmp` in the parts folder) until the client
has seen every partition succeed. Besides the two parts a task leaves an index of its books
(for the manifest and the duplicate-id check) and its shared triples cut into buckets by
subject, which `count_shared` then counts one bucket per task.

VoID counts stay exact: a book's own subjects (its work IRI and those under it) occur in that
book only, so their counts add up over partitions; every other subject (an edition, a
publisher, an identified person) lands in one bucket, whose distinct triples are counted there.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import threading
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, TypeVar

from rdflib import Graph

from bookrdf.collector import collector_paused
from bookrdf.distributed.partitions import Partition, read_slice
from bookrdf.errors import Problem, RecordError
from bookrdf.mapping import BookGraph, map_book
from bookrdf.model import Book
from bookrdf.parallel import fails
from bookrdf.pipeline import Warn
from bookrdf.publish.files import Digest
from bookrdf.publish.formats import GZIP_LEVEL, book_nquads, book_ntriples
from bookrdf.release.manifest import PARTS
from bookrdf.release.stats import Counts, VoidCounter, void_counter
from bookrdf.validation import BookReport, Validator, load_shapes
from bookrdf.vocab import Minter

PART_FORMATS = (("nt.gz", "application/n-triples"), ("nq.gz", "application/n-quads"))
BATCH = 200  # books mapped, then validated together (`validate_books` cuts its own batches)
_SEEN_LIMIT = 100_000  # shared lines remembered per task to skip repeats (an optimisation)
# VoidCounter counts the triples of subjects outside a book's work as shared; a work IRI no
# subject has makes every triple given to it shared.
_NO_WORK = ""
_Item = TypeVar("_Item")


@dataclass(frozen=True)
class Settings:
    """What every task of one run shares."""

    folder: str  # the parts folder, absolute, on storage every worker and the client see
    run: str  # names this run's temporary files
    base: str
    validate: bool
    shapes: str | None  # absolute; None: bookrdf's own shapes
    buckets: int  # how many ways shared triples are cut for counting

    def temp(self, name: str) -> Path:
        return Path(self.folder, f".{name}.{self.run}.tmp")

    def index(self, partition: int) -> Path:
        return self.temp(f"part-{partition:05d}.books")

    def shared(self, partition: int, bucket: int) -> Path:
        return self.temp(f"part-{partition:05d}.shared-{bucket:04d}")


@dataclass(frozen=True)
class PartFile:
    """A part file as written: its name in the release folder, media type, size, SHA-256."""

    name: str
    media_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class PartResult:
    """What a task tells the client: its part files and counts, or what went wrong."""

    number: int
    books: int
    triples: int  # N-Triples lines: a shared node's triples once in each of its books
    files: tuple[PartFile, ...]
    counts: Counts  # VoID counts of the books' own subjects (shared ones: `count_shared`)
    example: str | None  # the first book's work
    reports: tuple[BookReport, ...]  # the reports that say something
    checked: int  # books validated
    failed: bool  # a book broke the shapes
    problems: tuple[Problem, ...]  # records that could not be read
    warnings: tuple[Problem, ...]


def publish_partition(partition: Partition, settings: Settings) -> PartResult:
    """Read, map, validate and write one partition's books into its temporary part files."""
    minter = Minter(settings.base)
    validator = _validator(settings.shapes, settings.base) if settings.validate else None
    problems: list[Problem] = []
    warnings: list[Problem] = []
    reports: list[BookReport] = []
    checked = 0
    failed = False
    with _PartWriter(partition, settings) as writer:
        for batch in _batches(_books(partition, problems, warnings.append), BATCH):
            if problems:  # nothing more is written: the run fails, but every id is checked
                for book in batch:
                    writer.note(book)
                continue
            with collector_paused():  # see collector.py: a batch frees its own objects
                graphs = [map_book(book, minter) for book in batch]
                found = _validate(validator, graphs, batch)
                for graph, book, report in zip(graphs, batch, found, strict=True):
                    if report is not None:
                        checked += 1
                        if report.results:
                            reports.append(report)
                        failed = failed or fails(report)
                    if failed:  # once a book fails, the others are still checked, not written
                        writer.note(book)
                    else:
                        writer.add(graph, book)
        files = writer.finish()
        return PartResult(
            number=partition.number,
            books=writer.books,
            triples=writer.triples,
            files=files,
            counts=writer.counter.counts(),
            example=writer.example,
            reports=tuple(reports),
            checked=checked,
            failed=failed,
            problems=tuple(problems),
            warnings=tuple(warnings),
        )


def _books(partition: Partition, problems: list[Problem], warn: Warn) -> Iterator[Book]:
    """Every book of the partition; a slice with a bad record adds its problems and the rest of
    the partition is still read (as `pipeline.read_books` does)."""
    for piece in partition.slices:
        try:
            yield from read_slice(piece, partition.cwd, warn)
        except RecordError as err:
            problems.extend(err.problems)


def _validate(
    validator: Validator | None, graphs: Sequence[BookGraph], books: Sequence[Book]
) -> list[BookReport | None]:
    """A batch's reports, in order (None without a validator)."""
    if validator is None:
        return [None] * len(books)
    return list(validator.validate_books(zip(graphs, books, strict=True)))


def _batches(items: Iterable[_Item], size: int) -> Iterator[list[_Item]]:
    batch: list[_Item] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class _PartWriter:
    """A partition's temporary files: the two gzipped parts, the book index, shared buckets."""

    def __init__(self, partition: Partition, settings: Settings) -> None:
        self.partition = partition
        self.settings = settings
        self.books = self.triples = 0
        self.example: str | None = None
        self._handles: list[IO[bytes]] = []
        self._parts: list[tuple[str, str, Digest, gzip.GzipFile]] = []
        self._shared: dict[int, IO[bytes]] = {}
        self._seen: set[bytes] = set()
        self._counting = void_counter()
        self.counter: VoidCounter

    def __enter__(self) -> _PartWriter:
        Path(self.settings.folder).mkdir(parents=True, exist_ok=True)
        for suffix, media_type in PART_FORMATS:
            name = f"{self.partition.name}.{suffix}"
            handle = self._open(self.settings.temp(name))
            digest = Digest(handle)
            # no file name and mtime 0: the same books give the same bytes
            packed = gzip.GzipFile(
                filename="", mode="wb", fileobj=digest, mtime=0, compresslevel=GZIP_LEVEL
            )
            self._parts.append((f"{PARTS}/{name}", media_type, digest, packed))
        self._index = self._open(self.settings.index(self.partition.number))
        self.counter = self._counting.__enter__()
        return self

    def _open(self, path: Path) -> IO[bytes]:
        handle = path.open("wb")
        self._handles.append(handle)
        return handle

    def add(self, graph: BookGraph, book: Book) -> None:
        """Write one valid book to both parts; count it; index it."""
        nt = book_ntriples(graph)
        nq = book_nquads(graph)
        (_, _, _, triples), (_, _, _, quads) = self._parts
        triples.write(nt)
        quads.write(nq)
        self._count(str(graph.work), nt)
        self.books += 1
        lines = nt.count(b"\n")
        self.triples += lines
        self.example = self.example or str(graph.work)
        self._write_index(
            book,
            graph=str(graph.graph),
            sha256=_sha256(nt),
            triples=lines,
        )

    def note(self, book: Book) -> None:
        """Index a book that is not written (the run fails), for the duplicate-id check."""
        self._write_index(book)

    def _write_index(self, book: Book, **entry: object) -> None:
        record = {
            "id": book.id,
            "source": book.source,
            "line": book.line_of("id"),
            "isbns": book.isbn_lines(),
            **entry,
        }
        self._index.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")

    def _count(self, work: str, nt: bytes) -> None:
        """The book's own triples to the counter; the others, once, to their subject's bucket."""
        own, inside = f"<{work}> ".encode(), f"<{work}/".encode()
        local: list[bytes] = []
        for line in nt.splitlines(keepends=True):
            if line.startswith((own, inside)):
                local.append(line)
            elif line not in self._seen:
                if len(self._seen) >= _SEEN_LIMIT:
                    self._seen.clear()
                self._seen.add(line)
                self._bucket(line[: line.index(b" ")]).write(line)
        self.counter.add(work, [line.decode("utf-8") for line in local])

    def _bucket(self, subject: bytes) -> IO[bytes]:
        # crc32, not hash(): every process must put a subject in the same bucket
        bucket = zlib.crc32(subject) % self.settings.buckets
        if bucket not in self._shared:
            path = self.settings.shared(self.partition.number, bucket)
            self._shared[bucket] = self._open(path)
        return self._shared[bucket]

    def finish(self) -> tuple[PartFile, ...]:
        """Close the parts (gzip trailers) and make them durable."""
        files = []
        for name, media_type, digest, packed in self._parts:
            packed.close()
            digest.flush()
            os.fsync(digest.out.fileno())
            files.append(PartFile(name, media_type, digest.size, digest.sha256))
        return tuple(files)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._counting.__exit__(kind, error, trace)
        for handle in self._handles:
            handle.close()


def count_shared(bucket: int, partitions: int, settings: Settings) -> Counts:
    """The VoID counts of one bucket of shared triples (every subject is in one bucket only)."""
    with void_counter() as counter:
        for number in range(partitions):
            path = settings.shared(number, bucket)
            if path.exists():
                with path.open("r", encoding="utf-8") as lines:
                    for batch in _batches(lines, 10_000):
                        counter.add(_NO_WORK, batch)
        return counter.counts()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Validators(threading.local):
    """Each worker thread's validators (pyshacl's prepared queries are not shared by threads)."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str | None, str], Validator] = {}


_shapes_lock = threading.Lock()
_shapes: dict[str | None, Graph] = {}
_validators = _Validators()


def _validator(shapes: str | None, base: str) -> Validator:
    """A validator for this thread, its shapes parsed once per worker process."""
    key = (shapes, base)
    if key not in _validators.by_key:
        with _shapes_lock:
            if shapes not in _shapes:
                _shapes[shapes] = load_shapes(Path(shapes) if shapes else None)
            graph = _shapes[shapes]
        _validators.by_key[key] = Validator(graph, Minter(base))
    return _validators.by_key[key]
