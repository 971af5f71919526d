"""Read untrusted XML safely: no network, no DTD loading, no entity expansion, records streamed.

ONIX and MARCXML files come from outside. An XML file can declare entities that read local
files (``<!ENTITY x SYSTEM "file:///etc/passwd">``) or grow without bound ("billion laughs").
bookrdf never expands entities: a DOCTYPE that declares any is refused before the parser
sees it, and lxml runs with ``resolve_entities=False, no_network=True, load_dtd=False,
huge_tree=False``. A DOCTYPE that only names an external DTD (as ONIX 2.1 files do) is
accepted and the DTD is not read; references to HTML's named characters (``&eacute;``),
which such DTDs define, are read from Python's fixed table instead.
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Callable, Generator, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type hints

from bookrdf.errors import InputError, Problem, RecordError

# lxml elements are untyped; this alias names them where they travel.
Element = Any
# Called with each entity reference that has no known character ('&foo;').
Unknown = Callable[[str], None]

# Everything before the root element: XML declaration, comments, the DOCTYPE and its
# internal subset. A prolog larger than this is refused rather than scanned without end.
_PROLOG_LIMIT = 1 << 20
_ROOT_START = re.compile(rb"<[A-Za-z_:]")
_DECLARATION = re.compile(rb"<!ENTITY")


def local_name(element: Element) -> str:
    """The tag without its namespace ('' for comments and other non-elements)."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def starts_as_xml(head: bytes) -> bool:
    """Whether a file's first bytes open XML: UTF-8, UTF-16 or UTF-32, with a BOM or none."""
    # The wide encodings put NUL bytes between ASCII characters: without them, and without a
    # byte-order mark, any of them starts with "<".
    ascii_head = head.replace(b"\x00", b"")
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        ascii_head = ascii_head.removeprefix(bom)
    return ascii_head.lstrip(b" \t\r\n").startswith(b"<")


def iter_records(path: Path, names: Sequence[str]) -> Generator[Element, None, None]:
    """The root element, then each complete record element (by local name), freed after use."""
    # The root comes once the parser has seen it: with the first record, or, when the file
    # holds none, whole at the end.
    try:
        with path.open("rb") as handle:
            head = handle.read(_PROLOG_LIMIT + 1)
            _refuse_entity_declarations(head, path)
            handle.seek(0)
            yield from _records(handle, path, names, _encoding(head))
    except OSError as err:
        raise InputError(
            f"{path}: cannot be read ({err.strerror or err}); check the path"
        ) from None


def _encoding(head: bytes) -> str | None:
    """The encoding to read a file in instead of the one it declares, or None.

    Files declared ISO-8859-1 (or ASCII) are very often Windows-1252: curly quotes and dashes
    (bytes 80-9F) that ISO-8859-1 reads as invisible control characters. As browsers do
    (the WHATWG Encoding standard maps those labels to windows-1252), they are read as
    Windows-1252, which agrees with ISO-8859-1 on every other byte.
    """
    declared = _DECLARED.match(head)
    if declared and declared[1].decode("ascii").lower() in _LATIN1_LABELS:
        return "windows-1252"
    return None


_DECLARED = re.compile(rb"""\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_LATIN1_LABELS = {
    "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819", "ibm819",
    "iso-ir-100", "csisolatin1", "us-ascii", "ascii", "iso_8859-1:1987",
}  # fmt: skip


def _records(
    handle: BinaryIO, path: Path, names: Sequence[str], encoding: str | None
) -> Iterator[Element]:
    # Only the records' end events reach Python: any namespace or none ("{*}"), so a record
    # of a few hundred elements costs one event, not hundreds.
    events = etree.iterparse(
        handle,
        events=("end",),
        tag=[f"{{*}}{name}" for name in names],
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        encoding=encoding,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = None
        for _, element in events:
            if root is None:
                root = element.getroottree().getroot()
                _check_internal_subset(root, path)
                yield root
            yield element
            element.clear()
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
        if root is None:
            _check_internal_subset(events.root, path)
            yield events.root
    except etree.XMLSyntaxError as err:
        raise RecordError(_syntax_problem(err, events.error_log, path)) from None


def _syntax_problem(err: Any, log: Any, path: Path) -> Problem:
    """The first error the parser logged, with its line: the exception alone may say only
    "no element found", without a line, when the parser stopped inside a record."""
    if _is_blank(path):
        return Problem(str(path), None, "", "is empty; export the file again")
    first = next((entry for entry in log if entry.level >= etree.ErrorLevels.ERROR), None)
    if first is None:
        message = re.sub(r"(, line [0-9]+, column [0-9]+)?( \(.*\))?$", "", str(err))
        return Problem(str(path), err.lineno or None, "", f"is not well-formed XML: {message}")
    undefined = re.fullmatch(r"Entity '(.+)' not defined", first.message.strip())
    message = _undefined_entity(undefined[1]) if undefined else first.message.strip()
    if "XML_PARSE_HUGE" in message:  # lxml's advice names a parser option no user can set
        return Problem(str(path), first.line or None, "", _TOO_BIG)
    return Problem(str(path), first.line or None, "", f"is not well-formed XML: {message}")


_TOO_BIG = (
    "has a text over 10 MB or elements nested over 256 deep, which bookrdf does not read "
    "(they can exhaust memory); check that the file is the export you meant"
)


def _is_blank(path: Path) -> bool:
    """Whether a file holds nothing, or only white space and a byte-order mark."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    return not head.replace(b"\x00", b"").removeprefix(b"\xef\xbb\xbf").strip(b" \t\r\n\xff\xfe")


def _undefined_entity(name: str) -> str:
    """What to do about an entity reference no DOCTYPE defines ('&eacute;' with none)."""
    code = html.entities.name2codepoint.get(name)
    instead = f'"{chr(code)}" or &#{code};' if code else "the character or its &#number;"
    return f"&{name}; is an entity no DOCTYPE defines; write {instead} instead"


def element_text(element: Element, unknown: Unknown | None = None) -> str:
    """The text of an element and its children; entity references become their characters."""
    parts: list[str] = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(element_text(child, unknown))
        else:
            parts.append(entity_text(child, unknown))
        parts.append(child.tail or "")
    return "".join(parts)


def entity_text(node: Element, unknown: Unknown | None = None) -> str:
    """An entity reference as its character from HTML's fixed table ('&eacute;' -> 'é')."""
    # A name the table does not know stays as written and goes to `unknown`; a node that is
    # not an entity reference has no text.
    if node.tag is not etree.Entity:
        return ""
    reference = str(node.text)
    name = reference.strip("&;")
    if name in html.entities.name2codepoint:
        return chr(html.entities.name2codepoint[name])
    if unknown is not None:
        unknown(reference)
    return reference


def _refuse_entity_declarations(head: bytes, path: Path) -> None:
    """Refuse a file whose prolog declares entities, before any parser reads it."""
    # UTF-16 and UTF-32 put NUL bytes between ASCII characters; markup is ASCII either way.
    text = head.replace(b"\x00", b"")
    root = _ROOT_START.search(text)
    prolog = text[: root.start()] if root else text
    declared = _DECLARATION.search(prolog)
    if declared:
        line = prolog[: declared.start()].count(b"\n") + 1
        raise RecordError(Problem(str(path), line, "", _ENTITIES_REFUSED))
    if root is None and len(head) > _PROLOG_LIMIT:
        raise RecordError(
            Problem(str(path), 1, "", "has a prolog (DOCTYPE) over 1 MB before its first element")
        )


def _check_internal_subset(root: Element, path: Path) -> None:
    """The same refusal, from the parser's view of the DOCTYPE (encodings the scan missed)."""
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise RecordError(Problem(str(path), 1, "", _ENTITIES_REFUSED))


_ENTITIES_REFUSED = (
    "declares XML entities in its DOCTYPE; bookrdf never expands entities (they can read "
    "local files or grow without bound): remove the <!ENTITY> declarations"
)
