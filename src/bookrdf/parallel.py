"""Map, validate and render books in worker processes, chunk by chunk, results in input order.

The reading stays in the calling process (it reports every bad record and duplicate id across
files); chunks of books go to the workers, which map, validate and render them; the caller
appends each rendered chunk in input order. Chunks have a fixed size and are rendered the same
way in any process, so the output is the same bytes for any number of workers.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bookrdf.collector import collector_paused
from bookrdf.errors import OutputError, Problem, RecordError
from bookrdf.mapping import BookGraph, map_book
from bookrdf.model import Book
from bookrdf.publish.chunks import RenderedChunk, batched, render_chunk
from bookrdf.publish.formats import RenderedBook
from bookrdf.records import RecordLine, parse_line
from bookrdf.store.staging import StagedBook
from bookrdf.validation import BookReport, load_shapes, new_validator
from bookrdf.vocab import Minter

if TYPE_CHECKING:
    from bookrdf.validation.validator import Validator


@dataclass(frozen=True)
class Settings:
    """What every worker needs to know, sent once when it starts."""

    base: str
    formats: tuple[str, ...] = ()  # a release's formats; none: only N-Triples (or nothing)
    validate: bool = True
    shapes: Path | None = None
    fail_on: str = "violation"
    staged: bool = False  # each book's N-Triples, for a load


Item = Book | RecordLine  # a book read already, or a JSON Lines line the worker parses


@dataclass
class ChunkResult:
    """One chunk's reports, and what was made of it unless one of its books failed."""

    books: int
    ids: list[tuple[str, str, int]] = field(default_factory=list)  # (id, file, line) per book
    isbns: list[list[tuple[str, int | None]]] = field(default_factory=list)  # per book, lines
    problems: list[Problem] = field(default_factory=list)  # lines that are not records
    reports: list[BookReport] = field(default_factory=list)
    failed: bool = False  # a book broke the shapes
    rendered: RenderedChunk | None = None  # for a release
    staged: list[StagedBook] = field(default_factory=list)  # for a load


class _Worker:
    """A process's minter and validator (shapes parsed once per process)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.minter = Minter(settings.base)
        self.validator: Validator | None = None
        if settings.validate:
            self.validator = new_validator(load_shapes(settings.shapes), self.minter)

    def process(self, items: Sequence[Item]) -> ChunkResult:
        with collector_paused():
            return self._process(items)

    def _process(self, items: Sequence[Item]) -> ChunkResult:
        books: list[Book] = []
        problems: list[Problem] = []
        for item in items:
            try:
                books.append(parse_line(item) if isinstance(item, RecordLine) else item)
            except RecordError as err:
                problems.extend(err.problems)
        ids = [(book.id, str(book.source), book.line_of("id") or 0) for book in books]
        isbns = [book.isbn_lines() for book in books]
        if problems:  # the run fails: no need to map and validate
            return ChunkResult(len(items), ids, isbns, problems)
        graphs = [map_book(book, self.minter) for book in books]
        reports = self._validate(graphs, books)
        result = ChunkResult(len(books), ids, isbns, reports=reports)
        if any(fails(report, self.settings.fail_on) for report in reports):
            result.failed = True
        elif self.settings.formats:
            result.rendered = render_chunk(graphs, self.settings.formats)
        elif self.settings.staged:
            result.staged = [
                StagedBook(g.book_id, str(g.graph), RenderedBook(g).ntriples) for g in graphs
            ]
        return result

    def _validate(self, graphs: Sequence[BookGraph], books: Sequence[Book]) -> list[BookReport]:
        if self.validator is None:
            return []
        batch = getattr(self.validator, "validate_books", None)
        if batch is not None:
            return list(batch(zip(graphs, books, strict=True)))
        return [self.validator.validate_book(g, b) for g, b in zip(graphs, books, strict=True)]


def fails(report: BookReport, fail_on: str = "violation") -> bool:
    """Whether a book's report stops it: any violation, or any warning too when asked."""
    stopping = {"violation"} if fail_on == "violation" else {"violation", "warning"}
    return any(result.severity in stopping for result in report.results)


_worker: _Worker | None = None


def _start_worker(settings: Settings) -> None:
    global _worker
    # Ctrl-C reaches every process of the terminal's group: the caller stops the run and
    # shuts the workers down, so a worker's own KeyboardInterrupt would only print its
    # traceback (or send one back as a chunk's result)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    _worker = _Worker(settings)


def _die_with_parent() -> None:
    """On Linux, have the kernel kill this worker when the process that started it dies (a
    `kill -9` of bookrdf would otherwise leave its workers waiting for work forever)."""
    if not sys.platform.startswith("linux"):
        return
    with suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() == 1:  # the parent died before prctl: nobody will collect this worker
            os._exit(1)


_PR_SET_PDEATHSIG = 1


def _process(books: Sequence[Item]) -> ChunkResult:
    assert _worker is not None, "the worker was not started"
    return _worker.process(books)


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def process_books(
    books: Iterable[Item], settings: Settings, jobs: int = 1
) -> Generator[ChunkResult, None, None]:
    """Every chunk of books mapped, validated and rendered, in input order, by `jobs` processes
    (in this one when 1, or when the books fill less than two chunks)."""
    chunks = batched(books)
    first = next(chunks, [])
    second = next(chunks, None)
    head = [chunk for chunk in (first, second) if chunk]
    if jobs <= 1 or second is None:
        worker = _Worker(settings)
        for chunk in _chain(head, chunks):
            yield worker.process(chunk)
        return
    yield from _in_pool(_chain(head, chunks), settings, jobs)


def _in_pool(chunks: Iterator[list[Item]], settings: Settings, jobs: int) -> Iterator[ChunkResult]:
    # fork where there is one: workers start at once, with bookrdf already imported
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(
        jobs,
        mp_context=multiprocessing.get_context(method),
        initializer=_start_worker,
        initargs=(settings,),
    )
    pending: deque[Future[ChunkResult]] = deque()
    try:
        for chunk in chunks:
            pending.append(pool.submit(_process, chunk))
            # a bounded number in flight: memory stays flat however many books there are
            if len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BrokenProcessPool:
        raise OutputError(
            "a worker process died (out of memory or killed); nothing was written"
        ) from None
    finally:
        # on a failure (or when the caller stops reading), the chunks not started are dropped
        # and the running ones finish: the pool's own thread reads their results, so no worker
        # is left blocked on a full pipe
        pool.shutdown(wait=True, cancel_futures=True)


def _chain(head: list[list[Item]], rest: Iterator[list[Item]]) -> Iterator[list[Item]]:
    yield from head
    yield from rest
