"""read -> map -> validate -> write, book by book."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
from rdflib import Graph

from bookrdf.config import DatasetConfig
from bookrdf.errors import InputError, Problem, RecordError, RecordErrors, ValidationFailed
from bookrdf.importers.crossref import looks_like_crossref, read_crossref
from bookrdf.importers.csv import chapters_csv_for, read_csv, sniff_csv
from bookrdf.importers.marc import looks_like_marc, read_marc
from bookrdf.importers.muse import looks_like_muse_page, read_muse_page
from bookrdf.importers.onix import looks_like_onix, read_onix
from bookrdf.mapping import BookGraph, map_book
from bookrdf.model import Book
from bookrdf.parallel import ChunkResult, Item, Settings, fails, process_books
from bookrdf.publish import DEFAULT_FORMATS, ReleaseSummary
from bookrdf.publish.folder import render_books, write_chunks
from bookrdf.records import RECORD_SUFFIXES, json_lines, read_records
from bookrdf.store import LoadSummary, Target, load_files, load_staged
from bookrdf.store.files import parse_quads, rdf_format
from bookrdf.validation import BookReport, Validator, load_shapes, reports_by_book, summary
from bookrdf.vocab import Minter

FAIL_ON = ("violation", "warning")

PAGE_SUFFIXES = {".txt"}
JSON_LINES = {".jsonl", ".ndjson"}
MARC_SUFFIXES = {".mrc", ".marc"}
ONIX_SUFFIXES = {".onix", ".xml"}
# In a folder, chapters.csv files are read through their books.csv, not on their own.
FOLDER_SUFFIXES = RECORD_SUFFIXES | PAGE_SUFFIXES | MARC_SUFFIXES | ONIX_SUFFIXES | {".csv"}
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
                and p.suffix.lower() in FOLDER_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and not _is_chapters_csv(p)
            )
            if not found:
                raise InputError(f"{path}: the folder has no record files (.yaml, .json, .jsonl)")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise InputError(f"{path}: no such file or folder; check the path")
    return files


def _is_chapters_csv(path: Path) -> bool:
    return (
        path.suffix.lower() == ".csv"
        and sniff_csv(_head(path).decode("utf-8", "replace")) == "chapters"
    )


def read_file(path: Path, warn: Warn | None = None) -> Iterator[Book]:
    """The books in one input file, whatever its kind: records, a MUSE page, a catalogue export
    (CSV, Crossref JSON, ONIX, MARC), told by its suffix or, failing that, by its first bytes."""
    suffix = path.suffix.lower()
    head = _head(path)
    text = head.decode("utf-8", errors="replace")
    imported: Imported | None = None
    if suffix == ".csv":
        imported = _csv_books(path, text)
    elif suffix == ".json" and looks_like_crossref(text):
        imported = read_crossref([path])
    elif suffix in RECORD_SUFFIXES:
        yield from read_records(path)
        return
    elif suffix in MARC_SUFFIXES or looks_like_marc(head):
        imported = read_marc([path])
    elif suffix in ONIX_SUFFIXES or looks_like_onix(head):
        imported = read_onix([path])
    elif suffix in PAGE_SUFFIXES or looks_like_muse_page(text):
        page = read_muse_page(path)
        imported = MuseBooks((page.book,), page.warnings)
    if imported is None:
        raise InputError(
            f"{path}: not a record file (.yaml, .json, .jsonl), a saved MUSE page (.txt) or a "
            "catalogue export bookrdf reads (.csv, Crossref .json, ONIX/MARCXML .xml, MARC .mrc)"
        )
    for problem in imported.warnings:
        if warn:
            warn(problem)
    yield from imported.books


class Imported(Protocol):
    """What every importer returns: its books and what it could not map."""

    @property
    def books(self) -> Sequence[Book]: ...

    @property
    def warnings(self) -> Sequence[Problem]: ...


@dataclass(frozen=True)
class MuseBooks:
    books: tuple[Book, ...]
    warnings: tuple[Problem, ...]


def _csv_books(path: Path, text: str) -> Imported:
    kind = sniff_csv(text)
    if kind == "books":
        return read_csv(path, chapters_csv_for(path))
    if kind == "chapters":
        raise InputError(f"{path}: is a chapters file; give its books file, which reads it")
    raise InputError(
        f"{path}: not a bookrdf CSV file "
        "(its header needs book_id and title; see docs/importers.md)"
    )


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(65536)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file or folder; check the path") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder; give a file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None


def read_books(paths: Sequence[Path], warn: Warn | None = None) -> Iterator[Book]:
    """Every book in the inputs, in order; every bad record is reported, together, at the end."""
    problems: list[Problem] = []
    files = input_files(paths)
    ids = BookIds(files)
    for path in files:
        books = read_file(path, warn)
        while True:
            try:
                book = next(books)
            except StopIteration:
                break
            except RecordError as err:
                problems.extend(err.problems)
                break
            repeated = ids.check(book.id, str(book.source), book.line_of("id") or 0)
            if repeated:
                problems.append(repeated)
            elif not problems:
                yield book
    if problems:
        raise RecordErrors(problems)


class BookIds:
    """The ids of a run's books so far: the second book with an id is a problem naming the
    first. Each id's file number and line are packed in one int: a million ids then take tens,
    not hundreds, of megabytes."""

    def __init__(self, files: Sequence[Path]) -> None:
        self.files = files
        self.numbers = {str(path): n for n, path in enumerate(files)}
        self.seen: dict[str, int] = {}

    def check(self, book_id: str, source: str, line: int) -> Problem | None:
        """None for a new id; else the problem of the book repeating it."""
        first = self.seen.get(book_id)
        if first is None:
            self.seen[book_id] = self.numbers.get(source, 0) << 32 | line
            return None
        path, at = self.files[first >> 32], first & 0xFFFFFFFF
        place = f"{path}:{at}" if at else str(path)
        message = f'"{book_id}" is already the id of the book in {place}'
        return Problem(source, line or None, "id", f"{message}; give each book its own id")


def validated(
    books: Iterable[Book],
    minter: Minter,
    validator: Validator | None,
    reports: list[BookReport],
    fail_on: str = "violation",
) -> Iterator[BookGraph]:
    """Map and validate book by book; once one fails, keep checking but yield nothing more, and
    raise ValidationFailed with every report at the end (so nothing gets written)."""
    failed = False
    for book in books:
        graph = map_book(book, minter)
        if validator is not None:
            report = validator.validate_book(graph, book)
            reports.append(report)
            failed = failed or fails(report, fail_on)
        if not failed:
            yield graph
    if failed:
        raise ValidationFailed(reports, f"the data does not conform: {summary(reports)}")


def publish(
    paths: Sequence[Path],
    out: Path,
    *,
    formats: Sequence[str] = DEFAULT_FORMATS,
    minter: Minter | None = None,
    validate: bool = True,
    shapes: Path | None = None,
    warn: Warn | None = None,
    on_book: Callable[[BookGraph], None] | None = None,
    progress: Callable[[int], None] | None = None,
    reports: list[BookReport] | None = None,
    dataset: DatasetConfig | None = None,
    issued: date | None = None,
    force: bool = False,
    jobs: int = 1,
) -> ReleaseSummary:
    """Read, map, validate and write every book in `paths` to the release folder `out`.

    When any book breaks the shapes nothing is written (ValidationFailed); `reports` collects
    every book's report either way. `jobs` worker processes map, validate and render (the
    bytes are the same for any number); `on_book` sees every mapped book (in this process, so
    it runs with one job); `progress` is told how many books were done. `dataset`, `issued`
    and `force`: see `write_release`.
    """
    minter = minter or Minter()
    collected = reports if reports is not None else []
    inputs = input_files(paths)
    with ExitStack() as stack:
        if on_book is not None:
            validator = Validator(load_shapes(shapes), minter) if validate else None
            graphs = validated(read_books(paths, warn), minter, validator, collected)
            chunks = render_books(graphs, formats, on_book)
        else:
            if validate:
                load_shapes(shapes)  # broken shapes: one error here, before any worker starts
            sources = Sources(paths, warn)
            settings = Settings(minter.base, tuple(formats), validate, shapes)
            results = stack.enter_context(closing(process_books(sources, settings, jobs)))
            run = _Run(sources, collected, progress)
            chunks = (result.rendered for result in run.conforming(results) if result.rendered)
        return write_chunks(
            chunks,
            out,
            formats,
            minter=minter,
            dataset=dataset,
            inputs=inputs,
            issued=issued,
            force=force,
        )


class Sources:
    """The inputs as items for the workers: books read here, and JSON Lines lines left for the
    workers to parse. Problems of whole files (unreadable, not a catalogue) collect in
    `problems`; the lines' own problems come back from the workers."""

    def __init__(self, paths: Sequence[Path], warn: Warn | None = None) -> None:
        self.files = input_files(paths)
        self.warn = warn
        self.problems: list[Problem] = []

    def __iter__(self) -> Iterator[Item]:
        for path in self.files:
            items: Iterator[Item] = (
                json_lines(path)
                if path.suffix.lower() in JSON_LINES
                else read_file(path, self.warn)
            )
            while True:
                try:
                    yield next(items)
                except StopIteration:
                    break
                except RecordError as err:
                    self.problems.extend(err.problems)
                    break


class _Run:
    """Follows a run's chunks in order: collects reports and problems, finds duplicate ids,
    and stops what gets written at the first failure (raising at the end, so nothing is)."""

    def __init__(
        self,
        sources: Sources,
        reports: list[BookReport],
        progress: Callable[[int], None] | None,
        *,
        gate: bool = True,
    ) -> None:
        self.sources = sources
        self.gate = gate  # whether a book breaking the shapes stops the run (not for validate)
        self.reports = reports
        self.progress = progress
        self.problems: list[Problem] = []
        self.failed = False
        self.ids = BookIds(sources.files)

    def conforming(self, results: Iterable[ChunkResult]) -> Iterator[ChunkResult]:
        for result in results:
            self.reports.extend(result.reports)
            self.problems.extend(result.problems)
            self._check_ids(result.ids)
            self.failed = self.failed or (result.failed and self.gate)
            if self.progress:
                self.progress(result.books)
            if not (self.failed or self.problems or self.sources.problems):
                yield result
        problems = self.sources.problems + self.problems
        if problems:
            raise RecordErrors(sorted(problems, key=self._order))
        if self.failed:
            raise ValidationFailed(
                self.reports, f"the data does not conform: {summary(self.reports)}"
            )

    def _check_ids(self, ids: Iterable[tuple[str, str, int]]) -> None:
        for book_id, source, line in ids:
            repeated = self.ids.check(book_id, source, line)
            if repeated:
                self.problems.append(repeated)

    def _order(self, problem: Problem) -> tuple[int, int]:
        numbers = self.ids.numbers
        return numbers.get(problem.source, len(numbers)), problem.line or 0


def validate(
    paths: Sequence[Path],
    *,
    minter: Minter | None = None,
    shapes: Path | None = None,
    warn: Warn | None = None,
    progress: Callable[[int], None] | None = None,
    jobs: int = 1,
) -> tuple[list[BookReport], int]:
    """Every book's report for records, MUSE pages or RDF files; and how many books were
    checked. Records are mapped and validated by `jobs` worker processes."""
    minter = minter or Minter()
    shapes_graph = load_shapes(shapes)
    rdf_files = [p for p in paths if is_rdf_file(p)]
    record_paths = [p for p in paths if not is_rdf_file(p)]
    reports: list[BookReport] = []
    checked = 0
    if record_paths:
        sources = Sources(record_paths, warn)
        settings = Settings(minter.base, validate=True, shapes=shapes)
        run = _Run(sources, reports, progress, gate=False)
        with closing(process_books(sources, settings, jobs)) as chunks:
            for chunk in run.conforming(chunks):
                checked += chunk.books
    validator = Validator(shapes_graph, minter)
    for path in rdf_files:
        results = validator.validate_graph(read_rdf(path))
        by_book = reports_by_book(results)
        reports.extend(by_book)
        checked += max(len(by_book), 1)
    return reports, checked


def read_rdf(path: Path) -> Graph:
    """An RDF file (gzip too) as one rdflib graph; named graphs of N-Quads are merged."""
    triples = [quad.triple for quad in parse_quads(path)]
    nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return Graph().parse(data=nt, format="nt")


def is_rdf_file(path: Path) -> bool:
    """Whether a path names an RDF file (by its suffix, .gz included)."""
    try:
        rdf_format(path)
    except InputError:
        return False
    return True


def load(
    paths: Sequence[Path],
    target: Target,
    *,
    minter: Minter | None = None,
    validate: bool = True,
    shapes: Path | None = None,
    warn: Warn | None = None,
    progress: Callable[[int], None] | None = None,
    reports: list[BookReport] | None = None,
    jobs: int = 1,
) -> LoadSummary:
    """Read, map, validate and load books into a store, each in its own named graph.

    RDF files are loaded as they are; records and pages are mapped and validated first, by
    `jobs` worker processes. Nothing in the store changes unless every input was read (and,
    for records, conforms).
    """
    minter = minter or Minter()
    rdf_files = [path for path in paths if is_rdf_file(path)]
    if rdf_files and len(rdf_files) != len(paths):
        raise InputError(
            f"{rdf_files[0]}: load RDF files and records in separate runs, "
            "so that each run is all or nothing"
        )
    if rdf_files:
        return load_files(rdf_files, target, base=minter.base)
    if validate:
        load_shapes(shapes)  # broken shapes: one error here, before any worker starts
    collected = reports if reports is not None else []
    sources = Sources(paths, warn)
    settings = Settings(minter.base, validate=validate, shapes=shapes, staged=True)
    run = _Run(sources, collected, progress)
    with closing(process_books(sources, settings, jobs)) as results:
        staged = (book for result in run.conforming(results) for book in result.staged)
        return load_staged(staged, target)
