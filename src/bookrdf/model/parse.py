"""Parse a record's fields into a Book, once, reporting every problem with its field and line."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from stdnum import isbn as stdnum_isbn
from stdnum import isni as stdnum_isni
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.iso7064 import mod_11_2

from bookrdf.errors import Problem, RecordErrors
from bookrdf.model.pages import page_range
from bookrdf.model.values import (
    Book,
    Chapter,
    Contributor,
    DatePrecision,
    Identifiers,
    Isbn,
    PageRange,
    Pdf,
    PublicationDate,
    Publisher,
    nearest_line,
)
from bookrdf.vocab import DOCUMENT_SUFFIXES, KINDS, iri_problem

Locate = Callable[[str], int | None]

# RFC 5646's well-formed tags (case-insensitive): a 2-3 letter language (no 4-8 letter one is
# registered: "English" is no tag) with up to three extlangs, script,
# region, variants ("de-CH-1901"), extensions, private use ("en-US-x-twain"), and the grandfathered
# tags the syntax does not cover. shapes/work.ttl checks the same pattern.
_LANGUAGE = re.compile(
    r"[a-z]{2,3}(-[a-z]{3}){0,3}(-[a-z]{4})?(-([a-z]{2}|[0-9]{3}))?"
    r"(-([a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*(-[0-9a-wyz](-[a-z0-9]{2,8})+)*(-x(-[a-z0-9]{1,8})+)?"
    r"|x(-[a-z0-9]{1,8})+"
    r"|en-gb-oed|i-(ami|bnn|default|enochian|hak|klingon|lux|mingo|navajo|pwn|tao|tay|tsu)"
    r"|sgn-(be-fr|be-nl|ch-de)",
    re.IGNORECASE,
)
_DOI = re.compile(r"10\.[0-9]{4,9}/[^\s]+")
# A clean host; the rest may hold spaces or non-ASCII letters, percent-encoded when written.
_ABSOLUTE_URL = re.compile(r"https?://[^\s/?#<>\"{}|\\^`%]+([/?#][^\x00-\x1f\x7f]*)?")
_SPDX_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+-]*")
_ORCID = re.compile(r"[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]")
_ISNI = re.compile(r"[0-9]{15}[0-9X]")
_WIKIDATA = re.compile(r"Q[1-9][0-9]*")
# As printed, thousands separated or not ("1,024 KB"); the shapes check the same pattern.
_FILE_SIZE = re.compile(
    r"([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]+)? ?(B|bytes|KB|kB|MB|GB|KiB|MiB|GiB)"
)


_PAGES_WORD = re.compile(r"^pp?(\.\s*|\s+)")
# Invisible characters copied in at the ends of a text (a byte order mark, a zero-width space or
# word joiner), trimmed like spaces: "\ufeffTitle" is the title "Title", which search finds.
# Direction marks stay: they settle where an RTL title's last punctuation is shown.
# (str.strip with these and every space: a regex anchored at the end, "[…]+$", is tried at
# every space of a text, so a text with a long run of spaces inside took minutes)
_EDGES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + "\u200b\u2060\ufeff"


class _Parser:
    """Turns one validated record dict into a Book, collecting every problem."""

    def __init__(self, source: str, locate: Locate) -> None:
        self.source = source
        self.locate = locate
        self.problems: list[Problem] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.source, self.locate(path), path, message))

    def text(self, value: Any) -> str | None:
        if value is None:
            return None
        return " ".join(str(value).strip(_EDGES).split()) or None

    def book_id(self, book_id: str) -> str:
        stem, dot, suffix = book_id.rpartition(".")
        if dot and stem and suffix in DOCUMENT_SUFFIXES:
            message = (
                f'"{book_id}" ends like a document of the book\'s Linked Data page (.{suffix}); '
                "choose an id without that ending"
            )
            self.fail("id", message)
        return book_id

    def required(self, value: Any, path: str, what: str) -> str:
        """A field the record cannot do without: blank text is a problem, not an empty name."""
        text = self.text(value)
        if text is None:
            self.fail(path, f"is blank; give {what}")
            return ""
        return text

    def long_text(self, value: Any) -> str | None:
        return None if value is None else str(value).strip(_EDGES) or None

    def book(self, data: Mapping[str, Any]) -> Book:
        chapters = tuple(
            self.chapter(ch, f"chapters[{i}]") for i, ch in enumerate(data.get("chapters") or [])
        )
        return Book(
            id=self.book_id(str(data["id"])),
            title=self.required(data["title"], "title", "the book's title"),
            subtitle=self.text(data.get("subtitle")),
            contributors=self.contributors(data.get("contributors"), "contributors"),
            publisher=self.publisher(data.get("publisher")),
            published=self.date(data.get("published"), "published"),
            language=self.language(data.get("language"), "language"),
            description=self.long_text(data.get("description")),
            isbns=self.isbns(data.get("isbn") or []),
            doi=self.doi(data.get("doi"), "doi"),
            url=self.url(data.get("url"), "url"),
            subjects=self.subjects(data.get("subjects") or []),
            license=self.license(data.get("license"), "license"),
            chapters=chapters,
        )

    def chapter(self, data: Mapping[str, Any], path: str) -> Chapter:
        kind = data.get("kind")
        if kind is not None and kind not in KINDS:
            self.fail(
                f"{path}.kind", f"{kind!r} is not a kind of entry; use one of {', '.join(KINDS)}"
            )
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
        kind = data.get("kind", "person")
        what = "the organisation's name" if kind == "organization" else "the person's name"
        contributor = Contributor(
            name=self.required(data["name"], f"{path}.name", what),
            role=data.get("role", "author"),
            given_name=self.text(data.get("given_name")),
            family_name=self.text(data.get("family_name")),
            identifiers=Identifiers(
                **{
                    scheme: self.identifier(scheme, ids.get(scheme), f"{path}.identifiers.{scheme}")
                    for scheme in ("orcid", "isni", "viaf", "wikidata")
                },
            ),
            kind=kind,
        )
        if contributor.is_organization:
            self.organization(contributor, path)
        return contributor

    def organization(self, contributor: Contributor, path: str) -> None:
        """What an organisation cannot have: a given or family name, an ORCID iD (a person's)."""
        for part in ("given_name", "family_name"):
            if getattr(contributor, part) is not None:
                self.fail(
                    f"{path}.{part}",
                    f"an organisation has no {part.replace('_', ' ')}; remove it, or drop "
                    "'kind: organization' if this is a person",
                )
        if contributor.identifiers.orcid:
            self.fail(
                f"{path}.identifiers.orcid",
                "an ORCID iD names a person, not an organisation; give its ISNI, VIAF or "
                "Wikidata id, or drop 'kind: organization' if this is a person",
            )

    def publisher(self, data: Mapping[str, Any] | None) -> Publisher | None:
        if data is None:
            return None
        name = self.required(data["name"], "publisher.name", "the publisher's name")
        return Publisher(name=name, place=self.text(data.get("place")))

    def pdf(self, data: Mapping[str, Any], path: str) -> Pdf:
        size = self.text(data.get("size"))
        if size is not None and not _FILE_SIZE.fullmatch(size):
            self.fail(f"{path}.size", f"{size!r} is not a file size; write it like '99.7 KB'")
            size = None
        return Pdf(size=size, url=self.url(data.get("url"), f"{path}.url"))

    def pages(self, value: Any, path: str) -> PageRange | None:
        if value is None:
            return None
        # "pp. 7-25", "pp 7-25", "p. v" and a catalogue's closing full stop ("7-25.") are not pages
        text = _PAGES_WORD.sub("", str(value).strip()).removesuffix(".").strip()
        try:
            return page_range(text)
        except ValueError as advice:
            self.fail(path, f'"{value}" is not a page range; {advice}')
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
                    # right form, but no such day ("2005-02-30") or year ("0000")
                    self.fail(path, f'"{value}" is not a {precision} of the calendar; check it')
                    return None
                return PublicationDate(text, precision)
        self.fail(path, f'"{value}" is not a date; write YYYY, YYYY-MM or YYYY-MM-DD')
        return None

    def language(self, value: Any, path: str) -> str | None:
        return self.checked("language", value, path)

    def isbns(self, items: Sequence[Mapping[str, Any]]) -> tuple[Isbn, ...]:
        found: dict[str, Isbn] = {}
        for index, raw in enumerate(items):
            isbn = self.isbn(raw, f"isbn[{index}]")
            if isbn is None:
                continue
            if isbn.value in found:
                self.fail(f"isbn[{index}].value", f"ISBN {isbn.value} is listed twice; keep one")
                continue
            found[isbn.value] = isbn
        return tuple(found.values())

    def isbn(self, data: Mapping[str, Any], path: str) -> Isbn | None:
        raw = str(data["value"])
        compact = stdnum_isbn.compact(raw)
        if re.fullmatch(r"97[89][0-9]{10}", compact):
            return Isbn(compact, data.get("format"))
        if re.fullmatch(r"[0-9]{9}[0-9X]", compact):
            try:
                return Isbn(
                    stdnum_isbn.to_isbn13(stdnum_isbn.validate(compact)), data.get("format")
                )
            except StdnumError:
                self.fail(f"{path}.value", f'ISBN-10 "{raw}" has a wrong check digit; check it')
                return None
        self.fail(f"{path}.value", f'"{raw}" is not an ISBN; give 13 digits (978… or 979…)')
        return None

    def doi(self, value: Any, path: str) -> str | None:
        return self.checked("doi", value, path)

    def url(self, value: Any, path: str) -> str | None:
        return self.writable(self.checked("url", value, path), path)

    def writable(self, iri: str | None, path: str) -> str | None:
        """An IRI that stays one once written (brackets and a second '#' are escaped then);
        None, and a problem, for a host or port no RDF parser takes."""
        problem = None if iri is None else iri_problem(iri)
        if problem is None:
            return iri
        self.fail(path, f'"{iri}" is not a usable IRI ({problem}); fix its host or port')
        return None

    def subjects(self, items: Sequence[Any]) -> tuple[str, ...]:
        out = []
        for index, item in enumerate(items):
            text = self.text(item)
            if text and text.startswith(("http://", "https://")):
                text = self.writable(text, f"subjects[{index}]")
            if text:
                out.append(text)
        return tuple(out)

    def license(self, value: Any, path: str) -> str | None:
        if value is None:
            return None
        text = str(value).strip()
        if _ABSOLUTE_URL.fullmatch(text):
            return self.writable(text, path)
        if _SPDX_ID.fullmatch(text):
            return f"https://spdx.org/licenses/{text}"
        self.fail(path, f'"{value}" is not a licence URL or SPDX identifier (e.g. CC-BY-4.0)')
        return None

    def identifier(self, scheme: str, value: Any, path: str) -> str | None:
        return self.checked(scheme, value, path)

    def checked(self, kind: str, value: Any, path: str) -> str | None:
        """A value normalised and checked by its rule in _RULES; None (and a problem) if bad."""
        if value is None:
            return None
        rule = _RULES[kind]
        text = (
            rule.strip.sub("", str(value).strip()).rstrip("/") if rule.strip else str(value).strip()
        )
        if rule.normalise is not None:
            text = rule.normalise(text)
        if rule.pattern.fullmatch(text) and (rule.check is None or rule.check(text)):
            return text
        self.fail(path, f'"{value}" {rule.message}')
        return None


@dataclass(frozen=True)
class _Rule:
    """How to read one kind of identifier: what to strip, its pattern, its check digit."""

    pattern: re.Pattern[str]
    message: str
    strip: re.Pattern[str] | None = None
    check: Callable[[str], bool] | None = None
    # the identifier's one written form, from the ways it is written in the wild
    normalise: Callable[[str], str] | None = None


_RULES: dict[str, _Rule] = {
    "language": _Rule(_LANGUAGE, 'is not a BCP 47 language tag; write it like "en" or "pt-BR"'),
    "doi": _Rule(
        _DOI,
        'is not a DOI; write it like "10.1515/9780824862039"',
        re.compile(r"^(https?://(dx\.)?doi\.org/|doi:)", re.I),
    ),
    "url": _Rule(_ABSOLUTE_URL, "is not an absolute http(s) URL"),
    "orcid": _Rule(
        _ORCID,
        "is not a valid ORCID iD (0000-0002-1825-0097)",
        re.compile(r"^https?://orcid\.org/"),
        lambda text: bool(mod_11_2.is_valid(text.replace("-", ""))),
        str.upper,  # a check digit "x" is the X ORCID writes
    ),
    "isni": _Rule(
        _ISNI,
        "is not a valid ISNI (16 characters, check digit last)",
        re.compile(r"^https?://isni\.org/isni/"),
        stdnum_isni.is_valid,
        stdnum_isni.compact,  # "0000 0001 2103 2683", "0000-0001-2103-268x"
    ),
    "viaf": _Rule(
        re.compile(r"[1-9][0-9]{0,21}"),
        "is not a VIAF identifier (digits)",
        re.compile(r"^https?://viaf\.org/viaf/"),
    ),
    "wikidata": _Rule(
        _WIKIDATA,
        "is not a Wikidata item (Q followed by digits)",
        re.compile(r"^https?://www\.wikidata\.org/(wiki|entity)/"),
        normalise=str.upper,  # "q42" is item Q42
    ),
}


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
