"""bookrdf against the naive way, on one machine in one run (`make bench`; docs/benchmarks.md).

    python -m benchmarks.run                            # 1,000 and 10,000 books, 3 runs each
    python -m benchmarks.run --sizes 1000 10000 100000  # the memory target needs 100,000
    python -m benchmarks.run --quick                    # 200 books, one run: the harness works

Every figure is the median of --repeat runs measured here, now; ratios compare runs of the
same session. Prints a table and writes benchmarks/results/DATE-HOST.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import bookrdf.generate
from benchmarks.inprocess import measure_formats, measure_queries, measure_validation
from benchmarks.measure import Run, TimedOut, machine, median, run_process
from benchmarks.report import print_report, targets
from bookrdf.generate import write_catalogue

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
NAIVE = ROOT / "benchmarks" / "naive.py"


@dataclass(frozen=True)
class Settings:
    sizes: tuple[int, ...]
    repeat: int
    baseline_books: int
    validation_books: int
    format_books: int
    query_samples: int
    seed: int
    cache: Path
    max_run_seconds: float
    repeat_up_to: float
    timeout: float
    quick: bool
    output: Path


def parse_args(argv: Sequence[str] | None = None) -> Settings:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("--sizes", type=int, nargs="+", help="catalogue sizes (1000 10000)")
    parser.add_argument("--repeat", type=int, help="runs per figure; the median is kept (3)")
    parser.add_argument("--quick", action="store_true", help="200 books, 1 run, small samples")
    parser.add_argument("--baseline-books", type=int, help="books for the naive baseline (100)")
    parser.add_argument("--validation-books", type=int, help="books validated in-process (100)")
    parser.add_argument("--format-books", type=int, help="books mapped per format (1000)")
    parser.add_argument("--query-samples", type=int, help="runs of each named query (20)")
    parser.add_argument("--seed", type=int, default=1, help="the catalogue seed (1)")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "bookrdf-bench",
        help="where catalogues are kept between runs, and runs write (TMPDIR/bookrdf-bench)",
    )
    parser.add_argument(
        "--max-run-seconds",
        type=float,
        default=600,
        help="skip a publish with validation estimated to take longer (600)",
    )
    parser.add_argument(
        "--repeat-up-to",
        type=float,
        default=120,
        help="run once what takes longer: its noise is small against its length (120 s)",
    )
    parser.add_argument("--timeout", type=float, default=1800, help="kill a run after (1800 s)")
    parser.add_argument("--output", type=Path, help="results file (results/DATE-HOST.json)")
    args = parser.parse_args(argv)
    quick = bool(args.quick)
    repeat = args.repeat or (1 if quick else 3)
    if repeat < 1 or any(size < 1 for size in args.sizes or []):
        parser.error("--repeat and --sizes must be 1 or more")
    date = datetime.now(UTC).strftime("%Y-%m-%d")
    name = f"{date}-{socket.gethostname()}{'-quick' if quick else ''}.json"
    return Settings(
        sizes=tuple(sorted(set(args.sizes or ([200] if quick else [1000, 10000])))),
        repeat=repeat,
        baseline_books=args.baseline_books or (10 if quick else 100),
        validation_books=args.validation_books or (10 if quick else 100),
        format_books=args.format_books or (200 if quick else 1000),
        query_samples=args.query_samples or (5 if quick else 20),
        seed=args.seed,
        cache=args.cache,
        max_run_seconds=args.max_run_seconds,
        repeat_up_to=args.repeat_up_to,
        timeout=args.timeout,
        quick=quick,
        output=args.output or RESULTS / name,
    )


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class Bench:
    """One session: catalogues, runs and their figures in `results`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.bookrdf = str(Path(sys.executable).parent / "bookrdf")
        settings.cache.mkdir(parents=True, exist_ok=True)
        self.work = Path(tempfile.mkdtemp(prefix="runs-", dir=settings.cache))
        self.has_jobs = "--jobs" in run_process([self.bookrdf, "publish", "--help"], 60).stdout
        self.results: dict[str, Any] = {
            "schema": 1,
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "settings": {
                key: str(value) if isinstance(value, Path) else value
                for key, value in vars(settings).items()
            },
            "publish_has_jobs": self.has_jobs,
            "catalogues": {},
            "publish": [],
            "load": [],
        }

    def catalogue(self, books: int) -> Path:
        """The cached catalogue of `books` books (generated once per seed and generator)."""
        package = Path(bookrdf.generate.__file__).parent
        source = b"".join(path.read_bytes() for path in sorted(package.glob("*.py")))
        version = hashlib.sha256(source).hexdigest()[:10]
        folder = self.settings.cache / f"catalogue-{version}-seed{self.settings.seed}-{books}"
        path = folder / "books.jsonl"
        if not path.exists():
            say(f"generating {books} books into {folder}")
            start = time.perf_counter()
            write_catalogue(folder, books, self.settings.seed)
            self.results["catalogues"][str(books)] = {
                "generated_seconds": time.perf_counter() - start
            }
        self.results["catalogues"].setdefault(str(books), {}).update(
            {"path": str(path), "bytes": path.stat().st_size}
        )
        return path

    def repeated(
        self, label: str, args: list[str], out: Path, keep: bool = False
    ) -> tuple[dict[str, Any], list[Run]]:
        """Run a command --repeat times, each into a fresh `out`; the runs and their median."""
        runs: list[Run] = []
        note = None
        for attempt in range(self.settings.repeat):
            shutil.rmtree(out, ignore_errors=True)
            try:
                run = run_process(args, self.settings.timeout, cwd=self.work)
            except TimedOut as err:
                note = str(err)
                break
            if run.code != 0:
                note = f"exit {run.code}: {run.stderr.strip().splitlines()[-1:]}"
                break
            runs.append(run)
            say(f"  {label}: {run.seconds:.1f} s, {run.rss_mb:.0f} MB (run {attempt + 1})")
            if run.seconds > self.settings.repeat_up_to and attempt + 1 < self.settings.repeat:
                note = f"one run: it took {run.seconds:.0f} s (--repeat-up-to)"
                break
        if not keep:
            shutil.rmtree(out, ignore_errors=True)
        figure: dict[str, Any] = {"runs": [run.summary() for run in runs], "note": note}
        if runs:
            figure |= {
                "median_s": median([run.seconds for run in runs]),
                "rss_mb": max(run.rss_mb for run in runs),
                "tree_rss_mb": max((run.tree_rss_mb or 0 for run in runs), default=None),
                "stderr": runs[-1].stderr[-2000:],
            }
        return figure, runs

    def baseline(self) -> None:
        books = self.settings.baseline_books
        records = self.catalogue(books)
        out = self.work / "naive"
        say(f"baseline: naive script on {books} books")
        args = [sys.executable, str(NAIVE), str(records), "--out", str(out)]
        figure, runs = self.repeated(f"naive {books} books", args, out)
        figure.pop("stderr", None)
        figure["books"] = books
        reports = [json.loads(run.stdout) for run in runs]
        if reports:
            figure["triples"] = reports[0]["triples"]
            figure["results"] = reports[0]["results"]
            figure["phases"] = {
                phase: median([report["seconds"][phase] for report in reports])
                for phase in reports[0]["seconds"]
            }
        self.results["baseline"] = figure

    def publish(self, books: int, validate: bool, jobs: int | None) -> dict[str, Any]:
        """`bookrdf publish` of `books` books: with or without validation, on `jobs` workers."""
        label = f"publish {books} books{'' if validate else ' --no-validate'}"
        entry: dict[str, Any] = {"books": books, "validate": validate, "jobs": jobs}
        if jobs is not None and not self.has_jobs:
            entry["note"] = "n/a: this bookrdf publish has no --jobs"
            return self._add_publish(entry)
        estimate = self._estimate(books, validate)
        if estimate is not None and estimate > self.settings.max_run_seconds:
            entry["note"] = f"not run: estimated {estimate:.0f} s > --max-run-seconds"
            entry["estimated_s"] = estimate
            return self._add_publish(entry)
        out = self.work / f"release-{books}-{validate}-{jobs}"
        args = [self.bookrdf, "publish", str(self.catalogue(books)), "--out", str(out)]
        args += [] if validate else ["--no-validate"]
        args += [] if jobs is None else ["--jobs", str(jobs)]
        label += f" --jobs {jobs}" if jobs else ""
        keep = not validate and jobs in (1, None)  # the release the load benchmark loads
        entry |= self.repeated(label, args, out, keep=keep)[0]
        if keep and entry.get("runs"):
            entry["release"] = str(out)
        entry["triples"] = _published_triples(entry.pop("stderr", ""))
        if entry.get("median_s") and entry["triples"]:
            entry["triples_per_s"] = entry["triples"] / entry["median_s"]
            entry["books_per_s"] = books / entry["median_s"]
        return self._add_publish(entry)

    def _add_publish(self, entry: dict[str, Any]) -> dict[str, Any]:
        self.results["publish"].append(entry)
        return entry

    def _estimate(self, books: int, validate: bool) -> float | None:
        """A validated run: the no-validate time plus validation at the in-process rate."""
        if not validate:
            return None
        per_book: float | None = (
            self.results.get("inprocess", {}).get("validation", {}).get("ms_per_book")
        )
        if per_book is None:
            return None
        plain = [
            e["median_s"]
            for e in self.results["publish"]
            if e["books"] == books and not e["validate"] and "median_s" in e
        ]
        return books * per_book / 1000 + (min(plain) if plain else 0.0)

    def load(self, books: int) -> Path | None:
        """`bookrdf load` of the release's books.nt.gz into a fresh embedded store."""
        release = next(
            (
                e["release"]
                for e in self.results["publish"]
                if e["books"] == books and "release" in e
            ),
            None,
        )
        entry: dict[str, Any] = {"books": books}
        if release is None:
            entry["note"] = "not run: no release was published"
            self.results["load"].append(entry)
            return None
        store = self.work / f"store-{books}"
        args = [self.bookrdf, "load", str(Path(release) / "books.nt.gz"), "--store", str(store)]
        entry |= self.repeated(f"load {books} books", args, store, keep=True)[0]
        reported = _loaded(entry.pop("stderr", ""))
        if reported:
            entry["triples"], entry["library_seconds"] = reported
            if entry.get("median_s"):
                entry["triples_per_s"] = entry["triples"] / entry["median_s"]
        self.results["load"].append(entry)
        return store if entry.get("runs") else None

    def run(self) -> None:
        settings = self.settings
        first = self.catalogue(min(settings.sizes))
        say("in-process: map + serialise per format, validation per book")
        self.results["inprocess"] = {
            "formats": measure_formats(first, settings.format_books, settings.repeat),
            "validation": measure_validation(first, settings.validation_books, settings.repeat),
        }
        self.baseline()
        for books in sorted({settings.baseline_books, *settings.sizes}):
            say(f"bookrdf publish, {books} books")
            for validate in (False, True):
                for jobs in (1, 2):
                    self.publish(books, validate, jobs)
        store = None
        for books in settings.sizes:
            store = self.load(books) or store
        for entry in self.results["publish"]:
            entry.pop("release", None)  # a folder of this session's, removed at the end
        if store is not None:
            say(f"named queries on the store of {max(settings.sizes)} books")
            self.results["queries"] = measure_queries(
                store, self.catalogue(max(settings.sizes)), settings.query_samples
            )
        self.results["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
        self.results["load_average_after"] = machine()["load_average"]
        self.results["targets"] = targets(self.results)

    def close(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)


def _published_triples(stderr: str) -> int | None:
    for line in stderr.splitlines():
        if line.startswith("published ") and " triples" in line:
            return int(line.split(",")[1].split()[0])
    return None


def _loaded(stderr: str) -> tuple[int, float] | None:
    for line in stderr.splitlines():
        if line.startswith("loaded ") and " triples in " in line:
            triples = int(line.split(", ")[-1].split()[0])
            return triples, float(line.rsplit(" in ", 1)[1].split()[0])
    return None


def main(argv: Sequence[str] | None = None) -> None:
    settings = parse_args(argv)
    bench = Bench(settings)
    try:
        bench.run()
    finally:
        bench.close()
    print_report(bench.results, sys.stdout)
    settings.output.parent.mkdir(parents=True, exist_ok=True)
    settings.output.write_text(json.dumps(bench.results, indent=2) + "\n", "utf-8")
    say(f"wrote {settings.output}")


if __name__ == "__main__":
    main()
