"""The Linked Data site: documents per book and chapter, pages for people and machines.

    write_site(books, out, minter=…) -> SiteSummary    the whole static site, atomically
    with SiteWriter(out, minter=…) as site: site.add(book)   the same, fed book by book
    read_book(triples, work) -> BookView                what a book page shows, from its triples
    book_page / chapter_page / resource_page             HTML with JSON-LD and citation_* tags
    chapter_triples(triples, chapter)                   what describes a chapter
    document(triples, root, fmt)                        a description as ttl, jsonld or nt
    nginx_config(path) / htaccess(path)                 303 content negotiation for static servers

Layout: `book/ID.{ttl,jsonld,nt,html}`, `book/ID/chapter/N.{…}` (paths as in the IRIs, relative
to the base), `index.html`, `dataset.html`, `.htaccess` and `bookrdf-nginx.conf`.
"""

from __future__ import annotations

from bookrdf.site.conneg import HTACCESS_FILE, NGINX_FILE, htaccess, nginx_config
from bookrdf.site.describe import (
    FORMAT_NAMES,
    MEDIA_TYPES,
    RDF_FORMATS,
    AnyTriple,
    chapter_triples,
    document,
    flat_jsonld,
    script_json,
)
from bookrdf.site.html import book_page, chapter_page, last_segment, layout
from bookrdf.site.pages import (
    DUMP_NAMES,
    DatasetInfo,
    Entry,
    dataset_page,
    index_page,
    resource_page,
    search_page,
)
from bookrdf.site.view import BookView, Part, Person, read_book
from bookrdf.site.write import SiteSummary, SiteWriter, site_path, write_site

__all__ = [
    "DUMP_NAMES",
    "FORMAT_NAMES",
    "HTACCESS_FILE",
    "MEDIA_TYPES",
    "NGINX_FILE",
    "RDF_FORMATS",
    "AnyTriple",
    "BookView",
    "DatasetInfo",
    "Entry",
    "Part",
    "Person",
    "SiteSummary",
    "SiteWriter",
    "book_page",
    "chapter_page",
    "chapter_triples",
    "dataset_page",
    "document",
    "flat_jsonld",
    "htaccess",
    "index_page",
    "last_segment",
    "layout",
    "nginx_config",
    "read_book",
    "resource_page",
    "script_json",
    "search_page",
    "site_path",
    "write_site",
]
