"""A release's manifest (each book's content hash) and its SHA256SUMS."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any, Protocol

from bookrdf.errors import InputError
from bookrdf.release.books import BookEntry as BookEntry  # re-exported: where it was first
from bookrdf.release.books import BookIndex, book_entry, read_manifest_stream

MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
# A release made on a Dask cluster (bookrdf.distributed) holds parts instead of the dumps:
PARTS = "parts"  # the folder of the part files, inside the release folder
PARTS_LIST = "parts.json"
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class Manifest:
    """A release's manifest.json: the books in dump order, every file's SHA-256, settings."""

    books: BookIndex
    files: Mapping[str, str]
    issued: str
    modified: str
    settings: Mapping[str, Any]
    version: str


@dataclass
class Changes:
    """Books added, changed and removed since the previous release, by id."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def any(self) -> bool:
        """Whether any book was added, changed or removed."""
        return bool(self.added or self.changed or self.removed)


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    with path.open("rb") as stream:
        # file_digest reads into one reused buffer: hashing many files does not grow memory
        return hashlib.file_digest(stream, "sha256").hexdigest()


def read_manifest(folder: Path) -> Manifest | None:
    """The manifest of the release in `folder`; None when there is none."""
    path = folder / MANIFEST
    try:
        with path.open("rb") as stream:
            data, books = _read_books_and_fields(stream)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        raise InputError(
            f"{path}: cannot be read as a bookrdf manifest: {err}; "
            "publish the release again with --force"
        ) from None
    except (KeyError, TypeError) as err:
        raise _not_a_manifest(path, err) from None
    for key in ("files", "settings"):
        if not isinstance(data.get(key), dict):
            raise _not_a_manifest(path, f"{key}, a JSON object")
    try:
        manifest = Manifest(
            books=books,
            files=dict(data["files"]),
            issued=str(data["issued"]),
            modified=str(data["modified"]),
            settings=dict(data["settings"]),
            version=str(data["bookrdf"]),
        )
    except (KeyError, TypeError, ValueError) as err:
        raise _not_a_manifest(path, err) from None
    problem = _manifest_problem(manifest)
    if problem:
        raise InputError(f"{path}: {problem}; publish the release again with --force")
    return manifest


# The files a release holds: names in the release folder, or in its parts/ folder
_RELEASE_FILE = re.compile(rf"(?:{PARTS}/)?[A-Za-z0-9_-][A-Za-z0-9._-]*")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _manifest_problem(manifest: Manifest) -> str | None:
    """What makes a manifest unfit to re-publish over: a file outside the release (a re-publish
    removes the files it lists), a checksum or an issue date that is not one."""
    for name, digest in manifest.files.items():
        if not _RELEASE_FILE.fullmatch(name) or ".." in name:  # JSON keys are always text
            return f"lists {name!r}, which is not a file of a release folder"
        if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
            return f"gives {name} the checksum {digest!r}, which is not a SHA-256"
    try:
        date.fromisoformat(manifest.issued)
    except ValueError:
        return f"has the issue date {manifest.issued!r}, which is not a date (YYYY-MM-DD)"
    return None


def _read_books_and_fields(stream: IO[bytes]) -> tuple[dict[str, Any], BookIndex]:
    """Line by line as bookrdf writes a manifest; a manifest laid out otherwise is read whole."""
    try:
        return read_manifest_stream(stream)
    except ValueError:
        stream.seek(0)
    data = json.loads(stream.read())
    if not isinstance(data, dict):
        raise TypeError("the manifest is not a JSON object")
    return data, BookIndex(book_entry(entry) for entry in data["books"])


def _not_a_manifest(path: Path, err: Exception | str) -> InputError:
    return InputError(
        f"{path}: is not a bookrdf manifest (missing or wrong {err}); "
        "publish the release again with --force"
    )


def require_manifest(folder: Path) -> Manifest:
    """The manifest of a release that must exist."""
    if not folder.is_dir():
        raise InputError(f"{folder}: no such release folder; check the path")
    manifest = read_manifest(folder)
    if manifest is None:
        raise InputError(
            f"{folder}: not a bookrdf release (no {MANIFEST}); publish it with `bookrdf publish`"
        )
    return manifest


class Sink(Protocol):
    """Anything bytes can be written to: an open file, or a `Digest` in front of one."""

    def write(self, data: bytes, /) -> object: ...


class ManifestWriter:
    """Streams manifest.json (books first) and compares each book with the previous release."""

    def __init__(self, out: Sink, previous: Manifest | None) -> None:
        self.out = out
        self.changes = Changes()
        self._previous = previous.books if previous else None
        self._count = 0
        out.write(b'{\n"books": [\n')

    def add(self, entry: BookEntry) -> None:
        """Record one book (and whether it is new or changed)."""
        # a dict literal, not dataclasses.asdict: this runs in the writer for every book
        data: dict[str, object] = {
            "id": entry.id,
            "graph": entry.graph,
            "sha256": entry.sha256,
            "triples": entry.triples,
        }
        line = json.dumps(data, ensure_ascii=False)
        self.out.write((",\n" if self._count else "").encode() + line.encode("utf-8"))
        self._count += 1
        if self._previous is None:
            return
        old = self._previous.take(entry.id)
        if old is None:
            self.changes.added.append(entry.id)
        elif old.sha256 != entry.sha256:
            self.changes.changed.append(entry.id)
        else:
            self.changes.unchanged += 1

    def close_books(self) -> Changes:
        """The comparison with the previous release, once every book is in."""
        if self._previous is not None:
            self.changes.removed.extend(self._previous.untaken())
            self._previous = None
        return self.changes

    def finish(
        self,
        *,
        files: Mapping[str, str],
        issued: str,
        modified: str,
        settings: Mapping[str, Any],
        version: str,
    ) -> None:
        """Write the rest of the manifest."""
        rest = {
            "bookrdf": version,
            "manifest": MANIFEST_VERSION,
            "issued": issued,
            "modified": modified,
            "settings": settings,
            "files": dict(sorted(files.items())),
        }
        body = json.dumps(rest, ensure_ascii=False, indent=1)
        self.out.write(b"\n],\n" + body[2:].encode("utf-8") + b"\n")


def render_checksums(files: Mapping[str, str]) -> bytes:
    """SHA256SUMS in the form `sha256sum -c` reads: '<hex>  <name>' per file, sorted by name."""
    return "".join(f"{sha}  {name}\n" for name, sha in sorted(files.items())).encode("utf-8")
