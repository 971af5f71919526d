"""read -> map -> validate -> write, book by book."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from bookrdf.errors import InputError, Problem, RecordError, RecordErrors
from bookrdf.importers.muse import looks_like_muse_page, read_muse_page
from bookrdf.mapping import to_triples
from bookrdf.model import Book
from bookrdf.publish import DEFAULT_FORMATS, BookGraph, ReleaseSummary, write_release
from bookrdf.records import RECORD_SUFFIXES, read_records
from bookrdf.vocab import Minter

PAGE_SUFFIXES = {".txt"}
Warn = Callable[[Problem], None]


def input_files(paths: Iterable[Path]) -> list[Path]:
    """Files to read: the paths given, with folders expanded to their record and page files."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in RECORD_SUFFIXES | PAGE_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                raise InputError(f"{path}: the folder has no record files (.yaml, .json, .jsonl)")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise InputError(f"{path}: no such file or folder; check the path")
    return files


def read_file(path: Path, warn: Warn | None = None) -> Iterator[Book]:
    """The books in one input file, whatever its kind."""
    suffix = path.suffix.lower()
    if suffix in RECORD_SUFFIXES:
        yield from read_records(path)
        return
    if suffix in PAGE_SUFFIXES or _sniff_page(path):
        result = read_muse_page(path)
        for problem in result.warnings:
            if warn:
                warn(problem)
        yield result.book
        return
    raise InputError(
        f"{path}: not a record file (.yaml, .yml, .json, .jsonl) or a saved MUSE page (.txt)"
    )


def _sniff_page(path: Path) -> bool:
    try:
        head = path.read_bytes()[:65536].decode("utf-8", errors="replace")
    except OSError:
        return False
    return looks_like_muse_page(head)


def read_books(paths: Sequence[Path], warn: Warn | None = None) -> Iterator[Book]:
    """Every book in the inputs, in order; every bad record is reported, together, at the end."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in input_files(paths):
        books = read_file(path, warn)
        while True:
            try:
                book = next(books)
            except StopIteration:
                break
            except RecordError as err:
                problems.extend(err.problems)
                break
            where = (
                f"{book.source}:{book.line_of('id')}" if book.line_of("id") else str(book.source)
            )
            if book.id in seen:
                problems.append(
                    Problem(
                        str(book.source),
                        book.line_of("id"),
                        "id",
                        f'"{book.id}" is already the id of the book in {seen[book.id]}; '
                        "give each book its own id",
                    )
                )
                continue
            seen[book.id] = where
            if not problems:
                yield book
    if problems:
        raise RecordErrors(problems)


def map_book(book: Book, minter: Minter) -> BookGraph:
    """One book's triples, ready to validate or write."""
    return BookGraph(
        book_id=book.id,
        work=minter.work(book.id),
        graph=minter.graph(book.id),
        triples=to_triples(book, minter),
    )


def publish(
    paths: Sequence[Path],
    out: Path,
    *,
    formats: Sequence[str] = DEFAULT_FORMATS,
    minter: Minter | None = None,
    warn: Warn | None = None,
    on_book: Callable[[BookGraph], None] | None = None,
) -> ReleaseSummary:
    """Read, map and write every book in `paths` to the release folder `out`."""
    minter = minter or Minter()
    graphs = (map_book(book, minter) for book in read_books(paths, warn))
    return write_release(graphs, out, formats, on_book=on_book)
