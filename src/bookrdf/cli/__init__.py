"""The `bookrdf` command: a thin shell over the library. The only module that prints or exits."""

from __future__ import annotations

import importlib
import logging
import os
import pkgutil
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from bookrdf import __version__
from bookrdf.config import Config, load_config
from bookrdf.console import interrupted_line
from bookrdf.errors import (
    BookRdfError,
    OutputError,
    Problem,
    RecordError,
    RecordErrors,
    write_failure,
)
from bookrdf.importers.muse import read_muse_page
from bookrdf.mapping import map_book
from bookrdf.model import Book
from bookrdf.pipeline import read_books
from bookrdf.publish import (
    FORMATS,
    atomic_files,
    book_document,
)
from bookrdf.records import dump_record
from bookrdf.validation import BookReport, ReportTally, render_text
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
        except KeyboardInterrupt as err:
            raise _interrupted(err) from None
        except RecordError as err:
            raise Failure([f"Error: {p}" for p in err.problems], err.exit_code) from None
        except BookRdfError as err:
            raise Failure([f"Error: {err}"], err.exit_code) from None


class PathArg(click.Path):
    """A path option or argument that refuses an empty text: `Path("")` is the working
    folder, and an empty value is an unset shell variable (`--out "$RELEASE"`) far more often
    than a wish to write a release into this folder or read every file in it ("." says so)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value:
            self.fail('an empty path; give a file or folder name ("." for this folder)', param, ctx)
        return super().convert(value, param, ctx)


def _dash_is_stdout(
    _ctx: click.Context, _param: click.Parameter, value: Path | None
) -> Path | None:
    return None if value is not None and str(value) == "-" else value


output_option = click.option(
    "-o",
    "--output",
    type=PathArg(path_type=Path),
    callback=_dash_is_stdout,
    help="A .yaml file (one book) or a folder (one record per book). Default (or -): stdout.",
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
    type=PathArg(exists=True, path_type=Path),
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
    type=PathArg(dir_okay=False, path_type=Path),
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
@click.argument("pages", nargs=-1, required=True, type=PathArg(path_type=Path))
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
        targets = _record_files(books)
        folder = output
    with atomic_files(folder, list(targets)) as handles:
        for name, text in targets.items():
            handles[name].write(text.encode("utf-8"))
    for name in targets:
        stderr.print(f"wrote {folder / name}", markup=False)


def _record_files(books: Sequence[Book]) -> dict[str, str]:
    """Each book's record by its file name, ID.yaml; two different books for one name would
    leave only the last, so they are refused (one book read twice is written once)."""
    targets: dict[str, str] = {}
    firsts: dict[str, Book] = {}
    for book in books:
        name, text = f"{book.id}.yaml", dump_record(book)
        first = firsts.setdefault(name, book)
        if targets.setdefault(name, text) != text:
            message = (
                f'"{book.id}" is the id of another book, from {first.source}; both cannot be '
                f"{name}: import one with -o FILE.yaml and change its id"
            )
            raise RecordError(Problem(book.source or "", book.line_of("id"), "id", message))
    return targets


@cli.command(name="map")
@click.argument("record", type=PathArg(path_type=Path))
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


def _print_report(reports: Sequence[BookReport] | ReportTally, console: Console) -> None:
    color = console.is_terminal
    console.print(render_text(reports, color=color), markup=color, highlight=False)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that a run stopped either way cleans up the same way."""


def _stop(signum: int, frame: object) -> None:
    """The first Ctrl-C or SIGTERM stops the run; those after it (an impatient second Ctrl-C)
    are ignored, so that they do not cut short the cleanup the first one started (temporary
    files removed, worker processes joined) with a traceback of their own."""
    for held in (signal.SIGINT, signal.SIGTERM):
        signal.signal(held, signal.SIG_IGN)
    raise Terminated if signum == signal.SIGTERM else KeyboardInterrupt


def _interrupted(err: KeyboardInterrupt) -> Failure:
    """A run stopped by Ctrl-C or SIGTERM: one line, and a shell's exit code, 128 + N. The
    writers cleaned up on the way out: a release's temporary files are gone and the previous
    release is as it was; a store is as it was, or (a bulk load) marked for the next load."""
    signum = signal.SIGTERM if isinstance(err, Terminated) else signal.SIGINT
    return Failure([interrupted_line(signum)], 128 + signum)


def main() -> None:
    """The console script's work, once the CLI is imported (`bookrdf.console.main`)."""
    # SIGTERM (a service manager, `kill`, a CI timeout) stops a run like Ctrl-C does: the
    # temporary files of a release or a load are removed, not left behind by a sudden death
    for signum in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(signum) is not signal.SIG_IGN:  # `nohup`, `cmd &` in a script
            signal.signal(signum, _stop)
    cli(prog_name="bookrdf")


def _register_command_modules() -> None:
    """Import every module of this package: each registers its commands on `cli` (or a group)."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


_register_command_modules()
