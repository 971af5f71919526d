"""`publish --executor dask` on a LocalCluster of two worker processes: the parts hold the graph
the single-process release holds, described by the same VoID numbers; failures fail alike."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from distributed import LocalCluster

from bookrdf.cli import cli
from bookrdf.distributed import publish as publish_on_cluster
from bookrdf.distributed.partitions import line_blocks, plan_partitions, read_slice
from bookrdf.errors import ValidationFailed
from bookrdf.pipeline import input_files, publish, read_books
from bookrdf.validation import BookReport
from bookrdf.vocab import Minter
from tests.conftest import FIXTURES, own_isbns

ISSUED = date(2024, 5, 1)
BOOKS = 30 + 10 + 12 + 3 + 1 + 1 + 1  # generated, then the imported files' books
PUBLISHERS = [
    {"name": "University of Hawai'i Press", "place": "Honolulu"},
    {"name": "Presses universitaires de Liège", "place": "Liège"},
    {"name": "Åbo Akademi University Press"},
]
PEOPLE: list[dict[str, Any]] = [
    {"name": "Josiah Carberry", "given_name": "Josiah", "family_name": "Carberry",
     "identifiers": {"orcid": "0000-0002-1825-0097"}},
    {"name": "Zoë Müller", "given_name": "Zoë", "family_name": "Müller"},
    {"name": "Nguyễn Thị Đặng", "identifiers": {"orcid": "0000-0001-5109-3700"}},
    {"name": "金日成"},
    {"name": "Siobhán Ó Briain", "given_name": "Siobhán", "family_name": "Ó Briain"},
]  # fmt: skip
# Inputs from the importers too: a CSV export, Crossref JSON, a MUSE page, an ONIX message.
IMPORTED = [
    FIXTURES / "csv" / "press" / "books.csv",
    FIXTURES / "csv" / "press" / "chapters.csv",
    FIXTURES / "crossref" / "press.json",
    FIXTURES / "muse" / "edited_volume.txt",
    FIXTURES / "onix" / "seed.xml",
]


def isbn13(number: int) -> str:
    digits = f"978{number:09d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def record(n: int) -> dict[str, Any]:
    """A varied book: people shared between books, edited volumes, untitled entries."""
    book: dict[str, Any] = {
        "id": f"book-{n:03d}",
        "title": f"Études on topic {n}" if n % 4 == 0 else f"A history of things, volume {n}",
        "publisher": PUBLISHERS[n % len(PUBLISHERS)],
        "published": f"{1990 + n % 30}" if n % 3 else f"{1990 + n % 30}-0{1 + n % 9}",
        "language": ["en", "fr", "de"][n % 3],
        "isbn": [{"value": isbn13(2 * n), "format": "print"}],
        "description": "A book about books, with words, " * (1 + n % 5),
    }
    if n % 3 == 0:
        book["subtitle"] = "Essays"
    if n % 2:
        book["isbn"].append({"value": isbn13(2 * n + 1), "format": "electronic"})
    role = "editor" if n % 5 == 0 else "author"
    book["contributors"] = [
        {**PEOPLE[(n + k) % len(PEOPLE)], "role": role} for k in range(1 + n % 3)
    ]
    chapters: list[dict[str, Any]] = [{"title": "Preface", "pages": "vii-x"}, {"pages": "xi"}]
    page = 1
    for c in range(1, 2 + n % 6):
        chapter: dict[str, Any] = {
            "label": str(c),
            "title": f"Chapter {c}",
            "pages": f"{page}-{page + 9}",
        }
        if role == "editor":
            chapter["contributors"] = [{**PEOPLE[(n + c) % len(PEOPLE)], "role": "author"}]
        if c % 2:
            chapter["excerpt"] = f"It began in chapter {c}, as these things do…"
        chapters.append(chapter)
        page += 10
    chapters.append({"title": "Index", "kind": "index", "pages": f"{page}-{page + 3}"})
    book["chapters"] = chapters
    return book


def write_jsonl(path: Path, numbers: range) -> None:
    path.write_text("".join(json.dumps(record(n), ensure_ascii=False) + "\n" for n in numbers))


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """~60 books: a big JSON Lines file (split), a small one, YAML and JSON files, imports."""
    folder = tmp_path_factory.mktemp("catalogue")
    write_jsonl(folder / "big.jsonl", range(30))
    write_jsonl(folder / "small.ndjson", range(30, 40))
    records = folder / "records"
    records.mkdir()
    for n in range(40, 52):
        (records / f"book-{n}.json").write_text(json.dumps(record(n), ensure_ascii=False))
    for source in IMPORTED:
        shutil.copy(source, records)
    # press.json is the press of books.csv again: the CSV's books get ISBNs of their own, as
    # one run refuses two books of one ISBN
    books_csv = records / "books.csv"
    text = books_csv.read_text("utf-8")
    given = ["978-1-925550-01-6", "9781925550023", "9781925550030", "1-925550-04-4"]
    for old, new in zip(given, [*own_isbns(900), *own_isbns(901)], strict=True):
        text = text.replace(old, new)
    books_csv.write_text(text, "utf-8")
    return folder


def inputs(folder: Path) -> list[Path]:
    return [folder / "big.jsonl", folder / "small.ndjson", folder / "records"]


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as running:
        yield running


@pytest.fixture(scope="module")
def local_release(catalogue: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("local")
    publish(inputs(catalogue), out, formats=("nt.gz",), issued=ISSUED, warn=lambda _p: None)
    return out


@pytest.fixture(scope="module")
def cluster_release(
    catalogue: Path, cluster: LocalCluster, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """Published through the CLI, with the inputs named relative to the working folder."""
    out = tmp_path_factory.mktemp("cluster")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(catalogue)
        result = CliRunner().invoke(
            cli,
            [
                "publish", "big.jsonl", "small.ndjson", "records", "--out", str(out),
                "--issued", ISSUED.isoformat(), "--executor", "dask",
                "--scheduler", cluster.scheduler_address, "--partitions", "4",
            ],
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert f"published {BOOKS} books, " in result.stderr
    return out


def parts(release: Path, suffix: str) -> list[Path]:
    return sorted((release / "parts").glob(f"part-*.{suffix}"))


def quads(*paths: Path) -> set[ox.Quad]:
    """The quads of RDF files, gzipped ones too."""
    found: set[ox.Quad] = set()
    for path in paths:
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        kind = ox.RdfFormat.from_extension(path.name.removesuffix(".gz").rsplit(".", 1)[1])
        found.update(ox.parse(data, format=kind))
    return found


def triples(*paths: Path) -> set[ox.Triple]:
    return {quad.triple for quad in quads(*paths)}


# --- partitions, no cluster needed ----------------------------------------------------------


def test_line_blocks_cover_the_file_line_by_line(tmp_path: Path) -> None:
    path = tmp_path / "books.jsonl"
    write_jsonl(path, range(20))
    data = path.read_bytes()
    blocks = list(line_blocks(path, 3000))
    assert len(blocks) > 2
    assert blocks[0][0].start == 0
    assert blocks[-1][0].end is None
    lines = data.splitlines(keepends=True)
    for (piece, size), (after, _) in zip(blocks, [*blocks[1:], (None, 0)], strict=True):
        end = len(data) if piece.end is None else piece.end
        assert size == end - piece.start
        assert data[end - 1 : end] == b"\n"
        assert piece.line == len(data[: piece.start].splitlines()) + 1
        assert after is None or after.start == end
    assert sum(len(data[p.start : p.end]) for p, _ in blocks) == len(data) == sum(map(len, lines))


def test_a_split_file_reads_as_the_whole_file(catalogue: Path) -> None:
    plan = plan_partitions(input_files(inputs(catalogue)), 6, catalogue)
    big = [s for p in plan for s in p.slices if s.path.endswith("big.jsonl")]
    assert len(big) > 1
    read = [book for p in plan for s in p.slices for book in read_slice(s, p.cwd)]
    whole = list(read_books(inputs(catalogue)))
    assert read == whole
    assert [(b.source, b.lines) for b in read] == [(b.source, b.lines) for b in whole]


def test_files_joined_with_cat_read_in_blocks_as_the_whole_file(tmp_path: Path) -> None:
    """Each file saved with a byte order mark and CRLF, joined with `cat`: a local run reads
    the marks mid-file; a block read on a worker refused each as not JSON."""
    path = tmp_path / "joined.jsonl"
    parts = [
        "\ufeff" + "".join(json.dumps(record(n)) + "\r\n" for n in range(k, k + 4)) + "\r\n"
        for k in range(0, 24, 4)
    ]
    path.write_bytes("".join(parts).encode("utf-8"))
    plan = plan_partitions([path], 5, tmp_path)
    assert sum(len(p.slices) for p in plan) > 1
    read = [book for p in plan for s in p.slices for book in read_slice(s, p.cwd)]
    whole = list(read_books([path]))
    assert len(whole) == 24
    assert read == whole
    assert [(b.source, b.lines) for b in read] == [(b.source, b.lines) for b in whole]


def test_crossref_json_lines_are_never_cut(tmp_path: Path) -> None:
    # a chapter may be on any line of a Crossref dump: a block of lines would lose its book
    items = json.loads((FIXTURES / "crossref" / "seed.json").read_text("utf-8"))["message"]
    dump = tmp_path / "dump.jsonl"
    dump.write_text("".join(json.dumps(work) + "\n" for work in items["items"]), "utf-8")
    (partition,) = plan_partitions([dump], 3, tmp_path)
    (piece,) = partition.slices
    (book,) = read_slice(piece, partition.cwd)
    assert len(book.chapters) == 20


def test_crossref_files_are_read_together_in_one_slice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the chapters in one file, their book in another: read apart, every chapter was left out
    for name in ("monograph.json", "monograph-chapters.json"):
        (tmp_path / name).write_bytes((FIXTURES / "crossref" / name).read_bytes())
    monkeypatch.chdir(tmp_path)
    files = [Path("monograph-chapters.json"), Path("monograph.json")]
    (partition,) = plan_partitions(files, 4, tmp_path)
    (piece,) = partition.slices
    (book,) = read_slice(piece, partition.cwd)
    local = list(read_books(files))
    assert [len(b.chapters) for b in local] == [len(book.chapters)]
    assert len(book.chapters) > 1
    assert {c.title for c in book.chapters} == {c.title for c in local[0].chapters}
    assert book.source in {"monograph.json", "monograph-chapters.json"}  # as given


def test_a_relative_path_reads_as_given(catalogue: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(catalogue)
    plan = plan_partitions([Path("big.jsonl")], 3, catalogue)
    monkeypatch.chdir("/")  # where a worker may run
    books = [book for p in plan for s in p.slices for book in read_slice(s, p.cwd)]
    assert {book.source for book in books} == {"big.jsonl"}


# --- on the LocalCluster --------------------------------------------------------------------


def test_the_parts_hold_the_single_process_release(
    local_release: Path, cluster_release: Path
) -> None:
    local = gzip.decompress((local_release / "books.nt.gz").read_bytes())
    nt_parts = parts(cluster_release, "nt.gz")
    assert len(nt_parts) >= 3
    assert triples(*nt_parts) == parse_nt(local)
    # the same books in the same order: the parts, one after the other, are books.nt.gz
    assert b"".join(gzip.decompress(part.read_bytes()) for part in nt_parts) == local


def test_one_big_json_lines_file_spreads_over_several_parts(cluster_release: Path) -> None:
    big = {str(Minter().graph(f"book-{n:03d}")) for n in range(30)}
    holding = [
        part for part in parts(cluster_release, "nq.gz")
        if big & {text(q.graph_name) for q in quads(part)}
    ]  # fmt: skip
    assert len(holding) > 1


def test_nquads_name_one_graph_per_book(local_release: Path, cluster_release: Path) -> None:
    manifest = json.loads((local_release / "manifest.json").read_text())
    found = quads(*parts(cluster_release, "nq.gz"))
    graphs = {text(quad.graph_name) for quad in found}
    assert graphs == {book["graph"] for book in manifest["books"]}
    assert {quad.triple for quad in found} == triples(local_release / "books.nt.gz")
    minter = Minter()
    for book in manifest["books"]:
        inside = [q for q in found if text(q.graph_name) == book["graph"]]
        assert len(inside) == book["triples"]
        assert any(text(q.subject) == str(minter.work(book["id"])) for q in inside)


def test_the_manifests_count_and_checksum_the_parts(
    local_release: Path, cluster_release: Path
) -> None:
    listed = json.loads((cluster_release / "parts.json").read_text())
    assert listed["books"] == BOOKS
    for part in listed["parts"]:
        nt, nq = (cluster_release / file["name"] for file in part["files"])
        for file in part["files"]:
            data = (cluster_release / file["name"]).read_bytes()
            assert (len(data), hashlib.sha256(data).hexdigest()) == (file["size"], file["sha256"])
        assert gzip.decompress(nt.read_bytes()).count(b"\n") == part["triples"]
        assert len({q.graph_name for q in quads(nq)}) == part["books"]
    assert sum(part["books"] for part in listed["parts"]) == BOOKS
    sums = (cluster_release / "SHA256SUMS").read_text().splitlines()
    names = set()
    for line in sums:
        sha, name = line.split("  ")
        assert hashlib.sha256((cluster_release / name).read_bytes()).hexdigest() == sha
        names.add(name)
    assert {f["name"] for p in listed["parts"] for f in p["files"]} < names
    assert {"parts.json", "manifest.json", "dataset.ttl", "dataset.jsonld"} < names
    # each book's entry is the single-process release's, so `bookrdf diff` compares the two
    manifest = json.loads((cluster_release / "manifest.json").read_text())
    local = json.loads((local_release / "manifest.json").read_text())
    assert manifest["books"] == local["books"]


def test_void_counts_are_the_whole_datasets(local_release: Path, cluster_release: Path) -> None:
    counted = void_counts(cluster_release)
    assert counted == void_counts(local_release)
    real = triples(*parts(cluster_release, "nt.gz"))
    dataset = f"{Minter().base}dataset"
    assert counted[(dataset, VOID + "triples")] == str(len(real))
    assert counted[(dataset, VOID + "distinctSubjects")] == str(len({t.subject for t in real}))


def test_the_description_lists_every_part(cluster_release: Path) -> None:
    description = triples(cluster_release / "dataset.ttl")
    dumps = {text(t.object) for t in description if t.predicate.value == VOID + "dataDump"}
    base = Minter().base
    assert dumps == {
        f"{base}{p.relative_to(cluster_release)}" for p in parts(cluster_release, "gz")
    }


def test_a_book_breaking_the_shapes_fails_the_run(
    catalogue: Path, cluster: LocalCluster, tmp_path: Path
) -> None:
    backwards = shutil.copy(FIXTURES / "shapes" / "backwards-pages.yaml", tmp_path)
    given = [str(catalogue / "small.ndjson"), str(backwards)]
    runner = CliRunner()
    local = runner.invoke(cli, ["publish", *given, "--out", str(tmp_path / "local")])
    out = tmp_path / "cluster"
    result = runner.invoke(
        cli,
        [
            "publish", *given, "--out", str(out), "--executor", "dask",
            "--scheduler", cluster.scheduler_address, "--partitions", "2",
        ],
    )  # fmt: skip
    assert result.exit_code == local.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr == local.stderr
    # rich folds long lines: compare without white space
    assert f"{backwards}:10chapters[1]" in "".join(result.stderr.split())
    assert result.stderr.splitlines()[-1].startswith("Error: the data does not conform: 11 books")
    assert not [path for path in out.rglob("*") if path.is_file()]


def test_reports_count_every_book_checked(
    catalogue: Path, cluster: LocalCluster, tmp_path: Path
) -> None:
    """The reports that say something come back from the workers (the CLI test compares their
    text with a local run's); an empty report stands for each other book checked."""
    backwards = shutil.copy(FIXTURES / "shapes" / "backwards-pages.yaml", tmp_path)
    reports: list[BookReport] = []
    with pytest.raises(ValidationFailed) as failed:
        publish_on_cluster(
            [catalogue / "small.ndjson", Path(backwards)], tmp_path / "out",
            scheduler=cluster.scheduler_address, partitions=2, reports=reports,
        )  # fmt: skip
    assert len(reports) == 11
    assert failed.value.reports == [report for report in reports if report.results]
    (broken,) = [report for report in reports if not report.conforms]
    assert (broken.book_id, broken.source) == ("backwards", str(backwards))
    assert {r.book_id for r in reports if r.results} >= {"backwards", "book-030"}


def bad_catalogue(folder: Path, tmp_path: Path) -> list[str]:
    """The big JSON Lines file with a bad record on line 17."""
    lines = (folder / "big.jsonl").read_text().splitlines(keepends=True)
    lines[16] = json.dumps({**record(16), "pages": "12"}) + "\n"
    (tmp_path / "big.jsonl").write_text("".join(lines))
    return [str(tmp_path / "big.jsonl"), str(folder / "small.ndjson")]


def run_both(given: list[str], cluster: LocalCluster, tmp_path: Path) -> tuple[Any, Any]:
    runner = CliRunner()
    options = ["--no-validate", "--issued", ISSUED.isoformat()]
    local = runner.invoke(cli, ["publish", *given, "--out", str(tmp_path / "l"), *options])
    dask = ["--executor", "dask", "--scheduler", cluster.scheduler_address, "--partitions", "4"]
    on_cluster = runner.invoke(
        cli, ["publish", *given, "--out", str(tmp_path / "c"), *options, *dask]
    )
    assert "Traceback" not in on_cluster.output
    return local, on_cluster


def test_a_bad_record_gives_one_error_line(
    catalogue: Path, cluster: LocalCluster, tmp_path: Path
) -> None:
    local, on_cluster = run_both(bad_catalogue(catalogue, tmp_path), cluster, tmp_path)
    assert on_cluster.exit_code == local.exit_code == 2
    assert on_cluster.stderr == local.stderr
    assert (
        on_cluster.stderr
        == f"Error: {tmp_path / 'big.jsonl'}:17: pages: unknown field 'pages'; the fields here are {FIELDS}\n"
    )
    assert not [path for path in (tmp_path / "c").rglob("*") if path.is_file()]


def test_a_repeated_id_across_partitions(
    catalogue: Path, cluster: LocalCluster, tmp_path: Path
) -> None:
    (tmp_path / "again.json").write_text(json.dumps(record(3)))
    given = [str(catalogue / "big.jsonl"), str(tmp_path / "again.json")]
    local, on_cluster = run_both(given, cluster, tmp_path)
    assert on_cluster.exit_code == local.exit_code == 2
    # the same place and message (the advice at the end is worded two ways in pipeline.py)
    assert on_cluster.stderr.split("; give")[0] == local.stderr.split("; give")[0]
    assert on_cluster.stderr.startswith(
        f'Error: {tmp_path / "again.json"}:1: id: "book-003" is already the id of the book in '
        f"{catalogue / 'big.jsonl'}:4;"
    )
    assert len(on_cluster.stderr.splitlines()) == 1


def test_an_isbn_of_two_books_across_partitions(
    catalogue: Path, cluster: LocalCluster, tmp_path: Path
) -> None:
    """A book whose ISBN a book in another partition has: the same error as a local run."""
    other = {**record(3), "id": "another"}
    (tmp_path / "again.json").write_text(json.dumps(other))
    given = [str(catalogue / "big.jsonl"), str(tmp_path / "again.json")]
    local, on_cluster = run_both(given, cluster, tmp_path)
    assert on_cluster.exit_code == local.exit_code == 2
    assert on_cluster.stderr == local.stderr
    assert on_cluster.stderr.splitlines()[0].startswith(
        f"Error: {tmp_path / 'again.json'}:1: isbn: ISBN {isbn13(6)} is already the ISBN of "
        f'the book "book-003" in {catalogue / "big.jsonl"}:4;'
    )
    assert not [path for path in (tmp_path / "c").rglob("*") if path.is_file()]


def test_without_a_scheduler_a_local_cluster_starts(catalogue: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = publish_on_cluster([catalogue / "small.ndjson"], out, validate=False, issued=ISSUED)
    assert summary.books == 10
    assert triples(*parts(out, "nt.gz"))


def test_a_local_release_over_a_cluster_release_leaves_no_parts(
    catalogue: Path, cluster: LocalCluster, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    publish_on_cluster(
        [catalogue / "small.ndjson"], out, scheduler=cluster.scheduler_address, issued=ISSUED
    )
    assert parts(out, "nt.gz")
    assert (out / "parts.json").exists()

    summary = publish([catalogue / "small.ndjson"], out, issued=ISSUED, warn=lambda _p: None)

    assert not (out / "parts").exists()
    assert not (out / "parts.json").exists()
    assert out / "parts.json" in summary.dropped
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert not any(name.startswith("parts") for name in manifest["files"])
    assert len(triples(out / "books.nt.gz")) > 0


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (["--partitions", "2"], "--partitions"),
        (["--executor", "dask", "--jobs", "2"], "--jobs"),  # it was ignored
        (["--executor", "dask", "--scheduler", "tcp://127.0.0.1:9", "-j", "3"], "--jobs"),
    ],
)
def test_executor_options_go_together(tmp_path: Path, options: list[str], named: str) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["publish", "x.yaml", "-o", str(out), *options])
    assert result.exit_code == 2
    error = result.stderr.splitlines()[-1]
    assert error.startswith("Error: ")
    assert named in error
    assert not out.exists()


VOID = "http://rdfs.org/ns/void#"
FIELDS = ", ".join(json.loads(Path("src/bookrdf/record.schema.json").read_text())["properties"])


def parse_nt(data: bytes) -> set[ox.Triple]:
    return {quad.triple for quad in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}


def void_counts(release: Path) -> dict[tuple[str, str], str]:
    """Every VoID number of a release's description, by subject and property."""
    numbers = {"triples", "entities", "distinctSubjects", "classes", "properties"}
    return {
        (text(t.subject), t.predicate.value): text(t.object)
        for t in triples(release / "dataset.ttl")
        if t.predicate.value.removeprefix(VOID) in numbers
    }


def text(term: object) -> str:
    """An IRI's or a literal's text."""
    assert isinstance(term, ox.NamedNode | ox.Literal), term
    return term.value


def publish_small_on(scheduler: str, catalogue: Path, out: Path) -> Result:
    """`publish` of the small catalogue file on a Dask scheduler at `scheduler`, by the CLI."""
    return CliRunner().invoke(
        cli,
        [
            "publish", str(catalogue / "small.ndjson"), "--out", str(out),
            "--executor", "dask", "--scheduler", scheduler,
        ],
    )  # fmt: skip


def test_a_bad_scheduler_address_is_one_error_line(catalogue: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = publish_small_on("nonsense://x", catalogue, out)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: nonsense://x: not a Dask scheduler address (")
    assert len(result.stderr.splitlines()) == 1
    assert not out.exists()


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("tcp://127.0.0.1", "tcp://127.0.0.1: not a Dask scheduler address (missing port number"),
        ("127.0.0.1:x86", "127.0.0.1:x86: not a Dask scheduler address (invalid literal"),
        ("tcp://127.0.0.1:0", "tcp://127.0.0.1:0: not a Dask scheduler address (it needs a host"),
        ("inproc://x", "inproc://x: not a Dask scheduler address (inproc:// is not one of tcp"),
        ("ucx://127.0.0.1:1", "ucx://127.0.0.1:1: not a Dask scheduler address (ucx:// is not"),
        ("tls://127.0.0.1:1", "tls://127.0.0.1:1: tls:// needs Dask's TLS settings"),
        ("tcp://admin:s3cret@127.0.0.1:1", "127.0.0.1:1: a scheduler address has no user or"),
    ],
)
def test_a_malformed_scheduler_address_is_refused_before_any_client(
    catalogue: Path, tmp_path: Path, address: str, message: str
) -> None:
    out = tmp_path / "out"
    started = time.monotonic()
    result = publish_small_on(address, catalogue, out)
    assert time.monotonic() - started < 10  # no connection attempt, no Client left behind
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: {message}")
    assert "s3cret" not in result.stderr
    assert not out.exists()


def silent(sock: socket.socket) -> None:
    """Accepts, and says nothing: a web server waiting for a request line, a wrong port."""
    time.sleep(10)


def banner(sock: socket.socket) -> None:
    """Greets first, as SSH and mail servers do, in bytes Dask reads as a frame length."""
    sock.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")
    time.sleep(10)


@pytest.mark.parametrize(
    ("peer", "message"),
    [
        (silent, "no Dask scheduler answered within 2 s (a scheduler answers at once: is another "
         "program listening on that port?)"),
        (banner, "the program answering there is not a Dask scheduler"),
    ],
)  # fmt: skip
def test_a_peer_that_is_no_scheduler_is_one_error_line_in_bounded_time(
    catalogue: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    peer: Callable[[socket.socket], None],
    message: str,
) -> None:
    monkeypatch.setattr("bookrdf.distributed.cluster.CONNECT_TIMEOUT", 2)
    out = tmp_path / "out"
    with socket.create_server(("127.0.0.1", 0)) as listener:
        address = f"tcp://127.0.0.1:{listener.getsockname()[1]}"

        def serve() -> None:
            with contextlib.suppress(OSError):
                connection, _ = listener.accept()
                with connection:
                    peer(connection)

        threading.Thread(target=serve, daemon=True).start()
        started = time.monotonic()
        result = publish_small_on(address, catalogue, out)
        seconds = time.monotonic() - started
    assert result.exit_code == 2, result.output
    assert (
        result.stderr
        == f"Error: {address}: {message}; check the address, or start one with `dask scheduler`\n"
    )
    assert seconds < 8  # the old client waited for an answer to its handshake forever
    assert not out.exists()


def test_diff_reads_a_cluster_release_as_its_local_twin(
    catalogue: Path, local_release: Path, cluster_release: Path, tmp_path: Path
) -> None:
    # docs/cluster.md: the parts, read in order, are the dump, so diff compares the two
    same = CliRunner().invoke(cli, ["diff", str(local_release), str(cluster_release)])
    assert same.exit_code == 0, same.output
    assert same.stdout.splitlines()[-1] == f"0 added, 0 changed, 0 removed, {BOOKS} unchanged"
    smaller = tmp_path / "smaller"
    publish([catalogue / "small.ndjson"], smaller, formats=("nt.gz",), warn=lambda _p: None)
    kept = json.loads((smaller / "manifest.json").read_text())["books"]
    patch = CliRunner().invoke(cli, ["diff", str(cluster_release), str(smaller), "-f", "patch"])
    assert patch.exit_code == 0, patch.output
    deleted = [line for line in patch.stdout.splitlines() if line.startswith("D ")]
    manifest = json.loads((cluster_release / "manifest.json").read_text())["books"]
    gone = {book["id"] for book in manifest} - {book["id"] for book in kept}
    assert len(gone) == BOOKS - len(kept)
    assert len(deleted) == sum(book["triples"] for book in manifest if book["id"] in gone)
