"""A manifest's books kept on disk (release/books.py): the same answers as a dict would give."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from bookrdf.errors import InputError
from bookrdf.release.books import BookEntry, BookIndex
from bookrdf.release.manifest import ManifestWriter, read_manifest


def entry(n: int, sha: str = "a") -> BookEntry:
    return BookEntry(f"book-{n}", f"https://example.org/book/{n}/graph", sha * 64, n)


def test_the_index_answers_as_a_dict_in_manifest_order() -> None:
    entries = [entry(3), entry(1), entry(2), entry(1, "b")]
    index = BookIndex(entries)
    as_dict = {e.id: e for e in entries}  # a later entry replaces an earlier one
    assert dict(index) == as_dict
    assert len(index) == 3
    assert "book-2" in index
    assert "book-9" not in index
    assert index.get("book-9") is None
    with pytest.raises(KeyError):
        index["book-9"]
    assert next(iter(index)) == "book-3"


def test_taken_books_are_met_and_the_rest_listed_in_order() -> None:
    index = BookIndex(entry(n) for n in range(6))
    assert index.take("book-4") == entry(4)
    assert index.take("book-1") == entry(1)
    assert index.take("book-9") is None
    assert list(index.untaken()) == ["book-0", "book-2", "book-3", "book-5"]


def test_the_index_pickles_as_its_entries() -> None:
    index = BookIndex(entry(n) for n in range(4))
    copy = pickle.loads(pickle.dumps(index))
    assert dict(copy) == dict(index)


class _Sink:
    def __init__(self) -> None:
        self.data = b""

    def write(self, data: bytes) -> None:
        self.data += data


def written_manifest(folder: Path, entries: list[BookEntry]) -> Path:
    sink = _Sink()
    writer = ManifestWriter(sink, None)
    for book in entries:
        writer.add(book)
    writer.close_books()
    writer.finish(files={"books.nt.gz": "0" * 64}, issued="2024-05-01",
                  modified="2024-05-01T00:00:00Z", settings={"base": "x"}, version="0.1.0")  # fmt: skip
    (folder / "manifest.json").write_bytes(sink.data)
    return folder / "manifest.json"


@pytest.mark.parametrize("count", [0, 1, 5])
def test_a_written_manifest_reads_back_line_by_line_or_whole(tmp_path: Path, count: int) -> None:
    entries = [entry(n) for n in range(count)]
    path = written_manifest(tmp_path, entries)
    streamed = read_manifest(tmp_path)
    assert streamed is not None
    assert list(streamed.books.values()) == entries
    assert streamed.files == {"books.nt.gz": "0" * 64}

    # the same manifest laid out by another tool: read whole, the same answers
    path.write_text(json.dumps(json.loads(path.read_bytes()), indent=4), encoding="utf-8")
    whole = read_manifest(tmp_path)
    assert whole is not None
    assert list(whole.books.values()) == entries
    assert (whole.issued, whole.settings) == (streamed.issued, streamed.settings)


def test_a_changed_manifest_is_compared_book_by_book(tmp_path: Path) -> None:
    written_manifest(tmp_path, [entry(n) for n in range(5)])
    previous = read_manifest(tmp_path)
    writer = ManifestWriter(_Sink(), previous)
    for book in [entry(0), entry(2, "b"), entry(7), entry(4)]:
        writer.add(book)
    changes = writer.close_books()
    assert (changes.added, changes.changed, changes.removed) == (
        ["book-7"],
        ["book-2"],
        ["book-1", "book-3"],
    )
    assert changes.unchanged == 2


@pytest.mark.parametrize(
    "text",
    ['{\n"books": [\n{"id": "x"}\n],\n "files": {}}', '{"books": [1]}', "[]", '{\n"books": [\n'],
)
def test_a_broken_manifest_is_one_error(tmp_path: Path, text: str) -> None:
    (tmp_path / "manifest.json").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="manifest"):
        read_manifest(tmp_path)
