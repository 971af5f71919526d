"""Content negotiation for the static site on nginx or Apache, following "Cool URIs for the
Semantic Web" (W3C Interest Group Note, 2008), section 4.3: a book's or a chapter's IRI names
the thing, not a document, so a GET on it answers 303 See Other to the document in the format
the client asks for; the documents (`book/ID.ttl`, `.jsonld`, `.nt`, `.html`) are plain files.

Static servers cannot weigh q-values: the type listed first wins, else any RDF type the Accept
header names (Turtle, then JSON-LD, then N-Triples), else HTML when it is named, else Turtle
(as `bookrdf serve` answers `*/*`). `bookrdf serve` weighs q-values and answers 406.
"""

from __future__ import annotations

import re

NGINX_FILE = "bookrdf-nginx.conf"
HTACCESS_FILE = ".htaccess"

# A lower-listed test overrides an earlier one: "listed first" beats "named anywhere".
_HTML = "(text/html|application/xhtml\\+xml)"
_CHOICES = (
    (_HTML, "html", False),
    ("application/n-triples", "nt", False),
    ("application/ld\\+json", "jsonld", False),
    ("text/turtle", "ttl", False),
    (_HTML, "html", True),
    ("application/n-triples", "nt", True),
    ("application/ld\\+json", "jsonld", True),
    ("text/turtle", "ttl", True),
)


def _pattern(first: bool, media: str) -> str:
    return f"^\\s*{media}" if first else media


def nginx_config(base_path: str) -> str:
    """Location blocks to include in the nginx `server { }` whose root holds the site."""
    path = re.escape(base_path)
    tests = "".join(
        f'    if ($http_accept ~* "{_pattern(first, media)}") {{ set $bookrdf_doc {suffix}; }}\n'
        for media, suffix, first in _CHOICES
    )
    return (
        "# bookrdf Linked Data site: include in the server { } block whose root is the folder\n"
        "# written by `bookrdf publish --site` (or `bookrdf site`), served at "
        f"{base_path}.\n"
        "# Cool URIs: an IRI answers 303 See Other to the document in the asked-for format.\n\n"
        "# The documents: plain files with their media types (regex locations are tried in\n"
        "# order, so this one must come before the next).\n"
        f'location ~ "^{path}book/[^/]+(/chapter/[0-9]+)?\\.(ttl|jsonld|nt|html)$" {{\n'
        "    types { text/turtle ttl; application/ld+json jsonld; "
        "application/n-triples nt; text/html html; }\n"
        "    charset utf-8;\n"
        "    charset_types text/turtle application/ld+json application/n-triples;\n"
        '    add_header Access-Control-Allow-Origin "*" always;\n'
        "}\n\n"
        "# The IRIs of books and chapters: 303 to a document, chosen by the Accept header.\n"
        f'location ~ "^{path}book/[^/]+(/chapter/[0-9]+)?$" {{\n'
        '    add_header Vary "Accept" always;\n'
        '    add_header Access-Control-Allow-Origin "*" always;\n'
        "    set $bookrdf_doc ttl;\n"
        f"{tests}"
        "    return 303 $uri.$bookrdf_doc;\n"
        "}\n"
    )


def htaccess(base_path: str) -> str:
    """An Apache `.htaccess` for the site's folder (needs mod_rewrite; mod_headers for CORS)."""
    iri = "^book/[^/]+(/chapter/[0-9]+)?$"
    tests = "".join(
        f"RewriteCond %{{HTTP_ACCEPT}} {_pattern(first, media)} [NC]\n"
        f"RewriteRule {iri} - [E=BOOKRDF_DOC:{suffix}]\n"
        for media, suffix, first in _CHOICES
    )
    return (
        "# bookrdf Linked Data site for Apache httpd 2.4 (AllowOverride FileInfo), served at "
        f"{base_path}.\n"
        "# Keep MultiViews off for this folder: these rules do the negotiation.\n"
        "# Cool URIs: an IRI answers 303 See Other to the document in the asked-for format.\n"
        "AddType text/turtle .ttl\n"
        "AddType application/ld+json .jsonld\n"
        "AddType application/n-triples .nt\n"
        "AddType text/html .html\n"
        "AddCharset utf-8 .ttl .jsonld .nt .html\n\n"
        "RewriteEngine On\n"
        f"RewriteBase {base_path}\n"
        f"RewriteRule {iri} - [E=BOOKRDF_DOC:ttl]\n"
        f"{tests}"
        "RewriteCond %{REQUEST_FILENAME} !-f\n"
        "RewriteRule ^(book/[^/]+(?:/chapter/[0-9]+)?)$ $1.%{ENV:BOOKRDF_DOC} "
        "[R=303,L,E=BOOKRDF_CONNEG:1]\n\n"
        "<IfModule mod_headers.c>\n"
        '    Header always set Access-Control-Allow-Origin "*"\n'
        "    Header always merge Vary Accept env=BOOKRDF_CONNEG\n"
        "</IfModule>\n"
    )
