"""Figures measured inside this process, without process start-up: map + serialise per format,
validation per book, and the latency of each named query on a store."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterable
from itertools import islice
from pathlib import Path
from typing import Any

import orjson

from benchmarks.measure import median, percentile
from bookrdf.collector import collector_paused
from bookrdf.generate import FAMILY
from bookrdf.mapping import map_book
from bookrdf.model import Book
from bookrdf.publish import DEFAULT_FORMATS, book_document
from bookrdf.publish.chunks import batched, render_chunk
from bookrdf.publish.formats import grouped
from bookrdf.query import bind_params, list_named_queries, run_query
from bookrdf.records import RecordLine, json_lines, parse_line, read_records
from bookrdf.rows import Subject
from bookrdf.store import open_store
from bookrdf.validation import Validator, load_shapes
from bookrdf.vocab import Minter

# Each step maps every book again, then renders it in these formats as publish does (chunks of
# CHUNK_BOOKS books, counted and hashed for the manifest and VoID); none: mapping alone.
STEPS: dict[str, tuple[str, ...]] = {
    "map": (),
    "nt": ("nt",),
    "ttl": ("ttl",),
    "jsonld": ("jsonld",),
    "nt.gz+ttl+jsonld": DEFAULT_FORMATS,
}


def read_some(path: Path, count: int) -> list[Book]:
    """The first `count` books of a catalogue, parsed (reading is not what is measured)."""
    return list(islice(read_records(path), count))


def measure_formats(path: Path, count: int, repeat: int) -> dict[str, Any]:
    """Triples per second of map_book + render_chunk (what publish runs), per format, on
    `count` books."""
    books = read_some(path, count)
    minter = Minter()
    # One untimed pass: warms up and counts the triples (one N-Triples line each).
    triples = sum(book_document(map_book(book, minter), "nt").count(b"\n") for book in books)
    out: dict[str, Any] = {"books": len(books), "triples": triples}

    def figure(seconds: list[float]) -> dict[str, Any]:
        return {
            "seconds": seconds,
            "median_s": median(seconds),
            "triples_per_s": triples / median(seconds),
            "ms_per_book": median(seconds) / len(books) * 1000,
        }

    if path.suffix == ".jsonl":
        lines = list(islice(json_lines(path), len(books)))
        out["read"] = figure([_read(lines) for _ in range(repeat)])
    for step, formats in STEPS.items():
        out[step] = figure([_map_and_write(books, minter, formats) for _ in range(repeat)])
    groups = [grouped(map_book(book, minter)) for book in books]
    out[FLOOR] = figure([_bare_loop(groups) for _ in range(repeat)])
    return out


FLOOR = "floor: bare loop, 3 formats"


def _read(lines: list[RecordLine]) -> float:
    """JSON Lines lines to checked books, as publish's workers parse them."""
    start = time.perf_counter()
    with collector_paused():
        for line in lines:
            parse_line(line)
    return time.perf_counter() - start


def _bare_loop(groups: list[dict[str, Subject]]) -> float:
    """Not bookrdf: the least Python can do to write N-Triples, Turtle and JSON-LD text of
    statements already mapped and grouped, in one pass. No reading, mapping, escaping, sorting,
    prefixes, nesting, hashing, counting or deflate, so its output is not valid RDF. What it
    costs is a floor for the throughput target (issue 6), which reading and mapping add to."""
    start = time.perf_counter()
    with collector_paused():
        for book in groups:
            _bare_book(book)
    return time.perf_counter() - start


def _bare_book(groups: dict[str, Subject]) -> tuple[bytes, bytes, bytes]:
    # plain loops: a comprehension is a function call of its own in Python 3.11
    lines: list[str] = []
    blocks: list[str] = []
    nodes: list[dict[str, Any]] = []
    add = lines.append
    for iri, node in groups.items():
        head = f"<{iri}> "
        tree: dict[str, Any] = {"id": iri, "type": node.types}
        statements = []
        for cls in node.types:
            add(f"{head}<{_RDF_TYPE}> <{cls}> .\n")
        for predicate, objects in node.values.items():
            start = f"{head}<{predicate}> "
            texts = []
            values = []
            for obj in objects:
                text = f"<{obj}>" if type(obj) is str else f'"{obj[0]}"'  # type: ignore[index]
                add(f"{start}{text} .\n")
                texts.append(text)
                values.append(obj if type(obj) is str else obj[0])  # type: ignore[index]
            statements.append(f"<{predicate}> " + ", ".join(texts))
            tree[predicate] = values
        blocks.append(head + " ;\n    ".join(statements) + " .\n")
        nodes.append(tree)
    return "".join(lines).encode(), "\n".join(blocks).encode(), orjson.dumps(nodes)


_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _map_and_write(books: Iterable[Book], minter: Minter, formats: tuple[str, ...]) -> float:
    start = time.perf_counter()
    for chunk in batched(books):
        with collector_paused():  # as publish's workers do (bookrdf.parallel)
            graphs = [map_book(book, minter) for book in chunk]
            if formats:
                render_chunk(graphs, formats)
    return time.perf_counter() - start


def measure_validation(path: Path, count: int, repeat: int) -> dict[str, Any]:
    """Milliseconds per book of validation as publish runs it, the shapes parsed once.

    `Validator.validate_books` (books in batches) when the Validator has it, else
    `validate_book` one by one. Books are mapped before the clock starts; one book is validated
    untimed first, since the first call prepares what every later call reuses.
    """
    books = read_some(path, count)
    minter = Minter()
    validator = Validator(load_shapes(), minter)
    validator.validate_book(map_book(books[0], minter), books[0])
    batched = getattr(validator, "validate_books", None)
    seconds = []
    results: dict[str, int] = {}
    for _ in range(repeat):
        pairs = [(map_book(book, minter), book) for book in books]
        start = time.perf_counter()
        if batched is not None:
            reports = list(batched(pairs))
        else:
            reports = [validator.validate_book(graph, book) for graph, book in pairs]
        seconds.append(time.perf_counter() - start)
    for report in reports:
        for result in report.results:
            results[result.severity] = results.get(result.severity, 0) + 1
    return {
        "books": len(books),
        "api": "validate_books" if batched is not None else "validate_book",
        "seconds": seconds,
        "ms_per_book": median(seconds) / len(books) * 1000,
        "results": results,
    }


def measure_queries(store_path: Path, catalogue: Path, samples: int) -> dict[str, Any]:
    """p50/p95 milliseconds of each named query, its parameters bound to sampled books/names.

    Parameters of kind `book` get a book id of the catalogue, `text` a family name; others are
    left unbound (every named query has them optional). The first run of each is a warm-up.
    """
    with catalogue.open("rb") as handle:
        ids = [json.loads(line)["id"] for line in islice(handle, 5000)]
    rng = random.Random(0)
    minter = Minter()
    out: dict[str, Any] = {"store": str(store_path), "samples": samples, "queries": {}}
    with open_store(store_path, create=False) as store:
        for named in list_named_queries():
            bound = [p for p in named.params if p.kind in {"book", "text"}]
            seconds: list[float] = []
            rows: list[int] = []
            for attempt in range(samples + 1):
                values = {
                    p.name: rng.choice(ids) if p.kind == "book" else rng.choice(FAMILY).lower()
                    for p in bound
                }
                terms = bind_params(named, values, minter)
                start = time.perf_counter()
                result = run_query(named.text, store, terms, source=named.name)
                elapsed = time.perf_counter() - start
                if attempt:
                    seconds.append(elapsed)
                    rows.append(len(result.rows()))
            out["queries"][named.name] = {
                "params": [p.name for p in bound],
                "p50_ms": percentile(seconds, 0.5) * 1000,
                "p95_ms": percentile(seconds, 0.95) * 1000,
                "rows_median": median(rows),
            }
    return out
