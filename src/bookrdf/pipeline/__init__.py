"""read -> map -> validate -> write, book by book."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, closing
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph

from bookrdf.config import DatasetConfig
from bookrdf.errors import InputError, Problem, RecordError, RecordErrors, ValidationFailed
from bookrdf.mapping import BookGraph, map_book
from bookrdf.model import Book
from bookrdf.parallel import ChunkResult, Item, Settings, fails, process_books
from bookrdf.pipeline.claims import RunClaims
from bookrdf.pipeline.inputs import (
    Warn,
    file_groups,
    input_files,
    read_books,
    read_file,
    read_group,
    record_lines,
    refuse_pipe,
)
from bookrdf.pipeline.stored import editions_held_elsewhere, isbns_held_elsewhere
from bookrdf.publish import DEFAULT_FORMATS, ReleaseSummary
from bookrdf.publish.folder import render_books, write_chunks
from bookrdf.records import json_lines
from bookrdf.store import LoadSummary, Staging, Target, load_files, load_staged
from bookrdf.store.files import parse_quads, rdf_format
from bookrdf.validation import BookReport, load_shapes, new_validator, summary
from bookrdf.validation.shapes import to_rdflib
from bookrdf.validation.tally import ReportSink, ReportTally
from bookrdf.vocab import Minter

if TYPE_CHECKING:
    from bookrdf.validation.validator import Validator

FAIL_ON = ("violation", "warning")
__all__ = [
    "FAIL_ON",
    "Warn",
    "input_files",
    "is_rdf_file",
    "load",
    "publish",
    "read_books",
    "read_file",
    "read_rdf",
    "record_lines",
    "validate",
    "validated",
]


def validated(
    books: Iterable[Book],
    minter: Minter,
    validator: Validator | None,
    reports: ReportSink,
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
    reports: ReportSink | None = None,
    dataset: DatasetConfig | None = None,
    issued: date | None = None,
    force: bool = False,
    jobs: int = 1,
) -> ReleaseSummary:
    """Read, map, validate and write every book in `paths` to the release folder `out`.

    When any book breaks the shapes nothing is written (ValidationFailed); `reports` collects
    every book's report either way (a list keeps them all; a ReportTally, the default, counts
    them in memory that does not grow with the run). `jobs` worker processes map, validate
    and render (the bytes are the same for any number); `on_book` sees every mapped book (in
    this process, so it runs with one job); `progress` is told how many books were done.
    `dataset`, `issued` and `force`: see `write_release`.
    """
    formats = tuple(dict.fromkeys(formats))  # `-f nt -f nt` writes books.nt once
    minter = minter or Minter()
    collected = reports if reports is not None else ReportTally()
    inputs = input_files(paths)
    with ExitStack() as stack:
        if on_book is not None:
            validator = new_validator(load_shapes(shapes), minter) if validate else None
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
        for group in file_groups(self.files):
            items: Iterator[Item] = (
                json_lines(group[0]) if record_lines(group[0]) else read_group(group, self.warn)
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
        reports: ReportSink,
        progress: Callable[[int], None] | None,
        *,
        gate: bool = True,
        against: Callable[[RunClaims], list[Problem]] | None = None,
    ) -> None:
        self.sources = sources
        self.gate = gate  # whether a book breaking the shapes stops the run (not for validate)
        self.against = against  # what the run's ids and ISBNs must not clash with (a store)
        self.reports = reports
        self.progress = progress
        self.problems: list[Problem] = []
        self.failed = False
        self.numbers = {str(path): n for n, path in enumerate(sources.files)}

    def conforming(self, results: Iterable[ChunkResult]) -> Iterator[ChunkResult]:
        """The results of a run that is all right so far. Repeated ids and ISBNs are known at
        the end only: they fail the run then, before anything is renamed into place or loaded."""
        with closing(RunClaims()) as claims:
            for result in results:
                self.reports.extend(result.reports)
                self.problems.extend(result.problems)
                for (book_id, source, line), isbns in zip(result.ids, result.isbns, strict=True):
                    claims.add_book(book_id, source, line, isbns)
                self.failed = self.failed or (result.failed and self.gate)
                if self.progress:
                    self.progress(result.books)
                if not (self.failed or self.problems or self.sources.problems):
                    yield result
            self.problems.extend(claims.repeated())
            if self.against and not (self.failed or self.problems or self.sources.problems):
                self.problems.extend(self.against(claims))
        problems = self.sources.problems + self.problems
        if problems:
            raise RecordErrors(sorted(problems, key=self._order))
        if self.failed:
            raise ValidationFailed(
                self.reports, f"the data does not conform: {summary(self.reports)}"
            )

    def _order(self, problem: Problem) -> tuple[int, int]:
        return self.numbers.get(problem.source, len(self.numbers)), problem.line or 0


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
    for path in rdf_files:
        refuse_pipe(path)
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
    from bookrdf.validation.validator import reports_by_book

    validator = new_validator(shapes_graph, minter)
    for path in rdf_files:
        data = read_rdf(path)
        books = validator.book_ids(data)
        if not books and warn is not None:
            warn(Problem(str(path), None, "", NO_BOOK_IN_RDF))
        reports.extend(reports_by_book(validator.validate_graph(data), books))
        checked += len(books)
    return reports, checked


NO_BOOK_IN_RDF = (
    "no book in this RDF (nothing typed schema:Book), so no book was checked; "
    "give the file bookrdf's triples (`bookrdf publish` writes them)"
)


def read_rdf(path: Path) -> Graph:
    """An RDF file (gzip too) as one rdflib graph; named graphs of N-Quads are merged."""
    graph = Graph()
    # Terms are converted one by one: handing rdflib N-Triples text instead would have its
    # parser take time growing with the square of a literal's length.
    graph.addN(
        (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object), graph)
        for quad in parse_quads(path)
    )
    return graph


def is_rdf_file(path: Path) -> bool:
    """Whether a path names an RDF file (by its suffix, .gz included)."""
    try:
        rdf_format(path)
    except InputError:
        return False
    return True


def _held_isbns_check(
    files: Sequence[Path], target: Target, warn: Warn | None
) -> Callable[[Staging], None]:
    """The check of `isbns_held_elsewhere` for a load of RDF files, on what they staged."""
    source = str(files[0]) if len(files) == 1 else f"{files[0]} (one of {len(files)} files)"

    def check(staging: Staging) -> None:
        links = staging.edition_links()
        if links:
            graphs = set(staging.labels)
            problems = editions_held_elsewhere(links, graphs, target, source, warn)
            if problems:
                raise RecordErrors(problems)

    return check


def load(
    paths: Sequence[Path],
    target: Target,
    *,
    minter: Minter | None = None,
    validate: bool = True,
    shapes: Path | None = None,
    warn: Warn | None = None,
    progress: Callable[[int], None] | None = None,
    reports: ReportSink | None = None,
    jobs: int = 1,
) -> LoadSummary:
    """Read, map, validate and load books into a store, each in its own named graph.

    RDF files are loaded as they are; records and pages are mapped and validated first, by
    `jobs` worker processes. Nothing in the store changes unless every input was read (and,
    for records, conforms).
    """
    minter = minter or Minter()
    rdf_files = [path for path in paths if is_rdf_file(path)]
    for path in rdf_files:
        refuse_pipe(path)
    if rdf_files and len(rdf_files) != len(paths):
        raise InputError(
            f"{rdf_files[0]}: load RDF files and records in separate runs, "
            "so that each run is all or nothing"
        )
    if rdf_files:
        return load_files(
            rdf_files, target, base=minter.base, check=_held_isbns_check(rdf_files, target, warn)
        )
    if validate:
        load_shapes(shapes)  # broken shapes: one error here, before any worker starts
    collected = reports if reports is not None else ReportTally()
    sources = Sources(paths, warn)
    settings = Settings(minter.base, validate=validate, shapes=shapes, staged=True)
    run = _Run(
        sources,
        collected,
        progress,
        against=lambda claims: isbns_held_elsewhere(claims, target, minter, warn),
    )
    with closing(process_books(sources, settings, jobs)) as results:
        staged = (book for result in run.conforming(results) for book in result.staged)
        return load_staged(staged, target)
