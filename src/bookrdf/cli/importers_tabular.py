"""`bookrdf import csv`, `bookrdf import crossref` and `bookrdf export records`."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

import click

from bookrdf.cli import (
    PathArg,
    _minter,
    base_option,
    cli,
    finish_import,
    import_,
    output_option,
    stderr,
    strict_option,
)
from bookrdf.export import books_from_rdf, books_from_store
from bookrdf.importers.crossref import read_crossref
from bookrdf.importers.csv import chapters_csv_for, read_csv
from bookrdf.store import open_store


@import_.command(name="csv")
@click.argument("books", type=PathArg(path_type=Path))
@click.argument("chapters", required=False, type=PathArg(path_type=Path))
@output_option
@strict_option
def import_csv(books: Path, chapters: Path | None, output: Path | None, strict: bool) -> None:
    """Read a books CSV file and its chapters CSV file into YAML records.

    Rows join on book_id. Without CHAPTERS, the chapters file beside BOOKS is read when there
    is one (books.csv -> chapters.csv). Columns: see docs/importers.md.

    In Python: bookrdf.importers.csv.read_csv(books_path, chapters_path).
    """
    chapters = chapters or chapters_csv_for(books)
    if chapters:
        stderr.print(f"chapters from {chapters}", markup=False)
    result = read_csv(books, chapters)
    finish_import(result.books, result.warnings, output, strict)


@import_.command(name="crossref")
@click.argument("files", nargs=-1, required=True, type=PathArg(path_type=Path))
@output_option
@strict_option
def import_crossref(files: Sequence[Path], output: Path | None, strict: bool) -> None:
    """Read Crossref REST API JSON (books and their chapter works) into YAML records.

    In Python: bookrdf.importers.crossref.read_crossref(paths).
    """
    result = read_crossref(list(files))
    finish_import(result.books, result.warnings, output, strict)


@cli.group(name="export")
def export_() -> None:
    """Write what bookrdf published back out in other forms."""


@export_.command(name="records")
@click.argument("inputs", nargs=-1, type=PathArg(path_type=Path))
@click.option(
    "--store",
    "store_path",
    type=PathArg(file_okay=False, path_type=Path),
    help="Read the books in this embedded store instead of RDF files.",
)
@output_option
@base_option
@click.pass_context
def export_records(
    ctx: click.Context,
    inputs: Sequence[Path],
    store_path: Path | None,
    output: Path | None,
    base: str | None,
) -> None:
    """Write canonical YAML records back from RDF that bookrdf published (ttl, nt, nq, jsonld).

    Books are found as {base}book/{id}: give the --base they were published with.

    In Python: bookrdf.export.books_from_rdf(paths, minter).
    """
    if bool(inputs) == bool(store_path):
        raise click.UsageError("give RDF files or --store DIR (one of the two)")
    minter = _minter(ctx, base)
    with ExitStack() as opened:
        if store_path:
            store = opened.enter_context(open_store(store_path, create=False))
            books = list(books_from_store(store.oxigraph, minter, str(store_path)))
        else:
            books = list(books_from_rdf(list(inputs), minter))
    finish_import(books, (), output)
