"""Child processes timed with their peak memory, medians and percentiles, the machine."""

from __future__ import annotations

import importlib
import math
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = ("bookrdf", "rdflib", "pyshacl", "pyoxigraph", "orjson", "psutil", "click")
_POLL_SECONDS = 0.05


@dataclass(frozen=True)
class Run:
    """One child process: wall time, exit code, output, and its peak memory.

    `rss_mb` is the child's own peak resident set: its `VmHWM` once it runs the command, read
    every 50 ms (the kernel's ru_maxrss from wait4 where /proc is not there, or the child ended
    before a reading: on Linux that figure is at least the parent's own peak, which an exec
    carries over); `tree_rss_mb` is the largest sum over the child and its
    descendants at any one sample (every 50 ms, with psutil when installed), which is what
    worker processes cost together.
    """

    seconds: float
    code: int
    rss_mb: float
    tree_rss_mb: float | None
    stdout: str
    stderr: str

    def summary(self) -> dict[str, Any]:
        """The run without its output, for the results file."""
        out = asdict(self)
        del out["stdout"], out["stderr"]
        return out


class TimedOut(Exception):
    """A child process ran past its time limit (and was killed)."""


def run_process(args: Sequence[str], timeout: float, cwd: Path | None = None) -> Run:
    """Run a command to its end; its time, peak memory and output."""
    psutil = _psutil()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(args, stdout=out, stderr=err, cwd=cwd)
        tree_peak = 0
        own_peak_kb: int | None = None
        watched = psutil.Process(child.pid) if psutil else None
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            own_peak_kb = _high_water_kb(child.pid) or own_peak_kb
            if watched is not None:
                tree_peak = max(tree_peak, _tree_rss(watched, psutil))
            if time.perf_counter() - start > timeout:
                child.kill()
                os.wait4(child.pid, 0)
                child.returncode = -9
                raise TimedOut(f"{' '.join(args)}: over {timeout:.0f} s")
            time.sleep(_POLL_SECONDS)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            seconds=seconds,
            code=child.returncode,
            rss_mb=(own_peak_kb or usage.ru_maxrss) / 1024,  # Linux reports KiB
            tree_rss_mb=tree_peak / 2**20 if watched is not None else None,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def _high_water_kb(pid: int) -> int | None:
    """The peak resident set (KiB) of a child process, from /proc: None while it is still the
    forked copy of this process (its memory is ours until it runs its command), or without
    /proc."""
    try:
        if Path(f"/proc/{pid}/cmdline").read_bytes() == Path("/proc/self/cmdline").read_bytes():
            return None
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None  # ended in between, or no /proc
    return None


def _psutil() -> Any:
    """psutil when installed (it is optional): None otherwise."""
    try:
        return importlib.import_module("psutil")
    except ImportError:
        return None


def _tree_rss(process: Any, psutil: Any) -> int:
    total = 0
    try:
        for member in [process, *process.children(recursive=True)]:
            total += member.memory_info().rss
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        pass
    return int(total)


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (share 0.5 for p50, 0.95 for p95)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    return {
        "host": socket.gethostname(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_mb": _memory_mb(),
        "python": sys.version.split()[0],
        "python_implementation": platform.python_implementation(),
        "packages": {name: _version(name) for name in PACKAGES},
        "git": _git(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text("utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _memory_mb() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text("utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


def _git() -> dict[str, Any] | None:
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return {"commit": commit, "dirty": bool(dirty)}
