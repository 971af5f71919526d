"""`bookrdf generate`: a synthetic catalogue for benchmarks and tests."""

from __future__ import annotations

from pathlib import Path

import click

from bookrdf.cli import PathArg, _progress, cli, stderr
from bookrdf.errors import ConfigError
from bookrdf.generate import FORMATS, write_catalogue


@cli.command(name="generate")
@click.option("--books", "count", type=int, required=True, help="How many books to write.")
@click.option(
    "--seed", type=int, default=0, show_default=True, help="The same seed, the same bytes."
)
@click.option(
    "-o",
    "--out",
    type=PathArg(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write books.jsonl (or books.csv and chapters.csv) into.",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="jsonl",
    show_default=True,
    help="jsonl: canonical records, one book a line; csv: the layout `bookrdf import csv` reads.",
)
def generate(count: int, seed: int, out: Path, fmt: str) -> None:
    """Write a realistic synthetic catalogue of N books, deterministic for a seed.

    About 15 contents entries a book (roman-paged front matter, numbered chapters, back
    matter), 1-3 contributors (edited volumes with chapter authors, translators), two valid
    ISBN-13s on most books, descriptions and excerpts, untitled entries and non-ASCII names.

    In Python: bookrdf.generate.write_catalogue(out, count, seed, fmt).
    """
    if count < 0:
        raise ConfigError(f"--books {count}: give the number of books, 0 or more")
    with _progress("generating") as advance:
        catalogue = write_catalogue(out, count, seed, fmt, on_book=advance)
    stderr.print(
        f"generated {catalogue.books} books, {catalogue.entries} contents entries:", markup=False
    )
    for path in catalogue.files:
        stderr.print(f"  {path}", markup=False)
