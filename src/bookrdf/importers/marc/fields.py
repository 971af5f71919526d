"""One MARC 21 bibliographic record -> record fields with their lines, and what it could not map.

Control numbers and codes (001-007, 009, 010-049 but 020, 024 and 041) and local fields
(9XX) are bookkeeping and are not reported; any other field or subfield left unread is.
"""

from __future__ import annotations

import re
from typing import Any

from pymarc import Field, Record

from bookrdf.errors import Problem
from bookrdf.importers.identifiers import book_id, isbn_key
from bookrdf.importers.marc.contents import chapters_from
from bookrdf.importers.marc.isbd import bare, unbracket
from bookrdf.importers.marc.languages import bcp47
from bookrdf.importers.marc.names import contributor, people_from_statement
from bookrdf.importers.marc.reader import MarcRecord

_SUBJECTS = {"600", "610", "611", "630", "648", "650", "651"}
_PEOPLE = ("100", "110", "111", "700", "710", "711")
_KEEP_QUIET = {"020": "c68", "245": "c68", "264": "368", "260": "368", "520": "68"}
_SET_ISBN = "the ISBN of the set this book belongs to, not of this book (its 300 gives no volumes)"
_FORMATS = (  # 020 qualifiers, first match wins; "alk. paper" names the paper, not a binding
    ("electronic", r"e-?book|ebk|electronic|online|pdf|epub|e-isbn|kindle|mobi"),
    ("paperback", r"pbk|paperback|softcover|soft cover|paper"),
    ("hardcover", r"hbk|hardcover|hardback|hard cover|cloth|hc"),
)


class Mapper:
    """Reads one record into record fields, remembering every warning."""

    def __init__(self, found: MarcRecord) -> None:
        self.found = found
        self.data: dict[str, Any] = {}
        self.lines: dict[str, int] = {"": found.line} if found.line else {}
        self.tags: dict[str, str] = {}  # record field path -> the MARC tag it was read from
        self.warnings = [self.problem(None, "", _pymarc_note(note)) for note in found.notes]
        for line, tag, message in found.skipped:
            where = f"record {found.number}" + (f" {tag}" if tag else "")
            self.warnings.append(Problem(found.source, line, where, message))
        if found.utf8_despite_leader:
            message = (
                "leader position 09 says MARC-8 (blank), but the record is UTF-8 with no MARC-8 "
                "escape; read as UTF-8: set leader/09 to 'a' in the catalogue"
            )
            self.warn(None, "", message)

    def problem(self, field: Field | None, code: str, message: str) -> Problem:
        where = f"record {self.found.number}"
        if field is not None:
            where += f" {field.tag}" + (f"${code}" if code else "")
        return Problem(self.found.source, self.found.line_of(field), where, message)

    def warn(self, field: Field | None, code: str, message: str) -> None:
        self.warnings.append(self.problem(field, code, message))

    def left_out(self, field: Field, code: str = "", value: str | None = None) -> None:
        text = value if value is not None else field.value() if not code else field.get(code, "")
        text = text if len(text) <= 80 else text[:77] + "..."
        self.warn(field, code, f'"{text}" has no place in a bookrdf record; left out')

    def put(self, path: str, value: Any, field: Field | None) -> None:
        if value not in (None, "", [], {}):
            self.data[path] = value
            self.came_from(path, field)

    def came_from(self, path: str, field: Field | None) -> None:
        """Note the MARC field (and its line) a record field was read from."""
        line = self.found.line_of(field)
        if line:
            self.lines.setdefault(path, line)
        if field is not None:
            self.tags.setdefault(path, field.tag)

    def unread(self, field: Field, codes: str) -> None:
        """Report the subfields of a mapped field that its mapping does not read."""
        quiet = codes + _KEEP_QUIET.get(field.tag, "68")
        for code, value in field.subfields:
            if code not in quiet:
                self.left_out(field, code, value.strip())


def map_record(found: MarcRecord) -> tuple[dict[str, Any], Mapper]:
    """The record fields of one MARC record, and what was noted reading them (their lines and
    MARC tags, the warnings)."""
    read = Mapper(found)
    record = found.record
    handled = {"008", "020", "024", "041", "245", "260", "264", "505", "520", "540", "653", "856"}
    handled |= _SUBJECTS | set(_PEOPLE)
    _isbns(read, record.get_fields("020"), _in_volumes(record.get_fields("300")))
    _title(read, record.get_fields("245"), any(record.get_fields(*_PEOPLE)))
    people: list[dict[str, Any]] = list(read.data.pop("contributors", []))
    for field in record.get_fields(*_PEOPLE):
        for person in contributor(field, read.warn):
            read.came_from(f"contributors[{len(people)}]", field)
            people.append(person)
    read.data["contributors"] = people
    _publication(read, record)
    _language(read, record)
    _notes(read, record)
    _subjects(read, record)
    read.data["chapters"] = chapters_from(record.get_fields("505"), read.warn)
    read.tags["chapters"] = "505"
    for field in record.fields:
        if field.tag not in handled and not _bookkeeping(field.tag):
            read.left_out(field)
    isbns = read.data.get("isbn", [])
    read.data["id"] = book_id(isbns, str(read.data.get("title", "")))
    data = {key: value for key, value in read.data.items() if value not in (None, "", [], {})}
    read.warnings.sort(key=lambda problem: problem.field)
    return data, read


def _pymarc_note(note: str) -> str:
    """What pymarc said while reading a record, in bookrdf's words where it is a known case."""
    byte = re.fullmatch(r"Unable to parse character (0x[0-9a-f]+) in g0=.*", note)
    if byte:
        return f"MARC-8 byte {byte[1]} stands for no character; pymarc read it as a space"
    return f"pymarc: {note}"


def _bookkeeping(tag: str) -> bool:
    return tag < "010" or (tag < "050" and tag not in ("020", "024", "041")) or tag >= "900"


_SET = re.compile(r"\bset\b", re.I)
# "3 v.", "two volumes"; not "1 v. (xii, 300 p.)", which some catalogues write for one volume
_VOLUMES = re.compile(
    r"^\s*(?:[2-9]|[1-9][0-9]+|two|three|four|five|six|seven|eight|nine|ten)\s+v(?:ols?|olumes?)?\b",
    re.I,
)


def _in_volumes(fields: list[Field]) -> bool:
    """Whether 300 $a gives the extent in volumes: the record describes a multi-volume set."""
    return any(_VOLUMES.match(value) for field in fields for value in field.get_subfields("a"))


def _isbns(read: Mapper, fields: list[Field], whole_set: bool) -> None:
    """020 $a ISBNs with the binding or medium their qualifiers ($q, or "(pbk.)" in $a) name.
    A volume's record carries its set's ISBN too, qualified "set": that ISBN names the set,
    and kept it would be every volume's (one edition claimed by several books)."""
    found: dict[str, dict[str, str]] = {}
    for field in fields:
        for value in field.get_subfields("z"):
            read.warn(field, "z", f'"{value.strip()}" is a cancelled or invalid ISBN; not imported')
        for value in field.get_subfields("a"):
            # older records write "ISBN 0824828097" in $a
            match = re.match(
                r"\s*(?:ISBN(?:-1[03])?:?\s*)?([0-9Xx][0-9Xx -]{8,16}[0-9Xx])\s*(.*)", value, re.I
            )
            if not match:
                read.warn(field, "a", f'"{value.strip()}" is not an ISBN; left out')
                continue
            qualifiers = " ".join([match[2], *field.get_subfields("q")])
            if _SET.search(qualifiers) and not whole_set:
                read.warn(field, "a", f'"{value.strip()}" is {_SET_ISBN}; left out')
                continue
            isbn = re.sub(r"[ -]", "", match[1]).upper()
            key = isbn_key(isbn)
            fmt = _format(qualifiers)
            if key not in found:
                read.came_from(f"isbn[{len(found)}]", field)
                found[key] = {"value": isbn, "format": fmt}
            elif found[key]["format"] == "print":  # the same ISBN as ISBN-10 and ISBN-13
                found[key]["format"] = fmt
        read.unread(field, "azq")
    read.data["isbn"] = list(found.values())


def _format(qualifiers: str) -> str:
    text = re.sub(r"(alk(aline)?\.?|acid[- ]free)\s+paper", "", qualifiers.lower())
    for fmt, words in _FORMATS:
        if re.search(rf"\b(?:{words})\b", text):
            return fmt
    return "print"


def _title(read: Mapper, fields: list[Field], has_people: bool) -> None:
    """245: $a (with $n $p) title, $b subtitle; $c names the people only if no 1XX/7XX does."""
    if not fields:
        return
    field = fields[0]
    parts = [bare(v) for code, v in field.subfields if code in "anp" and bare(v)]
    read.put("title", ". ".join(parts), field)
    read.put("subtitle", bare(field.get("b", "")) or None, field)
    statement = bare(field.get("c", ""))
    if statement and not has_people:
        people = people_from_statement(statement)
        if people:
            read.put("contributors", people, field)
        else:
            read.warn(field, "c", f'"{statement}" does not read as names; left out')
    read.unread(field, "abcnp")
    for extra in fields[1:]:
        read.left_out(extra)


def _publication(read: Mapper, record: Record) -> None:
    """264 _1 (else 260): place, publisher, year; else the year of 008/07-10."""
    fields = [f for f in record.get_fields("264") if f.indicator2 == "1"] or record.get_fields(
        "260"
    )
    others = [f for f in record.get_fields("264", "260") if f not in fields[:1]]
    if fields:
        field = fields[0]
        names = [unbracket(v) for v in field.get_subfields("b")]
        places = [unbracket(v) for v in field.get_subfields("a")]
        if names and names[0]:
            place = places[0] if places else None
            read.put("publisher", {"name": names[0]} | ({"place": place} if place else {}), field)
        for extra in [*field.get_subfields("a")[1:], *field.get_subfields("b")[1:]]:
            read.left_out(field, "", extra.strip())
        dates = field.get_subfields("c")
        year = re.search(r"[0-9]{4}", " ".join(dates))
        if year:
            read.put("published", year[0], field)
        elif dates:
            read.warn(field, "c", f'"{dates[0].strip()}" names no year; left out')
        read.unread(field, "abc")
    fixed = _fixed(record)
    if "published" not in read.data and re.fullmatch(r"[0-9]{4}", fixed[7:11]):
        read.put("published", fixed[7:11], record["008"])
    for field in others:  # production, distribution, manufacture, copyright date (264 _4)
        year = re.search(r"[0-9]{4}", field.get("c", ""))
        if field.indicator2 == "4" and year and year[0] == read.data.get("published"):
            continue  # a copyright year equal to the publication year loses nothing
        read.left_out(field)


def _fixed(record: Record) -> str:
    """The 008 fixed-length data elements, or '' when the record has none."""
    fields = record.get_fields("008")
    return (fields[0].data or "") if fields else ""


def _language(read: Mapper, record: Record) -> None:
    """008/35-37, else the first 041 $a; other languages are reported."""
    fixed = _fixed(record)
    tag = bcp47(fixed[35:38]) if len(fixed) >= 38 else None
    if tag:
        read.put("language", tag, record["008"])
    for field in record.get_fields("041"):
        codes = [
            v[i : i + 3] for v in field.get_subfields("a") for i in range(0, len(v.strip()), 3)
        ]
        for code in codes:
            found = bcp47(code)
            if found and "language" not in read.data:
                read.put("language", found, field)
            elif found != read.data.get("language"):
                read.warn(field, "a", f'"{code}" is a second language of the text; left out')
        read.unread(field, "a2")


def _notes(read: Mapper, record: Record) -> None:
    """520 summary -> description; 856 $u -> url; 540 $u -> license; 024 DOI -> doi."""
    for index, field in enumerate(record.get_fields("520")):
        if index == 0 and field.indicator1 in " 0238":
            text = " ".join(v.strip() for v in field.get_subfields("a", "b"))
            read.put("description", text, field)
            read.unread(field, "ab")
        else:
            read.left_out(field)
    # The book's own link: 856 4_0 (the resource) before 4_1 (a version of it), and never a
    # link with $3, which names the part it leads to ("Table of contents only")
    links = record.get_fields("856")
    whole = [f for f in links if f.get_subfields("u") and not f.get_subfields("3")]
    chosen = next((f for ind in "01" for f in whole if (f.indicator2 or " ") == ind), None)
    for field in links:
        if field is chosen:
            first, *others = field.get_subfields("u")
            read.put("url", first.strip(), field)
            for other in others:
                read.left_out(field, "u", other.strip())
            read.unread(field, "uyz")
        else:
            read.left_out(field)
    for field in record.get_fields("540"):
        urls = field.get_subfields("u")
        if urls and "license" not in read.data:
            read.put("license", urls[0].strip(), field)
            read.unread(field, "uf3")  # $f names the licence the URL identifies
        else:
            read.left_out(field)
    for field in record.get_fields("024"):
        is_doi = field.indicator1 == "7" and field.get("2", "").strip().lower() == "doi"
        if is_doi and "doi" not in read.data:
            read.put("doi", field.get("a", "").strip(), field)
            read.unread(field, "a2")
        else:
            read.left_out(field)


def _subjects(read: Mapper, record: Record) -> None:
    """6XX headings: main heading, then subdivisions ($v $x $y $z) joined with " -- "."""
    found: list[str] = []
    for field in record.get_fields(*sorted(_SUBJECTS), "653"):
        if field.tag == "653":
            headings = [bare(v) for v in field.get_subfields("a")]
        else:
            main = " ".join(
                v.strip() for c, v in field.subfields if c.isalpha() and c not in "evxyz"
            )
            parts = [bare(main)] + [bare(v) for c, v in field.subfields if c in "vxyz"]
            headings = [" -- ".join(p for p in parts if p)]
        for heading in headings:
            if heading and heading not in found:
                read.came_from("subjects", field)
                found.append(heading)
    read.data["subjects"] = found
