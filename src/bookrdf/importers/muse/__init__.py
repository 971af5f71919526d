"""Project MUSE book pages saved as text -> Book, with every line it cannot place reported.

A page reads: chrome, title (and subtitle), people, year, description, "Published by:",
then contents entries anchored on their "Download PDF" line, then ISBNs. Each entry is
[title [chapter people]] PDF [pages] [excerpt [read more]]; untitled entries start at PDF.
"""

from __future__ import annotations

import bisect
import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bookrdf.errors import InputError, Problem, RecordError
from bookrdf.importers import identifiers
from bookrdf.importers.muse.layout import (
    ADVICE,
    CHROME,
    CLOSING_HEADINGS,
    PART,
    PDF_LINE,
    READ_MORE,
    Line,
    Para,
    contents_items,
    is_page_range,
    joined_text,
    label_and_title,
    page_lines,
    page_paragraphs,
    pages_of,
    split_gap,
)
from bookrdf.importers.muse.rows import RowReader
from bookrdf.importers.names import name_parts, people_in
from bookrdf.importers.text import utf8_text
from bookrdf.model import Book
from bookrdf.records import parse_record

# A journal issue page, which this reader must refuse rather than read as a book
_ISSUE = re.compile(
    r"(?:Volume|Vol\.)\s*[0-9]+,?\s*(?:Number|Issue|No\.)\s*[0-9]+.*"
    r"|(?:(?:Print|Online|E-?)\s*)?ISSN:?\s*[0-9]{4}-?[0-9]{3}[0-9Xx]",
    re.I,
)
# The first line of MUSE's footer: "Project MUSE Mission", "©2026 Project MUSE. Produced by…"
_FOOTER = re.compile(r"(?:(?:©|\(c\)|copyright)\s*[0-9]{4}\s+)?Project MUSE\b", re.I)
# Files given by mistake for a page, told by their first bytes
_KINDS = (
    (b"%PDF-", f"is a PDF file, not a page saved as text; {ADVICE}"),
    (b"\x1f\x8b", "is compressed (gzip); decompress it first: gunzip -k {path}"),
    (
        b"PK\x03\x04",
        f"is a ZIP file (an EPUB, a Word document…), not a page saved as text; {ADVICE}",
    ),
)
_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_SIZE = re.compile(r"[0-9]+(\.[0-9]+)? ?(B|bytes|KB|kB|MB|GB)")


@dataclass(frozen=True)
class MuseImport:
    book: Book
    warnings: tuple[Problem, ...]


def looks_like_muse_page(text: str) -> bool:
    """Whether a text looks like a saved Project MUSE book page (a cheap sniff)."""
    return "Project MUSE" in text[:4000] or bool(
        re.search(r"^\s*Published by:", text, re.M) and PDF_LINE.search(text)
    )


def read_muse_page(path: Path, book_id: str | None = None) -> MuseImport:
    """Read one saved MUSE page (UTF-8, BOM and CRLF allowed) into a Book."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InputError(f"{path}: cannot be read ({err.strerror}); check the path") from None
    return parse_muse_page(_page_text(raw, str(path)), str(path), book_id)


def _page_text(raw: bytes, source: str) -> str:
    """The text of a page saved as UTF-8, or as UTF-16 with its byte order mark (Notepad's
    "Unicode"); a file of another kind given by mistake is one problem saying what it is."""
    what = next((what for magic, what in _KINDS if raw.startswith(magic)), None)
    # UTF-16 without a BOM: Latin text has a NUL in every other byte, and none in the others
    zeros = sorted((raw[:4000:2].count(0), raw[1:4000:2].count(0)))
    if (
        what is None
        and not raw.startswith(_BOMS)
        and zeros[0] == 0
        and zeros[1] * 4 > len(raw[:4000])
    ):
        what = f"is UTF-16 text without a byte order mark; {ADVICE}"
    if what is not None:
        raise RecordError(Problem(source, 1, "", what.format(path=source)))
    if raw.startswith(_BOMS):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise RecordError(Problem(source, 1, "", f"is not UTF-16 text; {ADVICE}")) from None
    return utf8_text(raw, source, f"is not UTF-8 text; {ADVICE}")


def parse_muse_page(text: str, source: str = "<page>", book_id: str | None = None) -> MuseImport:
    """Parse the text of one MUSE book page; lines it cannot place come back as warnings."""
    reader = _Reader(source)
    page = page_lines(text, source, ADVICE)
    lines = reader.keyed_lines(page)
    issue = next((line for line in page if _ISSUE.fullmatch(line[1])), None)
    if issue and not reader.isbns:
        why = f'is a journal issue page ("{issue[1][:60]}"), not a book page; bookrdf imports '
        reader.fail(issue[0], why + "books")
    publisher = reader.lines.get("publisher")
    pdfs = [number for number, text in page if PDF_LINE.fullmatch(text)]
    if pdfs and pdfs[0] < reader.second_publisher < pdfs[-1]:
        why = "is a second book page's 'Published by:' line, below the first page's entries and "
        why += "above more: this file holds two pages (joined with cat?); give each its own file"
        raise RecordError(Problem(source, reader.second_publisher, "", why))
    if publisher is None:
        reader.fail(1, "has no 'Published by:' line, so it is not a Project MUSE book page")
    reader.read_head(page_paragraphs(lines[: publisher - 1]), page)
    reader.read_contents(lines[publisher:])
    if not reader.chapters:
        reader.fail(publisher, "has no contents entries ('Download PDF' lines) after it")
    reader.place_dois()
    reader.check_end(page)
    book = parse_record(reader.record(book_id), source, reader.lines)
    return MuseImport(book, tuple(sorted(reader.warnings, key=lambda w: w.line or 0)))


@dataclass
class _Reader(RowReader):
    """Reads one page's head and contents into record fields, with their lines and warnings."""

    def read_head(self, paras: list[Para], page: list[Line]) -> None:
        """Title (and subtitle), people, and the description, from above 'Published by:'."""
        if not paras:
            self.fail(self.lines["publisher"], "has no book title above 'Published by:'")
        (first, title), *more = paras[0]
        people: list[Line] = []
        description: list[Para] = []
        year = self.lines.get("published", 0)
        for para in paras[1:]:
            if not description and all(people_in(text) for _, text in para):
                people += para
            elif people or description or para[0][0] > year > 0:
                description.append(para)
            else:  # perhaps a subtitle, but nothing on the page says so
                for line in para:
                    self.unplaced(line)
        if more and not people:  # people printed right under the title, without a blank line
            while more and people_in(more[-1][1]):
                people.insert(0, more.pop())
        if len(more) == 1:  # a second line in the title's own paragraph
            self.put("subtitle", more[0][1], more[0][0])
        for line in more if len(more) > 1 else []:
            self.unplaced(line)
        above = next((line for line in reversed(page[: first - 1]) if line[1]), (0, ""))
        if not people and not more and people_in(title) and above[1].lower() == "open access":
            # Peter Suber's "Open Access": a title that is also MUSE's open-access badge
            people, (first, title) = [(first, title)], above
        self.put("title", title, first)
        self.data["contributors"] = self.people(people, "contributors")
        if not people and people_in(title):
            why = "is taken as the title but reads like a person's name, and no people line "
            why += "follows it; if the page lost its title line, give the title by hand"
            self.unplaced((first, title), "title", why)
        if description:
            self.put("description", joined_text(description), description[0][0][0])

    def people(self, lines: list[Line], path: str) -> list[dict[str, str]]:
        out: list[dict[str, str]] = []
        for number, text in lines:
            for name, role in people_in(text) or []:
                self.lines[f"{path}[{len(out)}]"] = number
                out.append({"name": name, "role": role, **name_parts(name)})
        return out

    def read_contents(self, lines: list[Line]) -> None:
        lines = self.before_closing_isbns(lines)
        items = contents_items(lines)
        pdfs = [i for i, (kind, _) in enumerate(items) if kind == "pdf"]
        gaps = [items[a + 1 : b] for a, b in zip([-1, *pdfs], [*pdfs, len(items)], strict=True)]
        for n, gap in enumerate(gaps):
            # the entry the gap follows: its excerpt comes before any part heading in the gap
            path = f"chapters[{len(self.chapters) - 1}]" if n else ""
            tail, stray, head = split_gap(
                [item for item in gap if item[0] != "part"], has_next=n < len(pdfs)
            )
            people = [para[0] for kind, para in gap if kind == "people"]
            if n and people and "contributors" not in self.chapters[-1]:
                self.chapters[-1]["contributors"] = self.people(people, f"{path}.contributors")
            elif people:
                for line in people:
                    self.unplaced(line, path)
            if n and tail:
                self.chapters[-1]["excerpt"] = joined_text(tail)
                self.lines[f"{path}.excerpt"] = tail[0][0][0]
            for line in (line for para in (stray if n else tail + stray) for line in para):
                self.unplaced(line, path)
            for _, para in (item for item in gap if item[0] == "part"):
                self.part(para)
            if n < len(pdfs):
                self.start_entry(head, items[pdfs[n]][1])

    def place_dois(self) -> None:
        """Each DOI line to the entry it is printed in (from the entry's title, or its PDF line
        when untitled, to the next entry); above the first entry, to the book."""
        starts = [self.lines[f"chapters[{i}]"] for i in range(len(self.chapters))]
        for number, doi in self.dois:
            at = bisect.bisect_right(starts, number) - 1
            path, data = (
                (f"chapters[{at}].doi", self.chapters[at]) if at >= 0 else ("doi", self.data)
            )
            if "doi" in data and data["doi"] != doi:
                self.unplaced((number, doi), path, f"is a second DOI; {data['doi']} is kept")
            elif "doi" not in data:
                data["doi"] = doi
                self.lines[path] = number

    def part(self, para: Para) -> None:
        """A part heading without a PDF: an entry of kind part, so the heading keeps its place
        (records have no nesting; the chapters after it follow it in the contents). Its title
        may be on the line below ("Part I" above "The Crisis")."""
        line = para[0]
        match = PART.fullmatch(line[1])
        path = f"chapters[{len(self.chapters)}]"
        entry = {"label": match["label"], "kind": "part"} if match else {}
        title = (match["title"] if match else "") or (para[1][1] if len(para) > 1 else "")
        entry |= {"title": title} if match and title else {}
        self.lines[path] = self.lines[f"{path}.label"] = line[0]
        self.lines[f"{path}.title"] = para[-1][0]
        self.chapters.append(entry)

    def check_end(self, page: list[Line]) -> None:
        """A whole page ends with the ISBNs, the year again or MUSE's footer below the last
        PDF line; without them, and ending mid-text, it was probably cut off when saved."""
        last_pdf = max(number for number, text in page if PDF_LINE.fullmatch(text))
        if any(n > last_pdf for n in self.keyed) or any(
            "Project MUSE" in text or text.lower() in CLOSING_HEADINGS
            for n, text in page
            if n > last_pdf
        ):
            return
        last, text = max((line for line in page if line[1]), default=(0, ""))
        # a line MUSE ends an entry with: the page may have been trimmed by hand, but nothing
        # in it is cut short; text that stops mid-excerpt is what a cut-off save leaves
        if (
            any(rx.fullmatch(text) for rx in (PDF_LINE, READ_MORE))
            or pages_of(text)
            or text.endswith(("...", "…"))
        ):
            return
        why = "the page ends mid-text, without the ISBNs or 'Publication Year' that close a MUSE "
        why += "book page; it may have been cut off when saved: save the whole page again"
        self.warnings.append(Problem(self.source, last, "", why))

    def before_closing_isbns(self, lines: list[Line]) -> list[Line]:
        """The contents end at the ISBNs, a heading such as "Related Content" or MUSE's footer
        below the last PDF line: text after them (a copyright line, links to other books) is no
        entry's excerpt, and is reported instead."""
        last_pdf = max((n for n, text in lines if PDF_LINE.fullmatch(text)), default=0)
        closing = [
            (number, "the ISBNs that close the contents")
            for key, number in self.lines.items()
            if key.startswith("isbn[") and number > last_pdf
        ] + [
            (number, f'"{text}", below the contents' if len(text) < 40 else "MUSE's footer")
            for number, text in lines
            if number > last_pdf and (text.lower() in CLOSING_HEADINGS or _FOOTER.match(text))
        ]
        if not last_pdf or not closing:
            return lines
        end, what = min(closing)
        why = f"comes after {what}; was not placed in the record"
        for line in lines:
            if line[0] > end and line[1]:
                self.unplaced(line, why=why)
        return [line for line in lines if line[0] < end]

    def start_entry(self, head: list[Para], pdf: Para) -> None:
        path = f"chapters[{len(self.chapters)}]"
        head_lines = [line for para in head for line in para]
        entry: dict[str, Any] = {"pdf": self.pdf(pdf[0], path)}
        self.lines[path] = (head_lines or pdf)[0][0]
        if head_lines:
            label, entry["title"] = label_and_title(head_lines[0][1])
            entry |= {"label": label} if label else {}
            self.lines[f"{path}.title"] = self.lines[f"{path}.label"] = head_lines[0][0]
        # below the title, chrome is a badge ("Open Access" above the PDF line), not a person
        below = [line for line in head_lines[1:] if line[1].lower() not in CHROME]
        people = [line for line in below if people_in(line[1])]
        for line in (line for line in below if line not in people):
            self.unplaced(line, path)
        if people:
            entry["contributors"] = self.people(people, f"{path}.contributors")
        pages = pages_of(pdf[-1][1]) if len(pdf) > 1 else None
        if pages and is_page_range(pages):
            entry["pages"] = pages
            self.lines[f"{path}.pages"] = pdf[1][0]
        elif len(pdf) > 1:
            self.unplaced(pdf[1], f"{path}.pages", "is not a page range; left out")
        self.chapters.append(entry)

    def pdf(self, line: Line, path: str) -> dict[str, str]:
        self.lines[f"{path}.pdf"] = line[0]
        match = PDF_LINE.fullmatch(line[1])
        size = match["size"] if match else None
        if size is not None and not _SIZE.fullmatch(size):
            self.unplaced((line[0], size), f"{path}.pdf.size", "is not a file size; left out")
            size = None
        return {"size": size} if size else {}

    def record(self, book_id: str | None) -> dict[str, Any]:
        if self.cc_without_version and "license" not in self.data:
            line, code = self.cc_without_version
            why = f"names the licence CC {code.upper()} without its version; give the licence "
            self.unplaced(line, "license", why + "URL by hand (creativecommons.org/licenses/…)")
        data = {**self.data, "isbn": self.isbns, "chapters": self.chapters}
        data["id"] = book_id or identifiers.book_id(self.isbns, str(data["title"]))
        return {key: value for key, value in data.items() if value}
