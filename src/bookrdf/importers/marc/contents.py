"""MARC 505 contents notes -> chapters: enhanced ($g $t $r) and basic ($a split on " -- ").

Enhanced (with $t or $r, whatever the second indicator): an entry ends with a subfield
ending in "--" or where the next $t (or a $g label before it) begins; $t is the title, $r
the responsibility (chapter people), $g a label before the title ("1.", "Chapter 2") or
pages after it ("(p. 7-25)", "p. v"); a $g that is clearly pages ("p. v") also makes an
untitled entry. Basic ($a alone): each " -- " part may open with a label ("1. ") and end
with pages ("(p. 7-25)") and a responsibility ("/ Jane Doe"); each is taken only when it
is unambiguous, else the text stays in the title.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pymarc import Field

from bookrdf.importers.marc.isbd import bare
from bookrdf.importers.names import name_parts, people_in
from bookrdf.model import PAGE, roman_to_int

Report = Callable[[Field, str, str], None]  # (field, subfield code, message)

_ONE_RANGE = rf"(?:{PAGE.pattern})(?:\s*[-\u2010-\u2015]\s*(?:{PAGE.pattern}))?"
_RANGE = rf"{_ONE_RANGE}(?:\s*[,;]\s*{_ONE_RANGE})*"  # "p. 1-20, 25-30": an entry that skips pages
_PAGES = re.compile(rf"\(?\s*pp?\.\s*(?P<pages>{_RANGE})\s*\)?\.?")
_BARE_RANGE = re.compile(rf"\(\s*(?P<pages>{_RANGE})\s*\)")
_LABEL = re.compile(
    r"(?P<label>(?:(?:chapter|part|book|section|ch\.)\s+)?(?:[0-9]+|[IVXLC]+|[ivxlc]+))\.?", re.I
)
# A bare roman label must not take an initial: "V. S. Naipaul remembered" has no label "V"
# (the MUSE reader guards its roman labels the same way).
_LABELLED = re.compile(
    r"(?P<label>(?:Chapter|Part|Book|Section)\s+(?:[0-9]+|[IVXLC]+)|[0-9]+)[.:]\s+(?P<rest>\S.*)"
    r"|(?P<roman>[IVXLC]+)[.:]\s+(?P<roman_rest>(?![A-Z]\.\s)\S.*)"
)
_TRAILING_PAGES = re.compile(rf"\s*\(\s*pp?\.\s*(?P<pages>{_RANGE})\s*\)\.?$")


def chapters_from(fields: list[Field], report: Report) -> list[dict[str, Any]]:
    """Chapters from a record's 505 fields, in order."""
    entries: list[dict[str, Any]] = []
    for field in fields:
        # By its subfields, not its second indicator: catalogues often give a note of $a
        # parts the 0 of an enhanced one, or $t titles a blank; read by the indicator, the
        # whole contents was left out as subfields the note "cannot have".
        if any(code in "tr" for code, _ in field.subfields):
            entries += _enhanced(field, report)
        else:
            entries += _basic(field, report)
    return [entry for entry in entries if entry]


def _enhanced(field: Field, report: Report) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    entry: dict[str, Any] = {}
    codes = [code for code, _ in field.subfields]
    for index, (code, value) in enumerate(field.subfields):
        text = value.strip()
        ends = text.endswith("--")
        text = bare(text.removesuffix("--"))
        # "$g 2. $t Next" after a titled entry whose "--" was left out begins the next one
        opens = code == "g" and codes[index + 1 : index + 2] == ["t"] and "title" in entry
        if opens and not _PAGES.fullmatch(text) and _LABEL.fullmatch(text):
            entries.append(entry)
            entry = {}
        if code == "t":
            if "title" in entry:
                entries.append(entry)
                entry = {}
            entry["title"] = text
        elif code == "r":
            people = people_in(text) if text else None
            if people:
                entry.setdefault("contributors", []).extend(_people(people))
            else:
                report(field, "r", f'"{text}" does not read as names; left out')
        elif code == "g":
            _label_or_pages(field, entry, text, report)
        elif code not in "68":
            report(field, code, f'"{text}" has no place in a bookrdf record; left out')
        if ends and entry:
            entries.append(entry)
            entry = {}
    return [*entries, entry]


def _label_or_pages(field: Field, entry: dict[str, Any], text: str, report: Report) -> None:
    pages = _PAGES.fullmatch(text) or ("title" in entry and _BARE_RANGE.fullmatch(text))
    label = _LABEL.fullmatch(text)
    if pages and "pages" not in entry:
        entry["pages"] = pages["pages"]
    elif label and "title" not in entry and "label" not in entry and _valid_label(label["label"]):
        entry["label"] = label["label"]
    else:
        report(field, "g", f'"{text}" is neither a label before a title nor pages; left out')


def _basic(field: Field, report: Report) -> list[dict[str, Any]]:
    text = " ".join(value for code, value in field.subfields if code == "a")
    for code, value in field.subfields:
        if code not in "a68":
            report(field, code, f'"{value.strip()}" has no place in a bookrdf record; left out')
    entries = []
    for part in re.split(r"\s+--\s*|\s*--\s+", text):
        part = bare(part)
        if part:
            entries.append(_basic_entry(part))
    return entries


def _basic_entry(text: str) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if (pages := _TRAILING_PAGES.search(text)) is not None:
        entry["pages"] = pages["pages"]
        text = text[: pages.start()]
    labelled = _LABELLED.fullmatch(text)
    label = (labelled["label"] or labelled["roman"]) if labelled else None
    if labelled and label and _valid_label(label):
        entry["label"], text = label, labelled["rest"] or labelled["roman_rest"]
    title, slash, responsibility = text.rpartition(" / ")
    people = people_in(bare(responsibility)) if slash and " / " not in title else None
    if people:
        entry["contributors"] = _people(people)
        text = title
    entry["title"] = bare(text) or None
    return {key: value for key, value in entry.items() if value}


def _valid_label(label: str) -> bool:
    number = label.split()[-1]
    return number.isdigit() or roman_to_int(number) is not None


def _people(people: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"name": name, "role": role, **name_parts(name)} for name, role in people]
