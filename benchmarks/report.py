"""The targets of issue 6 judged on a session's figures, and the table printed at the end."""

from __future__ import annotations

from typing import Any, TextIO

Figures = dict[str, Any]
VALIDATION_MS = 10.0
BASELINE_BOOKS = 100
BASELINE_RATIO = 50.0
NO_VALIDATE_TRIPLES_PER_S = 300_000.0
JOBS_RATIO = 1.7
RSS_GROWTH = 1.2
RSS_LIMIT_MB = 500.0
END_TO_END_S = 180.0
END_TO_END_BOOKS = 10_000
LARGE_BOOKS = 10_000  # below, a process's start-up weighs on throughput and scaling


def find(results: Figures, books: int, validate: bool, jobs: int | None) -> Figures | None:
    """The publish figure for these settings, when it was measured."""
    for entry in results["publish"]:
        wanted = (entry["books"], entry["validate"], entry["jobs"]) == (books, validate, jobs)
        if wanted and "median_s" in entry:
            found: Figures = entry
            return found
    return None


def _target(name: str, goal: str, ok: bool | None, shown: str, note: str = "") -> Figures:
    status = "n/a" if ok is None else "pass" if ok else "miss"
    return {"name": name, "target": goal, "status": status, "value": shown, "note": note}


def targets(results: Figures) -> list[Figures]:
    """Each target: its value in this session, pass, miss, or n/a (not measurable here)."""
    sizes = sorted(int(size) for size in results["settings"]["sizes"])
    out = [_validation(results), _baseline(results), _throughput(results, sizes[-1])]
    out.append(_jobs(results, sizes[-1]))
    out.append(_memory(results, sizes))
    out.append(_end_to_end(results, sizes))
    return out


def _validation(results: Figures) -> Figures:
    ms = results["inprocess"]["validation"]["ms_per_book"]
    note = f"{ms / VALIDATION_MS:.1f}× the target" if ms > VALIDATION_MS else ""
    goal = f"≤ {VALIDATION_MS:g} ms"
    return _target(
        "validation per book (in-process)", goal, ms <= VALIDATION_MS, f"{ms:.1f} ms", note
    )


def _baseline(results: Figures) -> Figures:
    baseline = results.get("baseline", {})
    books = baseline.get("books", results["settings"]["baseline_books"])
    name = f"publish with validation, {books} books, vs the naive baseline"
    ours = find(results, books, True, 1) or find(results, books, True, None)
    if "median_s" not in baseline or ours is None:
        return _target(name, f"≥ {BASELINE_RATIO:g}×", None, "not measured")
    ratio = baseline["median_s"] / ours["median_s"]
    note = "bookrdf with --jobs 1 (one process, as the baseline)"
    ok: bool | None = ratio >= BASELINE_RATIO
    if books != BASELINE_BOOKS:
        ok, note = None, f"the target is for {BASELINE_BOOKS} books: --baseline-books"
    return _target(name, f"≥ {BASELINE_RATIO:g}×", ok, f"{ratio:.1f}×", note)


def _throughput(results: Figures, books: int) -> Figures:
    name = f"publish --no-validate (nt.gz + ttl + jsonld), {books} books, one process"
    ours = find(results, books, False, 1) or find(results, books, False, None)
    if ours is None or "triples_per_s" not in ours:
        return _target(name, "≥ 300k triples/s", None, "not measured")
    rate = ours["triples_per_s"]
    ok = rate >= NO_VALIDATE_TRIPLES_PER_S if books >= LARGE_BOOKS else None
    shown = f"{rate / 1000:.0f}k triples/s"
    return _target(name, "≥ 300k triples/s", ok, shown, _whole_process(books))


def _whole_process(books: int) -> str:
    if books >= LARGE_BOOKS:
        return "whole process, start-up included"
    return f"judged from {LARGE_BOOKS} books: below, start-up and imports dominate"


def _jobs(results: Figures, books: int) -> Figures:
    name = f"publish --jobs 2 against --jobs 1, {books} books"
    if not results.get("publish_has_jobs"):
        return _target(name, f"≥ {JOBS_RATIO:g}×", None, "n/a", "publish has no --jobs")
    for validate in (True, False):
        one, two = find(results, books, validate, 1), find(results, books, validate, 2)
        if one and two:
            ratio = one["median_s"] / two["median_s"]
            ok = ratio >= JOBS_RATIO if books >= LARGE_BOOKS else None
            kind = "with validation" if validate else "without validation"
            note = f"{kind}; {_whole_process(books)}"
            return _target(name, f"≥ {JOBS_RATIO:g}×", ok, f"{ratio:.2f}×", note)
    return _target(name, f"≥ {JOBS_RATIO:g}×", None, "not measured")


def _memory(results: Figures, sizes: list[int]) -> Figures:
    if len(sizes) < 2:
        return _target("peak RSS flat in the number of books", "", None, "one size only")
    small, big = sizes[-2], sizes[-1]
    name = f"peak RSS, {big} books against {small} books (publish, one process)"
    goal = f"≤ {RSS_GROWTH:g}× and < {RSS_LIMIT_MB:g} MB"
    for validate in (True, False):
        low, high = find(results, small, validate, 1), find(results, big, validate, 1)
        if low and high:
            ratio = high["rss_mb"] / low["rss_mb"]
            ok: bool | None = ratio <= RSS_GROWTH and high["rss_mb"] < RSS_LIMIT_MB
            shown = f"{high['rss_mb']:.0f} MB, {ratio:.2f}× {low['rss_mb']:.0f} MB"
            note = "with validation" if validate else "without validation"
            if (small, big) != (10_000, 100_000):
                ok = None
                note += "; the target is 100k against 10k: --sizes 10000 100000"
            return _target(name, goal, ok, shown, note)
    return _target(name, goal, None, "not measured")


def _end_to_end(results: Figures, sizes: list[int]) -> Figures:
    books = END_TO_END_BOOKS if END_TO_END_BOOKS in sizes else sizes[-1]
    name = f"publish with validation + load, {books} books"
    goal = f"< {END_TO_END_S:g} s"
    load = next((e for e in results["load"] if e["books"] == books and "median_s" in e), None)
    publish = find(results, books, True, 2) or find(results, books, True, 1)
    note = "" if books == END_TO_END_BOOKS else f"the target is for {END_TO_END_BOOKS} books"
    if load is None:
        return _target(name, goal, None, "not measured", note)
    if publish is None:
        estimates = [
            e["estimated_s"]
            for e in results["publish"]
            if e["books"] == books and e["validate"] and "estimated_s" in e
        ]
        if not estimates:
            return _target(name, goal, None, "not measured", note)
        total = min(estimates) + load["median_s"]
        shown = f"≈ {total:.0f} s (estimated)"
        note = f"publish with validation not run: over --max-run-seconds; {note}"
    else:
        total = publish["median_s"] + load["median_s"]
        shown = f"{total:.0f} s"
        note = f"--jobs {publish['jobs'] or 'default'}; {note}"
    ok = total < END_TO_END_S if books == END_TO_END_BOOKS else None
    return _target(name, goal, ok, shown, note.strip("; "))


def _table(out: TextIO, header: list[str], rows: list[list[str]], left: int = 1) -> None:
    """Columns of text: the first `left` and the last one left-aligned, numbers right-aligned."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    last = len(header) - 1
    for row in [header, *rows]:
        cells = [
            cell.ljust(width) if i < left or i == last else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        out.write("  " + "  ".join(cells).rstrip() + "\n")


def print_report(results: Figures, out: TextIO) -> None:
    """The session as tables: machine, side-by-side ratios, runs, load, queries, targets."""
    _print_machine(results, out)
    _print_side_by_side(results, out)
    _print_formats(results, out)
    _print_runs(results, out)
    _print_queries(results, out)
    out.write("\nTargets (issue 6)\n")
    rows = [
        [t["status"].upper(), t["name"], t["target"], t["value"], t["note"]]
        for t in results["targets"]
    ]
    _table(out, ["", "target", "goal", "measured", "note"], rows, left=5)


def _print_machine(results: Figures, out: TextIO) -> None:
    m = results["machine"]
    packages = " · ".join(f"{name} {version}" for name, version in m["packages"].items() if version)
    git = m.get("git") or {}
    commit = git.get("commit", "?")[:12] + (" (uncommitted changes)" if git.get("dirty") else "")
    before = m["load_average"][0] if m.get("load_average") else float("nan")
    after = (results.get("load_average_after") or [float("nan")])[0]
    out.write(f"\nbookrdf benchmarks, {results['started']} on {m['host']}\n")
    out.write(f"  {m['platform']}; {m['cpu_count']} CPUs ({m['cpu']}); {m['memory_mb']} MB RAM\n")
    out.write(f"  Python {m['python']} · {packages}\n")
    out.write(f"  commit {commit}; load average {before:.1f} before, {after:.1f} after\n")


def _print_side_by_side(results: Figures, out: TextIO) -> None:
    repeat = results["settings"]["repeat"]
    runs = "one run each" if repeat == 1 else f"medians of {repeat} runs"
    out.write(f"\nSide by side: the same records, this session, {runs}\n")
    baseline = results.get("baseline", {})
    if "median_s" not in baseline:
        out.write(f"  the baseline was not measured: {baseline.get('note')}\n")
        return
    books = baseline["books"]
    validating = baseline.get("phases", {}).get("validate", 0.0)
    for validate in (True, False):
        base = baseline["median_s"] - (0.0 if validate else validating)
        label = "with validation" if validate else "without validation (baseline less pyshacl)"
        ours = [(jobs, find(results, books, validate, jobs)) for jobs in (1, 2)]
        shown = [
            f"{e['median_s']:.2f} s --jobs {jobs} ({_faster(base, e['median_s'])})"
            for jobs, e in ours
            if e
        ]
        out.write(f"  publish {books} books {label}: baseline {base:.2f} s; bookrdf ")
        out.write(", ".join(shown) + "\n" if shown else "not measured\n")
    ms = results["inprocess"]["validation"]["ms_per_book"]
    naive_ms = validating / books * 1000
    out.write(
        f"  validation per book: baseline {naive_ms:.0f} ms (one pyshacl run over {books} "
        f"books), bookrdf {ms:.1f} ms (in-process), {_faster(naive_ms, ms)}\n"
    )


def _faster(baseline: float, ours: float) -> str:
    ratio = baseline / ours
    return f"{ratio:.1f}× faster" if ratio >= 1 else f"{1 / ratio:.1f}× slower"


def _print_formats(results: Figures, out: TextIO) -> None:
    formats = results["inprocess"]["formats"]
    per_book = formats["triples"] / formats["books"]
    out.write(
        f"\nIn-process: read (JSON Lines to books), then map_book + render_chunk as publish "
        f"renders, {formats['books']} books, {per_book:.0f} triples a book; the floor is a bare "
        "loop, not bookrdf (benchmarks/inprocess.py)\n"
    )
    rows = [
        [step, f"{figure['ms_per_book']:.2f}", f"{figure['triples_per_s']:,.0f}", ""]
        for step, figure in formats.items()
        if isinstance(figure, dict)
    ]
    _table(out, ["step", "ms/book", "triples/s", ""], rows)


def _print_runs(results: Figures, out: TextIO) -> None:
    out.write("\nbookrdf publish (the CLI: a whole process, start-up included)\n")
    rows = []
    for e in results["publish"]:
        measured = "median_s" in e
        rows.append(
            [
                str(e["books"]),
                "yes" if e["validate"] else "no",
                str(e["jobs"] or "-"),
                f"{e['median_s']:.2f}" if measured else "",
                f"{e.get('books_per_s', 0):.1f}" if measured else "",
                f"{e.get('triples_per_s', 0):,.0f}" if measured else "",
                f"{e['rss_mb']:.0f}" if measured else "",
                f"{e['tree_rss_mb']:.0f}" if e.get("tree_rss_mb") else "",
                e.get("note") or "",
            ]
        )
    header = ["books", "validate", "jobs", "median s", "books/s", "triples/s", "RSS MB"]
    _table(out, [*header, "tree MB", "note"], rows)
    out.write("\nbookrdf load books.nt.gz into a fresh embedded store\n")
    rows = [
        [
            str(e["books"]),
            f"{e.get('triples', 0):,}",
            f"{e['median_s']:.1f}" if "median_s" in e else "",
            f"{e.get('triples_per_s', 0):,.0f}" if "median_s" in e else "",
            f"{e['rss_mb']:.0f}" if "median_s" in e else "",
            e.get("note") or "",
        ]
        for e in results["load"]
    ]
    _table(out, ["books", "triples", "median s", "triples/s", "RSS MB", "note"], rows)


def _print_queries(results: Figures, out: TextIO) -> None:
    queries = results.get("queries")
    if not queries:
        return
    books = max(int(size) for size in results["settings"]["sizes"])
    out.write(f"\nNamed queries on the store of {books} books, {queries['samples']} runs each\n")
    rows = [
        [name, f"{q['p50_ms']:.1f}", f"{q['p95_ms']:.1f}", f"{q['rows_median']:.0f}", bound]
        for name, q in queries["queries"].items()
        for bound in [", ".join(q["params"]) or "-"]
    ]
    _table(out, ["query", "p50 ms", "p95 ms", "rows", "bound"], rows)
