"""What a MUSE page prints as rows rather than prose: ISBN lines, and "Key: value" rows on the
page or under "Additional Information"."""

from __future__ import annotations

import re

ISBN_LINE = re.compile(
    r"(?:(?P<kind>e|electronic|print|hardcover|cloth|paperback|paper|related)[- ]?)?isbn"
    r"(?:-?1[03])?(?:\s*\((?P<kind2>[a-z]+)\))?\s*:?\s*(?P<value>[0-9][0-9xX -]{8,16})"
    # the format as catalogues print it after the ISBN: "(pbk.)", "(cloth)", "(alk. paper)"
    r"(?:\s*\((?P<qualifier>[^()]*)\))?",
    re.I,
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
_PAGE_KEYS = {"publication year", "copyright year", "published by", "series"}
NO_FIELD = {"series", "oclc", "pages", "launched on muse", "open access"}
# Rows of the "Additional Information" table, told by their values where the page lost the
# table's heading: no entry's excerpt and no title.
_ROW_VALUES = {"oclc": r"[0-9]+", "pages": r"[0-9]+", "launched on muse": r"[0-9-]+",
               "open access": r"yes|no", "marc record": r"download"}  # fmt: skip
LANGUAGES = {"english": "en", "french": "fr", "german": "de", "spanish": "es", "italian": "it",
             "portuguese": "pt", "russian": "ru", "chinese": "zh", "japanese": "ja",
             "korean": "ko"}  # fmt: skip


def page_key(key: str, value: str) -> bool:
    """Whether "Key: value" is a row of the page, not prose that opens with such a word."""
    key = key.lower()
    row = _ROW_VALUES.get(key)
    return (
        key in _PAGE_KEYS
        or (key == "language" and value.lower() in LANGUAGES)
        or (row is not None and re.fullmatch(row, value, re.I) is not None)
    )
