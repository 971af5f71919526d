"""A realistic synthetic catalogue: N canonical records, the same bytes for the same seed.

Each book is drawn from its own `random.Random`, seeded with the catalogue's seed and the
book's number, so a book does not depend on the ones before it: any slice of a catalogue can
be drawn alone (a worker, a partition) and comes out the same. Identifiers that must be unique
across the catalogue (ISBNs, ids) or consistent across books (a person's ORCID iD and name, a
publisher's place) are computed from numbers, not drawn, so a million books never collide.
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Any

from stdnum.iso7064 import mod_11_2

from bookrdf.errors import ConfigError
from bookrdf.model import int_to_roman, roman_to_int
from bookrdf.publish.files import atomic_files
from bookrdf.vocab import slug

Record = dict[str, Any]
FORMATS = ("jsonl", "csv")
BOOKS_COLUMNS = (
    "book_id", "title", "subtitle", "authors", "editors", "translators", "contributors",
    "publisher", "publisher_place", "published", "language", "description", "isbn_print",
    "isbn_electronic", "doi", "url", "license", "subjects",
)  # fmt: skip
CHAPTERS_COLUMNS = (
    "book_id", "position", "label", "title", "kind", "pages", "authors", "pdf_size", "pdf_url",
    "excerpt", "doi",
)  # fmt: skip
# The CSV importer keeps people in column order: records list them by role in the same order.
_ROLE_COLUMNS = {"author": "authors", "editor": "editors", "translator": "translators",
                 "contributor": "contributors"}  # fmt: skip


def _listed(text: str, separator: str | None = None) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(separator) if item.strip())


# No two names fold to the same ASCII slug: a person without an ORCID iD gets an IRI minted
# from the slug of their name, and two people with one IRI would have two names.
GIVEN = _listed(
    """Andrei N., Maria, James, Aiko, Øyvind, Zoë, José, Małgorzata, Chinedu, Priya,
    Henrik, Fatima, Lucía, Mehmet, Anh, Ingrid, Kwame, Sofía, Dmitri, Hannah, Rafael, Yuki, Amélie,
    Tomasz, Leila, Björn, Nadia, Samuel, Mei, Olusegun, Clara, Arjun, Eleni, Pedro, Siobhán, Kenji,
    Ewa, Jürgen, Thandiwe, William, Ruth, Hyun-woo, Ana, François, Gabriela, Ibrahim, Lars, Marta,
    Noor, Oskar, Paula, Rashid, Sven, Teresa, Valentina, Wei, Yasmin, Zainab, Élodie, Mikhail""",
    ",",
)
FAMILY = _listed(
    """Lankov, Müller, Đặng, Nørgaard, Smith, García, Nakamura, Kowalski, Okafor,
    Sharma, Johansson, Haddad, Fernández, Yılmaz, Nguyễn, Berg, Mensah, Ivanova, Cohen, Rossi,
    Tanaka, Dubois, Nowak, Karimi, Lindqvist, Petrov, Adeyemi, Schmidt, Chen, Wójcik, Papadopoulos,
    Silva, Ó Briain, Watanabe, Kim, Park, Moreau, Oliveira, Hassan, Eriksson, Bianchi, Jones,
    Novák, Çelik, Singh, Wright, Horvát, Sato, Andersen, Lopes, Zhang, Mbeki, Kovačević, Lefèvre,
    Ahmed, Brennan, Santos, Vogel, Rahman, Marchetti""",
    ",",
)
# People known by one name as printed, without name parts (a CSV cell without a comma).
WHOLE_NAMES = ("王伟", "山田花子", "김민준", "Rabindra", "Ngũgĩ wa Thiong'o", "Kalidasa")
# A publisher is always in the same place: its IRI is minted from its name.
PUBLISHERS = (
    ("University of Hawai'i Press", "Honolulu"), ("Ashgrove University Press", "Oxford"),
    ("Meridian Academic", "London"), ("Presses de l'Université de Lumière", "Lyon"),
    ("Verlag Müller & Söhne", "Zürich"), ("Northfield Press", None),
    ("Editora Atlântica", "São Paulo"), ("Harbour Scholarly Books", "Wellington"),
    ("Wydawnictwo Kraków", "Kraków"), ("Lakeside University Press", "Chicago"),
    ("Nordic Academic Publishing", "Oslo"), ("Pacific Rim Books", None),
)  # fmt: skip
LANGUAGES = ("en", "de", "fr", "es", "pt-BR", "ja", "nb")
LANGUAGE_WEIGHTS = (80, 5, 5, 4, 2, 2, 2)
SUBJECTS = _listed(
    """History; Korea -- History -- 1945-; Political science; Economic history;
    Cold War; Literature -- Translations; Anthropology; Urban studies; Environmental history;
    Philosophy; Religion; Art history; Sociology; Migration; Labor movement; Women's studies;
    Colonialism; Linguistics""",
    ";",
)
LICENSES = ("CC-BY-4.0", "CC-BY-NC-ND-4.0", "https://creativecommons.org/licenses/by-sa/4.0/")
WORDS = _listed("""archive state reform party society history memory empire border city river
    labor market nation village family court church school press army trade colony frontier
    province revolution movement culture identity language ritual landscape economy crisis policy
    war peace treaty alliance faction leadership opposition purge campaign congress delegation
    power authority knowledge science medicine body gender kinship migration exile diaspora
    translation literature poetry novel theatre music image print reader audience censorship""")
ADJECTIVES = _listed("""early modern colonial imperial postwar rural urban global local hidden
    forgotten contested moral political social intellectual material visual northern southern
    eastern western unfinished radical quiet long uncertain divided shared sacred secular""")
FILLER = _listed("""the of and in to a that is was for on as with by from this his their which
    its were have been these not but at between during after before under within across through""")
VERBS = _listed("""shows argues traces examines reveals explores reconstructs demonstrates
    documents follows questions situates challenges revisits considers maps""")
PLACES = _listed(
    """Pyongyang, Seoul, Kraków, Zürich, São Paulo, Montréal, Reykjavík, Hanoi,
    Istanbul, Lagos, Lima, Bogotá, Kyoto, Odesa, Trondheim, Gdańsk, Marseille, Dakar""",
    ",",
)

# Running text: nouns mostly, function words, and a place now and then (some non-ASCII).
_VOCABULARY = (*WORDS, *FILLER, *PLACES)
_VOCABULARY_WEIGHTS = tuple(
    accumulate([6.0] * len(WORDS) + [10.0] * len(FILLER) + [1.5] * len(PLACES))
)


@dataclass(frozen=True)
class Catalogue:
    """What `write_catalogue` wrote: its files, books and contents entries."""

    files: tuple[Path, ...]
    books: int
    entries: int


def generate_records(count: int, seed: int = 0, start: int = 0) -> Iterator[Record]:
    """`count` book records (canonical record dicts), drawn lazily one by one."""
    if count < 0:
        raise ConfigError(f"{count} books: the number of books must be 0 or more")
    return (generate_record(seed, number) for number in range(start, start + count))


def generate_record(seed: int, number: int) -> Record:
    """Book `number` of the catalogue drawn with `seed`."""
    return _Draw(random.Random(f"bookrdf:{seed}:{number}"), seed, number).book()


def write_catalogue(
    out: Path,
    count: int,
    seed: int = 0,
    fmt: str = "jsonl",
    on_book: Callable[[Record], None] | None = None,
) -> Catalogue:
    """Write `count` books to `out`: books.jsonl, or books.csv and chapters.csv (the layout
    `bookrdf import csv` reads). Streamed book by book; files renamed into place at the end."""
    if fmt not in FORMATS:
        raise ConfigError(f"{fmt!r} is not a catalogue format; use one of {', '.join(FORMATS)}")
    records = generate_records(count, seed)
    names = ["books.jsonl"] if fmt == "jsonl" else ["books.csv", "chapters.csv"]
    books = entries = 0
    with atomic_files(out, names) as handles:
        if fmt == "csv":
            handles["books.csv"].write(_csv_text([BOOKS_COLUMNS]))
            handles["chapters.csv"].write(_csv_text([CHAPTERS_COLUMNS]))
        for record in records:
            if fmt == "jsonl":
                handles["books.jsonl"].write(json_line(record))
            else:
                book_row, chapter_rows = csv_rows(record)
                handles["books.csv"].write(_csv_text([book_row]))
                handles["chapters.csv"].write(_csv_text(chapter_rows))
            books += 1
            entries += len(record["chapters"])
            if on_book:
                on_book(record)
    return Catalogue(tuple(out / name for name in names), books, entries)


def json_line(record: Record) -> bytes:
    """One record as a line of JSON Lines."""
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def csv_rows(record: Record) -> tuple[list[str], list[list[str]]]:
    """One record as a books.csv row and its chapters.csv rows (columns as in docs/importers.md)."""
    people = _people_cells(record.get("contributors", []))
    isbns = {isbn["format"]: isbn["value"] for isbn in record.get("isbn", [])}
    publisher = record.get("publisher", {})
    cells = (
        _text_fields(record)
        | people
        | {
            "book_id": record["id"],
            "publisher": publisher.get("name"),
            "publisher_place": publisher.get("place"),
            "isbn_print": isbns.get("print"),
            "isbn_electronic": isbns.get("electronic"),
            "subjects": "; ".join(record.get("subjects", [])) or None,
        }
    )
    chapters = []
    for position, chapter in enumerate(record.get("chapters", []), start=1):
        pdf = chapter.get("pdf", {})
        chapter_cells = (
            _text_fields(chapter)
            | _people_cells(chapter.get("contributors", []))
            | {
                "book_id": record["id"],
                "position": str(position),
                "pdf_size": pdf.get("size"),
                "pdf_url": pdf.get("url"),
            }
        )
        chapters.append([chapter_cells.get(column) or "" for column in CHAPTERS_COLUMNS])
    return [cells.get(column) or "" for column in BOOKS_COLUMNS], chapters


def _text_fields(record: Record) -> dict[str, str]:
    return {key: value for key, value in record.items() if isinstance(value, str)}


def _people_cells(people: Sequence[Record]) -> dict[str, str]:
    """People as CSV cells, one column per role: "Family, Given <ORCID>", separated by "; "."""
    cells: dict[str, list[str]] = {}
    for person in people:
        text = (
            f"{person['family_name']}, {person['given_name']}"
            if "family_name" in person
            else person["name"]
        )
        if orcid := person.get("identifiers", {}).get("orcid"):
            text += f" <{orcid}>"
        cells.setdefault(_ROLE_COLUMNS[person["role"]], []).append(text)
    return {column: "; ".join(texts) for column, texts in cells.items()}


def _csv_text(rows: Sequence[Sequence[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


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
            words = rng.choices(_VOCABULARY, cum_weights=_VOCABULARY_WEIGHTS, k=rng.randint(8, 12))
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
