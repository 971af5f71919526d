"""A Book back to its canonical record fields."""

from __future__ import annotations

from typing import Any

from bookrdf.model.values import Book, Chapter, Contributor


def book_to_dict(book: Book) -> dict[str, Any]:
    """The canonical record of a book: only the fields that have a value, in schema order."""
    out: dict[str, Any] = {"id": book.id, "title": book.title}
    _put(out, "subtitle", book.subtitle)
    _put(out, "contributors", [_contributor_to_dict(c) for c in book.contributors])
    if book.publisher:
        _put(
            out, "publisher", _compact({"name": book.publisher.name, "place": book.publisher.place})
        )
    _put(out, "published", book.published.text if book.published else None)
    _put(out, "language", book.language)
    _put(out, "description", book.description)
    _put(out, "isbn", [_compact({"value": i.value, "format": i.format}) for i in book.isbns])
    _put(out, "doi", book.doi)
    _put(out, "url", book.url)
    _put(out, "subjects", list(book.subjects))
    _put(out, "license", book.license)
    _put(out, "chapters", [_chapter_to_dict(ch) for ch in book.chapters])
    return out


def _chapter_to_dict(chapter: Chapter) -> dict[str, Any]:
    pdf = chapter.pdf
    return _compact(
        {
            "label": chapter.label,
            "title": chapter.title,
            "kind": chapter.kind,
            "pages": chapter.pages.pagination if chapter.pages else None,
            "contributors": [_contributor_to_dict(c) for c in chapter.contributors],
            "pdf": _compact({"size": pdf.size, "url": pdf.url}) if pdf else None,
            "excerpt": chapter.excerpt,
            "doi": chapter.doi,
        }
    )


def _contributor_to_dict(person: Contributor) -> dict[str, Any]:
    ids = person.identifiers
    return _compact(
        {
            "name": person.name,
            "kind": person.kind if person.is_organization else None,  # "person" goes unsaid
            "role": person.role,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "identifiers": _compact(
                {"orcid": ids.orcid, "isni": ids.isni, "viaf": ids.viaf, "wikidata": ids.wikidata}
            ),
        }
    )


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value not in (None, [], {})}


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    if value not in (None, [], {}, ""):
        out[key] = value
