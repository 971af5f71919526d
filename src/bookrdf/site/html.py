"""HTML pages for people, with the data for machines: embedded JSON-LD and Google Scholar /
Highwire `citation_*` meta tags. Every value is escaped; links are relative, so the same pages
work in a static site, behind `bookrdf serve` and from a local folder."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bookrdf.site.describe import FORMAT_NAMES, MEDIA_TYPES, RDF_FORMATS, script_json
from bookrdf.site.view import BookView, Part, Person

CSS = """
body{font:17px/1.55 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d1d1f;
 max-width:46rem;margin:0 auto;padding:1rem 1rem 3rem;overflow-wrap:anywhere}
a{color:#0b57d0}h1{font-size:1.7rem;line-height:1.25;margin:.2rem 0}
.kicker{text-transform:uppercase;font-size:.8rem;letter-spacing:.06em;color:#666;margin:0}
.subtitle{font-size:1.2rem;color:#444;margin:.2rem 0 .8rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{color:#666}dd{margin:0}
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;
 padding:.35rem .4rem;border-bottom:1px solid #e3e3e3}th{font-size:.85rem;color:#666}
td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
nav{margin:.7rem 0}nav.formats a{margin-right:.7rem;white-space:nowrap}code{font-size:.85em}
footer{margin-top:2rem;font-size:.85rem;color:#666}
@media (max-width:32rem){body{font-size:16px}dl{grid-template-columns:1fr}dt{margin-top:.4rem}}
"""

_ROLE_WORDS = (
    ("author", "By"),
    ("editor", "Edited by"),
    ("translator", "Translated by"),
    ("contributor", "With contributions by"),
)


def layout(*, title: str, body: str, lang: str | None = None, head: str = "") -> str:
    """A complete HTML5 document: charset, viewport, title, inline CSS, then `body`."""
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang or "en")}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n{head}<style>{CSS}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def meta(name: str, content: str | None) -> str:
    """One <meta name=… content=…> line ('' without content)."""
    if not content:
        return ""
    return f'<meta name="{escape(name)}" content="{escape(content)}">\n'


def jsonld_element(data: bytes) -> str:
    """The JSON-LD document in a <script type="application/ld+json"> element."""
    return f'<script type="application/ld+json">\n{script_json(data)}\n</script>\n'


def alternates(name: str) -> str:
    """<link rel="alternate"> to the same description in each RDF format."""
    return "".join(
        f'<link rel="alternate" type="{MEDIA_TYPES[f]}" href="{escape(name)}.{f}">\n'
        for f in RDF_FORMATS
    )


def formats_nav(name: str) -> str:
    """Links to this description in every format."""
    links = " ".join(
        f'<a href="{escape(name)}.{f}" type="{MEDIA_TYPES[f]}">{FORMAT_NAMES[f]}</a>'
        for f in RDF_FORMATS
    )
    return f'<nav class="formats" aria-label="formats">This page as data: {links}</nav>\n'


def citation_date(published: str | None) -> str | None:
    """'2005-03-01' -> '2005/03/01', the form Google Scholar documents."""
    return published.replace("-", "/") if published else None


def _citation_common(book: BookView, authors: Sequence[Person]) -> str:
    lines = [meta("citation_author", person.name) for person in authors]
    lines.append(meta("citation_publication_date", citation_date(book.published)))
    lines.extend(meta("citation_isbn", edition.isbn) for edition in book.editions)
    lines.append(meta("citation_publisher", book.publisher))
    lines.append(meta("citation_language", book.language))
    return "".join(lines)


def _names(people: Sequence[Person]) -> str:
    names = [escape(person.name) for person in people]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def byline(people: Sequence[Person]) -> str:
    """'By A and B. Edited by C.' as HTML."""
    parts = []
    for role, words in _ROLE_WORDS:
        found = [p for p in people if p.role == role]
        if found:
            parts.append(f"{words} {_names(found)}.")
    return f'<p class="byline">{" ".join(parts)}</p>\n' if parts else ""


def _facts(rows: Sequence[tuple[str, str | None]]) -> str:
    """A definition list of the rows that have a value (values are already HTML)."""
    items = "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in rows if v)
    return f"<dl>{items}</dl>\n" if items else ""


def linked(url: str, html: str) -> str:
    """`html` linked to `url` — only for http(s) URLs and relative paths, never `javascript:`."""
    scheme = url.split(":", 1)[0].lower() if ":" in url.split("/", 1)[0] else ""
    if scheme not in {"", "http", "https"}:
        return html
    return f'<a href="{escape(url)}">{html}</a>'


def _iri(iri: str) -> str:
    return linked(iri, f"<code>{escape(iri)}</code>")


def book_page(book: BookView, data: bytes, name: str, root: str = "../") -> str:
    """The page of a book at `book/{name}.html`; `data` is its JSON-LD document."""
    full_title = f"{book.title}: {book.subtitle}" if book.subtitle else book.title
    head = (
        meta("citation_title", full_title)
        + _citation_common(book, book.authors)
        + meta("citation_doi", book.doi)
        + meta("description", book.description)
        + alternates(name)
        + jsonld_element(data)
    )
    isbns = "<br>".join(f"{escape(e.isbn)} ({escape(e.format)})" for e in book.editions)
    publisher = ", ".join(escape(x) for x in (book.publisher, book.place) if x)
    body = (
        f'<header><p class="kicker">Book</p><h1>{escape(book.title)}</h1>\n'
        + (f'<p class="subtitle">{escape(book.subtitle)}</p>\n' if book.subtitle else "")
        + "</header>\n"
        + byline(book.contributors)
        + _facts(
            [
                ("Publisher", publisher),
                ("Published", escape(book.published or "")),
                ("ISBN", isbns),
                ("DOI", escape(book.doi or "")),
                ("Language", escape(book.language or "")),
                ("IRI", _iri(book.iri)),
            ]
        )
        + (f'<p class="description">{escape(book.description)}</p>\n' if book.description else "")
        + _contents(book, name)
        + formats_nav(name)
        + footer(root)
    )
    return layout(title=full_title, body=body, lang=book.language, head=head)


def page_href(iri: str, work: str, name: str) -> str:
    """The relative link from the book's page to the page of a node minted under the work."""
    if iri.startswith(f"{work}/"):
        return f"{name}/{iri[len(work) + 1 :]}.html"
    return iri


def last_segment(iri: str) -> str:
    """The name a document of `iri` has in its folder: 'book/b/chapter/3' -> '3'."""
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _contents(book: BookView, name: str) -> str:
    parts = book.parts
    if not parts:
        return ""
    rows = "".join(
        f'<tr><td><a href="{escape(page_href(p.iri, book.iri, name))}">{escape(p.heading)}</a>'
        + "".join(f"<br><small>{escape(person.name)}</small>" for person in p.contributors)
        + f'</td><td class="n">{escape(p.pages or "")}</td>'
        + f'<td class="n">{_pdf(p)}</td></tr>\n'
        for p in parts
    )
    return (
        '<h2 id="contents">Contents</h2>\n<table>\n<thead><tr><th>Entry</th>'
        '<th class="n">Pages</th><th class="n">PDF</th></tr></thead>\n'
        f"<tbody>\n{rows}</tbody>\n</table>\n"
    )


def _pdf(part: Part) -> str:
    size = escape(part.pdf_size or ("PDF" if part.pdf_url else ""))
    return linked(part.pdf_url, size) if part.pdf_url else size


def chapter_page(
    book: BookView, part: Part, data: bytes, book_name: str, root: str = "../../../"
) -> str:
    """The page of a contents entry at `book/{book_name}/chapter/{position}.html`."""
    authors = [p for p in part.contributors if p.role == "author"] or list(book.authors)
    head = (
        meta("citation_title", part.title or part.heading)
        + _citation_common(book, authors)
        + meta("citation_inbook_title", book.title)
        + meta("citation_firstpage", part.first_page)
        + meta("citation_lastpage", part.last_page)
        + meta("citation_pdf_url", part.pdf_url)
        + meta("citation_doi", part.doi)
        + alternates(last_segment(part.iri))
        + jsonld_element(data)
    )
    up = f"../../{escape(book_name)}.html"
    index = {p.position: p for p in book.parts}
    steps = [
        f'<a href="{escape(last_segment(index[n].iri))}.html" rel="{rel}">'
        f"{word}: {escape(index[n].heading)}</a>"
        for n, rel, word in (
            (part.position - 1, "prev", "Previous"),
            (part.position + 1, "next", "Next"),
        )
        if n in index
    ]
    body = (
        f'<header><p class="kicker">{escape(_kicker(part))}</p>'
        f"<h1>{escape(part.title or part.heading)}</h1>\n"
        f'<p class="subtitle">In <a href="{up}">{escape(book.title)}</a></p></header>\n'
        + byline(part.contributors)
        + _facts(
            [
                ("Pages", escape(part.pages or "")),
                ("PDF", _pdf(part)),
                ("DOI", escape(part.doi or "")),
                ("IRI", _iri(part.iri)),
            ]
        )
        + (f'<p class="description">{escape(part.excerpt)}</p>\n' if part.excerpt else "")
        + (f'<nav class="steps">{" · ".join(steps)}</nav>\n' if steps else "")
        + formats_nav(last_segment(part.iri))
        + footer(root)
    )
    return layout(title=f"{part.heading} — {book.title}", body=body, lang=book.language, head=head)


def _kicker(part: Part) -> str:
    return f"Chapter {part.label}" if part.label and part.title else f"Part {part.position}"


def footer(root: str) -> str:
    return (
        f'<footer><a href="{escape(root)}index.html">All books</a> · '
        f'<a href="{escape(root)}dataset.html">About this dataset</a></footer>'
    )
