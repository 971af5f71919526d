"""ONIX tag names (reference or short, any namespace) and the text of elements, XHTML stripped."""

from __future__ import annotations

import html
import json
import re
from functools import cache
from html.parser import HTMLParser
from importlib import resources

from bookrdf.importers.xmlsafe import Element, Unknown, element_text, entity_text, local_name

# Block elements of ONIX's XHTML subset: each starts a new paragraph.
_BLOCKS = {"p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5",
           "h6", "blockquote", "table", "tr", "pre", "hr"}  # fmt: skip
_DROPPED = {"script", "style"}
# Code values and identifiers: spaces and invisible format characters (a zero-width space
# after "16" in a real feed) carry no meaning.
_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060\ufeff]+")
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z][^>]*>")
_REFERENCE = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);")


@cache
def short_tags() -> dict[str, str]:
    """Short tag -> reference name, for ONIX 2.1, 3.0 and 3.1 (from EDItEUR's schemas)."""
    text = resources.files(__package__).joinpath("shorttags.json").read_text("utf-8")
    tags: dict[str, str] = json.loads(text)
    return tags


def reference_name(tag: str) -> str:
    """The reference name of a tag: 'b203' and 'TitleText' -> 'TitleText'."""
    return short_tags().get(tag, tag)


def normalize_tags(element: Element) -> None:
    """Rename an element and its descendants to reference names without namespace."""
    for node in element.iter():
        if isinstance(node.tag, str):
            node.tag = reference_name(local_name(node))


def code(element: Element | None) -> str | None:
    """A code value ('01', 'A01') with spaces and invisible characters removed."""
    if element is None:
        return None
    return _INVISIBLE.sub("", element.text or "") or None


def plain(element: Element, unknown: Unknown | None = None) -> str | None:
    """The text of a leaf element, whitespace collapsed; None when empty."""
    return " ".join(element_text(element, unknown).split()) or None


def rich(element: Element, unknown: Unknown | None = None) -> str | None:
    """The text of an ONIX text field, XHTML or escaped HTML turned into paragraphs."""
    if any(isinstance(child.tag, str) for child in element):
        paragraphs = _xhtml_paragraphs(element, unknown)
    else:
        text = element_text(element, unknown)
        if _MARKUP.search(text):
            paragraphs = _html_paragraphs(text)
        else:  # HTML without tags, escaped or in CDATA, still writes "&amp;" and "&mdash;"
            unescaped = html.unescape(text) if _REFERENCE.search(text) else text
            paragraphs = unescaped.split("\n\n")
    out = [" ".join(p.split()) for p in paragraphs]
    return "\n\n".join(p for p in out if p) or None


def _xhtml_paragraphs(element: Element, unknown: Unknown | None) -> list[str]:
    """XHTML children (ONIX textformat 05) -> paragraphs; script and style are dropped."""
    paragraphs = [element.text or ""]

    def walk(node: Element) -> None:
        for child in node:
            name = local_name(child).lower()
            if not name:
                paragraphs[-1] += entity_text(child, unknown)
            else:
                if name in _BLOCKS:
                    paragraphs.append("")
                if name not in _DROPPED:
                    paragraphs[-1] += child.text or ""
                    walk(child)
                if name in _BLOCKS:
                    paragraphs.append("")
            paragraphs[-1] += child.tail or ""

    walk(element)
    return paragraphs


def _html_paragraphs(markup: str) -> list[str]:
    """Escaped HTML (ONIX textformat 02) -> paragraphs, with Python's own tolerant parser."""
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    return parser.paragraphs


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs = [""]
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.paragraphs.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.paragraphs.append("")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.paragraphs[-1] += data
