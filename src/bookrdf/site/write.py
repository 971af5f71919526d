"""Write the Linked Data site: per book and chapter a document in each format, the index and
dataset pages and the server configuration — into a folder beside the target, then renamed."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

from bookrdf.errors import OutputError, write_failure
from bookrdf.mapping import BookGraph
from bookrdf.publish.files import missing_folders, remove_empty
from bookrdf.site.conneg import HTACCESS_FILE, NGINX_FILE, htaccess, nginx_config
from bookrdf.site.describe import RDF_FORMATS, chapter_triples, document
from bookrdf.site.html import book_page, chapter_page, last_segment
from bookrdf.site.pages import DUMP_NAMES, DatasetInfo, Entry, dataset_page, index_page
from bookrdf.site.view import read_book
from bookrdf.vocab import Minter

DEFAULT_TITLE = "Books as linked data"


@dataclass
class SiteSummary:
    """What a site build wrote."""

    out: Path
    books: int = 0
    chapters: int = 0
    triples: int = 0
    files: int = 0


def site_path(iri: str, minter: Minter) -> str:
    """The path of a resource's documents relative to the site folder, as in its IRI."""
    if not iri.startswith(minter.base):
        raise OutputError(f"{iri}: is not under the base IRI {minter.base}; cannot place it")
    return iri[len(minter.base) :]


def _file(folder: Path, relative: str) -> Path:
    """The file for a relative IRI path: decoded as a web server decodes it, never escaping."""
    parts = unquote(relative).split("/")
    if any(part in {"", ".", ".."} or "\x00" in part for part in parts):
        raise OutputError(f"{relative}: cannot be a file path in the site")
    return folder.joinpath(*parts)


class _Folder:
    """Writes the site's files into a temporary folder, counting them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = 0

    def write(self, relative: str, data: bytes | str) -> None:
        path = _file(self.root, relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        self.files += 1


def _write_book(book: BookGraph, folder: _Folder, minter: Minter) -> tuple[Entry, int]:
    """One book's documents and pages, and its entry in the index; and its chapter count."""
    work = str(book.work)
    relative = site_path(work, minter)
    name = last_segment(work)
    triples = list(book.triples)
    view = read_book(triples, work)
    data = {fmt: document(triples, work, fmt) for fmt in RDF_FORMATS}
    for fmt, body in data.items():
        folder.write(f"{relative}.{fmt}", body)
    folder.write(f"{relative}.html", book_page(view, data["jsonld"], name))
    chapters = 0
    for part in view.parts:
        if not part.iri.startswith(f"{work}/"):
            continue  # a part minted elsewhere (RDF from another source) has no place here
        described = chapter_triples(triples, part.iri)
        part_path = site_path(part.iri, minter)
        part_data = {fmt: document(described, part.iri, fmt) for fmt in RDF_FORMATS}
        for fmt, body in part_data.items():
            folder.write(f"{part_path}.{fmt}", body)
        page = chapter_page(view, part, part_data["jsonld"], name)
        folder.write(f"{part_path}.html", page)
        chapters += 1
    people = ", ".join(person.name for person in view.contributors)
    return Entry(f"{relative}.html", view.title, people, view.published), chapters


class SiteWriter:
    """Writes the site book by book (`add`, usable as a release's `on_book`); on leaving the
    `with` block it puts everything in place, or, after an error, nothing."""

    def __init__(
        self,
        out: Path,
        *,
        minter: Minter,
        dataset_title: str | None = None,
        dumps: Sequence[str] = DUMP_NAMES,
        sparql: str | None = None,
    ) -> None:
        self.summary = SiteSummary(out=out)
        self.minter = minter
        self.title = dataset_title or DEFAULT_TITLE
        self.dumps = list(dumps)
        self.sparql = sparql
        self._entries: list[Entry] = []
        self._folder: _Folder | None = None
        self._made: list[Path] = []

    def __enter__(self) -> SiteWriter:
        out = self.summary.out
        self._made = missing_folders(out)
        try:
            out.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".site.", suffix=".tmp", dir=out))
        except OSError as err:
            raise OutputError(f"{out}: cannot create the site folder: {err.strerror}") from None
        self._folder = _Folder(staging)
        return self

    def add(self, book: BookGraph) -> None:
        """Write one book's documents and pages (into the temporary folder)."""
        if self._folder is None:
            raise RuntimeError("use SiteWriter in a `with` block")
        try:
            entry, chapters = _write_book(book, self._folder, self.minter)
        except OSError as err:
            raise OutputError(f"{self.summary.out}: {write_failure(err)}") from None
        self._entries.append(entry)
        self.summary.books += 1
        self.summary.chapters += chapters
        self.summary.triples += len(set(book.triples))

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        folder, self._folder = self._folder, None
        if folder is None:
            return
        installed = False
        try:
            if error is None:
                self._finish(folder)
                _install(folder.root, self.summary.out)
                installed = True
        except OSError as err:
            raise OutputError(f"{self.summary.out}: {write_failure(err)}") from None
        finally:
            shutil.rmtree(folder.root, ignore_errors=True)
            if not installed:
                remove_empty(self._made)  # a failed build leaves no empty folder behind

    def _finish(self, folder: _Folder) -> None:
        """The index, the dataset page and the server configuration."""
        summary = self.summary
        entries = sorted(self._entries, key=lambda e: (e.title.casefold(), e.href))
        info = DatasetInfo(
            self.title, self.minter.base, summary.books, summary.chapters, summary.triples
        )
        info.dumps = [(name, name) for name in self.dumps]
        info.sparql = self.sparql
        folder.write("index.html", index_page(self.title, entries))
        folder.write("dataset.html", dataset_page(info))
        # nginx and Apache match and rewrite the decoded path: '/bücher/', not '/b%C3%BCcher/'
        base_path = unquote(urlsplit(self.minter.base).path)
        folder.write(NGINX_FILE, nginx_config(base_path))
        folder.write(HTACCESS_FILE, htaccess(base_path))
        summary.files = folder.files


def write_site(
    books: Iterable[BookGraph],
    out: Path,
    *,
    minter: Minter,
    dataset_title: str | None = None,
    dumps: Sequence[str] = DUMP_NAMES,
    sparql: str | None = None,
    on_book: Callable[[BookGraph], None] | None = None,
) -> SiteSummary:
    """Write the site for `books` into `out`; the previous site stays whole until all is written."""
    with SiteWriter(
        out, minter=minter, dataset_title=dataset_title, dumps=dumps, sparql=sparql
    ) as site:
        for book in books:
            site.add(book)
            if on_book:
                on_book(book)
    return site.summary


def _install(staging: Path, out: Path) -> None:
    """Move each top-level file into place; a folder replaces its namesake by two renames."""
    for entry in sorted(staging.iterdir()):
        target = out / entry.name
        if not entry.is_dir():
            os.replace(entry, target)
            continue
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{entry.name}.old.", dir=out))
            os.replace(target, old / entry.name)
            os.replace(entry, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(entry, target)
