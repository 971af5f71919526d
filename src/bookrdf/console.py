"""The console script. Importing the CLI takes a second or so (rdflib, Click, rich): a Ctrl-C
in that second is told in the CLI's one line too, not as an import's traceback."""

from __future__ import annotations

import signal
import sys


def interrupted_line(signum: int) -> str:
    """What a run stopped by Ctrl-C or SIGTERM prints (its exit code is 128 + signum)."""
    name = signal.Signals(signum).name
    return f"Error: interrupted ({name}) before finishing; run the command again"


def main() -> None:
    try:
        from bookrdf.cli import main as run_cli
    except KeyboardInterrupt:
        sys.stderr.write(interrupted_line(signal.SIGINT) + "\n")
        sys.exit(128 + signal.SIGINT)
    run_cli()
