"""`bookrdf load` of a release's dump alone: wall clock and peak RSS, as `make bench` measures.

    python -m benchmarks.load RELEASE/books.nt.gz               # 3 loads into fresh stores
    python -m benchmarks.load RELEASE/books.nt.gz --pieces 16 32 # the bulk loader's piece, MB

Each load goes into a fresh embedded store beside the dump (removed afterwards), in a process
of its own (`benchmarks.measure.run_process`: the kernel's `ru_maxrss`). `--pieces` sets
`bookrdf.store.lines.BULK_BATCH_BYTES` in that process, to weigh memory against time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchmarks.measure import run_process

# a `bookrdf load` with the bulk loader's piece set first (MB, then the command's arguments)
_WITH_PIECES = (
    "import sys; from bookrdf.store import lines; "
    "lines.BULK_BATCH_BYTES = int(sys.argv.pop(1)) << 20; "
    "from bookrdf.cli import cli; cli()"
)


def load_once(dump: Path, pieces_mb: int | None, timeout: float) -> tuple[float, float]:
    """One load of `dump` into a fresh store: seconds and peak RSS in MB."""
    with tempfile.TemporaryDirectory(prefix="bench-load-", dir=dump.parent) as folder:
        store = Path(folder) / "store"
        args = ["load", str(dump), "--store", str(store)]
        if pieces_mb is None:
            command = [str(Path(sys.executable).parent / "bookrdf"), *args]
        else:
            command = [sys.executable, "-c", _WITH_PIECES, str(pieces_mb), *args]
        run = run_process(command, timeout)
    if run.code != 0:
        raise SystemExit(f"{dump}: the load failed: {run.stderr.strip()}")
    return run.seconds, run.rss_mb


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.load", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("dump", type=Path, help="a release's books.nt.gz (or any dump)")
    parser.add_argument("--repeat", type=int, default=3, help="loads for each setting (3)")
    parser.add_argument(
        "--pieces", type=int, nargs="+", help="bulk loader pieces in MB (bookrdf's own)"
    )
    parser.add_argument("--timeout", type=float, default=7200, help="kill a load after (s)")
    args = parser.parse_args(argv)
    if not args.dump.is_file():
        parser.error(f"{args.dump}: no such file")
    for pieces in args.pieces or [None]:
        label = f"{pieces} MB pieces" if pieces else "bookrdf's pieces"
        for number in range(1, args.repeat + 1):
            seconds, rss = load_once(args.dump, pieces, args.timeout)
            print(f"{label}, load {number}: {seconds:.1f} s, peak RSS {rss:.0f} MB", flush=True)


if __name__ == "__main__":
    main()
