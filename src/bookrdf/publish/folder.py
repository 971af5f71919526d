"""The release folder: dumps, VoID/DCAT description, manifest and SHA256SUMS, all or nothing.

Every file is written to a temporary name and renamed into place only when the whole release
succeeded. A data file whose bytes equal the file already there is not replaced; when no book,
file or setting changed, nothing is rewritten at all and the previous release stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from bookrdf import __version__
from bookrdf.config import DatasetConfig
from bookrdf.errors import OutputError
from bookrdf.mapping import BookGraph
from bookrdf.publish.chunks import RenderedChunk, batched, render_chunk
from bookrdf.publish.dumps import DumpWriter
from bookrdf.publish.files import Digest, atomic_files
from bookrdf.publish.formats import DEFAULT_FORMATS, FORMATS, MEDIA_TYPES
from bookrdf.release.describe import (
    DumpFile,
    InputFile,
    ReleaseFacts,
    describe_inputs,
    describe_release,
    input_file,
    release_clock,
)
from bookrdf.release.manifest import (
    CHECKSUMS,
    MANIFEST,
    PARTS,
    PARTS_LIST,
    Manifest,
    ManifestWriter,
    read_manifest,
    render_checksums,
    sha256_file,
)
from bookrdf.release.rdf import write_jsonld, write_turtle
from bookrdf.release.stats import VoidCounter, void_counter
from bookrdf.resources import resource_path
from bookrdf.vocab import Minter

CONTEXT = "context.jsonld"
DESCRIPTIONS = ("dataset.ttl", "dataset.jsonld")


@dataclass
class ReleaseSummary:
    """What a release wrote, and how its books changed since the release it replaced."""

    out: Path
    books: int = 0
    triples: int = 0  # distinct triples, as void:triples says
    files: list[Path] = field(default_factory=list)  # written (new or replaced)
    kept: list[Path] = field(default_factory=list)  # left as they were: same bytes
    dropped: list[Path] = field(default_factory=list)  # dumps of formats no longer written
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    previous: bool = False  # a previous release was found in `out`
    unchanged: bool = False  # nothing changed, so nothing was rewritten


@dataclass(frozen=True)
class _Plan:
    """What one run writes, decided before the first book."""

    out: Path
    formats: Sequence[str]
    minter: Minter
    dataset: DatasetConfig
    sources: Sequence[InputFile]
    issued: date | None
    previous: Manifest | None
    started: datetime
    force: bool = False

    @property
    def data_files(self) -> list[str]:
        names = [FORMATS[fmt] for fmt in self.formats]
        return names + ([CONTEXT] if "jsonld" in self.formats else [])

    @property
    def names(self) -> list[str]:
        """Every file, in the order they are renamed into place: checksums last."""
        return [*self.data_files, *DESCRIPTIONS, MANIFEST, CHECKSUMS]

    @property
    def settings(self) -> dict[str, Any]:
        """What the description depends on besides the books (kept in the manifest)."""
        return {
            "base": self.minter.base,
            "formats": list(self.formats),
            "dataset": asdict(self.dataset),
        }


def write_release(
    books: Iterable[BookGraph],
    out: Path,
    formats: Sequence[str] = DEFAULT_FORMATS,
    on_book: Callable[[BookGraph], None] | None = None,
    *,
    minter: Minter | None = None,
    dataset: DatasetConfig | None = None,
    inputs: Sequence[Path] = (),
    issued: date | None = None,
    force: bool = False,
    clock: Callable[[], datetime] = release_clock,
) -> ReleaseSummary:
    """Write the release folder `out`: every book in each format, described and checksummed.

    `inputs` are the files the books came from (hashed for the provenance); `force` ignores the
    previous release and rewrites every file. The previous files stay until all succeeded.
    """
    return write_chunks(
        render_books(books, formats, on_book),
        out,
        formats,
        minter=minter,
        dataset=dataset,
        inputs=inputs,
        issued=issued,
        force=force,
        clock=clock,
    )


def render_books(
    books: Iterable[BookGraph],
    formats: Sequence[str],
    on_book: Callable[[BookGraph], None] | None = None,
) -> Iterator[RenderedChunk]:
    """Books rendered in chunks, in this process; `on_book` sees each once it is rendered."""
    for batch in batched(books):
        yield render_chunk(batch, formats)
        for book in batch:
            if on_book:
                on_book(book)


def write_chunks(
    chunks: Iterable[RenderedChunk],
    out: Path,
    formats: Sequence[str] = DEFAULT_FORMATS,
    *,
    minter: Minter | None = None,
    dataset: DatasetConfig | None = None,
    inputs: Sequence[Path] = (),
    issued: date | None = None,
    force: bool = False,
    clock: Callable[[], datetime] = release_clock,
) -> ReleaseSummary:
    """Write the release folder `out` from books already rendered in chunks (in order, by one
    process or many; see `write_release`)."""
    plan = _Plan(
        out=out,
        formats=tuple(dict.fromkeys(formats)),  # each format once, however often asked
        minter=minter or Minter(),
        dataset=dataset or DatasetConfig(),
        sources=[input_file(path) for path in inputs],
        issued=issued,
        previous=None if force else read_manifest(out),
        started=clock(),
        force=force,
    )
    summary = ReleaseSummary(out=out, previous=plan.previous is not None)
    keep: set[str] = set()
    try:
        with atomic_files(out, plan.names, keep, alone=True) as handles, void_counter() as counter:
            writer = _Writer(plan, handles, counter)
            for chunk in chunks:
                writer.add(chunk)
                summary.books += len(chunk.entries)
            writer.finish(keep, summary, clock)
    except OSError as err:
        raise OutputError(f"{out}: cannot write the release: {err.strerror or err}") from None
    summary.files = [out / name for name in plan.names if name not in keep]
    summary.kept = [out / name for name in plan.names if name in keep]
    if plan.previous is not None and not summary.unchanged:
        summary.dropped = drop_old_dumps(out, plan.previous, plan.names)
    return summary


class _Writer:
    """Writes one release into open temporary files."""

    def __init__(self, plan: _Plan, handles: dict[str, IO[bytes]], counter: VoidCounter) -> None:
        self.plan = plan
        self.handles = handles
        self.counter = counter
        self.dumps = [DumpWriter(fmt, handles[FORMATS[fmt]]) for fmt in plan.formats]
        self.digests: dict[str, Digest] = {}
        self.manifest_digest = Digest(handles[MANIFEST])
        self.manifest = ManifestWriter(self.manifest_digest, plan.previous)
        self.example: str | None = None

    def add(self, chunk: RenderedChunk) -> None:
        """Write some books to every dump; count them; note their hashes."""
        for dump in self.dumps:
            dump.write(chunk)
        self.counter.merge(chunk.counts)
        for entry in chunk.entries:
            self.manifest.add(entry)
        self.example = self.example or chunk.first_work

    def finish(
        self, keep: set[str], summary: ReleaseSummary, clock: Callable[[], datetime]
    ) -> None:
        """Close the dumps; then either keep the previous release whole or describe this one."""
        plan = self.plan
        for dump in self.dumps:
            dump.close()
            self.digests[FORMATS[dump.fmt]] = dump.digest
        if CONTEXT in plan.data_files:
            self._write(CONTEXT, resource_path("ontology/context.jsonld").read_bytes())
        changes = self.manifest.close_books()
        summary.added, summary.changed, summary.removed = (
            changes.added,
            changes.changed,
            changes.removed,
        )
        if not plan.force:
            keep.update(
                name for name in plan.data_files if _same(plan.out / name, self.digests[name])
            )
        counts = self.counter.counts()
        summary.triples = counts.triples
        previous = plan.previous
        issued = plan.issued.isoformat() if plan.issued else previous.issued if previous else None
        if (
            previous is not None
            and not changes.any
            and keep.issuperset(plan.data_files)
            and previous.settings == plan.settings
            and issued == previous.issued
            and all((plan.out / name).is_file() for name in plan.names)
            and self._intact(previous)
        ):
            keep.update(plan.names)
            summary.unchanged = True
            return
        ended = clock()
        issued = issued or plan.started.date().isoformat()
        facts = ReleaseFacts(
            base=plan.minter.base,
            dataset=plan.dataset,
            counts=counts,
            dumps=[_dump_file(fmt, self.digests[FORMATS[fmt]]) for fmt in plan.formats],
            inputs=plan.sources,
            example=self.example,
            issued=date.fromisoformat(issued),
            started=plan.started,
            ended=ended,
            version=__version__,
        )
        description = describe_release(facts)
        for name, write in (("dataset.ttl", write_turtle), ("dataset.jsonld", write_jsonld)):
            self.digests[name] = Digest(self.handles[name])
            write(description, describe_inputs(facts), self.digests[name])
        sums = {name: digest.sha256 for name, digest in self.digests.items()}
        self.manifest.finish(
            files=sums,
            issued=issued,
            modified=ended.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            settings=plan.settings,
            version=__version__,
        )
        sums[MANIFEST] = self.manifest_digest.sha256
        self.handles[CHECKSUMS].write(render_checksums(sums))

    def _intact(self, previous: Manifest) -> bool:
        """Whether the release on disk is the one its manifest and SHA256SUMS describe: a
        description, manifest or checksum file damaged since is then written again."""
        out = self.plan.out
        listed = dict(previous.files)
        if set(listed) != set(self.plan.names) - {MANIFEST, CHECKSUMS}:
            return False
        for name, sha256 in listed.items():
            # the dumps kept were just compared byte for byte with what this run wrote
            found = self.digests[name].sha256 if name in self.plan.data_files else None
            if (found or sha256_file(out / name)) != sha256:
                return False
        listed[MANIFEST] = sha256_file(out / MANIFEST)
        return (out / CHECKSUMS).read_bytes() == render_checksums(listed)

    def _write(self, name: str, body: bytes) -> None:
        self.digests[name] = Digest(self.handles[name])
        self.digests[name].write(body)


def _same(path: Path, digest: Digest) -> bool:
    """Whether the file already there holds exactly the bytes just written."""
    try:
        return path.stat().st_size == digest.size and sha256_file(path) == digest.sha256
    except FileNotFoundError:
        return False


def _dump_file(fmt: str, digest: Digest) -> DumpFile:
    return DumpFile(
        name=FORMATS[fmt],
        media_type=MEDIA_TYPES[fmt],
        size=digest.size,
        sha256=digest.sha256,
        compression="application/gzip" if fmt.endswith(".gz") else None,
    )


def drop_old_dumps(out: Path, previous: Manifest, names: Iterable[str]) -> list[Path]:
    """Remove dumps the previous release listed that this one no longer writes (the JSON-LD
    context with the JSON-LD dump), and the parts of a previous release made on a cluster."""
    dropped = []
    for name in previous.files:
        # read_manifest refuses names outside the release folder and its parts/ folder
        dump = name in (*FORMATS.values(), PARTS_LIST, CONTEXT) or name.startswith(f"{PARTS}/")
        if dump and name not in names:
            (out / name).unlink(missing_ok=True)
            dropped.append(out / name)
    with suppress(OSError):  # kept when something else is in it
        (out / PARTS).rmdir()
    return dropped
