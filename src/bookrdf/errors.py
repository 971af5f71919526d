"""The bookrdf exception family.

    BookRdfError                 base: the CLI turns it into one ``Error:`` line, exit 2
    ├── RecordError              one problem in an input record (file, line, field)
    │   └── RecordErrors         several problems found in one pass, reported together
    ├── InputError               an input that cannot be read at all (missing, not RDF…)
    ├── ConfigError              a bad ``bookrdf.toml`` or option value
    ├── ShapesError              SHACL shapes that cannot be loaded
    ├── OutputError              an output that cannot be written
    ├── StoreError               a triple store that cannot be used
    ├── QueryError               a SPARQL query that cannot be run
    └── ValidationFailed         data that does not conform to the shapes, exit 1

Third-party exceptions are translated where they occur, never caught wholesale.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any


class BookRdfError(Exception):
    """Base class of every error bookrdf reports to users."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """Where a record is wrong and what to do about it."""

    source: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class RecordError(BookRdfError):
    """A record that cannot be read as a book."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problems: tuple[Problem, ...] = (problem,)

    def __reduce__(self) -> tuple[Any, ...]:
        # so that a worker process can raise it: rebuilt from its problems, not its message
        return (RecordErrors, (self.problems,))


class RecordErrors(RecordError):
    """Every problem found in one or more records, reported at once."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        if not problems:
            raise ValueError("RecordErrors needs at least one problem")
        super().__init__(problems[0])
        self.problems = tuple(problems)
        self.args = ("\n".join(str(p) for p in problems),)


class InputError(BookRdfError):
    """An input that cannot be opened or recognised."""


class ConfigError(BookRdfError):
    """A configuration value that cannot be used."""


class ShapesError(BookRdfError):
    """SHACL shapes that cannot be loaded."""


class OutputError(BookRdfError):
    """An output file or folder that cannot be written."""


class StoreError(BookRdfError):
    """A triple store that cannot be opened, written or read."""


class QueryError(BookRdfError):
    """A SPARQL query that cannot be parsed or evaluated."""


class ValidationFailed(BookRdfError):
    """Books that break the shapes: nothing was written; the reports say what to fix."""

    exit_code = 1

    def __init__(self, reports: Iterable[object], message: str) -> None:
        super().__init__(message)
        self.reports = list(reports)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.reports, str(self)))


# What a write that failed for want of room means, and what to do about it.
_NO_ROOM = {
    errno.ENOSPC: "no space left on device; free some space and run again",
    errno.EDQUOT: "disk quota exceeded; free some space and run again",
    errno.EFBIG: "file too large (over the file size limit, see `ulimit -f`); "
    "raise the limit or write elsewhere",
}


def write_failure(err: OSError) -> str:
    """Why a write failed, in words users can act on (a full disk says so, and what to do)."""
    if err.errno in _NO_ROOM:
        return _NO_ROOM[err.errno]
    text = str(err)  # the store's native errors carry no errno, only the system's words
    for code, words in _NO_ROOM.items():
        if os.strerror(code) in text:
            return words
    return f"cannot write: {err.strerror or text}"
