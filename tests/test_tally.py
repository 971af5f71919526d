"""A run's reports in bounded memory: every book counted, a few reports kept, violations first."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from bookrdf.cli import cli
from bookrdf.validation import BookReport, ReportTally, ValidationResult, render_text, summary

FIXTURES = Path(__file__).parent / "fixtures"


def _report(book: str, *severities: str) -> BookReport:
    results = tuple(
        ValidationResult(severity, f"urn:{book}", None, None, "m", "urn:shape", "urn:c")  # type: ignore[arg-type]
        for severity in severities
    )
    return BookReport(book, None, results)


def test_every_book_is_counted_and_only_the_limit_kept() -> None:
    tally = ReportTally(limit=3)
    reports = [_report(f"b{i}", *(["warning", "info"] if i % 2 else [])) for i in range(100)]
    tally.extend(reports)
    assert (tally.books, tally.noted_books, tally.left_out) == (100, 50, 47)
    assert tally.counts == {"violation": 0, "warning": 50, "info": 50}
    assert [r.book_id for r in tally] == ["b1", "b3", "b5"]
    assert summary(tally) == summary(reports)


def test_books_with_violations_push_out_books_with_only_warnings_in_book_order() -> None:
    tally = ReportTally(limit=3)
    tally.extend(_report(f"w{i}", "warning") for i in range(5))
    tally.append(_report("v1", "violation"))
    tally.append(_report("w5", "warning"))
    tally.append(_report("v2", "violation", "warning"))
    assert [r.book_id for r in tally] == ["w0", "v1", "v2"]
    tally.extend(_report(f"v{i}", "violation") for i in range(3, 6))
    assert [r.book_id for r in tally] == ["v1", "v2", "v3"]  # full of violations: the first
    assert (tally.books, tally.left_out, tally.counts["violation"]) == (11, 8, 5)


def test_the_text_says_how_many_books_it_left_out() -> None:
    tally = ReportTally(limit=1)
    tally.extend([_report("a", "warning"), _report("b", "warning"), _report("c")])
    text = render_text(tally, color=False)
    assert text.startswith("a\n")
    assert "\nb\n" not in text
    assert "the results of 1 more book, not shown" in text
    assert text.endswith("3 books checked: 0 violations, 2 warnings, 0 infos")


def test_a_failed_publish_prints_the_breaking_book_after_many_warned_ones(tmp_path: Path) -> None:
    """300 books with warnings, then one breaking the shapes: the report printed keeps the
    breaking book (past the kept limit), says how many it left out, and counts every book."""
    tiny = tmp_path / "tiny.jsonl"
    tiny.write_text(
        "".join(json.dumps({"id": f"t{i}", "title": f"T {i}"}) + "\n" for i in range(300)),
        encoding="utf-8",
    )
    backwards = str(shutil.copy(FIXTURES / "shapes" / "backwards-pages.yaml", tmp_path))
    result = CliRunner().invoke(
        cli, ["publish", str(tiny), backwards, "--out", str(tmp_path / "out"), "-j", "1"]
    )
    assert result.exit_code == 1, result.output
    printed = "".join(result.stderr.split())  # rich folds long lines
    assert f"backwards({backwards})" in printed
    assert "morebooks,notshown;run`bookrdfvalidate`" in printed
    assert result.stderr.splitlines()[-1].startswith(
        "Error: the data does not conform: 301 books checked: 2 violations"
    )
    assert not (tmp_path / "out").exists()


def test_results_no_book_owns_are_not_counted_as_a_book() -> None:
    # `validate books.ttl` groups what a node shared by two books breaks under no book
    shared = BookReport(None, None, _report("x", "violation").results)
    tally = ReportTally.of([_report("a", "violation"), _report("b"), shared])
    assert tally.books == 2
    assert tally.counts["violation"] == 2
    assert summary(tally).startswith("2 books checked")
