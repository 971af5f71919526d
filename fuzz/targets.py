"""What `make fuzz` fuzzes: each importer and the record loader, with its seed inputs.

The property, for every input: it imports (and its books dump as records and map to RDF),
or it raises a `BookRdfError`. Any other exception is a crash; a hang is caught by the
fuzzer's per-input time limit.
"""

from __future__ import annotations

import tempfile
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bookrdf.errors import BookRdfError
from bookrdf.importers.crossref import read_crossref
from bookrdf.importers.csv import read_csv
from bookrdf.importers.marc import read_marc
from bookrdf.importers.muse import read_muse_page
from bookrdf.importers.onix import read_onix
from bookrdf.mapping import map_book
from bookrdf.model import Book
from bookrdf.records import dump_record, read_records
from bookrdf.vocab import Minter

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
# A CSV input holds the books file, then (optionally) this line and the chapters file.
CSV_SPLIT = b"\n--- chapters.csv ---\n"
_MINTER = Minter()


@dataclass(frozen=True)
class Target:
    """One reader to fuzz: the suffix its input file gets, how to read it, its seeds."""

    name: str
    suffix: str
    read: Callable[[Path], Iterable[Book]]
    seeds: Callable[[], list[bytes]]


def _files(*patterns: str) -> Callable[[], list[bytes]]:
    def seeds() -> list[bytes]:
        return [p.read_bytes() for pattern in patterns for p in sorted(ROOT.glob(pattern))]

    return seeds


def _csv_seeds() -> list[bytes]:
    return [
        (folder / "books.csv").read_bytes() + CSV_SPLIT + (folder / "chapters.csv").read_bytes()
        for folder in sorted((FIXTURES / "csv").iterdir())
    ]


def _jsonl_seeds() -> list[bytes]:
    records = [p.read_bytes() for p in sorted((FIXTURES / "bad").glob("*.jsonl"))]
    lines = b'{"id": "a", "title": "A"}\n{"id": "b", "title": "B", "chapters": [{"title": "C"}]}\n'
    return [*records, lines]


def _read_csv(path: Path) -> Iterable[Book]:
    data = path.read_bytes()
    books, split, chapters = data.partition(CSV_SPLIT)
    path.write_bytes(books)
    chapters_path = None
    if split:
        chapters_path = path.with_name("chapters.csv")
        chapters_path.write_bytes(chapters)
    return read_csv(path, chapters_path).books


TARGETS: dict[str, Target] = {
    target.name: target
    for target in [
        Target(
            "muse",
            ".txt",
            lambda path: [read_muse_page(path).book],
            _files("tests/fixtures/muse/*.txt", "data/raw/*.txt"),
        ),
        Target("csv", ".csv", _read_csv, _csv_seeds),
        Target(
            "crossref",
            ".json",
            lambda path: read_crossref([path]).books,
            _files("tests/fixtures/crossref/*.json"),
        ),
        Target(
            "onix",
            ".xml",
            lambda path: read_onix([path]).books,
            _files("tests/fixtures/onix/*.xml"),
        ),
        Target(
            "marc",
            ".mrc",
            lambda path: read_marc([path]).books,
            _files("tests/fixtures/marc/*.mrc"),
        ),
        Target(
            "marcxml",
            ".xml",
            lambda path: read_marc([path]).books,
            _files("tests/fixtures/marc/*.xml"),
        ),
        Target(
            "yaml",
            ".yaml",
            read_records,
            _files(
                "tests/fixtures/records/*.yaml",
                "tests/fixtures/hostile/*.yaml",
                "tests/fixtures/bad/*.yaml",
                "data/books/*.yaml",
            ),
        ),
        Target("json", ".json", read_records, _files("tests/fixtures/bad/*.json")),
        Target("jsonl", ".jsonl", read_records, _jsonl_seeds),
    ]
}


@dataclass(frozen=True)
class Crash:
    """An input that raised something other than a BookRdfError."""

    target: str
    error: str
    where: str

    @property
    def key(self) -> str:
        """Crashes with the same exception type at the same place are one crash."""
        return f"{self.error.split(':', 1)[0]} at {self.where}"


def check(target: Target, data: bytes, folder: Path) -> Crash | None:
    """Read one input as the target's file; a Crash unless it imports or raises BookRdfError."""
    for stale in folder.iterdir():
        stale.unlink()
    path = folder / f"input{target.suffix}"
    path.write_bytes(data)
    try:
        for book in target.read(path):
            dump_record(book)
            map_book(book, _MINTER)
    except BookRdfError:
        return None
    except Exception as err:  # noqa: BLE001  # the fuzzer's job: every other exception is a bug
        return _crash(target, err)
    return None


def _crash(target: Target, err: BaseException) -> Crash:
    frames = traceback.extract_tb(err.__traceback__)
    ours = [f for f in frames if "/bookrdf/" in f.filename] or frames
    last = ours[-1]
    where = f"{Path(last.filename).name}:{last.lineno} ({last.name})"
    message = " ".join(f"{type(err).__name__}: {err}".split())[:300]
    return Crash(target.name, message, where)


def scratch_folder() -> Path:
    """A private folder for the input files of one fuzzing process."""
    return Path(tempfile.mkdtemp(prefix="bookrdf-fuzz-"))


def names(selected: Sequence[str]) -> list[str]:
    """The targets asked for (all when none are), checked."""
    unknown = [name for name in selected if name not in TARGETS]
    if unknown:
        raise SystemExit(f"unknown fuzz targets: {', '.join(unknown)}; known: {', '.join(TARGETS)}")
    return list(selected) or list(TARGETS)
