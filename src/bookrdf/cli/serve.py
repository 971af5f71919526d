"""`bookrdf site` and `bookrdf serve`: the Linked Data site and the HTTP server."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

import click

from bookrdf.cli import (
    PathArg,
    _minter,
    _print_report,
    _progress,
    _warn,
    base_option,
    cli,
    stderr,
    validate_option,
)
from bookrdf.errors import ValidationFailed
from bookrdf.pipeline import read_books, validated
from bookrdf.site import write_site
from bookrdf.site.write import DEFAULT_TITLE
from bookrdf.validation import ReportTally, load_shapes, new_validator

title_option = click.option(
    "--title", default=DEFAULT_TITLE, show_default=True, help="The dataset's title on its pages."
)


@cli.command(name="site")
@click.argument("inputs", nargs=-1, required=True, type=PathArg(path_type=Path))
@click.option(
    "-o",
    "--out",
    type=PathArg(file_okay=False, path_type=Path),
    required=True,
    help="Site folder (a release folder is fine: the site goes beside the dumps).",
)
@validate_option
@title_option
@base_option
@click.pass_context
def site_(
    ctx: click.Context,
    inputs: Sequence[Path],
    out: Path,
    validate: bool,
    title: str,
    base: str | None,
) -> None:
    """Write the Linked Data site: per book and chapter Turtle, JSON-LD, N-Triples and HTML.

    Also an index and a dataset page, `.htaccess` (Apache) and `bookrdf-nginx.conf` for
    content negotiation on a static server. Files go into place only when all are written.

    In Python: bookrdf.site.write_site(books, out, minter=minter).
    """
    minter = _minter(ctx, base)
    validator = new_validator(load_shapes(None), minter) if validate else None
    reports = ReportTally()
    try:
        with _progress("writing the site") as advance:
            graphs = validated(read_books(list(inputs), _warn), minter, validator, reports)
            summary = write_site(graphs, out, minter=minter, dataset_title=title, on_book=advance)
    except ValidationFailed:
        _print_report(reports, stderr)
        raise
    stderr.print(
        f"wrote the site of {summary.books} books and {summary.chapters} chapters "
        f"({summary.files} files) to {summary.out}",
        markup=False,
    )


@cli.command(name="serve")
@click.option(
    "--store",
    "store_path",
    type=PathArg(file_okay=False, path_type=Path),
    help="Embedded store folder (default: .bookrdf/store, or `store` in bookrdf.toml).",
)
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback)."
)
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
@click.option(
    "--dumps",
    type=PathArg(exists=True, file_okay=False, path_type=Path),
    help="A release folder whose dumps are served under /dumps/.",
)
@click.option(
    "--query-timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds a SPARQL query may run before it is stopped (503).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="SPARQL worker processes.",
)
@title_option
@base_option
@click.pass_context
def serve_(
    ctx: click.Context,
    store_path: Path | None,
    host: str,
    port: int,
    dumps: Path | None,
    query_timeout: float,
    workers: int,
    title: str,
    base: str | None,
) -> None:
    """Serve the store over HTTP: books' IRIs with content negotiation, /sparql, a search page.

    The store is opened read-only, so `bookrdf load` can still write to it; the server
    follows its changes.

    In Python: uvicorn.run(bookrdf.serve.create_app(Settings(store, minter))).
    """
    # imported here: the web stack takes a quarter of a second to import, for this command only
    import uvicorn

    from bookrdf.serve import Settings, create_app, listen

    minter = _minter(ctx, base)
    settings = Settings(
        store=store_path or Path(ctx.obj.store),
        minter=minter,
        title=title,
        dumps=dumps,
        query_timeout=query_timeout,
        workers=workers,
    )
    app = create_app(settings)
    sock = listen(host, port)  # before saying where it serves: a port in use is one line
    port = sock.getsockname()[1]
    path = urlsplit(minter.base).path
    authority = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    stderr.print(
        f"serving {settings.store} (read-only) at http://{authority}{path} — Ctrl-C stops",
        markup=False,
        soft_wrap=True,
    )
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", server_header=False))
    server.run(sockets=[sock])
