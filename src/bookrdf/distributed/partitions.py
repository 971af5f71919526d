"""Inputs cut into partitions of about equal size: whole files, and JSON Lines files in blocks
of lines, so that one big file still spreads over the cluster. Partitions keep the input order:
their parts, read one after the other, hold the books in the order a local run writes them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bookrdf.errors import InputError, Problem, RecordError, RecordErrors
from bookrdf.model import Book
from bookrdf.pipeline import Warn, read_file, record_lines
from bookrdf.pipeline.inputs import file_groups, read_group
from bookrdf.records import RecordLine, line_text, parse_line

_CHUNK = 1 << 20  # bytes read at a time while looking for block ends


@dataclass(frozen=True)
class Slice:
    """A whole input file, or the lines of a JSON Lines file from byte `start` to `end`."""

    path: str  # as given on the command line (relative to `Partition.cwd` if relative)
    start: int = 0
    end: int | None = None  # None: to the end of the file
    line: int = 1  # the number of the line at `start`
    # files read together with this one: the other Crossref files of the run, where a
    # chapter's book may be (`pipeline.inputs.file_groups`)
    together: tuple[str, ...] = ()

    @property
    def whole(self) -> bool:
        return self.start == 0 and self.end is None


@dataclass(frozen=True)
class Partition:
    """What one task reads: consecutive slices of the input; `cwd` resolves relative paths."""

    number: int
    slices: tuple[Slice, ...]
    cwd: str

    @property
    def name(self) -> str:
        return f"part-{self.number:05d}"


def plan_partitions(files: Sequence[Path], count: int, cwd: Path) -> list[Partition]:
    """At most `count` partitions of about equal bytes; only JSON Lines files of records are
    cut, and files read together (Crossref's) stay in one slice."""
    groups = file_groups(files)
    sizes = [sum(_size(path) for path in group) for group in groups]
    target = max(1, -(-sum(sizes) // max(1, count)))
    partitions: list[Partition] = []
    current: list[Slice] = []
    filled = 0
    for (path, *others), size in zip(groups, sizes, strict=True):
        pieces = (
            list(line_blocks(path, target))
            if size > target and not others and record_lines(path)
            else [(Slice(str(path), together=tuple(map(str, others))), size)]
        )
        for piece, piece_size in pieces:
            current.append(piece)
            filled += piece_size
            if filled >= target:
                partitions.append(Partition(len(partitions), tuple(current), str(cwd)))
                current, filled = [], 0
    if current or not partitions:
        partitions.append(Partition(len(partitions), tuple(current), str(cwd)))
    return partitions


def line_blocks(path: Path, size: int) -> Iterator[tuple[Slice, int]]:
    """A file cut after the first line end past every `size` bytes: (slice, its bytes)."""
    start, line = 0, 1  # the current block's first byte and line
    offset, newlines = 0, 0  # bytes and line ends before the current chunk
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            at = 0
            while (want := max(start + size - offset - 1, at)) < len(chunk):
                end = chunk.find(b"\n", want)
                if end < 0:
                    break
                line_after = newlines + chunk.count(b"\n", 0, end + 1) + 1
                yield Slice(str(path), start, offset + end + 1, line), offset + end + 1 - start
                start, line, at = offset + end + 1, line_after, end + 1
            newlines += chunk.count(b"\n")
            offset += len(chunk)
    if start == 0:
        yield Slice(str(path)), offset
    elif start < offset:
        yield Slice(str(path), start, None, line), offset - start


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError as err:
        raise InputError(f"{path}: cannot be read: {err.strerror or err}") from None


def read_slice(piece: Slice, cwd: str, warn: Warn | None = None) -> Iterator[Book]:
    """The books of a slice; their sources (and problems) name the file as it was given."""
    path = Path(cwd, piece.path)
    if piece.together:
        books = read_group([path, *(Path(cwd, other) for other in piece.together)], warn)
    else:
        books = read_file(path, warn) if piece.whole else _read_lines(path, piece)
    if Path(piece.path).is_absolute():
        yield from books
        return
    given = _Renamer(str(path), piece.path)
    try:
        for book in books:
            yield replace(book, source=given.source(book.source))
    except RecordError as err:
        raise RecordErrors([given.problem(problem) for problem in err.problems]) from None
    except InputError as err:
        raise InputError(str(err).replace(given.absolute, given.given, 1)) from None


@dataclass(frozen=True)
class _Renamer:
    """Sources under the worker's absolute path named as the user gave them."""

    absolute: str
    given: str

    def source(self, source: str | None) -> str | None:
        folder = self.absolute[: -len(self.given)]
        if source is not None and source.startswith(folder) and self.absolute.endswith(self.given):
            return source[len(folder) :]
        return source

    def problem(self, problem: Problem) -> Problem:
        return replace(problem, source=self.source(problem.source) or problem.source)


def _read_lines(path: Path, piece: Slice) -> Iterator[Book]:
    """A block of JSON Lines, as `read_file` reads the whole file: good books are yielded until
    a bad line; then every bad line is reported at once."""
    problems: list[Problem] = []
    for number, text in _numbered_lines(path, piece):
        if not text.strip():
            continue
        try:
            book = parse_line(RecordLine(str(path), number, text))
        except RecordError as err:
            problems.extend(err.problems)
            continue
        if not problems:
            yield book
    if problems:
        raise RecordErrors(problems)


def _numbered_lines(path: Path, piece: Slice) -> Iterator[tuple[int, str]]:
    try:
        handle = path.open("rb")
    except OSError as err:
        raise InputError(f"{path}: cannot be read: {err.strerror or err}") from None
    with handle:
        handle.seek(piece.start)
        remaining = None if piece.end is None else piece.end - piece.start
        number = piece.line
        for raw in handle:
            if remaining is not None:
                if remaining <= 0:
                    break
                remaining -= len(raw)
            yield number, line_text(path, number, raw)
            number += 1
