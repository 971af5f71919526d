"""MARC 21 files -> pymarc Records, each with its number, byte offset or field lines.

Binary (ISO 2709) records are read by pymarc's MARCReader with ``to_unicode=True``: leader
position 09 says the encoding (``a`` UTF-8, blank MARC-8, converted by pymarc), and bookrdf
trusts it (``force_utf8=False``), because guessing mixes encodings silently; the one
exception, a blank 09 on a record of valid multi-byte UTF-8 with no MARC-8 escape, is read as
UTF-8 and reported. Invalid UTF-8 is refused (``utf8_handling="strict"``), not replaced, so
no character is lost unseen. What pymarc prints or logs about a record (a MARC-8 byte it
cannot map, missing indicators) becomes a warning on that record. MARCXML is read with
bookrdf's safe XML reader and built into the same pymarc Records. Every text is put in
Unicode NFC.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import unicodedata
import warnings
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from pymarc import Field, Indicators, Leader, MARCReader, Record, Subfield, exceptions

from bookrdf.errors import InputError, Problem, RecordError
from bookrdf.importers.xmlsafe import (
    Element,
    element_text,
    iter_records,
    local_name,
    starts_as_xml,
)


@dataclass
class MarcRecord:
    """One record as read, with where it came from."""

    record: Record
    source: str
    number: int
    offset: int | None = None
    line: int | None = None
    lines: dict[int, int] = field(default_factory=dict)  # id(field) -> MARCXML line
    notes: list[str] = field(default_factory=list)  # what pymarc said while reading it
    # MARCXML elements not read, as (line, where, message): a field without a tag, a
    # subfield without a one-character code
    skipped: list[tuple[int | None, str, str]] = field(default_factory=list)
    utf8_despite_leader: bool = False  # leader/09 says MARC-8, the bytes are UTF-8

    def line_of(self, marc_field: Field | None) -> int | None:
        return self.line if marc_field is None else self.lines.get(id(marc_field), self.line)


_LEADER_SIZE = 24  # a record is at least its leader
_BROKEN: dict[type[Exception], str] = {
    exceptions.RecordLengthInvalid: "its first five bytes are not a record length",
    exceptions.TruncatedRecord: "ends before the length its leader gives (a cut-off file?)",
    exceptions.EndOfRecordNotFound: "does not end with the end-of-record byte (1D)",
    exceptions.RecordLeaderInvalid: "has a broken leader",
    exceptions.BaseAddressInvalid: "has a base address of data past its end",
    exceptions.BaseAddressNotFound: "has no base address of data",
    exceptions.RecordDirectoryInvalid: "has a broken directory",
    exceptions.NoFieldsFound: "has no fields",
}


def read_marc_file(path: Path) -> Iterator[MarcRecord]:
    """Every record in a binary MARC or MARCXML file; bad binary records raise RecordError."""
    try:
        with path.open("rb") as handle:
            head = handle.read(512)
    except OSError as err:
        raise InputError(f"{path}: cannot be read ({err.strerror}); check the path") from None
    if starts_as_xml(head):
        yield from _xml_records(path)
    else:
        yield from _binary_records(path)


def _binary_records(path: Path) -> Iterator[MarcRecord]:
    with path.open("rb") as handle:
        reader = MARCReader(handle, to_unicode=True, force_utf8=False, utf8_handling="strict")
        number = 0
        while True:
            if not _skip_separators(handle):
                return
            offset = handle.tell()
            length = handle.read(5)
            handle.seek(offset)
            if len(length) == 5 and not (length.isdigit() and int(length) >= _LEADER_SIZE):
                # pymarc takes int() of anything ("0    ", " -1  "), then reads a negative length
                broken = exceptions.RecordLengthInvalid()
                raise RecordError(_broken(path, number + 1, offset, broken))
            raw = handle.read(int(length)) if len(length) == 5 else b""
            handle.seek(offset)
            reader.force_utf8 = _utf8_despite_leader(raw)
            with _pymarc_notes() as notes:
                try:
                    record = next(reader)
                except StopIteration:
                    return
            number += 1
            # pymarc trusts the directory: an entry pointing past its field reads other
            # fields' bytes, or nothing, without a word
            broken_directory = _directory_problem(raw) if len(raw) == int(length) else None
            if record is None:
                error = broken_directory or reader.current_exception
                raise RecordError(_broken(path, number, offset, error))
            if broken_directory:
                raise RecordError(_broken(path, number, offset, broken_directory))
            _normalize(record)
            yield MarcRecord(
                record,
                str(path),
                number,
                offset,
                notes=notes,
                utf8_despite_leader=reader.force_utf8,
            )


def _skip_separators(handle: BinaryIO) -> bool:
    """Step over line breaks, spaces and a DOS end-of-file byte (1A) between or after records,
    which exports and file transfers add; False at the end of the file."""
    while True:
        offset = handle.tell()
        byte = handle.read(1)
        if not byte:
            return False
        if byte[0] not in _SEPARATORS:
            handle.seek(offset)
            return True


_SEPARATORS = frozenset(b"\r\n\t \x1a\x00")


def _utf8_despite_leader(raw: bytes) -> bool:
    """Whether a record whose leader/09 says MARC-8 (blank) is UTF-8 all the same.

    Exports often leave leader/09 blank on UTF-8 records. Multi-byte UTF-8 is next to never
    also plausible MARC-8 (whose diacritics precede ASCII letters, which UTF-8 forbids), and a
    record with MARC-8 escape sequences (byte 1B) is taken at its leader's word.
    """
    if raw[9:10] != b" " or b"\x1b" in raw or raw.isascii():
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _directory_problem(raw: bytes) -> str | None:
    """What is wrong with a record's directory (ISO 2709), or None: each entry's field must
    lie within the record and end with the field terminator (1E)."""
    base = raw[12:17]
    if not base.isdigit() or not _LEADER_SIZE < int(base) <= len(raw):
        return None  # pymarc tells a missing or misplaced base address itself
    directory = raw[_LEADER_SIZE : int(base) - 1]
    end = len(raw) - 1  # the end-of-record byte (1D) follows the last field
    for start in range(0, len(directory), 12):
        entry = directory[start : start + 12]
        tag = entry[:3].decode("ascii", "replace")
        if not (entry[:3].isascii() and entry[:3].isalnum()):
            return f"has a broken directory: entry {start // 12 + 1} has no tag ({entry[:3]!r})"
        if len(entry) < 12 or not entry[3:].isdigit():
            return f"has a broken directory: entry {start // 12 + 1} ({tag}) is no length and start"
        first = int(base) + int(entry[7:12])
        last = first + int(entry[3:7]) - 1
        if int(entry[3:7]) == 0 or last >= end:
            return f"has a broken directory: its entry for field {tag} points past the record's end"
        if raw[last] != 0x1E:
            return (
                f"has a broken directory: its entry for field {tag} does not end at a field "
                "terminator (1E)"
            )
    return None


def _broken(path: Path, number: int, offset: int, error: object) -> Problem:
    if isinstance(error, str):
        what = error
    elif isinstance(error, UnicodeDecodeError):
        what = "is not valid UTF-8, though leader position 09 ('a') says it is"
    else:
        what = next(
            (text for kind, text in _BROKEN.items() if isinstance(error, kind)),
            f"cannot be read ({type(error).__name__}: {error})",
        )
    message = f"at byte offset {offset} {what}; export the records again from their catalogue"
    return Problem(str(path), None, f"record {number}", message)


@contextlib.contextmanager
def _pymarc_notes() -> Iterator[list[str]]:
    """Collect what pymarc prints, warns or logs while it reads one record."""
    notes: list[str] = []
    printed = io.StringIO()
    handler = _ListHandler(notes)
    logger = logging.getLogger("pymarc")
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stderr(printed):
            warnings.simplefilter("always")
            yield notes
        notes.extend(str(w.message) for w in caught)
        notes.extend(line for line in printed.getvalue().splitlines() if line.strip())
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


class _ListHandler(logging.Handler):
    def __init__(self, notes: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.notes = notes

    def emit(self, record: logging.LogRecord) -> None:
        self.notes.append(record.getMessage())


def _normalize(record: Record) -> None:
    """Every text of a record in NFC: UTF-8 MARC often spells 'é' as 'e' + a combining accent."""
    for marc_field in record.fields:
        if marc_field.is_control_field():
            marc_field.data = unicodedata.normalize("NFC", marc_field.data or "")
        else:
            marc_field.subfields = [
                Subfield(s.code, unicodedata.normalize("NFC", s.value))
                for s in marc_field.subfields
            ]


def _xml_records(path: Path) -> Iterator[MarcRecord]:
    with closing(iter_records(path, ("record",))) as elements:
        yield from _xml_elements(elements, path)


def _xml_elements(elements: Iterator[Element], path: Path) -> Iterator[MarcRecord]:
    root = next(elements)
    if local_name(root) not in ("collection", "record"):
        message = f"is not MARCXML: its root is <{local_name(root)}>, not <collection> or <record>"
        raise RecordError(Problem(str(path), root.sourceline, "", message))
    for number, element in enumerate(elements, start=1):
        yield _xml_record(element, str(path), number)


def _xml_record(element: Element, source: str, number: int) -> MarcRecord:
    found = MarcRecord(Record(), source, number, line=element.sourceline)
    for child in element:
        name = local_name(child)
        text = unicodedata.normalize("NFC", element_text(child))
        if name == "leader":
            found.record.leader = Leader(text.ljust(24)[:24])
        elif name in ("controlfield", "datafield"):
            tag = child.get("tag", "")
            if not _TAG.fullmatch(tag):
                value = _shown(" ".join(element_text(child).split()))
                message = f'<{name}> has no tag of three letters or digits ("{tag}"): "{value}"'
                found.skipped.append((child.sourceline, "", f"{message}; left out"))
                continue
            if name == "controlfield":
                marc_field = Field(tag=tag, data=text)
            else:
                subfields = _subfields(child, tag, found)
                indicators = Indicators(child.get("ind1", " "), child.get("ind2", " "))
                marc_field = Field(tag=tag, indicators=indicators, subfields=subfields)
            found.record.fields.append(marc_field)
            found.lines[id(marc_field)] = child.sourceline
        elif name and text.strip():
            value = _shown(" ".join(text.split()))
            message = f'<{name}> is no MARCXML element (leader, controlfield, datafield): "{value}"'
            found.skipped.append((child.sourceline, "", f"{message}; left out"))
    return found


_TAG = re.compile(r"[0-9A-Za-z]{3}")


def _subfields(datafield: Element, tag: str, found: MarcRecord) -> list[Subfield]:
    """A datafield's subfields; one without a one-character code is reported, not read."""
    subfields = []
    for sub in datafield:
        if local_name(sub) != "subfield":
            continue
        code = sub.get("code", "")
        value = unicodedata.normalize("NFC", element_text(sub))
        if len(code) == 1 and code.isprintable() and code != " ":
            subfields.append(Subfield(code, value))
        else:
            message = f'a subfield without a one-character code ("{code}"): "{_shown(value)}"'
            found.skipped.append((sub.sourceline, tag, f"{message}; left out"))
    return subfields


def _shown(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."
