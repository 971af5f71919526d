"""Book, Chapter, Contributor…: typed, frozen values, parsed once from a record's fields."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from stdnum import isbn as stdnum_isbn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.iso7064 import mod_11_2

from bookrdf.errors import Problem, RecordErrors
from bookrdf.vocab import KINDS

Role = Literal["author", "editor", "translator", "contributor"]
IsbnFormat = Literal["print", "electronic", "hardcover", "paperback"]
DatePrecision = Literal["year", "month", "day"]

ROMAN_PAGE = re.compile(r"[ivxlcdm]+|[IVXLCDM]+")
PAGE = re.compile(r"[0-9]+|[ivxlcdm]+|[IVXLCDM]+|[A-Za-z]{1,3}-?[0-9]+")
_RANGE_DASH = re.compile(r"\s*[-\u2010-\u2015\u2212]+\s*")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-[A-Za-z0-9]{5,8})*")
_DOI = re.compile(r"10\.[0-9]{4,9}/[^\s]+")
_ABSOLUTE_URL = re.compile(r"https?://[^\s<>\"{}|\\^`\x00-\x1f\x7f]+")
_SPDX_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+-]*")
_ORCID = re.compile(r"[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]")
_ISNI = re.compile(r"[0-9]{15}[0-9X]")
_WIKIDATA = re.compile(r"Q[1-9][0-9]*")
_FILE_SIZE = re.compile(r"[0-9]+(\.[0-9]+)? ?(B|bytes|KB|kB|MB|GB|KiB|MiB|GiB)")


def roman_to_int(text: str) -> int | None:
    """The value of a well-formed roman numeral ('xiv' -> 14), None if it is not one."""
    lower = text.lower()
    if not lower or any(ch not in _ROMAN_VALUES for ch in lower):
        return None
    total = 0
    for here, after in zip(lower, [*lower[1:], ""], strict=True):
        value = _ROMAN_VALUES[here]
        total += -value if after and _ROMAN_VALUES[after] > value else value
    return total if int_to_roman(total) == lower else None


def int_to_roman(number: int) -> str:
    """Lower-case roman numeral for a positive integer."""
    out = []
    for value, letters in (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    ):  # fmt: skip
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


@dataclass(frozen=True)
class PageRange:
    """Printed pages, kept as printed: 'vii'–'xii', or a single page."""

    start: str
    end: str

    @property
    def pagination(self) -> str:
        return self.start if self.start == self.end else f"{self.start}-{self.end}"

    @property
    def is_roman(self) -> bool:
        return bool(ROMAN_PAGE.fullmatch(self.start)) and roman_to_int(self.start) is not None


@dataclass(frozen=True)
class PublicationDate:
    """A year, a year and month, or a full date, as given."""

    text: str
    precision: DatePrecision


@dataclass(frozen=True)
class Identifiers:
    orcid: str | None = None
    isni: str | None = None
    viaf: str | None = None
    wikidata: str | None = None

    def primary(self) -> tuple[str, str] | None:
        """The most authoritative identifier, as (scheme, value), used to mint the person IRI."""
        for scheme in ("orcid", "isni", "viaf", "wikidata"):
            value = getattr(self, scheme)
            if value:
                return scheme, value
        return None

    def uris(self) -> list[str]:
        out = []
        if self.orcid:
            out.append(f"https://orcid.org/{self.orcid}")
        if self.isni:
            out.append(f"https://isni.org/isni/{self.isni}")
        if self.viaf:
            out.append(f"http://viaf.org/viaf/{self.viaf}")
        if self.wikidata:
            out.append(f"http://www.wikidata.org/entity/{self.wikidata}")
        return out


@dataclass(frozen=True)
class Contributor:
    name: str
    role: Role = "author"
    given_name: str | None = None
    family_name: str | None = None
    identifiers: Identifiers = field(default_factory=Identifiers)


@dataclass(frozen=True)
class Publisher:
    name: str
    place: str | None = None


@dataclass(frozen=True)
class Isbn:
    """An ISBN as 13 digits; the check digit is left to SHACL to judge."""

    value: str
    format: IsbnFormat | None = None


@dataclass(frozen=True)
class Pdf:
    size: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Chapter:
    """One contents entry, untitled entries included."""

    label: str | None = None
    title: str | None = None
    kind: str | None = None
    pages: PageRange | None = None
    contributors: tuple[Contributor, ...] = ()
    pdf: Pdf | None = None
    excerpt: str | None = None
    doi: str | None = None


@dataclass(frozen=True)
class Book:
    id: str
    title: str
    subtitle: str | None = None
    contributors: tuple[Contributor, ...] = ()
    publisher: Publisher | None = None
    published: PublicationDate | None = None
    language: str | None = None
    description: str | None = None
    isbns: tuple[Isbn, ...] = ()
    doi: str | None = None
    url: str | None = None
    subjects: tuple[str, ...] = ()
    license: str | None = None
    chapters: tuple[Chapter, ...] = ()
    # Where the record came from: file and field path -> line. Not part of the book's value.
    source: str | None = field(default=None, compare=False, repr=False)
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, field_path: str) -> int | None:
        """The record line of a field, or of its nearest enclosing field."""
        return nearest_line(self.lines, field_path)


def nearest_line(lines: Mapping[str, int], field_path: str) -> int | None:
    """The line of a field path such as 'chapters[3].pages', or of its nearest enclosing field."""
    path = field_path
    while path:
        if path in lines:
            return lines[path]
        path = re.sub(r"(\.[^.\[]+|\[[0-9]+\])$", "", path)
    return lines.get("")


Locate = Callable[[str], int | None]


class _Parser:
    """Turns one validated record dict into a Book, collecting every problem."""

    def __init__(self, source: str, locate: Locate) -> None:
        self.source = source
        self.locate = locate
        self.problems: list[Problem] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.source, self.locate(path), path, message))

    def text(self, value: Any) -> str | None:
        return None if value is None else " ".join(str(value).split()) or None

    def long_text(self, value: Any) -> str | None:
        return None if value is None else str(value).strip() or None

    def book(self, data: Mapping[str, Any]) -> Book:
        chapters = tuple(
            self.chapter(ch, f"chapters[{i}]") for i, ch in enumerate(data.get("chapters") or [])
        )
        return Book(
            id=str(data["id"]),
            title=self.text(data["title"]) or "",
            subtitle=self.text(data.get("subtitle")),
            contributors=self.contributors(data.get("contributors"), "contributors"),
            publisher=self.publisher(data.get("publisher")),
            published=self.date(data.get("published"), "published"),
            language=self.language(data.get("language"), "language"),
            description=self.long_text(data.get("description")),
            isbns=tuple(
                isbn
                for i, raw in enumerate(data.get("isbn") or [])
                if (isbn := self.isbn(raw, f"isbn[{i}]")) is not None
            ),
            doi=self.doi(data.get("doi"), "doi"),
            url=self.url(data.get("url"), "url"),
            subjects=tuple(s for s in (self.text(v) for v in data.get("subjects") or []) if s),
            license=self.license(data.get("license"), "license"),
            chapters=chapters,
        )

    def chapter(self, data: Mapping[str, Any], path: str) -> Chapter:
        kind = data.get("kind")
        if kind is not None and kind not in KINDS:
            self.fail(f"{path}.kind", f"{kind!r} is not a kind of entry; use one of {', '.join(KINDS)}")
            kind = None
        pdf = data.get("pdf")
        return Chapter(
            label=self.text(data.get("label")),
            title=self.text(data.get("title")),
            kind=kind,
            pages=self.pages(data.get("pages"), f"{path}.pages"),
            contributors=self.contributors(data.get("contributors"), f"{path}.contributors"),
            pdf=None if pdf is None else self.pdf(pdf, f"{path}.pdf"),
            excerpt=self.long_text(data.get("excerpt")),
            doi=self.doi(data.get("doi"), f"{path}.doi"),
        )

    def contributors(self, items: Sequence[Any] | None, path: str) -> tuple[Contributor, ...]:
        return tuple(self.contributor(item, f"{path}[{i}]") for i, item in enumerate(items or []))

    def contributor(self, data: Mapping[str, Any], path: str) -> Contributor:
        ids = data.get("identifiers") or {}
        return Contributor(
            name=self.text(data["name"]) or "",
            role=data.get("role", "author"),
            given_name=self.text(data.get("given_name")),
            family_name=self.text(data.get("family_name")),
            identifiers=Identifiers(
                orcid=self.orcid(ids.get("orcid"), f"{path}.identifiers.orcid"),
                isni=self.isni(ids.get("isni"), f"{path}.identifiers.isni"),
                viaf=self.viaf(ids.get("viaf"), f"{path}.identifiers.viaf"),
                wikidata=self.wikidata(ids.get("wikidata"), f"{path}.identifiers.wikidata"),
            ),
        )

    def publisher(self, data: Mapping[str, Any] | None) -> Publisher | None:
        if data is None:
            return None
        return Publisher(name=self.text(data["name"]) or "", place=self.text(data.get("place")))

    def pdf(self, data: Mapping[str, Any], path: str) -> Pdf:
        size = self.text(data.get("size"))
        if size is not None and not _FILE_SIZE.fullmatch(size):
            self.fail(f"{path}.size", f"{size!r} is not a file size; write it like '99.7 KB'")
            size = None
        return Pdf(size=size, url=self.url(data.get("url"), f"{path}.url"))

    def pages(self, value: Any, path: str) -> PageRange | None:
        if value is None:
            return None
        text = str(value).strip()
        for prefix in ("pp.", "p."):
            text = text.removeprefix(prefix).strip()
        parts = _RANGE_DASH.split(text)
        if len(parts) == 1 and PAGE.fullmatch(parts[0]):
            return PageRange(parts[0], parts[0])
        if len(parts) == 2 and all(PAGE.fullmatch(p) for p in parts):
            return PageRange(parts[0], parts[1])
        self.fail(path, f'"{value}" is not a page range; write it like "vii-xii", "v" or "7-25"')
        return None

    def date(self, value: Any, path: str) -> PublicationDate | None:
        if value is None:
            return None
        text = str(value).strip()
        formats: tuple[tuple[str, str, DatePrecision], ...] = (
            (r"[0-9]{4}", "%Y", "year"),
            (r"[0-9]{4}-[0-9]{2}", "%Y-%m", "month"),
            (r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "%Y-%m-%d", "day"),
        )
        for pattern, fmt, precision in formats:
            if re.fullmatch(pattern, text):
                try:
                    dt.datetime.strptime(text, fmt)
                except ValueError:
                    break
                return PublicationDate(text, precision)
        self.fail(path, f'"{value}" is not a date; write YYYY, YYYY-MM or YYYY-MM-DD')
        return None

    def language(self, value: Any, path: str) -> str | None:
        if value is None:
            return None
        text = str(value).strip()
        if _LANGUAGE.fullmatch(text):
            return text
        self.fail(path, f'"{value}" is not a BCP 47 language tag; write it like "en" or "pt-BR"')
        return None

    def isbn(self, data: Mapping[str, Any], path: str) -> Isbn | None:
        raw = str(data["value"])
        compact = stdnum_isbn.compact(raw)
        if re.fullmatch(r"97[89][0-9]{10}", compact):
            return Isbn(compact, data.get("format"))
        if re.fullmatch(r"[0-9]{9}[0-9X]", compact):
            try:
                return Isbn(stdnum_isbn.to_isbn13(stdnum_isbn.validate(compact)), data.get("format"))
            except StdnumError:
                self.fail(f"{path}.value", f'ISBN-10 "{raw}" has a wrong check digit; check it')
                return None
        self.fail(f"{path}.value", f'"{raw}" is not an ISBN; give 13 digits (978… or 979…)')
        return None

    def doi(self, value: Any, path: str) -> str | None:
        if value is None:
            return None
        text = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", str(value).strip(), flags=re.I)
        if _DOI.fullmatch(text):
            return text
        self.fail(path, f'"{value}" is not a DOI; write it like "10.1515/9780824862039"')
        return None

    def url(self, value: Any, path: str) -> str | None:
        if value is None:
            return None
        text = str(value).strip()
        if _ABSOLUTE_URL.fullmatch(text):
            return text
        self.fail(path, f'"{value}" is not an absolute http(s) URL')
        return None

    def license(self, value: Any, path: str) -> str | None:
        if value is None:
            return None
        text = str(value).strip()
        if _ABSOLUTE_URL.fullmatch(text):
            return text
        if _SPDX_ID.fullmatch(text):
            return f"https://spdx.org/licenses/{text}"
        self.fail(path, f'"{value}" is not a licence URL or SPDX identifier (e.g. CC-BY-4.0)')
        return None

    def orcid(self, value: Any, path: str) -> str | None:
        if value is None:
            return None
        text = re.sub(r"^https?://orcid\.org/", "", str(value).strip())
        if _ORCID.fullmatch(text) and mod_11_2.is_valid(text.replace("-", "")):
            return text
        self.fail(path, f'"{value}" is not a valid ORCID iD (0000-0002-1825-0097)')
        return None

    def isni(self, value: Any, path: str) -> str | None:
        if value is None:
            return None
        text = re.sub(r"^https?://isni\.org/isni/|\s", "", str(value).strip())
        if _ISNI.fullmatch(text) and mod_11_2.is_valid(text):
            return text
        self.fail(path, f'"{value}" is not a valid ISNI (16 characters, check digit last)')
        return None

    def viaf(self, value: Any, path: str) -> str | None:
        if value is None:
            return None
        text = re.sub(r"^https?://viaf\.org/viaf/", "", str(value).strip()).rstrip("/")
        if re.fullmatch(r"[1-9][0-9]{0,21}", text):
            return text
        self.fail(path, f'"{value}" is not a VIAF identifier (digits)')
        return None

    def wikidata(self, value: Any, path: str) -> str | None:
        if value is None:
            return None
        text = re.sub(r"^https?://www\.wikidata\.org/(wiki|entity)/", "", str(value).strip())
        if _WIKIDATA.fullmatch(text):
            return text
        self.fail(path, f'"{value}" is not a Wikidata item (Q followed by digits)')
        return None


def book_from_dict(
    data: Mapping[str, Any],
    source: str = "<record>",
    lines: Mapping[str, int] | None = None,
) -> Book:
    """Parse one structurally valid record into a Book; raise RecordErrors listing every problem."""
    lines = dict(lines or {})
    parser = _Parser(source, lambda path: nearest_line(lines, path))
    book = parser.book(data)
    if parser.problems:
        raise RecordErrors(sorted(parser.problems, key=lambda p: (p.line or 0, p.field)))
    return dataclasses.replace(book, source=source, lines=lines)


def book_to_dict(book: Book) -> dict[str, Any]:
    """The canonical record of a book: only the fields that have a value, in schema order."""
    out: dict[str, Any] = {"id": book.id, "title": book.title}
    _put(out, "subtitle", book.subtitle)
    _put(out, "contributors", [_contributor_to_dict(c) for c in book.contributors])
    if book.publisher:
        _put(out, "publisher", _compact({"name": book.publisher.name, "place": book.publisher.place}))
    _put(out, "published", book.published.text if book.published else None)
    _put(out, "language", book.language)
    _put(out, "description", book.description)
    _put(out, "isbn", [_compact({"value": i.value, "format": i.format}) for i in book.isbns])
    _put(out, "doi", book.doi)
    _put(out, "url", book.url)
    _put(out, "subjects", list(book.subjects))
    _put(out, "license", book.license)
    _put(out, "chapters", [_chapter_to_dict(ch) for ch in book.chapters])
    return out


def _chapter_to_dict(chapter: Chapter) -> dict[str, Any]:
    pdf = chapter.pdf
    return _compact(
        {
            "label": chapter.label,
            "title": chapter.title,
            "kind": chapter.kind,
            "pages": chapter.pages.pagination if chapter.pages else None,
            "contributors": [_contributor_to_dict(c) for c in chapter.contributors],
            "pdf": _compact({"size": pdf.size, "url": pdf.url}) if pdf else None,
            "excerpt": chapter.excerpt,
            "doi": chapter.doi,
        }
    )


def _contributor_to_dict(person: Contributor) -> dict[str, Any]:
    ids = person.identifiers
    return _compact(
        {
            "name": person.name,
            "role": person.role,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "identifiers": _compact(
                {"orcid": ids.orcid, "isni": ids.isni, "viaf": ids.viaf, "wikidata": ids.wikidata}
            ),
        }
    )


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value not in (None, [], {})}


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    if value not in (None, [], {}, ""):
        out[key] = value


# Words that name a kind of entry when they open its label or title ("Conclusion: Why…").
_KIND_WORDS: tuple[tuple[str, str], ...] = (
    (r"title page|half[- ]title|copyright( page)?|title page, copyright", "title-page"),
    (r"dedication", "dedication"),
    (r"(table of )?contents", "contents"),
    (r"list of (illustrations|figures|maps|plates)", "list-of-figures"),
    (r"list of tables", "list-of-tables"),
    (r"foreword", "foreword"),
    (r"prefaces?( to the [a-z ]+ edition)?", "preface"),
    (r"acknowledge?ments?", "acknowledgements"),
    (r"abstract", "abstract"),
    (r"prologue", "prologue"),
    (r"introduction", "introduction"),
    (r"conclusions?|concluding remarks", "conclusion"),
    (r"epilogue", "epilogue"),
    (r"afterword", "afterword"),
    (r"appendix( [a-z0-9]+)?|appendices", "appendix"),
    (r"(end)?notes", "notes"),
    (r"glossary", "glossary"),
    (r"(select(ed)? )?bibliography|references|works cited", "bibliography"),
    (r"(general |subject |name )?index", "index"),
    (r"colophon", "colophon"),
    (r"(about the|notes on( the)?) (authors?|contributors|editors?)|contributors", "back-matter"),
)
_KIND_PATTERN = [
    (re.compile(rf"(?:{words})(?:\s*[:.—–-]\s.*|\s*[:.])?", re.IGNORECASE), kind)
    for words, kind in _KIND_WORDS
]


def told_kind(chapter: Chapter) -> str | None:
    """The kind the record gives or the label or title names; None when it is not told."""
    if chapter.kind:
        return chapter.kind
    if chapter.label and re.fullmatch(r"(chapter\s+)?([0-9]+|[IVXLCDM]+)\.?", chapter.label, re.I):
        return "chapter"
    for text in (chapter.label, chapter.title):
        if text:
            for pattern, kind in _KIND_PATTERN:
                if pattern.fullmatch(text):
                    return kind
    return None


def inferred_matter(book: Book) -> list[str | None]:
    """For entries whose kind is not told, the principal part their place suggests.

    Roman-numbered pages are front matter (as DoCO notes); an entry after the last told
    body entry is back matter. Everything else stays unknown rather than guessed.
    """
    told = [told_kind(ch) for ch in book.chapters]
    body = [i for i, kind in enumerate(told) if kind and KINDS[kind].matter == "body"]
    last_body = body[-1] if body else None
    out: list[str | None] = []
    for i, (chapter, kind) in enumerate(zip(book.chapters, told, strict=True)):
        if kind is not None:
            out.append(None)
        elif chapter.pages is not None and chapter.pages.is_roman:
            out.append("front")
        elif last_body is not None and i > last_body:
            out.append("back")
        else:
            out.append(None)
    return out
