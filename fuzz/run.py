"""`make fuzz`: fuzz every importer and the record loader for a bounded time; report.

    python -m fuzz.run [--seconds N] [--timeout S] [TARGET…]

Each target gets an equal share of the time in its own atheris process, started from its seed
inputs (the test fixtures). A process stopped by a hang, a memory blow-up or a native crash
is started again for the rest of its share. The report (inputs tried and crashes per target)
goes to stdout and to fuzz/report.json; crashing inputs are kept in fuzz/crashes/. Exit 1
when anything crashed.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from fuzz.targets import ROOT, TARGETS, names

FUZZ = ROOT / "fuzz"
REPORT = FUZZ / "report.json"
CRASHES = FUZZ / "crashes"
_RUNS = re.compile(r"^#(\d+)\s", re.M)
_DONE = re.compile(r"^Done (\d+) runs", re.M)
_ARTIFACT = re.compile(r"Test unit written to (\S+)")
_CAUSE = re.compile(r"==\d+== ERROR: libFuzzer: ([^\n]+)|^ALARM: ([^\n]+)", re.M)
_MAX_RESTARTS = 5


def fuzz_target(name: str, seconds: float, timeout: int, rss_mb: int) -> dict[str, Any]:
    """Fuzz one target for `seconds`; its inputs tried and its crashes."""
    corpus = Path(tempfile.mkdtemp(prefix=f"bookrdf-fuzz-{name}-corpus-"))
    for n, seed in enumerate(TARGETS[name].seeds()):
        (corpus / f"seed-{n}").write_bytes(seed)
    log = CRASHES / f"{name}.jsonl"
    log.unlink(missing_ok=True)
    runs = restarts = 0
    stops: list[dict[str, str]] = []
    deadline = time.monotonic() + seconds
    try:
        while (left := deadline - time.monotonic()) >= 1 and restarts <= _MAX_RESTARTS:
            command = [
                sys.executable,
                "-m",
                "fuzz.fuzz_inputs",
                name,
                str(CRASHES),
                f"-max_total_time={int(left)}",
                f"-timeout={timeout}",
                f"-rss_limit_mb={rss_mb}",
                "-max_len=131072",
                f"-artifact_prefix={CRASHES}/{name}-",
                str(corpus),
            ]
            done = subprocess.run(
                command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
            )
            output = done.stderr.decode("utf-8", "replace")
            counted = _DONE.findall(output) or _RUNS.findall(output)
            runs += int(counted[-1]) if counted else 0
            if done.returncode == 0:
                break
            restarts += 1
            cause = _CAUSE.search(output)
            artifact = _ARTIFACT.search(output)
            stops.append(
                {
                    "cause": next(g for g in cause.groups() if g) if cause else output[-500:],
                    "input": artifact.group(1) if artifact else "",
                }
            )
    finally:
        shutil.rmtree(corpus, ignore_errors=True)
    crashes = (
        [json.loads(line) for line in log.read_text("utf-8").splitlines()] if log.exists() else []
    )
    return {
        "seconds": round(seconds),
        "inputs": runs,
        "crashes": crashes,
        "stopped": stops,
    }


def main() -> int:
    """Run the fuzzer over the targets asked for and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=300, help="total, shared by targets")
    parser.add_argument("--timeout", type=int, default=10, help="seconds one input may take")
    parser.add_argument("--rss-mb", type=int, default=2048, help="memory one process may use")
    parser.add_argument("targets", nargs="*", help=f"default: all of {', '.join(TARGETS)}")
    options = parser.parse_args()
    selected = names(options.targets)
    CRASHES.mkdir(exist_ok=True)
    started = time.monotonic()
    results: dict[str, Any] = {}
    for done, name in enumerate(selected):
        # an equal share of the time left, so that start-up costs do not add up past the total
        left = options.seconds - (time.monotonic() - started)
        share = max(left / (len(selected) - done), 5)
        results[name] = fuzz_target(name, share, options.timeout, options.rss_mb)
        print(_line(name, results[name]), flush=True)
    failed = sum(len(r["crashes"]) + len(r["stopped"]) for r in results.values())
    report = {
        "fuzzer": "atheris (libFuzzer)",
        "seconds": round(time.monotonic() - started),
        "per_input_timeout": options.timeout,
        "targets": results,
        "failures": failed,
    }
    REPORT.write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    if not any(CRASHES.iterdir()):
        CRASHES.rmdir()
    print(f"{failed} failures in {report['seconds']} s; report: {REPORT.relative_to(ROOT)}")
    return 1 if failed else 0


def _line(name: str, result: dict[str, Any]) -> str:
    """One target's result, for people."""
    text = f"{name:9} {result['inputs']:>9} inputs in {result['seconds']:>4} s"
    text += f"  {len(result['crashes'])} crashes, {len(result['stopped'])} hangs/aborts"
    for crash in result["crashes"]:
        text += f"\n          CRASH {crash['where']}: {crash['error']} ({crash['input']})"
    for stop in result["stopped"]:
        text += f"\n          STOP {stop['cause']} ({stop['input']})"
    return text


if __name__ == "__main__":
    sys.exit(main())
