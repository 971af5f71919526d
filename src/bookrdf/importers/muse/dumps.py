"""Pages dumped as text by a text browser or a converter (lynx, w3m, links, html2text): the marks
they put around the page's text, taken off so the page reads as one saved from a browser."""

from __future__ import annotations

import re

# lynx numbers every link ("[12]Download PDF", "[3]Andrei N. Lankov") and lists their URLs under
# "References" at the end; a page is taken for such a dump only when its PDF links are numbered,
# so "[12]" in another page's text stays
_LYNX_PDF = re.compile(r"\[[0-9]+\](?:\[?pdf\s*icon\]?\s*\[[0-9]+\])?\s*download pdf", re.I)
_LINK_NUMBER = re.compile(r"\[[0-9]+\](?=\S)")
_LINK_LIST = re.compile(r"[0-9]+\.\s+[a-z][a-z0-9+.-]*:\S*|(?:visible|hidden) links:", re.I)
# html2text writes Markdown: links, images, headings, bold, and escapes ("1\. Title")
# (a link's text holds no "[": each "[" is tried once, however many a line opens)
_MD_LINK = re.compile(r"\[([^\][]*)\]\([^)\s]*\)")
_MD_IMAGE = re.compile(r"!\[([^\][]*)\]\([^)\s]*\)")
_MD_MARKS = re.compile(r"^#{1,6}\s+|\*\*(?=\S)|(?<=\S)\*\*")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!])")
# w3m, links and lynx show an image's alt text in brackets ("[pdf icon]Download PDF")
_ALT = re.compile(r"\[(pdf\s*icon)\]", re.I)
# a list's bullet at the start of a line ("* ", "• "), as text browsers draw <li>
_BULLET = re.compile(r"[*+\u2022\u25e6\u25aa\u2023]\s+")


def unmarked(lines: list[str]) -> list[str]:
    """`lines` (trimmed) without a dump's marks; lines of lynx's list of links are blank."""
    lynx = any(_LYNX_PDF.search(line) for line in lines)
    markdown = any(_MD_LINK.search(line) for line in lines if "](" in line)
    out: list[str] = []
    for line in lines:
        if lynx:
            line = _LINK_NUMBER.sub("", line)
        if markdown:
            line = _MD_LINK.sub(r"\1", _MD_IMAGE.sub(r"\1", line))
            line = _MD_ESCAPE.sub(r"\1", _MD_MARKS.sub("", line))
        line = _ALT.sub(r"\1", line)
        out.append(_BULLET.sub("", line, count=1) if _BULLET.match(line) else line)
    if lynx:
        _blank_link_list(out)
    return [line.strip() for line in out]


def _blank_link_list(lines: list[str]) -> None:
    """Blank lynx's "References" heading at the end and the numbered URLs below it."""
    heading = next((i for i in range(len(lines) - 1, -1, -1) if lines[i] == "References"), None)
    below = lines[heading + 1 :] if heading is not None else []
    if heading is None or not all(_LINK_LIST.fullmatch(line) for line in below if line):
        return
    lines[heading:] = [""] * (len(lines) - heading)
