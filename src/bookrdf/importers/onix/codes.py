"""The ONIX code values bookrdf reads, from EDItEUR's ONIX for Books code lists (issue 60+).

Each table names its list; codes not listed here are reported as not mapped, never guessed.
tests/test_importers_onix.py checks every code against the lists shipped in onixcheck.
"""

from __future__ import annotations

from bookrdf.model import IsbnFormat, Role

# List 5, Product identifier type: 15 ISBN-13; 03 GTIN-13 is an ISBN-13 when it starts
# with the Bookland prefixes 978 or 979; 02 ISBN-10 (2.1 and old 3.0 feeds).
ISBN13 = "15"
GTIN13 = "03"
ISBN10 = "02"
DOI_PRODUCT = "06"
# List 43, Text item identifier type: 06 DOI (of a chapter).
DOI_TEXT_ITEM = "06"
# List 42, Text item type: 02 Front matter, 04 Back matter (01 Textual work, 03 Body matter
# tell no more than a contents entry already does). Used only when the label or title
# names no kind of its own ("Preface" stays a preface).
TEXT_ITEM_KINDS = {"02": "front-matter", "04": "back-matter"}

# List 150 (3.0) and list 7 (2.1), Product form: the print binding or an e-book.
PRODUCT_FORMS: dict[str, IsbnFormat] = {
    "BB": "hardcover",  # Hardback
    "BC": "paperback",  # Paperback / softback
    "DG": "electronic",  # Electronic book text (2.1)
    "DH": "electronic",  # Online resource (2.1)
    "EA": "electronic",  # Digital (delivered electronically)
    "EB": "electronic",  # Digital download and online / streamed
    "EC": "electronic",  # Digital online / streamed
    "ED": "electronic",  # Digital download
}
PRINT_FORM_PREFIX = "B"  # BA Book, BD Loose-leaf … BZ Other book format: all printed books

# List 17, Contributor role. Only the roles a bookrdf record names; every other code
# (illustrator A12, foreword A23, selected by C02…) is a "contributor".
CONTRIBUTOR_ROLES: dict[str, tuple[Role, ...]] = {
    "A01": ("author",),  # By (author)
    "B01": ("editor",),  # Edited by
    "B06": ("translator",),  # Translated by
    "B08": ("translator",),  # Translated with commentary by
    "B10": ("editor", "translator"),  # Edited and translated by
    "B11": ("editor",),  # Editor-in-chief
    "B12": ("editor",),  # Guest editor
    "B13": ("editor",),  # Volume editor
    "B21": ("editor",),  # General editor
    "C01": ("editor",),  # Compiled by: an editor, as "compiled by" on a MUSE page is
}

# List 44, Name identifier type (3.0), and list 101, Person name identifier type (2.1).
NAME_IDS = {"16": "isni", "21": "orcid", "31": "viaf"}  # ISNI, ORCID, VIAF ID
NAME_IDS_21 = {"16": "isni"}  # ISNI

# List 15, Title type: 01 Distinctive title (book).
DISTINCTIVE_TITLE = "01"

# List 163, Publishing date role: 01 Publication date.
PUBLICATION_DATE = "01"

# List 55, Date format: how many leading characters keep which precision. Formats with
# weeks (02), quarters (03) or seasons (04) keep their year; ranges keep their start.
DATE_FORMATS: dict[str, tuple[int, bool]] = {
    "00": (8, True),  # YYYYMMDD
    "01": (6, True),  # YYYYMM
    "02": (4, False),  # YYYYWW: the week is left out
    "03": (4, False),  # YYYYQ: the quarter is left out
    "04": (4, False),  # YYYYS: the season is left out
    "05": (4, True),  # YYYY
    "06": (8, False),  # YYYYMMDDYYYYMMDD: the range's start
    "07": (6, False),  # YYYYMMYYYYMM
    "11": (4, False),  # YYYYYYYY
    "13": (8, True),  # YYYYMMDDThhmm: the time is not a publication date's business
    "14": (8, True),  # YYYYMMDDThhmmss
}

# List 22, Language role: 01 Language of text.
LANGUAGE_OF_TEXT = "01"

# List 153 (3.0), Text type, in order of preference: 03 Description, 02 Short description.
DESCRIPTIONS = ("03", "02")
EXCERPT = "14"  # Excerpt (on a ContentItem: the chapter's opening)
# List 33 (2.1), Other text type: 01 Main description, 03 Long description, 02 Short.
DESCRIPTIONS_21 = ("01", "03", "02")
EXCERPT_21 = "23"  # Excerpt from book

# List 27, Subject scheme identifier: 20 Keywords, several in one SubjectHeadingText,
# "separated by semicolons" (the list's own note).
KEYWORDS = "20"

# List 51, Product relation code: the relations that make two products formats of one
# work. 06 Alternative format; 13 Epublication based on (print product); 27 Electronic
# version available as.
SAME_WORK = {"06", "13", "27"}


def isbn_format(form: str | None) -> IsbnFormat | None:
    """The ISBN format a product form code tells, None when it tells none."""
    if form is None:
        return None
    if form in PRODUCT_FORMS:
        return PRODUCT_FORMS[form]
    return "print" if form.startswith(PRINT_FORM_PREFIX) else None
