"""ISBNs a load would give to a second book: one the store already holds under another id.

A run refuses two of its own books claiming one ISBN (`claims`); this is the same rule across
runs. Each ISBN names one edition, whose IRI is minted from it, so a book loaded today with the
ISBN of a book loaded last month would share that book's edition node. The store is asked, in
batches, which works already link the editions this run's ISBNs mint; a work other than the
claiming book's, and not reloaded in this run, is a problem (and the run loads nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

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
    run_graphs: set[str] | None = None  # made only when a clash needs it: clashes are rare

    def in_run(graph: str) -> bool:
        nonlocal run_graphs
        if run_graphs is None:
            run_graphs = {str(minter.graph(book_id)) for book_id in claims.book_ids()}
        return graph in run_graphs

    batches = (
        [
            _Claim(minter.edition_iri(isbn), minter.work_iri(book_id), isbn, source, line)
            for isbn, book_id, source, line in batch
        ]
        for batch in claims.claims(BATCH)
    )
    return _held_elsewhere(batches, in_run, target, warn)


def editions_held_elsewhere(
    links: list[tuple[str, str, str]],
    run_graphs: set[str],
    target: Target,
    source: str,
    warn: Warn | None = None,
) -> list[Problem]:
    """`isbns_held_elsewhere` for RDF files: `links` are (edition IRI, work IRI, ISBN) as the
    files give them, `run_graphs` the named graphs the load replaces."""
    claims = [_Claim(edition, work, isbn, source, None) for edition, work, isbn in links]
    batches = (claims[at : at + BATCH] for at in range(0, len(claims), BATCH))
    return _held_elsewhere(batches, run_graphs.__contains__, target, warn)


@dataclass(frozen=True)
class _Claim:
    edition: str
    work: str
    isbn: str
    source: str
    line: int | None


def _held_elsewhere(
    batches: Iterable[list[_Claim]],
    in_run: Callable[[str], bool],
    target: Target,
    warn: Warn | None,
) -> list[Problem]:
    """A problem for each claim whose edition another work links in the store, in a graph
    that this run does not replace."""
    problems: list[Problem] = []
    for batch in batches:
        try:
            holders = _works_of_editions(target, {claim.edition for claim in batch})
        except (HttpStatusError, QueryError) as err:
            if warn is not None:
                answer = str(err).removeprefix(f"{target.where}: ")
                warn(Problem(target.where, None, "", f"{_SKIPPED} ({answer}); {_SKIPPED_ADVICE}"))
            return problems  # what earlier batches found still stands
        for claim in batch:
            others = {
                work
                for work, graph in holders.get(claim.edition, set())
                if work != claim.work and not in_run(graph)
            }
            for other in sorted(others):
                message = _message(claim.isbn, other, target)
                problems.append(Problem(claim.source, claim.line, "isbn", message))
    return problems


def _works_of_editions(target: Target, editions: Iterable[str]) -> dict[str, set[tuple[str, str]]]:
    """Edition IRI -> the (work, named graph) pairs that link it in the store."""
    values = " ".join(f"<{edition}>" for edition in sorted(editions))
    query = (
        f"SELECT ?edition ?work ?graph WHERE {{ VALUES ?edition {{ {values} }} "
        f"GRAPH ?graph {{ ?work <{SCHEMA.workExample}> ?edition }} }}"
    )
    try:
        rows = run_query(query, target, source="the check for ISBNs in the store").rows()
    except (HttpStatusError, QueryError):
        raise
    except StoreError as err:
        raise StoreError(f"{_CANNOT_ASK}: {err}") from None
    found: dict[str, set[tuple[str, str]]] = {}
    for row in rows:
        edition, work, graph = row.get("edition", ""), row.get("work", ""), row.get("graph", "")
        if all(term.startswith("<") for term in (edition, work, graph)):  # IRIs, as asked
            found.setdefault(edition[1:-1], set()).add((work[1:-1], graph[1:-1]))
    return found


def _message(isbn: str, other: str, target: Target) -> str:
    return (
        f"ISBN {isbn} is already the ISBN of the book <{other}> in {target.where}; an ISBN "
        "names one edition of one book: correct the ISBN, or load that book again in this "
        "run with its ISBN corrected"
    )
