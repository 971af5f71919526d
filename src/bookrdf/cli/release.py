"""`bookrdf diff`: what changed between two releases."""

from __future__ import annotations

from pathlib import Path

import click

from bookrdf.cli import PathArg, cli
from bookrdf.release import DIFF_FORMATS, diff_releases, render_diff


@cli.command(name="diff")
@click.argument("old", type=PathArg(file_okay=False, path_type=Path))
@click.argument("new", type=PathArg(file_okay=False, path_type=Path))
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(DIFF_FORMATS),
    default="summary",
    show_default=True,
    help="summary (for people: books added, changed, removed with triple counts); sparql "
    "(a SPARQL Update: DELETE DATA / INSERT DATA per book on its named graph); patch "
    "(RDF Patch).",
)
def diff(old: Path, new: Path, fmt: str) -> None:
    """Print what turns the release in OLD into the release in NEW, book by book.

    Reads both releases' manifest.json and N-Triples dump (books.nt.gz or books.nt). The
    sparql and patch formats apply to a store loaded with the OLD release (each book in its
    named graph, as `bookrdf load` puts it) and leave it holding the NEW one.

    In Python: bookrdf.release.diff_releases(old, new).
    """
    for text in render_diff(diff_releases(old, new), fmt):
        click.echo(text, nl=False)
