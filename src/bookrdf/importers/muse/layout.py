"""The layout of a MUSE page saved as text: line kinds, paragraphs, and the contents as items
(PDF lines, pages, excerpts, part headings), before any of it becomes a record field."""

from __future__ import annotations

import re

from bookrdf.errors import Problem, RecordError
from bookrdf.importers.muse.dumps import unmarked
from bookrdf.importers.names import people_in
from bookrdf.model import page_range, roman_to_int

Line = tuple[int, str]  # 1-based line number, whitespace-normalised text
Para = list[Line]

# Invisible characters a saved page may carry at the ends of a line (a zero-width space, a word
# joiner, a byte order mark): trimmed like spaces, or "read more\u200b" would be a title.
# (str.strip with these characters and every space: a regex anchored at the end, "[…]+$", is
# tried at every space of a line, so a line with a long run of spaces took minutes)
_INVISIBLE = "\u200b\u2060\ufeff"
_SPACES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + _INVISIBLE
# What a copy from a browser or a PDF may carry that is no part of the text: soft hyphens (shown
# only where a line breaks) and the Latin ligatures of a typeface ("ﬁ" is "fi")
_PRESENTATION = str.maketrans(
    {"\u00ad": "", "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
     "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"}
)  # fmt: skip
_HTML = re.compile(r"\s*<(?:!doctype|html|\?xml|head|body)", re.I)

ADVICE = "save the book's page on muse.jhu.edu as UTF-8 text and import that file"
CHROME = {
    "we cannot verify your location", "browse book and journal content on project muse",
    "download full book", "table of contents", "book", "or", "search", "buy this book in print",
    "marc record", "marc record download", "additional information",
    "skip to main content", "project muse", "project muse logo", "open access",
    # the site's navigation above the book, and its cookie banner's buttons
    "browse", "about", "log in", "login", "sign in", "log out", "my account", "cart", "menu",
    "advanced search", "subscribe", "help", "contact", "contact us", "accept all cookies",
    "accept cookies", "reject all", "cookie settings", "manage cookies",
    "you are not currently authenticated.", "view institutional login options",
    # MUSE's words above a chapter's excerpt when it has no abstract; not part of the excerpt
    "in lieu of an abstract, here is a brief excerpt of the content:",
}  # fmt: skip
# A cookie banner's sentence: "We use cookies to improve your experience…"
COOKIES = re.compile(r"(?=.*\bcookies\b)(?:we use|this (?:web)?site uses|by continuing).*", re.I)
# The other ways to open an entry MUSE prints beside "Download PDF": chrome, never text.
VIEWS = re.compile(
    r"(?:view|html|download epub|epub)(?:\s*\|\s*(?:view|html|download epub|epub))*", re.I
)

# Headings of what MUSE prints below a book's contents: below the last PDF line they end the
# contents, and what follows them is no entry's excerpt
CLOSING_HEADINGS = {
    "related content", "related books", "recommended", "recommended content", "you might also like",
    "you may also like", "cite", "cite this", "cite this book", "citation", "how to cite",
    "share", "additional information",
}  # fmt: skip

# A part heading with no PDF of its own: "Part I. Land", "Part Two: Labour", "PART 3", "PART TWO"
PART = re.compile(
    r"(?P<label>(?:Part|PART)\s+(?:[0-9]+|[IVXLC]+|(?i:one|two|three|four|five|six|seven|eight"
    r"|nine|ten|eleven|twelve)))(?:\s*[.:]\s*|\s+[-\u2013\u2014]\s+|$)(?P<title>.*)"
)

PDF_LINE = re.compile(r"(?:pdf\s*icon\s*)?download pdf(?:\s*\((?P<size>[^)]*)\))?", re.I)

# "pp. 7-25", "p. v", and "PP. 7-25" as a page styled in capitals copies; other forms ("pp 7-25",
# "P. XV") only with a page range after them, so an excerpt opening "P. T. Barnum" stays text
_PAGES = re.compile(r"(?:pp?|PP|Pp)\.\s*(?P<pages>\S.*)")
_PAGES_LOOSE = re.compile(r"pp?\.?\s*(?P<pages>[0-9ivxlcdm]\S*(?:\s.*)?)", re.I)

READ_MORE = re.compile(r"read more", re.I)

# "1. Title", "IV. Title", "Chapter 3: Title"; four digits are a year ("1956. The Purges")
LABELLED = re.compile(
    r"(?P<label>(?i:chapter|part|book|section)\s+(?:[0-9]+|[IVXLC]+|[ivxlc]+))[.:]\s+(?P<t1>\S.*)"
    r"|(?P<number>[0-9]{1,3})\.\s+(?P<t2>\S.*)|(?P<roman>[IVXL]+)\.\s+(?P<t3>(?![A-Z]\.\s)\S.*)"
)


def pages_of(text: str) -> str | None:
    """The pages a pages line prints ("vii-xii" of "pp. vii-xii"); None for any other line."""
    if match := _PAGES.fullmatch(text):
        return match["pages"]
    match = _PAGES_LOOSE.fullmatch(text)
    return match["pages"] if match and is_page_range(match["pages"]) else None


def is_page_range(text: str) -> bool:
    try:
        page_range(text.strip())
    except ValueError:
        return False
    return True


def following_texts(lines: list[Line]) -> list[str]:
    """For each line, the next non-blank line's text below it ('' at the end): one pass, so a
    page of many thousand lines is read in linear time."""
    out: list[str] = []
    nxt = ""
    for _, text in reversed(lines):
        out.append(nxt)
        nxt = text or nxt
    return out[::-1]


def contents_items(lines: list[Line]) -> list[tuple[str, Para]]:
    """The contents as ('pdf', [pdf, pages?]), ('more', [line]), ('people', [line]) and ('text',
    paragraph) items."""
    items: list[tuple[str, Para]] = []
    pdf: Para = []  # the last PDF item while only people lines follow it: pages may still come
    for line in lines:
        last_kind, last = items[-1] if items else ("", [])
        pdf = pdf if last_kind in ("", "pdf", "people") else []
        if not line[1]:
            items.append(("", []))
        elif last_kind == "" and is_part_heading(line[1]):
            items.append(("part", [line]))
        elif PDF_LINE.fullmatch(line[1]):
            pdf = [line]
            items.append(("pdf", pdf))
        elif last_kind == "part" and len(last) == 1 and _part_title(last[0][1], line[1]):
            last.append(line)  # "Part I" above its title, "The Crisis": one heading
        elif last_kind == "part":  # a heading stands alone: with a line below, it is text
            items[-1] = ("text", [*last, line])
        elif len(pdf) == 1 and pages_of(line[1]):
            pdf.append(line)
        elif pdf and len(line[1]) <= 200 and people_in(line[1]):
            items.append(("people", [line]))  # a chapter's people below its PDF or pages line
        elif READ_MORE.fullmatch(line[1]):
            items.append(("more", [line]))
        elif last_kind == "text" and not last[-1][1].endswith(("...", "\u2026")):
            last.append(line)  # an excerpt cut off with "..." ends its paragraph, blank or not
        else:
            items.append(("text", [line]))
    found = [item for item in items if item[0]]
    # a part heading right above a PDF line has a PDF of its own: it is that entry's title; so
    # is a line that reads as people there (an entry without excerpt before "Kim Il Sung")
    return [
        ("text", para)
        if kind in ("part", "people") and found[i + 1 : i + 2] and found[i + 1][0] == "pdf"
        else (kind, para)
        for i, (kind, para) in enumerate(found)
    ]  # fmt: skip


def split_gap(
    gap: list[tuple[str, Para]], has_next: bool
) -> tuple[list[Para], list[Para], list[Para]]:
    """Split the items between two PDF lines into (excerpt, unplaced, next entry's head)."""
    more = [i for i, (kind, _) in enumerate(gap) if kind == "more"]
    texts = [para for kind, para in gap if kind == "text"]
    if more:  # "read more" closes an excerpt
        tail = [para for kind, para in gap[: more[0]] if kind == "text"]
        rest = [para for kind, para in gap[more[-1] + 1 :] if kind == "text"]
        stray = [p for p in texts if p not in tail and p not in rest]
    else:
        tail, rest, stray = [], texts, []
    head = pick_head(rest) if has_next else []
    rest = rest[: len(rest) - len(head)]
    if not more:  # without "read more" only the first paragraph can be the excerpt
        tail, rest = rest[:1], rest[1:]
    return tail, stray + rest, head


def pick_head(paras: list[Para]) -> list[Para]:
    """The title paragraph (and a chapter people paragraph below it) just above a PDF line."""
    if not paras or not is_heading_like(paras[-1]):
        return []
    last = [text for _, text in paras[-1]]
    if len(paras) > 1 and all(people_in(t) for t in last) and is_heading_like(paras[-2]):
        return paras[-2:]
    return paras[-1:]


def is_part_heading(text: str) -> bool:
    """'Part I. Land', 'PART TWO': short, and what follows the label reads as a heading (an
    excerpt may well begin 'Part two of the argument…')."""
    match = PART.fullmatch(text)
    if match is None or len(text) > 100:
        return False
    title = match["title"]
    return not title or (not title[0].islower() and not title.endswith((".", ",", ";")))


def _part_title(heading: str, text: str) -> bool:
    """Whether `text`, below a part heading that has no title, is that title."""
    match = PART.fullmatch(heading)
    return bool(match and not match["title"] and is_part_heading(f"{heading}. {text}"))


def is_heading_like(para: Para) -> bool:
    """Not an excerpt: excerpts are long or cut off with '...'."""
    return all(len(text) <= 200 for _, text in para) and not para[-1][1].endswith(("...", "…"))


def label_and_title(text: str) -> tuple[str | None, str]:
    match = LABELLED.fullmatch(text)
    if not match or (match["roman"] and roman_to_int(match["roman"]) is None):
        return None, text
    label = match["label"] or match["number"] or match["roman"]
    return label, match["t1"] or match["t2"] or match["t3"]


def page_paragraphs(lines: list[Line]) -> list[Para]:
    paras: list[Para] = [[]]
    for line in lines:
        if line[1]:
            paras[-1].append(line)
        elif paras[-1]:
            paras.append([])
    return [p for p in paras if p]


def joined_text(paras: list[Para]) -> str:
    return "\n\n".join(" ".join(text for _, text in para) for para in paras)


def page_lines(text: str, source: str, advice: str) -> list[Line]:
    """The page's lines, numbered, spaces, invisible characters and a text browser's marks
    trimmed; a page that is empty, binary or HTML is one problem, with `advice`."""
    text = text.removeprefix("\ufeff")
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\n\r\f")
    for bad, what in (
        (not text.strip(_SPACES), "is empty"),  # spaces and invisible characters only
        ("\x00" in text or controls > len(text) // 100, "is a binary file, not a text page"),
        (_HTML.match(text), "is HTML, not a page saved as text"),
    ):
        if bad:
            raise RecordError(Problem(source, 1, "", f"{what}; {advice}"))
    lines = re.split(r"\r\n|\r|\n", text.translate(_PRESENTATION))
    return list(enumerate(unmarked([" ".join(raw.strip(_SPACES).split()) for raw in lines]), 1))
