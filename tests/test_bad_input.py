"""A corpus of bad and hostile inputs: one clear line per problem, the right exit code, no
traceback, nothing written; what is accepted parses to the same graph in three parsers."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS

from bookrdf.cli import cli
from tests.conftest import FIXTURES, SEED_RECORD

BAD = FIXTURES / "bad"
HOSTILE = FIXTURES / "hostile"
# Records whose data breaks the SHACL shapes: exit 1. Everything else in bad/ is unusable: exit 2.
NONCONFORMING = {
    "isbn13_wrong_check_digit.yaml",
    "backwards_pages.yaml",
    "backwards_roman_pages.yaml",
    "overlapping_pages.yaml",
}
# RDF inputs are checked with `validate`; everything else goes through `publish`.
RDF_INPUTS = {"turtle_syntax.ttl", "remote_context.jsonld"}


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize("case", sorted(p.name for p in BAD.iterdir()), ids=str)
def test_bad_input_is_refused_cleanly(case: str, tmp_path: Path) -> None:
    path = BAD / case
    out = tmp_path / "out"
    command = "validate" if case in RDF_INPUTS else "publish"
    args = [command, str(path)] + ([] if command == "validate" else ["--out", str(out)])
    result = run(*args)
    expected = 1 if case in NONCONFORMING else 2
    assert result.exit_code == expected, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert errors, result.stderr
    if expected == 2:
        assert all(str(path) in line for line in errors), errors
    assert not out.exists() or not any(out.glob("books.*"))


def test_duplicate_ids_across_files_are_refused(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text("id: same\ntitle: T\n", "utf-8")
    result = run(
        "publish", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"), "--out", str(tmp_path / "o")
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {tmp_path / 'b.yaml'}:1: id:")


def test_a_failed_run_keeps_the_previous_release(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("publish", str(SEED_RECORD), "--out", str(out)).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    for case in ("yaml_syntax.yaml", "backwards_pages.yaml"):
        assert run("publish", str(SEED_RECORD), str(BAD / case), "--out", str(out)).exit_code != 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def _rapper_graph(path: Path, syntax: str) -> Graph:
    rapper = shutil.which("rapper")
    assert rapper, "rapper (Debian raptor2-utils) is missing: run `make system-deps`"
    done = subprocess.run(
        [rapper, "-q", "-i", syntax, "-o", "ntriples", str(path)], capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    return Graph().parse(data=done.stdout, format="nt")


def _oxigraph_graph(path: Path, fmt: ox.RdfFormat) -> Graph:
    nt = ox.serialize(list(ox.parse(path=str(path), format=fmt)), format=ox.RdfFormat.N_TRIPLES)
    assert nt is not None
    return Graph().parse(data=nt, format="nt")


@pytest.mark.parametrize("case", sorted(p.name for p in HOSTILE.iterdir()), ids=str)
def test_hostile_but_valid_input_parses_the_same_everywhere(case: str, tmp_path: Path) -> None:
    result = run(
        "publish",
        str(HOSTILE / case),
        "--out",
        str(tmp_path),
        "-f",
        "nt",
        "-f",
        "ttl",
        "-f",
        "jsonld",
        "-f",
        "xml",
    )
    assert result.exit_code == 0, result.output
    reference = Graph().parse(tmp_path / "books.nt", format="nt")
    assert len(reference) > 5
    for name, rdflib_format, ox_format, raptor in [
        ("books.nt", "nt", ox.RdfFormat.N_TRIPLES, "ntriples"),
        ("books.ttl", "turtle", ox.RdfFormat.TURTLE, "turtle"),
        ("books.rdf", "xml", ox.RdfFormat.RDF_XML, "rdfxml"),
    ]:
        path = tmp_path / name
        assert isomorphic(Graph().parse(path, format=rdflib_format), reference), name
        assert isomorphic(_oxigraph_graph(path, ox_format), reference), name
        assert isomorphic(_rapper_graph(path, raptor), reference), name
    jsonld = tmp_path / "books.jsonld"
    assert isomorphic(Graph().parse(jsonld, format="json-ld"), reference)
    assert isomorphic(_oxigraph_graph(jsonld, ox.RdfFormat.JSON_LD), reference)


def test_breakout_text_stays_inside_its_literal(tmp_path: Path) -> None:
    assert (
        run("publish", str(HOSTILE / "breakout_literals.yaml"), "--out", str(tmp_path)).exit_code
        == 0
    )
    graph = Graph().parse(tmp_path / "books.ttl", format="turtle")
    titles = {str(o) for o in graph.objects(None, DCTERMS.title)}
    assert '" . <x> <y> <z> .' in titles
    subjects = {str(s) for s in graph.subjects()}
    assert all(s.startswith("https://example.org/bookrdf/") for s in subjects)


def test_a_book_with_ten_thousand_chapters(tmp_path: Path) -> None:
    lines = ["id: big", "title: Big", "chapters:"]
    lines += [f"  - title: Chapter {n}\n    pages: '{n}'" for n in range(1, 10_001)]
    record = tmp_path / "big.yaml"
    record.write_text("\n".join(lines) + "\n", "utf-8")
    result = run(
        "publish", str(record), "--out", str(tmp_path / "out"), "-f", "nt", "--no-validate"
    )
    assert result.exit_code == 0, result.output
    store = ox.Store()
    store.load(path=str(tmp_path / "out" / "books.nt"), format=ox.RdfFormat.N_TRIPLES)
    answer = store.query("SELECT (COUNT(?c) AS ?n) WHERE { ?c a <http://schema.org/Chapter> }")
    assert isinstance(answer, ox.QuerySolutions)
    assert [int(row["n"].value) for row in answer] == [10_000]


def test_a_one_megabyte_title(tmp_path: Path) -> None:
    title = "Ab " * 350_000
    record = tmp_path / "long.json"
    record.write_text('{"id": "long", "title": "' + title + '"}', "utf-8")
    result = run("publish", str(record), "--out", str(tmp_path / "out"), "-f", "nt")
    assert result.exit_code == 0, result.output
    triples = ox.parse(path=str(tmp_path / "out" / "books.nt"), format=ox.RdfFormat.N_TRIPLES)
    assert max(len(str(quad.object.value)) for quad in triples) == len(title.strip())


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (
            "organization_with_person_names.yaml",
            [
                ":6: contributors[0].given_name: an organisation has no given name; remove it, "
                "or drop 'kind: organization' if this is a person",
                ":7: contributors[0].family_name: an organisation has no family name; remove it, "
                "or drop 'kind: organization' if this is a person",
            ],
        ),
        (
            "organization_blank_name.yaml",
            [":4: contributors[0].name: is blank; give the organisation's name"],
        ),
        (
            "contributor_unknown_kind.yaml",
            [":5: contributors[0].kind: 'corporation' is not one of person, organization"],
        ),
    ],
)
def test_an_organisation_the_record_gets_wrong_is_one_clear_line_each(
    case: str, expected: list[str], tmp_path: Path
) -> None:
    path = FIXTURES / "organizations" / case
    result = run("publish", str(path), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stderr.splitlines() == [f"Error: {path}{line}" for line in expected]
