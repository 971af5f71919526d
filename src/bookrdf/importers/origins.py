"""Where each record field of an import came from: file, line and the input's own field name."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bookrdf.errors import Problem
from bookrdf.model import nearest_line


@dataclass(frozen=True)
class Origin:
    """A place in an input file: its name, line (or CSV row) and field (column or key)."""

    source: str
    line: int | None
    field: str


def relocate(problems: Iterable[Problem], origins: Mapping[str, Origin]) -> list[Problem]:
    """Problems about record fields ('chapters[3].pages') told where the input holds them."""
    # nearest_line walks up from a field path to its nearest known parent; here it finds the
    # index of that parent's origin ('' is the whole record, so there always is one).
    index = {path: i for i, path in enumerate(origins)}
    found = list(origins.values())
    out = []
    for problem in problems:
        at = nearest_line(index, problem.field)
        if at is None:
            out.append(problem)
            continue
        origin = found[at]
        out.append(Problem(origin.source, origin.line, origin.field, problem.message))
    return out


def lines_of(origins: Mapping[str, Origin], source: str) -> dict[str, int]:
    """The record's field lines that lie in one input file (the book's own source)."""
    return {
        path: origin.line
        for path, origin in origins.items()
        if origin.source == source and origin.line is not None
    }
