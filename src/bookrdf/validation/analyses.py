"""What fragment.analyse finds in a constraint's query, kept so rdflib parses a query only once.

rdflib's SPARQL parser (pyparsing) takes 0.1–1 s per query: about 3 s for bookrdf's four, each
time a validator starts, and so in every worker of `--jobs N`. An analysis depends only on the
query text and its prefixes, so it is kept: for bookrdf's own shapes in analyses.json beside this
module (tests/test_validation_fast.py shows it is current), for other shapes in the user's cache
folder (BOOKRDF_CACHE_DIR, else $XDG_CACHE_HOME/bookrdf, else ~/.cache/bookrdf). A query whose
analysis is known is parsed by rdflib only if a batch must take rdflib's road (sparql.py).

Regenerate analyses.json after changing a shipped shape's query:
`python -m bookrdf.validation.analyses`.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import rdflib
from rdflib import URIRef
from rdflib.plugins.sparql import prepareQuery

from bookrdf.validation.fragment import Analysis, analyse

FORMAT = 1
SHIPPED = Path(__file__).with_name("analyses.json")


def query_analysis(text: str, namespaces: dict[str, str]) -> Analysis:
    """The analysis of a query: kept, or parsed and analysed now (and then kept)."""
    key = analysis_key(text, namespaces)
    found = shipped_analyses().get(key) or _read_cached(_cache_file(key))
    if found is not None:
        return analysis_from_json(found)
    analysis = analyse(prepareQuery(text, initNs=namespaces).algebra)
    kept = analysis_to_json(analysis)
    if kept is not None:
        _write_cached(_cache_file(key), kept)
    return analysis


def analysis_key(text: str, namespaces: dict[str, str]) -> str:
    """A digest of what the analysis depends on."""
    data = json.dumps([FORMAT, _prefixes_sorted(text), sorted(namespaces.items())])
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _prefixes_sorted(text: str) -> str:
    """The query with its leading PREFIX lines in order: pyshacl writes them in set order."""
    lines = text.split("\n")
    count = 0
    while count < len(lines) and lines[count].startswith("PREFIX "):
        count += 1
    return "\n".join(sorted(lines[:count]) + lines[count:])


def analysis_to_json(analysis: Analysis) -> dict[str, Any] | None:
    """Plain JSON for an analysis; None when a predicate is not an IRI (not kept then)."""
    terms = [*(analysis.predicates or ()), *analysis.inverse]
    if not all(type(term) is URIRef for term in terms):
        return None
    predicates = None if analysis.predicates is None else sorted(map(str, analysis.predicates))
    return {
        "batchable": analysis.batchable,
        "predicates": predicates,
        "inverse": sorted(map(str, analysis.inverse)),
    }


def analysis_from_json(data: dict[str, Any]) -> Analysis:
    predicates = data["predicates"]
    return Analysis(
        bool(data["batchable"]),
        None if predicates is None else frozenset(URIRef(p) for p in predicates),
        frozenset(URIRef(p) for p in data["inverse"]),
    )


@cache
def shipped_analyses() -> dict[str, dict[str, Any]]:
    """The analyses of bookrdf's own shapes, by key."""
    try:
        found = json.loads(SHIPPED.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def cache_folder() -> Path:
    explicit = os.environ.get("BOOKRDF_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "bookrdf"


def _cache_file(key: str) -> Path:
    # rdflib's version is part of the name: another parser may translate a query differently
    return cache_folder() / "sparql-analyses" / f"{key[:32]}-rdflib-{rdflib.__version__}.json"


def _read_cached(path: Path) -> dict[str, Any] | None:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    valid = isinstance(found, dict) and {"batchable", "predicates", "inverse"} <= found.keys()
    return found if valid else None


def _write_cached(path: Path, data: dict[str, Any]) -> None:
    """Keep an analysis; a cache that cannot be written only costs time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", dir=path.parent, suffix=".tmp", delete=False, encoding="utf-8"
        ) as out:
            json.dump(data, out)
        os.replace(out.name, path)
    except OSError:
        return


def analyses_of_shipped_shapes() -> dict[str, dict[str, Any]]:
    """The analyses of bookrdf's own shapes, parsed now (what analyses.json must hold)."""
    # imported here: the engine imports this module
    from bookrdf.validation.engine import Engine
    from bookrdf.validation.shapes import load_shapes

    found: dict[str, dict[str, Any]] = {}
    for constraint in Engine(load_shapes()).sparql:
        for query in constraint.queries:
            analysis = analyse(prepareQuery(query.text, initNs=query.namespaces).algebra)
            kept = analysis_to_json(analysis)
            if kept is not None and query.batch_candidate:
                found[analysis_key(query.text, query.namespaces)] = kept
    return dict(sorted(found.items()))


def main() -> None:
    SHIPPED.write_text(
        json.dumps(analyses_of_shipped_shapes(), indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"wrote {SHIPPED}")


if __name__ == "__main__":
    main()
