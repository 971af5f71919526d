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
from bookrdf.pipeline.inputs import Warn
from bookrdf.query.run import run_query
from bookrdf.store import EmbeddedStore, HttpStatusError, Target
from bookrdf.vocab import SCHEMA, Minter

BATCH = 500  # editions asked about in one query
_SKIPPED = "the check for ISBNs that books in the store already have was skipped"
_SKIPPED_ADVICE = "give --endpoint the server's SPARQL query URL to have it"
_CANNOT_ASK = "cannot ask the store which books already have this run's ISBNs"


def isbns_held_elsewhere(
    claims: RunClaims, target: Target, minter: Minter, warn: Warn | None = None
) -> list[Problem]:
    """A problem for each ISBN of this run that a book not in this run has in the store. A
    server that answers the question with an error (its `--endpoint` takes no queries) gets a
    warning, and the load goes on as before this check; one that cannot be reached stops it."""
    if isinstance(target, EmbeddedStore) and target.is_empty():
        return []  # the common first load of a catalogue: nothing to ask
    problems: list[Problem] = []
    run_works: set[str] | None = None  # made only when a clash needs it: clashes are rare
    for batch in claims.claims(BATCH):
        editions = [minter.edition_iri(isbn) for isbn, *_ in batch]
        try:
            holders = _works_of_editions(target, set(editions))
        except (HttpStatusError, QueryError) as err:
            if warn is not None:
                answer = str(err).removeprefix(f"{target.where}: ")
                warn(Problem(target.where, None, "", f"{_SKIPPED} ({answer}); {_SKIPPED_ADVICE}"))
            return problems  # what earlier batches found still stands
        for edition, (isbn, book_id, source, line) in zip(editions, batch, strict=True):
            others = holders.get(edition, set()) - {minter.work_iri(book_id)}
            if others and run_works is None:
                run_works = {minter.work_iri(other) for other in claims.book_ids()}
            for other in sorted(others - (run_works or set())):
                problems.append(Problem(source, line, "isbn", _message(isbn, other, target)))
    return problems


def _works_of_editions(target: Target, editions: Iterable[str]) -> dict[str, set[str]]:
    """Edition IRI -> the works that link it in the store (in any book's graph)."""
    values = " ".join(f"<{edition}>" for edition in sorted(editions))
    query = (
        f"SELECT ?edition ?work WHERE {{ VALUES ?edition {{ {values} }} "
        f"GRAPH ?graph {{ ?work <{SCHEMA.workExample}> ?edition }} }}"
    )
    try:
        rows = run_query(query, target, source="the check for ISBNs in the store").rows()
    except (HttpStatusError, QueryError):
        raise
    except StoreError as err:
        raise StoreError(f"{_CANNOT_ASK}: {err}") from None
    found: dict[str, set[str]] = {}
    for row in rows:
        edition, work = row.get("edition", ""), row.get("work", "")
        if edition.startswith("<") and work.startswith("<"):  # IRIs, as asked
            found.setdefault(edition[1:-1], set()).add(work[1:-1])
    return found


def _message(isbn: str, other: str, target: Target) -> str:
    return (
        f"ISBN {isbn} is already the ISBN of the book <{other}> in {target.where}; an ISBN "
        "names one edition of one book: correct the ISBN, or load that book again in this "
        "run with its ISBN corrected"
    )
