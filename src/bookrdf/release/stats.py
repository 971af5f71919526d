"""VoID statistics counted while the dumps are written: exact, in memory that does not grow.

A book is a closed unit: subjects under its work IRI ('{base}book/ID', '{base}book/ID/…') occur
in that book alone, so they are counted book by book and forgotten. Every other subject — an
edition, a publisher, an identified person — may belong to several books, and its triples are
repeated in each of those books' part of the dump. Those triples are kept as N-Triples lines in
a set (repeats count once); when the set is full it is written, sorted, to a file on disk. At
the end the sorted files are merged, streaming: equal lines meet and count once, and each
subject's lines come together, so distinct subjects, entities and per-property subjects are
counted one subject at a time.
"""

from __future__ import annotations

import heapq
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Protocol

from bookrdf.errors import OutputError

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_BATCH = 50_000  # shared triples held in memory before they go to disk, sorted
_MAX_RUNS = 64  # sorted files on disk before they are merged into one


@dataclass(frozen=True)
class PropertyCount:
    """A property partition: its triples and their distinct subjects."""

    triples: int
    subjects: int


@dataclass(frozen=True)
class Counts:
    """A release's numbers: distinct triples, subjects, typed entities; per class, per property."""

    triples: int = 0
    subjects: int = 0
    entities: int = 0
    classes: Mapping[str, int] = field(default_factory=dict)  # class IRI -> entities
    properties: Mapping[str, PropertyCount] = field(default_factory=dict)


class GroupedSubject(Protocol):
    """One subject's distinct statements: its classes, and its objects by predicate."""

    @property
    def iri(self) -> str: ...

    @property
    def types(self) -> Sequence[str]: ...

    @property
    def values(self) -> Mapping[str, Sequence[object]]: ...


@dataclass
class BookCounts:
    """Counts of books' own subjects (exact, as books are closed units), and the lines of
    their shared subjects' triples, which only a VoidCounter can count (repeats once)."""

    triples: int = 0
    subjects: int = 0
    entities: int = 0
    classes: Counter[str] = field(default_factory=Counter)
    property_triples: Counter[str] = field(default_factory=Counter)
    property_subjects: Counter[str] = field(default_factory=Counter)
    shared: list[str] = field(default_factory=list)  # N-Triples lines without the final " ."

    def add(self, work: str, lines: Iterable[str]) -> None:
        """Count one book's distinct triples, given as distinct N-Triples lines."""
        inside = work + "/"
        subjects: set[str] = set()
        typed: set[str] = set()
        members: set[tuple[str, str]] = set()  # (class, subject)
        uses: set[tuple[str, str]] = set()  # (property, subject)
        for line in lines:
            subject, predicate, obj = line.split(" ", 2)
            subject = _iri(subject)
            if subject != work and not subject.startswith(inside):
                self.shared.append(line.rstrip("\n").removesuffix(" ."))
                continue
            predicate = predicate[1:-1]
            self.triples += 1
            self.property_triples[predicate] += 1
            subjects.add(subject)
            uses.add((predicate, subject))
            if predicate == RDF_TYPE:
                typed.add(subject)
                members.add((_iri(obj.rstrip("\n").removesuffix(" .")), subject))
        self.subjects += len(subjects)
        self.entities += len(typed)
        self.classes.update(cls for cls, _ in members)
        self.property_subjects.update(prop for prop, _ in uses)

    def add_subjects(
        self,
        work: str,
        grouped_subjects: Iterable[GroupedSubject],
        subject_lines: Mapping[str, Sequence[str]],
    ) -> None:
        """Count one book from its statements grouped by subject (cheaper than `add`); the
        shared subjects' triples are taken from `subject_lines`, its N-Triples lines by
        subject (one line a triple)."""
        inside = work + "/"
        classes: list[str] = []  # each typed subject's classes
        used: list[str] = []  # each subject's predicates, once a subject
        again: list[str] = []  # a predicate once more for each object after its first
        triples = subjects = entities = 0
        # lists counted once a book: Counter's C loop, not a Counter update a statement
        for node in grouped_subjects:
            lines = subject_lines[node.iri]
            if node.iri != work and not node.iri.startswith(inside):
                self.shared += [line[:-3] for line in lines]
                continue
            subjects += 1
            triples += len(lines)
            if node.types:
                entities += 1
                classes += node.types
            used += node.values
            if len(lines) != len(node.types) + len(node.values):  # several objects somewhere
                for predicate, objects in node.values.items():
                    again += [predicate] * (len(objects) - 1)
        self.subjects += subjects
        self.entities += entities
        self.triples += triples
        self.classes.update(classes)
        self.property_triples.update(used)
        self.property_triples.update(again)
        self.property_subjects.update(used)
        if classes:
            self.property_triples[RDF_TYPE] += len(classes)
            self.property_subjects[RDF_TYPE] += entities


class VoidCounter:
    """Counts the distinct triples of a stream of books (see the module docstring)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._pending: set[str] = set()  # shared triples, N-Triples without the final " ."
        self._runs: list[Path] = []
        self._written = 0  # sorted files written so far, for their names
        self.triples = self.subjects = self.entities = 0
        self.classes: Counter[str] = Counter()
        self.property_triples: Counter[str] = Counter()
        self.property_subjects: Counter[str] = Counter()

    def add(self, work: str, lines: Iterable[str]) -> None:
        """Count one book's distinct triples, given as distinct N-Triples lines."""
        counts = BookCounts()
        counts.add(work, lines)
        self.merge(counts)

    def merge(self, counts: BookCounts) -> None:
        """Add the counts of some books."""
        self.triples += counts.triples
        self.subjects += counts.subjects
        self.entities += counts.entities
        self.classes.update(counts.classes)
        self.property_triples.update(counts.property_triples)
        self.property_subjects.update(counts.property_subjects)
        self._pending.update(counts.shared)
        if len(self._pending) >= _BATCH:
            self._spill()

    def _spill(self) -> None:
        """Write the shared triples held in memory to a sorted file."""
        self._write_run(sorted(self._pending))
        self._pending = set()
        if len(self._runs) >= _MAX_RUNS:
            runs, self._runs = self._runs, []
            with ExitStack() as stack:
                self._write_run(
                    _merged([stack.enter_context(run.open("r", encoding="utf-8")) for run in runs])
                )
            for run in runs:
                run.unlink()

    def _write_run(self, lines: Iterable[str]) -> None:
        self._written += 1
        path = self.folder / f"shared-{self._written}.nt"
        try:
            with path.open("w", encoding="utf-8") as out:
                out.writelines(f"{line}\n" for line in lines)
        except OSError as err:
            raise OutputError(f"{self.folder}: cannot count the release: {err}") from None
        self._runs.append(path)

    def counts(self) -> Counts:
        """Every number, the shared triples included."""
        classes = Counter(self.classes)
        property_triples = Counter(self.property_triples)
        property_subjects = Counter(self.property_subjects)
        triples, subjects, entities = self.triples, self.subjects, self.entities
        with ExitStack() as stack:
            runs = [stack.enter_context(run.open("r", encoding="utf-8")) for run in self._runs]
            lines = _merged([*runs, sorted(self._pending)])
            for _, group in groupby(lines, key=lambda line: line.split(" ", 1)[0]):
                subjects += 1
                used: set[str] = set()
                for line in group:
                    _, predicate, obj = line.split(" ", 2)
                    predicate = predicate[1:-1]
                    triples += 1
                    property_triples[predicate] += 1
                    used.add(predicate)
                    if predicate == RDF_TYPE:
                        classes[obj[1:-1]] += 1  # lines are distinct: one per class
                entities += RDF_TYPE in used
                property_subjects.update(used)
        return Counts(
            triples=triples,
            subjects=subjects,
            entities=entities,
            classes=dict(sorted(classes.items())),
            properties={
                p: PropertyCount(n, property_subjects[p])
                for p, n in sorted(property_triples.items())
            },
        )


def _merged(sources: list[Iterable[str]]) -> Iterator[str]:
    """The distinct lines of sorted sources, in order."""
    previous = None
    for line in heapq.merge(*((text.rstrip("\n") for text in source) for source in sources)):
        if line != previous:
            yield line
            previous = line


def _iri(term: str) -> str:
    """An IRI's text from its N-Triples form (bookrdf writes no blank nodes)."""
    if not (term.startswith("<") and term.endswith(">")):
        raise ValueError(f"bookrdf releases hold IRIs here, not {term}")
    return term[1:-1]


@contextmanager
def void_counter() -> Iterator[VoidCounter]:
    """A counter with its temporary folder, removed afterwards."""
    try:
        folder = tempfile.TemporaryDirectory(prefix="bookrdf-void-")
    except OSError as err:
        raise OutputError(f"cannot create a temporary folder to count the release: {err}") from None
    with folder as name:
        yield VoidCounter(Path(name))
