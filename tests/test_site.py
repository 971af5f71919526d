"""The Linked Data site: documents per book and chapter, HTML pages, server configuration."""

from __future__ import annotations

import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyld import jsonld
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from bookrdf.cli import cli
from bookrdf.errors import OutputError
from bookrdf.mapping import BookGraph, map_book
from bookrdf.pipeline import read_books, read_rdf
from bookrdf.publish import refuse_remote_context, write_release
from bookrdf.site import (
    HTACCESS_FILE,
    NGINX_FILE,
    SiteWriter,
    chapter_triples,
    htaccess,
    nginx_config,
    read_book,
    script_json,
    write_site,
)
from bookrdf.site.html import linked
from bookrdf.vocab import Minter
from tests.conftest import SEED_RECORD, WORK

HOSTILE_TITLE = 'Tags </script><script>alert("x")</script> & <!-- "quotes"'
EDGE_RECORD = f"""
id: edge-book
title: {json.dumps(HOSTILE_TITLE)}
subtitle: A Subtitle
contributors:
  - {{name: Zoë Second-Listed, role: author}}
  - {{name: Adam First-Alphabetically, role: author}}
  - {{name: Ed Itor, role: editor}}
publisher: {{name: Press & Sons, place: Paris}}
published: "2019-03-07"
language: fr
isbn:
  - {{value: "9781925550016", format: hardcover}}
chapters:
  - title: Opening
    pages: 1-20
    contributors: [{{name: Chapter Author, role: author}}]
    pdf: {{size: 1.2 MB, url: "https://example.org/pdf/1.pdf"}}
  - label: "2"
    title: Second
    pages: 21-40
"""
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


def rdf_of_jsonld(document: dict[str, object]) -> Graph:
    """A JSON-LD document as an rdflib graph, by pyld, never fetching anything."""
    nquads = jsonld.to_rdf(
        document, {"format": "application/n-quads", "documentLoader": refuse_remote_context}
    )
    return Graph().parse(data=nquads, format="nt")


class PageReader(HTMLParser):
    """Checks that tags nest and close; collects meta tags and the JSON-LD scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.doctype = ""
        self.meta: list[tuple[str, str]] = []
        self.attrs: list[dict[str, str | None]] = []
        self.scripts: list[str] = []
        self.titles: list[str] = []
        self._in: str | None = None

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.attrs.append({"tag": tag, **values})
        if tag == "meta" and "name" in values:
            self.meta.append((values["name"] or "", values.get("content") or ""))
        if tag not in VOID:
            self.stack.append(tag)
        self._in = tag if tag in {"script", "title"} else None

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts.append(data)
        elif self._in == "title":
            self.titles.append(data)


def read_page(text: str) -> PageReader:
    """A page, checked: doctype, nesting, one title, charset and viewport."""
    page = PageReader()
    page.feed(text)
    page.close()
    assert page.doctype.lower() == "doctype html"
    assert not page.errors, page.errors
    assert not page.stack, page.stack
    assert len(page.titles) == 1
    assert {"tag": "meta", "charset": "utf-8"} in page.attrs
    assert any(a.get("name") == "viewport" for a in page.attrs)
    assert any(a["tag"] == "html" and a.get("lang") for a in page.attrs)
    return page


def books_of(*paths: Path, minter: Minter | None = None) -> list[BookGraph]:
    minter = minter or Minter()
    return [map_book(book, minter) for book in read_books(list(paths))]


@pytest.fixture(scope="module")
def edge_record(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("records") / "edge.yaml"
    path.write_text(EDGE_RECORD, "utf-8")
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, edge_record: Path) -> Path:
    out = tmp_path_factory.mktemp("site")
    summary = write_site(books_of(SEED_RECORD, edge_record), out, minter=Minter())
    assert (summary.books, summary.chapters) == (2, 22)
    return out


def test_every_book_and_chapter_has_a_document_per_format_at_its_iri_path(site: Path) -> None:
    for fmt in ("ttl", "jsonld", "nt", "html"):
        assert (site / f"book/crisis-in-north-korea.{fmt}").is_file()
        assert (site / f"book/edge-book.{fmt}").is_file()
        for n in range(1, 21):
            assert (site / f"book/crisis-in-north-korea/chapter/{n}.{fmt}").is_file()
    for name in ("index.html", "dataset.html", ".htaccess", "bookrdf-nginx.conf"):
        assert (site / name).is_file()
    assert not [p for p in site.iterdir() if p.name.startswith(".site.")]


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_book_documents_are_the_mapped_graph(site: Path, crisis_graph: Graph, fmt: str) -> None:
    parser = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt]
    data = (site / f"book/crisis-in-north-korea.{fmt}").read_bytes()
    graph = (
        rdf_of_jsonld(json.loads(data))
        if fmt == "jsonld"
        else Graph().parse(data=data, format=parser)
    )
    assert isomorphic(graph, crisis_graph)


def test_chapter_documents_hold_the_chapter_its_pdf_and_names_of_what_it_links(site: Path) -> None:
    chapter = URIRef(f"{WORK}/chapter/7")
    turtle = Graph().parse(site / "book/crisis-in-north-korea/chapter/7.ttl", format="turtle")
    document = json.loads((site / "book/crisis-in-north-korea/chapter/7.jsonld").read_text("utf-8"))
    assert isomorphic(rdf_of_jsonld(document), turtle)
    assert document["id"] == str(chapter)
    subjects = {str(s) for s in turtle.subjects()}
    assert subjects == {str(chapter), f"{chapter}/pdf", WORK}
    assert {str(p) for p in turtle.predicates(URIRef(WORK))} == {
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
        "http://purl.org/dc/terms/title",
        "http://schema.org/name",
    }


def test_chapter_triples_are_taken_from_the_book(crisis_graph: Graph) -> None:
    triples = list(crisis_graph)
    own = chapter_triples(triples, f"{WORK}/chapter/1")
    assert all(t in crisis_graph for t in own)
    assert not chapter_triples(triples, f"{WORK}/chapter/99")


def test_book_page_has_citation_meta_in_order_and_escaped_json_ld(site: Path) -> None:
    text = (site / "book/edge-book.html").read_text("utf-8")
    page = read_page(text)
    meta = page.meta
    assert ("citation_title", f"{HOSTILE_TITLE}: A Subtitle") in meta
    assert [c for n, c in meta if n == "citation_author"] == [
        "Zoë Second-Listed",
        "Adam First-Alphabetically",
    ]
    assert ("citation_publication_date", "2019/03/07") in meta
    assert ("citation_isbn", "9781925550016") in meta
    assert ("citation_publisher", "Press & Sons") in meta
    assert "</script><script>" not in text
    assert "<!-- " not in text
    assert len(page.scripts) == 1
    assert "</" not in page.scripts[0]
    graph = rdf_of_jsonld(json.loads(page.scripts[0]))
    assert isomorphic(graph, Graph().parse(site / "book/edge-book.ttl", format="turtle"))
    assert HOSTILE_TITLE in {str(o) for o in graph.objects()}


def test_book_page_shows_what_people_need(site: Path) -> None:
    text = (site / "book/crisis-in-north-korea.html").read_text("utf-8")
    read_page(text)
    for shown in (
        "Crisis in North Korea",
        "By Andrei N. Lankov.",
        "University of Hawai&#x27;i Press",
        "2005",
        "9780824862039 (electronic)",
        "9780824828097 (print)",
        '<a href="crisis-in-north-korea/chapter/7.html">1. North Korea and Its Leadership',
        '<td class="n">7-25</td>',
        "110.8 KB",
        '<a href="crisis-in-north-korea.ttl" type="text/turtle">Turtle</a>',
        '<a href="crisis-in-north-korea.jsonld" type="application/ld+json">JSON-LD</a>',
        '<a href="crisis-in-north-korea.nt" type="application/n-triples">N-Triples</a>',
    ):
        assert shown in text


def test_chapter_page_has_pages_and_the_book_it_is_in(site: Path) -> None:
    page = read_page((site / "book/edge-book/chapter/1.html").read_text("utf-8"))
    meta = dict(page.meta)
    assert meta["citation_title"] == "Opening"
    assert meta["citation_inbook_title"] == HOSTILE_TITLE
    assert (meta["citation_firstpage"], meta["citation_lastpage"]) == ("1", "20")
    assert meta["citation_author"] == "Chapter Author"
    assert meta["citation_pdf_url"] == "https://example.org/pdf/1.pdf"
    second = read_page((site / "book/edge-book/chapter/2.html").read_text("utf-8")).meta
    # a chapter without authors of its own is cited with the book's
    authors = [c for n, c in second if n == "citation_author"]
    assert authors == ["Zoë Second-Listed", "Adam First-Alphabetically"]
    assert ("citation_firstpage", "21") in second


def test_index_and_dataset_pages(site: Path) -> None:
    index = (site / "index.html").read_text("utf-8")
    read_page(index)
    assert '<a href="book/crisis-in-north-korea.html">Crisis in North Korea</a>' in index
    dataset = (site / "dataset.html").read_text("utf-8")
    read_page(dataset)
    assert "2 books with 22 chapters" in dataset
    assert '<a href="books.nt.gz">books.nt.gz</a>' in dataset


def test_the_view_is_the_same_from_records_and_from_rdf_files(tmp_path: Path) -> None:
    [book] = books_of(SEED_RECORD)
    path = tmp_path / "book.ttl"
    graph = Graph()
    for triple in book.triples:
        graph.add(triple)
    graph.serialize(path, format="turtle")
    assert read_book(list(read_rdf(path)), WORK) == read_book(book.triples, WORK)


@pytest.mark.parametrize(
    ("url", "html"),
    [
        ("https://example.org/a?b=1&c=2", '<a href="https://example.org/a?b=1&amp;c=2">x</a>'),
        ("../index.html", '<a href="../index.html">x</a>'),
        ("javascript:alert(1)", "x"),
        (" JavaScript:alert(1)", "x"),
        ("data:text/html,<b>", "x"),
    ],
)
def test_only_web_links_are_linked(url: str, html: str) -> None:
    assert linked(url, "x") == html


def test_script_json_cannot_close_its_element() -> None:
    text = script_json(json.dumps({"a": "</script><!--&"}).encode())
    assert not {"<", ">", "&"} & set(text)
    assert json.loads(text) == {"a": "</script><!--&"}


def test_nginx_config_negotiates_each_type_with_303_vary_and_cors() -> None:
    config = nginx_config("/bookrdf/")
    assert 'location ~ "^/bookrdf/book/[^/]+(/chapter/[0-9]+)?$"' in config
    assert config.index("\\.(ttl|jsonld|nt|html)$") < config.index('(/chapter/[0-9]+)?$"')
    for media, suffix in (
        ("text/turtle", "ttl"),
        ("application/ld\\+json", "jsonld"),
        ("application/n-triples", "nt"),
    ):
        assert f'if ($http_accept ~* "^\\s*{media}") {{ set $bookrdf_doc {suffix}; }}' in config
        assert f'if ($http_accept ~* "{media}") {{ set $bookrdf_doc {suffix}; }}' in config
    assert "    set $bookrdf_doc ttl;\n" in config  # `*/*` and unknown types: Turtle
    assert "return 303 $uri.$bookrdf_doc;" in config
    assert 'add_header Vary "Accept" always;' in config
    assert 'add_header Access-Control-Allow-Origin "*" always;' in config
    assert config.count("{") == config.count("}")


def test_server_configs_name_the_base_path_as_servers_match_it_decoded(tmp_path: Path) -> None:
    configs: list[dict[str, str]] = []
    for base in ("https://example.org/b%C3%BCcher/", "https://example.org/bücher/"):
        minter = Minter(base)
        out = tmp_path / str(len(configs))
        write_site(books_of(SEED_RECORD, minter=minter), out, minter=minter)
        configs.append(
            {name: (out / name).read_text("utf-8") for name in (NGINX_FILE, HTACCESS_FILE)}
        )
    assert (
        configs[0]
        == configs[1]
        == {NGINX_FILE: nginx_config("/bücher/"), HTACCESS_FILE: htaccess("/bücher/")}
    )


def test_htaccess_negotiates_each_type_with_303_vary_and_cors() -> None:
    config = htaccess("/bookrdf/")
    assert "RewriteBase /bookrdf/" in config
    for media, suffix in (
        ("text/turtle", "ttl"),
        ("application/ld\\+json", "jsonld"),
        ("application/n-triples", "nt"),
        ("(text/html|application/xhtml\\+xml)", "html"),
    ):
        assert f"RewriteCond %{{HTTP_ACCEPT}} ^\\s*{media} [NC]" in config
        assert f"[E=BOOKRDF_DOC:{suffix}]" in config
    assert "RewriteCond %{REQUEST_FILENAME} !-f" in config
    assert "$1.%{ENV:BOOKRDF_DOC} [R=303,L,E=BOOKRDF_CONNEG:1]" in config
    assert "AddType text/turtle .ttl" in config
    assert "AddType application/ld+json .jsonld" in config
    assert "AddType application/n-triples .nt" in config
    assert 'Header always set Access-Control-Allow-Origin "*"' in config
    assert "Header always merge Vary Accept env=BOOKRDF_CONNEG" in config


def _failing(books: list[BookGraph]) -> Iterator[BookGraph]:
    yield books[0]
    raise OutputError("stopped halfway")


def test_a_failed_build_leaves_the_previous_site_whole(tmp_path: Path, edge_record: Path) -> None:
    books = books_of(SEED_RECORD, edge_record)
    write_site(books[:1], tmp_path, minter=Minter())
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    with pytest.raises(OutputError, match="stopped halfway"):
        write_site(_failing(books[1:]), tmp_path, minter=Minter())
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [".htaccess", "book", "bookrdf-nginx.conf", "dataset.html", "index.html"]
    )


def test_a_rebuild_replaces_the_site_and_keeps_other_files(
    tmp_path: Path, edge_record: Path
) -> None:
    (tmp_path / "books.ttl").write_text("# a dump\n")
    write_site(books_of(SEED_RECORD, edge_record), tmp_path, minter=Minter())
    write_site(books_of(edge_record), tmp_path, minter=Minter())
    assert not (tmp_path / "book/crisis-in-north-korea.ttl").exists()
    assert (tmp_path / "book/edge-book.ttl").is_file()
    assert (tmp_path / "books.ttl").read_text() == "# a dump\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".") and p.is_dir()] == []


def test_site_writer_follows_a_release_book_by_book(tmp_path: Path, edge_record: Path) -> None:
    books = books_of(SEED_RECORD, edge_record)
    with SiteWriter(tmp_path, minter=Minter(), dataset_title="Press") as site:
        release = write_release(iter(books), tmp_path, on_book=site.add)
    assert (release.books, site.summary.books, site.summary.chapters) == (2, 2, 22)
    assert (tmp_path / "books.ttl").is_file()
    assert "<title>Press</title>" in (tmp_path / "index.html").read_text("utf-8")
    with pytest.raises(OutputError, match="the release failed"):
        _fail_after_one_book(tmp_path / "new", books[0])
    assert not (tmp_path / "new").exists()


def _fail_after_one_book(out: Path, book: BookGraph) -> None:
    with SiteWriter(out, minter=Minter()) as site:
        site.add(book)
        raise OutputError("the release failed")


def test_paths_follow_the_base_iri(tmp_path: Path) -> None:
    minter = Minter("https://data.example-press.org/catalogue/")
    write_site(books_of(SEED_RECORD, minter=minter), tmp_path, minter=minter)
    assert "RewriteBase /catalogue/" in (tmp_path / ".htaccess").read_text()
    page = (tmp_path / "book/crisis-in-north-korea.html").read_text("utf-8")
    assert "https://data.example-press.org/catalogue/book/crisis-in-north-korea" in page
    with pytest.raises(OutputError, match="is not under the base IRI"):
        write_site(books_of(SEED_RECORD), tmp_path / "other", minter=minter)


def test_site_command_writes_the_site(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["site", str(SEED_RECORD), "--out", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert "wrote the site of 1 books and 20 chapters" in result.stderr
    assert (tmp_path / "s/book/crisis-in-north-korea/chapter/20.html").is_file()


@pytest.mark.parametrize("command", [["site"], ["publish", "--site"]])
def test_a_failed_site_build_leaves_no_folder_behind(tmp_path: Path, command: list[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: [\n", "utf-8")
    out = tmp_path / "new" / "site"
    result = CliRunner().invoke(cli, [*command, str(bad), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "new").exists()


def test_site_command_reports_bad_input_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["site", str(tmp_path / "missing.yaml"), "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == f"Error: {tmp_path / 'missing.yaml'}: no such file or folder; check the path"
    )
    assert "Traceback" not in result.output
