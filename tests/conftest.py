"""Shared fixtures: the hand-typed seed record and its graph."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from rdflib import Graph

from bookrdf.mapping import to_triples
from bookrdf.model import Book
from bookrdf.records import parse_record, read_records
from bookrdf.vocab import Minter

# Property tests draw the same examples on every run, so that `make test` fails on a change and
# never on an unlucky draw; HYPOTHESIS_PROFILE=explore draws new ones each run (`make explore`).
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

FIXTURES = Path(__file__).parent / "fixtures"
SEED_RECORD = FIXTURES / "records" / "crisis.yaml"
# The seed without its ISBNs: a load of it asks a server nothing before its PUTs (the check for
# ISBNs that books in the store have), for tests of exactly those requests.
SEED_WITHOUT_ISBNS = FIXTURES / "records" / "crisis-no-isbn.yaml"
SEED_PAGE = Path(__file__).parent.parent / "data" / "raw" / "000_b131de8bda212195.txt"
BASE = "https://example.org/bookrdf/"
WORK = f"{BASE}book/crisis-in-north-korea"


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests keep what bookrdf caches (SPARQL analyses) out of the user's cache folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BOOKRDF_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="session")
def crisis() -> Book:
    return next(read_records(SEED_RECORD))


@pytest.fixture(scope="session")
def crisis_graph(crisis: Book) -> Graph:
    return graph_of(crisis)


def own_isbns(number: int) -> tuple[str, str]:
    """Two valid ISBN-13s of book `number` of a test catalogue, no other book's: the books of
    one run may not share an ISBN (their edition IRI is minted from it)."""
    found = []
    for body in (f"9791{2 * number:08d}", f"9791{2 * number + 1:08d}"):
        total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
        found.append(body + str((10 - total % 10) % 10))
    return found[0], found[1]


def with_own_isbns(record_text: str, number: int) -> str:
    """The seed record's text with the ISBNs of book `number` instead of the seed's."""
    electronic, printed = own_isbns(number)
    return record_text.replace("9780824862039", electronic).replace("9780824828097", printed)


def graph_of(book: Book, minter: Minter | None = None) -> Graph:
    graph = Graph()
    for triple in to_triples(book, minter or Minter()):
        graph.add(triple)
    return graph


def book_from(**fields: Any) -> Book:
    """A book from record fields, with an id and title unless given."""
    return parse_record({"id": "b", "title": "T", **fields}, "test")
