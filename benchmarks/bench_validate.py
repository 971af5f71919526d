"""Validation cost per book: bookrdf (book by book, shapes parsed once) against the naive way
(pyshacl over one rdflib graph holding every book), measured in the same run.

    make bench            # or: .venv/bin/python benchmarks/bench_validate.py --sizes 1 10 100

Figures are per-book seconds and the ratio naive / bookrdf; the machine is shared and noisy, so
compare ratios, not absolute times.
"""

from __future__ import annotations

import argparse
import copy
import time
from pathlib import Path
from typing import Any

import yaml
from pyshacl import validate as pyshacl_validate
from rdflib import Graph

from bookrdf.mapping import map_book
from bookrdf.records import parse_record
from bookrdf.validation import Validator, load_shapes
from bookrdf.vocab import Minter

SEED = Path(__file__).parent.parent / "tests" / "fixtures" / "records" / "crisis.yaml"


def catalogue(size: int) -> list[Any]:
    """`size` copies of the seed book, each with its own id."""
    record = yaml.safe_load(SEED.read_text("utf-8"))
    books = []
    for n in range(size):
        copy_of = copy.deepcopy(record)
        copy_of["id"] = f"book-{n}"
        books.append(parse_record(copy_of, f"book-{n}"))
    return books


def bookrdf_seconds(books: list[Any], validator: Validator, minter: Minter) -> float:
    start = time.perf_counter()
    for book in books:
        validator.validate_book(map_book(book, minter), book)
    return time.perf_counter() - start


def naive_seconds(books: list[Any], shapes: Graph, minter: Minter) -> float:
    start = time.perf_counter()
    data = Graph()
    for book in books:
        for triple in map_book(book, minter).triples:
            data.add(triple)
    pyshacl_validate(data, shacl_graph=shapes, inference="none")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100, 300])
    parser.add_argument("--naive-up-to", type=int, default=10, help="skip the naive way above this")
    args = parser.parse_args()
    minter = Minter()
    shapes = load_shapes()
    validator = Validator(shapes, minter)
    bookrdf_seconds(catalogue(1), validator, minter)  # warm-up: imports, query preparation
    print(f"{'books':>6} {'bookrdf s/book':>15} {'naive s/book':>13} {'naive/bookrdf':>14}")
    for size in args.sizes:
        books = catalogue(size)
        ours = bookrdf_seconds(books, validator, minter) / size
        if size <= args.naive_up_to:
            naive = naive_seconds(books, shapes, minter) / size
            print(f"{size:>6} {ours:>15.3f} {naive:>13.3f} {naive / ours:>13.1f}x")
        else:
            print(f"{size:>6} {ours:>15.3f} {'(skipped)':>13} {'':>14}")


if __name__ == "__main__":
    main()
