"""The baseline: what a competent user would write with the same libraries, without bookrdf's
pipeline. Read the records, put every book's triples into ONE rdflib Graph, serialise it as
Turtle and JSON-LD with rdflib, and validate the whole graph with pyshacl against shapes/.

    python benchmarks/naive.py books.jsonl --out DIR     # prints its timings as JSON

The triples are bookrdf's own (bookrdf.mapping.map_book), so the comparison measures what the
pipeline adds: streaming writers and book-by-book validation against rdflib's serialisers and
one whole-graph pyshacl run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from pyshacl import validate
from rdflib import Graph
from rdflib.namespace import SH

from bookrdf.mapping import map_book
from bookrdf.records import read_records
from bookrdf.vocab import PREFIXES

SHAPES = Path(__file__).resolve().parent.parent / "shapes"


def main() -> None:
    parser = argparse.ArgumentParser(description="The naive baseline: one rdflib Graph.")
    parser.add_argument("records", type=Path, help="a JSON Lines file of bookrdf records")
    parser.add_argument("--out", type=Path, required=True, help="folder for books.ttl/.jsonld")
    parser.add_argument("--no-validate", action="store_true", help="skip pyshacl")
    args = parser.parse_args()
    seconds: dict[str, float] = {}

    start = time.perf_counter()
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    books = 0
    for book in read_records(args.records):
        for triple in map_book(book).triples:
            graph.add(triple)
        books += 1
    seconds["read_map"] = time.perf_counter() - start

    args.out.mkdir(parents=True, exist_ok=True)
    for name, fmt in (("turtle", "turtle"), ("jsonld", "json-ld")):
        start = time.perf_counter()
        graph.serialize(args.out / f"books.{'ttl' if name == 'turtle' else 'jsonld'}", format=fmt)
        seconds[name] = time.perf_counter() - start

    results: dict[str, int] = {}
    if not args.no_validate:
        start = time.perf_counter()
        shapes = Graph()
        for path in sorted(SHAPES.glob("*.ttl")):
            shapes.parse(path, format="turtle")
        _conforms, report, _text = validate(graph, shacl_graph=shapes, inference="none")
        seconds["validate"] = time.perf_counter() - start
        # pyshacl's `conforms` is False on warnings too: count the results by severity instead.
        for severity in report.objects(None, SH.resultSeverity):
            name = str(severity).removeprefix(str(SH)).lower()
            results[name] = results.get(name, 0) + 1

    summary = {"books": books, "triples": len(graph), "results": results, "seconds": seconds}
    json.dump(summary, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
