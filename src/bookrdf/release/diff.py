"""The difference between two releases, book by book: a summary, SPARQL Update or RDF Patch.

Both releases are read from their manifests (which book has which hash, and how many lines it
has in the dump) and their N-Triples dumps, streaming: books whose hash did not change are read
past; the old versions of changed and removed books wait in a temporary file on disk.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import tempfile
import zlib
from collections.abc import Generator, Iterator
from contextlib import ExitStack, closing
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, cast

from bookrdf.errors import InputError
from bookrdf.release.manifest import BookEntry, Changes, Manifest, require_manifest

DUMPS = ("books.nt.gz", "books.nt")
DIFF_FORMATS = ("summary", "sparql", "patch")


@dataclass(frozen=True)
class BookDiff:
    """One book's change: sorted N-Triples lines to delete (from `old_graph`) and insert."""

    book_id: str
    status: str  # "added", "changed" or "removed"
    old_graph: str
    graph: str
    deleted: tuple[str, ...]
    inserted: tuple[str, ...]


@dataclass(frozen=True)
class ReleaseDiff:
    """Which books changed (from the manifests) and how (read lazily from the dumps)."""

    changes: Changes
    books: Iterator[BookDiff]


def compare_manifests(old: Manifest, new: Manifest) -> Changes:
    """Books added, changed and removed between two releases, in dump order."""
    changes = Changes()
    for book_id, entry in new.books.items():
        before = old.books.get(book_id)
        if before is None:
            changes.added.append(book_id)
        elif before.sha256 != entry.sha256 or before.graph != entry.graph:
            changes.changed.append(book_id)
        else:
            changes.unchanged += 1
    changes.removed.extend(book_id for book_id in old.books if book_id not in new.books)
    return changes


def diff_releases(old: Path, new: Path) -> ReleaseDiff:
    """The difference that turns the release in `old` into the one in `new`."""
    old_manifest, new_manifest = require_manifest(old), require_manifest(new)
    changes = compare_manifests(old_manifest, new_manifest)
    old_dump, new_dump = _dump(old, old_manifest), _dump(new, new_manifest)
    return ReleaseDiff(
        changes, _book_diffs(old_dump, old_manifest, new_dump, new_manifest, changes)
    )


def read_release(folder: Path) -> Iterator[tuple[BookEntry, bytes]]:
    """Each book of a release and its N-Triples, in dump order, checked against the manifest."""
    manifest = require_manifest(folder)
    return _books_in(_dump(folder, manifest), manifest)


def _dump(folder: Path, manifest: Manifest) -> list[Path]:
    """The release's N-Triples dump, gzipped or not; or a cluster release's N-Triples parts,
    which read in order are that dump."""
    for name in DUMPS:
        if name in manifest.files and (folder / name).is_file():
            return [folder / name]
    parts = sorted(name for name in manifest.files if _PART.fullmatch(name))
    if parts and all((folder / name).is_file() for name in parts):
        return [folder / name for name in parts]
    raise InputError(
        f"{folder}: the release has no N-Triples dump ({' or '.join(DUMPS)}, or "
        "parts/part-N.nt.gz from `--executor dask`); publish it with -f nt.gz"
    )


_PART = re.compile(r"parts/part-[0-9]+\.nt\.gz")


def _book_diffs(
    old_dump: list[Path], old: Manifest, new_dump: list[Path], new: Manifest, changes: Changes
) -> Iterator[BookDiff]:
    wanted = {*changes.changed, *changes.removed}
    changed = set(changes.changed)
    with tempfile.TemporaryFile(prefix="bookrdf-diff-") as spool:
        spans: dict[str, tuple[int, int]] = {}
        for entry, body in _books_in(old_dump, old):
            if entry.id in wanted:
                spans[entry.id] = (spool.tell(), len(body))
                spool.write(body)
        for entry, body in _books_in(new_dump, new):
            after = _lines(body)
            if entry.id in changed:
                before_entry = old.books[entry.id]
                before = _lines(_spooled(spool, spans[entry.id]))
                if before_entry.graph != entry.graph:  # a new base: everything moves
                    gone, came = before, after
                else:
                    gone, came = before - after, after - before
                yield BookDiff(
                    entry.id,
                    "changed",
                    before_entry.graph,
                    entry.graph,
                    _sorted(gone),
                    _sorted(came),
                )
            elif entry.id not in old.books:
                yield BookDiff(entry.id, "added", entry.graph, entry.graph, (), _sorted(after))
        for book_id in changes.removed:
            entry = old.books[book_id]
            before = _lines(_spooled(spool, spans[book_id]))
            yield BookDiff(book_id, "removed", entry.graph, entry.graph, _sorted(before), ())


def _books_in(dumps: list[Path], manifest: Manifest) -> Iterator[tuple[BookEntry, bytes]]:
    """Each book's lines of a dump (or its parts, in order), in manifest order, checked against
    the manifest's hash."""
    where = dumps[0] if len(dumps) == 1 else dumps[0].parent
    with closing(_lines_of(dumps)) as lines:
        for entry in manifest.books.values():
            body = b"".join(islice(lines, entry.triples))
            if hashlib.sha256(body).hexdigest() != entry.sha256:
                raise InputError(
                    f"{where}: book {entry.id} does not match the release's manifest; "
                    "the release is damaged or was edited: publish it again"
                )
            yield entry, body
        if next(lines, None) is not None:
            raise InputError(
                f"{where}: holds more triples than its manifest lists; publish it again"
            )


def _lines_of(dumps: list[Path]) -> Generator[bytes, None, None]:
    """The lines of the dump files one after the other, gunzipped when their names say so."""
    for dump in dumps:
        try:
            with ExitStack() as stack:
                stream: IO[bytes] = stack.enter_context(dump.open("rb"))
                if dump.suffix == ".gz":
                    stream = cast(IO[bytes], stack.enter_context(gzip.GzipFile(fileobj=stream)))
                yield from stream
        except (OSError, EOFError, zlib.error) as err:
            raise InputError(f"{dump}: cannot read the dump: {err}") from None


def _spooled(spool: IO[bytes], span: tuple[int, int]) -> bytes:
    offset, size = span
    spool.seek(offset)
    body = spool.read(size)
    spool.seek(0, 2)
    return body


def _lines(body: bytes) -> set[str]:
    return set(body.decode("utf-8").splitlines())


def _sorted(lines: set[str]) -> tuple[str, ...]:
    return tuple(sorted(lines))


def render_diff(diff: ReleaseDiff, fmt: str) -> Iterator[str]:
    """The difference as text, piece by piece: a summary, a SPARQL Update or an RDF Patch."""
    changes = diff.changes
    total = (
        f"{len(changes.added)} added, {len(changes.changed)} changed, "
        f"{len(changes.removed)} removed, {changes.unchanged} unchanged"
    )
    if fmt == "summary":
        for book in diff.books:
            counts = " ".join(
                f"{sign}{len(lines)}"
                for sign, lines in (("-", book.deleted), ("+", book.inserted))
                if lines
            )
            yield f"{book.status:<8} {book.book_id}  {counts} triples\n"
        yield f"{total}\n"
    elif fmt == "sparql":
        yield f"# bookrdf diff: {total}\n"
        for book in diff.books:
            yield sparql_update(book)
    elif fmt == "patch":
        yield "TX .\n"
        for book in diff.books:
            yield rdf_patch(book)
        yield "TC .\n"
    else:
        raise ValueError(f"unknown diff format {fmt}")


def sparql_update(book: BookDiff) -> str:
    """One book's change as SPARQL Update operations on its named graph, each ending in ';'."""
    parts = [f"# {book.status} {book.book_id}\n"]
    if book.deleted:
        parts.append(_data("DELETE", book.old_graph, book.deleted))
    if book.status == "removed" or book.old_graph != book.graph:
        parts.append(f"DROP SILENT GRAPH <{book.old_graph}> ;\n")
    if book.inserted:
        parts.append(_data("INSERT", book.graph, book.inserted))
    return "".join(parts)


def _data(verb: str, graph: str, lines: tuple[str, ...]) -> str:
    # N-Triples lines are valid SPARQL triples
    body = "\n".join(lines)
    return f"{verb} DATA {{ GRAPH <{graph}> {{\n{body}\n}} }} ;\n"


def rdf_patch(book: BookDiff) -> str:
    """One book's change as RDF Patch rows: D (delete) and A (add) quads."""
    rows = [f"D {line.removesuffix(' .')} <{book.old_graph}> .\n" for line in book.deleted]
    rows += [f"A {line.removesuffix(' .')} <{book.graph}> .\n" for line in book.inserted]
    return "".join(rows)
