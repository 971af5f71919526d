"""`bookrdf publish` and `bookrdf validate`: the release folder and the shapes report."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from bookrdf.cli import (
    PathArg,
    _minter,
    _print_report,
    _progress,
    _warn,
    base_option,
    cli,
    jobs_option,
    shapes_option,
    stderr,
    validate_option,
)
from bookrdf.errors import ValidationFailed
from bookrdf.mapping import BookGraph
from bookrdf.parallel import default_jobs, fails
from bookrdf.pipeline import FAIL_ON, publish, validate
from bookrdf.publish import DEFAULT_FORMATS, FORMATS, ReleaseSummary
from bookrdf.site import SiteWriter
from bookrdf.validation import ReportTally, report_graph, report_json


@cli.command(name="publish")
@click.argument("inputs", nargs=-1, required=True, type=PathArg(path_type=Path))
@click.option(
    "-o",
    "--out",
    type=PathArg(file_okay=False, path_type=Path),
    required=True,
    help="Release folder.",
)
@click.option(
    "-f",
    "--format",
    "formats",
    type=click.Choice(list(FORMATS)),
    multiple=True,
    help=f"Formats to write (repeatable; default: {', '.join(DEFAULT_FORMATS)}).",
)
@validate_option
@shapes_option
@base_option
@click.option("--title", help="The dataset's title (default: [dataset] title in bookrdf.toml).")
@click.option(
    "--issued",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The release's issue date, YYYY-MM-DD (default: kept from the previous release, "
    "else today; SOURCE_DATE_EPOCH pins every timestamp).",
)
@click.option(
    "--force", is_flag=True, help="Ignore the previous release's manifest; rewrite every file."
)
@click.option(
    "--site",
    is_flag=True,
    help="Also write the Linked Data site (book pages per format, index, conneg config) to DIR.",
)
@jobs_option
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="dask: run on a Dask cluster, each worker writing gzipped N-Triples and N-Quads parts "
    "to DIR/parts (DIR must be on storage every worker sees; see docs/cluster.md).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="The Dask scheduler, e.g. tcp://host:8786. Without it, --executor dask starts a "
    "distributed.LocalCluster of one worker process per core.",
)
@click.option(
    "--partitions",
    type=click.IntRange(min=1),
    help="With --executor dask: cut the input into at most N partitions of about equal size "
    "(JSON Lines files in blocks of lines). Default: twice the cluster's threads.",
)
@click.pass_context
def publish_(
    ctx: click.Context,
    inputs: Sequence[Path],
    out: Path,
    formats: Sequence[str],
    validate: bool,
    shapes: Path | None,
    base: str | None,
    title: str | None,
    issued: datetime | None,
    force: bool,
    site: bool,
    jobs: int | None,
    executor: str,
    scheduler: str | None,
    partitions: int | None,
) -> None:
    """Publish records, folders of records or MUSE pages as a release: N-Triples (gzipped),
    Turtle and JSON-LD dumps, a VoID/DCAT description, a manifest and SHA256SUMS.

    Validates first: when a book breaks the shapes, nothing is written (the previous
    release stays as it was), the report goes to stderr and the exit code is 1. Publishing
    again into the same folder reports the books added, changed and removed, and rewrites
    nothing when nothing changed.

    With --executor dask the books are read, mapped, validated and written on a Dask
    cluster: the release holds gzipped N-Triples and N-Quads parts (parts/part-NNNNN.*.gz,
    listed in parts.json) instead of the dumps, and always rewrites them.

    In Python: bookrdf.pipeline.publish(paths, out), or with --executor dask
    bookrdf.distributed.publish(paths, out, scheduler=ADDRESS).
    """
    minter = _minter(ctx, base)
    dataset = ctx.obj.dataset if title is None else replace(ctx.obj.dataset, title=title)
    reports = ReportTally()
    if executor == "dask":
        if site or formats:
            raise click.UsageError("--site and --format go with --executor local only")
        if jobs is not None:  # a cluster runs a task on each of its workers' threads
            raise click.UsageError(
                "--jobs goes with --executor local only; a Dask cluster runs as many tasks at "
                "once as its workers have threads (--partitions sets how many tasks there are)"
            )
        _publish_on_dask(
            list(inputs),
            out,
            reports,
            scheduler=scheduler,
            partitions=partitions,
            minter=minter,
            validate=validate,
            shapes=shapes,
            dataset=dataset,
            issued=issued.date() if issued else None,
            force=force,
        )
        return
    if scheduler or partitions:
        raise click.UsageError("--scheduler and --partitions go with --executor dask")
    try:
        with _progress("publishing") as advance, ExitStack() as stack:
            on_book = None
            if site:
                pages = stack.enter_context(
                    SiteWriter(out, minter=minter, dataset_title=dataset.title)
                )

                def on_book(book: BookGraph) -> None:
                    advance(book)
                    pages.add(book)

            summary = publish(
                list(inputs),
                out,
                formats=formats or DEFAULT_FORMATS,
                minter=minter,
                validate=validate,
                shapes=shapes,
                warn=_warn,
                on_book=on_book,
                progress=lambda count: advance(None, count),
                reports=reports,
                dataset=dataset,
                issued=issued.date() if issued else None,
                force=force,
                jobs=jobs or default_jobs(),
            )
    except ValidationFailed:
        _print_report(reports, stderr)
        raise
    _print_published(summary, reports)


def _publish_on_dask(inputs: list[Path], out: Path, reports: ReportTally, **options: Any) -> None:
    """`publish --executor dask`: the library call, then the same report as a local run."""
    try:
        from bookrdf import distributed  # imported here: for --executor dask only

        summary = distributed.publish(inputs, out, warn=_warn, reports=reports, **options)
    except ValidationFailed:
        _print_report(reports, stderr)
        raise
    _print_published(summary, reports)


def _print_published(summary: ReleaseSummary, reports: ReportTally) -> None:
    """How many books and triples, the warnings in short, then the files."""
    if reports.noted_books:
        stderr.print(
            f"{sum(reports.counts.values())} warnings and hints in {reports.noted_books} books; "
            "run `bookrdf validate` to see them",
            markup=False,
        )
    stderr.print(f"published {summary.books} books, {summary.triples} triples:", markup=False)
    _print_release(summary)


def _print_release(summary: ReleaseSummary) -> None:
    """The books changed since the previous release, and the files written and kept."""
    if summary.unchanged:
        stderr.print("  unchanged since the previous release: no file rewritten", markup=False)
        return
    if summary.previous:
        for label, ids in (
            ("added", summary.added),
            ("changed", summary.changed),
            ("removed", summary.removed),
        ):
            shown = ", ".join(ids[:10]) + (f", … ({len(ids) - 10} more)" if len(ids) > 10 else "")
            stderr.print(f"  {label} {len(ids)}" + (f": {shown}" if ids else ""), markup=False)
    for path in summary.files:
        stderr.print(f"  {path}", markup=False)
    for path in summary.kept:
        stderr.print(f"  {path} (unchanged)", markup=False)
    for path in summary.dropped:
        stderr.print(f"  {path} (removed: format no longer written)", markup=False)


@cli.command(name="validate")
@click.argument("inputs", nargs=-1, required=True, type=PathArg(path_type=Path))
@shapes_option
@click.option(
    "--report",
    "report_format",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="text for people; json (documented schema); turtle (the sh:ValidationReport graph).",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default="violation",
    show_default=True,
    help="The lowest severity that makes the exit code 1.",
)
@base_option
@jobs_option
@click.pass_context
def validate_(
    ctx: click.Context,
    inputs: Sequence[Path],
    shapes: Path | None,
    report_format: str,
    fail_on: str,
    base: str | None,
    jobs: int | None,
) -> None:
    """Check records, MUSE pages or RDF files (ttl, jsonld, nt, nq) against the SHACL shapes.

    Exit 0 when nothing fails, 1 when a book breaks the shapes (or warns, with
    --fail-on warning), 2 when the input cannot be used.

    In Python: bookrdf.pipeline.validate(paths).
    """
    minter = _minter(ctx, base)
    with _progress("validating") as advance:
        reports, checked = validate(
            list(inputs),
            minter=minter,
            shapes=shapes,
            warn=_warn,
            progress=lambda count: advance(None, count),
            jobs=jobs or default_jobs(),
        )
    if report_format == "json":
        document = report_json(reports)
        document["books"] = checked
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    elif report_format == "turtle":
        sys.stdout.buffer.write(report_graph(reports).serialize(format="turtle", encoding="utf-8"))
    else:
        console = Console(highlight=False, soft_wrap=True)
        _print_report(reports, console)
    if any(fails(report, fail_on) for report in reports):
        ctx.exit(1)
