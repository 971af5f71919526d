"""Reading records: every problem reported with file, line and field."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from bookrdf.errors import InputError, RecordError
from bookrdf.mapping import map_book
from bookrdf.model import book_to_dict
from bookrdf.publish import book_document
from bookrdf.record_yaml import MAX_VALUES
from bookrdf.records import (
    MAX_TEXT,
    conforms_to_schema,
    dump_record,
    parse_record,
    read_records,
    record_schema,
)
from bookrdf.site.describe import MEDIA_TYPES as SITE_MEDIA_TYPES
from bookrdf.vocab import DOCUMENT_SUFFIXES
from tests.conftest import SEED_RECORD


def problems_of(tmp_path: Path, name: str, text: str | bytes) -> list[str]:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, "utf-8")
    with pytest.raises(RecordError) as caught:
        list(read_records(path))
    return [str(p).replace(str(tmp_path) + "/", "") for p in caught.value.problems]


def test_seed_record_reads(crisis_graph: object) -> None:
    (book,) = read_records(SEED_RECORD)
    assert book.title == "Crisis in North Korea"
    assert len(book.chapters) == 20
    assert book.line_of("chapters[3].pages") is not None


def test_every_problem_at_once_with_line_and_field(tmp_path: Path) -> None:
    text = """id: x
title: T
published: 2005-02-30
chapters:
  - title: A
    pages: "12-"
  - label: "2"
    pages: vii-xii
  - pages: "7 to 9"
"""
    assert problems_of(tmp_path, "x.yaml", text) == [
        'x.yaml:3: published: "2005-02-30" is not a day of the calendar; check it',
        'x.yaml:6: chapters[0].pages: "12-" is not a page range; write it like "vii-xii", "v" or "7-25"',
        'x.yaml:9: chapters[2].pages: "7 to 9" is not a page range; write it like "vii-xii", "v" or "7-25"',
    ]


def test_pages_that_skip_pages_must_be_readable_one_way(tmp_path: Path) -> None:
    text = """id: x
title: T
chapters:
  - pages: "25-30, 1-20"
  - pages: "20-1; 25-30"
  - pages: "1,024"
  - pages: "1-20,250-300"
  - pages: "1-20, 25 to 30"
"""
    upwards = 'the parts of a range that skips pages must run upwards: "1-20, 25-30"'
    grouped = (
        'write page numbers without a thousands separator ("1024"), and a range that skips '
        'pages with a space after each comma ("1-20, 25-30")'
    )
    assert problems_of(tmp_path, "x.yaml", text) == [
        f'x.yaml:4: chapters[0].pages: "25-30, 1-20" is not a page range; {upwards}',
        f'x.yaml:5: chapters[1].pages: "20-1; 25-30" is not a page range; {upwards}',
        f'x.yaml:6: chapters[2].pages: "1,024" is not a page range; {grouped}',
        f'x.yaml:7: chapters[3].pages: "1-20,250-300" is not a page range; {grouped}',
        'x.yaml:8: chapters[4].pages: "1-20, 25 to 30" is not a page range; '
        'write a range that skips pages like "1-20, 25-30"',
    ]


def test_unknown_field_names_the_allowed_ones(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path, "x.yaml", "id: x\ntitle: T\nchapters:\n  - titel: A\n")
    assert problem.startswith(
        "x.yaml:4: chapters[0].titel: unknown field 'titel'; the fields here are label, title"
    )


def test_missing_title(tmp_path: Path) -> None:
    assert problems_of(tmp_path, "x.yaml", "id: x\n") == [
        "x.yaml:1: 'title' is required and missing"
    ]


def test_bad_yaml_gives_its_line(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path, "x.yaml", "id: x\ntitle: [unclosed\nchapters: []\n")
    assert problem.startswith("x.yaml:3: is not valid YAML")


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    assert problems_of(tmp_path, "x.yaml", "id: x\ntitle: A\ntitle: B\n") == [
        "x.yaml:3: title: appears twice; keep one"
    ]
    assert problems_of(tmp_path, "x.json", '{"id": "x", "title": "A", "title": "B"}') == [
        "x.json:1: title: appears twice; keep one"
    ]


def test_yaml_aliases_that_stand_for_too_many_values_are_refused_at_once(tmp_path: Path) -> None:
    levels = [f"l0: &l0 [{', '.join(['x'] * 9)}]"]
    levels += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 9)]
    (problem,) = problems_of(tmp_path, "x.yaml", "\n".join(levels) + "\n")
    assert problem.startswith("x.yaml:")
    assert problem.endswith(f"its aliases stand for more than {MAX_VALUES:,} values; write fewer")
    (problem,) = problems_of(tmp_path, "x.yaml", "id: x\ntitle: T\nsubjects: &s [A, *s]\n")
    assert problem == ("x.yaml:3: an alias holds the value it is part of; write the value out")
    fine = "id: x\ntitle: &t T\nsubjects: [*t, *t]\n"
    (book,) = read_records(write(tmp_path, "ok.yaml", fine))
    assert book.subjects == ("T", "T")


@pytest.mark.parametrize("name", ["x.json", "x.jsonl", "x.yaml"])
def test_a_record_nested_deeper_than_the_parsers_go_is_one_problem(
    tmp_path: Path, name: str
) -> None:
    deep = "[" * 5000 + "]" * 5000
    (problem,) = problems_of(tmp_path, name, '{"id": "x", "title": "T", "x": ' + deep + "}\n")
    assert problem.startswith(f"{name}")
    assert "nested too deeply" in problem or "maximum nesting depth" in problem


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, "utf-8")
    return path


def test_blank_title_and_names_are_problems_not_empty_strings(tmp_path: Path) -> None:
    text = 'id: x\ntitle: "  "\ncontributors:\n  - name: " "\npublisher:\n  name: "\\t"\n'
    assert problems_of(tmp_path, "x.yaml", text) == [
        "x.yaml:2: title: is blank; give the book's title",
        "x.yaml:4: contributors[0].name: is blank; give the person's name",
        "x.yaml:6: publisher.name: is blank; give the publisher's name",
    ]


@pytest.mark.parametrize("suffix", DOCUMENT_SUFFIXES)
def test_an_id_ending_like_a_site_document_is_refused(tmp_path: Path, suffix: str) -> None:
    (problem,) = problems_of(tmp_path, "x.yaml", f"id: x.{suffix}\ntitle: T\n")
    assert problem == (
        f'x.yaml:1: id: "x.{suffix}" ends like a document of the book\'s Linked Data page '
        f"(.{suffix}); choose an id without that ending"
    )
    (book,) = read_records(write(tmp_path, "ok.yaml", "id: vol.2\ntitle: T\n"))
    assert book.id == "vol.2"


def test_the_site_writes_exactly_the_document_suffixes_ids_may_not_end_with() -> None:
    assert set(DOCUMENT_SUFFIXES) == set(SITE_MEDIA_TYPES)


def test_yaml_merge_keys_give_the_fields_they_merge(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(
        "id: x\ntitle: T\nchapters:\n  - &entry {kind: chapter, pages: 1-9}\n"
        "  - <<: *entry\n    pages: 10-19\n    title: Two\n",
        "utf-8",
    )
    (book,) = read_records(path)
    assert book_to_dict(book)["chapters"] == [
        {"kind": "chapter", "pages": "1-9"},
        {"kind": "chapter", "pages": "10-19", "title": "Two"},
    ]
    assert book.line_of("chapters[1].pages") == 6


def test_yaml_values_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(
        "id: x\ntitle: No\npublished: 2005\nchapters:\n  - label: 1.\n    title: On\n", "utf-8"
    )
    (book,) = read_records(path)
    assert book.title == "No"
    assert book.chapters[0].label == "1."
    assert book.chapters[0].title == "On"
    assert book.published is not None
    assert book.published.text == "2005"


def test_json_gives_field_lines(tmp_path: Path) -> None:
    text = '{\n  "id": "x",\n  "title": "T",\n  "isbn": [\n    {"value": "12345"}\n  ]\n}\n'
    assert problems_of(tmp_path, "x.json", text) == [
        'x.json:5: isbn[0].value: "12345" is not an ISBN; give 13 digits (978… or 979…)'
    ]


def test_bad_json(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path, "x.json", '{"id": "x",\n "title": }')
    assert problem.startswith("x.json:2: is not valid JSON")


@pytest.mark.parametrize("name", ["x.json", "x.jsonl"])
@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("9" * 5000, "x:2: has a number of 5,000 digits"),
        ("NaN", "x:2: is not valid JSON: NaN is not a JSON value"),
        ("-Infinity", "x:2: is not valid JSON: -Infinity is not a JSON value"),
    ],
)
def test_json_python_reads_but_the_standard_does_not_is_refused(
    tmp_path: Path, name: str, value: str, says: str
) -> None:
    text = '{"id": "a", "title": "A"}\n{"id": "b", "title": "B", "published": ' + value + "}\n"
    if name == "x.json":
        text = "[" + text.replace("\n", ",\n", 1).rstrip() + "]"
    (problem,) = problems_of(tmp_path, name, text)
    assert problem.startswith(says.replace("x:", f"{name}:"))


def test_json_lines_report_every_bad_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "title": "A"}),
        json.dumps({"id": "b"}),
        "{not json",
        json.dumps({"id": "c", "title": "C", "language": "english!"}),
    ]
    problems = problems_of(tmp_path, "x.jsonl", "\n".join(lines) + "\n")
    assert [p.split(":")[1] for p in problems] == ["2", "3", "4"]


def test_a_yaml_stream_of_records_as_import_prints_it_is_every_book(tmp_path: Path) -> None:
    path = tmp_path / "books.yaml"
    path.write_text("id: a\ntitle: A\n---\nid: b\ntitle: B\nchapters:\n  - pages: 7-\n", "utf-8")
    assert problems_of(tmp_path, "books.yaml", path.read_text("utf-8")) == [
        'books.yaml:7: chapters[0].pages: "7-" is not a page range; write it like "vii-xii", '
        '"v" or "7-25"'
    ]
    path.write_text("---\nid: a\ntitle: A\n---\nid: b\ntitle: B\n---\n", "utf-8")
    assert [(book.id, book.line_of("title")) for book in read_records(path)] == [
        ("a", 3),
        ("b", 6),
    ]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("x.jsonl", '{"id": "a", "title": "A"}\n\ufeff{"id": "b", "title": "B"}\n'),
        ("x.yaml", "\ufeffid: a\ntitle: A\n---\n\ufeffid: b\ntitle: B\n"),
    ],
)
def test_files_joined_with_their_byte_order_marks_read(
    tmp_path: Path, name: str, text: str
) -> None:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    assert [book.title for book in read_records(path)] == ["A", "B"]


def test_not_a_mapping(tmp_path: Path) -> None:
    assert problems_of(tmp_path, "x.yaml", "- a\n- b\n") == [
        "x.yaml:1: the record is a list, not a mapping of fields"
    ]
    assert problems_of(tmp_path, "e.yaml", "") == [
        "e.yaml:1: the record is empty, not a mapping of fields"
    ]


def test_not_utf8(tmp_path: Path) -> None:
    assert problems_of(tmp_path, "x.yaml", b"id: x\ntitle: caf\xe9\n") == [
        "x.yaml:2: is not UTF-8 text; save the file as UTF-8"
    ]


def test_missing_file() -> None:
    with pytest.raises(InputError, match="no such file"):
        list(read_records(Path("/nonexistent/x.yaml")))


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("isbn", [{"value": "0-8248-2809-7"}], "9780824828097"),
        ("isbn", [{"value": "978-0-8248-2809-7"}], "9780824828097"),
        ("doi", "https://doi.org/10.1515/9780824862039", "10.1515/9780824862039"),
        ("license", "CC-BY-4.0", "https://spdx.org/licenses/CC-BY-4.0"),
    ],
)
def test_values_are_normalised(field: str, value: object, expected: str) -> None:
    book = parse_record({"id": "x", "title": "T", field: value}, "t")
    got = book.isbns[0].value if field == "isbn" else getattr(book, field)
    assert got == expected


def test_isbn10_with_bad_check_digit_is_refused() -> None:
    with pytest.raises(RecordError, match=r"ISBN-10 .* wrong check digit"):
        parse_record({"id": "x", "title": "T", "isbn": [{"value": "0824828098"}]}, "t")


def test_isbn13_check_digit_is_left_to_shacl() -> None:
    book = parse_record({"id": "x", "title": "T", "isbn": [{"value": "9780824828096"}]}, "t")
    assert book.isbns[0].value == "9780824828096"


@pytest.mark.parametrize("bad_id", ["a b", "../x", "x/y", "é", ""])
def test_ids_must_be_slugs(bad_id: str) -> None:
    with pytest.raises(RecordError, match="id"):
        parse_record({"id": bad_id, "title": "T"}, "t")


def test_dump_and_read_back_is_the_same_book(tmp_path: Path) -> None:
    (book,) = read_records(SEED_RECORD)
    path = tmp_path / "again.yaml"
    path.write_text(dump_record(book), "utf-8")
    (again,) = read_records(path)
    assert again == book
    assert book_to_dict(again) == book_to_dict(book)


def test_schema_ships_and_describes_every_field() -> None:
    schema = record_schema()
    assert set(schema["properties"]) >= {"id", "title", "contributors", "isbn", "chapters"}
    assert schema["required"] == ["id", "title"]


@pytest.mark.parametrize(
    ("escaped", "code"),
    [("\\u0000", "U+0000"), ("\\ud800", "U+D800"), ("\\ufffe", "U+FFFE"), ("\\u001b", "U+001B")],
)
def test_characters_that_break_rdf_are_refused(tmp_path: Path, escaped: str, code: str) -> None:
    text = '{"id": "x", "title": "T", "chapters": [{"title": "a' + escaped + 'b"}]}\n'
    assert problems_of(tmp_path, "x.jsonl", text) == [
        f"x.jsonl:1: chapters[0].title: contains the character {code} at position 2; remove it"
    ]


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("x.jsonl", '{"id": "x", "title": "Don\\u0092t"}\n', "x.jsonl:1: title: contains"),
        ("x.jsonl", '{"id": "x", "title": "Don\u0092t"}\n', "x.jsonl:1: title: contains"),
        ("x.yaml", "id: x\ntitle: Don\u0092t\n", "x.yaml:2: is not valid YAML"),
    ],
)
def test_c1_controls_are_refused_with_what_they_likely_are(
    tmp_path: Path, name: str, text: str, where: str
) -> None:
    (problem,) = problems_of(tmp_path, name, text)
    assert problem.startswith(where)
    assert "the character U+0092" in problem
    assert "Windows-1252" in problem
    assert "\n" not in problem


@pytest.mark.parametrize("name", ["x.jsonl", "x.json"])
def test_a_text_longer_than_a_store_takes_is_refused(tmp_path: Path, name: str) -> None:
    # Oxigraph reads terms of at most 16 MiB: a longer literal would make a dump it refuses
    longest = {"id": "x", "title": "T", "description": "𝔸" * MAX_TEXT}  # 4 bytes of UTF-8 each
    (tmp_path / name).write_text(json.dumps(longest, ensure_ascii=False) + "\n", "utf-8")
    (book,) = read_records(tmp_path / name)
    assert book.description is not None
    assert len(book.description) == MAX_TEXT
    dump = book_document(map_book(book), "nt")
    assert any(
        len(q.object.value) == MAX_TEXT for q in ox.parse(dump, format=ox.RdfFormat.N_TRIPLES)
    )
    longest["description"] += "!"
    (problem,) = problems_of(tmp_path, name, json.dumps(longest, ensure_ascii=False) + "\n")
    assert problem == (
        f"{name}:1: description: is 4,000,001 characters long; a text may have up to "
        "4,000,000 (RDF stores refuse longer terms): shorten it"
    )


def test_newlines_and_tabs_in_text_are_fine() -> None:
    book = parse_record({"id": "x", "title": "Two\nlines\tand tab", "description": "a\n\nb"}, "t")
    assert book.title == "Two lines and tab"
    assert book.description == "a\n\nb"


def test_same_isbn_twice_is_refused() -> None:
    with pytest.raises(RecordError, match=r"isbn\[1\].value: ISBN 9780824828097 is listed twice"):
        parse_record(
            {
                "id": "x",
                "title": "T",
                "isbn": [{"value": "9780824828097"}, {"value": "0-8248-2809-7"}],
            },
            "t",
        )


@pytest.mark.parametrize(
    ("scheme", "given", "kept"),
    [
        ("orcid", "https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("isni", "0000 0001 2103 2683", "0000000121032683"),
        ("viaf", "https://viaf.org/viaf/123/", "123"),
        ("wikidata", "http://www.wikidata.org/entity/Q42", "Q42"),
    ],
)
def test_person_identifiers_are_normalised(scheme: str, given: str, kept: str) -> None:
    person = {"name": "A", "identifiers": {scheme: given}}
    book = parse_record({"id": "x", "title": "T", "contributors": [person]}, "t")
    assert getattr(book.contributors[0].identifiers, scheme) == kept


@pytest.mark.parametrize(
    ("scheme", "bad"),
    [("orcid", "0000-0002-1825-0098"), ("isni", "0000000121032684"), ("wikidata", "P31")],
)
def test_bad_person_identifiers_are_refused(scheme: str, bad: str) -> None:
    person = {"name": "A", "identifiers": {scheme: bad}}
    with pytest.raises(RecordError, match=rf"contributors\[0\]\.identifiers\.{scheme}"):
        parse_record({"id": "x", "title": "T", "contributors": [person]}, "t")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def _schema_fields(schema: dict[str, Any], prefix: str = "") -> list[str]:
    """Dotted paths of the schema's object properties (refs followed one level)."""
    found = []
    for name, sub in schema.get("properties", {}).items():
        found.append(prefix + name)
        target = sub.get("items", sub)
        ref = target.get("$ref", "")
        if ref.startswith("#/$defs/"):
            found += _schema_fields(
                record_schema()["$defs"][ref.split("/")[-1]], f"{prefix}{name}."
            )
    return found


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_the_fast_schema_check_agrees_with_jsonschema(data: st.DataObject) -> None:
    """Records with a value swapped anywhere for any JSON value: fastjsonschema (the fast
    gate) and jsonschema (the messages) must agree on whether each conforms."""
    record = json.loads(SEED_JSON)
    field = data.draw(st.sampled_from(["", *_schema_fields(record_schema())]))
    value = data.draw(JSON_VALUES)
    target: Any = record
    parts = field.split(".") if field else []
    for part in parts[:-1]:
        target = target.get(part) if isinstance(target, dict) else None
        if isinstance(target, list):
            target = target[0] if target else None
    if isinstance(target, dict) and parts:
        target[parts[-1]] = value
    elif not parts:
        record[data.draw(st.text(max_size=5))] = value
    slow = not list(Draft202012Validator(record_schema()).iter_errors(record))
    assert conforms_to_schema(record) == slow


SEED_JSON = json.dumps(book_to_dict(next(read_records(SEED_RECORD))))


@settings(max_examples=500, deadline=None)
@given(st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=12))
def test_the_quick_character_check_never_misses_a_bad_character(text: str) -> None:
    from bookrdf.records import _FORBIDDEN, _may_hold_bad_characters

    if _FORBIDDEN.search(text):
        assert _may_hold_bad_characters({"title": text, "chapters": [{"title": text}]})


@settings(max_examples=500, deadline=None)
@given(
    st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=12),
    st.booleans(),
)
def test_the_check_on_json_text_never_misses_a_bad_character(text: str, ascii: bool) -> None:
    from bookrdf.records import _FORBIDDEN, _json_may_hold_bad_characters

    if _FORBIDDEN.search(text):
        line = json.dumps({"id": "x", "title": text}, ensure_ascii=ascii)
        upper = re.sub(r"\\u[0-9a-f]{4}", lambda m: m.group().upper().replace("\\U", "\\u"), line)
        assert _json_may_hold_bad_characters(line)
        assert _json_may_hold_bad_characters(upper)


def test_a_bad_character_written_raw_in_json_lines_is_refused(tmp_path: Path) -> None:
    text = '{"id": "x", "title": "T", "description": "a\x7fb"}\n'
    assert problems_of(tmp_path, "x.jsonl", text) == [
        "x.jsonl:1: description: contains the character U+007F at position 2; remove it"
    ]


# --- contributors that are organisations -----------------------------------------------------


def test_a_contributor_is_a_person_unless_the_record_says_organization(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(
        "id: x\ntitle: T\ncontributors:\n  - name: Jane Doe\n"
        "  - {name: World Health Organization, kind: organization, role: editor,"
        " identifiers: {wikidata: Q7817}}\n",
        "utf-8",
    )
    (book,) = read_records(path)
    assert [(c.name, c.kind, c.role) for c in book.contributors] == [
        ("Jane Doe", "person", "author"),
        ("World Health Organization", "organization", "editor"),
    ]
    # written back, a person says nothing of its kind; an organisation keeps it
    people = book_to_dict(book)["contributors"]
    assert [p.get("kind") for p in people] == [None, "organization"]
    assert conforms_to_schema(book_to_dict(book))


def test_an_organisation_with_a_persons_names_or_orcid_is_refused(tmp_path: Path) -> None:
    text = (
        "id: x\ntitle: T\ncontributors:\n  - name: WHO\n    kind: organization\n"
        "    given_name: World\n    family_name: Health\n"
        "    identifiers: {orcid: 0000-0002-1825-0097}\n"
    )
    assert problems_of(tmp_path, "x.yaml", text) == [
        "x.yaml:6: contributors[0].given_name: an organisation has no given name; remove it, "
        "or drop 'kind: organization' if this is a person",
        "x.yaml:7: contributors[0].family_name: an organisation has no family name; remove it, "
        "or drop 'kind: organization' if this is a person",
        "x.yaml:8: contributors[0].identifiers.orcid: an ORCID iD names a person, not an "
        "organisation; give its ISNI, VIAF or Wikidata id, or drop 'kind: organization' if this "
        "is a person",
    ]


def test_an_organisation_needs_a_name_and_a_known_kind(tmp_path: Path) -> None:
    text = (
        'id: x\ntitle: T\ncontributors:\n  - {name: " ", kind: organization}\n'
        "  - {name: WHO, kind: corporation}\n"
    )
    assert problems_of(tmp_path, "x.yaml", text) == [
        "x.yaml:5: contributors[1].kind: 'corporation' is not one of person, organization",
    ]
    assert problems_of(tmp_path, "y.yaml", text.replace("corporation", "organization")) == [
        "y.yaml:4: contributors[0].name: is blank; give the organisation's name",
    ]
