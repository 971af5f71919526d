"""`bookrdf import onix` and `bookrdf import marc`: publishers' feeds and libraries' records."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from bookrdf.cli import PathArg, finish_import, import_, output_option, strict_option
from bookrdf.importers.marc import read_marc
from bookrdf.importers.onix import read_onix

_files = click.argument("files", nargs=-1, required=True, type=PathArg(path_type=Path))


@import_.command(name="onix")
@_files
@output_option
@strict_option
def import_onix(files: Sequence[Path], output: Path | None, strict: bool) -> None:
    """Read ONIX for Books messages (3.0 or 2.1, reference or short tags) into YAML records.

    Products that are formats of one work (related as alternative formats, or with the same
    title, contributors and publisher) become one book with several ISBNs. What a record has
    no field for (extent, biographies…) is reported on stderr; prices and sales rights are
    out of scope and are not.

    In Python: bookrdf.importers.onix.read_onix(paths).
    """
    result = read_onix(list(files), strict=strict)
    finish_import(result.books, result.warnings, output)


@import_.command(name="marc")
@_files
@output_option
@strict_option
def import_marc(files: Sequence[Path], output: Path | None, strict: bool) -> None:
    """Read MARC 21 records (binary .mrc in MARC-8 or UTF-8, or MARCXML) into YAML records.

    One record is one book; a 505 contents note gives its chapters. What a record has no
    field for (edition, extent, notes…) is reported on stderr.

    In Python: bookrdf.importers.marc.read_marc(paths).
    """
    result = read_marc(list(files), strict=strict)
    finish_import(result.books, result.warnings, output)
