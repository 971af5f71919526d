"""ONIX titles, contributors and contents items (ContentItem) -> record fields with places."""

from __future__ import annotations

from typing import Any

from bookrdf.importers.names import name_parts
from bookrdf.importers.onix import codes
from bookrdf.importers.onix.reader import Reader
from bookrdf.importers.xmlsafe import Element
from bookrdf.model import PAGE, Chapter, told_kind

# Record field path -> the element it was read from ('contributors[1]' -> a Contributor):
# its line, and its ONIX name for problems the record rules find later.
Places = dict[str, Element]


def title_of(read: Reader, parent: Element) -> tuple[str, str | None, Element] | None:
    """(title, subtitle, element) of the distinctive title (list 15, type 01), 3.0 or 2.1."""
    for detail in [*parent.findall("TitleDetail"), *parent.findall("Title")]:
        if read.peek(detail, "TitleType") not in (codes.DISTINCTIVE_TITLE, None):
            continue  # other title types are reported as not mapped
        elements = detail.findall("TitleElement") or [detail]  # 2.1 has no TitleElement
        levels = [read.peek(e, "TitleElementLevel") for e in elements]
        element = elements[levels.index("01")] if "01" in levels else elements[0]
        # A title with no product-level text (only its collection's, 02) is a volume's
        own = "01" in levels or levels == [None]
        title = _title_text(read, element) if own else None
        if title is None and detail.find("TitleElement") is not None:
            title = _volume_title(read, elements)
        if title is not None:
            read.code(detail, "TitleType")
            read.code(element, "TitleElementLevel")
            return title, read.text(element, "Subtitle"), element
    distinctive = parent.find("DistinctiveTitle")  # early ONIX 2.1
    if distinctive is not None and (title := read.value(distinctive)):
        return title, read.text(parent, "Subtitle"), distinctive
    return None


def _title_text(read: Reader, element: Element) -> str | None:
    """TitleText, or TitlePrefix + TitleWithoutPrefix, of one title element, taken."""
    title = read.text(element, "TitleText")
    if title is None:
        parts = (read.text(element, "TitlePrefix"), read.text(element, "TitleWithoutPrefix"))
        title = " ".join(part for part in parts if part) or None
    return title


def _volume_title(read: Reader, elements: list[Element]) -> str | None:
    """'Collected Works. Volume 2': a volume titled only by its collection's title and its
    PartNumber (or YearOfAnnual), read in order as MARC joins 245 $a $n $p."""
    parts: list[str | None] = []
    for element in elements:
        parts += [_title_text(read, element), read.text(element, "PartNumber")]
        parts.append(read.text(element, "YearOfAnnual"))
        read.code(element, "TitleElementLevel")
    return ". ".join(part for part in parts if part) or None


def contributors(read: Reader, elements: list[Element], path: str) -> tuple[list[Any], Places]:
    """Contributors in SequenceNumber order (document order where none is given)."""

    def order(item: tuple[int, Element]) -> tuple[int, int]:
        number = read.code(item[1], "SequenceNumber") or ""
        return (int(number), item[0]) if number.isdigit() else (1 << 30, item[0])

    people: list[dict[str, Any]] = []
    places: Places = {}
    for _, element in sorted(enumerate(elements), key=order):
        person = _person(read, element)
        if person is None:
            continue
        # List 17: a few roles are named in a record; every other role is a contributor.
        roles = [read.code_of(r) or "" for r in element.findall("ContributorRole")]
        named = [role for code in roles for role in codes.CONTRIBUTOR_ROLES.get(code, ())]
        for role in dict.fromkeys(named or ["contributor" if roles else "author"]):
            places[f"{path}[{len(people)}]"] = element
            people.append({**person, "role": role})
    return people, places


def _person(read: Reader, element: Element) -> dict[str, Any] | None:
    """Name, given and family names and identifiers of one Contributor; a Contributor named
    only by CorporateName or CorporateNameInverted is an organisation."""
    given = read.text(element, "NamesBeforeKey")
    key_parts = (read.text(element, "PrefixToKey"), read.text(element, "KeyNames"))
    family = " ".join(part for part in key_parts if part) or None
    inverted = read.text(element, "PersonNameInverted")
    # both are the one body's name (the inverted one for sorting): both read, the direct kept
    corporate, sorted_as = (
        read.text(element, t) for t in ("CorporateName", "CorporateNameInverted")
    )
    corporate = corporate or sorted_as
    if inverted and "," in inverted and not (given or family):
        family, given = (part.strip() for part in inverted.split(",", 1))
    name = read.text(element, "PersonName") or " ".join(p for p in (given, family) if p)
    organization = not (name or inverted) and corporate is not None
    name = name or inverted or corporate or ""
    if not name:
        read.left_out(element, "names no one")
        return None
    person: dict[str, Any] = {"name": name}
    if organization:
        person["kind"] = "organization"
    elif family:
        person |= {"family_name": family} | ({"given_name": given} if given else {})
    elif not corporate:
        person |= name_parts(name)
    ids: dict[str, str | None] = {}
    schemes = [(i, codes.NAME_IDS, "NameIDType") for i in element.findall("NameIdentifier")]
    schemes += [
        (i, codes.NAME_IDS_21, "PersonNameIDType") for i in element.findall("PersonNameIdentifier")
    ]
    for ident, table, type_tag in schemes:
        scheme = table.get(read.peek(ident, type_tag) or "")
        if scheme == "orcid" and organization:
            read.left_out(ident, "is an ORCID iD, which names a person, on a corporate name")
            continue
        if scheme and scheme not in ids:
            ids[scheme] = read.code(ident, "IDValue")
            read.take(ident)
    if ids:
        person["identifiers"] = ids
    return person


def chapters(read: Reader, items: list[Element]) -> tuple[list[Any], Places]:
    """ContentItems in document order as chapters: label, title, pages, people, excerpt."""
    out: list[dict[str, Any]] = []
    places: Places = {}
    for item in items:
        path = f"chapters[{len(out)}]"
        places[path] = item
        read.code(item, "LevelSequenceNumber")  # "1", "1.2": the document's order already
        entry: dict[str, Any] = {}
        # ComponentTypeName "Chapter" + ComponentNumber "3" -> "Chapter 3"; either alone too.
        label = " ".join(
            part
            for part in (read.text(item, "ComponentTypeName"), read.text(item, "ComponentNumber"))
            if part
        )
        entry["label"] = label or None
        found = title_of(read, item)
        if found is not None:  # a chapter has no subtitle field: "Title: Subtitle"
            entry["title"] = f"{found[0]}: {found[1]}" if found[1] else found[0]
        text_item = item.find("TextItem")
        if text_item is not None:
            _text_item(read, text_item, entry, path, places)
        found_people = contributors(read, item.findall("Contributor"), f"{path}.contributors")
        people, people_places = found_people
        entry["contributors"] = people
        places.update(people_places)
        for content in [*item.findall("TextContent"), *item.findall("OtherText")]:
            kind = read.peek(content, "TextType") or read.peek(content, "TextTypeCode")
            body = content.find("Text")
            excerpt = kind in (codes.EXCERPT, codes.EXCERPT_21) and body is not None
            if excerpt and "excerpt" not in entry:
                entry["excerpt"] = read.rich(body)
                read.take(content)
        out.append({key: value for key, value in entry.items() if value})
    return out, places


def _text_item(
    read: Reader, item: Element, entry: dict[str, Any], path: str, places: Places
) -> None:
    """Kind (front or back matter), page run and DOI of a ContentItem's TextItem."""
    kind = codes.TEXT_ITEM_KINDS.get(read.code(item, "TextItemType") or "")
    if kind and told_kind(Chapter(label=entry.get("label"), title=entry.get("title"))) is None:
        entry["kind"] = kind
    runs: list[str] = []
    for run in item.findall("PageRun"):
        first = read.peek(run, "FirstPageNumber")
        last = read.peek(run, "LastPageNumber")
        if not first or not PAGE.fullmatch(first) or (last and not PAGE.fullmatch(last)):
            read.left_out(run, "is not a page range")
            continue
        runs.append(first if last in (None, first) else f"{first}-{last}")
        places.setdefault(f"{path}.pages", read.take(run))
    if runs:  # several runs: an item that skips pages ("1-20, 25-30")
        entry["pages"] = ", ".join(runs)
    for ident in item.findall("TextItemIdentifier"):
        if read.peek(ident, "TextItemIDType") == codes.DOI_TEXT_ITEM and "doi" not in entry:
            entry["doi"] = read.code(ident, "IDValue")
            read.take(ident)
