"""The `bookrdf` command: a thin shell over the library. The only module that prints or exits."""

from __future__ import annotations

import importlib
import json
import logging
import os
import pkgutil
import sys
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from bookrdf import __version__
from bookrdf.config import Config, load_config
from bookrdf.errors import (
    BookRdfError,
    OutputError,
    Problem,
    RecordError,
    RecordErrors,
    ValidationFailed,
    write_failure,
)
from bookrdf.importers.muse import read_muse_page
from bookrdf.mapping import BookGraph, map_book
from bookrdf.model import Book
from bookrdf.parallel import default_jobs, fails
from bookrdf.pipeline import FAIL_ON, publish, read_books, validate
from bookrdf.publish import (
    DEFAULT_FORMATS,
    FORMATS,
    ReleaseSummary,
    atomic_files,
    book_document,
)
from bookrdf.records import dump_record
from bookrdf.site import SiteWriter
from bookrdf.validation import BookReport, render_text, report_graph, report_json
from bookrdf.vocab import Minter

stderr = Console(stderr=True, highlight=False)


def _warn(problem: Problem) -> None:
    stderr.print(f"Warning: {problem}", markup=False, soft_wrap=True)


def write_stdout(data: bytes | str) -> None:
    """Data to stdout, flushed: a full disk behind a redirect is an `Error:` line, not a
    traceback (and nothing is left buffered for Python to fail on at exit)."""
    view = memoryview(data.encode("utf-8") if isinstance(data, str) else data)
    try:
        sys.stdout.flush()
        while view:  # unbuffered (PYTHONUNBUFFERED), stdout is raw: writes may fall short
            view = view[sys.stdout.buffer.write(view) or 0 :]
        sys.stdout.buffer.flush()
    except OSError as err:
        _drop_stdout()
        raise OutputError(f"<stdout>: {write_failure(err)}") from None


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so that exiting does not try the failed write again."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):  # no real stdout (a test runner's buffer)
        pass


def _minter(ctx: click.Context, base: str | None) -> Minter:
    config: Config = ctx.obj
    return Minter(base or config.base)


@contextmanager
def _progress(label: str) -> Iterator[Any]:
    """A book counter on stderr when it is a terminal; silent otherwise."""
    if not sys.stderr.isatty():
        yield lambda _book=None, count=1: None
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed} books"),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=None)
        yield lambda _book=None, count=1: progress.advance(task, count)


class Failure(click.ClickException):
    """A bookrdf error as Click shows it: `Error: where: what; what to do` lines on stderr."""

    def __init__(self, lines: Sequence[str], exit_code: int) -> None:
        super().__init__("\n".join(lines))
        self.exit_code = exit_code  # type: ignore[misc]  # Click declares it per class

    def show(self, file: Any = None) -> None:
        click.echo(self.message, err=True)


class BookRdfGroup(click.Group):
    """Turns every BookRdfError raised by a command into a Failure, in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RecordError as err:
            raise Failure([f"Error: {p}" for p in err.problems], err.exit_code) from None
        except BookRdfError as err:
            raise Failure([f"Error: {err}"], err.exit_code) from None


output_option = click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="A .yaml file (one book) or a folder (one record per book). Default: stdout.",
)
strict_option = click.option(
    "--strict",
    is_flag=True,
    help="Treat what cannot be mapped as an error (exit 2, nothing written), not a warning.",
)
validate_option = click.option(
    "--validate/--no-validate",
    default=True,
    show_default=True,
    help="Check every book against the shapes first; write nothing when one breaks them.",
)
shapes_option = click.option(
    "--shapes",
    type=click.Path(exists=True, path_type=Path),
    help="SHACL shapes to use instead of bookrdf's own (a .ttl file or a folder of them).",
)
base_option = click.option(
    "--base", metavar="IRI", help="Base IRI for minted IRIs (default: from bookrdf.toml)."
)
jobs_option = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes that map and validate (default: the number of cores; the output "
    "is the same for any number). publish --site runs in one process.",
)


@click.group(cls=BookRdfGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bookrdf")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Settings file (default: ./bookrdf.toml when present).",
)
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None) -> None:
    """Publish book and chapter metadata as linked data (Dublin Core Terms + schema.org)."""
    # rdflib logs a traceback-like warning for each ill-typed literal in RDF inputs; the
    # validation report already says what is wrong with them.
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
    ctx.obj = load_config(config_path)


@cli.group(name="import")
def import_() -> None:
    """Turn pages and catalogue exports into bookrdf records."""


@import_.command(name="muse")
@click.argument("pages", nargs=-1, required=True, type=click.Path(path_type=Path))
@output_option
def import_muse(pages: Sequence[Path], output: Path | None) -> None:
    """Read Project MUSE book pages saved as text into YAML records.

    In Python: bookrdf.importers.muse.read_muse_page(path).
    """
    results = [read_muse_page(page) for page in pages]
    warnings = [problem for result in results for problem in result.warnings]
    finish_import([result.book for result in results], warnings, output)


def finish_import(
    books: Sequence[Book], warnings: Sequence[Problem], output: Path | None, strict: bool = False
) -> None:
    """Report an importer's warnings (errors with --strict), then write its records."""
    if strict and warnings:
        raise RecordErrors(warnings)
    for problem in warnings:
        _warn(problem)
    _write_records(books, output)


def _write_records(books: Sequence[Book], output: Path | None) -> None:
    if output is None:
        write_stdout("---\n".join(dump_record(book) for book in books))
        return
    if output.suffix.lower() in {".yaml", ".yml"}:
        if len(books) != 1:
            raise click.UsageError("several books read: give a folder to -o, not a .yaml file")
        targets = {output.name: dump_record(books[0])}
        folder = output.parent
    else:
        targets = {f"{book.id}.yaml": dump_record(book) for book in books}
        folder = output
    with atomic_files(folder, list(targets)) as handles:
        for name, text in targets.items():
            handles[name].write(text.encode("utf-8"))
    for name in targets:
        stderr.print(f"wrote {folder / name}", markup=False)


@cli.command(name="map")
@click.argument("record", type=click.Path(path_type=Path))
@click.option(
    "-f",
    "--format",
    "fmt",
    # stdout gets text: the gzip dump is for release folders only
    type=click.Choice([fmt for fmt in FORMATS if fmt != "nt.gz"]),
    default="ttl",
    show_default=True,
)
@base_option
@click.pass_context
def map_(ctx: click.Context, record: Path, fmt: str, base: str | None) -> None:
    """Print one book as RDF on stdout.

    In Python: bookrdf.mapping.to_triples(book).
    """
    minter = _minter(ctx, base)
    books = list(read_books([record], warn=_warn))
    if len(books) != 1:
        raise click.UsageError(f"{record} holds {len(books)} books; `map` prints one")
    write_stdout(book_document(map_book(books[0], minter), fmt))


@cli.command(name="publish")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Release folder.",
)
@click.option(
    "-f",
    "--format",
    "formats",
    type=click.Choice(list(FORMATS)),
    multiple=True,
    help=f"Formats to write (repeatable; default: {', '.join(DEFAULT_FORMATS)}).",
)
@validate_option
@shapes_option
@base_option
@click.option("--title", help="The dataset's title (default: [dataset] title in bookrdf.toml).")
@click.option(
    "--issued",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The release's issue date, YYYY-MM-DD (default: kept from the previous release, "
    "else today; SOURCE_DATE_EPOCH pins every timestamp).",
)
@click.option(
    "--force", is_flag=True, help="Ignore the previous release's manifest; rewrite every file."
)
@click.option(
    "--site",
    is_flag=True,
    help="Also write the Linked Data site (book pages per format, index, conneg config) to DIR.",
)
@jobs_option
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="dask: run on a Dask cluster, each worker writing gzipped N-Triples and N-Quads parts "
    "to DIR/parts (DIR must be on storage every worker sees; see docs/cluster.md).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="The Dask scheduler, e.g. tcp://host:8786. Without it, --executor dask starts a "
    "distributed.LocalCluster of one worker process per core.",
)
@click.option(
    "--partitions",
    type=click.IntRange(min=1),
    help="With --executor dask: cut the input into at most N partitions of about equal size "
    "(JSON Lines files in blocks of lines). Default: twice the cluster's threads.",
)
@click.pass_context
def publish_(
    ctx: click.Context,
    inputs: Sequence[Path],
    out: Path,
    formats: Sequence[str],
    validate: bool,
    shapes: Path | None,
    base: str | None,
    title: str | None,
    issued: datetime | None,
    force: bool,
    site: bool,
    jobs: int | None,
    executor: str,
    scheduler: str | None,
    partitions: int | None,
) -> None:
    """Publish records, folders of records or MUSE pages as a release: N-Triples (gzipped),
    Turtle and JSON-LD dumps, a VoID/DCAT description, a manifest and SHA256SUMS.

    Validates first: when a book breaks the shapes, nothing is written (the previous
    release stays as it was), the report goes to stderr and the exit code is 1. Publishing
    again into the same folder reports the books added, changed and removed, and rewrites
    nothing when nothing changed.

    With --executor dask the books are read, mapped, validated and written on a Dask
    cluster: the release holds gzipped N-Triples and N-Quads parts (parts/part-NNNNN.*.gz,
    listed in parts.json) instead of the dumps, and always rewrites them.

    In Python: bookrdf.pipeline.publish(paths, out), or with --executor dask
    bookrdf.distributed.publish(paths, out, scheduler=ADDRESS).
    """
    minter = _minter(ctx, base)
    dataset = ctx.obj.dataset if title is None else replace(ctx.obj.dataset, title=title)
    reports: list[BookReport] = []
    if executor == "dask":
        if site or formats:
            raise click.UsageError("--site and --format go with --executor local only")
        _publish_on_dask(
            list(inputs),
            out,
            reports,
            scheduler=scheduler,
            partitions=partitions,
            minter=minter,
            validate=validate,
            shapes=shapes,
            dataset=dataset,
            issued=issued.date() if issued else None,
            force=force,
        )
        return
    if scheduler or partitions:
        raise click.UsageError("--scheduler and --partitions go with --executor dask")
    try:
        with _progress("publishing") as advance, ExitStack() as stack:
            on_book = None
            if site:
                pages = stack.enter_context(
                    SiteWriter(out, minter=minter, dataset_title=dataset.title)
                )

                def on_book(book: BookGraph) -> None:
                    advance(book)
                    pages.add(book)

            summary = publish(
                list(inputs),
                out,
                formats=formats or DEFAULT_FORMATS,
                minter=minter,
                validate=validate,
                shapes=shapes,
                warn=_warn,
                on_book=on_book,
                progress=lambda count: advance(None, count),
                reports=reports,
                dataset=dataset,
                issued=issued.date() if issued else None,
                force=force,
                jobs=jobs or default_jobs(),
            )
    except ValidationFailed:
        _print_report(reports, stderr)
        raise
    _print_published(summary, reports)


def _publish_on_dask(
    inputs: list[Path], out: Path, reports: list[BookReport], **options: Any
) -> None:
    """`publish --executor dask`: the library call, then the same report as a local run."""
    try:
        from bookrdf import distributed  # imported here: for --executor dask only

        summary = distributed.publish(inputs, out, warn=_warn, reports=reports, **options)
    except ValidationFailed:
        _print_report(reports, stderr)
        raise
    _print_published(summary, reports)


def _print_published(summary: ReleaseSummary, reports: Sequence[BookReport]) -> None:
    """How many books and triples, the warnings in short, then the files."""
    warned = [r for r in reports if r.results]
    if warned:
        stderr.print(
            f"{sum(len(r.results) for r in warned)} warnings and hints in {len(warned)} books; "
            "run `bookrdf validate` to see them",
            markup=False,
        )
    stderr.print(f"published {summary.books} books, {summary.triples} triples:", markup=False)
    _print_release(summary)


def _print_release(summary: ReleaseSummary) -> None:
    """The books changed since the previous release, and the files written and kept."""
    if summary.unchanged:
        stderr.print("  unchanged since the previous release: no file rewritten", markup=False)
        return
    if summary.previous:
        for label, ids in (
            ("added", summary.added),
            ("changed", summary.changed),
            ("removed", summary.removed),
        ):
            shown = ", ".join(ids[:10]) + (f", … ({len(ids) - 10} more)" if len(ids) > 10 else "")
            stderr.print(f"  {label} {len(ids)}" + (f": {shown}" if ids else ""), markup=False)
    for path in summary.files:
        stderr.print(f"  {path}", markup=False)
    for path in summary.kept:
        stderr.print(f"  {path} (unchanged)", markup=False)
    for path in summary.dropped:
        stderr.print(f"  {path} (removed: format no longer written)", markup=False)


@cli.command(name="validate")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@shapes_option
@click.option(
    "--report",
    "report_format",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="text for people; json (documented schema); turtle (the sh:ValidationReport graph).",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default="violation",
    show_default=True,
    help="The lowest severity that makes the exit code 1.",
)
@base_option
@jobs_option
@click.pass_context
def validate_(
    ctx: click.Context,
    inputs: Sequence[Path],
    shapes: Path | None,
    report_format: str,
    fail_on: str,
    base: str | None,
    jobs: int | None,
) -> None:
    """Check records, MUSE pages or RDF files (ttl, jsonld, nt, nq) against the SHACL shapes.

    Exit 0 when nothing fails, 1 when a book breaks the shapes (or warns, with
    --fail-on warning), 2 when the input cannot be used.

    In Python: bookrdf.pipeline.validate(paths).
    """
    minter = _minter(ctx, base)
    with _progress("validating") as advance:
        reports, checked = validate(
            list(inputs),
            minter=minter,
            shapes=shapes,
            warn=_warn,
            progress=lambda count: advance(None, count),
            jobs=jobs or default_jobs(),
        )
    if report_format == "json":
        document = report_json(reports)
        document["books"] = checked
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    elif report_format == "turtle":
        sys.stdout.buffer.write(report_graph(reports).serialize(format="turtle", encoding="utf-8"))
    else:
        console = Console(highlight=False, soft_wrap=True)
        _print_report(reports, console)
    if any(fails(report, fail_on) for report in reports):
        ctx.exit(1)


def _print_report(
    reports: Sequence[BookReport], console: Console, checked: int | None = None
) -> None:
    color = console.is_terminal
    text = render_text(reports, color=color)
    if checked is not None:
        text = _with_books_checked(text, checked)
    console.print(text, markup=color, highlight=False)


def _with_books_checked(text: str, checked: int) -> str:
    """render_text counts the books it was given; validate also checked books without results."""
    return text


def main() -> None:
    """The console script."""
    cli(prog_name="bookrdf")


def _register_command_modules() -> None:
    """Import every module of this package: each registers its commands on `cli` (or a group)."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


_register_command_modules()
