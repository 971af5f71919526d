"""The client's side of a distributed publish: plan the partitions, run them, check what came
back, count the whole, and write the release folder around the parts — all or nothing."""

from __future__ import annotations

import json
import os
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from functools import reduce
from itertools import chain, repeat
from pathlib import Path
from typing import IO, Any

from bookrdf import __version__
from bookrdf.config import DatasetConfig
from bookrdf.distributed.cluster import connect, worker_threads
from bookrdf.distributed.partitions import Partition, plan_partitions
from bookrdf.distributed.worker import (
    PartFile,
    PartResult,
    Settings,
    count_shared,
    publish_partition,
)
from bookrdf.errors import OutputError, Problem, RecordErrors, ValidationFailed
from bookrdf.pipeline import Warn, input_files
from bookrdf.pipeline.claims import RunClaims
from bookrdf.publish import ReleaseSummary, atomic_files
from bookrdf.publish.files import Digest, missing_folders, remove_empty
from bookrdf.publish.folder import drop_old_dumps
from bookrdf.release import (
    CHECKSUMS,
    MANIFEST,
    BookEntry,
    Changes,
    Counts,
    DumpFile,
    InputFile,
    Manifest,
    PropertyCount,
    ReleaseFacts,
    describe_inputs,
    describe_release,
    read_manifest,
    release_clock,
)
from bookrdf.release.describe import input_file
from bookrdf.release.manifest import PARTS, PARTS_LIST, ManifestWriter, render_checksums
from bookrdf.release.rdf import write_jsonld, write_turtle
from bookrdf.validation import BookReport, ReportSink, ReportTally, load_shapes, summary
from bookrdf.vocab import Minter

DESCRIPTIONS = ("dataset.ttl", "dataset.jsonld")
MAX_BUCKETS = 64  # counting tasks for the shared triples
_NO_RESULTS = BookReport(None, None, ())


def publish(
    paths: Sequence[Path],
    out: Path,
    *,
    scheduler: str | None = None,
    partitions: int | None = None,
    minter: Minter | None = None,
    validate: bool = True,
    shapes: Path | None = None,
    warn: Warn | None = None,
    reports: ReportSink | None = None,
    dataset: DatasetConfig | None = None,
    issued: date | None = None,
    force: bool = False,
    clock: Callable[[], datetime] = release_clock,
) -> ReleaseSummary:
    """Publish `paths` into `out` on a Dask cluster: gzipped N-Triples and N-Quads parts, one
    per partition, under `out/parts/`, described as one dataset.

    `scheduler` is the address of a running scheduler (None: start a LocalCluster); `out`, the
    inputs and `shapes` must be on storage every worker sees. `partitions` defaults to twice
    the cluster's threads. As `bookrdf.pipeline.publish`: when a record is bad (RecordErrors)
    or a book breaks the shapes (ValidationFailed) nothing is renamed into place. `reports`
    gets the reports that say something; when the run fails, also one empty report for each
    other book checked, so that `summary(reports)` counts every book. ValidationFailed carries
    the reports that say something.
    """
    minter = minter or Minter()
    files = input_files(paths)
    if validate:
        load_shapes(shapes)  # unusable shapes: one error line before any cluster work
    previous = None if force else read_manifest(out)
    started = clock()
    with connect(scheduler) as client, _workspace(out) as (folder, run):
        plan = plan_partitions(files, partitions or 2 * worker_threads(client), Path.cwd())
        settings = Settings(
            folder=str(folder),
            run=run,
            base=minter.base,
            validate=validate,
            shapes=str(shapes.absolute()) if shapes else None,
            buckets=min(len(plan), MAX_BUCKETS),
        )
        futures = client.map(publish_partition, plan, settings=settings, pure=False)
        sources = [input_file(path) for path in files]  # hashed while the workers work
        results: list[PartResult] = client.gather(futures)  # type: ignore[no-untyped-call]
        _check(results, plan, settings, warn, reports)
        shared = client.map(
            count_shared, range(settings.buckets), partitions=len(plan), settings=settings
        )
        buckets: list[Counts] = client.gather(shared)  # type: ignore[no-untyped-call]
        counts = reduce(_add, buckets, reduce(_add, (r.counts for r in results)))
        release = _Release(
            out=out,
            settings=settings,
            results=results,
            counts=counts,
            sources=sources,
            minter=minter,
            dataset=dataset or DatasetConfig(),
            previous=previous,
            started=started,
        )
        return release.write(issued, clock)


@contextmanager
def _workspace(out: Path) -> Iterator[tuple[Path, str]]:
    """The parts folder and a name for this run's temporary files, which are removed
    afterwards; so are the folders made here, when the run left them empty."""
    folder = (out / PARTS).absolute()
    made = missing_folders(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"{out}: cannot create the output folder: {err.strerror}") from None
    for stale in folder.glob(".part-*.tmp"):  # left by a killed run
        stale.unlink(missing_ok=True)
    run = uuid.uuid4().hex[:12]
    try:
        yield folder, run
    finally:
        for temp in folder.glob(f".*.{run}.tmp"):
            temp.unlink(missing_ok=True)
        remove_empty(made)


def _check(
    results: Sequence[PartResult],
    plan: Sequence[Partition],
    settings: Settings,
    warn: Warn | None,
    reports: ReportSink | None,
) -> None:
    """Raise RecordErrors for bad records and repeated ids, else ValidationFailed when a book
    broke the shapes, as a local run would; pass on the importers' warnings."""
    for result in results:
        for problem in result.warnings:
            if warn:
                warn(problem)
    missing = [p.name for p in plan if not settings.index(p.number).exists()]
    if missing:
        raise OutputError(
            f"{settings.folder}: the workers' files for {missing[0]} are not there; the output "
            "folder must be on storage every worker and the client share"
        )
    problems = [problem for result in results for problem in result.problems]
    problems += _repeated_ids(plan, settings)
    if problems:
        raise RecordErrors(problems)
    found = [report for result in results for report in result.reports]
    failed = any(result.failed for result in results)
    # the summary counts every book checked, as a local run's does
    quiet = sum(result.checked for result in results) - len(found)
    if reports is not None:
        reports.extend(found)
        if failed:
            reports.extend(repeat(_NO_RESULTS, quiet))
    if failed:
        counted = ReportTally.of(chain(found, repeat(_NO_RESULTS, quiet)))
        raise ValidationFailed(found, f"the data does not conform: {summary(counted)}")


def _index(partitions: Iterable[int], settings: Settings) -> Iterator[dict[str, Any]]:
    """Every book the workers read, in input order."""
    for number in partitions:
        with settings.index(number).open("rb") as lines:
            for line in lines:
                entry: dict[str, Any] = json.loads(line)
                yield entry


def _repeated_ids(plan: Sequence[Partition], settings: Settings) -> list[Problem]:
    """A problem for each book whose id, or one of whose ISBNs, an earlier book has (the
    checks a local run makes)."""
    with closing(RunClaims()) as claims:
        for entry in _index((p.number for p in plan), settings):
            isbns = [(isbn, line) for isbn, line in entry["isbns"]]
            claims.add_book(entry["id"], entry["source"], entry["line"] or 0, isbns)
        return claims.repeated()


def _add(a: Counts, b: Counts) -> Counts:
    """The counts of two sets of triples with no subject in common."""
    classes = Counter(a.classes)
    classes.update(b.classes)
    properties = dict(a.properties)
    for prop, count in b.properties.items():
        have = properties.get(prop, PropertyCount(0, 0))
        properties[prop] = PropertyCount(
            have.triples + count.triples, have.subjects + count.subjects
        )
    return Counts(
        triples=a.triples + b.triples,
        subjects=a.subjects + b.subjects,
        entities=a.entities + b.entities,
        classes=dict(sorted(classes.items())),
        properties=dict(sorted(properties.items())),
    )


def _dump_file(file: PartFile) -> DumpFile:
    return DumpFile(
        name=Path(file.name).name,
        media_type=file.media_type,
        size=file.size,
        sha256=file.sha256,
        compression="application/gzip",
    )


@dataclass(frozen=True)
class _Release:
    """The release folder around checked parts: description, parts list, manifest, checksums."""

    out: Path
    settings: Settings
    results: Sequence[PartResult]
    counts: Counts
    sources: Sequence[InputFile]
    minter: Minter
    dataset: DatasetConfig
    previous: Manifest | None
    started: datetime

    def write(self, issued: date | None, clock: Callable[[], datetime]) -> ReleaseSummary:
        """Write the files around the parts, then rename everything into place."""
        ended = clock()
        if issued is None:
            issued = (
                date.fromisoformat(self.previous.issued) if self.previous else self.started.date()
            )
        facts = ReleaseFacts(
            base=self.minter.base,
            # the parts are downloaded from parts/ beside the description
            dataset=replace(
                self.dataset,
                download_base=f"{self.dataset.download_base or self.minter.base}{PARTS}/",
            ),
            counts=self.counts,
            dumps=[_dump_file(file) for result in self.results for file in result.files],
            inputs=self.sources,
            example=next((r.example for r in self.results if r.example), None),
            issued=issued,
            started=self.started,
            ended=ended,
            version=__version__,
        )
        names = [*DESCRIPTIONS, PARTS_LIST, MANIFEST, CHECKSUMS]
        summary = ReleaseSummary(
            out=self.out,
            books=sum(result.books for result in self.results),
            triples=self.counts.triples,
            previous=self.previous is not None,
        )
        try:
            with atomic_files(self.out, names, alone=True) as handles:
                sums = {file.name: file.sha256 for r in self.results for file in r.files}
                description = describe_release(facts)
                for name, write in (
                    ("dataset.ttl", write_turtle),
                    ("dataset.jsonld", write_jsonld),
                ):
                    digest = Digest(handles[name])
                    write(description, describe_inputs(facts), digest)
                    sums[name] = digest.sha256
                sums[PARTS_LIST] = self._write_parts(handles[PARTS_LIST])
                changes, sums[MANIFEST] = self._write_manifest(handles[MANIFEST], sums, facts)
                handles[CHECKSUMS].write(render_checksums(sums))
                # last: the parts go into place just before the files that describe them
                for result in self.results:
                    for file in result.files:
                        os.replace(self.settings.temp(Path(file.name).name), self.out / file.name)
        except OSError as err:
            raise OutputError(
                f"{self.out}: cannot write the release: {err.strerror or err}"
            ) from None
        summary.added, summary.changed, summary.removed = (
            changes.added,
            changes.changed,
            changes.removed,
        )
        written = [file.name for result in self.results for file in result.files]
        summary.files = [self.out / name for name in [*written, *names]]
        if self.previous is not None:
            summary.dropped = drop_old_dumps(self.out, self.previous, {*written, *names})
        return summary

    def _write_manifest(
        self, handle: IO[bytes], sums: dict[str, str], facts: ReleaseFacts
    ) -> tuple[Changes, str]:
        """manifest.json, each book as the workers indexed it; the changes since the previous
        release and the manifest's SHA-256."""
        digest = Digest(handle)
        manifest = ManifestWriter(digest, self.previous)
        for entry in _index((result.number for result in self.results), self.settings):
            manifest.add(BookEntry(entry["id"], entry["graph"], entry["sha256"], entry["triples"]))
        changes = manifest.close_books()
        manifest.finish(
            files=sums,
            issued=facts.issued.isoformat(),
            modified=facts.ended.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            settings=self._settings,
            version=__version__,
        )
        return changes, digest.sha256

    @property
    def _settings(self) -> dict[str, Any]:
        return {
            "base": self.minter.base,
            "formats": [f"{PARTS}/*.nt.gz", f"{PARTS}/*.nq.gz"],
            "dataset": asdict(self.dataset),
        }

    def _write_parts(self, handle: IO[bytes]) -> str:
        """parts.json: each part with its books, N-Triples lines and files (size, SHA-256)."""
        document = {
            "bookrdf": __version__,
            "books": sum(result.books for result in self.results),
            "triples": sum(result.triples for result in self.results),
            "parts": [
                {
                    "name": f"part-{result.number:05d}",
                    "books": result.books,
                    "triples": result.triples,
                    "files": [asdict(file) for file in result.files],
                }
                for result in self.results
            ],
        }
        digest = Digest(handle)
        digest.write(json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8") + b"\n")
        return digest.sha256
