"""A run's reports in memory that does not grow with the run: counts of every book, and the
reports worth showing up to a limit (books with violations before books with only warnings)."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from typing import Protocol

from bookrdf.validation.results import SEVERITY_ORDER, BookReport, Severity

# Books whose results a failed run prints; `bookrdf validate` shows every one.
KEPT_REPORTS = 200


class ReportSink(Protocol):
    """Where a run puts each book's report: a list (keeps them all) or a ReportTally."""

    def append(self, report: BookReport, /) -> None: ...

    def extend(self, reports: Iterable[BookReport], /) -> None: ...

    def __iter__(self) -> Iterator[BookReport]: ...


class ReportTally:
    """Counts every book's results; keeps at most `limit` reports that say something, a book
    with a violation pushing out the latest kept book with only warnings or infos."""

    def __init__(self, limit: int = KEPT_REPORTS) -> None:
        self.limit = limit
        self.books = 0
        self.noted_books = 0  # books with any result
        self.counts: dict[Severity, int] = dict.fromkeys(SEVERITY_ORDER, 0)
        self._failing: list[tuple[int, BookReport]] = []  # (book number, report)
        self._other: list[tuple[int, BookReport]] = []

    @classmethod
    def of(cls, reports: Iterable[BookReport]) -> ReportTally:
        """The counts of some reports (keeping none of them)."""
        tally = cls(limit=0)
        tally.extend(reports)
        return tally

    @property
    def left_out(self) -> int:
        """Books with results whose reports were not kept."""
        return self.noted_books - len(self._failing) - len(self._other)

    def append(self, report: BookReport, /) -> None:
        # results in an RDF file that no one book owns (a node two books share) are no book;
        # an empty report is one book checked, named or not (the cluster's count pads so)
        self.books += report.book_id is not None or not report.results
        if not report.results:
            return
        self.noted_books += 1
        for result in report.results:
            self.counts[result.severity] += 1
        entry = (self.books, report)
        if len(self._failing) + len(self._other) < self.limit:
            (self._other if report.conforms else self._failing).append(entry)
        elif not report.conforms and self._other:
            self._other.pop()
            self._failing.append(entry)

    def extend(self, reports: Iterable[BookReport], /) -> None:
        for report in reports:
            self.append(report)

    def __iter__(self) -> Iterator[BookReport]:
        """The kept reports, in the order the books came."""
        for _, report in heapq.merge(self._failing, self._other, key=lambda entry: entry[0]):
            yield report
