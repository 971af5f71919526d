"""One book record, drawn from its own random generator (see the package docstring)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from functools import cache
from typing import Any

from stdnum.iso7064 import mod_11_2

from bookrdf.generate.words import (
    ADJECTIVES,
    FAMILY,
    GIVEN,
    LANGUAGE_WEIGHTS,
    LANGUAGES,
    LICENSES,
    PLACES,
    PUBLISHERS,
    SUBJECTS,
    VERBS,
    VOCABULARY,
    VOCABULARY_WEIGHTS,
    WHOLE_NAMES,
    WORDS,
)
from bookrdf.model import int_to_roman, roman_to_int
from bookrdf.vocab import slug

Record = dict[str, Any]


def isbn13(digits12: str) -> str:
    """Twelve digits with their ISBN-13 check digit appended."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits12))
    return f"{digits12}{(10 - total % 10) % 10}"


@cache
def _isbn_offset(seed: int) -> int:
    return random.Random(f"bookrdf-isbn:{seed}").randrange(10**9)


# Multiplying by a number prime to 10 permutes 0..10**k-1: unique values that look random.
_ISBN_STEP = 387_420_489  # 3**18
_ORCID_STEP = 7_919


def catalogue_isbn(seed: int, number: int, electronic: bool) -> str:
    """The print or electronic ISBN-13 of book `number`: unique for 500 million books."""
    body = (_ISBN_STEP * (2 * number + electronic) + _isbn_offset(seed)) % 10**9
    return isbn13(f"978{body:09d}")


def person(key: int, role: str) -> Record:
    """Person `key` of the name pool, always with the same name and (for a third) ORCID iD."""
    whole = len(GIVEN) * len(FAMILY)
    if key >= whole:
        out: Record = {"name": WHOLE_NAMES[(key - whole) % len(WHOLE_NAMES)], "role": role}
    else:
        given, family = GIVEN[key // len(FAMILY)], FAMILY[key % len(FAMILY)]
        out = {"name": f"{given} {family}", "role": role, "given_name": given,
               "family_name": family}  # fmt: skip
    if key % 3 == 0:
        digits = f"00000002{(_ORCID_STEP * key + 1000) % 10**7:07d}"
        orcid = digits + mod_11_2.calc_check_digit(digits)
        out["identifiers"] = {"orcid": "-".join(orcid[i : i + 4] for i in range(0, 16, 4))}
    return out


PEOPLE = len(GIVEN) * len(FAMILY) + len(WHOLE_NAMES)


class _Draw:
    """Draws one book record from its own random generator."""

    def __init__(self, rng: random.Random, seed: int, number: int) -> None:
        self.rng = rng
        self.seed = seed
        self.number = number

    def book(self) -> Record:
        rng = self.rng
        kind = rng.choices(("monograph", "edited", "translated"), (62, 28, 10))[0]
        title = self.title()
        has_isbn = rng.random() < 0.87
        isbns = [
            {"value": catalogue_isbn(self.seed, self.number, electronic), "format": form}
            for electronic, form in ((False, "print"), (True, "electronic"))
        ]
        book_id = isbns[0]["value"] if has_isbn else f"{slug(title)[:60]}-{self.number}"
        people = rng.sample(range(PEOPLE), 8)
        contributors = self.contributors(kind, people[:3])
        record: Record = {"id": book_id, "title": title}
        if rng.random() < 0.45:
            record["subtitle"] = self.subtitle()
        record["contributors"] = contributors
        name, place = PUBLISHERS[rng.randrange(len(PUBLISHERS))]
        record["publisher"] = {"name": name} | ({"place": place} if place else {})
        record["published"] = self.date()
        if rng.random() < 0.95:
            record["language"] = rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0]
        if rng.random() < 0.97:
            record["description"] = self.text(rng.gauss(600, 110), ending=".")
        if has_isbn:
            record["isbn"] = isbns
        doi = f"10.5555/{book_id}" if rng.random() < 0.3 else None
        if doi:
            record["doi"] = doi
        if rng.random() < 0.25:
            record["url"] = f"https://books.example.org/{book_id}"
        record["subjects"] = rng.sample(SUBJECTS, rng.randint(1, 3))
        if rng.random() < 0.2:
            record["license"] = rng.choice(LICENSES)
        editors = [p for p in contributors if p["role"] == "editor"]
        authors = people[3:] if kind == "edited" else []
        record["chapters"] = self.contents(book_id, doi, editors, authors)
        return record

    def contributors(self, kind: str, keys: Sequence[int]) -> list[Record]:
        rng = self.rng
        if kind == "edited":
            people = [person(k, "editor") for k in keys[: rng.choice((1, 2, 2, 3))]]
        else:
            people = [person(k, "author") for k in keys[: rng.choice((1, 1, 1, 2, 2, 3))]]
        if kind == "translated" and len(people) < 3:
            people.append(person(keys[len(people)], "translator"))
        elif len(people) < 3 and rng.random() < 0.08:
            people.append(person(keys[len(people)], "contributor"))  # a foreword, say
        return people

    def contents(
        self, book_id: str, doi: str | None, editors: list[Record], authors: list[int]
    ) -> list[Record]:
        rng = self.rng
        pages = _Pages(rng)
        # Front matter: roman pages; the title page has none.
        entries: list[Record] = [{"title": rng.choice(("Title Page, Copyright", "Title Page"))}]
        entries.append(self.entry("Contents", pages.roman(1, 2), "contents", excerpt=False))
        for title, kind, chance, length in (
            ("List of Illustrations", "list-of-figures", 0.2, (1, 3)),
            ("Foreword", "foreword", 0.15, (2, 6)),
            ("Preface", "preface", 0.8, (3, 9)),
            ("Acknowledgments", "acknowledgements", 0.5, (1, 4)),
        ):
            if rng.random() < chance:
                entries.append(self.entry(title, pages.roman(*length), kind))
        # Body: arabic pages; numbered chapters, an introduction and a conclusion on many.
        if rng.random() < 0.7:
            entries.append(self.entry("Introduction", pages.arabic(5, 25), "introduction"))
        for number in range(1, rng.randint(4, 12) + 1):
            chapter = {"label": str(number), "title": self.title()} | self.entry(
                None, pages.arabic(12, 45), None
            )
            entries.append(chapter)
        if rng.random() < 0.5:
            entries.append(self.entry(f"Conclusion: {self.title()}", pages.arabic(6, 20), None))
        if authors:  # an edited volume: chapters by their own authors, the editors' introduction
            for entry in entries:
                if entry.get("title") == "Introduction" and editors:
                    entry["contributors"] = [p | {"role": "author"} for p in editors]
                elif "label" in entry:
                    count = 1 if rng.random() < 0.8 else 2
                    entry["contributors"] = [
                        person(k, "author") for k in rng.sample(authors, count)
                    ]
        # Back matter.
        for title, kind, chance, length in (
            ("Appendix", "appendix", 0.15, (5, 20)),
            ("Notes", "notes", 0.7, (10, 50)),
            ("Bibliography", "bibliography", 0.8, (8, 30)),
            ("Index", "index", 0.9, (5, 15)),
        ):
            if rng.random() < chance:
                entries.append(self.entry(title, pages.arabic(*length), kind, excerpt=False))
        if authors and rng.random() < 0.3:
            entries.append(self.entry("Contributors", pages.arabic(2, 5), None, excerpt=False))
        url = f"https://books.example.org/pdf/{book_id}" if rng.random() < 0.3 else None
        for position, entry in enumerate(entries, start=1):
            entry["pdf"] = {"size": self.pdf_size(entry.get("pages"))}
            if url:
                entry["pdf"]["url"] = f"{url}/{position}.pdf"
            if doi and "label" in entry:
                entry["doi"] = f"{doi}.{position}"
        return entries

    def entry(
        self, title: str | None, pages: str, kind: str | None, *, excerpt: bool = True
    ) -> Record:
        """A contents entry; one in five named ones printed without its title (pages only)."""
        rng = self.rng
        out: Record = {}
        if title and (kind is None or rng.random() < 0.8):
            out["title"] = title
        elif kind and rng.random() < 0.5:
            out["kind"] = kind
        out["pages"] = pages
        if excerpt and rng.random() < 0.85:
            out["excerpt"] = self.text(rng.gauss(300, 45), ending=" ...")
        return out

    def title(self) -> str:
        rng = self.rng
        noun, other = (w.capitalize() for w in rng.sample(WORDS, 2))
        adjective = rng.choice(ADJECTIVES).capitalize()
        return rng.choice(
            (
                f"{adjective} {noun}",
                f"The {noun} of {other}",
                f"{noun} and {other} in {rng.choice(PLACES)}",
                f"The {adjective} {noun}",
                f"{noun}, {other}, and the {adjective} {rng.choice(WORDS).capitalize()}",
            )
        )

    def subtitle(self) -> str:
        rng = self.rng
        start = rng.randint(1800, 1990)
        noun = rng.choice(WORDS).capitalize()
        return rng.choice(
            (
                f"{noun} in {rng.choice(PLACES)}, {start}–{start + rng.randint(2, 40)}",
                f"A History of {noun}",
                f"{rng.choice(ADJECTIVES).capitalize()} {noun} and Its Critics",
            )
        )

    def date(self) -> str:
        rng = self.rng
        year = rng.randint(1950, 2024)
        precision = rng.random()
        if precision < 0.8:
            return str(year)
        if precision < 0.9:
            return f"{year}-{rng.randint(1, 12):02d}"
        return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"

    def text(self, length: float, ending: str) -> str:
        """Sentences of 8-12 words, a verb third, to about `length` characters."""
        rng = self.rng
        target = max(120, int(length)) - 40
        sentences: list[str] = []
        size = 0
        while size < target:
            words = rng.choices(VOCABULARY, cum_weights=VOCABULARY_WEIGHTS, k=rng.randint(8, 12))
            words[2] = rng.choice(VERBS)
            sentence = " ".join(words)
            sentences.append(sentence[0].upper() + sentence[1:])
            size += len(sentence) + 2
        return ". ".join(sentences) + ending

    def pdf_size(self, pages: str | None) -> str:
        count = _page_count(pages) if pages else 2
        kilobytes = 20 + count * self.rng.uniform(3.5, 8.5)
        if self.rng.random() < 0.02:  # a scanned chapter
            kilobytes *= 40
        if kilobytes >= 1024:
            return f"{kilobytes / 1024:.1f} MB"
        return f"{kilobytes:.1f} KB"


class _Pages:
    """Page ranges that follow each other: roman for the front matter, then arabic from 1."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.next_roman = 5  # i-iv: the title page and its verso
        self.next_arabic = 1

    def roman(self, low: int, high: int) -> str:
        start = self.next_roman
        end = start + self.rng.randint(low, high) - 1
        self.next_roman = end + 1 + end % 2  # the next entry starts on a recto (odd) page
        return _range(int_to_roman(start), int_to_roman(end))

    def arabic(self, low: int, high: int) -> str:
        start = self.next_arabic
        end = start + self.rng.randint(low, high) - 1
        self.next_arabic = end + 1 + end % 2
        return _range(str(start), str(end))


def _range(start: str, end: str) -> str:
    return start if start == end else f"{start}-{end}"


def _page_count(pages: str) -> int:
    first, _, last = pages.partition("-")
    values = [int(p) if p.isdigit() else roman_to_int(p) or 1 for p in (first, last or first)]
    return values[1] - values[0] + 1
