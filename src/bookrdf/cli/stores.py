"""`bookrdf load` and `bookrdf query`: the store and SPARQL commands."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import click

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
    write_stdout,
)
from bookrdf.errors import ValidationFailed
from bookrdf.parallel import default_jobs
from bookrdf.pipeline import is_rdf_file, load
from bookrdf.query import (
    GRAPH_FORMATS,
    RESULTS_FORMATS,
    bind_params,
    decode_query,
    list_named_queries,
    named_query,
    parse_param,
    render,
    run_query,
)
from bookrdf.store import Client, RemoteStore, Target, memory_store, open_store
from bookrdf.validation import ReportTally
from bookrdf.vocab import Minter

endpoint_option = click.option(
    "--endpoint", metavar="URL", help="A SPARQL 1.1 server's query endpoint instead of the store."
)
verbose_option = click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Log each HTTP request to stderr: method, URL, status and time (never credentials).",
)


@contextmanager
def _requests_logged(verbose: bool) -> Iterator[None]:
    """With --verbose, each HTTP request the store client makes, as a line on stderr."""
    if not verbose:
        yield
        return
    logger = logging.getLogger("bookrdf.store.http")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("HTTP %(message)s"))
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _remote(
    endpoint: str, gsp: str | None, update: str | None, method: str, timeout: float, retries: int
) -> RemoteStore:
    client = Client(timeout=timeout, retries=retries)
    return RemoteStore(
        endpoint, gsp_endpoint=gsp, update_endpoint=update, method=method, client=client
    )


timeout_option = click.option(
    "--timeout",
    type=float,
    default=30.0,
    show_default=True,
    help="Seconds for each HTTP request to a server, its answer included.",
)
retries_option = click.option(
    "--retries",
    type=int,
    default=3,
    show_default=True,
    help="Retries on connection errors, 5xx and 429 (after a Retry-After up to 120 s).",
)


@cli.command(name="load")
@click.argument("inputs", nargs=-1, required=True, type=PathArg(path_type=Path))
@click.option(
    "--store",
    "store_path",
    type=PathArg(file_okay=False, path_type=Path),
    help="Embedded store folder (default: .bookrdf/store, or `store` in bookrdf.toml).",
)
@endpoint_option
@click.option(
    "--gsp-endpoint", metavar="URL", help="Graph Store Protocol endpoint, when it differs."
)
@click.option("--update-endpoint", metavar="URL", help="SPARQL Update endpoint, when it differs.")
@click.option(
    "--method",
    type=click.Choice(["gsp", "update"]),
    default="gsp",
    show_default=True,
    help="How to write to a remote server.",
)
@timeout_option
@retries_option
@validate_option
@shapes_option
@base_option
@jobs_option
@verbose_option
@click.pass_context
def load_(
    ctx: click.Context,
    inputs: Sequence[Path],
    store_path: Path | None,
    endpoint: str | None,
    gsp_endpoint: str | None,
    update_endpoint: str | None,
    method: str,
    timeout: float,
    retries: int,
    validate: bool,
    shapes: Path | None,
    base: str | None,
    jobs: int | None,
    verbose: bool,
) -> None:
    """Load records, MUSE pages or RDF files into a triple store, each book in its own graph.

    Loading a book replaces exactly its named graph; the run is all or nothing. Credentials for a
    remote server come from BOOKRDF_TOKEN, BOOKRDF_USER/BOOKRDF_PASSWORD or ~/.netrc.

    In Python: bookrdf.pipeline.load(paths, target).
    """
    if store_path and endpoint:
        raise click.UsageError("give --store or --endpoint, not both")
    minter = _minter(ctx, base)
    reports = ReportTally()
    try:
        with _progress("loading") as advance, ExitStack() as opened, _requests_logged(verbose):
            target: Target
            if endpoint:
                target = _remote(endpoint, gsp_endpoint, update_endpoint, method, timeout, retries)
            else:
                target = opened.enter_context(open_store(store_path or Path(ctx.obj.store)))
            summary = load(
                list(inputs),
                target,
                minter=minter,
                validate=validate,
                shapes=shapes,
                warn=_warn,
                progress=lambda count: advance(None, count),
                reports=reports,
                jobs=jobs or default_jobs(),
            )
    except ValidationFailed:
        _print_report(reports, stderr)
        raise
    # an RDF file's graphs are books only when it holds bookrdf's triples
    unit = "graph" if any(is_rdf_file(path) for path in inputs) else "book"
    stderr.print(
        f"loaded {_counted(summary.books, unit)} ({summary.unchanged} unchanged), "
        f"{_counted(summary.triples, 'triple')} in {summary.seconds:.1f} s",
        markup=False,
    )


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


@cli.command(name="query")
@click.argument("query", required=False)
@click.option("-e", "--sparql", help="The query text itself.")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a parameter (repeatable).",
)
@click.option(
    "--store",
    "store_path",
    type=PathArg(file_okay=False, path_type=Path),
    help="Embedded store folder (default: .bookrdf/store).",
)
@endpoint_option
@click.option(
    "--data",
    "data_files",
    multiple=True,
    type=PathArg(path_type=Path),
    help="Query these RDF files instead of a store (repeatable).",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(sorted(set(RESULTS_FORMATS) | set(GRAPH_FORMATS))),
    help="Output format (default: table; turtle for graphs).",
)
@click.option(
    "--list", "list_queries", is_flag=True, help="List the named queries and their parameters."
)
@timeout_option
@retries_option
@base_option
@verbose_option
@click.pass_context
def query_(
    ctx: click.Context,
    query: str | None,
    sparql: str | None,
    params: Sequence[str],
    store_path: Path | None,
    endpoint: str | None,
    data_files: Sequence[Path],
    fmt: str | None,
    list_queries: bool,
    timeout: float,
    retries: int,
    base: str | None,
    verbose: bool,
) -> None:
    """Run SPARQL: a named query (see --list), a .rq file, - for stdin, or -e 'TEXT'.

    In Python: bookrdf.query.run_query(text, target, params).
    """
    if list_queries:
        for named in list_named_queries():
            wanted = " ".join(f"-p {p.name}=<{p.kind}>" for p in named.params)
            click.echo(
                f"{named.name:22} {named.description}" + (f"\n{'':22} {wanted}" if wanted else "")
            )
        return
    minter = _minter(ctx, base)
    values = _param_values(params)
    text, source, terms = _query_text(query, sparql, values, minter)
    if endpoint:
        with _requests_logged(verbose):
            remote = _remote(endpoint, None, None, "gsp", timeout, retries)
            result = run_query(text, remote, terms, source=source)
    elif data_files:
        with memory_store(list(data_files), base=minter.base) as store:
            result = run_query(text, store, terms, source=source)
    else:
        with open_store(store_path or Path(ctx.obj.store), create=False) as store:
            result = run_query(text, store, terms, source=source)
    chosen = fmt or ("turtle" if result.kind == "graph" else "table")
    write_stdout(render(result, chosen))


def _param_values(params: Sequence[str]) -> dict[str, str]:
    """-p NAME=VALUE options as a dict; a name given twice is refused, not overwritten."""
    values: dict[str, str] = {}
    for param in params:
        name, value = _split_param(param)
        if name in values:
            raise click.UsageError(
                f"--param {name} is given twice ({values[name]!r} and {value!r}); "
                "a parameter takes one value: keep one of them"
            )
        values[name] = value
    return values


def _split_param(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise click.UsageError(f"--param {text!r}: write it as NAME=VALUE")
    return name, value


def _query_text(
    query: str | None, sparql: str | None, values: dict[str, str], minter: Minter
) -> tuple[str, str, dict[str, Any]]:
    if sparql is not None:
        return sparql, "query", {n: parse_param(v) for n, v in values.items()}
    if query is None:
        raise click.UsageError("give a named query, a .rq file, - or -e 'SPARQL'")
    if query == "-":
        text = decode_query(sys.stdin.buffer.read(), "<stdin>")
        return text, "<stdin>", {n: parse_param(v) for n, v in values.items()}
    path = Path(query)
    if path.suffix == ".rq" or path.exists():
        try:
            data = path.read_bytes()
        except OSError as err:
            raise click.UsageError(f"{path}: cannot read the query: {err.strerror}") from None
        text = decode_query(data, str(path))
        return text, str(path), {n: parse_param(v) for n, v in values.items()}
    named = named_query(query)
    return named.text, named.name, dict(bind_params(named, values, minter))
