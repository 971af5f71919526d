"""One fuzzing process: atheris (libFuzzer, coverage-guided) against one target.

    python -m fuzz.fuzz_inputs TARGET CRASH_FOLDER [libFuzzer options] [CORPUS…]

A crash is saved (the input as CRASH_FOLDER/TARGET-<sha1>.<suffix>, the error as a line of
CRASH_FOLDER/TARGET.jsonl) and fuzzing goes on, so one run finds every crash it can. A hang
or a memory blow-up is libFuzzer's to catch (-timeout, -rss_limit_mb): it stops the process
and saves the input with its own artifact prefix.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["bookrdf"]):
    from fuzz.targets import TARGETS, check, scratch_folder


def main(argv: list[str]) -> None:
    """Fuzz the target named in argv until libFuzzer's own options stop it."""
    name, crashes = argv[1], Path(argv[2])
    target = TARGETS[name]
    folder = scratch_folder()
    seen: set[str] = set()

    def test_one(data: bytes) -> None:
        crash = check(target, data, folder)
        if crash is None or crash.key in seen:
            return
        seen.add(crash.key)
        digest = hashlib.sha1(data).hexdigest()[:12]
        saved = crashes / f"{name}-{digest}{target.suffix}"
        saved.write_bytes(data)
        entry = {"target": name, "error": crash.error, "where": crash.where, "input": str(saved)}
        with (crashes / f"{name}.jsonl").open("a", encoding="utf-8") as log:
            log.write(json.dumps(entry) + "\n")
        print(f"CRASH {name}: {crash.key}: {crash.error}", file=sys.stderr, flush=True)

    atheris.Setup([argv[0], *argv[3:]], test_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
