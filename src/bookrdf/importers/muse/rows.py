"""What a MUSE page prints as rows rather than prose: ISBN lines, and "Key: value" rows on the
page or under "Additional Information"; and RowReader, which holds a page's record fields, their
lines and warnings while it is read, and reads those rows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, NoReturn

from bookrdf.errors import Problem, RecordError
from bookrdf.importers.identifiers import isbn_key
from bookrdf.importers.muse.layout import (
    ADVICE,
    CHROME,
    COOKIES,
    PDF_LINE,
    VIEWS,
    Line,
    following_texts,
)
from bookrdf.importers.muse.licence import CC_CODE, CC_STATEMENT, CC_WORDS, UNKNOWN_LICENCE, cc_url

ISBN_LINE = re.compile(
    r"(?:(?P<kind>e|electronic|print|hardcover|cloth|paperback|paper|related)[- ]?)?isbn"
    r"(?:-?1[03])?(?:\s*\((?P<kind2>[a-z]+)\))?\s*:?\s*(?P<value>[0-9][0-9xX -]{8,16})"
    # the format as catalogues print it after the ISBN: "(pbk.)", "(cloth)", "(alk. paper)"
    r"(?:\s*\((?P<qualifier>[^()]*)\))?",
    re.I,
)
# A DOI on a line of its own, as a DOI or as its link: the book's above the contents, else the
# DOI of the entry it is printed in
DOI_LINE = re.compile(
    r"(?:doi\s*:?\s*|https?://(?:dx\.)?doi\.org/)(?P<doi>10\.[0-9]{4,9}/\S+)", re.I
)
ISBN_FORMATS = {"e": "electronic", "electronic": "electronic", "ebook": "electronic",
                "print": "print", "hardcover": "hardcover", "hardback": "hardcover",
                "hbk": "hardcover", "cloth": "hardcover", "paperback": "paperback",
                "paper": "paperback", "pbk": "paperback"}  # fmt: skip
# Keys MUSE prints as "Key: value" on the page, or as rows under "Additional Information".
KEYED = re.compile(
    r"(?P<key>publication year|copyright year|published by|series|language|oclc|pages"
    r"|launched on muse|open access|marc record|creative commons)\s*(?P<colon>:)?\s*(?P<value>.*)",
    re.I,
)
# A row's label alone on its line, its value (a link, as a browser's copy may set it apart) on
# the next: "Published by:" above "University of Hawai'i Press"
_LABEL_ONLY = re.compile(
    r"(?:publication year|copyright year|published by|series|language"
    r"|(?:(?:e|electronic|print|hardcover|cloth|paperback|paper|related)[- ]?)?isbn(?:-?1[03])?)"
    r"\s*:",
    re.I,
)
_PAGE_KEYS = {"publication year", "copyright year", "published by", "series"}
NO_FIELD = {"series", "oclc", "pages", "launched on muse", "open access"}
# Rows of the "Additional Information" table, told by their values where the page lost the
# table's heading: no entry's excerpt and no title.
_ROW_VALUES = {"publication year": r"[0-9]{4}", "copyright year": r"[0-9]{4}",
               "oclc": r"[0-9]+", "pages": r"[0-9]+", "launched on muse": r"[0-9-]+",
               "open access": r"yes|no", "marc record": r"download"}  # fmt: skip
LANGUAGES = {"english": "en", "french": "fr", "german": "de", "spanish": "es", "italian": "it",
             "portuguese": "pt", "russian": "ru", "chinese": "zh", "japanese": "ja",
             "korean": "ko"}  # fmt: skip


def joined_rows(lines: list[Line]) -> list[Line]:
    """A row label alone on its line joined to the value on the next line, which is blanked."""
    out = list(lines)
    for i, (number, text) in enumerate(out):
        if _LABEL_ONLY.fullmatch(text) and i + 1 < len(out) and out[i + 1][1]:
            value = out[i + 1]
            if not _LABEL_ONLY.fullmatch(value[1]) and not PDF_LINE.fullmatch(value[1]):
                out[i], out[i + 1] = (number, f"{text} {value[1]}"), (value[0], "")
    return out


def bare_row(key: str, value: str) -> bool:
    """Whether "Key value", without a colon, is a row: its value has the row's own form."""
    row = _ROW_VALUES.get(key.lower())
    return row is not None and re.fullmatch(row, value, re.I) is not None


def page_key(key: str, value: str) -> bool:
    """Whether "Key: value" is a row of the page, not prose that opens with such a word."""
    key = key.lower()
    return (
        key in _PAGE_KEYS
        or (key == "language" and value.lower() in LANGUAGES)
        or bare_row(key, value)
    )


@dataclass
class RowReader:
    """Collects one page's record fields, their lines and the warnings; reads its rows."""

    source: str
    data: dict[str, Any] = field(default_factory=dict)
    isbns: list[dict[str, str]] = field(default_factory=list)
    chapters: list[dict[str, Any]] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=lambda: {"": 1})
    warnings: list[Problem] = field(default_factory=list)
    keyed: list[int] = field(default_factory=list)  # the lines read as "Key: value" or ISBN
    cc_without_version: tuple[Line, str] | None = None  # "Creative Commons  CC-BY" alone
    second_publisher: int = 0  # the line of a second "Published by:" row
    dois: list[Line] = field(default_factory=list)  # (line, DOI), placed once entries are read

    def fail(self, line: int, message: str) -> NoReturn:
        raise RecordError(Problem(self.source, line, "", f"{message}; {ADVICE}"))

    def unplaced(self, line: Line, path: str = "", why: str = "") -> None:
        text = line[1] if len(line[1]) <= 60 else line[1][:57] + "..."
        why = why or "was not placed in the record; add it by hand if needed"
        self.warnings.append(Problem(self.source, line[0], path, f'"{text}" {why}'))

    def put(self, path: str, value: Any, line: int) -> None:
        self.data[path] = value
        self.lines[path] = line

    def keyed_lines(self, lines: list[Line]) -> list[Line]:
        """Blank out chrome and 'Key: value' lines; chrome right above a PDF line is a title."""
        out: list[Line] = []
        lines = joined_rows(lines)
        info = 0  # 1: after the "Additional Information" heading, 2: in the table below it
        following = following_texts(lines)
        for i, (number, text) in enumerate(lines):
            if doi := DOI_LINE.fullmatch(text):
                self.dois.append((number, doi["doi"]))
                text = ""
            if text:
                took = self.keyed_line(number, text, info > 0)
                info = 1 if text.lower() == "additional information" else 2 if info else 0
                nxt = following[i]
                self.keyed += [number] if took else []
                chrome = text.lower() in CHROME and not PDF_LINE.fullmatch(nxt)
                if took or chrome or VIEWS.fullmatch(text) or COOKIES.match(text):
                    text = ""
            else:
                info = 0 if info == 2 else info
            out.append((number, text))
        return out

    def keyed_line(self, number: int, text: str, info: bool) -> bool:
        if statement := CC_STATEMENT.fullmatch(text):
            words = re.split(r"[- ]+", statement["name"].lower())
            code = "-".join(CC_WORDS.get(word, "?") for word in words)
            self.licence((number, text), code, statement["version"])
            return True
        if isbn := ISBN_LINE.fullmatch(text):
            value = re.sub(r"[ -]", "", isbn["value"]).upper()
            qualifier = re.sub(r"[\s.-]", "", isbn["qualifier"] or "").lower()
            kind = (isbn["kind"] or isbn["kind2"] or "").lower()
            fmt = ISBN_FORMATS.get(qualifier) or ISBN_FORMATS.get(kind)
            self.isbn((number, text), value, fmt)
            return True
        if ISBN_LINE.match(text):  # "Print ISBN: …; E-ISBN: …": no excerpt, and no guess
            why = "reads like an ISBN line but has more on it than an ISBN and its format; give "
            self.unplaced((number, text), "isbn", why + "the ISBNs in the record by hand")
            return True
        keyed = KEYED.fullmatch(text)
        # Outside "Additional Information" only the page's own "Key: value" lines count, and a
        # "Language: …" line that names a language; without the colon (the table's "Key<TAB>
        # value" without its heading), only a value of the row's own form ("Pages  288").
        if keyed and (
            info
            or (keyed["colon"] and page_key(keyed["key"], keyed["value"]))
            or bare_row(keyed["key"], keyed["value"])
        ):
            self.keyed_value((number, text), keyed["key"].lower(), keyed["value"])
            return True
        if info and text.lower() not in CHROME:
            self.unplaced((number, text))
        return info

    def isbn(self, line: Line, value: str, fmt: str | None) -> None:
        """One ISBN of the page; printed again (as ISBN-10 beside its ISBN-13, as older pages
        do), it is the same ISBN, and a format it is given the second time must agree."""
        known = next((i for i in self.isbns if isbn_key(i["value"]) == isbn_key(value)), None)
        if known is None:
            self.lines[f"isbn[{len(self.isbns)}]"] = line[0]
            self.isbns.append({"value": value, **({"format": fmt} if fmt else {})})
        elif fmt and known.get("format", fmt) != fmt:
            why = f"is the ISBN {known['value']} again with another format; the first is kept"
            self.unplaced(line, "isbn", why)
        elif fmt:
            known["format"] = fmt

    def keyed_value(self, line: Line, key: str, value: str) -> None:
        year = re.fullmatch(r"[0-9]{4}", value)
        if key == "published by" and "publisher" not in self.data and value:
            self.put("publisher", {"name": value}, line[0])
        elif key == "published by" and not self.second_publisher:
            self.second_publisher = line[0]  # a second page, if entries follow it (see below)
            self.unplaced(line)
        elif key == "publication year" and year and "published" not in self.data:
            self.put("published", value, line[0])
        elif key == "language" and value.lower() in LANGUAGES:
            self.put("language", LANGUAGES[value.lower()], line[0])
        elif key == "creative commons":
            code = CC_CODE.fullmatch(value)
            if code is None:
                self.unplaced(line, "license", UNKNOWN_LICENCE)
            else:
                self.licence(line, code["code"].lower().replace(" ", "-"), code["version"])
        elif key == "marc record" or (
            # MUSE prints the year twice; a copyright year equal to it loses nothing
            key in ("publication year", "copyright year") and self.data.get("published") == value
        ):
            pass
        elif key in NO_FIELD:
            self.unplaced(line, why="was left out: a bookrdf record has no such field")
        else:
            self.unplaced(line)

    def licence(self, line: Line, code: str, version: str | None) -> None:
        """A Creative Commons licence named on the page: its deed's URL once the version is
        known (the statement gives it, the "Creative Commons" row often does not)."""
        code = "0" if code == "zero" else code
        known = self.data.get("license")
        url = cc_url(code, version) if version else None
        if "?" in code or (code != "0" and not re.fullmatch(r"by(-nc)?(-sa|-nd)?", code)):
            self.unplaced(line, "license", UNKNOWN_LICENCE)
        elif url and known and known != url:
            why = f"names another licence than {known}; the first is kept"
            self.unplaced(line, "license", why)
        elif url:
            self.put("license", url, line[0])
        elif known and f"/{code}/" not in known:
            self.unplaced(line, "license", f"names another licence than {known}; left out")
        else:
            self.cc_without_version = (line, code)
