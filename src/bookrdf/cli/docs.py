"""`bookrdf crosswalk` and `bookrdf schema`: the mapping and the record format, printed."""

from __future__ import annotations

import json

import click

from bookrdf.cli import cli
from bookrdf.crosswalk import CROSSWALK
from bookrdf.records import record_schema
from bookrdf.vocab import PREFIXES


@cli.command(name="crosswalk")
def crosswalk() -> None:
    """Print the crosswalk from record fields to RDF terms as a Markdown table."""
    click.echo(render_crosswalk())


def render_crosswalk() -> str:
    """The crosswalk as Markdown, with prefixed names."""
    lines = ["| record field | RDF terms | note |", "|---|---|---|"]
    for route in CROSSWALK.values():
        terms = ", ".join(f"`{_prefixed(str(p))}`" for p in route.predicates)
        lines.append(f"| `{route.field}` | {terms} | {route.note} |")
    return "\n".join(lines)


def _prefixed(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


@cli.command(name="schema")
def schema() -> None:
    """Print the JSON Schema of a bookrdf record."""
    click.echo(json.dumps(record_schema(), indent=2))
