"""What kind of entry a contents entry is: told by the record, or inferred from its place."""

from __future__ import annotations

import re

from bookrdf.model.values import Book, Chapter
from bookrdf.vocab import KINDS

# Words that name a kind of entry when they open its label or title ("Conclusion: Why…").
_KIND_WORDS: tuple[tuple[str, str], ...] = (
    (r"title page|half[- ]title|copyright( page)?|title page, copyright", "title-page"),
    (r"dedication", "dedication"),
    (r"(table of )?contents", "contents"),
    (r"list of (illustrations|figures|maps|plates)", "list-of-figures"),
    (r"list of tables", "list-of-tables"),
    (r"foreword", "foreword"),
    (r"prefaces?( to the [a-z ]+ edition)?", "preface"),
    (r"acknowledge?ments?", "acknowledgements"),
    (r"abstract", "abstract"),
    (r"prologue", "prologue"),
    (r"introduction", "introduction"),
    (r"conclusions?|concluding remarks", "conclusion"),
    (r"epilogue", "epilogue"),
    (r"afterword", "afterword"),
    (r"appendix( [a-z0-9]+)?|appendices", "appendix"),
    (r"(end)?notes", "notes"),
    (r"glossary", "glossary"),
    (r"(select(ed)? )?bibliography|references|works cited", "bibliography"),
    (r"(general |subject |name )?index", "index"),
    (r"colophon", "colophon"),
    (r"(about the|notes on( the)?) (authors?|contributors|editors?)|contributors", "back-matter"),
)
# One pattern, an alternative per kind in the order above: the first that matches the whole
# text wins, as if each were tried in turn (one regex run instead of twenty).
_KIND_PATTERN = re.compile(
    "|".join(
        rf"(?P<k{i}>(?:{words})(?:\s*[:.—–-]\s.*|\s*[:.])?)"
        for i, (words, _) in enumerate(_KIND_WORDS)
    ),
    re.IGNORECASE,
)
_KIND_OF_GROUP = {f"k{i}": kind for i, (_, kind) in enumerate(_KIND_WORDS)}
_NUMBERED = re.compile(r"(chapter\s+)?([0-9]+|[IVXLCDM]+)\.?", re.IGNORECASE)
_PART = re.compile(
    r"part\s+([0-9]+|[IVXLCDM]+|one|two|three|four|five|six|seven|eight|nine|ten)\.?",
    re.IGNORECASE,
)


def told_kind(chapter: Chapter) -> str | None:
    """The kind the record gives or the label or title names; None when it is not told."""
    if chapter.kind:
        return chapter.kind
    if chapter.label and _NUMBERED.fullmatch(chapter.label):
        return "chapter"
    if chapter.label and _PART.fullmatch(chapter.label):
        return "part"
    for text in (chapter.label, chapter.title):
        if text:
            found = _KIND_PATTERN.fullmatch(text)
            if found is not None:
                return _KIND_OF_GROUP[found.lastgroup or ""]
    return None


def entry_kinds(book: Book) -> list[tuple[str | None, str | None]]:
    """Each entry's told kind and, when none is told, the principal part its place suggests.

    Roman-numbered pages are front matter (as DoCO notes); an entry after the last told
    body entry is back matter. Everything else stays unknown rather than guessed.
    """
    told = [told_kind(ch) for ch in book.chapters]
    body = [i for i, kind in enumerate(told) if kind and KINDS[kind].matter == "body"]
    last_body = body[-1] if body else None
    out: list[tuple[str | None, str | None]] = []
    for i, (chapter, kind) in enumerate(zip(book.chapters, told, strict=True)):
        if kind is not None:
            out.append((kind, None))
        elif chapter.pages is not None and chapter.pages.is_roman:
            out.append((None, "front"))
        elif last_body is not None and i > last_body:
            out.append((None, "back"))
        else:
            out.append((None, None))
    return out
