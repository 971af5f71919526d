"""The other pages: the index of books, the dataset page (also `bookrdf serve`'s landing page),
search results, and a generic page for people, organisations and editions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

from rdflib import Literal, URIRef
from rdflib.term import Node

from bookrdf.site.describe import AnyTriple
from bookrdf.site.html import alternates, footer, formats_nav, jsonld_element, layout, linked
from bookrdf.vocab import PREFIXES

DUMP_NAMES = ("books.nt.gz", "books.ttl", "books.jsonld", "books.nt", "dataset.ttl")


@dataclass(frozen=True)
class Entry:
    """One book in the index or in search results."""

    href: str
    title: str
    contributors: str
    published: str | None


@dataclass
class DatasetInfo:
    """What the dataset page says."""

    title: str
    base: str
    books: int = 0
    chapters: int = 0
    triples: int = 0
    dumps: list[tuple[str, str]] = field(default_factory=list)  # (name, href)
    sparql: str | None = None
    search: str | None = None  # the search form's action, when there is one
    index: str = "index.html"


def index_page(title: str, entries: Sequence[Entry]) -> str:
    """Every book, by title."""
    body = (
        f'<header><p class="kicker">Index</p><h1>{escape(title)}</h1></header>\n'
        f'<p>{len(entries)} books. <a href="dataset.html">About this dataset</a>.</p>\n'
        + entry_list(entries)
    )
    return layout(title=title, body=body)


def entry_list(entries: Sequence[Entry]) -> str:
    """Books as a list: linked title, contributors, year."""
    items = "".join(
        f'<li><a href="{escape(e.href)}">{escape(e.title)}</a>'
        + (f" — {escape(e.contributors)}" if e.contributors else "")
        + (f" ({escape(e.published[:4])})" if e.published else "")
        + "</li>\n"
        for e in entries
    )
    return f'<ul class="books">\n{items}</ul>\n' if items else "<p>No books found.</p>\n"


def dataset_page(info: DatasetInfo) -> str:
    """The dataset: what it holds, where its IRIs live, its dumps, its SPARQL endpoint."""
    dumps = "".join(
        f'<li><a href="{escape(href)}">{escape(name)}</a></li>' for name, href in info.dumps
    )
    search = (
        f'<form action="{escape(info.search)}" method="get" role="search">'
        '<label for="q">Search titles and contributors</label><br>'
        '<input id="q" name="q" type="search" required maxlength="200"> '
        "<button>Search</button></form>\n"
        if info.search
        else ""
    )
    sparql = (
        f'<p>SPARQL endpoint: <a href="{escape(info.sparql)}"><code>{escape(info.sparql)}</code>'
        "</a> (SPARQL 1.1 Protocol, read-only).</p>\n"
        if info.sparql
        else ""
    )
    body = (
        f'<header><p class="kicker">Dataset</p><h1>{escape(info.title)}</h1></header>\n'
        + search
        + f"<p>{info.books} books with {info.chapters} chapters and other contents entries, "
        f"{info.triples} triples, in Dublin Core Terms and schema.org.</p>\n"
        f"<p>Every book has an IRI under <code>{escape(info.base)}</code>; ask it for "
        "<code>text/html</code>, <code>text/turtle</code>, <code>application/ld+json</code> or "
        "<code>application/n-triples</code>.</p>\n"
        + sparql
        + (f"<h2>Dumps</h2>\n<ul>{dumps}</ul>\n" if dumps else "")
        + f'<p><a href="{escape(info.index)}">All books</a></p>\n'
    )
    return layout(title=info.title, body=body)


def search_page(query: str, entries: Sequence[Entry], home: str) -> str:
    """Search results."""
    body = (
        f'<header><p class="kicker">Search</p><h1>Books matching “{escape(query)}”</h1></header>\n'
        + entry_list(entries)
        + f'<p><a href="{escape(home)}">Back</a></p>\n'
    )
    return layout(title=f"Search: {query}", body=body)


def prefixed(iri: str) -> str:
    """schema:name for http://schema.org/name; the IRI itself outside our prefixes."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _value(term: Node, link: Callable[[str], str], labels: dict[Node, str]) -> str:
    if isinstance(term, URIRef):
        text = labels.get(term) or prefixed(str(term))
        return linked(link(str(term)), escape(text))
    if isinstance(term, Literal) and term.language:
        return f'<span lang="{escape(term.language)}">{escape(str(term))}</span>'
    return escape(str(term))


def resource_page(
    iri: str,
    triples: Sequence[AnyTriple],
    data: bytes,
    *,
    link: Callable[[str], str],
    labels: dict[Node, str],
    name: str,
    root: str,
) -> str:
    """Any resource: its own statements, then what links to it."""
    node = URIRef(iri)
    title = labels.get(node) or iri
    own = sorted((t for t in triples if t[0] == node), key=lambda t: (str(t[1]), str(t[2])))
    inbound = sorted((t for t in triples if t[2] == node), key=lambda t: (str(t[0]), str(t[1])))
    rows = "".join(
        f"<tr><th>{escape(prefixed(str(p)))}</th><td>{_value(o, link, labels)}</td></tr>\n"
        for _, p, o in own
    )
    links = "".join(
        f"<li>{_value(s, link, labels)} <small>{escape(prefixed(str(p)))}</small></li>\n"
        for s, p, _ in inbound
    )
    body = (
        f'<header><p class="kicker">Resource</p><h1>{escape(title)}</h1>'
        f"<p><code>{escape(iri)}</code></p></header>\n"
        f"<table>\n<tbody>\n{rows}</tbody>\n</table>\n"
        + (f"<h2>Linked from</h2>\n<ul>\n{links}</ul>\n" if links else "")
        + formats_nav(name)
        + footer(root)
    )
    head = alternates(name) + jsonld_element(data)
    return layout(title=title, body=body, head=head)
