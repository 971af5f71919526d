"""The CLI: data on stdout, one `Error:` line per problem on stderr, exit codes, no tracebacks."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from rdflib import Graph, Namespace
from rdflib.compare import isomorphic

from bookrdf.cli import cli
from bookrdf.cli.docs import render_crosswalk
from tests.conftest import SEED_PAGE, SEED_RECORD, graph_of

README = Path(__file__).parent.parent / "README.md"
PROV = Namespace("http://www.w3.org/ns/prov#")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def assert_clean_error(result: Result, code: int, line: str) -> None:
    assert result.exit_code == code, result.output
    assert result.stderr.strip().splitlines()[0] == line
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_map_prints_turtle_that_is_the_mapped_graph(crisis_graph: Graph) -> None:
    result = run("map", str(SEED_RECORD))
    assert result.exit_code == 0, result.stderr
    assert isomorphic(Graph().parse(data=result.stdout, format="turtle"), crisis_graph)


@pytest.mark.parametrize(("fmt", "parser"), [("nt", "nt"), ("jsonld", "json-ld"), ("xml", "xml")])
def test_map_formats(crisis_graph: Graph, fmt: str, parser: str) -> None:
    result = run("map", str(SEED_RECORD), "-f", fmt)
    assert result.exit_code == 0
    assert isomorphic(Graph().parse(data=result.stdout, format=parser), crisis_graph)


def test_map_with_base(crisis_graph: Graph) -> None:
    result = run("map", str(SEED_RECORD), "-f", "nt", "--base", "https://data.press.example/")
    graph = Graph().parse(data=result.stdout, format="nt")
    assert len(graph) == len(crisis_graph)
    assert all(str(s).startswith("https://data.press.example/") for s in graph.subjects())


def test_base_from_config_file(tmp_path: Path) -> None:
    config = tmp_path / "bookrdf.toml"
    config.write_text('[bookrdf]\nbase = "https://cfg.example/"\n', "utf-8")
    result = run("--config", str(config), "map", str(SEED_RECORD), "-f", "nt")
    assert result.exit_code == 0
    assert "<https://cfg.example/book/" in result.stdout


def test_bad_base_is_a_usage_error() -> None:
    result = run("map", str(SEED_RECORD), "--base", "not an iri")
    assert_clean_error(
        result,
        2,
        "Error: base IRI 'not an iri' is not an http(s) IRI ending in '/'; "
        "give one like https://example.org/books/",
    )


def test_publish_writes_the_release(tmp_path: Path) -> None:
    result = run("publish", str(SEED_RECORD), "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "SHA256SUMS",
        "books.jsonld",
        "books.nt.gz",
        "books.ttl",
        "context.jsonld",
        "dataset.jsonld",
        "dataset.ttl",
        "manifest.json",
    ]
    assert "published 1 books" in result.stderr


def test_publish_into_a_folder_inside_the_records_twice(tmp_path: Path) -> None:
    """`publish . --out release`: the second run does not read release/manifest.json (nor a
    site's or a cluster release's files) as a record."""
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "book.yaml").write_bytes(SEED_RECORD.read_bytes())
    out = tmp_path / "release"
    for _ in range(2):
        result = run("publish", str(tmp_path), "--out", str(out), "--no-validate", "-j", "1")
        assert result.exit_code == 0, result.stderr
        assert "published 1 books" in result.stderr
    cluster = tmp_path / "old" / "cluster"
    cluster.mkdir(parents=True)
    (cluster / "manifest.json").write_text("{}")
    (cluster / "parts.json").write_text("[]")
    result = run("publish", str(tmp_path), "--out", str(out), "--no-validate", "-j", "1")
    assert result.exit_code == 0, result.stderr
    assert_clean_error(
        run("validate", str(cluster)),
        2,
        f"Error: {cluster}: is a bookrdf release, not a folder of records; "
        "validate or load its parts",
    )


def test_a_file_given_twice_is_read_once(tmp_path: Path) -> None:
    (tmp_path / "records").mkdir()
    record = tmp_path / "records" / "book.yaml"
    record.write_bytes(SEED_RECORD.read_bytes())
    twice = [str(record), str(tmp_path / "records" / ".." / "records" / "book.yaml")]
    out = tmp_path / "out"
    result = run("publish", *twice, str(tmp_path / "records"), "--out", str(out), "-j", "2")
    assert result.exit_code == 0, result.stderr
    assert "published 1 books" in result.stderr
    used = Graph().parse(out / "dataset.ttl").objects(None, PROV.used)
    assert len(set(used)) == 1


def test_a_compressed_input_or_a_dangling_link_is_one_clear_line(tmp_path: Path) -> None:
    packed = tmp_path / "books.jsonl.gz"
    packed.write_bytes(gzip.compress(b'{"id": "a", "title": "A"}\n'))
    out = str(tmp_path / "out")
    assert_clean_error(
        run("publish", str(packed), "--out", out),
        2,
        f"Error: {packed}: is compressed (gzip); decompress it first: gunzip -k {packed}",
    )
    loop = tmp_path / "loop.jsonl"
    loop.symlink_to(loop)
    assert_clean_error(
        run("publish", str(loop), "--out", out),
        2,
        f"Error: {loop}: is a link that leads nowhere (or in a loop); check the path",
    )
    assert not (tmp_path / "out").exists()


def test_publish_a_muse_page_directly(tmp_path: Path) -> None:
    result = run("publish", str(SEED_PAGE), "--out", str(tmp_path), "-f", "nt")
    assert result.exit_code == 0, result.stderr
    graph = Graph().parse(tmp_path / "books.nt", format="nt")
    chapters = graph.query("SELECT (COUNT(?c) AS ?n) WHERE { ?c a <http://schema.org/Chapter> }")
    assert [int(row[0]) for row in chapters] == [20]  # type: ignore[index, arg-type]


def test_missing_file() -> None:
    result = run("map", "nope.yaml")
    assert_clean_error(result, 2, "Error: nope.yaml: no such file or folder; check the path")


def test_bad_yaml(tmp_path: Path) -> None:
    bad = tmp_path / "x.yaml"
    bad.write_text("id: x\ntitle: [\n", "utf-8")
    result = run("map", str(bad))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {bad}:3: is not valid YAML")
    assert "Traceback" not in result.output


def test_unknown_field(tmp_path: Path) -> None:
    bad = tmp_path / "x.yaml"
    bad.write_text("id: x\ntitle: T\nyear: 2005\n", "utf-8")
    result = run("publish", str(bad), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {bad}:3: year: unknown field 'year'")
    assert not (tmp_path / "out" / "books.ttl").exists()


def test_every_problem_is_its_own_error_line(tmp_path: Path) -> None:
    bad = tmp_path / "x.yaml"
    bad.write_text("id: x\ntitle: T\npublished: 20\nchapters:\n  - pages: '-'\n", "utf-8")
    result = run("map", str(bad))
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"Error: {bad}:") for line in lines)


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text("id: same\ntitle: T\n", "utf-8")
    result = run("publish", str(tmp_path), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f'Error: {tmp_path}/b.yaml:1: id: "same" is already the id')


def test_import_muse_to_stdout_reads_back(tmp_path: Path) -> None:
    result = run("import", "muse", str(SEED_PAGE))
    assert result.exit_code == 0, result.stderr
    record = tmp_path / "seed.yaml"
    record.write_text(result.stdout, "utf-8")
    mapped = run("map", str(record), "-f", "nt")
    assert len(Graph().parse(data=mapped.stdout, format="nt")) > 400


def test_import_muse_to_folder(tmp_path: Path) -> None:
    result = run("import", "muse", str(SEED_PAGE), "-o", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert [p.name for p in tmp_path.glob("*.yaml")] == ["9780824828097.yaml"]


def test_import_to_a_folder_refuses_two_books_for_one_file(tmp_path: Path) -> None:
    lines = SEED_PAGE.read_text("utf-8").splitlines(keepends=True)
    text = "".join(line for line in lines if "ISBN" not in line)  # the id is the title's
    first, second = tmp_path / "v1.txt", tmp_path / "v2.txt"
    first.write_text(text, "utf-8")
    second.write_text(text.replace("Andrei N. Lankov", "Someone Else"), "utf-8")
    out = tmp_path / "records"
    result = run("import", "muse", str(first), str(first), str(second), "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f'Error: {second}:1: id: "crisis-in-north-korea" is the id of another book, from {first}; '
        "both cannot be crisis-in-north-korea.yaml: import one with -o FILE.yaml and change its id"
    )
    assert not out.exists()


def test_committed_seed_record_is_what_the_importer_makes(tmp_path: Path) -> None:
    committed = Path(__file__).parent.parent / "data" / "books" / "9780824828097.yaml"
    result = run("import", "muse", str(SEED_PAGE))
    assert result.stdout == committed.read_text("utf-8")


def test_hand_typed_seed_matches_the_imported_one() -> None:
    from bookrdf.importers.muse import read_muse_page
    from bookrdf.records import read_records

    imported = read_muse_page(SEED_PAGE).book
    (typed,) = read_records(SEED_RECORD)
    for mine, theirs in zip(imported.chapters, typed.chapters, strict=True):
        assert (mine.label, mine.title, mine.pages, mine.pdf) == (
            theirs.label,
            theirs.title,
            theirs.pages,
            theirs.pdf,
        )


def test_crosswalk_table_in_readme_is_current() -> None:
    assert render_crosswalk() in README.read_text("utf-8")


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        found.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, f"{prefix}{name} "))
    return found


@pytest.mark.parametrize(("name", "command"), _commands(cli))
def test_every_command_has_help_and_is_in_the_readme(name: str, command: click.Command) -> None:
    assert command.help
    assert command.help.strip()
    result = run(*name.split(), "--help")
    assert result.exit_code == 0
    if not isinstance(command, click.Group):
        assert f"`bookrdf {name}" in README.read_text("utf-8")


def test_console_script_runs_and_exits_2_without_traceback(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "bookrdf"
    done = subprocess.run(
        [str(script), "map", str(tmp_path / "none.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("Error: ")
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


BAD_ISBN = "id: bad\ntitle: Bad\nisbn:\n  - value: '9780824828096'\n"


def test_validate_seed_conforms_with_warnings_for_untitled_entries() -> None:
    result = run("validate", str(SEED_RECORD), "--report", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["conforms"] is True
    assert report["violations"] == 0
    untitled = [
        r for r in report["results"] if r["path"] == "dcterms:title" and r["severity"] == "warning"
    ]
    assert len(untitled) == 7


def test_validate_fail_on_warning() -> None:
    assert run("validate", str(SEED_RECORD), "--fail-on", "warning").exit_code == 1


def test_validate_bad_isbn_exits_1_naming_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_ISBN, "utf-8")
    result = run("validate", str(bad), "--report", "json")
    assert result.exit_code == 1
    violations = [r for r in json.loads(result.stdout)["results"] if r["severity"] == "violation"]
    assert any("check digit" in r["message"] and "7" in r["message"] for r in violations)
    assert any(
        r["source"] == str(bad) and (r["field"] or "").startswith("isbn[0]") for r in violations
    )


def test_validate_turtle_report_is_a_shacl_report(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_ISBN, "utf-8")
    result = run("validate", str(bad), "--report", "turtle")
    graph = Graph().parse(data=result.stdout, format="turtle")
    answer = graph.query(
        """ASK { ?r a <http://www.w3.org/ns/shacl#ValidationReport> ;
                 <http://www.w3.org/ns/shacl#conforms> false }"""
    )
    assert answer.askAnswer


def test_validate_published_rdf_files(tmp_path: Path) -> None:
    assert run("publish", str(SEED_RECORD), "--out", str(tmp_path)).exit_code == 0
    for name in ("books.ttl", "books.nt.gz", "books.jsonld"):
        result = run("validate", str(tmp_path / name), "--report", "json")
        assert result.exit_code == 0, (name, result.output)
        assert json.loads(result.stdout)["violations"] == 0


CLEAN_BOOK = """id: clean
title: A Clean Book
description: A book the shapes have nothing to say about.
language: en
isbn:
  - value: '9780306406157'
contributors:
  - name: Ada Lovelace
    role: author
    identifiers:
      orcid: https://orcid.org/0000-0002-1825-0097
"""


def test_validate_rdf_counts_books_without_results(tmp_path: Path) -> None:
    record = tmp_path / "clean.yaml"
    record.write_text(CLEAN_BOOK, "utf-8")
    out = tmp_path / "out"
    assert run("publish", str(record), str(SEED_RECORD), "--out", str(out)).exit_code == 0
    result = run("validate", str(out / "books.ttl"), "--report", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["books"] == 2
    assert {r["book"] for r in report["results"]} == {"crisis-in-north-korea"}
    text = run("validate", str(out / "books.nt.gz"))
    assert text.stdout.strip().splitlines()[-1].startswith("2 books checked")


def test_validate_rdf_without_a_book_warns(tmp_path: Path) -> None:
    other = tmp_path / "other.ttl"
    other.write_text("<https://example.org/a> <https://example.org/b> 1 .\n", "utf-8")
    result = run("validate", str(other), "--report", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["books"] == 0
    assert f"Warning: {other}: no book in this RDF" in result.stderr


def test_rdf_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("publish", str(SEED_RECORD), "--out", str(out)).exit_code == 0
    marked = tmp_path / "marked.ttl"
    marked.write_bytes(b"\xef\xbb\xbf" + (out / "books.ttl").read_bytes())
    result = run("validate", str(marked), "--report", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["books"] == 1
    store = tmp_path / "store"
    loaded = run("load", str(marked), "--store", str(store))
    assert loaded.exit_code == 0, loaded.output
    assert "loaded 1 graph (0 unchanged)" in loaded.stderr
    rows = run(
        "query",
        "-e",
        "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }",
        "--store",
        str(store),
        "-f",
        "json",
    )
    count = json.loads(rows.stdout)["results"]["bindings"][0]["n"]["value"]
    assert int(count) == len(Graph().parse(out / "books.ttl"))


def test_validate_broken_rdf_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n", "utf-8")
    result = run("validate", str(bad))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {bad}:")
    assert "Traceback" not in result.output


def test_publish_gate_writes_nothing_and_keeps_the_previous_release(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("publish", str(SEED_RECORD), "--out", str(out)).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_ISBN, "utf-8")
    result = run("publish", str(SEED_RECORD), str(bad), "--out", str(out))
    assert result.exit_code == 1
    assert "check digit" in result.stderr
    assert "Error: the data does not conform" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    skipped = run("publish", str(bad), "--out", str(out), "--no-validate")
    assert skipped.exit_code == 0
    assert (out / "books.ttl").read_bytes() != before["books.ttl"]


def test_load_then_query_the_table_of_contents(tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = run("load", str(SEED_RECORD), "--store", str(store))
    assert first.exit_code == 0, first.output
    again = run("load", str(SEED_RECORD), "--store", str(store))
    assert "(1 unchanged)" in again.stderr
    result = run("query", "toc", "--store", str(store), "-f", "json")
    assert result.exit_code == 0, result.output
    bindings = json.loads(result.stdout)["results"]["bindings"]
    assert [int(b["position"]["value"]) for b in bindings] == list(range(1, 21))
    assert bindings[6]["title"]["value"] == "North Korea and Its Leadership in the Mid-1950s"


def test_load_refuses_a_bad_record_and_leaves_the_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run("load", str(SEED_RECORD), "--store", str(store)).exit_code == 0
    count_query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    before = run("query", "-e", count_query, "--store", str(store), "-f", "csv").stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_ISBN, "utf-8")
    result = run("load", str(SEED_RECORD), str(bad), "--store", str(store))
    assert result.exit_code == 1
    assert "check digit" in result.stderr
    after = run("query", "-e", count_query, "--store", str(store), "-f", "csv").stdout
    assert after == before
    assert int(after.splitlines()[1]) == len(graph_of(next(iter(_records(SEED_RECORD)))))


def _records(path: Path) -> list[Any]:
    from bookrdf.records import read_records

    return list(read_records(path))


def test_malformed_query_exits_2_with_line_and_column(tmp_path: Path) -> None:
    data = tmp_path / "d.ttl"
    data.write_text("<http://x/a> <http://x/b> <http://x/c> .\n", "utf-8")
    result = run("query", "-e", "SELECT ?x WHERE {\n ?x a }", "--data", str(data))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: query:2:")
    assert "Traceback" not in result.output


def test_a_parameter_given_twice_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "d.ttl"
    data.write_text('<http://x/a> <http://x/b> "one", "two" .\n', "utf-8")
    query = "SELECT ?s WHERE { ?s ?p $x }"
    once = run("query", "-e", query, "-p", "x=one", "--data", str(data), "-f", "json")
    assert once.exit_code == 0, once.output
    assert len(json.loads(once.stdout)["results"]["bindings"]) == 1
    twice = run("query", "-e", query, "-p", "x=one", "-p", "x=two", "--data", str(data))
    assert twice.exit_code == 2
    assert "--param x is given twice ('one' and 'two')" in twice.stderr
    assert twice.stdout == ""


@pytest.mark.parametrize(
    "export",
    [
        "onix/seed.xml",
        "marc/seed.xml",
        "csv/seed/books.csv",
        "crossref/seed.json",
    ],
)
def test_catalogue_exports_publish_directly(export: str, tmp_path: Path) -> None:
    path = Path(__file__).parent / "fixtures" / export
    result = run("publish", str(path), "--out", str(tmp_path), "-f", "nt")
    assert result.exit_code == 0, result.output
    graph = Graph().parse(tmp_path / "books.nt", format="nt")
    titles = graph.query(
        "SELECT DISTINCT ?t WHERE { ?w <http://schema.org/workExample> ?e ; <http://purl.org/dc/terms/title> ?t }"
    )
    assert [str(row[0]) for row in titles] == ["Crisis in North Korea"]  # type: ignore[index]


@pytest.mark.parametrize("command", ["publish", "load"])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_crossref_chapters_in_another_file_join_their_book(
    command: str, jobs: str, tmp_path: Path
) -> None:
    # as `import crossref` joins them: a chapter's book may be in any of the files given
    here = Path(__file__).parent / "fixtures" / "crossref"
    files = [str(here / "monograph.json"), str(here / "monograph-chapters.json")]
    out = tmp_path / "out"
    where = ["--out", str(out), "-f", "nt"] if command == "publish" else ["--store", str(out)]
    result = run(command, *files, *where, "-j", jobs)
    assert result.exit_code == 0, result.output
    assert "shares no ISBN or title" not in result.stderr
    query = "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?b <http://schema.org/hasPart> ?c }"
    if command == "publish":
        parsed = Graph().parse(out / "books.nt", format="nt").query(query)
        counts = [int(str(row[0])) for row in parsed]  # type: ignore[index]
    else:
        loaded = ox.Store(str(out)).query(query, use_default_graph_as_union=True)
        assert isinstance(loaded, ox.QuerySolutions)
        counts = [int(str(row["n"].value)) for row in loaded]
    assert counts == [3]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_crossref_json_lines_publish_directly_with_their_chapters(
    jobs: str, tmp_path: Path
) -> None:
    # JSON Lines of Crossref works are read whole, not a record a line
    works = json.loads((Path(__file__).parent / "fixtures" / "crossref" / "seed.json").read_text())
    dump = tmp_path / "dump.jsonl"
    dump.write_text("".join(json.dumps(w) + "\n" for w in works["message"]["items"]), "utf-8")
    result = run("publish", str(dump), "--out", str(tmp_path / "out"), "-f", "nt", "-j", jobs)
    assert result.exit_code == 0, result.output
    graph = Graph().parse(tmp_path / "out" / "books.nt", format="nt")
    parts = graph.query(
        "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?w <http://schema.org/workExample> ?e ;"
        " <http://schema.org/hasPart> ?c }"
    )
    assert [int(str(row[0])) for row in parts] == [20]  # type: ignore[index]


def test_a_chapters_csv_alone_is_refused(tmp_path: Path) -> None:
    path = Path(__file__).parent / "fixtures" / "csv" / "seed" / "chapters.csv"
    result = run("publish", str(path), "--out", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {path}: is a chapters file")


def test_a_chapters_csv_no_books_csv_in_the_folder_reads_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "catalogue"
    folder.mkdir()
    (folder / "books.csv").write_text("book_id,title\nb1,Book One\n", "utf-8")
    (folder / "toc.csv").write_text("book_id,title,pages\nb1,Chapter One,1-10\n", "utf-8")
    result = run("publish", str(folder), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {folder / 'toc.csv'}: is a chapters file that no books file in the folder "
        "reads; name it after its books file (books.csv reads chapters.csv, NAME.csv reads "
        "NAME-chapters.csv)\n"
    )
    assert not (tmp_path / "out").exists()


def test_publish_with_site_writes_the_pages_beside_the_dumps(
    tmp_path: Path, crisis_graph: Graph
) -> None:
    result = run("publish", str(SEED_RECORD), "--out", str(tmp_path), "--site")
    assert result.exit_code == 0, result.output
    book = tmp_path / "book" / "crisis-in-north-korea.ttl"
    assert isomorphic(Graph().parse(book, format="turtle"), crisis_graph)
    assert (tmp_path / "book" / "crisis-in-north-korea.html").exists()
    assert (tmp_path / "index.html").exists()
    assert (tmp_path / "books.nt.gz").exists()


def test_commands_that_do_not_validate_never_import_pyshacl(tmp_path: Path) -> None:
    """pyshacl and rdflib's SPARQL engine cost half a second to import: publishing without
    validation (and the CLI itself) must not pay it; validating must still work."""
    script = (
        "import sys\n"
        "from bookrdf.cli import main\n"
        f"sys.argv = ['bookrdf', 'publish', {str(SEED_RECORD)!r}, '--out', "
        f"{str(tmp_path / 'release')!r}, '--no-validate', '--jobs', '1']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as done:\n"
        "    assert not done.code, done.code\n"
        "loaded = [name for name in sys.modules if name.startswith('pyshacl')]\n"
        "assert not loaded and 'rdflib.plugins.sparql' not in sys.modules, loaded\n"
    )
    finished = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
    assert (tmp_path / "release" / "books.ttl").exists()
    checked = run("validate", str(SEED_RECORD))
    assert checked.exit_code == 0, checked.output


@pytest.mark.parametrize(
    "args",
    [
        ["publish", "crisis.yaml", "--out", ""],
        ["publish", "", "--out", "release"],
        ["site", "crisis.yaml", "--out", ""],
        ["generate", "--books", "2", "--out", ""],
        ["import", "csv", "books.csv", "-o", ""],
        ["validate", ""],
        ["load", "", "--store", "store"],
        ["query", "toc", "--store", ""],
        ["diff", "", "release"],
    ],
)
def test_an_empty_path_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """An empty path is an unset shell variable (`--out "$RELEASE"`), not this folder: a
    release, a site or a catalogue was written into the working folder, and inputs read from it."""
    (tmp_path / "crisis.yaml").write_bytes(SEED_RECORD.read_bytes())
    (tmp_path / "books.csv").write_text("book_id,title\na,A\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1].startswith("Error: ")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["books.csv", "crisis.yaml"]


@pytest.mark.parametrize(
    ("command", "name"),
    [
        ("publish", "books.jsonl"),
        ("validate", "books.jsonl"),
        ("load", "books.jsonl"),
        ("validate", "books.nt"),
        ("load", "books.nt"),
    ],
)
def test_a_named_pipe_is_refused_not_waited_on(tmp_path: Path, command: str, name: str) -> None:
    """`mkfifo books.jsonl; zcat dump.gz > books.jsonl &`: bookrdf opens an input more than
    once (its format, its records, its checksum), and the second open of a pipe waits for a
    writer that has gone: the run hung forever. No writer is started here: nothing may wait."""
    pipe = tmp_path / name
    os.mkfifo(pipe)
    where = {"publish": ["--out", str(tmp_path / "out")], "load": ["--store", str(tmp_path / "s")]}
    result = run(command, str(pipe), *where.get(command, []))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: {pipe}: ")
    assert result.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
