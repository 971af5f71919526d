"""JATS or HTML markup in metadata (Crossref abstracts and titles) -> plain text.

Read with the standard library's HTML parser: tags and character references, nothing else —
no DTD, no entities beyond HTML's own, no network. Never regular expressions over markup.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any, ClassVar


class _PlainText(HTMLParser):
    """The text of JATS or HTML markup, with paragraphs kept apart."""

    _BLOCKS: ClassVar[set[str]] = {
        "p", "title", "sec", "list", "list-item", "disp-quote", "div", "br", "ul", "ol", "li",
    }  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[list[str]] = [[]]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # "jats:p" and "p" alike: the prefix is never declared in Crossref's JSON
        if tag.rpartition(":")[2] in self._BLOCKS and self.paragraphs[-1]:
            self.paragraphs.append([])

    def handle_endtag(self, tag: str) -> None:
        self.handle_starttag(tag, [])

    def handle_data(self, data: str) -> None:
        self.paragraphs[-1].append(data)

    def unknown_decl(self, data: str) -> None:
        # JATS may wrap text in <![CDATA[…]]>: it is text (HTML's parser would drop it)
        if data.startswith("CDATA["):
            self.handle_data(data.removeprefix("CDATA["))


def plain_text(markup: Any, paragraphs: bool = False) -> str | None:
    """Text without markup; with `paragraphs`, a blank line between paragraphs."""
    if not isinstance(markup, str):
        return None
    parser = _PlainText()
    parser.feed(markup)
    parser.close()
    texts = [" ".join("".join(part).split()) for part in parser.paragraphs]
    texts = [text for text in texts if text]
    if paragraphs and len(texts) > 1 and texts[0].casefold() in ("abstract", "summary"):
        texts = texts[1:]  # JATS abstracts often open with the heading <title>Abstract</title>
    return ("\n\n" if paragraphs else " ").join(texts) or None
