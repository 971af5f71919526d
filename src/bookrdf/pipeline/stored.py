"""ISBNs a load would give to a second book: one the store already holds under another id.

A run refuses two of its own books claiming one ISBN (`claims`); this is the same rule across
runs. Each ISBN names one edition, whose IRI is minted from it, so a book loaded today with the
ISBN of a book loaded last month would share that book's edition node. The store is asked, in
batches, which works already link the editions this run's ISBNs mint; a work other than the
claiming book's, and not reloaded in this run, is a problem (and the run loads nothing).
"""

from __future__ import annotations

from collections.abc import Iterable

from bookrdf.errors import Problem, QueryError, StoreError
from bookrdf.pipeline.claims import RunClaims
from bookrdf.query.run import run_query
from bookrdf.store import EmbeddedStore, Target
from bookrdf.vocab import SCHEMA, Minter

BATCH = 500  # editions asked about in one query


def isbns_held_elsewhere(claims: RunClaims, target: Target, minter: Minter) -> list[Problem]:
    """A problem for each ISBN of this run that a book not in this run has in the store."""
    if isinstance(target, EmbeddedStore) and _empty(target):
        return []  # the common first load of a catalogue: nothing to ask
    problems: list[Problem] = []
    run_works: set[str] | None = None  # made only when a clash needs it: clashes are rare
    for batch in claims.claims(BATCH):
        holders = _works_of_editions(target, {minter.edition_iri(isbn) for isbn, *_ in batch})
        for isbn, book_id, source, line in batch:
            others = holders.get(minter.edition_iri(isbn), set()) - {minter.work_iri(book_id)}
            if others and run_works is None:
                run_works = {minter.work_iri(other) for other in claims.book_ids()}
            for other in sorted(others - (run_works or set())):
                problems.append(Problem(source, line, "isbn", _message(isbn, other, target)))
    return problems


def _empty(store: EmbeddedStore) -> bool:
    return next(store.oxigraph.quads_for_pattern(None, None, None, None), None) is None


def _works_of_editions(target: Target, editions: Iterable[str]) -> dict[str, set[str]]:
    """Edition IRI -> the works that link it in the store (in any book's graph)."""
    values = " ".join(f"<{edition}>" for edition in sorted(editions))
    query = (
        f"SELECT ?edition ?work WHERE {{ VALUES ?edition {{ {values} }} "
        f"GRAPH ?graph {{ ?work <{SCHEMA.workExample}> ?edition }} }}"
    )
    try:
        rows = run_query(query, target, source="the check for ISBNs in the store").rows()
    except QueryError as err:
        raise StoreError(
            f"{target.where}: cannot ask the store which books have this run's ISBNs: {err}"
        ) from None
    found: dict[str, set[str]] = {}
    for row in rows:
        found.setdefault(row["edition"][1:-1], set()).add(row["work"][1:-1])
    return found


def _message(isbn: str, other: str, target: Target) -> str:
    return (
        f"ISBN {isbn} is already the ISBN of the book <{other}> in {target.where}; an ISBN "
        "names one edition of one book: correct the ISBN, or load that book again in this "
        "run with its ISBN corrected"
    )
