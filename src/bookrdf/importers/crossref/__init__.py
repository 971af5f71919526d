"""Crossref REST API JSON -> Books: book works with their book-chapter works, DOIs kept.

Reads `{"message": work}`, `{"message": {"items": [...]}}`, a bare work, or a JSON array of
them. A chapter joins its book by a shared ISBN, else by its container title. Values bookrdf
has no field for come back as warnings; keys about the deposit itself are skipped.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bookrdf.errors import InputError, Problem, RecordError, RecordErrors
from bookrdf.importers.crossref.markup import plain_text
from bookrdf.importers.crossref.work import Fields, Work, isbns, shown, strings
from bookrdf.importers.origins import lines_of, relocate
from bookrdf.importers.text import utf8_text
from bookrdf.model import Book, roman_to_int
from bookrdf.records import JsonProblem, parse_record, strict_json

BOOK_TYPES = {"book", "monograph", "edited-book", "reference-book"}
# Crossref's types for a book's contents: sections and parts are deposited as entries of
# the book just as chapters are, and a reference book's entries are its contents.
CHAPTER_TYPES = {"book-chapter", "book-section", "book-part", "reference-entry"}
_PAGE_DASH = re.compile(r"\s*[-\u2010-\u2015]\s*")


@dataclasses.dataclass(frozen=True)
class CrossrefImport:
    books: tuple[Book, ...]
    warnings: tuple[Problem, ...]


def looks_like_crossref(text: str) -> bool:
    """Whether a text looks like Crossref REST API JSON, or JSON Lines of it (a cheap sniff)."""
    head = text.lstrip("\ufeff \t\r\n")[:20000]
    # "message-type" alone: a list response with no items has no "DOI"
    return head[:1] in ("{", "[") and bool(
        re.search(r'"message-type"\s*:', head)
        or (
            re.search(r'"DOI"\s*:', head)
            and re.search(r'"(isbn-type|container-title|issued|published-print)"', head)
        )
    )


def read_crossref(paths: Sequence[Path]) -> CrossrefImport:
    """Read Crossref JSON files; a chapter in any of them joins its book in any of them."""
    documents = []
    for path in paths:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise InputError(f"{path}: no such file; check the path") from None
        except OSError as err:
            raise InputError(f"{path}: cannot be read ({err.strerror or err})") from None
        message = "is not UTF-8 JSON; save the API's answer as it came (JSON is UTF-8)"
        documents.append((str(path), utf8_text(raw, str(path), message)))
    return parse_crossref(documents)


def parse_crossref(documents: Sequence[tuple[str, str]]) -> CrossrefImport:
    """The books in Crossref JSON texts, given as (source, text); every problem raised at once."""
    fields = Fields()
    books: list[Work] = []
    chapters: list[Work] = []
    seen: set[str] = set()
    for source, text in documents:
        for work in _works(text, source):
            kind = str(work.data.get("type"))
            if work.doi and work.doi.lower() in seen:  # works without a DOI are not one work
                fields.warn(work, "DOI", f"{work.doi} appears again; the first is kept")
            elif kind in BOOK_TYPES | CHAPTER_TYPES:
                (books if kind in BOOK_TYPES else chapters).append(work)
            else:
                message = f'{work.doi} is a "{kind}", not a book or a chapter; left out'
                fields.warn(work, "type", message)
            seen.add(work.doi.lower())
    found: list[Book] = []
    problems: list[Problem] = []
    ids: dict[str, Work] = {}
    for book, parts in _join(books, chapters, fields):
        data, origins = fields.record(book, _in_order(parts, fields))
        if "title" not in data:
            problems.append(Problem(book.source, book.line, "title", f"{book.doi} has no title"))
            continue
        lines = {path: origin.line or 0 for path, origin in origins.items()}
        try:
            parsed = parse_record(data, book.source, lines)
        except RecordError as err:
            problems.extend(relocate(err.problems, origins))
            continue
        first = ids.setdefault(parsed.id, book)
        if first is not book:
            problems.append(_repeated_id(book, first, parsed.id))
            continue
        found.append(dataclasses.replace(parsed, lines=lines_of(origins, book.source)))
    if problems:
        raise RecordErrors(problems)
    warnings = sorted(fields.warnings, key=lambda w: (w.source, w.line or 0))
    return CrossrefImport(tuple(found), tuple(warnings))


def _repeated_id(book: Work, first: Work, book_id: str) -> Problem:
    """The problem of a second book whose ISBN (or DOI) gives the id of an earlier one."""
    key = "ISBN" if any(isbn == book_id for isbn, _ in isbns(book.data)) else "DOI"
    place = f"{first.source}:{first.line}" if first.line else first.source
    message = f'{book.doi}: "{book_id}" is already the id of {first.doi} in {place}'
    return Problem(book.source, book.line, key, f"{message}; give each book its own {key}")


def _works(text: str, source: str) -> list[Work]:
    text = text.removeprefix("\ufeff")
    try:
        documents = [(1, strict_json(text))]
    except JsonProblem as err:
        if not err.args[0].startswith("is not valid JSON: Extra data"):
            raise RecordError(Problem(source, err.line, err.key, str(err))) from None
        documents = _json_lines(text, source)  # a dump of one work (or response) a line
    found: list[dict[str, Any]] = []
    for line, data in documents:
        try:
            found += _unwrap(data)
        except _NotAWork as err:
            raise RecordError(err.problem(source, line)) from None
    lines = _doi_lines(text)
    return [Work(source, lines.get(str(w["DOI"])), w) for w in found]


def _json_lines(text: str, source: str) -> list[tuple[int, Any]]:
    """(line, value) of each non-blank line of JSON Lines; every bad line raised at once."""
    documents, problems = [], []
    # split at "\n" only: splitlines() would also cut at a U+2028 inside a title
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            documents.append((number, strict_json(line)))
        except JsonProblem as err:
            problems.append(Problem(source, number, err.key, str(err)))
    if problems:
        raise RecordErrors(problems)
    return documents


def _unwrap(data: Any, path: str = "") -> list[dict[str, Any]]:
    """The works in a response, a list response, a bare work or a list of any of them."""
    if isinstance(data, list):
        return [w for index, item in enumerate(data) for w in _unwrap(item, f"{path}[{index}]")]
    if isinstance(data, dict) and "message" in data:
        return _unwrap(data["message"], f"{path}.message".lstrip("."))
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        return _unwrap(data["items"], f"{path}.items".lstrip("."))
    if isinstance(data, dict) and "DOI" in data and "type" in data:
        return [data]
    raise _NotAWork(path, data)


class _NotAWork(ValueError):
    """A value in a response that is no work ("message.items[3]": null), or a whole document."""

    def __init__(self, path: str, value: Any) -> None:
        super().__init__(path)
        self.path = path
        self.value = value

    def problem(self, source: str, line: int) -> Problem:
        if not self.path:
            message = 'is not Crossref JSON: give a work, {"message": …} or a list of works'
            return Problem(source, line, "", message)
        text = shown(self.value)
        message = f'{text} is not a Crossref work (one has "DOI" and "type"); take it out'
        return Problem(source, line, self.path, message)


_DOI_KEY = re.compile(r'"DOI"\s*:\s*("(?:[^"\\]|\\.)*")')


def _doi_lines(text: str) -> dict[str, int]:
    """The line of the first "DOI" key holding each DOI, in one pass over the text (a search
    per work took minutes for a list response of thousands of chapters)."""
    lines: dict[str, int] = {}
    line, at = 1, 0
    for found in _DOI_KEY.finditer(text):
        line += text.count("\n", at, found.start())
        at = found.start()
        try:  # JSON may write '/' as '\\/' or a letter as \\uXXXX
            doi = json.loads(found[1])
        except ValueError:
            continue
        lines.setdefault(doi, line)
    return lines


def _join(books: list[Work], chapters: list[Work], fields: Fields) -> list[tuple[Work, list[Work]]]:
    """Each book with its chapters: those sharing an ISBN with it, else naming it as container."""
    parts: dict[int, list[Work]] = {id(book): [] for book in books}
    by_isbn = {isbn: book for book in books for isbn, _ in isbns(book.data)}
    by_title: dict[str, list[Work]] = {}
    for work in books:
        for title in dict.fromkeys(_key(title) for title in _titles(work.data)):
            by_title.setdefault(title, []).append(work)
    for chapter in chapters:
        book = next((by_isbn[i] for i, _ in isbns(chapter.data) if i in by_isbn), None)
        containers = [_key(t) for t in strings(chapter.data.get("container-title"))]
        named = next((by_title[t] for t in containers if t in by_title), [])
        if book is None and len(named) > 1:  # two editions of one title: which is it in?
            dois = ", ".join(other.doi for other in named)
            message = f"{chapter.doi} shares no ISBN with a book and its title with {dois}"
            fields.warn(chapter, "container-title", f"{message}; left out")
        elif book or named:
            parts[id(book or named[0])].append(chapter)
        else:
            message = f"{chapter.doi} shares no ISBN or title with a book in the input; left out"
            fields.warn(chapter, "container-title", message)
    return [(book, parts[id(book)]) for book in books]


def _titles(data: dict[str, Any]) -> list[str]:
    """A book's title, and its title with its subtitle, as a chapter may name its container."""
    title, subtitle = strings(data.get("title"))[:1], strings(data.get("subtitle"))[:1]
    return title + [f"{t}: {s}" for t in title for s in subtitle]


def _key(title: str) -> str:
    return " ".join((plain_text(title) or "").casefold().split())


def _in_order(chapters: list[Work], fields: Fields) -> list[Work]:
    """By first page, roman before arabic. One without a page keeps its place after the chapter
    before it in DOI order; one whose page is neither roman nor arabic ("A1") goes last."""
    by_doi = sorted(chapters, key=lambda work: _natural(work.doi))
    starts = {id(work): _page_start(work) for work in by_doi}
    odd = [work for work in by_doi if starts[id(work)] is None and _page(work)]
    for work in odd:
        message = f'"{_page(work)}" of {work.doi} begins with no roman or arabic page number'
        fields.warn(work, "page", f"{message}; the chapter is put last")
    return _by_page([w for w in by_doi if starts[id(w)] or not _page(w)], starts) + odd


def _by_page(by_doi: list[Work], starts: dict[int, tuple[int, int] | None]) -> list[Work]:
    """Chapters with a page by page; each without one after the chapter it follows by DOI."""
    # DOIs mostly run in print order, so a cover or title page without a page, before the first
    # DOI with one, stays first. sorted() is stable: chapters on one page keep their DOI order.
    followers: dict[int | None, list[Work]] = {}
    anchor: int | None = None
    for work in by_doi:
        if starts[id(work)] is None:
            followers.setdefault(anchor, []).append(work)
        else:
            anchor = id(work)
    paged = sorted((w for w in by_doi if starts[id(w)]), key=lambda w: starts[id(w)] or (0, 0))
    ordered = list(followers.get(None, []))
    for work in paged:
        ordered += [work, *followers.get(id(work), [])]
    return ordered


def _page(work: Work) -> str:
    page = work.data.get("page")
    # a page that is not text nor a whole number is reported where the chapter is read
    return str(page).strip() if isinstance(page, str | int) and page is not True else ""


def _natural(doi: str) -> list[tuple[int, str]]:
    """A sort key that puts '…-2' before '…-10'."""
    return [(int(t), "") if t.isdigit() else (-1, t.lower()) for t in re.split("([0-9]+)", doi)]


def _page_start(work: Work) -> tuple[int, int] | None:
    start = _PAGE_DASH.split(_page(work))[0]
    if start.isdigit():
        return (1, int(start))
    value = roman_to_int(start) if start else None
    return (0, value) if value else None
