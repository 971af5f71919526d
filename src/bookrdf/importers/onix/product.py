"""One ONIX Product (3.0 or 2.1) -> an edition: its ISBN and format, and its work's fields."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from stdnum import isbn as stdnum_isbn

from bookrdf.errors import Problem
from bookrdf.importers.identifiers import isbn_key
from bookrdf.importers.marc.languages import bcp47
from bookrdf.importers.onix import codes
from bookrdf.importers.onix.people import chapters, contributors, title_of
from bookrdf.importers.onix.reader import Reader
from bookrdf.importers.onix.text import code as code_value
from bookrdf.importers.xmlsafe import Element, element_text
from bookrdf.model import IsbnFormat


@dataclass
class Edition:
    """One product: the ISBN it carries and the fields of the work it is a format of."""

    source: str
    line: int
    isbn: str | None = None
    format: IsbnFormat | None = None
    data: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    # Record field path -> where in the Product it was read ('Product/DescriptiveDetail/
    # Contributor'): problems the record rules find are told in ONIX's words.
    names: dict[str, str] = field(default_factory=dict)
    # ISBNs of other formats of the same work, with the line of their RelatedProduct.
    related: list[tuple[str, int]] = field(default_factory=list)
    # Edition, volume and annual numbers: products that differ in them are other books,
    # whatever their titles and people (the 2nd edition, volume 2 of a set).
    numbers: tuple[str, ...] = ()
    warnings: list[Problem] = field(default_factory=list)

    def put(self, path: str, value: Any, element: Element) -> None:
        if value not in (None, "", [], {}):
            self.data[path] = value
            self.locate(path, element)

    def locate(self, path: str, element: Element) -> None:
        """Note the element a record field was read from: its line and its ONIX name."""
        self.lines[path] = element.sourceline
        names = []
        node = element
        while node is not None:
            names.append(str(node.tag))
            if node.tag == "Product":
                break
            node = node.getparent()
        self.names[path] = "/".join(reversed(names))


def read_product(product: Element, source: str) -> Edition:
    """The edition one Product describes; what it cannot map comes back in its warnings."""
    read = Reader(product, source)
    edition = Edition(source, product.sourceline)
    # ONIX 3.0 groups a product's fields in blocks; ONIX 2.1 puts them on the Product.
    v3 = any(product.find(block) is not None for block in _BLOCKS_3)
    descriptive = product.find("DescriptiveDetail") if v3 else product
    _identifiers(read, product, edition)
    edition.format = codes.isbn_format(read.code(descriptive, "ProductForm"))
    edition.numbers = _numbers(descriptive)
    found = title_of(read, descriptive) if descriptive is not None else None
    if found is not None:
        edition.put("title", found[0], found[2])
        edition.put("subtitle", found[1], found[2])
    people, places = contributors(read, read.all(descriptive, "Contributor"), "contributors")
    edition.data["contributors"] = people
    for path, element in places.items():
        edition.locate(path, element)
    _publishing(read, product.find("PublishingDetail") if v3 else product, edition, v3)
    _language(read, descriptive, edition)
    _description(read, product, edition, v3)
    _subjects(read, descriptive, edition)
    content = product.find("ContentDetail") if v3 else product
    entries, places = chapters(read, read.all(content, "ContentItem"))
    edition.data["chapters"] = entries
    for path, element in places.items():
        edition.locate(path, element)
    for item in read.all(product.find("RelatedMaterial") if v3 else product, "RelatedProduct"):
        _related(read, item, edition)
    read.report_unread()
    edition.warnings = read.warnings
    return edition


_BLOCKS_3 = ("DescriptiveDetail", "CollateralDetail", "ContentDetail", "PublishingDetail")


def _identifiers(read: Reader, product: Element, edition: Edition) -> None:
    for ident in product.findall("ProductIdentifier"):
        kind = read.peek(ident, "ProductIDType")
        value = read.peek(ident, "IDValue") or ""
        isbn = _isbn(kind, value)
        if kind == codes.DOI_PRODUCT:
            if "doi" in edition.data:
                read.left_out(ident, "is a second DOI of one product")
            else:
                edition.put("doi", value, read.take(ident))
        elif isbn is None:
            read.left_out(ident, "is not an ISBN or a DOI")
        elif edition.isbn is None:
            edition.isbn = isbn
            edition.locate("isbn", read.take(ident))
        elif isbn_key(isbn) == isbn_key(edition.isbn):
            read.take(ident)  # the same ISBN again, as GTIN-13 or ISBN-10
        else:
            read.left_out(ident, "is a second ISBN of one product")


def _numbers(descriptive: Element | None) -> tuple[str, ...]:
    """'EditionNumber 2', 'PartNumber 3'…: what tells one edition or volume of a title from
    another. Only compared, not taken: they are still reported as not mapped."""
    if descriptive is None:
        return ()
    found = []
    for element in descriptive.iter(*_NUMBERS):
        if not any(node.tag == "ContentItem" for node in element.iterancestors()):
            found.append(f"{element.tag} {' '.join(element_text(element).split())}")
    return tuple(found)


# ONIX 3.0 and 2.1 elements that number an edition, a volume of a set or series, or an annual
_NUMBERS = (
    "EditionNumber", "EditionVersionNumber", "PartNumber", "YearOfAnnual",
    "ItemNumberWithinSet", "NumberWithinSeries",
)  # fmt: skip


def _isbn(kind: str | None, value: str) -> str | None:
    """The ISBN a product identifier gives (list 5): ISBN-13, Bookland GTIN-13 or ISBN-10,
    without the hyphens and spaces feeds print in it (an id keeps only its digits)."""
    compact = stdnum_isbn.compact(value)
    value = compact if re.fullmatch(r"[0-9]{9}[0-9X]|[0-9]{13}", compact) else value
    bookland = kind == codes.GTIN13 and re.match(r"97[89]", value)
    return value if kind in (codes.ISBN13, codes.ISBN10) or bookland else None


def _publishing(read: Reader, block: Element | None, edition: Edition, v3: bool) -> None:
    for publisher in read.all(block, "Publisher"):
        role = read.peek(publisher, "PublishingRole")
        name = publisher.find("PublisherName")
        if role in (None, "01") and name is not None and "publisher" not in edition.data:
            read.code(publisher, "PublishingRole")
            edition.put("publisher", {"name": read.value(name)}, publisher)
    name = read.first(block, "PublisherName")  # early ONIX 2.1: no Publisher composite
    if name is not None and "publisher" not in edition.data:
        edition.put("publisher", {"name": read.value(name)}, name)
    city = read.first(block, "CityOfPublication")
    if city is not None and "publisher" in edition.data:
        edition.data["publisher"]["place"] = read.value(city)
    if v3:
        for date in read.all(block, "PublishingDate"):
            value = date.find("Date")
            role = read.peek(date, "PublishingDateRole")
            if role == codes.PUBLICATION_DATE and value is not None:
                read.code(date, "PublishingDateRole")
                fmt = read.code(date, "DateFormat") or value.get("dateformat")
                _date(read, value, fmt, edition)
    elif (value := read.first(block, "PublicationDate")) is not None:
        _date(read, value, None, edition)


def _date(read: Reader, element: Element, fmt: str | None, edition: Edition) -> None:
    """A date in an ONIX date format (list 55) as YYYY, YYYY-MM or YYYY-MM-DD."""
    if "published" in edition.data:
        return
    value = read.value(element) or ""
    digits = re.sub(r"[^0-9]", "", value.split("T")[0])
    if fmt is None:  # no format given: YYYYMMDD by default, shorter dates by their length
        fmt = {6: "01", 4: "05"}.get(len(digits), "00")
    if fmt not in codes.DATE_FORMATS or len(digits) < codes.DATE_FORMATS[fmt][0]:
        read.warn(element, f'"{value}" is not a date in ONIX date format {fmt}; left out')
        return
    keep, whole = codes.DATE_FORMATS[fmt]
    kept = digits[:keep]
    if not _real_date(kept):  # "20241399": no month 13 (the record rules would refuse it)
        read.warn(element, f'"{value}" is not a date in ONIX date format {fmt}; left out')
        return
    edition.put("published", "-".join(re.findall(r"^[0-9]{4}|[0-9]{2}", kept)), element)
    if not whole:
        read.warn(element, f'"{value}" (ONIX date format {fmt}) was kept as {kept[:4]}')


def _real_date(digits: str) -> bool:
    """Whether YYYY, YYYYMM or YYYYMMDD names a day, month or year of the calendar."""
    try:
        datetime.date(int(digits[:4]), int(digits[4:6] or 1), int(digits[6:8] or 1))
    except ValueError:
        return False
    return True


def _language(read: Reader, descriptive: Element | None, edition: Edition) -> None:
    for language in read.all(descriptive, "Language"):
        if read.peek(language, "LanguageRole") not in (codes.LANGUAGE_OF_TEXT, None):
            continue  # reported as not mapped: original language, language of subtitles…
        tag = bcp47(read.peek(language, "LanguageCode") or "")
        if "language" in edition.data:
            read.left_out(language, "is a second language of the text")
        elif tag is None:
            read.left_out(language, "is not an ISO 639-2 language code")
        else:
            country = read.peek(language, "CountryCode")
            if country is not None and not re.fullmatch("[A-Z]{2}", country):
                # list 91 is ISO 3166-1 alpha-2: another value is reported, not joined
                why = "is not an ISO 3166-1 country code"
                read.left_out(language.find("CountryCode"), why)
                country = None
            read.code(language, "CountryCode")
            read.code(language, "LanguageRole")
            read.code(language, "LanguageCode")
            edition.put("language", f"{tag}-{country}" if country else tag, language)


def _description(read: Reader, product: Element, edition: Edition, v3: bool) -> None:
    """The preferred description (list 153, or list 33 in 2.1); the others are reported."""
    preferred: tuple[str, ...] = codes.DESCRIPTIONS
    if v3:
        block = product.find("CollateralDetail")
        texts = [(read.peek(t, "TextType"), t) for t in read.all(block, "TextContent")]
    else:
        texts = [(read.peek(t, "TextTypeCode"), t) for t in product.findall("OtherText")]
        texts += [("01", t) for t in product.findall("MainDescription")]
        texts += [("02", t) for t in product.findall("Annotation")]
        preferred = codes.DESCRIPTIONS_21
    for kind in preferred:
        for code, element in texts:
            if code == kind:
                body = element.find("Text")
                edition.put("description", read.rich(element if body is None else body), element)
                read.take(element)
                return


def _subjects(read: Reader, descriptive: Element | None, edition: Edition) -> None:
    """Subject headings as text; subjects given only as a code are reported."""
    found: list[str] = []
    for subject in [*read.all(descriptive, "Subject"), *read.all(descriptive, "MainSubject")]:
        if subject.find("SubjectHeadingText") is None:
            continue
        heading = read.text(subject, "SubjectHeadingText") or ""
        scheme = read.code(
            subject, "SubjectSchemeIdentifier"
        )  # the heading says what the code says
        read.code(subject, "SubjectCode")
        # List 27, 20 Keywords: several in one heading, separated by semicolons
        headings = heading.split(";") if scheme == codes.KEYWORDS else [heading]
        for text in (" ".join(h.split()) for h in headings):
            if text and text not in found:
                found.append(text)
                if "subjects" not in edition.lines:
                    edition.locate("subjects", subject)
    edition.data["subjects"] = found


def _related(read: Reader, item: Element, edition: Edition) -> None:
    """Related products that are other formats of the same work (list 51), to merge with."""
    relations = [*item.findall("ProductRelationCode"), *item.findall("RelationCode")]
    if not codes.SAME_WORK & {code_value(r) for r in relations}:
        return  # reported as not mapped
    for ident in item.findall("ProductIdentifier"):
        isbn = _isbn(read.peek(ident, "ProductIDType"), read.peek(ident, "IDValue") or "")
        if isbn:
            edition.related.append((isbn, item.sourceline))
            read.take(item)  # a related product named otherwise than by ISBN is reported
