"""Validation milliseconds per book, three ways, on the synthetic catalogue (bookrdf.generate):

- batched: `Validator.validate_books`, books in batches (the engine, SPARQL on Oxigraph);
- old: `Validator(fast=False).validate_book`, plain pyshacl book by book (the old route);
- naive: `pyshacl.validate` over one rdflib graph holding every book.

    .venv/bin/python benchmarks/bench_validate.py                        # 100, 1000, 5000 books
    .venv/bin/python benchmarks/bench_validate.py --sizes 100 --batch-sizes 1 50 200 500

Books are generated and mapped as they are read (memory stays bounded); that time is measured
and left out. The old and naive routes take a second or so a book, so they run on a sample
(--slow-books). Wall time and CPU time are both printed: on a shared machine wall time
includes waiting for the CPU, CPU time does not. Each figure is the median of --repeat runs.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Iterator

import pyshacl
from rdflib import Graph

from bookrdf.generate import generate_records
from bookrdf.mapping import BookGraph, map_book
from bookrdf.model import Book
from bookrdf.records import parse_record
from bookrdf.validation import Validator, load_shapes
from bookrdf.validation.batch import BATCH_SIZE
from bookrdf.vocab import Minter

Item = tuple[BookGraph, Book | None]


class Clock:
    """Wall and CPU seconds, minus the time spent making books."""

    def __init__(self) -> None:
        self.making_wall = self.making_cpu = 0.0

    def books(self, count: int, minter: Minter, seed: int = 0) -> Iterator[Item]:
        """The catalogue's first `count` books, drawn and mapped one at a time (not counted)."""
        records = generate_records(count, seed)
        for _ in range(count):
            wall, cpu = time.perf_counter(), time.process_time()
            record = next(records)
            book = parse_record(record, f"{record['id']}.json")
            item = (map_book(book, minter), book)
            self.making_wall += time.perf_counter() - wall
            self.making_cpu += time.process_time() - cpu
            yield item

    def measure(self, run: Callable[[], object]) -> tuple[float, float]:
        self.making_wall = self.making_cpu = 0.0
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        return (
            time.perf_counter() - wall - self.making_wall,
            time.process_time() - cpu - self.making_cpu,
        )


def batched(validator: Validator, clock: Clock, size: int, batch: int) -> Callable[[], object]:
    minter = validator.minter
    return lambda: sum(1 for _ in validator.validate_books(clock.books(size, minter), batch))


def old(validator: Validator, clock: Clock, size: int) -> Callable[[], object]:
    minter = validator.minter
    return lambda: [validator.validate_book(g, b) for g, b in clock.books(size, minter)]


def naive(shapes: Graph, clock: Clock, size: int, minter: Minter) -> Callable[[], object]:
    def run() -> None:
        data = Graph()
        for graph, _book in clock.books(size, minter):
            for triple in graph.triples:
                data.add(triple)
        pyshacl.validate(data, shacl_graph=shapes, inference="none")

    return run


def median_ms(
    clock: Clock, run: Callable[[], object], books: int, repeat: int
) -> tuple[float, float]:
    """Median wall and CPU milliseconds per book over `repeat` runs."""
    runs = [clock.measure(run) for _ in range(repeat)]
    wall = statistics.median(r[0] for r in runs) / books * 1000
    cpu = statistics.median(r[1] for r in runs) / books * 1000
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[BATCH_SIZE])
    parser.add_argument("--slow-books", type=int, default=10, help="books for old and naive")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    minter = Minter()
    shapes = load_shapes()
    fast = Validator(shapes, minter)
    plain = Validator(shapes, minter, fast=False)
    clock = Clock()
    # warm-up: the engine compiles the shapes, pyshacl builds its caches
    clock.measure(batched(fast, clock, 5, 5))
    clock.measure(old(plain, clock, 1))
    print(f"{'books':>6} {'route':<16} {'wall ms/book':>13} {'cpu ms/book':>12} {'x faster':>9}")
    slow = min(args.slow_books, *args.sizes)
    baseline: dict[str, float] = {}
    for name, run in [
        ("naive", naive(shapes, clock, slow, minter)),
        ("old", old(plain, clock, slow)),
    ]:
        wall, cpu = median_ms(clock, run, slow, 1)
        baseline[name] = wall
        print(f"{slow:>6} {name:<16} {wall:>13.1f} {cpu:>12.1f} {'':>9}")
    for size in args.sizes:
        for batch in args.batch_sizes:
            run = batched(fast, clock, size, batch)
            wall, cpu = median_ms(clock, run, size, args.repeat)
            ratio = baseline["old"] / wall
            print(f"{size:>6} {f'batched {batch}':<16} {wall:>13.2f} {cpu:>12.2f} {ratio:>8.0f}x")


if __name__ == "__main__":
    main()
