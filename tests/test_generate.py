"""The synthetic catalogue: deterministic, realistic, valid records, CSV = JSONL, streamed."""

from __future__ import annotations

import json
import statistics
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest
from click.testing import CliRunner
from stdnum import isbn as stdnum_isbn
from stdnum.iso7064 import mod_11_2

from bookrdf.cli import cli
from bookrdf.generate import (
    FAMILY,
    GIVEN,
    PEOPLE,
    Record,
    generate_record,
    generate_records,
    json_line,
    person,
    write_catalogue,
)
from bookrdf.model import Book, roman_to_int
from bookrdf.pipeline import read_books, validate
from bookrdf.records import parse_record
from bookrdf.vocab import slug


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return list(generate_records(300, seed=11))


@pytest.fixture(scope="module")
def books(records: list[Record]) -> list[Book]:
    return [parse_record(record, f"generated[{n}]") for n, record in enumerate(records)]


def test_the_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    for fmt in ("jsonl", "csv"):
        first = write_catalogue(tmp_path / f"a-{fmt}", 40, seed=5, fmt=fmt)
        second = write_catalogue(tmp_path / f"b-{fmt}", 40, seed=5, fmt=fmt)
        assert [p.read_bytes() for p in first.files] == [p.read_bytes() for p in second.files]


def test_different_seeds_give_different_books() -> None:
    one, other = list(generate_records(20, seed=1)), list(generate_records(20, seed=2))
    assert not {json.dumps(r) for r in one} & {json.dumps(r) for r in other}
    assert not {r["id"] for r in one} & {r["id"] for r in other}


def test_a_book_is_the_same_drawn_alone_or_in_its_catalogue() -> None:
    catalogue = list(generate_records(12, seed=3))
    assert [generate_record(3, n) for n in range(12)] == catalogue
    assert list(generate_records(4, seed=3, start=8)) == catalogue[8:]


def test_records_are_drawn_lazily() -> None:
    books = generate_records(10**12, seed=0)
    assert next(books)["title"]


def test_cli_writes_the_count_asked_for(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["generate", "--books", "25", "--seed", "4", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "generated 25 books" in result.stderr
    books = list(read_books([tmp_path / "books.jsonl"]))
    assert len(books) == 25
    assert len({book.id for book in books}) == 25
    assert [p.name for p in tmp_path.iterdir()] == ["books.jsonl"]  # no temporary file left


def test_cli_writes_zero_books(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["generate", "--books", "0", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "books.jsonl").read_bytes() == b""


def test_cli_negative_count_exits_2_with_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["generate", "--books", "-1", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "Error: --books -1: give the number of books, 0 or more"
    ]
    assert "Traceback" not in result.output
    assert not (tmp_path / "books.jsonl").exists()


def test_cli_out_that_is_a_file_exits_2(tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("x", "utf-8")
    result = CliRunner().invoke(cli, ["generate", "--books", "1", "--out", str(taken / "sub")])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")
    assert "Traceback" not in result.output


def test_a_failed_run_leaves_no_file(tmp_path: Path) -> None:
    class Stop(Exception):
        pass

    def stop_at_five(record: Record) -> None:
        if record["id"] == ids[4]:
            raise Stop

    ids = [r["id"] for r in generate_records(5, seed=9)]
    with pytest.raises(Stop):
        write_catalogue(tmp_path, 10, seed=9, on_book=stop_at_five)
    assert list(tmp_path.iterdir()) == []


def test_contents_contributors_and_text_are_book_sized(books: list[Book]) -> None:
    entries = [len(book.chapters) for book in books]
    assert 13.5 <= statistics.mean(entries) <= 17
    assert min(entries) >= 6
    people = [len(book.contributors) for book in books]
    assert min(people) == 1
    assert max(people) == 3
    assert 1.5 <= statistics.mean(people) <= 2.5
    descriptions = [len(book.description) for book in books if book.description]
    assert 540 <= statistics.mean(descriptions) <= 660
    excerpts = [len(ch.excerpt) for book in books for ch in book.chapters if ch.excerpt]
    assert 270 <= statistics.mean(excerpts) <= 330


def test_books_vary_like_a_real_catalogue(books: list[Book]) -> None:
    isbn_counts = Counter(len(book.isbns) for book in books)
    assert set(isbn_counts) == {0, 2}
    assert 0.8 <= isbn_counts[2] / len(books) <= 0.95
    roles = Counter(p.role for book in books for p in book.contributors)
    assert set(roles) == {"author", "editor", "translator", "contributor"}
    edited = [b for b in books if any(p.role == "editor" for p in b.contributors)]
    assert any(ch.contributors for book in edited for ch in book.chapters)
    untitled = sum(1 for book in books for ch in book.chapters if ch.title is None)
    assert untitled > len(books)  # the title page aside, entries printed without a title
    names = {p.name for book in books for p in book.contributors}
    assert any(not name.isascii() for name in names)
    assert len({book.publisher.name for book in books if book.publisher}) > 5
    assert len({book.language for book in books}) > 3
    assert all(book.subjects for book in books)
    assert len({book.published.text[:3] for book in books if book.published}) > 3
    sizes = [ch.pdf.size for book in books for ch in book.chapters if ch.pdf and ch.pdf.size]
    assert all(size.endswith((" KB", " MB")) for size in sizes)
    assert any(size.endswith(" MB") for size in sizes)


def test_isbns_are_valid_and_unique(books: list[Book]) -> None:
    isbns = [isbn for book in books for isbn in book.isbns]
    assert all(stdnum_isbn.is_valid(isbn.value) for isbn in isbns)
    assert len({isbn.value for isbn in isbns}) == len(isbns)
    for book in books:
        if book.isbns:
            assert [i.format for i in book.isbns] == ["print", "electronic"]
            assert book.id == book.isbns[0].value


def test_pages_run_roman_then_arabic_forward_without_overlap(books: list[Book]) -> None:
    for book in books:
        assert book.chapters[0].pages is None  # the title page
        numbered = [ch.pages for ch in book.chapters if ch.pages]
        romans = [p for p in numbered if p.is_roman]
        assert numbered[: len(romans)] == romans, book.id
        for run in (
            [(roman_to_int(p.start) or 0, roman_to_int(p.end) or 0) for p in romans],
            [(int(p.start), int(p.end)) for p in numbered[len(romans) :]],
        ):
            assert all(start <= end for start, end in run), book.id
            assert all(a[1] < b[0] for a, b in pairwise(run)), book.id
        labels = [ch.label for ch in book.chapters if ch.label]
        assert labels == [str(n) for n in range(1, len(labels) + 1)]


def test_people_and_publishers_are_the_same_in_every_book(records: list[Record]) -> None:
    """Shared IRIs (ORCID iDs, publishers) never get two names or places across books."""
    names_by_orcid: dict[str, set[str]] = {}
    places: dict[str, set[str | None]] = {}
    for record in records:
        people = [*record["contributors"]]
        people += [p for ch in record["chapters"] for p in ch.get("contributors", [])]
        for p in people:
            if orcid := p.get("identifiers", {}).get("orcid"):
                names_by_orcid.setdefault(orcid, set()).add(p["name"])
        places.setdefault(record["publisher"]["name"], set()).add(record["publisher"].get("place"))
    assert all(len(names) == 1 for names in names_by_orcid.values())
    assert all(len(p) == 1 for p in places.values())
    assert all(mod_11_2.is_valid(orcid.replace("-", "")) for orcid in names_by_orcid)


def test_no_two_people_of_the_pool_share_a_slug_or_an_orcid() -> None:
    assert len({slug(person(key, "author")["name"]) for key in range(PEOPLE)}) == PEOPLE
    orcids = [person(k, "author").get("identifiers", {}).get("orcid") for k in range(PEOPLE)]
    found = [orcid for orcid in orcids if orcid]
    assert len(set(found)) == len(found)
    assert len(GIVEN) * len(FAMILY) < PEOPLE


def test_every_kind_of_book_conforms_to_the_shapes(tmp_path: Path) -> None:
    """pyshacl on one book of each kind (validation is slow: `make bench` checks hundreds)."""
    kinds: dict[str, Record] = {}
    for record in generate_records(60, seed=0):
        roles = {p["role"] for p in record["contributors"]}
        for kind, found in (
            ("no isbn", "isbn" not in record),
            ("edited", any("contributors" in ch for ch in record["chapters"])),
            ("translated", "translator" in roles),
            ("foreword", "contributor" in roles),
            ("doi and pdf urls", "doi" in record and "url" in record["chapters"][0]["pdf"]),
            ("not in english", record.get("language", "en") != "en"),
        ):
            if found:
                kinds.setdefault(kind, record)
    assert len(kinds) == 6
    records = tmp_path / "books.jsonl"
    unique = {record["id"]: record for record in kinds.values()}
    records.write_bytes(b"".join(json_line(record) for record in unique.values()))
    reports, checked = validate([records])
    assert checked == len(unique)
    violations = [r for report in reports for r in report.results if r.severity == "violation"]
    assert violations == []


def test_csv_reads_back_as_the_same_books_as_jsonl(tmp_path: Path) -> None:
    write_catalogue(tmp_path / "jsonl", 80, seed=21, fmt="jsonl")
    csv = write_catalogue(tmp_path / "csv", 80, seed=21, fmt="csv")
    assert [p.name for p in csv.files] == ["books.csv", "chapters.csv"]
    from_jsonl = list(read_books([tmp_path / "jsonl" / "books.jsonl"]))
    from_csv = list(read_books([tmp_path / "csv" / "books.csv"]))
    assert len(from_csv) == 80
    assert from_csv == from_jsonl
