"""CSV text -> rows of non-empty cells, each with the line it starts on; ',' ';' or tab."""

from __future__ import annotations

import csv as _csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from bookrdf.errors import InputError, Problem, RecordError
from bookrdf.importers.text import utf8_text


@dataclass(frozen=True)
class Row:
    """One row: the line it starts on and its non-empty cells."""

    line: int
    cells: dict[str, str]


@dataclass(frozen=True)
class Table:
    """A CSV file: its name, its column names (normalised) and its rows."""

    source: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]


def read_text(path: Path) -> str:
    """A CSV file's text: UTF-8, with or without a byte order mark."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; check the path") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder; give a CSV file") from None
    except OSError as err:
        raise InputError(f"{path}: cannot be read ({err.strerror})") from None
    return utf8_text(raw, str(path), "is not UTF-8 text; save the spreadsheet as 'CSV UTF-8'")


def parse_table(text: str, source: str) -> Table:
    """A CSV text as rows of non-empty cells, each with the line it starts on."""
    text = text.removeprefix("\ufeff")
    header = text.splitlines()[0] if text.strip() else ""
    if not header.strip():
        raise RecordError(Problem(source, 1, "", "has no header row naming the columns"))
    reader = _csv.reader(io.StringIO(text, newline=""), dialect(header))
    rows: list[Row] = []
    end = 0
    try:
        columns = tuple(column_name(cell) for cell in next(reader))
        end = reader.line_num
        for cells in reader:  # a quoted cell may span lines: a row starts after the last one
            start, end = end + 1, reader.line_num
            if any(cell.strip() for cell in cells[len(columns) :]):
                message = (
                    f"has {len(cells)} cells but the header names {len(columns)} columns; "
                    "quote cells that hold the delimiter"
                )
                raise RecordError(Problem(source, start, "", message))
            if _named(tuple(column_name(cell) for cell in cells)) == _named(columns):  # cat a b
                message = "repeats the header row; remove it (two files joined into one keep both)"
                raise RecordError(Problem(source, start, "", message))
            # a cell under a header cell left empty is kept as "column N", so that it can be
            # reported; Excel and LibreOffice write such columns when a cell was only formatted
            found = {
                c or unnamed(n): _cell(v)
                for n, (c, v) in enumerate(zip(columns, cells, strict=False), 1)
                if v.strip()
            }
            if found:
                rows.append(Row(start, found))
    except _csv.Error as err:
        message = f"is not valid CSV: {err}; check the quotes in this row"
        if "field larger than field limit" in str(err):
            message = (
                f"has a cell of more than {_csv.field_size_limit():,} characters, more than any "
                "field needs: a quote left open above makes one cell of the rows after it; "
                "check the quotes from this row up"
            )
        raise RecordError(Problem(source, end + 1, "", message)) from None
    return Table(source, columns, tuple(rows))


def _named(names: tuple[str, ...]) -> tuple[str, ...]:
    """Column names without the empty ones a spreadsheet writes after the last."""
    while names and not names[-1]:
        names = names[:-1]
    return names


def unnamed(number: int) -> str:
    """The name a column gets when its header cell is empty."""
    return f"column {number}"


def _cell(value: str) -> str:
    # a line break inside a quoted cell is kept, as "\n" whatever the file's line endings
    return re.sub(r"\r\n?", "\n", value.strip())


def dialect(header: str) -> type[_csv.Dialect]:
    """Excel's CSV with the delimiter sniffed from the header: ',', ';' (many locales) or tab."""
    try:
        delimiter = _csv.Sniffer().sniff(header, delimiters=",;\t").delimiter
    except _csv.Error:
        delimiter = ","
    # only the delimiter is sniffed: a header has no quotes to learn quoting from
    return type("Sniffed", (_csv.excel,), {"delimiter": delimiter, "strict": True})


def column_name(cell: str) -> str:
    """A header cell as a column name: 'ISBN Print' -> 'isbn_print'."""
    return re.sub(r"[\s-]+", "_", cell.strip().lower())
