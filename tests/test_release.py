"""The release folder: dumps, VoID/DCAT/PROV description, checksums, manifest, re-publishing."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import gzip
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from pyld import jsonld
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, RDF, XSD
from rdflib.term import Node

from bookrdf import __version__
from bookrdf.cli import cli
from bookrdf.config import DatasetConfig, load_config
from bookrdf.errors import ConfigError
from bookrdf.pipeline import publish
from bookrdf.publish import write_release
from bookrdf.publish.files import atomic_files
from bookrdf.publish.formats import refuse_remote_context
from bookrdf.release import read_manifest
from tests.conftest import BASE, SEED_RECORD, with_own_isbns

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
DATASET = URIRef(f"{BASE}dataset")
EPOCH = "1700000000"  # 2023-11-14T22:13:20Z
ORCID = "  family_name: Lankov\n  identifiers: {orcid: 0000-0002-1825-0097}\n"
METADATA = DatasetConfig(
    title="Press books",
    description="Books and chapters of a press.",
    publisher="Example Press",
    license="CC0-1.0",
    sparql_endpoint="https://data.example.org/sparql",
    homepage="https://data.example.org/",
    download_base="https://downloads.example.org/books/",
)


def write_record(
    folder: Path, book_id: str, *, orcid: bool = False, title: str = "", isbn: int | None = None
) -> Path:
    """A copy of the seed record with another id and ISBNs of its own (made from the id, or
    from `isbn` when given), and an ORCID or another title when asked."""
    text = SEED_RECORD.read_text("utf-8").replace("id: crisis-in-north-korea", f"id: {book_id}")
    if isbn is not None:
        text = text.replace("9780824862039", f"979{isbn:09}1").replace(
            "9780824828097", f"979{isbn:09}2"
        )
    else:
        text = with_own_isbns(text, zlib.crc32(book_id.encode()) % 49_999_999)
    if orcid:
        text = text.replace("  family_name: Lankov\n", ORCID)
    if title:
        text = text.replace("title: Crisis in North Korea", f"title: {title}")
    path = folder / f"{book_id}.yaml"
    path.write_text(text, "utf-8")
    return path


def write_catalogue(folder: Path, count: int) -> Path:
    """`count` books; two share an identified author whose name is spelled differently."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        write_record(folder, f"book-{n:03}", orcid=n < 2)
    first = folder / "book-000.yaml"
    first.write_text(first.read_text("utf-8").replace("given_name: Andrei N.", "given_name: A."))
    return folder


def published(records: Path, out: Path, **options: object) -> None:
    """Publish without validation (the shapes have their own tests) at a pinned time."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        publish([records], out, validate=False, **options)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_catalogue(tmp_path_factory.mktemp("records"), 4)


@pytest.fixture(scope="module")
def release(catalogue: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release")
    published(catalogue, out, dataset=METADATA)
    return out


@pytest.fixture(scope="module")
def description(release: Path) -> Graph:
    return Graph().parse(release / "dataset.ttl", format="turtle")


@pytest.fixture(scope="module")
def dump(release: Path) -> ox.Store:
    store = ox.Store()
    store.load(gzip.decompress((release / "books.nt.gz").read_bytes()), ox.RdfFormat.N_TRIPLES)
    return store


def rows(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    return [tuple(term.value for term in row if term is not None) for row in result]


def number(graph: Graph, subject: Node | None, predicate: URIRef) -> int:
    value = graph.value(subject, predicate)
    assert isinstance(value, Literal), (subject, predicate)
    return int(value)


def test_the_release_holds_dumps_description_manifest_and_checksums(release: Path) -> None:
    assert sorted(p.name for p in release.iterdir()) == [
        "SHA256SUMS",
        "books.jsonld",
        "books.nt.gz",
        "books.ttl",
        "context.jsonld",
        "dataset.jsonld",
        "dataset.ttl",
        "manifest.json",
    ]


def test_sha256sums_checks_with_sha256sum(release: Path) -> None:
    listed = (release / "SHA256SUMS").read_text("utf-8").splitlines()
    assert len(listed) == 7  # every file but SHA256SUMS itself
    for line in listed:
        digest, name = line.split("  ")
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest
    if shutil.which("sha256sum"):
        done = subprocess.run(
            ["sha256sum", "-c", "SHA256SUMS"], cwd=release, capture_output=True, check=False
        )
        assert done.returncode == 0, done.stdout


def test_gzip_dump_is_deterministic(release: Path) -> None:
    head = (release / "books.nt.gz").read_bytes()[:10]
    assert head[3] == 0  # flags: no file name, no comment
    assert head[4:8] == b"\0\0\0\0"  # mtime 0


def test_description_has_no_blank_nodes_and_jsonld_is_the_same_graph(
    release: Path, description: Graph
) -> None:
    assert not any(isinstance(term, BNode) for triple in description for term in triple)
    data = (release / "dataset.jsonld").read_bytes()
    assert isomorphic(Graph().parse(data=data, format="json-ld"), description)
    nquads = jsonld.to_rdf(
        json.loads(data), {"format": "application/n-quads", "documentLoader": refuse_remote_context}
    )
    assert isomorphic(Graph().parse(data=nquads, format="nt"), description)
    assert len(list(ox.parse(data, format=ox.RdfFormat.JSON_LD))) == len(description)


def test_dataset_metadata_comes_from_the_configuration(description: Graph) -> None:
    d = description
    assert {VOID.Dataset, DCAT.Dataset} <= set(d.objects(DATASET, RDF.type))
    assert d.value(DATASET, DCTERMS.title) == Literal("Press books")
    assert d.value(DATASET, DCTERMS.description) == Literal("Books and chapters of a press.")
    assert d.value(DATASET, DCTERMS.license) == URIRef("https://spdx.org/licenses/CC0-1.0")
    publisher = d.value(DATASET, DCTERMS.publisher)
    assert publisher == URIRef(f"{BASE}org/example-press")
    assert d.value(publisher, FOAF.name) == Literal("Example Press")
    assert d.value(DATASET, VOID.sparqlEndpoint) == URIRef("https://data.example.org/sparql")
    assert d.value(DATASET, FOAF.homepage) == URIRef("https://data.example.org/")
    assert d.value(DATASET, VOID.uriSpace) == Literal(BASE)
    assert d.value(DATASET, VOID.exampleResource) == URIRef(f"{BASE}book/book-000")
    assert d.value(DATASET, DCTERMS.issued) == Literal("2023-11-14", datatype=XSD.date)
    assert d.value(DATASET, DCTERMS.modified) == Literal(
        "2023-11-14T22:13:20Z", datatype=XSD.dateTime
    )
    vocabularies = {str(v) for v in d.objects(DATASET, VOID.vocabulary)}
    assert {"http://schema.org/", "http://purl.org/dc/terms/"} <= vocabularies


def test_every_count_is_a_sparql_count_over_the_dump(description: Graph, dump: ox.Store) -> None:
    d = description
    ((triples, subjects),) = rows(
        dump, "SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?d) {?s ?p ?o}"
    )
    ((entities,),) = rows(dump, "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s a ?c }")
    assert number(d, DATASET, VOID.triples) == int(triples)
    assert number(d, DATASET, VOID.distinctSubjects) == int(subjects)
    assert number(d, DATASET, VOID.entities) == int(entities)
    classes = {
        row[0]: int(row[1])
        for row in rows(dump, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) {?s a ?c} GROUP BY ?c")
    }
    described = {
        str(d.value(part, VOID["class"])): number(d, part, VOID.entities)
        for part in d.objects(DATASET, VOID.classPartition)
    }
    assert described == classes
    assert number(d, DATASET, VOID.classes) == len(classes)
    properties = {
        p: (int(n), int(s))
        for p, n, s in rows(
            dump, "SELECT ?p (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?d) {?s ?p ?o} GROUP BY ?p"
        )
    }
    described_properties = {
        str(d.value(part, VOID.property)): (
            number(d, part, VOID.triples),
            number(d, part, VOID.distinctSubjects),
        )
        for part in d.objects(DATASET, VOID.propertyPartition)
    }
    assert described_properties == properties
    assert number(d, DATASET, VOID.properties) == len(properties)
    # the shared nodes really are shared: four books, one publisher, two editions, one ORCID
    assert described["http://schema.org/Organization"] == 1
    assert described["http://schema.org/Person"] == 3 + 0  # two by name, one by ORCID
    assert properties["http://schema.org/givenName"] == (4, 3)  # the ORCID has two spellings


def test_counts_are_the_same_when_shared_triples_spill_to_disk(
    catalogue: Path, description: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bookrdf.release.stats._BATCH", 5)
    monkeypatch.setattr("bookrdf.release.stats._MAX_RUNS", 2)
    published(catalogue, tmp_path, dataset=METADATA)
    assert isomorphic(Graph().parse(tmp_path / "dataset.ttl", format="turtle"), description)


def test_each_dump_is_a_distribution_with_size_and_checksum(
    release: Path, description: Graph
) -> None:
    d = description
    dumps = {}
    for dist in d.objects(DATASET, DCAT.distribution):
        name = str(d.value(dist, DCTERMS.title))
        dumps[name] = dist
        path = release / name
        url = URIRef(f"https://downloads.example.org/books/{name}")
        assert d.value(dist, DCAT.downloadURL) == url
        assert (DATASET, VOID.dataDump, url) in d
        assert number(d, dist, DCAT.byteSize) == path.stat().st_size
        checksum = d.value(dist, SPDX.checksum)
        assert d.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert (
            str(d.value(checksum, SPDX.checksumValue))
            == hashlib.sha256(path.read_bytes()).hexdigest()
        )
    assert sorted(dumps) == ["books.jsonld", "books.nt.gz", "books.ttl"]
    gz = dumps["books.nt.gz"]
    media = "https://www.iana.org/assignments/media-types/"
    assert d.value(gz, DCAT.mediaType) == URIRef(media + "application/n-triples")
    assert d.value(gz, DCAT.compressFormat) == URIRef(media + "application/gzip")


def test_provenance_names_bookrdf_the_time_and_each_input(
    catalogue: Path, description: Graph
) -> None:
    d = description
    activity = d.value(DATASET, PROV.wasGeneratedBy)
    assert (activity, RDF.type, PROV.Activity) in d
    assert (activity, PROV.generated, DATASET) in d
    stamp = Literal("2023-11-14T22:13:20Z", datatype=XSD.dateTime)
    assert d.value(activity, PROV.startedAtTime) == stamp
    assert d.value(activity, PROV.endedAtTime) == stamp
    agent = d.value(activity, PROV.wasAssociatedWith)
    assert (agent, RDF.type, PROV.SoftwareAgent) in d
    assert str(d.value(agent, URIRef("http://schema.org/softwareVersion"))) == __version__
    used = {
        str(d.value(entity, DCTERMS.title)): str(
            d.value(d.value(entity, SPDX.checksum), SPDX.checksumValue)
        )
        for entity in d.objects(activity, PROV.used)
    }
    expected = {
        path.as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(catalogue.glob("*.yaml"))
    }
    assert used == expected


def test_manifest_hashes_each_book_as_it_is_in_the_dump(release: Path) -> None:
    manifest = read_manifest(release)
    assert manifest is not None
    lines = gzip.decompress((release / "books.nt.gz").read_bytes()).splitlines(keepends=True)
    assert list(manifest.books) == [f"book-{n:03}" for n in range(4)]
    start = 0
    for entry in manifest.books.values():
        body = b"".join(lines[start : start + entry.triples])
        assert hashlib.sha256(body).hexdigest() == entry.sha256
        assert entry.graph == f"{BASE}book/{entry.id}/graph"
        start += entry.triples
    assert start == len(lines)


def test_pinned_time_gives_byte_identical_releases(catalogue: Path, tmp_path: Path) -> None:
    published(catalogue, tmp_path / "a", dataset=METADATA)
    published(catalogue, tmp_path / "b", dataset=METADATA)
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    return {
        p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes()) for p in folder.iterdir()
    }


def test_republishing_reports_added_changed_removed(tmp_path: Path) -> None:
    records = write_catalogue(tmp_path / "records", 3)
    out = tmp_path / "out"
    published(records, out)
    write_record(records, "book-001", title="A New Title")
    (records / "book-002.yaml").unlink()
    write_record(records, "book-003")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1800000000")
        summary = publish([records], out, validate=False)
    assert (summary.added, summary.changed, summary.removed) == (
        ["book-003"],
        ["book-001"],
        ["book-002"],
    )
    assert summary.previous
    assert not summary.unchanged
    assert [p.name for p in summary.kept] == ["context.jsonld"]
    manifest = read_manifest(out)
    assert manifest is not None
    assert list(manifest.books) == ["book-000", "book-001", "book-003"]
    assert manifest.issued == "2023-11-14"  # the first release's date stays
    assert manifest.modified == "2027-01-15T08:00:00Z"


def test_republishing_nothing_new_rewrites_nothing(catalogue: Path, tmp_path: Path) -> None:
    published(catalogue, tmp_path)
    before = snapshot(tmp_path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # a later run
        summary = publish([catalogue], tmp_path, validate=False)
    assert summary.unchanged
    assert summary.files == []
    assert snapshot(tmp_path) == before
    forced = publish([catalogue], tmp_path, validate=False, force=True)
    assert not forced.unchanged
    assert snapshot(tmp_path)["books.nt.gz"][0] != before["books.nt.gz"][0]


def test_a_changed_title_setting_rewrites_only_the_description(
    catalogue: Path, tmp_path: Path
) -> None:
    published(catalogue, tmp_path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        summary = publish(
            [catalogue], tmp_path, validate=False, dataset=DatasetConfig(title="Renamed")
        )
    assert not summary.unchanged
    assert (summary.added, summary.changed, summary.removed) == ([], [], [])
    assert sorted(p.name for p in summary.kept) == [
        "books.jsonld",
        "books.nt.gz",
        "books.ttl",
        "context.jsonld",
    ]
    description = Graph().parse(tmp_path / "dataset.ttl", format="turtle")
    assert description.value(DATASET, DCTERMS.title) == Literal("Renamed")


def test_formats_no_longer_written_are_removed(catalogue: Path, tmp_path: Path) -> None:
    published(catalogue, tmp_path, formats=["nt.gz", "nq"])
    assert (tmp_path / "books.nq").exists()
    published(catalogue, tmp_path, formats=["nt.gz"])
    assert not (tmp_path / "books.nq").exists()
    assert "books.nq" not in (tmp_path / "SHA256SUMS").read_text("utf-8")


def test_empty_release_is_described_with_zero_counts(tmp_path: Path) -> None:
    write_release([], tmp_path)
    description = Graph().parse(tmp_path / "dataset.ttl", format="turtle")
    assert number(description, DATASET, VOID.triples) == 0
    assert description.value(DATASET, VOID.exampleResource) is None


def test_cli_publish_prints_the_changes(tmp_path: Path) -> None:
    records = write_catalogue(tmp_path / "records", 2)
    out = tmp_path / "out"
    runner = CliRunner()
    args = ["publish", str(records), "--out", str(out), "--no-validate", "-f", "nt.gz"]
    first = runner.invoke(cli, [*args, "--title", "T", "--issued", "2020-02-02"])
    assert first.exit_code == 0, first.output
    description = Graph().parse(out / "dataset.ttl", format="turtle")
    assert description.value(DATASET, DCTERMS.title) == Literal("T")
    assert description.value(DATASET, DCTERMS.issued) == Literal("2020-02-02", datatype=XSD.date)
    write_record(records, "book-001", title="Changed")
    second = runner.invoke(cli, [*args, "--title", "T"])
    assert second.exit_code == 0, second.output
    assert "  added 0\n  changed 1: book-001\n  removed 0\n" in second.stderr
    third = runner.invoke(cli, [*args, "--title", "T"])
    assert "unchanged since the previous release: no file rewritten" in third.stderr


def test_dataset_table_in_bookrdf_toml(tmp_path: Path) -> None:
    path = tmp_path / "bookrdf.toml"
    path.write_text(
        '[bookrdf]\nbase = "https://x.org/"\n[dataset]\ntitle = "X"\nlicense = "CC-BY-4.0"\n',
        "utf-8",
    )
    config = load_config(path)
    assert config.dataset.title == "X"
    assert config.dataset.license_iri == "https://spdx.org/licenses/CC-BY-4.0"
    path.write_text('[dataset]\nsparql_endpoint = "ftp://x"\n', "utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == (
        f"{path}: [dataset] sparql_endpoint 'ftp://x' is not an http(s) URL; "
        "give one like https://example.org/sparql"
    )
    path.write_text('[dataset]\nname = "X"\n', "utf-8")
    with pytest.raises(ConfigError, match="unknown \\[dataset\\] setting 'name'"):
        load_config(path)
    path.write_text("bookrdf = 3\n", "utf-8")
    with pytest.raises(ConfigError, match=r"\[bookrdf\] should be a table"):
        load_config(path)


def test_bad_source_date_epoch_is_one_error_line(tmp_path: Path) -> None:
    result = CliRunner(env={"SOURCE_DATE_EPOCH": "soon"}).invoke(
        cli, ["publish", str(SEED_RECORD), "--out", str(tmp_path), "--no-validate"]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: SOURCE_DATE_EPOCH='soon' is not a number of seconds since 1970; "
        "unset it or give one like 1700000000\n"
    )


@pytest.mark.parametrize("blocked", ["books.ttl", "SHA256SUMS"])
def test_a_release_that_cannot_be_moved_into_place_leaves_the_old_one_whole(
    tmp_path: Path, blocked: str
) -> None:
    records = tmp_path / "records"
    records.mkdir()
    write_record(records, "book-001")
    out = tmp_path / "out"
    runner = CliRunner()
    args = ["publish", str(records), "--out", str(out), "--no-validate"]
    assert runner.invoke(cli, args).exit_code == 0
    (out / blocked).unlink()
    (out / blocked).mkdir()  # a rename over it fails, after others (SHA256SUMS is last)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    write_record(records, "book-001", title="Changed")
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {out / blocked}: cannot write the release: Is a directory; "
        "nothing in the folder was changed\n"
    )
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            {"files": {"parts/../../victim/keep.txt": "0" * 64}},
            "lists 'parts/../../victim/keep.txt', which is not a file of a release folder",
        ),
        ({"files": {"books.ttl": "x"}}, "gives books.ttl the checksum 'x', which is not a SHA-256"),
        ({"issued": "x"}, "has the issue date 'x', which is not a date (YYYY-MM-DD)"),
        (
            {"settings": ["x"]},
            "is not a bookrdf manifest (missing or wrong settings, a JSON object)",
        ),
    ],
    ids=["file-outside", "checksum", "issued", "settings"],
)
def test_a_tampered_manifest_is_refused_and_nothing_outside_is_touched(
    tmp_path: Path, catalogue: Path, change: dict[str, object], problem: str
) -> None:
    out = tmp_path / "out"
    published(catalogue, out)
    (out / "parts").mkdir()  # as a release made on a cluster leaves it
    victim = tmp_path / "victim" / "keep.txt"
    victim.parent.mkdir()
    victim.write_text("precious")
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    for key, value in change.items():
        manifest[key] = {**manifest[key], **value} if key == "files" else value  # type: ignore[dict-item]
    (out / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    result = CliRunner().invoke(cli, ["publish", str(catalogue), "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {out / 'manifest.json'}: {problem}; publish the release again with --force\n"
    )
    assert victim.read_text() == "precious"


def test_a_format_asked_twice_is_written_once(tmp_path: Path, catalogue: Path) -> None:
    for out, asked in ((tmp_path / "once", ["-f", "nt"]), (tmp_path / "twice", ["-f", "nt"] * 2)):
        args = ["publish", str(catalogue), "--out", str(out), "--no-validate", *asked]
        assert CliRunner(env={"SOURCE_DATE_EPOCH": EPOCH}).invoke(cli, args).exit_code == 0
    once, twice = tmp_path / "once", tmp_path / "twice"
    assert (twice / "books.nt").read_bytes() == (once / "books.nt").read_bytes()
    assert not list(temp_files(twice))
    manifest = read_manifest(twice)
    assert manifest is not None
    assert manifest.settings["formats"] == ["nt"]
    assert (
        manifest.files["books.nt"] == hashlib.sha256((once / "books.nt").read_bytes()).hexdigest()
    )


@pytest.mark.parametrize(
    "damage",
    ["dataset.ttl", "dataset.jsonld", "SHA256SUMS", "manifest-files"],
)
def test_a_damaged_description_or_checksum_file_is_written_again(
    tmp_path: Path, catalogue: Path, damage: str
) -> None:
    out = tmp_path / "out"
    published(catalogue, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    if damage == "manifest-files":
        manifest = json.loads((out / "manifest.json").read_text("utf-8"))
        manifest["files"]["dataset.ttl"] = "0" * 64
        (out / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    else:
        (out / damage).write_bytes(b"garbage\n")
    summary = publish([catalogue], out, validate=False)
    assert not summary.unchanged
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    for name in ("books.nt.gz", "books.ttl", "books.jsonld", "context.jsonld"):
        assert after[name] == before[name]
    Graph().parse(out / "dataset.ttl", format="turtle")
    pairs = [line.split("  ") for line in after["SHA256SUMS"].decode().splitlines()]
    sums = {name: sha256 for sha256, name in pairs}
    assert sums == {
        name: hashlib.sha256(after[name]).hexdigest() for name in after if name != "SHA256SUMS"
    }


def test_a_release_without_json_ld_drops_its_context_too(tmp_path: Path, catalogue: Path) -> None:
    out = tmp_path / "out"
    published(catalogue, out)
    assert (out / "context.jsonld").is_file()
    published(catalogue, out, formats=["nt.gz"])
    assert sorted(p.name for p in out.iterdir()) == [
        "SHA256SUMS",
        "books.nt.gz",
        "dataset.jsonld",
        "dataset.ttl",
        "manifest.json",
    ]


def test_a_truncated_manifest_points_to_force(tmp_path: Path, catalogue: Path) -> None:
    out = tmp_path / "out"
    published(catalogue, out)
    text = (out / "manifest.json").read_text("utf-8")
    (out / "manifest.json").write_text(text[: len(text) // 2], "utf-8")
    result = CliRunner().invoke(cli, ["publish", str(catalogue), "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {out / 'manifest.json'}: cannot be read as a bookrdf")
    assert result.stderr.endswith("; publish the release again with --force\n")


def test_an_output_that_links_to_nothing_is_one_line(tmp_path: Path, catalogue: Path) -> None:
    out = tmp_path / "out"
    out.symlink_to(tmp_path / "missing")
    result = CliRunner().invoke(cli, ["publish", str(catalogue), "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {out}: is a link to {tmp_path / 'missing'}, which does not exist; create it\n"
    )
    assert not (tmp_path / "missing").exists()


def test_a_folder_named_like_a_temporary_file_is_left_alone(
    tmp_path: Path, catalogue: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / ".books.ttl.mine.tmp").mkdir()
    published(catalogue, out)
    assert (out / ".books.ttl.mine.tmp").is_dir()
    assert (out / "books.ttl").is_file()


def test_a_run_writing_into_a_folder_another_run_writes_is_refused(
    catalogue: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    published(catalogue, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (out / ".books.ttl.live.tmp").write_text("the other run's\n", "utf-8")
    held = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a run of bookrdf does while it writes there
        result = CliRunner().invoke(cli, ["publish", str(catalogue), "--out", str(out), "--force"])
    finally:
        os.close(held)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {out}: another bookrdf run is writing into this folder; "
        "wait for it to finish, or write elsewhere\n"
    )
    assert {p.name: p.read_bytes() for p in out.iterdir()} == {
        **before,
        ".books.ttl.live.tmp": b"the other run's\n",
    }


def test_a_folder_on_a_file_system_without_locks_is_written_unguarded(
    catalogue: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # an NFS mount without lockd answers flock with ENOLCK: the lock is a guard, not a need
    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["publish", str(catalogue), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "books.ttl").is_file()


def test_a_forked_worker_does_not_keep_the_release_folder_locked(tmp_path: Path) -> None:
    # a flock belongs to the open file: a worker forked while a run held it kept it locked
    # after the run was killed, and the next publish was refused as "another bookrdf run"
    out = tmp_path / "out"
    running, started = os.pipe()
    with atomic_files(out, ["books.nt"], alone=True) as handles:
        handles["books.nt"].write(b"")
        child = os.fork()
        if child == 0:  # a worker: lives on after its parent's run
            os.write(started, b"1")  # past the fork's hooks, which run before any child code
            time.sleep(30)
            os._exit(0)
    os.read(running, 1)  # a busy machine may not have run the child at all yet
    os.close(running)
    os.close(started)
    try:
        fd = os.open(out, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError: still locked
        finally:
            os.close(fd)
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)


def temp_files(folder: Path) -> Iterator[Path]:
    return (p for p in folder.glob(".*.tmp") if p.is_file())


def size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:  # renamed into place meanwhile
        return 0


def test_killed_publish_leaves_the_previous_release_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    published(write_catalogue(tmp_path / "old", 2), out, formats=["nt.gz", "nt"])
    before = snapshot(out)
    big = write_catalogue(tmp_path / "big", 300)
    script = Path(sys.executable).parent / "bookrdf"
    command = [str(script), "publish", str(big), "--out", str(out), "--no-validate"]
    process = subprocess.Popen(
        [*command, "-f", "nt.gz", "-f", "nt"], stderr=subprocess.DEVNULL, env=os.environ.copy()
    )
    deadline = time.monotonic() + 60
    try:
        # mid-publish: the new N-Triples are being written to a temporary file
        while not any(size(p) > 200_000 for p in temp_files(out)):
            assert process.poll() is None, "the publish ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert {k: v for k, v in snapshot(out).items() if not k.startswith(".")} == before
    done = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=out, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stdout
    assert list(temp_files(out))  # what the killed run left behind…
    published(tmp_path / "old", out, formats=["nt.gz", "nt"])
    assert not list(temp_files(out))  # …is cleared by the next run


@pytest.mark.parametrize("stop", ["SIGINT to the group", "SIGINT three times", "SIGTERM"])
def test_an_interrupted_publish_is_one_line_and_leaves_the_previous_release_whole(
    tmp_path: Path, stop: str
) -> None:
    out = tmp_path / "out"
    published(write_catalogue(tmp_path / "old", 2), out, formats=["nt.gz", "nt"])
    before = snapshot(out)
    big = write_catalogue(tmp_path / "big", 300)
    script = Path(sys.executable).parent / "bookrdf"
    command = [str(script), "publish", str(big), "--out", str(out), "--no-validate", "-j", "2"]
    process = subprocess.Popen(
        [*command, "-f", "nt.gz", "-f", "nt"],
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own group, as a terminal's Ctrl-C reaches every process
    )
    deadline = time.monotonic() + 60
    try:
        while not any(size(p) > 200_000 for p in temp_files(out)):
            assert process.poll() is None, "the publish ended before it could be stopped"
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        if stop == "SIGTERM":
            process.send_signal(signal.SIGTERM)
        else:
            os.killpg(process.pid, signal.SIGINT)
        for _ in range(2 if stop == "SIGINT three times" else 0):
            time.sleep(0.05)  # an impatient user: more Ctrl-C while the first one cleans up
            with contextlib.suppress(ProcessLookupError):  # done cleaning up already
                os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=30)
    signum = signal.SIGTERM if stop == "SIGTERM" else signal.SIGINT
    assert process.returncode == 128 + signum
    assert err.decode() == (
        f"Error: interrupted ({signum.name}) before finishing; run the command again\n"
    )
    assert snapshot(out) == before  # no temporary file left either
    published(big, out, formats=["nt.gz", "nt"])  # a run afterwards works
    assert read_manifest(out) is not None
    assert len(read_manifest(out).books) == 300  # type: ignore[union-attr]


RENAME_INTERRUPTED = """
import os, signal, sys
from bookrdf.publish import files
calls = 0
def replace(src, dst):
    global calls
    calls += 1
    if calls == 3:  # between two renames of the release
        os.kill(os.getpid(), signal.SIG{name})
    os.replace(src, dst)
files.os = type(sys)("os_spy")
files.os.__dict__.update(os.__dict__, replace=replace)
from bookrdf.cli import main
sys.argv = ["bookrdf", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("name", ["INT", "TERM"])
def test_a_signal_during_the_renames_waits_for_them(tmp_path: Path, name: str) -> None:
    out = tmp_path / "out"
    published(write_catalogue(tmp_path / "old", 2), out, formats=["nt.gz", "nt"])
    new = write_catalogue(tmp_path / "new", 3)
    script = RENAME_INTERRUPTED.format(name=name)
    options = ["--out", str(out), "--no-validate", "-f", "nt.gz", "-f", "nt"]
    done = subprocess.run(
        [sys.executable, "-c", script, "publish", str(new), *options],
        capture_output=True,
        check=False,
    )
    signum = signal.Signals[f"SIG{name}"]
    assert done.returncode == 128 + signum, done.stderr
    assert done.stderr.decode().splitlines() == [
        f"Error: interrupted ({signum.name}) before finishing; run the command again"
    ]
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]
    # the renames all happened: the new release, whole
    checked = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out, capture_output=True)
    assert checked.returncode == 0, checked.stdout
    assert len(read_manifest(out).books) == 3  # type: ignore[union-attr]


CTRL_C_DURING_IMPORT = """
import builtins, os, signal, sys
real_import = builtins.__import__
def ctrl_c_at_the_cli(name, *args, **kwargs):
    if name == "bookrdf.cli":
        os.kill(os.getpid(), signal.SIGINT)
    return real_import(name, *args, **kwargs)
builtins.__import__ = ctrl_c_at_the_cli
sys.argv = ["bookrdf", "--help"]
from bookrdf.console import main
main()
"""


def test_ctrl_c_while_the_cli_is_imported_is_one_line() -> None:
    """A Ctrl-C in the second the console script spends importing the CLI (rdflib, Click,
    rich): the same one line and exit code as a Ctrl-C during a run, never a traceback."""
    done = subprocess.run(
        [sys.executable, "-c", CTRL_C_DURING_IMPORT], capture_output=True, text=True, check=False
    )
    assert done.returncode == 128 + signal.SIGINT
    assert done.stderr == "Error: interrupted (SIGINT) before finishing; run the command again\n"
    assert done.stdout == ""
