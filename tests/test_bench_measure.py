"""The benchmark harness's memory figure is the child's own, not its parent's."""

from __future__ import annotations

import sys

from benchmarks.measure import run_process

CHILD = "x = bytearray(40 << 20); x[::4096] = b'1' * len(x[::4096]); import time; time.sleep(0.3)"


def test_a_child_s_peak_memory_is_its_own_not_its_big_parent_s() -> None:
    # the harness runs publish and load after its in-process steps have grown it; the kernel's
    # ru_maxrss of a child carries its parent's peak over the exec, so every run measured at
    # least the harness's own size (178 MB for publishes of 100 and 1,000 books alike)
    ballast = bytearray(200 << 20)
    ballast[::4096] = b"1" * len(ballast[::4096])
    run = run_process([sys.executable, "-c", CHILD], timeout=60)
    assert run.code == 0
    assert 40 < run.rss_mb < 120, run.rss_mb
    del ballast
