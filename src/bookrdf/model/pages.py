"""Printed pages as a record gives them: a page, a range, or a range that skips pages."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from bookrdf.model.values import ROMAN_PAGE, PageRange, roman_to_int

PAGE = re.compile(r"[0-9]+|[ivxlcdm]+|[IVXLCDM]+|[A-Za-z]{1,3}-?[0-9]+")
_RANGE_DASH = re.compile(r"\s*[-\u2010-\u2015\u2212]+\s*")


def _page_range(text: str) -> PageRange | None:
    """A page or first-last, split at the one dash that leaves a page on each side: a page may
    hold a hyphen itself ("A-1", so "A-1–A-12" is A-1 to A-12). Where a roman numeral could
    open a page or a range, one capital letter is an appendix's page ("C-1", like "A-1") and
    more is a range of front matter running into the text ("iv-12", "IV-12")."""
    if _LETTER_PAGE.fullmatch(text):
        return PageRange(text, text)
    ranges = [
        PageRange(text[: dash.start()], text[dash.end() :])
        for dash in _RANGE_DASH.finditer(text)
        if PAGE.fullmatch(text[: dash.start()]) and PAGE.fullmatch(text[dash.end() :])
    ]
    if len(ranges) > 1:  # "A-1-A-12": only "A-1" to "A-12" keeps whole pages on both sides
        ranges = [r for r in ranges if not _LETTER_PAGE.fullmatch(r.end)] or ranges
        ranges = [r for r in ranges if _LETTER_PAGE.fullmatch(r.start)] or ranges
    if len(ranges) == 1:
        return ranges[0]
    if not ranges and PAGE.fullmatch(text):
        return PageRange(text, text)
    return None


_LETTER_PAGE = re.compile(r"[A-Z]-[0-9]+")
_PARTS_SEPARATOR = re.compile(r"\s*[,;]\s*")
# "1,024" is page 1024 with a thousands separator, or pages 1 and 24: refused, not guessed.
_GROUPED_DIGITS = re.compile(r"[0-9],[0-9]{3}(?![0-9])")


def page_range(text: str) -> PageRange:
    """A page, a range, or a range that skips pages ("1-20, 25-30": parts separated by commas or
    semicolons, in order). ValueError, with what to write instead, if the text is none of them."""
    pieces = _PARTS_SEPARATOR.split(text)
    if len(pieces) == 1:
        found = _page_range(text)
        if found is None:
            raise ValueError('write it like "vii-xii", "v" or "7-25"')
        return found
    if _GROUPED_DIGITS.search(text):
        raise ValueError(
            'write page numbers without a thousands separator ("1024"), and a range that skips '
            'pages with a space after each comma ("1-20, 25-30")'
        )
    parts = [_page_range(piece) for piece in pieces]
    if any(part is None for part in parts):
        raise ValueError('write a range that skips pages like "1-20, 25-30"')
    found_parts = tuple(part for part in parts if part is not None)
    if not _runs_upwards(found_parts):
        raise ValueError('the parts of a range that skips pages must run upwards: "1-20, 25-30"')
    return PageRange(found_parts[0].start, found_parts[-1].end, found_parts)


def _runs_upwards(parts: Sequence[PageRange]) -> bool:
    """Each part ends on or after its start, and starts after the part before it ends, wherever
    the two pages can be compared (roman before arabic; "A3" compares with nothing)."""
    orders = [_page_order(page) for part in parts for page in (part.start, part.end)]
    for index, (lower, upper) in enumerate(itertools.pairwise(orders)):
        if lower is None or upper is None:
            continue
        # a part may start and end on one page ("9"); the next part starts after it ends
        if lower > upper or (lower == upper and index % 2 == 1):
            return False
    return True


def _page_order(page: str) -> tuple[int, int] | None:
    """Where a page sorts: roman front matter first, then arabic; None for any other page."""
    if page.isdigit():
        return (1, int(page))
    value = roman_to_int(page) if ROMAN_PAGE.fullmatch(page) else None
    return None if value is None else (0, value)
