"""One Crossref book work with its chapter works -> the fields of a bookrdf record."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import takewhile
from typing import Any

from stdnum import isbn as stdnum_isbn

from bookrdf.errors import Problem
from bookrdf.importers.crossref.markup import plain_text
from bookrdf.importers.origins import Origin
from bookrdf.model import roman_to_int

ROLES = {"author": "author", "editor": "editor", "translator": "translator"}
# Keys about the deposit, not the book: skipped without a word (see docs/importers.md).
DEPOSIT = {"indexed", "reference-count", "source", "is-referenced-by-count", "prefix", "member",
           "created", "deposited", "score", "references-count", "content-domain", "link",
           "short-container-title", "relation", "reference", "update-policy", "assertion",
           "published-online", "published-other", "posted", "accepted", "approved", "archive",
           "alternative-id", "URL", "type"}  # fmt: skip
_DATES = ("published", "published-print", "issued")
_BOOK_KEYS = {"DOI", "title", "subtitle", *ROLES, "publisher", "publisher-location", *_DATES,
              "language", "abstract", "ISBN", "isbn-type", "license", "subject",
              "resource"}  # fmt: skip
# A chapter repeats its book's publisher, dates, licence…: they are read from the book.
_CHAPTER_KEYS = _BOOK_KEYS | {"page", "container-title"}
_PERSON_KEYS = {"given", "family", "name", "suffix", "ORCID", "authenticated-orcid", "sequence"}
_LABELLED = re.compile(
    r"(?:(?P<word>(?i:chapter|part)\s+(?:[0-9]+|[IVXLC]+))[.:]|(?P<number>[0-9]+|[IVXLC]+)\.)"
    r"\s+(?P<title>\S.*)"
)
_INITIAL = re.compile(r"[A-Z]\.\s")
Record = tuple[dict[str, Any], dict[str, Origin]]


@dataclass(frozen=True)
class Work:
    """One work as Crossref gives it, with the file and line of its "DOI" key."""

    source: str
    line: int | None
    data: dict[str, Any]

    @property
    def doi(self) -> str:
        return str(self.data.get("DOI") or "")

    def origin(self, key: str = "") -> Origin:
        return Origin(self.source, self.line, key)


@dataclass
class Fields:
    """Builds record fields from works, warning about every value that has no field."""

    warnings: list[Problem] = field(default_factory=list)

    def warn(self, work: Work, key: str, message: str) -> None:
        self.warnings.append(Problem(work.source, work.line, key, message))

    def unmapped(self, work: Work, key: str, value: Any) -> None:
        text = shown(value)
        self.warn(work, key, f"{text} of {work.doi} has no field in a bookrdf record; left out")

    def record(self, book: Work, chapters: list[Work]) -> Record:
        """A book's record fields, and the key and line each came from."""
        d = book.data
        data: dict[str, Any] = {}
        origins = {"": book.origin()}

        def put(path: str, key: str, value: Any) -> None:
            origins[path] = book.origin(key)
            if value not in (None, "", [], {}):
                data[path] = value

        self.report_unmapped(book, _BOOK_KEYS)
        found = isbns(d)
        title = self.first(book, "title")
        put("id", "DOI", book_id(found, book.doi, title or ""))
        put("title", "title", title)
        put("subtitle", "subtitle", self.first(book, "subtitle"))
        people = self.people(book, "contributors", origins)
        put("contributors", "author", people)
        texts = {
            "name": self.text(book, "publisher"),
            "place": self.text(book, "publisher-location"),
        }
        put("publisher", "publisher", {key: text for key, text in texts.items() if text})
        origins["publisher.place"] = book.origin("publisher-location")
        published, date_key = _date(d)
        put("published", date_key, published)
        for key, value in odd_dates(d):
            text = shown(value)
            message = f'{text} of {book.doi} is not a date like {{"date-parts": [[2019, 3]]}}'
            self.warn(book, key, f"{message}; left out")
        put("language", "language", d.get("language"))
        put("description", "abstract", self.text(book, "abstract", paragraphs=True))
        for index, (_, fmt) in enumerate(found):
            origins[f"isbn[{index}]"] = book.origin("isbn-type" if fmt else "ISBN")
        put("isbn", "ISBN", [{"value": v} | ({"format": f} if f else {}) for v, f in found])
        put("doi", "DOI", book.doi)
        put("url", "resource", _landing_page(d))
        put("subjects", "subject", [plain_text(s) for s in strings(d.get("subject"))])
        put("license", "license", self.license(book))
        # Crossref repeats a volume's editors on each of its chapters (Springer's do): they
        # are the book's editors, read from the book, not editors of every chapter
        editors = frozenset(_name_key(p["name"]) for p in people if p["role"] == "editor")
        entries = [
            self.chapter(ch, f"chapters[{i}]", origins, editors) for i, ch in enumerate(chapters)
        ]
        put("chapters", "", entries)
        return data, origins

    def chapter(
        self, work: Work, path: str, origins: dict[str, Origin], book_editors: frozenset[str]
    ) -> dict[str, Any]:
        self.report_unmapped(work, _CHAPTER_KEYS)
        origins[path] = work.origin()
        for name, key in (("title", "title"), ("label", "title"), ("pages", "page"),
                          ("excerpt", "abstract"), ("doi", "DOI")):  # fmt: skip
            origins[f"{path}.{name}"] = work.origin(key)
        title, subtitle = self.first(work, "title"), self.first(work, "subtitle")
        # a chapter has one title field: a subtitle joins it as printed in the contents
        label, title = label_title(f"{title}: {subtitle}" if title and subtitle else title)
        entry = {
            "label": label,
            "title": title,
            "pages": self.text(work, "page"),
            "contributors": self.people(work, f"{path}.contributors", origins, book_editors),
            # a chapter abstract is the entry's description, as an excerpt is
            "excerpt": self.text(work, "abstract", paragraphs=True),
            "doi": work.doi or None,
        }
        return {key: value for key, value in entry.items() if value}

    def report_unmapped(self, work: Work, known: set[str]) -> None:
        for key, value in work.data.items():
            if key not in known and key not in DEPOSIT and value not in (None, "", [], {}):
                self.unmapped(work, key, value)
        for key, value in odd_isbns(work.data):
            text = json.dumps(value, ensure_ascii=False)
            message = f"{text} of {work.doi} is not an ISBN (a string or digits); left out"
            self.warn(work, key, message)
        for key in ("title", "subtitle"):
            for extra in strings(work.data.get(key))[1:]:
                self.unmapped(work, key, extra)
        for key in ("title", "subtitle", "subject", "container-title"):
            value = work.data.get(key)
            for item in value if isinstance(value, list) else [value]:
                if item is not None and not isinstance(item, str):
                    self.not_text(work, key, item)

    def not_text(self, work: Work, key: str, value: Any) -> None:
        text = shown(value)
        self.warn(work, key, f"{text} of {work.doi} is not text; left out")

    def text(self, work: Work, key: str, paragraphs: bool = False) -> str | None:
        """A key's text without markup; any other JSON value is reported, not dropped unseen."""
        return self.text_of(work, key, work.data.get(key), paragraphs)

    def text_of(self, work: Work, key: str, value: Any, paragraphs: bool = False) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool) and key == "page":
            value = str(value)  # "page": 12
        if value is not None and not isinstance(value, str):
            self.not_text(work, key, value)
            return None
        return plain_text(value, paragraphs=paragraphs)

    def first(self, work: Work, key: str) -> str | None:
        values = strings(work.data.get(key))
        return plain_text(values[0]) if values else None

    def people(
        self,
        work: Work,
        path: str,
        origins: dict[str, Origin],
        book_editors: frozenset[str] = frozenset(),
    ) -> list[dict[str, Any]]:
        """A work's contributors in order, but for editors that are its book's editors."""
        out: list[dict[str, Any]] = []
        for key, role in ROLES.items():
            people = work.data.get(key)
            if people and not isinstance(people, list):
                self.unmapped(work, key, people)
                continue
            for raw in people or []:
                person = self.person(work, key, raw)
                if person and not (role == "editor" and _name_key(person["name"]) in book_editors):
                    origins[f"{path}[{len(out)}]"] = work.origin(key)
                    out.append(person | {"role": role})
        return out

    def person(self, work: Work, key: str, raw: Any) -> dict[str, Any] | None:
        if not isinstance(raw, dict):
            self.unmapped(work, key, raw)
            return None
        given, family, name, suffix = (
            self.text_of(work, f"{key}.{part}", raw.get(part))
            for part in ("given", "family", "name", "suffix")
        )
        full = name or " ".join(part for part in (given, family, suffix) if part)
        if not full:
            self.unmapped(work, key, raw)
            return None
        for extra, value in raw.items():
            if extra not in _PERSON_KEYS and value not in (None, "", [], {}):
                self.unmapped(work, f"{key}.{extra}", value)
        out: dict[str, Any] = {"name": full, "given_name": given, "family_name": family}
        # Crossref's JSON gives a person as given + family, and an organisation (a deposit's
        # <organization> contributor: a consortium, a working group) as a name alone.
        if name and not (given or family):
            out["kind"] = "organization"
            if raw.get("ORCID"):
                orcid = f"{shown(raw['ORCID'])} of {work.doi}"
                why = "is an ORCID iD on an organisation, which names a person; left out"
                self.warn(work, f"{key}.ORCID", f"{orcid} {why}")
        elif raw.get("ORCID"):  # kept whether or not Crossref marks it authenticated
            out["identifiers"] = {"orcid": str(raw["ORCID"])}
        return {k: v for k, v in out.items() if v}

    def license(self, work: Work) -> str | None:
        """The licence of the version of record, else the first; others are reported."""
        listed = work.data.get("license")
        if listed and not isinstance(listed, list):
            self.unmapped(work, "license", listed)
            return None
        found = [x for x in listed or [] if isinstance(x, dict) and x.get("URL")]
        for odd in [x for x in found if not isinstance(x["URL"], str)]:
            self.not_text(work, "license", odd["URL"])  # 5 would become an SPDX licence "5"
        found = [x for x in found if isinstance(x["URL"], str)]
        vor = [x for x in found if x.get("content-version") == "vor"]
        kept = str((vor or found)[0]["URL"]) if found else None
        for other in sorted({str(x["URL"]) for x in found} - {kept}):
            self.warn(work, "license", f"{other} of {work.doi} is a second licence; one is kept")
        return kept


def shown(value: Any) -> str:
    """A JSON value as a message quotes it: at most 60 characters."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def strings(value: Any) -> list[str]:
    """The non-empty strings of a Crossref list (or of a lone string)."""
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, str) and item.strip()]


def isbns(data: dict[str, Any]) -> list[tuple[str, str | None]]:
    """(ISBN-13 when valid, format) from isbn-type, then those listed only under ISBN."""
    found: dict[str, str | None] = {}
    for raw, kind in _isbn_values(data):
        value = isbn_text(raw)
        if value:
            found.setdefault(_isbn13(value), kind if kind in ("print", "electronic") else None)
    return list(found.items())


@lru_cache(maxsize=4096)
def _isbn13(value: str) -> str:
    """An ISBN compacted, as ISBN-13 when valid: every chapter of a book repeats the book's
    ISBNs, and stdnum takes tens of microseconds for each."""
    compact = stdnum_isbn.compact(value)
    return str(stdnum_isbn.to_isbn13(compact)) if stdnum_isbn.is_valid(compact) else compact


def odd_isbns(data: dict[str, Any]) -> list[tuple[str, Any]]:
    """(key, value) of each ISBN that is neither a string nor a whole number: left out."""
    typed = data.get("isbn-type")
    entries = typed if isinstance(typed, list) else [] if typed is None else [typed]
    odd = [("isbn-type", entry) for entry in entries if not isinstance(entry, dict)]
    for raw, kind in _isbn_values(data):
        if raw not in (None, "") and isbn_text(raw) is None:
            odd.append(("ISBN" if kind is None else "isbn-type", raw))
    return odd


def isbn_text(value: Any) -> str | None:
    """An ISBN as text: a string, or a JSON number's digits ("ISBN": [9780824828097])."""
    if isinstance(value, str):
        return value if value.strip() else None
    # bool is an int to Python; a negative number would lose its sign to stdnum's compact()
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    return None


def _isbn_values(data: dict[str, Any]) -> list[tuple[Any, Any]]:
    """(value, isbn-type type) of every ISBN a work lists; None as type under ISBN."""
    typed = data.get("isbn-type")
    listed = typed if isinstance(typed, list) else []
    pairs = [(x.get("value"), x.get("type")) for x in listed if isinstance(x, dict)]
    plain = data.get("ISBN")
    return pairs + [(value, None) for value in (plain if isinstance(plain, list) else [plain])]


def book_id(found: list[tuple[str, str | None]], doi: str, title: str) -> str:
    """The print (else first valid) ISBN-13, as the MUSE importer does; else the DOI as a slug."""
    for isbn, _ in sorted(found, key=lambda pair: pair[1] in (None, "electronic")):
        if stdnum_isbn.is_valid(isbn):
            return isbn
    return re.sub(r"[^A-Za-z0-9._-]+", "-", doi or title).strip("-._")[:200] or "book"


def _landing_page(data: dict[str, Any]) -> Any:
    """resource.primary.URL: the landing page (the work's `URL` is only its DOI link)."""
    resource = data.get("resource")
    primary = resource.get("primary") if isinstance(resource, dict) else None
    return primary.get("URL") if isinstance(primary, dict) else None


def _date(data: dict[str, Any]) -> tuple[str | None, str]:
    """YYYY[-MM[-DD]] from the first of published, published-print, issued; and its key."""
    for key in _DATES:
        value = data.get(key)
        parts = value.get("date-parts") if isinstance(value, dict) else None
        first = parts[0] if isinstance(parts, list) and parts and isinstance(parts[0], list) else []
        numbers = [int(p) for p in takewhile(lambda p: str(p).isdigit(), first[:3])]
        if numbers:
            year, *rest = numbers
            return "-".join([f"{year:04d}", *(f"{n:02d}" for n in rest)]), key
    return None, "issued"


def odd_dates(data: dict[str, Any]) -> list[tuple[str, Any]]:
    """(key, value) of each date that is not date-parts of numbers (null: not known)."""
    odd = []
    for key in _DATES:
        value = data.get(key)
        parts = value.get("date-parts") if isinstance(value, dict) else None
        first = parts[0] if isinstance(parts, list) and parts else None
        if value is not None and not (
            isinstance(first, list) and all(p is None or str(p).isdigit() for p in first)
        ):
            odd.append((key, value))
    return odd


def label_title(text: str | None) -> tuple[str | None, str | None]:
    """A label printed before a title ('1. North Korea…', 'Chapter IV: …'), split off."""
    match = _LABELLED.fullmatch(text or "")
    number = match["number"] if match else None
    roman = number is not None and not number.isdigit()
    # "V. S. Naipaul remembered": an initial, not label V (as the MUSE and MARC readers judge)
    if not match or (
        roman and (roman_to_int(number or "") is None or _INITIAL.match(match["title"]))
    ):
        return None, text
    return match["word"] or number, match["title"]
