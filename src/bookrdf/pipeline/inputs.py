"""The first stage: which files to read, and the books in them, whatever their format."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bookrdf.errors import InputError, Problem, RecordError, RecordErrors
from bookrdf.importers.crossref import looks_like_crossref, read_crossref
from bookrdf.importers.csv import chapters_csv_for, read_csv, sniff_csv
from bookrdf.importers.marc import looks_like_marc, read_marc
from bookrdf.importers.muse import looks_like_muse_page, read_muse_page
from bookrdf.importers.onix import looks_like_onix, read_onix
from bookrdf.model import Book
from bookrdf.pipeline.claims import RunClaims
from bookrdf.records import RECORD_SUFFIXES, read_records

PAGE_SUFFIXES = {".txt"}
JSON_LINES = {".jsonl", ".ndjson"}
MARC_SUFFIXES = {".mrc", ".marc"}
ONIX_SUFFIXES = {".onix", ".xml"}
# In a folder, chapters.csv files are read through their books.csv, not on their own.
FOLDER_SUFFIXES = RECORD_SUFFIXES | PAGE_SUFFIXES | MARC_SUFFIXES | ONIX_SUFFIXES | {".csv"}
Warn = Callable[[Problem], None]


def input_files(paths: Iterable[Path]) -> list[Path]:
    """Files to read: the paths given, with folders expanded to their record and page files."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            _refuse_release(path)
            releases = _releases_in(path)
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in FOLDER_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and not releases.intersection(p.parents)
            )
            found = _without_chapters_csvs(found)
            if not found:
                raise InputError(f"{path}: the folder has no record files (.yaml, .json, .jsonl)")
            files.extend(found)
        elif path.exists():
            refuse_pipe(path)
            files.append(path)
        elif path.is_symlink():
            raise InputError(f"{path}: is a link that leads nowhere (or in a loop); check the path")
        else:
            raise InputError(f"{path}: no such file or folder; check the path")
    return _each_once(files)


def refuse_pipe(path: Path) -> None:
    """Refuse a named pipe or a device: an input is opened more than once (its format, then
    its books; a release's checksum of it; a dump's two routing passes), and a second open of
    a pipe waits for a writer that has gone, forever."""
    if path.exists() and not path.is_file() and not path.is_dir():
        raise InputError(
            f"{path}: is a pipe or a device, not a file; bookrdf reads an input more than once, "
            "so write it to a file first"
        )


def _each_once(files: list[Path]) -> list[Path]:
    """A file given twice (`a.jsonl a.jsonl`, or a file and its folder) is read once: its
    books are not each other's duplicates."""
    seen: set[Path] = set()
    once = []
    for path in files:
        real = path.resolve()
        if real not in seen:
            seen.add(real)
            once.append(path)
    return once


def _releases_in(folder: Path) -> set[Path]:
    """The release folders inside a folder of records (`publish . --out release` puts one
    there): their manifest.json is no book record, so they are not read."""
    return {
        manifest.parent
        for manifest in folder.rglob("manifest.json")
        if _is_release(manifest.parent)
    }


def _is_release(folder: Path) -> bool:
    """A manifest beside a dump, the checksums or a cluster's list of parts."""
    beside = ("SHA256SUMS", "parts.json", "books.*")
    return (folder / "manifest.json").is_file() and any(
        p.is_file() for name in beside for p in folder.glob(name)
    )


def _refuse_release(folder: Path) -> None:
    """A release folder (manifest.json beside books.*, …) holds RDF, not records: its
    manifest.json would otherwise be read as a book record."""
    if not _is_release(folder):
        return
    books = sorted(p.name for p in folder.glob("books.*") if p.is_file())
    known = ("books.nt.gz", "books.nt", "books.ttl")
    name = next((n for n in known if n in books), books[0] if books else "parts")
    raise InputError(
        f"{folder}: is a bookrdf release, not a folder of records; validate or load its {name}"
    )


def record_lines(path: Path) -> bool:
    """Whether a file is JSON Lines of records, a book a line (Crossref's dumps, also JSON
    Lines, are read whole: a chapter may be on any line)."""
    return path.suffix.lower() in JSON_LINES and not _is_crossref(path)


def _without_chapters_csvs(files: list[Path]) -> list[Path]:
    """A folder's files but its chapters CSV files, which their books CSV files read; one that
    none reads would be left out unseen, so it is refused."""
    chapters = [p for p in files if _is_chapters_csv(p)]
    read = {chapters_csv_for(p) for p in files if p.suffix.lower() == ".csv"}
    for path in chapters:
        if path not in read:
            raise InputError(
                f"{path}: is a chapters file that no books file in the folder reads; name it "
                "after its books file (books.csv reads chapters.csv, NAME.csv reads "
                "NAME-chapters.csv)"
            )
    return [p for p in files if p not in chapters]


def _is_chapters_csv(path: Path) -> bool:
    return (
        path.suffix.lower() == ".csv"
        and sniff_csv(_head(path).decode("utf-8", "replace")) == "chapters"
    )


def read_file(path: Path, warn: Warn | None = None) -> Iterator[Book]:
    """The books in one input file, whatever its kind: records, a MUSE page, a catalogue export
    (CSV, Crossref JSON, ONIX, MARC), told by its suffix or, failing that, by its first bytes."""
    suffix = path.suffix.lower()
    head = _head(path)
    text = head.decode("utf-8", errors="replace")
    imported: Imported | None = None
    if suffix == ".csv":
        imported = _csv_books(path, text)
    elif suffix in {".json"} | JSON_LINES and looks_like_crossref(text):
        imported = read_crossref([path])
    elif suffix in RECORD_SUFFIXES:
        yield from read_records(path)
        return
    elif suffix in MARC_SUFFIXES or looks_like_marc(head):
        imported = read_marc([path])
    elif suffix in ONIX_SUFFIXES or looks_like_onix(head):
        imported = read_onix([path])
    elif suffix in PAGE_SUFFIXES or looks_like_muse_page(text):
        page = read_muse_page(path)
        imported = MuseBooks((page.book,), page.warnings)
    if imported is None and head.startswith(b"\x1f\x8b"):
        raise InputError(f"{path}: is compressed (gzip); decompress it first: gunzip -k {path}")
    if imported is None:
        raise InputError(
            f"{path}: not a record file (.yaml, .json, .jsonl), a saved MUSE page (.txt) or a "
            "catalogue export bookrdf reads (.csv, Crossref .json, ONIX/MARCXML .xml, MARC .mrc)"
        )
    yield from _books_of(imported, warn)


def _books_of(imported: Imported, warn: Warn | None) -> Iterator[Book]:
    for problem in imported.warnings:
        if warn:
            warn(problem)
    yield from imported.books


def file_groups(files: Sequence[Path]) -> list[tuple[Path, ...]]:
    """The files read together: every Crossref file at once, where the first one is (a chapter
    in one may belong to a book in another, as `import crossref` joins them); others alone."""
    crossref = tuple(path for path in files if _is_crossref(path))
    first = crossref[0] if crossref else None
    return [
        crossref if path == first else (path,)
        for path in files
        if path not in crossref or path == first
    ]


def read_group(group: Sequence[Path], warn: Warn | None = None) -> Iterator[Book]:
    """The books in one of `file_groups`: one file, or the Crossref files together."""
    if len(group) == 1:
        yield from read_file(group[0], warn)
    else:
        yield from _books_of(read_crossref(list(group)), warn)


def _is_crossref(path: Path) -> bool:
    return path.suffix.lower() in {".json"} | JSON_LINES and looks_like_crossref(
        _head(path).decode("utf-8", "replace")
    )


class Imported(Protocol):
    """What every importer returns: its books and what it could not map."""

    @property
    def books(self) -> Sequence[Book]: ...

    @property
    def warnings(self) -> Sequence[Problem]: ...


@dataclass(frozen=True)
class MuseBooks:
    books: tuple[Book, ...]
    warnings: tuple[Problem, ...]


def _csv_books(path: Path, text: str) -> Imported:
    kind = sniff_csv(text)
    if kind == "books":
        return read_csv(path, chapters_csv_for(path))
    if kind == "chapters":
        raise InputError(f"{path}: is a chapters file; give its books file, which reads it")
    raise InputError(
        f"{path}: not a bookrdf CSV file "
        "(its header needs book_id and title; see docs/importers.md)"
    )


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(65536)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file or folder; check the path") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder; give a file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None


def read_books(paths: Sequence[Path], warn: Warn | None = None) -> Iterator[Book]:
    """Every book in the inputs, in order; every bad record, repeated id and ISBN claimed by
    two books is reported, together, at the end (so a caller writes nothing then)."""
    problems: list[Problem] = []
    with closing(RunClaims()) as claims:
        for group in file_groups(input_files(paths)):
            books = read_group(group, warn)
            while True:
                try:
                    book = next(books)
                except StopIteration:
                    break
                except RecordError as err:
                    problems.extend(err.problems)
                    break
                claims.add(book)
                if not problems:
                    yield book
        problems.extend(claims.repeated())
    if problems:
        raise RecordErrors(problems)
